"""Tables as offices lay them out (issue 10): units, headers, rows and totals read as a person
reads them, or refused naming the cell. Each fixture is a real layout with made-up figures; each
expected figure is worked by hand in the docstring."""

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from auditkit import PackageError, load_package
from auditkit.errors import PackageErrors
from tests.conftest import FIXTURES, audit, only


def _ours(result):
    """The findings, without MT001's list of material the package does not include."""
    return [f for f in result.findings if f.code != "MT001"]

SETTLEMENT_HEADER = "地区,参保人数,应补助资金,已预拨资金,此次结算补助资金"


def _package(tmp_path, csv_text: str, table: str = "settlement", encoding: str = "utf-8", **submission) -> Path:
    """A one-table 2023 nmg central package whose table is ``csv_text``."""
    package = tmp_path / "p"
    package.mkdir()
    fields = {"program": "resident-subsidy", "jurisdiction": "nmg", "year": 2023, "funding_level": "central", **submission}
    lines = ["[submission]"] + [f"{k} = {v!r}".replace("'", '"') for k, v in fields.items()]
    lines += ["", "[tables]", f'{table} = "{table}.csv"']
    (package / "submission.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (package / f"{table}.csv").write_text(csv_text, encoding=encoding)
    return package


def _refusal(package) -> PackageError:
    with pytest.raises(PackageError) as caught:
        load_package(package)
    return caught.value


# --- 1. units ---------------------------------------------------------------------------------

def test_the_issue_example_unit_line_reads_wan_and_keeps_persons():
    """"单位:人、万元" above the header, nothing else: 512.00 万元 = 5,120,000 元 for 呼和浩特市, its
    10,000 persons not scaled; 10,000 × 640 元 (2023) × 80% = 5,120,000, so ST002 holds, and the
    合计 36.00 万元 = 12.00 + 24.00. No finding at all."""
    result = audit("layout-unit-line")
    table = result.submission.table("settlement")
    first = table.rows()[0]
    assert (first["enrolled"], first["entitled"], first["_tol_entitled"]) == (10000, Decimal("5120000"), Decimal("50"))
    assert table.unit == "wan" and _ours(result) == []


def test_a_dropped_unit_line_is_named_by_in001_with_the_likely_unit():
    """The same figures without the unit line read as 元 (the package's unit): 512.00 元 against
    10,000 × 640 × 80% = 5,120,000 元 is 10^-4 of it (and 1,024 against 10,240,000 for 包头市), so
    IN001 warns that the table's amounts are about 10,000 times too small and names 万元."""
    result = audit("layout-unit-dropped")
    [finding] = only(result, "IN001")
    assert finding.severity == "warning"
    assert "万元" in finding.condition and "10^-4" in finding.condition and "结算分配表" in finding.condition
    assert finding.figures["likely_unit"] == "万元" and finding.evidence.count == 2
    assert only(audit("layout-unit-line"), "IN001") == []


@pytest.mark.parametrize("line", ["单位：万元", "单位:万元、人", "金额单位：万元", "（单位：万元）",
                                  "2023年结算表（单位：万元）", "2023年结算表(万元)", "填报单位：某市财政局　　单位：万元"])
def test_every_unit_line_form_reads_wan(tmp_path, line):
    """Each way of stating 万元 above the header: 512.00 is 5,120,000 元."""
    package = _package(tmp_path, f"{line}\n{SETTLEMENT_HEADER}\n呼和浩特市,10000,512.00,500.00,12.00\n")
    assert load_package(package).table("settlement").rows()[0]["entitled"] == Decimal("5120000")


@pytest.mark.parametrize("header", ["应补助资金（万元）", "应补助资金(万元)", "应补助资金万元", "应补助资金（单位：万元）"])
def test_a_unit_in_the_header_cell_scales_that_column(tmp_path, header):
    """A header's own unit: 512.00 in that column is 5,120,000 元, the other columns stay 元."""
    package = _package(tmp_path, f"地区,参保人数,{header},已预拨资金,此次结算补助资金\n呼和浩特市,10000,512.00,5000000,120000\n")
    row = load_package(package).table("settlement").rows()[0]
    assert row["entitled"] == Decimal("5120000") and row["preallocated"] == Decimal("5000000")


def test_a_count_in_wan_persons_is_scaled_and_money_units_never_scale_counts(tmp_path):
    """"单位：万人、万元": 参保人数 1.0000 万人 = 10,000 persons (tolerance half of 0.0001 万人 = 0.5
    person), 512.00 万元 = 5,120,000 元. Under "单位：万元" alone 10000 stays 10,000 persons."""
    package = _package(tmp_path, f"单位：万人、万元\n{SETTLEMENT_HEADER}\n呼和浩特市,1.0000,512.00,500.00,12.00\n")
    row = load_package(package).table("settlement").rows()[0]
    assert row["enrolled"] == 10000 and row["_tol_enrolled"] == Decimal("0.5") and row["entitled"] == Decimal("5120000")
    shutil.rmtree(tmp_path / "p")
    package = _package(tmp_path, f"单位：万元\n{SETTLEMENT_HEADER}\n呼和浩特市,10000,512.00,500.00,12.00\n")
    assert load_package(package).table("settlement").rows()[0]["enrolled"] == 10000


def test_a_unit_written_in_the_cell_wins(tmp_path):
    """"512万元" in a 元 table is 5,120,000 元, written to the whole 万元 (tolerance 5,000 元)."""
    package = _package(tmp_path, f"{SETTLEMENT_HEADER}\n呼和浩特市,10000,512万元,5000000,120000\n")
    row = load_package(package).table("settlement").rows()[0]
    assert (row["entitled"], row["_tol_entitled"]) == (Decimal("5120000"), Decimal("5000"))


def test_a_unit_cell_beside_the_header_or_a_note_under_the_table_states_the_unit(tmp_path):
    """"单位：万元" in the header row's last cell, or "注：本表金额单位为万元" under the table, states the
    table's unit as a unit line does: 512.00 is 5,120,000 元."""
    package = _package(tmp_path, f"{SETTLEMENT_HEADER},单位：万元\n呼和浩特市,10000,512.00,500.00,12.00,\n")
    assert load_package(package).table("settlement").rows()[0]["entitled"] == Decimal("5120000")
    shutil.rmtree(tmp_path / "p")
    package = _package(tmp_path, f"{SETTLEMENT_HEADER}\n呼和浩特市,10000,512.00,500.00,12.00\n注：本表金额单位为万元。,,,,\n")
    assert load_package(package).table("settlement").rows()[0]["entitled"] == Decimal("5120000")


def test_unit_statements_that_disagree_are_refused(tmp_path):
    """"单位：万元" above and "金额单位为元" below: a person could not tell which holds."""
    error = _refusal(_package(tmp_path, f"单位：万元\n{SETTLEMENT_HEADER}\n呼和浩特市,10000,512.00,500.00,12.00\n说明：金额单位为元,,,,\n"))
    assert error.row == 4 and "矛盾" in error.message


def test_a_unit_line_that_cannot_be_read_is_refused_naming_its_cell(tmp_path):
    """"单位：万美元" starts like a unit line but names no unit auditkit reads: refused at row 1, A."""
    error = _refusal(_package(tmp_path, f"单位：万美元\n{SETTLEMENT_HEADER}\n呼和浩特市,10000,512.00,500.00,12.00\n"))
    assert (error.row, error.column) == (1, "A列") and "万美元" in error.message


# --- 2. headers ---------------------------------------------------------------------------------

def test_a_merged_header_saved_to_csv_with_notes_and_a_total_in_the_serial_column():
    """fixtures/layout-merged-csv (GB18030): the header is rows 3–4 (资金情况 over five leaves), the
    unit 万元 ends the title, 合 计 stands first in the 序号 column with the region cell empty,
    signatures and a 说明 line follow. Two regions are read (10,000 and 20,000 persons); the
    合计 row is the total; the unknown column 本次实际拨付 is kept, and since it is 0 + 0 in the
    rows but 660.56 万元 = 6,605,600 元 in the 合计 row, ST004 reports a difference of 660.56 万元.
    Every other figure agrees (512 + 1,024 = 1,536; 10,000 × 640 × 80% = 5,120,000 元)."""
    result = audit("layout-merged-csv")
    table = result.submission.table("settlement")
    assert [r["region"] for r in table.rows()] == ["呼和浩特市", "包头市"]
    assert table.total["_row"] == 5 and table.total["entitled"] == Decimal("15360000")
    [finding] = [f for f in result.findings if f.severity == "error"]
    assert finding.code == "ST004" and "本次实际拨付" in finding.condition
    assert finding.figures["difference"] == Decimal("6605600") and "660.56万元" in finding.condition
    assert [f.code for f in _ours(result)] == ["ST004"]


def test_header_words_with_years_document_numbers_units_and_qualifiers():
    """fixtures/layout-years-docs: 单位名称 is the region; 2023年6月底参保人数 the count;
    内财社〔2022〕88号已预拨资金 the pre-allocation; 本次下达结算资金 the settlement; 2024年预拨资金 in a
    2023 settlement is next year's pre-allocation: 1,000 × 670 (2024) × 80% = 536,000 元 = 53.60
    万元, as declared, so ST006 holds; no finding."""
    result = audit("layout-years-docs")
    row = result.submission.table("settlement").rows()[0]
    assert row["next_preallocated"] == Decimal("536000") and row["preallocated"] == Decimal("500000")
    assert row["settlement"] == Decimal("12000")
    assert _ours(result) == [] and not [s for s in result.skipped if s.code == "ST006"]


def test_a_header_year_that_is_not_the_package_year_is_not_read_as_this_year(tmp_path):
    """"2022年已预拨资金" in a 2023 package is last year's figure: the required 已预拨资金 is missing,
    and the refusal says why."""
    error = _refusal(_package(tmp_path, "地区,应补助资金,2022年已预拨资金,此次结算补助资金\n呼和浩特市,512000,500000,12000\n"))
    assert "已预拨资金" in error.message and "2022年" in error.message


@pytest.mark.parametrize("region", ["县区", "旗县区", "县（市、区）", "单位名称", "旗县（市、区）", "盟市名称"])
def test_region_headers_forms_use(tmp_path, region):
    package = _package(tmp_path, f"{region},参保人数,应补助资金,已预拨资金,此次结算补助资金\n呼和浩特市,1000,512000,500000,12000\n")
    assert load_package(package).table("settlement").rows()[0]["region"] == "呼和浩特市"


def test_two_funding_levels_under_merged_parents_are_read_for_the_package_level():
    """fixtures/layout-two-levels: 中央 and 自治区 columns under merged parents; central reads D–F
    (呼和浩特市 512,000 = 1,000 × 640 × 80%), IN004 names both sets, the 其中：市本级 row is not a
    region and the 全区合计 row (merged over A:B) is the total: 1,000 + 2,000 + 500 = 3,500 persons,
    the 自治区 columns add up too (64,000 + 128,000 + 32,000 = 224,000): no ST finding."""
    result = audit("layout-two-levels")
    table = result.submission.table("settlement")
    assert [r["region"] for r in table.rows()] == ["呼和浩特市", "包头市", "乌海市"]
    assert table.rows()[0]["entitled"] == Decimal("512000") and table.total["_row"] == 9
    assert [f.code for f in _ours(result)] == ["IN004"]
    assert "D列" in _ours(result)[0].condition and "G列" in _ours(result)[0].condition


def test_the_two_level_table_of_a_regional_package_reads_the_regional_columns(tmp_path):
    """The same workbook with funding_level = regional: 呼和浩特市's 应补助资金 is G5, 64,000."""
    package = tmp_path / "p"
    shutil.copytree(FIXTURES / "layout-two-levels", package)
    manifest = package / "submission.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"central"', '"regional"'), encoding="utf-8")
    assert load_package(package).table("settlement").rows()[0]["entitled"] == Decimal("64000")


def test_a_column_of_the_other_level_alone_is_refused(tmp_path):
    """Only 自治区 columns in a central package: reading them as central money would be a silent
    wrong figure, so the header cell is named and the load refused."""
    error = _refusal(_package(tmp_path, "地区,自治区应补助资金,自治区已预拨资金,此次结算补助资金\n呼和浩特市,64000,60000,4000\n"))
    assert "自治区" in error.message and "funding_level" in error.message


def test_a_units_row_and_a_column_number_row_under_the_header_are_part_of_it(tmp_path):
    """Forms print a row of units (人, 万元) or of column numbers (甲, 1, 2, 3…) under the header:
    neither is a region; the units row's 万元 scales its columns (512.00 万元 = 5,120,000 元)."""
    text = (f"{SETTLEMENT_HEADER}\n,人,万元,万元,万元\n甲,1,2,3,4\n呼和浩特市,10000,512.00,500.00,12.00\n")
    rows = load_package(_package(tmp_path, text)).table("settlement").rows()
    assert [r["region"] for r in rows] == ["呼和浩特市"] and rows[0]["entitled"] == Decimal("5120000")


# --- 3. rows that are not data ---------------------------------------------------------------

@pytest.mark.parametrize("label", ["合计", "总计", "全区合计", "全市合计", "全盟合计", "合计：", "合 计", "合计(元)", "总 计"])
def test_every_total_wording_is_the_total_never_a_region(tmp_path, label):
    """A total whose 应补助资金 is 1,000 off the one region (512,000 vs 513,000): ST004 finds it
    whatever its wording, and the regions are only 呼和浩特市."""
    text = f"{SETTLEMENT_HEADER}\n呼和浩特市,1000,512000.00,500000.00,12000.00\n{label},1000,513000.00,500000.00,12000.00\n"
    result = audit(_package(tmp_path, text), "ST004")
    assert [r["region"] for r in result.submission.table("settlement").rows()] == ["呼和浩特市"]
    [finding] = only(result, "ST004")
    assert finding.figures["difference"] == Decimal("1000")


def test_a_total_of_a_wan_table_is_quoted_in_wan(tmp_path):
    """A table filed in 万元 whose 全区合计 此次结算补助资金 reads 3.90 against its rows' 1.20 + 2.40
    = 3.60: off by 0.30万元, beyond the half-units of the three figures (3 × 0.005万元 = 150 元).
    ST004 quotes all three figures in 万元, as filed, with the two decimals written."""
    text = ("单位:人、万元\n序号,盟市,参保人数,应补助资金,已预拨资金,此次结算补助资金\n"
            "1,呼和浩特市,1000,51.20,50.00,1.20\n2,包头市,2000,102.40,100.00,2.40\n"
            "全区合计,,3000,153.60,150.00,3.90\n填表人：张某,,审核人：李某\n")
    [finding] = only(audit(_package(tmp_path, text), "ST004"), "ST004")
    assert finding.figures["difference"] == Decimal("3000")
    assert "为3.90万元，各地区之和为3.60万元，相差0.30万元" in finding.condition


def test_notes_after_the_table_and_data_after_notes(tmp_path):
    """Signature and note lines under the table are not rows; a region's figures below a 说明 line
    are refused (a person could not tell them from the notes), naming the row."""
    base = f"{SETTLEMENT_HEADER}\n呼和浩特市,1000,512000,500000,12000\n"
    package = _package(tmp_path, base + "填表人：张三,审核人：李四,,,\n填报日期：2024年1月15日,,,,\n说明：本表为示例。,,,,\n")
    assert len(load_package(package).table("settlement").rows()) == 1
    shutil.rmtree(tmp_path / "p")
    error = _refusal(_package(tmp_path, base + "说明：本表为示例。,,,,\n包头市,2000,1024000,1000000,24000\n"))
    assert error.row == 4


def test_a_bare_qizhong_marker_is_refused(tmp_path):
    """A "其中：" row with no figures leaves the rows under it ambiguous (parts or regions?)."""
    error = _refusal(_package(tmp_path, f"{SETTLEMENT_HEADER}\n包头市,2000,1024000,1000000,24000\n其中：,,,,\n市本级,800,409600,400000,9600\n"))
    assert error.row == 3 and "其中" in error.message


def test_a_subtotal_is_checked_against_its_rows_and_kept_out_of_the_total():
    """fixtures/layout-subtotals-broken: the second 小计's 应补助资金 is 1,025,000 but its rows give
    256,000 + 768,000 = 1,024,000: one ST004 finding of 1,000 元 at row 9. The 合计 2,560,000 =
    512,000 + 1,024,000 + 256,000 + 768,000 (the 小计 rows not added again) agrees. The ok twin
    gives nothing."""
    result = audit("layout-subtotals-broken", "ST004")
    [finding] = only(result, "ST004")
    assert finding.figures["difference"] == Decimal("1000") and "第9行" in finding.evidence.where
    assert "小计" in finding.condition
    assert only(audit("layout-subtotals-ok", "ST004"), "ST004") == []
    assert _ours(audit("layout-subtotals-ok")) == []


def test_a_repeated_header_row_is_not_a_region(tmp_path):
    text = f"{SETTLEMENT_HEADER}\n呼和浩特市,1000,512000,500000,12000\n{SETTLEMENT_HEADER}\n包头市,2000,1024000,1000000,24000\n"
    rows = load_package(_package(tmp_path, text)).table("settlement").rows()
    assert [r["region"] for r in rows] == ["呼和浩特市", "包头市"]


def test_a_total_row_of_a_payments_table(tmp_path):
    """A 合计 under the payment vouchers (in the 凭证号 column): not a voucher; it is checked. The
    vouchers give 5,000,000 + 4,600,000 = 9,600,000 but the 合计 says 9,700,000: ST004, 100,000 元."""
    text = ("凭证号,地区,支付日期,金额,付款层级,收款账户\n"
            "P001,呼和浩特市,2023-08-08,5000000.00,自治区,呼和浩特市专用资金账户\n"
            "P002,包头市,2023-08-08,4600000.00,自治区,包头市专用资金账户\n"
            "合计,,,9700000.00,,\n")
    result = audit(_package(tmp_path, text, table="payments"), "ST004")
    assert len(result.submission.table("payments").rows()) == 2
    [finding] = only(result, "ST004")
    assert finding.figures["difference"] == Decimal("100000")


# --- 7. every problem in one pass ---------------------------------------------------------------

def test_every_problem_of_a_package_is_listed_in_one_pass(tmp_path):
    """Three unreadable cells in the settlement table and one in local_funds: all four are
    reported, in reading order, each with its file, row and column."""
    package = _package(tmp_path, f"{SETTLEMENT_HEADER}\n呼和浩特市,一千,512000,500000,12000\n包头市,2000,abc,1000000,24000\n"
                                 "乌海市,500,256000,250000,六千\n")
    (package / "local_funds.csv").write_text("地区,应到位资金,实际到位资金\n呼和浩特市,64000,x\n", encoding="utf-8")
    manifest = package / "submission.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + 'local_funds = "local_funds.csv"\n', encoding="utf-8")
    error = _refusal(package)
    assert isinstance(error, PackageErrors) and error.total == 4
    assert [(p.file, p.row) for p in error.problems] == [
        ("local_funds.csv", 2), ("settlement.csv", 2), ("settlement.csv", 3), ("settlement.csv", 4)]
    text = str(error)
    assert "4处问题" in text and "参保人数（B列）" in text and "此次结算补助资金（E列）" in text


def test_problems_beyond_fifty_are_counted(tmp_path):
    """60 regions whose 参保人数 reads "x": 50 are listed, then "另有10处"."""
    rows = "".join(f"地区{i},x,1,1,0\n" for i in range(60))
    error = _refusal(_package(tmp_path, SETTLEMENT_HEADER + "\n" + rows))
    assert error.total == 60 and len(error.problems) == 50 and "另有10处" in str(error)


# --- 6. document numbers --------------------------------------------------------------------------

@pytest.mark.parametrize("note", ["从广财社[2015]125号文件扣回", "从某财社【2016】12号文件扣回", "从某财社(2017)3号文件扣回",
                                  "从某财社（2017）3 号文件扣回", "从内财社〔2023〕45号文件扣回", "从某财社［2018］7号扣回"])
def test_a_clawback_naming_a_document_in_any_bracket_form_is_marked(tmp_path, note):
    """包头市's −11,376.00 is marked 扣回 with a document number: no ST003 finding, whatever brackets."""
    package = tmp_path / "p"
    shutil.copytree(FIXTURES / "settlement-ok", package)
    path = package / "settlement.csv"
    text = path.read_text(encoding="utf-8").replace("从内财社〔2023〕45号文件扣回", note)
    path.write_text(text, encoding="utf-8")
    assert only(audit(package, "ST003"), "ST003") == []


def test_a_clawback_without_a_document_number_still_warns(tmp_path):
    package = tmp_path / "p"
    shutil.copytree(FIXTURES / "settlement-ok", package)
    path = package / "settlement.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("从内财社〔2023〕45号文件扣回", "从上年资金中扣回"), encoding="utf-8")
    [finding] = only(audit(package, "ST003"), "ST003")
    assert finding.subject == "clawback-document"


def test_the_published_tacheng_table_still_gives_no_error():
    """The 塔城 package carries one planted problem of each direct-fund code (DF001, DF002: the
    tag along the chain of documents, seed 004); its published allocation table itself, read as
    printed, gives no error."""
    errors = [f.code for f in audit("tacheng-2020").findings if f.severity == "error"]
    assert sorted(errors) == ["DF001", "DF002"]


def test_invisible_characters_are_taken_out_and_reported(tmp_path):
    """A zero-width space after 呼和浩特市 and inside 512000 (pasted from a web page): read as
    呼和浩特市 and 512,000, and IN003 names the two columns, one row each."""
    text = f"{SETTLEMENT_HEADER}\n呼和浩特市\u200b,1000,512\u200b000,500000,12000\n"
    result = audit(_package(tmp_path, text), "IN003,ST005")
    row = result.submission.table("settlement").rows()[0]
    assert (row["region"], row["entitled"]) == ("呼和浩特市", Decimal("512000"))
    notes = only(result, "IN003")
    assert len(notes) == 2 and all(n.evidence.count == 1 for n in notes)
    assert only(result, "ST005") == []


def test_totals_of_other_wordings_and_a_part_of_a_region(tmp_path):
    """"全区" alone is the region-wide total; "其中：市本级" under 包头市 is a part (800 of its 2,000
    persons), not an addend: the total 3,000 = 1,000 + 2,000 holds."""
    text = (f"{SETTLEMENT_HEADER}\n全区,3000,1536000,1500000,36000\n呼和浩特市,1000,512000,500000,12000\n"
            "包头市,2000,1024000,1000000,24000\n其中：市本级,800,409600,400000,9600\n")
    result = audit(_package(tmp_path, text), "ST004")
    assert [r["region"] for r in result.submission.table("settlement").rows()] == ["呼和浩特市", "包头市"]
    assert only(result, "ST004") == []


def test_indicators_of_a_performance_table_are_never_totals_or_parts(tmp_path):
    """A 绩效目标表 has no figures to add: "其中：中央补助资金" and "资金合计" are indicators."""
    text = "地区,三级指标,指标值\n塔城地区,资金合计,5031万元\n塔城地区,其中：中央补助资金,4000万元\n"
    rows = load_package(_package(tmp_path, text, table="performance")).table("performance").rows()
    assert [r["indicator"] for r in rows] == ["资金合计", "其中：中央补助资金"]


def test_an_assistance_header_with_a_qualifier_and_a_unit(tmp_path):
    """"全年合计应下达资金（万元）" is 应下达资金 in 万元: 12.50 is 125,000 元."""
    text = "地区,资金类别,绩效因素,全年合计应下达资金（万元）\n呼和浩特市,城乡医疗救助,1,12.50\n"
    package = _package(tmp_path, text, table="assistance", program="medical-assistance")
    assert load_package(package).table("assistance").rows()[0]["allocated"] == Decimal("125000")


@pytest.mark.parametrize("header", ["此次结算补助资金（正数为补助、负数为扣回）", "此次结算补助资金（2023年）", "此次结算\n补助资金"])
def test_a_header_with_an_explanation_a_year_in_brackets_or_a_line_break(tmp_path, header):
    package = _package(tmp_path, f'地区,参保人数,应补助资金,已预拨资金,"{header}"\n呼和浩特市,1000,512000,500000,12000\n')
    assert load_package(package).table("settlement").rows()[0]["settlement"] == Decimal("12000")


def test_in001_weighs_a_students_table_too(tmp_path):
    """students-ok with its 自治区补助资金 written in 万元 under a 元 package and no unit line:
    30,000 students × 640 × (1 − 80%) = 3,840,000 元, but 384.00 is read as 384 元, 10^-4 of it
    (1,536,000 against 153.60 likewise): IN001 names 万元. students-ok itself gives no IN001."""
    package = tmp_path / "p"
    shutil.copytree(FIXTURES / "students-ok", package)
    path = package / "students.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("3840000.00", "384.00").replace("1536000.00", "153.60"),
                    encoding="utf-8")
    [finding] = only(audit(package, "IN001"), "IN001")
    assert finding.figures == {"read_unit": "元", "likely_unit": "万元", "factor_exponent": -4}
    assert only(audit("students-ok", "IN001"), "IN001") == []


