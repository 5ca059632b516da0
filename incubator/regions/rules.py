"""The registry's pure rules: the sheets 社区 [社区代码] and 网格 [网格编码] of the year workbook
(they travel to the import's checking process, which loads no database)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incubator.core.i18n import N_, _
from incubator.sheets.rules import COUNT, Column, Sheet


def community_key(values: Mapping[str, Any]) -> str:
    return str(values["code"])


def grid_key(values: Mapping[str, Any]) -> str:
    return str(values["code"])


def community_code_error(values: Mapping[str, Any], lookups: Mapping[str, Any]) -> list[str]:
    """A row's 社区代码 must name a stored community or one earlier in the workbook (the
    lookups' "community_codes"); every sheet that names one checks it here."""
    code = values.get("community_code")
    if code and code not in lookups["community_codes"]:
        return [_("找不到社区代码“{code}”").format(code=code)]
    return []


def check_grid_row(values: dict[str, Any], lookups: Mapping[str, Any]) -> list[str]:
    return community_code_error(values, lookups)


COMMUNITY_SHEET = Sheet(
    name="communities",
    title=N_("社区"),
    key=community_key,
    columns=(
        Column(
            "street_name",
            N_("街道名称"),
            N_("必填，如 龙虎塘街道；不存在时新建"),
            True,
            max_length=100,
        ),
        Column("code", N_("社区代码"), N_("必填，如 LHT-01，唯一"), True, max_length=20),
        Column("name", N_("社区名称"), N_("必填，如 祥龙社区"), True, max_length=100),
        Column("occupied_households", N_("实际居住户数"), N_("整数，空为 0"), kind=COUNT),
    ),
)
GRID_SHEET = Sheet(
    name="grids",
    title=N_("网格"),
    key=grid_key,
    check=check_grid_row,
    columns=(
        Column("code", N_("网格编码"), N_("必填，如 LHT-01-01，唯一"), True, max_length=30),
        Column(
            "community_code",
            N_("社区代码"),
            N_("必填：已有的社区，或本工作簿“社区”表中的"),
            True,
            max_length=20,
        ),
        Column("name", N_("网格名称"), N_("必填"), True, max_length=100),
        Column("households", N_("户数"), N_("整数，空为 0"), kind=COUNT),
    ),
)
