"""Workbook rosters read as a clerk sees them in Excel or WPS (issue 12): merged cells, hidden
sheets and formulas never computed are an export's fault, never the region's. The packages are
fixtures/roster-sheets/* (made by its make.py); counts are worked out by hand from the rows
written there (2023, central funds: 640 元 × 80% = 512 元 per excluded record).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from auditkit.cli import run_check
from auditkit.enrollment import roster_result
from auditkit.errors import PackageError
from auditkit.ids import number_from_key
from auditkit.package import load_package
from auditkit.rulebook import load_rulebook

SHEETS = Path(__file__).resolve().parent.parent / "fixtures" / "roster-sheets"


def _findings(package: Path):
    run = run_check(package, select=["EN", "IN"])
    errors = {(f.code, f.region): f.effect.persons for f in run.findings if f.severity == "error"}
    return run, errors


def _noted(run, code: str = "IN003") -> dict[str, tuple[int, str]]:
    return {f.evidence.where: (f.evidence.count, f.severity) for f in run.findings if f.code == code}


def _manifest(package: Path, roster: str) -> None:
    manifest = package / "submission.toml"
    text = manifest.read_text(encoding="utf-8")
    start = text.index("roster = ")
    manifest.write_text(text[:start] + f"roster = {roster}\n", encoding="utf-8")


# --- merged cells -------------------------------------------------------------------------------

@pytest.mark.parametrize("package", ["merged", "merged-xls", "merged-ods"])
def test_merged_cells_stand_in_every_row_they_span(package):
    """名册 sheet 参保人员名册: a merged title, a 填报单位 line, the header over rows 3–4 (序号, 姓名,
    公民身份号码 merged down; 参保信息 merged over 险种, 参保地区划代码, 参保日期), eight persons in
    rows 5–12, a 合计 row (A13:C13 merged) and a note merged across the table (A14:F14).

    - 险种 D5:D12 merged (居民): 7 cells filled.
    - 参保地区划代码 E5:E8 (150102, 张一…张四) and E9:E11 (150203, 李五…李七): 3 + 2 = 5 filled;
      王八 E12 150102 on its own.
    - 参保日期 F5:F6 (2023-03-01: 张一, 张二) and F9:F10 (2023-07-01: 李五, 李六): 1 + 1 = 2 filled.

    呼和浩特市: 张一…张四, 王八 = 5 records, all kept (declared 5). 包头市: 李五, 李六, 李七 = 3
    records; 李五 and 李六 enrolled 2023-07-01, after June 30: EN010 2; verified 1, declared 3:
    EN009 2 (1,024 元). The 合计 and note rows are no records. Read from the first row of each
    merge only, 5 records would have had no county (EN011) and 李六 no date (EN010 missed).
    The same on .xls and .ods as LibreOffice saved the workbook."""
    run, errors = _findings(SHEETS / package)
    assert errors == {("EN010", "包头市"): 2, ("EN009", "包头市"): 2}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 5, "包头市": 1}
    suffix = package.partition("-")[2] or "xlsx"
    sheet = f"名册.{suffix}#参保人员名册"
    assert _noted(run) == {f"{sheet} “险种”列": (7, "info"), f"{sheet} “参保地区划代码”列": (5, "info"),
                           f"{sheet} “参保日期”列": (2, "info")}
    result = roster_result(load_package(SHEETS / package), load_rulebook("nmg"))
    assert {name: r.records for name, r in result.regions.items() if r.records} == {"呼和浩特市": 5, "包头市": 3}


def test_merged_id_cells_are_refused():
    """merged-ids: 张二's and 张三's 公民身份号码 cells C6:C7 merged — one number over two rows
    cannot be one person each. Refused naming the file, sheet, cells and column."""
    with pytest.raises(PackageError) as refused:
        load_package(SHEETS / "merged-ids")
    error = refused.value
    assert (error.file, error.sheet, error.row) == ("名册.xlsx", "参保人员名册", 6)
    assert error.column == "公民身份号码（C列）"
    assert "C6:C7" in error.message and "取消合并" in error.message


def test_a_merge_reaching_below_the_last_person_makes_no_record(tmp_path):
    """A county cell merged from C2 down to C6 beside two persons (rows 2–3; rows 4–6 empty, as a
    template's formatting leaves them): 2 records, both in 150102, 1 cell filled (C3); rows 4–6
    are no records (no EN001, no EN011)."""
    package = tmp_path / "package"
    shutil.copytree(SHEETS / "merged", package)
    (package / "名册.xlsx").unlink()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名册"
    sheet.append(["公民身份号码", "险种", "参保地区划代码", "参保日期"])
    sheet.append([number_from_key(15010219800101001), "居民", "150102", dt.date(2023, 3, 1)])
    sheet.append([number_from_key(15010219810202002), "居民", None, dt.date(2023, 3, 1)])
    sheet.merge_cells("C2:C6")
    workbook.save(package / "名册.xlsx")
    (package / "settlement.csv").write_text(
        "序号,盟市,参保人数,人均补助标准,应补助资金,已预拨资金,此次结算补助资金,备注\n"
        "1,呼和浩特市,2,640,1024.00,1024.00,0.00,\n", encoding="utf-8")
    run, errors = _findings(package)
    assert errors == {}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 2}
    assert _noted(run) == {"名册.xlsx#名册 “参保地区划代码”列": (1, "info")}


# --- hidden sheets ------------------------------------------------------------------------------

@pytest.mark.parametrize("package", ["hidden", "hidden-xls", "hidden-ods"])
def test_hidden_sheets_are_not_read_unless_named(package):
    """名册 (visible) holds six persons of 150102 enrolled 2023-03-01; 旧版 (hidden) last year's
    three of them, 草稿 (very hidden; hidden in .ods) two; 说明 has no roster header (the same
    workbook also as LibreOffice saves it in .xls and .ods). A clerk
    sees 名册 only: 6 records, all kept; declared 9 (the hidden sheet's three counted again):
    EN009 3. One warning (IN005) names the two sheets left unread; no EN003 from them."""
    run, errors = _findings(SHEETS / package)
    assert errors == {("EN009", "呼和浩特市"): 3}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 6}
    suffix = package.partition("-")[2] or "xlsx"
    assert _noted(run, "IN005") == {f"名册.{suffix}": (2, "warning")} and not _noted(run)
    note = next(f for f in run.findings if f.code == "IN005")
    assert "“旧版”、“草稿”" in note.condition and f"名册.{suffix}#旧版" in note.recommendation


def test_a_hidden_sheet_named_in_the_manifest_is_read(tmp_path):
    """roster = ["名册.xlsx", "名册.xlsx#旧版"]: 名册's six persons and 旧版's three (enrolled
    2022-03-01, the same numbers as 名册's first three): 9 records, EN003 3, verified 6;
    declared 9: EN009 3. Only 草稿 is left unread (IN005, 1)."""
    package = tmp_path / "package"
    shutil.copytree(SHEETS / "hidden", package)
    _manifest(package, '["名册.xlsx", "名册.xlsx#旧版"]')
    run, errors = _findings(package)
    assert errors == {("EN003", "呼和浩特市"): 3, ("EN009", "呼和浩特市"): 3}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 6}
    assert _noted(run, "IN005") == {"名册.xlsx": (1, "warning")}
    assert "“草稿”" in next(f for f in run.findings if f.code == "IN005").condition


def test_a_workbook_whose_roster_sheets_are_all_hidden_is_refused(tmp_path):
    """名册 hidden as well (说明 the only visible sheet): nothing a clerk sees is a roster;
    refused naming the hidden sheets and how to have one read."""
    package = tmp_path / "package"
    shutil.copytree(SHEETS / "hidden", package)
    workbook = openpyxl.load_workbook(package / "名册.xlsx")
    workbook.active = workbook.sheetnames.index("说明")
    workbook["名册"].sheet_state = "hidden"
    workbook.save(package / "名册.xlsx")
    with pytest.raises(PackageError) as refused:
        load_package(package)
    assert refused.value.file == "名册.xlsx"
    assert "“名册”、“旧版”、“草稿”均为隐藏工作表" in refused.value.message
    assert "名册.xlsx#名册" in refused.value.message


# --- formulas -----------------------------------------------------------------------------------

@pytest.mark.parametrize("package, cells", [("uncomputed", ("A4", "D5")), ("placeholder", ("A2", "D3")),
                                            ("uncomputed-ods", ("A2", "D3"))])
def test_formulas_never_computed_are_refused(package, cells):
    """uncomputed (openpyxl, title and 填报单位 lines above the header): 张甲's number written
    ="150102…" in A4 and 张乙's date =DATE(2023,7,1) in D5, saved without values. placeholder
    (XlsxWriter, header on row 1): the same formulas saved with 0 in place of each value, the
    workbook asking to be computed on opening. uncomputed-ods (odfpy, header on row 1): the same
    formulas without office:value. Read as they are, the number would be an invalid
    ID (EN001, 512 元) and the date missing (EN010 missed). Refused naming the cells, their count
    and the first formula, saying to open and save the workbook in Excel or WPS."""
    with pytest.raises(PackageError) as refused:
        load_package(SHEETS / package)
    error = refused.value
    first = cells[0]
    suffix = "ods" if package.endswith("ods") else "xlsx"
    assert (error.file, error.sheet, error.row, error.column) == (f"名册.{suffix}", "名册", int(first[1:]), "A")
    assert error.message.startswith(f"{cells[0]}、{cells[1]}是公式")
    assert "=\"150102" in error.message and "Excel 或 WPS 打开" in error.message


def test_formulas_with_computed_values_are_read_as_their_values():
    """computed: the uncomputed workbook opened and saved by LibreOffice, which computes each
    formula and saves its value: A4 reads 张甲's number, D5 reads 2023-07-01. 6 records in
    150102: 张乙 EN010 1, verified 5 (declared 5); no EN001/EN002 and no IN002."""
    run, errors = _findings(SHEETS / "computed")
    assert errors == {("EN010", "呼和浩特市"): 1}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 5}
    assert not [f for f in run.findings if f.code in ("EN001", "EN002", "IN002")]


def test_values_saved_under_calculate_on_opening_are_read(tmp_path):
    """A program that computes its formulas itself and saves the results (XlsxWriter given
    each value) still asks to be computed on opening; only 0 or an empty value there is the
    placeholder. 张甲's ="…" saved with his number, 张乙's =DATE(2023,7,1) with 45108
    (2023-07-01: 45108 − 44927 = 181 days after 2023-01-01): read as written, as in
    test_formulas_with_computed_values_are_read_as_their_values: EN010 1, verified 5."""
    import xlsxwriter

    package = tmp_path / "package"
    shutil.copytree(SHEETS / "computed", package)
    workbook = xlsxwriter.Workbook(str(package / "名册.xlsx"))
    sheet = workbook.add_worksheet("名册")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["公民身份号码", "险种", "参保地区划代码", "参保日期"])
    numbers = [number_from_key(int(f"15010219750{m}1{m}{10 + m:03d}")) for m in range(1, 7)]
    for r, number in enumerate(numbers, start=1):
        if r == 1:
            sheet.write_formula(r, 0, f'="{number}"', None, number)
        else:
            sheet.write_string(r, 0, number)
        sheet.write_row(r, 1, ["居民", "150102"])
        if r == 2:
            sheet.write_formula(r, 3, "=DATE(2023,7,1)", dates, 45108)
        else:
            sheet.write_datetime(r, 3, dt.datetime(2023, 3, 1), dates)
    workbook.close()
    run, errors = _findings(package)
    assert errors == {("EN010", "呼和浩特市"): 1}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 5}
