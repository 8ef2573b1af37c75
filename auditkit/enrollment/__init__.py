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

from auditkit.enrollment.cascade import NO_REGION, Settings, Tally, run
from auditkit.enrollment.engines import ENGINES, open_engine
from auditkit.errors import PackageError
from auditkit.schemas import TABLES
from auditkit.ids import number_from_key

__all__ = ["ENGINES", "RegionCounts", "RosterResult", "files_shown", "parts_of", "roster_result", "verified_counts"]

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
    county_reasons: dict[int, int] = field(default_factory=dict)  # EN011 reason -> records
    lower_x: int = 0
    verified: int = 0
    samples: dict[str, list[str]] = field(default_factory=dict)  # EN code -> written numbers


@dataclass
class RosterResult:
    regions: dict[str, RegionCounts]
    engine: str
    buckets: int
    # values repaired on reading (IN003): (kind, file as shown) -> records; kinds "id" (text
    # markers, invisible or full-width characters), "county" (a county code read through an
    # export's damage)
    repaired: dict[tuple[str, str], int] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)  # reading notes (IN002, IN003) for the Submission


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
            exceptions[str(county)] = str(region)
    after = (bool(rules.get("enrollment.exclude_enrolled_after_census").value)
             if rules.has("enrollment.exclude_enrolled_after_census") else False)
    return Settings(year=sub.year, census_day=census_day(rules, sub.year), keep_one=keep == "earliest",
                    exceptions=exceptions, buckets=_buckets(sub), regions=settlement_codes(rules),
                    after_census=after, places=county_places(sub, rules))


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


def _estimated_records(parts) -> int:
    total = 0
    for part in parts:
        if part.format == "parquet":
            import pyarrow.parquet as pq

            try:
                total += pq.read_metadata(part.path).num_rows
            except Exception:  # an unreadable file is reported when it is scanned
                pass
        else:  # a CSV line of an ID, a scheme, a code and a date; a workbook's cells are zipped
            total += part.path.stat().st_size // (40 if part.format == "text" else 10)
    return total


def _buckets(sub) -> int:
    """``--buckets N`` when given, else as many as keep one bucket within half the free memory."""
    chosen = sub.options.get("buckets")
    if chosen:
        return max(1, int(chosen))
    need = _estimated_records(parts_of(sub, "roster")) * BYTES_PER_RECORD
    return max(1, math.ceil(need / (_available_memory() / 2)))


def parts_of(sub, table: str) -> list:
    """A roster-sized table's files and sheets (``auditkit.enrollment.sources.Part``), as the
    loader sniffed them; sniffed here for a Submission built without them."""
    parts = sub.large_parts.get(table)
    if parts is None:
        from auditkit.enrollment.sources import sniff

        path = sub.large[table]
        parts = sub.large_parts[table] = sniff(table, path, None, path.name)
    return parts


def files_shown(sub, table: str = "roster") -> str:
    """The files of a roster-sized table as the manifest names them, for a finding's evidence."""
    return "、".join(dict.fromkeys(part.shown for part in parts_of(sub, table)))


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


def settlement_codes(rules) -> dict[int, int]:
    """Prefecture code, today's or a former one (152600 乌兰察布盟) -> the code of the rulebook
    region that settles it (150900 乌兰察布市); empty when the rulebook names no coded region."""
    codes = {}
    for region in rules.regions if rules is not None else []:
        if not (region.code and region.code.isdigit()):
            continue
        for code in [region.code, *(c for _n, c, _y in region.former)]:
            if code and code.isdigit():
                codes[int(code)] = int(region.code)
    return codes


def _compute(sub, rules) -> RosterResult:
    options = sub.options
    engine_name = options.get("engine") or "polars"
    remote = options.get("spark_remote") or os.environ.get("SPARK_REMOTE") or None
    settings = settings_for(sub, rules)
    tables = {name: parts_of(sub, name) for name in sub.large if name == "roster" or name in LIST_TABLES}
    engine = open_engine(engine_name, remote)
    try:
        tally = run(engine, tables, settings, options.get("progress"))
        notes = _reading_notes(engine, tally, tables, settings, sub.year)
    finally:
        engine.close()
    return RosterResult(_by_region(tally, rules, settings.places), engine_name, settings.buckets,
                        dict(sorted(tally.repaired.items())), notes)


_COLUMNS = {"enrolled_on": "参保日期", "died_on": "死亡日期", "person_id": "公民身份号码", "region_code": "参保地区划代码"}


