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
from auditkit.errors import PackageError, Problems, column_letter
from auditkit.grid import Cell, Grid, is_workbook, read_grid
from auditkit.layout import (Header, HeaderColumn, Units, find_header, header_words, label_of, row_kind, text_kind,
                             unit_line)
from auditkit.manifest_text import read_manifest_toml
from auditkit.notes import ReadingNote, ReadingNotes
from auditkit.money import (UNIT_NAMES, UNIT_WORDS, half_unit, has_invisible, is_empty_mark, parse_decimal, parse_share, split_cell_unit,
                            to_declared, unit_from_word, without_invisible)
from auditkit.programs import PROGRAMS
from auditkit.schemas import DECIMAL, KIND_DTYPES, KIND_NAMES, TABLES, ColumnSpec, TableSpec

MANIFEST = "submission.toml"
NOT_SUMMED = ("year",)  # count-typed columns that a total does not add up


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
    each amount column, ``_tol_<column>``: the declared figure's tolerance in 元 (a count
    written in 万人 has one too, in persons). ``total`` is the 合计/总计 row in the same shape, or
    None; ``totals`` every total row (a table may print one first and one last); ``subtotals``
    the 小计 rows, each with ``_members``: the row numbers it sums (those between it and the
    previous 小计 or the header); every such row has ``_label``, its label as written.
    Columns under headers auditkit does not know that hold figures are kept as ``+<letter>``
    (``+F``), of kind ``extra_kinds[key]`` (amount or count), so that ST004 sums them too;
    ``rows()`` and the checks never see them unless they ask.
    """

    name: str
    file: str
    sheet: str | None
    unit: str
    frame: pl.DataFrame
    total: dict[str, Any] | None
    headers: dict[str, str]  # canonical column -> header as written, with its letter
    totals: list[dict[str, Any]] = field(default_factory=list)
    subtotals: list[dict[str, Any]] = field(default_factory=list)
    extra_kinds: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.total is not None and not self.totals:
            self.totals = [self.total]

    def has(self, column: str) -> bool:
        return column in self.frame.columns and not column.startswith("+")

    def kind(self, column: str) -> str:
        """The kind of a column: the schema's, or for a kept unknown column amount or count."""
        return self.extra_kinds.get(column) or TABLES[self.name].column(column).kind

    def summed(self) -> list[str]:
        """The columns a total row adds up: amounts and counts, known or kept (not 序号, codes,
        rates, shares, per-head standards, years or dates)."""
        return [c for c in self.frame.columns if not c.startswith("_") and c not in NOT_SUMMED
                and self.kind(c) in ("amount", "count")]

    def rows(self) -> list[dict[str, Any]]:
        """The regions' rows (never a total, 小计 or 其中 row), canonical columns and ``_row``."""
        return self.frame.select([c for c in self.frame.columns if not c.startswith("+")]).to_dicts()

    def rows_with_kept(self) -> list[dict[str, Any]]:
        """The rows with the kept unknown columns (``+F``) too."""
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


def _serial_columns(grid: Grid, spec: TableSpec, columns: dict[str, int], indices: list[int],
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
        for index in indices:
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


_UNIT_CELL = re.compile(r"^[(]?(?:金额|计量|货币)?单位[:：]")
_UNIT_IN_NOTE = re.compile(r"(?:金额|计量)?单位(?:为|是|均为|[:：])\s*(万元|千元|亿元|元)")


def _table_units(grid: Grid, header: Header, footer: list[int] = ()) -> tuple[Units | None, int | None]:
    """The units stated for the whole table and the sheet row of the first statement: a 单位 line
    or a title ending in a unit above the header, a '单位：万元' cell inside the header rows, a note
    under the table ('本表金额单位为万元'). Two statements that disagree are refused, naming both
    cells."""
    money, count, first_row = None, None, None
    seen: list[tuple[str, int, int]] = []
    for index in [*range(header.bottom + 1), *footer]:
        for position, cell in enumerate(grid.rows[index]):
            if not cell.text:
                continue
            if header.top <= index <= header.bottom:
                flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell.text))
                if not _UNIT_CELL.match(flat):
                    continue
            if index > header.bottom:
                found = _UNIT_IN_NOTE.search(re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell.text)))
                units = Units(UNIT_WORDS[found.group(1)], None) if found else None
            else:
                units = unit_line(cell.text, grid, index, position)
            if units is None:
                continue
            where = (cell.text.strip(), index + 1, position)
            if seen and seen[-1][0] == where[0] and seen[-1][1] == where[1]:
                continue  # a merged unit line repeats its text in every cell of its span
            for mine, theirs in ((units.money, money), (units.count, count)):
                if mine is not None and theirs is not None and mine != theirs:
                    raise PackageError(f"单位行“{where[0]}”与第{seen[0][1]}行“{seen[0][0]}”所注单位矛盾，请更正其中之一",
                                       file=grid.file, sheet=grid.sheet, row=index + 1,
                                       column=f"{column_letter(position + 1)}列")
            money = money or units.money
            count = count or units.count
            seen.append(where)
            first_row = first_row or index + 1
    if money is None and count is None:
        return None, None
    return Units(money, count), first_row


