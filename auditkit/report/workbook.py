"""The auditor's working papers as an Excel workbook (``--xlsx``), written with XlsxWriter.

Sheets:

- 问题清单: one row per finding (with its rectification status when a previous run is given).
- 核定结果: per region the inputs and, for every computed figure, a live Excel formula stored
  with the value auditkit computed, so that an auditor can change an input and see the figure
  follow, while a viewer that does not recalculate (and auditkit's own loader) reads numbers:
  核定参保人数 = 申报 − 多报虚报; 应补助资金 = 人数 × 标准 × 分担比例; 应到位地方资金 = (人数 − 高校
  学生) × 标准 × (1 − 中央 − 自治区分担比例) + 奖励资金; 到位率 = 实际到位 ÷ 应到位; 到位扣减 =
  应补助 × (1 − 到位率) × 10%; 虚报扣减 = 多报虚报人数 × 标准 × 中央分担比例 × 5%; 此次结算 =
  应补助 − 已预拨 − 两项扣减 (内财社〔2025〕357号 第十条; ``auditkit.settlement``). The rulebook's
  parameters sit in a block above the table, each with its citation; the formulas refer to
  them. Units are in the headers. A figure auditkit could not recompute is the declared one,
  written as a value and marked in the 计算依据 column. A medical-assistance allocation lists
  the declared and recomputed shares per region and fund with the difference as a formula.
- 证据-CODE: one sheet per check code, listing the records behind each finding: the rows its
  check gave as evidence, or else the rows of the table its finding points at (the row named in
  its 数据位置, or the region's rows of that table), at most ``RECORDS_PER_FINDING`` a finding,
  with the count of those not listed; columns that no record fills are left out.
- 已整改 (previous findings now gone) when tracking, and 数据来源 (the provenance).

IDs are masked unless ``reveal_ids``. Money is in 元 (numbers with a fen format).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from auditkit import __version__
from auditkit.findings import SEVERITY_NAMES, Finding, mask_value
from auditkit.money import round_fen
from auditkit.report.document import ALLOCATION_FIGURES, _Masker, assessment_figures, assessment_label
from auditkit.report.embedded import embed_in_workbook
from auditkit.report.tracking import Tracking
from auditkit.runner import Result

YUAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00%"
SHARE_FORMAT = "0.####%"
RECORDS_PER_FINDING = 1000  # records listed for one finding on its 证据 sheet
CELL_LIMIT = 32767  # characters Excel keeps in one cell


def workbook_bytes(result: Result, tracking: Tracking | None = None, reveal_ids: bool = False,
                   result_text: str | None = None) -> bytes:
    """The working papers of a run as the bytes of an .xlsx file; they carry the run's JSON
    (``result_text``, else computed as ``--output`` writes it) on a very hidden sheet for
    ``--previous`` (``auditkit.report.embedded``)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    formats = _Formats(book)
    mask = _Masker(reveal_ids)
    _findings_sheet(book, formats, result, tracking, mask)
    if result.assessment:
        figures = _settlement_figures(result)
        if figures is not None:
            _settlement_sheet(book, formats, result, figures, mask)
        else:
            _assessment_sheet(book, formats, result, mask)
    _evidence_sheets(book, formats, result, mask, reveal_ids)
    if tracking is not None:
        _rectified_sheet(book, formats, tracking, mask)
    _provenance_sheet(book, formats, result, tracking)
    if result_text is None:
        from auditkit.output import dumps

        result_text = dumps(result, reveal_ids, tracking)
    embed_in_workbook(book, result_text)
    book.set_properties({"title": "审核工作底稿", "comments": f"auditkit {__version__}"})
    book.close()
    return buffer.getvalue()


