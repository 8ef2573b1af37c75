"""What each table of a submission package holds: its columns, their kinds, the Chinese headers
that real forms use for them, and the pandera schema that a loaded table must fit.

Kinds: ``text``; ``amount`` (money, converted to 元 as exact decimals, with a tolerance column);
``per_head`` (元 per person, such as the standard: never scaled by a 万元 unit, never summed
into a total); ``count`` (persons, non-negative integers, never scaled); ``share`` (a fraction; 80, 80% and 0.8
mean the same); ``date``; ``month`` (a month, held as its first day: '2023-01', '2023年1月', or
'1月' of the package's year). Roster-sized tables are not loaded here: they are scanned lazily by
the enrollment engine.

An enumerated text column (``ColumnSpec.choices``: scheme, category, fund, level, purpose …) is
read into its canonical word when the table is loaded, so that a check never meets a word it
does not know: an unknown word is refused there, naming the cell and listing the words allowed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
from dataclasses import dataclass, field

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
    "per_head": DECIMAL,
    "count": pl.Int64,
    "share": DECIMAL,
    "date": pl.Date,
    "month": pl.Date,  # the month's first day
}

KIND_NAMES = {"text": "文字", "amount": "金额", "per_head": "人均金额（元）", "count": "人数（非负整数）", "share": "比例", "date": "日期",
              "month": "月份"}

_MONTH = re.compile(r"(?:(\d{4})[-/.年])?(\d{1,2})月?")


def read_month(value, year: int) -> dt.date | None:
    """'2023-01', '2023/1', '2023.01', '2023年1月' -> 2023-01-01; '1月' or '1' -> January of
    ``year`` (the package's); a date cell -> its month. None when it is not a month."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = _MONTH.fullmatch(re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))))
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    written_year = int(match.group(1) or year)
    return dt.date(written_year, int(match.group(2)), 1) if 1900 <= written_year <= 2099 else None


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    label: str = ""  # the Chinese name used in messages when the header is not known
    # an enumerated text column: groups of accepted words, the first of each group canonical,
    # the last the word messages name (("central", "中央财政", "中央"), ...); empty for free text
    choices: tuple[tuple[str, ...], ...] = ()
    # endings any accepted word may carry: '城乡医疗救助' + '补助资金'
    suffixes: tuple[str, ...] = ()
    # a required column whose cells may be empty on some rows (None: empty cells allowed exactly
    # when the column is optional); the fund of an assistance table's 合计 row, for one
    nullable: bool | None = None

    def canonical(self, value: str | None) -> str | None:
        """The canonical word of an enumerated column's value ('中央' -> 'central'), or None."""
        if value is None:
            return None
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).lower()
        stems = [text] + [text[: -len(s)] for s in self.suffixes if text.endswith(s) and len(text) > len(s)]
        return next((group[0] for stem in stems for group in self.choices if stem in group), None)

    def word(self, canonical: str) -> str:
        """The word messages use for a canonical value ('central' -> '中央')."""
        return next((group[-1] for group in self.choices if group[0] == canonical), canonical)

    def allowed(self) -> str:
        """The words accepted, for the message that refuses one: '中央、自治区、盟市、旗县之一（也可写作
        “中央财政”“自治区财政”“省级”…）'."""
        if self.kind == "month":
            return "月份（如 2023-01、2023年1月，或本年度的 1月）"
        others = [w for group in self.choices for w in group[1:-1] if not w.isascii()]
        return ("、".join(group[-1] for group in self.choices) + "之一"
                + (f"（也可写作{''.join(f'“{w}”' for w in others)}）" if others else ""))

    def read(self, value, year: int):
        """An enumerated word as its canonical value, a month as its first day; None if neither."""
        return read_month(value, year) if self.kind == "month" else self.canonical(value)


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    columns: tuple[ColumnSpec, ...]
    key: str | None = "region"  # the column that names a row's region; rows are unique by it
    unique: tuple[str, ...] = ()  # columns whose values together are unique, when not the key alone
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
            if spec.choices:  # the loader has turned every word into its canonical form
                checks.append(pa.Check.isin([group[0] for group in spec.choices], error=f"{spec.label}应为{spec.allowed()}"))
            nullable = spec.nullable if spec.nullable is not None else not spec.required
            columns[name] = pa.Column(KIND_DTYPES[spec.kind], checks=checks, nullable=nullable)
        unique = [self.key] if self.key and self.key in present else None
        if self.unique and all(column in present for column in self.unique):
            unique = list(self.unique)
        return pa.DataFrameSchema(columns, unique=unique, strict=False)


