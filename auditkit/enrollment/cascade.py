"""The exclusion cascade of RULES.md (EN001–EN008), written once with Narwhals.

Two passes. The first reads the roster once and keeps a narrow frame of it: per record the
ID's reason code and 17-digit key (``auditkit.ids``), the scheme and the settlement region's code
(from a codebook of the distinct written pairs), and a sort key for "which duplicate is kept"
(enrollment date, a missing one last, then county code). The second runs per bucket of that frame (all of it when there is one bucket):

    resident records with a valid ID
      ── group by (person, region) ──▶ one row per person and region: n records, best key
         EN003 = n − 1 per row
      ── group by person, keep those in 2+ regions, join back ──▶ EN004 rows: every region
         but the one holding the best key (or all of them, with duplicate_keep = "none")
      ── one left join with the first later rule naming the person (the employee set and the
         three lists, each tagged 5…8, grouped by person with the smallest tag) ──▶ EN005…EN008
      ── group by (region, code) ──▶ the counts

Every duplicate test is a group-by or a join on the person's key, so records of one person
always share a bucket when buckets are cut by the key's residue (a hash of the ID).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import narwhals as nw

from auditkit.errors import PackageError
from auditkit.ids import VALID, add_id_columns, address_columns
from auditkit.enrollment.engines import Engine

RESIDENT, EMPLOYEE, UNKNOWN_SCHEME = 1, 2, 0
RESIDENT_WORDS = ("resident", "居民", "城乡居民", "城乡居民医保", "城乡居民基本医疗保险", "居民医保")
EMPLOYEE_WORDS = ("employee", "职工", "城镇职工", "职工医保", "职工基本医疗保险")
NO_REGION = -1  # a county code that is missing or not six digits
MISSING_DATE = 99999999  # sorts after every real date
MISSING_COUNTY = 999999
# The code a kept record ends with: 0 verified, else the EN check that excluded it.
KEPT = 0


@dataclass
class Settings:
    year: int
    census_day: int  # YYYYMMDD: births after it are impossible, deaths before it exclude
    keep_one: bool  # duplicate_keep = "earliest"; False: the strict reading excludes all
    exceptions: dict[int, int] = field(default_factory=dict)  # county code -> settlement code
    buckets: int = 1
    # a package of one 盟市's counties (issue 13): county code as written -> (today's county
    # code, its 盟市's code); records are then counted per county, duplicates still per 盟市
    places: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Tally:
    """Counts per settlement region code, summed over buckets."""

    records: dict[int, int] = field(default_factory=dict)  # resident records
    excluded: dict[tuple[str, int], int] = field(default_factory=dict)  # (EN00x, region) -> records
    reasons: dict[tuple[int, int], int] = field(default_factory=dict)  # (region, EN002 reason) -> records
    lower_x: dict[int, int] = field(default_factory=dict)
    verified: dict[int, int] = field(default_factory=dict)
    samples: dict[tuple[str, int], set] = field(default_factory=dict)  # keys or written numbers

    def add(self, table: dict, key, value: int) -> None:
        if value:
            table[key] = table.get(key, 0) + int(value)

    def sample(self, code: str, region: int, value) -> None:
        if value is not None:
            self.samples.setdefault((code, region), set()).add(value)


def scheme_of(written: str | None) -> int:
    word = "".join((written or "").split()).lower()
    return RESIDENT if word in RESIDENT_WORDS else EMPLOYEE if word in EMPLOYEE_WORDS else UNKNOWN_SCHEME


def county_of(written: str | None) -> int | None:
    text = (written or "").strip()
    return int(text) if len(text) == 6 and text.isascii() and text.isdigit() else None


def _guarded_int(text: nw.Expr, pattern: str) -> nw.Expr:
    """``text`` cast to an integer where it matches ``pattern`` (digits only), else null."""
    ok = text.str.contains(pattern).fill_null(False)
    return nw.when(ok).then(nw.when(ok).then(text).otherwise(nw.lit("0")).cast(nw.Int64))


def date_number(frame: nw.LazyFrame, column: str) -> nw.Expr:
    """A date column as YYYYMMDD, null where missing or unreadable: Date columns as they are,
    text as 2023-06-30, 2023/06/30, 2023.06.30 or 20230630 (a time after the date is ignored)."""
    dtype = frame.collect_schema()[column]
    expr = nw.col(column)
    if dtype.is_temporal():
        return expr.dt.year().cast(nw.Int64) * 10000 + expr.dt.month().cast(nw.Int64) * 100 + expr.dt.day().cast(nw.Int64)
    text = expr.cast(nw.String).str.strip_chars().str.slice(0, 10).str.replace_all(r"[-/.]", "")
    return _guarded_int(text, r"^[0-9]{8}$")


def codebook(engine: Engine, roster: nw.LazyFrame, settings: Settings) -> nw.LazyFrame:
    """The distinct (scheme, county code) pairs as written, each read once in Python: its
    scheme, county and settlement region. A roster has a few hundred such pairs, so joining
    with this table replaces parsing two text columns of every record. A scheme that is
    neither 居民 nor 职工 stops the run here, before any heavy work."""
    pairs = engine.collect(roster.group_by("scheme", "region_code").agg(nw.len().alias("records")))
    rows: dict[str, list] = {"scheme": [], "region_code": [], "_scheme": [], "_county": [], "_settle": [],
                             "_place": []}
    for written_scheme, written_code, records in pairs.iter_rows():
        scheme = scheme_of(written_scheme)
        if scheme == UNKNOWN_SCHEME:
            raise PackageError(
                f"参保险种应为“居民”或“职工”（resident/employee），名册中有{records:,}条记录为“{written_scheme or '（空）'}”",
                column="险种")
        county = county_of(written_code)
        settle = NO_REGION if county is None else settings.exceptions.get(county, county - county % 100)
        place = settle  # where the record is counted: its 盟市, or in a county package its county today
        if county in settings.places:
            place, settle = settings.places[county]
            county = place
        for name, value in zip(rows, (written_scheme or "", written_code or "", scheme, county, settle, place)):
            rows[name].append(value)
    return engine.table(rows, {"scheme": "string", "region_code": "string", "_scheme": "int8",
                               "_county": "int64", "_settle": "int64", "_place": "int64"})


def narrow(roster: nw.LazyFrame, settings: Settings, codes: nw.LazyFrame, book: nw.LazyFrame) -> nw.LazyFrame:
    """Pass one: the roster reduced to what the cascade needs, one row per record."""
    if "enrolled_on" in roster.columns:
        enrolled = date_number(roster, "enrolled_on").fill_null(MISSING_DATE)
    else:
        enrolled = nw.lit(MISSING_DATE, nw.Int64)
    frame = roster.select(nw.col("person_id"), nw.col("scheme"), nw.col("region_code"), enrolled.alias("enrolled"))
    frame = frame.join(book, on=["scheme", "region_code"], how="left")
    frame = add_id_columns(frame, "person_id", settings.census_day, codes)
    county = nw.col("_county")
    frame = frame.select(
        "id_reason", "id_key", "id_lower_x",
        nw.col("_scheme").alias("scheme"),
        nw.col("_settle").alias("settle"),
        nw.col("_place").alias("place"),
        (nw.col("enrolled") * 1_000_000 + county.fill_null(MISSING_COUNTY)).alias("sortkey"),
        # the written number of an invalid ID, for evidence only
        nw.when(nw.col("id_reason") > 1).then(nw.col("id_number")).alias("bad_id"),
    )
    if settings.buckets > 1:
        frame = frame.with_columns(
            nw.when(nw.col("id_key").is_null()).then(-1)
            .otherwise(nw.col("id_key") % settings.buckets).cast(nw.Int64).alias("bucket"))
    return frame


def prepared(roster: nw.LazyFrame) -> nw.LazyFrame:
    """The roster's scheme and county code as text, missing ones as empty text (so that they
    join with the codebook)."""
    missing = [c for c in ("person_id", "scheme", "region_code") if c not in roster.columns]
    if missing:
        labels = {"person_id": "公民身份号码", "scheme": "险种", "region_code": "参保地区划代码"}
        raise PackageError(f"参保人员名册缺少必需的列“{'、'.join(labels[c] for c in missing)}”")
    return roster.with_columns(nw.col("scheme").cast(nw.String).fill_null(""),
                               nw.col("region_code").cast(nw.String).fill_null(""))


def _distinct(frame: nw.LazyFrame) -> nw.LazyFrame:
    """Each person's key once: a group-by (Narwhals' ``unique`` is a window function on SQL
    engines)."""
    return frame.group_by("id_key").agg(nw.len().alias("_records")).select("id_key")


def person_set(frame: nw.LazyFrame, settings: Settings, codes: nw.LazyFrame,
               died_before: bool = False) -> nw.LazyFrame:
    """A list table (national list, other coverage, deaths) as unique valid keys."""
    columns = [nw.col("person_id")]
    if died_before:
        columns.append(date_number(frame, "died_on").alias("died"))
    listed = add_id_columns(frame.select(columns), "person_id", settings.census_day, codes)
    listed = listed.filter(~nw.col("id_key").is_null())
    if died_before:
        # died before the census day; a death on the day itself does not exclude (RULES.md)
        listed = listed.filter(nw.col("died") < settings.census_day)
    return _distinct(listed)


def _summarise(engine: Engine, part: nw.LazyFrame, tally: Tally) -> None:
    summary = engine.collect(part.group_by("place", "scheme", "id_reason").agg(
        nw.len().alias("records"),
        nw.col("id_lower_x").cast(nw.Int64).sum().alias("lower_x"),
        nw.col("bad_id").min().alias("sample_low"),
        nw.col("bad_id").max().alias("sample_high"),
    ))
    for row in summary.iter_rows(named=True):
        if row["scheme"] != RESIDENT:
            continue
        region, reason = row["place"], row["id_reason"]
        tally.add(tally.records, region, row["records"])
        tally.add(tally.lower_x, region, row["lower_x"])
        if reason == VALID:
            continue
        code = "EN001" if reason == 1 else "EN002"
        tally.add(tally.excluded, (code, region), row["records"])
        if code == "EN002":
            tally.add(tally.reasons, (region, reason), row["records"])
            tally.sample(code, region, row["sample_low"])
            tally.sample(code, region, row["sample_high"])


def _cascade(engine: Engine, part: nw.LazyFrame, lists: dict[str, nw.LazyFrame | None],
             settings: Settings, tally: Tally) -> None:
    valid = part.filter(nw.col("id_reason") == VALID)
    residents = valid.filter(nw.col("scheme") == RESIDENT).select("id_key", "settle", "place", "sortkey")
    employees = _distinct(valid.filter(nw.col("scheme") == EMPLOYEE))

    # one row per person and region: EN003 leaves one record of the n
    per_region = engine.keep(residents.group_by("id_key", "settle").agg(
        nw.len().alias("n"), nw.col("sortkey").min().alias("best")))
    # persons in two or more regions, and the best key over all their regions
    spread = per_region.group_by("id_key").agg(
        nw.len().alias("regions"), nw.col("best").min().alias("best_all")).filter(nw.col("regions") > 1)
    across = per_region.join(spread, on="id_key", how="inner")
    if settings.keep_one:
        across = across.filter(nw.col("best") != nw.col("best_all"))
    across = across.select("id_key", "settle", nw.lit(True).alias("in_EN004"))

    # every person named by a later rule, with the first rule that names them
    named = [frame.select("id_key", nw.lit(number, nw.Int64).alias("rule"))
             for number, frame in ((5, employees), (6, lists.get("national_list")),
                                   (7, lists.get("other_coverage")), (8, lists.get("deaths")))
             if frame is not None]
    first_rule = nw.concat(named, how="vertical").group_by("id_key").agg(nw.col("rule").min())
    flagged = (per_region.join(across, on=["id_key", "settle"], how="left")
               .join(first_rule, on="id_key", how="left"))
    outcome = (nw.when(nw.col("in_EN004").fill_null(False)).then(4)
               .otherwise(nw.col("rule").fill_null(KEPT)).cast(nw.Int64))

    decided = flagged.with_columns(outcome.alias("code"))
    if settings.places:
        decided = _at_places(residents, decided)
    else:  # each person and region is counted in that region, on its kept record
        decided = decided.with_columns(nw.col("settle").alias("place"), nw.col("n").alias("here"),
                                       nw.lit(1, nw.Int64).alias("kept"))
    counts = engine.collect(
        # a sample of EN003 where a record of the person is excluded as the extra one
        decided.with_columns(nw.when(nw.col("here") > nw.col("kept")).then(nw.col("id_key")).alias("duplicated"),
                             nw.when(nw.col("kept") > 0).then(nw.col("id_key")).alias("carrier"))
        .group_by("place", "code").agg(
            nw.col("here").sum().alias("records"),
            nw.col("kept").sum().alias("persons"),
            nw.col("carrier").min().alias("sample"),
            nw.col("duplicated").min().alias("duplicated")))
    for row in counts.iter_rows(named=True):
        region = row["place"]
        extra = row["records"] - row["persons"]
        tally.add(tally.excluded, ("EN003", region), extra)
        if extra:
            tally.sample("EN003", region, row["duplicated"])
        if row["code"] == KEPT:
            tally.add(tally.verified, region, row["persons"])
        else:
            code = f"EN{row['code']:03d}"
            tally.add(tally.excluded, (code, region), row["persons"])
            tally.sample(code, region, row["sample"])


def _at_places(residents: nw.LazyFrame, decided: nw.LazyFrame) -> nw.LazyFrame:
    """A county package: each person and 盟市 split by the counties its records are in. The
    kept record (the lowest sort key, whose last six digits are its county) carries the
    outcome in its county; the person's other records there and elsewhere are EN003 where they
    are. A record of another 盟市 is counted in that 盟市 (place = settle)."""
    per_place = residents.group_by("id_key", "settle", "place").agg(nw.len().alias("here"))
    kept = (nw.col("place") == nw.col("settle")) | (nw.col("place") == nw.col("best") % 1_000_000)
    return (per_place.join(decided, on=["id_key", "settle"], how="inner")
            .with_columns(kept.cast(nw.Int64).alias("kept")))


def run(engine: Engine, tables: dict[str, Path], settings: Settings,
        progress: Callable[[str, int, int], None] | None = None) -> Tally:
    """The cascade over a package's roster and lists; counts per settlement region code."""
    steps = 1 + settings.buckets
    say = progress or (lambda *_: None)
    say("读取并校验名册", 0, steps)
    codes = engine.table(address_columns(), {"_id_address": "int64", "_id_address_ok": "boolean"})
    roster = prepared(engine.scan(tables["roster"], "roster"))
    roster = narrow(roster, settings, codes, codebook(engine, roster, settings))
    lists: dict[str, nw.LazyFrame | None] = {}
    for name in ("national_list", "other_coverage", "deaths"):
        lists[name] = (person_set(engine.scan(tables[name], name), settings, codes, died_before=name == "deaths")
                       if name in tables else None)

    if settings.buckets > 1:
        parts = engine.spill(roster, "bucket")
    else:
        parts = {0: engine.keep(roster)}
    steps = 1 + len(parts)
    say("核对重复参保及名单", 1, steps)
    tally = Tally()
    for done, (bucket, part) in enumerate(sorted(parts.items())):
        _summarise(engine, part, tally)
        if bucket < 0:
            say(f"核对重复参保及名单（第{done + 1}/{len(parts)}组）", 1 + done + 1, steps)
            continue  # records without a valid ID: counted above, never duplicates
        if settings.buckets > 1:
            in_bucket = {name: (listed.filter(nw.col("id_key") % settings.buckets == bucket)
                                if listed is not None else None) for name, listed in lists.items()}
        else:
            in_bucket = lists
        _cascade(engine, part, in_bucket, settings, tally)
        say(f"核对重复参保及名单（第{done + 1}/{len(parts)}组）", 1 + done + 1, steps)
    say("完成", steps, steps)
    return tally
