"""Every level of a jurisdiction (auditkit/areas.py) and a 盟市's self-check of its 旗县区.

The counts of county-level regions below are GB/T 2260's as python-stdnum ships it, counted by
hand from its cn/loc.dat (内蒙古: 103 旗县（市、区）, the figure the region publishes).
"""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from typer.testing import CliRunner

from auditkit import PackageError, load_rulebook
from auditkit.areas import COUNTY, PREFECTURE, UNIT, places
from auditkit.cli import app
from auditkit.gbt2260 import had_name
from tests.conftest import FIXTURES, audit, only

BAOTOU = "baotou-2024-wan"
STALE = "baotou-2024-wan-stale-standard"
WORKBOOK = "报送数据.xlsx"


def _copy(tmp_path, fixture: str = BAOTOU):
    target = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, target)
    return target


def _edit(package, sheet: str, cell: str, value) -> None:
    workbook = openpyxl.load_workbook(package / WORKBOOK)
    workbook[sheet][cell] = value
    workbook.save(package / WORKBOOK)


def _set_manifest(package, old: str, new: str) -> None:
    path = package / "submission.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _serious(result):
    return [(f.code, f.region) for f in result.findings if f.severity in ("error", "warning")]


# --- the levels --------------------------------------------------------------------------


def test_every_mengshi_knows_its_qixianqu_from_gbt2260():
    """12 盟市, 103 旗县（市、区）: 呼和浩特 9, 包头 9, 乌海 3, 赤峰 12, 通辽 8, 鄂尔多斯 9,
    呼伦贝尔 14, 巴彦淖尔 7, 乌兰察布 11, 兴安盟 6, 锡林郭勒盟 12, 阿拉善盟 3."""
    known = places(load_rulebook("nmg"))
    counts = {name: len(known.counties.get(name, [])) for name in known.prefectures}
    assert counts == {"呼和浩特市": 9, "包头市": 9, "乌海市": 3, "赤峰市": 12, "通辽市": 8, "鄂尔多斯市": 9,
                      "呼伦贝尔市": 14, "巴彦淖尔市": 7, "乌兰察布市": 11, "兴安盟": 6, "锡林郭勒盟": 12,
                      "阿拉善盟": 3}
    assert sum(counts.values()) == 103
    assert {c.name for c in known.counties["包头市"]} == {
        "东河区", "昆都仑区", "青山区", "石拐区", "白云鄂博矿区", "九原区", "土默特右旗", "固阳县", "达尔罕茂明安联合旗"}


@pytest.mark.parametrize("jurisdiction", ["nmg", "xj"])
def test_every_short_name_in_the_rulebook_is_a_county_of_its_area_in_gbt2260(jurisdiction):
    """Each full name of ``short_names`` is in use today under a code of its area's prefecture
    (first four digits), each short form reads as that county inside the area, and no short
    form is itself the name of another region."""
    rules = load_rulebook(jurisdiction)
    known = places(rules)
    checked = 0
    for entry in rules.areas:
        prefecture = known.prefectures.get(entry["area"])
        for full, shorts in entry.get("short_names", {}).items():
            county = next(c for c in known.counties[entry["area"]] if c.name == full)
            assert county.code[:4] == prefecture.code[:4]
            name = had_name(county.code, full)
            assert name is not None and name.end is None, full
            for short in shorts:
                assert known.resolve(short, entry["area"]).region == county, short
                assert not any(c.name == short for cs in known.counties.values() for c in cs), short
                assert short not in known.prefectures, short
                checked += 1
    assert checked >= (50 if jurisdiction == "nmg" else 3)


