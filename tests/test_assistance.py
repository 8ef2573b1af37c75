"""Medical-assistance allocation (内蒙古自治区医疗救助补助资金管理办法 第六条): AL001–AL003.

The fixtures share one set of factors, chosen so that the formulas work out by hand:

城乡医疗救助, total 10,000,000 元, weights 90% need × tier, 10% performance:

    region      need × tier        need share   perf   perf share
    呼和浩特市   100 × 80% =  80     80/250 = 0.32   90   90/200 = 0.45
    包头市       200 × 60% = 120    120/250 = 0.48   80   80/200 = 0.40
    乌海市       100 × 50% =  50     50/250 = 0.20   30   30/200 = 0.15

    呼和浩特市  10,000,000 × (0.9 × 0.32 + 0.1 × 0.45) = 10,000,000 × 0.333 = 3,330,000
    包头市      10,000,000 × (0.9 × 0.48 + 0.1 × 0.40) = 10,000,000 × 0.472 = 4,720,000
    乌海市      10,000,000 × (0.9 × 0.20 + 0.1 × 0.15) = 10,000,000 × 0.195 = 1,950,000

疾病应急救助, total 1,000,000 元, population 300/150/50 (Σ 500), incidence 2/1/1 (Σ 4),
fiscal 1.0/1.0/1.5, performance 50/30/20 (Σ 100):

    blend 呼和浩特市 0.6 × 0.6 + 0.4 × 0.50 = 0.56  × 1.0 = 0.56
          包头市     0.6 × 0.3 + 0.4 × 0.25 = 0.28  × 1.0 = 0.28
          乌海市     0.6 × 0.1 + 0.4 × 0.25 = 0.16  × 1.5 = 0.24      Σ base = 1.08
    shares 0.56/1.08 = 14/27, 0.28/1.08 = 7/27, 0.24/1.08 = 2/9

    呼和浩特市  1,000,000 × (0.9 × 14/27 + 0.1 × 0.5) = 1,000,000 × 31/60 = 516,666.666…
    包头市      1,000,000 × (0.9 × 7/27  + 0.1 × 0.3) = 1,000,000 × 79/300 = 263,333.333…
    乌海市      1,000,000 × (0.9 × 2/9   + 0.1 × 0.2) = 1,000,000 × 0.22   = 220,000
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit import PackageError, load_checks, load_package, load_rulebook
from auditkit.allocation import (FundAllocation, RegionAllocation, allocate, assess_allocation, fund_key,
                                 recompute)
from auditkit.output import dumps
from auditkit.registry import select
from auditkit.runner import run

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _run(name: str, codes: str):
    sub = load_package(FIXTURES / name)
    rules = load_rulebook(sub.manifest.jurisdiction)
    return run(sub, rules, list(select(load_checks(), codes.split(","))))


def _by_code(result, code):
    return [f for f in result.findings if f.code == code]


def test_package_that_keeps_the_rules_has_no_finding():
    """assistance-ok declares exactly the allocations worked out in the module docstring, the
    emergency ones rounded to the fen (516,666.67 and 263,333.33: within 0.005 元 of the
    formula), and they add up to the totals: 3,330,000 + 4,720,000 + 1,950,000 = 10,000,000 and
    516,666.67 + 263,333.33 + 220,000 = 1,000,000. Its advance of 10,000,000 is at least 90% of
    the execution 11,000,000 (9,900,000), and its budget, issued 2024-02-20, is within 30 days of
    the approval on 2024-01-25 (due 2024-02-26, see the DL008 test)."""
    result = _run("assistance-ok", "AL,DL007,DL008")
    assert result.findings == []
    assert result.skipped == []


def test_recomputed_allocation_is_exact():
    """The formula is evaluated in exact fractions: 呼和浩特市's emergency allocation is
    1,000,000 × 31/60 = 516,666.666… (not a rounded 516,666.67), 乌海市's need share 2/9."""
    sub = load_package(FIXTURES / "assistance-ok")
    funds = allocate(sub, load_rulebook("nmg"))
    urban = {r.region: r.allocated for r in funds["urban_rural"].regions}
    assert urban == {"呼和浩特市": Decimal(3330000), "包头市": Decimal(4720000), "乌海市": Decimal(1950000)}
    emergency = {r.region: r for r in funds["emergency"].regions}
    assert emergency["呼和浩特市"].need_share == Fraction(14, 27)
    assert emergency["乌海市"].need_share == Fraction(2, 9)
    assert emergency["呼和浩特市"].allocated * 60 == pytest.approx(Decimal(31_000_000), abs=Decimal("1e-25"))
    assert abs(emergency["包头市"].allocated - Decimal("263333.3333333333")) < Decimal("1e-9")
    assert emergency["乌海市"].allocated == Decimal(220000)


