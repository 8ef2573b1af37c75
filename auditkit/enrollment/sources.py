"""The files of a roster-sized table (roster, national_list, other_coverage, deaths) as Excel,
WPS and information systems write them, sniffed when the package is loaded.

What is read, by content rather than by the file's name:

- Parquet;
- delimited text (``.csv``, ``.txt``, ``.tsv``, or an ``.xls`` that a system wrote as text): UTF-8
  with or without a byte-order mark, GB18030, UTF-16 with a byte-order mark (Excel's and WPS's
  "Unicode 文本", tab-separated); separated by commas, tabs or semicolons (Excel's ``sep=;``
  first line too); title lines above the header are skipped;
- workbooks (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``): the sheet the manifest names, or every
  sheet that carries the table's header. Excel holds at most 1,048,576 rows a sheet, so a large
  roster comes in several sheets or files: the manifest names them all, as a list
  (``roster = ["名册1.xlsx", "名册2.xlsx#Sheet2"]``) or, in a workbook manifest, separated by
  semicolons.

The whole text file is checked against its encoding (a file of mixed encodings is refused
naming the first line that is not in the detected one), and the first rows of the ID column
for numbers Excel has already spoiled (``1.50102E+17``). Nothing is converted here: the engine
(``auditkit.enrollment.engines``) reads each part, through a UTF-8 copy when the text is not
UTF-8 or has title lines, through a Parquet copy of a workbook's sheet.

Every refusal is a PackageError naming the file as the manifest names it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from auditkit.errors import PackageError, column_letter
from auditkit.schemas import TABLES

BLOCK = 1 << 22
_SAMPLE_BYTES = 1 << 16
_HEADER_SEARCH = 30  # lines (or rows) looked at for the header
SEPARATORS = (",", "\t", ";", "|")
# an ID column that passed through a spreadsheet as numbers: 1.50102E+17
SCIENTIFIC = re.compile(r"^\s*\d(\.\d+)?[eE]\+?\d+\s*$")
# A number that passed through a number cell and was written with its decimal part
# (150102197102020022.0): a float keeps 15 or 16 significant digits, so its last ones are lost
DECIMAL = re.compile(r"^\s*\d{15,}\.\d*\s*$")
# two CJK characters in UTF-8, or a space or invisible character as UTF-8 writes it (no-break
# U+00A0, ideographic U+3000, zero-width U+200B–U+200F, a byte-order mark): in a file read as
# GB18030, a line holding them that decodes as UTF-8 is a line written in another encoding
# (C2 A0 also reads as GB18030's 聽, which no roster line holds alone)
_UTF8_CJK = re.compile(rb"(?:[\xe4-\xe9][\x80-\xbf]{2}){2}|\xc2\xa0|\xe3\x80\x80|\xe2\x80[\x8b-\x8f]|\xef\xbb\xbf")


# The columns a header row must name for the table to be read (the roster's are checked again,
# with its own message, when it is scanned).
REQUIRED = {"roster": ("person_id", "scheme", "region_code"), "national_list": ("person_id",),
            "other_coverage": ("person_id",), "deaths": ("person_id", "died_on")}


def _required(table: str) -> set[str]:
    return set(REQUIRED.get(table, ())) | {c.name for c in TABLES[table].columns if c.required}


def _labels(table: str) -> str:
    return "、".join(c.label for c in TABLES[table].columns if c.name in _required(table))


@dataclass(frozen=True)
class Part:
    """One file, or one sheet of a workbook, of a roster-sized table."""

    table: str
    path: Path  # the file as sent
    shown: str  # as the manifest names it: file, or file#sheet
    format: str  # "parquet" | "text" | "workbook"
    sheet: str | None = None
    encoding: str = "utf-8"  # text: utf-8 | utf-8-sig | gb18030 | utf-16
    separator: str = ","
    header_line: int = 1  # the header's line (text) or row (workbook), from 1
    cr_only: bool = False  # text: lines end in a carriage return alone (Excel for Mac's "CSV (Macintosh)")
    merges: tuple = ()  # workbook: the sheet's merged ranges (top, bottom, left, right; 0-based)

    @property
    def copied(self) -> bool:
        """Whether an engine reads a copy (UTF-8, from the header on, lines ending in a line
        feed) instead of the file."""
        return self.format == "workbook" or (self.format == "text" and (
            self.encoding not in ("utf-8", "utf-8-sig") or self.header_line > 1 or self.cr_only))


def references(written: str) -> list[str]:
    """The files a manifest value names: one, or several separated by semicolons."""
    return [part.strip() for part in re.split(r"[;；\n]", written) if part.strip()]


def kind_of(path: Path) -> str:
    """parquet, workbook, markup or text, from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return "workbook"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
        return "markup"
    return "text"