def _reading_notes(engine, tally: Tally, tables: dict, settings: Settings, year: int) -> list[dict]:
    """What the roster and lists were read through (IN003) or could not be read as (IN002),
    per file, as arguments of ``Submission.note_reading``."""
    import narwhals as nw

    from auditkit.enrollment.datecols import blank, with_date_number

    census = f"{year}年{settings.census_day // 100 % 100}月{settings.census_day % 100}日"
    by_shown = {part.shown: part for parts in tables.values() for part in parts}
    notes = []
    for (kind, shown), count in sorted(tally.repaired.items()):
        part = by_shown[shown]
        label = TABLES[part.table].label
        if kind == "id":
            message = (f"{label}中有{count:,}个身份证号含文本标记（如开头的“'”或“=\"…\"”）、不可见字符（零宽空格等）、"
                       "全角数字或字母、不间断空格或全角空格、分隔数字的空格或连字符，已去除或转换为半角后核验，未因此剔除")
            column = _COLUMNS["person_id"]
        else:
            message = (f"{label}中有{count:,}条记录的参保地区划代码经修复后读取（数值格式留下的“.0”、文本标记、"
                       "全角数字、不可见字符、12位统计用区划代码或代码旁所写的地名），已按其6位区划代码确定所属盟市")
            column = _COLUMNS["region_code"]
        notes.append(dict(code="IN003", message=message, table=part.table, file=shown, column=column, count=count,
                          subject=f"{part.table}.{kind}.{shown}"))
    for (table, column, shown), count in sorted(tally.serials.items()):
        part = by_shown[shown]
        notes.append(dict(code="IN003", message=(
            f"{TABLES[table].label}“{_COLUMNS[column]}”列全部{count:,}个值为整数，系 Excel 日期序列号，"
            "已按 Excel 1900 日期系统读作日期"), table=table, file=shown, column=_COLUMNS[column], count=count,
            subject=f"{table}.{column}.serial.{shown}",
            recommendation="核对读出的日期；今后将该列设为日期格式后再导出。"))
    for (table, column, shown), count in sorted(tally.unread.items()):
        part = by_shown[shown]
        serials = (table, column, shown) in tally.serials

        def dated(frame, _serials=serials):
            return with_date_number(frame, "_value", "_date", _serials)

        def unreadable(value, frame, _column=column):
            # a death list names its rows without a date too (a person listed, no date written)
            return nw.col("_date").is_null() & (~blank(value) if _column == "enrolled_on" else nw.lit(True))

        rows = engine.rows_where(part, column, unreadable, 10, prepare=dated)
        if column == "enrolled_on":
            assumed = (f"已按参保日期缺失处理：不因参保日期晚于{census}剔除（EN010），"
                       "同一人跨盟市重复参保时其记录排在参保日期已知的记录之后（EN004）")
        else:
            assumed = f"已按死亡日期不详处理：这些人员未作为{census}前死亡人员剔除（EN008）"
        what = "不是可识别的日期" if column == "enrolled_on" else "未填写或不是可识别的日期"
        notes.append(dict(code="IN002", message=(
            f"{TABLES[table].label}“{_COLUMNS[column]}”列有{count:,}个值{what}（应写作2023-03-01、"
            f"2023/3/1、2023年3月1日或20230301），未能读取；{assumed}"), table=table, file=shown,
            column=_COLUMNS[column], rows=rows, count=count, subject=f"{table}.{column}.unread.{shown}",
            recommendation="按所列行更正日期后重新报送。"))
    return notes


def _by_region(tally: Tally, rules, places: dict[int, tuple[int, int]] | None = None) -> dict[str, RegionCounts]:
    names = region_names(rules, places)
    others = region_names(rules)  # a record of another 盟市 in a county package
    regions: dict[str, RegionCounts] = {}

    def entry(code: int) -> RegionCounts:
        if code < 0:  # EN011's records, and invalid IDs among them: counted for no region
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
    for reason, count in tally.county_reasons.items():
        entry(NO_REGION).county_reasons[reason] = count
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
    """The cascade's counts, computed once per submission; its reading notes go to the
    submission's notes (checks/input.py reports them, after every other check)."""
    def compute() -> RosterResult:
        result = _compute(sub, rules)
        for note in result.notes:
            sub.note_reading(**note)
        return result

    return sub.cached("enrollment", compute)


def verified_counts(sub, rules) -> dict[str, int]:
    """The verified resident count per settlement region (盟市) after the cascade (EN009);
    empty without a rulebook that names the census day (the settlement then uses the declared
    counts, and the EN checks are skipped for the missing parameter)."""
    if rules is None or not rules.has("enrollment.census_day"):
        return {}
    return {name: counts.verified for name, counts in roster_result(sub, rules).regions.items()}
