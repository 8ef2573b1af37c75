"""Every rulebook parameter declared once: its kind, its unit and what it means.

A rulebook (``auditkit/rulebooks/*.toml`` or a user's ``--rulebook`` file) holds values as people
write them: ``arrival_deduction_rate = 10`` for 10%, ``census_day = "06/30"`` or ``"6月30日"``.
``PARAMETERS`` says what each key is, and ``read`` turns a written value into the one typed form
a check reads, when the rulebook is loaded (``auditkit.rulebook.load_rulebook``), so no check
parses a string or guesses at a percentage:

=================  ===================================================  ==========================
kind               written                                              read as
=================  ===================================================  ==========================
``share``          0.1, 10, "10%" (a number above 1 is a percentage,     Decimal fraction 0.1
                   RULES.md "Shares")
``multiple``       3, "300%", 300 (a bare number of 10 or more is a      Decimal multiple 3
                   percentage: no base or cap is ten times its measure)
``amount``         640, "640元", "6.4万元"                                Decimal 元
``count``          12, "12人"                                           int
``days``           30, "30日", "30天"                                   int ≥ 1
``day_of_month``   10, "10日", "每月10日"                                int 1–31
``month_day``      "06-30", "6-30", "06/30", "6.30", "6月30日", "6月底"   MonthDay(6, 30)
``date``           2024-06-30 (TOML date), "2024/6/30", "2024年6月30日"   datetime.date
                   (``auditkit.dates.parse_date``)
``yes_no``         true/false, "是"/"否", 1/0                            bool
``choice``         one of the declared words (or a Chinese alias)       the canonical word
``code``           "2101202", 2101202                                   str of digits
``code_map``       { "150781" = "150700" }                              dict[str, str], 6 digits
=================  ===================================================  ==========================

A value that fits no reading of its kind is refused (``RulebookError``, exit 2) naming the file,
the key and the forms expected. This is what sqlfluff's ``config_info.py`` (one dict of every
key) and pointblank's ``Thresholds`` (normalise what a user writes, once) do.

A key with a placeholder stands for a family: ``standard.<year>`` is ``standard.2023`` and the
other years, ``regional_share.<region>`` one entry per region.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, NamedTuple

from auditkit.dates import parse_date


class MonthDay(NamedTuple):
    """A day that recurs each year: a filing deadline, the census day (6月30日)."""

    month: int
    day: int

    def in_year(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.month}月{self.day}日"


# --- readers: a written value -> the typed value, or None when it fits no reading -----------


def _text(value: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def _number(value: Any, suffixes: tuple[str, ...] = ()) -> tuple[Decimal, str] | None:
    """A written number and the suffix it carried ('10%' -> (10, '%')); None for anything else.
    A TOML boolean is not a number, though Python's bool is an int."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value), ""
    if isinstance(value, float):
        return (Decimal(repr(value)), "") if value == value and abs(value) != float("inf") else None
    if not isinstance(value, str):
        return None
    text = _text(value).replace(",", "")
    suffix = next((s for s in sorted(suffixes, key=len, reverse=True) if s and text.endswith(s)), "")
    digits = text[: len(text) - len(suffix)]
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", digits):
        return None
    try:
        return Decimal(digits), suffix
    except InvalidOperation:
        return None


