"""Enrollment checks on the roster (内财社〔2025〕357号 第十五条、第十七条; 塔地财社〔2021〕87号 二).

EN001–EN008 report the exclusion cascade of RULES.md, one finding per (code, 盟市): the
resident records the rule excluded, and the subsidy they would have drawn (std × the
package's share per record). EN009 compares the declared June-30 count with the verified
one. The cascade runs once per submission in ``auditkit.enrollment`` on the engine the run
chose; every check here only reads its counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.enrollment import RegionCounts, files_shown, roster_result
from auditkit.findings import mask_id
from auditkit.ids import ADDRESS_CODE, BIRTH_DATE, CHECK_DIGIT, MALFORMED, REASON_NAMES
from auditkit.enrollment.cells import COUNTY_REASONS
from auditkit.money import percent, yuan
from auditkit.settlement import assess, region_name

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("EN", "参保人数核实方面", order=40)

CITES = "内财社〔2025〕357号 第十五条、第十七条"
# The counts need only the census day; the money effect needs the year's standard and the
# share too, and is left out with a note where the rulebook has neither (another
# jurisdiction, or a year whose standard is not yet published).
PARAMS = ["enrollment.census_day"]
NEEDS = ["roster"]


def _share(sub, rules, region: str) -> Decimal | None:
    """The package's share of the standard for a region: c in a central settlement, the
    region's regional share in a regional one (rulebook, else the settlement table)."""
    if sub.manifest.funding_level == "central":
        return rules.get("central_share").value if rules.has("central_share") else None
    if rules.has(f"regional_share.{region}"):
        return rules.get(f"regional_share.{region}").value
    if "settlement" in sub.tables and rules.has("standard", sub.year):
        for figures in assess(sub, rules).regions:
            if figures.region == region:
                return figures.share
    return None


def _effect(sub, rules, region: str | None, records: int) -> tuple[Effect, str]:
    """The money at stake for ``records`` excluded records, and the formula as text; without a
    standard for the year or a share, the persons alone and a note saying why."""
    if not rules.has("standard", sub.year):
        return Effect(persons=records), f"（规则库未载明{sub.year}年国家补助标准，未计算涉及金额）"
    standard = rules.get("standard", sub.year)
    share = _share(sub, rules, region)
    if share is None:
        return Effect(persons=records), "（分担比例未知，未计算涉及金额）"
    amount = records * standard.decimal * share
    return (Effect(amount=amount, persons=records),
            f"涉及补助资金{yuan(amount)}（{records:,}人×{standard.value}元×{percent(share)}）")


def _evidence(sub, counts: RegionCounts, code: str, records: int) -> Evidence:
    reveal = bool(sub.options.get("reveal_ids"))
    rows = [{"身份证号": number if reveal else mask_id(number), "参保地区": counts.region}
            for number in counts.samples.get(code, [])]
    return Evidence(count=records, rows=rows, where=files_shown(sub))


def _regions(sub, rules, code: str) -> Iterator[tuple[RegionCounts, int]]:
    for counts in roster_result(sub, rules).regions.values():
        records = counts.excluded.get(code, 0)
        if records:
            yield counts, records


def _excluded(sub, rules, code: str, what: str, recommendation: str) -> Iterator[Finding]:
    """One finding per 盟市 for the records the cascade excluded under ``code``."""
    for counts, records in _regions(sub, rules, code):
        effect, money = _effect(sub, rules, counts.region, records)
        yield Finding(
            region=counts.region, subject="roster",
            condition=(f"{counts.region}参保人员名册中{what.format(n=f'{records:,}')}，"
                       f"不应计入经审核认定的参保人数，{money}。"),
            recommendation=recommendation, effect=effect,
            figures={"records": counts.records, "excluded": records, "verified": counts.verified},
            evidence=_evidence(sub, counts, code, records))


@check("EN001", "参保记录无身份证号", cites=CITES, needs=NEEDS, params=PARAMS)
def no_id(sub, rules) -> Iterator[Finding]:
    """参保人员无身份信息的，不得为其申报补助资金，应从经审核认定的参保人数中剔除。

    A record whose ID, once surrounding spaces are removed, is empty. Only resident-scheme
    records are counted (RULES.md, the cascade's first step).
    """
    yield from _excluded(sub, rules, "EN001", "有{n}条居民医保参保记录无身份证号",
                         "补录参保人员身份证号并核实身份；无法核实的，不得申报补助资金。")