def _resolve_columns(spec: TableSpec, header: Header, manifest: Manifest, grid: Grid, name: str,
                     notes: ReadingNotes | None) -> tuple[dict[str, HeaderColumn], list[HeaderColumn], dict[str, str]]:
    """Each canonical column's header column, the columns kept as others (unknown headers, the
    other funding level, another year), and why a canonical column was set aside."""
    by_canonical: dict[str, list[HeaderColumn]] = {}
    others: list[HeaderColumn] = []
    set_aside: dict[str, str] = {}
    for column in header.columns:
        if not column.texts:
            continue
        canonical = column.canonical
        if canonical and column.year is not None:
            if canonical in ("preallocated", "next_preallocated") and column.year in (manifest.year, manifest.year + 1):
                canonical = "preallocated" if column.year == manifest.year else "next_preallocated"
                column.canonical = canonical
            elif column.year != manifest.year and spec.column(canonical).kind != "date":
                set_aside.setdefault(canonical, f"“{column.written}”所注年份为{column.year}年，而数据包所属年度为{manifest.year}年")
                column.canonical = canonical = None
        if canonical is None:
            others.append(column)
            continue
        by_canonical.setdefault(canonical, []).append(column)
    chosen: dict[str, HeaderColumn] = {}
    two_levels: list[tuple[HeaderColumn, list[HeaderColumn]]] = []
    for canonical, found in by_canonical.items():
        if len(found) > 1:
            mine = [c for c in found if c.level == manifest.funding_level]
            if len(mine) == 1 and any(c.level not in (None, manifest.funding_level) for c in found):
                chosen[canonical] = mine[0]
                rest = [c for c in found if c is not mine[0]]
                others.extend(rest)
                two_levels.append((mine[0], rest))
                continue
            first, second = found[0], found[1]
            raise PackageError(f"列“{second.written}”与“{first.written}”指同一项（{spec.column(canonical).label}），请删去其一",
                               file=grid.file, sheet=grid.sheet, row=header.top + 1,
                               column=second.written)
        column = found[0]
        if (column.level in FUNDING_LEVEL_WORDS and column.level != manifest.funding_level
                and spec.column(canonical).kind == "amount"):  # '省级补助标准' is a standard, not money
            level_names = {"central": "中央", "regional": "自治区"}
            raise PackageError(
                f"列“{column.written}”为{level_names[column.level]}资金，而数据包资金层级为"
                f"{level_names[manifest.funding_level]}（funding_level = {manifest.funding_level}）；"
                "请核实本表所属的资金层级，或在表头注明本层级的列", file=grid.file, sheet=grid.sheet,
                row=header.top + 1, column=column.written)
        chosen[canonical] = column
    for canonical, reason in set_aside.items():
        if canonical not in chosen and not spec.column(canonical).required and notes is not None:
            notes.add("IN002", f"{spec.label}{reason}，未作为本年的“{spec.column(canonical).label}”读取",
                      table=name, file=grid.file, sheet=grid.sheet, rows=[header.top + 1], subject=f"{name}.{canonical}.year",
                      recommendation="核实该列所属年度；如为本年数据，请更正表头所注年份后重新报送。")
    if two_levels and notes is not None:
        level_names = {"central": "中央", "regional": "自治区", "local": "地方"}
        read = "、".join(f"“{c.written}”" for c, _ in two_levels)
        left = "、".join(f"“{o.written}”" for _, rest in two_levels for o in rest)
        notes.add("IN004", f"{spec.label}表头含多个资金层级的同名列，已按数据包资金层级（{level_names[manifest.funding_level]}）"
                  f"读取{read}；{left}未用于核定（仍核对合计）", table=name, file=grid.file, sheet=grid.sheet,
                  rows=[header.top + 1], subject=f"{name}.levels",
                  recommendation="核实数据包的资金层级（funding_level）与本表所读的列一致。")
    return chosen, others, set_aside


