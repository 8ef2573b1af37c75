"""Performance targets and budget classification (塔地财社〔2021〕87号 一、附件2).

PF001 reads each target of the 绩效目标表 as written (``auditkit.targets``) and compares the
actual value; a target that has no actual value, or is qualitative, is listed and not judged.
PF002 checks the 政府收支分类科目 that the fund documents name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditkit import Evidence, Finding, check, family
from auditkit.programs import PROGRAMS
from auditkit.settlement import region_name
from auditkit.targets import parse_actual, parse_target

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("PF", "绩效目标及预算科目方面", order=120)

ALL_PROGRAMS = tuple(PROGRAMS)
_CODE = re.compile(r"\d{7}")


@check("PF001", "绩效指标未达到绩效目标", cites="塔地财社〔2021〕87号 四、附件2", needs=["performance"],
       severity="warning", programs=ALL_PROGRAMS)
def performance_targets(sub, rules) -> Iterator[Finding]:
    """各项绩效指标的实际完成值应达到绩效目标表所列的指标值：如重复参保人数为0、虚报参保人数为0%、当年各级财政补助资金到位率100%、参保人政策范围内住院费用报销比例>68%、住院费用实际报销比例>60%、基金滚存结余可支配月数6-9个月、参保对象满意度>90%。

    Targets are read as the real table writes them (``0``, ``0%``, ``>68%``, ``> 90%``, ``≥90%``,
    ``6-9个月``, ``100%``, ``-96``). One warning per indicator that misses its target; one info
    finding lists every target not judged — no actual value, a qualitative target (``逐步推开``,
    ``成效明显``), or an actual that cannot be read against the target's unit.
    """
    table = sub.table("performance")
    unjudged: list[dict] = []
    for row in table.rows():
        region = region_name(row["region"], rules)
        indicator = "".join((row["indicator"] or "").split())
        target = parse_target(row["target"])
        written_actual = (row.get("actual") or "").strip()
        actual = parse_actual(written_actual, target, indicator)
        if actual is None:
            reason = ("定性指标" if target.kind == "qualitative" else
                      "未填报实际值" if not written_actual else "实际值无法按目标值的单位识别")
            unjudged.append({"region": region, "indicator": indicator, "target": row["target"],
                             "actual": written_actual, "reason": reason, "row": row["_row"]})
            continue
        if target.met_by(actual):
            continue
        yield Finding(
            region=region, subject=f"indicator:{indicator}",
            condition=(f"{region}绩效指标“{indicator}”实际完成值为{written_actual}，"
                       f"未达到绩效目标“{row['target']}”（应{target.describe()}）。"),
            recommendation="分析未达到绩效目标的原因，制定整改措施，并在绩效自评报告中如实反映。",
            # a percentage's value is a rate, which JSON keeps unrounded (output._number)
            figures={"target": row["target"], "actual": written_actual,
                     ("actual_rate" if target.unit == "%" else "actual_value"): actual},
            evidence=Evidence(count=1, where=table.where(row["_row"], "actual")))
    if unjudged:
        reasons: dict[str, int] = {}
        for item in unjudged:
            reasons[item["reason"]] = reasons.get(item["reason"], 0) + 1
        counted = "，".join(f"{reason}{count}项" for reason, count in reasons.items())
        yield Finding(
            subject="unjudged", severity="info", title="绩效指标未作判断",
            condition=(f"绩效目标表中有{len(unjudged)}项指标未作判断（{counted}），已逐项列出："
                       + "；".join(f"{u['region']}“{u['indicator']}”目标值{u['target']}" for u in unjudged) + "。"),
            recommendation="绩效自评时补填各项指标的实际完成值，定性指标附完成情况说明。",
            evidence=Evidence(count=len(unjudged), rows=unjudged, where=table.file))


@check("PF002", "政府收支分类科目列示错误", cites="塔地财社〔2021〕87号 一",
       needs=["documents.income_code|documents.expenditure_code"],
       params=["classification.income_code", "classification.expenditure_code"], severity="warning")
def budget_classification(sub, rules) -> Iterator[Finding]:
    """城乡居民基本医疗保险补助资金应列入政府收支分类科目“1100249 医疗卫生共同财政事权转移支付收入”，支出列“2101202 财政对城乡居民基本医疗保险基金的补助”。

    The codes come from the rulebook (``classification.*``). A document's code is the first
    seven-digit number in its cell, so "1100249 医疗卫生共同财政事权转移支付收入" and "1100249" both
    read as 1100249; an empty cell is a document that names no code, which is also a finding,
    when the table names codes at all.
    """
    table = sub.table("documents")
    expected = {"income_code": ("收入", rules.get("classification.income_code").value),
                "expenditure_code": ("支出", rules.get("classification.expenditure_code").value)}
    for row in table.rows():
        for column, (side, code) in expected.items():
            if not table.has(column):
                continue
            written = (row.get(column) or "").strip()
            found = _CODE.search(written)
            if found is not None and found.group(0) == code:
                continue
            doc = row.get("doc_no") or f"第{row['_row']}行"
            what = f"列{side}科目“{written}”" if written else f"未列{side}科目"
            yield Finding(
                region=region_name(row["region"], rules) if row.get("region") else None,
                subject=f"{column}:{doc}",
                condition=f"资金文件{doc}{what}，应列“{code}”。",
                recommendation=f"按政府收支分类科目将该项资金{side}列“{code}”，更正预算指标文件和会计核算。",
                figures={"declared": written, "expected": code},
                evidence=Evidence(count=1, where=table.where(row["_row"], column)))
