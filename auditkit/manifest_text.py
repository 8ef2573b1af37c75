"""Reading ``submission.toml`` as people type it.

A manifest that is valid TOML is read as it is. One that is not is repaired line by line where
the meaning is certain, and read again:

- a full-width ＝ between key and value, a full-width key (``ｙｅａｒ``), a section header in
  full-width brackets (``［tables］``, ``【tables】``);
- a value in Chinese quotation marks (“…”, ‘…’, 「…」, 『…』) is that text;
- ``year = 2024年`` (or ``2024年度``, full-width digits) is the year 2024;
- any other value written without quotes (``submitter = 内蒙古自治区财政厅``,
  ``budget_approved_on = 2024年1月20日``) is the text as written, which the manifest's own
  rules then read (a date, an amount) or refuse naming the key.

What still does not parse is refused with a Chinese message naming the line, quoting it and
saying how to write it.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata

from auditkit.errors import PackageError

_QUOTES = {"“": "”", "”": "”", "‘": "’", "’": "’", "「": "」", "『": "』", "＂": "＂"}
_SECTION = re.compile(r"^\s*[\[［【]\s*([^\]］】#]+?)\s*[\]］】]\s*(?:#.*)?$")
_KEY_VALUE = re.compile(r"^(\s*)([^=＝#\[\]［］【】\"'“”‘’]+?)\s*[=＝]\s*(.*?)\s*$")
_YEAR = re.compile(r"^(\d{4})\s*年度?$")


def _valid_value(text: str) -> bool:
    try:
        tomllib.loads(f"v = {text}")
    except tomllib.TOMLDecodeError:
        return False
    return True


def _split_comment(value: str) -> tuple[str, str]:
    """An unquoted value and its trailing comment: '#' after a space starts one ('报送数据.xlsx#结算分配表'
    keeps its sheet)."""
    match = re.search(r"(^|\s)#", value)
    if not match:
        return value.strip(), ""
    return value[:match.start()].strip(), value[match.start():].strip()


def _repaired_value(key: str, value: str) -> str:
    """The value as valid TOML where its meaning is certain; as written otherwise."""
    if value[:1] in _QUOTES:
        close = value.find(_QUOTES[value[0]], 1)
        if close > 0 and not _valid_value(value):
            rest = value[close + 1:].strip()
            if not rest or rest.startswith("#"):
                return json.dumps(value[1:close], ensure_ascii=False) + (f" {rest}" if rest else "")
        return value
    if value[:1] in "\"'[{" or _valid_value(value):
        return value
    text, comment = _split_comment(value)
    tail = f" {comment}" if comment else ""
    normal = unicodedata.normalize("NFKC", text).strip()
    if key == "year":  # a year is a number: 2024年 is certain, 2023 2024 is not
        year = _YEAR.match(normal)
        return year.group(1) + tail if year else value
    if _valid_value(normal):  # full-width digits, ｔｒｕｅ
        return normal + tail
    if text and not any(q in text for q in "\"'") and "\\" not in text:
        return json.dumps(text, ensure_ascii=False) + tail
    return value


def _repaired(text: str) -> str:
    lines = []
    for line in text.splitlines():
        section = _SECTION.match(line)
        pair = _KEY_VALUE.match(line) if not section else None
        if section:
            line = f"[{unicodedata.normalize('NFKC', section.group(1)).strip()}]"
        elif pair and not line.lstrip().startswith("#"):
            indent, key, value = pair.groups()
            key = unicodedata.normalize("NFKC", key).strip()
            line = f"{indent}{key} = {_repaired_value(key.rsplit('.', 1)[-1], value)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


# tomllib's messages, in words a clerk can act on
_HINTS = (
    ("Expected '=' after a key", "这一行应写成“名称 = 值”，名称用英文字母，等号两边各一项"),
    ("Cannot overwrite a value", "同一名称写了两次，请删去其中一行"),
    ("Cannot declare", "同一部分（如 [tables]）写了两次，请合并为一处"),
    ("Illegal character '\\n'", "引号没有成对，请在文字两端各加一个英文双引号"),
    ("Expected ']'", "部分名应写在一对方括号中，如 [tables]"),
    ("Expected newline or end of document", "一行只写一项“名称 = 值”；值中有空格的文字请加英文双引号"),
    ("Invalid statement", "这一行既不是“名称 = 值”，也不是 [部分名]；说明文字请以 # 开头"),
)
_GENERIC = "请逐行写成“名称 = 值”，文字加英文双引号（如 submitter = \"内蒙古自治区财政厅\"），数字和日期不加引号（如 year = 2024）"


def read_manifest_toml(text: str, file: str) -> dict:
    """The manifest's data, read as TOML and repaired where the meaning is certain.

    Raises PackageError naming the line, quoting it and saying how to write it."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pass
    repaired = _repaired(text)
    try:
        return tomllib.loads(repaired)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        number = int(found.group(1)) if found else None
        lines = text.splitlines()
        hint = next((words for english, words in _HINTS if english in str(exc)), _GENERIC)
        pair = _KEY_VALUE.match(lines[number - 1]) if number and number <= len(lines) else None
        if pair and unicodedata.normalize("NFKC", pair.group(2)).strip().rsplit(".", 1)[-1] == "year":
            hint = "运行年度只写四位数字，如 year = 2024"
        quoted = f"“{lines[number - 1].strip()}”" if number and number <= len(lines) else ""
        raise PackageError(f"清单{quoted}写法有误：{hint}" if quoted else f"清单写法有误：{hint}",
                           file=file, row=number) from None