def sniff(table: str, path: Path, sheet: str | None, shown: str, notes=None, named: set[str] = frozenset()) -> list[Part]:
    """The parts of one manifest reference; PackageError for what cannot be read faithfully.
    ``notes`` (the package's ReadingNotes) receives what a workbook was read through (IN003, IN005);
    ``named``: the sheets of this file that the manifest names (read, so never noted unread)."""
    kind = kind_of(path)
    if kind == "parquet":
        _refuse_numeric_parquet(table, path, shown)
        return [Part(table, path, shown, "parquet")]
    if kind == "workbook":
        return _workbook_parts(table, path, sheet, shown, notes, named)
    if kind == "markup":
        raise PackageError("该文件为网页或 XML 格式的导出表，名册类大表请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后报送",
                           file=shown)
    if sheet:
        raise PackageError(f"文本文件没有工作表，不能指定“#{sheet}”", file=shown)
    encoding = detect_encoding(path, shown)
    lines = _head_lines(path, encoding)
    header_line, separator = _find_header(table, lines, shown)
    part = Part(table, path, shown, "text", encoding=encoding, separator=separator, header_line=header_line,
                cr_only=_cr_only(path, encoding))
    _refuse_scientific_ids(part, lines)
    return [part]


# --- encodings ----------------------------------------------------------------------------------

def detect_encoding(path: Path, shown: str) -> str:
    """utf-16 (a byte-order mark), utf-8-sig, utf-8 or gb18030, checked over the whole file.

    Without a byte-order mark the first 64 KiB decide between UTF-8 and GB18030; the whole file
    must then decode in that encoding, or it is refused naming the first line that does not
    (a file appended to in another program, a GB18030 export pasted into a UTF-8 one)."""
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            encoding = "utf-8" if _plausible_utf8(head.decode("utf-8")) else "gb18030"
        except UnicodeDecodeError as exc:
            cut = exc.start >= len(head) - 3 and len(head) == _SAMPLE_BYTES
            before = head[:exc.start].decode("utf-8")
            # Chinese already read as UTF-8 before the first foreign byte: a UTF-8 file with
            # something else pasted in (refused below, naming the line), not a GB18030 one
            encoding = "utf-8" if (cut or not before.isascii()) and _plausible_utf8(before) else "gb18030"
    _check_whole_file(path, encoding, shown)
    return encoding


def _plausible_utf8(text: str) -> bool:
    """Whether text decoded as UTF-8 reads as a Chinese office's text: it holds Chinese
    characters, or its non-ASCII characters are all of three UTF-8 bytes (U+0800 up) or Latin-1
    signs (·, ×, °, a no-break space). GB18030 read as UTF-8 decodes, when it decodes at all,
    to two-byte characters between and almost never to Chinese: 证 (D6 A4) reads as a Hebrew
    accent, 通 (CD A8) as ͨ. (A UTF-8 roster with Cyrillic names has Chinese scheme words.)"""
    return any("\u4e00" <= c <= "\u9fff" for c in text) or all(
        ord(c) < 0x80 or 0xA0 <= ord(c) <= 0xFF or ord(c) >= 0x800 for c in text)


