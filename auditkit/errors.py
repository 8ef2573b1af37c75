"""Errors a user sees: each names where the problem is and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 1-based column index (1 -> A, 27 -> AA)."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass
class PackageError(Exception):
    """A submission package that cannot be read. Exit code 2.

    ``message`` is Chinese and says what was expected; the location fields are filled in as far
    as they are known, and ``str()`` renders them the way an auditor reads a worksheet.
    """

    message: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # the header as written, with its letter when known

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(f"文件“{self.file}”")
        if self.sheet:
            where.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.column:
            where.append(f"“{self.column}”列")
        prefix = "，".join(where)
        return f"{prefix}：{self.message}" if prefix else self.message


class RulebookError(PackageError):
    """A rulebook (built-in or given with --rulebook) that cannot be read. Exit code 2."""
