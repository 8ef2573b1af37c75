"""Time and memory of loading a five-row table from a template styled to row 1,048,576.

    .venv/bin/python benchmarks/workbook.py             # plain, styled to the last row, styled with formulas
    .venv/bin/python benchmarks/workbook.py --rows 200000

The workbooks hold settlement-ok's settlement table as a prefecture lays it out (merged title, a
单位：元 line, a two-row header with merged cells, amounts #,##0.00, shares 0%, a 合计 row of SUM
formulas with their values), written by XlsxWriter. The *styled* one is a template whose every
cell of columns A:K is bordered down to the last row, as a template made by selecting whole
columns and formatting them is saved: eleven million formatted empty cells, 276 MB of sheet XML,
31 MB on disk. The *formulas* one is the styled template whose 备注 column holds
=IF(I…<0,"扣回","") down to the last row, each computed to "" (a template's formula copied
down). The *plain* one is the same table alone: the baseline, measured in the same run.

Each package is loaded (manifest, both tables, typed, validated) in a fresh process, three
times; the figures are the fastest wall time, the CPU time of that run, the peak resident memory
of the process (VmHWM), and that peak beyond what importing auditkit costs. The machine is
shared, so wall time varies with load; CPU time does not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAST_ROW = 1_048_576
COLUMNS = 11  # A:K
_SEED_ROWS = 64  # formatted rows XlsxWriter writes itself; the rest repeat the last one

TITLE = "2023年度城乡居民基本医疗保险中央补助资金结算表"
HEADER_TOP = ["盟市", "参保人数", "多报虚报参保人数", "自治区分担比例", "补助资金", None, "扣减资金", None,
              "此次结算补助资金", "备注", "下年预拨资金"]
HEADER_LOW = [None, None, None, None, "应补助资金", "已预拨资金", "到位扣减资金", "虚报扣减资金", None, None, None]
ROWS = [  # settlement-ok's settlement table
    ["呼和浩特市", 1000, 0, 0.10, 512000, 500000, 0, 0, 12000, None, 536000],
    ["包头市", 2000, 10, 0.10, 1018880, 1030000, 0, 256, -11376, "从内财社〔2023〕45号文件扣回", 1066640],
    ["乌海市", 500, 0, 0.12, 256000, 250000, 0, 0, 6000, None, 268000],
]
MANIFEST = """[submission]
program = "resident-subsidy"
jurisdiction = "nmg"
year = 2023
funding_level = "central"
submitter = "内蒙古自治区财政厅"
amount_unit = "yuan"

