"""Reading a table file into a grid of cells, whatever the office saved it as.

A grid is the sheet as a person sees it: rows of cells with their text and, for numbers from a
workbook, the number of decimals the cell's format shows. Finding the header and typing the
columns happens in ``auditkit.package``; this module only gets the cells out faithfully.

The format is told by the file's content, never by its name: offices rename files and
information systems save HTML or XML-2003 text under an ``.xls`` name. ``read_grid`` is the one
entry point; it reads

- Office Open XML workbooks (.xlsx/.xlsm, whatever their name) with openpyxl, dropping empty
  but formatted rows below a sheet's data first (templates styled to row 1,048,576);
- Excel 97–2003 workbooks (BIFF8, also WPS's .et, which is the same container) with xlrd,
  number formats and merged cells included;
- OpenDocument spreadsheets (.ods) with odfpy, the text as displayed;
- HTML tables (system exports saved as .xls) with lxml, row and column spans filled in;
- XML Spreadsheet 2003 (saved as .xls) with the standard library's XML parser;
- CSV (UTF-8, GB18030 or UTF-16) and Parquet.

A formula cell whose value was never computed (a workbook written by a program and never opened
in Excel) is refused naming its cells: read as empty it would pass a table unchecked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from auditkit.errors import PackageError, column_letter
from auditkit.money import places_from_format

ENCODINGS = ("utf-8", "gb18030")

# What each content format is called in messages, and the file names that honestly carry it.
FORMAT_NAMES = {
    "xlsx": "Excel 工作簿（.xlsx）",
    "xls": "Excel 97-2003 工作簿（.xls）",
    "ods": "OpenDocument 电子表格（.ods）",
    "html": "HTML 网页表格",
    "xml2003": "XML 电子表格 2003",
    "csv": "CSV 文本",
    "parquet": "Parquet 文件",
}
_SUFFIXES = {
    "xlsx": {".xlsx", ".xlsm", ".xltx", ".xltm"},
    "xls": {".xls", ".et", ".xlt", ".ett"},
    "ods": {".ods", ".ots"},
    "html": {".html", ".htm"},
    "xml2003": {".xml"},
    "csv": {".csv", ".txt", ".tsv"},
    "parquet": {".parquet"},
}
WORKBOOK_FORMATS = ("xlsx", "xls", "ods", "xml2003")  # formats with named sheets


@dataclass(frozen=True)
class Cell:
    text: str  # as a person reads it; '' when empty
    value: object = None  # the typed value a workbook or Parquet file holds (number, date)
    places: int | None = None  # decimals the cell's number format shows


@dataclass
class Grid:
    file: str  # as named in the manifest, for messages
    sheet: str | None
    rows: list[list[Cell]]  # rows[i] is sheet row i + 1
    # readings a person should be told of (Chinese, one sentence each): a file whose name
    # says another format than its content, … (RULES.md "IN")
    notes: list[str] = field(default_factory=list)


# --- telling the format by content -----------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_NS = b"urn:schemas-microsoft-com:office:spreadsheet"


def sniff(path: Path, shown: str) -> str:
    """The format of a table file by its content: one of FORMAT_NAMES' keys.

    Raises PackageError (Chinese) for what is no table at all (a PDF, a Word document), for
    encrypted and binary .xlsb workbooks, and for an OLE file that holds no workbook."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path, shown)
    if head.startswith(_OLE):
        return _sniff_ole(path, shown)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"%PDF"):
        raise PackageError("文件内容是 PDF 文档，不是表格；请提供 Excel 工作簿（.xlsx）或 CSV 文件", file=shown)
    if head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08"):  # BIFF2–5 without OLE
        return "xls"
    text = _decode_head(head).lstrip("\ufeff \t\r\n").lower()
    if text.startswith("mime-version:") or "multipart/related" in text[:2000]:
        return "html"  # "single file web page" (.mht) saved as .xls
    if _SPREADSHEET_NS.decode() in text and ("<workbook" in text or "<ss:workbook" in text):
        return "xml2003"
    if re.match(r"(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|table|meta|style|title)\b",
                text, re.S):
        return "html"
    return "csv"


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore") or head.decode("gb18030", errors="ignore")


