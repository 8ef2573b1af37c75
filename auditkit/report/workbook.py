"""The auditor's working papers as an Excel workbook (``--xlsx``).

Sheets: 问题清单 (one row per finding, with its rectification status when a previous run is
given), 核定结果 (declared beside verified per region, and the total), one 证据-CODE sheet per
check with its findings' evidence, 已整改 (previous findings now gone) when tracking, and 数据来源
(the provenance). Chinese headers, money in 元 as numbers with a fen format, frozen header rows.
IDs are masked unless ``reveal_ids``.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from auditkit import __version__
from auditkit.findings import SEVERITY_NAMES, mask_value
from auditkit.money import round_fen
from auditkit.report.document import ALLOCATION_FIGURES, ZERO, _Masker, assessment_figures, assessment_label
from auditkit.report.embedded import embed_in_workbook
from auditkit.report.tracking import Tracking
from auditkit.runner import Result

YUAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
RATE_FORMAT = "0.00%"


def _money(value: Any) -> float | None:
    # openpyxl stores numbers as floats; rounding to the fen first keeps the figure exact to 0.01
    return None if value is None else float(round_fen(Decimal(value)))


def _append(sheet, row: list[Any]) -> None:
    """Append a row, dropping the control characters a cell cannot hold (a region name pasted
    with an escape or a form feed): openpyxl refuses them and the whole workbook would fail."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])


def _sheet(workbook, title: str, headers: list[str], widths: list[int]):
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(title)
    _append(sheet, headers)
    for index, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[cell.column_letter].width = widths[index - 1] if index <= len(widths) else 14
    sheet.freeze_panes = "A2"
    return sheet


