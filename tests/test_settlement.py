"""ST001–ST006, AR001, AR002, FE001: one package that keeps every rule, one that breaks each once.

The packages (fixtures/settlement-ok and its broken copies) hold three 盟市 of 内蒙古 in 2023, a
central-funds settlement. Rulebook: std[2023] = 640 元, std[2024] = 670 元, c = 80%, arrival
deduction 10%, over-report deduction 5%. The figures of settlement-ok, worked by hand:

    呼和浩特市  1,000 enrolled, r = 10%: entitled 1,000 × 640 × 0.8 = 512,000; preallocated 500,000;
               due 1,000 × 640 × (1 − 0.8 − 0.1) = 64,000, all arrived; settlement 12,000;
               2024 pre-allocation 1,000 × 670 × 0.8 = 536,000
    包头市      2,000 declared, 10 over-reported → 1,990 verified, r = 10%:
               entitled 1,990 × 512 = 1,018,880; preallocated 1,030,000; due 1,990 × 64 = 127,360;
               over-report deduction 10 × 640 × 0.8 × 5% = 256;
               settlement 1,018,880 − 1,030,000 − 256 = −11,376 (marked 扣回 with a document number);
               2024 pre-allocation 1,990 × 536 = 1,066,640
    乌海市      500 enrolled, r = 12%: entitled 256,000; preallocated 250,000;
               due 500 × 640 × 0.08 = 25,600, all arrived; settlement 6,000; 2024: 268,000
    合计        3,500 enrolled, 10 over-reported, entitled 1,786,880, preallocated 1,780,000,
               over-report deduction 256, settlement 6,624, 2024 pre-allocation 1,870,640
"""

from decimal import Decimal

import pytest

from tests.conftest import audit, only

CODES = ["ST001", "ST002", "ST003", "ST004", "ST005", "ST006", "AR001", "AR002", "FE001"]


def test_a_package_that_keeps_every_rule_has_no_finding_and_skips_nothing():
    result = audit("settlement-ok", ",".join(CODES))
    assert result.findings == []
    assert result.skipped == []


def test_the_assessment_of_the_package_that_keeps_every_rule():
    """The assessment is the hand-worked figures of the module docstring."""
    rows = {r.region: r for r in audit("settlement-ok").assessment}
    assert rows["包头市"].enrolled == 1990
    assert rows["包头市"].entitled == Decimal("1018880")
    assert rows["包头市"].over_report_deduction == Decimal("256")
    assert rows["包头市"].settlement == Decimal("-11376")
    assert rows["呼和浩特市"].arrival_rate == 1
    assert rows["呼和浩特市"].next_preallocated == Decimal("536000")
    assert rows["乌海市"].settlement == Decimal("6000")
    assert rows["包头市"].declared == {
        "enrolled": 2000, "entitled": Decimal("1018880"), "arrival_deduction": Decimal("0"),
        "over_report_deduction": Decimal("256"), "settlement": Decimal("-11376"),
        "next_preallocated": Decimal("1066640")}


@pytest.mark.parametrize("package, code", [
    ("st001-broken", "ST001"), ("st002-broken", "ST002"), ("st003-broken", "ST003"),
    ("st004-broken", "ST004"), ("st005-broken", "ST005"), ("st006-broken", "ST006"),
    ("ar001-broken", "AR001"), ("ar002-broken", "AR002"), ("fe001-broken", "FE001"),
])
def test_each_broken_package_breaks_its_rule_once(package, code):
    errors = [f for f in only(audit(package, code), code) if f.severity == "error"]
    assert len(errors) == 1


def test_st001_settlement_arithmetic():
    """呼和浩特市 declares 12,100 where 512,000 − 500,000 − 0 − 0 = 12,000: 100 元 too high.
    The tolerance is four half-fen terms plus the settlement's own: 0.025 元, far below 100."""
    [finding] = only(audit("st001-broken", "ST001"), "ST001")
    assert finding.region == "呼和浩特市"
    assert finding.figures == {"declared": Decimal("12100"), "expected": Decimal("12000"),
                               "difference": Decimal("100")}
    assert finding.effect.amount == Decimal("100")
    assert "第5行" not in finding.evidence.where and "第2行" in finding.evidence.where


def test_st002_uses_this_years_standard_and_names_last_years():
    """包头市 declares 1,990 × 610 × 0.8 = 971,120 with 2022's standard; the rulebook's 2023
    standard gives 1,990 × 640 × 0.8 = 1,018,880: 47,760 元 short."""
    [finding] = only(audit("st002-broken", "ST002"), "ST002")
    assert finding.region == "包头市"
    assert finding.figures["expected"] == Decimal("1018880")
    assert finding.figures["difference"] == Decimal("-47760")
    assert "沿用上年标准" in finding.condition and "640元" in finding.condition


