"""Organization forms."""

from incubator.core.forms import Field
from incubator.core.i18n import N_
from incubator.core.pagination import ListSpec
from incubator.organizations import rules

PROFILE = (
    Field("name", N_("组织名称"), required=True, max_length=200),
    Field("credit_code", N_("统一社会信用代码"), max_length=18),
    Field("org_type", N_("组织类型"), required=True, kind="choice", choices=rules.ORG_TYPES),
    Field(
        "registration_status",
        N_("登记状态"),
        required=True,
        kind="choice",
        choices=rules.REGISTRATION_STATUSES,
    ),
    Field("name_approval_date", N_("名称核准日期"), kind="date"),
    Field("registration_date", N_("登记（备案）日期"), kind="date"),
    Field(
        "service_field", N_("服务领域"), required=True, kind="choice", choices=rules.SERVICE_FIELDS
    ),
    Field("community_id", N_("服务社区"), kind="int", low=1),
    Field("legal_representative", N_("法定代表人（负责人）"), max_length=50),
    Field("legal_rep_id_number", N_("负责人身份证号"), max_length=18),
    Field("contact_name", N_("联系人"), max_length=50),
    Field("contact_phone", N_("联系电话"), max_length=30),
    Field("email", N_("电子邮箱"), max_length=255),
    Field("address", N_("地址"), max_length=255),
    Field("members_count", N_("会员（成员）数"), kind="int", low=0, high=1_000_000),
    Field("staff_count", N_("专职人员数"), kind="int", low=0, high=100_000),
    Field("volunteers_count", N_("志愿者数"), kind="int", low=0, high=1_000_000),
    Field("party_org_form", N_("党组织形式"), kind="choice", choices=rules.PARTY_ORG_FORMS),
    Field("party_members", N_("党员数"), kind="int", low=0, high=100_000),
    Field("party_instructor", N_("党建指导员"), max_length=50),
    Field("description", N_("组织简介"), kind="textarea", max_length=5000),
    Field("version", N_("版本"), kind="int", low=1),
)

FILTERS = (
    "q",
    "org_type",
    "registration_status",
    "service_field",
    "stage",
    "community",
    "archived",
)
SORTS = ("name", "registration_date", "created_at")
# The registry list, as its page, its export and the API read it.
REGISTRY = ListSpec(FILTERS, SORTS, "name")

PLAN_ITEM = (
    Field(
        "kind",
        N_("事项类型"),
        required=True,
        kind="choice",
        choices=[
            ("milestone", N_("孵化计划节点")),
            ("report", N_("报告与交接")),
            ("registration_assist", N_("登记协助")),
            ("follow_up", N_("跟踪回访")),
        ],
    ),
    Field("title", N_("事项标题"), required=True, max_length=200),
    Field("due_date", N_("办理期限"), kind="date"),
)

OUTCOME = (
    Field("recorded_on", N_("记录日期"), required=True, kind="date"),
    Field(
        "registration_status",
        N_("登记状态"),
        required=True,
        kind="choice",
        choices=rules.REGISTRATION_STATUSES,
    ),
    Field("grade", N_("评估等级"), kind="choice", choices=rules.GRADES[1:]),
    Field("government_contracts", N_("承接政府购买服务项目数"), kind="int", low=0, high=1000),
    Field("staff_count", N_("专职人员数"), kind="int", low=0, high=100_000),
    Field("volunteers_count", N_("志愿者数"), kind="int", low=0, high=1_000_000),
    Field("note", N_("情况说明"), kind="textarea", max_length=2000),
)