class _Formats:
    def __init__(self, book) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "align": "center",
                                       "valign": "vcenter", "text_wrap": True, "border": 1})
        self.text = book.add_format({"valign": "top", "text_wrap": True})
        self.yuan = book.add_format({"num_format": YUAN_FORMAT, "valign": "top"})
        self.count = book.add_format({"num_format": COUNT_FORMAT, "valign": "top"})
        self.rate = book.add_format({"num_format": RATE_FORMAT, "valign": "top"})
        self.share = book.add_format({"num_format": SHARE_FORMAT, "valign": "top"})
        self.plain = book.add_format({"valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 12})
        self.note = book.add_format({"italic": True, "font_color": "#595959"})
        self.total = book.add_format({"bold": True, "valign": "top"})
        self.total_yuan = book.add_format({"bold": True, "num_format": YUAN_FORMAT, "valign": "top"})
        self.total_count = book.add_format({"bold": True, "num_format": COUNT_FORMAT, "valign": "top"})

    def of(self, kind: str, total: bool = False):
        if total:
            return {"yuan": self.total_yuan, "count": self.total_count}.get(kind, self.total)
        return {"yuan": self.yuan, "count": self.count, "rate": self.rate, "share": self.share,
                "text": self.text}.get(kind, self.plain)


def _text(value: Any) -> str:
    return str(value)[:CELL_LIMIT]


def _put(sheet, row: int, column: int, value: Any, cell_format=None) -> None:
    """A value as the cell type it is: a number, text (never read as a formula), or nothing."""
    if value is None or value == "":
        if cell_format is not None:
            sheet.write_blank(row, column, None, cell_format)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, Decimal):
        sheet.write_number(row, column, float(round_fen(value)), cell_format)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value, cell_format)
    elif hasattr(value, "isoformat"):
        sheet.write_string(row, column, value.isoformat(), cell_format)
    else:
        sheet.write_string(row, column, _text(value), cell_format)


def _header(sheet, formats: _Formats, row: int, headers: list[str], widths: list[int]) -> None:
    for column, (name, width) in enumerate(zip(headers, widths)):
        sheet.write_string(row, column, name, formats.header)
        sheet.set_column(column, column, width)
    sheet.freeze_panes(row + 1, 1)


# -- 问题清单 ----------------------------------------------------------------------------------------

def _findings_sheet(book, formats: _Formats, result: Result, tracking: Tracking | None, mask: _Masker) -> None:
    headers = ["序号", "检查代码", "级别", "地区", "问题", "问题事实", "依据", "涉及资金（元）", "涉及人数（人）",
               "整改建议", "原因", "数据位置", "键"]
    widths = [6, 9, 6, 12, 24, 60, 50, 16, 10, 40, 20, 36, 14]
    if tracking is not None:
        headers.insert(3, "整改状态")
        widths.insert(3, 10)
    sheet = book.add_worksheet("问题清单")
    _header(sheet, formats, 0, headers, widths)
    for number, f in enumerate(result.findings, start=1):
        row = [(number, "count"), (f.code, "text"), (SEVERITY_NAMES.get(f.severity or "", ""), "text"),
               (mask(f.region or "全表"), "text"), (f.title, "text"), (mask(f.condition), "text"),
               (mask(f.criteria), "text"), (f.effect.amount, "yuan"), (f.effect.persons, "count"),
               (mask(f.recommendation), "text"), (mask(f.cause), "text"), (mask(f.evidence.where), "text"),
               (f.key, "text")]
        if tracking is not None:
            row.insert(3, (tracking.status(f.key), "text"))
        for column, (value, kind) in enumerate(row):
            _put(sheet, number, column, value, formats.of(kind))
    sheet.autofilter(0, 0, max(len(result.findings), 1), len(headers) - 1)


# -- 核定结果: settlement with live formulas ---------------------------------------------------------

def _settlement_figures(result: Result):
    """The settlement assessment with its inputs (``auditkit.settlement``, cached in the run's
    submission), or None when the run's assessment is not a settlement's."""
    sub = result.submission
    if assessment_figures(result.assessment) is ALLOCATION_FIGURES or "settlement" not in sub.tables:
        return None
    from auditkit.settlement import assess

    regions = assess(sub, result.rulebook).regions
    return regions if len(regions) == len(result.assessment) else None


