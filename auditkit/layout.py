"""How offices lay out a small table: where the header is, what each header cell names, the
units written above it or in it, and which rows below it are not a region's figures.

A person reading a settlement table reads a title line, a ``单位：万元`` line, a header of one to
three rows (merged in a workbook, or as Excel saves a merged header to CSV: the parent's text in
the first cell of its span, the leaf headers a row below), then rows of figures with a 合计 row
first or last, perhaps 小计 and ``其中：`` rows, and notes and signatures under the table. This
module reads those parts as that person would; ``auditkit.package`` types the figures. Anything
it cannot read with certainty is a PackageError naming its cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from auditkit.errors import PackageError, column_letter
from auditkit.grid import Cell, Grid
from auditkit.schemas import TableSpec

HEADER_SEARCH_ROWS = 30
HEADER_DEPTHS = (1, 2, 3)

# --- units ---------------------------------------------------------------------------------

# money units as written -> the unit key of auditkit.money; count units -> persons per unit
MONEY_UNITS = {"元": "yuan", "万元": "wan", "千元": "qian", "百元": "bai", "亿元": "yi"}
COUNT_UNITS = {"人": 1, "万人": 10000, "人次": 1, "万人次": 10000, "户": 1, "个": 1, "所": 1, "家": 1}
OTHER_UNITS = ("%", "元/人", "元/人/年", "元/人·年", "元/年/人", "元每人", "元/生", "元/人/月", "‰", "月", "天", "年")
_UNIT_TOKEN = "|".join(sorted((re.escape(u) for u in (*MONEY_UNITS, *COUNT_UNITS, *OTHER_UNITS)), key=len, reverse=True))
_UNIT_SPLIT = re.compile(r"[、,，;；/和及与\s]+")
# '单位：万元', '金额单位:万元', '（单位：元）', '单位：人、万元' anywhere in a cell, but not '填报单位：某局'
_UNIT_LABEL = re.compile(r"(?<![报制表送管位审])(?:金额|计量|货币|资金)?单位[:：]")
_UNIT_AFTER_TITLE = re.compile(r"[(]\s*(?:(?:金额)?单位[:：])?\s*(" + _UNIT_TOKEN + r")(?:\s*[、,，]\s*(?:" + _UNIT_TOKEN + r"))*\s*[)]$")


@dataclass(frozen=True)
class Units:
    """What a unit line or header cell says: the money unit and the count unit (None: not said)."""

    money: str | None = None
    count: int | None = None


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def parse_units(words: str) -> Units | None:
    """'万元' -> money wan; '人、万元' -> wan and persons; '万人' -> count 10000; None if a word is
    not a unit (or two money units are named)."""
    money, count = None, None
    tokens = [t for t in _UNIT_SPLIT.split(_nfkc(words).strip("()（）:： ")) if t]
    if not tokens:
        return None
    # '元/人' splits on '/': put per-head units back together
    joined = _nfkc(words).strip("()（）:： ")
    for per_head in ("元/人/年", "元/人·年", "元/年/人", "元/人/月", "元/人", "元/生"):
        if per_head in joined:
            joined = joined.replace(per_head, "、")
    tokens = [t for t in _UNIT_SPLIT.split(joined) if t]
    for token in tokens:
        if token in MONEY_UNITS:
            if money is not None and money != MONEY_UNITS[token]:
                return None
            money = MONEY_UNITS[token]
        elif token in COUNT_UNITS:
            count = COUNT_UNITS[token] if count is None else max(count, COUNT_UNITS[token])
        elif token not in OTHER_UNITS:
            return None
    return Units(money, count)


def unit_line(text: str, grid: Grid, row: int, column: int) -> Units | None:
    """The units a cell above the header states ('单位：万元', '（单位：元）', a title ending in
    '（万元）'), or None when the cell states none. A cell that starts like a unit line but
    cannot be read is refused, naming it."""
    flat = re.sub(r"\s+", "", _nfkc(text))
    found = _UNIT_LABEL.search(flat)
    if found:
        rest = flat[found.end():]
        words = re.match(r"[^()]*", rest).group(0)
        units = parse_units(words) if words else None
        if units is None:
            # the longest run of unit words, then anything that is not one
            head = re.match(r"((?:" + _UNIT_TOKEN + r")(?:[、,，;；和及与](?:" + _UNIT_TOKEN + r"))*)", rest)
            units = parse_units(head.group(1)) if head else None
            tail = rest[head.end():] if head else rest
            if units is None or (tail and not re.match(r"^[)。.;；,，\s]|^$", tail)):
                raise PackageError(f"单位行“{text.strip()}”无法识别：单位应写作“单位：元”“单位：万元”或“单位：人、万元”等",
                                   file=grid.file, sheet=grid.sheet, row=row + 1, column=f"{column_letter(column + 1)}列")
        return units
    match = _UNIT_AFTER_TITLE.search(flat)
    if match:
        return parse_units(match.group(0))
    return None


# --- header words ----------------------------------------------------------------------------

LEVEL_WORDS = (("central", re.compile(r"中央(?:财政)?")),
               ("regional", re.compile(r"(?:自治区本级|自治区|省级|区级|省)(?:财政)?")),
               ("local", re.compile(r"(?:盟市|地市|市级|旗县|县级|市县|地方)(?:财政)?")))
_YEAR = re.compile(r"((?:19|20)\d{2})年(?:度)?")
_DOC_NO = re.compile(r"[\u4e00-\u9fffA-Za-z]*[\[〔【(]\s*(?:19|20)\d{2}\s*[\]〕】)]\s*\d+\s*号(?:文件|文)?")
_UNIT_IN_HEADER = re.compile(r"[(]\s*(?:(?:金额)?单位[:：])?\s*([^()]*)\s*[)]")
_UNIT_SUFFIX = re.compile(r"(万元|千元|亿元|万人|元)$")
_QUALIFIERS = re.compile(r"^(?:全年合计|全年|本年度|本年|当年|年度|本次|此次|本期|本批|合计)")
_PART_LEAVES = re.compile(r"^(?:合计|小计|金额|资金|数额|总额|人数|计)$")


@dataclass(frozen=True)
class Words:
    """A header cell taken apart: the words that name the column, and what surrounds them."""

    core: str  # NFKC, without spaces, units, years, document numbers
    year: int | None = None
    units: Units | None = None
    document: str | None = None


@lru_cache(maxsize=4096)
def header_words(text: str) -> Words:
    flat = re.sub(r"\s+", "", _nfkc(text))
    units = None
    for match in list(_UNIT_IN_HEADER.finditer(flat)):
        found = parse_units(match.group(1))
        if found is not None:
            units = found if units is None else Units(units.money or found.money, units.count or found.count)
            flat = flat.replace(match.group(0), "", 1)
    year = None
    found_year = _YEAR.search(flat)
    if found_year:  # a header that is only a year ('2024年' over its columns) gives its year too
        year = int(found_year.group(1))
        flat = flat.replace(found_year.group(0), "", 1)
    document = None
    found_doc = _DOC_NO.search(flat)
    if found_doc:
        document = found_doc.group(0)
        flat = flat.replace(document, "", 1)
    flat = re.sub(r"\(\s*\)", "", flat)  # '应补助资金（2023年）' once the year is read
    return Words(flat, year, units, document)


def _without_levels(core: str) -> tuple[str, str | None]:
    for level, pattern in LEVEL_WORDS:
        stripped, count = pattern.subn("", core, count=1)
        if count:
            return stripped, level
    return core, None


def _candidates(core: str):
    """The readings of a header's words, most literal first: as written, without a qualifier
    (本次, 全年合计), without a unit suffix ('应补助资金万元'), without a funding level — each with
    the level and the suffix unit it set aside."""
    seen = set()
    # an explanation in brackets: '结算补助资金（正数为补助、负数为扣回）', '参保人数（截至6月底）'
    plain = re.sub(r"\([^()]*\)$", "", core)
    for text in dict.fromkeys((core, _QUALIFIERS.sub("", core), plain, _QUALIFIERS.sub("", plain))):
        suffix = _UNIT_SUFFIX.search(text)
        for variant, unit in ((text, None), (_UNIT_SUFFIX.sub("", text), suffix.group(1) if suffix else None)):
            if variant and variant not in seen:
                seen.add(variant)
                yield variant, None, unit
            stripped, level = _without_levels(variant)
            if level and stripped and stripped not in seen:
                seen.add(stripped)
                yield _QUALIFIERS.sub("", stripped) or stripped, level, unit


@dataclass
class HeaderColumn:
    """One column of the header: its texts from the top parent to the leaf."""

    position: int
    texts: tuple[str, ...]
    canonical: str | None = None
    level: str | None = None  # a funding level the header names (central, regional, local)
    year: int | None = None
    units: Units | None = None
    document: str | None = None

    @property
    def leaf(self) -> str:
        return self.texts[-1] if self.texts else ""

    @property
    def written(self) -> str:
        """The header as messages quote it, parents first: '已预拨资金/中央（E列）'."""
        return f"{'/'.join(self.texts)}（{column_letter(self.position + 1)}列）"


def _match(spec: TableSpec, texts: tuple[str, ...]) -> HeaderColumn:
    """Which canonical column the texts of one header column name (leaf first, then with its
    parents), and the level, year, units and document number around the words."""
    leaf = header_words(texts[-1]) if texts else Words("")
    parents = [header_words(t) for t in texts[:-1]]
    column = HeaderColumn(-1, texts)
    units = leaf.units
    for parent in reversed(parents):
        if units is None:
            units = parent.units
    column.units = units
    column.year = leaf.year or next((p.year for p in reversed(parents) if p.year), None)
    column.document = leaf.document or next((p.document for p in reversed(parents) if p.document), None)
    parent_level = next((lvl for p in reversed(parents) for lvl in [_without_levels(p.core)[1]] if lvl), None)
    attempts = [leaf.core]
    for parent in reversed(parents):
        attempts += [parent.core + leaf.core, leaf.core + parent.core]
        if _PART_LEAVES.match(leaf.core) or _without_levels(leaf.core)[0] == "" or _LEVEL_ONLY.match(leaf.core):
            attempts.append(parent.core)
    for attempt in attempts:
        for candidate, level, suffix in _candidates(attempt):
            canonical = spec.match(candidate)
            if canonical is not None:
                column.canonical = canonical
                if suffix and column.units is None:
                    column.units = parse_units(suffix)
                leaf_level = _without_levels(leaf.core)[1] if leaf.core != candidate else None
                column.level = level or leaf_level or parent_level
                return column
    return column


_LEVEL_ONLY = re.compile(r"^(?:中央|自治区|省级|省|区级|盟市|市级|旗县|县级|地方)(?:财政)?(?:补助)?(?:资金)?$")


_FIGURE = re.compile(r"^[+-]?[\d,]+(\.\d+)?%?$")


def _is_headerlike(row: list[Cell]) -> bool:
    """Two texts or more and no figure: a header row, not a title line or a row of data."""
    texts = {c.text for c in row if c.text}
    return len(texts) >= 2 and not any(_FIGURE.match(_nfkc(t).strip()) or isinstance(c.value, (int, float))
                                       for c in row for t in [c.text] if t)


def _band_texts(grid: Grid, top: int, depth: int, width: int) -> list[tuple[tuple[str, ...], Units | None]]:
    """Per column, the band's texts from top to bottom, a CSV-saved merged parent carried over
    the empty cells of its span (those with a leaf below, while its own column has one too), and
    the units a row of units in the band gives it."""
    rows = [grid.rows[i] if i < len(grid.rows) else [] for i in range(top, top + depth)]

    def text(r: int, c: int) -> str:
        return rows[r][c].text if c < len(rows[r]) else ""

    filled = [[text(r, c) for c in range(width)] for r in range(depth)]
    for r in range(depth - 1):
        carry = None
        for c in range(width):
            below = any(text(b, c) for b in range(r + 1, depth))
            if filled[r][c]:
                carry = filled[r][c] if below else None
            elif carry is not None and below:
                filled[r][c] = carry
            else:
                carry = None
    columns = []
    for c in range(width):
        texts: list[str] = []
        units = None
        for r in range(depth):
            value = filled[r][c].strip()
            if value and _units_only(value):
                units = parse_units(value)  # a row of units under the leaves: 人, 万元
            elif value and (not texts or texts[-1] != value):
                texts.append(value)
        columns.append((tuple(texts), units))
    return columns


def _units_only(text: str) -> bool:
    return re.fullmatch(r"[(]?(?:" + _UNIT_TOKEN + r")(?:[、,，](?:" + _UNIT_TOKEN + r"))*[)]?", re.sub(r"\s+", "", _nfkc(text))) is not None


@dataclass
class Header:
    top: int  # index of the header's first row
    bottom: int  # index of its last row (units and 栏次 rows under it included)
    columns: list[HeaderColumn] = field(default_factory=list)
    score: int = 0

    @property
    def named(self) -> list[HeaderColumn]:
        return [c for c in self.columns if c.canonical]


def find_header(grid: Grid, spec: TableSpec) -> Header:
    """The header band (one to three rows) that names the most of the table's columns.

    Ties go to a band whose every row is a header row (two or more texts: not a title line),
    then to the earlier (a parent row above the leaves; the header, not a copy of it repeated
    lower down), then to the deeper (a row of units under the leaves). Raises
    PackageError when no band names at least two of the table's columns (or its only one).
    """
    limit = min(HEADER_SEARCH_ROWS, len(grid.rows))
    width = max((len(r) for r in grid.rows[:limit + 3]), default=0)
    best: tuple | None = None
    for top in range(limit):
        if not any(c.text for c in grid.rows[top]):
            continue
        for depth in HEADER_DEPTHS:
            if top + depth > len(grid.rows):
                break
            if depth > 1 and not any(c.text for c in grid.rows[top + depth - 1]):
                break
            columns = []
            for position, (texts, units) in enumerate(_band_texts(grid, top, depth, width)):
                column = _match(spec, texts) if texts else HeaderColumn(position, texts)
                column.position = position
                if column.units is None and units is not None:
                    column.units = units
                columns.append(column)
            score = len({c.canonical for c in columns if c.canonical})
            headerlike = all(_is_headerlike(grid.rows[i]) for i in range(top, top + depth))
            rank = (score, headerlike, -top, depth)
            if best is None or rank > best[0]:
                best = (rank, Header(top, top + depth - 1, columns, score))
    if best is None or best[1].score < min(2, len(spec.columns)):
        expected = "、".join(c.label for c in spec.columns if c.required)
        raise PackageError(f"未找到表头行：前{HEADER_SEARCH_ROWS}行中没有一行含有本表的列名（应含{expected}等）",
                           file=grid.file, sheet=grid.sheet)
    header = best[1]
    # a row of units or of column numbers (栏次: 甲 乙 1 2 3=1-2) under the header belongs to it
    while header.bottom + 1 < len(grid.rows) and _under_header(grid.rows[header.bottom + 1], header):
        header.bottom += 1
    return header


def _under_header(row: list[Cell], header: Header) -> bool:
    texts = [c.text for c in row if c.text]
    if not texts:
        return False
    if all(_units_only(t) for t in texts):
        for position, cell in enumerate(row):
            if cell.text and position < len(header.columns):
                column = header.columns[position]
                units = parse_units(cell.text)
                if units is not None and column.units is None:
                    column.units = units
        return True
    numbers = []
    for text in texts:
        flat = re.sub(r"\s+", "", _nfkc(text))
        if flat in ("甲", "乙", "丙", "丁", "栏次", "行次", "序号"):
            continue
        match = re.fullmatch(r"(\d{1,2})(?:=.*)?", flat)
        if not match:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 2 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


# --- rows that are not a region's figures ------------------------------------------------------

_TOTAL = re.compile(r"^(?:(?:全(?:区|市|盟|州|省|县|旗|地区|自治区|国|地)|总|共)?(?:合计|总计|共计)数?"
                    r"|全(?:区|市|盟|州|省|县|旗|地区|自治区))$")
_TOTAL_LIKE = re.compile(r"^.{0,16}(?:合计|总计)数?$")
_SUBTOTAL = re.compile(r"小计")
_PART = re.compile(r"^其中")
_FOOTER = re.compile(
    r"^(?:填表人|填报人|制表人|编制人|审核人|复核人|审核|复核|负责人|单位负责人|财务负责人|分管领导|主管领导|"
    r"经办人|联系人|联系电话|电话|填表日期|填报日期|制表日期|编制日期|报送日期|日期|说明|注|附注|备注|"
    r"填表说明|填报说明|编制说明|资料来源|数据来源|填报单位|填表单位|编制单位|报送单位|制表单位|单位负责人签字|盖章|"
    r"制表|填报|填表|审批|签字|签章|主管|分管|单位盖章|财务负责人签字)"
    r"(?:[:：\d一二三四五六七八九十、.]|$)")


def label_of(text: str) -> str:
    """A row label compared without spaces, a trailing colon or a bracketed unit: '合 计', '合计：',
    '合计(元)' are all '合计'."""
    flat = re.sub(r"\s+", "", _nfkc(text))
    flat = re.sub(r"[(][^()]*[)]$", "", flat)
    return flat.rstrip(":：")


def row_kind(labels: list[str]) -> str:
    """'total', 'total-like' (ends in 合计/总计 but names a place), 'subtotal', 'part' (其中),
    'footer' (notes and signatures) or 'data', from the row's label texts."""
    for text in labels:
        kind = text_kind(text)
        if kind != "data":
            return kind
    return "data"


@lru_cache(maxsize=65536)
def text_kind(text: str) -> str:
    """What one label text makes its row: see ``row_kind``."""
    label = label_of(text)
    if not label:
        return "data"
    if _FOOTER.match(re.sub(r"\s+", "", _nfkc(text))):
        return "footer"
    if _PART.match(label):
        return "part"
    if _SUBTOTAL.search(label):
        return "subtotal"
    if _TOTAL.match(label):
        return "total"
    if _TOTAL_LIKE.match(label):
        return "total-like"
    return "data"
