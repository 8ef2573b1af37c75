"""Benchmark: auditkit's enrollment checks on a synthetic roster against hand-written DuckDB SQL.

    .venv/bin/python benchmarks/roster.py 25000000            # 25 million records (default)
    .venv/bin/python benchmarks/roster.py 100000000 --engine polars --buckets 4

Writes a submission package (roster, national list, other coverage, deaths, settlement table)
with known anomalies planted in disjoint sets of persons, then in the same run times, each in a
child process so that its peak memory is its own:

1. ``auditkit check PACKAGE --select EN --engine ENGINE --format json`` (the real command), and
2. one hand-written DuckDB SQL script computing the same per-盟市 counts from the same files.

It prints wall time and peak memory (max RSS) of both, their ratio, and the counts of both side
by side; it fails (exit 1) if they differ, or if a planted total is not found.

``--against DIR`` also times the auditkit of another checkout (an earlier commit, say
``git worktree add --detach /tmp/before <rev>``) on the same package in the same run, and prints
its ratio to the same SQL: "no slower than before" is then read from one run on one machine,
not from two runs whose baselines and machine load differ. Its counts are not compared (an
earlier version may count fewer kinds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditkit.gbt2260 import assigned_codes  # noqa: E402
from auditkit.ids import WEIGHTS  # noqa: E402
from auditkit.rulebook import load_rulebook  # noqa: E402

YEAR = 2023
CENSUS = dt.date(YEAR, 6, 30)
PREFIXES = ("1501", "1502", "1503", "1504", "1505", "1506", "1507", "1508", "1509", "1522", "1525", "1529")
CHUNK = 5_000_000  # records generated and written at a time
ID, SCHEME, COUNTY, ENROLLED = "公民身份号码", "险种", "参保地区划代码", "参保日期"
QID, QSCHEME, QCOUNTY, QENROLLED = (f'"{name}"' for name in (ID, SCHEME, COUNTY, ENROLLED))
CODES = ("EN001", "EN002", "EN003", "EN004", "EN005", "EN006", "EN007", "EN008", "EN010")


# --- the synthetic package ------------------------------------------------------------------

def plan(n: int) -> dict[str, int]:
    """How many persons of each kind a roster of n records holds (records in brackets):
    dup_in (2, same 盟市), dup_across (2, two 盟市, the later one excluded), employee_too
    (1 resident + 1 employee), national / other / died_before (1 each, excluded),
    died_after (1, a death on or after June 30: kept), late (1, enrolled after June 30: EN010),
    employee_only (1 employee record), no_id and bad_id (1 resident record each, no person),
    single (1 resident record)."""
    kinds = {"dup_in": n // 100, "dup_across": n // 200, "employee_too": n // 200, "national": n // 500,
             "other": n // 500, "died_before": n // 1000, "died_after": n // 1000, "late": n // 1000,
             "employee_only": n * 8 // 100, "no_id": n // 1000, "bad_id": n // 500}
    doubled = kinds["dup_in"] + kinds["dup_across"] + kinds["employee_too"]
    kinds["single"] = n - doubled - sum(kinds.values())
    return kinds


def _counties() -> np.ndarray:
    return np.array(sorted(int(c) for c in assigned_codes() if c[:4] in PREFIXES and not c.endswith("00")))


def _check_chars(keys: np.ndarray) -> np.ndarray:
    total = np.zeros(len(keys), dtype=np.int64)
    for position, weight in enumerate(WEIGHTS):
        total += (keys // 10 ** (16 - position)) % 10 * weight
    return (12 - total % 11) % 11


def _numbers(keys: np.ndarray, lower_x: np.ndarray | None = None) -> pl.Series:
    check = _check_chars(keys)
    chars = pl.Series(np.where(check == 10, 0, check)).cast(pl.String)
    chars = pl.select(pl.when(pl.Series(check == 10)).then(pl.lit("X")).otherwise(chars)).to_series()
    if lower_x is not None:
        chars = pl.select(pl.when(pl.Series(lower_x) & (chars == "X")).then(pl.lit("x")).otherwise(chars)).to_series()
    return pl.Series(keys).cast(pl.String).str.zfill(17) + chars


def _person_keys(index: np.ndarray, counties: np.ndarray) -> np.ndarray:
    """A distinct valid 17-digit key per person index: address code, birth date, sequence."""
    address = counties[index % len(counties)]
    rest = index // len(counties)
    sequence = rest % 1000
    born = np.datetime64("1940-01-01") + (rest // 1000).astype("timedelta64[D]")
    ymd = born.astype("datetime64[D]").astype(str)
    birth = np.char.replace(ymd, "-", "").astype(np.int64)
    return address.astype(np.int64) * 10**11 + birth * 1000 + sequence


def write_package(n: int, folder: Path, seed: int = 2023) -> dict[str, int]:
    """Write the package; return the planted totals per EN code and the verified total."""
    rng = np.random.default_rng(seed)
    counties = _counties()
    regions = counties // 100
    region_ids = np.unique(regions)
    by_region = [counties[regions == r] for r in region_ids]
    kinds = plan(n)
    folder.mkdir(parents=True, exist_ok=True)
    order = ["dup_in", "dup_across", "employee_too", "national", "other", "died_before", "died_after",
             "late", "employee_only", "single"]
    persons = sum(kinds[k] for k in order)
    kind_of = np.repeat(np.arange(len(order)), [kinds[k] for k in order])
    # person indices are spread over the address codes and birth dates by a fixed permutation
    person_index = rng.permutation(persons).astype(np.int64)

    writer = None
    lists: dict[str, list[pl.DataFrame]] = {"national_list": [], "other_coverage": [], "deaths": []}
    lower_x_total = 0
    start_day = np.datetime64("2022-09-01")
    declared = {int(r): 0 for r in region_ids}
    for begin in range(0, persons, CHUNK):
        kind = kind_of[begin:begin + CHUNK]
        keys = _person_keys(person_index[begin:begin + CHUNK], counties)
        size = len(keys)
        county = counties[rng.integers(0, len(counties), size)]
        days = rng.integers(0, 302, size)  # 2022-09-01 to 2023-06-29: a second record a day later is still in June
        days = np.where(kind == order.index("late"), rng.integers(303, 395, size), days)  # July to September
        enrolled = (start_day + days.astype("timedelta64[D]")).astype("datetime64[D]")
        missing_date = (rng.random(size) < 0.02) & (kind != order.index("late"))
        lower_x = (kind == order.index("single")) & (rng.random(size) < 0.5)
        numbers = _numbers(keys, lower_x)
        lower_x_total += int(numbers.str.ends_with("x").sum())
        scheme = np.where(kind == order.index("employee_only"), "职工", "居民")
        parts = [pl.DataFrame({ID: numbers, SCHEME: scheme, COUNTY: county.astype(str),
                               ENROLLED: pl.Series(enrolled).cast(pl.Date)})
                 .with_columns(pl.when(pl.Series(missing_date)).then(None).otherwise(pl.col(ENROLLED)).alias(ENROLLED))]
        for kind_name, scheme_word, shift in (("dup_in", "居民", 0), ("dup_across", "居民", 1), ("employee_too", "职工", 0)):
            mask = kind == order.index(kind_name)
            second = county[mask]
            if shift:  # a county of another 盟市, enrolled one day later: that record is excluded
                here = np.searchsorted(region_ids, second // 100)
                other = (here + rng.integers(1, len(region_ids), len(second))) % len(region_ids)
                second = np.array([by_region[o][i % len(by_region[o])] for o, i in
                                   zip(other, rng.integers(0, 1000, len(second)))], dtype=np.int64)
            later = enrolled[mask] + np.timedelta64(1, "D")
            parts.append(pl.DataFrame({ID: numbers.filter(pl.Series(mask)), SCHEME: scheme_word,
                                       COUNTY: second.astype(str), ENROLLED: pl.Series(later).cast(pl.Date)}))
        for kind_name, table in (("national", "national_list"), ("other", "other_coverage")):
            lists[table].append(pl.DataFrame({ID: numbers.filter(pl.Series(kind == order.index(kind_name)))}))
        for kind_name, low, high in (("died_before", 0, 180), ("died_after", 180, 360)):
            mask = kind == order.index(kind_name)
            died = np.datetime64("2023-01-01") + rng.integers(low, high, int(mask.sum())).astype("timedelta64[D]")
            if kind_name == "died_after":
                died[::3] = np.datetime64("2023-06-30")  # the day itself does not exclude
            lists["deaths"].append(pl.DataFrame({ID: numbers.filter(pl.Series(mask)),
                                                 "死亡日期": pl.Series(died.astype("datetime64[D]")).cast(pl.Date)}))
        frame = pl.concat(parts)
        if begin == 0:  # the records without a person: no ID, and broken IDs of five kinds
            frame = pl.concat([frame, _broken(kinds["no_id"], kinds["bad_id"], counties, rng)])
        frame = frame.sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 31)))
        for region, count in (frame.filter(pl.col(SCHEME) == "居民")
                              .group_by(pl.col(COUNTY).str.slice(0, 4)).len().iter_rows()):
            declared[int(region)] = declared.get(int(region), 0) + count
        table = frame.to_arrow()
        if writer is None:
            writer = pq.ParquetWriter(folder / "roster.parquet", table.schema, compression="zstd")
        writer.write_table(table, row_group_size=1 << 20)
    writer.close()
    for table, frames in lists.items():
        pl.concat(frames).write_parquet(folder / f"{table}.parquet")
    _write_manifest(folder, declared)
    return {"EN001": kinds["no_id"], "EN002": kinds["bad_id"], "EN003": kinds["dup_in"],
            "EN004": kinds["dup_across"], "EN005": kinds["employee_too"], "EN006": kinds["national"],
            "EN007": kinds["other"], "EN008": kinds["died_before"], "EN010": kinds["late"], "lower_x": lower_x_total,
            "verified": kinds["single"] + kinds["dup_in"] + kinds["dup_across"] + kinds["died_after"]}


def _broken(no_id: int, bad: int, counties: np.ndarray, rng) -> pl.DataFrame:
    base = _person_keys(np.arange(10**9, 10**9 + bad, dtype=np.int64), counties)
    good = _numbers(base)
    kind = np.arange(bad) % 5
    wrong_check = good.str.slice(0, 17) + pl.Series(np.where((good.str.slice(17, 1) == "1").to_numpy(), "2", "1"))
    text = good.str.slice(0, 17)
    feb30 = text.str.slice(0, 10) + "0230" + text.str.slice(14, 3)
    future = text.str.slice(0, 6) + "20230701" + text.str.slice(14, 3)
    unassigned = "159999" + text.str.slice(6, 11)
    fifteen = good.str.slice(0, 6) + good.str.slice(8, 9)
    picked = pl.select(pl.when(pl.Series(kind == 0)).then(wrong_check)
                       .when(pl.Series(kind == 1)).then(_numbers_text(feb30))
                       .when(pl.Series(kind == 2)).then(_numbers_text(future))
                       .when(pl.Series(kind == 3)).then(_numbers_text(unassigned))
                       .otherwise(fifteen)).to_series()
    ids = pl.concat([pl.Series([None if i % 2 else "  " for i in range(no_id)], dtype=pl.String), picked])
    size = no_id + bad
    return pl.DataFrame({ID: ids, SCHEME: "居民", COUNTY: counties[rng.integers(0, len(counties), size)].astype(str),
                         ENROLLED: pl.Series([dt.date(2023, 1, 1)] * size)})


def _numbers_text(first17: pl.Series) -> pl.Series:
    """17 digits and their correct check character, so only the date or address is wrong."""
    return _numbers(first17.cast(pl.Int64).to_numpy())


def _write_manifest(folder: Path, declared: dict[int, int]) -> None:
    rules = load_rulebook("nmg")
    names = {int(r.code[:4]): r.name for r in rules.regions}
    lines = ["序号,盟市,参保人数,已预拨资金,此次结算补助资金"]
    for number, (region, count) in enumerate(sorted(declared.items()), start=1):
        lines.append(f"{number},{names[region]},{count},0,0")
    (folder / "settlement.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "submission.toml").write_text(
        '[submission]\nprogram = "resident-subsidy"\njurisdiction = "nmg"\nyear = 2023\n'
        'funding_level = "central"\nsubmitter = "基准测试（合成数据）"\nexample = true\n\n[tables]\n'
        'settlement = "settlement.csv"\nroster = "roster.parquet"\nnational_list = "national_list.parquet"\n'
        'other_coverage = "other_coverage.parquet"\ndeaths = "deaths.parquet"\n', encoding="utf-8")


# --- the hand-written DuckDB query ----------------------------------------------------------

def duckdb_sql(folder: Path) -> str:
    """The cascade of RULES.md in plain SQL: one script, the same files, per-盟市 counts. A person
    is the BIGINT of the first 17 digits of a valid number, as a careful analyst would key it."""
    weighted = " + ".join(f"TRY_CAST(substr(pid, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(WEIGHTS))
    census = CENSUS.strftime("%Y%m%d")

    def listed(table: str, where: str = "") -> str:
        return (f"SELECT DISTINCT CAST(substr(pid, 1, 17) AS BIGINT) FROM (SELECT replace(trim({QID}), 'x', 'X') AS pid, * "
                f"FROM read_parquet('{folder / table}')) WHERE id_reason(pid) = 0 {where}")

    return f"""