def _norm(header: str) -> str:
    """Headers compare without spaces, line breaks and the bracketed unit: '应补助资金（万元）'."""
    import re
    import unicodedata

    header = unicodedata.normalize("NFKC", str(header))
    header = re.sub(r"\s+", "", header)
    header = re.sub(r"\((?:(?:金额)?单位[:：])?(万元|元|千元|亿元|人|万人|%|元/人|元/人/年)\)$", "", header)
    # what a form says about how to fill a column: '参保日期（年-月-日）', '(yyyy-mm-dd)', '（文本格式）',
    # and the asterisk of a required column
    header = re.sub(r"^\*+|\*+$", "", header)
    header = re.sub(r"\((?:[ymd年月日/.\-]+|(?:文本)?格式[:：]?[^)]*|文本|必填|选填)\)$", "", header, flags=re.I)
    return header.lower()


def _c(name, kind, *aliases, required=False, label=""):
    return ColumnSpec(name, kind, required, tuple(aliases), label or (aliases[0] if aliases else name))


def _enum(name, groups, *aliases, required=False, suffixes=()):
    return ColumnSpec(name, "text", required, tuple(aliases), aliases[0], choices=groups, suffixes=suffixes)


# the region headers forms print: 地区, 盟市, 县区, 旗县区, 县（市、区）, 单位名称 … (compared after NFKC, so
# full-width brackets match); a 盟市's table of its counties heads the column with the county
# level's words (issue 13)
REGION_WORDS = ("地区", "盟市", "统筹地区", "县(市)名称", "单位", "地区名称", "县区", "旗县区", "旗县(市、区)",
                "旗县(市区)", "旗县市区", "县(市、区)", "县(市、区)名称", "旗县(市、区)名称", "县(区)", "县(市)",
                "旗(县、区)", "旗(县、市、区)", "旗县(区)", "单位名称", "盟市名称", "旗县名称", "旗县", "区县", "县市区",
                "市县", "地市", "县市", "统筹区", "统筹区名称", "统筹地区名称", "市(州)", "地(州、市)", "地州市", "行政区划",
                "行政区划名称", "区域", "地区(单位)", "单位(地区)", "盟市(单位)", "项目地区")
REGION = _c("region", "text", *REGION_WORDS, required=True)
REGION_CODE = _c("region_code", "text", "区划代码", "行政区划代码")

TABLES: dict[str, TableSpec] = {}


def _table(spec: TableSpec) -> None:
    TABLES[spec.name] = spec


_table(TableSpec("settlement", "结算分配表", (
    REGION,
    REGION_CODE,
    _c("enrolled", "count", "参保人数", "申报参保人数", "6月底参保人数"),
    _c("over_reported", "count", "多报虚报参保人数", "多报参保人数"),
    _c("standard", "per_head", "人均补助标准", "补助标准"),
    _c("share", "share", "分担比例"),
    _c("regional_share", "share", "自治区分担比例"),
    _c("entitled", "amount", "应补助资金", "应补助资金总额", "应拨补助资金", "应下达补助资金", "应补助金额"),
    _c("preallocated", "amount", "已预拨资金", "预拨资金", "已预拨补助资金", "已下达预拨资金", "已拨付预拨资金",
       "已下达资金", "已下达补助资金", "已拨付资金", "已拨资金", "预拨补助资金", required=True),
    _c("arrival_deduction", "amount", "到位扣减资金", "不到位扣减资金"),
    _c("over_report_deduction", "amount", "虚报扣减资金", "多报虚报扣减资金"),
    _c("settlement", "amount", "此次结算补助资金", "结算补助资金", "结算资金", "下达结算资金", "结算下达资金",
       "应下达结算资金", "清算补助资金", "清算资金", required=True),
    # of the enrolled count, students of universities under the region (第七条): left out of the
    # regional share and the local due, paid (1 − c) × std each through the students table
    _c("students", "count", "其中：区直院校学生人数", "其中区直院校学生人数", "区直院校学生人数",
       "其中：区直院校学生", "区直院校参保学生人数"),
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
    _c("indicator", "text", "指标", "三级指标", "指标名称", required=True),
    _c("target", "text", "目标值", "指标值", "指标值(包含数字及文字描述)", "年度指标值", required=True),
    _c("actual", "text", "实际值", "实际完成值", "全年实际值", "完成值"),
), key=None, has_total=False))