def test_short_names_two_mengshi_share_are_read_only_inside_their_own():
    """扎旗 is 扎鲁特旗 in 通辽 and 扎赉特旗 in 兴安盟; 前旗 is 乌拉特前旗 in 巴彦淖尔 and
    察哈尔右翼前旗 in 乌兰察布: without the area neither is guessed."""
    known = places(load_rulebook("nmg"))
    assert known.resolve("扎旗").region is None
    assert known.resolve("扎旗", "通辽市").region.name == "扎鲁特旗"
    assert known.resolve("扎旗", "兴安盟").region.name == "扎赉特旗"
    assert known.resolve("前旗").region is None
    assert known.resolve("前旗", "巴彦淖尔市").region.name == "乌拉特前旗"
    assert known.resolve("前旗", "乌兰察布市").region.name == "察哈尔右翼前旗"
    assert known.resolve("后旗", "通辽市").region.name == "科尔沁左翼后旗"
    # unique short forms are read anywhere
    for short, full in {"土右旗": "土默特右旗", "达茂旗": "达尔罕茂明安联合旗", "科右前旗": "科尔沁右翼前旗",
                        "阿左旗": "阿拉善左旗", "察右中旗": "察哈尔右翼中旗", "莫旗": "莫力达瓦达斡尔族自治旗"}.items():
        assert known.resolve(short).region.name == full


def test_names_written_with_their_prefecture_or_without_their_ending():
    known = places(load_rulebook("nmg"))
    assert known.resolve("包头市东河区").region.name == "东河区"
    assert known.resolve("内蒙古自治区包头市").region.name == "包头市"
    assert known.resolve("东河", "包头市").region.name == "东河区"
    assert known.resolve("包头").region.name == "包头市"
    assert known.resolve("包头市 九原区").region.name == "九原区"
    # the short names of 盟市 that offices still write
    assert [known.resolve(w).region.name for w in ("呼市", "巴盟", "乌盟", "锡盟", "阿盟")] == [
        "呼和浩特市", "巴彦淖尔市", "乌兰察布市", "锡林郭勒盟", "阿拉善盟"]
    assert known.resolve("锡盟本级").region.parent == "锡林郭勒盟"
    # 东河区 is not in 赤峰市: written under 赤峰市 it is not read as 包头's
    assert known.resolve("赤峰市东河区").region is None


def test_units_without_a_code_are_read_inside_their_area():
    known = places(load_rulebook("nmg"))
    unit = known.resolve("包头市本级", "包头市").region
    assert unit.level == UNIT and unit.name == "市本级" and unit.parent == "包头市"
    assert known.resolve("市本级", "兴安盟").region is None  # 兴安盟 writes 盟本级
    assert known.resolve("盟本级", "兴安盟").region.parent == "兴安盟"
    assert known.resolve("孪井滩示范区", "阿拉善盟").region.name == "孪井滩生态移民示范区"


def test_former_names_and_codes_map_to_todays_county():
    """GB/T 2260: 152322 科尔沁左翼中旗 (哲里木盟, until 1999) is 150521 today; 152633
    达尔罕茂明安联合旗 moved from 乌兰察布盟 to 包头市 (150223) in 1996; 海拉尔市 (152101) became
    海拉尔区 (150702) in 2001; 石拐矿区 is 150205's name until 1998. A current name wins: 通辽市 is
    the 盟市, though county-level 通辽市 (152301) became 科尔沁区."""
    known = places(load_rulebook("nmg"))
    assert known.by_code["152322"].name == "科尔沁左翼中旗" and known.by_code["152322"].parent == "通辽市"
    assert known.by_code["152633"].parent == "包头市"
    assert known.by_code["152301"].name == "科尔沁区"
    found = known.resolve("海拉尔市")
    assert (found.region.name, found.how, found.renamed_in) == ("海拉尔区", "former", 2001)
    assert known.resolve("石拐矿区").region.name == "石拐区"
    assert known.resolve("通辽市").region.level == PREFECTURE
    assert known.resolve("昆都仑区").region.level == COUNTY


# --- the package's area and ST005 --------------------------------------------------------


