# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install system-packages messages bench fuzz sqlmap

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("需要 Python 3.11 或更新版本 (Python 3.11+ required)" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

system-packages:
	@bash scripts/system-packages.sh $(EXTRA_PACKAGES)

run: install system-packages
	$(BIN)/incubator migrate
	$(BIN)/incubator seed-demo
	$(BIN)/incubator serve

# One pytest worker per core (TEST_WORKERS=0 runs in this process, for a debugger or -s).
TEST_WORKERS ?= auto
test: install system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# After changing user-visible text: extract the strings, then translate the new ones in the .po.
# The app compiles the .po in memory at start-up (core/i18n.py): there is no .mo to build or commit.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output --ignore-dirs=".*" \
		-o incubator/translations/messages.pot .
	$(BIN)/pybabel update -i incubator/translations/messages.pot -d incubator/translations \
		--no-fuzzy-matching --ignore-obsolete

bench: install
	$(BIN)/python tests/bench/bench_pages.py

# The security suites with many more generated inputs than CI uses (INCUBATOR_FUZZ_EXAMPLES:
# CI runs 1,000 per form handler and 25 per API operation; this runs 5,000 of each, drawn anew:
# the form handlers alone take about 25 minutes on two cores).
FUZZ_EXAMPLES ?= 5000
fuzz: install system-packages
	INCUBATOR_FUZZ_RANDOM=1 INCUBATOR_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) \
		tests/security/test_form_fuzz.py tests/security/test_openapi_schemathesis.py $(PYTEST_ARGS)

# sqlmap (apt-get install sqlmap) against the list pages, reports and API, signed in; outside CI.
sqlmap: install
	$(BIN)/python tests/bench/sqlmap_scan.py
