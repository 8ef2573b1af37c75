"""Money rules a reviewer would get right (issue 15 items 1–6; issue 11 item 4; issue 13 item 4).

Each test names the fixture that showed the fault and works the right value by hand. The
rulebook (nmg): std[2023] = 640 元, c = 80%, arrival deduction 10%, over-report deduction 5%.
"""

import re
import shutil
from decimal import Decimal

from tests.conftest import audit, only


def _edited(fixtures, tmp_path, package: str, file: str, *replacements: tuple[str, str]):
    """A copy of a fixture package with text replaced in one of its files (each must occur)."""
    copy = tmp_path / package
    shutil.copytree(fixtures / package, copy)
    path = copy / file
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return copy


def _skipped(result, code: str) -> str | None:
    return next((s.reason for s in result.skipped if s.code == code), None)


# --- item 1: reward money counts in the due and in what arrived alike (第十三条, AR003) ---------


def test_reward_paid_into_the_special_account_counts_as_arrived():
    """ar003-reward-vouchers. 呼和浩特市: due 1,000 × 640 × 10% + 2,000 reward = 66,000; the vouchers
    show 64,000 of its own money and the 2,000 reward in the 财政专户: 66,000 arrived, 100%.
    乌海市: 500 × 640 × 8% + 1,000 = 26,600; 25,600 + 1,000 arrived: 100%. Before the fix only the
    local vouchers counted: 64,000 / 66,000 = 96.97% and 25,600 / 26,600 = 96.24%, AR002 asked
    512,000 × (1 − 0.9697) × 10% = 1,551.52 and 256,000 × (1 − 0.9624) × 10% = 962.41 元, and RW001
    gave neither a reward. The declared 实际到位资金 (64,000, 25,600) leave the reward out: AR003."""
    result = audit("ar003-reward-vouchers", "AR001,AR002,AR003,RW001")
    rows = {r.region: r for r in result.assessment}
    assert rows["呼和浩特市"].arrival_rate == 1 and rows["乌海市"].arrival_rate == 1
    assert rows["呼和浩特市"].arrival_deduction == 0 and rows["乌海市"].arrival_deduction == 0
    assert only(result, "AR001") == [] and only(result, "AR002") == [] and only(result, "RW001") == []
    left_out = {f.region: f for f in only(result, "AR003")}
    assert set(left_out) == {"呼和浩特市", "乌海市"}
    assert left_out["呼和浩特市"].figures["reward"] == Decimal("2000")
    assert left_out["呼和浩特市"].severity == "warning"
    assert "2,000.00元" in left_out["呼和浩特市"].condition


def test_a_declared_arrival_that_leaves_the_reward_out_is_read_with_it_and_said():
    """ar003-reward-declared: no vouchers; 呼和浩特市 declares 64,000 due and 64,000 arrived, which
    cover its own share 1,000 × 640 × 10% = 64,000 but not the 66,000 with its 2,000 reward.
    Read as the reward left out: 66,000 / 66,000 = 100%, no AR001 (not even on the due, which
    leaves the reward out too: AR003 says so), no AR002, the reward kept (RW001 silent)."""
    result = audit("ar003-reward-declared", "AR001,AR002,AR003,RW001")
    rows = {r.region: r for r in result.assessment}
    assert rows["呼和浩特市"].arrival_rate == 1 and rows["乌海市"].arrival_rate == 1
    assert only(result, "AR001") == [] and only(result, "AR002") == [] and only(result, "RW001") == []
    [first, second] = only(result, "AR003")
    assert {first.region, second.region} == {"呼和浩特市", "乌海市"}
    hohhot = first if first.region == "呼和浩特市" else second
    assert "申报的应到位资金亦未计入" in hohhot.condition and "66,000.00元" in hohhot.condition


def test_a_declared_arrival_with_the_reward_in_it_is_no_ar003():
    """ar001-reward-students-ok declares 59,600 = 900 × 64 + 2,000 arrived: the reward is in it."""
    result = audit("ar001-reward-students-ok", "AR003,AR001")
    assert result.findings == []


# --- item 2: a regional settlement's arrival check; not run is said ------------------------


