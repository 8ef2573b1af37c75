"""Loading a submission package: the manifest, then each table, typed and in 元.

A package is a folder with ``submission.toml`` or one ``.xlsx`` whose ``submission`` sheet holds
the manifest (DESIGN.md, "The submission package"). Nothing is checked from a package that does
not load: every problem here is a ``PackageError`` naming file, sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import polars as pl

from auditkit.dates import parse_date, serial_date
from auditkit.errors import PackageError, column_letter
from auditkit.grid import Cell, Grid, is_workbook, read_grid
from auditkit.manifest_text import read_manifest_toml
from auditkit.notes import ReadingNote, ReadingNotes
from auditkit.money import UNIT_NAMES, parse_decimal, parse_share, to_declared, unit_from_word
from auditkit.programs import PROGRAMS
from auditkit.schemas import DECIMAL, KIND_DTYPES, KIND_NAMES, TABLES, ColumnSpec, TableSpec, unit_in_header

TOTAL_NAMES = ("合计", "总计")
MANIFEST = "submission.toml"
HEADER_SEARCH_ROWS = 30
_UNIT_LINE = re.compile(r"^单位[:：]\s*(万元|元)")


@dataclass(frozen=True)
class Manifest:
    program: str
    jurisdiction: str
    year: int
    funding_level: str = "central"
    submitter: str = ""
    reviewer: str = ""
    amount_unit: str = "yuan"
    example: bool = False
    area: str = ""  # what the package covers: the jurisdiction, or one prefecture's counties (auditkit.areas)
    tables: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    funds: dict[str, Decimal] = field(default_factory=dict)
    dates: dict[str, dt.date] = field(default_factory=dict)
    # [report]: what the signer of the review knows (doc_number, contact, phone, cc: a list)
    report: dict[str, Any] = field(default_factory=dict)


class EmptyTable(PackageError):
    """A table given as a sheet or file with no data row (its header kept, or nothing at all)."""


@dataclass(frozen=True)
class Input:
    table: str
    path: str
    sha256: str


@dataclass
class Table:
    """One loaded table: canonical columns, amounts in 元, and where each row came from.

    ``frame`` holds the canonical columns plus ``_row`` (the sheet or file row number) and, for
    each amount column, ``_tol_<column>``: the declared figure's tolerance in 元. ``total`` is
    the 合计/总计 row in the same shape, or None.
    """

    name: str
    file: str
    sheet: str | None
    unit: str
    frame: pl.DataFrame
    total: dict[str, Any] | None
    headers: dict[str, str]  # canonical column -> header as written, with its letter

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def rows(self) -> list[dict[str, Any]]:
        return self.frame.to_dicts()

    def where(self, row: int | None = None, column: str | None = None) -> str:
        """'settlement.csv 第5行 “应补助资金”列' for findings' conditions and evidence."""
        parts = [self.file + (f"#{self.sheet}" if self.sheet else "")]
        if row is not None:
            parts.append(f"第{row}行")
        if column:
            parts.append(f"“{self.headers.get(column, column)}”列")
        return " ".join(parts)


@dataclass
class Submission:
    """A loaded package. Checks read it and never change it; ``cached`` memoises derived
    values (the assessment, a roster's cascade) that several checks share."""

    root: Path
    manifest: Manifest
    tables: dict[str, Table]
    inputs: list[Input]
    large: dict[str, Path] = field(default_factory=dict)  # roster-sized tables (first file), scanned lazily
    # each roster-sized table's files and sheets as sniffed on loading (auditkit.enrollment.sources)
    large_parts: dict[str, list] = field(default_factory=dict, repr=False)
    # optional tables listed but left empty ("not given"): name -> the file (and sheet) as shown
    not_given: dict[str, str] = field(default_factory=dict)
    # how the run is carried out, set by the caller (the CLI): engine, spark_remote, buckets,
    # reveal_ids, progress (a callback); never part of the findings' inputs
    options: dict[str, Any] = field(default_factory=dict, repr=False)
    # doubtful or repaired readings, turned into IN findings by checks/input.py
    notes: ReadingNotes = field(default_factory=ReadingNotes)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def year(self) -> int:
        return self.manifest.year

    def has(self, table: str, *columns: str) -> bool:
        if table in self.large:
            return True
        found = self.tables.get(table)
        return found is not None and all(found.has(c) for c in columns)

    def table(self, name: str) -> Table:
        return self.tables[name]

    def note_reading(self, code: str, message: str, **where: Any) -> ReadingNote:
        """Record a doubtful or repaired reading (``ReadingNotes.add``: table, file, sheet, rows,
        column, count, severity, region, subject, recommendation, figures); checks/input.py
        reports it as an IN finding. Info or warning only: raises ValueError otherwise."""
        return self.notes.add(code, message, **where)

    def cached(self, key: str, compute):
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]


