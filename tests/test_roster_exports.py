"""Rosters as information systems and Excel export them (issue 12): an export's fault is never
blamed on the region. Each fixture of ``fixtures/roster-*`` carries one kind of fault; the
counts below are worked out by hand from the fixture's rows (2023, central funds: 640 元 × 80%
= 512 元 per excluded record).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditkit.cli import run_check
from auditkit.enrollment import UNKNOWN_REGION, roster_result
from auditkit.enrollment.cells import (COUNTY_MALFORMED, COUNTY_MISSING, COUNTY_OUTSIDE, COUNTY_UNASSIGNED,
                                       EMPLOYEE, RESIDENT, UNKNOWN_SCHEME, county_code, scheme_of)
from auditkit.gbt2260 import current_code, prefecture_of, successor
from auditkit.package import load_package
from auditkit.rulebook import load_rulebook

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
COUNTIES = FIXTURES / "roster-counties"


def _counts(package: Path, **options):
    sub = load_package(package)
    sub.options.update(options)
    return roster_result(sub, load_rulebook("nmg"))


# --- county codes from the GB/T 2260 history (item 6) ------------------------------------------

def test_moved_counties_follow_their_successor_codes():
    """GB/T 2260 (python-stdnum's history): 和林格尔县 was 152622 in 乌兰察布盟 until 1995 and is
    150123 in 呼和浩特市 since; 清水河县 152623 -> 150124 (1995); 武川县 152621 -> 150125 (1996);
    达尔罕茂明安联合旗 152633 -> 150223 in 包头市 (1996). 卓资县 152624 -> 150921 stayed in
    乌兰察布 when the 盟 became a 市 (2003). 集宁市 152601 became 集宁区 under another name, so
    it has no successor and keeps its 盟's code 152600 (the rulebook's former code of
    乌兰察布市)."""
    assert [current_code(c) for c in ("152622", "152623", "152621", "152633", "152624")] == [
        "150123", "150124", "150125", "150223", "150921"]
    assert [prefecture_of(c) for c in ("152622", "152633", "152624", "152601", "150102")] == [
        "150100", "150200", "150900", "152600", "150100"]
    assert successor("152601") is None and successor("150102") is None  # in use: no successor
    assert prefecture_of("159999") is None and prefecture_of("1501") is None
    # a successor is never an older code: 获鹿县 was 132334 before 1983 and 130122 until 1994
    assert successor("130122") is None
    assert prefecture_of("152622", {"150123": "150900"}) == "150900"  # the rulebook's exception wins


def test_county_cells_read_through_export_damage():
    """A number cell's ``.0``, full-width digits, an ideographic space and a zero-width space are
    read through and marked repaired; surrounding ASCII spaces are not a repair; a 12-digit
    统计用区划代码 gives its county; four digits are not a county code."""
    assert county_code("150102") == ("150102", False)
    assert county_code(" 150102 ") == ("150102", False)
    assert county_code("150102.0") == ("150102", True)
    assert county_code("１５０１０２") == ("150102", True)
    assert county_code("\u3000150102\u200b") == ("150102", True)
    assert county_code("150102001000") == ("150102", True)
    assert county_code("1501") == (None, False) and county_code("") == (None, False)


def test_scheme_words_of_older_systems():
    """新农合 and 城镇居民医保 merged into the resident scheme; the platform's 险种类型 codes 390
    and 310; anything else is unknown (and refused)."""
    for word in ("居民", "新农合", "新型农村合作医疗", "城镇居民医保", "城镇居民基本医疗保险", "城乡居民基本医疗保险",
                 "城乡居民医保", "390", " 城乡居民（医保）", "Resident"):
        assert scheme_of(word) == RESIDENT, word
    for word in ("职工", "城镇职工基本医疗保险", "职工基本医疗保险", "城镇职工医保", "310", "employee"):
        assert scheme_of(word) == EMPLOYEE, word
    for word in ("商业健康保险", "", "大病保险", "离休人员医疗保障"):
        assert scheme_of(word) == UNKNOWN_SCHEME, word


EN011_EXPECTED = {COUNTY_MISSING: 1, COUNTY_MALFORMED: 1, COUNTY_UNASSIGNED: 1, COUNTY_OUTSIDE: 1}


def test_records_without_a_usable_county():
    """fixtures/roster-counties, 20 records (19 resident, 1 employee):

    - 甲, 乙, 丙 each have a valid record (150102, 150105, 150102) enrolled later and one whose
      county is empty, "1501" or 110101 (北京市东城区) enrolled earlier; 丁's county 159999 was
      never assigned. EN011 = 4 (one per reason), counted for no 盟市, and none of the three
      valid records is a duplicate: 呼和浩特市 keeps 甲, 乙, 丙.
    - 戊 152622 (和林格尔县's former code) counts in 呼和浩特市; 己 152633 (达茂旗's) in 包头市;
      庚 152624 and 辛 152601 in 乌兰察布市.
    - 子 in 152622 and 150123 (the same county, old and new code): EN003 1 in 呼和浩特市, not
      EN004.
    - 丑 新农合 in 150102 and 城镇职工基本医疗保险: EN005 1. 寅 城镇居民医保 and 新型农村合作医疗,
      both in 150203: EN003 1 in 包头市. 卯 writes the scheme as 390 (150121).
    - 壬 " １５０２０３ " and 癸 "150203.0": read as 150203, 2 county codes repaired.

    呼和浩特市: 甲 乙 丙 戊 子×2 丑 卯 = 8 records, EN003 1, EN005 1, verified 6.
    包头市: 己 壬 癸 寅×2 = 5 records, EN003 1, verified 4. 乌兰察布市: 2 records, verified 2.
    Declared 6, 4, 2: no EN009."""
    result = _counts(COUNTIES)
    regions = result.regions
    assert (regions["呼和浩特市"].records, regions["呼和浩特市"].excluded, regions["呼和浩特市"].verified) == (
        8, {"EN003": 1, "EN005": 1}, 6)
    assert (regions["包头市"].records, regions["包头市"].excluded, regions["包头市"].verified) == (5, {"EN003": 1}, 4)
    assert (regions["乌兰察布市"].records, regions["乌兰察布市"].excluded, regions["乌兰察布市"].verified) == (2, {}, 2)
    unknown = regions[UNKNOWN_REGION]
    assert (unknown.records, unknown.excluded, unknown.verified) == (4, {"EN011": 4}, 0)
    assert unknown.county_reasons == EN011_EXPECTED
    assert result.repaired == {"county": 2}

    run = run_check(COUNTIES, select=["EN"])
    en011 = [f for f in run.findings if f.code == "EN011"]
    assert len(en011) == 1 and en011[0].region is None
    assert en011[0].effect.persons == 4 and en011[0].effect.amount == 4 * Decimal(512)
    assert "参保地区划代码缺失1条" in en011[0].condition and "不属本辖区1条" in en011[0].condition
    assert not [f for f in run.findings if f.code in ("EN004", "EN009")]


def test_enrollment_counts_without_a_standard(tmp_path):
    """The same roster settled for 2031, a year whose standard the rulebook does not hold: the
    checks still run (EN003 呼和浩特市 1 and 包头市 1, EN005 1, EN011 4), persons without money,
    each condition saying why; the run is not skipped."""
    import shutil

    package = tmp_path / "package"
    shutil.copytree(COUNTIES, package)
    manifest = package / "submission.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("year = 2023", "year = 2031"), encoding="utf-8")
    run = run_check(package, select=["EN"])
    assert not [s for s in run.skipped if s.code.startswith("EN") and s.code not in ("EN006", "EN007", "EN008")]
    found = {(f.code, f.region): f for f in run.findings if f.severity == "error"}
    assert {k: f.effect.persons for k, f in found.items()} == {
        ("EN003", "呼和浩特市"): 1, ("EN003", "包头市"): 1, ("EN005", "呼和浩特市"): 1, ("EN011", None): 4}
    for finding in found.values():
        assert finding.effect.amount == 0 and "未载明2031年国家补助标准" in finding.condition
