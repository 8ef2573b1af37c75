"""``auditkit template PROGRAM DIR``: a blank submission package that is one workbook.

``报送数据.xlsx`` is the package itself (DESIGN.md, "The submission package"): its ``submission``
sheet is the manifest, one sheet per small table of the program (``auditkit.programs``) follows
with a title line, the unit line ``单位：元``, the real Chinese headers, number formats and data
validation, and a ``填表说明`` sheet says what each sheet and column means, in which unit, and
which sheets may stay empty. Every field with fixed values (the program, the funding level, the
unit, 发文层级, 付款层级, 报送事项, the regions of the jurisdiction …) has a dropdown whose values
are kept on a hidden sheet. Once the required sheets are filled, ``auditkit check 报送数据.xlsx``
runs on it as it is; a sheet that may stay empty and is left empty is "not given"
(``auditkit.package``). Roster-sized tables are files beside the workbook, named in the manifest.

The workbook is returned as bytes; the CLI writes it whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from auditkit.errors import PackageError
from auditkit.package import FUNDING_LEVEL_WORDS
from auditkit.programs import PROGRAMS, Program
from auditkit.schemas import TABLES, ColumnSpec, TableSpec

WORKBOOK = "报送数据.xlsx"
MANIFEST_SHEET = "submission"
GUIDE_SHEET = "填表说明"
LISTS_SHEET = "可选值"  # hidden: the dropdowns' values
FIRST_DATA_ROW = 4  # title line, unit line, header
VALIDATED_ROWS = 1000

UNIT_WORDS = ("元", "万元")

_NUMBER_FORMATS = {"amount": "#,##0.00", "per_head": "#,##0.00", "count": "0", "share": "0.00", "date": "yyyy-mm-dd"}

# What a column holds, in the unit or form it is written in, for the 填表说明 sheet.
KIND_WRITING = {
    "text": "文字",
    "amount": "金额，单位见本表第2行（元或万元）",
    "per_head": "元/人，不随单位行换算",
    "count": "人数，非负整数",
    "share": "比例：0.8、80 或 80% 均表示 80%",
    "date": "日期，如 2024-01-15 或 2024年1月15日",
    "month": "月份，如 2024-01、2024年1月 或 1月（指本年度）",
}

# Data validation per column kind: (type, operator, formula1, formula2, the message on a bad entry).
_VALIDATIONS = {
    "amount": ("decimal", "between", "-1000000000000", "1000000000000",
               "请填写金额（数字，可带两位小数），单位见表头上方的“单位”行。"),
    "per_head": ("decimal", "between", "0", "100000", "请填写人均金额（元/人），如 640。"),
    "count": ("whole", "greaterThanOrEqual", "0", None, "请填写人数（非负整数）。"),
    "share": ("decimal", "between", "0", "100", "请填写比例：0.8、80 或 80% 均表示 80%。"),
    "date": ("date", "greaterThan", "1", None, "请填写日期，如 2024-01-15。"),
}

# What a column means where its header does not say it all: "table.column", else "column".
COLUMN_NOTES = {
    "region": "地区名称，可从下拉列表选择；含合计行的表在最后一行填写“合计”",
    "region_code": "6位行政区划代码，如 150500（可不填）",
    "settlement.enrolled": "申报的6月底参保人数",
    "settlement.over_reported": "经核实多报、虚报的参保人数",
    "settlement.standard": "中央或自治区财政人均补助标准，如 640",
    "settlement.share": "本表所结算资金的本级财政分担比例，如中央财政 80%",
    "settlement.regional_share": "自治区财政分担比例",
    "settlement.entitled": "参保人数 × 补助标准 × 分担比例",
    "settlement.preallocated": "本年度已预拨的补助资金",
    "settlement.arrival_deduction": "因地方财政补助资金不到位扣减的资金",
    "settlement.over_report_deduction": "因多报虚报参保人数扣减的资金",
    "settlement.settlement": "应补助资金减扣减资金再减已预拨资金后，此次结算的补助资金",
    "settlement.next_preallocated": "下一年度预拨的补助资金（ST006 核对）",
    "local_funds.due": "地方财政按规定应到位的补助资金",
    "local_funds.arrived": "截至当年12月31日实际到位的资金（填了资金支付凭证表的，按凭证计算）",
    "performance.indicator": "绩效指标名称，与绩效目标表一致",
    "performance.target": "目标值照表填写，如 0、>68%、6-9个月、100%",
    "performance.actual": "实际完成值；未填的只列示、不评判",
    "documents.doc_no": "资金文件文号，如 内财社〔2024〕12号",
    "documents.region": "文件下达到的地区；下达全区的留空",
    "documents.amount": "文件下达到该地区的金额",
    "documents.received_on": "下级收到文件的日期",
    "documents.parent_doc_no": "据以下达的上级文件文号",
    "documents.income_code": "政府收支分类收入科目，7位代码及名称",
    "documents.expenditure_code": "政府收支分类支出功能科目，7位代码及名称",
    "settlement.note": "可不填",
    "payments.voucher_no": "支付凭证号",
    "payments.paid_on": "资金支付（到账）日期",
    "payments.amount": "支付的金额",
    "payments.source_level": "付款的财政层级",
    "payments.purpose": "资金用途（可不填）",
    "documents.level": "发文单位的财政层级",
    "documents.purpose": "文件的用途",
    "documents.issued_on": "文件印发日期",
    "filings.item": "报送的材料",
    "local_funds.region": "地区名称，可从下拉列表选择；可在最后一行填写“合计”",
    "payments.region": "资金拨付到的地区",
    "payments.payee_account": "收款账户名称；名称含“财政专户”的为基金财政专户",
    "payments.doc_no": "支付所依据的资金文件文号",
    "filings.region": "报送单位所在地区；自治区本级报送的留空",
    "filings.submitted_on": "报送日期（以文件印发或系统上报日期为准）",
    "filings.doc_no": "请示或意见的文号",
    "reward.weight": "经审核的参保人数（分配权重）",
    "reward.allocated": "分配到该地区的奖励补助资金",
    "students.institution": "自治区直属院校名称",
    "students.region": "院校所在盟市",
    "students.students": "经审核的参保学生人数",
    "students.amount": "申报的自治区补助资金",
    "assistance.fund": "城乡医疗救助 或 疾病应急救助；每个地区每项资金一行",
    "assistance.need": "一般需求因素（救助对象人数等）",
    "assistance.tier_share": "按地区分档的分担比例",
    "assistance.performance": "绩效评价结果",
    "assistance.population": "常住人口数",
    "assistance.incidence": "发病率",
    "assistance.fiscal": "财力因素（财政困难程度系数），如 0.9",
    "assistance.allocated": "申报的分配资金",
    "county": "旗（区）或盟本级名称",
    "scheme": "险种：职工 或 居民",
    "month": "所属月份，如 2024-03",
    "roster.person_id": "18位公民身份号码，整列设为文本格式，勿以数字导出",
    "roster.scheme": "险种：居民 或 职工",
    "roster.region_code": "参保地6位区划代码，前4位加 00 即结算该人员的盟市",
    "roster.enrolled_on": "参保日期",
    "deaths.died_on": "死亡日期",
}


def column_note(spec: TableSpec, column: ColumnSpec) -> str:
    return COLUMN_NOTES.get(f"{spec.name}.{column.name}") or COLUMN_NOTES.get(column.name, "")


def choice_words(column: ColumnSpec) -> list[str]:
    """The words a dropdown offers for an enumerated column: each group's first Chinese word,
    which the loader reads as the group's canonical value."""
    words = []
    for group in column.choices:
        chinese = [w for w in group if not w.isascii()]
        words.append(chinese[0] if chinese else group[0])
    return words