_NOT_SUMMED = re.compile(r"序号|编号|代码|编码|行次|栏次|年度|年份|月份|日期|时间|比例|比率|率|%|标准|系数|权重|占比|单价|人均|"
                         r"排名|名次|备注|说明|文号|账号|电话|号码|指数|得分|分值|等级|档次")
_COUNT_WORDS = re.compile(r"人数|人次|户数|人口|个数|家数|所数|学生数|职工数")


def _other_kind(column: HeaderColumn) -> str | None:
    """The kind an unknown header's column is summed as: 'count' (人数, 万人), 'amount', or None for
    a column that does not add up (序号, codes, rates, shares, per-head standards, years)."""
    words = "".join(header_words(t).core for t in column.texts)
    if _NOT_SUMMED.search(words) or (column.units and column.units.money is None and column.units.count is None):
        return None
    if _COUNT_WORDS.search(words) or (column.units and column.units.count and not column.units.money):
        return "count"
    return "amount"


_FIGURE_TEXT = re.compile(r"^\s*[(（]?[-+－−]?[\d０-９][\d０-９,，.． ]*[)）]?\s*(?:%|％|万?元|万?人)?\s*$")


def _looks_like_figure(text: str) -> bool:
    return _FIGURE_TEXT.match(text) is not None


def _row_labels(row: list[Cell], key_position: int | None, skip: set[int] = frozenset()) -> tuple[str, list[str]]:
    """The first text of a row (a 序号 or region cell, a note) and the texts a total may stand in:
    the region cell, and every text before the row's first figure (a 序号 column's 合计)."""
    first = next((c.text for c in row if c.text), "")
    labels = []
    if key_position is not None and key_position < len(row) and row[key_position].text:
        labels.append(row[key_position].text)
    for position, cell in enumerate(row):
        if not cell.text or position in skip:
            continue
        if isinstance(cell.value, (int, float, Decimal)) or _looks_like_figure(cell.text):
            break
        labels.append(cell.text)
    return first, labels