def test_years_as_parent_headers_split_this_year_from_next(tmp_path):
    """"2023年" over 已预拨资金 and 此次结算补助资金, "2024年" over 预拨资金 (a CSV of a merged header):
    the 2024 block is next year's pre-allocation, 536,000 = 1,000 × 670 × 80%."""
    text = "地区,2023年,,2024年\n,已预拨资金,此次结算补助资金,预拨资金\n呼和浩特市,500000,12000,536000\n"
    row = load_package(_package(tmp_path, text)).table("settlement").rows()[0]
    assert (row["preallocated"], row["settlement"], row["next_preallocated"]) == (
        Decimal("500000"), Decimal("12000"), Decimal("536000"))


def test_a_workbook_figure_with_more_decimals_than_it_shows_is_read_as_shown_and_noted(tmp_path):
    """512,000.456 formatted #,##0.00 shows 512,000.46: read so (a person reads the sheet), and
    IN002 names the cell, since the stored figure differs."""
    package = tmp_path / "p"
    package.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(SETTLEMENT_HEADER.split(","))
    sheet.append(["呼和浩特市", 1000, 512000.456, 500000, 12000.46])
    sheet["C2"].number_format = "#,##0.00"
    sheet["E2"].number_format = "#,##0.00"
    book.save(package / "settlement.xlsx")
    (package / "submission.toml").write_text('[submission]\nprogram = "resident-subsidy"\njurisdiction = "nmg"\n'
                                             'year = 2023\n\n[tables]\nsettlement = "settlement.xlsx"\n', encoding="utf-8")
    result = audit(package, "IN002")
    assert result.submission.table("settlement").rows()[0]["entitled"] == Decimal("512000.46")
    [finding] = only(result, "IN002")
    assert "应补助资金（C列）" in finding.evidence.where and "第2行" in finding.evidence.where


