"""How the package was filled in: IN001–IN003 (RULES.md, "IN — how the package was filled in").

The loaders record what they read in a doubtful or repaired way as reading notes
(``Submission.note_reading``, ``auditkit.notes``); these checks turn each note into a finding
that says what was read and how, so that nothing is assessed on a doubtful reading without a
word. Info or warning, never an error: the money checks still run on what was read, and the
review names the reading beside them. The runner runs these checks after every other check, so
that notes made while another check reads its input (a roster) are reported too.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.money import UNIT_NAMES, parse_share
from auditkit.notes import ReadingNote
from auditkit.schemas import TABLES

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("IN", "数据读取方面", order=190)

CITES = "内财社〔2025〕357号 第十六条"
PROGRAMS = ("resident-subsidy", "medical-assistance", "pooling", "contributions")


def findings_of(sub, code: str, recommendation: str) -> Iterator[Finding]:
    """One finding per reading note of ``code``; public so that a further IN check reuses it."""
    for note in sub.notes.of(code):
        yield _finding(note, recommendation)


def _finding(note: ReadingNote, recommendation: str) -> Finding:
    return Finding(
        region=note.region,
        subject=note.subject or note.message,
        condition=note.message if note.message.endswith("。") else note.message + "。",
        recommendation=note.recommendation or recommendation,
        severity=note.severity,
        effect=Effect(),
        figures=dict(note.figures),
        evidence=Evidence(count=note.count, rows=[{"行": r} for r in note.rows[:10]], where=note.where()),
    )


@check("IN001", "金额数量级与所填单位不符", cites=CITES, severity="warning", programs=PROGRAMS)
def amount_unit(sub, rules) -> Iterator[Finding]:
    """表中金额按所填单位读出后，与人数×补助标准×分担比例相差约10²至10⁴倍的，应核实金额单位；其可能的单位予以指明。

    For the settlement table, the local-funds table beside it and the students table, each row's
    declared amount — 应补助资金, else 已预拨资金, else 下年预拨资金; 应到位资金 for local funds; the
    补助资金 of a university — is divided by persons × standard × share: the declared 参保人数 (the
    settlement's, for local funds) or 学生人数, the rulebook's standard of the year (the table's own
    人均补助标准 without a rulebook) and the share (the declared one, or the rulebook's central share
    c for a central settlement; 1 − c for local funds and students; 1 when none is known).
    When the median over the regions is within half a decade of 10^k for k = ±2, ±3 or ±4, the
    table's amounts are off by that factor: the table is named with the unit it was read in and
    the unit that would make the figures fit. Every check still runs on the figures as read
    (docs/decisions.md). Notes of loaders with code IN001 are reported too.
    """
    yield from findings_of(sub, "IN001", "核实本表金额单位（单位行或表头所注单位），更正后重新报送。")
    yield from _plausibility(sub, rules)


_UNIT_OF_FACTOR = {0: "元", 2: "百元", 3: "千元", 4: "万元", 8: "亿元"}


def _plausibility(sub, rules) -> Iterator[Finding]:
    year = sub.year
    standard = _param(rules, "standard", year)
    central = _param(rules, "central_share")
    if central is not None:
        central = parse_share(central)
    local = (1 - central) if central is not None else None
    persons_of: dict[str, tuple[int, Decimal]] = {}  # region -> (declared persons, standard)
    if "settlement" in sub.tables and sub.tables["settlement"].has("enrolled"):
        for row in sub.table("settlement").rows():
            per_head = standard if standard is not None else row.get("standard")
            if row.get("enrolled") and per_head:
                persons_of[_key(row.get("region"))] = (row["enrolled"], per_head, row)
    # (table, the amount columns to weigh, in order of preference, and per row: persons, standard, share)
    sources = []
    if persons_of:
        def settlement_basis(row):
            found = persons_of.get(_key(row.get("region")))
            if found is None:
                return None
            share = row.get("share")
            if share is None and sub.manifest.funding_level == "central":
                share = central
            return found[0], found[1], share
        sources.append(("settlement", ("entitled", "preallocated", "next_preallocated"), settlement_basis))
        sources.append(("local_funds", ("due", "arrived"),
                        lambda row: (lambda f: f and (f[0], f[1], local))(persons_of.get(_key(row.get("region"))))))
    if standard is not None:
        sources.append(("students", ("amount",),
                        lambda row: (row["students"], standard, local) if row.get("students") else None))
    for name, columns, basis_of in sources:
        table = sub.tables.get(name)
        if table is None:
            continue
        exponents, where_rows, used = [], [], set()
        for row in table.rows():
            basis = basis_of(row)
            column = next((c for c in columns if table.has(c) and row.get(c)), None)
            if not basis or column is None:
                continue
            persons, per_head, share = basis
            expected = Decimal(persons) * per_head * (share if share else 1)
            if expected <= 0 or row[column] <= 0:
                continue
            exponents.append(math.log10(row[column] / expected))
            where_rows.append(row["_row"])
            used.add(column)
        if not exponents:
            continue
        median = statistics.median(exponents)
        k = round(median)
        if not 2 <= abs(k) <= 4 or abs(median - k) > 0.5:
            continue
        read_in = UNIT_NAMES.get(table.unit, table.unit)
        read_factor = {"yuan": 0, "bai": 2, "qian": 3, "wan": 4, "yi": 8}.get(table.unit, 0)
        likely = _UNIT_OF_FACTOR.get(read_factor - k)
        headers = "、".join(f"“{table.headers[c]}”" for c in columns if c in used)
        direction = "大" if k > 0 else "小"
        yield Finding(
            subject=f"{name}.unit", severity="warning",
            condition=(f"{TABLES[name].label}按“{read_in}”读取，{headers}约为参保人数×补助标准×分担比例的"
                       f"10^{k}倍（偏{direction}约{10 ** abs(k):,}倍），金额单位可能有误"
                       + (f"，可能的单位为“{likely}”。" if likely else "。")
                       + "各项检查仍按所读金额进行，相关差异可能由单位错误引起。"),
            recommendation=(f"核实本表金额单位；如应为“{likely}”，请在表头上方注明“单位：{likely}”后重新报送。"
                            if likely else "核实本表金额单位与金额数值，更正后重新报送。"),
            figures={"read_unit": read_in, "likely_unit": likely, "factor_exponent": k},
            evidence=Evidence(count=len(where_rows), rows=[{"行": r} for r in where_rows[:10]],
                              where=table.where(where_rows[0])))


def _param(rules, name: str, year: int | None = None) -> Decimal | None:
    if rules is None or not rules.has(name, year):
        return None
    return Decimal(str(rules.get(name, year).value))


def _key(region) -> str:
    return "".join(str(region or "").split())


@check("IN002", "数值未能按原样读取", cites=CITES, severity="warning", programs=PROGRAMS)
def unreadable_values(sub, rules) -> Iterator[Finding]:
    """日期、数字等数值未能按所写原样读取的，应说明如何处理并列明所在行。

    A value read in a way the filer may not have meant (and what was done with it) is named with
    its rows, so the filer can correct it; what cannot be read at all stops the run instead.
    """
    yield from findings_of(sub, "IN002", "按所列行核实并更正有关数值后重新报送。")


@check("IN003", "数值经修复后读取", cites=CITES, severity="info", programs=PROGRAMS)
def repaired_values(sub, rules) -> Iterator[Finding]:
    """读取时经过修复的数值（身份证号中的文本标记、不可见字符或全角字符，Excel 日期序列号等）应列明其数量。

    The reading is faithful to what the filer meant; the finding says what was repaired and how
    many values, so that the filer can export cleanly next time.
    """
    yield from findings_of(sub, "IN003", "核对读出的数值；今后导出时按文本或日期格式保存有关列。")


@check("IN004", "表头含多个资金层级的同名列", cites=CITES, severity="info", programs=PROGRAMS)
def funding_levels(sub, rules) -> Iterator[Finding]:
    """一张表的表头在同一项下列有中央、自治区等多个资金层级的列的，按数据包的资金层级读取，并说明读取了哪些列。

    A form that prints 已预拨资金 for 中央 and 自治区 under one merged parent is read for the
    package's ``funding_level``; the other level's columns are kept (ST004 still adds them up) and
    never assessed. The finding names the columns read and those set aside.
    """
    yield from findings_of(sub, "IN004", "核实数据包的资金层级（funding_level）与本表所读的列一致。")


@check("IN005", "工作簿中有未读取的隐藏工作表", cites=CITES, severity="warning", programs=PROGRAMS)
def hidden_sheets(sub, rules) -> Iterator[Finding]:
    """名册等大表以工作簿报送、清单未指明工作表的，只读取打开时可见的工作表；隐藏的工作表含该表表头的，不予读取，应列明各表名及读取方法。

    A clerk opening the workbook in Excel or WPS does not see a hidden or very hidden sheet, and
    persons in it (last year's sheet, a draft) would otherwise count against the region as
    duplicates (EN003). The finding names each sheet left unread and how to have it read: name it
    in the manifest (``roster = ["名册.xlsx", "名册.xlsx#旧版"]``). A sheet named there is read
    (docs/decisions.md, issue 12).
    """
    yield from findings_of(sub, "IN005", "核实隐藏工作表是否为应报送的数据：如是，在清单中写明工作表后重新审核；如系旧版或草稿，宜删除后再报送。")
