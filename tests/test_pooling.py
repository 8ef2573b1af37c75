"""League pooling of 阿拉善盟 (阿署办发〔2020〕30号): PL001 (risk-pool extraction), PL002 (deficit
cover order).

pooling-ok's risk pool, rate 10%, cap = 1 × the year's base:

    2022 职工  base 280,000,000 − 90,000,000 = 190,000,000; opening 31,000,000;
               10% = 19,000,000 ≤ 190,000,000 − 31,000,000 = 159,000,000      → 19,000,000
    2022 居民  base 120,000,000; opening 125,000,000 ≥ 120,000,000 (cap reached) → 0
    2023 职工  base 300,000,000 − 100,000,000 = 200,000,000; opening 50,000,000;
               10% = 20,000,000 ≤ 150,000,000                                  → 20,000,000
    2023 居民  base 150,000,000; opening 140,000,000; 10% = 15,000,000 but only
               150,000,000 − 140,000,000 = 10,000,000 to the cap               → 10,000,000

pooling-ok's deficits, in the order balance → risk pool → adjustment → government:

    阿拉善左旗  gap 8,000,000: balance 5,000,000 all used, pool 3,000,000 (of 10,000,000) = 8,000,000
    额济纳旗    gap 2,000,000: balance 2,000,000 (of 3,000,000)                         = 2,000,000
    阿拉善右旗  gap 6,000,000: balance 1,000,000 all, pool 2,000,000 all, adjustment 1,000,000,
                government 2,000,000                                                 = 6,000,000
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditkit import PackageError, load_checks, load_package, load_rulebook
from auditkit.registry import select
from auditkit.runner import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _run(path: Path, codes: str):
    sub = load_package(path)
    return run(sub, load_rulebook(sub.manifest.jurisdiction), list(select(load_checks(), codes.split(","))))


def test_package_that_keeps_the_rules():
    """Every extraction and every cover of pooling-ok is as worked out in the module docstring;
    its uploads reach the league account by the 10th of the next month: January's on Feb 10,
    2023; May's on Monday June 12 (June 10 was a Saturday); September's on Oct 9."""
    result = _run(FIXTURES / "pooling-ok", "PL,DL009")
    assert result.findings == [] and result.skipped == []


def test_pl001_personal_accounts_left_in_the_base():
    """pooling-pl001-broken extracts 30,000,000 for 2023 employees: 10% of 300,000,000, the
    income with personal accounts. Expected 10% × (300,000,000 − 100,000,000) = 20,000,000;
    10,000,000 too much, and the finding says the base should leave out personal accounts."""
    result = _run(FIXTURES / "pooling-pl001-broken", "PL")
    [finding] = result.findings
    assert finding.code == "PL001" and finding.subject == "2023:employee"
    assert finding.figures["expected"] == Decimal(20000000)
    assert finding.figures["difference"] == Decimal(10000000)
    assert "扣除个人账户" in finding.condition


def test_pl002_risk_pool_before_the_balance_is_used_up():
    """pooling-pl002-broken: 阿拉善左旗's gap 8,000,000, balance available 5,000,000 but only
    2,000,000 used before drawing 6,000,000 from the risk pool. It should first have used
    min(8,000,000, 5,000,000) = 5,000,000: 3,000,000 short. The cover still adds up
    (2,000,000 + 6,000,000 = 8,000,000), so there is no second finding."""
    result = _run(FIXTURES / "pooling-pl002-broken", "PL")
    [finding] = result.findings
    assert finding.code == "PL002" and finding.region == "阿拉善左旗"
    assert finding.figures["expected"] == Decimal(5000000)
    assert finding.effect.amount == Decimal(3000000)


def _package(tmp_path: Path, risk_pool: str = "", deficits: str = "") -> Path:
    tables = []
    if risk_pool:
        (tmp_path / "risk_pool.csv").write_text(risk_pool, encoding="utf-8")
        tables.append('risk_pool = "risk_pool.csv"')
    if deficits:
        (tmp_path / "deficits.csv").write_text(deficits, encoding="utf-8")
        tables.append('deficits = "deficits.csv"')
    (tmp_path / "submission.toml").write_text(
        '[submission]\nprogram = "pooling"\njurisdiction = "nmg"\nyear = 2023\n[tables]\n'
        + "\n".join(tables) + "\n", encoding="utf-8")
    return tmp_path


def test_pl001_combined_pool_and_cap(tmp_path):
    """A 合计 row is a pool not kept apart (第十四条); a resident pool whose opening balance
    120,000,000 already equals the year's income 120,000,000 must extract 0, not 12,000,000;
    and a year with a resident row but no employee row is a warning."""
    path = _package(tmp_path, risk_pool=(
        "年度,险种,基金收入,年初滚存结余,提取共济金\n"
        "2023,合计,400000000,10000000,40000000\n"
        "2024,居民,120000000,120000000,12000000\n"))
    findings = {f.subject: f for f in _run(path, "PL001").findings}
    assert set(findings) == {"2023:combined", "2024:resident", "2024:employee:missing"}
    assert findings["2024:resident"].figures["expected"] == Decimal(0)
    assert findings["2024:employee:missing"].severity == "warning"


def test_pl002_uncovered_gap(tmp_path):
    """Gap 5,000,000 covered by 3,000,000 of balance (all there was) and 1,000,000 of the pool:
    1,000,000 left uncovered (3,000,000 + 1,000,000 − 5,000,000 = −1,000,000)."""
    path = _package(tmp_path, deficits=(
        "旗（区）,年度,收支缺口,可用滚存结余,滚存结余调剂,共济金调剂\n"
        "额济纳旗,2024,5000000,3000000,3000000,1000000\n"))
    [finding] = _run(path, "PL002").findings
    assert finding.subject == "2024年:covered"
    assert finding.figures["difference"] == Decimal(-1000000)


def test_unknown_scheme_is_a_package_error(tmp_path):
    """Refused when the package is loaded, not when PL001 meets it."""
    path = _package(tmp_path, risk_pool="年度,险种,基金收入,年初滚存结余,提取共济金\n2023,大额,1,0,0\n")
    with pytest.raises(PackageError) as error:
        load_package(path)
    assert error.value.row == 2 and "险种" in str(error.value) and "职工、居民" in error.value.message


def test_dl009_upload_a_day_late():
    """pooling-dl009-broken: 阿拉善左旗's May 2023 collections were due on June 10, a Saturday,
    moved to Monday June 12; they arrived on June 13, one day late."""
    [finding] = _run(FIXTURES / "pooling-dl009-broken", "DL009").findings
    assert finding.region == "阿拉善左旗" and finding.subject == "2023-05:职工:late"
    assert finding.figures["due"].isoformat() == "2023-06-12"
    assert finding.figures["days_late"] == 1


def test_dl009_upload_short_of_the_collection(tmp_path):
    """December's 500,000 collected, 450,000 uploaded on Jan 10 of the next year (in time):
    50,000 was not uploaded. A month written as just 12月 takes the package's year."""
    path = tmp_path / "p"
    path.mkdir()
    (path / "u.csv").write_text("旗（区）,险种,所属月份,当月征缴金额,上划金额,上划日期\n"
                                "额济纳旗,居民,12月,500000,450000,2024-01-10\n", encoding="utf-8")
    (path / "submission.toml").write_text(
        '[submission]\nprogram = "pooling"\njurisdiction = "nmg"\nyear = 2023\n'
        '[tables]\npooling_uploads = "u.csv"\n', encoding="utf-8")
    [finding] = _run(path, "DL009").findings
    assert finding.subject == "2023-12:居民:short"
    assert finding.effect.amount == Decimal(50000)