def test_a_regional_settlement_with_a_plain_share_column_gets_its_arrival_rate():
    """ar001-regional-share: due 1,000 × 640 × (1 − 0.8 − 0.1) = 64,000, 57,600 arrived → 90%;
    AR002 = 1,000 × 640 × 0.1 × (1 − 0.9) × 10% = 640 (declared, so no AR002 finding); the
    settlement 64,000 − 60,000 − 640 = 3,360; AR001's shortfall 6,400."""
    result = audit("ar001-regional-share", "AR001,AR002,ST001,ST002")
    [row] = result.assessment
    assert row.arrival_rate == Decimal("0.9")
    assert row.arrival_deduction == Decimal("640")
    assert row.settlement == Decimal("3360")
    [shortfall] = only(result, "AR001")
    assert shortfall.effect.amount == Decimal("6400") and "到位率90%" in shortfall.condition
    assert only(result, "AR002") == [] and result.skipped == []


def test_the_regional_deduction_left_out_is_found(fixtures, tmp_path):
    """The same package declaring no deduction (0 and a settlement of 4,000): AR002 expects 640."""
    package = _edited(fixtures, tmp_path, "ar001-regional-share", "settlement.csv",
                      ("640.00,3360.00", "0.00,4000.00"))
    [finding] = only(audit(package, "AR002"), "AR002")
    assert finding.figures["expected"] == Decimal("640") and finding.figures["declared"] == 0


def test_when_the_due_cannot_be_computed_ar001_and_ar002_are_listed_as_not_run(fixtures, tmp_path):
    """Without any share column, the 自治区's share of 呼和浩特市 is unknown (the rulebook has none)
    and no 应到位资金 is declared: AR001 and AR002 say so instead of passing in silence."""
    package = _edited(fixtures, tmp_path, "ar001-regional-share", "settlement.csv",
                      (",分担比例", ",备用"),
                      (",10%,", ",,"))
    result = audit(package, "AR001,AR002")
    assert only(result, "AR001") == [] and only(result, "AR002") == []
    assert "呼和浩特市" in _skipped(result, "AR001") and "自治区分担比例" in _skipped(result, "AR001")
    assert "呼和浩特市" in _skipped(result, "AR002")


def test_ar001_runs_from_the_declared_due_and_the_vouchers_without_a_settlement(fixtures, tmp_path):
    """deadlines-arrival without its settlement table: 包头市's declared due 127,360 against the
    vouchers' 60,000 + 40,000 paid by Dec 31 (27,360 on Jan 2 does not count): rate 100,000 /
    127,360, shortfall 27,360; AR002 needs the settlement's figures and is not run."""
    package = _edited(fixtures, tmp_path, "deadlines-arrival", "submission.toml",
                      ('settlement = "settlement.csv"\n', ""))
    result = audit(package, "AR001,AR002")
    [finding] = only(result, "AR001")
    assert finding.region == "包头市" and finding.effect.amount == Decimal("27360")
    assert finding.figures["rate"] == Decimal(100000) / Decimal(127360)
    assert {s.code for s in result.skipped} == {"AR002"}


# --- item 3: a region deducted for over-reporting shares no reward, regional funds too --------


def test_a_region_that_over_reported_shares_no_reward_in_a_regional_settlement(fixtures, tmp_path):
    """rw001-regional: 包头市 over-reported 10 persons (the centre deducted it, FE001), so the
    3,000 元 go to 呼和浩特市 and 乌海市 by 1,000 and 500 persons: 2,000 / 0 / 1,000. Before the
    fix 包头市 was owed 3,000 × 1,990 / 3,490 = 1,710.60."""
    assert only(audit("rw001-regional", "RW001"), "RW001") == []
    package = _edited(fixtures, tmp_path, "rw001-regional", "reward.csv",
                      ("呼和浩特市,1000,2000.00", "呼和浩特市,1000,859.60"),
                      ("包头市,1990,0.00", "包头市,1990,1710.60"),
                      ("乌海市,500,1000.00", "乌海市,500,429.80"))
    findings = {f.region: f for f in only(audit(package, "RW001"), "RW001")}
    assert findings["包头市"].figures["expected"] == 0
    assert findings["呼和浩特市"].figures["expected"] == Decimal(2000)
    assert findings["乌海市"].figures["expected"] == Decimal(1000)


