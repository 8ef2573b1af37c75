"""Material the review needs and the package lacks (MT001).

Built from what the runner already knows — which checks cannot run for want of a table — in
one place (``auditkit.runner.why_not`` over the registered checks), not guessed anew.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditkit import Finding, check, family
from auditkit.programs import PROGRAMS

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("MT", "审核材料方面", order=170)

# The material 000 第十五条 and 第十六条 name, as the tables that carry it: (table, what it is)
REQUIRED = {
    "resident-subsidy": (
        ("settlement", "《请示》附表即结算分配表"),
        ("roster", "6月底参保人员名册"),
        ("documents", "下达补助资金文件"),
        ("payments", "拨款凭证"),
        ("filings", "《请示》等材料的报送情况"),
        ("individual_contributions", "城乡居民个人实际缴费情况表（附件3、5）"),
    ),
    "medical-assistance": (
        ("assistance", "医疗救助补助资金分配表"),
        ("documents", "下达补助资金文件"),
    ),
}
ARTICLES = {"resident-subsidy": "内财社〔2025〕357号 第十五条、第十六条",
            "medical-assistance": "内蒙古自治区医疗救助补助资金管理办法 第七条"}


@check("MT001", "审核所需材料未报送", severity="info", cites="内财社〔2025〕357号 第十五条、第十六条、第十八条",
       params=["review.material_request"], programs=tuple(REQUIRED))
def missing_material(sub, rules) -> Iterator[Finding]:
    """审核所需的材料（《请示》文字和附表、6月底参保人数、下达补助资金文件、拨款凭证、个人实际缴费情况）应及时报送；未报送的，列明需补充报送的材料，不作推测。

    One info finding listing each required table the package lacks whose absence keeps a check
    from running, with the checks it keeps from running (the runner's own reasons). A table
    that no registered check of the program needs is not asked for. Self-check: the list of what to add before
    filing; review: the request for more material (补充材料). Only a package that holds the
    request's own table (the settlement or the allocation) is asked: a package of documents or
    forms alone is not a request.
    """
    from auditkit.registry import REGISTRY
    from auditkit.runner import why_not

    program = sub.manifest.program
    if PROGRAMS[program].assessment is None or PROGRAMS[program].assessment.table not in sub.tables:
        return  # not a settlement or allocation request (a package of flows or forms alone)
    blocked: dict[str, list[str]] = {}
    for spec in REGISTRY.values():
        if program not in spec.programs or spec.code == "MT001":
            continue
        reason = why_not(spec, sub, rules)
        for table, _ in REQUIRED[program]:
            if reason and f"没有 {table} 表" in reason or reason and _names_table(reason, table):
                blocked.setdefault(table, []).append(spec.code)
    missing = [(table, label, sorted(blocked[table])) for table, label in REQUIRED[program]
               if table in blocked and table not in sub.tables and table not in sub.large]
    if not missing:
        return
    lines = "；".join(f"{label}，缺少该材料，{_aspects(codes)}的审核未能进行" for _, label, codes in missing)
    yield Finding(
        subject="material",
        condition=f"报送材料未含审核所需的下列材料：{lines}。",
        recommendation=f"按{ARTICLES[program]}的规定补充报送上述材料；补充后可重新审核。",
        figures={"missing": [table for table, _, _ in missing],
                 "blocked_checks": {table: codes for table, _, codes in missing}})


def _aspects(codes: list[str]) -> str:
    """The checks a missing table stops, named as a review names them: by their families'
    headings ('参保人数核实方面'), not by their codes (issue 17)."""
    from auditkit.programs import family_of

    return "、".join(dict.fromkeys(family_of(code)[1] for code in sorted(codes, key=family_of)))


def _names_table(reason: str, table: str) -> bool:
    from auditkit.schemas import TABLES

    spec = TABLES.get(table)
    return spec is not None and (f"没有{spec.label}" in reason or f"没有 {spec.label}" in reason)