# --- the manifest -------------------------------------------------------------------------


def _manifest_from_toml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PackageError("清单文件应为 UTF-8 编码", file=path.name) from None
    return read_manifest_toml(text, path.name)


def _manifest_from_sheet(grid: Grid) -> dict:
    """A workbook's ``submission`` sheet: key in column A, value in column B, keys dotted."""
    data: dict = {}
    for number, row in enumerate(grid.rows, start=1):
        if not row or not row[0].text or row[0].text.startswith("#"):
            continue
        key = unicodedata.normalize("NFKC", row[0].text).strip()
        if key in ("key", "键", "项目"):
            continue
        cell = row[1] if len(row) > 1 else Cell("")
        value: Any = cell.value if cell.value is not None else cell.text
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            value = _unquoted(value.strip())
        if value == "" and not key.startswith("submission."):
            continue  # a table, fund or date left empty is not given
        parts = key.split(".")
        if len(parts) != 2:
            raise PackageError(f"清单键“{key}”应写作“分组.名称”，如 submission.year", file=grid.file,
                               sheet=grid.sheet, row=number, column="A")
        data.setdefault(parts[0], {})[parts[1]] = value
    return data


# a value typed between quotation marks in a cell: the quotes are not part of it
_CELL_QUOTES = re.compile(r'^(?:"(.*)"|“(.*)”|‘(.*)’|「(.*)」|『(.*)』)$')


def _unquoted(text: str) -> str:
    match = _CELL_QUOTES.match(text)
    return next(g for g in match.groups() if g is not None).strip() if match else text


# each level's key, its name in documents, then the other words a manifest may use for it
FUNDING_LEVEL_WORDS = {
    "central": ("central", "中央财政", "中央"),
    "regional": ("regional", "自治区本级财政", "自治区本级", "自治区", "自治区财政", "省级", "省本级"),
}
_BOOLEAN_WORDS = {True: ("true", "是", "1", "yes", "y"), False: ("false", "否", "0", "no", "n", "")}


