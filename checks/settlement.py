"""Resident-subsidy settlement checks (内财社〔2025〕357号 第十条; 塔地财社〔2021〕87号 附件1).

ST001–ST006 check the settlement table's arithmetic, standard, sign, totals, region names and
next year's pre-allocation; AR001/AR002 the local arrival rate and its deduction; FE001 the
over-report deduction. The recomputed figures come from ``auditkit.settlement.assess``, which is
also what the report prints as 核定结果; each check compares one of them with the declaration.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, NotRun, check, family
from auditkit.areas import JURISDICTION, PREFECTURE, UNIT_ENDINGS, Area, area_of, package_area, places
from auditkit.findings import differs, filer_unit
from auditkit.gbt2260 import had_name
from auditkit.money import matches, percent, quote, tolerance, written_places, yuan
from auditkit.rulebook import Region
from auditkit.schemas import TABLES
from auditkit.settlement import assess, region_name

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("ST", "结算资金计算方面", order=10)
family("AR", "地方财政补助资金到位方面", order=20)
family("FE", "多报虚报参保人数扣减方面", order=30)

CLAWBACK_WORD = "扣回"
# a document number in every bracket form offices type: 〔2015〕 [2015] 【2016】 (2017) （2017） ［2017］,
# with or without spaces before 号
DOCUMENT_NUMBER = re.compile(r"[〔\[【(（［﹝]\s*(?:19|20)\d{2}\s*[〕\]】)）］﹞]\s*第?\s*\d+\s*号")
ZERO = Decimal(0)



def _mismatch(sub, table: str, region: str | None, subject: str, what: str, declared: Decimal,
              expected: Decimal, where: str, recommendation: str, basis: str = "",
              tolerance: Decimal | None = None) -> Finding:
    """A declared figure of ``table`` that is not the rule's, quoted in the unit it was filed in."""
    return differs(what, declared, expected, region=region, subject=subject, where=where,
                   recommendation=recommendation, unit=filer_unit(sub, table), tolerance=tolerance,
                   basis=basis)


@check("ST001", "结算补助资金计算错误", cites="内财社〔2025〕357号 第十条", needs=["settlement"])
def settlement_arithmetic(sub, rules) -> Iterator[Finding]:
    """此次结算补助资金应等于应补助资金减去已预拨资金、因地方财政补助资金不到位扣减的资金和因多报、虚报参保人数扣减的资金。

    Arithmetic of the declared figures alone, so it needs no rulebook. The tolerance is the sum
    of the half-units of every term (RULES.md): 004's 721 − 731 = −10 万元 is consistent even
    though each figure was rounded to the 万元.
    """
    table = sub.table("settlement")
    for row in table.rows():  # the total row is ST004's: its slips follow from the rows
        if row.get("entitled") is None or row.get("settlement") is None:
            continue
        terms = ("entitled", "preallocated", "arrival_deduction", "over_report_deduction")
        expected = row["entitled"] - sum((row.get(t) or ZERO for t in terms[1:]), ZERO)
        allowed = sum((tolerance(row, t) for t in (*terms, "settlement")), ZERO)
        if matches(row["settlement"], expected, allowed):
            continue
        region = region_name(row["region"], rules)
        yield _mismatch(
            sub, "settlement", region, "settlement", "此次结算补助资金", row["settlement"], expected,
            table.where(row["_row"], "settlement"),
            "按第十条公式重新计算结算补助资金，更正结算分配表后重新报送。",
            basis=f"应补助资金{quote(row['entitled'], table.unit)}减去已预拨及各项扣减资金。",
            tolerance=tolerance(row, "settlement"))


@check("ST002", "应补助资金与补助标准不符", cites="内财社〔2025〕357号 第七条、第十条",
       needs=["settlement.enrolled"])