# --- item 4: remainders --------------------------------------------------------------------


def test_largest_remainder_rounding_is_right():
    """assistance-remainder: 100.00 in three equal parts is 33.34 + 33.33 + 33.33; no AL001,
    no AL003. reward-remainder: the same with a reward of 100.00: no RW001."""
    assert only(audit("assistance-remainder", "AL001,AL003"), "AL001") == []
    assert audit("assistance-remainder", "AL001,AL003").findings == []
    assert audit("reward-remainder", "RW001").findings == []


def test_a_part_a_whole_unit_off_is_wrong_even_when_the_parts_add_up(fixtures, tmp_path):
    """33.34 + 33.34 + 33.32 = 100.00, but 33.32 is 0.0133 元 from 33.3333…, more than a fen:
    AL001 on 乌海市 alone (the 33.34s are within one unit). And 33.34 × 3 = 100.02 does not add
    up: each 33.34 is 0.0067 元 off, beyond half a fen, so all three are AL001, and AL003."""
    package = _edited(fixtures, tmp_path / "one", "assistance-remainder", "assistance.csv",
                      ("包头市,城乡医疗救助,100,50%,10,33.33", "包头市,城乡医疗救助,100,50%,10,33.34"),
                      ("乌海市,城乡医疗救助,100,50%,10,33.33", "乌海市,城乡医疗救助,100,50%,10,33.32"))
    [finding] = only(audit(package, "AL001"), "AL001")
    assert finding.region == "乌海市"
    package = _edited(fixtures, tmp_path / "two", "assistance-remainder", "assistance.csv",
                      (",33.33", ",33.34"), (",100.00", ",100.02"))
    result = audit(package, "AL001,AL003")
    assert len(only(result, "AL001")) == 3 and len(only(result, "AL003")) == 1
    assert "最大余额法" in only(result, "AL001")[0].criteria


# --- item 5: degenerate factors ------------------------------------------------------------


def test_a_factor_zero_everywhere_is_reported_with_its_reading():
    """assistance-al004-zero-performance: Σ performance = 0. AL004 says so; with equal shares of
    the 10%, 呼和浩特市 = 10,000,000 × (0.9 × 0.32 + 0.1 / 3) = 3,213,333.33…, issued 3,213,333.34
    (largest remainder), so AL001 is silent."""
    result = audit("assistance-al004-zero-performance", "AL001,AL003,AL004")
    [zero] = only(result, "AL004")
    assert zero.severity == "warning" and "绩效因素均为0" in zero.condition and "1/3" in zero.condition
    assert only(result, "AL001") == [] and only(result, "AL003") == []


def test_an_allocation_under_zero_factors_no_longer_passes_in_silence(fixtures, tmp_path):
    """Declared by need alone, 3,200,000 / 4,800,000 / 2,000,000 (the 10% given by need too):
    包头市 4,800,000 against 4,653,333.33…, 146,666.67 too much; before the fix the division by
    zero left every allocation unjudged."""
    package = _edited(fixtures, tmp_path, "assistance-al004-zero-performance", "assistance.csv",
                      ("3213333.34", "3200000.00"),
                      ("4653333.33", "4800000.00"),
                      ("2133333.33", "2000000.00"))
    findings = {f.region: f for f in only(audit(package, "AL001"), "AL001")}
    assert set(findings) == {"呼和浩特市", "包头市", "乌海市"}
    assert abs(findings["包头市"].figures["difference"] - Decimal("146666.6667")) < Decimal("0.001")


# --- item 6: students of universities under the region are paid once ----------------------