def test_al001_one_region_above_the_formula():
    """assistance-al001-broken declares 包头市 4,820,000 where the formula gives 4,720,000:
    difference +100,000 元 (10.00万元); the other two regions match. The allocations then add up
    to 3,330,000 + 4,820,000 + 1,950,000 = 10,100,000, 100,000 over the total (AL003)."""
    result = _run("assistance-al001-broken", "AL")
    [finding] = _by_code(result, "AL001")
    assert finding.region == "包头市"
    assert finding.figures["declared"] == Decimal(4820000)
    assert finding.figures["expected"] == Decimal(4720000)
    assert finding.figures["difference"] == Decimal(100000)
    assert finding.effect.amount == Decimal(100000)
    assert "48.0000%" in finding.condition and "40.0000%" in finding.condition
    [total] = _by_code(result, "AL003")
    assert total.figures["difference"] == Decimal(100000)
    assert _by_code(result, "AL002") == []


def test_al002_fiscal_factor_left_out():
    """assistance-al002-broken shares the emergency fund by the blend alone (0.56/0.28/0.16),
    leaving out the fiscal factor:
        呼和浩特市 1,000,000 × (0.9 × 0.56 + 0.05) = 554,000, formula 516,666.666…: +37,333.333…
        包头市     1,000,000 × (0.9 × 0.28 + 0.03) = 282,000, formula 263,333.333…: +18,666.666…
        乌海市     1,000,000 × (0.9 × 0.16 + 0.02) = 164,000, formula 220,000:       −56,000
    The total still adds up (554,000 + 282,000 + 164,000 = 1,000,000), so AL003 is silent; the
    fund column's 疟疾应急救助资金 (seed 001's typo) is read as 疾病应急救助."""
    result = _run("assistance-al002-broken", "AL")
    findings = {f.region: f for f in _by_code(result, "AL002")}
    assert set(findings) == {"呼和浩特市", "包头市", "乌海市"}
    assert findings["乌海市"].figures["difference"] == Decimal(-56000)
    assert abs(findings["呼和浩特市"].figures["difference"] - Decimal("37333.3333333")) < Decimal("0.0001")
    assert abs(findings["包头市"].figures["difference"] - Decimal("18666.6666667")) < Decimal("0.0001")
    assert all("疾病应急救助资金" in f.condition and "疟疾" not in f.condition for f in findings.values())
    assert _by_code(result, "AL001") == [] and _by_code(result, "AL003") == []


def test_al003_allocations_short_of_the_total():
    """assistance-al003-broken (万元, two decimals): 333.00 + 472.00 + 194.00 = 999.00万元 against
    a total of 1,000万元: 10,000 元 short, beyond the tolerance of 3 × 0.005万元 = 150 元. Without
    need factors AL001 and AL002 are skipped, not passed."""
    result = _run("assistance-al003-broken", "AL")
    [finding] = _by_code(result, "AL003")
    assert finding.figures["declared"] == Decimal(9990000)
    assert finding.figures["expected"] == Decimal(10000000)
    assert finding.effect.amount == Decimal(10000)
    assert {s.code for s in result.skipped} == {"AL001", "AL002"}


def test_assessment_lists_recomputed_beside_declared():
    """The JSON assessment of a medical-assistance package is per region and fund:
    乌海市 疾病应急救助 recomputed 220,000 beside the declared 164,000 (assistance-al002-broken)."""
    result = _run("assistance-al002-broken", "AL")
    data = json.loads(dumps(result))
    rows = {(a["region"], a["fund"]): a for a in data["assessment"]}
    assert len(rows) == 6
    wuhai = rows[("乌海市", "疾病应急救助")]
    assert wuhai["allocated"] == 220000.0 and wuhai["declared"] == {"allocated": 164000.0}
    assert rows[("呼和浩特市", "疾病应急救助")]["allocated"] == 516666.67
    assert rows[("包头市", "城乡医疗救助")]["need_share"] == 0.48
    sub = load_package(FIXTURES / "assistance-al003-broken")
    [first, *_] = assess_allocation(sub, load_rulebook("nmg"))
    assert first.basis == {"allocated": "declared"}  # no factors: carried over, and said so


def test_fund_names_as_written():
    """The fund column accepts the canonical key, the Chinese name with or without 资金, and the
    seed's typo; anything else is refused when the allocation is computed."""
    assert fund_key("城乡医疗救助补助资金") == "urban_rural"
    assert fund_key("urban-rural") == "urban_rural"
    assert fund_key("疾病应急救助资金") == "emergency"
    assert fund_key("疟疾应急救助资金") == "emergency"
    assert fund_key("医疗救助") is None