def header(spec: TableSpec, name: str) -> str:
    column = spec.column(name)
    return column.aliases[0] if column.aliases else column.label or name


def _region_list(column: ColumnSpec, places: AreaLists) -> tuple[str, ...]:
    """The regions a column names, if it names regions: 地区 columns the area's regions, the
    pooling tables' 旗（区） column a prefecture's counties."""
    return {"region": places.regions, "county": places.counties}.get(column.name, ())


class _Lists:
    """The dropdowns' values, one column each on the hidden sheet; ``reference`` gives the
    range a list validation points at."""

    def __init__(self, workbook) -> None:
        self.sheet = workbook.create_sheet(LISTS_SHEET)
        self.sheet.sheet_state = "hidden"
        self.columns: dict[tuple[str, ...], str] = {}

    def reference(self, title: str, values: list[str]) -> str:
        from openpyxl.utils import get_column_letter

        key = tuple(values)
        if key not in self.columns:
            index = len(self.columns) + 1
            letter = get_column_letter(index)
            self.sheet.cell(row=1, column=index, value=title)
            for row, value in enumerate(values, start=2):
                self.sheet.cell(row=row, column=index, value=value)
            self.columns[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        return self.columns[key]


def _dropdown(lists: _Lists, title: str, values: list[str], strict: bool = True):
    """A list validation; a strict one refuses other words, a loose one (regions: 合计, 市本级 and
    units a rulebook does not list are written too) warns and lets the clerk keep the word."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if strict:
        message, style = f"请从下拉列表中选择{title}。", "stop"
    else:
        message, style = f"“{title}”不在下拉列表中；如为合计行或市本级等单位，可选“是”保留。", "warning"
    return DataValidation(type="list", formula1=lists.reference(title, values), allow_blank=True,
                          showErrorMessage=True, errorStyle=style, errorTitle="请选择列表中的值", error=message)


def _number_validation(kind: str):
    from openpyxl.worksheet.datavalidation import DataValidation

    if kind not in _VALIDATIONS:
        return None
    type_, operator, low, high, message = _VALIDATIONS[kind]
    return DataValidation(type=type_, operator=operator, formula1=low, formula2=high, allow_blank=True,
                          showErrorMessage=True, errorTitle="数据格式不符", error=message)


def _validation(column: ColumnSpec, lists: _Lists, places: AreaLists):
    if column.choices:
        return _dropdown(lists, column.label, choice_words(column))
    if regions := _region_list(column, places):
        return _dropdown(lists, "地区", list(regions), strict=False)
    return _number_validation(column.kind)


def _table_sheet(workbook, spec: TableSpec, lists: _Lists, places: AreaLists) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(spec.label)
    sheet.append([spec.label])
    sheet["A1"].font = Font(bold=True, size=14)
    has_amounts = any(c.kind == "amount" for c in spec.columns)
    sheet.append(["单位：元" if has_amounts else ""])
    sheet.append([header(spec, c.name) for c in spec.columns])
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=FIRST_DATA_ROW - 1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.column_dimensions[letter].width = max(12, 2 * len(cell.value) + 4)
        rule = _validation(column, lists, places)
        if rule is not None:
            rule.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + VALIDATED_ROWS - 1}")
            sheet.add_data_validation(rule)
        if column.kind in _NUMBER_FORMATS:  # the column's style: what a typed cell takes on
            sheet.column_dimensions[letter].number_format = _NUMBER_FORMATS[column.kind]
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"


def manifest_rows(program: Program, jurisdiction: str, year: int, area: str = "") -> list[tuple[str, Any, str]]:
    """The manifest sheet's rows: (key, value as the template fills it, what to write)."""
    rows: list[tuple[str, Any, str]] = [
        ("submission.program", program.name, "项目类型，从下拉列表选择"),
        ("submission.jurisdiction", jurisdiction, "规则库代码，如 nmg（内蒙古自治区）"),
        ("submission.year", year, "结算的运行年度，四位数字，如 2024"),
        ("submission.area", area, "本数据包所列地区的范围：全区（各盟市一行）或某一盟市（其旗县区各一行）；"
                                  "不填的按各表所列地区推断"),
        ("submission.funding_level", FUNDING_LEVEL_WORDS["central"][1], "资金层级：中央财政 或 自治区本级财政"),
        ("submission.submitter", "", "报送单位全称，如 内蒙古自治区财政厅"),
        ("submission.reviewer", "", "审核单位（可不填），如 财政部内蒙古监管局"),
        ("submission.amount_unit", "元", "各表金额的默认单位：元 或 万元（表内单位行优先）"),
    ]
    rows += [(f"tables.{name}", f"#{TABLES[name].label}",
              "本工作簿中的工作表；" + ("必须填写" if name in program.required else "不报送的表保留表头、不填数据即可"))
             for name in program.sheets]
    rows += [(f"tables.{name}", "", f"{TABLES[name].label}的文件名（CSV 或 Parquet，与本工作簿放在同一目录）；不报送的留空")
             for name in program.files]
    rows += [(f"funds.{key}", "", f"{words}；单位同 amount_unit；不涉及的留空") for key, words in program.funds]
    rows += [(f"dates.{key}", "", f"{words}，如 2024-01-20；不涉及的留空") for key, words in program.dates]
    return rows


def _manifest_sheet(workbook, program: Program, jurisdiction: str, year: int, lists: _Lists,
                    places: AreaLists) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = workbook.create_sheet(MANIFEST_SHEET)
    sheet.append(["键", "值", "说明"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    dropdowns = {
        "submission.program": ("项目类型", [p.name for p in PROGRAMS.values()]),
        "submission.funding_level": ("资金层级", [words[1] for words in FUNDING_LEVEL_WORDS.values()]),
        "submission.amount_unit": ("金额单位", list(UNIT_WORDS)),
    }
    if places.areas:
        dropdowns["submission.area"] = ("地区范围", list(places.areas))
    for number, (key, value, note) in enumerate(manifest_rows(program, jurisdiction, year, places.area), start=2):
        sheet.append([key, value, note])
        if key in dropdowns:
            rule = _dropdown(lists, *dropdowns[key])
            rule.add(f"B{number}")
            sheet.add_data_validation(rule)
        elif key == "submission.year":
            rule = DataValidation(type="whole", operator="between", formula1="1990", formula2="2100",
                                  showErrorMessage=True, errorTitle="年度不符", error="请填写四位数字的年度，如 2024。")
            rule.add(f"B{number}")
            sheet.add_data_validation(rule)
        elif key.startswith("dates."):
            sheet[f"B{number}"].number_format = "yyyy-mm-dd"
        elif key.startswith("funds."):
            sheet[f"B{number}"].number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 80


def guide_rows(program: Program) -> list[tuple[str, ...]]:
    """The 填表说明 sheet: general notes, then each sheet and its columns, then the files beside
    the workbook. Rows are (工作表, 列, 必填, 含义, 单位或写法, 可选值)."""
    rows: list[tuple[str, ...]] = [
        ("填表说明",),
        (f"项目类型：{program.name}。本工作簿即数据包：填好后直接运行 auditkit check {WORKBOOK}。",),
        ("submission 工作表是清单：填写运行年度、报送单位等；“值”列中有下拉箭头的，从列表中选择。",),
        ("各表第2行为金额单位（“单位：元”，可改为“单位：万元”）；表头第3行不要改动，数据从第4行起填写；含合计行的表可在最后一行填写“合计”。",),
        ("标为“可留空”的表，不报送时保留表头、不填数据即可：该表视为未报送，依赖它的检查列为“未运行”，其余检查照常进行。标为“必填”的表不得留空。",),
        ("地区、层级、用途、报送事项等有固定取值的列，可从下拉列表选择；地区列表以外的单位（如市本级）可以照写。",),
        (),
        ("工作表", "列", "必填", "含义", "单位或写法", "可选值"),
    ]
    for name in program.sheets:
        rows += _table_guide(TABLES[name], "必填" if name in program.required else "可留空")
    for name in program.files:
        spec = TABLES[name]
        rows.append((f"{spec.label}（文件）", "", "可不报送",
                     f"不放在本工作簿中：另存为 CSV（UTF-8 或 GB18030）或 Parquet 文件，与本工作簿放在同一目录，"
                     f"并在 submission 工作表 tables.{name} 一行填写文件名", "", ""))
        rows += _table_guide(spec, None)[1:]
    rows += [(), ("submission 工作表（清单）", "键", "必填", "含义", "", "")]
    for key, _value, note in manifest_rows(program, "", 0):
        needed = "必填" if key in ("submission.program", "submission.jurisdiction", "submission.year") else ""
        rows.append(("submission", key, needed, note, "", ""))
    return rows


def _table_guide(spec: TableSpec, status: str | None) -> list[tuple[str, ...]]:
    rows = [(spec.label, "", status or "", spec.description or "", "", "")]
    for column in spec.columns:
        writing = KIND_WRITING[column.kind]
        rows.append((spec.label, header(spec, column.name), "必填" if column.required else "",
                     column_note(spec, column) or column.label,
                     writing if not column.choices else "从下拉列表选择",
                     "、".join(choice_words(column))))
    return rows


def _guide_sheet(workbook, program: Program) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(GUIDE_SHEET, 0)
    heading = Font(bold=True)
    shade = PatternFill("solid", fgColor="DDEBF7")
    for number, row in enumerate(guide_rows(program), start=1):
        sheet.append(list(row))
        if len(row) == 1:  # a note: across the whole width, as many lines as it needs
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=6)
            sheet.row_dimensions[number].height = 18 * (1 + len(row[0]) // 90)
        elif len(row) > 2 and (row[0] == "工作表" or (not row[1] and row[2])):
            for cell in sheet[number]:
                cell.font, cell.fill = heading, shade
        for cell in sheet[number]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    widths = (22, 20, 8, 48, 36, 36)
    for letter, width in zip("ABCDEF", widths):
        sheet.column_dimensions[letter].width = width
    for number, row in enumerate(guide_rows(program), start=1):
        if len(row) > 1:  # wrapped cells: a row as tall as its longest text (a 汉字 is 2 units wide)
            lines = max(-(-2 * len(str(text or "")) // (width - 2)) for text, width in zip(row, widths))
            sheet.row_dimensions[number].height = 15 * max(1, lines)
    # printed as a clerk would: landscape, every column on the page's width
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


@dataclass(frozen=True)
class AreaLists:
    """What the template offers for the package's area (auditkit.areas): the area as the
    manifest writes it ('' to let the loader infer it), the areas a manifest may name, and the
    regions a region column lists."""

    area: str = ""
    areas: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()  # a prefecture's 旗县区 and units, for the pooling tables


def area_lists(jurisdiction: str, area: str | None = None) -> AreaLists:
    """The jurisdiction's prefectures (and its own units) for a jurisdiction-wide package, or one
    prefecture's counties and units. Raises PackageError for an area that is neither."""
    from auditkit.areas import PREFECTURE, places
    from auditkit.rulebook import load_rulebook

    rules = load_rulebook(jurisdiction)
    if rules is None or not rules.knows_regions:
        return AreaLists(area or "")
    known = places(rules)
    chosen = known.area(area)
    if chosen is None:
        raise PackageError(f"--area 应为{known.jurisdiction}或其所辖的盟市（如 {next(iter(known.prefectures))}），"
                           f"实为“{area}”")
    areas = (known.jurisdiction, *known.prefectures)
    if chosen.level == PREFECTURE:
        local = tuple(r.name for r in (*known.counties.get(chosen.name, ()), *known.units.get(chosen.name, ())))
        return AreaLists(chosen.name, areas, local, local)
    regions = tuple(r.name for r in (*known.prefectures.values(), *known.units.get(known.jurisdiction, ())))
    return AreaLists(chosen.name if area else "", areas, regions)


def blank_package(program: str, jurisdiction: str = "nmg", year: int | None = None,
                  area: str | None = None) -> dict[str, bytes]:
    """The blank package's files, name -> bytes: one workbook, ``报送数据.xlsx``; ``area`` (a
    prefecture of the jurisdiction) makes it a prefecture's package of its counties.

    Raises PackageError for a program that is not declared (auditkit.programs) or an area that
    is not the jurisdiction or one of its prefectures."""
    from openpyxl import Workbook

    if program not in PROGRAMS:
        raise PackageError(f"未知的项目类型“{program}”，应为 {'、'.join(PROGRAMS)} 之一")
    declared = PROGRAMS[program]
    if not declared.sheets:
        raise PackageError(f"项目类型“{program}”的报送表尚未定义，暂不能生成模板")
    year = year or dt.date.today().year - 1

    workbook = Workbook()
    workbook.remove(workbook.active)
    _guide_sheet(workbook, declared)
    places = area_lists(jurisdiction, area)
    lists = _Lists(workbook)
    _manifest_sheet(workbook, declared, jurisdiction, year, lists, places)
    for name in declared.sheets:
        _table_sheet(workbook, TABLES[name], lists, places)
    workbook.move_sheet(LISTS_SHEET, offset=len(workbook.sheetnames))  # last, out of the way
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return {WORKBOOK: buffer.getvalue()}