_table(TableSpec("roster", "参保人员名册", (
    _c("person_id", "text", "身份证号", "公民身份号码", "身份证号码", "公民身份证号码", "证件号码"),
    _c("scheme", "text", "险种", "参保险种", "险种类型", "参保险种类型"),
    _c("region_code", "text", "参保地区划代码", "区划代码", "行政区划代码", "参保地行政区划代码"),
    _c("enrolled_on", "date", "参保日期", "参保时间", "参保登记日期", "参保开始日期"),
    _c("name", "text", "姓名"),
), key=None, has_total=False, large=True))

for _name, _label in (("national_list", "跨省重复参保名单"), ("other_coverage", "其他医疗保障人员名单")):
    _table(TableSpec(_name, _label, (_c("person_id", "text", "身份证号", "公民身份号码", required=True),),
                     key=None, has_total=False, large=True))
_table(TableSpec("deaths", "死亡人员名单", (
    _c("person_id", "text", "身份证号", "公民身份号码", "身份证号码", "公民身份证号码", "证件号码", required=True),
    _c("died_on", "date", "死亡日期", "死亡时间", required=True),
), key=None, has_total=False, large=True))


def spec_for(table: str) -> TableSpec | None:
    return TABLES.get(table)


# --- the other programs (issue 5): medical assistance, league pooling, contributions -------
# Allocation factors (need, performance, population, incidence, fiscal) load as amounts: every
# one of them enters 001 第六条 only through a ratio to its column's sum, so the unit a table
# declares scales numerator and sum alike and cancels; what the amount kind gives is exact
# decimals, a clear error for a non-number and a tolerance column. A 0.9 fiscal factor stays 0.9
# (a share would read 1.2 as 1.2%). See docs/tables.md.
# 001 第二条's two funds; seed 001 heads the second formula 疟疾应急救助资金, a typo accepted as written
FUNDS = (("urban_rural", "urban-rural", "城乡医疗救助"), ("emergency", "疟疾应急救助", "疾病应急救助"))

_table(TableSpec("assistance", "医疗救助补助资金分配表", (
    REGION,
    REGION_CODE,
    # required, but a 合计 row may leave it empty: it totals the table's one fund (the loader
    # refuses an empty fund on any other row)
    ColumnSpec("fund", "text", True, ("资金类别", "资金名称", "项目"), "资金类别", choices=FUNDS,
               suffixes=("补助资金", "资金", "补助"), nullable=True),
    _c("need", "amount", "一般需求因素", "需求因素", "救助需求因素"),
    _c("tier_share", "share", "按地区分档分担比例", "分档分担比例", "分担比例"),
    # not required: offices publish allocations without their factors (AL001/AL002 then not run)
    _c("performance", "amount", "绩效因素", "绩效评价结果"),
    _c("population", "amount", "人口数", "常住人口数", "常住人口"),
    _c("incidence", "amount", "发病率"),
    _c("fiscal", "amount", "财力因素", "财政困难程度系数"),
    _c("allocated", "amount", "应下达资金", "下达资金", "分配资金", required=True),
), key=None, unique=("region", "fund"), has_total=False, description="每个地区、每项资金一行；分配总额见清单 [funds]"))

# 险种: employees' and residents' funds are kept apart (阿署办发〔2020〕30号 第十四条); a row of both
# together is read, for PL001 to report. Uploads (第六条) also carry maternity and large-expense
# insurance premiums. The last word of each group is the one findings use (and their subjects).
SCHEMES = (("employee", "城镇职工", "职工医保", "在职职工", "职工"),
           ("resident", "城乡居民", "居民医保", "城镇居民", "居民"),
           ("combined", "合计", "全部", "混合", "职工、居民", "职工和居民", "职工居民合计"))
