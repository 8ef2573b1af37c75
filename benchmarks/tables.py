"""Time reading the small tables as offices lay them out, against a plain CSV read in the same run.

    .venv/bin/python benchmarks/tables.py            # 20,000 rows (default)
    .venv/bin/python benchmarks/tables.py 100000

Writes two packages to a temporary folder: a payments table of N vouchers (a title line, a
header, a 合计 row and signatures under it) and a settlement table of N regions laid out with a
two-row merged header saved to CSV, a unit line, 小计 rows every 50 regions and a 合计 row. Each is
loaded with ``auditkit.load_package`` (header finding, units, row kinds, typing to exact decimals,
validation); the baseline is ``polars.read_csv`` of the same file with every column as text (the
floor of getting the cells out). Prints the best of three of each and their ratio.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import polars as pl  # noqa: E402

from auditkit import load_package  # noqa: E402

MANIFEST = '[submission]\nprogram = "resident-subsidy"\njurisdiction = "nmg"\nyear = 2023\n\n[tables]\n{table} = "{table}.csv"\n'


def _payments(folder: Path, n: int) -> Path:
    lines = ["资金支付凭证登记表,,,,,,,", "凭证号,地区,支付日期,金额,付款层级,收款账户,文号,用途"]
    lines += [f"P{i:06d},呼和浩特市,2023/8/{1 + i % 28},{1000 + i}.25,自治区,呼和浩特市专用资金账户,内财社〔2023〕52号,预拨"
              for i in range(n)]
    lines += [f"合计,,,{sum(1000 + i for i in range(n)) + n * 0.25:.2f},,,,", "填表人：张三,,审核人：李四,,,,,"]
    return _write(folder / "payments", "payments", lines)


def _settlement(folder: Path, n: int) -> Path:
    lines = ["结算表（单位：元）,,,,,", "序号,地区,参保人数,资金情况,,", ",,,应补助资金,已预拨资金,此次结算补助资金"]
    for i in range(n):
        lines.append(f"{i + 1},地区{i},1000,512000.00,500000.00,12000.00")
        if (i + 1) % 50 == 0:
            lines.append(",小计,50000,25600000.00,25000000.00,600000.00")
    lines.append(f"合计,,{1000 * n},{512000 * n}.00,{500000 * n}.00,{12000 * n}.00")
    return _write(folder / "settlement", "settlement", lines)


def _write(package: Path, table: str, lines: list[str]) -> Path:
    package.mkdir()
    (package / "submission.toml").write_text(MANIFEST.format(table=table), encoding="utf-8")
    (package / f"{table}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return package


def _best(work, times: int = 3) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    load_package(_write(Path(tempfile.mkdtemp()) / "warm", "payments",
                        ["凭证号,地区,支付日期,金额,付款层级,收款账户", "P1,呼和浩特市,2023-08-08,1.00,自治区,账户"]))
    with tempfile.TemporaryDirectory() as folder:
        for name, package in (("payments", _payments(Path(folder), n)), ("settlement", _settlement(Path(folder), n))):
            csv = package / f"{name}.csv"
            baseline = _best(lambda: pl.read_csv(csv, has_header=False, infer_schema=False, truncate_ragged_lines=True))
            loaded = _best(lambda: load_package(package))
            print(f"{name:10s} {n:>8,} rows  load_package {loaded:6.2f} s   polars.read_csv {baseline:6.3f} s   "
                  f"ratio {loaded / baseline:5.0f}×  ({loaded / n * 1e6:.0f} µs a row)")


if __name__ == "__main__":
    main()
