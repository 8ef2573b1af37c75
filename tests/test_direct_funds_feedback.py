"""The rest of seed 004 (issue 18): the direct-fund tag along the chain (DF001, DF002) and the
monthly fund-use feedback form (UF001–UF003), read as 附件3 prints it or stacked.

fixtures/tacheng-2020 breaks each rule once (its README lists the plants); direct-funds-ok and
feedback-stacked keep them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from auditkit import load_package
from tests.conftest import FIXTURES, audit, only


def test_the_tag_kept_along_the_chain():
    """新财社〔2020〕50号 (01) → 塔地财社〔2020〕60号 (01) → vouchers TC2020-0101/0102 (01, written
    with and without a space); 63号 passes on untagged money under untagged 51号: nothing."""
    assert audit("direct-funds-ok", "DF001,DF002").findings == []


def test_a_tag_that_disappears_names_the_chain():
    """塔城: 塔地财社〔2020〕61号 passes 50号's direct funds to 沙湾县 without the tag: one DF001
    naming 50号 → 61号 (沙湾县 read as today's 沙湾市); 60号 and its vouchers keep it."""
    [finding] = only(audit("tacheng-2020", "DF001"), "DF001")
    assert finding.figures["chain"] == ["新财社〔2020〕50号", "塔地财社〔2020〕61号"]
    assert finding.region == "沙湾市"
    assert "新财社〔2020〕50号 → 塔地财社〔2020〕61号" in finding.condition


def test_direct_funds_mixed_into_another_document():
    """塔城: 塔地财社〔2020〕62号 gives 裕民县 2,000,000 of 50号's direct funds (tagged) and 500,000
    of 51号's other money (untagged) in one document: one DF002."""
    [finding] = only(audit("tacheng-2020", "DF002"), "DF002")
    assert finding.figures == {"doc_no": "塔地财社〔2020〕62号", "rows": 2, "untagged_rows": 1}


def test_df_checks_need_the_jurisdictions_source():
    """内蒙古's rulebook names no direct-fund tag: DF001/DF002 are listed as not run there."""
    result = audit("deadlines-ok", "DF001,DF002")
    assert {s.code for s in result.skipped} == {"DF001", "DF002"}


def test_forms_as_printed_one_per_sheet():
    """The 塔城 workbook: four sheets laid out as 附件3 (title, 县市（单位）名称 line, our 月份 and
    报送日期 line, 单位：万元, header, 合计 first, 说明 under it) read as four forms; 额敏县 11月's
    合计 资金金额 1,534.56 万元 = 15,345,600 元 over two rows."""
    from auditkit import load_package

    forms = load_package(FIXTURES / "tacheng-2020").table("feedback").forms
    assert [(f.region, f.month, f.filed_on, len(f.rows)) for f in forms] == [
        ("额敏县", (2020, 11), dt.date(2020, 11, 26), 2), ("额敏县", (2020, 12), dt.date(2021, 1, 5), 1),
        ("托里县", (2020, 11), dt.date(2020, 11, 27), 2), ("托里县", (2020, 12), dt.date(2020, 12, 28), 2)]
    assert forms[0].total["amount"] == Decimal("15345600")


def test_stacked_forms_keep_every_rule():
    """feedback-stacked (GB18030 CSV, 地区/月份/报送日期 as columns, a 合计 first per form):
    额敏县 1,300.00 ÷ 1,534.56 = 84.71%, 234.56 = 1,534.56 − 1,300.00; 托里县 700.00 ÷ 976.20 =
    71.71%, its 56.20 behind plan has measures; both filed before Nov 30, 2020: nothing."""
    result = audit("feedback-stacked", "UF001,UF002,UF003")
    assert result.findings == [] and result.skipped == []


def test_a_wrong_progress_is_found_once():
    """塔城 托里县 11月: 医疗救助 100.00 ÷ 120.00 = 83.33%, written 93.33%: one UF001."""
    [finding] = only(audit("tacheng-2020", "UF001"), "UF001")
    assert finding.region == "托里县" and "93.33%" in finding.condition and "83.33%" in finding.condition


def _stacked_uf001(tmp_path, written: str, instead: str) -> list:
    """UF001's findings on a copy of feedback-stacked with one figure written otherwise (the
    first occurrence of ``written`` in its GB18030 CSV replaced by ``instead``)."""
    import shutil

    package = tmp_path / "stacked"
    shutil.copytree(FIXTURES / "feedback-stacked", package)
    table = package / "反馈表汇总.csv"
    text = table.read_bytes().decode("gb18030")
    assert written in text
    table.write_bytes(text.replace(written, instead, 1).encode("gb18030"))
    return only(audit(package, "UF001"), "UF001")


def test_a_total_that_disagrees_with_its_rows(tmp_path):
    """The stacked package with 额敏县's 合计 实际支出金额 written 1,310.00 (rows 1,000.00 + 300.00 =
    1,300.00): UF001 on that form's 合计 for 实际支出金额, 10.00 万元 apart (and on its 进度, which
    1,310.00 ÷ 1,534.56 = 85.37% no longer matches 84.71%)."""
    findings = _stacked_uf001(tmp_path, ",1534.56,1300.00,,234.56,", ",1534.56,1310.00,,234.56,")
    totals = [f for f in findings if f.subject.endswith("total:spent")]
    assert [(f.region, f.figures["difference"]) for f in totals] == [("额敏县", Decimal("100000"))]
    assert totals[0].condition == "额敏县2020年11月反馈表合计行“实际支出金额”为1,310.00万元，各行之和为1,300.00万元，多10.00万元。"


@pytest.mark.parametrize("word", ["合 计", "合计：", "全县合计", "总计"])
def test_a_form_total_worded_otherwise_still_opens_its_form(tmp_path, word):
    """额敏县's 合计 written as offices also write it: still that form's total, so 额敏县 keeps its
    two rows and its totals agree (1,000.00 + 300.00 = 1,300.00; 1,234.56 + 300.00 = 1,534.56万元 =
    15,345,600 元; 托里县 856.20 + 120.00 = 976.20万元 = 9,762,000 元) —
    no UF001, and no 合计 read as a fund of 托里县's form."""
    assert _stacked_uf001(tmp_path, "2020-11-26,合计,", f"2020-11-26,{word},") == []
    forms = load_package(tmp_path / "stacked").table("feedback").forms
    assert [(f.region, len(f.rows), f.total["amount"]) for f in forms] == [
        ("额敏县", 2, Decimal("15345600")), ("托里县", 2, Decimal("9762000"))]


def test_an_unspent_amount_that_is_not_amount_less_spent(tmp_path):
    """The stacked package with 额敏县's 医保 row 未支出金额 written 244.56 (1,234.56 − 1,000.00 =
    234.56): UF001 on that row, 10.00 万元 too much, and on the form's 合计 未支出金额, whose 234.56
    is now 10.00 万元 short of its rows (244.56 + 0.00) — quoted in 万元 as the form is written; a
    form's own arithmetic puts no money at stake."""
    findings = _stacked_uf001(tmp_path, ",1000.00,城乡居民医保基金,234.56,", ",1000.00,城乡居民医保基金,244.56,")
    assert [(f.subject.split(":", 1)[1], f.figures["difference"]) for f in findings] == [
        ("5:unspent", Decimal("100000")), ("total:unspent", Decimal("-100000"))]
    assert findings[0].condition == ("额敏县2020年11月反馈表“2020年城乡居民基本医疗保险自治区补助资金”行未支出金额244.56万元，"
                                     "应为资金金额1,234.56万元减实际支出金额1,000.00万元即234.56万元，多10.00万元。")
    assert findings[1].condition == "额敏县2020年11月反馈表合计行“未支出金额”为234.56万元，各行之和为244.56万元，少10.00万元。"
    assert all(f.effect.amount == 0 and f.unit == "wan" for f in findings)


def test_a_form_filed_after_its_month():
    """塔城 额敏县 12月 filed 2021-01-05; Dec 31, 2020 was a Thursday (a working day): 5 days late."""
    [finding] = only(audit("tacheng-2020", "UF002"), "UF002")
    assert finding.region == "额敏县" and finding.figures["days_late"] == 5


def test_money_behind_plan_without_measures():
    """塔城 托里县 12月: 56.20 万元 behind plan, 整改措施 empty: one UF003 of 562,000 元."""
    [finding] = only(audit("tacheng-2020", "UF003"), "UF003")
    assert finding.effect.amount == Decimal("562000")
    assert "有56.20万元未按计划或预算执行要求支出" in finding.condition and finding.unit == "wan"


def test_the_new_codes_are_listed_with_their_citations():
    from auditkit import load_checks

    specs = load_checks()
    for code in ("DF001", "DF002", "UF001", "UF002", "UF003", "IC001", "IC002", "CC001", "MT001", "YY001"):
        assert code in specs and specs[code].cites and specs[code].criteria
