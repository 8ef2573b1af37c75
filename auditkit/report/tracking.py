"""Rectification tracking: this run's findings against a previous run's result (its JSON, or
the JSON its PDF, HTML review or working papers carry).

A finding whose ``key`` (code, region and subject, never the figures) was in the previous
result is 仍未整改; one that was not is 新发现; a previous finding whose key is gone is 已整改.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditkit.errors import PackageError
from auditkit.findings import Finding
from auditkit.report.embedded import kind_of, read_embedded

NEW, OPEN, RECTIFIED = "新发现", "仍未整改", "已整改"
_KEPT = ("code", "severity", "region", "title", "condition", "key", "effect")


@dataclass
class Tracking:
    source: str  # the previous result's file name, for the provenance block
    previous_keys: set[str]
    current_keys: set[str]
    rectified: list[dict[str, Any]] = field(default_factory=list)  # previous findings now gone

    def status(self, key: str) -> str:
        return OPEN if key in self.previous_keys else NEW

    @property
    def counts(self) -> dict[str, int]:
        return {NEW: len(self.current_keys - self.previous_keys),
                OPEN: len(self.current_keys & self.previous_keys),
                RECTIFIED: len(self.rectified)}


_WHICH = ("上次运行 auditkit check 时以 --output 写出的 JSON 文件，或以 --report 写出的审核意见（PDF、HTML）、"
          "以 --xlsx 写出的工作底稿：auditkit 在其中附带了审核结果")
_KINDS = {"pdf": "PDF 文件", "xlsx": "Excel 工作簿", "html": "网页文件"}


def load_previous(path: Path) -> list[dict[str, Any]]:
    """The findings of a previous result: the JSON ``auditkit check --output`` writes, or the
    one a review PDF, HTML page or working-papers workbook of auditkit carries
    (auditkit.report.embedded). Raises PackageError saying which file would do."""
    path = Path(path)
    if not path.is_file():
        raise PackageError("上次审核结果文件不存在", file=str(path))
    kind = kind_of(path)
    if kind == "json":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise PackageError(f"不是 auditkit 的审核结果文件；--previous 应为{_WHICH}", file=str(path)) from None
    else:
        text = read_embedded(path, kind)
        if text is None:
            raise PackageError(f"该{_KINDS[kind]}中没有 auditkit 审核结果（可能不是 auditkit 写出的，或经另存、打印后丢失）；"
                               f"--previous 应为{_WHICH}", file=str(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackageError(f"上次审核结果不是有效的 JSON（第{exc.lineno}行第{exc.colno}列有误）；--previous 应为{_WHICH}",
                           file=str(path)) from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        raise PackageError(f"上次审核结果中没有问题清单（findings）；--previous 应为{_WHICH}", file=str(path))
    for number, item in enumerate(findings, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("key"), str):
            raise PackageError(f"上次审核结果第{number}项问题缺少 key", file=str(path))
    return findings


def track(findings: Iterable[Finding], previous: list[dict[str, Any]], source: str = "") -> Tracking:
    current = {f.key for f in findings}
    previous_keys = {item["key"] for item in previous}
    seen: set[str] = set()
    rectified = []
    for item in previous:
        if item["key"] in current or item["key"] in seen:
            continue
        seen.add(item["key"])
        rectified.append({k: item.get(k) for k in _KEPT})
    rectified.sort(key=lambda r: (str(r.get("code") or ""), str(r.get("region") or ""), r["key"]))
    return Tracking(source, previous_keys, current, rectified)
