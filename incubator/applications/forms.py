"""Application and registration forms."""

from incubator.core.forms import Field
from incubator.core.i18n import N_
from incubator.core.passwords import MAX_LENGTH
from incubator.organizations import rules as organization_rules

DRAFT = (
    Field("project_name", N_("项目名称"), max_length=200),
    Field("project_summary", N_("项目概述"), kind="textarea", max_length=5000),
    Field("target_group", N_("服务对象"), max_length=200),
    Field("planned_activities", N_("计划开展的活动"), kind="textarea", max_length=5000),
    Field("budget_yuan", N_("项目预算（元）"), kind="int", low=0, high=100_000_000),
    Field(
        "annual_inspection_ok",
        N_("按时参加年检（年报），结论合格（新成立组织视为符合）"),
        kind="bool",
    ),
    Field("no_penalties", N_("近两年未受到行政处罚"), kind="bool"),
    Field("not_blacklisted", N_("未列入活动异常名录或严重违法失信名单"), kind="bool"),
    Field("independent_account", N_("有独立账户或由街道代管账户，财务独立核算"), kind="bool"),
    Field("version", N_("版本"), required=True, kind="int", low=1),
)

REGISTER = (
    Field("organization_name", N_("组织名称"), required=True, max_length=200),
    Field(
        "registration_status",
        N_("登记状态"),
        required=True,
        kind="choice",
        choices=organization_rules.REGISTRATION_STATUSES,
    ),
    Field(
        "service_field",
        N_("服务领域"),
        required=True,
        kind="choice",
        choices=organization_rules.SERVICE_FIELDS,
    ),
    Field("community_id", N_("服务社区"), kind="int", low=1),
    Field("display_name", N_("联系人姓名"), required=True, max_length=100),
    Field("phone", N_("联系电话"), required=True, max_length=30),
    Field("username", N_("用户名"), required=True, max_length=64),
    Field("password", N_("密码"), required=True, kind="password", max_length=MAX_LENGTH),
)

ROUND = (
    Field("name", N_("批次名称"), required=True, max_length=100),
    Field("opens_on", N_("开始日期"), required=True, kind="date"),
    Field("closes_on", N_("截止日期"), required=True, kind="date"),
    Field("quota", N_("名额"), required=True, kind="int", low=1, high=1000),
    Field("notes", N_("说明"), kind="textarea", max_length=2000),
    Field("version", N_("版本"), kind="int", low=1),
)