UPLOAD_SCHEMES = SCHEMES + (("maternity", "生育", "生育保险"), ("large_medical", "大额", "大额医疗费用补助", "大额医疗保险"))
_SCHEME_ENDINGS = ("基本医疗保险费", "基本医疗保险", "医疗保险费", "医疗保险", "保险费", "医保费", "费")
_POOL_SCHEME = _enum("scheme", SCHEMES, "险种", "基金类别", "参保类别", suffixes=_SCHEME_ENDINGS)
# League pooling (阿署办发〔2020〕30号) is run inside one 盟: its rows are the 旗（区） and 盟本级, not
# regions of the jurisdiction's rulebook, so they are named in a column of their own.
_COUNTY = _c("county", "text", "旗（区）", "旗区", "地区", "单位", required=True)

_table(TableSpec("pooling_uploads", "医保基金按月上划表", (
    _COUNTY,
    _enum("scheme", UPLOAD_SCHEMES, "险种", "基金类别", "参保类别", suffixes=_SCHEME_ENDINGS),
    _c("month", "month", "所属月份", "征缴月份", "月份", required=True),
    _c("collected", "amount", "当月征缴金额", "征缴金额", "征缴收入"),
    _c("uploaded", "amount", "上划金额", "上解金额"),
    _c("uploaded_on", "date", "上划日期", "到账日期", "上划到账日期", required=True),
), key=None, has_total=False, description="每个旗（区）、每个险种、每月一行"))

_table(TableSpec("risk_pool", "医保基金风险共济金表", (
    _c("year", "count", "年度", required=True),
    _enum("scheme", SCHEMES, "险种", "基金类别", required=True, suffixes=_SCHEME_ENDINGS),
    _c("income", "amount", "基金收入", "统筹基金收入", "当年基金收入", required=True),
    _c("personal_account", "amount", "个人账户收入", "划入个人账户"),
    _c("opening_balance", "amount", "年初滚存结余", "共济金年初滚存结余", required=True),
    _c("extraction", "amount", "提取共济金", "共济金提取额", "本年提取", required=True),
), key=None, has_total=False, description="每个年度、每个险种一行"))

_table(TableSpec("deficits", "医保基金收支缺口调剂表", (
    _COUNTY,
    _c("year", "count", "年度"),
    _POOL_SCHEME,
    _c("gap", "amount", "收支缺口", "当年收支缺口", required=True),
    _c("balance", "amount", "可用滚存结余", "滚存结余"),
    _c("from_balance", "amount", "滚存结余调剂", "滚存结余弥补"),
    _c("risk_pool_available", "amount", "共济金可调剂额", "共济金可用额"),
    _c("from_risk_pool", "amount", "共济金调剂", "共济金弥补"),
    _c("from_adjustment", "amount", "调整缴费或待遇弥补", "政策调整弥补"),
    _c("from_government", "amount", "财政补助", "财政补助弥补"),
), key=None, has_total=False, description="每个地区、每个年度（险种）一行"))

# 征求意见稿 二（二）'s payer categories; the last word of each group is the one findings use
CATEGORIES = (("employer", "单位", "用人单位"),
              ("employee", "职工", "在职职工", "职工个人"),
              ("flexible", "灵活就业人员", "农牧民工", "新就业形态人员", "新业态从业人员", "无雇工的个体工商户",
               "个体工商户", "非全日制从业人员", "灵活就业人员等"),
              ("unemployed", "失业人员", "领取失业保险金人员"))

_table(TableSpec("contribution_bases", "职工医保缴费基数表", (
    _c("region", "text", "地区", "统筹地区", "盟市"),
    _c("payer", "text", "缴费单位", "单位名称", "参保单位", "姓名", required=True),
    _enum("category", CATEGORIES, "人员类别", "参保类别", "缴费类别", required=True),
    _c("headcount", "count", "职工人数", "在职职工人数"),
    _c("wage", "amount", "上年度职工平均工资", "上年度平均工资", "本人工资收入", "工资收入"),
    _c("base", "amount", "缴费基数", "申报缴费基数", required=True),
), key=None, has_total=False, description="每个缴费单位或缴费个人一行；全区平均工资见清单 [funds]"))