@check("EN002", "身份证号无效", cites=CITES + "；GB 11643-1999", needs=NEEDS, params=PARAMS)
def invalid_id(sub, rules) -> Iterator[Finding]:
    """参保人员身份信息错误的，不得为其申报补助资金：身份证号应为18位，前17位为数字，校验码符合ISO 7064 MOD 11-2，出生日期真实且不晚于当年6月30日，地址码为GB/T 2260曾经赋予的代码。

    A 15-digit first-generation number is malformed (those cards lapsed in 2013). A lowercase
    x is read as X and reported in an info finding of its own, not excluded.
    """
    census = rules.get("enrollment.census_day").value
    names = dict(REASON_NAMES)
    names[BIRTH_DATE] = f"出生日期不存在或晚于{sub.year}年{census}"
    for counts, records in _regions(sub, rules, "EN002"):
        effect, money = _effect(sub, rules, counts.region, records)
        parts = "、".join(f"{names[reason]}{counts.reasons[reason]:,}条"
                         for reason in (MALFORMED, CHECK_DIGIT, BIRTH_DATE, ADDRESS_CODE)
                         if counts.reasons.get(reason))
        yield Finding(
            region=counts.region, subject="roster",
            condition=(f"{counts.region}参保人员名册中有{records:,}条居民医保参保记录身份证号无效（{parts}），"
                       f"不应计入经审核认定的参保人数，{money}。"),
            recommendation="核对并更正参保人员身份证号；无法更正的，不得申报补助资金。",
            effect=effect,
            figures={"records": counts.records, "excluded": records, "verified": counts.verified,
                     **{f"reason_{reason}": n for reason, n in sorted(counts.reasons.items())}},
            evidence=_evidence(sub, counts, "EN002", records))
    for counts in roster_result(sub, rules).regions.values():
        if counts.lower_x:
            yield Finding(
                region=counts.region, subject="lowercase-x", severity="info",
                condition=(f"{counts.region}参保人员名册中有{counts.lower_x:,}条居民医保参保记录的身份证号"
                           "校验码写作小写“x”，已按大写“X”核对，未予剔除。"),
                recommendation="按GB 11643的规定，身份证号校验码统一以大写“X”登记。",
                figures={"records": counts.lower_x},
                evidence=Evidence(count=counts.lower_x, where=files_shown(sub)))


@check("EN011", "参保地区划代码无法确定盟市", cites="内财社〔2025〕357号 第十七条", needs=NEEDS, params=PARAMS)
def no_usable_county(sub, rules) -> Iterator[Finding]:
    """参保人员的参保地区划代码缺失、格式不符、从未赋码或不属本辖区的，无法确定其所属统筹地区，不计入任何盟市的参保人数，亦不作为重复参保中保留的记录。

    Its place in the cascade is right after EN002: such a record (with a valid ID) is counted
    for no region and never compared for duplicates, so a record of a valid county is never
    excluded because of it. The county's region comes from the GB/T 2260 history
    (``auditkit.gbt2260.prefecture_of``) and the rulebook's regions, former codes included.
    """
    result = roster_result(sub, rules)
    for counts in result.regions.values():
        records = counts.excluded.get("EN011", 0)
        if not records:
            continue
        effect, money = _effect(sub, rules, None, records)
        parts = "、".join(f"{COUNTY_REASONS[reason]}{n:,}条" for reason, n in sorted(counts.county_reasons.items()))
        yield Finding(
            subject="roster-county",
            condition=(f"参保人员名册中有{records:,}条居民医保参保记录的参保地区划代码无法确定所属盟市（{parts}），"
                       f"未计入任何盟市经审核认定的参保人数，也不作为跨盟市重复参保中保留的记录，{money}。"),
            recommendation="核实上述参保人员的参保地，补正参保地区划代码（应为本辖区旗县（市、区）的6位代码）后重新报送。",
            effect=effect,
            figures={"excluded": records, **{f"reason_{reason}": n for reason, n in sorted(counts.county_reasons.items())}},
            evidence=_evidence(sub, counts, "EN011", records))


@check("EN003", "同一盟市内重复参保", cites=CITES, needs=NEEDS, params=PARAMS)
def duplicate_in_region(sub, rules) -> Iterator[Finding]:
    """同一人在同一盟市重复参加城乡居民医保的，只保留一条参保记录，其余重复记录不得申报补助资金。

    Group by (person, settlement region): n records leave n − 1. Which record stays does not
    change the count; EN004 uses the region's earliest record.
    """
    yield from _excluded(sub, rules, "EN003", "同一人重复参加居民医保的重复记录{n}条",
                         "清理盟市内重复参保记录，每人只保留一条，并相应核减申报参保人数。")


@check("EN004", "自治区内跨盟市重复参保", cites=CITES, needs=NEEDS, params=PARAMS + ["enrollment.duplicate_keep"])
def duplicate_across_regions(sub, rules) -> Iterator[Finding]:
    """同一人在自治区内两个以上盟市参加城乡居民医保的，属省内重复参保，只保留一处参保记录（按参保日期最早、其次区划代码最小），其余不得申报补助资金；规则库从严设置时全部剔除。

    The kept region is the one holding the person's earliest enrollment (a missing date sorts
    last), then the lowest county code. With ``enrollment.duplicate_keep = "none"`` every
    region's record is excluded (the strict reading of 第十七条).
    """
    strict = rules.get("enrollment.duplicate_keep").value == "none"
    kept = "按从严口径全部剔除" if strict else "另一盟市的参保记录参保日期更早（或同日而区划代码更小），已在该盟市保留"
    yield from _excluded(sub, rules, "EN004", f"有{{n}}人同时在自治区内其他盟市参加居民医保（{kept}）",
                         "会同相关盟市核实参保地，每人只在一地参保，并相应核减申报参保人数。")


