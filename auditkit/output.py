"""The canonical JSON result and the terminal summary.

JSON is deterministic: the same inputs give the same bytes (no wall-clock time, sorted
findings, keys in a fixed order). Money is in 元 rounded to the fen; counts are integers; rates
are unrounded fractions. ID numbers are masked unless ``reveal_ids``.
"""

from __future__ import annotations

import json
import re
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
            "not_given": sorted(sub.not_given),
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

# Line breaking for the terminal. Chinese text may break between any two characters, but not
# inside a number ("239.67"), a code or a file name, not after an opening bracket and not
# before a closing bracket or punctuation (GB/T 15834's 标点 rules: 点号 and closing 标号 never
# start a line, opening 标号 never end one).
_OPENING = "（《“‘「『〔【［([<"
_CLOSING = "）》”’」』〕】］)]>，。、；：！？,.;:!?%…·"
_UNIT = re.compile(
    "[" + re.escape(_OPENING) + "]*"
    r"(?:[-−+]?[0-9A-Za-z_][0-9A-Za-z_,.\-+/%:#@*]*(?<![,.:])|[ \t]+|.)"
    "[" + re.escape(_CLOSING) + "]*", re.S)


def line_breaks(text: str, width: int, indent: int = 0) -> list[tuple[int, int]]:
    """Where a line of ``text`` is cut to fit ``width`` terminal columns: (start, end) offsets
    of each line, continuation lines ``indent`` columns narrower. Breaks fall only between
    units (a number, a word, one Chinese character, each with the brackets and punctuation that
    cling to it); spaces at a break are dropped. A unit wider than a line (a long path) is cut
    where it must."""
    from rich.cells import cell_len

    lines: list[tuple[int, int]] = []
    start, used, room = 0, 0, max(width, 1)
    for match in _UNIT.finditer(text):
        unit, begin, end = match.group(), match.start(), match.end()
        size = cell_len(unit)
        if used and used + size > room:
            lines.append((start, begin))
            room = max(width - indent, 1)
            start, used = begin, 0
        if not used and unit.isspace() and lines:
            start = end  # no space at the start of a continuation line
            continue
        while size > room:  # a unit that no line holds: cut it, as a last resort
            cut = begin
            while cut < end and cell_len(text[begin:cut + 1]) <= room - used:
                cut += 1
            cut = max(cut, begin + 1)
            lines.append((start, cut))
            room = max(width - indent, 1)
            start, begin, used = cut, cut, 0
            size = cell_len(text[begin:end])
        used += size
    lines.append((start, len(text)))
    return [(a, b) for a, b in lines if b > a or (a, b) == lines[0]]


def print_wrapped(console, markup: str, indent: int = 2) -> None:
    """Print a line of rich markup: in a terminal, broken to its width at the places
    ``line_breaks`` allows, continuation lines indented; elsewhere (a pipe, a file, a log)
    as one line, never wrapped."""
    from rich.text import Text

    text = Text.from_markup(markup)
    if not console.is_terminal:
        console.print(text, soft_wrap=True, crop=False)
        return
    plain = text.plain
    breaks = line_breaks(plain, console.width, indent)
    for number, (start, end) in enumerate(breaks):
        line = text[start:end]
        line.rstrip()
        if number:
            line = Text(" " * indent) + line
        console.print(line, soft_wrap=True, crop=False)


def print_summary(result: Result, console, reveal: bool = False) -> None:
    """A short summary for the terminal: each finding in a line or two, then the counts and the
    money at stake, each yuan once (``auditkit.stake``)."""
    from auditkit.stake import at_stake as all_at_stake, stake

    sub = result.submission
    title = f"{sub.manifest.submitter or sub.manifest.jurisdiction} {sub.year}年度 审核结果"
    if sub.manifest.example:
        title += "（示例数据）"
    print_wrapped(console, f"[bold]{escape(title)}[/bold]")
    for f in result.findings:
        condition = escape(f.condition if reveal else mask_ids_in(f.condition))
        region = f.region or "全表"
        at_stake = stake(f)[2]  # a form's finding (ST003) puts no money at stake (auditkit.stake)
        amount = f"（涉及{wan(at_stake)}）" if at_stake else ""
        persons = f"（涉及{f.effect.persons:,}人）" if f.effect.persons else ""
        print_wrapped(console, f"[{SEVERITY_STYLES[f.severity]}]{f.code} {SEVERITY_NAMES[f.severity]}[/] "
                               f"[bold]{escape(region if reveal else mask_ids_in(region))}[/bold] {escape(f.title)}："
                               f"{condition}{amount}{persons}")
    if not result.findings:
        print_wrapped(console, "未发现问题。")
    if result.skipped:
        by_reason: dict[str, list[str]] = {}
        for skipped in result.skipped:
            by_reason.setdefault(skipped.reason, []).append(skipped.code)
        print_wrapped(console, f"[dim]未运行的检查 {len(result.skipped)} 项：[/dim]")
        for reason, codes in by_reason.items():
            print_wrapped(console, f"[dim]  {escape('、'.join(codes))}：{escape(reason)}[/dim]", indent=4)
    problems = [f for f in result.findings if f.severity in ("error", "warning")]
    money = all_at_stake(problems)
    total = f"；错误和警告涉及资金{wan(money)}（同一笔资金只计一次）" if money else ""
    print_wrapped(console, f"错误 {result.count('error')} 项，警告 {result.count('warning')} 项，"
                           f"提示 {result.count('info')} 项{total}。")
