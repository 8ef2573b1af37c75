"""Reading the monthly fund-use feedback form (自治区财政资金使用跟踪反馈表, 004 附件3).

The form as printed: a title, a line ``县市（单位）名称：`` naming the county, ``单位：万元``, the
header, the 合计 row first, the rows, and 说明 lines under it. It has no month and no filing
date; a package adds them, either as lines above the table (``月份：2020年11月``,
``报送日期：2020-11-26``) or as columns (地区, 月份, 报送日期) when a year of forms from several
counties is stacked in one sheet, each form with its own 合计 row. Both layouts read alike:

- one form per sheet: the manifest names the workbook without a sheet (every sheet holding a
  form is read) or one sheet with ``#``;
- stacked: a 合计 row opens a form when the first data row is a 合计, else closes it.

Each form is read through the package's own table reader (``auditkit.package.load_table``), so
units, number formats, dates and refusals are the same as for every other table.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from auditkit.dates import parse_date
from auditkit.errors import PackageError
from auditkit.grid import Cell, Grid, read_grid
from auditkit.layout import text_kind
from auditkit.package import Table, load_table

_SPACE = re.compile(r"\s+")
_NOTE = ("说明", "注：", "注:", "填表人", "填报人", "审核人", "填报日期", "单位负责人", "制表")
_META = {
    "region": ("县市（单位）名称", "县市(单位)名称", "县市名称", "单位名称"),
    "month": ("月份", "反馈月份", "所属月份"),
    "filed_on": ("报送日期", "填报日期", "反馈日期"),
}
_MONTH = re.compile(r"(?:(\d{4})\s*[年.\-/]\s*)?(\d{1,2})\s*月?$")


@dataclass
class Form:
    """One filled-in form: the county, the month it reports, when it was filed, its rows and
    its 合计 row (dicts in the shape of ``Table.rows()``; amounts in 元 with ``_tol_`` columns)."""

    region: str | None
    month: tuple[int, int] | None  # (year, month)
    month_text: str
    filed_on: dt.date | None
    file: str
    sheet: str | None
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None

    @property
    def label(self) -> str:
        month = f"{self.month[0]}年{self.month[1]}月" if self.month else (self.month_text or "月份未填")
        return f"{self.region or '未写明县市'}{month}反馈表"

    def where(self, row: int | None = None) -> str:
        place = self.file + (f"#{self.sheet}" if self.sheet else "")
        return f"{place} 第{row}行" if row is not None else place


def _norm(text: str) -> str:
    return _SPACE.sub("", text or "")


def _header_index(grid: Grid) -> int | None:
    for index, row in enumerate(grid.rows[:40]):
        words = {_norm(cell.text) for cell in row}
        if "资金金额" in words and "实际支出金额" in words:
            return index
    return None


def _meta(grid: Grid, header_index: int) -> dict[str, str]:
    """The 县市（单位）名称, 月份 and 报送日期 written in lines above the header: ``标签：值``, in one
    cell or in a label cell followed by a value cell; several may share a line."""
    found: dict[str, str] = {}
    for row in grid.rows[:header_index]:
        texts = [cell.text.strip() for cell in row]
        for position, text in enumerate(texts):
            for part in re.split(r"\s{2,}|\u3000+", text):
                match = re.match(r"^\s*([^：:]+)[：:]\s*(.*)$", part)
                label, value = (match.group(1), match.group(2).strip()) if match else (part, "")
                label = _norm(label)
                for key, labels in _META.items():
                    if label not in {_norm(word) for word in labels} or key in found:
                        continue
                    if not value:  # the value in the next cell of the line
                        value = next((t for t in texts[position + 1:] if t), "")
                    if value:
                        found[key] = value
    return found


def _is_total(row: list[Cell]) -> bool:
    """A 合计 row: a cell the table reader reads as a total in any wording (合计, 总计, 全区合计,
    合 计, 合计：… ``auditkit.layout.text_kind``), in 序号, in the fund name, or after the 地区 and
    月份 columns of a stacked sheet — the same reading that then tells the total from the rows."""
    return any(text_kind(cell.text) == "total" for cell in row if cell.text)


def _is_note(row: list[Cell]) -> bool:
    """A note or signature line under the form (说明, 注：, 填表人 …), as the table reader reads it."""
    texts = [cell.text.strip() for cell in row if cell.text.strip()]
    return bool(texts) and (texts[0].startswith(_NOTE) or text_kind(texts[0]) == "footer")


def _segments(grid: Grid, header_index: int) -> list[tuple[list[int], int | None]]:
    """The forms of a sheet: (their data rows, their 合计 row or None), as row indexes."""
    rows: list[int] = []
    for index in range(header_index + 1, len(grid.rows)):
        row = grid.rows[index]
        if _is_note(row):
            break  # 说明 and signature lines close the table
        if any(cell.text.strip() for cell in row):
            rows.append(index)
    totals = [i for i in rows if _is_total(grid.rows[i])]
    if not totals:
        return [(rows, None)] if rows else []
    segments: list[tuple[list[int], int | None]] = []
    if rows[0] in totals:  # 合计 first, as 附件3 prints it: each 合计 opens a form
        for number, total in enumerate(totals):
            end = totals[number + 1] if number + 1 < len(totals) else None
            segments.append(([i for i in rows if i > total and (end is None or i < end)], total))
    else:  # 合计 last: each closes the rows above it
        start = -1
        for total in totals:
            segments.append(([i for i in rows if start < i < total], total))
            start = total
        rest = [i for i in rows if i > start]
        if rest:
            segments.append((rest, None))
    return segments


def _only(grid: Grid, header_index: int, keep: list[int]) -> Grid:
    """The sheet with only its lines above the table, the header and ``keep`` (row numbers stay)."""
    kept = set(keep)
    rows = [row if index <= header_index or index in kept else [] for index, row in enumerate(grid.rows)]
    return Grid(grid.file, grid.sheet, rows)


def _month(text: str, year: int) -> tuple[int, int] | None:
    match = _MONTH.search(_norm(text))
    if not match:
        return None
    month = int(match.group(2))
    if not 1 <= month <= 12:
        return None
    return (int(match.group(1)) if match.group(1) else year), month


def load_feedback(path: Path, sheet: str | None, shown: str, cache: dict, manifest, notes):
    """Every feedback form of a file (every sheet holding one when ``sheet`` is None).

    Returns a ``FeedbackTable``: a Table of all rows (region, month and filed_on filled in from
    the lines above each form where the rows do not carry them) with ``forms``, the forms one by
    one. Raises PackageError when no sheet holds a form, or a form cannot be read.
    """
    first = read_grid(path, sheet, shown, cache)
    names = list(getattr(cache.get(Path(path).resolve()), "sheetnames", []) or [])
    grids = [first] if sheet is not None or len(names) <= 1 else [read_grid(path, n, shown, cache) for n in names]
    forms: list[Form] = []
    frames: list[pl.DataFrame] = []
    table = None
    for grid in grids:
        header_index = _header_index(grid)
        if header_index is None:
            if len(grids) > 1:
                continue  # a sheet of instructions beside the forms
            raise PackageError("未找到反馈表的表头（应含“资金金额”“实际支出金额”等列）", file=grid.file, sheet=grid.sheet)
        meta = _meta(grid, header_index)
        for rows, total_index in _segments(grid, header_index):
            if not rows:
                continue
            # the form's rows with its 合计 row: the table reader tells the total from the rows
            kept = rows if total_index is None else [*rows, total_index]
            table = load_table("feedback", _only(grid, header_index, kept), manifest, notes)
            total = table.total
            records = table.rows()
            carried = {key: next((r.get(key) for r in [*( [total] if total else []), *records] if r.get(key)), None)
                       for key in ("region", "month", "filed_on")}
            region = carried["region"] or meta.get("region")
            month_text = str(carried["month"] or meta.get("month") or "")
            filed_on = carried["filed_on"] or (parse_date(meta["filed_on"]) if meta.get("filed_on") else None)
            if meta.get("filed_on") and filed_on is None:
                raise PackageError(f"报送日期“{meta['filed_on']}”无法识别为日期（如 2020-11-26、2020年11月26日）",
                                   file=grid.file, sheet=grid.sheet)
            for record in records:
                record["region"] = record.get("region") or region
                record["month"] = record.get("month") or month_text or None
                record["filed_on"] = record.get("filed_on") or filed_on
            forms.append(Form(region, _month(month_text, manifest.year), month_text, filed_on,
                              grid.file, grid.sheet, records, total))
            frames.append(table.frame.with_columns(
                pl.Series("region", [r["region"] for r in records], dtype=pl.Utf8),
                pl.Series("month", [r["month"] for r in records], dtype=pl.Utf8),
                pl.Series("filed_on", [r["filed_on"] for r in records], dtype=pl.Date)))
    if table is None:
        raise PackageError("文件中没有财政资金使用跟踪反馈表（应含“资金金额”“实际支出金额”等列）", file=shown)
    frame = pl.concat(frames, how="diagonal_relaxed")
    return FeedbackTable(table.name, shown, sheet, table.unit, frame, None, table.headers, forms=forms)


@dataclass
class FeedbackTable(Table):
    """The feedback forms of a package: all rows as one Table, and ``forms`` one by one."""

    forms: list[Form] = field(default_factory=list)
