"""How the package was filled in: IN001–IN003 (RULES.md, "IN — how the package was filled in").

The loaders record what they read in a doubtful or repaired way as reading notes
(``Submission.note_reading``, ``auditkit.notes``); these checks turn each note into a finding
that says what was read and how, so that nothing is assessed on a doubtful reading without a
word. Info or warning, never an error: the money checks still run on what was read, and the
review names the reading beside them. The runner runs these checks after every other check, so
that notes made while another check reads its input (a roster) are reported too.
"""

from __future__ import annotations

from collections.abc import Iterator

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.notes import ReadingNote

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("IN", "数据读取方面", order=190)

CITES = "内财社〔2025〕357号 第十六条"
PROGRAMS = ("resident-subsidy", "medical-assistance", "pooling", "contributions")


def findings_of(sub, code: str, recommendation: str) -> Iterator[Finding]:
    """One finding per reading note of ``code``; public so that a further IN check reuses it."""
    for note in sub.notes.of(code):
        yield _finding(note, recommendation)


def _finding(note: ReadingNote, recommendation: str) -> Finding:
    return Finding(
        region=note.region,
        subject=note.subject or note.message,
        condition=note.message if note.message.endswith("。") else note.message + "。",
        recommendation=note.recommendation or recommendation,
        severity=note.severity,
        effect=Effect(),
        figures=dict(note.figures),
        evidence=Evidence(count=note.count, rows=[{"行": r} for r in note.rows[:10]], where=note.where()),
    )


@check("IN001", "金额数量级与所填单位不符", cites=CITES, severity="warning", programs=PROGRAMS)
def amount_unit(sub, rules) -> Iterator[Finding]:
    """表中金额按所填单位读出后，与人数×补助标准×分担比例相差约10²至10⁴倍的，应核实金额单位；其可能的单位予以指明。

    The loader compares each row's amounts with persons × standard × share (the rulebook's
    standard and share, or the table's own) and notes a table whose amounts are off by a power
    of ten of 2 to 4: a 单位 line dropped or mistyped. The table is read as its unit says; see
    docs/decisions.md for which checks still run on it.
    """
    yield from findings_of(sub, "IN001", "核实本表金额单位（单位行或表头所注单位），更正后重新报送。")


@check("IN002", "数值未能按原样读取", cites=CITES, severity="warning", programs=PROGRAMS)
def unreadable_values(sub, rules) -> Iterator[Finding]:
    """日期、数字等数值未能按所写原样读取的，应说明如何处理并列明所在行。

    A value read in a way the filer may not have meant (and what was done with it) is named with
    its rows, so the filer can correct it; what cannot be read at all stops the run instead.
    """
    yield from findings_of(sub, "IN002", "按所列行核实并更正有关数值后重新报送。")


@check("IN003", "数值经修复后读取", cites=CITES, severity="info", programs=PROGRAMS)
def repaired_values(sub, rules) -> Iterator[Finding]:
    """读取时经过修复的数值（身份证号中的文本标记、不可见字符或全角字符，Excel 日期序列号等）应列明其数量。

    The reading is faithful to what the filer meant; the finding says what was repaired and how
    many values, so that the filer can export cleanly next time.
    """
    yield from findings_of(sub, "IN003", "核对读出的数值；今后导出时按文本或日期格式保存有关列。")
