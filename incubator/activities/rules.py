"""The activity ledger's rules: categories, statuses and who moves them, ledger numbers, and the
parsing and checking of one imported row. No I/O."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from incubator.core.i18n import N_, _, text
from incubator.core.roles import ADMIN, APPLICANT, COMMUNITY, STAFF
from incubator.sheets.rules import (
    CHOICE,
    CHOICES,
    COUNT,
    DATE,
    DECIMAL,
    TIME,
    Column,
    Sheet,
    hashed_key,
)

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


# --- the import sheet -------------------------------------------------------------------------


def row_fingerprint(row: Mapping[str, Any]) -> str:
    """Identifies one activity across imports: the same row imported twice is one activity."""
    return hashed_key(
        *(
            row.get(k)
            for k in ("organization_id", "community_id", "held_on", "start_time", "title", "place")
        )
    )


def check_import_row(values: dict[str, Any], lookups: Mapping[str, Any]) -> list[str]:
    """What the columns alone cannot say: names resolved to ids (`lookups` maps the names this
    user may use), times in order, a link that is a link, an organizer given."""
    errors: list[str] = []
    if values["start_time"] and values["end_time"] and values["end_time"] < values["start_time"]:
        errors.append(_("结束时间早于开始时间"))
    values["served_groups"] = ",".join(values["served_groups"])
    link = values["news_link"]
    if link and not re.match(r"^https?://\S+$", link):
        errors.append(_("“新闻报道链接”必须以 http:// 或 https:// 开头"))
    organization, community = values.pop("organization"), values.pop("community")
    values["organization_id"] = lookups["organizations"].get(organization) if organization else None
    values["community_id"] = lookups["communities"].get(community) if community else None
    if organization and values["organization_id"] is None:
        errors.append(_("找不到社会组织“{name}”").format(name=organization))
    if community and values["community_id"] is None:
        errors.append(_("找不到社区“{name}”").format(name=community))
    if not organization and not community:
        errors.append(_("“主办社会组织”和“社区”至少填写一项"))
    return errors


# The import template's columns, in order: its first row is the header, its second the help.
IMPORT_SHEET = Sheet(
    name="activities",
    title=N_("服务记录台账"),
    key=row_fingerprint,
    check=check_import_row,
    columns=(
        Column("title", N_("活动名称"), N_("必填，最多 200 字"), True),
        Column(
            "held_on",
            N_("活动日期"),
            N_("必填，如 2017-06-30、2017/6/30 或 2017年6月30日"),
            True,
            kind=DATE,
        ),
        Column("start_time", N_("开始时间"), N_("可选，如 09:00"), kind=TIME),
        Column("end_time", N_("结束时间"), N_("可选，如 11:30"), kind=TIME),
        Column(
            "category",
            N_("活动类别"),
            N_("必填：个案、小组、社区活动、培训、志愿服务、党建、共建活动、文体活动等"),
            True,
            kind=CHOICE,
            choices=CATEGORIES,
        ),
        Column("organization", N_("主办社会组织"), N_("社会组织全称；与社区至少填一项")),
        Column("community", N_("社区"), N_("社区名称，如 祥龙社区")),
        Column("project", N_("所属项目"), N_("可选")),
        Column("place", N_("活动地点"), N_("必填"), True),
        Column("partner_unit", N_("合作驻地单位"), N_("可选")),
        Column(
            "served_groups",
            N_("服务对象"),
            N_("可多项，用顿号或逗号分隔：老人、儿童、残障人士等"),
            kind=CHOICES,
            choices=SERVED_GROUPS,
        ),
        Column("hours", N_("服务时长（小时）"), N_("可带 1 位小数"), kind=DECIMAL, places=1),
        Column("participants", N_("参与人次"), N_("整数"), kind=COUNT),
        Column("beneficiaries", N_("受益人次"), N_("整数"), kind=COUNT),
        Column("volunteers", N_("志愿者人数"), N_("整数"), kind=COUNT),
        Column("budget", N_("预算（元）"), N_("可带 2 位小数"), kind=DECIMAL, places=2),
        Column("spending", N_("实际支出（元）"), N_("可带 2 位小数"), kind=DECIMAL, places=2),
        Column(
            "satisfaction",
            N_("满意度（0–100）"),
            N_("0 到 100 的整数，可空"),
            kind=COUNT,
            maximum=100,
            nullable=True,
        ),
        Column("content", N_("活动内容"), N_("活动简要情况"), max_length=5000),
        Column(
            "news_link", N_("新闻报道链接"), N_("以 http:// 或 https:// 开头，可空"), max_length=500
        ),
    ),
)
IMPORT_COLUMNS = IMPORT_SHEET.columns
