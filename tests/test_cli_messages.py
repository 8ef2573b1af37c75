"""Every message the command line prints is Chinese and says what to do, the argument parser's
own included; a manifest typed the way people type is read where its meaning is certain, and
otherwise refused naming the line and the fix. All through the real command line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIXTURES

# words of click's and typer's English that must never reach a user
ENGLISH = re.compile(r"\b(Usage|Error|Missing|Invalid|Show this|Try '|No such|Got unexpected|Options|Arguments|"
                     r"Commands|required|default|requires|does not take|Aborted|is not one of)\b")


def auditkit(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditkit", *map(str, args)], capture_output=True, text=True)


def _chinese_only(done: subprocess.CompletedProcess) -> str:
    seen = done.stdout + done.stderr
    assert not ENGLISH.search(seen), seen
    assert "Traceback" not in seen
    return seen


@pytest.mark.parametrize("args, code, words", [
    (["check"], 2, ["缺少参数“数据包”（数据包目录或 .xlsx 工作簿）", "用法：", "--help 查看用法"]),
    (["check", "包", "--mode", "审核"], 2, ["--mode 的值“审核”无效：应为 review、self-check 之一"]),
    (["check", "包", "--format=表格"], 2, ["--format 的值“表格”无效：应为 text、json 之一"]),
    (["check", "包", "--buckets", "0"], 2, ["--buckets 的值“0”无效：应为不小于 1 的整数"]),
    (["check", "包", "--no-such"], 2, ["没有选项 --no-such"]),
    (["check", "包", "--report"], 2, ["选项 --report 后面应写一个值"]),
    (["check", "包", "--reveal-ids=yes"], 2, ["选项 --reveal-ids 不带值"]),
    (["check", "审核", "数据包"], 2, ["多余的参数：数据包（路径中有空格的，请用引号括起）"]),
    (["chek", "包"], 2, ["没有命令“chek”；可用的命令：check、checks、demo、template"]),
    ([], 0, ["用法：", "命令：", "template", "显示本帮助并退出"]),
])
def test_the_argument_parser_speaks_chinese(args, code, words):
    done = auditkit(*args)
    seen = _chinese_only(done)
    assert done.returncode == code, seen
    for word in words:
        assert word in seen, (word, seen)


@pytest.mark.parametrize("command", ["", "check", "checks", "demo", "template"])
def test_every_help_page_is_chinese(command):
    """--help of the group and of every command: usage, arguments, every option with its help
    and default, and the help option itself."""
    done = auditkit(*([command] if command else []), "--help")
    seen = _chinese_only(done)
    assert done.returncode == 0 and seen.startswith("用法：") and "-h, --help" in seen and "显示本帮助并退出" in seen
    if command == "check":
        assert "参数：\n  数据包  数据包目录或 .xlsx 工作簿（必填）" in seen
        assert "--mode review|self-check" in seen and "（默认：review）" in seen


def _package(tmp_path, manifest: str):
    folder = tmp_path / "包"
    shutil.copytree(FIXTURES / "settlement-ok", folder)
    (folder / "submission.toml").write_text(manifest, encoding="utf-8")
    return folder


TYPED = """# 清单按习惯书写：全角等号、中文引号、“2024年”、不加引号的文字
[submission]
program ＝ “resident-subsidy”
jurisdiction = nmg
year = 2023年      # 运行年度
funding_level = 中央财政
submitter = 内蒙古自治区财政厅
［tables］
settlement = settlement.csv
local_funds = ‘local_funds.csv’
"""


def test_a_manifest_typed_as_people_type_is_read_where_the_meaning_is_certain(tmp_path):
    """settlement-ok keeps every rule; read through a manifest written with a full-width ＝,
    Chinese quotation marks, 2023年 and unquoted text, it still does (exit 0), and the JSON
    says the year and submitter as meant."""
    done = auditkit("check", _package(tmp_path, TYPED), "--format", "json")
    assert done.returncode == 0 and not done.stderr, done.stderr  # stdout is the JSON, for machines
    assert '"year": 2023' in done.stdout and '"submitter": "内蒙古自治区财政厅"' in done.stdout


@pytest.mark.parametrize("line, words", [
    ("year = 2023 2024", ["第4行", "“year = 2023 2024”", "运行年度只写四位数字，如 year = 2024"]),
    ("year 2023", ["第4行", "“year 2023”", "应写成“名称 = 值”"]),
    ('submitter = "内蒙古自治区财政厅', ["第4行", "引号没有成对"]),
    ("year = 二〇二三年", ["第4行", "“year = 二〇二三年”", "运行年度只写四位数字，如 year = 2024"]),
    ('year = "2023.5"', ["submission.year", "运行年度应为四位整数年份，实为“2023.5”"]),
])
def test_a_manifest_whose_meaning_is_not_certain_is_refused_naming_the_line_and_the_fix(tmp_path, line, words):
    year = "" if line.startswith("year") else "year = 2023\n"  # the line tested is the 4th
    manifest = f'[submission]\nprogram = "resident-subsidy"\njurisdiction = "nmg"\n{line}\n{year}' \
               '[tables]\nsettlement = "settlement.csv"\n'
    done = auditkit("check", _package(tmp_path, manifest))
    seen = _chinese_only(done)
    assert done.returncode == 2 and seen.startswith("无法读取："), seen
    for word in words:
        assert word in seen, (word, seen)
