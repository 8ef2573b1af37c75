"""The review document and the self-check report as data: what the templates print.

Everything here is read from the run's Findings and Assessment (and the manifest's words:
year, submitter, reviewer), so a template never computes a figure: money is formatted here once,
in the unit the filer wrote the assessed table in (``auditkit.findings.filer_unit``), in the text
and in the tables alike. ID numbers are masked in every string unless ``reveal_ids``.

Issue 17: the letter's words are a 审核意见's, not a program's — problems counted by the
families they fall under, never as "错误/警告"; money at stake counted once
(``auditkit.stake``); the 合计 row's 申报 figures are the filer's own total row; the sources annex
lists every document the letter cites, with its status and whether it governs the year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from auditkit import __version__
from auditkit.findings import SEVERITY_NAMES, Finding, RegionAssessment, mask_ids_in
from auditkit.deadlines import PERIOD_SETTINGS, Deadline, chinese_date, within_days
from auditkit.money import UNIT_NAMES, quote, round_fen
from auditkit.package import FUNDING_LEVEL_WORDS
from auditkit.programs import PROGRAMS, family_of
from auditkit.report.tracking import Tracking
from auditkit.rulebook import Param, Rulebook
from auditkit.runner import Result
from auditkit.stake import at_stake, stake

ZERO = Decimal(0)
MODES = ("review", "self-check")

FUNDING_LEVELS = {key: words[1] for key, words in FUNDING_LEVEL_WORDS.items()}

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 35 -> 三十五 (enough for headings to 99)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    if tens >= 10:
        return str(n)
    return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")


def table_yuan(value: Any) -> str:
    """An amount in a table: 元 to the fen with thousands separators; a dash when unknown."""
    if value is None:
        return "—"
    return f"{round_fen(Decimal(value)):,}"


def table_money(unit: str):
    """A table's amount formatter in the filer's unit: 元 to the fen, or 万元 with two decimals
    ('835,194.32'); a dash when unknown."""
    if unit == "yuan":
        return table_yuan

    def shown(value: Any) -> str:
        return "—" if value is None else quote(Decimal(value), unit).removesuffix(UNIT_NAMES[unit])

    return shown


def table_count(value: Any) -> str:
    return "—" if value is None else f"{int(value):,}"


def percent(rate: Any) -> str:
    return "—" if rate is None else f"{(Decimal(rate) * 100).quantize(Decimal('0.01'))}%"


def effect_text(amount: Decimal, persons: int, unit: str = "yuan") -> str:
    """'涉及资金2,396,747.52元、150人' (the parts that are not zero; money in the filer's
    ``unit``), or ''."""
    parts = []
    if amount:
        parts.append(f"资金{quote(amount, unit)}")
    if persons:
        parts.append(f"{persons:,}人")
    return "涉及" + "、".join(parts) if parts else ""


def rectification_deadline(issued: dt.date, days: int, rules: Rulebook | None) -> Deadline:
    """The last day of a period of ``days`` from the document's date, as every period is counted
    (auditkit.deadlines): from the next day, the last day moved to a working day of the official
    calendar. A rulebook without the period settings gets the law's defaults (民法典第二百零一条、
    第二百零三条: from the next day, moved past days off). A year the calendar does not cover is
    never guessed: the deadline's ``due`` is None and ``uncovered`` names the year."""
    if rules is not None and all(rules.has(name) for name in PERIOD_SETTINGS):
        return within_days(issued, days, rules)
    return within_days(issued, days, _LAW_DEFAULTS)


# The two period settings as the law words them, for a rulebook that has neither.
_LAW_DEFAULTS = Rulebook("民法典", "", "", {
    "deadline.period_starts_next_day": Param("deadline.period_starts_next_day", True, "民法典第二百零一条", True, "yes_no"),
    "deadline.roll_to_working_day": Param("deadline.roll_to_working_day", True, "民法典第二百零三条", True, "yes_no"),
}, [])


