"""The exclusion cascade of RULES.md (EN001–EN008), written once with Narwhals.

Two passes. The first reads the roster once and keeps a narrow frame of it: per record the
ID's reason code and 17-digit key (``auditkit.ids``), the scheme and the settlement region's code
(from a codebook of the distinct written pairs), and a sort key for "which duplicate is kept"
(enrollment date, a missing one last, then county code). Numbers are read there without
cleaning; the few ill-shaped ones are read again, cleaned, only when some hold characters an
export adds (``_read_odd_numbers``). The second runs per bucket of that frame (all of it when
there is one bucket):

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

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import narwhals as nw

from auditkit.enrollment.cells import (COUNTY_MALFORMED, COUNTY_MISSING, COUNTY_OUTSIDE, COUNTY_UNASSIGNED,
                                       EMPLOYEE, RESIDENT, UNKNOWN_SCHEME, county_code, plain, scheme_of)
from auditkit.enrollment.datecols import blank, date_statistics, with_date_number
from auditkit.enrollment.engines import Engine
from auditkit.enrollment.sources import DECIMAL, SCIENTIFIC, Part, refuse_spoiled_ids
from auditkit.errors import PackageError
from auditkit.gbt2260 import prefecture_of
from auditkit.ids import MALFORMED, ODD_CHARACTER, VALID, add_id_columns, address_columns, check_value
from auditkit.ids import MISSING as ID_MISSING

# A record whose county names no region of the jurisdiction (EN011) has the settlement code
# −reason (auditkit.enrollment.cells.COUNTY_*): it is counted for no region and never compared.
NO_REGION = -COUNTY_MISSING
MISSING_DATE = 99999999  # sorts after every real date
MISSING_COUNTY = 999999
# The code a kept record ends with: 0 verified, else the EN check that excluded it.
KEPT = 0


@dataclass
class Settings:
    year: int
    census_day: int  # YYYYMMDD: births after it are impossible, deaths before it exclude
    keep_one: bool  # duplicate_keep = "earliest"; False: the strict reading excludes all
    exceptions: dict[str, str] = field(default_factory=dict)  # county code -> prefecture code
    buckets: int = 1
    after_census: bool = True  # EN010: exclude a record enrolled after the census day
    # prefecture code (today's or a former one) -> the code of the jurisdiction's region that
    # settles it; empty when the rulebook names no regions (every assigned code then counts)
    regions: dict[int, int] = field(default_factory=dict)
    # a package of one 盟市's counties (issue 13): county code as written -> (today's county
    # code, its 盟市's code); records are then counted per county, duplicates still per 盟市
    places: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Tally:
    """Counts per settlement region code, summed over buckets."""

    records: dict[int, int] = field(default_factory=dict)  # resident records
    excluded: dict[tuple[str, int], int] = field(default_factory=dict)  # (EN00x, region) -> records
    reasons: dict[tuple[int, int], int] = field(default_factory=dict)  # (region, EN002 reason) -> records
    county_reasons: dict[int, int] = field(default_factory=dict)  # EN011 reason -> records
    # values repaired on reading (IN003): (kind, file as shown) -> records; kinds: "id", "county"
    repaired: dict[tuple[str, str], int] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)  # the roster's parts as shown, by index
    # dates that could not be read (IN002): (table, column, file as shown) -> records
    unread: dict[tuple[str, str, str], int] = field(default_factory=dict)
    # date columns read as Excel serials (IN003): (table, column, file as shown) -> records
    serials: dict[tuple[str, str, str], int] = field(default_factory=dict)
    lower_x: dict[int, int] = field(default_factory=dict)
    verified: dict[int, int] = field(default_factory=dict)
    samples: dict[tuple[str, int], set] = field(default_factory=dict)  # keys or written numbers

    def add(self, table: dict, key, value: int) -> None:
        if value:
            table[key] = table.get(key, 0) + int(value)

    def sample(self, code: str, region: int, value) -> None:
        if value is not None:
            self.samples.setdefault((code, region), set()).add(value)


def settlement_of(written: str | None, settings: Settings) -> tuple[int, int | None, bool]:
    """A county cell's settlement region code (−reason when it names none, EN011), its county
    code, and whether it was repaired on reading."""
    code, repaired = county_code(written)
    if code is None:
        return (-COUNTY_MISSING if not (written or "").strip() else -COUNTY_MALFORMED), None, False
    prefecture = prefecture_of(code, settings.exceptions)
    if prefecture is None:
        return -COUNTY_UNASSIGNED, int(code), repaired
    if not settings.regions:
        return int(prefecture), int(code), repaired
    region = settings.regions.get(int(prefecture))
    return (-COUNTY_OUTSIDE if region is None else region), int(code), repaired


def _refuse_spoiled(engine: Engine, frame: nw.LazyFrame, parts: list[Part]) -> int:
    """Refuse a part Excel has spoiled (``refuse_spoiled_ids``), counted over a frame of read
    numbers (``id_reason``, ``id_key``, ``bad_id`` — the number as written where invalid —, and
    ``source`` numbering ``parts`` when there are several). Returns the count of ill-shaped
    numbers holding an ``ODD_CHARACTER``: those, and only those, read otherwise when cleaned.

    Each figure is counted where it can occur, so that no string scan runs over the whole
    column: a number ending in 000 is a valid one whose key ends in 00 and whose check
    character is 0, or an invalid one as written; scientific notation (1.50102E+17), a decimal
    part (150102197102020022.0) and odd characters occur only in numbers not of the right
    shape (reason 2)."""
    if "source" not in frame.columns:
        frame = frame.with_columns(nw.lit(0, nw.Int64).alias("source"))
    reason, key, written = nw.col("id_reason"), nw.col("id_key"), nw.col("bad_id")

    def counted(rows: nw.LazyFrame, **figures: nw.Expr) -> nw.LazyFrame:
        """How many rows have each figure (a condition), per source; figures not given are 0."""
        sums = rows.group_by("source").agg(*(e.fill_null(False).cast(nw.Int64).sum().cast(nw.Int64).alias(n)
                                             for n, e in figures.items()))
        return sums.with_columns(*(nw.lit(0, nw.Int64).alias(n) for n in FIGURES if n not in figures)) \
            .select("source", *FIGURES)

    malformed = reason == MALFORMED
    stats = engine.collect(nw.concat([
        counted(frame, numbers=reason != ID_MISSING),
        counted(frame.filter((reason == VALID) & (key % 100 == 0)), zeros=check_value(key) == 0),
        counted(frame.filter(reason > ID_MISSING), zeros=written.str.ends_with("000"),
                odd=malformed & written.str.contains(ODD_CHARACTER),
                scientific=malformed & (written.str.contains(r"[Ee]\+") | written.str.contains(DECIMAL.pattern))),
    ], how="vertical").group_by("source").agg(*(nw.col(n).sum() for n in FIGURES)))
    for row in stats.iter_rows(named=True):
        refuse_spoiled_ids(parts[int(row["source"])], "公民身份号码", int(row["numbers"] or 0),
                           int(row["zeros"] or 0), int(row["scientific"] or 0))
    return int(stats["odd"].sum() or 0)


FIGURES = ("numbers", "zeros", "odd", "scientific")


def codebook(engine: Engine, roster: nw.LazyFrame, settings: Settings, tally: Tally,
             part: Part) -> tuple[nw.LazyFrame, bool, bool]:
    """The distinct (scheme, county code) pairs as written, each read once in Python: its
    scheme, county and settlement region. A roster has a few hundred such pairs, so joining
    with this table replaces parsing two text columns of every record. The same pass counts
    what decides how a text date column is read (``date_statistics``). A scheme that is
    neither 居民 nor 职工 under any of their names stops the run here, before any heavy work.
    Returns the codebook, whether the enrollment dates are Excel serials and whether some rows
    are no records (``_no_records``; ``narrow`` drops them). The ID column is not read here:
    how it is read is decided from the first pass itself (``_read_odd_numbers``)."""
    pairs = engine.collect(roster.group_by("scheme", "region_code").agg(
        nw.len().alias("records"), *date_statistics(roster, "enrolled_on")))
    stats = {name: int(pairs[name].sum() or 0) for name in pairs.columns if name.startswith("_")}
    serials = _serial_column(tally, part, "enrolled_on", stats)
    rows: dict[str, list] = {"scheme": [], "region_code": [], "_scheme": [], "_county": [], "_settle": [],
                             "_place": [], "_drop": []}
    blank_pairs = [(s, c) for s, c in pairs.select("scheme", "region_code").iter_rows() if not plain(s) and not plain(c)]
    drop = bool(blank_pairs) and _no_records(engine, roster, blank_pairs, part)
    for written_scheme, written_code, records in pairs.select("scheme", "region_code", "records").iter_rows():
        scheme = scheme_of(written_scheme)
        if drop and not plain(written_scheme) and not plain(written_code):
            scheme = RESIDENT  # rows that are no records, dropped in ``narrow``
        if scheme == UNKNOWN_SCHEME:
            raise PackageError(
                f"参保险种应为“居民”或“职工”（resident/employee，或新农合、城镇居民医保、城镇职工基本医疗保险等），"
                f"名册中有{records:,}条记录为“{written_scheme or '（空）'}”", file=part.shown, column="险种")
        if SCIENTIFIC.match(written_code or ""):  # 1.50102E+11: Excel rounded the code to six digits
            raise PackageError(f"参保地区划代码为科学计数法数值（“{written_code}”，{records:,}条记录），末几位已被 Excel "
                               "舍入，无法确定所属旗县区；请将该列设为文本格式后重新导出", file=part.shown,
                               column="参保地区划代码")
        settle, county, repaired = settlement_of(written_code, settings)
        if repaired:
            tally.add(tally.repaired, ("county", part.shown), records)
        place = settle  # where the record is counted: its 盟市, or in a county package its county today
        if county in settings.places:
            place, settle = settings.places[county]
            county = place
        dropped = drop and not plain(written_scheme) and not plain(written_code)
        for name, value in zip(rows, (written_scheme or "", written_code or "", scheme, county, settle, place,
                                      dropped)):
            rows[name].append(value)
    book = engine.table(rows, {"scheme": "string", "region_code": "string", "_scheme": "int8",
                               "_county": "int64", "_settle": "int64", "_place": "int64", "_drop": "boolean"})
    return book, serials, drop


def _no_records(engine: Engine, roster: nw.LazyFrame, blank_pairs: list, part: Part) -> bool:
    """Whether the rows without a scheme or a county are all rows that are no records: blank
    rows, and a 合计 or note row under the table (no six digits of a number in the ID column).
    Only such rows are read here, so it costs nothing when there are none."""
    schemes, codes = sorted({s for s, _ in blank_pairs}), sorted({c for _, c in blank_pairs})
    written = engine.collect(roster.filter(nw.col("scheme").is_in(schemes) & nw.col("region_code").is_in(codes))
                             .select("person_id"))["person_id"].to_list()
    return not any(re.search("[0-9]{6}", plain(text)) for text in written if text)


def _serial_column(tally: Tally, part: Part, column: str, stats: dict[str, int]) -> bool:
    """A date column whose every written value is a whole number in the range of Excel serials
    is read as serials (``auditkit.dates.serial_date``), and the reading is noted (IN003)."""
    written, serial = stats.get(f"_{column}_written", 0), stats.get(f"_{column}_serial", 0)
    if written and serial == written:
        tally.add(tally.serials, (part.table, column, part.shown), written)
        return True
    return False


def narrow(roster: nw.LazyFrame, settings: Settings, codes: nw.LazyFrame, book: nw.LazyFrame,
           source: int = 0, serials: bool = False, drop: bool = False) -> nw.LazyFrame:
    """Pass one: the roster reduced to what the cascade needs, one row per record; ``source``
    numbers the part it came from. The numbers are read without cleaning: that reads every
    number of the right shape as cleaning would, and ``_read_odd_numbers`` then reads the few
    others again, cleaned, where some hold characters cleaning removes."""
    if "enrolled_on" in roster.columns:
        roster = with_date_number(roster, "enrolled_on", "_enrolled", serials)
        read = nw.col("_enrolled")
        enrolled = read.fill_null(MISSING_DATE)
        # written but not a date: sorted as a missing date, and named (IN002)
        unread = (read.is_null() & ~blank("enrolled_on")) if not roster.collect_schema()["enrolled_on"].is_temporal() \
            else nw.lit(False)
    else:
        enrolled, unread = nw.lit(MISSING_DATE, nw.Int64), nw.lit(False)
    frame = roster.select(nw.col("person_id"), nw.col("scheme"), nw.col("region_code"), enrolled.alias("enrolled"),
                          unread.alias("date_unread"))
    frame = frame.join(book, on=["scheme", "region_code"], how="left")
    if drop:
        frame = frame.filter(~nw.col("_drop"))
    frame = add_id_columns(frame, "person_id", settings.census_day, codes)
    county = nw.col("_county")
    frame = frame.select(
        *ID_COLUMNS, "id_number", "date_unread", nw.lit(source, nw.Int64).alias("source"),
        nw.col("_scheme").alias("scheme"),
        nw.col("_settle").alias("settle"),
        nw.col("_place").alias("place"),
        (nw.col("enrolled") * 1_000_000 + county.fill_null(MISSING_COUNTY)).alias("sortkey"))
    return _records(frame, settings)


# The columns of a record in the narrow frame, before its bucket
ID_COLUMNS = ("id_reason", "id_key", "id_lower_x", "id_repaired")
RECORD = (*ID_COLUMNS, "date_unread", "source", "scheme", "settle", "place", "sortkey", "bad_id")


def _records(frame: nw.LazyFrame, settings: Settings) -> nw.LazyFrame:
    """The ``RECORD`` columns of a frame with ``add_id_columns``' columns: the written number
    kept for an invalid ID only (``bad_id``, evidence), and with several buckets each record's
    bucket, the residue of its key (−1 without a valid one)."""
    frame = frame.select(*RECORD[:-1], nw.when(nw.col("id_reason") > 1).then(nw.col("id_number")).alias("bad_id"))
    if settings.buckets > 1:
        frame = frame.with_columns(
            nw.when(nw.col("id_key").is_null()).then(-1)
            .otherwise(nw.col("id_key") % settings.buckets).cast(nw.Int64).alias("bucket"))
    return frame


def _read_odd_numbers(engine: Engine, parts: dict[int, nw.LazyFrame], sources: list[Part], settings: Settings,
                      codes: nw.LazyFrame) -> dict[int, nw.LazyFrame]:
    """The first pass's parts (its one kept frame, or its buckets) with Excel's damage refused
    (``_refuse_spoiled``) and the numbers that need it cleaned (``ids.cleaned``: text markers,
    invisible characters, full-width digits; counted in IN003 as repaired). Only a number not of
    the right shape (reason 2) can read otherwise when cleaned, so when some hold an odd
    character only those are read again — a few rows, not a second string pass over the
    roster — and a cleaned number that is now valid joins its bucket."""
    every = nw.concat(list(parts.values()), how="vertical") if len(parts) > 1 else next(iter(parts.values()))
    if not _refuse_spoiled(engine, every, sources):
        return parts
    # cleaning a number without odd characters leaves it as it is: all ill-shaped ones are read again
    ill_shaped = nw.col("id_reason") == MALFORMED
    odd = every.filter(ill_shaped).select(*(c for c in RECORD if c not in ID_COLUMNS and c != "bad_id"),
                                          nw.col("bad_id").alias("_written"))
    cleaned = engine.keep(_records(add_id_columns(odd, "_written", settings.census_day, codes, clean=True), settings))
    if settings.buckets == 1:  # no bucket column: one kept frame
        return {0: engine.keep(nw.concat([parts[0].filter(~ill_shaped), cleaned.select(RECORD)], how="vertical"))}
    # a spilled part carries its bucket in its folder's name (and on Spark as a column too)
    read: dict[int, nw.LazyFrame] = {}
    for bucket in sorted(set(parts) | set(engine.collect(cleaned.select("bucket").unique())["bucket"].to_list())):
        rest = [parts[bucket].filter(~ill_shaped).select(RECORD)] if bucket in parts else []
        read[bucket] = nw.concat([*rest, cleaned.filter(nw.col("bucket") == bucket).select(RECORD)], how="vertical")
    return read


def prepared(roster: nw.LazyFrame, part: Part) -> nw.LazyFrame:
    """The roster's scheme and county code as text, missing ones as empty text (so that they
    join with the codebook)."""
    missing = [c for c in ("person_id", "scheme", "region_code") if c not in roster.columns]
    if missing:
        labels = {"person_id": "公民身份号码", "scheme": "险种", "region_code": "参保地区划代码"}
        raise PackageError(f"参保人员名册缺少必需的列“{'、'.join(labels[c] for c in missing)}”", file=part.shown)
    return roster.with_columns(nw.col("person_id").cast(nw.String),
                               nw.col("scheme").cast(nw.String).fill_null(""),
                               nw.col("region_code").cast(nw.String).fill_null(""))


def _distinct(frame: nw.LazyFrame) -> nw.LazyFrame:
    """Each person's key once: a group-by (Narwhals' ``unique`` is a window function on SQL
    engines)."""
    return frame.group_by("id_key").agg(nw.len().alias("_records")).select("id_key")


def person_set(engine: Engine, parts: list[Part], settings: Settings, codes: nw.LazyFrame, tally: Tally,
               died_before: bool = False) -> nw.LazyFrame:
    """A list table (national list, other coverage, deaths) as unique valid keys, its numbers
    read like the roster's (cleaned where needed, refused where Excel has spoiled them)."""
    frames = []
    for part in parts:
        frame = engine.scan(part)
        dated = died_before and "died_on" in frame.columns
        columns = [nw.col("person_id").cast(nw.String)]
        if dated:
            stats = engine.collect(frame.select(*date_statistics(frame, "died_on")))
            stats = {k: int(v or 0) for k, v in stats.row(0, named=True).items()}
            frame = with_date_number(frame, "died_on", "_died", _serial_column(tally, part, "died_on", stats))
            read = nw.col("_died")
            # a date written that is not one, or none written for a listed person: not excluded, named (IN002)
            unread = read.is_null() & (~blank("person_id") if frame.collect_schema()["died_on"].is_temporal()
                                       else ~blank("died_on") | ~blank("person_id"))
            columns += [read.alias("died"), unread.alias("date_unread")]
        frame = frame.select(columns)
        listed = add_id_columns(frame, "person_id", settings.census_day, codes)
        written = listed.with_columns(nw.when(nw.col("id_reason") > 1).then(nw.col("id_number")).alias("bad_id"))
        if _refuse_spoiled(engine, written, [part]):  # a list is small: read again, cleaned whole
            listed = add_id_columns(frame, "person_id", settings.census_day, codes, clean=True)
        figures = [nw.col("id_repaired").cast(nw.Int64).sum().alias("repaired")]
        if dated:
            figures.append(nw.col("date_unread").cast(nw.Int64).sum().alias("unread"))
        counted = engine.collect(listed.select(figures)).row(0, named=True)
        tally.add(tally.repaired, ("id", part.shown), counted["repaired"] or 0)
        if dated:
            tally.add(tally.unread, (part.table, "died_on", part.shown), counted["unread"] or 0)
        listed = listed.filter(~nw.col("id_key").is_null())
        if died_before:
            # died before the census day; a death on the day itself does not exclude (RULES.md)
            listed = listed.filter(nw.col("died") < settings.census_day)
        frames.append(listed.select("id_key"))
    return _distinct(frames[0] if len(frames) == 1 else nw.concat(frames, how="vertical"))


