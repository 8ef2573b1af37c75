"""The program catalogue (auditkit/programs.py) is the one place a program is declared: every
check's family and program are declared there, and every table it names is a known table."""

from __future__ import annotations

import re

from auditkit.programs import FAMILIES, OTHER_FAMILY, PROGRAMS, family_of
from auditkit.registry import load_checks
from auditkit.schemas import TABLES


def test_every_check_belongs_to_a_declared_family_of_each_program_it_serves():
    """Like ruff's test for an undocumented rule: a new prefix must be given a heading (else its
    findings fall under 其他方面) and be listed by each program whose packages it checks."""
    prefixes = {family.prefix for family in FAMILIES}
    for code, spec in load_checks().items():
        prefix = re.match(r"[A-Z]+", code).group(0)
        assert prefix in prefixes, f"{code}: declare family {prefix} in auditkit/programs.py FAMILIES"
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
    assert family_of("ST002")[1] == "结算资金计算方面"
    assert family_of("ZZ001") == (len(FAMILIES), OTHER_FAMILY)
    assert [family_of(f.prefix + "001")[0] for f in FAMILIES] == list(range(len(FAMILIES)))
