"""Deadline checks DL001–DL006 (内财社〔2025〕357号 第九、十、十五、十六条; 医疗救助资金管理办法 第七条).

Every deadline comes from ``auditkit.deadlines`` (periods from the day after the event, filing
dates inclusive, moved to the next working day on the official calendar, the year-end money
cut-off never moved) with the rulebook's ``[deadline.*]`` settings. A finding names the
document, payment or filing it rests on, the dates, the deadline and the days late. A date past
a deadline that the holiday calendar cannot settle (a year it does not cover) is a warning that
says so, never a guess.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections.abc import Iterator

from auditkit import Evidence, Finding, check, family
from auditkit.areas import JURISDICTION, area_of
from auditkit.deadlines import (
    DATE_SETTINGS,
    LEVEL_NAMES,
    PERIOD_SETTINGS,
    YEAR_END_SETTINGS,
    annual,
    canonical,
    chinese_date,
    doc_key,
    documents_by_number,
    late_finding,
    month_day,
    within_days,
    year_of_money,
    year_end,
)
from auditkit.money import wan, yuan
from auditkit.settlement import SPECIAL_ACCOUNT, region_name

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("DL", "资金下达和材料报送时限方面", order=90)

FILING_NAMES = {
    "request": "关于申请结算补助资金的请示",
    "region-request": "关于申请结算补助资金的请示（报财政部、国家医保局）",
    "initial-review": "初审意见及汇总情况（报财政部内蒙古监管局）",
    "enrollment-june": "6月底参保人数（附件2、3）",
    "contributions": "城乡居民个人实际缴费情况（附件5）",
}


def _issue_date(rows: list[dict]) -> dt.date:
    """A document's issue date: the earliest its rows give (one row per region it allocates to)."""
    return min(row["issued_on"] for row in rows)


@check("DL001", "未在规定期限内分解下达预算", cites="内财社〔2025〕357号 第九条；内蒙古自治区医疗救助补助资金管理办法 第七条",
       needs=["documents.received_on"], params=["deadline.budget_issue_days", *PERIOD_SETTINGS],
       severity="warning", programs=("resident-subsidy", "medical-assistance"))
def budget_issued_in_time(sub, rules) -> Iterator[Finding]:
    """自治区财政厅收到中央财政补助资金文件后，应在30日内将预算指标下达至各统筹地区，并抄送财政部内蒙古监管局。

    The upper document is a central document of the documents table with a received_on date
    (when the region received it); the region's documents naming it as parent_doc_no are its
    issuance. The 30 days start the day after receipt: received Sept 1, 2023, day 30 is Oct 1 (a
    National Day holiday), so the deadline is Oct 7, 2023, a make-up working day. A received
    central document that no regional document names is a finding of its own: nothing shows the
    budget was issued — in a package of the jurisdiction's 盟市, not in one of a 盟市's counties,
    which need not list the 自治区's documents. The article binds the 自治区's issue to the 盟市
    only: a 盟市's onward issue to its counties has no day count in any article, so a prefecture
    document is never judged here.
    """
    table = sub.table("documents")
    days = rules.get("deadline.budget_issue_days").value
    documents = documents_by_number(sub)
    area = area_of(rules)
    of_counties = area is not None and area.level != JURISDICTION
    children: dict[str, dict[str, list[dict]]] = {}
    for number, rows in documents.items():
        parent = doc_key(rows[0].get("parent_doc_no"))
        if parent and canonical("documents", "level", rows[0]["level"]) == "regional":
            children.setdefault(parent, {})[number] = rows
    for number, rows in sorted(documents.items()):
        received = [row for row in rows if row.get("received_on") is not None]
        if canonical("documents", "level", rows[0]["level"]) != "central" or not received:
            continue
        first = min(received, key=lambda row: row["received_on"])
        deadline = within_days(first["received_on"], days, rules, "收到")
        issued = children.get(number, {})
        if not issued:
            if of_counties:
                continue
            yield Finding(
                subject=number, severity="warning",
                condition=(f"中央财政补助资金文件{number}于{chinese_date(first['received_on'])}收到，"
                           f"资金文件表中未见依据该文件分解下达的自治区文件；{deadline.describe()}。"),
                recommendation="核实是否已分解下达；未下达的立即下达至各统筹地区，并抄送财政部内蒙古监管局。",
                figures={"received_on": first["received_on"], "due": deadline.due},
                evidence=Evidence(count=1, where=table.where(first["_row"], "received_on")))
            continue
        for child, child_rows in sorted(issued.items()):
            issued_on = _issue_date(child_rows)
            row = next(r for r in child_rows if r["issued_on"] == issued_on)
            finding = late_finding(
                region=None, subject=child, what=f"依据中央财政补助资金文件{number}分解下达的{child}",
                done="印发", done_on=issued_on, deadline=deadline, where=table.where(row["_row"], "issued_on"),
                recommendation=f"今后收到中央财政补助资金文件后{days}日内将预算指标下达至各统筹地区，并抄送财政部内蒙古监管局。")
            if finding is not None:
                finding.figures["received_on"] = first["received_on"]
                yield finding


