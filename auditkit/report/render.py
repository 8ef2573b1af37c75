"""Rendering a document context to HTML (Jinja2) and to PDF (WeasyPrint).

The templates and the CSS live in ``report_templates/`` (shipped in the wheel as
``auditkit/report_templates``). The PDF embeds the subsets of the fonts it uses; ``font_dirs``
adds a user's own faces (for example 仿宋_GB2312 and 方正小标宋简体), which the CSS names before the
free ones. The PDF's creation date follows ``SOURCE_DATE_EPOCH`` when it is set.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from auditkit.errors import PackageError
from auditkit.report.embedded import embed_in_html, pdf_attachment

TEMPLATES = {"review": "review.html.j2", "self-check": "self_check.html.j2"}
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    bundled = here / "report_templates"  # inside an installed wheel
    return bundled if bundled.is_dir() else here.parent / "report_templates"


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(loader=FileSystemLoader(str(templates_dir())), autoescape=select_autoescape(["j2", "html"]),
                       trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)


def created_timestamp() -> str:
    """The document's creation time, W3C format: SOURCE_DATE_EPOCH when set, else now (UTC)."""
    return created_moment().strftime("%Y-%m-%dT%H:%M:%SZ")


def created_moment() -> dt.datetime:
    """The document's creation time: SOURCE_DATE_EPOCH when set, else now (UTC, whole seconds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise PackageError(f"环境变量 SOURCE_DATE_EPOCH 应为整数秒数，现为“{epoch}”") from None
    else:
        moment = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    return moment


def _family_names(path: Path) -> list[str]:
    """Every family name (name IDs 1 and 16, all languages) of every face in a font file."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = TTCollection(str(path), lazy=True).fonts
        else:
            fonts = [TTFont(str(path), lazy=True)]
    except Exception:
        raise PackageError("无法读取字体文件", file=str(path)) from None
    names: list[str] = []
    for font in fonts:
        for record in font["name"].names:
            if record.nameID in (1, 16):
                try:
                    name = record.toUnicode().strip()
                except UnicodeDecodeError:
                    continue
                if name and name not in names:
                    names.append(name)
    return names


def font_faces_css(font_dirs: Iterable[Path]) -> str:
    """@font-face rules for the fonts in the user's folders, under every name they carry, so
    that a CSS family such as "仿宋_GB2312" finds the user's file."""
    rules = []
    for folder in font_dirs:
        folder = Path(folder)
        if not folder.is_dir():
            raise PackageError("--font-dir 指定的字体目录不存在", file=str(folder))
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in FONT_SUFFIXES:
                continue
            for name in _family_names(path):
                quoted = name.replace("\\", "\\\\").replace('"', '\\"')
                rules.append(f'@font-face {{ font-family: "{quoted}"; src: url("{path.resolve().as_uri()}"); }}')
    return "\n".join(rules)


def render_html(context: dict[str, Any], font_dirs: Iterable[Path] = (), result_text: str | None = None) -> str:
    """The page; ``result_text`` (the run's JSON) rides along for ``--previous``."""
    html = _html(context, font_dirs)
    return embed_in_html(html, result_text) if result_text is not None else html


def _html(context: dict[str, Any], font_dirs: Iterable[Path]) -> str:
    css = (templates_dir() / "gbt9704.css").read_text(encoding="utf-8")
    faces = font_faces_css(font_dirs)
    template = _environment().get_template(TEMPLATES[context["mode"]])
    return template.render(ctx=context, css=(faces + "\n" + css) if faces else css, created=created_timestamp())


def render_pdf(context: dict[str, Any], font_dirs: Iterable[Path] = (), result_text: str | None = None) -> bytes:
    """The PDF; ``result_text`` (the run's JSON) is attached to it for ``--previous``."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    # fontTools complains about the Debian 宋 font's padded glyf table, which subsets fine, and
    # WeasyPrint's English warnings (no HarfBuzz subsetter, a CSS property it skips) are not
    # the user's business: the document comes out either way
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    font_dirs = list(font_dirs)
    html = _html(context, font_dirs)
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=str(templates_dir()))
    attachments = [pdf_attachment(result_text, created_moment())] if result_text is not None else []
    return document.write_pdf(font_config=fonts, attachments=attachments)