def _word(value: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()


def _program_key(value: Any) -> str | None:
    """The program a manifest names by its key or its Chinese name."""
    word = _word(value)
    return next((p.key for p in PROGRAMS.values() if word in (p.key, _word(p.name), _word(p.subject))), None)


def _year(value: Any) -> Any:
    """2024, 2024.0, '2024', '２０２４', '2024年', '2024年度' -> 2024; anything else unchanged."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        found = re.fullmatch(r"(\d{4})(年度?)?", _word(value))
        if found:
            return int(found.group(1))
    return value


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = _word(value)
    return next((truth for truth, words in _BOOLEAN_WORDS.items() if word in words), None)


def _parse_manifest(data: dict, file: str, sheet: str | None) -> Manifest:
    def fail(message: str, key: str | None = None) -> PackageError:
        return PackageError(f"清单项“{key}”：{message}" if key else message, file=file, sheet=sheet)

    sub = data.get("submission")
    if not isinstance(sub, dict):
        raise fail("清单缺少 [submission] 部分（应写明 program、jurisdiction、year）")
    for key in ("program", "jurisdiction", "year"):
        if key not in sub or sub[key] in ("", None):
            raise fail(f"清单缺少必填项 submission.{key}", f"submission.{key}")
    program = _program_key(sub["program"])
    if program is None:
        known = "、".join(f"{p.key}（{p.name}）" for p in PROGRAMS.values())
        raise fail(f"未知的项目类型“{sub['program']}”，应为 {known} 之一", "submission.program")
    year = _year(sub["year"])
    if not isinstance(year, int) or isinstance(year, bool) or not 1990 <= year <= 2100:
        raise fail(f"运行年度应为四位整数年份，实为“{year}”，请只写四位数字，如 2024", "submission.year")
    level = next((key for key, words in FUNDING_LEVEL_WORDS.items()
                  if _word(sub.get("funding_level", "central")) in map(_word, words)), None)
    if level is None:
        raise fail(f"资金层级应为 central（中央财政）或 regional（自治区本级财政），实为“{sub.get('funding_level')}”",
                   "submission.funding_level")
    example = _boolean(sub.get("example", False))
    if example is None:
        raise fail(f"示例数据标记应为 true（是）或 false（否），实为“{sub.get('example')}”", "submission.example")
    unit = _unit_key(sub.get("amount_unit", "yuan"))
    if unit is None:
        raise fail(f"金额单位应为 yuan（元）或 wan（万元），实为“{sub.get('amount_unit')}”", "submission.amount_unit")
    for section in ("tables", "units", "funds", "dates"):
        if not isinstance(data.get(section, {}), dict):
            raise fail(f"清单中的 {section} 应为一节（[{section}]，其下逐行写“名称 = 值”），实为单个值", section)
    tables = data.get("tables", {})
    if not isinstance(tables, dict) or not tables:
        raise fail("清单缺少 [tables] 部分，应至少列出一张表")
    for name in tables:
        if name not in TABLES:
            raise fail(f"未知的表名“{name}”，可用的表：{'、'.join(TABLES)}", f"tables.{name}")
        if isinstance(tables[name], list):
            # a roster-sized table may come in several files or sheets (Excel's row limit)
            if not TABLES[name].large:
                raise fail(f"表“{name}”只能对应一个文件；只有名册类大表可列出多个文件或工作表", f"tables.{name}")
            if not tables[name] or not all(isinstance(v, str) for v in tables[name]):
                raise fail(f"表“{name}”应列出一个或多个文件名", f"tables.{name}")
            tables[name] = "; ".join(tables[name])
    units = {}
    for name, value in data.get("units", {}).items():
        units[name] = _unit_key(value)
        if units[name] is None:
            raise fail(f"表“{name}”的金额单位应为 yuan 或 wan，实为“{value}”", f"units.{name}")
    funds = {}
    for name, value in data.get("funds", {}).items():
        parsed = parse_decimal(str(value))
        if parsed is None:
            raise fail(f"资金总额 funds.{name} 应为数字，实为“{value}”", f"funds.{name}")
        funds[name] = to_declared(parsed[0], parsed[1], unit).value
    dates = {}
    for name, value in data.get("dates", {}).items():
        dates[name] = _as_date(value, lambda: fail(f"日期 dates.{name} 应写作 YYYY-MM-DD，实为“{value}”", f"dates.{name}"))
    report = _report_section(data.get("report", {}), fail)
    return Manifest(
        program=program,
        jurisdiction=str(sub["jurisdiction"]).strip(),
        year=year,
        funding_level=level,
        submitter=str(sub.get("submitter", "")).strip(),
        reviewer=str(sub.get("reviewer", "")).strip(),
        amount_unit=unit,
        example=example,
        area="".join(str(sub.get("area") or "").split()),
        tables={k: str(v).strip() for k, v in tables.items() if str(v).strip()},
        units=units,
        funds=funds,
        dates=dates,
        report=report,
    )


# [report]: the signer's words a review prints (GB/T 9704-2012 7.2.4, 7.3.6, 8.1)
REPORT_KEYS = {"doc_number": "发文字号", "contact": "联系人", "phone": "联系电话", "cc": "抄送机关",
               "date": "成文日期"}  # date (issue 17): a document dated as filed, not the day it is run


def split_recipients(text: str) -> list[str]:
    """'财政部社会保障司、国家医保局' (or separated by ，,；; or lines) -> the names, in order."""
    return [part.strip() for part in re.split(r"[、，,；;\n]", text) if part.strip()]


def _report_section(section: Any, fail) -> dict[str, Any]:
    """The manifest's ``[report]``: doc_number, contact, phone as text; cc as a list of names
    (or one text with the names separated by 、 or commas)."""
    if not isinstance(section, dict):
        raise fail("清单中的 report 应为一节（[report]，其下逐行写“名称 = 值”），实为单个值", "report")
    report: dict[str, Any] = {}
    for key, value in section.items():
        if key not in REPORT_KEYS:
            known = "、".join(f"{k}（{v}）" for k, v in REPORT_KEYS.items())
            raise fail(f"未知的项“{key}”，[report] 可写：{known}", f"report.{key}")
        if key == "cc":
            names = value if isinstance(value, list) else [value]
            report[key] = [part for name in names for part in split_recipients(str(name))]
        elif key == "date":
            report[key] = _as_date(value, lambda: fail(
                f"成文日期应为日期，如 2026-03-16，现为“{value}”", "report.date"))
        elif isinstance(value, (dict, list)):
            raise fail(f"{REPORT_KEYS[key]}应为一段文字", f"report.{key}")
        else:  # a telephone typed into a number cell of the manifest sheet reads as 4711234567.0
            text = str(int(value) if isinstance(value, float) and value.is_integer() else value).strip()
            if text:
                report[key] = text
    return report


def _unit_key(value: Any) -> str | None:
    text = str(value).strip()
    return text if text in ("yuan", "wan") else unit_from_word(text)


def _as_date(value: Any, error) -> dt.date:
    """A date cell's date, or the text of one read by the one date grammar (auditkit.dates)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    parsed = parse_date(str(value))
    if parsed is None:
        raise error()
    return parsed


# --- tables -------------------------------------------------------------------------------


def _find_header(grid: Grid, spec: TableSpec) -> tuple[int, str | None, int | None]:
    """The index of the header row, the unit a '单位：万元' line above it gives, and that line's
    sheet row number.

    The header is the first row that names the most of the table's columns (at least two, or
    the only one); title lines and unit lines above it are read for the unit.
    """
    if not any(cell.text for row in grid.rows for cell in row):
        raise EmptyTable("工作表为空" if grid.sheet else "文件为空", file=grid.file, sheet=grid.sheet)
    unit_by_row: dict[int, str] = {}
    best, best_count = None, 0
    for index, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        texts = [c.text for c in row if c.text]
        for text in texts:
            match = _UNIT_LINE.match(unicodedata.normalize("NFKC", text).replace(" ", ""))
            if match:
                unit_by_row[index] = unit_from_word(match.group(1))
        named = len({spec.match(t) for t in texts} - {None})
        if named > best_count:
            best, best_count = index, named
    if best is None or best_count < min(2, len(spec.columns)):
        expected = "、".join(c.label for c in spec.columns if c.required)
        raise PackageError(f"未找到表头行：前{HEADER_SEARCH_ROWS}行中没有一行含有本表的列名（应含{expected}等）",
                           file=grid.file, sheet=grid.sheet)
    units = [(i, u) for i, u in sorted(unit_by_row.items()) if i < best]
    return (best, units[-1][1], units[-1][0] + 1) if units else (best, None, None)


def _is_total(text: str) -> bool:
    return re.sub(r"\s+", "", text) in TOTAL_NAMES


def _serial_columns(grid: Grid, spec: TableSpec, columns: dict[str, int], start: int,
                    name: str, headers: dict[str, str], notes: ReadingNotes | None) -> set[str]:
    """The date columns whose every value is a whole number in the range of Excel serial dates
    (a CSV saved from a date column formatted as numbers, or number cells in a date column):
    they are read as serials, and the reading is noted (IN003). A column that mixes serials with
    written dates is not: its serials are refused, naming the cell."""
    found = set()
    for column, position in columns.items():
        if spec.column(column).kind != "date":
            continue
        rows = []
        for index in range(start, len(grid.rows)):
            row = grid.rows[index]
            cell = row[position] if position < len(row) else Cell("")
            if not cell.text or isinstance(cell.value, (dt.date, dt.datetime)):
                if cell.text and isinstance(cell.value, (dt.date, dt.datetime)):
                    rows = []
                    break
                continue
            if serial_date(cell.value if isinstance(cell.value, (int, float)) else cell.text) is None:
                rows = []
                break
            rows.append(index + 1)
            if len(rows) == 1:
                example = (cell.text, serial_date(cell.value if isinstance(cell.value, (int, float)) else cell.text))
        if rows:
            found.add(column)
            if notes is not None:
                notes.add("IN003", f"{spec.label}“{headers[column]}”列的{len(rows)}个值为整数，系 Excel 日期序列号"
                          f"（如第{rows[0]}行“{example[0]}”即{example[1].isoformat()}），已按 Excel 1900 日期系统读作日期",
                          table=name, file=grid.file, sheet=grid.sheet, rows=rows, column=headers[column],
                          recommendation="核对读出的日期；今后将该列设为日期格式后再导出。")
    return found


def load_table(name: str, grid: Grid, manifest: Manifest, notes: ReadingNotes | None = None) -> Table:
    """Read one table of the package (``TABLES[name]``) from its grid.

    Doubtful or repaired readings are recorded in ``notes`` (IN findings); what cannot be read
    raises PackageError naming file, sheet, row and column.
    """
    spec = TABLES[name]
    header_index, sheet_unit, unit_row = _find_header(grid, spec)
    header = grid.rows[header_index]
    manifest_unit = manifest.units.get(name)
    if sheet_unit and manifest_unit and sheet_unit != manifest_unit:
        raise PackageError(
            f"表内单位行为“{UNIT_NAMES[sheet_unit]}”，而清单 [units] 中本表的单位为“{UNIT_NAMES[manifest_unit]}”，二者矛盾；"
            "请更正其中之一", file=grid.file, sheet=grid.sheet, row=unit_row)
    table_unit = sheet_unit or manifest_unit or manifest.amount_unit

    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    column_units: dict[str, str] = {}
    for position, cell in enumerate(header):
        canonical = spec.match(cell.text) if cell.text else None
        if canonical is None:
            continue  # 序号 and columns auditkit does not use
        if canonical in columns:
            raise PackageError(f"列“{cell.text}”与“{headers[canonical]}”指同一项（{canonical}），请删去其一",
                               file=grid.file, sheet=grid.sheet, row=header_index + 1,
                               column=f"{column_letter(position + 1)}列 {cell.text}")
        columns[canonical] = position
        headers[canonical] = f"{cell.text}（{column_letter(position + 1)}列）"
        if (own := unit_in_header(cell.text)) is not None:
            column_units[canonical] = own
    for column in spec.columns:
        if column.required and column.name not in columns:
            raise PackageError(f"缺少必需的列“{column.label}”", file=grid.file, sheet=grid.sheet,
                               row=header_index + 1)

    serials = _serial_columns(grid, spec, columns, header_index + 1, name, headers, notes)
    data: dict[str, list] = {c: [] for c in columns}
    tolerances: dict[str, list] = {c: [] for c in columns if spec.column(c).kind in ("amount", "per_head")}
    row_numbers: list[int] = []
    total: dict[str, Any] | None = None
    for index in range(header_index + 1, len(grid.rows)):
        row = grid.rows[index]
        cells = {c: (row[p] if p < len(row) else Cell("")) for c, p in columns.items()}
        if all(not cell.text for cell in cells.values()):
            continue
        record: dict[str, Any] = {}
        tol: dict[str, Any] = {}
        for column, cell in cells.items():
            kind = spec.column(column).kind
            # a per-head figure (the standard) is 元 per person whatever the table's unit
            unit = "yuan" if kind == "per_head" else column_units.get(column, table_unit)
            where = dict(file=grid.file, sheet=grid.sheet, row=index + 1,
                         column=headers[column])
            if column in serials and cell.text:
                record[column], tol[column] = serial_date(cell.value if isinstance(cell.value, (int, float)) else cell.text), None
                continue
            record[column], tol[column] = _convert(cell, kind, unit, where)
            if record[column] is not None and (spec.column(column).choices or kind == "month"):
                record[column] = _enumerated(spec.column(column), cell, manifest.year, where)
        for column in columns:  # a required column a 合计 row may leave empty (ColumnSpec.nullable): no other row
            if (spec.column(column).required and spec.column(column).nullable and record[column] is None
                    and not _is_total(str(record.get("region") or ""))):
                raise PackageError("此处不得为空（只有合计行可以不填）", file=grid.file, sheet=grid.sheet,
                                   row=index + 1, column=headers[column])
        region = record.get(spec.key) if spec.key else None
        if spec.has_total and isinstance(region, str) and _is_total(region):
            total = {**record, "_row": index + 1, **{f"_tol_{c}": tol[c] for c in tolerances}}
            continue
        for column in columns:
            data[column].append(record[column])
        for column in tolerances:
            tolerances[column].append(tol[column])
        row_numbers.append(index + 1)

    if not row_numbers:
        raise EmptyTable("表中没有数据行", file=grid.file, sheet=grid.sheet)
    schema = {c: KIND_DTYPES[spec.column(c).kind] for c in columns}
    frame = pl.DataFrame(
        {**data, "_row": row_numbers, **{f"_tol_{c}": v for c, v in tolerances.items()}},
        schema={**schema, "_row": pl.Int64, **{f"_tol_{c}": DECIMAL for c in tolerances}},
        strict=False,
    )
    _validate(spec, frame, grid, headers)
    return Table(name, grid.file, grid.sheet, table_unit, frame, total, headers)


def _enumerated(column: ColumnSpec, cell: Cell, year: int, where: dict) -> Any:
    """An enumerated word as its canonical value ('城镇职工' -> 'employee'), a month as its first
    day, so that no check meets a word it does not know; anything else is refused here."""
    value = column.read(cell.value if isinstance(cell.value, dt.date) else cell.text, year)
    if value is None:
        raise PackageError(f"{column.label}应为{column.allowed()}，实为“{cell.text}”", **where)
    return value


def _convert(cell: Cell, kind: str, unit: str, where: dict) -> tuple[Any, Any]:
    """A cell's typed value and, for an amount, its tolerance in 元."""
    text = cell.text
    if not text or text in ("-", "—", "／", "/"):
        return None, None
    if kind in ("text", "month"):
        return text, None
    if kind == "date":
        return _as_date(cell.value if cell.value is not None else text,
                        lambda: PackageError(f"应为日期（如 2023-06-30、2023/6/30、2023年6月30日），实为“{text}”", **where)), None
    if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
        value = _bounded(Decimal(repr(cell.value)) if isinstance(cell.value, float) else Decimal(cell.value),
                         text, kind, where)
        places = cell.places
        if places is None:
            places = max(0, -value.normalize().as_tuple().exponent)
        else:
            # the figure as the cell shows it: Excel rounds a half away from zero
            value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif isinstance(cell.value, Decimal):
        value, places = cell.value, cell.places or 0
    else:
        stripped = text.rstrip("%％") if kind == "share" else text
        parsed = parse_decimal(stripped)
        if parsed is None:
            raise PackageError(f"应为{KIND_NAMES[kind]}，实为“{text}”", **where)
        value, places = parsed
        if kind == "share" and stripped != text:
            value = value / 100
    value = _bounded(value, text, kind, where)
    if kind == "count":
        if value != value.to_integral_value():
            raise PackageError(f"人数应为整数，实为“{text}”", **where)
        return int(value), None
    if kind == "share":
        return parse_share(value), None
    declared = to_declared(value, min(places, _SCALE), unit)
    return declared.value, declared.tolerance


# No figure of a subsidy settlement comes near 10^15 (a thousand trillion 元, or persons); a
# larger one is a slip (an ID number in an amount cell, a pasted row of digits) and would
# overflow the 28-digit decimal context and the Decimal(38, 8) columns.
_LARGEST = Decimal(10) ** 15
_SCALE = DECIMAL.scale  # the decimals an amount column keeps (Decimal(38, 8))


def _bounded(value: Decimal, text: str, kind: str, where: dict) -> Decimal:
    if not value.is_finite():
        raise PackageError(f"应为{KIND_NAMES[kind]}，实为“{text}”", **where)
    if abs(value) >= _LARGEST:
        raise PackageError(f"数值“{text}”过大（不应超过 10 的 15 次方），请检查是否误填", **where)
    if value.as_tuple().exponent < -_SCALE:  # a float's tail (5e-324): below what the columns hold
        value = value.quantize(Decimal(1).scaleb(-_SCALE), rounding=ROUND_HALF_UP)
    return value


def _validate(spec: TableSpec, frame: pl.DataFrame, grid: Grid, headers: dict[str, str]) -> None:
    import pandera.errors

    schema = spec.pandera([c for c in frame.columns if not c.startswith("_")])
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        first = exc.failure_cases.sort("index", nulls_last=True).row(0, named=True)
        column = first["column"]
        row = frame["_row"][first["index"]] if first["index"] is not None else None
        check = str(first["check"])
        if check == "not_nullable":
            message = "此处不得为空"
        elif check.startswith("greater_than_or_equal_to"):
            message = f"人数不得为负数，实为“{first['failure_case']}”"
        elif "unique" in check or "duplicated" in check:
            # the failure case is the whole row; name the region and every row that repeats it
            keys = list(spec.unique) if spec.unique and all(c in frame.columns for c in spec.unique) else [spec.key]
            values = {c: frame[c][first["index"]] if first["index"] is not None else None for c in keys}
            rows = frame.filter(pl.all_horizontal(pl.col(c).eq_missing(v) for c, v in values.items()))["_row"].to_list()
            what = "、".join(f"{'地区' if c == 'region' else spec.column(c).label}“"
                            f"{spec.column(c).word(v) if spec.column(c).choices else v}”" for c, v in values.items())
            each = "每个地区" if keys == ["region"] else "同一" + "、".join(
                "地区" if c == "region" else spec.column(c).label for c in keys)
            message = f"同一{what}出现多行（{'、'.join(f'第{r}行' for r in rows)}），{each}应只有一行"
            column = keys[0]
        else:
            message = f"不符合表结构要求（{check}）"
        raise PackageError(message, file=grid.file, sheet=grid.sheet, row=row,
                           column=headers.get(column, column)) from None


# --- the package --------------------------------------------------------------------------


def _inside(root: Path, relative: str, file: str) -> Path:
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise PackageError(f"表文件路径“{relative}”指向数据包之外，出于安全不予读取", file=file)
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _large_parts(name: str, reference: str, path: Path, root: Path, inputs: list[Input]) -> list:
    """The files (or sheets) of a roster-sized table, sniffed by ``auditkit.enrollment.sources``:
    encodings, separators, workbooks, and numbers Excel has already spoiled. Each file's SHA-256
    goes into ``inputs`` once."""
    from auditkit.enrollment.sources import references, sniff

    parts = []
    for written in references(reference):
        relative, _, sheet = written.partition("#")
        file_path = path if (path.is_file() and not relative) else _inside(
            root, relative, MANIFEST if path.is_dir() else path.name)
        shown = written if sheet else (relative or path.name)
        if not file_path.is_file():
            raise PackageError(f"清单所列的表文件不存在（表 {name}）", file=relative or path.name)
        if file_path != path and not any((i.table, i.path) == (name, relative) for i in inputs):
            inputs.append(Input(name, relative, _sha256(file_path)))
        parts.extend(sniff(name, file_path, sheet or None, shown))
    return parts


def load_package(path: str | Path) -> Submission:
    """Load a package folder or workbook; raise PackageError for anything that does not fit."""
    path = Path(path)
    if not path.exists():
        raise PackageError(f"数据包“{path}”不存在")
    workbooks: dict[Path, Any] = {}
    if path.is_dir():
        root = path
        manifest_path = root / MANIFEST
        if not manifest_path.is_file():
            raise PackageError(f"数据包目录中缺少清单文件 {MANIFEST}", file=str(path))
        manifest = _parse_manifest(_manifest_from_toml(manifest_path), MANIFEST, None)
        manifest_input = Input("manifest", MANIFEST, _sha256(manifest_path))
    elif path.is_file() and is_workbook(path, path.name):
        root = path.parent
        grid = read_grid(path, "submission", path.name, workbooks,
                         missing="工作簿中缺少名为“submission”的清单工作表")
        manifest = _parse_manifest(_manifest_from_sheet(grid), path.name, "submission")
        manifest_input = Input("manifest", path.name, _sha256(path))
    else:
        raise PackageError("数据包应为含 submission.toml 的目录，或含“submission”工作表的 .xlsx 工作簿",
                           file=str(path))

    tables: dict[str, Table] = {}
    large: dict[str, Path] = {}
    not_given: dict[str, str] = {}
    inputs = [manifest_input]
    notes = ReadingNotes()
    large_parts: dict[str, list] = {}
    for name, reference in sorted(manifest.tables.items()):
        if TABLES[name].large:
            large_parts[name] = _large_parts(name, reference, path, root, inputs)
            large[name] = large_parts[name][0].path  # scanned by the enrollment engine, never loaded here
            continue
        relative, _, sheet = reference.partition("#")
        if path.is_file() and not relative:
            file_path = path
        else:
            file_path = _inside(root, relative, MANIFEST if path.is_dir() else path.name)
        shown = relative or path.name
        if not file_path.is_file():
            raise PackageError(f"清单所列的表文件不存在（表 {name}）", file=shown)
        if file_path != path:
            inputs.append(Input(name, shown, _sha256(file_path)))
        if name == "feedback":  # forms one per sheet or stacked, each with its 合计 (auditkit.feedback)
            from auditkit.feedback import load_feedback

            try:
                tables[name] = load_feedback(file_path, sheet or None, shown, workbooks, manifest, notes)
            except PackageError as error:  # a form left empty (the template's sheet) is not given
                try:
                    load_table(name, read_grid(file_path, sheet or None, shown, workbooks), manifest, ReadingNotes())
                except EmptyTable as empty:
                    not_given[name] = _not_given(name, empty, manifest)
                    continue
                raise error
            continue
        grid = read_grid(file_path, sheet or None, shown, workbooks)  # the format by content
        _note_format(notes, grid, name)
        try:
            tables[name] = load_table(name, grid, manifest, notes)
        except EmptyTable as empty:
            not_given[name] = _not_given(name, empty, manifest)
    if not_given and not tables and not large:
        raise PackageError(f"清单所列的表（{'、'.join(TABLES[n].label for n in not_given)}）均未填写数据，没有可审核的内容",
                           file=path.name)
    return Submission(path, manifest, tables, inputs, large, large_parts=large_parts, notes=notes,
                      not_given=not_given)


def _not_given(name: str, empty: EmptyTable, manifest: Manifest) -> str:
    """Where an empty table was listed, when the program lets it stay empty; else a refusal
    saying which table must be filled."""
    if name in PROGRAMS[manifest.program].required:
        label = TABLES[name].label
        raise PackageError(f"{label}是{PROGRAMS[manifest.program].name}的必填表，{empty.message}；"
                           f"请在表头下逐行填写后再运行", file=empty.file, sheet=empty.sheet)
    return empty.file + (f"#{empty.sheet}" if empty.sheet else "")


def _note_format(notes: ReadingNotes, grid: Grid, table: str | None) -> None:
    """A file read for another format than its name says (grid.notes): IN003, once per file."""
    for message in grid.notes:
        if all(n.message != message for n in notes.of("IN003")):
            notes.add("IN003", message, table=table, file=grid.file, subject=f"{grid.file}.format",
                      recommendation="今后请按文件的实际格式命名，或在 Excel 或 WPS 中另存为 .xlsx 后报送。")