# (key, header, kind). The order is the order of the computation, inputs before the figure.
SETTLEMENT_COLUMNS = (
    ("region", "地区", "text"),
    ("declared_enrolled", "申报参保人数（人）", "count"),
    ("over_reported", "多报虚报参保人数（人）", "count"),
    ("enrolled", "核定参保人数（人）", "count"),
    ("share", "分担比例", "share"),
    ("entitled", "应补助资金（元）", "yuan"),
    ("preallocated", "已预拨资金（元）", "yuan"),
    ("students", "高校学生人数（人）", "count"),
    ("regional_share", "自治区分担比例", "share"),
    ("reward", "奖励资金（元）", "yuan"),
    ("due", "应到位地方资金（元）", "yuan"),
    ("arrived", "实际到位地方资金（元）", "yuan"),
    ("arrival_rate", "到位率", "rate"),
    ("arrival_deduction", "到位扣减资金（元）", "yuan"),
    ("over_report_deduction", "虚报扣减资金（元）", "yuan"),
    ("settlement", "此次结算补助资金（元）", "yuan"),
    ("declared_entitled", "申报应补助资金（元）", "yuan"),
    ("declared_arrival_deduction", "申报到位扣减资金（元）", "yuan"),
    ("declared_over_report_deduction", "申报虚报扣减资金（元）", "yuan"),
    ("declared_settlement", "申报此次结算补助资金（元）", "yuan"),
    ("settlement_difference", "此次结算差额（核定−申报，元）", "yuan"),
    ("basis", "计算依据", "text"),
)
# the columns totalled in the 合计 row
TOTALLED = ("declared_enrolled", "over_reported", "enrolled", "entitled", "preallocated", "students", "reward",
            "due", "arrived", "arrival_deduction", "over_report_deduction", "settlement", "declared_entitled",
            "declared_arrival_deduction", "declared_over_report_deduction", "declared_settlement",
            "settlement_difference")
PARAMETERS = (
    ("standard", "人均补助标准（元/人）", "yuan", True),
    ("central_share", "中央财政分担比例", "share", False),
    ("arrival_deduction_rate", "到位扣减比例", "share", False),
    ("over_report_deduction_rate", "多报虚报扣减比例", "share", False),
)


def _parameters(result: Result, year: int) -> list[tuple[str, str, str, Decimal | None, str]]:
    """(key, label, kind, value, citation) of each parameter the formulas use."""
    rules = result.rulebook
    out = []
    for key, label, kind, by_year in PARAMETERS:
        found = rules.get(key, year if by_year else None) if rules is not None and rules.has(key, year if by_year else None) else None
        value = Decimal(str(found.value)) if found is not None else None  # typed: shares are fractions
        words = f"{label}（{year}年）" if by_year else label
        out.append((key, words, kind, value, found.cite() if found is not None else "规则库未设此参数"))
    return out


def _cell(column: int, row: int, absolute: bool = False) -> str:
    from xlsxwriter.utility import xl_rowcol_to_cell

    return xl_rowcol_to_cell(row, column, row_abs=absolute, col_abs=absolute)


FORMULAS_NOTE = (
    "公式：应补助资金＝核定参保人数×人均补助标准×分担比例；应到位地方资金＝（核定参保人数－高校学生人数）×人均补助标准×"
    "（1－中央－自治区分担比例）＋奖励资金；到位率＝实际到位÷应到位；到位扣减资金＝应补助资金×（1－到位率）×到位扣减比例"
    "（到位率不低于100%的不扣）；虚报扣减资金＝多报虚报参保人数×人均补助标准×中央财政分担比例×多报虚报扣减比例（仅中央"
    "补助资金结算）；此次结算补助资金＝应补助资金－已预拨资金－到位扣减资金－虚报扣减资金（内财社〔2025〕357号第七条、第十条、"
    "第十三条）。")