def _sniff_zip(path: Path, shown: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            with archive.open("xl/workbook.xml") if "xl/workbook.xml" in names else io.BytesIO() as part:
                strict = b"purl.oclc.org/ooxml/spreadsheetml" in part.read(4096)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise _damaged(exc, shown) from None
    if strict:
        raise PackageError("工作簿为“Strict Open XML 电子表格”格式，无法读取；请在 Excel 中另存为“Excel 工作簿（.xlsx）”"
                           "后重新提交", file=shown)
    if "xl/workbook.xml" in names or any(n.endswith("/workbook.xml") and n.startswith("xl") for n in names):
        return "xlsx"
    if "xl/workbook.bin" in names:
        raise PackageError("文件为 Excel 二进制工作簿（.xlsb），无法读取其数字格式；请在 Excel 中另存为 .xlsx 后重新提交",
                           file=shown)
    if b"opendocument.spreadsheet" in mimetype:
        return "ods"
    if "word/document.xml" in names or b"opendocument.text" in mimetype:
        raise PackageError("文件内容是 Word 文档，不是表格；请将表格另存为 Excel 工作簿（.xlsx）后提交", file=shown)
    if "content.xml" in names and "META-INF/manifest.xml" in names and not mimetype:
        return "ods"
    raise PackageError("文件是压缩包，但不是 Excel 工作簿；请提供 .xlsx 工作簿或 CSV 文件", file=shown)


def _sniff_ole(path: Path, shown: str) -> str:
    from xlrd import compdoc

    try:
        document = compdoc.CompDoc(path.read_bytes(), logfile=io.StringIO())
        streams = {entry.name for entry in document.dirlist}
    except Exception:  # a damaged container: let xlrd say so when it reads it
        return "xls"
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise PackageError("工作簿设有打开密码（已加密），无法读取；请在 Excel 或 WPS 中取消密码后另存为 .xlsx 再提交",
                           file=shown)
    if "WordDocument" in streams:
        raise PackageError("文件内容是 Word 文档，不是表格；请将表格另存为 Excel 工作簿（.xlsx）后提交", file=shown)
    return "xls"


def _name_note(path: Path, kind: str) -> list[str]:
    suffix = path.suffix.lower()
    if suffix in _SUFFIXES[kind]:
        return []
    named = f"扩展名为“{suffix}”" if suffix else "没有扩展名"
    return [f"文件“{path.name}”{named}，内容实为 {FORMAT_NAMES[kind]}，已按其实际格式读取"]


# --- the one entry point -------------------------------------------------------------------


def read_grid(path: Path, sheet: str | None, shown: str, cache: dict | None = None,
              missing: str | None = None) -> Grid:
    """The cells of one sheet of a table file, read for what the file is.

    ``sheet`` names a worksheet (None: the first); it is ignored by single-table formats (CSV,
    HTML, Parquet). ``shown`` is the file as the manifest names it, for messages. ``cache``
    (a dict the caller keeps for one package) holds opened workbooks, so a workbook with
    several tables is read once. ``missing`` replaces the message for a sheet that is not there.
    Raises PackageError with a Chinese message naming file, sheet, row and column."""
    path = Path(path)
    cache = {} if cache is None else cache
    key = path.resolve()
    if key not in cache:
        kind = sniff(path, shown)
        cache[key] = _BOOKS[kind](path, shown)
        cache[key].notes = _name_note(path, kind)
    book = cache[key]
    grid = book.grid(sheet, missing)
    grid.notes = [*book.notes, *grid.notes]
    return grid


def is_workbook(path: Path, shown: str) -> bool:
    """Whether a file is a workbook with named sheets (by content), for one-file packages."""
    return sniff(path, shown) in WORKBOOK_FORMATS


class _Book:
    """An opened file: its sheet names and, on demand, the grid of one sheet."""

    notes: list[str]

    def __init__(self, path: Path, shown: str):
        self.path, self.shown = path, shown

    sheetnames: list[str] = []

    def _pick(self, sheet: str | None, missing: str | None) -> str:
        if not self.sheetnames:
            raise PackageError("工作簿中没有工作表", file=self.shown)
        if sheet is None:
            return self.sheetnames[0]
        if sheet in self.sheetnames:
            return sheet
        stripped = {name.strip(): name for name in self.sheetnames}
        if sheet.strip() in stripped:  # '结算表 ' as a tab name: the same sheet to a person
            return stripped[sheet.strip()]
        if missing:
            raise PackageError(missing, file=self.shown)
        names = "、".join(self.sheetnames)
        raise PackageError(f"工作簿中没有名为“{sheet}”的工作表（现有：{names}）", file=self.shown)

    def grid(self, sheet: str | None, missing: str | None) -> Grid:
        raise NotImplementedError


_EMPTY = Cell("")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def _number_cell(value: float | int, places: int | None) -> Cell:
    return Cell(_cell_text(value), value, places)


def _spread_merges(rows: list[list], merges, blank: object = _EMPTY) -> None:
    """A merged range shows its top-left cell over all its cells (0-based, inclusive bounds):
    a header merged over two rows is found in either. Ranges are clipped to the rows read.
    ``rows`` hold Cells, or any values (a roster's cells as python-calamine gives them, with
    ``blank`` the value of an empty cell)."""
    for top, bottom, left, right in merges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        source = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= right:
                row.extend([blank] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    row[c] = source


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop empty cells at the end of each row and empty rows at the end of the sheet."""
    for row in rows:
        while row and not row[-1].text:
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


# --- CSV -------------------------------------------------------------------------------------


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), GB18030, or UTF-16 with its BOM (Excel's "Unicode text")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise PackageError("文件以 UTF-16 标记开头，但内容不是有效的 UTF-16 编码；"
                               "请重新另存为 UTF-8 或 GB18030 编码的 CSV 文件", file=file) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:  # the mark says UTF-8, the bytes are not
            raise PackageError(f"文件以 UTF-8 标记开头，但第{exc.start + 4}个字节起不是有效的 UTF-8 编码；"
                               "请重新另存为 UTF-8 或 GB18030 编码的 CSV 文件", file=file) from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PackageError("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV 文件", file=file)


def read_csv(path: Path, file: str) -> Grid:
    text = decode_text(path.read_bytes(), file)
    if not text.strip():
        raise PackageError("文件为空，应至少含表头行和一行数据", file=file)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # newline=None: lines may end in \r\n, \n or a lone \r (Excel for Mac's "CSV")
    reader = csv.reader(io.StringIO(text, newline=None), dialect)
    try:
        rows = [[Cell(v.strip()) for v in row] for row in reader]
    except csv.Error as exc:
        raise PackageError(f"CSV 格式有误（{exc}），请检查引号和分隔符", file=file, row=reader.line_num) from None
    return Grid(file, None, rows)


class _CsvBook(_Book):
    def grid(self, sheet, missing):
        return read_csv(self.path, self.shown)


# --- Parquet ---------------------------------------------------------------------------------


def read_parquet(path: Path, file: str) -> Grid:
    import polars as pl

    try:
        frame = pl.read_parquet(path)
    except Exception as exc:
        raise PackageError(f"无法读取 Parquet 文件（{type(exc).__name__}）", file=file) from None
    header = [Cell(str(name)) for name in frame.columns]
    rows = [header]
    for record in frame.iter_rows():
        cells = []
        for value in record:
            places = None
            if isinstance(value, Decimal):
                places = max(0, -value.as_tuple().exponent)
            cells.append(Cell(_cell_text(value), value, places))
        rows.append(cells)
    return Grid(file, None, rows)


class _ParquetBook(_Book):
    def grid(self, sheet, missing):
        return read_parquet(self.path, self.shown)


# --- Office Open XML (.xlsx) -----------------------------------------------------------------

# A sheet part larger than this (uncompressed) is scanned for rows that hold nothing but
# formatting, which are dropped before openpyxl builds its cells: a five-row table styled to
# row 1,048,576 is 276 MB of XML and eleven million styled cells (benchmarks/workbook.py).
_LARGE_SHEET = 4 << 20
_CHUNK = 4 << 20


def _drop_formatted_rows(stream) -> bytes:
    """The sheet XML without the rows that hold nothing but formatting below, between and above
    the data, with merged ranges reaching below the last kept row cut there.

    Works on bytes at the speed of ``bytes.find``: a cell with a value, a formula or an inline
    string always has content, so it ends in ``</c>``; a formatted empty cell is ``<c …/>``, and a
    formula cell that computed "" (``t="str"``, an empty ``<v>``) is removed first.
    Rows are dropped only as whole ``<row …>…</row>`` or ``<row …/>`` elements, and only when the
    sheet numbers its rows (``<row r="…">``), so that no kept row is renumbered."""
    first = stream.read(_CHUNK)
    root = re.search(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]", first)
    prefix = (root.group(1) or b"") if root else b""
    row_tag = b"<" + prefix + b"row"
    content = b"</" + prefix + b"c>"
    data_end = b"</" + prefix + b"sheetData>"
    p = re.escape(prefix)
    # a formula that computed "" (a template's =IF(E9="","",…) copied down): shows nothing
    blank = re.compile(rb'<' + p + rb'c r="[A-Z]{1,3}\d+"[^>]*?\st="str"[^>]*>(?:<' + p + rb'f[^>]*/>|<' + p
                       + rb'f[^>]*>[^<]*</' + p + rb'f>)(?:<' + p + rb'v/>|<' + p + rb'v></' + p + rb'v>)</' + p + rb'c>')
    start = first.find(b"<" + prefix + b"sheetData")
    head_end = first.find(row_tag, start) if start >= 0 else -1
    if head_end < 0 or first.count(row_tag) != first.count(row_tag + b' r="'):
        return first + stream.read()  # no rows in reach, or rows without numbers: keep all
    kept = [first[:head_end]]
    buffer = first[head_end:]
    while True:
        cut = buffer.rfind(row_tag)
        end = buffer.find(data_end, max(cut, 0))
        if end >= 0:
            kept.append(_rows_with_content(buffer[:end], row_tag, content, blank))
            kept.append(buffer[end:] + stream.read())
            break
        chunk = stream.read(_CHUNK)
        if not chunk:  # a part cut short: keep what there is, openpyxl will say so
            kept.append(buffer)
            break
        if cut > 0:
            kept.append(_rows_with_content(buffer[:cut], row_tag, content, blank))
            buffer = buffer[cut:]
        buffer += chunk
    xml = b"".join(kept)
    numbers = re.findall(rb"<" + re.escape(prefix) + rb"row\s[^>]*?\br=\"(\d+)\"", xml[-(1 << 20):])
    return _clip_merges(xml, prefix, int(numbers[-1])) if numbers else xml


def _rows_with_content(segment: bytes, row_tag: bytes, content: bytes, blank: re.Pattern) -> bytes:
    """Of whole rows, those from the first that holds content to the last that does; formula
    cells that computed "" are left out (they show nothing, like a formatted empty cell)."""
    if b't="str"' in segment:
        closes = segment.count(content)
        prefix = content[2:-2]
        if closes and segment.count(b't="str"><' + prefix + b"f") == closes and closes == (
                segment.count(b"<" + prefix + b"v></" + prefix + b"v>" + content)
                + segment.count(b"<" + prefix + b"v/>" + content)):
            # every cell with content is a formula that computed "": a run of rows showing
            # nothing (counted at the speed of bytes.count; the expression below is slower)
            return b"" if segment.count(row_tag) == segment.count(row_tag + b' r="') else segment
        segment = blank.sub(b"", segment)
    first = segment.find(content)
    if first < 0:
        return b""
    last = segment.rfind(content)
    begin = max(segment.rfind(row_tag, 0, first), 0)
    stop = segment.find(row_tag, last)
    return segment[begin:] if stop < 0 else segment[begin:stop]


def _clip_merges(xml: bytes, prefix: bytes, last: int) -> bytes:
    tail_at = xml.rfind(b"</" + prefix + b"sheetData>")
    if tail_at < 0:
        return xml
    head, tail = xml[:tail_at], xml[tail_at:]

    def clip(match: re.Match) -> bytes:
        left, top, right, bottom = match.group(2), int(match.group(3)), match.group(4), int(match.group(5))
        if top > last:
            return b""
        return match.group(1) + left + str(top).encode() + b":" + right + str(min(bottom, last)).encode() + b'"' + match.group(6)

    pattern = rb"(<" + re.escape(prefix) + rb"mergeCell\s[^>]*?ref=\")([A-Z]+)(\d+):([A-Z]+)(\d+)\"([^>]*>)"
    return head + re.sub(pattern, clip, tail)


def _xlsx_source(path: Path):
    """The workbook as openpyxl should read it: the file itself, or an in-memory copy whose
    large sheets have their formatting-only rows dropped."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        large = [i for i in infos if i.filename.startswith("xl/worksheets/") and i.file_size > _LARGE_SHEET]
        if not large:
            return path.open("rb")
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
            for info in infos:
                if info in large:
                    with archive.open(info) as stream:
                        data = _drop_formatted_rows(stream)
                else:
                    data = archive.read(info)
                out.writestr(info.filename, data)
    copy.seek(0)
    return copy


def _damaged(exc: Exception, shown: str) -> PackageError:
    """A ZIP that does not open (a cut-off download): the one case to call a workbook damaged."""
    return PackageError(f"无法打开 Excel 工作簿，文件可能已损坏或不是 .xlsx 格式（{type(exc).__name__}）", file=shown)


def _open_openpyxl(source, shown: str, data_only: bool):
    import openpyxl

    try:
        # a file object, not a name: openpyxl refuses names that do not end in .xlsx
        return openpyxl.load_workbook(source, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _damaged(exc, shown) from None
    except Exception as exc:  # openpyxl raises a wide variety on corrupt parts
        raise PackageError(f"无法读取 Excel 工作簿（{type(exc).__name__}）", file=shown) from None


class _XlsxBook(_Book):
    def __init__(self, path, shown):
        super().__init__(path, shown)
        try:
            self._source = _xlsx_source(path)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise _damaged(exc, shown) from None
        self._source.seek(0)
        self.workbook = _open_openpyxl(self._source, shown, data_only=True)
        self.sheetnames = self.workbook.sheetnames
        self._formulas = None
        self._source.seek(0)
        with zipfile.ZipFile(self._source) as archive:
            self.has_formulas = any(_holds_formula(archive, i) for i in archive.infolist()
                                    if i.filename.startswith("xl/worksheets/"))

    def formulas(self):
        """The same workbook with formulas instead of cached values (read once, when needed)."""
        if self._formulas is None:
            self._source.seek(0)
            self._formulas = _open_openpyxl(self._source, self.shown, data_only=False)
        return self._formulas

    def grid(self, sheet, missing):
        name = self._pick(sheet, missing)
        ws = self.workbook[name]
        if not hasattr(ws, "merged_cells"):  # a chart sheet
            raise PackageError(f"“{name}”是图表工作表，不含表格", file=self.shown, sheet=name)
        # the cells the sheet holds (openpyxl's own map): iter_rows would make one for every
        # position up to the last, millions for a note typed far below a table
        present = getattr(ws, "_cells", None)
        if present is None:
            present = {(c.row, c.column): c for row in ws.iter_rows() for c in row}
        rows: list[list[Cell]] = [[] for _ in range(max((r for r, _ in present), default=0))]
        uncomputed = []
        for (r, c), cell in sorted(present.items()):
            value = cell.value
            if value is None and self.has_formulas and cell.data_type == "n" and self._has_formula(name, r, c):
                uncomputed.append((r, c))
            places = None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                places = places_from_format(cell.number_format)
            row = rows[r - 1]
            if len(row) < c - 1:
                row.extend([_EMPTY] * (c - 1 - len(row)))
            row.append(Cell(_cell_text(value), value, places))
        if uncomputed:
            formulas = self.formulas()[name]
            _refuse_uncomputed(self.shown, name, [(r, c, _formula_text(formulas.cell(r, c).value))
                                                  for r, c in uncomputed])
        merges = [(m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        _spread_merges(rows, merges)
        return Grid(self.shown, ws.title, rows)

    def _has_formula(self, name: str, row: int, column: int) -> bool:
        value = self.formulas()[name].cell(row, column).value
        return value is not None and (not isinstance(value, str) or value.startswith("="))


def _formula_text(value) -> str:
    return value if isinstance(value, str) else getattr(value, "text", "") or ""


def _holds_formula(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a sheet part has a formula element (<f>, or <x:f> under a prefix), read in chunks."""
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
    with archive.open(info) as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _refuse_uncomputed(shown: str, sheet: str, cells: list[tuple[int, int, str]], total: int | None = None) -> None:
    """Formula cells (row, column, formula) saved without the value Excel or WPS computes would
    read as empty: refuse, naming them (the first eight and their count, ``total`` when only
    the first are given) and the first formula."""
    names = [f"{column_letter(c)}{r}" for r, c, _ in cells]
    total = max(total or 0, len(names))
    listed = "、".join(names[:8]) + (f"等{total:,}个单元格" if total > 8 else "")
    formula = cells[0][2]
    raise PackageError(
        f"{listed}是公式（如 {names[0]} 的“{formula}”），但文件中没有保存其计算结果（工作簿多由程序生成、"
        "未在 Excel 中打开过），按空白读取会漏掉这些数字；请用 Excel 或 WPS 打开本工作簿、保存后重新提交",
        file=shown, sheet=sheet, row=cells[0][0], column=column_letter(cells[0][1]))


# --- Excel 97–2003 (.xls, BIFF8; WPS .et) ----------------------------------------------------


class _XlsBook(_Book):
    def __init__(self, path, shown):
        super().__init__(path, shown)
        import xlrd

        try:
            self.book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True,
                                           logfile=io.StringIO())
        except Exception as exc:
            if "encrypted" in str(exc).lower():
                raise PackageError("工作簿设有打开密码（已加密），无法读取；请在 Excel 或 WPS 中取消密码后另存为 .xlsx 再提交",
                                   file=shown) from None
            if path.suffix.lower() in (".et", ".ett"):
                raise PackageError("无法读取此 WPS 表格文件（.et）；请在 WPS 中“另存为”Excel 工作簿（.xlsx）后重新提交",
                                   file=shown) from None
            raise PackageError(f"无法读取 Excel 97-2003 工作簿，文件可能已损坏（{type(exc).__name__}）；"
                               "请在 Excel 或 WPS 中打开后另存为 .xlsx 再提交", file=shown) from None
        self.sheetnames = self.book.sheet_names()

    def grid(self, sheet, missing):
        import xlrd

        name = self._pick(sheet, missing)
        ws = self.book.sheet_by_name(name)
        formats = self.book.format_map
        rows = []
        empty = (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)
        for r in range(ws.nrows):
            cells = []
            kinds = ws.row_types(r)
            if all(kind in empty for kind in kinds):  # a row of formatted blanks (templates)
                rows.append(cells)
                continue
            for c in range(len(kinds)):
                kind, value = kinds[c], ws.cell_value(r, c)
                if kind == xlrd.XL_CELL_NUMBER:
                    xf = self.book.xf_list[ws.cell_xf_index(r, c)]
                    fmt = formats.get(xf.format_key)
                    cells.append(_number_cell(int(value) if value.is_integer() and abs(value) < 2 ** 53 else value,
                                              places_from_format(fmt.format_str if fmt else None)))
                elif kind == xlrd.XL_CELL_DATE:
                    try:
                        moment = xlrd.xldate_as_datetime(value, self.book.datemode)
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        cells.append(_number_cell(value, None))
                        continue
                    cells.append(Cell(_cell_text(moment), moment))
                elif kind == xlrd.XL_CELL_TEXT:
                    cells.append(Cell(value.strip(), value))
                elif kind == xlrd.XL_CELL_BOOLEAN:
                    cells.append(Cell("TRUE" if value else "FALSE", bool(value)))
                elif kind == xlrd.XL_CELL_ERROR:
                    cells.append(Cell(xlrd.error_text_from_code.get(value, "#ERROR!")))
                else:
                    cells.append(Cell(""))
            rows.append(cells)
        _spread_merges(rows, [(rlo, rhi - 1, clo, chi - 1) for rlo, rhi, clo, chi in ws.merged_cells])
        return Grid(self.shown, name, _trim(rows))


# --- OpenDocument (.ods) ---------------------------------------------------------------------

_SHOWN_NUMBER = re.compile(r"\d[\d,\s]*(?:\.(\d+))?")


def _shown_places(text: str) -> int | None:
    """Decimals a displayed number shows ('1,234.50' -> 2, '¥1,234' -> 0); None for scientific
    notation, percentages or anything without digits."""
    text = unicodedata.normalize("NFKC", text)
    if not text or re.search(r"\d[eE][+-]?\d", text) or "%" in text:
        return None
    match = _SHOWN_NUMBER.search(text)
    if not match:
        return None
    return len(match.group(1)) if match.group(1) else 0


class _OdsBook(_Book):
    def __init__(self, path, shown):
        super().__init__(path, shown)
        from odf.opendocument import load
        from odf.table import Table

        try:
            self.document = load(str(path))
            self.tables = {t.getAttribute("name"): t for t in self.document.spreadsheet.getElementsByType(Table)}
        except Exception as exc:
            raise PackageError(f"无法读取 OpenDocument 电子表格，文件可能已损坏（{type(exc).__name__}）", file=shown) from None
        self.sheetnames = list(self.tables)

    def grid(self, sheet, missing):
        name = self._pick(sheet, missing)
        rows, merges = self.cells(name)
        _spread_merges(rows, merges)
        return Grid(self.shown, name, _trim(rows))

    def cells(self, name: str) -> tuple[list[list[Cell]], list[tuple[int, int, int, int]]]:
        """A sheet's rows as saved (merged cells not yet spread) and its merged ranges (0-based,
        inclusive). Refuses formulas saved without their value, naming the cells."""
        rows: list[list[Cell]] = []
        merges: list[tuple[int, int, int, int]] = []
        pending_rows = 0  # empty rows not yet known to lie between data rows
        uncomputed: list[tuple[int, int, str]] = []
        for element in _ods_rows(self.tables[name]):
            repeat = int(element.getAttribute("numberrowsrepeated") or 1)
            cells, spans, formulas = self._row(element)
            uncomputed.extend((len(rows) + pending_rows + 1, c, f) for c, f in formulas)
            if not any(c.text for c in cells) and not spans:
                pending_rows += repeat
                continue
            rows.extend([] for _ in range(pending_rows))
            pending_rows = 0
            for _ in range(min(repeat, 1 << 16)):
                merges.extend((len(rows) + t, len(rows) + b, left, right) for t, b, left, right in spans)
                rows.append(list(cells))
        if uncomputed:
            _refuse_uncomputed(self.shown, name, uncomputed)
        return rows, merges

    def _row(self, element):
        """A row's cells, its spans (merged cells) and its formulas saved without a value."""
        from odf.namespaces import TABLENS

        cells: list[Cell] = []
        spans = []
        formulas = []
        pending = 0
        for node in element.childNodes:
            if node.qname not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                continue
            repeat = int(node.getAttribute("numbercolumnsrepeated") or 1)
            cell = _ods_cell(node) if node.qname[1] == "table-cell" else Cell("")
            if cell is None:
                formulas.append((len(cells) + pending + 1, node.getAttribute("formula")))
                cell = Cell("")
            if not cell.text:
                pending += repeat
                continue
            cells.extend([Cell("")] * pending)
            pending = 0
            for _ in range(min(repeat, 1 << 14)):
                rows_spanned = int(node.getAttribute("numberrowsspanned") or 1)
                columns_spanned = int(node.getAttribute("numbercolumnsspanned") or 1)
                if rows_spanned > 1 or columns_spanned > 1:
                    spans.append((0, rows_spanned - 1, len(cells), len(cells) + columns_spanned - 1))
                cells.append(cell)
        return cells, spans, formulas


def _ods_rows(table):
    """Rows in document order, also inside header-row and row-group elements."""
    from odf.namespaces import TABLENS

    for node in table.childNodes:
        if node.qname == (TABLENS, "table-row"):
            yield node
        elif node.qname[0] == TABLENS and node.qname[1] in ("table-header-rows", "table-row-group", "table-rows"):
            yield from _ods_rows(node)


def _ods_cell(node) -> Cell | None:
    """The cell as displayed; None for a formula saved without its value (written by a program)."""
    from odf import teletype
    from odf.namespaces import TEXTNS

    paragraphs = [p for p in node.childNodes if p.qname == (TEXTNS, "p")]
    text = "\n".join(teletype.extractText(p) for p in paragraphs).strip()
    kind = node.getAttribute("valuetype")
    if node.getAttribute("formula") and not kind and not text:
        return None
    if kind in ("float", "currency", "percentage"):
        raw = node.getAttribute("value")
        try:
            number = float(raw)
        except (TypeError, ValueError):
            return Cell(text)
        value = int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
        places = None if kind == "percentage" else _shown_places(text)
        return Cell(text or _cell_text(value), value, places)
    if kind == "date":
        raw = node.getAttribute("datevalue") or ""
        try:
            moment = dt.datetime.fromisoformat(raw) if "T" in raw else dt.date.fromisoformat(raw)
        except ValueError:
            return Cell(text)
        return Cell(_cell_text(moment), moment)
    if kind == "boolean":
        return Cell(text or node.getAttribute("booleanvalue").upper(), node.getAttribute("booleanvalue") == "true")
    return Cell(text, text or None)


# --- XML Spreadsheet 2003 --------------------------------------------------------------------

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
# Excel's named formats (XML Spreadsheet Reference, "NumberFormat"): the decimals each shows
_NAMED_FORMATS = {"general": None, "general number": None, "general date": None, "currency": 2,
                  "euro currency": 2, "fixed": 2, "standard": 2, "percent": None, "scientific": None,
                  "yes/no": None, "true/false": None, "on/off": None, "0": 0, "0.00": 2}


class _Xml2003Book(_Book):
    def __init__(self, path, shown):
        super().__init__(path, shown)
        import xml.etree.ElementTree as ET

        try:
            root = ET.fromstring(path.read_bytes())
        except ET.ParseError as exc:
            raise PackageError(f"XML 电子表格格式有误（{exc}），文件可能已损坏；请在 Excel 中打开后另存为 .xlsx",
                               file=shown) from None
        self.formats = _xml2003_formats(root)
        self.sheets = {ws.get(f"{_SS}Name") or f"Sheet{i}": ws for i, ws in enumerate(root.iter(f"{_SS}Worksheet"), 1)}
        self.sheetnames = list(self.sheets)

    def grid(self, sheet, missing):
        name = self._pick(sheet, missing)
        table = self.sheets[name].find(f"{_SS}Table")
        rows: list[list[Cell]] = []
        merges = []
        uncomputed = []
        if table is None:
            return Grid(self.shown, name, rows)
        occupied: dict[int, set[int]] = {}  # columns covered by MergeDown from rows above
        index = 0
        for row in table.iter(f"{_SS}Row"):
            index = int(row.get(f"{_SS}Index", index + 1))
            while len(rows) < index:
                rows.append([])
            cells = rows[index - 1]
            column = 0
            for cell in row.iter(f"{_SS}Cell"):
                column = int(cell.get(f"{_SS}Index", 0)) or column + 1
                while column in occupied.get(index, ()):  # a cell merged down into this row
                    column += 1
                across = int(cell.get(f"{_SS}MergeAcross", 0))
                down = int(cell.get(f"{_SS}MergeDown", 0))
                content = self._cell(cell)
                if content is None:
                    uncomputed.append((index, column, cell.get(f"{_SS}Formula")))
                    content = Cell("")
                while len(cells) < column:
                    cells.append(Cell(""))
                if content.text or not cells[column - 1].text:
                    # an empty cell only formats: LibreOffice's export closes a row with one
                    # whose ss:Index may point back into the row
                    cells[column - 1] = content
                if across or down:
                    merges.append((index - 1, index - 1 + down, column - 1, column - 1 + across))
                    for below in range(index + 1, index + down + 1):
                        occupied.setdefault(below, set()).update(range(column, column + across + 1))
                column += across
        if uncomputed:
            _refuse_uncomputed(self.shown, name, uncomputed)
        _spread_merges(rows, merges)
        return Grid(self.shown, name, _trim(rows))

    def _cell(self, cell) -> Cell | None:
        """The cell as shown; None for a formula without its computed value."""
        data = cell.find(f"{_SS}Data")
        if data is None:
            data = next((d for d in cell if d.tag.endswith("}Data")), None)
        if data is None:
            return None if cell.get(f"{_SS}Formula") else Cell("")
        kind = data.get(f"{_SS}Type", "String")
        text = "".join(data.itertext()).strip()
        if kind == "Number":
            try:
                number = float(text)
            except ValueError:
                return Cell(text)
            value = int(number) if number.is_integer() and abs(number) < 2 ** 53 else number
            return _number_cell(value, self.formats.get(cell.get(f"{_SS}StyleID", "Default"),
                                                        self.formats.get("Default")))
        if kind == "DateTime":
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                return Cell(text)
            return Cell(_cell_text(moment), moment)
        if kind == "Boolean":
            return Cell("TRUE" if text == "1" else "FALSE", text == "1")
        return Cell(text, text or None)


def _xml2003_formats(root) -> dict[str, int | None]:
    """Style ID -> decimals its number format shows, following ss:Parent."""
    styles = {}
    for style in root.iter(f"{_SS}Style"):
        number = style.find(f"{_SS}NumberFormat")
        styles[style.get(f"{_SS}ID")] = (style.get(f"{_SS}Parent"),
                                         number.get(f"{_SS}Format") if number is not None else None)

    def resolve(style_id, depth=0):
        parent, fmt = styles.get(style_id, (None, None))
        if fmt is None and parent and depth < 20:
            return resolve(parent, depth + 1)
        if fmt is None:
            return None
        named = fmt.strip().lower()
        if named in _NAMED_FORMATS:
            return _NAMED_FORMATS[named]
        return places_from_format(fmt.replace("\\", ""))

    return {style_id: resolve(style_id) for style_id in styles}


# --- HTML tables (system exports saved as .xls) ----------------------------------------------

# elements that start a line of their own; anything else (span, font, b, a …) runs on in the line
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "pre", "li", "ul", "ol", "dl", "dt",
           "dd", "center", "section", "article", "header", "footer", "main", "nav", "form", "blockquote",
           "address", "fieldset", "hr", "figure", "details", "summary"}
_SKIPPED = {"script", "style", "head", "title", "noscript", "template"}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)


def _html_text(data: bytes, shown: str) -> str:
    if data[:64].lstrip().lower().startswith(b"mime-version:"):
        return _mht_html(data, shown)
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return decode_text(data, shown)
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936") else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, shown)


def _mht_html(data: bytes, shown: str) -> str:
    import email
    from email import policy

    message = email.message_from_bytes(data, policy=policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or ""
            if charset.lower() in ("gb2312", "gbk"):
                charset = "gb18030"
            try:
                return payload.decode(charset) if charset else decode_text(payload, shown)
            except (LookupError, UnicodeDecodeError):
                return decode_text(payload, shown)
    raise PackageError("文件为“单个文件网页”（.mht），但其中没有网页表格；请在 Excel 中打开后另存为 .xlsx", file=shown)


def _node_text(node) -> str:
    """A node's text as a browser (and Excel opening the page) shows it: <br> breaks a line,
    runs of white space are one space, hidden elements show nothing."""
    parts = []

    def walk(element):
        if not isinstance(element.tag, str):  # comments, processing instructions
            if element.tail:
                parts.append(element.tail)
            return
        style = (element.get("style") or "").replace(" ", "").lower()
        if "display:none" not in style:
            if element.tag == "br":
                parts.append("\n")
            if element.text:
                parts.append(element.text)
            for child in element:
                walk(child)
        if element.tail and element is not node:
            parts.append(element.tail)

    walk(node)
    lines = ("".join(parts)).split("\n")
    return "\n".join(" ".join(line.replace("\xa0", " ").split()) for line in lines).strip()


class _HtmlBook(_Book):
    """An HTML page read as Excel opens it: each table's rows in order, with row and column
    spans spread like merged cells, and the lines of text around the tables (title, 单位：万元,
    notes) as rows of their own."""

    def __init__(self, path, shown):
        super().__init__(path, shown)
        import lxml.html

        text = _html_text(path.read_bytes(), shown)
        text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
        if not text.strip():
            raise PackageError("文件为空，应至少含表头行和一行数据", file=shown)
        try:
            self.document = lxml.html.document_fromstring(text)
        except Exception as exc:
            raise PackageError(f"网页表格格式有误（{type(exc).__name__}）；请在 Excel 中打开后另存为 .xlsx", file=shown) from None
        self.sheetnames = [path.stem]

    def grid(self, sheet, missing):
        rows: list[list[Cell]] = []
        merges: list[tuple[int, int, int, int]] = []
        body = self.document.find("body")
        self._walk(body if body is not None else self.document, rows, merges)
        if not any(r for r in rows):
            raise PackageError("网页文件中没有表格", file=self.shown)
        _spread_merges(rows, merges)
        return Grid(self.shown, None, _trim(rows))

    def _walk(self, element, rows, merges) -> None:
        """Text outside tables, a row per line as the page lays it out: inline elements and
        text run on in one line ("<b>单位：</b>万元" is one line), a block element or <br>
        ends it."""
        line: list[str] = []

        def flush():
            for text in "".join(line).split("\n"):
                text = " ".join(text.replace("\xa0", " ").split())
                if text:
                    rows.append([Cell(text)])
            line.clear()

        if element.text:
            line.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag == "table":
                flush()
                self._table(child, rows, merges)
            elif tag == "br":
                line.append("\n")
            elif tag in _BLOCKS or (tag and tag not in _SKIPPED and child.find(".//table") is not None):
                flush()
                if "display:none" not in (child.get("style") or "").replace(" ", "").lower():
                    self._walk(child, rows, merges)
            elif tag and tag not in _SKIPPED:
                line.append(_node_text(child))
            if child.tail:
                line.append(child.tail)
        flush()

    def _table(self, table, rows, merges) -> None:
        caption = table.find("caption")
        if caption is not None and _node_text(caption):
            rows.append([Cell(_node_text(caption))])
        start = len(rows)
        taken: dict[tuple[int, int], bool] = {}
        for r, tr in enumerate(tr for tr in table.iter("tr") if tr.getparent() is table
                               or tr.getparent().getparent() is table):
            row: list[Cell] = []
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while taken.get((r, c)):
                    if len(row) <= c:
                        row.extend([Cell("")] * (c + 1 - len(row)))
                    c += 1
                rowspan = _span(td.get("rowspan"))
                colspan = _span(td.get("colspan"))
                text = _node_text(td)
                if len(row) <= c:
                    row.extend([Cell("")] * (c + 1 - len(row)))
                row[c] = Cell(text)
                if rowspan > 1 or colspan > 1:
                    merges.append((start + r, start + r + rowspan - 1, c, c + colspan - 1))
                    for dr in range(rowspan):
                        for dc in range(colspan):
                            taken[(r + dr, c + dc)] = True
                c += colspan
            rows.append(row)
        # a row spanned into from above but with no cells of its own
        last = max((r for r, _ in taken), default=-1)
        while len(rows) - start <= last:
            rows.append([])


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


_BOOKS = {"csv": _CsvBook, "parquet": _ParquetBook, "xlsx": _XlsxBook, "xls": _XlsBook, "ods": _OdsBook,
          "xml2003": _Xml2003Book, "html": _HtmlBook}