def _summarise(engine: Engine, part: nw.LazyFrame, tally: Tally) -> None:
    summary = engine.collect(part.group_by("place", "scheme", "id_reason", "source").agg(
        nw.len().alias("records"),
        nw.col("id_repaired").cast(nw.Int64).sum().alias("repaired"),
        nw.col("date_unread").cast(nw.Int64).sum().alias("unread"),
        nw.col("id_lower_x").cast(nw.Int64).sum().alias("lower_x"),
        nw.col("bad_id").min().alias("sample_low"),
        nw.col("bad_id").max().alias("sample_high"),
        nw.col("id_key").min().alias("key_low"),
    ))
    for row in summary.iter_rows(named=True):
        tally.add(tally.repaired, ("id", tally.sources[row["source"]]), row["repaired"])
        tally.add(tally.unread, ("roster", "enrolled_on", tally.sources[row["source"]]), row["unread"])
        if row["scheme"] != RESIDENT:
            continue
        region, reason = row["place"], row["id_reason"]
        tally.add(tally.records, region, row["records"])
        tally.add(tally.lower_x, region, row["lower_x"])
        if reason == VALID:
            if region < 0:  # EN011: a valid ID whose county names no region of the jurisdiction
                tally.add(tally.excluded, ("EN011", NO_REGION), row["records"])
                tally.add(tally.county_reasons, -region, row["records"])
                tally.sample("EN011", NO_REGION, row["key_low"])
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
    # a record counted for no region (EN011) is never a duplicate of another, nor the one kept
    residents = (valid.filter((nw.col("scheme") == RESIDENT) & (nw.col("settle") > 0))
                 .select("id_key", "settle", "place", "sortkey"))
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
    # EN010, last: the record the region keeps (its earliest) was enrolled after the census day;
    # a missing or unreadable date is not "after"
    late = nw.lit(False)
    if settings.after_census:
        best = nw.col("best")
        late = (best > settings.census_day * 1_000_000 + 999_999) & (best < MISSING_DATE * 1_000_000)
    outcome = (nw.when(nw.col("in_EN004").fill_null(False)).then(4)
               .when(~nw.col("rule").is_null()).then(nw.col("rule"))
               .when(late).then(10)
               .otherwise(KEPT).cast(nw.Int64))

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