def deadline_words(deadline: Deadline) -> tuple[str, str]:
    """('2024年3月19日', '') or, when the calendar does not cover the last day's year,
    ('2031年3月19日', '（所用节假日数据尚未收录2031年的法定节假日安排，该日如为节假日，顺延至其后第一个工作日）')."""
    if deadline.due is not None:
        return chinese_date(deadline.due), ""
    return chinese_date(deadline.nominal), (
        f"（所用节假日数据尚未收录{deadline.uncovered}年的法定节假日安排，该日如为节假日，顺延至其后第一个工作日）")


# Where a title may break: after these characters a line ends on a whole word more often than not.
_TITLE_BREAKS = "的度险金助算于"
TITLE_LINE_UNITS = 20  # 2号 (22 pt) characters in the 156 mm 版心


def _units(text: str) -> float:
    return sum(0.5 if ord(c) < 0x2E80 else 1 for c in text)


def title_lines(title: str, limit: float = TITLE_LINE_UNITS) -> list[str]:
    """A long title broken into lines of nearly equal length at a word boundary, never leaving a
    character or two alone on the last line (GB/T 9704-2012 7.3.3: 回行时词意完整，排列对称)."""
    total = _units(title)
    if total <= limit:
        return [title]
    count = int(-(-total // limit))
    lines, rest = [], title
    for remaining in range(count, 1, -1):
        target = _units(rest) / remaining
        best, best_distance = None, None
        for i in range(1, len(rest)):
            width = _units(rest[:i])
            if width > limit:
                break
            if rest[i - 1] in _TITLE_BREAKS:
                distance = abs(width - target)
                if best is None or distance < best_distance:
                    best, best_distance = i, distance
        if best is None or best_distance > 4:  # no good word boundary near the middle: cut there
            best = max(1, min(len(rest) - 1, next(
                (i for i in range(1, len(rest) + 1) if _units(rest[:i]) >= target), len(rest) - 1)))
        lines.append(rest[:best])
        rest = rest[best:]
    lines.append(rest)
    return lines


@dataclass
class Item:
    """One finding as the document prints it."""

    number: int
    code: str
    severity: str
    severity_name: str
    region: str
    title: str
    condition: str
    criteria: str
    cause: str
    recommendation: str
    effect: str
    amount: Decimal
    persons: int
    key: str
    status: str  # 新发现 | 仍未整改 | '' without a previous run
    where: str
    evidence_count: int
    evidence_columns: list[str] = field(default_factory=list)
    evidence_rows: list[list[str]] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)  # each sample row as "column：value，…"


@dataclass
class Family:
    number: str  # （一）
    heading: str
    items: list[Item]
    amount: Decimal


@dataclass
class AssessmentLine:
    region: str
    declared: dict[str, str]
    verified: dict[str, str]
    differs: dict[str, bool]
    total: bool = False


ASSESSMENT_FIGURES = (
    ("enrolled", "参保人数", table_count),
    ("entitled", "应补助资金", table_yuan),
    ("arrival_deduction", "到位扣减资金", table_yuan),
    ("over_report_deduction", "虚报扣减资金", table_yuan),
    ("settlement", "此次结算补助资金", table_yuan),
)


# Medical assistance: per region and fund, the recomputed allocation beside the declared one.
ALLOCATION_FIGURES = (("allocated", "分配资金", table_yuan),)


def assessment_figures(rows: list[RegionAssessment]):
    """The figures an assessment has: a settlement's, or an allocation's (rows with a fund)."""
    if any(getattr(row, "fund", "") for row in rows):
        return ALLOCATION_FIGURES
    return ASSESSMENT_FIGURES


def assessment_label(row: RegionAssessment) -> str:
    fund = getattr(row, "fund", "")
    return f"{row.region}（{fund}）" if fund else row.region


# A space between two Chinese characters or brackets ("357号 第十条"): a justified line would
# stretch it, since Chinese text has no other place to stretch.
_CJK_SPACE = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t]+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")


class _Masker:
    """Text as the document prints it: ID numbers masked unless revealed, no stray spaces."""

    def __init__(self, reveal: bool) -> None:
        self.reveal = reveal

    def __call__(self, value: Any) -> str:
        text = _CJK_SPACE.sub("", "" if value is None else str(value))
        return text if self.reveal else mask_ids_in(text)