def _plain(value: Decimal) -> Decimal:
    """640.0 -> 640: an integral figure reads as the integer people wrote."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def read_share(value: Any) -> Decimal | None:
    found = _number(value, ("%",))
    if found is None or found[0] < 0:
        return None
    number, suffix = found
    share = number / 100 if suffix or number > 1 else number
    return _plain(share) if share <= 1 else None


def read_multiple(value: Any) -> Decimal | None:
    found = _number(value, ("%", "倍"))
    if found is None or found[0] < 0:
        return None
    number, suffix = found
    return _plain(number / 100 if suffix == "%" or (suffix == "" and number >= 10) else number)


def read_amount(value: Any) -> Decimal | None:
    found = _number(value, ("元", "万元"))
    if found is None or found[0] < 0:
        return None
    number, suffix = found
    return _plain(number * 10000 if suffix == "万元" else number)


def _whole(value: Any, suffixes: tuple[str, ...], low: int, high: int | None = None) -> int | None:
    if isinstance(value, str):
        value = re.sub(r"^每月", "", _text(value))
    found = _number(value, suffixes)
    if found is None or found[0] != found[0].to_integral_value():
        return None
    number = int(found[0])
    return number if number >= low and (high is None or number <= high) else None


def read_count(value: Any) -> int | None:
    return _whole(value, ("人", "个", "户"), 0)


def read_days(value: Any) -> int | None:
    return _whole(value, ("日", "天"), 1)


def read_day_of_month(value: Any) -> int | None:
    return _whole(value, ("日", "号"), 1, 31)


_MONTH_DAY = re.compile(r"(\d{1,2})[-/.月](\d{1,2})[日号]?")
_MONTH_END = re.compile(r"(\d{1,2})月(?:底|末|末日)")


def read_month_day(value: Any) -> MonthDay | None:
    """'06-30', '6-30', '06/30', '6.30', '6月30日', '6月底' -> MonthDay(6, 30). 2月29日 is refused
    (not every year has it), and so is a full date: a yearly day has no year."""
    if not isinstance(value, str):
        return None
    text = _text(value)
    if match := _MONTH_END.fullmatch(text):
        month = int(match.group(1))
        if not 1 <= month <= 12 or month == 2:  # February's last day depends on the year
            return None
        return MonthDay(month, calendar.monthrange(2001, month)[1])
    match = _MONTH_DAY.fullmatch(text)
    if match is None:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    try:
        dt.date(2001, month, day)  # a common year: 2月29日 is not a day of every year
    except ValueError:
        return None
    return MonthDay(month, day)


def read_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else None
    if isinstance(value, dt.date):
        return value
    return parse_date(value) if isinstance(value, str) else None


_YES = {"true", "yes", "y", "是", "开", "启用", "1"}
_NO = {"false", "no", "n", "否", "关", "停用", "0"}


def read_yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = _text(value).lower()
        return True if text in _YES else False if text in _NO else None
    return None


def read_code(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"\d+", _text(value)):
        return _text(value)
    return None


def read_code_map(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    out = {}
    for key, target in value.items():
        key, target = read_code(key), read_code(target)
        if key is None or target is None or len(key) != 6 or len(target) != 6:
            return None
        out[key] = target
    return out


@dataclass(frozen=True)
class Kind:
    name: str
    label: str  # Chinese, in messages
    forms: str  # Chinese: the forms a value may be written in, for the message that refuses one
    read: Callable[[Any], Any]


KINDS = {kind.name: kind for kind in (
    Kind("share", "比例", "0至1之间的小数（如 0.1）或百分数（如 10 或 \"10%\"，大于1的数按百分数理解）", read_share),
    Kind("multiple", "倍数", "倍数（如 3 或 0.8）或百分数（如 \"300%\"；不带%且不小于10的数按百分数理解）", read_multiple),
    Kind("amount", "金额", "非负金额（元），如 640 或 \"640元\"", read_amount),
    Kind("count", "人数或个数", "非负整数，如 12", read_count),
    Kind("days", "天数", "正整数天数，如 30 或 \"30日\"", read_days),
    Kind("day_of_month", "每月的日", "1至31之间的整数，如 10 或 \"10日\"", read_day_of_month),
    Kind("month_day", "月日", "不带年份的月日，如 \"06-30\"、\"6/30\"、\"6月30日\"（2月29日不可用）", read_month_day),
    Kind("date", "日期", "日期，如 2024-06-30 或 \"2024年6月30日\"", read_date),
    Kind("yes_no", "是否", "true 或 false（也可写“是”“否”）", read_yes_no),
    Kind("choice", "选项", "所列选项之一", lambda value: None),  # read by ParamSpec.read
    Kind("code", "编码", "由数字组成的编码，如 \"2101202\"", read_code),
    Kind("code_map", "代码对照表", "以6位区划代码为键和值的表，如 { \"150781\" = \"150700\" }", read_code_map),
)}


@dataclass(frozen=True)
class ParamSpec:
    """One parameter (or a family of them, ``standard.<year>``): kind, unit and meaning.

    ``label`` is the Chinese name messages use; ``doc`` the English developer documentation.
    ``choices`` (kind ``choice``): groups of accepted words, the first of each canonical."""

    key: str
    kind: str
    label: str
    doc: str
    unit: str = ""
    choices: tuple[tuple[str, ...], ...] = ()

    def read(self, value: Any) -> Any:
        """The typed value, or None when the written one fits no reading of this kind."""
        if self.kind == "choice":
            text = _text(value).lower() if isinstance(value, str) else None
            return next((group[0] for group in self.choices if text in group), None)
        return KINDS[self.kind].read(value)

    def expected(self) -> str:
        if self.kind == "choice":
            return "、".join(f"\"{group[0]}\"" + (f"（{'、'.join(group[1:])}）" if group[1:] else "")
                            for group in self.choices) + "之一"
        return KINDS[self.kind].forms


def _p(key, kind, label, doc, unit="", choices=()):
    return ParamSpec(key, kind, label, doc, unit, choices)


PARAMETERS: dict[str, ParamSpec] = {spec.key: spec for spec in (
    # resident subsidy (内财社〔2025〕357号 and the annual national notices)
    _p("standard.<year>", "amount", "国家公布的年度政府补助标准", "National per-head government subsidy of the year.", "元/人/年"),
    _p("contribution.<year>", "amount", "个人缴费最低标准", "Minimum individual contribution of the year.", "元/人/年"),
    _p("central_share", "share", "中央财政分担比例", "The central government's share c of the standard (第五条)."),
    _p("central_share_tier.<tier>", "share", "中央财政分担比例（分档）", "Central share by tier, 国办发〔2018〕67号 (tiers 1–5)."),
    _p("regional_share.<region>", "share", "自治区分担比例", "The region's share r for one 盟市 in a regional-funds settlement."),
    _p("arrival_deduction_rate", "share", "地方财政补助资金不到位扣减比例", "AR002: the part of the shortfall's subsidy deducted (第十条)."),
    _p("over_report_deduction_rate", "share", "多报虚报参保人数扣减比例", "The additional deduction on over-reported persons (第十条)."),
    _p("regional_passes_arrival_deduction", "yes_no", "自治区是否向盟市落实不到位扣减",
       "Whether a regional-funds settlement passes the arrival deduction on to the 盟市 (第十条)."),
    # deadlines (RULES.md, "How a deadline is computed")
    _p("deadline.budget_issue_days", "days", "收到上级资金后分解下达的期限", "Days to pass money down after receipt (DL001).", "日"),
    _p("deadline.money_in_special_account", "month_day", "资金拨付至财政专户的年末期限", "Year-end cut-off for money in the 财政专户 (DL002, AR001)."),
    _p("deadline.prefecture_request", "month_day", "盟市结算请示报送期限", "DL003."),
    _p("deadline.region_request", "month_day", "自治区结算请示报送期限", "DL004."),
    _p("deadline.initial_review", "month_day", "初审意见报送期限", "DL005."),
    _p("deadline.enrollment_annexes", "month_day", "参保人数等附件报送期限", "DL006."),
    _p("deadline.central_preallocation", "month_day", "中央预拨资金期限", "The central preallocation date (第十条)."),
    _p("deadline.regional_settlement", "month_day", "自治区结算期限", "The regional settlement date (第十条)."),
    _p("deadline.period_starts_next_day", "yes_no", "期间是否自次日起算", "民法典 第二百零一条."),
    _p("deadline.roll_to_working_day", "yes_no", "期限末日遇节假日是否顺延", "民法典 第二百零三条."),
    _p("deadline.year_end_rolls", "yes_no", "年末期限是否顺延", "Whether Dec 31 moves past a day off (it does not: 预算法 第十八条)."),
    _p("deadline.assistance_budget_days", "days", "医疗救助预算正式下达期限", "Days after the congress approves the budget (DL008).", "日"),
    _p("deadline.pooling_upload_day", "day_of_month", "医保基金每月上划期限", "Uploads are due by this day of the next month (DL009).", "日"),
    # enrollment
    _p("review.material_request", "yes_no", "审核所需材料清单", "MT001: the jurisdiction's rules name the material a review needs (000 第十五、十六条)."),
    _p("review.copies_to_supervisor", "yes_no", "文件抄送监管局", "CC001: the jurisdiction's rules require copies to the 监管局 (000 第九、十四、十五条; 001 第七、九条)."),
    _p("direct_funds.tag", "code", "直达资金标识代码", "DF001, DF002: the code of the direct-fund tag (004 三: 01 自治区直达资金)."),
    _p("feedback.monthly", "yes_no", "按月报送财政资金使用跟踪反馈表", "UF001-UF003: the jurisdiction asks a monthly feedback form (004 五、附件3)."),
    _p("prior_year.enrollment_gap", "share", "参保人数变动幅度提示阈值",
       "YY001: a region's change in verified enrollment against last year that differs from the "
       "median change of the regions by more than this share is noted."),
    _p("enrollment.census_day", "month_day", "参保人数统计时点", "The day the enrolled count is taken (6月底)."),
    _p("enrollment.duplicate_keep", "choice", "重复参保记录的处理", "Which of a person's records in two 盟市 is kept (第十七条).",
       choices=(("earliest", "最早", "保留最早", "保留参保日期最早的"), ("none", "全部剔除", "均不计入", "不保留"))),
    _p("enrollment.exclude_enrolled_after_census", "yes_no", "6月30日后参保的记录是否剔除",
       "EN010: a roster record enrolled after the census day is not in the June-30 count (第十条)."),
    _p("enrollment.settlement_region_exceptions", "code_map", "旗县结算地区例外",
       "County code -> settlement region code, where the first four digits + 00 do not apply."),
    # medical assistance (内蒙古自治区医疗救助补助资金管理办法 第六条、第七条)
    _p("assistance.urban_rural.need_weight", "share", "城乡医疗救助需求因素权重", "第六条."),
    _p("assistance.urban_rural.performance_weight", "share", "城乡医疗救助绩效因素权重", "第六条."),
    _p("assistance.emergency.need_weight", "share", "疾病应急救助需求因素权重", "第六条."),
    _p("assistance.emergency.performance_weight", "share", "疾病应急救助绩效因素权重", "第六条."),
    _p("assistance.emergency.population_weight", "share", "疾病应急救助人口因素权重", "第六条."),
    _p("assistance.emergency.incidence_weight", "share", "疾病应急救助发病率因素权重", "第六条."),
    _p("assistance.advance_ratio", "share", "提前下达资金不低于上年执行数的比例", "DL007 (第七条)."),
    # league pooling (阿署办发〔2020〕30号)
    _p("pooling.risk_pool_rate", "share", "共济金提取比例", "Share of the year's income put into the risk pool (PL001)."),
    _p("pooling.risk_pool_cap", "multiple", "共济金滚存结余上限（相当于当年基金收入的倍数）",
       "Extraction stops once the balance reaches this multiple of the year's income (PL001)."),
    # contributions (自治区级统筹实施意见，征求意见稿)
    _p("contributions.base_floor", "multiple", "缴费基数下限（相当于全区平均工资的倍数）", "CT001."),
    _p("contributions.base_ceiling", "multiple", "缴费基数上限（相当于全区平均工资的倍数）", "CT001: 300% is 3."),
    _p("contributions.flexible_base", "multiple", "灵活就业人员缴费基数（相当于全区平均工资的倍数）", "CT001."),
    _p("contributions.unemployed_base", "multiple", "领取失业保险金人员缴费基数（相当于全区平均工资的倍数）", "CT001."),
    _p("contributions.employer_rate_min", "share", "用人单位缴费费率下限", "CT002."),
    _p("contributions.employee_rate", "share", "职工个人缴费费率", "CT002."),
    _p("contributions.critical_illness_min", "share", "大病保险筹资占居民医保基金比例下限", "CT003."),
    _p("contributions.collection_start", "month_day", "居民医保集中征缴开始日", "CT004 (of the year before)."),
    _p("contributions.collection_end", "month_day", "居民医保集中征缴结束日", "CT004 (of the year before)."),
    # budget classification, reports
    _p("classification.income_code", "code", "收入分类科目编码", "政府收支分类科目 of the transfer income."),
    _p("classification.expenditure_code", "code", "支出功能分类科目编码", "政府收支分类科目 of the subsidy expenditure."),
    _p("report.rectification_days", "days", "审核意见的整改期限", "Days from the review's date.", "日"),
)}

# Weights of one formula add up to 100% (第六条): a rulebook that changes one must change the other.
WHOLES = (
    ("assistance.urban_rural.need_weight", "assistance.urban_rural.performance_weight"),
    ("assistance.emergency.need_weight", "assistance.emergency.performance_weight"),
    ("assistance.emergency.population_weight", "assistance.emergency.incidence_weight"),
)

# Top-level tables of a rulebook that are not parameters.
STRUCTURE = ("rulebook", "regions", "areas", "documents", "citations")  # areas: auditkit/areas.py (issue 13); documents, citations: issue 17

_PLACEHOLDERS = {
    "<year>": r"(?:19|20)\d\d",
    "<tier>": r"[1-5]",
    "<region>": r"[^.]+",
}


def _pattern(key: str) -> re.Pattern:
    parts = [_PLACEHOLDERS.get(part, re.escape(part)) for part in key.split(".")]
    return re.compile(r"\.".join(parts))


_PATTERNS = [(_pattern(key), spec) for key, spec in PARAMETERS.items()]


def spec_of(name: str) -> ParamSpec | None:
    """The declaration of a dotted parameter name ('standard.2023' -> standard.<year>), or None."""
    return next((spec for pattern, spec in _PATTERNS if pattern.fullmatch(name)), None)


def shown(name: str, year: int | None = None) -> str:
    """A parameter as a reader is told of it: '“地方财政补助资金不到位扣减比例”（arrival_deduction_rate）',
    '2026年“国家公布的年度政府补助标准”（standard.2026）' — its Chinese name first, the key a
    rulebook's author writes in brackets."""
    key = name if year is None else f"{name}.{year}"
    spec = spec_of(key)
    label = f"“{spec.label}”（{key}）" if spec is not None else key
    return f"{year}年{label}" if year is not None else label


