"""Deadlines on the official calendar (auditkit.deadlines) and DL001–DL006.

The calendar facts used below, from the State Council's holiday notices for 2023 and 2024 (as
the chinese-calendar package records them):

- 2023 National Day and Mid-Autumn: Sept 29 – Oct 6 off; Sat Oct 7 and Sun Oct 8 are make-up
  working days. So a document received Fri Sept 1, 2023 with 30 days to act: day 1 is Sept 2,
  day 30 is Oct 1 (off), the next working day is Sat Oct 7, 2023.
- 2024 Spring Festival: Feb 10 – 17 off; Sun Feb 4 and Sun Feb 18 are make-up working days.
  Feb 15, 2024 (Thu) is off, so a filing due then is in time on Sun Feb 18, 2024.
- Dec 31, 2023, a Sunday, and Jan 1, 2024 are the New Year holiday; the year-end cut-off stays Dec 31,
  so money paid on Tue Jan 2, 2024 is 2 days late and never counts for 2023.
- Jan 15, 2024 is a Monday, Aug 31, 2023 a Thursday, June 30, 2023 a Friday, July 31, 2024 a
  Wednesday: none moves. June 30, 2024 is a Sunday: it moves to Mon July 1, 2024.

fixtures/deadlines-late breaks each DL rule once (2023, worked by hand):

    DL001  财社〔2023〕95号 received Sept 1, 2023 → due Oct 7; 内财社〔2023〕88号 issued Oct 8: 1 day late.
           (财社〔2023〕40号 received July 5 → day 30 Aug 4, a Friday; 内财社〔2023〕52号 issued Aug 4: in time.)
    DL002  P006, 包头市 local money 80,000 元 paid into the 财政专户 Jan 2, 2024: 2 days late.
           (P007 pays 内财社〔2024〕30号, a settlement issued in 2024: 2024's money, in time.)
    DL003  包头市's 请示 filed Jan 16, 2024 against Jan 15: 1 day late.
    DL004  the region's 请示 filed Feb 18, 2024: in time; its 初审意见 Feb 19: 1 day late.
    DL005  包头市's 6月底参保人数 filed Sept 1, 2023 against Aug 31: 1 day late.
    DL006  central pre-allocation 财社〔2023〕40号 issued July 3, 2023 against June 30: 3 days late.
           (regional settlement 内财社〔2024〕30号 issued July 31, 2024: in time.)

fixtures/deadlines-ok is the same with every act on or before its last day.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit import load_rulebook
from auditkit.deadlines import annual, cut_off, is_working_day, on_date, within_days, year_end
from tests.conftest import audit, only

D = dt.date
DL = "DL001,DL002,DL003,DL004,DL005,DL006"


@pytest.fixture(scope="module")
def rules():
    return load_rulebook("nmg")


def override(tmp_path, text):
    path = tmp_path / "override.toml"
    path.write_text(text, encoding="utf-8")
    return load_rulebook("nmg", path)


def test_thirty_days_from_sept_1_2023_end_on_oct_7(rules):
    deadline = within_days(D(2023, 9, 1), 30, rules)
    assert deadline.nominal == D(2023, 10, 1)
    assert deadline.due == D(2023, 10, 7)
    assert is_working_day(D(2023, 10, 7)) is True  # a Saturday, but a make-up working day
    assert deadline.judge(D(2023, 10, 7)).in_time
    late = deadline.judge(D(2023, 10, 8))
    assert (late.in_time, late.days_late) == (False, 1)
    assert "国庆节" in deadline.describe() and "调休上班日" in deadline.describe()


def test_a_filing_due_feb_15_2024_is_in_time_on_feb_18(rules):
    deadline = annual(rules, "deadline.region_request", 2024)
    assert (deadline.nominal, deadline.due) == (D(2024, 2, 15), D(2024, 2, 18))
    assert deadline.judge(D(2024, 2, 18)).in_time
    assert deadline.judge(D(2024, 2, 19)).days_late == 1
    assert "春节" in deadline.describe()
    assert annual(rules, "deadline.central_preallocation", 2024).due == D(2024, 7, 1)  # Sun June 30
    assert annual(rules, "deadline.prefecture_request", 2024).due == D(2024, 1, 15)  # a Monday


def test_the_year_end_cut_off_never_moves_even_on_a_sunday(rules):
    """Dec 31, 2023 (a Sunday in the New Year holiday): the cut-off stays; Jan 2, 2024 is 2 days late."""
    deadline = year_end(2023, rules)
    assert deadline.due == D(2023, 12, 31)
    assert deadline.judge(D(2024, 1, 2)).days_late == 2
    assert cut_off(2023, rules) == D(2023, 12, 31)
    assert "元旦假期，预算年度至此终了，不予顺延" in deadline.describe()


def test_each_way_of_counting_is_a_rulebook_setting(tmp_path):
    """Counting from the event day itself, Sept 1 + 29 days = Sept 30 (off) → Oct 7 still;
    without the move to a working day, day 30 stays Oct 1; a year end that moves goes from
    Sun Dec 31, 2023 past the New Year holiday to Tue Jan 2, 2024."""
    same_day = override(tmp_path, "[deadline.period_starts_next_day]\nvalue = false\n")
    assert within_days(D(2023, 9, 1), 30, same_day).nominal == D(2023, 9, 30)
    no_move = override(tmp_path, "[deadline.roll_to_working_day]\nvalue = false\n")
    assert within_days(D(2023, 9, 1), 30, no_move).due == D(2023, 10, 1)
    assert on_date(D(2024, 2, 15), no_move).due == D(2024, 2, 15)
    rolls = override(tmp_path, "[deadline.year_end_rolls]\nvalue = true\n")
    assert year_end(2023, rolls).due == D(2024, 1, 2)
    assert cut_off(2023, rolls) == D(2024, 1, 2)


def test_a_year_the_calendar_does_not_cover_is_never_guessed(rules):
    """No calendar has 2099's holidays (chinese-calendar 1.11 ends with 2026). Jan 15, 2099: a
    filing on Jan 14 is in time whatever the holidays are; one on Jan 18 cannot be judged."""
    deadline = annual(rules, "deadline.prefecture_request", 2099)
    assert deadline.due is None and deadline.uncovered == 2099
    assert deadline.judge(D(2099, 1, 14)).in_time is True
    assert deadline.judge(D(2099, 1, 18)).in_time is None
    assert "未收录2099年" in deadline.describe()


def test_the_late_package_breaks_each_deadline_once():
    result = audit("deadlines-late", DL)
    assert result.skipped == []
    found = {code: only(result, code) for code in DL.split(",")}
    assert {code: len(f) for code, f in found.items()} == dict.fromkeys(found, 1)
    expected = {  # code: (subject, done_on, due, days late)
        "DL001": ("内财社〔2023〕88号", D(2023, 10, 8), D(2023, 10, 7), 1),
        "DL002": ("payment:P006", D(2024, 1, 2), D(2023, 12, 31), 2),
        "DL003": ("request:包头市", D(2024, 1, 16), D(2024, 1, 15), 1),
        "DL004": ("initial-review:", D(2024, 2, 19), D(2024, 2, 18), 1),
        "DL005": ("enrollment-june:包头市", D(2023, 9, 1), D(2023, 8, 31), 1),
        "DL006": ("财社〔2023〕40号", D(2023, 7, 3), D(2023, 6, 30), 3),
    }
    for code, (subject, done_on, due, days) in expected.items():
        [finding] = found[code]
        assert finding.subject == subject
        assert (finding.figures["done_on"], finding.figures["due"], finding.figures["days_late"]) == (done_on, due, days)
        assert f"逾期{days}日" in finding.condition and finding.severity == "warning"
    assert found["DL001"][0].figures["received_on"] == D(2023, 9, 1)
    assert "财社〔2023〕95号" in found["DL001"][0].condition
    assert found["DL002"][0].effect.amount == Decimal("80000.00")
    assert found["DL002"][0].region == "包头市" and "P006" in found["DL002"][0].condition


def test_the_package_that_keeps_every_deadline_has_no_finding():
    """The same flows on their last days: Oct 7, 2023 (a Saturday make-up day), Dec 29, 2023,
    Jan 15, 2024, Feb 18, 2024 (a Sunday make-up day), Aug 31, 2023 and June 28, 2023."""
    result = audit("deadlines-ok", DL)
    assert result.findings == [] and result.skipped == []


def test_a_received_document_never_passed_on_and_a_late_regional_settlement(fixtures, tmp_path):
    """deadlines-ok without 内财社〔2023〕88号: nothing shows 财社〔2023〕95号 (received Sept 1, 2023)
    was issued to the regions, a DL001 warning naming its Oct 7 deadline. The regional
    settlement 内财社〔2024〕30号 issued Thu Aug 1, 2024 instead of by Wed July 31: DL006, 1 day."""
    import shutil

    package = tmp_path / "late"
    shutil.copytree(fixtures / "deadlines-ok", package)
    documents = package / "documents.csv"
    lines = documents.read_text(encoding="utf-8").splitlines()
    kept = [line.replace("2024-07-31", "2024-08-01") for line in lines if "内财社〔2023〕88号" not in line]
    documents.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = audit(package, "DL001,DL006")
    [missing] = only(result, "DL001")
    assert missing.subject == "财社〔2023〕95号" and missing.figures["due"] == D(2023, 10, 7)
    assert "未见" in missing.condition
    [late] = only(result, "DL006")
    assert late.subject == "内财社〔2024〕30号" and late.figures["days_late"] == 1
    assert late.figures["due"] == D(2024, 7, 31)


def test_a_region_with_no_filing_is_reported_when_others_filed():
    """乌海市 is in the settlement table; the filings table has 呼和浩特市's and 包头市's 请示 and
    6月底参保人数 but none of 乌海市's: one DL003 and one DL005 finding, both for 乌海市. No
    region filed 个人缴费情况, so that item's absence is not judged."""
    result = audit("deadlines-missing", "DL003,DL005")
    assert [(f.code, f.region, f.subject) for f in result.findings] == [
        ("DL003", "乌海市", "request:乌海市:missing"), ("DL005", "乌海市", "enrollment-june:乌海市:missing")]


