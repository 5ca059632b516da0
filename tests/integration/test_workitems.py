"""The work-item engine against the real database: moves, timeline, scope, due lists."""

import datetime as dt

import pytest

from incubator.core.auth import CurrentUser
from incubator.core.locking import StaleVersionError
from incubator.workitems import service
from incubator.workitems.service import WorkItemError

STAFF = CurrentUser(2, "staff", "王中心", "staff", None, None)
XIANGLONG = CurrentUser(5, "xianglong", "陈祥龙", "community", 1, None)
TENGLONG = CurrentUser(6, "tenglong", "周腾龙", "community", 2, None)
APPLICANT = CurrentUser(8, "qingniao", "刘青鸟", "applicant", None, 1)
TODAY = dt.date.today()


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def new_item(**overrides):
    fields = {
        "kind": "follow_up",
        "title": "出壳后 3 个月回访",
        "due_date": TODAY + dt.timedelta(days=3),
        "owner_id": STAFF.id,
        "community_id": 1,
        "organization_id": 1,
        "subject": ("organization", 1),
    }
    return await service.create_item(STAFF, **{**fields, **overrides})


pytestmark = pytest.mark.anyio


async def test_an_item_moves_along_its_kind_and_keeps_a_timeline(bound):
    item_id = await new_item()
    item = await service.get_item(STAFF, item_id)
    assert item["status"] == "planned" and item["is_open"]
    await service.move(STAFF, item_id, item["version"], "done", note="已登记，理事会已换届")
    item = await service.get_item(STAFF, item_id)
    assert item["status"] == "done" and not item["is_open"] and item["closed_at"]
    events = await service.timeline(item_id)
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        ("", "planned"),
        ("planned", "done"),
    ]
    assert events[1]["note"] == "已登记，理事会已换届" and events[1]["actor_name"] == "王中心"


async def test_a_refused_move_changes_nothing(bound):
    item_id = await new_item(kind="service_matter", title="楼道堆物")
    item = await service.get_item(STAFF, item_id)
    with pytest.raises(WorkItemError, match="可选：已派遣"):
        await service.move(STAFF, item_id, item["version"], "closed")
    again = await service.get_item(STAFF, item_id)
    assert again["status"] == "raised" and again["version"] == item["version"]
    assert len(await service.timeline(item_id)) == 1


async def test_a_stale_move_is_refused(bound):
    item_id = await new_item()
    item = await service.get_item(STAFF, item_id)
    await service.move(STAFF, item_id, item["version"], "missed")
    with pytest.raises((StaleVersionError, WorkItemError)):
        await service.move(STAFF, item_id, item["version"], "done")


async def test_scoped_roles_see_only_their_scope(bound):
    item_id = await new_item(community_id=1, organization_id=1)
    assert await service.get_item(XIANGLONG, item_id)
    assert await service.get_item(APPLICANT, item_id)
    assert await service.get_item(TENGLONG, item_id) is None
    with pytest.raises(WorkItemError, match="事项不存在"):
        await service.move(TENGLONG, item_id, 1, "done")


async def test_due_lists_split_overdue_and_due_soon_and_skip_closed_and_far(bound):
    late = await new_item(title="逾期", due_date=TODAY - dt.timedelta(days=2))
    soon = await new_item(title="即将到期", due_date=TODAY + dt.timedelta(days=7))
    await new_item(title="还早", due_date=TODAY + dt.timedelta(days=30))
    closed = await new_item(title="已办", due_date=TODAY - dt.timedelta(days=1))
    await service.move(STAFF, closed, 1, "done")
    lists = await service.due_lists(STAFF, TODAY)
    assert [i["id"] for i in lists["overdue"]] == [late]
    assert [i["id"] for i in lists["due_soon"]] == [soon]
    assert (await service.due_lists(TENGLONG, TODAY)) == {"overdue": [], "due_soon": []}


async def test_reassigning_checks_the_owner_and_is_on_the_timeline(bound):
    item_id = await new_item()
    with pytest.raises(WorkItemError, match="负责人"):
        await service.reassign(STAFF, item_id, 1, 9999, None)
    await service.reassign(STAFF, item_id, 1, XIANGLONG.id, TODAY + dt.timedelta(days=10))
    item = await service.get_item(STAFF, item_id)
    assert item["owner"] == XIANGLONG.id and item["version"] == 2
    assert len(await service.timeline(item_id)) == 2