def entitled_amount(sub, rules) -> Iterator[Finding]:
    """应补助资金应按经审核认定的6月底参保人数、当年国家公布的政府补助标准和规定的分担比例计算；自治区资金结算中，区直院校学生由自治区按（1－中央分担比例）全额补助，不再计入所在盟市的应补助资金。

    The standard is the rulebook's for the year being settled, never the declared one: a table
    that declares last year's standard gets a finding of its own that says so. Where no rulebook
    knows the year or the jurisdiction, a table that states its own 人均补助标准 is checked with
    it, and the finding says so. For a central settlement the share is the rulebook's central
    share c (else the table's 分担比例); a declared share column is compared with it. In a
    regional settlement the share is r, and the 盟市's count leaves out the students of
    universities under the region (the settlement's 其中：区直院校学生 column, else the students
    table), who are paid (1 − c) × std each through US001: their non-central money is paid once.
    A region whose amount cannot be recomputed (no standard, no share) is listed as not run.
    """
    table = sub.table("settlement")
    unit = table.unit
    year = sub.year
    standard = rules.get("standard", year) if rules is not None and rules.has("standard", year) else None
    previous = (rules.get("standard", year - 1).decimal
                if rules is not None and rules.has("standard", year - 1) else None)
    cited = f"{year}年国家公布的政府补助标准（{standard.cite()}）" if standard is not None else "补助标准"
    not_run = []
    for figures in assess(sub, rules).regions:
        row = figures.row
        where = table.where(row["_row"])
        declared_standard = row.get("standard")
        stale = ""
        if (standard is not None and declared_standard is not None
                and not matches(declared_standard, standard.decimal, tolerance(row, "standard"))):
            stale = (f"申报按人均补助标准{declared_standard.normalize():f}元计算"
                     f"{'（系沿用上年标准）' if declared_standard == previous else ''}，"
                     f"而{year}年国家公布的政府补助标准为{standard.value}元；")
        declared_share = row.get("share")
        if (sub.manifest.funding_level == "central" and declared_share is not None
                and figures.share is not None and declared_share != figures.share):
            stale += (f"申报按分担比例{percent(declared_share)}计算，"
                      f"而中央财政补助比例为{percent(figures.share)}；")
        if row.get("entitled") is None:
            continue
        if figures.entitled is None:
            not_run.append(figures)
            continue
        if not matches(row["entitled"], figures.entitled, tolerance(row, "entitled")):
            yield _mismatch(
                sub, "settlement", figures.region, "entitled", "应补助资金", row["entitled"], figures.entitled,
                table.where(row["_row"], "entitled"),
                f"按经审核认定的参保人数、{cited}和规定的分担比例重新计算应补助资金。",
                basis=f"{stale}应为{_entitled_formula(sub, figures)}。", tolerance=tolerance(row, "entitled"))
        elif stale:
            yield Finding(
                region=figures.region, subject="standard", severity="warning",
                condition=f"{figures.region}{stale}应补助资金金额虽相符，但所列标准或比例有误。",
                recommendation="更正结算分配表所列的补助标准或分担比例。",
                evidence=Evidence(count=1, where=where), unit=unit)
    if not_run:
        no_book = (f"管辖区“{sub.manifest.jurisdiction}”没有规则库" if rules is None
                   else f"规则库“{rules.id}”未设{year}年补助标准")
        yield _not_run("的应补助资金无法复核", [
            (figures.region, f"{no_book}，表中也未列人均补助标准" if figures.standard is None
             else "分担比例未知" if figures.share is None else "参保人数未知") for figures in not_run])


def _not_run(subject: str, reasons: list[tuple[str, str]]) -> NotRun:
    """What a check could not judge, one clause per reason with the regions it holds for:
    '塔城市、额敏县的到位率无法计算：应到位资金无法计算（缺少…）；乌苏市的…'. A reason shared by
    every region is said once, and no reason stands in a bracket of its own (reasons carry
    brackets of their own)."""
    grouped: dict[str, list[str]] = {}
    for region, reason in reasons:
        grouped.setdefault(reason, []).append(region)
    return NotRun("；".join(f"{'、'.join(regions)}{subject}：{reason}" for reason, regions in grouped.items()))


def _entitled_formula(sub, figures) -> str:
    """'1,000人×640元×80%', with the students left out of a regional settlement and the
    standard's source when it is the table's own."""
    persons = f"{figures.enrolled:,}人"
    if sub.manifest.funding_level != "central" and figures.students:
        persons = f"（{figures.enrolled:,}人－区直院校学生{figures.students:,}人）"
    source = "（表列人均补助标准，规则库无该年度标准）" if figures.standard_basis == "table" else ""
    return f"{persons}×{figures.standard.normalize():f}元{source}×{percent(figures.share)}"


@check("ST003", "结算资金为负数未标明扣回", cites="内财社〔2025〕357号 第十条；塔地财社〔2021〕87号 二",
       needs=["settlement"])