def test_the_area_is_inferred_from_the_rows_and_said():
    findings = only(audit(BAOTOU, "ST005"), "ST005")
    said = [f for f in findings if f.subject == "area:inferred"]
    assert len(said) == 1 and said[0].severity == "info" and "包头市" in said[0].condition
    assert [f for f in findings if f.severity != "info"] == []
    # the short names of the settlement sheet are reported, not rejected
    assert {f.region for f in findings if f.subject.startswith("name:")} == {"土默特右旗", "达尔罕茂明安联合旗"}


def test_the_manifest_names_the_area(tmp_path):
    package = _copy(tmp_path)
    _set_manifest(package, 'amount_unit = "wan"', 'amount_unit = "wan"\narea = "包头市"')
    findings = only(audit(package, "ST005"), "ST005")
    assert not [f for f in findings if f.subject == "area:inferred"]
    assert not [f for f in findings if f.severity != "info"]


def test_an_area_that_is_not_a_mengshi_is_refused_naming_the_key(tmp_path):
    package = _copy(tmp_path)
    _set_manifest(package, 'amount_unit = "wan"', 'amount_unit = "wan"\narea = "包头县"')
    with pytest.raises(PackageError) as raised:
        audit(package, "ST005")
    assert "submission.area" in str(raised.value) and "包头县" in str(raised.value)
    outcome = CliRunner().invoke(app, ["check", str(package)])
    assert outcome.exit_code == 2 and "submission.area" in outcome.output


def test_st005_reports_a_county_of_another_mengshi_as_out_of_area(tmp_path):
    """固阳县's row in the funds sheet written as 科右前旗 (兴安盟): out of 包头市's area, an error
    that says where it belongs; the other eight counties are not disturbed."""
    package = _copy(tmp_path)
    _edit(package, "地方财政补助资金到位表", "A11", "科右前旗")
    findings = only(audit(package, "ST005"), "ST005")
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 1
    assert errors[0].region == "科尔沁右翼前旗"
    assert "兴安盟" in errors[0].condition and "不属于包头市" in errors[0].condition
    assert "第11行" in errors[0].evidence.where or "11" in errors[0].evidence.where


def test_st005_reports_a_mengshi_in_a_package_of_counties(tmp_path):
    package = _copy(tmp_path)
    _edit(package, "地方财政补助资金到位表", "A11", "赤峰市")
    errors = [f for f in only(audit(package, "ST005"), "ST005") if f.severity == "error"]
    assert len(errors) == 1 and "为盟市" in errors[0].condition


def test_st005_a_name_nobody_knows_is_an_error(tmp_path):
    package = _copy(tmp_path)
    _edit(package, "地方财政补助资金到位表", "A4", "东河取")
    errors = [f for f in only(audit(package, "ST005"), "ST005") if f.severity == "error"]
    assert [(f.region, f.subject) for f in errors] == [("东河取", "unknown:local_funds")]
    assert "包头市所辖" in errors[0].condition


def test_st005_a_known_unit_is_no_finding_and_an_unknown_unit_is_information(tmp_path):
    """稀土高新区 is listed for 包头市 in the rulebook: nothing to say. 包头装备制造产业园区 is
    not: an info finding, never an error."""
    package = _copy(tmp_path)
    _edit(package, "资金文件表", "D5", "稀土高新区")
    _edit(package, "资金文件表", "D6", "包头装备制造产业园区")
    findings = only(audit(package, "ST005"), "ST005")
    assert not [f for f in findings if f.severity != "info"]
    units = [f for f in findings if f.subject.startswith("unit:")]
    assert [(f.region, f.severity) for f in units] == [("包头装备制造产业园区", "info")]
    assert not [f for f in findings if f.region == "稀土高新区"]


def test_the_demo_is_still_a_package_of_the_mengshi():
    """The jurisdiction-level demo is not inferred as anything else and says nothing new."""
    findings = only(audit("demo-nmg-2025", "ST005"), "ST005")
    assert not [f for f in findings if f.subject.startswith(("area:", "unit:"))]