SET preserve_insertion_order = false;
CREATE MACRO id_reason(pid) AS CASE
    WHEN pid IS NULL OR pid = '' THEN 1
    WHEN NOT regexp_full_match(pid, '[0-9]{{17}}[0-9X]') THEN 2
    WHEN (12 - ({weighted}) % 11) % 11
         <> CASE WHEN right(pid, 1) = 'X' THEN 10 ELSE TRY_CAST(right(pid, 1) AS INTEGER) END THEN 3
    WHEN try_strptime(substr(pid, 7, 8), '%Y%m%d') IS NULL OR substr(pid, 7, 8) > '{census}' THEN 4
    WHEN substr(pid, 1, 6) NOT IN (SELECT code FROM codes) THEN 5
    ELSE 0 END;

CREATE TEMP TABLE checked AS
WITH raw AS (
  SELECT replace(trim({QID}), 'x', 'X') AS pid, coalesce(regexp_full_match(trim({QID}), '[0-9]{{17}}x'), false) AS lower_x,
         trim({QSCHEME}) AS scheme, trim(CAST({QCOUNTY} AS VARCHAR)) AS county_text, {QENROLLED} AS enrolled_on
  FROM read_parquet('{folder / 'roster.parquet'}')),
reasoned AS (
  SELECT *, id_reason(pid) AS reason,
    CASE WHEN regexp_full_match(county_text, '[0-9]{{6}}') THEN CAST(county_text AS INTEGER) END AS county
  FROM raw)