def load_table(name: str, grid: Grid, manifest: Manifest, notes: ReadingNotes | None = None,
               problems: Problems | None = None) -> Table | None:
    """Read one table of the package (``TABLES[name]``) from its grid, as a person reads it.

    The header is found over one to three rows (``auditkit.layout``); units come from a 单位 line
    above it, a header cell, or the manifest; blank rows, notes and signatures, ``其中`` rows,
    小计 rows and the 合计 row are told from the regions' rows. Doubtful or repaired readings
    are recorded in ``notes`` (IN findings). Every cell that cannot be read is a PackageError
    naming file, sheet, row and column: with ``problems`` given they are collected there and
    None is returned (the caller raises them all at once); without, they are raised together.
    """
    own = Problems() if problems is None else problems
    before = own.total
    spec = TABLES[name]
    if not any(cell.text for row in grid.rows for cell in row):
        raise EmptyTable("工作表为空" if grid.sheet else "文件为空", file=grid.file, sheet=grid.sheet)
    header = find_header(grid, spec)

    chosen, other_columns, set_aside = _resolve_columns(spec, header, manifest, grid, name, notes)
    columns = {c: h.position for c, h in chosen.items()}
    headers = {c: h.written for c, h in chosen.items()}
    missing = [c for c in spec.columns if c.required and c.name not in columns]
    if missing:
        reasons = "；".join(set_aside[c.name] for c in missing if c.name in set_aside)
        raise PackageError(f"缺少必需的列“{'”“'.join(c.label for c in missing)}”" + (f"（{reasons}）" if reasons else ""),
                           file=grid.file, sheet=grid.sheet, row=header.top + 1)

    def unit_of(column: str) -> tuple[str, int]:
        kind = spec.column(column).kind
        own_units = chosen[column].units
        if kind == "count":
            return "yuan", (own_units.count if own_units and own_units.count else sheet_count)
        if kind == "per_head":  # 元 per person whatever the table's unit
            return "yuan", 1
        return (own_units.money if own_units and own_units.money else table_unit), 1

    # the rows, each classed as a person reads it
    entries: list[tuple[str, int]] = []  # (kind, grid index)
    footer_at: int | None = None
    footer_rows: list[int] = []
    key_position = columns.get(spec.key) if spec.key else None
    # a table of figures has totals, 小计 and 其中 rows; in a table of words (performance targets)
    # '其中：中央补助资金' is an indicator, not a part
    adds_up = any(spec.column(c).kind in ("amount", "count") for c in columns)
    # where 合计 is a value of its own (a scheme: PL001's pool not kept apart), it labels no row
    unlabelled = {p for c, p in columns.items() if c == "scheme"}
    leaves = {h.position: h.leaf for h in chosen.values()}
    for index in range(header.bottom + 1, len(grid.rows)):
        row = grid.rows[index]
        if not any(c.text for c in row):
            continue
        first, labels = _row_labels(row, key_position, unlabelled) if adds_up else (
            next((c.text for c in row if c.text), ""), [])
        if footer_at is not None:
            figures = sum(1 for c, p in columns.items() if spec.column(c).kind in ("amount", "count")
                          and p < len(row) and parse_decimal(row[p].text) is not None)
            if figures >= 2:
                own.add(PackageError(f"表下方的说明或签署行（第{footer_at + 1}行）之后仍有数据行；"
                                     "请将说明、签署行移至全部数据行之后", file=grid.file, sheet=grid.sheet, row=index + 1))
            continue
        kind = "footer" if text_kind(first) == "footer" else row_kind(labels) if adds_up else "data"
        if kind == "footer":
            footer_at = index
            footer_rows.append(index)
            continue
        if sum(1 for p, leaf in leaves.items() if p < len(row) and row[p].text == leaf) >= 2:
            continue  # the header repeated (a page break in a long table)
        if kind == "part" and label_of(first) in ("其中", "其中:") and not any(
                parse_decimal(c.text) is not None for c in row):
            own.add(PackageError("“其中”行之下各行无法判定是否为上一行的组成部分；请在各组成部分行的名称前注明“其中：”，"
                                 "或删去该行", file=grid.file, sheet=grid.sheet, row=index + 1))
            continue
        entries.append((kind, index))
    if not any(kind in ("total", "total-like") for kind, _ in entries):
        pass
    elif any(kind == "total" for kind, _ in entries):
        entries = [("subtotal" if kind == "total-like" else kind, i) for kind, i in entries]
    elif sum(1 for kind, _ in entries if kind == "total-like") == 1:
        entries = [("total" if kind == "total-like" else kind, i) for kind, i in entries]
    else:
        entries = [("subtotal" if kind == "total-like" else kind, i) for kind, i in entries]

    sheet_units, unit_row = _table_units(grid, header, footer_rows)
    sheet_unit = sheet_units.money if sheet_units else None
    manifest_unit = manifest.units.get(name)
    if sheet_unit and manifest_unit and sheet_unit != manifest_unit:
        raise PackageError(
            f"表内单位行为“{UNIT_NAMES[sheet_unit]}”，而清单 [units] 中本表的单位为“{UNIT_NAMES[manifest_unit]}”，二者矛盾；"
            "请更正其中之一", file=grid.file, sheet=grid.sheet, row=unit_row)
    table_unit = sheet_unit or manifest_unit or manifest.amount_unit
    sheet_count = sheet_units.count if sheet_units and sheet_units.count else 1
    serials = _serial_columns(grid, spec, columns, [i for k, i in entries if k == "data"], name, headers, notes)
    kinds_summed = [c for c in columns if spec.column(c).kind in ("amount", "per_head")]
    counts_scaled = [c for c in columns if spec.column(c).kind == "count" and unit_of(c)[1] > 1]
    data: dict[str, list] = {c: [] for c in columns}
    tolerances: dict[str, list] = {c: [] for c in (*kinds_summed, *counts_scaled)}
    row_numbers: list[int] = []
    totals: list[dict[str, Any]] = []
    subtotals: list[dict[str, Any]] = []
    members: list[int] = []
    invisible: dict[str, list[int]] = {}  # column -> rows whose cell held invisible characters
    hidden: dict[str, list[int]] = {}  # column -> rows whose cell holds more decimals than it shows
    kinds = {c: spec.column(c).kind for c in columns}
    units = {c: unit_of(c) for c in columns}
    for kind, index in entries:
        if kind == "part":
            continue
        row = grid.rows[index]
        record: dict[str, Any] = {}
        tol: dict[str, Any] = {}
        for column, position in columns.items():
            cell = row[position] if position < len(row) else Cell("")
            if kind != "data" and column == spec.key:
                record[column], tol[column] = cell.text or None, None
                continue
            where = dict(file=grid.file, sheet=grid.sheet, row=index + 1, column=headers[column])
            if column in serials and cell.text:
                record[column], tol[column] = serial_date(cell.value if isinstance(cell.value, (int, float)) else cell.text), None
                continue
            unit, factor = units[column]
            try:
                record[column], tol[column] = _convert(cell, kinds[column], unit, where, factor)
                if kind == "data" and record[column] is not None and (
                        spec.column(column).choices or kinds[column] == "month"):
                    record[column] = _enumerated(spec.column(column), cell, manifest.year, where)
            except PackageError as error:
                own.add(error)
                record[column], tol[column] = None, None
            if cell.text and has_invisible(cell.text):
                invisible.setdefault(column, []).append(index + 1)
            if _hidden_digits(cell):
                hidden.setdefault(column, []).append(index + 1)
        if kind == "data":
            for column in columns:  # a required column only a 合计 row may leave empty (ColumnSpec.nullable)
                if spec.column(column).required and spec.column(column).nullable and record[column] is None:
                    own.add(PackageError("此处不得为空（只有合计行可以不填）", file=grid.file, sheet=grid.sheet,
                                         row=index + 1, column=headers[column]))
            for column in columns:
                data[column].append(record[column])
            for column in tolerances:
                tolerances[column].append(tol[column])
            row_numbers.append(index + 1)
            members.append(index + 1)
            continue
        first, labels = _row_labels(row, key_position, unlabelled)
        label = next((text for text in labels if row_kind([text]) != "data"), first)
        entry = {**record, "_row": index + 1, "_label": label.strip(), **{f"_tol_{c}": tol[c] for c in tolerances}}
        if kind == "total":
            totals.append(entry)
        else:
            subtotals.append({**entry, "_members": members})
            members = []

    for column, rows in invisible.items():
        if notes is not None:
            notes.add("IN003", f"{spec.label}“{headers[column]}”列有{len(rows)}个单元格含不可见字符（零宽空格、字节顺序标记等），"
                      "已去除后读取", table=name, file=grid.file, sheet=grid.sheet, rows=rows, column=headers[column],
                      recommendation="核对读出的数值；今后导出前清除单元格中的不可见字符。")

    for column, rows in hidden.items():
        if notes is not None:
            notes.add("IN002", f"{spec.label}“{headers[column]}”列有{len(rows)}个单元格存储的数值比显示的位数多"
                      f"（如第{rows[0]}行），已按单元格显示的数值读取", table=name, file=grid.file, sheet=grid.sheet,
                      rows=rows, column=headers[column],
                      recommendation="核实应以显示值还是存储值为准；如以存储值为准，请调整单元格格式显示全部小数位后重新报送。")

    # columns of unknown headers, kept: those that hold figures are summed by ST004
    extra_kinds: dict[str, str] = {}
    for column in other_columns:
        kind = _other_kind(column)
        if kind is None:
            continue
        key = f"+{column_letter(column.position + 1)}"
        unit = (column.units.money if column.units and column.units.money else table_unit)
        factor = (column.units.count if column.units and column.units.count else sheet_count) if kind == "count" else 1
        values, tols, ok = {}, {}, True
        for _, index in [e for e in entries if e[0] != "part"]:
            row = grid.rows[index]
            cell = row[column.position] if column.position < len(row) else Cell("")
            try:
                values[index + 1], tols[index + 1] = _convert(cell, "amount", unit if kind == "amount" else "yuan", {}, factor)
            except PackageError:
                ok = False
                break
        if not ok or all(v is None for v in values.values()):
            continue
        extra_kinds[key] = kind
        headers[key] = column.written
        data[key] = [values[r] for r in row_numbers]
        tolerances[key] = [tols[r] for r in row_numbers]
        for entry in (*totals, *subtotals):
            entry[key], entry[f"_tol_{key}"] = values[entry["_row"]], tols[entry["_row"]]

    if own.total > before:
        if problems is None:
            own.raise_if_any()
        return None
    if not row_numbers:
        raise EmptyTable("表中没有数据行", file=grid.file, sheet=grid.sheet)
    schema = {c: KIND_DTYPES[spec.column(c).kind] for c in columns}
    schema.update({k: DECIMAL for k in extra_kinds})
    frame = pl.DataFrame(
        {**data, "_row": row_numbers, **{f"_tol_{c}": v for c, v in tolerances.items()}},
        schema={**schema, "_row": pl.Int64, **{f"_tol_{c}": DECIMAL for c in tolerances}},
        strict=False,
    )
    try:
        _validate(spec, frame, grid, headers)
    except PackageError as error:
        own.add(error)
        if problems is None:
            own.raise_if_any()
        return None
    return Table(name, grid.file, grid.sheet, table_unit, frame, totals[0] if totals else None, headers,
                 totals=totals, subtotals=subtotals, extra_kinds=extra_kinds)


