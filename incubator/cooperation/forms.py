"""The forms of 政社互动."""

from incubator.cooperation import rules
from incubator.core.forms import Field
from incubator.core.i18n import N_

LIST_HELP = N_("每行一项")

TEMPLATE = (
    Field("title", N_("协议书名称"), required=True, max_length=200),
    Field("street_party", N_("甲方（街道）"), required=True, max_length=200),
    Field("duties", N_("依法履行职责事项"), kind="textarea", max_length=20000, help=LIST_HELP),
    Field("assists", N_("依法协助政府工作事项"), kind="textarea", max_length=20000, help=LIST_HELP),
    Field("version", N_("版本"), kind="int", low=0),
)
AGREEMENT = (
    Field("title", N_("协议书名称"), required=True, max_length=200),
    Field("street_party", N_("甲方（街道）"), required=True, max_length=200),
    Field("community_party", N_("乙方（社区）"), required=True, max_length=200),
    Field("duties", N_("依法履行职责事项"), kind="textarea", max_length=20000, help=LIST_HELP),
    Field("assists", N_("依法协助政府工作事项"), kind="textarea", max_length=20000, help=LIST_HELP),
    Field("version", N_("版本"), kind="int", low=1),
)
DRAFT = (
    Field("community_id", N_("社区"), kind="int", low=1),
    Field("year", N_("年度"), required=True, kind="int", low=2000, high=2100),
)
SIGN = (
    Field("signed_on", N_("签订日期"), required=True, kind="date"),
    Field("version", N_("版本"), kind="int", low=1),
)
NOTE = (
    Field("item", N_("事项"), required=True, max_length=40),
    Field("department", N_("提出部门"), max_length=100),
    Field("noted_on", N_("日期"), kind="date"),
    Field("action", N_("社区落实情况"), required=True, kind="textarea", max_length=2000),
)
EVALUATION = (
    Field("community_id", N_("社区"), kind="int", low=1),
    Field("evaluated_on", N_("评估日期"), required=True, kind="date"),
    Field("note", N_("说明"), max_length=500),
)
FUNDING = (
    Field("community_id", N_("社区"), kind="int", low=1),
    Field("year", N_("年度"), required=True, kind="int", low=2000, high=2100),
    Field("amount", N_("金额（元）"), required=True, kind="decimal", places=2, low=0, high=10**8),
    Field("paid_on", N_("拨付日期"), kind="date"),
    Field("purpose", N_("用途"), max_length=200),
)
PILOT = (
    Field("community_id", N_("社区"), kind="int", low=1),
    Field("year", N_("年度"), required=True, kind="int", low=2000, high=2100),
    Field("area", N_("工作领域"), required=True, kind="choice", choices=rules.AREAS),
    Field("note", N_("说明"), max_length=500),
)
