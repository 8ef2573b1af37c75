"""Copies to the 监管局 (抄送): what the rules say must reach 财政部内蒙古监管局.

Read from the optional 抄送 column of the documents and filings tables; a table without that
column cannot be judged, and CC001 is then listed as not run.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditkit import Evidence, Finding, check, family
from auditkit.schemas import TABLES

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("CC", "文件抄送方面", order=160)

SUPERVISOR = "监管局"  # 财政部内蒙古监管局, however the 抄送 line shortens it

# (program, table, what the row is, the article that requires the copy)
_DOCUMENTS = {
    "resident-subsidy": "内财社〔2025〕357号 第九条",
    "medical-assistance": "内蒙古自治区医疗救助补助资金管理办法 第七条",
}
_FILINGS = {
    "region-request": ("自治区结算请示", "内财社〔2025〕357号 第十五条"),
    "performance-targets": ("区域绩效目标", "内财社〔2025〕357号 第十四条"),
    "assessment-report": ("绩效自评报告", "内蒙古自治区医疗救助补助资金管理办法 第九条"),
}


@check("CC001", "应抄送财政部内蒙古监管局的文件未抄送", severity="warning",
       cites="内财社〔2025〕357号 第九条、第十四条、第十五条；医疗救助补助资金管理办法 第七条、第九条",
       needs=["documents.cc|filings.cc"], params=["review.copies_to_supervisor"], programs=("resident-subsidy", "medical-assistance"))
def copies_to_supervisor(sub, rules) -> Iterator[Finding]:
    """自治区财政厅下达中央财政补助资金预算指标的文件（城乡居民医保补助资金管理办法第九条、医疗救助补助资金管理办法第七条）、区域绩效目标（第十四条）、自治区结算请示（第十五条）和医疗救助绩效自评报告（医疗救助办法第九条）应抄送财政部内蒙古监管局。

    A document counts when the 自治区 (level 自治区财政) issues money under a parent document of
    the centre or as a budget, advance, preallocation or settlement to the regions; a filing
    counts by its 报送事项. Its 抄送 cell must name the 监管局; an empty cell is a copy not sent.
    One finding per document number or filing.
    """
    yield from _documents(sub)
    yield from _filings(sub)


def _documents(sub) -> Iterator[Finding]:
    if not sub.has("documents", "cc"):
        return
    table = sub.table("documents")
    article = _DOCUMENTS[sub.manifest.program]
    seen: set[str] = set()
    for row in table.rows():
        level = TABLES["documents"].column("level").canonical(row.get("level"))
        purpose = TABLES["documents"].column("purpose").canonical(row.get("purpose"))
        if level != "regional" or purpose not in ("budget", "advance", "preallocation", "settlement"):
            continue
        number = (row.get("doc_no") or "").strip()
        if number in seen or SUPERVISOR in (row.get("cc") or ""):
            continue
        seen.add(number)
        yield Finding(
            subject=f"document:{number}",
            condition=f"自治区财政厅下达补助资金的文件{number}未抄送财政部内蒙古监管局（抄送栏为“{(row.get('cc') or '').strip() or '空'}”）。",
            recommendation=f"按{article}的规定，将该文件补充抄送财政部内蒙古监管局，今后下达预算指标时同时抄送。",
            figures={"doc_no": number, "cc": row.get("cc") or ""},
            evidence=Evidence(count=1, where=table.where(row["_row"], "cc")))


def _filings(sub) -> Iterator[Finding]:
    if not sub.has("filings", "cc"):
        return
    table = sub.table("filings")
    for row in table.rows():
        item = TABLES["filings"].column("item").canonical(row.get("item"))
        if item not in _FILINGS or SUPERVISOR in (row.get("cc") or ""):
            continue
        name, article = _FILINGS[item]
        number = (row.get("doc_no") or "").strip()
        yield Finding(
            subject=f"filing:{item}:{number}",
            condition=f"{name}{('（' + number + '）') if number else ''}未抄送财政部内蒙古监管局。",
            recommendation=f"按{article}的规定，将{name}抄送财政部内蒙古监管局。",
            figures={"item": item, "doc_no": number, "cc": row.get("cc") or ""},
            evidence=Evidence(count=1, where=table.where(row["_row"], "cc")))