_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030（GBK）", "utf-16": "UTF-16（Unicode 文本）"}


def _check_whole_file(path: Path, encoding: str, shown: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0  # line ends in the blocks already decoded
    unit = "\n".encode(encoding.replace("-sig", "")) if encoding != "utf-16" else None
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                line = lines_before + _line_ends(block[:max(exc.start, 0)], encoding) + 1
                _refuse_mixed(shown, encoding, line)
            if encoding == "gb18030":
                for match in _UTF8_CJK.finditer(block):
                    start = block.rfind(b"\n", 0, match.start()) + 1
                    end = block.find(b"\n", match.end())
                    try:
                        block[start:end if end >= 0 else len(block)].decode("utf-8")
                    except UnicodeDecodeError:
                        continue
                    _refuse_mixed(shown, encoding, lines_before + block.count(b"\n", 0, start) + 1)
            lines_before += text.count("\n") if unit is None else block.count(unit)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            _refuse_mixed(shown, encoding, lines_before + 1)


def _line_ends(data: bytes, encoding: str) -> int:
    if encoding == "utf-16":
        return data.decode("utf-16", errors="ignore").count("\n")
    return data.count(b"\n")


def _refuse_mixed(shown: str, encoding: str, line: int) -> None:
    raise PackageError(
        f"文件按{_NAMES[encoding]}编码读取，但第{line:,}行起有不属于该编码的字符（文件中混有不同编码的内容）；"
        "请在 Excel 或 WPS 中打开后统一另存为 UTF-8 或 GB18030 编码的 CSV 后重新报送", file=shown, row=line)


def _cr_only(path: Path, encoding: str) -> bool:
    """Whether the file's lines end in a carriage return alone: the engines' CSV readers would
    read such a file as one line, so it is read through a copy whose lines end in line feeds."""
    with path.open("r", encoding=encoding, newline="") as handle:
        text = handle.read(_SAMPLE_BYTES)
    return "\r" in text and "\n" not in text


def _head_lines(path: Path, encoding: str) -> list[str]:
    with path.open("r", encoding=encoding, newline="") as handle:
        text = handle.read(_SAMPLE_BYTES)
    lines = text.splitlines()
    if len(text) == _SAMPLE_BYTES and lines:
        lines = lines[:-1]  # the last line may be cut off
    return [line.lstrip("\ufeff") if i == 0 else line for i, line in enumerate(lines)]


# --- the header -----------------------------------------------------------------------------------

def _fields(line: str, separator: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=separator), [])
    except csv.Error:
        return []


def _recognised(table: str, cells: list[str]) -> set[str]:
    spec = TABLES[table]
    return {c for c in (spec.match(cell.strip().lstrip("\ufeff")) for cell in cells) if c}


def _find_header(table: str, lines: list[str], shown: str) -> tuple[int, str]:
    """The header's line (from 1) and the separator that splits it into the table's columns.
    Title lines above it (a 名册 title, 单位 or 制表日期 line) are skipped; Excel's ``sep=;``
    hint line names the separator."""
    required = _required(table)
    hinted = None
    for number, line in enumerate(lines[:_HEADER_SEARCH], start=1):
        if number == 1 and line.strip().lower().startswith("sep=") and len(line.strip()) == 5:
            hinted = line.strip()[4]
            continue
        for separator in ([hinted] if hinted else SEPARATORS):
            found = _recognised(table, _fields(line, separator))
            if required <= found:
                return number, separator
    raise PackageError(f"未找到表头：前{_HEADER_SEARCH}行中没有同时含“{_labels(table)}”的一行；"
                       "请确认表头行的列名，并以逗号、制表符或分号分隔", file=shown)


# --- numbers Excel has already spoiled --------------------------------------------------------