def test_a_deadline_in_an_uncovered_year_is_a_warning_that_says_so():
    result = audit("deadlines-uncovered", "DL003")
    [finding] = result.findings
    assert finding.region == "包头市" and finding.severity == "warning"
    assert finding.figures["days_late"] is None and finding.figures["due"] is None
    assert "未收录2099年" in finding.condition


def test_money_paid_on_jan_2_never_counts_for_the_year_before():
    """fixtures/deadlines-arrival (2023; the settlement of fixtures/settlement-ok):

    包头市 due 1,990 × 640 × (1 − 0.8 − 0.1) = 127,360. Its local money: 旗县 60,000 (Dec 20)
    + 盟市 40,000 (Fri Dec 29) into the 财政专户 by Dec 31; 27,360 on Jan 2, 2024. The 盟市
    also paid 1,030,000 of regional money under 内财社〔2023〕52号 into the 财政专户: upper money
    passed on, not local. Arrived 100,000, rate 100,000 / 127,360; the declared 127,360 is not
    believed. Deduction: entitled 1,018,880 × (27,360 / 127,360) × 10% = 8 × 27,360 × 10% = 21,888.
    乌海市 due 500 × 640 × 0.08 = 25,600, paid Sun Dec 31, 2023: counts. 呼和浩特市 64,000 by Dec 29.
    """
    result = audit("deadlines-arrival", "AR001,AR002,DL002")
    rows = {r.region: r for r in result.assessment}
    assert rows["包头市"].arrival_rate == Decimal(100000) / Decimal(127360)
    assert rows["包头市"].arrival_deduction == Decimal("21888")
    assert rows["乌海市"].arrival_rate == 1 and rows["呼和浩特市"].arrival_rate == 1
    [shortfall] = only(result, "AR001")
    assert shortfall.region == "包头市" and shortfall.effect.amount == Decimal("27360")
    [deduction] = only(result, "AR002")
    assert deduction.figures["expected"] == Decimal("21888")
    [late] = only(result, "DL002")
    assert late.figures["done_on"] == D(2024, 1, 2) and late.figures["days_late"] == 2
    assert late.effect.amount == Decimal("27360.00")