def _cell(value: Any, mask: _Masker) -> str:
    if isinstance(value, Decimal):
        return table_yuan(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return mask(value)


def _item(number: int, f: Finding, mask: _Masker, tracking: Tracking | None, unit: str = "yuan") -> Item:
    columns: list[str] = []
    for row in f.evidence.rows:
        columns.extend(k for k in row if k not in columns)
    rows = [[_cell(row.get(c), mask) for c in columns] for row in f.evidence.rows]
    samples = ["，".join(f"{mask(k)}：{_cell(v, mask)}" for k, v in row.items() if v is not None)
               for row in f.evidence.rows]
    return Item(
        number=number, code=f.code, severity=f.severity or "error",
        severity_name=SEVERITY_NAMES.get(f.severity or "error", ""),
        region=mask(f.region or ""), title=f.title, condition=mask(f.condition), criteria=mask(f.criteria),
        cause=mask(f.cause), recommendation=mask(f.recommendation),
        effect=effect_text(stake(f)[2], f.effect.persons, unit),
        amount=stake(f)[2], persons=f.effect.persons, key=f.key,
        status=tracking.status(f.key) if tracking else "",
        where=mask(f.evidence.where), evidence_count=f.evidence.count,
        evidence_columns=[mask(c) for c in columns], evidence_rows=rows, samples=samples,
    )


def group_by_family(findings: Iterable[Finding], mask: _Masker, tracking: Tracking | None,
                    unit: str = "yuan") -> list[Family]:
    """Findings grouped by check family, families in the review's order, numbered （一）（二）…;
    inside a family, largest money at stake first, then code and region. A family's amount
    counts its money once (``auditkit.stake``)."""
    groups: dict[tuple[int, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault(family_of(f.code), []).append(f)
    families = []
    for n, ((_, heading), members) in enumerate(sorted(groups.items()), start=1):
        members.sort(key=lambda f: (-f.effect.amount, -f.effect.persons, f.code, f.region or ""))
        items = [_item(i, f, mask, tracking, unit) for i, f in enumerate(members, start=1)]
        families.append(Family(f"（{chinese_number(n)}）", heading, items, at_stake(members)))
    return families


def _assessment_lines(rows: list[RegionAssessment], mask: _Masker, declared_total: dict[str, Any] | None = None,
                      money=table_yuan) -> list[AssessmentLine]:
    """Declared beside verified per region (and fund), with a total per fund; a region name is
    masked like any text (a region cell that holds an ID number).

    The 合计 line's 申报 figures are the filer's own total row when ``declared_total`` gives one
    (a figure the total row leaves blank shows as a dash), else the sum of the declared rows;
    its 核定 figures are the sum of the verified rows."""
    figures = [(name, label, table_count if fmt is table_count else money)
               for name, label, fmt in assessment_figures(rows)]
    groups: dict[str, list[RegionAssessment]] = {}
    for row in rows:
        groups.setdefault(getattr(row, "fund", ""), []).append(row)
    lines = []
    for fund, members in groups.items():
        totals_declared: dict[str, Any] = {}
        totals_verified: dict[str, Any] = {}
        for row in members:
            declared, verified, differs = {}, {}, {}
            for name, _label, fmt in figures:
                value = getattr(row, name)
                stated = row.declared.get(name)
                verified[name] = fmt(value)
                declared[name] = fmt(stated) if stated is not None else "—"
                differs[name] = _differ(stated, value, fmt)
                for totals, figure in ((totals_verified, _standing(stated, value, fmt)), (totals_declared, stated)):
                    if figure is not None and totals.get(name, 0) is not None:
                        totals[name] = totals.get(name, 0) + figure
                    else:
                        totals[name] = None
            lines.append(AssessmentLine(mask(assessment_label(row)), declared, verified, differs))
        if declared_total is not None and len(groups) == 1:
            totals_declared = {name: declared_total.get(name) for name, _l, _f in figures}
        lines.append(AssessmentLine(
            f"{fund}合计" if len(groups) > 1 else "合计",
            {n: fmt(totals_declared.get(n)) for n, _l, fmt in figures},
            {n: fmt(totals_verified.get(n)) for n, _l, fmt in figures},
            {n: _differ(totals_declared.get(n), totals_verified.get(n), fmt) for n, _l, fmt in figures},
            total=True,
        ))
    return lines


def _standing(declared: Any, verified: Any, shown=table_yuan) -> Any:
    """The 核定 figure a total adds up: the declared one where the verified figure prints the
    same in the filer's unit (it stands, within its written precision: a 万元 filer's 16,747.64
    against 167,476,416 元 computed), else the verified one. So a total, and the 核增/核减 of the
    text, move only by the figures the review corrects, never by rounding in other rows."""
    return declared if declared is not None and verified is not None and not _differ(declared, verified, shown) \
        else verified


def _differ(declared: Any, verified: Any, shown=table_yuan) -> bool:
    """Whether the 核定 figure is marked as differing: as the table prints both (in 万元 a
    figure within the written precision of the declared one prints the same and is not marked)."""
    return declared is not None and verified is not None and shown(declared) != shown(verified)


def _sum(rows: list[RegionAssessment], name: str, declared: bool) -> Decimal | None:
    values = [r.declared.get(name) if declared else getattr(r, name) for r in rows]
    if not values or any(v is None for v in values):
        return None
    return sum((Decimal(v) for v in values), ZERO)


@dataclass(frozen=True)
class Signer:
    """What the signer of a document knows and auditkit cannot: the 发文字号, the 附注's contact
    person and telephone, the 抄送 recipients (GB/T 9704-2012 7.2.4, 7.3.6, 8.1). Each is empty
    when not given, and the document then prints a blank to fill in, never a made-up value."""

    doc_number: str = ""  # 发文字号, e.g. 内财监函〔2024〕12号
    contact: str = ""  # 联系人
    phone: str = ""  # 联系电话
    cc: tuple[str, ...] = ()  # 抄送机关, in order

    def merged(self, over: "Signer") -> "Signer":
        """This signer with every value that ``over`` gives put in its place (the command line
        over the manifest's ``[report]``)."""
        return Signer(over.doc_number or self.doc_number, over.contact or self.contact,
                      over.phone or self.phone, over.cc or self.cc)


@dataclass
class ReportOptions:
    mode: str = "review"
    date: dt.date | None = None  # 成文日期; today when None
    reveal_ids: bool = False
    tracking: Tracking | None = None
    signer: Signer = field(default_factory=Signer)  # over the manifest's [report], when given


def build(result: Result, options: ReportOptions | None = None) -> dict[str, Any]:
    """The template context of a review document or a self-check report."""
    options = options or ReportOptions()
    if options.mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    mask = _Masker(options.reveal_ids)
    sub = result.submission
    manifest = sub.manifest
    rules = result.rulebook
    report = getattr(manifest, "report", None) or {}
    issued = options.date or report.get("date") or dt.date.today()
    program = PROGRAMS[manifest.program]
    subject = program.subject
    unit = _document_unit(sub, program)
    money = lambda value: quote(value, unit)  # noqa: E731  the text's amounts, in the filer's unit

    problems = [f for f in result.findings if f.severity in ("error", "warning")]
    notes = [f for f in result.findings if f.severity not in ("error", "warning")]
    families = group_by_family(problems, mask, options.tracking, unit)
    note_items = [_item(i, f, mask, options.tracking, unit) for i, f in enumerate(notes, start=1)]
    all_items = [item for family in families for item in family.items] + note_items

    # The self-check report orders everything by the money at stake.
    by_money = sorted((i for fam in families for i in fam.items),
                      key=lambda i: (-i.amount, -i.persons, i.code, i.region))
    for n, item in enumerate(by_money, start=1):
        item.rank = n  # type: ignore[attr-defined]

    days = None
    if rules is not None and rules.has("report.rectification_days"):
        days = int(rules.get("report.rectification_days").value)
    deadline, deadline_note = deadline_words(rectification_deadline(issued, days, rules)) if days else ("", "")
    signer = Signer(str(report.get("doc_number", "")), str(report.get("contact", "")),
                    str(report.get("phone", "")), tuple(report.get("cc", ()))).merged(options.signer)

    total_row = _declared_total_row(sub, program, result.assessment)
    declared_total = (total_row.get("settlement") if total_row is not None
                      else _sum(result.assessment, "settlement", declared=True))
    shown = table_money(unit)
    verified_total = _sum([replace(r, settlement=_standing(r.declared.get("settlement"), r.settlement, shown))
                           for r in result.assessment], "settlement", declared=False)
    tracking = options.tracking
    submitter = manifest.submitter or "报送单位"
    title = (f"关于{manifest.year}年度{subject}的审核意见" if options.mode == "review"
             else f"{manifest.submitter}{manifest.year}年度{subject}自查报告")
    basis = rules.basis(manifest.program) if rules is not None else None
    texts = [t for item in all_items for t in (item.criteria, item.recommendation, item.condition)]
    return {
        "mode": options.mode,
        "you": _you(submitter),
        "we": "我局" if (manifest.reviewer or "").endswith("局") else "我单位",
        "basis_document": basis.cited if basis is not None else "",
        "number": chinese_number,
        "yuan": table_money(unit),
        "unit": UNIT_NAMES[unit],
        "example": manifest.example,
        "year": manifest.year,
        "program": manifest.program,
        "subject": subject,
        "funding": FUNDING_LEVELS.get(manifest.funding_level, ""),
        "submitter": submitter,
        "reviewer": manifest.reviewer or "",
        "title": title,
        "title_lines": title_lines(title),
        "date": chinese_date(issued),
        # is the 成文日期 wider than a signature? (half-width digits count half)
        "date_longer": lambda name: _units(chinese_date(issued)) > _units(name),
        "date_iso": issued.isoformat(),
        "tables": [(name, _table_label(name)) for name in _in_schema_order(sub.tables)],
        "regions": len(result.assessment),
        "families": families,
        "notes": note_items,
        "by_money": by_money,
        "evidence": [i for i in all_items if i.where or i.evidence_rows],
        "counts": {"errors": result.count("error"), "warnings": result.count("warning"),
                   "info": result.count("info"), "problems": len(problems)},
        "problem_summary": problem_summary(families),
        "problem_money": at_stake(problems),
        "problem_amount": money(at_stake(problems)),
        "overlap": _overlaps(problems),
        "assessment_figures": [(name, label) for name, label, _fmt in assessment_figures(result.assessment)],
        "assessment_kind": "allocation" if assessment_figures(result.assessment) is ALLOCATION_FIGURES else "settlement",
        "assessment": _assessment_lines(result.assessment, mask, total_row, table_money(unit)),
        "declared_total": money(declared_total) if declared_total is not None else "",
        "declared_totals": _declared_totals(result.assessment, total_row, money),
        "verified_total": money(verified_total) if verified_total is not None else "",
        "total_change": _change(declared_total, verified_total, money),
        "deadline": deadline,
        "deadline_note": deadline_note,
        # GB/T 9704-2012 10.1: a review is a 函, laid out in the 信函格式 (decisions, issue 16)
        "letter": options.mode == "review" and bool(manifest.reviewer),
        "signer": {"doc_number": mask(signer.doc_number), "contact": mask(signer.contact),
                   "phone": mask(signer.phone), "cc": [mask(c) for c in signer.cc]},
        "rectification_days": days,
        "tracking": tracking,
        "rectified": [dict(r, condition=mask(r.get("condition", ""))) for r in tracking.rectified] if tracking else [],
        "provenance": {
            # each input by the name its form carries (清单, 结算分配表), not the program's key
            "inputs": [("清单" if i.table == "manifest" else _table_label(i.table), i.path, i.sha256) for i in sub.inputs],
            "rulebook": f"{rules.id} {rules.version}（{rules.jurisdiction}）" if rules else "无",
            "auditkit": __version__,
            "skipped": skipped_by_reason(result.skipped),
            "previous": tracking.source if tracking else "",
            "sources": cited_sources(rules, manifest.year, ([basis.cited] if basis else []) + texts),
        },
    }


def problem_summary(families: list[Family]) -> str:
    """'结算资金计算方面4项、地方财政补助资金到位方面2项' — the problems counted as a 审核意见
    counts them, by the families they fall under, in the review's order."""
    return "、".join(f"{family.heading}{len(family.items)}项" for family in families)


def _overlaps(problems: list[Finding]) -> bool:
    """Whether some money is at stake in two problems (the total then counts it once, and says so)."""
    return at_stake(problems) < sum((stake(f)[2] for f in problems), ZERO)


def skipped_by_reason(skipped) -> list[tuple[str, str]]:
    """The checks not run, each reason once with the codes it stopped ('EN001、EN002', reason),
    in the order the reasons first occur."""
    grouped: dict[str, list[str]] = {}
    for item in skipped:
        codes = grouped.setdefault(item.reason, [])
        if item.code not in codes:
            codes.append(item.code)
    return [("、".join(codes), reason) for reason, codes in grouped.items()]


def cited_sources(rules: Rulebook | None, year: int, texts: list[str]) -> list[dict[str, str]]:
    """The rulebook's documents that the document's ``texts`` cite, each with what the annex
    says of it: how it is cited, its status (an unverified source is marked so here, never in the
    body), and a note when the package's year lies outside the years it governs."""
    if rules is None:
        return []
    out = []
    for document in rules.documents_named(texts):
        status = document.status or ("" if document.verified else "原文未查到")
        if not document.verified and "待核实" not in status:
            status += "，出处待核实"
        years = document.years()
        outside = ""
        if not document.governs(year):
            outside = (f"本数据包为{year}年度，不在该文件适用的{years}范围内，"
                       "相关规定系参照引用，适用依据请审核人员核实")
        out.append({"cited": document.cited, "status": status, "years": years, "outside": outside,
                    "verified": document.verified})
    return out


def _document_unit(sub, program) -> str:
    """The unit the document quotes money in: the filer's unit of the assessed table
    (``filer_unit``), else the manifest's."""
    from auditkit.findings import filer_unit

    table = program.assessment.table if program.assessment is not None else None
    return filer_unit(sub, table)


def _declared_total_row(sub, program, rows: list[RegionAssessment]) -> dict[str, Any] | None:
    """The filer's own 合计 row of the assessed table, by figure name, or None when the filer
    gave none (or the assessment is per fund, whose totals are per fund)."""
    if program.assessment is None or program.assessment.table not in sub.tables:
        return None
    if assessment_figures(rows) is ALLOCATION_FIGURES:
        return None
    total = sub.table(program.assessment.table).total
    if total is None:
        return None
    return {name: total.get(name) for name in ("enrolled", "entitled", "preallocated", "arrival_deduction",
                                               "over_report_deduction", "settlement")}


def _change(declared: Decimal | None, verified: Decimal | None, money=quote) -> str:
    if declared is None or verified is None:
        return ""
    difference = round_fen(verified) - round_fen(declared)
    if not difference:
        return "与申报数一致"
    return ("核增" if difference > 0 else "核减") + money(abs(difference))


def _declared_totals(rows: list[RegionAssessment], total_row: dict[str, Any] | None = None, money=quote) -> str:
    """'申报应补助资金合计…，已预拨资金…，此次结算补助资金合计…' from the filer's 合计 row when it
    gave one, else from the declared figures of the regions (the parts that every region
    declares)."""
    parts = []
    for name, words in (("entitled", "应补助资金合计"), ("preallocated", "已预拨资金"),
                        ("settlement", "此次结算补助资金合计")):
        if total_row is not None:
            if total_row.get(name) is not None:
                parts.append(words + money(Decimal(total_row[name])))
            continue
        values = [r.preallocated if name == "preallocated" else r.declared.get(name) for r in rows]
        if values and all(v is not None for v in values):
            parts.append(words + money(sum((Decimal(v) for v in values), ZERO)))
    return "，".join(parts)


def _in_schema_order(tables) -> list[str]:
    from auditkit.schemas import TABLES

    order = list(TABLES)
    return sorted(tables, key=lambda name: (order.index(name) if name in order else len(order), name))


def _table_label(name: str) -> str:
    from auditkit.schemas import spec_for

    spec = spec_for(name)
    return spec.label if spec else name


def _you(submitter: str) -> str:
    """How a document addresses its recipient: 你厅, 你局, 你委, else 你单位."""
    for suffix in ("厅", "局", "委", "办"):
        if submitter.endswith(suffix):
            return "你" + suffix
    return "你单位"
