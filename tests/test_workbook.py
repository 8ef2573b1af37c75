"""The working papers (issue 16): live formulas with their values, the records behind each
finding, columns that are always empty left out.

Figures of the demo (fixtures/demo-nmg-2025/settlement.csv), worked by hand:
- 通辽市: 2,403,519 persons × 700 元 × 80% = 1,345,970,640.00 元 应补助资金; less 1,343,536,080.00
  preallocated = 2,434,560.00 元 to settle; declared −55,249,896.00, a difference of 57,684,456.00.
  With the stale standard of 670 元 (2024's) instead: 2,403,519 × 670 × 80% = 1,288,286,184.00 元,
  the figure 通辽市 declared.
- 鄂尔多斯市: 1,053,288 declared − 1,200 over-reported = 1,052,088 persons; over-report deduction
  1,200 × 700 × 80% × 5% = 33,600.00 元.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from auditkit import Effect, Evidence, Finding
from auditkit.cli import demo_package, run_check
from auditkit.grid import read_grid
from auditkit.report import workbook_bytes

FULL_ID = "150102199001011234"


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    result = run_check(demo_package())
    roster = Finding(
        condition="包头市参保人员名册中有5,000人重复登记。", recommendation="核减重复登记的参保人数。",
        region="包头市", subject="person", effect=Effect(Decimal("512.00"), 5000),
        evidence=Evidence(count=5000, where="roster.csv",
                          rows=[{"身份证号": FULL_ID, "参保日期": "2023-01-05", "姓名": None},
                                {"身份证号": "150102199202023456", "参保日期": "2023-03-01", "姓名": None}]))
    roster.code, roster.title, roster.severity = "EN003", "同一人员在同一地区重复参保", "error"
    result.findings.append(roster)
    data = workbook_bytes(result)
    path = tmp_path_factory.mktemp("papers") / "底稿.xlsx"
    path.write_bytes(data)
    return {"formulas": load_workbook(io.BytesIO(data)), "values": load_workbook(io.BytesIO(data), data_only=True),
            "path": path}


def _table(sheet):
    """The 核定结果 table: header row index, {header: column letter}, {region: row number}."""
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "地区")
    columns = {cell.value: cell.column_letter for cell in sheet[header] if cell.value}
    regions = {sheet[f"A{r}"].value: r for r in range(header + 1, sheet.max_row + 1) if sheet[f"A{r}"].value}
    return columns, regions


def _evaluate(sheet, reference: str, overrides: dict[str, float] | None = None, depth: int = 0) -> float:
    """Excel's arithmetic for the formulas the papers use (+ − × ÷, IF, MAX, SUM of a column
    range), evaluated from the sheet's inputs: an independent reading of what a spreadsheet
    program computes."""
    overrides = overrides or {}
    key = reference.replace("$", "")
    if key in overrides:
        return overrides[key]
    value = sheet[key].value
    if not (isinstance(value, str) and value.startswith("=")):
        return float(value or 0)
    assert depth < 20
    formula = value[1:]

    def total(match):
        column, first, last = match.group(1), int(match.group(2)), int(match.group(3))
        return repr(sum(_evaluate(sheet, f"{column}{r}", overrides, depth + 1) for r in range(first, last + 1)))

    formula = re.sub(r"SUM\(([A-Z]+)(\d+):[A-Z]+(\d+)\)", total, formula)
    formula = re.sub(r"\$?([A-Z]+)\$?(\d+)", lambda m: repr(_evaluate(sheet, m.group(1) + m.group(2), overrides, depth + 1)),
                     formula)
    formula = formula.replace("IF(", "_if(").replace("MAX(", "max(")
    return eval(formula, {"_if": lambda c, a, b: a if c else b, "max": max})  # noqa: S307 (our own formulas)


def test_every_computed_figure_is_a_formula_that_gives_its_value(papers):
    """Each formula, evaluated from the inputs, gives the value stored with it (to the fen), so
    a viewer that does not recalculate shows the same figures as one that does."""
    formulas, values = papers["formulas"]["核定结果"], papers["values"]["核定结果"]
    columns, regions = _table(formulas)
    checked = 0
    for row in formulas.iter_rows(min_row=min(regions.values())):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                stored = values[cell.coordinate].value
                assert isinstance(stored, (int, float)), cell.coordinate
                assert _evaluate(formulas, cell.coordinate) == pytest.approx(stored, abs=0.005), cell.coordinate
                checked += 1
    assert checked > 12 * 8  # each of the 12 regions has at least eight computed figures
    r = regions["通辽市"]
    assert formulas[f"{columns['应补助资金（元）']}{r}"].value == (
        f"={columns['核定参保人数（人）']}{r}*$B$3*{columns['分担比例']}{r}")
    assert values[f"{columns['应补助资金（元）']}{r}"].value == 1345970640.00
    assert values[f"{columns['此次结算补助资金（元）']}{r}"].value == 2434560.00
    assert values[f"{columns['此次结算差额（核定−申报，元）']}{r}"].value == 57684456.00
    e = regions["鄂尔多斯市"]
    assert values[f"{columns['核定参保人数（人）']}{e}"].value == 1052088
    assert values[f"{columns['虚报扣减资金（元）']}{e}"].value == 33600.00


def test_an_auditor_changes_an_input_and_the_figures_follow(papers):
    """Put 2024's standard, 670 元, in the parameter cell: 通辽市's 应补助资金 becomes what it
    declared, 1,288,286,184.00 元."""
    sheet = papers["formulas"]["核定结果"]
    columns, regions = _table(sheet)
    assert sheet["A3"].value == "人均补助标准（元/人）（2025年）" and sheet["B3"].value == 700
    r = regions["通辽市"]
    entitled = f"{columns['应补助资金（元）']}{r}"
    assert _evaluate(sheet, entitled, {"B3": 670}) == pytest.approx(1288286184.00)
    settlement = f"{columns['此次结算补助资金（元）']}{r}"
    assert _evaluate(sheet, settlement, {"B3": 670}) == pytest.approx(1288286184.00 - 1343536080.00)


def test_headers_carry_units_and_parameters_their_rule(papers):
    sheet = papers["formulas"]["核定结果"]
    columns, _regions = _table(sheet)
    money = [h for h in columns if "资金" in h and h != "计算依据"]
    assert money and all(h.endswith("元）") for h in money)
    assert all(h.endswith("（人）") for h in columns if "人数" in h)
    citations = {sheet[f"A{r}"].value: sheet[f"C{r}"].value for r in range(3, 7)}
    assert citations["中央财政分担比例"] == "内财社〔2025〕357号 第五条"
    assert citations["多报虚报扣减比例"] == "内财社〔2025〕357号 第十条"
    assert "第十条" in sheet["A8"].value  # the formulas in words, with their article


def test_auditkit_reads_the_stored_values(papers):
    """auditkit's own workbook reader (``auditkit.grid``: the values cached with the formulas)
    sees numbers, not blanks."""
    grid = read_grid(papers["path"], "核定结果", "底稿.xlsx")
    header = next(i for i, row in enumerate(grid.rows) if row and row[0].text == "地区")
    names = [cell.text for cell in grid.rows[header]]
    tongliao = next(row for row in grid.rows[header + 1:] if row and row[0].text == "通辽市")
    assert tongliao[names.index("应补助资金（元）")].value == 1345970640.0
    total = next(row for row in grid.rows[header + 1:] if row and row[0].text == "合计")
    assert total[names.index("核定参保人数（人）")].value == 16425054  # the settlement's 合计 less 1,200


def test_evidence_lists_the_records_behind_each_finding(papers):
    """AR001 兴安盟 rests on payments.csv: its sheet lists 兴安盟's vouchers (four), not one line;
    FE001 lists settlement.csv row 8 with the columns as headed in the file."""
    values = papers["values"]
    ar001 = values["证据-AR001"]
    headers = [c.value for c in ar001[1]]
    assert headers[:5] == ["地区", "问题", "数据位置", "涉及记录数", "行号"]
    vouchers = [row for row in ar001.iter_rows(min_row=2, values_only=True)]
    assert len(vouchers) == 4 and {row[headers.index("地区（B列）")] for row in vouchers} == {"兴安盟"}
    fe001 = values["证据-FE001"]
    headers = [c.value for c in fe001[1]]
    row = [c.value for c in fe001[2]]
    assert row[headers.index("行号")] == 8 and row[headers.index("多报虚报参保人数（D列）")] == 1200
    assert row[headers.index("虚报扣减资金（J列）")] == 67200  # 鄂尔多斯市 declared 1,200 × 700 × 80% × 10%


def test_evidence_masks_ids_caps_with_a_count_and_drops_empty_columns(papers):
    sheet = papers["values"]["证据-EN003"]
    headers = [c.value for c in sheet[1]]
    assert "姓名" not in headers  # no record has a name
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    ids = [row[headers.index("身份证号")] for row in rows if row[headers.index("身份证号")]]
    assert ids == ["150102********1234", "150102********3456"]
    assert rows[-1][headers.index("说明")] == "另有4,998条记录未列出（共5,000条）"
    st003 = papers["values"]["证据-ST003"]
    assert "备注（L列）" not in [c.value for c in st003[1]]  # 乌海市's note is empty: the finding


def test_workbook_of_an_allocation_keeps_difference_formulas(fixtures):
    from tests.conftest import audit

    result = audit("assistance-al001-broken")
    data = workbook_bytes(result)
    formulas = load_workbook(io.BytesIO(data))["核定结果"]
    values = load_workbook(io.BytesIO(data), data_only=True)["核定结果"]
    differences = [(c.coordinate, c.value) for row in formulas.iter_rows(min_row=2) for c in row
                   if isinstance(c.value, str) and c.value.startswith("=")]
    assert differences
    for coordinate, _formula in differences:
        assert _evaluate(formulas, coordinate) == pytest.approx(values[coordinate].value, abs=0.005)



@pytest.mark.parametrize("package", ["tacheng-2020", "roster-nmg-2023", "ar001-reward-students-broken",
                                     "fe001-broken", "settlement-wan-standard"])
def test_formulas_give_their_values_in_every_kind_of_settlement(package):
    """A regional-funding settlement (塔城, xj), counts verified from a roster, universities'
    students and reward money in the local money due, an over-report deduction, a standard
    written in 万元: whichever inputs a package has, each formula gives the value stored with it."""
    from tests.conftest import audit

    data = workbook_bytes(audit(package))
    formulas = load_workbook(io.BytesIO(data))["核定结果"]
    values = load_workbook(io.BytesIO(data), data_only=True)["核定结果"]
    cells = [c.coordinate for row in formulas.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells
    for coordinate in cells:
        assert _evaluate(formulas, coordinate) == pytest.approx(values[coordinate].value, abs=0.005), coordinate
