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
    assert result.repaired == {("county", "roster.csv"): 2}

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


# --- exports: encodings, separators, markers, dates (items 1–3, EN010) ----------------------------

def _findings(package: Path, **options):
    run = run_check(package, select=["EN", "IN"], options=options)
    errors = {(f.code, f.region): f.effect.persons for f in run.findings if f.severity == "error"}
    return run, errors


def _notes(run, code: str):
    return [f for f in run.findings if f.code == code]


def test_unicode_text_export():
    """fixtures/roster-unicode-text/roster.txt, as Excel saves “Unicode 文本”: UTF-16LE with a
    byte-order mark, tab-separated, CRLF, the sheet's title on line 1, the header on line 2, a
    合计 row at the end (not a record). Persons 一…十 in 150102, 十一 an employee:

    - 二 has a zero-width space inside, 三 is in full-width digits, 四 between no-break spaces, 五
      full-width with a full-width lowercase ｘ and an ideographic space: 4 IDs repaired (IN003),
      none excluded; 五's x is also the lowercase-x info (1).
    - dates 2023年3月1日, 2023/3/1, 20230301 read; 六 2023/7/1 and 七 20231228 are after June 30:
      EN010 2. 八 "2023年13月1日" (line 10) is no date: IN002, kept as undated. 十 on 2023-06-30:
      kept.
    - 九 in 150102 on 2023-02-01 and in 150203 (包头市) on "二〇二三年三月" (line 12, IN002): the
      undated record sorts last, so 包头市's is EN004.

    呼和浩特市: 10 records, EN010 2, verified 8 (declared 8: no EN009). 包头市: 1 record, EN004 1,
    verified 0; declared 1: EN009 1."""
    run, errors = _findings(FIXTURES / "roster-unicode-text")
    assert errors == {("EN010", "呼和浩特市"): 2, ("EN004", "包头市"): 1, ("EN009", "包头市"): 1}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 8, "包头市": 0}
    (unread,) = _notes(run, "IN002")
    assert unread.evidence.count == 2 and unread.evidence.rows == [{"行": 10}, {"行": 12}]
    assert "不因参保日期晚于2023年6月30日剔除" in unread.condition
    (repaired,) = _notes(run, "IN003")
    assert repaired.evidence.count == 4 and "roster.txt" in repaired.evidence.where
    lower = [f for f in run.findings if f.code == "EN002" and f.severity == "info"]
    assert [f.figures["records"] for f in lower] == [1]


def test_gb18030_export_with_text_markers_and_chinese_death_dates():
    """fixtures/roster-gb18030-markers: GB18030, Excel's ``sep=;`` line, semicolons, CRLF.
    甲 and 丁 are written ="…", 乙 '…: 3 IDs repaired, all valid. 新农合 and 城镇居民医保 are the
    resident scheme. deaths.csv: 丙, 丁 (written with the ="…" marker, quoted as CSV) and 戊 died 2023年3月1日:
    EN008 3 (the deaths the issue saw missed); 己 on 2023年6月30日 is kept; 庚's date 不详 (line
    6) is IN002 and 庚 is kept. 赤峰市: 8 records, EN008 3, verified 5; declared 8: EN009 3
    (3 × 512 = 1,536 元)."""
    run, errors = _findings(FIXTURES / "roster-gb18030-markers")
    assert errors == {("EN008", "赤峰市"): 3, ("EN009", "赤峰市"): 3}
    assert {row.region: row.enrolled for row in run.assessment} == {"赤峰市": 5}
    assert next(f for f in run.findings if f.code == "EN009").effect.amount == Decimal(1536)
    (unread,) = _notes(run, "IN002")
    assert unread.evidence.rows == [{"行": 6}] and "deaths.csv" in unread.evidence.where
    assert "未作为2023年6月30日前死亡人员剔除" in unread.condition
    assert sorted((f.evidence.where.split()[0], f.evidence.count) for f in _notes(run, "IN003")) == [
        ("deaths.csv", 1), ("roster.csv", 3)]


@pytest.mark.parametrize("options", [{}, {"buckets": 3}, {"engine": "duckdb", "buckets": 2}],
                         ids=["polars", "polars-3-buckets", "duckdb-2-buckets"])