def clawback_marked(sub, rules) -> Iterator[Finding]:
    """结算补助资金为负数的，应标明从已下达资金中扣回并注明文件文号；为正数的不得标为扣回。

    The mark is read from the 备注 column: a negative settlement needs the word 扣回 and a document
    number such as 塔地财社〔2021〕8号; a table without a 备注 column marks nothing.
    """
    table = sub.table("settlement")
    for row in table.rows():
        amount = row.get("settlement")
        if amount is None:
            continue
        note = row.get("note") or ""
        region = region_name(row["region"], rules)
        where = table.where(row["_row"], "note" if table.has("note") else "settlement")
        if amount < 0 and CLAWBACK_WORD not in note:
            yield Finding(
                region=region, subject="clawback-unmarked",
                condition=f"{region}此次结算补助资金为{yuan(amount)}（负数），备注未标明扣回。",
                recommendation="标明从已下达的补助资金中扣回，注明扣回所依据的文件文号，并及时扣回。",
                effect=Effect(amount=-amount), figures={"declared": amount},
                evidence=Evidence(count=1, where=where))
        elif amount < 0 and not DOCUMENT_NUMBER.search(note):
            yield Finding(
                region=region, subject="clawback-document", severity="warning",
                condition=f"{region}结算补助资金{yuan(amount)}标明扣回，但未注明从哪一文件下达的资金中扣回（备注：“{note}”）。",
                recommendation="在备注中注明扣回资金所在的文件文号。",
                effect=Effect(amount=-amount), figures={"declared": amount},
                evidence=Evidence(count=1, where=where))
        elif amount > 0 and CLAWBACK_WORD in note:
            yield Finding(
                region=region, subject="clawback-positive", severity="warning",
                condition=f"{region}此次结算补助资金为{yuan(amount)}（正数），备注却标为扣回（“{note}”）。",
                recommendation="核实结算方向：正数应予拨付，不应标为扣回。",
                figures={"declared": amount}, evidence=Evidence(count=1, where=where))


PROGRAMS_ALL = ("resident-subsidy", "medical-assistance", "pooling", "contributions")
# tables whose total rows another check compares (AL003: each fund's 合计 row of the allocation)
TOTALS_CHECKED_ELSEWHERE = {"assistance"}


@check("ST004", "合计数与分项之和不符", cites="塔地财社〔2021〕87号 附件1", programs=PROGRAMS_ALL)
def totals(sub, rules) -> Iterator[Finding]:
    """合计行的每一金额列和人数列应等于各地区分项之和；小计行应等于其所属各行之和。

    Every loaded table with a total row is checked, in every column that adds up — amounts and
    counts, under a known header or not (a kept ``+F`` column) — never 序号, codes, rates, shares,
    per-head standards or years. A total sums the regions' rows (其中 and 小计 rows are not
    addends); a 小计 row sums the rows between it and the previous 小计 or the header. In a table
    without a region column (payments, documents) a total sums the rows that share the enumerated
    words it fills in (a fund, a scheme). An amount's tolerance is the half-units of all the
    summed figures and of the total itself; counts must agree exactly (within the half-unit of a
    count written in 万人).
    """
    for name, table in sorted(sub.tables.items()):
        if name in TOTALS_CHECKED_ELSEWHERE or not (table.totals or table.subtotals):
            continue
        spec = TABLES[name]
        rows = table.rows_with_kept()
        for total in table.totals:
            members = _members_of(spec, total, rows)
            yield from _compare_sums(spec, table, name, total, members, "合计行", "各地区之和")
        for subtotal in table.subtotals:
            members = [r for r in rows if r["_row"] in set(subtotal["_members"])]
            label = subtotal.get("_label") or "小计"
            yield from _compare_sums(spec, table, name, subtotal, members, f"小计行“{label}”",
                                     "其所属各行之和", subject=f"@{label}")


def _members_of(spec, total: dict, rows: list[dict]) -> list[dict]:
    """The rows a total adds up: all of them, or in a table without a region column those that
    share each enumerated word the total row fills in (its fund, its scheme)."""
    if spec.key is not None:
        return rows
    groups = [c.name for c in spec.columns
              if c.kind == "text" and (c.choices or c.name in ("fund", "scheme", "category"))
              and total.get(c.name) not in (None, "") and c.name in rows[0]] if rows else []
    return [r for r in rows if all(r.get(c) == total.get(c) for c in groups)]


