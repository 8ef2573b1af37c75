"""Deadlines on the official holiday calendar (RULES.md, "How a deadline is computed").

The one module that computes deadlines. Three kinds, each read from the rulebook's
``[deadline.*]`` settings:

- a period of N days after an event (``within_days``): it starts the day after the event when
  ``deadline.period_starts_next_day`` is on (民法典第二百零一条), so a document received on
  Sept 1 has day 30 on Oct 1;
- a filing date such as "1月15日前" (``on_date``, ``annual``): the named day is included;
- the year-end money cut-off (``year_end``): Dec 31, never moved unless
  ``deadline.year_end_rolls`` says otherwise (预算法: the fiscal year closes on Dec 31).

The first two move to the next working day when their last day is not one and
``deadline.roll_to_working_day`` is on (民法典第二百零三条). Working days are the official
calendar's, make-up working days (调休上班) included, from the ``chinese_calendar`` package.
A day in a year the calendar does not cover is never guessed: the deadline's ``due`` is None and
its ``uncovered`` names the year. A date that is on or before the unmoved last day is in time
whatever the calendar says (moving only ever extends a deadline); any later date against an
uncovered deadline is ``unknown``, and the checks report it as a warning saying so.

Days late are calendar days from the deadline to the date it was done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar.constants import Holiday

from auditkit.findings import Effect, Evidence, Finding
from auditkit.rulebook import Rulebook

# The rulebook settings every deadline depends on; a check lists these in its ``params``.
PERIOD_SETTINGS = ("deadline.period_starts_next_day", "deadline.roll_to_working_day")
DATE_SETTINGS = ("deadline.roll_to_working_day",)
YEAR_END_SETTINGS = ("deadline.money_in_special_account", "deadline.year_end_rolls")

_WEEKDAYS = "一二三四五六日"
_HOLIDAY_NAMES = {h.value: h.chinese for h in Holiday}


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def is_working_day(day: dt.date) -> bool | None:
    """The official calendar's answer, or None for a year it does not cover."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _day_off_reason(day: dt.date) -> str:
    """'国庆节假期' or '星期六' for a day that is not a working day."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return ""
    if on_holiday and name:
        return f"{_HOLIDAY_NAMES.get(name, name)}假期"
    return f"星期{_WEEKDAYS[day.weekday()]}"


@dataclass(frozen=True)
class Verdict:
    in_time: bool | None  # None: the calendar does not cover the deadline and the date is past its unmoved day
    days_late: int = 0


@dataclass(frozen=True)
class Deadline:
    """The last day on which something is in time.

    ``nominal`` is the last day as the rule words it (day N of a period, the filing date, Dec 31);
    ``due`` the day it moved to, or ``nominal`` itself; None when the calendar does not cover a
    day the move depends on, and then ``uncovered`` is that year.
    """

    nominal: dt.date
    due: dt.date | None
    rule: str  # how the last day was found, in Chinese: '自2023年9月1日收到之次日起算30日'
    uncovered: int | None = None
    # the rule names the last day itself ("2024年1月15日前", "2023年12月底前"): a bracket after the
    # date would only restate it, so ``describe`` leaves the rule out and keeps only ``note``
    dated: bool = False
    note: str = ""  # what a reader needs beyond the date: why a day off did not move it

    @property
    def moved(self) -> bool:
        return self.due is not None and self.due != self.nominal

    def judge(self, done_on: dt.date) -> Verdict:
        if done_on <= self.nominal:
            return Verdict(True)
        if self.due is None:
            return Verdict(None)
        if done_on <= self.due:
            return Verdict(True)
        return Verdict(False, (done_on - self.due).days)

    def describe(self) -> str:
        """'期限为2023年10月7日（自2023年9月1日收到之次日起算30日，末日2023年10月1日为国庆节假期，
        顺延至下一工作日，10月7日为调休上班日）'.
        A rule that names the day itself (``dated``) is not repeated in brackets after it:
        '期限为2024年1月15日', not '期限为2024年1月15日（2024年1月15日前）'.
        """
        how = [] if self.dated else [self.rule]
        if self.due is None:
            shown = f"（{self.rule}）" if not self.dated else ""
            return (f"期限{shown}末日为{chinese_date(self.nominal)}，但所用节假日数据未收录{self.uncovered}年的"
                    "法定节假日安排，无法确定期限是否顺延")
        if self.moved:
            makeup = f"，{self.due.month}月{self.due.day}日为调休上班日" if self.due.weekday() >= 5 else ""
            how.append(f"末日{chinese_date(self.nominal)}为{_day_off_reason(self.nominal)}，顺延至下一工作日{makeup}")
        if self.note:
            how.append(self.note)
        return f"期限为{chinese_date(self.due)}" + (f"（{'，'.join(how)}）" if how else "")


def _setting(rules: Rulebook, name: str):
    return rules.get(name).value


def _roll(day: dt.date, rule: str, rules: Rulebook, rolls: bool, dated: bool = False, note: str = "") -> Deadline:
    if not rolls:
        return Deadline(day, day, rule, dated=dated, note=note)
    current = day
    while True:
        working = is_working_day(current)
        if working is None:
            return Deadline(day, None, rule, uncovered=current.year, dated=dated, note=note)
        if working:
            return Deadline(day, current, rule, dated=dated, note=note)
        current += dt.timedelta(days=1)


def within_days(event: dt.date, days: int, rules: Rulebook, event_name: str = "") -> Deadline:
    """The last day of a period of ``days`` days after ``event`` (DL001, DL008)."""
    starts_next_day = _setting(rules, "deadline.period_starts_next_day")
    last = event + dt.timedelta(days=days if starts_next_day else days - 1)
    start = "之次日" if starts_next_day else "当日"
    rule = f"自{chinese_date(event)}{event_name}{start}起算{days}日"
    return _roll(last, rule, rules, _setting(rules, "deadline.roll_to_working_day"))


def on_date(day: dt.date, rules: Rulebook, wording: str = "") -> Deadline:
    """A filing date such as "2月15日前": the day itself included, moved past days off."""
    rule = wording or f"{day.month}月{day.day}日前"
    return _roll(day, rule, rules, _setting(rules, "deadline.roll_to_working_day"), dated=True)


def month_day(rules: Rulebook, name: str, year: int) -> dt.date:
    """A yearly rulebook day (``deadline.region_request``, a ``MonthDay``) in a year."""
    return _setting(rules, name).in_year(year)


def annual(rules: Rulebook, name: str, year: int) -> Deadline:
    """The deadline a rulebook setting "MM-DD" gives in ``year`` (DL003–DL006)."""
    day = month_day(rules, name, year)
    return on_date(day, rules, f"{year}年{day.month}月{day.day}日前")


def year_end(year: int, rules: Rulebook) -> Deadline:
    """The year-end money cut-off of ``year`` (DL002, the arrival rate of AR001): never moved
    unless the rulebook's ``deadline.year_end_rolls`` is on."""
    day = month_day(rules, "deadline.money_in_special_account", year)
    rolls = _setting(rules, "deadline.year_end_rolls")
    rule = f"{year}年{day.month}月底前"
    note = ""
    if not rolls and is_working_day(day) is False:
        note = f"{chinese_date(day)}虽为{_day_off_reason(day)}，预算年度至此终了，不予顺延"
    return _roll(day, rule, rules, rolls, dated=True, note=note)


