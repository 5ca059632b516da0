"""The activity ledger's rules: categories, statuses and who moves them, ledger numbers, and the
parsing and checking of one imported row. No I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.datetime import from_excel

from incubator.core.i18n import N_, _, text
from incubator.core.roles import ADMIN, APPLICANT, COMMUNITY, STAFF

CATEGORIES = (
    ("case", N_("个案")),
    ("group", N_("小组")),
    ("community", N_("社区活动")),
    ("training", N_("培训")),
    ("volunteer", N_("志愿服务")),
    ("party", N_("党建")),
    ("co_building", N_("共建活动")),
    ("culture_sports", N_("文体活动")),
    ("neighbourhood", N_("邻里守望")),
    ("moral_forum", N_("道德讲堂")),
    ("performance", N_("大型演出")),
    ("sports_match", N_("体育比赛")),
    ("other", N_("其他")),
)
SERVED_GROUPS = (
    ("elderly", N_("老人")),
    ("children", N_("儿童")),
    ("youth", N_("青少年")),
    ("disabled", N_("残障人士")),
    ("women", N_("妇女")),
    ("low_income", N_("困难家庭")),
    ("migrants", N_("外来人员")),
    ("residents", N_("社区居民")),
)
STATUSES = (
    ("draft", N_("草稿")),
    ("submitted", N_("已提交")),
    ("verified", N_("已核实")),
    ("returned", N_("退回")),
)
STAFF_ROLES = frozenset({ADMIN, STAFF})
# Who may record activities: organizations their own, communities theirs, the center any.
RECORDER_ROLES = frozenset({ADMIN, STAFF, COMMUNITY, APPLICANT})
EDITABLE = ("draft", "returned")


@dataclass(frozen=True)
class Move:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False


MOVES = (
    Move("submit", N_("提交核实"), EDITABLE, "submitted", RECORDER_ROLES),
    Move("verify", N_("核实通过"), ("submitted",), "verified", STAFF_ROLES),
    Move("return", N_("退回填报人"), ("submitted", "verified"), "returned", STAFF_ROLES, True),
)
MOVE_BY_CODE = {m.code: m for m in MOVES}


def move_error(status: str, code: str, role: str, reason: str = "") -> str | None:
    move = MOVE_BY_CODE.get(code)
    if move is None:
        return _("未知的操作")
    if role not in move.roles:
        return _("您的角色不能执行“{action}”").format(action=text(move.label))
    if status not in move.sources:
        return _("“{action}”不适用于{status}的记录").format(
            action=text(move.label), status=text(label(STATUSES, status))
        )
    if move.needs_reason and not reason.strip():
        return _("请填写退回理由")
    return None


def label(choices: tuple[tuple[str, str], ...], code: str | None) -> str:
    return dict(choices).get(code or "", code or "")


def label_text(choices: tuple[tuple[str, str], ...], code: str | None) -> str:
    """The label of a code for display (an unknown code is shown as it is, as data)."""
    return text(label(choices, code))


def ledger_prefix(street_code: str, community_code: str | None, year: int) -> str:
    """街道-社区-年份: community codes already start with the street's (LHT-01)."""
    if community_code:
        return f"{community_code}-{year}"
    return f"{street_code}-00-{year}"


def ledger_number(prefix: str, seq: int) -> str:
    return f"{prefix}-{seq:04d}"


# --- parsing one row of an import --------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def parse_date(value: Any) -> dt.date | None:
    """A date as people type it in a sheet: a date cell, 2017-06-30, 2017/6/30, 2017.6.30,
    2017年6月30日, 20170630, or an Excel serial number. None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # Excel serial days (1900 date system): 1954 to 2119
            return from_excel(value).date()
        value = str(int(value)) if float(value).is_integer() else str(value)
    if not isinstance(value, str):
        return None
    text = value.strip().split(" ")[0]
    for pattern in _DATE_PATTERNS:
        if match := pattern.match(text):
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def parse_time(value: Any) -> dt.time | None | str:
    """HH:MM from a time cell or text; '' when blank; None when unreadable."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = re.match(r"^(\d{1,2})[:：](\d{2})$", str(value).strip())
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return dt.time(int(match.group(1)), int(match.group(2)))
    return None