SELECT CASE WHEN reason = 0 THEN CAST(substr(pid, 1, 17) AS BIGINT) END AS k, reason, lower_x, scheme,
       enrolled_on, county, coalesce(county - county % 100, -1) AS settle
FROM reasoned;

CREATE TEMP TABLE res AS
SELECT k, settle, county, coalesce(enrolled_on, DATE '9999-12-31') AS enrolled_on
FROM checked WHERE reason = 0 AND scheme = '居民';

CREATE TEMP TABLE per_region AS
SELECT k, settle, count(*) AS n, min(enrolled_on) AS first_on FROM res GROUP BY k, settle;

CREATE TEMP TABLE person AS
SELECT k, arg_min(settle, (enrolled_on, county)) AS kept, count(DISTINCT settle) AS regions
FROM res GROUP BY k;

CREATE TEMP TABLE remaining AS
SELECT r.k, r.settle,
  CASE WHEN p.regions > 1 AND r.settle <> p.kept THEN 'EN004'
       WHEN r.k IN (SELECT k FROM checked WHERE reason = 0 AND scheme = '职工') THEN 'EN005'
       WHEN r.k IN ({listed('national_list.parquet')}) THEN 'EN006'
       WHEN r.k IN ({listed('other_coverage.parquet')}) THEN 'EN007'
       WHEN r.k IN ({listed('deaths.parquet', f"AND 死亡日期 < DATE '{CENSUS.isoformat()}'")}) THEN 'EN008'
       WHEN r.first_on > DATE '{CENSUS.isoformat()}' AND r.first_on < DATE '9999-12-31' THEN 'EN010'
       ELSE 'verified' END AS outcome