def test_tacheng_is_read_as_the_counties_of_tacheng_prefecture():
    findings = only(audit("tacheng-2020", "ST005"), "ST005")
    inferred = [f for f in findings if f.subject == "area:inferred"]
    assert len(inferred) == 1 and inferred[0].region == "塔城地区"
    assert not [f for f in findings if f.severity != "info"]


# --- filings by who files ----------------------------------------------------------------


def test_a_package_of_counties_is_not_asked_for_the_counties_filings():
    """包头市 filed its 请示 and its annexes once; the nine 旗县区 file nothing to the 自治区."""
    result = audit(BAOTOU, "DL001,DL003,DL004,DL005")
    assert [f for f in result.findings] == []


def test_the_mengshis_late_request_is_one_finding_of_the_mengshi(tmp_path):
    """包头市's 请示 on 2025-01-20, five days after Jan 15, 2025 (a Wednesday): one DL003, region
    包头市; a county's request to the 盟市 (固阳县, 2025-01-25) is under no article's deadline."""
    package = _copy(tmp_path)
    _edit(package, "材料报送表", "C6", "2025-01-20")
    _edit(package, "材料报送表", "A7", "固阳县")
    _edit(package, "材料报送表", "B7", "盟市请示")
    _edit(package, "材料报送表", "C7", "2025-01-25")
    findings = only(audit(package, "DL003"), "DL003")
    assert [(f.region, f.figures.get("days_late")) for f in findings] == [("包头市", 5)]


def test_an_empty_region_in_a_county_package_is_the_mengshis_filing(tmp_path):
    package = _copy(tmp_path)
    _edit(package, "材料报送表", "A6", None)
    _edit(package, "材料报送表", "C6", "2025-01-17")
    findings = only(audit(package, "DL003"), "DL003")
    assert [f.region for f in findings] == ["包头市"]


# --- the whole self-check ----------------------------------------------------------------


# AR001 compares 应到位资金 recomputed to the 元 with 实际到位资金 written in 万元, within the
# tolerance of the written precision (issue 13 item 4, built by the money-rules issue, issue-15).


def test_the_mengshi_self_check_in_wan_gives_no_error_or_warning():
    """Every figure of the 包头市 package agrees with its rule within half a unit (50 元) per
    term (README of the fixture): nothing at error or warning level."""
    assert _serious(audit(BAOTOU)) == []


def test_one_county_on_last_years_standard_gives_that_countys_st002_and_nothing_else():
    """固阳县 at 640 元: 112,345 × 670 × 80% = 60,216,920 元 is due, 57,520,640 declared
    (5,752.06 万元 as written): 2,696,280 元 short, within 50 元."""
    result = audit(STALE)
    assert _serious(result) == [("ST002", "固阳县")]
    finding = only(result, "ST002")[0]
    assert finding.figures["expected"] == 60216920
    assert abs(finding.figures["declared"] - finding.figures["expected"] + 2696280) <= 50


def test_what_this_issue_owns_is_quiet_in_both_self_checks():
    """Whatever AR001 says about 万元 rounding (the money-rules issue), no other check raises an
    error or warning on the consistent package, and only 固阳县's ST002 on the stale one."""
    assert [s for s in _serious(audit(BAOTOU)) if s[0] != "AR001"] == []
    assert [s for s in _serious(audit(STALE)) if s[0] != "AR001"] == [("ST002", "固阳县")]


# --- a roster in a package of counties ---------------------------------------------------

ROSTER = "roster-baotou-counties"