def run(engine: Engine, tables: dict[str, list[Part]], settings: Settings,
        progress: Callable[[str, int, int], None] | None = None) -> Tally:
    """The cascade over a package's roster and lists, each given as its parts (files or
    sheets, ``auditkit.enrollment.sources``); counts per settlement region code."""
    steps = 1 + settings.buckets
    say = progress or (lambda *_: None)
    say("读取并校验名册", 0, steps)
    codes = engine.table(address_columns(), {"_id_address": "int64", "_id_address_ok": "boolean"})
    tally = Tally()
    frames = []
    for part in tables["roster"]:
        roster = prepared(engine.scan(part), part)
        book, serials, drop = codebook(engine, roster, settings, tally, part)
        tally.sources.append(part.shown)
        frames.append(narrow(roster, settings, codes, book, source=len(tally.sources) - 1, serials=serials,
                             drop=drop))
    roster = frames[0] if len(frames) == 1 else nw.concat(frames, how="vertical")
    lists: dict[str, nw.LazyFrame | None] = {}
    for name in ("national_list", "other_coverage", "deaths"):
        lists[name] = (person_set(engine, tables[name], settings, codes, tally, died_before=name == "deaths")
                       if name in tables else None)

    if settings.buckets > 1:
        parts = engine.spill(roster, "bucket")
    else:
        parts = {0: engine.keep(roster)}
    parts = _read_odd_numbers(engine, parts, tables["roster"], settings, codes)
    steps = 1 + len(parts)
    say("核对重复参保及名单", 1, steps)
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
