"""Forms of the center: rooms, entry agreements, support records."""

from incubator.center import rules
from incubator.core.forms import Field
from incubator.core.i18n import N_

ROOM = (
    Field("zone", N_("功能区"), required=True, kind="choice", choices=rules.ZONES),
    Field("name", N_("房间名称"), required=True, max_length=100),
    Field("capacity", N_("容纳人数"), required=True, kind="int", low=0, high=1000),
    Field("area", N_("面积（平方米）"), required=True, kind="int", low=1, high=100_000),
    Field(
        "desks",
        N_("工位（展位）数"),
        kind="int",
        low=0,
        high=200,
        help=N_("新建时按“房间名称-序号”编号；以后可逐个添加"),
    ),
    Field("note", N_("备注"), max_length=255),
)

AGREEMENT = (
    Field("period_start", N_("入驻开始日期"), required=True, kind="date"),
    Field("period_end", N_("入驻结束日期"), required=True, kind="date"),
    Field("services_note", N_("其他服务约定"), kind="textarea", max_length=2000),
    Field("obligations", N_("双方权利义务"), required=True, kind="textarea", max_length=5000),
    Field("commitment", N_("入驻承诺"), required=True, kind="textarea", max_length=5000),
    Field("signed_on", N_("签订日期"), kind="date"),
    Field("version", N_("版本"), kind="int", low=0),
)

SUPPORT = (
    Field("kind", N_("支持类型"), required=True, kind="choice", choices=rules.SUPPORT_KINDS),
    Field("held_on", N_("日期"), required=True, kind="date"),
    Field("topic", N_("主题（内容）"), required=True, max_length=200),
    Field("provider", N_("导师、讲师或资源方"), max_length=100),
    Field("hours", N_("时长（小时）"), kind="decimal", places=1, low=0, high=1000),
    Field("amount", N_("金额（元）"), kind="decimal", places=2, low=0, high=10_000_000),
    Field("note", N_("说明"), kind="textarea", max_length=2000),
)
