"""The layers, checked by importing each alone in a fresh interpreter: core imports no domain
module, the engines import no module that uses them, and the render workers load no web stack.

Still open (issue 11, the ground package): the shared entities (User in accounts, Organization,
Community) live in domain modules, and core.tables' stored files and the engines' tables hold
foreign keys to them. Those imports are allowed below by name and nothing else is, so the
list can only shrink.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "incubator"
NOT_DOMAIN = {"core", "settings", "piccolo_conf", "piccolo_app"}
# Modules that hold the shared entities today: to move below core.
SHARED_ENTITIES = {"accounts", "organizations", "regions"}
# Core modules that reach the shared entities through core.tables (StoredFile's foreign keys).
THROUGH_CORE_TABLES = {"audit", "audit_views", "file_views", "files", "jobs", "sequences", "tables"}
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


@pytest.mark.parametrize("module", modules_of("core"))
def test_core_imports_no_domain_module(module):
    packages, _litestar = imported_by(module)
    allowed = SHARED_ENTITIES if module.rsplit(".", 1)[1] in THROUGH_CORE_TABLES else set()
    assert packages - NOT_DOMAIN <= allowed, sorted(packages - NOT_DOMAIN - allowed)


@pytest.mark.parametrize("module", [m for e in ENGINES for m in modules_of(e)])
def test_an_engine_imports_no_module_that_uses_it(module):
    packages, _litestar = imported_by(module)
    engine = module.split(".")[1]
    assert packages - NOT_DOMAIN - {engine} <= SHARED_ENTITIES, sorted(packages)


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
