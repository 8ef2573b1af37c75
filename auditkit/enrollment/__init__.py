"""Enrollment: the roster's exclusion cascade (RULES.md EN001–EN009) and the verified count.

``roster_result(sub, rules)`` runs the cascade once per submission (cached) on the engine the
caller chose in ``sub.options`` (``engine``: polars | duckdb | spark; ``spark_remote``;
``buckets``; ``progress``, a callback ``(description, done, total)``), and gives per settlement
region (盟市, named as the rulebook names it) the resident records, what each EN check
excluded, and the verified count. ``verified_counts`` is what the settlement's assessment
uses as the enrolled count.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from auditkit.enrollment.cascade import NO_REGION, Settings, Tally, run
from auditkit.enrollment.engines import ENGINES, open_engine
from auditkit.errors import PackageError
from auditkit.ids import number_from_key

__all__ = ["ENGINES", "RegionCounts", "RosterResult", "roster_result", "verified_counts"]

LIST_TABLES = ("national_list", "other_coverage", "deaths")
# Memory the second pass needs per roster record (the narrow frame, the per-person group-by
# and its joins), measured on the synthetic roster of benchmarks/roster.py with Polars.
BYTES_PER_RECORD = 120
UNKNOWN_REGION = "区划代码缺失或有误"


@dataclass
class RegionCounts:
    region: str
    code: str  # the settlement region's six-digit code, or "" when the county code is unusable
    records: int = 0  # resident records in the roster
    excluded: dict[str, int] = field(default_factory=dict)  # EN001..EN008 -> records
    reasons: dict[int, int] = field(default_factory=dict)  # EN002 reason code -> records
    lower_x: int = 0
    verified: int = 0
    samples: dict[str, list[str]] = field(default_factory=dict)  # EN code -> written numbers


@dataclass
class RosterResult:
    regions: dict[str, RegionCounts]
    engine: str
    buckets: int


def census_day(rules, year: int) -> int:
    month, day = rules.get("enrollment.census_day").value
    return year * 10000 + month * 100 + day


def settings_for(sub, rules) -> Settings:
    keep = rules.get("enrollment.duplicate_keep").value if rules.has("enrollment.duplicate_keep") else "earliest"
    if keep not in ("earliest", "none"):
        raise PackageError(f"规则库参数 enrollment.duplicate_keep 应为 earliest 或 none，实为“{keep}”")
    exceptions = {}
    if rules.has("enrollment.settlement_region_exceptions"):
        for county, region in rules.get("enrollment.settlement_region_exceptions").value.items():
            exceptions[int(county)] = int(region)
    return Settings(year=sub.year, census_day=census_day(rules, sub.year), keep_one=keep == "earliest",
                    exceptions=exceptions, buckets=_buckets(sub), places=county_places(sub, rules))


def county_places(sub, rules) -> dict[int, tuple[int, int]]:
    """In a package of one 盟市's counties (``auditkit.areas``): every code a county of that 盟市
    has had -> (its code today, the 盟市's code), so that records are counted per county by
    their insured county code (152633, 达茂旗 until 1996 -> 150223). Empty otherwise."""
    from auditkit.areas import COUNTY, PREFECTURE, package_area, places

    choice = package_area(sub, rules)
    if choice is None or choice.area.level != PREFECTURE or not (choice.area.region.code or "").isdigit():
        return {}
    prefecture = int(choice.area.region.code)
    return {int(code): (int(region.code), prefecture) for code, region in places(rules).by_code.items()
            if region.level == COUNTY and region.parent == choice.area.name and code.isdigit()}


def _available_memory() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 8 << 30


def _estimated_records(path: Path) -> int:
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            return pq.read_metadata(path).num_rows
        except Exception:  # an unreadable file is reported when it is scanned
            return 0
    return path.stat().st_size // 40  # a CSV line of an ID, a scheme, a code and a date


def _buckets(sub) -> int:
    """``--buckets N`` when given, else as many as keep one bucket within half the free memory."""
    chosen = sub.options.get("buckets")
    if chosen:
        return max(1, int(chosen))
    need = _estimated_records(sub.large["roster"]) * BYTES_PER_RECORD
    return max(1, math.ceil(need / (_available_memory() / 2)))


def region_names(rules, places: dict[int, tuple[int, int]] | None = None) -> dict[int, str]:
    """Settlement region code -> the rulebook's name; former codes map to today's region. With
    a county package's ``places``, the counties of its 盟市 by today's code instead."""
    names = {}
    if places:
        from auditkit.areas import places as known

        for code, region in known(rules).by_code.items():
            if code.isdigit() and int(code) in {today for today, _ in places.values()}:
                names[int(code)] = region.name
        return names
    for region in rules.regions if rules is not None else []:
        for code in [region.code, *(c for _n, c, _y in region.former)]:
            if code and code.isdigit():
                names[int(code)] = region.name
    return names


def _compute(sub, rules) -> RosterResult:
    options = sub.options
    engine_name = options.get("engine") or "polars"
    remote = options.get("spark_remote") or os.environ.get("SPARK_REMOTE") or None
    settings = settings_for(sub, rules)
    tables = {name: path for name, path in sub.large.items() if name == "roster" or name in LIST_TABLES}
    engine = open_engine(engine_name, remote)
    try:
        tally = run(engine, tables, settings, options.get("progress"))
    finally:
        engine.close()
    return RosterResult(_by_region(tally, rules, settings.places), engine_name, settings.buckets)


def _by_region(tally: Tally, rules, places: dict[int, tuple[int, int]] | None = None) -> dict[str, RegionCounts]:
    names = region_names(rules, places)
    others = region_names(rules)  # a record of another 盟市 in a county package
    regions: dict[str, RegionCounts] = {}

    def entry(code: int) -> RegionCounts:
        if code == NO_REGION:
            name, written = UNKNOWN_REGION, ""
        else:
            written = f"{code:06d}"
            name = names.get(code) or others.get(code, written)
        if name not in regions:
            regions[name] = RegionCounts(name, written)
        return regions[name]

    for name in dict.fromkeys(names.values()):  # every region of the jurisdiction, even if empty
        regions[name] = RegionCounts(name, next(f"{c:06d}" for c, n in names.items() if n == name))
    for code, records in tally.records.items():
        entry(code).records += records
    for code, count in tally.verified.items():
        entry(code).verified += count
    for code, count in tally.lower_x.items():
        entry(code).lower_x += count
    for (check, code), count in tally.excluded.items():
        counts = entry(code).excluded
        counts[check] = counts.get(check, 0) + count
    for (code, reason), count in tally.reasons.items():
        reasons = entry(code).reasons
        reasons[reason] = reasons.get(reason, 0) + count
    for (check, code), values in sorted(tally.samples.items()):
        # the same samples however the roster was cut into buckets: the lowest number (and,
        # for EN002, the highest as written), each bucket offering its own lowest and highest
        chosen = {min(values), max(values)} if check == "EN002" else {min(values)}
        shown = [number_from_key(v) if isinstance(v, int) else str(v) for v in sorted(chosen)]
        samples = entry(code).samples
        samples[check] = sorted(set(samples.get(check, [])) | set(shown))
    return regions


def roster_result(sub, rules) -> RosterResult:
    return sub.cached("enrollment", lambda: _compute(sub, rules))


def verified_counts(sub, rules) -> dict[str, int]:
    """The verified resident count per settlement region (盟市) after the cascade (EN009);
    empty without a rulebook that names the census day (the settlement then uses the declared
    counts, and the EN checks are skipped for the missing parameter)."""
    if rules is None or not rules.has("enrollment.census_day"):
        return {}
    return {name: counts.verified for name, counts in roster_result(sub, rules).regions.items()}