def _settlement_sheet(book, formats: _Formats, result: Result, regions: list, mask: _Masker) -> None:
    """The parameter block, the formulas in words, then a row per region and the 合计 row."""
    sub = result.submission
    sheet = book.add_worksheet("核定结果")
    sheet.write_string(0, 0, f"{sub.manifest.year}年度补助资金核定结果（金额单位：元；带公式的数随输入数和参数重算）",
                       formats.title)
    parameters = _parameter_block(sheet, formats, result, first_row=1)
    top = 2 + len(parameters.cells) + 1
    sheet.write_string(top, 0, FORMULAS_NOTE, formats.note)
    keys = [key for key, _h, _k in SETTLEMENT_COLUMNS]
    _header(sheet, formats, top + 1, [h for _k, h, _t in SETTLEMENT_COLUMNS],
            [14 if k == "region" else 24 if k == "basis" else 16 for k in keys])
    first = top + 2
    written: dict[str, list[Any]] = {key: [] for key in keys}  # what each column holds, for the 合计
    for index, (f, line) in enumerate(zip(regions, result.assessment)):
        _settlement_row(_RowWriter(sheet, formats, first + index, written), f, line, parameters, mask)
    _totals_row(sheet, formats, written, first, first + len(regions) - 1)


@dataclass
class _Parameters:
    cells: dict[str, str]  # parameter -> its absolute cell, for the formulas
    values: dict[str, Decimal | None]
    central: bool  # a central-funding settlement (the over-report deduction applies)
    passes_on: bool  # a regional settlement passes the arrival deduction on

    def usable(self, *keys: str) -> bool:
        return all(self.values[key] is not None for key in keys)


def _parameter_block(sheet, formats: _Formats, result: Result, first_row: int) -> _Parameters:
    """The rulebook's parameters, value and citation, from ``first_row`` (a header row) down."""
    for column, word in enumerate(("参数", "取值", "依据")):
        sheet.write_string(first_row, column, word, formats.header)
    cells: dict[str, str] = {}
    values: dict[str, Decimal | None] = {}
    for offset, (key, label, kind, value, cite) in enumerate(_parameters(result, result.submission.manifest.year)):
        row = first_row + 1 + offset
        sheet.write_string(row, 0, label, formats.plain)
        _put(sheet, row, 1, value, formats.of(kind))
        sheet.write_string(row, 2, cite, formats.plain)
        cells[key] = _cell(1, row, absolute=True)
        values[key] = value
    rules = result.rulebook
    passes_on = bool(rules.get("regional_passes_arrival_deduction").value) if (
        rules is not None and rules.has("regional_passes_arrival_deduction")) else True
    return _Parameters(cells, values, result.submission.manifest.funding_level == "central", passes_on)


class _RowWriter:
    """One region's row of 核定结果: ``ref`` names a column's cell, ``put`` writes a value, or a
    formula stored with that value."""

    at = {key: index for index, (key, _h, _k) in enumerate(SETTLEMENT_COLUMNS)}

    def __init__(self, sheet, formats: _Formats, row: int, written: dict[str, list[Any]]) -> None:
        self.sheet, self.formats, self.row, self.written = sheet, formats, row, written

    def ref(self, key: str) -> str:
        return _cell(self.at[key], self.row)

    def put(self, key: str, value: Any, formula: str | None = None) -> None:
        self.written[key].append(value)
        kind = SETTLEMENT_COLUMNS[self.at[key]][2]
        if formula is None or value is None:
            _put(self.sheet, self.row, self.at[key], value, self.formats.of(kind))
        else:
            computed = float(round_fen(value)) if kind == "yuan" else float(value)
            self.sheet.write_formula(self.row, self.at[key], "=" + formula, self.formats.of(kind), computed)