def _formats(sheet, column_formats: dict[int, str]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for index, fmt in column_formats.items():
            row[index - 1].number_format = fmt


def workbook_bytes(result: Result, tracking: Tracking | None = None, reveal_ids: bool = False,
                   result_text: str | None = None) -> bytes:
    """The working papers; they carry the run's JSON (``result_text``, else computed as
    ``--output`` writes it) on a very hidden sheet for ``--previous``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    mask = _Masker(reveal_ids)
    workbook = Workbook()
    workbook.remove(workbook.active)

    headers = ["序号", "检查代码", "级别", "地区", "问题", "问题事实", "依据", "涉及资金（元）", "涉及人数",
               "整改建议", "原因", "数据位置", "键"]
    widths = [6, 9, 6, 12, 24, 60, 50, 16, 10, 40, 20, 36, 14]
    if tracking is not None:
        headers.insert(3, "整改状态")
        widths.insert(3, 10)
    sheet = _sheet(workbook, "问题清单", headers, widths)
    for number, f in enumerate(result.findings, start=1):
        row = [number, f.code, SEVERITY_NAMES.get(f.severity or "", ""), mask(f.region or "全表"), f.title,
               mask(f.condition), mask(f.criteria), _money(f.effect.amount), f.effect.persons,
               mask(f.recommendation), mask(f.cause), mask(f.evidence.where), f.key]
        if tracking is not None:
            row.insert(3, tracking.status(f.key))
        _append(sheet, row)
    shift = 1 if tracking is not None else 0
    _formats(sheet, {8 + shift: YUAN_FORMAT, 9 + shift: COUNT_FORMAT})
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)

    # 核定结果: declared beside verified, per figure, and the difference.
    figures = assessment_figures(result.assessment)
    headers, widths, formats = ["地区"], [16], {}
    for name, label, _fmt in figures:
        headers += [f"{label}（申报）", f"{label}（核定）", f"{label}（差额）"]
        widths += [18, 18, 16]
    settlement = figures is not ALLOCATION_FIGURES
    if settlement:
        headers += ["到位率（核定）"]
        widths += [12]
    sheet = _sheet(workbook, "核定结果", headers, widths)
    totals: dict[str, list[Decimal | None]] = {name: [ZERO, ZERO] for name, _l, _f in figures}
    for line in result.assessment:
        row: list[Any] = [mask(assessment_label(line))]
        for name, _label, _fmt in figures:
            declared, verified = line.declared.get(name), getattr(line, name)
            difference = verified - declared if declared is not None and verified is not None else None
            pair = totals[name]
            pair[0] = pair[0] + declared if declared is not None and pair[0] is not None else None
            pair[1] = pair[1] + verified if verified is not None and pair[1] is not None else None
            if name == "enrolled":
                row += [declared, verified, difference]
            else:
                row += [_money(declared), _money(verified), _money(difference)]
        if settlement:
            row.append(float(line.arrival_rate) if line.arrival_rate is not None else None)
        _append(sheet, row)
    if result.assessment and settlement:  # an allocation's funds are totalled apart, not here
        row = ["合计"]
        for name, _label, _fmt in figures:
            declared, verified = totals[name]
            difference = verified - declared if declared is not None and verified is not None else None
            row += [declared, verified, difference] if name == "enrolled" else [
                _money(declared), _money(verified), _money(difference)]
        _append(sheet, row + [None])
    column = 2
    for name, _label, _fmt in figures:
        for offset in range(3):
            formats[column + offset] = COUNT_FORMAT if name == "enrolled" else YUAN_FORMAT
        column += 3
    if settlement:
        formats[column] = RATE_FORMAT
    _formats(sheet, formats)

    # One evidence sheet per check code.
    by_code: dict[str, list] = {}
    for f in result.findings:
        by_code.setdefault(f.code, []).append(f)
    for code, findings in by_code.items():
        columns: list[str] = []
        for f in findings:
            for sample in f.evidence.rows:
                columns.extend(k for k in sample if k not in columns)
        sheet = _sheet(workbook, f"证据-{code}", ["地区", "问题", "数据位置", "涉及记录数", *[mask(c) for c in columns]],
                       [12, 24, 40, 10] + [18] * len(columns))
        for f in findings:
            base = [mask(f.region or "全表"), f.title, mask(f.evidence.where), f.evidence.count]
            samples = f.evidence.rows or [{}]
            for sample in samples:
                cells = []
                for c in columns:
                    value = sample.get(c)
                    if isinstance(value, Decimal):
                        cells.append(_money(value))
                    elif value is None or isinstance(value, (int, float)):
                        cells.append(value if reveal_ids else mask_value(value))
                    else:
                        cells.append(mask(value if isinstance(value, str) else str(value)))
                _append(sheet, base + cells)
        _formats(sheet, {4: COUNT_FORMAT})

    if tracking is not None:
        sheet = _sheet(workbook, "已整改", ["检查代码", "地区", "问题", "上次问题事实", "键"], [9, 12, 24, 60, 14])
        for item in tracking.rectified:
            _append(sheet, [item.get("code"), mask(item.get("region") or "全表"), item.get("title"),
                          mask(item.get("condition") or ""), item["key"]])

    sub = result.submission
    rules = result.rulebook
    sheet = _sheet(workbook, "数据来源", ["项目", "内容", "SHA-256"], [16, 40, 70])
    for item in sub.inputs:
        _append(sheet, [item.table, item.path, item.sha256])
    _append(sheet, ["规则库", f"{rules.id} {rules.version}" if rules else "无", None])
    _append(sheet, ["auditkit 版本", __version__, None])
    if tracking is not None:
        _append(sheet, ["上次审核结果", tracking.source, None])
    for skipped in result.skipped:
        _append(sheet, [f"未运行 {skipped.code}", skipped.reason, None])

    buffer = io.BytesIO()
    if result_text is None:
        from auditkit.output import dumps

        result_text = dumps(result, reveal_ids, tracking)
    embed_in_workbook(workbook, result_text)
    workbook.save(buffer)
    return buffer.getvalue()
