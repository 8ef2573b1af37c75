"""Reading a table file into a grid of cells, whatever the office saved it as.

A grid is the sheet as a person sees it: rows of cells with their text and, for numbers from a
workbook, the number of decimals the cell's format shows. Finding the header and typing the
columns happens in ``auditkit.package``; this module only gets the cells out faithfully.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from auditkit.errors import PackageError
from auditkit.money import places_from_format

ENCODINGS = ("utf-8", "gb18030")


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


def decode_text(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM) or GB18030, as Chinese offices save CSVs."""
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


def open_workbook(path: Path, file: str):
    import openpyxl

    try:
        # data_only: formula cells give the value Excel cached, as the sheet shows it.
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise PackageError(f"无法打开 Excel 工作簿，文件可能已损坏或不是 .xlsx 格式（{type(exc).__name__}）", file=file) from None
    except Exception as exc:  # openpyxl raises a wide variety on corrupt parts
        raise PackageError(f"无法读取 Excel 工作簿（{type(exc).__name__}）", file=file) from None


def read_sheet(workbook, sheet: str | None, file: str) -> Grid:
    if sheet is None:
        ws = workbook.worksheets[0]
    elif sheet in workbook.sheetnames:
        ws = workbook[sheet]
    else:
        names = "、".join(workbook.sheetnames)
        raise PackageError(f"工作簿中没有名为“{sheet}”的工作表（现有：{names}）", file=file)
    merged_tops = {}
    for merged in ws.merged_cells.ranges:
        top = ws.cell(merged.min_row, merged.min_col)
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if (row, col) != (merged.min_row, merged.min_col):
                    merged_tops[(row, col)] = top
    rows = []
    for r, row in enumerate(ws.iter_rows(), start=1):
        cells = []
        for c, cell in enumerate(row, start=1):
            # A merged header spans its cells: each gets the top-left text, so a header merged
            # over two rows is found in either. Data cells are rarely merged; when they are, the
            # same rule gives the value a person sees.
            source = merged_tops.get((r, c), cell)
            value = source.value
            if isinstance(value, str) and value.startswith("="):
                value = None  # a formula without a cached value: nothing Excel showed
            places = None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                places = places_from_format(source.number_format)
            cells.append(Cell(_cell_text(value), value, places))
        rows.append(cells)
    return Grid(file, ws.title, rows)


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