_table(TableSpec("contributions", "基本医保筹资情况表", (
    REGION,
    REGION_CODE,
    _c("employer_rate", "share", "用人单位缴费费率", "单位缴费费率"),
    _c("employee_rate", "share", "职工个人缴费费率", "个人缴费费率"),
    _c("resident_fund", "amount", "居民医保基金收入", "居民医保筹资总额"),
    _c("critical_illness", "amount", "大病保险筹资", "大病保险划拨资金"),
    _c("collection_start", "date", "集中征缴开始日期", "征缴开始日期"),
    _c("collection_end", "date", "集中征缴结束日期", "征缴结束日期"),
), description="每个统筹地区一行"))

_table(TableSpec("fund_budgets", "医保基金收支预算表", (
    REGION,
    _enum("scheme", SCHEMES, "险种", "基金类别", required=True, suffixes=_SCHEME_ENDINGS),
    _c("income", "amount", "预算收入", "基金收入预算", required=True),
    _c("expenditure", "amount", "预算支出", "基金支出预算", required=True),
), key=None, has_total=False, description="每个统筹地区、每个险种一行"))


# --- money flows and deadlines (issue 4): documents, payments, filings; reward and students ---
# Levels, purposes and filing items are enumerated: each group's first word is what the checks
# read (ColumnSpec.canonical), its last the Chinese word messages name.
LEVELS = (("central", "中央财政", "中央"), ("regional", "自治区财政", "省级", "自治区"),
          ("prefecture", "盟市财政", "市级", "盟市"), ("county", "旗县财政", "县级", "旗县"))
PURPOSES = (("advance", "提前下达"), ("preallocation", "预拨"), ("settlement", "结算"),
            ("budget", "正式下达"))
PAYMENT_PURPOSES = PURPOSES + (("matching", "配套资金", "地方配套"), ("reward", "奖励补助资金"))
FILING_ITEMS = (("request", "盟市请示", "盟市结算请示"), ("region-request", "自治区请示", "自治区结算请示"),
                ("initial-review", "初审意见"), ("enrollment-june", "6月底参保人数"),
                ("contributions", "个人缴费情况"), ("performance-targets", "绩效目标", "区域绩效目标"),
                ("assessment-report", "绩效自评报告", "绩效评价报告"))


_DOC_NO = _c("doc_no", "text", "文号", "文件文号", "依据文号", "指标文号")
_OPTIONAL_REGION = _c("region", "text", "地区", "盟市", "统筹地区", "下达地区")

_table(TableSpec("documents", "资金文件表", (
    _c("doc_no", "text", "文号", "文件文号", "发文字号", required=True),
    _enum("level", LEVELS, "发文层级", "发文单位层级", required=True),
    _enum("purpose", PURPOSES, "用途", "下达类型", "资金用途", required=True),
    _OPTIONAL_REGION,  # empty: the document allocates to the whole jurisdiction
    _c("amount", "amount", "金额", "下达金额", "下达资金"),
    _c("issued_on", "date", "下达日期", "发文日期", "印发日期", required=True),
    _c("received_on", "date", "收到日期", "下级收到日期", "接收日期"),
    _c("parent_doc_no", "text", "上级文号", "上级文件文号", "依据上级文号"),
    _c("income_code", "text", "收入科目", "收入分类科目"),
    _c("expenditure_code", "text", "支出科目", "支出功能分类科目"),
    _c("cc", "text", "抄送", "抄送单位", "抄送机关"),  # 抄送: who received a copy (CC001)
    _c("direct_tag", "text", "直达资金标识", "直达资金标志", "资金标识"),  # 004 三 (DF001, DF002)
), key=None, has_total=False, description="每个资金文件、每个下达地区一行"))

_table(TableSpec("payments", "资金支付凭证表", (
    _c("voucher_no", "text", "凭证号", "支付凭证号"),
    REGION,
    _c("paid_on", "date", "支付日期", "拨付日期", "到账日期", required=True),
    _c("amount", "amount", "金额", "支付金额", "拨付金额", required=True),
    _enum("source_level", LEVELS, "付款层级", "付款单位层级", "资金来源层级", required=True),
    _c("payee_account", "text", "收款账户", "收款账户名称", required=True),
    _DOC_NO,
    _enum("purpose", PAYMENT_PURPOSES, "用途", "资金用途"),
    _c("direct_tag", "text", "直达资金标识", "直达资金标志", "资金标识"),  # 004 三 (DF001, DF002)
), key=None, has_total=False, description="每张支付凭证一行；收款账户名称含“财政专户”的为基金财政专户"))

