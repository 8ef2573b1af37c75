"""``auditkit template PROGRAM DIR``: an empty submission package to fill in.

The package is a ``submission.toml`` and one workbook, ``报送数据.xlsx``, with a sheet per small
table of the program that the schema registry knows: a title line, the unit line ``单位：元``, the
real Chinese headers, number formats and data validation on the numeric columns. Roster-sized
tables are not sheets (they are CSV or Parquet files of millions of rows); the manifest names
them in a comment. The files are returned as bytes; the CLI writes each whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import io

from auditkit.errors import PackageError
from auditkit.programs import PROGRAMS
from auditkit.schemas import TABLES, TableSpec

WORKBOOK = "报送数据.xlsx"
FIRST_DATA_ROW = 4  # title line, unit line, header
VALIDATED_ROWS = 1000

_NUMBER_FORMATS = {"amount": "#,##0.00", "per_head": "#,##0.00", "count": "0", "share": "0.00", "date": "yyyy-mm-dd"}


def _header(spec: TableSpec, name: str) -> str:
    column = spec.column(name)
    return column.aliases[0] if column.aliases else column.label or name


# Data validation per column kind: (type, operator, formula1, formula2, the message on a bad entry).
_VALIDATIONS = {
    "amount": ("decimal", "between", "-1000000000000", "1000000000000",
               "请填写金额（数字，可带两位小数），单位见表头上方的“单位”行。"),
    "per_head": ("decimal", "between", "0", "100000", "请填写人均金额（元/人），如 640。"),
    "count": ("whole", "greaterThanOrEqual", "0", None, "请填写人数（非负整数）。"),
    "share": ("decimal", "between", "0", "100", "请填写比例：0.8、80 或 80% 均表示 80%。"),
    "date": ("date", "greaterThan", "1", None, "请填写日期，如 2024-01-15。"),
}


def _validation(kind: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind not in _VALIDATIONS:
        return None
    type_, operator, low, high, message = _VALIDATIONS[kind]
    return DataValidation(type=type_, operator=operator, formula1=low, formula2=high, allow_blank=True,
                          showErrorMessage=True, errorTitle="数据格式不符", error=message)


def template_files(program: str, jurisdiction: str = "nmg", year: int | None = None) -> dict[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    if program not in PROGRAMS:
        raise PackageError(f"未知的项目类型“{program}”，应为 {'、'.join(PROGRAMS)} 之一")
    names = PROGRAMS[program].sheets
    if not names:
        raise PackageError(f"项目类型“{program}”的报送表尚未定义，暂不能生成模板")
    year = year or dt.date.today().year - 1

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in names:
        spec = TABLES[name]
        sheet = workbook.create_sheet(spec.label)
        sheet.append([spec.label])
        sheet["A1"].font = Font(bold=True, size=14)
        has_amounts = any(c.kind == "amount" for c in spec.columns)
        sheet.append(["单位：元" if has_amounts else ""])
        sheet.append([_header(spec, c.name) for c in spec.columns])
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            cell = sheet.cell(row=FIRST_DATA_ROW - 1, column=index)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEBF7")
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
            sheet.column_dimensions[letter].width = max(12, 2 * len(cell.value) + 4)
            rule = _validation(column.kind)
            cells = f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + VALIDATED_ROWS - 1}"
            if rule is not None:
                rule.add(cells)
                sheet.add_data_validation(rule)
                for row in range(FIRST_DATA_ROW, FIRST_DATA_ROW + VALIDATED_ROWS):
                    sheet.cell(row=row, column=index).number_format = _NUMBER_FORMATS[column.kind]
        sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    buffer = io.BytesIO()
    workbook.save(buffer)

    lines = [
        "# 报送数据包清单：请填写报送单位、年度，并在 报送数据.xlsx 各工作表中填报数据。",
        "# 金额单位见各工作表表头上方的“单位”行（可改为“单位：万元”）；含合计行的表可填写“合计”行。",
        "",
        "[submission]",
        f'program = "{program}"',
        f'jurisdiction = "{jurisdiction}"',
        f"year = {year}                       # 结算的运行年度",
        'funding_level = "central"         # central（中央财政）| regional（自治区本级财政）',
        'submitter = ""                    # 报送单位，如 内蒙古自治区财政厅',
        'reviewer = ""                     # 审核单位（可不填），如 财政部内蒙古监管局',
        'amount_unit = "yuan"',
        "",
        "[tables]",
        *[f'{name} = "{WORKBOOK}#{TABLES[name].label}"' for name in names],
        *[f"# {name} = \"{name}.parquet\"  # {TABLES[name].label}（CSV 或 Parquet）"
          for name in PROGRAMS[program].files],
        "",
    ]
    return {"submission.toml": "\n".join(lines).encode("utf-8"), WORKBOOK: buffer.getvalue()}
