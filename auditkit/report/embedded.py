"""The run's result JSON carried inside what auditkit writes, and read back for ``--previous``.

A user who kept only last time's review PDF or working papers can still track rectification:
the PDF carries the JSON (as ``--output`` writes it) as an embedded file attachment,
``auditkit-result.json``; the workbook carries it on a very hidden sheet, ``auditkit_result``,
in column A, cut into pieces that a cell can hold; the HTML review carries it in a
``<script type="application/json" id="auditkit-result">`` element. ``embed_in_workbook`` works
on an openpyxl or an XlsxWriter workbook alike, so that either writer calls the same function.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

ATTACHMENT = "auditkit-result.json"
SHEET = "auditkit_result"
DESCRIPTION = "auditkit 审核结果（JSON），供下次审核以 --previous 跟踪整改"
_PIECE = 32_000  # characters per cell: Excel holds 32,767
_SCRIPT_ID = "auditkit-result"
_SCRIPT = re.compile(r'<script type="application/json" id="auditkit-result">(.*?)</script>', re.S)


def _pieces(text: str) -> list[str]:
    return [text[start:start + _PIECE] for start in range(0, len(text), _PIECE)] or [""]


def embed_in_workbook(workbook, text: str) -> None:
    """Add the very hidden sheet holding ``text`` to an openpyxl ``Workbook`` or an XlsxWriter
    ``Workbook`` (call it before saving or closing the workbook)."""
    if hasattr(workbook, "add_worksheet"):  # XlsxWriter
        sheet = workbook.add_worksheet(SHEET)
        for row, piece in enumerate(_pieces(text)):
            sheet.write_string(row, 0, piece)
        sheet.very_hidden()
        return
    sheet = workbook.create_sheet(SHEET)
    for row, piece in enumerate(_pieces(text), start=1):
        cell = sheet.cell(row=row, column=1, value=piece)
        cell.data_type = "s"  # a piece that begins with "=" is text, not a formula
    sheet.sheet_state = "veryHidden"


def embed_in_html(html: str, text: str) -> str:
    """The page with the result in a JSON script element before ``</body>``."""
    escaped = text.replace("</", "<\\/")  # no "</script>" inside the element
    element = f'<script type="application/json" id="{_SCRIPT_ID}">{escaped}</script>\n'
    at = html.rfind("</body>")
    return html[:at] + element + html[at:] if at >= 0 else html + element


def pdf_attachment(text: str, moment):
    """A WeasyPrint attachment of the result, dated ``moment`` (the document's creation time)."""
    from weasyprint import Attachment

    return Attachment(file_obj=io.BytesIO(text.encode("utf-8")), name=ATTACHMENT, description=DESCRIPTION,
                      created=moment, modified=moment, relationship="Data")


def kind_of(path: Path) -> str:
    """'pdf', 'xlsx', 'html' or 'json', from the file's first bytes (its name may say otherwise)."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "json"


def read_embedded(path: Path, kind: str) -> str | None:
    """The result JSON a PDF, workbook or HTML page of auditkit carries, or None."""
    if kind == "pdf":
        from pypdf import PdfReader

        try:
            found = PdfReader(path).attachments.get(ATTACHMENT)
        except Exception:  # a damaged or encrypted PDF holds nothing we can read
            return None
        return found[0].decode("utf-8") if found else None
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            return None
        if SHEET not in book.sheetnames:
            return None
        return "".join(row[0] or "" for row in book[SHEET].iter_rows(min_col=1, max_col=1, values_only=True))
    if kind == "html":
        found = _SCRIPT.search(path.read_text(encoding="utf-8", errors="replace"))
        return found.group(1) if found else None  # JSON reads "<\\/" as "</"
    return None
