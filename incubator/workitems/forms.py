"""Work-item forms."""

from incubator.core.forms import Field
from incubator.core.i18n import N_
from incubator.core.pagination import ListSpec
from incubator.workitems import rules

KIND_CHOICES = [(k.code, k.label) for k in rules.kinds()]

CREATE = (
    Field("kind", N_("事项类型"), required=True, kind="choice", choices=KIND_CHOICES),
    Field("title", N_("事项标题"), required=True, max_length=200),
    Field("due_date", N_("办理期限"), kind="date"),
    Field("owner_id", N_("负责人"), kind="int", low=1),
    Field("community_id", N_("所属社区"), kind="int", low=1),
    Field("note", N_("说明"), kind="textarea", max_length=2000),
)

MOVE = (
    Field("to_status", N_("新状态"), required=True, max_length=32),
    Field("note", N_("办理情况"), kind="textarea", max_length=2000),
    Field("version", N_("版本"), required=True, kind="int", low=1),
)

REASSIGN = (
    Field("owner_id", N_("负责人"), kind="int", low=1),
    Field("due_date", N_("办理期限"), kind="date"),
    Field("version", N_("版本"), required=True, kind="int", low=1),
)

FILTERS = ("kind", "state", "mine")
ITEMS = ListSpec(FILTERS)