def _compare_sums(spec, table, name: str, total: dict, members: list[dict], what: str, addends: str,
                  subject: str = "") -> Iterator[Finding]:
    for column in table.summed():
        declared = total.get(column)
        if declared is None:
            continue
        kind = table.kind(column)
        values = [r[column] for r in members if r.get(column) is not None]
        computed = sum(values, ZERO if kind == "amount" else 0)
        allowed = tolerance(total, column) + sum((tolerance(r, column) for r in members), ZERO)
        if matches(declared, computed, allowed):
            continue
        if kind == "count":
            condition = (f"{spec.label}{what}“{table.headers[column]}”为{declared:,}人，"
                         f"{addends}为{computed:,}人，相差{declared - computed:,}人。")
            effect = Effect(persons=int(abs(declared - computed)))
        else:  # quoted in the unit the table was filed in, with the decimals its total was written with
            places = written_places(tolerance(total, column), table.unit)
            shown = lambda value: quote(value, table.unit, places)  # noqa: E731
            condition = (f"{spec.label}{what}“{table.headers[column]}”为{shown(declared)}，"
                         f"{addends}为{shown(computed)}，相差{shown(abs(declared - computed))}。")
            effect = Effect(amount=abs(declared - computed))
        yield Finding(
            subject=f"{name}.{column}{subject}", condition=condition, effect=effect,
            recommendation="核对各地区数据与合计数，更正后重新报送。",
            figures={"declared": declared, "expected": computed, "difference": declared - computed},
            evidence=Evidence(count=len(values), where=table.where(total["_row"], column)))


@check("ST005", "地区名称不一致或无法识别", cites="塔地财社〔2021〕87号 附件1、附件2；GB/T 2260",
       programs=("resident-subsidy", "medical-assistance", "pooling", "contributions"))
def region_names(sub, rules) -> Iterator[Finding]:
    """各表所列地区应为本数据包所涉地区（管辖区所辖盟市，或一个盟市所辖旗县区）的地区，同一地区在各表中名称应一致；已更名的地区以现名核对并予以说明。

    The package's area (``auditkit.areas``: the manifest's ``area``, else inferred from the rows
    and said in an info finding) decides which regions belong: the jurisdiction's 盟市, or one
    盟市's 旗县区 and its units without a GB/T 2260 code (市本级, 开发区 …, listed per area in the
    rulebook). A name the jurisdiction does not know is an error, a known region of another area
    (a county of another 盟市) an error that says where it belongs, an unlisted name of a unit
    without a code (…本级, …开发区, …示范区) information only. A former name or a short name is
    recognised and reported as information, naming both names and, for a rename, the GB/T 2260
    codes and years from python-stdnum's history. Tables that settle per region (those with a
    total row) must list the same regions.
    """
    choice = package_area(sub, rules)
    area = area_of(rules) if choice is not None else None
    if choice is not None and choice.how == "inferred":
        yield Finding(
            region=choice.area.name, subject="area:inferred", severity="info",
            condition=(f"清单未写明本数据包所涉地区；各表有{choice.counties}行为{choice.area.name}所辖旗县（市、区），"
                       f"据此按{choice.area.members}核对。"),
            recommendation=f"如所涉地区有误，请在清单 [submission] 中写明 area（如 area = \"{choice.area.name}\"）。",
            evidence=Evidence(count=choice.counties))
    written: dict[str, dict[str, set[str]]] = {}  # region -> written name -> tables
    regions: dict[str, Region] = {}
    per_table: dict[str, set[str]] = {}
    for name, table in sorted(sub.tables.items()):
        if not table.has("region"):
            continue
        label = TABLES[name].label
        for row in table.rows():
            text = "".join((row["region"] or "").split())
            if not text or text in ("合计", "总计"):  # a total row of a table that keeps it as a row
                continue
            resolved = rules.resolve(text) if area is not None else None
            coded = _coded_region(row, rules) if area is not None else None
            if resolved is not None and resolved.region is None:
                yield _unknown_region(text, name, label, table.where(row["_row"], "region"), area, coded)
                if not UNIT_ENDINGS.search(text):
                    continue
            elif resolved is not None and not area.contains(resolved.region):
                yield _out_of_area(text, resolved.region, name, label, table.where(row["_row"], "region"), area)
                continue
            named = resolved.region if resolved is not None else None
            if coded is not None and named is not None and coded.name != named.name:
                yield Finding(
                    region=resolved.region.name, subject=f"code:{name}", severity="warning",
                    condition=(f"{label}中“{text}”一行的区划代码为{str(row['region_code']).strip()}，"
                               f"该代码为{coded.name}，与地区名称不符。"),
                    recommendation="核对该行的地区名称和区划代码，按 GB/T 2260 更正其一。",
                    evidence=Evidence(count=1, where=table.where(row["_row"], "region_code")))
            canonical = resolved.region.name if resolved is not None and resolved.region else text
            if resolved is not None and resolved.region is not None:
                regions[canonical] = resolved.region
            written.setdefault(canonical, {}).setdefault(text, set()).add(label)
            if TABLES[name].has_total:
                per_table.setdefault(label, set()).add(canonical)

    for canonical, names in sorted(written.items()):
        region = regions.get(canonical)
        for text, labels in sorted(names.items()):
            if region is None or text == canonical:
                continue
            resolution = rules.resolve(text)
            where_written = "、".join(sorted(labels))
            others = [f"{'、'.join(sorted(ls))}写作“{t}”" for t, ls in sorted(names.items()) if t != text]
            also = f"，{'；'.join(others)}" if others else ""
            if resolution.how == "former":
                code = next(c for n, c, _ in region.former if n == text)
                history = _rename_history(code, text, region.code, canonical)
                condition = (f"{where_written}写作“{text}”{also}：二者为同一地区，"
                             f"“{text}”于{resolution.renamed_in}年更名为“{canonical}”{history}。")
            else:
                condition = f"{where_written}写作“{text}”{also}：“{text}”为“{canonical}”的简称，二者为同一地区。"
            yield Finding(
                region=canonical, subject=f"name:{text}", severity="info", condition=condition,
                recommendation=f"今后各表统一使用现行规范名称“{canonical}”。",
                evidence=Evidence(count=len(labels)))

    labels = sorted(per_table)
    everywhere = set.union(*per_table.values()) if per_table else set()
    for canonical in sorted(everywhere):
        missing = [label for label in labels if canonical not in per_table[label]]
        if missing and len(labels) > 1:
            present = [label for label in labels if canonical in per_table[label]]
            yield Finding(
                region=canonical, subject="missing:" + ",".join(missing), severity="warning",
                condition=f"地区“{canonical}”见于{'、'.join(present)}，但{'、'.join(missing)}中没有该地区。",
                recommendation="补齐各表中该地区的数据，或说明未列入的原因。",
                evidence=Evidence(count=len(present)))


