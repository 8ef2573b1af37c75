"""Individual contributions (居民个人缴费): the region's standard and the money collected.

000 第十六条 asks each 盟市 for its residents' actual individual contributions (附件3、5) by the
end of August; the national notice of each year sets the minimum individual standard
(rulebook ``contribution.<year>``, with its source and ``verified`` flag).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.findings import differs, filer_unit
from auditkit.money import matches, tolerance, yuan
from auditkit.settlement import region_name

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("IC", "居民个人缴费方面", order=150)


@check("IC001", "居民个人缴费标准低于国家最低标准",
       cites="内财社〔2025〕357号 第十五条、第十六条（附件3、5）；当年国家城乡居民医保工作通知",
       needs=["individual_contributions"], params=["contribution@Y"])
def contribution_standard(sub, rules) -> Iterator[Finding]:
    """统筹地区的居民个人缴费标准（元/人/年）不得低于当年国家规定的最低个人缴费标准。

    One finding per region whose standard is below the year's minimum (rulebook
    ``contribution.<Y>``); the amount at stake is (minimum − standard) × paying persons where the
    table gives them. The standard is per head in 元 whatever the table's money unit.
    """
    minimum = rules.get("contribution", sub.year)
    table = sub.table("individual_contributions")
    for row in table.rows():
        standard = row["standard"]
        if standard is None or standard >= minimum.value:
            continue
        region = region_name(row["region"], rules)
        payers = _payers(row)
        shortfall = (minimum.value - standard) * payers if payers is not None else Decimal(0)
        yield Finding(
            region=region, subject="standard",
            condition=(f"{region}{sub.year}年度居民个人缴费标准为每人每年{yuan(standard)}，"
                       f"低于国家规定的最低标准{yuan(minimum.value)}（{minimum.cite()}），"
                       f"每人少{yuan(minimum.value - standard)}。"),
            recommendation="按国家规定的最低标准调整居民个人缴费标准，并说明已按低标准征收的情况及补救措施。",
            effect=_effect(shortfall, payers),
            figures={"declared": standard, "expected": minimum.value, "difference": standard - minimum.value},
            evidence=Evidence(count=1, where=table.where(row["_row"], "standard")))


@check("IC002", "个人缴费收入与缴费人数和缴费标准不符", cites="内财社〔2025〕357号 第十六条（附件3、5）",
       needs=["individual_contributions"])
def contributions_collected(sub, rules) -> Iterator[Finding]:
    """实际征收的个人缴费收入应等于个人缴费人数乘以个人缴费标准；由医疗救助资助参保的人员，其个人缴费由医疗救助资金代缴，不计入个人缴费人数。

    Paying persons are the table's 个人缴费人数, or else 参保人数 − 资助参保人数. The comparison
    allows half a unit of the written precision of 个人缴费收入 (and of the standard, times the
    persons): a figure written in 万元 to two decimals may differ by 50 元. A row that gives
    neither paying persons nor enrolled persons is not judged.
    """
    table = sub.table("individual_contributions")
    for row in table.rows():
        payers = _payers(row)
        if payers is None or row["standard"] is None or row["collected"] is None:
            continue
        expected = payers * row["standard"]
        allowed = tolerance(row, "collected") + tolerance(row, "standard") * payers
        if matches(row["collected"], expected, allowed):
            continue
        basis = (f"个人缴费人数{payers:,}人" if row.get("payers") is not None else
                 f"参保人数{row['enrolled']:,}人减资助参保人数{row.get('assisted') or 0:,}人，即缴费人数{payers:,}人")
        # the standard is per head in 元 whatever the table's money unit
        yield differs(
            "个人缴费收入", row["collected"], expected, region=region_name(row["region"], rules), subject="collected",
            where=table.where(row["_row"], "collected"),
            recommendation="核实个人缴费人数（剔除医疗救助资助参保人员）和实际征收金额，更正附表。",
            unit=filer_unit(sub, "individual_contributions"), tolerance=tolerance(row, "collected"),
            rule=f"按{basis}乘以个人缴费标准{yuan(row['standard'])}计算应为",
            figures={"payers": payers, "standard": row["standard"]})


def _payers(row: dict) -> int | None:
    if row.get("payers") is not None:
        return row["payers"]
    if row.get("enrolled") is not None:
        return row["enrolled"] - (row.get("assisted") or 0)
    return None


def _effect(amount: Decimal, persons: int | None) -> Effect:
    return Effect(amount=amount, persons=persons or 0)
