"""Loading packages as real offices send them (the refusals are the corpus of test_hardening.py)."""

from decimal import Decimal

from auditkit import load_package
from auditkit.output import result_json
from tests.conftest import FIXTURES, audit


def _without_inputs(result) -> dict:
    data = result_json(result)
    data["package"].pop("inputs")
    return data


def test_the_published_004_table_reads_in_yuan_with_the_tolerance_of_whole_wan():
    """附件1 of 塔地财社〔2021〕87号: the header is row 4 below a title and '单位：万元'; 塔城市's
    721 万元 is 7,210,000 元, written to the whole 万元 so it carries ±5,000 元; the 合计 row
    (5031 万元) is the total, not a region; 序号 is ignored."""
    table = load_package(FIXTURES / "tacheng-2020").table("settlement")
    assert table.unit == "wan"
    first = table.rows()[0]
    assert (first["region"], first["entitled"], first["_tol_entitled"], first["_row"]) == (
        "塔城市", Decimal("7210000"), Decimal("5000"), 6)
    assert table.total["entitled"] == Decimal("50310000")
    assert [r["region"] for r in table.rows()] == ["塔城市", "额敏县", "乌苏市", "沙湾县", "托里县", "裕民县", "和丰县"]
    assert "序号" not in table.headers.values()


def test_a_one_workbook_package_reads_like_the_folder():
    folder = audit("tacheng-2020", "ST001,ST003,ST004")
    workbook = audit(FIXTURES / "workbook-package" / "tacheng-2020.xlsx", "ST001,ST003,ST004")
    assert workbook.submission.manifest.year == 2020
    assert [r.settlement for r in workbook.assessment] == [r.settlement for r in folder.assessment]
    assert workbook.assessment[0].settlement == Decimal("-100000")  # 721 − 731 = −10 万元


def test_gb18030_bom_thousands_separators_and_full_width_digits_read_as_plain_csv():
    """settlement-encodings is settlement-ok re-saved by an office: the same result."""
    assert _without_inputs(audit("settlement-encodings")) == _without_inputs(audit("settlement-ok"))


def test_parquet_with_decimal_columns_reads_like_csv():
    assert _without_inputs(audit("settlement-parquet")) == _without_inputs(audit("settlement-ok"))


def test_shares_written_as_percent_fraction_or_number_mean_the_same():
    table = load_package(FIXTURES / "settlement-ok").table("settlement")
    assert table.rows()[0]["regional_share"] == Decimal("0.1")  # written 10%


def test_a_header_unit_overrides_the_package_unit(tmp_path):
    """'应补助资金（万元）' in the header makes 1.5 mean 15,000 元 even in a 元 package."""
    (tmp_path / "submission.toml").write_text(
        '[submission]\nprogram = "resident-subsidy"\njurisdiction = "nmg"\nyear = 2023\n'
        '[tables]\nsettlement = "s.csv"\n', encoding="utf-8")
    (tmp_path / "s.csv").write_text("盟市,应补助资金（万元）,已预拨资金,此次结算补助资金\n乌海市,1.5,10000,5000\n",
                                    encoding="utf-8")
    row = load_package(tmp_path).table("settlement").rows()[0]
    assert row["entitled"] == Decimal("15000")
    assert row["_tol_entitled"] == Decimal("500")  # half of 0.1 万元
    assert row["preallocated"] == Decimal("10000")


def test_a_per_head_standard_is_yuan_per_person_in_a_wan_table_and_is_not_summed():
    """settlement-wan-standard is settlement-ok in 万元 with 人均补助标准（元/人） = 640 on every
    row and on the total: the standard stays 640 元 (not 6,400,000), ST004 does not add it up
    (3 × 640 ≠ 640), and the whole result is settlement-ok's."""
    table = load_package(FIXTURES / "settlement-wan-standard").table("settlement")
    assert table.rows()[0]["standard"] == Decimal("640")
    assert table.rows()[0]["entitled"] == Decimal("512000")
    assert _without_inputs(audit("settlement-wan-standard")) == _without_inputs(audit("settlement-ok"))


def test_a_cell_rounds_half_away_from_zero_as_excel_shows_it(tmp_path):
    """A cell holding 128.5 formatted '0' shows 129 in Excel (half away from zero), and 129 is
    the declared figure, with a tolerance of 0.5 元; Python's default rounding would give 128."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "结算表"
    sheet.append(["盟市", "应补助资金", "已预拨资金", "此次结算补助资金"])
    sheet.append(["乌海市", 128.5, -0.5, 1])
    for cell in ("B2", "C2", "D2"):
        sheet[cell].number_format = "0"
    workbook.save(tmp_path / "s.xlsx")
    (tmp_path / "submission.toml").write_text(
        '[submission]\nprogram = "resident-subsidy"\njurisdiction = "nmg"\nyear = 2023\n'
        '[tables]\nsettlement = "s.xlsx#结算表"\n', encoding="utf-8")
    row = load_package(tmp_path).table("settlement").rows()[0]
    assert (row["entitled"], row["preallocated"], row["_tol_entitled"]) == (Decimal("129"), Decimal("-1"), Decimal("0.5"))
