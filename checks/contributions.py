"""Contributions and regional pooling (内蒙古自治区关于推动基本医疗保险自治区级统筹的实施意见，征求意见稿).

CT001 contribution bases, CT002 rates, CT003 the critical-illness share, CT004 the resident
collection window, CT005 no deficit budget. Seed 003 is a draft for comment, phased in from
2026 (employees 2027, residents 2028), and much of it is soft ("逐步调增", "不低于6%左右",
"原则上"): every check here is registered as draft, defaults to a warning, and says in each
finding that its basis is a draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.findings import differs
from auditkit.schemas import word
from auditkit.money import matches, percent, tolerance, wan, yuan

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("CT", "缴费及自治区级统筹方面", order=110)

PROGRAMS = ("contributions",)
CITES = "基本医保自治区级统筹实施意见（征求意见稿） 二（二）"
DRAFT_NOTE = "（依据为征求意见稿，拟自2026年起分阶段实施）"
ZERO = Decimal(0)
CATEGORY_NAMES = {"employer": "用人单位", "employee": "职工个人", "flexible": "灵活就业人员等",
                  "unemployed": "领取失业保险金人员"}



@check("CT001", "职工医保缴费基数不符合规定", cites=CITES, needs=["contribution_bases"], severity="warning",
       params=["contributions.base_floor", "contributions.base_ceiling", "contributions.flexible_base",
               "contributions.unemployed_base"], programs=PROGRAMS, draft=True)
def contribution_bases(sub, rules) -> Iterator[Finding]:
    """职工医保缴费基数：职工个人为本人工资收入；用人单位为上年度本单位职工工资总额，其上年度职工平均工资低于全区上年度全口径城镇单位就业人员平均工资80%的按80%、高于300%的按300%核定；灵活就业人员、农牧民工、新业态从业人员以全区平均工资的80%为基数；领取失业保险金人员以60%为基数。

    The region's last-year all-urban average wage is the manifest's ``[funds] average_wage``
    (in the package's unit). An employer's expected base is clamp(wage, 80% A, 300% A) ×
    headcount (per head when no headcount is given). A row without the wage it needs is listed
    in one warning, not guessed.
    """
    table = sub.table("contribution_bases")
    average = sub.manifest.funds.get("average_wage")
    if average is None:
        yield Finding(
            subject="average_wage",
            condition="清单未列全区上年度全口径城镇单位就业人员平均工资（[funds] average_wage），无法核对缴费基数。" + DRAFT_NOTE,
            recommendation="在清单中写明全区上年度全口径城镇单位就业人员平均工资。",
            evidence=Evidence(count=0, where=table.file))
        return
    floor = rules.get("contributions.base_floor").decimal
    ceiling = rules.get("contributions.base_ceiling").decimal
    fixed = {"flexible": rules.get("contributions.flexible_base").decimal,
             "unemployed": rules.get("contributions.unemployed_base").decimal}
    lacking = []
    for row in table.rows():
        category = row["category"]  # canonical: the table's schema read it (auditkit.schemas.CATEGORIES)
        payer = "".join((row["payer"] or "").split())
        heads = row.get("headcount") or 1
        if category in fixed:
            expected = fixed[category] * average
            how = f"全区上年度全口径城镇单位就业人员平均工资{yuan(average)}的{percent(fixed[category])}"
            allowed = tolerance(row, "base")
        elif row.get("wage") is None:
            lacking.append(row["_row"])
            continue
        elif category == "employee":
            expected, how = row["wage"], "本人工资收入"
            allowed = tolerance(row, "base") + tolerance(row, "wage")
        else:
            wage = row["wage"]
            clamped = min(max(wage, floor * average), ceiling * average)
            expected = clamped * heads
            if clamped == wage:
                how = f"上年度本单位职工工资总额：平均工资{yuan(wage)}×{heads}人"
            else:
                bound = percent(floor if clamped < ceiling * average else ceiling)
                how = (f"平均工资{yuan(wage)}{'低于' if wage < clamped else '高于'}全区平均工资{yuan(average)}的{bound}，"
                       f"按{yuan(clamped)}×{heads}人核定")
            allowed = tolerance(row, "base") + heads * tolerance(row, "wage")
        if matches(row["base"], expected, allowed):
            continue
        yield differs(
            "缴费基数", row["base"], expected, region=row.get("region"), who=f"{payer}（{CATEGORY_NAMES[category]}）",
            subject=f"{payer}:base", rule="应为", more="高", less="低", where=table.where(row["_row"], "base"),
            recommendation="按规定核定缴费基数，足额征缴职工医保费。", unit=table.unit,
            tolerance=tolerance(row, "base"), basis=f"核定依据：{how}。" + DRAFT_NOTE)
    if lacking:
        yield Finding(
            subject="wage-missing",
            condition=(f"缴费基数表第{'、'.join(map(str, lacking))}行未列上年度职工平均工资或本人工资收入，"
                       "无法核对其缴费基数。" + DRAFT_NOTE),
            recommendation="补报用人单位上年度职工平均工资或职工本人工资收入。",
            evidence=Evidence(count=len(lacking), where=table.file))


@check("CT002", "职工医保缴费费率不符合规定", cites=CITES, needs=["contributions.employer_rate|contributions.employee_rate"],
       params=["contributions.employer_rate_min", "contributions.employee_rate"], severity="warning",
       programs=PROGRAMS, draft=True)
def contribution_rates(sub, rules) -> Iterator[Finding]:
    """职工医保用人单位缴费费率应为上年度本单位职工工资总额的7%及以上（含生育保险），未达到7%的地区应逐步调增到7%；职工本人缴费费率为个人工资收入的2%。"""
    table = sub.table("contributions")
    employer_min = rules.get("contributions.employer_rate_min").decimal
    employee = rules.get("contributions.employee_rate").decimal
    for row in table.rows():
        region = "".join(row["region"].split())
        rate = row.get("employer_rate")
        if rate is not None and rate < employer_min:
            yield Finding(
                region=region, subject="employer_rate",
                condition=f"{region}用人单位缴费费率为{percent(rate)}，低于{percent(employer_min)}（含生育保险）。" + DRAFT_NOTE,
                recommendation=f"逐步将用人单位缴费费率调增到{percent(employer_min)}。",
                figures={"declared": rate, "expected": employer_min, "difference": rate - employer_min,
                         "declared_rate": rate, "expected_rate": employer_min},
                evidence=Evidence(count=1, where=table.where(row["_row"], "employer_rate")))
        rate = row.get("employee_rate")
        if rate is not None and rate != employee:
            yield Finding(
                region=region, subject="employee_rate",
                condition=f"{region}职工个人缴费费率为{percent(rate)}，规定为{percent(employee)}。" + DRAFT_NOTE,
                recommendation=f"职工个人缴费费率统一按{percent(employee)}执行。",
                figures={"declared": rate, "expected": employee, "difference": rate - employee,
                         "declared_rate": rate, "expected_rate": employee},
                evidence=Evidence(count=1, where=table.where(row["_row"], "employee_rate")))


@check("CT003", "大病保险筹资比例偏低", cites=CITES, needs=["contributions.resident_fund", "contributions.critical_illness"],
       params=["contributions.critical_illness_min"], severity="warning", programs=PROGRAMS, draft=True)
def critical_illness_share(sub, rules) -> Iterator[Finding]:
    """大病保险资金个人不单独缴费，按照不低于6%左右从居民医保基金中划拨。

    The share is critical_illness / resident_fund, unrounded. "左右" (about) is why the check is
    a warning; the threshold itself is the rulebook's.
    """
    table = sub.table("contributions")
    minimum = rules.get("contributions.critical_illness_min").decimal
    for row in table.rows():
        fund, amount = row.get("resident_fund"), row.get("critical_illness")
        if fund is None or amount is None or fund <= 0:
            continue
        share = amount / fund
        if share >= minimum:
            continue
        region = "".join(row["region"].split())
        shortfall = minimum * fund - amount
        yield Finding(
            region=region, subject="critical_illness",
            condition=(f"{region}从居民医保基金{yuan(fund)}中划拨大病保险资金{yuan(amount)}，占{percent(share)}，"
                       f"低于{percent(minimum)}左右，按{percent(minimum)}计少划拨{wan(shortfall)}。" + DRAFT_NOTE),
            recommendation=f"统筹考虑近3年收支结余情况，按不低于{percent(minimum)}左右划拨大病保险资金。",
            effect=Effect(amount=shortfall),
            figures={"declared": amount, "expected": minimum * fund, "difference": amount - minimum * fund, "share": share},
            evidence=Evidence(count=1, where=table.where(row["_row"], "critical_illness")))


def _window_day(rules, name: str, year: int) -> dt.date:
    return rules.get(name).value.in_year(year)


@check("CT004", "居民医保集中征缴期不符合规定", cites=CITES,
       needs=["contributions.collection_start|contributions.collection_end"],
       params=["contributions.collection_start", "contributions.collection_end"], severity="warning",
       programs=PROGRAMS, draft=True)
def collection_window(sub, rules) -> Iterator[Finding]:
    """各地原则上应于上年度9月1日至12月31日完成次年居民医保集中征缴。

    For the package's year Y the window is Sept 1 – Dec 31 of Y−1 (the rulebook's
    ``contributions.collection_start``/``collection_end``). A collection that starts before
    the window or ends after it is a finding; the end is a year-end date and never moves.
    """
    table = sub.table("contributions")
    start = _window_day(rules, "contributions.collection_start", sub.year - 1)
    end = _window_day(rules, "contributions.collection_end", sub.year - 1)
    for row in table.rows():
        region = "".join(row["region"].split())
        began, closed = row.get("collection_start"), row.get("collection_end")
        problems = []
        if began is not None and began < start:
            problems.append(f"{began.isoformat()}即开始征缴，早于{start.isoformat()}")
        if closed is not None and closed > end:
            problems.append(f"至{closed.isoformat()}才结束征缴，晚于{end.isoformat()}")
        if not problems:
            continue
        yield Finding(
            region=region, subject="collection_window",
            condition=f"{region}{sub.year}年度居民医保集中征缴{'，'.join(problems)}。" + DRAFT_NOTE,
            recommendation=f"于{start.year}年{start.month}月{start.day}日至{end.month}月{end.day}日完成{sub.year}年度居民医保集中征缴。",
            figures={"start": began, "end": closed, "window_start": start, "window_end": end},
            evidence=Evidence(count=1, where=table.where(row["_row"], "collection_end" if closed and closed > end else "collection_start")))


@check("CT005", "医保基金编制赤字预算", cites="基本医保自治区级统筹实施意见（征求意见稿） 二（五）",
       needs=["fund_budgets"], severity="warning", programs=PROGRAMS, draft=True)
def deficit_budget(sub, rules) -> Iterator[Finding]:
    """各统筹区按照“以收定支、收支平衡、略有结余”的原则编制医保基金收支预算，不应编制当年赤字预算。

    Per region and scheme: budgeted expenditure above budgeted income (beyond the half-units of
    both figures) is a deficit budget.
    """
    table = sub.table("fund_budgets")
    for row in table.rows():
        region = "".join(row["region"].split())
        scheme = word("fund_budgets", "scheme", row["scheme"])
        deficit = row["expenditure"] - row["income"]
        if deficit <= tolerance(row, "income") + tolerance(row, "expenditure"):
            continue
        yield Finding(
            region=region, subject=f"budget:{scheme}",
            condition=(f"{region}{scheme}医保基金预算收入{yuan(row['income'])}、预算支出{yuan(row['expenditure'])}，"
                       f"编制赤字{wan(deficit)}。" + DRAFT_NOTE),
            recommendation="按以收定支、收支平衡、略有结余的原则重新编制医保基金收支预算。",
            effect=Effect(amount=deficit),
            figures={"income": row["income"], "expenditure": row["expenditure"], "deficit": deficit},
            evidence=Evidence(count=1, where=table.where(row["_row"], "expenditure")))
