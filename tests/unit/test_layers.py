"""The layers, checked by importing each alone in a fresh interpreter: the ground (the shared
entities' tables) and core import no domain module, the engines import no module that uses them,
and the worker processes load no web stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "incubator"
NOT_DOMAIN = {"ground", "core", "settings", "piccolo_conf", "piccolo_app"}
ENGINES = ("workitems", "scoring", "sheets")


def imported_by(module: str) -> tuple[set[str], bool]:
    """(the incubator packages a fresh interpreter has loaded after importing `module`,
    whether Litestar was loaded too)."""
    code = (
        "import importlib, json, sys; importlib.import_module(sys.argv[1]); "
        "print(json.dumps([sorted({n.split('.')[1] for n in sys.modules "
        "if n.startswith('incubator.')}), 'litestar' in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, module], capture_output=True, text=True, check=True
    )
    packages, litestar = json.loads(done.stdout.strip().splitlines()[-1])
    return set(packages), litestar


def modules_of(package: str) -> list[str]:
    return sorted(
        f"incubator.{package}.{path.stem}"
        for path in (PACKAGE / package).glob("*.py")
        if path.stem != "__init__"
    )


@pytest.mark.parametrize("module", modules_of("ground") + modules_of("core"))
def test_ground_and_core_import_no_domain_module(module):
    packages, _litestar = imported_by(module)
    assert packages - NOT_DOMAIN == set(), sorted(packages - NOT_DOMAIN)


@pytest.mark.parametrize("module", [m for e in ENGINES for m in modules_of(e)])
def test_an_engine_imports_no_module_that_uses_it(module):
    packages, _litestar = imported_by(module)
    engine = module.split(".")[1]
    # The regions registry (communities for a filter) uses no engine but the import engine:
    # allowed to the others, and kept so below.
    allowed = {engine} | ({"regions"} if engine != "sheets" else set())
    assert packages - NOT_DOMAIN - allowed == set(), sorted(packages)


@pytest.mark.parametrize("module", modules_of("regions"))
def test_the_regions_registry_uses_no_engine_but_the_import_engine(module):
    packages, _litestar = imported_by(module)
    assert not packages & {"workitems", "scoring"}, sorted(packages)


@pytest.mark.parametrize(
    ("module", "own"),
    [
        ("incubator.reporting.worker", "reporting"),
        ("incubator.reporting.templates", "reporting"),
        ("incubator.sheets.reader", "sheets"),  # the import's checking process
    ],
)
def test_the_worker_processes_load_no_web_stack_and_no_domain(module, own):
    packages, litestar = imported_by(module)
    assert not litestar
    assert packages - NOT_DOMAIN <= {own}, sorted(packages)
