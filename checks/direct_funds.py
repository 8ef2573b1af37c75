"""Direct funds (直达资金): the tag stays the same from allocation to payment (004 三).

塔地财社〔2021〕87号 三: "直达资金标识为“01 自治区直达资金”，贯穿资金分配、拨付、使用等整个环节，且保持
不变。在下达预算指标时，应单独下发预算指标文件". The documents and payments tables carry the tag
in an optional 直达资金标识 column; a document passes money on to the documents that name it as
their 上级文号 and to the payments made under its 文号. Runs where the jurisdiction's rulebook
names the tag (``direct_funds.tag``, with its source): ``xj`` from 004.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditkit import Evidence, Finding, check, family
from auditkit.deadlines import doc_key
from auditkit.settlement import region_name

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("DF", "直达资金管理方面", order=130)

CITES = "塔地财社〔2021〕87号 三"


def _tag(value) -> str:
    """'01 自治区直达资金', '01自治区直达资金' and '01' are one tag: its code when it has one."""
    text = "".join(str(value or "").split())
    digits = "".join(ch for ch in text[:4] if ch.isdigit())
    return digits or text


def _chains(sub):
    """Documents by number, their children (documents naming them as parent) and payments."""
    documents: dict[str, list[dict]] = {}
    children: dict[str, list[dict]] = {}
    for row in sub.table("documents").rows():
        documents.setdefault(doc_key(row.get("doc_no")), []).append(row)
        if row.get("parent_doc_no"):
            children.setdefault(doc_key(row["parent_doc_no"]), []).append(row)
    payments: dict[str, list[dict]] = {}
    if "payments" in sub.tables and sub.has("payments", "doc_no"):
        for row in sub.table("payments").rows():
            if row.get("doc_no"):
                payments.setdefault(doc_key(row["doc_no"]), []).append(row)
    return documents, children, payments


@check("DF001", "直达资金标识在资金链条中改变或缺失", cites=CITES, needs=["documents.direct_tag"],
       params=["direct_funds.tag"], programs=("resident-subsidy", "medical-assistance"))
def tag_kept(sub, rules) -> Iterator[Finding]:
    """直达资金在分配、拨付、使用的整个环节保持直达资金标识（如“01 自治区直达资金”）不变：依据带标识的文件下达的下级文件和拨付的支付凭证，应带同一标识。

    From each document carrying the jurisdiction's tag (rulebook ``direct_funds.tag``), the
    chain is followed down: child documents (上级文号) and payments (文号). A child whose tag is
    missing or different is one finding naming the chain from the tagged document to it
    (document → document → payment); its own children are followed on with the original tag.
    """
    code = str(rules.get("direct_funds.tag").value)
    documents, children, payments = _chains(sub)
    doc_table, pay_table = sub.table("documents"), sub.tables.get("payments")
    reported: set[str] = set()
    for number, rows in sorted(documents.items()):
        if not any(_tag(r.get("direct_tag")) == code for r in rows):
            continue
        parents = {doc_key(r.get("parent_doc_no")) for r in rows if r.get("parent_doc_no")}
        if any(any(_tag(p.get("direct_tag")) == code for p in documents.get(parent, [])) for parent in parents):
            continue  # not a chain's head: its parent carries the tag and is followed from there
        stack = [(rows[0]["doc_no"], number, [rows[0]["doc_no"]])]
        visited: set[str] = set()
        while stack:
            shown, key, path = stack.pop()
            if key in visited:
                continue
            visited.add(key)
            for child in children.get(key, []):
                chain = path + [child["doc_no"]]
                if _tag(child.get("direct_tag")) != code and f"doc:{child['doc_no']}" not in reported:
                    reported.add(f"doc:{child['doc_no']}")
                    yield _broken(chain, child, "文件", doc_table.where(child["_row"], "direct_tag"), rules)
                stack.append((child["doc_no"], doc_key(child["doc_no"]), chain))
            for payment in payments.get(key, []):
                label = payment.get("voucher_no") or f"第{payment['_row']}行"
                chain = path + [f"支付凭证{label}"]
                subject = f"payment:{payment['_row']}"
                if _tag(payment.get("direct_tag")) != code and subject not in reported:
                    reported.add(subject)
                    yield _broken(chain, payment, "支付凭证", pay_table.where(payment["_row"], "direct_tag"), rules)


def _broken(chain: list[str], row: dict, what: str, where: str, rules) -> Finding:
    written = str(row.get("direct_tag") or "").strip()
    state = f"标识为“{written}”" if written else "未标注直达资金标识"
    subject = f"{'doc' if what == '文件' else 'payment'}:{chain[-1]}"
    return Finding(
        region=region_name(row["region"], rules) if row.get("region") else None, subject=subject,
        condition=f"直达资金链条{' → '.join(chain)}中，{what}{chain[-1]}{state}，与上级文件{chain[0]}的直达资金标识不一致。",
        recommendation="在指标管理系统中更正该文件或支付凭证的直达资金标识，确保直达资金标识贯穿分配、拨付、使用全过程且保持不变。",
        figures={"chain": chain, "tag": written},
        evidence=Evidence(count=1, where=where))


@check("DF002", "直达资金未单独下发预算指标文件", cites=CITES, needs=["documents.direct_tag"],
       params=["direct_funds.tag"], programs=("resident-subsidy", "medical-assistance"))
def tag_alone(sub, rules) -> Iterator[Finding]:
    """下达直达资金预算指标时，应单独下发预算指标文件，不得与其他资金混在同一文件中下达。

    A document number some of whose rows carry the direct-fund tag while others do not, or
    whose rows pass on money from a tagged parent and from an untagged one, mixes direct funds
    with other money: one finding per such document.
    """
    code = str(rules.get("direct_funds.tag").value)
    documents, _, _ = _chains(sub)
    table = sub.table("documents")
    for number, rows in sorted(documents.items()):
        tags = {_tag(r.get("direct_tag")) == code for r in rows}
        parents = {doc_key(r.get("parent_doc_no")) for r in rows if r.get("parent_doc_no")}
        parent_tags = {any(_tag(p.get("direct_tag")) == code for p in documents.get(parent, [])) for parent in parents
                       if parent in documents}
        if not (tags == {True, False} or (True in tags and parent_tags == {True, False})):
            continue
        shown = rows[0]["doc_no"]
        other = [r for r in rows if _tag(r.get("direct_tag")) != code]
        yield Finding(
            subject=f"doc:{shown}",
            condition=(f"文件{shown}在下达直达资金的同时下达了其他资金（{len(rows)}行中{len(other)}行未带直达资金标识"
                       f"{'，或其上级文件既有直达资金也有其他资金' if not other else ''}），直达资金未单独下发预算指标文件。"),
            recommendation="直达资金应单独下发预算指标文件；请将直达资金与其他资金分文件下达，并在指标管理系统中相应调整。",
            figures={"doc_no": shown, "rows": len(rows), "untagged_rows": len(other)},
            evidence=Evidence(count=len(rows), where=table.where(rows[0]["_row"], "direct_tag")))