def test_a_cleaned_number_is_compared_with_the_same_persons_plain_records(tmp_path, options):
    """Only the numbers not of the right shape are cleaned (the rest read the same either way);
    once cleaned they must meet the same person's plainly written records, in whichever bucket.
    roster-nmg-2023-clean's package with this roster:
    甲 '150102198501010010 in 150102 (01-03) and plain in 150203 (01-05): 包头市's record is
    EN004. 乙 in full-width digits in 150105 (01-04) and plain there (01-06): 呼和浩特市 EN003 1.
    丁 with a zero-width space, resident in 150206, also an employee: 包头市 EN005. 丙 plain; 戊
    written in groups with spaces (150206 19890505 0052), as a person reads it.
    呼和浩特市: 3 records, verified 2 (甲, 乙) = declared 2. 包头市: 4 records (甲, 丙, 丁, 戊),
    EN004 1, EN005 1, verified 2 = declared 2 (丙's death on June 30 does not exclude).
    IN003: 4 numbers repaired in roster.csv. Uncleaned, 甲, 乙 and 戊 would be EN002 and 包头市
    would keep 甲."""
    import shutil

    package = tmp_path / "package"
    shutil.copytree(FIXTURES / "roster-nmg-2023-clean", package)
    wide = "".join(chr(0xFF10 + int(d)) for d in "150105198602020022")
    (package / "roster.csv").write_text(
        "身份证号,参保险种,区划代码,参保日期\n"
        "'150102198501010010,居民,150102,2023-01-03\n150102198501010010,居民,150203,2023-01-05\n"
        f"{wide},居民,150105,2023-01-04\n150105198602020022,居民,150105,2023-01-06\n"
        "150203198703030038,居民,150203,2023-01-05\n"
        "\u200b15020619880404004X,居民,150206,2023-01-02\n15020619880404004X,职工,150206,2023-01-06\n"
        "150206 19890505 0052,居民,150206,\n", encoding="utf-8")
    run, errors = _findings(package, **options)
    assert errors == {("EN003", "呼和浩特市"): 1, ("EN004", "包头市"): 1, ("EN005", "包头市"): 1}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 2, "包头市": 2}
    assert not [f for f in run.findings if f.code == "EN002"]
    (repaired,) = [f for f in _notes(run, "IN003") if "roster.csv" in f.evidence.where]
    assert repaired.evidence.count == 4


def test_roster_in_two_workbooks():
    """fixtures/roster-workbooks: the manifest names 名册1.xlsx (its sheet 名册1 under a title row;
    the 说明 sheet has no roster header and is not read) and 名册2.xlsx#Sheet1, whose 参保日期 are
    numbers (Excel serials: 44958 = 2023-02-01, 44927 = 2023-01-01, 44931 = 2023-01-05, 45108 =
    2023-07-01). 死亡人员.xlsx: 丙 died 44986 = 2023-03-01.

    甲 in 150102 (01-05) and 150105 (02-01, second file): EN003 1. 乙 in 150102 (02-01) and
    150203 (01-01): 包头市 earlier, 呼和浩特市's EN004. 丙: EN008. 丁 enrolled 2023-08-01: EN010.
    戊 (150203, 01-05) kept; 己 (150203, 07-01): EN010.
    呼和浩特市: 5 records, EN003 1, EN004 1, EN008 1, EN010 1, verified 1 (甲); declared 3: EN009 2.
    包头市: 3 records, EN010 1, verified 2 (declared 2). Serials read: 4 enrollment dates, 1 death
    date (IN003)."""
    run, errors = _findings(FIXTURES / "roster-workbooks")
    assert errors == {("EN003", "呼和浩特市"): 1, ("EN004", "呼和浩特市"): 1, ("EN008", "呼和浩特市"): 1,
                      ("EN010", "呼和浩特市"): 1, ("EN010", "包头市"): 1, ("EN009", "呼和浩特市"): 2}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 1, "包头市": 2}
    serials = sorted((f.evidence.where.split()[0], f.evidence.count) for f in _notes(run, "IN003"))
    assert serials == [("名册2.xlsx#Sheet1", 4), ("死亡人员.xlsx#死亡人员", 1)]
    en003 = next(f for f in run.findings if f.code == "EN003")
    assert en003.evidence.where == "名册1.xlsx#名册1、名册2.xlsx#Sheet1"


def test_en010_can_be_turned_off(tmp_path):
    """enrollment.exclude_enrolled_after_census = false: 六 and 七 count, 呼和浩特市 verified 10."""
    override = tmp_path / "count-late.toml"
    override.write_text("[enrollment.exclude_enrolled_after_census]\nvalue = false\nsource = \"测试\"\nverified = false\n",
                        encoding="utf-8")
    run = run_check(FIXTURES / "roster-unicode-text", rulebook=override, select=["EN"])
    assert not [f for f in run.findings if f.code == "EN010"]
    assert {row.region: row.enrolled for row in run.assessment}["呼和浩特市"] == 10


