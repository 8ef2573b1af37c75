"""Time the review documents: the demo's PDF (target ≤ 2 s) and a 500-finding review (≤ 10 s),
the same reviews as Word documents, and the working papers (XlsxWriter, formulas with values).

    .venv/bin/python benchmarks/report.py                     # as installed
    .venv/bin/python benchmarks/report.py --without-harfbuzz  # as on a machine without libharfbuzz-subset

The baseline, in the same run and process, is WeasyPrint rendering a one-page document with no
CJK font (the engine's own floor on this machine); it runs first, so the figures after it do not
carry the one-off cost of importing WeasyPrint and starting fontconfig. Each figure is the time
from the run's Findings and Assessment to the PDF bytes (build the context, render, subset and
embed the fonts); the check run itself is timed apart. Font subsetting dominates: WeasyPrint
uses HarfBuzz's subsetter when libharfbuzz-subset is installed, else fontTools, several times
slower; the script says which.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditkit import Effect, Evidence, Finding  # noqa: E402
from auditkit.cli import demo_package, run_check  # noqa: E402
from auditkit.report import ReportOptions, build, render_docx, render_pdf, workbook_bytes  # noqa: E402

ISSUED = dt.date(2024, 2, 18)
FAMILIES = ("ST001", "ST002", "AR001", "AR002", "FE001", "EN002", "EN003", "EN004", "DL001", "DL004")


def _timed(work) -> tuple[float, object]:
    start = time.perf_counter()
    value = work()
    seconds = time.perf_counter() - start
    return seconds, value


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _many_findings(result, count: int) -> None:
    """Replace the demo's findings with ``count`` findings of realistic length and evidence."""
    regions = [row.region for row in result.assessment]
    result.findings = []
    for n in range(count):
        code = FAMILIES[n % len(FAMILIES)]
        region = regions[n % len(regions)]
        amount = Decimal(1000 + 7919 * n) + Decimal("0.37")
        person = f"15{(n % 9) + 1}02199{n % 10}0101{n % 10000:04d}"
        finding = Finding(
            condition=(f"{region}第{n + 1}项申报数据与核定数不符：申报{amount * 3:,}元，按规定应为"
                       f"{amount * 2:,}元，相差{amount:,}元。身份证号{person}等人员的记录需逐条核实。"),
            recommendation="按规定重新计算并更正申报数据，核减多报部分，扣减资金由统筹地区财政补足。",
            region=region, subject=f"bench-{n}", effect=Effect(amount, n % 5),
            evidence=Evidence(count=2, where=f"settlement.csv 第{n % 12 + 3}行 “应补助资金（G列）”列",
                              rows=[{"身份证号": person, "参保日期": "2023-03-01", "地区": region}]),
        )
        finding.code, finding.title, finding.severity = code, f"检查{code}发现的问题", "error"
        finding.criteria = "此次结算补助资金应等于应补助资金减去已预拨资金及各项扣减资金。（内财社〔2025〕357号 第十条）"
        result.findings.append(finding)


def main() -> None:
    from weasyprint import HTML
    from weasyprint.pdf import fonts

    if "--without-harfbuzz" in sys.argv:
        fonts.harfbuzz_subset = None  # WeasyPrint then subsets with fontTools
    harfbuzz_subset = fonts.harfbuzz_subset

    print(f"font subsetting: {'HarfBuzz' if harfbuzz_subset else 'fontTools (libharfbuzz-subset not installed)'}")
    seconds, _ = _timed(lambda: HTML(string="<p>auditkit baseline</p>").write_pdf())
    print(f"first WeasyPrint call (import, fontconfig):     {seconds:6.2f} s")
    baseline, _ = _timed(lambda: HTML(string="<p>auditkit baseline</p>").write_pdf())
    print(f"baseline: one Latin page, no CJK font:          {baseline:6.2f} s")

    seconds, result = _timed(lambda: run_check(demo_package()))
    print(f"demo check run (not part of the PDF figure):    {seconds:6.2f} s")
    demo, pdf = _timed(lambda: render_pdf(build(result, ReportOptions(date=ISSUED))))
    print(f"demo review PDF ({_pages(pdf)} pages, {len(result.findings)} findings): "
          f"{demo:6.2f} s  (target ≤ 2 s; {demo / baseline:.0f}× baseline)")

    seconds, _ = _timed(lambda: render_docx(build(result, ReportOptions(date=ISSUED))))
    print(f"demo review DOCX:                               {seconds:6.2f} s  ({seconds / baseline:.0f}× baseline)")
    seconds, _ = _timed(lambda: workbook_bytes(result))
    print(f"demo working papers XLSX:                       {seconds:6.2f} s  ({seconds / baseline:.0f}× baseline)")

    _many_findings(result, 500)
    large, pdf = _timed(lambda: render_pdf(build(result, ReportOptions(date=ISSUED))))
    print(f"500-finding review PDF ({_pages(pdf)} pages):      {large:6.2f} s  "
          f"(target ≤ 10 s; {large / baseline:.0f}× baseline)")
    seconds, _ = _timed(lambda: render_docx(build(result, ReportOptions(date=ISSUED))))
    print(f"500-finding review DOCX:                        {seconds:6.2f} s  ({seconds / baseline:.0f}× baseline)")
    seconds, _ = _timed(lambda: workbook_bytes(result))
    print(f"500-finding working papers XLSX:                {seconds:6.2f} s  ({seconds / baseline:.0f}× baseline)")


if __name__ == "__main__":
    main()
