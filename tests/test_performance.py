"""Performance targets (塔地财社〔2021〕87号 附件2) and budget classification: PF001, PF002."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditkit import load_checks, load_package, load_rulebook
from auditkit.registry import select
from auditkit.runner import run
from auditkit.targets import parse_actual, parse_target

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _run(name: str, codes: str):
    sub = load_package(FIXTURES / name)
    return run(sub, load_rulebook(sub.manifest.jurisdiction), list(select(load_checks(), codes.split(","))))


@pytest.mark.parametrize(("written", "kind", "operator", "low", "high", "unit"), [
    ("0", "compare", "=", Decimal(0), None, None),
    ("0%", "compare", "=", Decimal(0), None, "%"),           # 0 × 0.01
    (">68%", "compare", ">", Decimal("0.68"), None, "%"),     # 68 × 0.01
    ("> 90%", "compare", ">", Decimal("0.90"), None, "%"),    # the space is ignored
    ("≥90%", "compare", ">=", Decimal("0.90"), None, "%"),
    ("100%", "compare", "=", Decimal(1), None, "%"),
    ("6-9个月", "range", None, Decimal(6), Decimal(9), "个月"),
    ("> 64.89万人", "compare", ">", Decimal(648900), None, "万人"),  # 64.89 × 10,000
    ("-96", "compare", "=", Decimal(-96), None, None),        # a negative number, not a range
    ("逐步推开", "qualitative", None, None, None, None),
    ("成效明显", "qualitative", None, None, None, None),
    ("普遍开展", "qualitative", None, None, None, None),
])
def test_targets_as_the_real_table_writes_them(written, kind, operator, low, high, unit):
    """Every form of target in 004's 绩效目标表, read by hand: a percentage is a fraction
    (68% = 0.68), 万人 is 10,000 persons, 6-9个月 is the closed range [6, 9]."""
    target = parse_target(written)
    assert (target.kind, target.operator, target.unit) == (kind, operator, unit)
    if low is not None:
        assert target.low == low
    if high is not None:
        assert target.high == high


def test_actual_values_against_targets():
    """Actual values in the units they are likely to be written in:
    70.5% > 68% met; 0.62 (a fraction) > 60% met; 62 (above 1: a percentage) > 60% met;
    66.3% > 68% not met; 7.5 in [6, 9] met, 10 not; 1,702,346 persons (the indicator's own
    unit 人) > 150万 = 1,500,000 met, 1,400,000 not; 0 = 0 met; 0% for 0% met; 100% met,
    99.5% not; 92 ≥ 90% met, 90% ≥ 90% met but not > 90%."""
    cases = [
        (">68%", "70.5%", "", True), ("> 60%", "0.62", "", True), ("> 60%", "62", "", True),
        (">68%", "66.3%", "", False), ("6-9个月", "7.5", "基金滚存结余可支配月数(月)", True),
        ("6-9个月", "10个月", "", False), ("> 150万人", "1702346", "参保人数(人)", True),
        ("> 150万人", "140万人", "参保人数(人)", False), ("0", "0", "重复参保人数(人)", True),
        ("0%", "0", "虚报参保人数(人)", True), ("100%", "100%", "", True), ("100%", "99.5%", "", False),
        ("≥90%", "92", "参保对象满意度(%)", True), ("≥90%", "90%", "", True), ("> 90%", "90%", "", False),
    ]
    for target_text, actual_text, indicator, met in cases:
        target = parse_target(target_text)
        actual = parse_actual(actual_text, target, indicator)
        assert actual is not None, (target_text, actual_text)
        assert target.met_by(actual) is met, (target_text, actual_text)
    assert parse_actual("", parse_target(">68%")) is None
    assert parse_actual("12人", parse_target(">68%")) is None  # persons against a percentage
    assert parse_actual("已推开", parse_target("逐步推开")) is None


def test_pf001_package_that_keeps_the_targets():
    """performance-ok meets all eight numeric targets (see the cases above); its one qualitative
    target (成效明显) is listed in an info finding, not judged."""
    result = _run("performance-ok", "PF001")
    assert [f.severity for f in result.findings] == ["info"]
    [listed] = result.findings
    assert listed.evidence.count == 1 and listed.evidence.rows[0]["reason"] == "定性指标"


def test_pf001_one_indicator_misses_its_target():
    """performance-pf001-broken: 包头市's in-policy inpatient reimbursement 66.3% is not > 68%."""
    result = _run("performance-pf001-broken", "PF001")
    [missed] = [f for f in result.findings if f.severity == "warning"]
    assert missed.region == "包头市"
    assert missed.subject == "indicator:参保人政策范围内住院费用报销比例"
    assert missed.figures["actual_rate"] == Decimal("0.663")
    assert "应大于68%" in missed.condition


def test_pf001_reads_the_tacheng_table():
    """fixtures/tacheng-2020/performance.csv is 004's 绩效目标表 laid out long: 26 targets, none
    with an actual value. PF001 reads every one without error and judges none: 23 numeric
    targets without an actual (7 enrollment, 8 annual amounts, 8 indicators of the prefecture)
    and 3 qualitative ones (逐步推开, 普遍开展, 成效明显)."""
    result = _run("tacheng-2020", "PF001")
    [listed] = result.findings
    assert listed.severity == "info" and listed.evidence.count == 26
    reasons = [row["reason"] for row in listed.evidence.rows]
    assert reasons.count("未填报实际值") == 23 and reasons.count("定性指标") == 3
    sub = load_package(FIXTURES / "tacheng-2020")
    kinds = [parse_target(row["target"]).kind for row in sub.table("performance").rows()]
    assert kinds.count("qualitative") == 3 and kinds.count("range") == 1


def test_pf002_codes_kept():
    """performance-ok's document books income under 1100249 and expenditure under 2101202."""
    assert _run("performance-ok", "PF002").findings == []


def test_pf002_wrong_expenditure_code():
    """performance-pf002-broken books the expenditure under 2101201 instead of 2101202; the
    income code 1100249 is right, so there is one finding."""
    [finding] = _run("performance-pf002-broken", "PF002").findings
    assert finding.subject == "expenditure_code:呼财社〔2023〕12号"
    assert finding.figures["expected"] == "2101202"
