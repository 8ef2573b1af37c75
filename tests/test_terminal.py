"""The terminal summary (issue 16): a number or a bracket is never broken across lines; output
that is not a terminal is not wrapped at all.

The demo's AR001 line holds "未到位2,621,442.60元。（涉及262.14万元）"; at 80 columns rich used to
break a figure as "262.1⏎4万元".
"""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from auditkit.cli import app, demo_package, run_check
from auditkit.output import line_breaks, print_summary

NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?%?")
OPENING, CLOSING = "（《“〔(", "）》”〕)，。、；：%"


@pytest.fixture(scope="module")
def demo():
    return run_check(demo_package())


def _terminal(width: int) -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=width, force_terminal=True, color_system=None, highlight=False,
                   soft_wrap=True), out


@pytest.mark.parametrize("width", [40, 60, 80, 100])
def test_terminal_lines_fit_and_keep_numbers_and_brackets_whole(demo, width):
    console, out = _terminal(width)
    print_summary(demo, console)
    lines = out.getvalue().splitlines()
    assert all(cell_len(line) <= width for line in lines)
    for upper, lower in zip(lines, lines[1:]):
        lower = lower.lstrip()
        if not upper or not lower:
            continue
        # a number does not continue on the next line, nor does a bracket open at a line's end
        assert not (re.search(r"[\d,.]$", upper) and re.match(r"[\d,.%]", lower)), (upper, lower)
        assert upper[-1] not in OPENING, upper
        assert lower[0] not in CLOSING, lower
    # every figure of the whole lines is in the wrapped ones, whole
    joined = [re.sub(r"\n +", "", out.getvalue())]
    wrapped_figures = [n for line in lines for n in NUMBER.findall(line)]
    assert wrapped_figures == NUMBER.findall(joined[0])
    if width == 80:
        assert "2,621,442.60元" in out.getvalue() and "（涉及262.14万元）" in out.getvalue()


def test_output_that_is_not_a_terminal_is_not_wrapped():
    """CliRunner's output is a pipe: each finding is one line, however long: its whole condition
    and the money at stake."""
    condition = next(f.condition for f in run_check(demo_package()).findings if f.code == "AR001")
    result = CliRunner().invoke(app, ["check", str(demo_package())])
    lines = result.output.splitlines()
    ar001 = next(line for line in lines if line.startswith("AR001"))
    assert ar001.endswith(condition + "（涉及262.14万元）")
    assert cell_len(ar001) > 80


def test_line_breaks_cut_a_unit_no_line_holds():
    """A 100-character path in a 40-column terminal is cut (no other way), every line full."""
    path = "a" * 100
    breaks = line_breaks(path, 40)
    assert [(b - a) for a, b in breaks] == [40, 40, 20]


def test_line_breaks_keep_a_negative_figure_with_its_sign():
    text = "结算补助资金为-4,325,376.00元"
    for width in range(16, 30):
        pieces = [text[a:b] for a, b in line_breaks(text, width)]
        assert any("-4,325,376.00" in piece for piece in pieces), pieces