def _enumerated(column: ColumnSpec, cell: Cell, year: int, where: dict) -> Any:
    """An enumerated word as its canonical value ('城镇职工' -> 'employee'), a month as its first
    day, so that no check meets a word it does not know; anything else is refused here."""
    value = column.read(cell.value if isinstance(cell.value, dt.date) else cell.text, year)
    if value is None:
        raise PackageError(f"{column.label}应为{column.allowed()}，实为“{cell.text}”", **where)
    return value


def _convert(cell: Cell, kind: str, unit: str, where: dict, factor: int = 1) -> tuple[Any, Any]:
    """A cell's typed value and, for an amount (or a count written in 万人), its tolerance in 元
    (persons). ``unit`` is the money unit of the column, ``factor`` the persons a count's unit
    stands for (1 for 人, 10000 for 万人); a unit written in the cell itself ('512万元') wins."""
    text = without_invisible(cell.text)
    if not text.strip() or is_empty_mark(text):
        return None, None
    if kind in ("text", "month"):
        return text.strip(), None
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
        written_unit = None
        if kind in ("amount", "count"):
            stripped, written_unit = split_cell_unit(stripped)
        elif kind == "per_head":  # '640元', '640元/人'
            stripped = re.sub(r"元(?:/人(?:/年)?|每人)?$", "", unicodedata.normalize("NFKC", stripped).strip())
        parsed = parse_decimal(stripped)
        if parsed is None:
            raise PackageError(f"应为{KIND_NAMES[kind]}，实为“{text}”", **where)
        value, places = parsed
        if kind == "share" and stripped != text:
            value = value / 100
        if written_unit is not None:
            sort, size = written_unit
            if kind == "amount" and sort == "money":
                unit = size
            elif kind == "count" and sort in ("count", "scale"):
                factor = size
            else:
                raise PackageError(f"应为{KIND_NAMES[kind]}，实为“{text}”（所注单位与本列不符）", **where)
    value = _bounded(value, text, kind, where)
    if kind == "count":
        persons = value * factor
        if persons != persons.to_integral_value():
            raise PackageError(f"人数应为整数，实为“{text}”", **where)
        return int(persons), (half_unit(places, "yuan") * factor if factor > 1 else None)
    if kind == "share":
        return parse_share(value), None
    declared = to_declared(value, min(places, _SCALE), unit)
    return declared.value, declared.tolerance


