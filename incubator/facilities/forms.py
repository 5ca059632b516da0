"""The forms of 社区阵地建设 and the filters of its lists."""

from incubator.core.forms import Field
from incubator.core.i18n import N_
from incubator.facilities import rules

MONEY = {"kind": "decimal", "places": 2, "low": 0, "high": 100_000_000}

PROJECT = (
    Field("name", N_("项目名称"), required=True, max_length=200),
    Field("kind", N_("项目类型"), required=True, kind="choice", choices=rules.KINDS),
    Field("budget", N_("预算（元）"), **MONEY),
    Field("spending", N_("实际支出（元）"), **MONEY),
    Field("lead_unit", N_("责任单位"), max_length=100),
    Field("partner_units", N_("配合单位"), max_length=200),
    Field("description", N_("建设内容"), kind="textarea", max_length=5000),
    Field("version", N_("版本"), kind="int", low=1),
)
# Only when the project is created: its number is made of them.
PROJECT_NEW = (
    Field("community_id", N_("社区"), kind="int", low=1),
    Field("year", N_("年度"), required=True, kind="int", low=2000, high=2100),
    *PROJECT,
)

STEP = (
    Field("target", N_("下一步"), required=True, max_length=24),
    Field("when", N_("日期"), kind="date"),
    Field("note", N_("说明"), kind="textarea", max_length=2000),
    Field("version", N_("版本"), kind="int", low=1),
)
PROGRESS = (Field("note", N_("进展说明"), kind="textarea", max_length=2000),)

MEAL_POINT = (
    Field("community_id", N_("社区"), kind="int", low=1),
    Field("name", N_("助餐点名称"), required=True, max_length=200),
    Field("address", N_("地址"), required=True, max_length=200),
    Field("opening_hours", N_("供餐时间"), max_length=100, help=N_("如 周一至周五 11:00–12:30")),
    Field("capacity", N_("可容纳人数"), kind="int", low=0, high=10_000),
    Field("operator", N_("运营方"), max_length=200),
    Field("opened_on", N_("开办日期"), kind="date"),
    Field("version", N_("版本"), kind="int", low=1),
)

CHECK = (
    Field("done", N_("已达标"), kind="bool"),
    Field("checked_on", N_("核查日期"), required=True, kind="date"),
    Field("checker", N_("核查人"), max_length=100),
    Field("note", N_("核查说明"), max_length=500),
    Field("version", N_("版本"), kind="int", low=0),
)
