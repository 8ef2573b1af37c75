"""Contributions and regional pooling (seed 003, a draft): CT001–CT005.

contributions-ok, with the region's last-year average wage A = 90,000 元 ([funds] average_wage):

    CT001  甲公司  average 60,000 < 80% × 90,000 = 72,000 → 72,000 × 100 = 7,200,000
           乙公司  average 300,000 > 300% × 90,000 = 270,000 → 270,000 × 10 = 2,700,000
           丙公司  average 100,000 within [72,000, 270,000] → 100,000 × 50 = 5,000,000
           张某 (employee) own wage 85,000; 李某 (flexible) 80% × 90,000 = 72,000;
           王某 (unemployment benefit) 60% × 90,000 = 54,000
    CT002  呼和浩特市 7.5% ≥ 7%, 2%; 包头市 7% ≥ 7%, 2%
    CT003  呼和浩特市 65,000,000 / 1,000,000,000 = 6.5%; 包头市 48,000,000 / 800,000,000 = 6%
    CT004  year 2027: window 2026-09-01 – 2026-12-31; both regions collect inside it
    CT005  呼和浩特市 职工 1,900,000,000 ≤ 2,000,000,000; 居民 1,000,000,000 ≤ 1,000,000,000
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from auditkit import load_checks, load_package, load_rulebook
from auditkit.registry import select
from auditkit.runner import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _run(name: str, codes: str = "CT"):
    sub = load_package(FIXTURES / name)
    return run(sub, load_rulebook(sub.manifest.jurisdiction), list(select(load_checks(), codes.split(","))))


def test_package_that_keeps_the_rules():
    result = _run("contributions-ok")
    assert result.findings == [] and result.skipped == []


def test_checks_are_draft_warnings():
    """Seed 003 is a draft for comment: every CT check is registered as draft, a warning."""
    specs = [s for s in load_checks().values() if s.code.startswith("CT")]
    assert [s.code for s in specs] == ["CT001", "CT002", "CT003", "CT004", "CT005"]
    assert all(s.draft and s.severity == "warning" for s in specs)


def test_ct001_employer_below_the_floor():
    """甲公司 declares its own payroll 60,000 × 100 = 6,000,000; its average is below the floor,
    so the base is 72,000 × 100 = 7,200,000: 1,200,000 too low."""
    [finding] = _run("contributions-ct001-broken").findings
    assert (finding.code, finding.severity, finding.subject) == ("CT001", "warning", "甲公司:base")
    assert finding.figures["expected"] == Decimal(7200000)
    assert finding.figures["difference"] == Decimal(-1200000)
    assert "征求意见稿" in finding.condition


def test_ct002_employer_rate_below_seven_percent():
    """包头市's employer rate 6.5% < 7%."""
    [finding] = _run("contributions-ct002-broken").findings
    assert (finding.code, finding.region) == ("CT002", "包头市")
    assert finding.figures == {"declared_rate": Decimal("0.065"), "expected_rate": Decimal("0.07"),
                               # the standard keys of DESIGN.md, added beside the old ones (issue 15)
                               "declared": Decimal("0.065"), "expected": Decimal("0.07"),
                               "difference": Decimal("-0.005")}


def test_ct003_critical_illness_share():
    """包头市: 40,000,000 / 800,000,000 = 5% < 6%; at 6% it would be 48,000,000, 8,000,000 more."""
    [finding] = _run("contributions-ct003-broken").findings
    assert finding.code == "CT003"
    assert finding.figures["share"] == Decimal("0.05")
    assert finding.effect.amount == Decimal(8000000)


def test_ct004_collection_after_the_window():
    """包头市 collects for 2027 until 2027-02-28, after the window's end 2026-12-31."""
    [finding] = _run("contributions-ct004-broken").findings
    assert finding.code == "CT004"
    assert finding.figures["end"] == dt.date(2027, 2, 28)
    assert finding.figures["window_end"] == dt.date(2026, 12, 31)


def test_ct005_deficit_budget():
    """呼和浩特市 居民: expenditure 1,050,000,000 − income 1,000,000,000 = 50,000,000 deficit."""
    [finding] = _run("contributions-ct005-broken").findings
    assert finding.code == "CT005" and finding.effect.amount == Decimal(50000000)


@pytest.mark.parametrize("name", ["contributions-ct001-broken", "contributions-ct005-broken"])
def test_each_broken_package_breaks_only_its_rule(name):
    codes = {f.code for f in _run(name).findings}
    assert codes == {name.split("-")[1].upper()}


def test_ct001_without_the_average_wage(tmp_path):
    """Without [funds] average_wage no base but an employee's can be judged: CT001 says so in
    one finding rather than passing the package."""
    (tmp_path / "submission.toml").write_text(
        '[submission]\nprogram = "contributions"\njurisdiction = "nmg"\nyear = 2027\n'
        '[tables]\ncontribution_bases = "b.csv"\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text("缴费单位,人员类别,缴费基数\n李某,灵活就业人员,72000\n", encoding="utf-8")
    sub = load_package(tmp_path)
    [finding] = run(sub, load_rulebook("nmg"), list(select(load_checks(), ["CT001"]))).findings
    assert finding.subject == "average_wage"