def _coded_region(row: dict, rules) -> Region | None:
    """The region a row's 区划代码 names today (GB/T 2260, former codes followed), if any."""
    code = "".join(str(row.get("region_code") or "").split())
    return places(rules).by_code.get(code) if code else None


def _unknown_region(text: str, table: str, label: str, where: str, area: Area, coded: Region | None) -> Finding:
    """A name no level of the jurisdiction knows: an error, unless it is written like a unit
    without a GB/T 2260 code (…本级, …开发区), which is information."""
    if UNIT_ENDINGS.search(text):
        return Finding(
            region=text, subject=f"unit:{table}", severity="info",
            condition=(f"{label}中的“{text}”不是 GB/T 2260 区划，规则库未列为{area.name}的非区划单位；"
                       f"已作为单独一行核对，不与任何旗县（市、区）合并。"),
            recommendation="核实该单位是否应单独列报；如为常设单位，请在规则库该地区的 units 中补充。",
            evidence=Evidence(count=1, where=where))
    return Finding(
        region=text, subject=f"unknown:{table}",
        condition=(f"{label}中的地区“{text}”不是{area.members if area.level != JURISDICTION else area.name}的已知地区"
                   + (f"（该行区划代码为{coded.name}的代码）" if coded is not None else "") + "。"),
        recommendation="核实地区名称，按规范名称填报；如为新设或更名地区，请在规则库中补充。",
        evidence=Evidence(count=1, where=where))


def _out_of_area(text: str, region: Region, table: str, label: str, where: str, area: Area) -> Finding:
    """A known region that the package's area does not hold: a county of another 盟市, a 盟市
    in a package of counties, or a county in a package of 盟市."""
    if region.level == PREFECTURE:
        what = f"“{text}”为盟市，不是{area.members}"
    elif area.level == JURISDICTION:
        what = f"“{text}”为{region.parent}所辖旗县（市、区），本数据包按{area.members}核对"
    else:
        what = f"“{text}”为{region.parent}所辖旗县（市、区），不属于{area.name}"
    return Finding(
        region=region.name, subject=f"area:{table}",
        condition=f"{label}中的地区{what}，不在本数据包所涉地区之内。",
        recommendation=f"核实该行是否误填；本数据包只列{area.members}。",
        evidence=Evidence(count=1, where=where))


