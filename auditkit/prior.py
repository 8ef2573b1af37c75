"""Last year's result, for YY001 (``--prior-year``): loading it, and the problems found again.

The problems found again are read from this run's own findings, which no single check sees, so
the runner calls ``recurring`` once every check has run (``auditkit.runner.run``).
"""

from __future__ import annotations

import json
from pathlib import Path

from auditkit.errors import PackageError
from auditkit.findings import Finding


def load_prior(path: Path) -> dict:
    if not path.is_file():
        raise PackageError("上年审核结果文件不存在", file=str(path))
    """Last year's result as a dict (the JSON shape of DESIGN.md); PackageError if none."""
    if path.suffix.lower() == ".json":
        text = path.read_text(encoding="utf-8-sig")
    else:
        try:
            from auditkit.report.embedded import kind_of, read_embedded
        except ImportError:  # pragma: no cover - a build without embedded results
            raise PackageError("--prior-year 应为上年 auditkit check 以 --output 写出的 JSON 文件", file=str(path)) from None
        text = read_embedded(path, kind_of(path))
        if text is None:
            raise PackageError("该文件中没有 auditkit 审核结果；--prior-year 应为上年的审核结果 JSON、审核意见 PDF 或工作底稿",
                               file=str(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise PackageError("上年审核结果不是有效的 JSON 文件", file=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise PackageError("上年审核结果中没有问题清单（findings）", file=str(path))
    return data



def recurring(findings: list[Finding], prior: dict) -> list[Finding]:
    """One YY001 info finding per error or warning of this run whose code and region were
    already an error or warning last year (the subject may differ: last year's figures are not
    this year's)."""
    seen = {(f.get("code"), f.get("region")) for f in prior["findings"] if f.get("severity") in ("error", "warning")}
    again = []
    for finding in findings:
        if finding.severity not in ("error", "warning") or (finding.code, finding.region) not in seen:
            continue
        place = finding.region or "全表"
        again.append(Finding(
            region=finding.region, subject=f"again:{finding.code}",
            condition=f"{place}“{finding.title}”问题（{finding.code}）上年审核已指出，本年再次出现。",
            recommendation="分析问题反复出现的原因，明确责任，制定并落实长效整改措施。",
            figures={"code": finding.code, "key": finding.key}, severity="info"))
    return again