def _hidden_digits(cell: Cell) -> bool:
    """A workbook number whose format shows fewer decimals than it holds (512.456 shown 512.46):
    read as shown, as a person reads the sheet, and noted (IN002)."""
    if cell.places is None or isinstance(cell.value, bool) or not isinstance(cell.value, (int, float)):
        return False
    value = Decimal(repr(cell.value)) if isinstance(cell.value, float) else Decimal(cell.value)
    if not value.is_finite() or abs(value) >= _LARGEST:
        return False
    return value != value.quantize(Decimal(1).scaleb(-cell.places), rounding=ROUND_HALF_UP)


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

    schema = spec.pandera([c for c in frame.columns if not c.startswith(("_", "+"))])
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        problems = Problems()
        seen = set()
        for case in exc.failure_cases.sort("index", nulls_last=True).iter_rows(named=True):
            column = case["column"]
            row = frame["_row"][case["index"]] if case["index"] is not None else None
            check = str(case["check"])
            if check == "not_nullable":
                message = "此处不得为空"
            elif check.startswith("greater_than_or_equal_to"):
                message = f"人数不得为负数，实为“{case['failure_case']}”"
            elif "unique" in check or "duplicated" in check:
                # the failure case is the whole row; name the region and every row that repeats it, once
                keys = list(spec.unique) if spec.unique and all(c in frame.columns for c in spec.unique) else [spec.key]
                values = {c: frame[c][case["index"]] if case["index"] is not None else None for c in keys}
                if tuple(values.values()) in seen:
                    continue
                seen.add(tuple(values.values()))
                rows = frame.filter(pl.all_horizontal(pl.col(c).eq_missing(v) for c, v in values.items()))["_row"].to_list()
                row = rows[0] if rows else row
                what = "、".join(f"{'地区' if c == 'region' else spec.column(c).label}“"
                                f"{spec.column(c).word(v) if spec.column(c).choices else v}”" for c, v in values.items())
                each = "每个地区" if keys == ["region"] else "同一" + "、".join(
                    "地区" if c == "region" else spec.column(c).label for c in keys)
                message = f"同一{what}出现多行（{'、'.join(f'第{r}行' for r in rows)}），{each}应只有一行"
                column = keys[0]
            else:
                message = f"不符合表结构要求（{check}）"
            problems.add(PackageError(message, file=grid.file, sheet=grid.sheet, row=row,
                                      column=headers.get(column, column)))
        problems.raise_if_any()


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