def _rename_history(old_code: str | None, old: str, new_code: str | None, new: str) -> str:
    """'（GB/T 2260：654223 沙湾县 1984—2021年，654203 沙湾市 2021年起）' from stdnum's history."""
    if not old_code or not new_code:
        return ""
    before, after = had_name(old_code, old), had_name(new_code, new)
    if before is None or after is None:
        return ""
    span = f"{before.start or ''}—{before.end or ''}年" if before.start else f"至{before.end}年"
    return f"（GB/T 2260：{old_code} {old} {span}，{new_code} {new} {after.start or ''}年起）"


@check("ST006", "下年预拨资金计算错误", cites="内财社〔2025〕357号 第十条",
       needs=["settlement.next_preallocated"], params=["standard@Y+1", "central_share"])
def next_preallocation(sub, rules) -> Iterator[Finding]:
    """预拨下一年度补助资金应按经审核认定的本年6月底参保人数、下一年度国家公布的政府补助标准和分担比例计算。"""
    table = sub.table("settlement")
    standard = rules.get("standard", sub.year + 1)
    for figures in assess(sub, rules).regions:
        row = figures.row
        if row.get("next_preallocated") is None or figures.next_preallocated is None:
            continue
        if not matches(row["next_preallocated"], figures.next_preallocated, tolerance(row, "next_preallocated")):
            yield _mismatch(
                sub, "settlement", figures.region, "next_preallocated", f"{sub.year + 1}年预拨资金", row["next_preallocated"],
                figures.next_preallocated, table.where(row["_row"], "next_preallocated"),
                f"按{sub.year + 1}年国家公布的政府补助标准重新计算预拨资金。",
                basis=f"应为{figures.enrolled:,}人×{standard.value}元×{percent(figures.share)}。",
                tolerance=tolerance(row, "next_preallocated"))


@check("AR001", "地方财政补助资金未足额到位", cites="内财社〔2025〕357号 第七条、第九条、第十条、第十三条",
       needs=["settlement|local_funds.due", "local_funds.arrived|payments"])
def arrival_rate(sub, rules) -> Iterator[Finding]:
    """地方财政补助资金应于当年12月底前足额到位；到位率＝12月底前实际到位资金÷应到位资金，应到位资金＝参保人数×补助标准×（1－中央分担比例－自治区分担比例）。

    What arrived is the payment vouchers' money paid into the 财政专户 by Dec 31 when a payments
    table is given — the 盟市's and 旗县's own, and reward money (第十三条) — else the declared
    实际到位资金. The due is the whole local share, 盟市 and 旗县 together, leaves out the students
    of universities under the region (第七条: the region pays their whole non-central part) and
    includes the reward money allocated to the region (第十三条: 列入地方财政应到位补助资金). Arrived
    falling short of the due by no more than the half-units of the figures it rests on is 100%
    (a due of 1,181.33 万元 paid as 1,181.33 万元). A region below 100% is a finding with the
    shortfall as its money effect. A declared 应到位资金 that differs from the recomputed one is
    a finding of its own. Where the due cannot be recomputed (no rulebook, no regional share) the
    declared due is used and the finding says so; where there is neither, the region is listed
    as not run with the reason. Without a settlement table the local funds table's due is used.
    """
    funds = sub.table("local_funds") if "local_funds" in sub.tables else None
    not_run = []
    for figures in assess(sub, rules).regions:
        row = figures.funds_row
        if figures.arrival_rate is None:
            not_run.append((figures.region, figures.no_rate))
            continue
        unit = filer_unit(sub, "local_funds" if funds is not None else "settlement")
        declared_due = row.get("due") if row is not None else None
        if (declared_due is not None and not figures.due_declared
                and not matches(declared_due, figures.due, tolerance(row, "due"))
                and not _reward_left_out_of(declared_due, figures, tolerance(row, "due"))):
            yield _mismatch(sub, "local_funds", figures.region, "due", "地方财政应到位资金", declared_due, figures.due,
                            funds.where(row["_row"], "due"), "按第十条公式重新计算地方财政应到位资金。",
                            basis=_due_basis(figures, unit), tolerance=tolerance(row, "due"))
        if figures.arrival_rate >= 1:
            continue
        due = figures.due
        basis = "（应到位资金无法按规定重新计算，按申报数计算）" if figures.due_declared and figures.row else ""
        source = "按拨款凭证" if "payments" in sub.tables else ""
        where = (funds.where(row["_row"], "arrived") if row is not None and "payments" not in sub.tables
                 else sub.table("payments").where())
        yield Finding(
            region=figures.region, subject="arrival",
            condition=(f"{figures.region}地方财政应到位补助资金{quote(due, unit)}，{source}12月底前实际到位"
                       f"{quote(figures.arrived, unit)}，到位率{percent(figures.arrival_rate)}，"
                       f"未到位{quote(due - figures.arrived, unit)}{basis}。{_due_basis(figures, unit)}"),
            recommendation="督促统筹地区财政足额补足地方财政补助资金，并相应扣减中央补助资金。",
            effect=Effect(amount=due - figures.arrived),
            figures={"declared": figures.arrived, "expected": due, "difference": figures.arrived - due,
                     "rate": figures.arrival_rate},
            evidence=Evidence(count=1, where=where), unit=unit)
    if not_run:
        yield _not_run("的到位率无法计算", not_run)


