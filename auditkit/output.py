"""The canonical JSON result and the terminal summary.

JSON is deterministic: the same inputs give the same bytes (no wall-clock time, sorted
findings, keys in a fixed order). Money is in 元 rounded to the fen; counts are integers; rates
are unrounded fractions. ID numbers are masked unless ``reveal_ids``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from rich.markup import escape

from auditkit import __version__
from auditkit.findings import SEVERITY_NAMES, Finding, mask_ids_in, mask_value
from auditkit.money import round_fen, wan
from auditkit.programs import PROGRAMS
from auditkit.runner import Result

RATE_FIELDS = {"arrival_rate", "rate"}


def _number(value: Any, name: str = "") -> Any:
    if isinstance(value, Decimal):
        if name in RATE_FIELDS or name.endswith("_rate") or name.endswith("share"):
            return float(value)
        return float(round_fen(value))
    return value


def _clean(value: Any, name: str, reveal: bool) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v, k, reveal) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, name, reveal) for v in value]
    if isinstance(value, (str, int)) and not isinstance(value, bool) and not reveal:
        value = mask_value(value)
    if isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _number(value, name)


def finding_json(f: Finding, reveal: bool = False) -> dict[str, Any]:
    data = {
        "code": f.code,
        "severity": f.severity,
        "region": f.region,
        "title": f.title,
        "condition": f.condition,
        "criteria": f.criteria,
        "effect": {"amount": f.effect.amount, "persons": f.effect.persons},
        "recommendation": f.recommendation,
        "key": f.key,
        "figures": f.figures,
        "subject": f.subject,
        "cause": f.cause,
        "unit": f.unit,
        "evidence": {"count": f.evidence.count, "where": f.evidence.where, "rows": f.evidence.rows},
    }
    return _clean(data, "", reveal)


def _area(sub, rules) -> dict | None:
    """What the package covers (auditkit.areas): name, level (jurisdiction | prefecture) and how
    it was known (manifest | inferred | default); None without a rulebook that names regions."""
    from auditkit.areas import package_area

    choice = package_area(sub, rules)
    if choice is None:
        return None
    return {"name": choice.area.name, "level": choice.area.level, "basis": choice.how}


def result_json(result: Result, reveal: bool = False, tracking=None) -> dict[str, Any]:
    """``tracking`` (auditkit.report.tracking.Tracking, from ``--previous``) adds each finding's
    ``rectification`` (新发现 / 仍未整改) and a top-level ``rectification`` block that lists the
    previous findings now gone (已整改)."""
    sub = result.submission
    rules = result.rulebook
    assessment = []
    catalogued = PROGRAMS[sub.manifest.program].assessment
    for row in result.assessment:
        item = {"region": row.region, **{name: getattr(row, name) for name in catalogued.fields},
                "declared": row.declared, "basis": row.basis}
        assessment.append(_clean(item, "", reveal))
    data = {
        "auditkit": __version__,
        "package": {
            "program": sub.manifest.program,
            "jurisdiction": sub.manifest.jurisdiction,
            "year": sub.manifest.year,
            "funding_level": sub.manifest.funding_level,
            "submitter": sub.manifest.submitter,
            "example": sub.manifest.example,
            "area": _area(sub, rules),
            "inputs": [{"table": i.table, "path": i.path, "sha256": i.sha256} for i in sub.inputs],
        },
        "rulebook": {"id": rules.id, "version": rules.version} if rules else None,
        "findings": [finding_json(f, reveal) for f in result.findings],
        "assessment": assessment,
        "skipped": [{"code": s.code, "reason": s.reason} for s in result.skipped],
        "summary": {"errors": result.count("error"), "warnings": result.count("warning"),
                    "info": result.count("info")},
    }
    if tracking is not None:
        for item in data["findings"]:
            item["rectification"] = tracking.status(item["key"])
        data["rectification"] = {"previous": tracking.source, "counts": tracking.counts,
                                 "rectified": _clean(tracking.rectified, "", reveal)}
    return data


def dumps(result: Result, reveal: bool = False, tracking=None) -> str:
    return json.dumps(result_json(result, reveal, tracking), ensure_ascii=False, indent=2) + "\n"


SEVERITY_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def print_summary(result: Result, console, reveal: bool = False) -> None:
    """A short summary for the terminal: each finding in a line or two, then the counts."""
    sub = result.submission
    title = f"{sub.manifest.submitter or sub.manifest.jurisdiction} {sub.year}年度 审核结果"
    if sub.manifest.example:
        title += "（示例数据）"
    console.print(f"[bold]{escape(title)}[/bold]")
    for f in result.findings:
        condition = escape(f.condition if reveal else mask_ids_in(f.condition))
        region = f.region or "全表"
        amount = f"（涉及{wan(f.effect.amount)}）" if f.effect.amount else ""
        persons = f"（涉及{f.effect.persons:,}人）" if f.effect.persons else ""
        console.print(f"[{SEVERITY_STYLES[f.severity]}]{f.code} {SEVERITY_NAMES[f.severity]}[/] "
                      f"[bold]{escape(region if reveal else mask_ids_in(region))}[/bold] {f.title}："
                      f"{condition}{amount}{persons}")
    if not result.findings:
        console.print("未发现问题。")
    if result.skipped:
        by_reason: dict[str, list[str]] = {}
        for skipped in result.skipped:
            by_reason.setdefault(skipped.reason, []).append(skipped.code)
        console.print(f"[dim]未运行的检查 {len(result.skipped)} 项：[/dim]")
        for reason, codes in by_reason.items():
            console.print(f"[dim]  {escape('、'.join(codes))}：{escape(reason)}[/dim]")
    console.print(f"错误 {result.count('error')} 项，警告 {result.count('warning')} 项，"
                  f"提示 {result.count('info')} 项。")
