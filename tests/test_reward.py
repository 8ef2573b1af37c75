"""RW001 (the reward fund, 第十三条) and US001 (students of universities under the region, 第七条).

RW001, fixtures/reward-wrong and reward-ok (2023, the settlement of settlement-ok, [funds]
reward = 3,000 元). 包头市 has an over-report deduction (10 × 640 × 0.8 × 5% = 256 元), so it is
deducted and gets nothing. The others share the fund by verified insured persons:
呼和浩特市 1,000 and 乌海市 500, together 1,500:

    呼和浩特市  3,000 × 1,000 / 1,500 = 2,000
    乌海市      3,000 ×   500 / 1,500 = 1,000   (reward-wrong declares 1,200: 200 too much)
    包头市      0

US001, fixtures/students-wrong and students-ok (2023): (1 − c) × std = 0.2 × 640 = 128 元 a student.

    内蒙古大学       30,000 × 128 = 3,840,000
    内蒙古科技大学   12,000 × 128 = 1,536,000  (students-wrong declares 12,000 × 0.2 × 610 = 1,464,000: 72,000 short)
"""

import shutil
from decimal import Decimal

from tests.conftest import audit, only


def test_the_reward_shares_break_once():
    result = audit("reward-wrong", "RW001")
    [finding] = only(result, "RW001")
    assert finding.region == "乌海市" and finding.severity == "error"
    assert finding.figures["expected"] == Decimal(1000)
    assert finding.figures["declared"] == Decimal("1200.00")
    assert (finding.figures["weight"], finding.figures["total_weight"]) == (500, 1500)
    assert finding.effect.amount == Decimal(200)


def test_the_reward_shares_kept():
    result = audit("reward-ok", "RW001")
    assert result.findings == [] and result.skipped == []


def test_a_deducted_region_gets_no_reward_and_a_missing_fund_is_said(fixtures, tmp_path):
    """Giving 包头市 (deducted) 300 元 of the fund is a finding (expected 0); a manifest without
    [funds] reward cannot be checked and says so."""
    package = tmp_path / "reward"
    shutil.copytree(fixtures / "reward-ok", package)
    reward = package / "reward.csv"
    reward.write_text(reward.read_text(encoding="utf-8").replace("包头市,1990,0.00", "包头市,1990,300.00")
                      .replace("3490,3000.00", "3490,3300.00"), encoding="utf-8")
    [finding] = only(audit(package, "RW001"), "RW001")
    assert finding.region == "包头市" and finding.figures["expected"] == 0
    manifest = package / "submission.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("reward = 3000.00", ""), encoding="utf-8")
    [finding] = only(audit(package, "RW001"), "RW001")
    assert finding.severity == "warning" and "funds" in finding.condition


def test_the_students_subsidy_breaks_once():
    [finding] = only(audit("students-wrong", "US001"), "US001")
    assert finding.region == "包头市" and "内蒙古科技大学" in finding.condition
    assert finding.figures["expected"] == Decimal(1536000)
    assert finding.figures["difference"] == Decimal(-72000)


def test_the_students_subsidy_kept():
    result = audit("students-ok", "US001")
    assert result.findings == [] and result.skipped == []