def parse_count(value: Any) -> int | None:
    """A whole number of people; blank is 0; None when unreadable or negative."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = str(value).strip().replace(",", "")
    return int(text) if text.isdigit() else None


def parse_decimal(value: Any, places: int) -> Decimal | None:
    if value is None or value == "":
        return Decimal(0)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return number.quantize(Decimal(1).scaleb(-places)) if places >= 0 else number


def choice_code(choices: tuple[tuple[str, str], ...], value: Any) -> str | None:
    """The code of a choice given by its Chinese label or its code."""
    text = str(value or "").strip()
    for code, name in choices:
        if text in (code, name):
            return code
    return None


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    help: str
    required: bool = False


# The import template's columns, in order: its first row is the header, its second the help.
def import_header(key: str) -> str:
    return text(next(c.header for c in IMPORT_COLUMNS if c.key == key))


IMPORT_COLUMNS = (
    Column("title", N_("活动名称"), N_("必填，最多 200 字"), True),
    Column("held_on", N_("活动日期"), N_("必填，如 2017-06-30、2017/6/30 或 2017年6月30日"), True),
    Column("start_time", N_("开始时间"), N_("可选，如 09:00")),
    Column("end_time", N_("结束时间"), N_("可选，如 11:30")),
    Column(
        "category",
        N_("活动类别"),
        N_("必填：个案、小组、社区活动、培训、志愿服务、党建、共建活动、文体活动等"),
        True,
    ),
    Column("organization", N_("主办社会组织"), N_("社会组织全称；与社区至少填一项")),
    Column("community", N_("社区"), N_("社区名称，如 祥龙社区")),
    Column("project", N_("所属项目"), N_("可选")),
    Column("place", N_("活动地点"), N_("必填"), True),
    Column("partner_unit", N_("合作驻地单位"), N_("可选")),
    Column("served_groups", N_("服务对象"), N_("可多项，用顿号或逗号分隔：老人、儿童、残障人士等")),
    Column("hours", N_("服务时长（小时）"), N_("可带 1 位小数")),
    Column("participants", N_("参与人次"), N_("整数")),
    Column("beneficiaries", N_("受益人次"), N_("整数")),
    Column("volunteers", N_("志愿者人数"), N_("整数")),
    Column("budget", N_("预算（元）"), N_("可带 2 位小数")),
    Column("spending", N_("实际支出（元）"), N_("可带 2 位小数")),
    Column("satisfaction", N_("满意度（0–100）"), N_("0 到 100 的整数，可空")),
    Column("content", N_("活动内容"), N_("活动简要情况")),
    Column("news_link", N_("新闻报道链接"), N_("以 http:// 或 https:// 开头，可空")),
)


def row_fingerprint(row: Mapping[str, Any]) -> str:
    """Identifies one activity across imports: the same row imported twice is one activity."""
    parts = [
        str(row.get(k) or "")
        for k in ("organization_id", "community_id", "held_on", "start_time", "title", "place")
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def clean_row(
    raw: Mapping[str, Any], lookups: Mapping[str, Mapping[str, int]]
) -> tuple[dict[str, Any], list[str]]:
    """One imported row: the values to store and the list of what is wrong (in Chinese).

    `lookups` maps organization and community names to ids, so rows name them in plain words.
    """
    errors: list[str] = []
    values: dict[str, Any] = {}

    for column in IMPORT_COLUMNS:
        value = raw.get(column.key)
        if column.required and (value is None or str(value).strip() == ""):
            errors.append(_("“{column}”不能为空").format(column=import_header(column.key)))
    for key, limit in (
        ("title", 200),
        ("place", 200),
        ("project", 200),
        ("partner_unit", 200),
        ("content", 5000),
    ):
        cell = str(raw.get(key) or "").strip()
        if len(cell) > limit:
            errors.append(_("“{column}”最多 {n} 个字").format(column=import_header(key), n=limit))
        values[key] = cell
    held_on = parse_date(raw.get("held_on"))
    if raw.get("held_on") not in (None, "") and held_on is None:
        errors.append(_("“{column}”不是有效日期").format(column=import_header("held_on")))
    values["held_on"] = held_on
    for key in ("start_time", "end_time"):
        parsed = parse_time(raw.get(key))
        if parsed is None:
            errors.append(_("“{column}”不是有效时间（如 09:00）").format(column=import_header(key)))
        values[key] = parsed or None
    if values["start_time"] and values["end_time"] and values["end_time"] < values["start_time"]:
        errors.append(_("结束时间早于开始时间"))
    if raw.get("category") not in (None, ""):
        values["category"] = choice_code(CATEGORIES, raw.get("category"))
        if values["category"] is None:
            errors.append(_("未知的活动类别“{value}”").format(value=raw.get("category")))
    groups = []
    for part in re.split(r"[、,，;；\s]+", str(raw.get("served_groups") or "").strip()):
        if not part:
            continue
        code = choice_code(SERVED_GROUPS, part)
        if code is None:
            errors.append(_("未知的服务对象“{value}”").format(value=part))
        elif code not in groups:
            groups.append(code)
    values["served_groups"] = ",".join(groups)
    for key in ("participants", "beneficiaries", "volunteers"):
        count = parse_count(raw.get(key))
        if count is None or count > 1_000_000:
            errors.append(_("“{column}”必须是非负整数").format(column=import_header(key)))
        values[key] = count or 0
    for key, places in (("hours", 1), ("budget", 2), ("spending", 2)):
        number = parse_decimal(raw.get(key), places)
        if number is None or number > Decimal("100000000"):
            errors.append(_("“{column}”必须是非负数字").format(column=import_header(key)))
        values[key] = number or Decimal(0)
    satisfaction = raw.get("satisfaction")
    if satisfaction in (None, ""):
        values["satisfaction"] = None
    else:
        count = parse_count(satisfaction)
        if count is None or count > 100:
            errors.append(_("“满意度（0–100）”必须是 0 到 100 的整数"))
        values["satisfaction"] = count
    link = str(raw.get("news_link") or "").strip()
    if link and not re.match(r"^https?://\S+$", link):
        errors.append(_("“新闻报道链接”必须以 http:// 或 https:// 开头"))
    values["news_link"] = link[:500]
    organization = str(raw.get("organization") or "").strip()
    community = str(raw.get("community") or "").strip()
    values["organization_id"] = lookups["organizations"].get(organization) if organization else None
    values["community_id"] = lookups["communities"].get(community) if community else None
    if organization and values["organization_id"] is None:
        errors.append(_("找不到社会组织“{name}”").format(name=organization))
    if community and values["community_id"] is None:
        errors.append(_("找不到社区“{name}”").format(name=community))
    if not organization and not community:
        errors.append(_("“主办社会组织”和“社区”至少填写一项"))
    return values, errors