def test_unknown_fund_is_a_package_error(tmp_path):
    """A fund the rules do not know is refused when the package is loaded, with the file, row and
    column named and the funds allowed listed — never mid-run."""
    (tmp_path / "submission.toml").write_text(
        '[submission]\nprogram = "medical-assistance"\njurisdiction = "nmg"\nyear = 2024\n'
        '[tables]\nassistance = "a.csv"\n', encoding="utf-8")
    (tmp_path / "a.csv").write_text("地区,资金类别,绩效因素,应下达资金\n包头市,救灾资金,1,100\n", encoding="utf-8")
    with pytest.raises(PackageError) as error:
        load_package(tmp_path)
    assert error.value.row == 2 and "资金类别" in str(error.value)
    assert "城乡医疗救助" in error.value.message and "疾病应急救助" in error.value.message


def test_dl007_advance_below_ninety_percent():
    """assistance-dl007-broken: advance 9,000,000 against 90% × 11,000,000 = 9,900,000:
    900,000 short; the ratio is 9,000,000 / 11,000,000 = 0.818181… (81.82%)."""
    [finding] = _by_code(_run("assistance-dl007-broken", "DL007"), "DL007")
    assert finding.severity == "warning"
    assert finding.figures["expected"] == Decimal(9900000)
    assert finding.effect.amount == Decimal(900000)
    assert "81.82%" in finding.condition


def test_dl008_budget_a_day_late_after_a_weekend():
    """assistance-dl008-broken: approved 2024-01-25; the 30 days start the next day, so day 30
    is 2024-01-25 + 30 = 2024-02-24, a Saturday, moved to Monday 2024-02-26. Issued 2024-02-27:
    one day late. (assistance-ok's 2024-02-20 is in time.)"""
    [finding] = _by_code(_run("assistance-dl008-broken", "DL008"), "DL008")
    assert finding.subject == "内财社〔2024〕101号"
    assert finding.figures["nominal_due"].isoformat() == "2024-02-24"
    assert finding.figures["due"].isoformat() == "2024-02-26"
    assert finding.figures["days_late"] == 1


def test_missing_factor_stops_the_fund(tmp_path):
    """One 盟市 without its need factor: every share depends on every row, so the fund is not
    recomputed and one warning names the row (3), instead of three wrong findings."""
    (tmp_path / "submission.toml").write_text(
        '[submission]\nprogram = "medical-assistance"\njurisdiction = "nmg"\nyear = 2024\n'
        '[tables]\nassistance = "a.csv"\n[funds]\nurban_rural = 300\n', encoding="utf-8")
    (tmp_path / "a.csv").write_text(
        "地区,资金类别,一般需求因素,按地区分档分担比例,绩效因素,应下达资金\n"
        "包头市,城乡医疗救助,1,80%,1,100\n乌海市,城乡医疗救助,,80%,1,100\n赤峰市,城乡医疗救助,1,80%,1,100\n",
        encoding="utf-8")
    sub = load_package(tmp_path)
    result = run(sub, load_rulebook("nmg"), list(select(load_checks(), ["AL001"])))
    [finding] = result.findings
    assert finding.severity == "warning" and "第3行" in finding.condition


factor = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=2)
EMERGENCY_WEIGHTS = {name: load_rulebook("nmg").get(f"assistance.emergency.{name}").decimal
                     for name in ("need_weight", "performance_weight", "population_weight", "incidence_weight")}


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(factor, factor, factor, factor, factor), min_size=1, max_size=12),
       total=st.decimals(min_value=Decimal(1), max_value=Decimal(10) ** 10, places=2))
def test_emergency_allocations_share_out_the_total(rows, total):
    """Whatever the factors, the need shares and the performance shares each add up to 1, so
    the allocations add up to the total: total × (0.9 × 1 + 0.1 × 1) = total (to the 40 digits
    each allocation keeps), and none is negative."""
    entry = FundAllocation("emergency", total, True)
    for number, (population, incidence, fiscal, performance, _) in enumerate(rows):
        row = {"population": population, "incidence": incidence, "fiscal": fiscal,
               "performance": performance, "_row": number + 2}
        entry.regions.append(RegionAllocation(f"r{number}", "emergency", row, Decimal(0), Decimal(0)))
    recompute(entry, EMERGENCY_WEIGHTS)
    assert sum((r.need_share for r in entry.regions), Fraction(0)) == 1
    assert sum((r.performance_share for r in entry.regions), Fraction(0)) == 1
    summed = sum((Fraction(r.allocated) for r in entry.regions), Fraction(0))  # exact, unlike 28-digit Decimal sums
    assert abs(summed - Fraction(total)) < Fraction(1, 10**25)
    assert all(r.allocated > 0 for r in entry.regions)
