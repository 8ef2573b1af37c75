"""League-pooling checks (阿拉善盟医疗保险基金盟级统筹管理办法，阿署办发〔2020〕30号).

PL001 recomputes each year's extraction into the risk pool (共济金, 第十五、十六条), PL002 the order
in which a 旗（区）'s deficit was covered (第十七条); DL009 the monthly uploads to the league's
account (第六条), with the deadline machinery of ``auditkit.deadlines``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.deadlines import DATE_SETTINGS, late_finding, on_date
from auditkit.findings import differs
from auditkit.money import matches, percent, tolerance, wan, yuan
from auditkit.schemas import word

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("PL", "盟级统筹基金管理方面", order=100)

PROGRAMS = ("pooling",)
ZERO = Decimal(0)
SCHEME_NAMES = {"employee": "城镇职工", "resident": "城乡居民", "combined": "职工、居民合并"}
BASE_NAMES = {"employee": "城镇职工基本医疗保险统筹基金收入（不含个人账户）", "resident": "城乡居民基本医疗保险基金收入"}




@check("PL001", "风险共济金提取错误", cites="阿署办发〔2020〕30号 第十四条、第十五条、第十六条",
       needs=["risk_pool"], params=["pooling.risk_pool_rate", "pooling.risk_pool_cap"], programs=PROGRAMS)
def risk_pool_extraction(sub, rules) -> Iterator[Finding]:
    """共济金按城镇职工、城乡居民分别记账、分账核算：城镇职工按当年度全盟城镇职工基本医疗保险统筹基金收入总额（不含个人账户）的10%筹集，城乡居民按当年度全盟城乡居民基本医疗保险基金收入总额的10%筹集；共济金滚存结余总额达到当年度相应基金收入总额的，停止提取。

    Per year and scheme: base = income − personal_account (employees; residents have none),
    expected = 0 when opening_balance ≥ cap × base, else min(rate × base, cap × base −
    opening_balance) — the last extraction tops the balance up to the cap and no further. A row
    of both schemes together (合计) is a pool not kept apart; a year with one scheme's row and
    not the other's is a warning.
    """
    table = sub.table("risk_pool")
    rate = rules.get("pooling.risk_pool_rate").decimal
    cap_ratio = rules.get("pooling.risk_pool_cap").decimal
    years: dict[int, set[str]] = {}
    for row in table.rows():
        scheme = row["scheme"]  # canonical (auditkit.schemas.SCHEMES); "combined" is what 第十四条 forbids
        year = row["year"]
        years.setdefault(year, set()).add(scheme)
        where = table.where(row["_row"], "extraction")
        if scheme == "combined":
            yield Finding(
                subject=f"{year}:combined",
                condition=f"{year}年共济金按职工、居民合并提取{yuan(row['extraction'])}，未分别记账、分账核算。",
                recommendation="共济金按城镇职工、城乡居民分别提取、分别记账、分账核算。",
                evidence=Evidence(count=1, where=where))
            continue
        personal = (row.get("personal_account") or ZERO) if scheme == "employee" else ZERO
        base = row["income"] - personal
        cap = cap_ratio * base
        opening = row["opening_balance"]
        by_rate = rate * base
        if opening >= cap:
            expected, how = ZERO, f"年初滚存结余{yuan(opening)}已达到当年度基金收入{yuan(base)}，应停止提取"
            allowed = tolerance(row, "extraction")
        elif cap - opening < by_rate:
            expected = cap - opening
            how = (f"年初滚存结余{yuan(opening)}距当年度基金收入{yuan(base)}仅差{yuan(expected)}，"
                   f"少于按{percent(rate)}计算的{yuan(by_rate)}，应提取至滚存结余达到当年度基金收入为止")
            allowed = tolerance(row, "extraction") + tolerance(row, "opening_balance") + cap_ratio * (
                tolerance(row, "income") + tolerance(row, "personal_account"))
        else:
            expected = by_rate
            how = f"按{BASE_NAMES[scheme]}{yuan(base)}的{percent(rate)}计算"
            allowed = tolerance(row, "extraction") + rate * (tolerance(row, "income") + tolerance(row, "personal_account"))
        declared = row["extraction"]
        if matches(declared, expected, allowed):
            continue
        included = ("所列基金收入含个人账户收入，提取基数应扣除个人账户。"
                    if scheme == "employee" and personal and matches(declared, rate * row["income"], allowed) else "")
        yield differs(
            "共济金提取", declared, expected, region=None, who=f"{year}年{SCHEME_NAMES[scheme]}", verb="",
            rule=f"{how}，应为", more="多提取", less="少提取", subject=f"{year}:{scheme}", where=where,
            recommendation="按第十五条、第十六条重新核定共济金提取额，调整账务。", unit=table.unit,
            tolerance=tolerance(row, "extraction"), basis=included, figures={"base": base})
    for year, schemes in sorted(years.items()):
        if "combined" in schemes:
            continue
        for missing in {"employee", "resident"} - schemes:
            yield Finding(
                subject=f"{year}:{missing}:missing", severity="warning",
                condition=f"共济金表列有{year}年{SCHEME_NAMES[next(iter(schemes))]}共济金，未列{SCHEME_NAMES[missing]}共济金。",
                recommendation=f"补报{year}年{SCHEME_NAMES[missing]}共济金的筹集情况。",
                evidence=Evidence(count=0, where=table.file))


# The order of 第十七条: the column used, the column saying how much was available, and the name.
COVER_ORDER = (
    ("from_balance", "balance", "医保基金滚存结余"),
    ("from_risk_pool", "risk_pool_available", "共济金"),
    ("from_adjustment", None, "调整缴费比例或待遇政策"),
    ("from_government", None, "盟、旗（区）两级财政补助"),
)


@check("PL002", "收支缺口未按规定顺序调剂", cites="阿署办发〔2020〕30号 第十七条",
       needs=["deficits.from_balance"], programs=PROGRAMS)
def deficit_order(sub, rules) -> Iterator[Finding]:
    """盟本级及各旗（区）医保基金当年收支出现缺口的，应依次由医保基金滚存结余、共济金调剂，仍有缺口的调整缴费比例或待遇政策，医保基金全面亏空时由盟、旗（区）两级财政补助；各项调剂之和应弥补当年缺口。

    A later source may be used only when each earlier one whose available amount is given
    (``balance``, ``risk_pool_available``) was used up to the smaller of that amount and what
    was still uncovered. The adjustment step has no amount to exhaust, so government money is
    judged against the balance and the risk pool only. Separately, the sources must add up to
    the gap (within the half-units of every figure).
    """
    table = sub.table("deficits")
    for row in table.rows():
        county = "".join((row["county"] or "").split())
        label = (f"{row['year']}年" if row.get("year") else "") + (word("deficits", "scheme", row["scheme"]) if row.get("scheme") else "")
        gap = row["gap"]
        used = {column: row.get(column) or ZERO for column, _, _ in COVER_ORDER}
        remaining = gap
        for index, (column, available_column, name) in enumerate(COVER_ORDER):
            available = row.get(available_column) if available_column else None
            later = [n for c, _, n in COVER_ORDER[index + 1:] if used[c] > 0]
            if available is not None and later:
                should = min(max(remaining, ZERO), available)
                allowed = tolerance(row, column) + tolerance(row, available_column) + tolerance(row, "gap")
                if used[column] + allowed < should:
                    yield Finding(
                        region=county, subject=f"{label}:order",
                        condition=(f"{county}{label}收支缺口{yuan(gap)}，{name}可用{yuan(available)}、"
                                   f"只调剂{yuan(used[column])}，即动用{'、'.join(later)}；"
                                   f"按第十七条应先由{name}调剂{yuan(should)}。"),
                        recommendation=f"按第十七条的顺序调剂缺口：先用足{name}，再依次动用后续渠道。",
                        effect=Effect(amount=should - used[column]),
                        figures={"declared": used[column], "expected": should, "source": column},
                        evidence=Evidence(count=1, where=table.where(row["_row"], column)))
                    break
            remaining -= used[column]
        covered = sum(used.values(), ZERO)
        allowed = tolerance(row, "gap") + sum((tolerance(row, c) for c, _, _ in COVER_ORDER), ZERO)
        if not matches(covered, gap, allowed):
            yield differs(
                "各渠道调剂合计", covered, gap, region=county, who=f"{county}{label}", verb="", rule="收支缺口为",
                more="超出缺口", less="尚有缺口未弥补", subject=f"{label}:covered", where=table.where(row["_row"], "gap"),
                recommendation="核实缺口金额与调剂资金，确保当年收支缺口足额弥补、调剂不超过缺口。", unit=table.unit)


@check("DL009", "医保基金未按月及时上划", cites="阿署办发〔2020〕30号 第六条", needs=["pooling_uploads"],
       params=["deadline.pooling_upload_day", *DATE_SETTINGS], severity="warning", programs=PROGRAMS)
def monthly_upload(sub, rules) -> Iterator[Finding]:
    """盟本级及旗（区）征缴的城镇职工和城乡居民基本医疗保险费、生育保险费和大额医疗保险费进入同级医保基金财政专户后，应于每月10日前将上月征缴的费用足额上划至盟医保基金相应财政专户。

    Each row's month M is due on the 10th of M+1 (the rulebook's ``deadline.pooling_upload_day``),
    the day included and moved to the next working day when it is not one
    (``auditkit.deadlines.on_date``). An upload short of the month's collection is a finding of
    its own: the rest was not uploaded by the deadline.
    """
    table = sub.table("pooling_uploads")
    day = rules.get("deadline.pooling_upload_day").value
    for row in table.rows():
        county = "".join((row["county"] or "").split())
        scheme = word("pooling_uploads", "scheme", row["scheme"]) if row.get("scheme") else ""
        year, month = row["month"].year, row["month"].month  # the month's first day (schemas.read_month)
        due_year, due_month = (year + 1, 1) if month == 12 else (year, month + 1)
        # "每月31日前" in a shorter month is its last day
        due = dt.date(due_year, due_month, min(day, calendar.monthrange(due_year, due_month)[1]))
        deadline = on_date(due, rules, f"上划期限为次月{day}日前，即{due_year}年{due_month}月{due.day}日前")
        label = f"{county}{year}年{month}月征缴的{scheme}医保费"
        finding = late_finding(
            region=county, subject=f"{year}-{month:02d}:{scheme}:late",
            what=f"{label}", done="上划至盟医保基金财政专户", done_on=row["uploaded_on"], deadline=deadline,
            where=table.where(row["_row"], "uploaded_on"),
            recommendation=f"每月{day}日前将上月征缴的医保费足额上划至盟医保基金财政专户。",
            amount=row.get("uploaded") or row.get("collected") or ZERO)
        if finding is not None:
            yield finding
        collected, uploaded = row.get("collected"), row.get("uploaded")
        if (collected is not None and uploaded is not None
                and collected - uploaded > tolerance(row, "uploaded") + tolerance(row, "collected")):
            yield Finding(
                region=county, subject=f"{year}-{month:02d}:{scheme}:short",
                condition=f"{label}{yuan(collected)}，只上划{yuan(uploaded)}，{wan(collected - uploaded)}未上划。",
                recommendation="将上月征缴的医保费足额上划至盟医保基金财政专户。",
                effect=Effect(amount=collected - uploaded),
                figures={"declared": uploaded, "expected": collected, "difference": uploaded - collected},
                evidence=Evidence(count=1, where=table.where(row["_row"], "uploaded")))