def _large_parts(name: str, reference: str, path: Path, root: Path, inputs: list[Input], notes: ReadingNotes) -> list:
    """The files (or sheets) of a roster-sized table, sniffed by ``auditkit.enrollment.sources``:
    encodings, separators, workbooks, and numbers Excel has already spoiled. Each file's SHA-256
    goes into ``inputs`` once; what a workbook was read through goes to ``notes`` (IN003)."""
    from auditkit.enrollment.sources import references, sniff

    found = []
    for written in references(reference):
        relative, _, sheet = written.partition("#")
        file_path = path if (path.is_file() and not relative) else _inside(
            root, relative, MANIFEST if path.is_dir() else path.name)
        shown = written if sheet else (relative or path.name)
        if not file_path.is_file():
            raise PackageError(f"清单所列的表文件不存在（表 {name}）", file=relative or path.name)
        if file_path != path and not any((i.table, i.path) == (name, relative) for i in inputs):
            inputs.append(Input(name, relative, _sha256(file_path)))
        found.append((file_path, sheet, shown))
    parts = []
    for file_path, sheet, shown in found:
        named = {s for f, s, _ in found if f == file_path and s}  # a hidden sheet named is not unread
        parts.extend(sniff(name, file_path, sheet or None, shown, notes, named))
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
    problems = Problems()  # every table's problems, reported together
    for name, reference in sorted(manifest.tables.items()):
        try:
            if TABLES[name].large:
                large_parts[name] = _large_parts(name, reference, path, root, inputs, notes)
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
                    except PackageError:
                        pass
                    raise error
                continue
            grid = read_grid(file_path, sheet or None, shown, workbooks)  # the format by content
            _note_format(notes, grid, name)
            try:
                loaded = load_table(name, grid, manifest, notes, problems)
            except EmptyTable as empty:
                not_given[name] = _not_given(name, empty, manifest)
                continue
            if loaded is not None:
                tables[name] = loaded
        except PackageError as error:
            problems.add(error)
    problems.raise_if_any()
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