def _settlement_row(w: _RowWriter, f, line, p: _Parameters, mask: _Masker) -> None:
    """The inputs and, where auditkit recomputed a figure, its formula (``auditkit.settlement``);
    else the value the assessment carries (the declared one)."""
    row, ref, put = f.row, w.ref, w.put
    std, c = p.cells["standard"], p.cells["central_share"]
    put("region", mask(assessment_label(line)))
    put("declared_enrolled", row.get("enrolled"))
    basis = f.enrolled_basis
    if basis == "roster" and row.get("enrolled") is not None:
        put("over_reported", f.over_reported, f"MAX({ref('declared_enrolled')}-{ref('enrolled')},0)")
    else:
        put("over_reported", f.over_reported)
    if basis == "declared-minus-over-reported":
        put("enrolled", f.enrolled, f"{ref('declared_enrolled')}-{ref('over_reported')}")
    elif basis == "declared":
        put("enrolled", f.enrolled, ref("declared_enrolled"))
    else:
        put("enrolled", line.enrolled)
    if p.central and f.share is not None and p.usable("central_share"):
        put("share", f.share, c)  # the central share: the parameter's cell
    else:
        put("share", f.share)
    if f.entitled is not None and p.usable("standard"):
        put("entitled", f.entitled, f"{ref('enrolled')}*{std}*{ref('share')}")
    else:
        put("entitled", line.entitled)
    put("preallocated", row.get("preallocated"))
    put("students", f.students)
    put("regional_share", f.regional_share)
    put("reward", f.reward)
    if f.due is not None and p.usable("standard", "central_share"):
        put("due", f.due, f"({ref('enrolled')}-{ref('students')})*{std}*(1-{c}-{ref('regional_share')})+{ref('reward')}")
    else:
        put("due", (f.funds_row or {}).get("due"))
    put("arrived", f.arrived)
    if f.arrival_rate is not None:
        put("arrival_rate", f.arrival_rate, f"IF({ref('due')}>0,{ref('arrived')}/{ref('due')},1)")
    if f.arrival_deduction is not None and (p.central or p.passes_on) and p.usable("arrival_deduction_rate"):
        put("arrival_deduction", f.arrival_deduction, f"IF({ref('arrival_rate')}>=1,0,{ref('entitled')}"
                                                      f"*(1-{ref('arrival_rate')})*{p.cells['arrival_deduction_rate']})")
    else:
        put("arrival_deduction", f.arrival_deduction if f.arrival_deduction is not None
            else row.get("arrival_deduction") or Decimal(0))
    if (p.central and f.over_report_deduction is not None
            and p.usable("standard", "central_share", "over_report_deduction_rate")):
        put("over_report_deduction", f.over_report_deduction,
            f"{ref('over_reported')}*{std}*{c}*{p.cells['over_report_deduction_rate']}")
    else:
        put("over_report_deduction", f.over_report_deduction if f.over_report_deduction is not None
            else row.get("over_report_deduction") or Decimal(0))
    if f.settlement is not None:
        put("settlement", f.settlement,
            f"{ref('entitled')}-{ref('preallocated')}-{ref('arrival_deduction')}-{ref('over_report_deduction')}")
    else:
        put("settlement", line.settlement)
    for key, column in (("declared_entitled", "entitled"), ("declared_arrival_deduction", "arrival_deduction"),
                        ("declared_over_report_deduction", "over_report_deduction"),
                        ("declared_settlement", "settlement")):
        put(key, row.get(column))
    if line.settlement is not None and row.get("settlement") is not None:
        put("settlement_difference", round_fen(line.settlement) - round_fen(row["settlement"]),
            f"{ref('settlement')}-{ref('declared_settlement')}")
    put("basis", _basis_words(line.basis, basis))


