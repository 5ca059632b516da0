"""Work items without I/O: each kind's status list, allowed moves, and deadline classes.

A kind is data: the modules that use work items (follow-ups, milestones, 四级联动 matters,
rectifications...) register theirs here, and the engine's tables, service and pages serve them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from incubator.core.i18n import N_, _, text
from incubator.core.roles import ADMIN, APPLICANT, ASSESSOR, COMMUNITY, STAFF

DUE_SOON_DAYS = 7
# Who may move an item, unless its kind says otherwise for a target status.
DEFAULT_MOVERS = frozenset({ADMIN, STAFF, COMMUNITY})


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    # (status code, label), in the order a person would expect to see them.
    statuses: tuple[tuple[str, str], ...]
    initial: str
    # status -> the statuses it may move to; a status missing here is final.
    moves: dict[str, frozenset[str]] = field(default_factory=dict)
    # target status -> the roles that may move an item into it (DEFAULT_MOVERS otherwise).
    movers: dict[str, frozenset[str]] = field(default_factory=dict)
    # Blind reviews: only admins, staff and the item's owner may see such an item at all.
    owner_only: bool = False
    # Where an item of this kind is handled, when its module owns the course (a facility
    # project's steps carry dates): "/facilities/{subject_id}". Its moves are made there only.
    handled_at: str = ""

    def may_move_into(self, target: str, role: str) -> bool:
        return role in self.movers.get(target, DEFAULT_MOVERS)

    def path_of(self, item_id: int, subject_id: int | None) -> str:
        """The page where an item is handled: its module's, or the engine's own."""
        if self.handled_at and subject_id is not None:
            return self.handled_at.format(subject_id=subject_id)
        return f"/work/{item_id}"

    def label_of(self, status: str) -> str:
        return dict(self.statuses).get(status, status)

    def is_open(self, status: str) -> bool:
        return bool(self.moves.get(status))

    def statuses_from(self, current: str) -> list[str]:
        return [code for code, _label in self.statuses if code in self.moves.get(current, ())]

    @property
    def open_statuses(self) -> tuple[str, ...]:
        return tuple(code for code, _label in self.statuses if self.is_open(code))


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    codes = {code for code, _label in kind.statuses}
    targets = {target for moves in kind.moves.values() for target in moves}
    if kind.initial not in codes or not set(kind.moves) | targets <= codes:
        raise ValueError(f"work item kind {kind.code}: unknown status in its moves")
    _KINDS[kind.code] = kind
    return kind


def kind(code: str) -> Kind:
    return _KINDS[code]


def kinds() -> list[Kind]:
    return list(_KINDS.values())


def owner_only_kinds() -> list[str]:
    return [k.code for k in _KINDS.values() if k.owner_only]


def move_error(kind_code: str, current: str, target: str, role: str = ADMIN) -> str | None:
    """None when the move is allowed, else a message that says why not."""
    k = _KINDS.get(kind_code)
    if k is None:
        return _("未知的事项类型")
    if target not in dict(k.statuses):
        return _("未知的状态")
    if not k.is_open(current):
        return _("该事项已是“{status}”状态，不能再变更").format(status=text(k.label_of(current)))
    if target not in k.moves[current]:
        allowed = "、".join(text(k.label_of(s)) for s in k.statuses_from(current))
        return _("不能从“{current}”变为“{target}”，可选：{allowed}").format(
            current=text(k.label_of(current)), target=text(k.label_of(target)), allowed=allowed
        )
    if not k.may_move_into(target, role):
        return _("您的角色不能把该事项改为“{target}”").format(target=text(k.label_of(target)))
    return None


def due_class(due: dt.date | None, today: dt.date) -> str | None:
    """ "overdue", "due_soon" (within DUE_SOON_DAYS days) or None, for an open item."""
    if due is None:
        return None
    if due < today:
        return "overdue"
    if due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return None


# --- the kinds known so far ----------------------------------------------------------------

FOLLOW_UP = register(
    Kind(
        code="follow_up",
        label=N_("跟踪回访"),
        statuses=(
            ("planned", N_("待回访")),
            ("done", N_("已回访")),
            ("missed", N_("未能回访")),
            ("cancelled", N_("已取消")),
        ),
        initial="planned",
        moves={"planned": frozenset({"done", "missed", "cancelled"})},
    )
)

MILESTONE = register(
    Kind(
        code="milestone",
        label=N_("孵化计划节点"),
        statuses=(
            ("open", N_("未完成")),
            ("in_progress", N_("进行中")),
            ("done", N_("已完成")),
            ("dropped", N_("已取消")),
        ),
        initial="open",
        moves={
            "open": frozenset({"in_progress", "done", "dropped"}),
            "in_progress": frozenset({"done", "dropped"}),
        },
        # The organization reports progress; the center confirms completion.
        movers={
            "in_progress": frozenset({ADMIN, STAFF, APPLICANT}),
            "done": frozenset({ADMIN, STAFF}),
            "dropped": frozenset({ADMIN, STAFF}),
        },
    )
)

# 降级: the organization hands back the old certificate and plaque within 15 days.
HAND_BACK = register(
    Kind(
        code="hand_back",
        label=N_("交回评估证书和牌匾"),
        statuses=(
            ("pending", N_("待交回")),
            ("returned", N_("已交回")),
            ("reported", N_("逾期未交，已报登记管理机关")),
        ),
        initial="pending",
        moves={"pending": frozenset({"returned", "reported"})},
        movers={
            "returned": frozenset({ADMIN, STAFF}),
            "reported": frozenset({ADMIN, STAFF}),
        },
    )
)

SERVICE_MATTER = register(
    Kind(
        code="service_matter",
        label=N_("四级联动事项"),
        statuses=(
            ("raised", N_("已上报")),
            ("dispatched", N_("已派遣")),
            ("handled", N_("已处置")),
            ("closed", N_("已办结")),
        ),
        initial="raised",
        moves={
            "raised": frozenset({"dispatched"}),
            "dispatched": frozenset({"handled"}),
            "handled": frozenset({"closed", "dispatched"}),
        },
    )
)

RECTIFICATION = register(
    Kind(
        code="rectification",
        label=N_("整改事项"),
        statuses=(
            ("found", N_("发现问题")),
            ("rectifying", N_("整改中")),
            ("rectified", N_("已整改待复查")),
            ("passed", N_("复查通过")),
        ),
        initial="found",
        moves={
            "found": frozenset({"rectifying", "rectified"}),
            "rectifying": frozenset({"rectified"}),
            # A failed re-inspection sends it back.
            "rectified": frozenset({"passed", "rectifying"}),
        },
    )
)

REPORT = register(
    Kind(
        code="report",
        label=N_("报告与交接"),
        statuses=(
            ("requested", N_("待提交")),
            ("submitted", N_("已提交")),
            ("returned", N_("退回修改")),
            ("accepted", N_("已验收")),
        ),
        initial="requested",
        moves={
            "requested": frozenset({"submitted"}),
            "submitted": frozenset({"accepted", "returned"}),
            "returned": frozenset({"submitted"}),
        },
        # The organization submits; only the center accepts or returns.
        movers={
            "submitted": frozenset({ADMIN, STAFF, APPLICANT}),
            "accepted": frozenset({ADMIN, STAFF}),
            "returned": frozenset({ADMIN, STAFF}),
        },
    )
)


def _review_kind(code: str, label: str) -> Kind:
    return register(
        Kind(
            code=code,
            label=label,
            statuses=(
                ("assigned", N_("待评分")),
                ("submitted", N_("已提交评分")),
                ("recused", N_("已回避")),
                ("cancelled", N_("已取消")),
            ),
            initial="assigned",
            moves={"assigned": frozenset({"submitted", "recused", "cancelled"})},
            # The assessor submits or recuses (service checks it is their own item).
            movers={
                "submitted": frozenset({ASSESSOR, ADMIN, STAFF}),
                "recused": frozenset({ASSESSOR, ADMIN, STAFF}),
                "cancelled": frozenset({ADMIN, STAFF}),
            },
            owner_only=True,
        )
    )


SCREENING_REVIEW = _review_kind("screening_review", N_("筛选评审"))
DIAGNOSIS_REVIEW = _review_kind("diagnosis_review", N_("入壳诊断"))
MIDTERM_REVIEW = _review_kind("midterm_review", N_("中期评估"))
GRADUATION_REVIEW = _review_kind("graduation_review", N_("出壳评估评审"))
# 社会组织评估: an assessor staff assigned to score one evaluation's panel sheet.
EVALUATION_REVIEW = _review_kind("evaluation_review", N_("等级评估评分"))

REGISTRATION_ASSIST = register(
    Kind(
        code="registration_assist",
        label=N_("登记协助"),
        statuses=(
            ("name_approval", N_("名称核准")),
            ("materials", N_("准备登记材料")),
            ("registered", N_("已取得登记证书")),
            ("filed", N_("已备案")),
            ("stopped", N_("暂停办理")),
        ),
        initial="name_approval",
        moves={
            "name_approval": frozenset({"materials", "stopped"}),
            "materials": frozenset({"registered", "filed", "stopped"}),
            "stopped": frozenset({"name_approval", "materials"}),
        },
        movers={
            "registered": frozenset({ADMIN, STAFF}),
            "filed": frozenset({ADMIN, STAFF}),
        },
    )
)