def cut_off(year: int, rules: Rulebook | None) -> dt.date:
    """The last day money counts as arrived in ``year``: the year-end deadline, or Dec 31 when
    the rulebook does not say. A moved cut-off the calendar cannot determine falls back to the
    unmoved day, so money is never counted on a guess."""
    if rules is None or not all(rules.has(name) for name in YEAR_END_SETTINGS):
        return dt.date(year, 12, 31)
    deadline = year_end(year, rules)
    return deadline.due or deadline.nominal


# --- the tables deadlines and money flows are read from -------------------------------------

LEVEL_ORDER = ("central", "regional", "prefecture", "county")  # from the top down
LEVEL_NAMES = {"central": "中央财政", "regional": "自治区财政", "prefecture": "盟市财政", "county": "旗县财政"}


def doc_key(text: str | None) -> str:
    """A document number as compared: without spaces ('内财社〔2023〕 45号' is '内财社〔2023〕45号')."""
    return "".join((text or "").split())


def canonical(table: str, column: str, value: str | None) -> str | None:
    """An enumerated column's canonical word: canonical('documents', 'level', '中央') == 'central'."""
    from auditkit.schemas import TABLES

    return TABLES[table].column(column).canonical(value)


def year_of_money(payment: dict, documents: dict[str, list[dict]], year: int) -> int | None:
    """The year whose money a payment is: its document's year (an advance 提前下达 is next year's
    budget), the package's year for a payment under no known document, None for a settlement
    payment under no known document (which year it settles cannot be told)."""
    rows = documents.get(doc_key(payment.get("doc_no")))
    if rows:
        issued = min(row["issued_on"] for row in rows)
        return issued.year + (1 if canonical("documents", "purpose", rows[0]["purpose"]) == "advance" else 0)
    if canonical("payments", "purpose", payment.get("purpose")) == "settlement":
        return None
    return year


def documents_by_number(sub) -> dict[str, list[dict]]:
    """The documents table's rows grouped by document number (one row per region it allocates to)."""
    grouped: dict[str, list[dict]] = {}
    if "documents" in sub.tables:
        for row in sub.table("documents").rows():
            grouped.setdefault(doc_key(row["doc_no"]), []).append(row)
    return grouped


# --- the finding every deadline check writes ------------------------------------------------

UNKNOWN_RECOMMENDATION = "更新节假日数据（chinese-calendar）至收录该年度法定节假日安排的版本后重新审核。"


def late_finding(*, region: str | None, subject: str, what: str, done: str, done_on: dt.date,
                      deadline: Deadline, where: str, recommendation: str, amount=None) -> Finding | None:
    """The finding for something done on ``done_on`` against ``deadline``; None when in time.
    A day the calendar cannot judge gives a warning that says so, never a guess (DL001–DL009).

    ``what`` names the document, payment or filing; ``done`` the act ('印发', '报送', '支付').
    """
    verdict = deadline.judge(done_on)
    if verdict.in_time:
        return None
    figures = {"done_on": done_on, "nominal_due": deadline.nominal, "due": deadline.due,
               "days_late": verdict.days_late if verdict.in_time is False else None}
    evidence = Evidence(count=1, where=where)
    effect = Effect(amount=amount) if amount is not None else Effect()
    if verdict.in_time is None:
        return Finding(
            region=region, subject=subject, severity="warning", effect=effect, figures=figures,
            evidence=evidence, recommendation=UNKNOWN_RECOMMENDATION,
            condition=f"{what}于{chinese_date(done_on)}{done}，{deadline.describe()}，是否逾期待核实。")
    return Finding(
        region=region, subject=subject, effect=effect, figures=figures, evidence=evidence,
        recommendation=recommendation,
        condition=f"{what}于{chinese_date(done_on)}{done}，{deadline.describe()}，逾期{verdict.days_late}日。")