@pytest.mark.parametrize("written, reason", [
    ("1.50102E+17", "科学计数法"), ("150102198001010000", "以“000”结尾")])
def test_spoiled_ids_anywhere_in_the_file_are_refused(tmp_path, written, reason):
    """Excel's damage past the first 64 KiB the loader samples: 3,000 clean records, then the
    spoiled ones (one in scientific notation; or 40 ending in 000, where chance gives about 3 in
    3,040). Refused naming the file and the ID column; never counted as EN002."""
    import shutil

    from auditkit.errors import PackageError
    from auditkit.ids import number_from_key

    package = tmp_path / "package"
    shutil.copytree(FIXTURES / "roster-nmg-2023-clean", package)
    lines = ["身份证号,参保险种,区划代码,参保日期"]
    lines += [f"{number_from_key(15010219800101000 + i * 10 + 1)},居民,150102,2023-01-03" for i in range(3000)]
    lines += [f"{written},居民,150102,2023-01-03"] if written.startswith("1.5") else [
        f"{number_from_key(15010219810101000 + i * 1000)[:15]}000,居民,150102,2023-01-03" for i in range(40)]
    (package / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PackageError) as caught:
        run_check(package, select=["EN"])
    assert reason in str(caught.value) and "roster.csv" in str(caught.value) and "身份证号" in str(caught.value)


def test_a_few_real_numbers_ending_in_000_are_not_refused():
    """Chance: 3 of 3,000 numbers end in 000 (a Poisson mean of 3 gives 3 or more half the time):
    read, not refused."""
    from auditkit.enrollment.sources import poisson_tail

    assert poisson_tail(3.0, 3) > 0.5
    assert poisson_tail(3.04, 40) < 1e-6 and poisson_tail(0.01, 10) < 1e-6


def test_another_jurisdiction_counts_persons_without_money(tmp_path):
    """xj (塔城地区, 2020) has a census day (004 二) but no standard: 甲 twice in 654202 (乌苏市)
    is EN003 1; 乙 in 654223 (沙湾县's code until 2021) counts in 塔城地区; 丙 in 150102 (呼和浩特市)
    is outside the jurisdiction: EN011 1. Verified 塔城地区 2; no amounts, and the conditions
    say the standard is not in the rulebook."""
    from auditkit.ids import number_from_key

    package = tmp_path / "xj"
    package.mkdir()
    a, b, c = (number_from_key(k) for k in (65420219800101001, 65422319810202002, 15010219820303003))
    (package / "roster.csv").write_text(
        "公民身份号码,险种,参保地区划代码,参保日期\n"
        f"{a},居民,654202,2020-01-02\n{a},居民,654202,2020-01-03\n{b},居民,654223,2020-01-04\n"
        f"{c},居民,150102,2020-01-05\n", encoding="utf-8")
    (package / "submission.toml").write_text(
        '[submission]\nprogram = "resident-subsidy"\njurisdiction = "xj"\nyear = 2020\nfunding_level = "regional"\n'
        'submitter = "塔城地区财政局"\nexample = true\n\n[tables]\nroster = "roster.csv"\n', encoding="utf-8")
    sub = load_package(package)
    regions = roster_result(sub, load_rulebook("xj")).regions
    assert (regions["塔城地区"].records, regions["塔城地区"].excluded, regions["塔城地区"].verified) == (3, {"EN003": 1}, 2)
    run = run_check(package, select=["EN"])
    found = {(f.code, f.region): f for f in run.findings}
    assert {k: f.effect.persons for k, f in found.items()} == {("EN003", "塔城地区"): 1, ("EN011", None): 1}
    assert all(f.effect.amount == 0 and "未载明2020年国家补助标准" in f.condition for f in found.values())


