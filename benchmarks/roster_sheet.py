"""Time of the enrollment checks on a roster sent as one full .xlsx sheet (issue 12, workbook
rosters): what reading merged cells, sheet visibility and formulas costs.

    .venv/bin/python benchmarks/roster_sheet.py                      # 1,048,575 records
    .venv/bin/python benchmarks/roster_sheet.py 200000 --against /tmp/before

Writes two packages whose roster is one sheet as Excel holds it at most (a header and 1,048,575
records, XlsxWriter in constant-memory mode): *plain*, and *merged*, where the county and the
enrollment date are merged over each block of 50 persons of one county (20,972 ranges per column,
1,027,603 cells filled in each). Each is checked (``auditkit check PACKAGE --select EN,IN --format json``)
in a fresh process, twice; the figure is the faster wall time and that run's CPU time. With
``--against DIR`` the auditkit of another checkout (``git archive REV | tar -x -C DIR``) runs on
the same packages in the same run: "no slower than before" is read from one run on one machine.
An earlier auditkit reads the merged roster wrongly (the point of the issue); its time is shown
for the plain one only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditkit.ids import number_from_key  # noqa: E402

COUNTIES = ("150102", "150105", "150203", "150302", "150402", "150502", "150602", "150702")
BLOCK = 50
MANIFEST = """[submission]
program = "resident-subsidy"
jurisdiction = "nmg"
year = 2023
funding_level = "central"
submitter = "内蒙古自治区财政厅"
amount_unit = "yuan"

[tables]
settlement = "settlement.csv"
roster = "roster.xlsx"
"""


def write_package(folder: Path, records: int, merged: bool) -> None:
    import xlsxwriter

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "submission.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "settlement.csv").write_text("序号,盟市,参保人数,人均补助标准,应补助资金,已预拨资金,此次结算补助资金,备注\n"
                                           f"1,呼和浩特市,{records},640,0.00,0.00,0.00,\n", encoding="utf-8")
    workbook = xlsxwriter.Workbook(str(folder / "roster.xlsx"), {"constant_memory": True})
    sheet = workbook.add_worksheet("名册")
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["公民身份号码", "险种", "参保地区划代码", "参保日期"])
    start = dt.datetime(2023, 1, 1)
    for i in range(records):
        block = i // BLOCK
        county = COUNTIES[block % len(COUNTIES)]
        sheet.write_string(i + 1, 0, number_from_key(int(f"{county}1980{i % 12 + 1:02d}{i % 28 + 1:02d}") * 1000
                                                      + i % 1000))
        sheet.write_string(i + 1, 1, "居民")
        first = not merged or i % BLOCK == 0
        if first:
            sheet.write_string(i + 1, 2, county)
            sheet.write_datetime(i + 1, 3, start + dt.timedelta(days=block % 150), dates)
    workbook.close()
    if merged:  # XlsxWriter's constant-memory mode writes no merges: added to the sheet's XML
        ranges = [f'<mergeCell ref="{c}{top + 1}:{c}{min(top + BLOCK - 1, records) + 1}"/>'
                  for top in range(1, records + 1, BLOCK) if min(top + BLOCK - 1, records) > top for c in "CD"]
        _add_merges(folder / "roster.xlsx", f'<mergeCells count="{len(ranges)}">{"".join(ranges)}</mergeCells>')


def _add_merges(path: Path, element: str) -> None:
    import zipfile

    copy = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData>" + element.encode(), 1)
            target.writestr(info.filename, data)
    copy.replace(path)


def measure(checkout: Path, package: Path, repeat: int = 2) -> tuple[float, float]:
    best = None
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "auditkit", "check", str(package), "--select", "EN,IN",
                               "--format", "json"], capture_output=True, text=True, cwd=checkout,
                              env={**os.environ, "PYTHONPATH": str(checkout)})
        wall = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{checkout} on {package.name}: exit {done.returncode}\n{done.stderr[-2000:]}")
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        if best is None or wall < best[0]:
            best = (wall, cpu)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("records", nargs="?", type=int, default=1_048_575)
    parser.add_argument("--against", type=Path, default=None, help="another checkout, timed on the same packages")
    parser.add_argument("--dir", type=Path, default=None, help="where the packages are written (kept and reused)")
    options = parser.parse_args()
    base = options.dir or Path(tempfile.mkdtemp(prefix="auditkit-roster-sheet-"))
    packages = {}
    for kind in ("plain", "merged"):
        folder = base / f"{kind}-{options.records}"
        if not (folder / "roster.xlsx").exists():
            began = time.perf_counter()
            write_package(folder, options.records, kind == "merged")
            print(f"wrote {folder} in {time.perf_counter() - began:.0f} s", flush=True)
        packages[kind] = folder
    rows = [("this checkout", ROOT, ("plain", "merged"))]
    if options.against:
        rows.append((f"against {options.against}", options.against.resolve(), ("plain",)))
    for label, checkout, kinds in rows:
        for kind in kinds:
            wall, cpu = measure(checkout, packages[kind])
            print(f"{label:40} {kind:7} {options.records:>10,} records  wall {wall:7.1f} s  cpu {cpu:7.1f} s",
                  flush=True)


if __name__ == "__main__":
    main()