[tables]
settlement = "settlement.xlsx#结算表"
local_funds = "local_funds.csv"
"""


# a formula that computed "" as Excel and LibreOffice save it (fixtures/formats/formula-empty-text)
_EMPTY_FORMULA = r'<c r="J\1" s="\2" t="str"><f>IF(I\1&lt;0,"扣回","")</f><v></v></c>'


def write_workbook(path: Path, styled_to: int | None = None, *, extend: bool = True,
                   empty_formulas: bool = False) -> None:
    """settlement-ok's table as a prefecture's workbook, written by XlsxWriter; with
    ``styled_to``, every cell of A:K is bordered down to that row.

    XlsxWriter itself writes the formatted rows up to row 64 (all of them when ``extend`` is
    False); beyond that the sheet's last formatted row is repeated with its number changed, which
    is byte for byte what XlsxWriter writes (tests/test_formats.py compares the two) in a second
    instead of minutes. With ``empty_formulas``, every formatted 备注 cell (J) below the table
    holds =IF(I…<0,"扣回","") computed to "", in the shape Excel and LibreOffice save it."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"created": dt.datetime(2024, 1, 15, 9, 30)})  # the same bytes each time
    sheet = workbook.add_worksheet("结算表")
    border = workbook.add_format({"border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    money = workbook.add_format({"border": 1, "num_format": "#,##0.00"})
    share = workbook.add_format({"border": 1, "num_format": "0%"})
    title = workbook.add_format({"bold": True, "font_size": 16, "align": "center"})
    sheet.merge_range(0, 0, 0, COLUMNS - 1, TITLE, title)
    sheet.merge_range(1, 9, 1, 10, "单位：元")
    for column, (top, low) in enumerate(zip(HEADER_TOP, HEADER_LOW)):
        if top and low is None:
            sheet.merge_range(2, column, 3, column, top, border)
        elif low:
            sheet.write(3, column, low, border)
    sheet.merge_range(2, 4, 2, 5, "补助资金", border)
    sheet.merge_range(2, 6, 2, 7, "扣减资金", border)

    def style(column: int):
        return money if column in (4, 5, 6, 7, 8, 10) else share if column == 3 else border

    for offset, row in enumerate(ROWS):
        for column, value in enumerate(row):
            if value is None:
                sheet.write_blank(4 + offset, column, None, style(column))
            else:
                sheet.write(4 + offset, column, value, style(column))
    total = 4 + len(ROWS)
    sheet.write(total, 0, "合计", border)
    for column in (1, 2, 4, 5, 6, 7, 8, 10):
        letter = "ABCDEFGHIJK"[column]
        sheet.write_formula(total, column, f"=SUM({letter}5:{letter}{total})", style(column),
                            sum(row[column] for row in ROWS))
    for column in (3, 9):
        sheet.write_blank(total, column, None, style(column))
    written = min(styled_to, _SEED_ROWS) if styled_to and extend else styled_to
    if styled_to:
        for row in range(total + 1, written):
            for column in range(COLUMNS):
                sheet.write_blank(row, column, None, style(column))
    workbook.close()
    if styled_to and extend and styled_to > written:
        _extend_rows(path, written, styled_to)
    if styled_to and empty_formulas:
        _rewrite_sheet(path, lambda xml: re.sub(rb'<c r="J(\d+)" s="(\d+)"/>', _EMPTY_FORMULA.encode("utf-8"), xml))


def _rewrite_sheet(path: Path, change) -> None:
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members[part] = change(members[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _extend_rows(path: Path, written: int, last: int) -> None:
    """Repeat the sheet's last formatted row (row ``written``) down to row ``last``."""
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = members[part].decode("utf-8")
    pattern = re.search(rf'<row r="{written}"([^>]*)>(.*?)</row>', xml)
    attributes, cells = pattern.group(1), pattern.group(2)
    template = re.sub(rf'r="([A-Z]+){written}"', r'r="\1{n}"', cells.replace("{", "{{").replace("}", "}}"))
    head, tail = xml[:pattern.end()], xml[pattern.end():]
    head = re.sub(r'<dimension ref="A1:([A-Z]+)\d+"/>', rf'<dimension ref="A1:\g<1>{last}"/>', head, count=1)
    row_open = '<row r="{n}"' + attributes.replace("{", "{{").replace("}", "}}") + ">"
    line = row_open + template + "</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in members.items():
            if name != part:
                archive.writestr(name, data)
                continue
            with archive.open(part, "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                for start in range(written + 1, last + 1, 4096):
                    out.write("".join(line.format(n=n) for n in range(start, min(start + 4096, last + 1))).encode("utf-8"))
                out.write(tail.encode("utf-8"))


def package(folder: Path, styled_to: int | None, empty_formulas: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_workbook(folder / "settlement.xlsx", styled_to, empty_formulas=empty_formulas)
    shutil.copy(ROOT / "fixtures" / "settlement-ok" / "local_funds.csv", folder)
    (folder / "submission.toml").write_text(MANIFEST, encoding="utf-8")
    return folder


# The peak is the process's VmHWM (Linux): ru_maxrss would carry over the parent's peak through
# fork and exec, and the parent has just written a 276 MB sheet.
_CHILD = """
import json, re, sys, time
sys.path.insert(0, {root!r})
from auditkit import load_package

def peak():
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\\s*(\\d+)", status.read()).group(1)) / 1024

before = peak()
wall, cpu = time.perf_counter(), time.process_time()
submission = load_package({folder!r})
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
table = submission.table("settlement")
print(json.dumps({{"wall": wall, "cpu": cpu, "peak_mb": peak(), "import_mb": before,
                  "rows": table.frame.height, "total": str(table.total["entitled"])}}))
"""


def measure(folder: Path, repeat: int = 3) -> dict:
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT), folder=str(folder))],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout))
    best = min(runs, key=lambda r: r["wall"])
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=LAST_ROW, help="the last formatted row (default 1,048,576)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = package(Path(tmp) / "plain", None)
        styled = package(Path(tmp) / "styled", args.rows)
        formulas = package(Path(tmp) / "formulas", args.rows, empty_formulas=True)
        size = (styled / "settlement.xlsx").stat().st_size
        with zipfile.ZipFile(styled / "settlement.xlsx") as archive:
            xml = archive.getinfo("xl/worksheets/sheet1.xml").file_size
        print(f"styled workbook: formatted to row {args.rows:,}, {size / 2**20:.1f} MB on disk, "
              f"sheet XML {xml / 2**20:.0f} MB")
        print(f"{'workbook':<10}{'wall s':>9}{'CPU s':>9}{'peak MB':>10}{'over imports MB':>17}{'rows':>6}")
        for name, folder in (("plain", plain), ("styled", styled), ("formulas", formulas)):
            result = measure(folder, args.repeat)
            print(f"{name:<10}{result['wall']:>9.2f}{result['cpu']:>9.2f}{result['peak_mb']:>10.0f}"
                  f"{result['peak_mb'] - result['import_mb']:>17.0f}{result['rows']:>6}")


if __name__ == "__main__":
    main()
