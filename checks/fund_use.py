"""The monthly fund-use feedback form (自治区财政资金使用跟踪反馈表, 004 五、附件3).

塔地财社〔2021〕87号 五 asks each county for the form of 《自治区财政资金使用跟踪反馈管理暂行办法》
(新财预〔2016〕113号); 附件3 prints it (单位：万元; 资金金额, 实际支出金额, 未支出金额, 实际支出进度,
未按计划或预算执行要求支出的, 整改措施及整改时间; a 合计 row) and says it is filed "每月月末之前",
its 支出金额 "以国库集中支付数据为准". Runs where the rulebook asks a monthly form
(``feedback.monthly``, with its source): ``xj`` from 004. The forms are read by
``auditkit.feedback``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.deadlines import late_finding, on_date
from auditkit.findings import differs, filer_unit
from auditkit.money import matches, percent, quote, tolerance, written_places

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("UF", "资金使用跟踪反馈方面", order=140)

CITES = "塔地财社〔2021〕87号 五、附件3"
_SUMMED = (("amount", "资金金额"), ("spent", "实际支出金额"), ("unspent", "未支出金额"), ("behind", "未按计划或预算执行要求支出的"))


def _share_tolerance(written: Decimal) -> Decimal:
    """Half a unit of the last digit a rate was written with (85.32% → 0.00005), read from the
    value itself: the loaded column keeps no format, so trailing zeros are taken as unwritten."""
    exponent = written.normalize().as_tuple().exponent
    return Decimal(5).scaleb(exponent - 1) if isinstance(exponent, int) else Decimal(0)


@check("UF001", "资金使用跟踪反馈表数据不符", cites=CITES, needs=["feedback"], params=["feedback.monthly"],
       severity="warning", programs=("resident-subsidy", "medical-assistance"))
def form_adds_up(sub, rules) -> Iterator[Finding]:
    """财政资金使用跟踪反馈表的数据应相互衔接：未支出金额＝资金金额－实际支出金额；实际支出进度＝实际支出金额÷资金金额；合计行等于各行之和。

    Each row: 未支出金额 against 资金金额 − 实际支出金额 within the half-units of the three written
    figures; 实际支出进度 against 实际支出金额 ÷ 资金金额 within half a unit of its last written digit
    plus what the amounts' half-units allow. Each form's 合计 row: every summed column against
    its rows, and its 进度 against its own 合计 figures. One finding per row or column that
    differs, naming the form (county and month).
    """
    unit = filer_unit(sub, "feedback")  # 附件3 prints 单位：万元
    for form in sub.table("feedback").forms:
        for row in [*form.rows, *([form.total] if form.total else [])]:
            yield from _row_arithmetic(form, row, unit)
        if form.total:
            yield from _total(form, unit)


def _row_arithmetic(form, row: dict, unit: str) -> Iterator[Finding]:
    amount, spent = row.get("amount"), row.get("spent")
    name = "合计行" if row is form.total else f"“{row.get('fund_name')}”行"
    if amount is None or spent is None:
        return
    if row.get("unspent") is not None:
        expected = amount - spent
        allowed = tolerance(row, "unspent") + tolerance(row, "amount") + tolerance(row, "spent")
        if not matches(row["unspent"], expected, allowed):
            places = written_places(tolerance(row, "unspent"), unit)
            yield differs(
                "未支出金额", row["unspent"], expected, region=form.region,
                subject=f"{form.label}:{row['_row']}:unspent", where=form.where(row["_row"]),
                recommendation="按资金金额减实际支出金额更正未支出金额。", unit=unit,
                tolerance=tolerance(row, "unspent"), who=f"{form.label}{name}", verb="",
                rule=f"应为资金金额{quote(amount, unit, places)}减实际支出金额{quote(spent, unit, places)}即",
                effect=Effect())  # the form's own arithmetic: no money at stake
    if row.get("progress") is not None and amount > 0:
        expected = spent / amount
        low = (spent - tolerance(row, "spent")) / (amount + tolerance(row, "amount"))
        high = (spent + tolerance(row, "spent")) / max(amount - tolerance(row, "amount"), Decimal("0.01"))
        slack = _share_tolerance(row["progress"])
        if not (low - slack <= row["progress"] <= high + slack):
            yield Finding(
                region=form.region, subject=f"{form.label}:{row['_row']}:progress",
                condition=(f"{form.label}{name}实际支出进度{percent(row['progress'])}，"
                           f"按实际支出金额{quote(spent, unit)}除以资金金额{quote(amount, unit)}"
                           f"应为{percent(expected.quantize(Decimal('0.0001')))}。"),
                recommendation="按实际支出金额除以资金金额更正实际支出进度。",
                figures={"declared_rate": row["progress"], "expected_rate": expected},
                evidence=Evidence(count=1, where=form.where(row["_row"])), unit=unit)


def _total(form, unit: str) -> Iterator[Finding]:
    for column, label in _SUMMED:
        values = [r.get(column) for r in form.rows]
        if form.total.get(column) is None or all(v is None for v in values):
            continue
        expected = sum((v for v in values if v is not None), Decimal(0))
        allowed = tolerance(form.total, column) + sum((tolerance(r, column) for r in form.rows), Decimal(0))
        if matches(form.total[column], expected, allowed):
            continue
        yield differs(
            f"“{label}”为", form.total[column], expected, region=form.region,
            subject=f"{form.label}:total:{column}", where=form.where(form.total["_row"]),
            recommendation="核对合计行与各行数据，更正反馈表。", unit=unit,
            tolerance=tolerance(form.total, column), who=f"{form.label}合计行", verb="", rule="各行之和为",
            count=len(form.rows) + 1, effect=Effect())  # the form's own arithmetic: no money at stake


@check("UF002", "资金使用跟踪反馈表未在当月月末前报送", cites=CITES + " 说明3", needs=["feedback"],
       params=["feedback.monthly"], severity="warning", programs=("resident-subsidy", "medical-assistance"))
def form_in_time(sub, rules) -> Iterator[Finding]:
    """每月的财政资金使用跟踪反馈表应于当月月末之前报送。

    The deadline is the month's last day, included, moved to the next working day when it is a
    day off (the rulebook's deadline settings, 民法典 第二百零三条), on the deadline machinery of
    every DL check. A form whose month or filing date is not given is listed in one info
    finding, not judged.
    """
    unjudged = []
    for form in sub.table("feedback").forms:
        if form.month is None or form.filed_on is None:
            unjudged.append(form)
            continue
        year, month = form.month
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        deadline = on_date(last, rules, f"{year}年{month}月月末之前")
        finding = late_finding(
            region=form.region, subject=f"{form.label}:filed", what=form.label, done="报送",
            done_on=form.filed_on, deadline=deadline, where=form.where(),
            recommendation="按月在月末之前报送财政资金使用跟踪反馈表。")
        if finding is not None:
            yield finding
    if unjudged:
        yield Finding(
            subject="feedback:undated", severity="info",
            condition=("下列反馈表未写明所属月份或报送日期，未判断是否按时报送："
                       + "；".join(f"{f.label}（{f.where()}）" for f in unjudged) + "。"),
            recommendation="在反馈表上方注明所属月份和报送日期（如“月份：2020年11月”“报送日期：2020-11-26”）。",
            figures={"forms": [f.label for f in unjudged]})


@check("UF003", "未按计划支出的资金未列明整改措施", cites=CITES, needs=["feedback"], params=["feedback.monthly"],
       severity="warning", programs=("resident-subsidy", "medical-assistance"))
def behind_plan_explained(sub, rules) -> Iterator[Finding]:
    """未按计划或预算执行要求支出的资金，应在反馈表中列明整改措施及整改时间。

    One finding per row whose 未按计划或预算执行要求支出的 amount is above zero and whose
    整改措施及整改时间 is empty.
    """
    unit = filer_unit(sub, "feedback")
    for form in sub.table("feedback").forms:
        for row in form.rows:
            behind = row.get("behind")
            if behind is None or behind <= 0 or (row.get("measures") or "").strip():
                continue
            yield Finding(
                region=form.region, subject=f"{form.label}:{row['_row']}:measures",
                condition=(f"{form.label}“{row.get('fund_name')}”有{quote(behind, unit)}未按计划或预算执行要求支出，"
                           "未填写整改措施及整改时间。"),
                recommendation="分析资金未按计划支出的原因，列明整改措施和整改时间，督促加快支出进度。",
                effect=Effect(amount=behind),
                figures={"behind": behind},
                evidence=Evidence(count=1, where=form.where(row["_row"])), unit=unit)