def test_a_published_provincial_layout(tmp_path):
    """A provincial table as published: 市县, "2015年参保人数（人）" in a 2016 package, "省级补助标准（元/人）",
    已下达资金, 本次结算资金, 合计 first. The standard's 省级 names no funding level of money (not
    refused); the 2015 count is not read as 2016's and IN002 says so; 已下达资金 is the
    pre-allocation (100 万元 = 1,000,000 元)."""
    text = ("2016年城乡居民医保省级财政补助资金结算表\n单位：万元\n"
            "序号,市县,2015年参保人数（人）,省级补助标准（元/人）,应补助资金,已下达资金,本次结算资金,备注\n"
            "合计,,3000,,153.60,150.00,3.60,\n1,呼和浩特市,1000,128,51.20,50.00,1.20,\n2,包头市,2000,128,102.40,100.00,2.40,\n")
    package = _package(tmp_path, text, year=2016, funding_level="regional")
    result = audit(package, "IN002")
    row = result.submission.table("settlement").rows()[0]
    assert (row["preallocated"], row["standard"], row.get("enrolled")) == (Decimal("500000"), Decimal("128"), None)
    [finding] = only(result, "IN002")
    assert "2015年" in finding.condition and "参保人数" in finding.condition


def test_levels_as_leaves_under_each_item(tmp_path):
    """已预拨资金 over 中央, 自治区 and 合计 (a CSV of a merged header): a central package reads the
    中央 leaf (500,000); 自治区 (60,000) and 合计 (560,000) are kept, and the 合计 row checks them:
    60,000 + 64,000 = 124,000 but it says 125,000, so ST004 finds 1,000 元 in the 自治区 column."""
    text = ("地区,参保人数,应补助资金,已预拨资金,,,此次结算补助资金\n"
            ",,,中央,自治区,合计,\n"
            "呼和浩特市,1000,512000,500000,60000,560000,12000\n"
            "包头市,1000,512000,500000,64000,564000,12000\n"
            "合计,2000,1024000,1000000,125000,1124000,24000\n")
    result = audit(_package(tmp_path, text), "ST004,IN004")
    assert result.submission.table("settlement").rows()[0]["preallocated"] == Decimal("500000")
    [finding] = only(result, "ST004")
    assert "自治区（E列）" in finding.condition and finding.figures["difference"] == Decimal("1000")
    assert len(only(result, "IN004")) == 1
