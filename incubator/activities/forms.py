"""The activity form and the ledger's filters."""

from incubator.activities import rules
from incubator.core.forms import Field
from incubator.core.i18n import N_

ACTIVITY = (
    Field("title", N_("活动名称"), required=True, max_length=200),
    Field("category", N_("活动类别"), required=True, kind="choice", choices=rules.CATEGORIES),
    Field("held_on", N_("活动日期"), required=True, kind="date"),
    Field("start_time", N_("开始时间"), kind="time"),
    Field("end_time", N_("结束时间"), kind="time"),
    Field("organization_id", N_("主办社会组织"), kind="int", low=1),
    Field("community_id", N_("社区"), kind="int", low=1),
    Field("grid_id", N_("网格"), kind="int", low=1),
    Field("project", N_("所属项目"), max_length=200),
    Field("place", N_("活动地点"), required=True, max_length=200),
    Field("partner_unit", N_("合作驻地单位"), max_length=200),
    Field("hours", N_("服务时长（小时）"), kind="decimal", places=1, low=0, high=100_000),
    Field("participants", N_("参与人次"), kind="int", low=0, high=1_000_000),
    Field("beneficiaries", N_("受益人次"), kind="int", low=0, high=1_000_000),
    Field("volunteers", N_("志愿者人数"), kind="int", low=0, high=100_000),
    Field("budget", N_("预算（元）"), kind="decimal", places=2, low=0, high=100_000_000),
    Field("spending", N_("实际支出（元）"), kind="decimal", places=2, low=0, high=100_000_000),
    Field("satisfaction", N_("满意度（0–100）"), kind="int", low=0, high=100),
    Field("content", N_("活动内容"), kind="textarea", max_length=5000),
    Field("news_link", N_("新闻报道链接"), max_length=500),
    Field("version", N_("版本"), kind="int", low=1),
)