def _totals_row(sheet, formats: _Formats, written: dict[str, list[Any]], first: int, last: int) -> None:
    """合计: a SUM per totalled column, stored with the sum of what the rows were written with."""
    total = last + 1
    sheet.write_string(total, 0, "合计", formats.total)
    for key in TOTALLED:
        column = _RowWriter.at[key]
        kind = SETTLEMENT_COLUMNS[column][2]
        known = [round_fen(Decimal(v)) if kind == "yuan" else Decimal(v) for v in written[key] if v is not None]
        value = sum(known, Decimal(0))
        computed = float(round_fen(value)) if kind == "yuan" else float(value)
        sheet.write_formula(total, column, f"=SUM({_cell(column, first)}:{_cell(column, last)})",
                            formats.of(kind, total=True), computed)


def _basis_words(basis: dict[str, str], enrolled_basis: str) -> str:
    words = {"roster": "参保人数按名册核实", "declared-minus-over-reported": "参保人数按申报数减多报虚报数",
             "declared": "参保人数按申报数"}
    labels = {"entitled": "应补助资金", "arrival_deduction": "到位扣减资金", "over_report_deduction": "虚报扣减资金",
              "settlement": "此次结算补助资金", "arrival_rate": "到位率", "enrolled": "参保人数"}
    parts = [words.get(enrolled_basis, "")]
    carried = [labels[name] for name in labels if basis.get(name) == "declared"]
    if carried:
        parts.append("、".join(carried) + "无法重算，按申报数")
    return "；".join(p for p in parts if p)


# -- 核定结果: an allocation (or a settlement without its inputs) -----------------------------------------

def _assessment_sheet(book, formats: _Formats, result: Result, mask: _Masker) -> None:
    """Declared beside verified per region (and fund), the difference as a formula."""
    figures = assessment_figures(result.assessment)
    headers, widths, kinds = ["地区"], [18], ["text"]
    for _name, label, _fmt in figures:
        kind = "count" if _name == "enrolled" else "yuan"
        unit = "人" if kind == "count" else "元"
        headers += [f"{label}（申报，{unit}）", f"{label}（核定，{unit}）", f"{label}（差额，{unit}）"]
        widths += [18, 18, 16]
        kinds += [kind] * 3
    sheet = book.add_worksheet("核定结果")
    _header(sheet, formats, 0, headers, widths)
    for index, line in enumerate(result.assessment):
        r = index + 1
        _put(sheet, r, 0, mask(assessment_label(line)), formats.text)
        column = 1
        for name, _label, _fmt in figures:
            declared, verified = line.declared.get(name), getattr(line, name)
            kind = kinds[column]
            _put(sheet, r, column, declared, formats.of(kind))
            _put(sheet, r, column + 1, verified, formats.of(kind))
            if declared is not None and verified is not None:
                difference = round_fen(Decimal(verified)) - round_fen(Decimal(declared))
                sheet.write_formula(r, column + 2, f"={_cell(column + 1, r)}-{_cell(column, r)}", formats.of(kind),
                                    float(difference))
            column += 3


# -- 证据 ----------------------------------------------------------------------------------------------

_WHERE = re.compile(r"^(?P<file>.+?)(?: 第(?P<row>\d+)行)?(?: “.*”列)?$")


def _records(f: Finding, result: Result) -> tuple[list[dict[str, Any]], int]:
    """The records behind a finding and how many there are: the rows its check gave, else the
    rows of the table its 数据位置 names (that row, or the region's rows)."""
    if f.evidence.rows:
        return list(f.evidence.rows), max(f.evidence.count, len(f.evidence.rows))
    match = _WHERE.match(f.evidence.where or "")
    if not match:
        return [], f.evidence.count
    place = match.group("file")
    table = next((t for t in result.submission.tables.values()
                  if place == t.file + (f"#{t.sheet}" if t.sheet else "")), None)
    if table is None:
        return [], f.evidence.count
    rows = table.rows() + ([table.total] if table.total else [])  # a finding may rest on the 合计 row
    if match.group("row"):
        number = int(match.group("row"))
        chosen = [row for row in rows if row.get("_row") == number]
    elif f.region and table.has("region"):
        from auditkit.settlement import region_name

        chosen = [row for row in rows if row.get("region") is not None
                  and region_name(str(row["region"]), result.rulebook) == f.region]
    else:
        return [], f.evidence.count
    records = []
    for row in chosen:
        record: dict[str, Any] = {"行号": row.get("_row")}
        for column, value in row.items():
            if column.startswith("_"):
                continue
            record[table.headers.get(column, column)] = value
        records.append(record)
    return records, max(f.evidence.count, len(records))