@check("DL002", "补助资金未在年底前支付至财政专户", cites="内财社〔2025〕357号 第九条",
       needs=["payments"], params=list(YEAR_END_SETTINGS), severity="warning")
def money_in_special_account(sub, rules) -> Iterator[Finding]:
    """中央及地方各级财政补助资金，应在每年12月底前全部支付至统筹地区社会保障基金财政专户。

    Every voucher into the fund's special account (payee account containing 财政专户) is judged
    against Dec 31 of the year whose money it is: the year its document was issued (the next
    year for an advance 提前下达), else the package's year. The cut-off never moves, whatever day
    of the week Dec 31 is. A late payment's money does not count for the year before: AR001's
    arrival rate leaves it out too.
    """
    table = sub.table("payments")
    documents = documents_by_number(sub)
    for row in table.rows():
        if SPECIAL_ACCOUNT not in "".join(row["payee_account"].split()):
            continue
        money_year = year_of_money(row, documents, sub.year)
        if money_year is None:
            continue
        level = LEVEL_NAMES.get(canonical("payments", "source_level", row["source_level"]), row["source_level"])
        region = region_name(row["region"], rules)
        voucher = row.get("voucher_no") or f"第{row['_row']}行"
        under = f"（依据{row['doc_no']}）" if row.get("doc_no") else ""
        finding = late_finding(
            region=region, subject=f"payment:{voucher}",
            what=f"{region}{money_year}年度补助资金{yuan(row['amount'])}{under}（{level}支付，凭证{voucher}）",
            done="支付至社会保障基金财政专户", done_on=row["paid_on"], deadline=year_end(money_year, rules),
            where=table.where(row["_row"], "paid_on"), amount=row["amount"],
            recommendation=f"各级财政补助资金应在{money_year}年12月底前足额支付至社会保障基金财政专户；逾期支付的不计入当年到位资金。")
        if finding is not None:
            # who paid: a 盟市's or 旗县's late money is the local shortfall AR001 counts (auditkit.stake)
            finding.figures["payer"] = canonical("payments", "source_level", row["source_level"])
            yield finding


def _filing_checks(sub, rules, items: tuple[str, ...], setting: str, year: int,
                   recommendation: str) -> Iterator[Finding]:
    """Each filing of ``items`` against the rulebook's date ``setting`` in ``year``.

    The articles bind the 盟市 (第十五条's 请示, 第十六条's annexes) and the 自治区 (its 请示 and
    初审意见): a county files nothing to the 自治区. So in a package of one 盟市's counties
    (``auditkit.areas``) a row with an empty 地区 is the 盟市's own filing, a county's row is not
    judged, and no county is asked for a filing. In a package of the jurisdiction's 盟市, a 盟市
    of the settlement table with no filing of an item that other 盟市 filed is reported.
    """
    table = sub.table("filings")
    deadline = annual(rules, setting, year)
    area = area_of(rules)
    of_counties = area is not None and area.level != JURISDICTION
    filed: dict[str, set[str]] = {}
    first: dict[tuple[str, str | None], dict] = {}  # (item, filer) -> its earliest filing
    for row in table.rows():
        item = canonical("filings", "item", row["item"])
        if item not in items:
            continue
        region = region_name(row["region"], rules) if row.get("region") else None
        if of_counties:
            if region is not None and region != area.name:
                continue  # a county's filing goes to its 盟市, under no article's deadline
            region = area.name
        filed.setdefault(item, set()).add(region or "")
        earlier = first.get((item, region))
        if earlier is None or row["submitted_on"] < earlier["submitted_on"]:
            first[(item, region)] = row
    for (item, region), row in first.items():  # each filer files each item once: its first filing counts
        who = region or rules.jurisdiction
        doc = f"（{row['doc_no']}）" if row.get("doc_no") else ""
        finding = late_finding(
            region=region, subject=f"{item}:{region or ''}", what=f"{who}{FILING_NAMES[item]}{doc}",
            done="报送", done_on=row["submitted_on"], deadline=deadline,
            where=table.where(row["_row"], "submitted_on"), recommendation=recommendation)
        if finding is not None:
            yield finding
    if "settlement" not in sub.tables or of_counties:
        return
    regions = [region_name(row["region"], rules) for row in sub.table("settlement").rows()]
    for item, who in sorted(filed.items()):
        for region in regions:
            if who - {""} and region not in who:
                yield Finding(
                    region=region, subject=f"{item}:{region}:missing",
                    condition=f"材料报送表中未见{region}报送{FILING_NAMES[item]}的记录；{deadline.describe()}。",
                    recommendation=recommendation, figures={"due": deadline.due},
                    evidence=Evidence(count=0, where=table.where()))