def test_an_unknown_level_is_refused_with_its_place(fixtures, tmp_path):
    """发文层级 must be one of 中央、自治区、盟市、旗县 (or central/regional/prefecture/county)."""
    import shutil

    from auditkit import PackageError, load_package

    package = tmp_path / "bad"
    shutil.copytree(fixtures / "deadlines-ok", package)
    documents = package / "documents.csv"
    documents.write_text(documents.read_text(encoding="utf-8").replace(",中央,提前下达", ",国家,提前下达"), encoding="utf-8")
    with pytest.raises(PackageError) as error:
        load_package(package)
    assert (error.value.file, error.value.row) == ("documents.csv", 5)
    assert "发文层级" in error.value.column and "中央、自治区、盟市、旗县" in error.value.message


@settings(deadline=None)  # a loaded machine may take longer than Hypothesis's 200 ms per example
@given(event=st.dates(min_value=D(2005, 1, 1), max_value=D(2024, 10, 31)), days=st.integers(1, 60))
def test_a_moved_deadline_is_the_first_working_day_on_or_after_day_n(event, days):
    """For any event in the years the calendar covers: day N is event + N; the deadline is a
    working day on or after it, and every day from day N up to the deadline is a day off."""
    rules = load_rulebook("nmg")
    deadline = within_days(event, days, rules)
    assert deadline.nominal == event + dt.timedelta(days=days)
    assert deadline.due >= deadline.nominal and is_working_day(deadline.due)
    gap = (deadline.due - deadline.nominal).days
    assert all(not is_working_day(deadline.nominal + dt.timedelta(days=k)) for k in range(gap))


def test_a_voucher_of_last_year_does_not_count_as_this_years_arrived_money():
    """deadlines-arrival-last-year adds 27,360 元 paid by 包头市 on Dec 20, 2022, under no
    document: 2023's arrived money is still 60,000 + 40,000 = 100,000 of 127,360 (78.52%)."""
    from tests.conftest import audit as _audit

    before = {r.region: r.arrival_rate for r in _audit("deadlines-arrival").assessment}
    after = {r.region: r.arrival_rate for r in _audit("deadlines-arrival-last-year").assessment}
    assert after == before
    assert after["包头市"] == Decimal("100000") / Decimal("127360")
