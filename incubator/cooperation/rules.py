"""政社互动 without I/O: the agreement's two item lists, signing in the first half-year (G1), the
two-way evaluation by half-year (G2), funding and pilot units, and the sheets 协议书 and 双向评估
of the year workbook.

The plan: the street and each community sign the 《基层群众自治组织协助政府工作协议书》 in the
first half of the year, which separates what the residents' committee does by law (依法履行职责事项)
from what it does to assist the government (依法协助政府工作事项); the two sides evaluate each other
(双向评估) periodically; the community's working funds are guaranteed; 玲珑社区 is the pilot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from incubator.core.i18n import N_, _
from incubator.regions.rules import community_code_error
from incubator.sheets.rules import COUNT, DATE, DECIMAL, Column, Sheet, hashed_key

AGREEMENT_TITLE = N_("基层群众自治组织协助政府工作协议书")
STREET_PARTY = N_("龙虎塘街道办事处")
LISTS = (
    ("duties", N_("依法履行职责事项")),
    ("assists", N_("依法协助政府工作事项")),
)
# A new year's street-level template starts from these (staff edit them per year).
DEFAULT_DUTIES = (
    "宣传宪法、法律、法规和国家政策，教育居民依法履行应尽的义务",
    "办理本居住地区居民的公共事务和公益事业",
    "调解民间纠纷，促进邻里和睦",
    "组织居民开展社区自治和民主协商活动",
    "向街道反映居民的意见、要求和提出建议",
    "管理居民委员会的财产和社区公共服务设施",
)
DEFAULT_ASSISTS = (
    "协助做好社会保障和社会救助相关工作",
    "协助做好社区卫生、计划生育和健康服务",
    "协助做好社会治安综合治理和安全生产",
    "协助做好城市长效管理和环境卫生",
    "协助做好民政、残疾人、老龄工作",
    "协助做好统计调查和人口信息采集",
)
MAX_ITEMS = 60
MAX_ITEM_LENGTH = 300


def item_list(raw: str) -> list[str]:
    """One item per line, numbering people type at the start dropped, blank lines skipped."""
    items = []
    for line in raw.splitlines():
        item = line.strip().lstrip("0123456789.、)） ").strip()
        if item:
            items.append(item)
    return items


def item_list_errors(label: str, raw: str) -> list[str]:
    items = item_list(raw)
    errors = []
    if not items:
        errors.append(_("请至少填写一项{label}").format(label=label))
    if len(items) > MAX_ITEMS:
        errors.append(_("{label}最多 {n} 项").format(label=label, n=MAX_ITEMS))
    if any(len(item) > MAX_ITEM_LENGTH for item in items):
        errors.append(_("{label}每项最多 {n} 个字").format(label=label, n=MAX_ITEM_LENGTH))
    return errors


def signed_in_h1(signed_on: dt.date | None, year: int, as_of: dt.date) -> bool:
    """G1 for one community: signed on or before 30 June of the year, and by the as-of date."""
    return signed_on is not None and signed_on <= min(dt.date(year, 6, 30), as_of)


def signing_error(signed_on: dt.date, year: int, today: dt.date) -> str | None:
    if signed_on > today:
        return _("签订日期不能晚于今天")
    if signed_on.year != year:
        return _("签订日期应在协议年度 {year} 年内").format(year=year)
    return None


# --- the two-way evaluation by half-year -----------------------------------------------------

H1, H2 = 1, 2


def half_of(day: dt.date) -> int:
    return H1 if day.month <= 6 else H2


def half_end(year: int, half: int) -> dt.date:
    return dt.date(year, 6, 30) if half == H1 else dt.date(year, 12, 31)


def ended_halves(year: int, as_of: dt.date) -> list[int]:
    """The half-years of the year that have ended by the as-of date (H1 on 30 June)."""
    return [h for h in (H1, H2) if half_end(year, h) <= as_of]


def evaluation_done(street_score: Any, community_score: Any) -> bool:
    """A two-way evaluation counts when both directions are scored."""
    return street_score is not None and community_score is not None


def g2_counts(done_dates: Iterable[dt.date], year: int, as_of: dt.date) -> tuple[int, int]:
    """(half-years with a done evaluation, half-years ended), from the done evaluations' dates:
    those dated in the year, on or before the as-of date."""
    ended = ended_halves(year, as_of)
    covered = {half_of(d) for d in done_dates if d.year == year and d <= as_of}
    return len(covered & set(ended)), len(ended)


def score_error(value: Decimal | None) -> str | None:
    if value is not None and not Decimal(0) <= value <= Decimal(1000):
        return _("得分应在 0 到 1000 之间")
    return None


# --- funding and pilot units ------------------------------------------------------------------

# The plan's work areas, for marking a community the pilot (亮点单位 / 试点单位) of one.
AREAS = (
    ("facilities", N_("社区阵地建设")),
    ("cooperation", N_("政社互动")),
    ("grids", N_("网格化服务")),
    ("citymgmt", N_("城市长效管理")),
    ("residents", N_("居民服务")),
    ("infoplatform", N_("社区信息化平台")),
    ("organizations", N_("社会组织发展")),
    ("socialworkers", N_("社工队伍建设")),
)


# --- the sheets of the year workbook ----------------------------------------------------------


def agreement_key(values: Mapping[str, Any]) -> str:
    return hashed_key(values["community_code"], values["year"])


def check_agreement_row(values: dict[str, Any], lookups: Mapping[str, Any]) -> list[str]:
    errors = community_code_error(values, lookups)
    year, signed = values.get("year"), values.get("signed_on")
    if year is not None and not 2000 <= year <= 2100:
        errors.append(_("年度应在 2000 到 2100 之间"))
    elif year and signed and (problem := signing_error(signed, year, lookups["today"])):
        errors.append(problem)
    return errors


AGREEMENT_SHEET = Sheet(
    name="cooperation_agreements",
    title=N_("协议书"),
    key=agreement_key,
    check=check_agreement_row,
    columns=(
        Column("community_code", N_("社区代码"), N_("必填，如 LHT-01"), True, max_length=20),
        Column("year", N_("年度"), N_("必填，如 2017"), True, kind=COUNT, maximum=2100),
        Column("signed_on", N_("签订日期"), N_("必填，日期"), True, kind=DATE),
    ),
)


def evaluation_key(values: Mapping[str, Any]) -> str:
    return hashed_key(values["community_code"], values["evaluated_on"])


def check_evaluation_row(values: dict[str, Any], lookups: Mapping[str, Any]) -> list[str]:
    errors = community_code_error(values, lookups)
    day = values.get("evaluated_on")
    if day is not None and day > lookups["today"]:
        errors.append(_("评估日期不能晚于今天"))
    for key in ("street_score", "community_score"):
        if problem := score_error(values.get(key)):
            errors.append(problem)
    return errors


EVALUATION_SHEET = Sheet(
    name="two_way_evaluations",
    title=N_("双向评估"),
    key=evaluation_key,
    check=check_evaluation_row,
    columns=(
        Column("community_code", N_("社区代码"), N_("必填，如 LHT-01"), True, max_length=20),
        Column("evaluated_on", N_("评估日期"), N_("必填，日期"), True, kind=DATE),
        Column(
            "street_score",
            N_("街道评社区得分"),
            N_("数字；两项得分都填写才算完成一次双向评估"),
            kind=DECIMAL,
            places=2,
            nullable=True,
        ),
        Column(
            "community_score",
            N_("社区评街道得分"),
            N_("数字；两项得分都填写才算完成一次双向评估"),
            kind=DECIMAL,
            places=2,
            nullable=True,
        ),
    ),
)
