"""Running the selected checks over a submission: skip what cannot run, and say why."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditkit import parameters
from auditkit.findings import Finding, RegionAssessment
from auditkit.package import Submission
from auditkit.programs import PROGRAMS
from auditkit.registry import CheckSpec, NotRun
from auditkit.rulebook import Rulebook
from auditkit.schemas import TABLES

@dataclass
class Skipped:
    code: str
    reason: str


@dataclass
class Result:
    submission: Submission
    rulebook: Rulebook | None
    findings: list[Finding] = field(default_factory=list)
    assessment: list[RegionAssessment] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def _param_year(expression: str, year: int) -> tuple[str, int | None]:
    """'standard@Y+1' -> ('standard', year + 1); 'central_share' -> ('central_share', None)."""
    name, _, when = expression.partition("@")
    if not when:
        return name, None
    match = re.fullmatch(r"Y([+-]\d+)?", when)
    if not match:
        raise ValueError(f"bad parameter year in {expression!r}")
    return name, year + int(match.group(1) or 0)


_OPTIONS = {"prior_year": "未提供上年审核结果（--prior-year）"}


def _missing(sub: Submission, need: str) -> str | None:
    if need.startswith("option:"):  # a run option, such as --prior-year
        option = need.partition(":")[2]
        return None if sub.options.get(option) else _OPTIONS.get(option, f"未提供 {option}")
    table, _, column = need.partition(".")

    spec = TABLES.get(table)
    label = spec.label if spec else table  # the table's Chinese name: 参保人员名册, not roster
    if table in sub.not_given:
        return f"{label}未填写数据（{sub.not_given[table]}），视为未报送"
    if table not in sub.tables and table not in sub.large:
        return f"数据包中没有{label}"
    if column and not sub.has(table, column):
        known = next((c for c in spec.columns if c.name == column), None) if spec else None
        return f"{label}中没有“{known.label if known else column}”列"
    return None


def why_not(spec: CheckSpec, sub: Submission, rules: Rulebook | None) -> str | None:
    """The reason a check cannot run on this package, in Chinese, or None if it can."""
    if sub.manifest.program not in spec.programs:
        return f"不适用于项目类型 {sub.manifest.program}"
    for need in spec.needs:
        # "settlement.over_reported|roster": any one of the alternatives will do
        reasons = [_missing(sub, alternative) for alternative in need.split("|")]
        if all(reasons):
            return "；或".join(dict.fromkeys(reasons))
    for expression in spec.params:
        name, year = _param_year(expression, sub.year)
        if rules is None:
            return f"管辖区“{sub.manifest.jurisdiction}”没有规则库，缺少参数{parameters.shown(name)}"
        if not rules.has(name, year):
            return f"规则库“{rules.id}”未设参数{parameters.shown(name, year)}"
    return None


def run(sub: Submission, rules: Rulebook | None, specs: list[CheckSpec]) -> Result:
    from auditkit.areas import bind

    rules = bind(sub, rules)  # names are read inside the package's area: a 盟市's counties, or the 盟市
    result = Result(sub, rules)
    # the IN checks report reading notes, some of which are made while other checks read their
    # input (a roster): they run last
    for spec in sorted(specs, key=lambda s: s.code.startswith("IN")):
        if sub.manifest.program not in spec.programs:
            continue  # another program's check: it does not apply, so it is not "skipped"
        reason = why_not(spec, sub, rules)
        if reason is not None:
            result.skipped.append(Skipped(spec.code, reason))
            continue
        for finding in spec.function(sub, rules) or ():
            if isinstance(finding, NotRun):
                result.skipped.append(Skipped(spec.code, finding.reason))
                continue
            finding.code = spec.code
            finding.title = finding.title or spec.title
            finding.criteria = finding.criteria or spec.criteria_in(rules)
            finding.severity = finding.severity or spec.severity
            result.findings.append(finding)
    ran = {spec.code for spec in specs} - {s.code for s in result.skipped}
    if "YY001" in ran and sub.options.get("prior_year"):
        from auditkit.prior import load_prior, recurring

        for finding in recurring(result.findings, load_prior(sub.options["prior_year"])):
            finding.code, finding.title = "YY001", "与上年审核结果对比需关注的事项"
            finding.criteria = next(s for s in specs if s.code == "YY001").criteria_in(rules)
            result.findings.append(finding)
    assessment = PROGRAMS[sub.manifest.program].assessment
    if assessment is not None and assessment.table in sub.tables:
        result.assessment = assessment.compute(sub, rules)
    result.findings.sort(key=lambda f: (f.code, f.region or "", f.subject, f.key))
    return result

