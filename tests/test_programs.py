"""The program catalogue (auditkit/programs.py) is the one place a program is declared, and each
checks module declares the families of its codes (issue 17): every check has a family, a
documented rule and a known program, and every table a program names is a known table."""

from __future__ import annotations

import re

import textwrap

from auditkit.programs import OTHER_FAMILY, PROGRAMS, families, family_of
from auditkit.registry import FAMILIES, REGISTRY, load_checks
from auditkit.schemas import TABLES


def test_every_check_belongs_to_a_declared_family_of_each_program_it_serves():
    """Like ruff's test for an undocumented rule: a new prefix must be declared by its checks
    module (``family(prefix, heading, order=…)``; else its findings fall under 其他方面), its rule
    documented in the check's docstring, and be listed by each program whose packages it checks."""
    prefixes = {family.prefix for family in families()}
    for code, spec in load_checks().items():
        prefix = re.match(r"[A-Z]+", code).group(0)
        assert prefix in prefixes, f"{code}: declare family {prefix} in its checks module: family(\"{prefix}\", …)"
        assert family_of(code)[1] != OTHER_FAMILY
        assert spec.rule.strip(), f"{code}: document the rule in the check's docstring (its first paragraph)"
        assert spec.cites.strip(), f"{code}: register the check with its citation (cites=…)"
        for program in spec.programs:
            assert program in PROGRAMS, f"{code} names unknown program {program}"
            assert prefix in PROGRAMS[program].families, f"{code}: list {prefix} in {program}'s families"


def test_tables_of_each_program_are_known_and_required_ones_are_sheets():
    for program in PROGRAMS.values():
        assert set(program.tables) <= set(TABLES), program.key
        assert set(program.required) <= set(program.sheets), program.key
        assert program.subject and program.name
        if program.assessment is not None:
            assert program.assessment.table in program.tables


def test_family_order_and_fallback():
    """Money first (ST, AR, FE), then enrollment, deadlines and the rest, as each module orders
    itself; a code no module declares comes last under 其他方面."""
    ordered = families()
    assert [f.prefix for f in ordered[:4]] == ["ST", "AR", "FE", "EN"]
    assert family_of("ST002")[1] == "结算资金计算方面"
    assert family_of("ZZ001") == (len(ordered), OTHER_FAMILY)
    assert [family_of(f.prefix + "001")[0] for f in ordered] == list(range(len(ordered)))


def test_every_declared_family_has_a_check_and_each_is_declared_once():
    """A heading without a check would be a family no review can show; a family declared in
    two modules would let its heading drift."""
    load_checks()
    prefixes = {re.match(r"[A-Z]+", code).group(0) for code in REGISTRY}
    assert set(FAMILIES) <= prefixes


def test_a_users_module_declares_its_own_family(tmp_path):
    """A user's checks folder declares its family the way the built-in modules do: its finding
    is grouped under its own heading, not 其他方面 (and a second, different declaration of the
    same prefix is refused)."""
    (tmp_path / "own_family.py").write_text(textwrap.dedent('''
        from auditkit import Finding, check, family

        family("QQ", "本局自定事项方面", order=500)

        @check("QQ901", "本局自定检查", cites="本局规定", needs=["settlement"], severity="warning")
        def own(sub, rules):
            """本局自定的规则。"""
            return iter(())
    '''), encoding="utf-8")
    load_checks([tmp_path])
    assert family_of("QQ901")[1] == "本局自定事项方面"
    assert family_of("QQ901")[0] == len(families()) - 1  # order 500: after every built-in family
    import pytest

    from auditkit.registry import family

    with pytest.raises(ValueError):
        family("QQ", "另一标题", order=500)
    FAMILIES.pop("QQ")  # the user's family leaves the registry as the user's checks do
