"""Account forms."""

from incubator.core.forms import Field
from incubator.core.i18n import N_
from incubator.core.passwords import MAX_LENGTH
from incubator.core.roles import ALL_ROLES, ROLE_LABELS

ROLE_CHOICES = [(role, ROLE_LABELS[role]) for role in ALL_ROLES]

LOGIN = (
    Field("username", N_("用户名"), required=True, max_length=64),
    Field("password", N_("密码"), required=True, kind="password", max_length=MAX_LENGTH),
)

USER_COMMON = (
    Field("display_name", N_("姓名"), max_length=100),
    Field("role", N_("角色"), required=True, kind="choice", choices=ROLE_CHOICES),
    Field("community_id", N_("所属社区"), kind="int", low=1),
    Field("organization_id", N_("所属社会组织"), kind="int", low=1),
    Field("email", N_("电子邮箱"), max_length=255),
    Field("phone", N_("联系电话"), max_length=40),
)

USER_CREATE = (
    Field("username", N_("用户名"), required=True, max_length=64),
    Field("password", N_("初始密码"), required=True, kind="password", max_length=MAX_LENGTH),
    *USER_COMMON,
)

USER_EDIT = (
    *USER_COMMON,
    Field("is_active", N_("账号启用"), kind="bool"),
    Field("version", N_("版本"), required=True, kind="int", low=1),
)

PASSWORD_RESET = (
    Field("password", N_("新密码"), required=True, kind="password", max_length=MAX_LENGTH),
)

PASSWORD_CHANGE = (
    Field(
        "current_password", N_("当前密码"), required=True, kind="password", max_length=MAX_LENGTH
    ),
    Field("password", N_("新密码"), required=True, kind="password", max_length=MAX_LENGTH),
    Field(
        "password_again",
        N_("再次输入新密码"),
        required=True,
        kind="password",
        max_length=MAX_LENGTH,
    ),
)

TOKEN_CREATE = (
    Field("name", N_("令牌名称"), required=True, max_length=100),
    # Empty: INCUBATOR_TOKEN_DAYS, which is also the longest term (checked by the service).
    Field("days", N_("有效天数"), kind="int", low=1, high=3650),
)