FROM per_region r JOIN person p USING (k);

SELECT settle, CASE reason WHEN 1 THEN 'EN001' ELSE 'EN002' END AS outcome, count(*) AS records
FROM checked WHERE reason > 0 AND scheme = '居民' GROUP BY ALL
UNION ALL
SELECT settle, 'EN003', sum(n - 1) FROM per_region GROUP BY ALL HAVING sum(n - 1) > 0
UNION ALL
SELECT settle, outcome, count(*) FROM remaining GROUP BY ALL
UNION ALL
SELECT settle, 'lower_x', count(*) FROM checked WHERE lower_x AND scheme = '居民' GROUP BY ALL;
"""


def run_duckdb_sql(folder: Path) -> None:
    """Child process: run the SQL and print its counts as JSON lines."""
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"SET temp_directory = '{tempfile.mkdtemp(prefix='duckdb-bench-')}'")
    connection.execute("CREATE TEMP TABLE codes AS SELECT unnest(?::VARCHAR[]) AS code", [sorted(assigned_codes())])
    *statements, last = [s for s in duckdb_sql(folder).split(";") if s.strip()]
    for statement in statements:
        connection.execute(statement)
    rows = connection.execute(last).fetchall()
    print(json.dumps([[int(s), o, int(c)] for s, o, c in rows]))


# --- timing ---------------------------------------------------------------------------------

def measured(command: list[str], cwd: Path = ROOT) -> tuple[float, float, str]:
    """Run a child in ``cwd`` (whose auditkit ``-m auditkit`` runs); its wall seconds, peak
    resident memory in GiB and standard output."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, cwd=cwd)
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        text = out.read().decode("utf-8")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # 1: error findings, as expected here
        raise SystemExit(f"{command[0]} failed with exit code {code}")
    return wall, usage.ru_maxrss / (1 << 20), text