@check("EN005", "职工医保与居民医保重复参保", cites=CITES, needs=NEEDS, params=PARAMS)
def duplicate_across_schemes(sub, rules) -> Iterator[Finding]:
    """同时参加职工基本医疗保险和城乡居民基本医疗保险的，属跨制度重复参保，其居民医保参保记录不得申报补助资金。

    Employee records serve only to find these persons; a resident record left after EN003 and
    EN004 is excluded when the same valid ID has an employee record anywhere in the roster.
    """
    yield from _excluded(sub, rules, "EN005", "有{n}人同时参加职工医保",
                         "清理跨制度重复参保，退出居民医保参保并相应核减申报参保人数。")


@check("EN006", "列入国家跨省重复参保名单", cites=CITES, needs=NEEDS + ["national_list"], params=PARAMS)
def national_list(sub, rules) -> Iterator[Finding]:
    """国家医保局会同财政部开展跨省重复参保核查，列入跨省重复参保名单的人员，中央、自治区财政据此扣减补助资金。"""
    yield from _excluded(sub, rules, "EN006", "有{n}人列入国家跨省重复参保名单",
                         "按跨省重复参保核查结果清理参保记录，并相应核减申报参保人数。")


@check("EN007", "已有其他医疗保障制度安排", cites=CITES, needs=NEEDS + ["other_coverage"], params=PARAMS)
def other_coverage(sub, rules) -> Iterator[Finding]:
    """已有其他医疗保障制度安排的，不纳入城乡居民基本医疗保险参保范围，不得为其申报补助资金。"""
    yield from _excluded(sub, rules, "EN007", "有{n}人已有其他医疗保障制度安排",
                         "将已有其他医疗保障制度安排的人员移出居民医保参保范围，并相应核减申报参保人数。")


@check("EN008", "参保人员已于6月30日前死亡", cites="内财社〔2025〕357号 第十条（6月底参保人数）",
       needs=NEEDS + ["deaths"], params=PARAMS)
def died_before_census(sub, rules) -> Iterator[Finding]:
    """补助资金按当年6月底参保人数计算，6月30日前已死亡的人员不应计入参保人数；6月30日当天死亡的不剔除。"""
    day = f"{sub.year}年{rules.get('enrollment.census_day').value}"
    yield from _excluded(sub, rules, "EN008", f"有{{n}}人已于{day}前死亡",
                         "根据死亡人员信息及时办理参保终止，并相应核减申报参保人数。")


@check("EN010", "6月30日后参保的记录计入了6月底参保人数", cites="内财社〔2025〕357号 第十条（6月底参保人数）",
       needs=NEEDS, params=PARAMS + ["enrollment.exclude_enrolled_after_census"])
def enrolled_after_census(sub, rules) -> Iterator[Finding]:
    """补助资金按当年6月底参保人数计算，6月30日以后才参保的记录不计入6月底参保人数；规则库可设置不予剔除。

    Last in the cascade (after EN008): a record left after EN001–EN008 whose region keeps its
    earliest record, and that record was enrolled after the census day, is excluded. A missing
    or unreadable date is not "after" (an unreadable one is named by IN002).
    """
    day = f"{sub.year}年{rules.get('enrollment.census_day').value}"
    yield from _excluded(sub, rules, "EN010", f"有{{n}}人的参保日期晚于{day}",
                         f"核实上述人员的参保日期；{day}以后参保的，不计入当年6月底参保人数，并相应核减申报参保人数。")


@check("EN009", "申报参保人数多于经审核认定的参保人数", cites="内财社〔2025〕357号 第十条、第十七条",
       needs=NEEDS + ["settlement.enrolled"], params=PARAMS)
def over_reported(sub, rules) -> Iterator[Finding]:
    """申报的6月底参保人数多于经参保人员名册审核认定的参保人数的，差额为多报、虚报参保人数，应按第十条追加扣减补助资金。

    Verified = the resident records the cascade kept. The difference feeds FE001 through the
    assessment (``auditkit.settlement``), which takes the enrolled count from the roster.
    """
    table = sub.table("settlement")
    verified = roster_result(sub, rules).regions
    for row in table.rows():
        declared = row.get("enrolled")
        name = region_name(row["region"], rules)
        if declared is None or name not in verified:
            continue
        counts = verified[name]
        difference = declared - counts.verified
        if difference <= 0:
            continue
        effect, money = _effect(sub, rules, name, difference)
        excluded = "、".join(f"{code} {n:,}条" for code, n in sorted(counts.excluded.items()))
        yield Finding(
            region=name, subject="enrolled",
            condition=(f"{name}申报6月底参保人数{declared:,}人，经参保人员名册审核认定{counts.verified:,}人"
                       f"（名册居民医保记录{counts.records:,}条，剔除{excluded or '0条'}），"
                       f"多报、虚报{difference:,}人，{money}。"),
            recommendation="按经审核认定的参保人数重新计算应补助资金，并按第十条追加扣减多报、虚报参保人数对应的补助资金。",
            effect=effect,
            figures={"declared": declared, "expected": counts.verified, "difference": difference},
            evidence=Evidence(count=1, where=table.where(row["_row"], "enrolled")))
