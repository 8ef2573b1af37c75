"""What each table of a submission package holds: its columns, their kinds, the Chinese headers
that real forms use for them, and the pandera schema that a loaded table must fit.

Kinds: ``text``; ``amount`` (money, converted to 元 as exact decimals, with a tolerance column);
``count`` (persons, non-negative integers, never scaled); ``share`` (a fraction; 80, 80% and 0.8
mean the same); ``date``. Roster-sized tables are not loaded here: they are scanned lazily by the
enrollment engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import warnings

import polars as pl

with warnings.catch_warnings():
    # pandera imports pyspark.pandas when pyspark is installed (the spark extra), which warns
    # about pandas 3 on import; nothing auditkit uses from it is affected.
    warnings.simplefilter("ignore", FutureWarning)
    import pandera.polars as pa

DECIMAL = pl.Decimal(38, 8)

KIND_DTYPES = {
    "text": pl.Utf8,
    "amount": DECIMAL,
    "count": pl.Int64,
    "share": DECIMAL,
    "date": pl.Date,
}

KIND_NAMES = {"text": "文字", "amount": "金额", "count": "人数（非负整数）", "share": "比例", "date": "日期"}


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label: str = ""  # the Chinese name used in messages when the header is not known


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    columns: tuple[ColumnSpec, ...]
    key: str | None = "region"  # the column that names a row's region; rows are unique by it
    has_total: bool = True
    large: bool = False  # scanned lazily, never loaded whole
    description: str = ""
    by_alias: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            self.by_alias[_norm(column.name)] = column.name
            for alias in column.aliases:
                self.by_alias[_norm(alias)] = column.name

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    def match(self, header: str) -> str | None:
        """The canonical column a header names, or None."""
        return self.by_alias.get(_norm(header))

    def pandera(self, present: list[str]) -> pa.DataFrameSchema:
        """The pandera schema of the columns a loaded table has."""
        columns = {}
        for name in present:
            spec = self.column(name)
            checks = []
            if spec.kind == "count":
                checks.append(pa.Check.ge(0))
            columns[name] = pa.Column(
                KIND_DTYPES[spec.kind], checks=checks, nullable=not spec.required
            )
        unique = [self.key] if self.key and self.key in present else None
        return pa.DataFrameSchema(columns, unique=unique, strict=False)


def _norm(header: str) -> str:
    """Headers compare without spaces, line breaks and the bracketed unit: '应补助资金（万元）'."""
    import re
    import unicodedata

    header = unicodedata.normalize("NFKC", str(header))
    header = re.sub(r"\s+", "", header)
    header = re.sub(r"\((万元|元|人|%|元/人)\)$", "", header)
    return header.lower()


def unit_in_header(header: str) -> str | None:
    """The unit a header carries itself: '应补助资金（万元）' -> 'wan'."""
    import re
    import unicodedata

    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(header)))
    match = re.search(r"\((万元|元)\)$", text)
    return {"万元": "wan", "元": "yuan"}[match.group(1)] if match else None


def _c(name, kind, *aliases, required=False, label=""):
    return ColumnSpec(name, kind, required, tuple(aliases), label or (aliases[0] if aliases else name))


REGION = _c("region", "text", "地区", "盟市", "统筹地区", "县(市)名称", "单位", "地区名称", required=True)
REGION_CODE = _c("region_code", "text", "区划代码", "行政区划代码")

TABLES: dict[str, TableSpec] = {}


def _table(spec: TableSpec) -> None:
    TABLES[spec.name] = spec


_table(TableSpec("settlement", "结算分配表", (
    REGION,
    REGION_CODE,
    _c("enrolled", "count", "参保人数", "申报参保人数", "6月底参保人数"),
    _c("over_reported", "count", "多报虚报参保人数", "多报参保人数"),
    _c("standard", "amount", "人均补助标准", "补助标准"),
    _c("share", "share", "分担比例"),
    _c("regional_share", "share", "自治区分担比例"),
    _c("entitled", "amount", "应补助资金"),
    _c("preallocated", "amount", "已预拨资金", "预拨资金", required=True),
    _c("arrival_deduction", "amount", "到位扣减资金", "不到位扣减资金"),
    _c("over_report_deduction", "amount", "虚报扣减资金", "多报虚报扣减资金"),
    _c("settlement", "amount", "此次结算补助资金", "结算补助资金", required=True),
    _c("note", "text", "备注"),
    _c("next_preallocated", "amount", "下年预拨资金", "预拨下年资金"),
), description="每个地区一行，可含合计行"))

_table(TableSpec("local_funds", "地方财政补助资金到位表", (
    REGION,
    REGION_CODE,
    _c("due", "amount", "应到位资金"),
    _c("arrived", "amount", "实际到位资金"),
)))

_table(TableSpec("performance", "绩效目标表", (
    REGION,
    _c("indicator", "text", "指标", "三级指标", required=True),
    _c("target", "text", "目标值", "指标值", required=True),
    _c("actual", "text", "实际值"),
), key=None, has_total=False))

_table(TableSpec("roster", "参保人员名册", (
    _c("person_id", "text", "身份证号", "公民身份号码", "身份证号码"),
    _c("scheme", "text", "险种", "参保险种"),
    _c("region_code", "text", "参保地区划代码", "区划代码", "行政区划代码"),
    _c("enrolled_on", "date", "参保日期"),
    _c("name", "text", "姓名"),
), key=None, has_total=False, large=True))

for _name, _label in (("national_list", "跨省重复参保名单"), ("other_coverage", "其他医疗保障人员名单")):
    _table(TableSpec(_name, _label, (_c("person_id", "text", "身份证号", "公民身份号码", required=True),),
                     key=None, has_total=False, large=True))
_table(TableSpec("deaths", "死亡人员名单", (
    _c("person_id", "text", "身份证号", "公民身份号码", required=True),
    _c("died_on", "date", "死亡日期", required=True),
), key=None, has_total=False, large=True))


def spec_for(table: str) -> TableSpec | None:
    return TABLES.get(table)
