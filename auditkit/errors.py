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


PROBLEMS_SHOWN = 50  # problems listed in one message; the rest are counted


class PackageErrors(PackageError):
    """Several problems of one package, found in one pass: each names its file, sheet, row and
    column. The location fields are the first problem's; ``str()`` lists up to ``PROBLEMS_SHOWN``
    of them, one a line, then how many more there are. Exit code 2."""

    def __init__(self, problems: list[PackageError], total: int) -> None:
        first = problems[0]
        super().__init__(first.message, first.file, first.sheet, first.row, first.column)
        self.problems = list(problems)
        self.total = total

    def __str__(self) -> str:
        lines = [f"数据包中有{self.total}处问题，请逐一更正后重新运行："]
        lines += [f"{number}. {PackageError.__str__(problem)}" for number, problem in enumerate(self.problems, start=1)]
        if self.total > len(self.problems):
            lines.append(f"……另有{self.total - len(self.problems)}处问题未列出（更正以上问题后重新运行即可看到）")
        return "\n".join(lines)


class Problems:
    """Collects the problems of a load instead of stopping at the first: ``add`` each
    PackageError (a PackageErrors adds its parts), then ``raise_if_any``. Keeps the first
    ``PROBLEMS_SHOWN`` and counts the rest."""

    def __init__(self, cap: int = PROBLEMS_SHOWN) -> None:
        self.cap = cap
        self.items: list[PackageError] = []
        self.total = 0

    def add(self, error: PackageError) -> None:
        if isinstance(error, PackageErrors):
            for problem in error.problems:
                self.add(problem)
            self.total += error.total - len(error.problems)
            return
        self.total += 1
        if len(self.items) < self.cap:
            self.items.append(error)

    def raise_if_any(self) -> None:
        """Raise the one problem as it is, or several as a PackageErrors."""
        if self.total == 1:
            raise self.items[0]
        if self.total:
            raise PackageErrors(self.items, self.total)
