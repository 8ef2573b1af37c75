"""Checks do not refuse input (issue 15 item 9): enumerated words — scheme, category, fund,
level, purpose, filing item — and months are read by the table schemas when the package is
loaded. An unknown word is refused there, naming file, row and column and listing the words
allowed; every spelling of a known one reaches the checks as the same canonical word."""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from auditkit import PackageError, load_package
from tests.conftest import FIXTURES, audit, only

ROOT = FIXTURES.parent


def _copy(tmp_path: Path, fixture: str, file: str, old: str, new: str) -> Path:
    package = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, package)
    path = package / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return package


@pytest.mark.parametrize(("fixture", "file", "old", "new", "row", "header", "allowed"), [
    ("pooling-ok", "risk_pool.csv", "2022,职工", "2022,大额", 2, "险种", ["职工", "居民"]),
    ("pooling-ok", "deficits.csv", "额济纳旗,2023,职工", "额济纳旗,2023,离休", 3, "险种", ["职工", "居民"]),
    ("pooling-ok", "pooling_uploads.csv", "阿拉善左旗,职工,2023-01", "阿拉善左旗,工伤,2023-01", 2, "险种",
     ["职工", "居民", "生育保险", "大额医疗保险"]),
    ("pooling-ok", "pooling_uploads.csv", "2023年5月", "2023年13月", 3, "所属月份", ["2023-01", "2023年1月"]),
    ("pooling-ok", "pooling_uploads.csv", "2023-09", "九月", 4, "所属月份", ["2023-01"]),
    ("contributions-ok", "contribution_bases.csv", "李某,灵活就业人员", "李某,退休人员", 6, "人员类别",
     ["用人单位", "职工个人", "灵活就业人员等", "领取失业保险金人员"]),
    ("contributions-ok", "fund_budgets.csv", "呼和浩特市,居民", "呼和浩特市,工伤", 3, "险种", ["职工", "居民"]),
    ("assistance-ok", "assistance.csv", "包头市,城乡医疗救助", "包头市,临时救助", 3, "资金类别",
     ["城乡医疗救助", "疾病应急救助"]),
    ("deadlines-ok", "documents.csv", ",中央,提前下达", ",中央,追加", 5, "用途", ["提前下达", "预拨", "结算"]),
])
def test_an_unknown_word_is_refused_at_load_with_its_place_and_the_words_allowed(
        tmp_path, fixture, file, old, new, row, header, allowed):
    """Before, a scheme, category, fund or month a check did not know was a PackageError
    raised by that check mid-run (PL001, DL009, CT001, AL001), after the package had loaded,
    and a word no check read (a deficit's or a budget's scheme) was not checked at all."""
    package = _copy(tmp_path, fixture, file, old, new)
    with pytest.raises(PackageError) as error:
        load_package(package)
    assert (error.value.file, error.value.row) == (file, row)
    assert header in error.value.column
    [written] = [word for word in new.split(",") if word not in old.split(",")]
    assert f"实为“{written}”" in error.value.message
    for word in allowed:
        assert word in error.value.message, error.value.message


@pytest.mark.parametrize(("row", "written", "canonical"), [
    (0, "职工", "employee"), (0, "城镇职工", "employee"), (0, "职工医保", "employee"),
    (0, "城镇职工基本医疗保险", "employee"), (0, " 职 工 ", "employee"), (0, "职工基本医疗保险费", "employee"),
    (1, "居民", "resident"), (1, "城乡居民基本医疗保险", "resident"), (1, "居民医保", "resident"),
    (0, "合计", "combined"), (0, "职工、居民", "combined"),
])
def test_each_spelling_of_a_scheme_reaches_pl001_as_one_word(tmp_path, row, written, canonical):
    """pooling-ok's 2022 rows under other spellings are the same rows: employees' extraction
    is still 10% × (280,000,000 − 90,000,000) = 19,000,000 and residents' 0 (the pool already
    holds 125,000,000 ≥ 120,000,000), so PL001 has nothing to say. A combined row is the
    finding that the pools are not kept apart (and then 2022 has residents' row only)."""
    old = ("2022,职工", "2022,居民")[row]
    package = _copy(tmp_path, "pooling-ok", "risk_pool.csv", old, f"2022,{written}")
    assert load_package(package).table("risk_pool").rows()[row]["scheme"] == canonical
    findings = only(audit(package, "PL001"), "PL001")
    if canonical == "combined":
        assert [f.subject for f in findings] == ["2022:combined"]
    else:
        assert findings == []


@pytest.mark.parametrize("written", ["城乡医疗救助", "城乡医疗救助补助资金", "城乡医疗救助资金", "urban-rural"])
def test_each_spelling_of_a_fund_is_the_same_fund(tmp_path, written):
    package = _copy(tmp_path, "assistance-ok", "assistance.csv", "包头市,城乡医疗救助", f"包头市,{written}")
    assert load_package(package).table("assistance").rows()[1]["fund"] == "urban_rural"
    assert not [f for f in audit(package, "AL001,AL003").findings if f.severity == "error"]