def _reward_left_out_of(declared: Decimal, figures, allowed: Decimal) -> bool:
    """A declared figure that is the recomputed due without the reward: AR003's, not AR001's."""
    return bool(figures.reward) and matches(declared, figures.due - figures.reward, allowed)


def _due_basis(figures, unit: str) -> str:
    """'应到位资金已扣除自治区直属院校学生100人，含奖励补助资金2,000.00元。' where they apply."""
    parts = []
    if figures.students:
        parts.append(f"已扣除自治区直属院校学生{figures.students:,}人")
    if figures.reward:
        parts.append(f"含奖励补助资金{quote(figures.reward, unit)}")
    return f"应到位资金{'，'.join(parts)}。" if parts else ""


@check("AR002", "不到位扣减资金计算错误", cites="内财社〔2025〕357号 第十条",
       needs=["settlement", "local_funds.arrived|payments"], params=["arrival_deduction_rate"])
def arrival_deduction(sub, rules) -> Iterator[Finding]:
    """因地方财政补助资金不到位扣减的资金＝参保人数×补助标准×分担比例×（1－到位率）×10%，到位率达到100%的不扣减。

    A table without a 到位扣减资金 column declares no deduction. In a regional-funds settlement
    the rulebook switch ``regional_passes_arrival_deduction`` decides whether the region passes
    the deduction on (第十条, "参照中央据实结算结果"). The deduction derived from declared figures
    is compared within the half-units of those figures carried through the formula. A region
    whose arrival rate or entitled amount cannot be computed is listed as not run.
    """
    table = sub.table("settlement")
    rate = rules.get("arrival_deduction_rate")
    not_run = []
    for figures in assess(sub, rules).regions:
        if figures.arrival_deduction is None:
            not_run.append((figures.region, figures.no_rate or "应补助资金无法计算，表中也未列"))
            continue
        row = figures.row
        declared = row.get("arrival_deduction") or ZERO
        allowed = tolerance(row, "arrival_deduction") + figures.arrival_deduction_tolerance
        if matches(declared, figures.arrival_deduction, allowed):
            continue
        yield _mismatch(
            sub, "settlement", figures.region, "arrival_deduction", "因地方财政补助资金不到位扣减资金", declared,
            figures.arrival_deduction,
            table.where(row["_row"], "arrival_deduction" if table.has("arrival_deduction") else None),
            "按到位率重新计算并落实扣减，扣减部分由统筹地区财政补足。",
            basis=f"到位率{percent(figures.arrival_rate)}，扣减比例{percent(rate.value)}。",
            tolerance=tolerance(row, "arrival_deduction"))
    if not_run:
        yield _not_run("的不到位扣减资金无法复核", not_run)


@check("AR003", "实际到位资金未计入奖励补助资金", cites="内财社〔2025〕357号 第十三条",
       needs=["local_funds.arrived"], severity="warning")