def test_students_are_left_out_of_the_regional_share_and_paid_once(fixtures, tmp_path):
    """us001-regional-students: 呼和浩特市 1,000 insured, 100 of them students of 内蒙古工业大学.
    Regional share (900) × 640 × 10% = 57,600; students 100 × 640 × (1 − 80%) = 12,800 through
    US001; for one student the 自治区 pays 128 元 = (1 − c) × std once, not 128 + 64. Declaring
    1,000 × 640 × 10% = 64,000 pays the students' 10% twice: ST002, 6,400 元 too much."""
    result = audit("us001-regional-students", "ST001,ST002,US001,AR001,AR002")
    assert result.findings == []
    rows = {r.region: r for r in result.assessment}
    assert rows["呼和浩特市"].entitled == (1000 - 100) * 640 * Decimal("0.1") == Decimal("57600")
    assert Decimal("12800") / 100 == (1 - Decimal("0.8")) * 640  # the students' money, once
    package = _edited(fixtures, tmp_path, "us001-regional-students", "settlement.csv",
                      ("57600.00,55000.00,0.00,2600.00", "64000.00,55000.00,0.00,9000.00"),
                      ("96000.00,93000.00,0.00,3000.00", "102400.00,93000.00,0.00,9400.00"))
    [finding] = only(audit(package, "ST002"), "ST002")
    assert finding.region == "呼和浩特市" and finding.figures["difference"] == Decimal("6400")
    assert "区直院校学生100人" in finding.condition


# --- issue 11 item 4: results-only tables --------------------------------------------------


def test_a_results_only_allocation_table_loads_and_its_total_row_is_checked():
    """assistance-results-only: region, fund, allocation in 万元; no factors, no [funds]. AL001 and
    AL002 are not run (no factors), AL003 compares the rows with the 合计 row: 242 + 300 + 184 =
    726 万元 against 727: 1 万元 (10,000 元) too much, beyond the half 万元 of the precision."""
    result = audit("assistance-results-only", "AL")
    assert {s.code for s in result.skipped} >= {"AL001", "AL002"}
    [total] = only(result, "AL003")
    assert total.figures["declared"] == Decimal("7270000") and total.figures["expected"] == Decimal("7260000")
    assert "727万元" in total.condition or "727.00万元" in total.condition


def test_a_table_that_states_its_own_standard_is_checked_without_a_rulebook():
    """settlement-own-standard (jurisdiction zz, 2026: no rulebook knows either): 乙县 2,000 × 720
    × 80% = 1,152,000 declared 1,142,000, 10,000 元 short; 甲县 1,000 × 720 × 80% = 576,000 kept."""
    result = audit("settlement-own-standard", "ST002")
    [finding] = only(result, "ST002")
    assert finding.region == "乙县" and finding.figures["expected"] == Decimal("1152000")
    assert finding.figures["difference"] == Decimal("-10000") and "表列人均补助标准" in finding.condition


# --- issue 13 item 4: 万元 without false alarms --------------------------------------------


def test_a_due_paid_in_to_the_written_precision_is_fully_arrived():
    """ar001-wan-precision: due 184,583 × 640 × 10% = 11,813,312 元, written and paid in as
    1,181.33 万元 = 11,813,300 元: 12 元 short, within the 50 元 half-unit, so 100%: no AR001,
    no AR002 (before: 99.9999%, 0.00万元 short, and a deduction of a few 元)."""
    result = audit("ar001-wan-precision", "AR001,AR002,ST001,ST002")
    assert result.findings == [] and result.skipped == []
    assert result.assessment[0].arrival_rate == 1


def test_a_real_shortfall_in_wan_is_still_found_and_quoted_in_wan(fixtures, tmp_path):
    """Paid in 1,181.23 万元: 11,812,300 元, 1,012 元 short of 11,813,312: AR001 quotes 万元."""
    package = _edited(fixtures, tmp_path, "ar001-wan-precision", "local_funds.csv",
                      ("1181.33,1181.33", "1181.33,1181.23"))
    [finding] = only(audit(package, "AR001"), "AR001")
    assert finding.effect.amount == Decimal("1012")
    assert "未到位0.10万元" in finding.condition and not re.search(r"\d元", finding.condition)


def test_the_students_kept_out_of_a_prefecture_are_those_the_region_pays_for(fixtures, tmp_path):
    """us001-regional-students with 90 students kept out of 呼和浩特市 where the students table has
    100 paid by the region: 10 students would be paid twice (or not at all). US001 says so."""
    package = _edited(fixtures, tmp_path, "us001-regional-students", "settlement.csv",
                      ("呼和浩特市,1000,100,", "呼和浩特市,1000,90,"))
    [finding] = [f for f in only(audit(package, "US001"), "US001") if f.subject == "students-count"]
    assert finding.region == "呼和浩特市" and finding.effect.persons == 10