def test_mixed_encodings_are_refused_naming_the_line(tmp_path):
    """A UTF-8 roster of 5,000 lines (far past the 64 KiB sample) with line 4,001 pasted in
    GB18030, a GB18030 roster with line 3 in UTF-8, and one whose line 250 is ASCII with a
    no-break space in UTF-8: each refused naming the file and that line. A clean GB18030 file
    and a UTF-16 one are read."""
    from auditkit.enrollment.sources import detect_encoding
    from auditkit.errors import PackageError

    lines = ["公民身份号码,险种,参保地区划代码,参保日期"] + [f"15010219800101{i:04d},居民,150102,2023-01-03"
                                                   for i in range(4999)]
    utf8 = tmp_path / "utf8.csv"
    utf8.write_bytes(b"".join((line + "\n").encode("gb18030" if number == 4001 else "utf-8")
                              for number, line in enumerate(lines, start=1)))
    gb = tmp_path / "gb.csv"
    gb.write_bytes(b"".join((line + "\n").encode("utf-8" if number == 3 else "gb18030")
                            for number, line in enumerate(lines[:10], start=1)))
    # a line holding only ASCII and a no-break space typed in UTF-8 (C2 A0, which GB18030 reads as 聽)
    spaced = tmp_path / "spaced.csv"
    spaced.write_bytes(b"".join((line + ("\u00a0" if number == 250 else "") + "\n").encode(
        "utf-8" if number == 250 else "gb18030") for number, line in enumerate(lines[:300], start=1)))
    for path, line in ((utf8, 4001), (gb, 3), (spaced, 250)):
        with pytest.raises(PackageError) as caught:
            detect_encoding(path, path.name)
        assert caught.value.row == line and caught.value.file == path.name, str(caught.value)
        assert "混有不同编码" in str(caught.value)
    clean = tmp_path / "clean.csv"
    clean.write_bytes("\n".join(lines[:10]).encode("gb18030"))
    assert detect_encoding(clean, "clean.csv") == "gb18030"
    wide = tmp_path / "unicode.txt"
    wide.write_bytes(("\ufeff" + "\r\n".join(lines[:10])).encode("utf-16-le"))
    assert detect_encoding(wide, "unicode.txt") == "utf-16"


# --- forms a probe of exported rosters found (a person reads them; they are never the region's fault) --

CLEAN_ROWS = ["150102198501010010,居民,150102,2023-01-03", "150105198602020022,居民,150105,2023-01-04",
              "150203198703030038,居民,150203,2023-01-05", "15020619880404004X,职工,150206,2023-01-06",
              "150206198905050052,居民,150206,"]


def _package(tmp_path, rows, header="身份证号,参保险种,区划代码,参保日期", encoding="utf-8", end="\n", deaths=None):
    """roster-nmg-2023-clean's package with its roster written otherwise: 呼和浩特市 2 and 包头市 2
    declared, as the clean roster verifies."""
    import shutil

    package = tmp_path / "package"
    shutil.copytree(FIXTURES / "roster-nmg-2023-clean", package)
    (package / "roster.csv").write_bytes(end.join([header, *rows, ""]).encode(encoding))
    if deaths is not None:
        (package / "deaths.csv").write_text("\n".join(["身份证号,死亡日期", *deaths, ""]), encoding="utf-8")
    return package


def test_a_gb18030_file_whose_first_characters_also_decode_as_utf8_is_read(tmp_path):
    """证 is D6 A4 in GB18030, which is also a valid (Hebrew) UTF-8 character: the header 证件号码
    and a title 通辽市… (通 = CD A8) once made a clean GB18030 roster look like UTF-8 and be refused.
    Read as GB18030: the clean roster's counts, no finding."""
    package = _package(tmp_path, CLEAN_ROWS, header="证件号码,参保险种,区划代码,参保日期", encoding="gb18030")
    run, errors = _findings(package)
    assert errors == {} and {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 2, "包头市": 2}
    text = "通辽市2023年城乡居民参保人员名册\n身份证号,参保险种,区划代码,参保日期"
    run, errors = _findings(_package(tmp_path / "titled", CLEAN_ROWS, header=text, encoding="gb18030"))
    assert errors == {} and {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 2, "包头市": 2}
    # and a UTF-8 roster whose names are Cyrillic (two-byte characters) stays UTF-8: it has Chinese too
    named = _package(tmp_path / "named", [r + ",Иванов" for r in CLEAN_ROWS], header="身份证号,参保险种,区划代码,参保日期,姓名")
    run, errors = _findings(named)
    assert errors == {} and {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 2, "包头市": 2}


@pytest.mark.parametrize("written", ["150102198501010010.0", "150102198501010000.00"])
def test_ids_written_with_a_decimal_part_are_refused(tmp_path, written):
    """150102198501010010.0 passed through a number cell: a float keeps 15 or 16 digits, so the
    number cannot be checked. Refused naming the file and the column, never counted as EN002."""
    from auditkit.errors import PackageError

    with pytest.raises(PackageError) as caught:
        run_check(_package(tmp_path, [f"{written},居民,150102,2023-01-03", *CLEAN_ROWS[1:]]), select=["EN"])
    assert "带小数位" in str(caught.value) and "roster.csv" in str(caught.value) and "身份证号" in str(caught.value)