_table(TableSpec("filings", "材料报送表", (
    _c("region", "text", "地区", "盟市", "报送单位"),  # empty: the jurisdiction's own filing
    _enum("item", FILING_ITEMS, "报送事项", "事项", required=True),
    _c("submitted_on", "date", "报送日期", "报送时间", required=True),
    _c("doc_no", "text", "文号", "请示文号"),
    _c("cc", "text", "抄送", "抄送单位", "抄送机关"),  # 抄送: who received a copy (CC001)
), key=None, has_total=False, description="每次报送一行"))

# --- individual contributions (issue 19; 000 第十六条, 附件3、5) ---
_table(TableSpec("individual_contributions", "居民个人缴费情况表", (
    REGION,
    _c("standard", "per_head", "个人缴费标准", "居民个人缴费标准", "缴费标准", required=True),
    _c("enrolled", "count", "参保人数", "参保总人数"),
    _c("assisted", "count", "资助参保人数", "医疗救助资助参保人数", "资助人数"),
    _c("payers", "count", "个人缴费人数", "缴费人数", "实际缴费人数"),
    _c("collected", "amount", "个人缴费收入", "个人缴费金额", "实际征收金额", "个人实际缴费金额", required=True),
), description="每个统筹地区一行：个人缴费标准（元/人/年）、缴费人数（资助参保人员另列）和实际征收的个人缴费"))

_table(TableSpec("reward", "奖励补助资金分配表", (
    REGION,
    REGION_CODE,
    _c("weight", "count", "经审核参保人数", "参保人权重", "权重"),
    _c("allocated", "amount", "奖励补助资金", "分配奖励补助资金", "分配资金", required=True),
), description="每个统筹地区一行，可含合计行；奖励补助资金总额见清单 [funds] reward"))

_table(TableSpec("students", "区直院校学生参保补助表", (
    _c("institution", "text", "院校名称", "高校名称", "学校名称", required=True),
    _c("region", "text", "所在地区", "所在盟市", "地区", required=True),
    _c("students", "count", "经审核参保学生人数", "参保学生人数", "学生人数", required=True),
    _c("amount", "amount", "自治区补助资金", "补助资金", "申报补助资金", required=True),
), key="institution", has_total=False, description="每所自治区直属院校一行"))


def word(table: str, column: str, canonical: str) -> str:
    """The word findings use for a canonical value: word('risk_pool', 'scheme', 'employee') == '职工'."""
    return TABLES[table].column(column).word(canonical)


# --- the monthly fund-use feedback form (issue 18; 004 五、附件3) ---
# The printed form has one 县市（单位）名称 line above the table and no month or filing date:
# those come from lines above the table (月份：, 报送日期：) or from columns a stacked sheet adds.
# Read by auditkit.feedback (one form per sheet, or forms stacked with a 合计 row each).
_table(TableSpec("feedback", "财政资金使用跟踪反馈表", (
    _c("region", "text", "县市（单位）名称", "县市(单位)名称", "县市名称", "单位名称", "地区"),
    _c("month", "text", "月份", "反馈月份", "所属月份"),
    _c("filed_on", "date", "报送日期", "填报日期", "反馈日期"),
    _c("fund_name", "text", "收到的财政专项资金名称", "财政专项资金名称", "资金名称", required=True),
    _c("doc_no", "text", "文号", "指标文号"),
    _c("amount", "amount", "资金金额", required=True),
    _c("spent", "amount", "实际支出金额", "支出金额", required=True),
    _c("direction", "text", "资金支出方向", "支出方向"),
    _c("unspent", "amount", "未支出金额"),
    _c("progress", "share", "实际支出进度", "支出进度"),
    _c("behind", "amount", "未按计划或预算执行要求支出的", "未按计划支出金额"),
    _c("measures", "text", "整改措施及整改时间", "整改措施"),
), key=None, has_total=False, description="每张反馈表一个工作表（表上方写明县市（单位）名称、月份、报送日期），或多张表上下排列、各带合计行并加列地区、月份、报送日期"))