_SPOILED = ("身份证号列为{written}，该列曾以数值格式保存，Excel 只保留15位有效数字，末几位数字和校验码 X "
            "已丢失，无法核验身份证号；请将该列设为文本格式后重新导出")


def _refuse_scientific_ids(part: Part, lines: list[str]) -> None:
    """The first 64 KiB of a text file: an ID written as 1.50102E+17 is refused, naming its row."""
    rows = list(csv.reader(io.StringIO("\n".join(lines[part.header_line - 1:])), delimiter=part.separator))
    header = rows[0] if rows else []
    spec = TABLES[part.table]
    positions = [i for i, h in enumerate(header) if spec.match(h.strip().lstrip("\ufeff")) == "person_id"]
    numbers = zeros = 0
    for number, row in enumerate(rows[1:], start=part.header_line + 1):
        for i in positions:
            if i < len(row) and (SCIENTIFIC.match(row[i]) or DECIMAL.match(row[i])):
                form = "科学计数法数值" if SCIENTIFIC.match(row[i]) else "带小数位的数值"
                raise PackageError(_SPOILED.format(written=f"{form}（“{row[i].strip()}”）"),
                                   file=part.shown, row=number, column=header[i])
            if i < len(row) and row[i].strip():
                numbers += 1
                zeros += row[i].strip().endswith("000")
    if positions:  # the sample alone may show it (the whole file is counted again when it is read)
        refuse_spoiled_ids(part, header[positions[0]], numbers, zeros, 0)


