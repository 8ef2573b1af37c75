"""Review documents: the 审核意见 and the 自查报告 as PDF, Word (.docx) and HTML, the Excel working papers,
and rectification tracking against a previous run.

Reports read only a run's Findings and Assessment (with the manifest's words for the title and
the addressee, and the inputs' SHA-256 for the provenance block); they compute no figure.
"""

from auditkit.report.document import ReportOptions, Signer, build
from auditkit.report.docx import render_docx
from auditkit.report.render import render_html, render_pdf
from auditkit.report.tracking import Tracking, load_previous, track
from auditkit.report.workbook import workbook_bytes


__all__ = ["ReportOptions", "Signer", "Tracking", "build", "load_previous", "render_docx", "render_html", "render_pdf", "track",
           "workbook_bytes"]
