"""Shared helpers: run auditkit on a fixture package the way the CLI does, through the public API."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from auditkit import load_checks, load_package, load_rulebook
from auditkit.registry import select
from auditkit.runner import Result, run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def audit(package: str | Path, codes: str = "", rulebook: Path | None = None) -> Result:
    """Load a fixture package and run the selected checks (all when ``codes`` is empty)."""
    path = package if isinstance(package, Path) else FIXTURES / package
    sub = load_package(path)
    rules = load_rulebook(sub.manifest.jurisdiction, rulebook)
    specs = list(select(load_checks(), [c for c in codes.split(",") if c]))
    return run(sub, rules, specs)


def only(result: Result, code: str):
    """The findings of one code."""
    return [f for f in result.findings if f.code == code]


def yuan(text: str) -> Decimal:
    return Decimal(text)


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def registry_restored():
    """A test that registers checks of its own (a user's folder, an entry point) leaves the
    registry as it found it: the checks it added, their origins and the modules that defined
    them are forgotten afterwards, so that no other test sees them whatever the order. The
    built-ins are loaded first, so that they are part of what is kept."""
    from auditkit import registry

    load_checks()
    checks, origins = dict(registry.REGISTRY), dict(registry._ORIGIN)
    yield
    added = {spec.function.__module__ for code, spec in registry.REGISTRY.items() if code not in checks}
    registry.REGISTRY.clear()
    registry.REGISTRY.update(checks)
    registry._ORIGIN.clear()
    registry._ORIGIN.update(origins)
    for name in added:
        sys.modules.pop(name, None)
