"""Reading notes: what a loader read in a doubtful or repaired way, for the IN findings.

"Never a silent wrong figure": where a reading is plausible but doubtful (a unit that makes every
amount 10,000 times too small, a date column of Excel serial numbers, an ID number with a text
marker), the loader reads it and records a note. ``checks/input.py`` turns the notes into
findings IN001–IN003 (RULES.md, "IN — how the package was filled in"), info or warning, never an
error. Anyone who reads input adds notes through ``Submission.note_reading`` (or, while the
Submission is still being built, through the ``ReadingNotes`` collector the loader holds):

    sub.note_reading("IN003", "“收到日期”列的 12 个值为 Excel 日期序列号，已按日期读取",
                     table="documents", file="documents.csv", rows=[3, 4, 5], column="收到日期（F列）",
                     count=12)

Codes: IN001 amounts whose size does not fit their stated unit; IN002 values that could not be
read as written and what was done with them; IN003 values repaired on reading. Further IN codes
may be registered by the check module that reads them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

NOTE_SEVERITIES = ("info", "warning")
ROWS_SHOWN = 10  # row numbers a note names before "等"


@dataclass(frozen=True)
class ReadingNote:
    """One doubtful or repaired reading.

    ``message`` is Chinese and says what was read and how; ``recommendation`` what the filer
    should do (the IN check supplies a default). ``rows`` are sheet or file row numbers (all of
    them, or a sample when ``count`` says how many there are); ``column`` is the header as
    written with its letter. ``subject`` keys the finding across runs (defaults to table.column).
    """

    code: str
    message: str
    table: str | None = None
    file: str | None = None
    sheet: str | None = None
    rows: tuple[int, ...] = ()
    column: str | None = None
    count: int = 1
    severity: str | None = None  # None: the IN check's default
    region: str | None = None
    subject: str = ""
    recommendation: str = ""
    figures: dict = field(default_factory=dict, compare=False)

    def where(self) -> str:
        """'settlement.csv#Sheet1 第3、5行 “收到日期（F列）”列', as ``Table.where`` writes it."""
        parts = []
        if self.file:
            parts.append(self.file + (f"#{self.sheet}" if self.sheet else ""))
        if self.rows:
            shown = "、".join(str(r) for r in self.rows[:ROWS_SHOWN])
            parts.append(f"第{shown}行" + ("等" if len(self.rows) > ROWS_SHOWN or self.count > len(self.rows) else ""))
        if self.column:
            parts.append(f"“{self.column}”列")
        return " ".join(parts)


class ReadingNotes:
    """The notes of one package, in the order they were made."""

    def __init__(self, notes: Iterable[ReadingNote] = ()) -> None:
        self._notes: list[ReadingNote] = list(notes)

    def add(self, code: str, message: str, *, table: str | None = None, file: str | None = None,
            sheet: str | None = None, rows: Iterable[int] = (), column: str | None = None,
            count: int | None = None, severity: str | None = None, region: str | None = None,
            subject: str = "", recommendation: str = "", figures: dict | None = None) -> ReadingNote:
        """Record a note; ``count`` defaults to the number of rows (1 when none is named).

        Raises ValueError for a code that is not an IN code or a severity other than info or
        warning: a reading note is never an error (a reading that cannot be trusted at all is
        a PackageError instead).
        """
        if not code.startswith("IN"):
            raise ValueError(f"a reading note's code is an IN code, not {code!r}")
        if severity is not None and severity not in NOTE_SEVERITIES:
            raise ValueError(f"a reading note is info or warning, not {severity!r}")
        rows = tuple(sorted(set(rows)))
        note = ReadingNote(code, message, table, file, sheet, rows, column,
                           count if count is not None else max(1, len(rows)), severity, region,
                           subject or ".".join(p for p in (table, column) if p), recommendation,
                           dict(figures or {}))
        self._notes.append(note)
        return note

    def extend(self, other: Iterable[ReadingNote]) -> None:
        self._notes.extend(other)

    def of(self, code: str) -> list[ReadingNote]:
        return [n for n in self._notes if n.code == code]

    def __iter__(self) -> Iterator[ReadingNote]:
        return iter(list(self._notes))

    def __len__(self) -> int:
        return len(self._notes)

    def __repr__(self) -> str:
        return f"ReadingNotes({self._notes!r})"
