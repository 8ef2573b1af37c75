"""Rectification tracking: this run's findings against a previous run's JSON.

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


def load_previous(path: Path) -> list[dict[str, Any]]:
    """The findings of a previous ``auditkit check --format json`` result."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise PackageError("上次审核结果文件不存在", file=str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PackageError(f"上次审核结果文件不是有效的 JSON（{exc}）", file=str(path)) from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(findings, list):
        raise PackageError("上次审核结果文件中没有 findings 列表，应为 auditkit check --format json 的输出",
                           file=str(path))
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