def _refuse_numeric_parquet(table: str, path: Path, shown: str) -> None:
    """A Parquet ID column of an integer, float or decimal type: leading zeros and the X check
    character are gone, so no ID can be verified."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception:  # an unreadable file is reported when the engine scans it
        return
    spec = TABLES[table]
    for field_ in schema:
        if spec.match(field_.name) == "person_id" and (
                pa.types.is_integer(field_.type) or pa.types.is_floating(field_.type)
                or pa.types.is_decimal(field_.type)):
            raise PackageError(_SPOILED.format(written=f"数值型（{field_.type}）"), file=shown, column=field_.name)


def refuse_spoiled_ids(part: Part, column: str, records: int, zeros: int, scientific: int) -> None:
    """Refuse a part whose ID column shows Excel's 15-digit damage over the whole file:
    any number written as 1.50102E+17 or with a decimal part (150102197102020022.0;
    ``scientific`` counts both), or far more 18-digit numbers ending in 000 than chance
    allows. A number's last three characters are two digits of the sequence code and the check
    character, so about 1 in 1,100 real numbers ends in 000 (taken as 1 in 1,000); Excel keeps
    15 significant digits, so every number that passed through a number cell ends in 000. The
    part is refused when the count of such numbers is one that chance would give less than once
    in a million rosters (a Poisson tail), and at least 4."""
    if scientific:
        raise PackageError(_SPOILED.format(written=f"科学计数法或带小数位的数值（{scientific:,}条）"),
                           file=part.shown, column=column)
    if zeros >= 4 and poisson_tail(records / 1000, zeros) < 1e-6:
        raise PackageError(
            f"身份证号列有{zeros:,}个号码（共{records:,}个）以“000”结尾，远多于正常情况（约千分之一）："
            "该列曾以数值格式保存，Excel 只保留15位有效数字，末3位已变为0，无法核验身份证号；"
            "请从原系统将该列按文本格式重新导出", file=part.shown, column=column)


def poisson_tail(mean: float, count: int) -> float:
    """P(X ≥ count) for X ~ Poisson(mean), by summing the terms below ``count``."""
    import math

    if mean <= 0:
        return 0.0 if count > 0 else 1.0
    term = math.exp(-mean)
    below = 0.0
    for k in range(count):
        below += term
        term *= mean / (k + 1)
    return max(0.0, 1.0 - below)


# --- workbooks --------------------------------------------------------------------------------
#
# A sheet is read as a clerk sees it in Excel or WPS: a merged cell's value stands in every row
# it spans (ID cells excepted: refused), a hidden sheet is left unread unless the manifest names
# it, and formulas never computed (a workbook written by a program) are refused naming the cells.
# The pieces are the small tables' reader's (auditkit.grid): merged ranges spread the same way,
# uncomputed formulas refused with the same message.

Merge = tuple[int, int, int, int]  # top, bottom, left, right: 0-based, inclusive


def _workbook(path: Path, shown: str):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise PackageError(f"无法打开该工作簿（{type(exc).__name__}），请在 Excel 或 WPS 中另存为 .xlsx 后重新报送",
                           file=shown) from None


def _sheet_header(table: str, rows: list[list]) -> int | None:
    required = _required(table)
    for number, row in enumerate(rows[:_HEADER_SEARCH], start=1):
        if required <= _recognised(table, [str(v) for v in row if v is not None]):
            return number
    return None


def _blank(value) -> bool:
    return value is None or value == ""


def spread_merges(rows: list[list], merges: tuple[Merge, ...], first: int) -> list[tuple[Merge, list[int]]]:
    """Give every cell of a merged range its first cell's value, as Excel and WPS show it, in
    ``rows`` (a sheet's values as python-calamine reads them, from A1; changed in place). From
    row index ``first`` (the first row under the header) on, a row that holds nothing of its own
    stays empty: a merge reaching below the table's last person makes no record. Below the
    header a range spreads down its first column only: one merged across columns there is a
    合计 or note line (or a person's value shown wide), never one value for several fields.
    Returns each range reaching below the header whose first cell holds a value, with the row
    indices from ``first`` on that it fills."""
    from auditkit.grid import _spread_merges

    if not merges:
        return []
    merges = tuple((top, bottom, left, left if bottom >= first else right) for top, bottom, left, right in merges)
    empty = {i for i in range(first, len(rows)) if all(_blank(v) for v in rows[i])}
    _spread_merges(rows, merges, blank="")
    spans = []
    for top, bottom, left, right in merges:
        for i in range(max(top, first), min(bottom, len(rows) - 1) + 1):
            if i in empty:
                rows[i] = [""] * len(rows[i])
        if bottom < first or top >= len(rows) or left >= len(rows[top]) or _blank(rows[top][left]):
            continue
        spans.append(((top, bottom, left, right),
                      [i for i in range(max(top, first), min(bottom, len(rows) - 1) + 1) if i not in empty]))
    return spans


def _merges(sheet, path: Path, name: str, shown: str, opened: dict) -> tuple[Merge, ...]:
    """A sheet's merged ranges: python-calamine's for .xlsx and .xls; for .ods, whose merges it
    does not report, the small tables' reader's (odfpy, the document opened once into
    ``opened``), which also refuses formulas saved without their value."""
    ranges = sheet.merged_cell_ranges
    if ranges is not None:
        return tuple(sorted((top, bottom, left, right) for (top, left), (bottom, right) in ranges))
    from auditkit.grid import _OdsBook

    if "ods" not in opened:
        opened["ods"] = _OdsBook(path, shown)
    _rows, merges = opened["ods"].cells(name)
    return tuple(sorted(merges))


def _workbook_parts(table: str, path: Path, sheet: str | None, shown: str, notes=None,
                    named: set[str] = frozenset()) -> list[Part]:
    """The sheets of a workbook that hold the table: the one the manifest names, else every
    visible sheet with the table's header. A hidden sheet with the header is read only when
    named (IN005 names each one left unread). ``notes``: the package's ReadingNotes."""
    from python_calamine import SheetVisibleEnum

    book = _workbook(path, shown)
    names = book.sheet_names
    if sheet and sheet not in names:
        raise PackageError(f"工作簿中没有名为“{sheet}”的工作表（有：{'、'.join(names)}）", file=shown)
    hidden = {m.name: m.visible for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    parts, unread, opened = [], [], {}
    for name in [sheet] if sheet else names:
        data = book.get_sheet_by_name(name)
        merges = _merges(data, path, name, shown, opened)
        head = data.to_python(skip_empty_area=False, nrows=_HEADER_SEARCH)
        spread_merges(head, merges, len(head))  # a header merged over two rows is found in either
        header = _sheet_header(table, head)
        label = f"{path.name}#{name}" if not sheet else shown
        if header is None:
            if sheet:
                raise PackageError(f"未找到表头：前{_HEADER_SEARCH}行中没有同时含“{_labels(table)}”的一行", file=shown,
                                   sheet=name)
            continue  # a sheet of notes or of another table
        if name in hidden and not sheet:
            if name not in named:
                unread.append(name)
            continue
        _refuse_uncomputed_formulas(path, name, shown)
        part = Part(table, path, label, "workbook", sheet=name, header_line=header, merges=merges)
        _note_merges(part, data, [str(v).strip() for v in head[header - 1]], notes)
        parts.append(part)
    listed = "、".join(f"“{name}”" for name in unread)
    if not parts and not named:
        if unread:
            raise PackageError(
                f"工作簿中含“{_labels(table)}”等列的工作表{listed}均为隐藏工作表（在 Excel 或 WPS 中打开时看不到），"
                f"未予读取；如确需报送其中的数据，请取消隐藏后重新报送，或在清单中写明工作表（如“{path.name}#{unread[0]}”）",
                file=shown)
        raise PackageError(f"工作簿中没有一张工作表含“{_labels(table)}”等列", file=shown)
    if unread and notes is not None:
        notes.add("IN005", (
            f"工作簿中的隐藏工作表{listed}也含{TABLES[table].label}表头，在 Excel 或 WPS 中打开时看不到，未作为"
            f"{TABLES[table].label}读取（只读取了可见的工作表）"), table=table, file=shown, count=len(unread),
            subject=f"{table}.hidden.{shown}",
            recommendation=(f"核实隐藏工作表是否为应报送的数据：如是，在清单中写明工作表（如“{path.name}#{unread[0]}”）"
                            "后重新审核；如系旧版或草稿，宜删除后再报送。"))
    return parts


def _note_merges(part: Part, data, header: list[str], notes) -> None:
    """Refuse ID cells merged over several persons' rows; note (IN003) each column whose cells
    were filled from a merged cell, with the number of cells filled."""
    below = [m for m in part.merges if m[1] >= part.header_line]
    if not below:
        return
    rows = data.to_python(skip_empty_area=False, nrows=max(bottom for _t, bottom, _l, _r in below) + 1)
    spans = spread_merges(rows, part.merges, part.header_line)
    spec = TABLES[part.table]
    ids = {i for i, h in enumerate(header) if spec.match(h) == "person_id"}
    merged_ids = [(m, r) for m, r in spans if len(r) > 1 and ids & set(range(m[2], m[3] + 1))]
    if merged_ids:
        (top, bottom, left, right), _rows = merged_ids[0]
        column = next(i for i in sorted(ids) if left <= i <= right)
        ranges = [f"{column_letter(m[2] + 1)}{m[0] + 1}:{column_letter(m[3] + 1)}{m[1] + 1}" for m, _r in merged_ids]
        listed = "、".join(ranges[:8]) + (f"等{len(ranges):,}处" if len(ranges) > 8 else "")
        raise PackageError(
            f"身份证号单元格 {listed} 为跨行合并的单元格：一个身份证号跨{len(_rows)}行，无法确定各行是哪一位参保人员；"
            "请取消合并、在每一行填写该行人员的身份证号后重新报送",
            file=part.path.name, sheet=part.sheet, row=top + 1,
            column=f"{header[column]}（{column_letter(column + 1)}列）")
    filled: dict[int, int] = {}
    for (top, _bottom, left, right), spanned in spans:
        for i in range(left, right + 1):
            filled[i] = filled.get(i, 0) + sum(1 for r in spanned if (r, i) != (top, left))
    for i, count in sorted(filled.items()):
        if count and notes is not None:
            name = header[i] if i < len(header) and header[i] else f"{column_letter(i + 1)}列"
            notes.add("IN003", (
                f"“{name}”列（{column_letter(i + 1)}列）有{count:,}个单元格属合并单元格，已按 Excel 和 WPS 的显示，"
                "以合并单元格的值读入其跨越的各行"), table=part.table, file=part.shown, column=name, count=count,
                subject=f"{part.table}.merged.{column_letter(i + 1)}.{part.shown}",
                recommendation="核对合并单元格跨越的各行是否确属同一值；今后导出名册时不宜合并单元格。")


# --- formulas never computed (a workbook written by a program) --------------------------------



def _sheet_part(archive, name: str) -> str | None:
    """The ZIP member of a .xlsx worksheet, by its name (xl/workbook.xml and its relationships)."""
    import posixpath
    from xml.etree import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    ids = {s.get("name"): next((v for k, v in s.attrib.items() if k.endswith("}id")), None)
           for s in workbook.iter() if s.tag.endswith("}sheet")}  # r:id, transitional or strict
    relationships = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for link in relationships:
        if link.get("Id") == ids.get(name):
            target = link.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    return None


def _full_calculation_on_load(archive) -> bool:
    """Whether the workbook asks to be computed on opening (``<calcPr fullCalcOnLoad="1">``):
    openpyxl and XlsxWriter write it, with no value (openpyxl) or 0 (XlsxWriter) in place of
    each formula's result."""
    from xml.etree import ElementTree

    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return any(e.get("fullCalcOnLoad") in ("1", "true") for e in workbook.iter() if e.tag.endswith("}calcPr"))


def _refuse_uncomputed_formulas(path: Path, name: str, shown: str) -> None:
    """A .xlsx sheet with formula cells whose value was never computed is refused, naming the
    first cells and their count (``auditkit.grid``'s message): read as empty, ``="150102…"``
    would become an invalid ID and ``=DATE(2023,7,1)`` a missing date. Never computed: no
    value saved, or a 0 or empty value in a workbook that asks to be computed on opening (the
    placeholder XlsxWriter saves). A formula with a computed value is read as that value."""
    import zipfile

    from lxml import etree

    from auditkit.grid import _holds_formula, _refuse_uncomputed

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not an Office Open XML workbook (.xls): BIFF saves every formula's result
    with archive:
        try:
            member = _sheet_part(archive, name)
            info = archive.getinfo(member) if member else None
        except (KeyError, SyntaxError):
            return  # .ods, or a workbook python-calamine read without these parts
        if info is None or not _holds_formula(archive, info):
            return
        placeholders = _full_calculation_on_load(archive)
        cells, total, first_formula = [], 0, ""
        with archive.open(info) as stream:
            # any namespace: transitional or strict Office Open XML, with or without a prefix
            for _event, cell in etree.iterparse(stream, tag="{*}c"):
                formula = cell.find("{*}f")
                if formula is not None:
                    value = cell.find("{*}v")
                    text = value.text if value is not None else None
                    computed = bool(text) or (value is not None and cell.get("t") == "str") or cell.find(
                        "{*}is") is not None
                    # XlsxWriter's placeholder: 0 (or "") under fullCalcOnLoad
                    placeholder = placeholders and (text in (None, "") or (text == "0" and cell.get("t") in (None, "n")))
                    if placeholder or not computed:
                        total += 1
                        if len(cells) < 8:
                            reference = cell.get("r", "")
                            letters = reference.rstrip("0123456789")
                            cells.append((int(reference[len(letters):] or 0), _column_number(letters),
                                          "=" + (formula.text or first_formula.lstrip("="))))
                            first_formula = first_formula or cells[-1][2]
                cell.clear()
    if total:
        _refuse_uncomputed(shown, name, cells, total)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number