def reward_in_arrived(sub, rules) -> Iterator[Finding]:
    """奖励补助资金纳入统筹地区社会保障基金财政专户管理，列入地方财政应到位补助资金进行统计；申报的实际到位资金应包含到达财政专户的奖励补助资金。

    With payment vouchers, the reward money they show in the 财政专户 by Dec 31 counts as arrived,
    and a declared 实际到位资金 equal to the local money alone leaves it out. Without vouchers, a
    declared 实际到位资金 that covers the due without the region's reward (the reward table's
    share) but not with it, where the declared 应到位资金 leaves the reward out as well (or is not
    given), is read as leaving the reward out: AR001 counts the reward as arrived, and this
    finding says so, so that a region that paid its own share in full is not below 100% (and
    deducted, and denied its own reward, RW001). A declared due that includes the reward shows
    the filer counted it: a short 实际到位资金 is then taken as written (AR001).
    """
    funds = sub.table("local_funds")
    for figures in assess(sub, rules).regions:
        row = figures.funds_row
        if row is None or figures.declared_arrived is None:
            continue
        unit = funds.unit
        where = funds.where(row["_row"], "arrived")
        if figures.local_paid_in is not None:
            if not figures.reward_paid_in or not matches(
                    figures.declared_arrived, figures.local_paid_in, figures.arrival_tolerance):
                continue
            reward, how = figures.reward_paid_in, "拨款凭证所示12月底前已拨入社会保障基金财政专户的奖励补助资金"
            reading = "到位率按凭证计入奖励补助资金计算。"
        elif figures.reward_left_out:
            reward, how = figures.reward_left_out, "奖励补助资金分配表所列该地区奖励补助资金"
            reading = ("申报数可覆盖不含奖励补助资金的应到位资金，审核按已计入奖励补助资金后的实际到位资金"
                       f"{quote(figures.arrived, unit)}计算到位率；如奖励补助资金实际未到达财政专户，请予说明。")
        else:
            continue
        due = ("，申报的应到位资金亦未计入" if row.get("due") is not None
               and _reward_left_out_of(row["due"], figures, tolerance(row, "due")) else "")
        yield Finding(
            region=figures.region, subject="arrived-reward",
            condition=(f"{figures.region}申报12月底前实际到位资金{quote(figures.declared_arrived, unit)}，"
                       f"未计入{how}{quote(reward, unit)}{due}。{reading}"),
            recommendation="按第十三条将奖励补助资金列入地方财政应到位和实际到位补助资金统计，更正到位表后重新报送。",
            figures={"declared": figures.declared_arrived, "expected": figures.declared_arrived + reward,
                     "difference": -reward, "reward": reward},
            evidence=Evidence(count=1, where=where), unit=unit)


@check("FE001", "多报虚报扣减资金计算错误", cites="内财社〔2025〕357号 第十条",
       needs=["settlement.over_reported|roster"],
       params=["standard@Y", "central_share", "over_report_deduction_rate"])
def over_report_deduction(sub, rules) -> Iterator[Finding]:
    """中央财政因多报、虚报参保人数追加扣减的资金＝多报、虚报参保人数×补助标准×中央财政分担比例×5%，仅在中央补助资金结算中扣减。

    The over-reported count is the declared column, or EN009 (declared − verified) when a roster
    was checked. A regional-funds settlement has no such deduction: one declared there is a finding.
    """
    table = sub.table("settlement")
    central = sub.manifest.funding_level == "central"
    for figures in assess(sub, rules).regions:
        row = figures.row
        declared = row.get("over_report_deduction") or ZERO
        where = table.where(row["_row"], "over_report_deduction" if table.has("over_report_deduction") else None)
        if not central:
            if declared != 0:
                yield Finding(
                    region=figures.region, subject="over_report_deduction",
                    condition=(f"{figures.region}在自治区资金结算中列支多报虚报扣减资金{quote(declared, table.unit)}，"
                               "该项扣减只适用于中央补助资金。"),
                    recommendation="删除自治区资金结算中的多报虚报扣减，重新计算结算资金。",
                    effect=Effect(amount=abs(declared)), figures={"declared": declared, "expected": ZERO, "difference": declared},
                    evidence=Evidence(count=1, where=where))
            continue
        if figures.over_report_deduction is None:
            continue
        if not matches(declared, figures.over_report_deduction, tolerance(row, "over_report_deduction")):
            yield _mismatch(
                sub, "settlement", figures.region, "over_report_deduction", "多报虚报参保人数扣减资金", declared,
                figures.over_report_deduction, where, "按多报、虚报参保人数重新计算并落实扣减。",
                basis=f"多报虚报参保人数{figures.over_reported:,}人。", tolerance=tolerance(row, "over_report_deduction"))