def test_a_county_roster_is_counted_per_county_with_duplicates_judged_per_mengshi():
    """fixtures/roster-baotou-counties/README.md works every count out: 东河区 5 records − EN001
    1 − EN002 1 − EN003 1 (褚十二, kept in 昆都仑区 where enrolled earlier) = 2; 昆都仑区 5 −
    EN003 2 (张一, kept in 东河区; 王二's second) = 3; 土默特右旗 3 − EN005 1 = 2; 达尔罕茂明安联合旗
    2 (冯十 under 152633, 达茂旗's code until 1996) = 2."""
    from auditkit.enrollment import roster_result

    result = audit(ROSTER, "EN001,EN002,EN003,EN004,EN005,EN009")
    counts = roster_result(result.submission, result.rulebook).regions
    table = {name: (c.records, c.excluded.get("EN001", 0), c.excluded.get("EN002", 0), c.excluded.get("EN003", 0),
                    c.excluded.get("EN005", 0), c.verified) for name, c in counts.items() if c.records}
    assert table == {"东河区": (5, 1, 1, 1, 0, 2), "昆都仑区": (5, 0, 0, 2, 0, 3),
                     "土默特右旗": (3, 0, 0, 0, 1, 2), "达尔罕茂明安联合旗": (2, 0, 0, 0, 0, 2)}
    en003 = {f.region: f.effect.persons or f.evidence.count for f in only(result, "EN003")}
    assert set(en003) == {"东河区", "昆都仑区"}
    over = only(result, "EN009")
    assert [(f.region, f.figures.get("declared"), f.figures.get("expected")) for f in over] == [("东河区", 3, 2)]
    assert {a.region: a.enrolled for a in result.assessment} == {
        "东河区": 2, "昆都仑区": 3, "土默特右旗": 2, "达尔罕茂明安联合旗": 2}


def test_a_request_filed_twice_is_judged_by_its_first_filing(tmp_path):
    """包头市's 请示 on 2025-01-10 (in time) and again on 2025-01-22 (a corrected copy): the
    盟市 files once, so no DL003; its only filing on 2025-01-22 would be 7 days late."""
    package = _copy(tmp_path)
    _edit(package, "材料报送表", "A7", "包头市")
    _edit(package, "材料报送表", "B7", "盟市请示")
    _edit(package, "材料报送表", "C7", "2025-01-22")
    assert only(audit(package, "DL003"), "DL003") == []
    _edit(package, "材料报送表", "C6", "2025-01-23")
    assert [(f.region, f.figures.get("days_late")) for f in only(audit(package, "DL003"), "DL003")] == [("包头市", 7)]


def test_st005_a_code_that_names_another_county_is_a_warning(tmp_path):
    """昆都仑区's row in the funds sheet carries 150204, 青山区's code: one warning naming both;
    152633 (达茂旗's code until 1996) on 达尔罕茂明安联合旗's row is the same county, no finding."""
    package = _copy(tmp_path)
    _edit(package, "地方财政补助资金到位表", "B5", "150204")
    _edit(package, "地方财政补助资金到位表", "B12", "152633")
    findings = [f for f in only(audit(package, "ST005"), "ST005") if f.subject.startswith("code:")]
    assert [(f.region, f.severity) for f in findings] == [("昆都仑区", "warning")]
    assert "150204" in findings[0].condition and "青山区" in findings[0].condition


def _county_counts(engine: str, buckets: int | None = None) -> dict:
    from auditkit import load_package
    from auditkit.enrollment import roster_result

    sub = load_package(FIXTURES / ROSTER)
    sub.options.update(engine=engine, buckets=buckets)
    return {name: vars(c) for name, c in roster_result(sub, load_rulebook("nmg")).regions.items()}


def test_the_three_engines_count_a_county_roster_alike():
    """Polars, DuckDB and Spark (and Polars/DuckDB cut into buckets) give the same per-county
    counts, samples included: the county attribution is the one Narwhals code path."""
    expected = _county_counts("polars")
    assert expected["东河区"]["verified"] == 2 and expected["昆都仑区"]["excluded"]["EN003"] == 2
    assert _county_counts("duckdb") == expected
    assert _county_counts("polars", 3) == expected
    assert _county_counts("duckdb", 2) == expected
    pytest.importorskip("pyspark")
    from auditkit.enrollment.engines import spark_session

    session = spark_session()
    session.conf.set("spark.sql.shuffle.partitions", "1")
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    assert _county_counts("spark") == expected