def test_st003_negative_settlement_must_be_marked_as_clawback():
    """包头市's −11,376 carries no 扣回 note; the money at stake is the 11,376 to recover."""
    [finding] = only(audit("st003-broken", "ST003"), "ST003")
    assert (finding.region, finding.effect.amount) == ("包头市", Decimal("11376"))


def test_st004_total_row_equals_the_sum_of_its_rows():
    """The total's enrolled count is 3,510; 1,000 + 2,000 + 500 = 3,500: 10 persons too many."""
    [finding] = only(audit("st004-broken", "ST004"), "ST004")
    assert finding.subject == "settlement.enrolled"
    assert finding.effect.persons == 10
    assert finding.figures["expected"] == 3500


def test_st005_unknown_region_is_a_finding_not_a_refusal():
    result = audit("st005-broken", "ST005")
    [error] = [f for f in only(result, "ST005") if f.severity == "error"]
    assert error.region == "包头县"
    [missing] = [f for f in only(result, "ST005") if f.severity == "warning"]
    assert missing.region == "包头市"


def test_st006_next_years_preallocation_uses_next_years_standard():
    """呼和浩特市 declares 1,000 × 640 × 0.8 = 512,000; 2024's standard gives 536,000."""
    [finding] = only(audit("st006-broken", "ST006"), "ST006")
    assert finding.figures["expected"] == Decimal("536000")
    assert finding.effect.amount == Decimal("24000")


def test_ar001_arrival_rate_below_100_percent():
    """乌海市: due 500 × 640 × 0.08 = 25,600, arrived 23,040: rate 0.9, shortfall 2,560."""
    [finding] = only(audit("ar001-broken", "AR001"), "AR001")
    assert finding.figures["rate"] == Decimal("0.9")
    assert finding.effect.amount == Decimal("2560")


def test_ar002_arrival_deduction():
    """乌海市 at 90%: 500 × 640 × 0.8 × (1 − 0.9) × 10% = 2,560 to deduct; 0 declared."""
    [finding] = only(audit("ar002-broken", "AR002"), "AR002")
    assert finding.figures == {"declared": Decimal("0"), "expected": Decimal("2560"),
                               "difference": Decimal("-2560")}
    assert not only(audit("ar001-broken", "AR002"), "AR002")  # 2,560 declared there


def test_fe001_over_report_deduction_is_five_percent_of_the_central_share():
    """包头市: 10 × 640 × 0.8 × 5% = 256; 512 declared (taken at 10%)."""
    [finding] = only(audit("fe001-broken", "FE001"), "FE001")
    assert finding.figures["expected"] == Decimal("256")
    assert finding.figures["declared"] == Decimal("512")


def test_findings_have_the_audit_form():
    [finding] = only(audit("st001-broken", "ST001"), "ST001")
    assert finding.criteria.endswith("（内财社〔2025〕357号 第十条）。")  # one full stop, after the citation
    assert finding.recommendation and finding.condition and finding.title == "结算补助资金计算错误"
    assert len(finding.key) == 12


def test_a_finding_key_does_not_change_when_the_figures_do():
    """The same slip of a different size is the same finding for rectification tracking."""
    first = only(audit("st001-broken", "ST001"), "ST001")[0]
    again = only(audit("st001-broken", "ST001"), "ST001")[0]
    first.figures["declared"] = Decimal("99999")
    assert first.key == again.key


def test_ar001_due_leaves_out_the_regions_students_and_takes_in_its_reward():
    """第七条 and 第十三条. 呼和浩特市: (1,000 − 100 students) × 640 × (1 − 0.8 − 0.1) + 2,000
    reward = 59,600 due, all arrived; 乌海市: 500 × 640 × 0.08 + 1,000 reward = 26,600 due.
    Without the two rules 呼和浩特市's due would be 64,000 and it would fall short."""
    kept = audit("ar001-reward-students-ok", "AR001")
    assert only(kept, "AR001") == []
    rows = {r.region: r for r in kept.assessment}
    assert rows["呼和浩特市"].arrival_rate == 1
    [finding] = only(audit("ar001-reward-students-broken", "AR001"), "AR001")
    assert finding.region == "乌海市"
    assert finding.figures["expected"] == Decimal("26600")
    assert finding.effect.amount == Decimal("1000")  # 26,600 due, 25,600 arrived
    assert "奖励补助资金1,000.00元" in finding.condition