@check("DL003", "盟市结算请示逾期报送", cites="内财社〔2025〕357号 第十五条",
       needs=["filings"], params=["deadline.prefecture_request", *DATE_SETTINGS], severity="warning")
def prefecture_request(sub, rules) -> Iterator[Finding]:
    """每年1月15日前，各盟市财政部门会同医疗保障部门向自治区财政厅、医保局联合报送申请结算上一年度补助资金的请示。

    Filings of item ``request``, against Jan 15 of Y+1 moved to the next working day when it is
    not one.
    """
    yield from _filing_checks(sub, rules, ("request",), "deadline.prefecture_request", sub.year + 1,
                              "今后按规定时限报送结算请示；逾期的作出书面说明。")


@check("DL004", "自治区结算请示或初审意见逾期报送", cites="内财社〔2025〕357号 第十五条、第十六条",
       needs=["filings"], params=["deadline.region_request", "deadline.initial_review", *DATE_SETTINGS],
       severity="warning")
def region_request(sub, rules) -> Iterator[Finding]:
    """每年2月15日前，自治区财政厅会同医保局向财政部、国家医保局上报结算请示，并将初审意见、汇总情况与补助资金申请材料同时报送财政部内蒙古监管局。

    Filings of items ``region-request`` and ``initial-review`` (region left empty: the
    jurisdiction's own filing), against Feb 15 of Y+1 moved to the next working day: Feb 15,
    2024 fell in the Spring Festival holiday, so a filing on Feb 18, 2024 (a make-up working
    day) is in time.
    """
    for item, setting in (("region-request", "deadline.region_request"), ("initial-review", "deadline.initial_review")):
        day = month_day(rules, setting, sub.year + 1)
        yield from _filing_checks(sub, rules, (item,), setting, sub.year + 1,
                                  f"今后于次年{day.month}月{day.day}日前（遇节假日顺延）报送结算请示及初审意见。")


@check("DL005", "6月底参保人数及个人缴费情况逾期报送", cites="内财社〔2025〕357号 第十六条",
       needs=["filings"], params=["deadline.enrollment_annexes", *DATE_SETTINGS], severity="warning")
def enrollment_annexes(sub, rules) -> Iterator[Finding]:
    """6月底参保人数及城乡居民个人实际缴费情况（附件2、3、5）应于当年8月底前报送。

    Filings of items ``enrollment-june`` and ``contributions``, against Aug 31 of Y moved to the
    next working day when it is not one.
    """
    day = month_day(rules, "deadline.enrollment_annexes", sub.year)
    yield from _filing_checks(sub, rules, ("enrollment-june", "contributions"), "deadline.enrollment_annexes",
                              sub.year, f"今后于当年{day.month}月{day.day}日前报送6月底参保人数及个人实际缴费情况。")


@check("DL006", "预拨或结算补助资金逾期下达", cites="内财社〔2025〕357号 第十条",
       needs=["documents"], params=["deadline.central_preallocation", "deadline.regional_settlement", *DATE_SETTINGS],
       severity="warning")
def preallocation_and_settlement(sub, rules) -> Iterator[Finding]:
    """中央财政每年6月底前预拨本年度补助资金并同步结算上年度补助资金；自治区在收到中央结算资金后，于每年7月底前结算上年度中央和自治区补助资金。

    Central documents of purpose ``preallocation`` are judged against June 30 of the year they
    were issued in, regional documents of purpose ``settlement`` against July 31 of theirs (a
    settlement issued in year X settles X−1); both move to the next working day when not one.
    """
    table = sub.table("documents")
    rules_by_kind = {("central", "preallocation"): ("deadline.central_preallocation", "中央财政预拨补助资金文件"),
                     ("regional", "settlement"): ("deadline.regional_settlement", "自治区结算补助资金文件")}
    for number, rows in sorted(documents_by_number(sub).items()):
        kind = (canonical("documents", "level", rows[0]["level"]), canonical("documents", "purpose", rows[0]["purpose"]))
        if kind not in rules_by_kind:
            continue
        setting, name = rules_by_kind[kind]
        issued_on = _issue_date(rows)
        row = next(r for r in rows if r["issued_on"] == issued_on)
        amounts = [r["amount"] for r in rows if r.get("amount") is not None]
        shown = f"（{wan(sum(amounts, Decimal(0)))}）" if amounts and min(amounts) > 0 else ""  # a net clawback says little
        finding = late_finding(
            region=None, subject=number, what=f"{name}{number}{shown}",
            done="印发", done_on=issued_on, deadline=annual(rules, setting, issued_on.year),
            where=table.where(row["_row"], "issued_on"),
            recommendation="督促按规定时限下达预拨及结算资金。")
        if finding is not None:
            yield finding