def test_county_codes_with_text_markers_or_the_county_name_are_read(tmp_path):
    """The four residents' county cells written '150102, ="150105" (as a CSV keeps it), 150203昆都仑区
    and 青山区(150206): each read by its six-digit code, 4 repaired (IN003), the clean counts
    (呼和浩特市 2, 包头市 2), no EN011."""
    rows = ["150102198501010010,居民,'150102,2023-01-03", '150105198602020022,居民,"=""150105""",2023-01-04',
            "150203198703030038,居民,150203昆都仑区,2023-01-05", "15020619880404004X,职工,150206,2023-01-06",
            "150206198905050052,居民,青山区(150206),"]
    run, errors = _findings(_package(tmp_path, rows))
    assert errors == {} and {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 2, "包头市": 2}
    (county,) = [f for f in _notes(run, "IN003") if "区划代码" in f.condition]
    assert county.evidence.count == 4


def test_a_county_code_in_scientific_notation_is_refused(tmp_path):
    """1.50102E+11 is how Excel's General format shows the 12-digit code 150102000000: rounded to
    six digits, 150102500000 would show 1.50103E+11 — the county cannot be known. Refused."""
    from auditkit.errors import PackageError

    rows = ["150102198501010010,居民,1.50102E+11,2023-01-03", *CLEAN_ROWS[1:]]
    with pytest.raises(PackageError) as caught:
        run_check(_package(tmp_path, rows), select=["EN"])
    assert "科学计数法" in str(caught.value) and "参保地区划代码" in str(caught.value)


def test_a_mac_csv_with_a_date_format_header_and_marked_dates(tmp_path):
    """Lines ending in a carriage return alone (Excel for Mac's "CSV (Macintosh)"), the date column
    headed 参保日期（年-月-日）, 呼和浩特市's second resident enrolled '2023-07-01 (a text marker) and
    包头市's first written with a zero-width space after the date: all read. 呼和浩特市: 2 records,
    EN010 1, verified 1 (declared 2: EN009 1); 包头市 as clean. Before, the file read as no
    record at all, or the date column was dropped and EN010 missed."""
    rows = ["150102198501010010,居民,150102,2023-01-03", "150105198602020022,居民,150105,'2023-07-01",
            "150203198703030038,居民,150203,2023-01-05\u200b", *CLEAN_ROWS[3:]]
    run, errors = _findings(_package(tmp_path, rows, header="身份证号,参保险种,区划代码,参保日期（年-月-日）", end="\r"))
    assert errors == {("EN010", "呼和浩特市"): 1, ("EN009", "呼和浩特市"): 1}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 1, "包头市": 2}


def test_a_listed_death_without_a_date_is_named_not_dropped(tmp_path):
    """deaths.csv lists 150102198501010010 with no 死亡日期: whether the death fell before June 30
    cannot be told, so the person is not excluded and the row (line 3) is named (IN002)."""
    deaths = ["150203198703030038,2023-06-30", "150102198501010010,"]
    run, errors = _findings(_package(tmp_path, CLEAN_ROWS, deaths=deaths))
    assert errors == {}
    (unread,) = _notes(run, "IN002")
    assert unread.evidence.rows == [{"行": 3}] and "deaths.csv" in unread.evidence.where
    assert "未填写" in unread.condition


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_timestamps_with_a_time_zone_are_read_as_dates_in_beijing(tmp_path, engine):
    """A Parquet roster whose 参保日期 are instants in UTC: 2023-06-30 16:30 UTC is 2023-07-01
    00:30 in Beijing, after June 30 (EN010); 2023-06-29 16:30 UTC is June 30 itself (kept).
    呼和浩特市: 2 records, EN010 1, verified 1; declared 2: EN009 1. 包头市: 2 verified."""
    import datetime as dt

    import polars as pl

    package = _package(tmp_path, CLEAN_ROWS)
    utc = dt.timezone.utc
    pl.DataFrame({"身份证号": [r.split(",")[0] for r in CLEAN_ROWS], "参保险种": [r.split(",")[1] for r in CLEAN_ROWS],
                  "区划代码": [r.split(",")[2] for r in CLEAN_ROWS],
                  "参保日期": [dt.datetime(2023, 6, 29, 16, 30, tzinfo=utc), dt.datetime(2023, 6, 30, 16, 30, tzinfo=utc),
                           dt.datetime(2023, 1, 5, tzinfo=utc), dt.datetime(2023, 1, 6, tzinfo=utc), None]}
                 ).write_parquet(package / "roster.parquet")
    manifest = package / "submission.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"roster.csv"', '"roster.parquet"'), encoding="utf-8")
    run, errors = _findings(package, engine=engine)
    assert errors == {("EN010", "呼和浩特市"): 1, ("EN009", "呼和浩特市"): 1}
    assert {row.region: row.enrolled for row in run.assessment} == {"呼和浩特市": 1, "包头市": 2}