def _evidence_sheets(book, formats: _Formats, result: Result, mask: _Masker, reveal_ids: bool) -> None:
    by_code: dict[str, list[Finding]] = {}
    for f in result.findings:
        by_code.setdefault(f.code, []).append(f)
    for code, findings in by_code.items():
        lines: list[tuple[list[Any], dict[str, Any] | None]] = []
        columns: list[str] = []
        for f in findings:
            base = [mask(f.region or "全表"), f.title, mask(f.evidence.where), f.evidence.count]
            records, count = _records(f, result)
            shown = records[:RECORDS_PER_FINDING]
            for record in shown:
                columns.extend(k for k in record if k not in columns)
                lines.append((base, record))
            if not shown:
                lines.append((base, None))
            if count > len(shown) and shown:
                lines.append((base, {"说明": f"另有{count - len(shown):,}条记录未列出（共{count:,}条）"}))
                if "说明" not in columns:
                    columns.append("说明")
        # a column no record fills is left out
        columns = [c for c in columns if any(r is not None and r.get(c) not in (None, "") for _b, r in lines)]
        sheet = book.add_worksheet(f"证据-{code}"[:31])
        headers = ["地区", "问题", "数据位置", "涉及记录数", *[mask(c) for c in columns]]
        _header(sheet, formats, 0, headers, [12, 24, 40, 10] + [18] * len(columns))
        for r, (base, record) in enumerate(lines, start=1):
            for column, value in enumerate(base):
                _put(sheet, r, column, value, formats.count if column == 3 else formats.text)
            for offset, name in enumerate(columns):
                value = None if record is None else record.get(name)
                if isinstance(value, Decimal):
                    _put(sheet, r, 4 + offset, value, formats.yuan)
                elif value is None or isinstance(value, (int, float)):
                    _put(sheet, r, 4 + offset, value if reveal_ids else mask_value(value), formats.plain)
                else:
                    _put(sheet, r, 4 + offset, mask(value if isinstance(value, str) else value.isoformat()
                                                    if hasattr(value, "isoformat") else str(value)), formats.plain)


def _rectified_sheet(book, formats: _Formats, tracking: Tracking, mask: _Masker) -> None:
    sheet = book.add_worksheet("已整改")
    _header(sheet, formats, 0, ["检查代码", "地区", "问题", "上次问题事实", "键"], [9, 12, 24, 60, 14])
    for r, item in enumerate(tracking.rectified, start=1):
        for column, value in enumerate([item.get("code"), mask(item.get("region") or "全表"), item.get("title"),
                                        mask(item.get("condition") or ""), item["key"]]):
            _put(sheet, r, column, value, formats.text)


def _provenance_sheet(book, formats: _Formats, result: Result, tracking: Tracking | None) -> None:
    sub = result.submission
    rules = result.rulebook
    sheet = book.add_worksheet("数据来源")
    _header(sheet, formats, 0, ["项目", "内容", "SHA-256"], [16, 40, 70])
    rows: list[list[Any]] = [[item.table, item.path, item.sha256] for item in sub.inputs]
    rows.append(["规则库", f"{rules.id} {rules.version}" if rules else "无", None])
    rows.append(["auditkit 版本", __version__, None])
    if tracking is not None:
        rows.append(["上次审核结果", tracking.source, None])
    rows.extend([f"未运行 {skipped.code}", skipped.reason, None] for skipped in result.skipped)
    for r, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            _put(sheet, r, column, value, formats.text)
