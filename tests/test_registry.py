"""Registering checks: built-in, a user's folder and the entry-point group, selected by code."""

import sys
import textwrap

import pytest

from auditkit import load_checks
from auditkit.registry import select
from tests.conftest import FIXTURES, audit

# the checks these tests register (XX901, XX902) must not reach other tests (tests/test_programs.py
# requires every registered check's family to be declared)
pytestmark = pytest.mark.usefixtures("registry_restored")

RULES_MD_SETTLEMENT_CODES = {"ST001", "ST002", "ST003", "ST004", "ST005", "ST006", "AR001", "AR002", "FE001"}


def test_builtin_checks_register_every_settlement_code_with_citation_and_rule():
    specs = load_checks()
    assert RULES_MD_SETTLEMENT_CODES <= set(specs)
    for code in RULES_MD_SETTLEMENT_CODES:
        assert "内财社〔2025〕357号" in specs[code].cites or "塔地财社" in specs[code].cites
        assert specs[code].rule  # the first paragraph of the docstring


def test_select_and_ignore_take_prefixes():
    specs = load_checks()
    chosen = [s.code for s in select(specs, ["ST", "AR002"], ["ST005"])]
    assert "ST001" in chosen and "AR002" in chosen
    assert "ST005" not in chosen and "AR001" not in chosen and "FE001" not in chosen


def test_a_users_checks_dir_registers_like_a_builtin(tmp_path):
    """A user's rule: no 盟市 may be pre-allocated more than 1,000,000 元. In settlement-ok only
    包头市 (1,030,000) breaks it."""
    (tmp_path / "local_rules.py").write_text(textwrap.dedent('''
        from auditkit import Finding, check

        @check("XX901", "预拨资金超过本局限额", cites="本局规定", needs=["settlement.preallocated"], severity="warning")
        def preallocation_cap(sub, rules):
            """预拨资金不得超过一百万元。"""
            for row in sub.table("settlement").rows():
                if row["preallocated"] > 1000000:
                    yield Finding(region=row["region"], condition="超过限额", recommendation="核实")
    '''), encoding="utf-8")
    specs = load_checks([tmp_path])
    assert specs["XX901"].criteria == "预拨资金不得超过一百万元（本局规定）。"  # one full stop, after the citation (issue 17)
    from auditkit import load_package, load_rulebook
    from auditkit.runner import run

    sub = load_package(FIXTURES / "settlement-ok")
    result = run(sub, load_rulebook("nmg"), [specs["XX901"]])
    assert [(f.code, f.region, f.severity) for f in result.findings] == [("XX901", "包头市", "warning")]


def test_checks_registered_through_the_entry_point_group_are_loaded(tmp_path, monkeypatch):
    """A distribution on sys.path whose entry_points.txt names a module under auditkit.checks."""
    (tmp_path / "acme_checks.py").write_text(textwrap.dedent('''
        from auditkit import Finding, check

        @check("XX902", "示例第三方检查", cites="第三方规则", needs=["settlement"], severity="info")
        def always_listed(sub, rules):
            """每个数据包列出一条提示。"""
            yield Finding(condition="第三方检查已运行", recommendation="无")
    '''), encoding="utf-8")
    info = tmp_path / "acme_checks-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-checks\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[auditkit.checks]\nacme = acme_checks\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert "XX902" in load_checks()
    finally:  # an installed check runs on every package: uninstall it, or later tests see its note
        from auditkit.registry import REGISTRY

        REGISTRY.pop("XX902", None)
        sys.modules.pop("acme_checks", None)


def test_a_check_whose_table_is_absent_is_skipped_with_the_reason():
    # 塔城's published tables in one workbook: no local funds, no vouchers
    result = audit(FIXTURES / "workbook-package" / "tacheng-2020.xlsx", "AR001")
    assert [(s.code, s.reason) for s in result.skipped] == [
        ("AR001", "数据包中没有地方财政补助资金到位表；或数据包中没有资金支付凭证表")]