@pytest.mark.parametrize("written", ["2023年5月", "2023-05", "2023/5", "2023.05", "5月", "5", " 2023 年 5 月 "])
def test_a_month_in_any_form_is_read_once_for_dl009(tmp_path, written):
    """pooling-dl009-broken: 阿拉善左旗's May 2023 collections were due on Saturday June 10,
    moved to Monday June 12, and arrived June 13 — one day late, whichever way May is written
    ('5月' is May of the package's year, 2023)."""
    package = _copy(tmp_path, "pooling-dl009-broken", "pooling_uploads.csv", "2023年5月", written)
    assert load_package(package).table("pooling_uploads").rows()[1]["month"] == dt.date(2023, 5, 1)
    [finding] = only(audit(package, "DL009"), "DL009")
    assert finding.subject == "2023-05:职工:late" and finding.figures["days_late"] == 1


def test_a_month_typed_as_a_date_cell_in_a_workbook(tmp_path):
    """Excel turns '2023-05' typed into a cell into the date 2023-05-01 shown as 2023/5/1 or
    May-23: the month is what the cell holds."""
    package = tmp_path / "pkg"
    shutil.copytree(FIXTURES / "pooling-dl009-broken", package)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "上划"
    sheet.append(["旗（区）", "险种", "所属月份", "当月征缴金额", "上划金额", "上划日期"])
    sheet.append(["阿拉善左旗", "职工", dt.datetime(2023, 5, 1), 1200000, 1200000, dt.datetime(2023, 6, 13)])
    sheet["C2"].number_format = "yyyy-mm"
    book.save(package / "uploads.xlsx")
    toml = package / "submission.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"pooling_uploads.csv"', '"uploads.xlsx"'), encoding="utf-8")
    [finding] = only(audit(package, "DL009"), "DL009")
    assert finding.subject == "2023-05:职工:late" and finding.figures["days_late"] == 1


def test_the_same_region_and_fund_twice_is_refused_at_load(tmp_path):
    package = _copy(tmp_path, "assistance-ok", "assistance.csv", "乌海市,城乡医疗救助", "包头市,城乡医疗救助补助资金")
    with pytest.raises(PackageError) as error:
        load_package(package)
    assert "包头市" in error.value.message and "城乡医疗救助" in error.value.message
    assert "第3行、第4行" in error.value.message


def test_one_region_under_two_names_is_a_finding_not_a_stop(tmp_path):
    """'呼市' is the rulebook's alias of 呼和浩特市: only the rulebook can tell the two rows are
    one region, so AL001 reports it (and does not recompute that fund) instead of stopping."""
    package = _copy(tmp_path, "assistance-ok", "assistance.csv", "乌海市,城乡医疗救助", "呼市,城乡医疗救助")
    result = audit(package, "AL001,AL002")
    [finding] = only(result, "AL001")
    assert finding.region == "呼和浩特市" and finding.subject == "urban_rural:repeated"
    assert "第2、4行" in finding.condition
    assert not only(result, "AL002")  # the other fund is recomputed as before


def test_words_and_months_reach_the_findings_in_chinese(tmp_path):
    """The frame holds canonical words; findings name them as the forms do (PL001: 城镇职工)."""
    package = _copy(tmp_path, "pooling-ok", "risk_pool.csv", "2023,职工,300000000.00", "2023,城镇职工基本医疗保险,300000000.00")
    package_text = (package / "risk_pool.csv").read_text(encoding="utf-8")
    (package / "risk_pool.csv").write_text(package_text.replace(",20000000.00", ",21000000.00"), encoding="utf-8")
    [finding] = only(audit(package, "PL001"), "PL001")
    assert "2023年城镇职工共济金提取" in finding.condition and "employee" not in finding.condition
    assert finding.figures["expected"] == Decimal(20000000)


CHECK_MODULES = [*sorted((ROOT / "checks").glob("*.py")), ROOT / "auditkit" / "allocation.py",
                 ROOT / "auditkit" / "settlement.py", ROOT / "auditkit" / "deadlines.py"]


@pytest.mark.parametrize("path", CHECK_MODULES, ids=lambda p: p.name)
def test_no_check_raises_a_package_error(path):
    """What a check reads was read when the package was loaded ("nothing is checked from a
    package that does not fit"): no check module, nor what they compute with, raises one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    raised = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Raise) and node.exc is not None
              and "PackageError" in ast.unparse(node.exc)]
    assert raised == [], f"{path.name} raises PackageError at lines {raised}"


def test_an_empty_fund_is_allowed_on_a_total_row_only(tmp_path):
    """A 合计 row may leave 资金类别 empty (it totals the table's one fund); any other row that
    does is refused at load, naming the cell — not by the allocation mid-run."""
    package = _copy(tmp_path, "assistance-ok", "assistance.csv", "包头市,城乡医疗救助", "包头市,")
    with pytest.raises(PackageError) as error:
        load_package(package)
    assert (error.value.row, "资金类别" in error.value.column) == (3, True)
    assert "只有合计行可以不填" in error.value.message