def auditkit_counts(text: str, names: dict[str, int]) -> dict[tuple[int, str], int]:
    result = json.loads(text)
    counts: dict[tuple[int, str], int] = {}
    for finding in result["findings"]:
        if finding["code"] in CODES:
            counts[(names[finding["region"]], finding["code"])] = finding["effect"]["persons"]
        if finding["code"] == "EN002" and finding["subject"] == "lowercase-x":
            counts[(names[finding["region"]], "lower_x")] = finding["figures"]["records"]
    for row in result["assessment"]:
        if row["enrolled"]:
            counts[(names[row["region"]], "verified")] = row["enrolled"]
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="?", type=int, default=25_000_000)
    parser.add_argument("--dir", type=Path, default=None, help="where the package is written (kept and reused)")
    parser.add_argument("--engine", default="polars", choices=("polars", "duckdb", "spark"))
    parser.add_argument("--buckets", type=int, default=None)
    parser.add_argument("--against", type=Path, default=None,
                        help="另一份 auditkit 代码（如早先提交的工作树）：在同一次运行中对同一名册计时并给出其比值")
    parser.add_argument("--child-sql", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_sql:
        run_duckdb_sql(args.child_sql)
        return

    folder = args.dir or Path(tempfile.gettempdir()) / f"auditkit-roster-{args.records}"
    planted_file = folder / "planted.json"
    if planted_file.is_file():
        planted = json.loads(planted_file.read_text())
        print(f"复用已生成的名册：{folder}")
    else:
        start = time.perf_counter()
        planted = write_package(args.records, folder)
        planted_file.write_text(json.dumps(planted))
        print(f"生成 {args.records:,} 条记录的合成名册：{time.perf_counter() - start:.1f} 秒（{folder}）")
    size = (folder / "roster.parquet").stat().st_size / (1 << 20)
    print(f"roster.parquet {size:,.0f} MiB")

    command = [sys.executable, "-m", "auditkit", "check", str(folder), "--select", "EN", "--format", "json",
               "--engine", args.engine]
    if args.buckets:
        command += ["--buckets", str(args.buckets)]
    ours_wall, ours_memory, ours_text = measured(command)
    sql_wall, sql_memory, sql_text = measured([sys.executable, __file__, "--child-sql", str(folder)])
    if args.against:
        their_wall, their_memory, _ = measured(command, cwd=args.against.resolve())

    rules = load_rulebook("nmg")
    names = {r.name: int(r.code) for r in rules.regions}
    ours = auditkit_counts(ours_text, names)
    theirs = {(s, o): c for s, o, c in json.loads(sql_text) if c}
    print(f"\n{'':24}{'墙钟时间':>10}{'峰值内存':>12}")
    print(f"{'auditkit (' + args.engine + ')':24}{ours_wall:>9.1f}s{ours_memory:>10.2f}GiB")
    print(f"{'DuckDB 手写 SQL':22}{sql_wall:>9.1f}s{sql_memory:>10.2f}GiB")
    if args.against:
        print(f"{'auditkit（' + args.against.name + '）':22}{their_wall:>9.1f}s{their_memory:>10.2f}GiB")
    print(f"比值（auditkit ÷ DuckDB SQL）：{ours_wall / sql_wall:.2f}")
    if args.against:
        print(f"比值（{args.against.name} 的 auditkit ÷ DuckDB SQL）：{their_wall / sql_wall:.2f}")

    print(f"\n{'盟市':<8}" + "".join(f"{c:>12}" for c in (*CODES, "verified", "lower_x")))
    by_code = {name: int(code) for name, code in names.items()}
    for name, code in sorted(by_code.items(), key=lambda item: item[1]):
        cells = []
        for outcome in (*CODES, "verified", "lower_x"):
            a, b = ours.get((code, outcome), 0), theirs.get((code, outcome), 0)
            cells.append(f"{a:>12,}" if a == b else f"{f'{a}≠{b}':>12}")
        print(f"{name:<8}" + "".join(cells))
    mismatches = sorted(set(ours.items()) ^ set(theirs.items()))
    totals = {o: sum(c for (_s, out), c in ours.items() if out == o) for o in (*CODES, "verified", "lower_x")}
    wrong_plants = {k: (totals.get(k), v) for k, v in planted.items() if totals.get(k) != v}
    print(f"\n合计：{totals}")
    if mismatches or wrong_plants:
        print(f"不一致：{mismatches[:20]} 预置数不符：{wrong_plants}")
        raise SystemExit(1)
    print("auditkit 与手写 SQL 各盟市计数完全一致，且与预置的异常数相符。")


if __name__ == "__main__":
    main()
