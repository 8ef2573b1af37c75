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

from auditkit.errors import PackageError
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


def sniff(table: str, path: Path, sheet: str | None, shown: str) -> list[Part]:
    """The parts of one manifest reference; PackageError for what cannot be read faithfully."""
    kind = kind_of(path)
    if kind == "parquet":
        _refuse_numeric_parquet(table, path, shown)
        return [Part(table, path, shown, "parquet")]
    if kind == "workbook":
        return _workbook_parts(table, path, sheet, shown)
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

_SPOILED = ("身份证号列为{written}，前导零和末位校验码 X 已丢失，无法核验身份证号；"
            "请将该列设为文本格式后重新导出")


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


def _workbook_parts(table: str, path: Path, sheet: str | None, shown: str) -> list[Part]:
    book = _workbook(path, shown)
    names = book.sheet_names
    if sheet and sheet not in names:
        raise PackageError(f"工作簿中没有名为“{sheet}”的工作表（有：{'、'.join(names)}）", file=shown)
    parts = []
    for name in [sheet] if sheet else names:
        head = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=_HEADER_SEARCH)
        header = _sheet_header(table, head)
        label = f"{path.name}#{name}" if not sheet else shown
        if header is None:
            if sheet:
                raise PackageError(f"未找到表头：前{_HEADER_SEARCH}行中没有同时含“{_labels(table)}”的一行", file=shown,
                                   sheet=name)
            continue  # a sheet of notes or of another table
        parts.append(Part(table, path, label, "workbook", sheet=name, header_line=header))
    if not parts:
        raise PackageError(f"工作簿中没有一张工作表含“{_labels(table)}”等列", file=shown)
    return parts