def is_prefix(name: str) -> bool:
    """Whether some declared parameter lies below ``name`` ('deadline', 'assistance.emergency')."""
    depth = name.count(".") + 1
    return any(_pattern(".".join(key.split(".")[:depth])).fullmatch(name)
               for key in PARAMETERS if key.count(".") >= depth)


def markdown() -> str:
    """docs/parameters.md: every parameter with its kind, unit and meaning (generated; a test
    keeps the file current)."""
    lines = ["# Rulebook parameters", "",
             "Generated from `auditkit/parameters.py`: `python -c \"from auditkit.parameters import markdown; "
             "print(markdown(), end='')\" > docs/parameters.md`.",
             "A value that fits no reading of its kind is refused when the rulebook is loaded.", "",
             "## Kinds", "", "| kind | 名称 | written as |", "|---|---|---|"]
    lines += [f"| `{k.name}` | {k.label} | {k.forms} |" for k in KINDS.values() if k.name != "choice"]
    lines += ["| `choice` | 选项 | one of the words listed with the parameter |", "",
              "## Parameters", "", "| key | kind | unit | 名称 | meaning |", "|---|---|---|---|---|"]
    for spec in PARAMETERS.values():
        kind = f"`{spec.kind}`" + (f": {spec.expected()}" if spec.kind == "choice" else "")
        lines.append(f"| `{spec.key}` | {kind} | {spec.unit} | {spec.label} | {spec.doc} |")
    return "\n".join(lines) + "\n"
