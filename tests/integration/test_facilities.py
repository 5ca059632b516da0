"""社区阵地建设 against the real database (SQLite and PostgreSQL): a project's dated course as a
work item, the metrics F1 and F2 on hand-built data where the right number is known, the
community scope, and the sheets' export imported again (adding nothing)."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from incubator.core.auth import CurrentUser
from incubator.core.locking import StaleVersionError
from incubator.core.scoping import NotVisible
from incubator.facilities import metrics, rules, service
from incubator.facilities.service import FacilityError
from incubator.regions.service import CommunityChoiceError
from incubator.workitems import service as workitems
from incubator.workitems.service import WorkItemError
from tests.conftest import sql
from tests.support import imports
from tests.support.web import login, post_form

STAFF = CurrentUser(2, "staff", "王中心", "staff", None, None)
ASSESSOR = CurrentUser(3, "assessor", "李评审", "assessor", None, None)
XIANGLONG = CurrentUser(5, "xianglong", "陈祥龙", "community", 1, None)
TENGLONG = CurrentUser(6, "tenglong", "周腾龙", "community", 2, None)
D = dt.date
YEAR_END = D(2017, 12, 31)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def new_project(actor=XIANGLONG, **overrides) -> int:
    values = {"year": 2017, "name": "一站式服务大厅改造", "kind": "service_hall", **overrides}
    return await service.create_project(actor, values)


async def step(project_id: int, target: str, when: dt.date | None, note: str = "", actor=STAFF):
    project = await service.get_project(actor, project_id)
    return await service.move_project(actor, project_id, project["version"], target, when, note)


async def through(project_id: int, approved: dt.date, in_use: dt.date | None = None) -> None:
    await step(project_id, rules.SUBMITTED, approved - dt.timedelta(days=10))
    await step(project_id, rules.IMPLEMENTING, approved)
    if in_use is not None:
        await step(project_id, rules.COMPLETED, in_use)
        await step(project_id, rules.IN_USE, in_use)


async def test_a_project_is_numbered_per_community_and_year_and_starts_its_course(bound):
    first = await new_project()
    second = await new_project(name="助餐点", kind="meal_point")
    other = await new_project(TENGLONG)
    numbers = [(await service.get_project(STAFF, i))["number"] for i in (first, second, other)]
    assert numbers == ["LHT-01-2017-01", "LHT-01-2017-02", "LHT-02-2017-01"]
    project = await service.get_project(XIANGLONG, first)
    assert project["status"] == rules.DRAFTING
    assert project["due_date"] == D(2017, 6, 30)
    item = await workitems.get_item(STAFF, project["work_item"])
    assert item["path"] == f"/facilities/{first}"


async def test_each_step_records_its_date_and_moves_the_deadline(bound):
    project_id = await new_project()
    await step(project_id, rules.SUBMITTED, D(2017, 3, 20), actor=XIANGLONG)
    await step(project_id, rules.IMPLEMENTING, D(2017, 5, 18), "同意实施")
    project = await service.get_project(STAFF, project_id)
    assert (project["submitted_on"], project["approved_on"]) == (D(2017, 3, 20), D(2017, 5, 18))
    assert project["due_date"] == D(2017, 12, 31)
    await step(project_id, rules.COMPLETED, D(2017, 11, 10))
    await step(project_id, rules.IN_USE, D(2017, 12, 8), actor=XIANGLONG)
    project = await service.get_project(STAFF, project_id)
    assert project["status"] == rules.IN_USE and not project["is_open"]
    notes = [e["note"] for e in await service.project_timeline(project)]
    assert "2017-05-18：同意实施" in notes and "2017-12-08" in notes


async def test_refused_steps_say_why_and_change_nothing(bound):
    project_id = await new_project()
    await step(project_id, rules.SUBMITTED, D(2017, 3, 20), actor=XIANGLONG)
    before = await service.get_project(STAFF, project_id)
    with pytest.raises(FacilityError, match="您的角色不能"):
        await step(project_id, rules.IMPLEMENTING, D(2017, 4, 1), actor=XIANGLONG)
    with pytest.raises(FacilityError, match="请填写原因"):
        await step(project_id, rules.RETURNED, None)
    with pytest.raises(FacilityError, match="不能早于上一步的日期"):
        await step(project_id, rules.IMPLEMENTING, D(2017, 3, 19))
    with pytest.raises(FacilityError, match="不能从"):
        await step(project_id, rules.IN_USE, D(2017, 4, 1))
    with pytest.raises(StaleVersionError):
        await service.move_project(STAFF, project_id, 1, rules.IMPLEMENTING, D(2017, 4, 1), "")
    assert await service.get_project(STAFF, project_id) == before
    # The engine's own page may not move it: its steps carry dates.
    with pytest.raises(WorkItemError, match="所属页面"):
        await workitems.move(STAFF, before["work_item"], 2, rules.IMPLEMENTING)


async def test_a_returned_plan_is_submitted_again_with_its_new_date(bound):
    project_id = await new_project()
    await step(project_id, rules.SUBMITTED, D(2017, 3, 20))
    await step(project_id, rules.RETURNED, None, "消防通道不符合要求")
    assert (await service.get_project(STAFF, project_id))["submitted_on"] is None
    await step(project_id, rules.SUBMITTED, D(2017, 6, 26))
    project = await service.get_project(STAFF, project_id)
    assert (project["status"], project["submitted_on"]) == (rules.SUBMITTED, D(2017, 6, 26))


async def test_a_community_officer_sees_and_writes_only_their_own_community(bound):
    project_id = await new_project()
    assert await service.get_project(TENGLONG, project_id) is None
    assert await service.get_project(ASSESSOR, project_id) is not None
    with pytest.raises(NotVisible):
        await service.update_project(TENGLONG, project_id, 1, {"name": "x", "kind": "other"})
    with pytest.raises(CommunityChoiceError, match="只能为本社区登记"):
        await new_project(TENGLONG, community_id=1)
    with pytest.raises(NotVisible):
        await service.save_check(
            TENGLONG, 1, 2017, "signage", 0, {"checked_on": D(2017, 5, 1)}, None, None, 0
        )
    from incubator.core.pagination import PageRequest, Sort

    page, totals = await service.list_projects(TENGLONG, {}, PageRequest(), Sort("number", False))
    assert page.total == 0 and totals["count"] == 0


async def test_f1_counts_projects_approved_by_30_june_and_in_use_by_31_december(bound):
    assert (await metrics.f1(1, 2017, YEAR_END)).met is None  # no project: not applicable
    on_time = await new_project()
    await through(on_time, D(2017, 6, 30), D(2017, 12, 31))
    late = await new_project(name="日间照料中心", kind="day_care")
    await through(late, D(2017, 7, 1), D(2017, 10, 1))
    stuck = await new_project(name="标识标牌", kind="signage")
    await step(stuck, rules.SUBMITTED, D(2017, 6, 28))
    cancelled = await new_project(name="撤销的项目", kind="other")
    await step(cancelled, rules.CANCELLED, None, "并入其他项目")
    await cancelled_on(cancelled, dt.datetime(2017, 5, 1, tzinfo=dt.UTC))
    archived = await new_project(name="归档的项目", kind="other")
    await service.archive_project(STAFF, archived, 1)
    await new_project(year=2018, name="下一年的项目")

    figure = await metrics.f1(1, 2017, YEAR_END)
    assert (figure.numerator, figure.denominator) == (1, 3)
    assert figure.value == Decimal("33.3") and figure.met is False
    assert figure.records == "/facilities?community=1&year=2017"
    # Seen on 30 December, the on-time project was not in use yet.
    assert (await metrics.f1(1, 2017, D(2017, 12, 30))).numerator == 0
    # Another community's projects do not count.
    other = await metrics.f1(2, 2017, YEAR_END)
    assert other.met is None and other.value is None


async def test_f1_is_met_when_every_project_is_on_time(bound):
    project_id = await new_project()
    await through(project_id, D(2017, 5, 18), D(2017, 12, 8))
    figure = await metrics.f1(1, 2017, YEAR_END)
    assert (figure.numerator, figure.denominator, figure.value, figure.met) == (
        1,
        1,
        Decimal("100.0"),
        True,
    )


async def check(actor, community_id, item, done, when):
    checklist = await service.checklist(actor, community_id, 2017)
    version = next(i["version"] for i in checklist["items"] if i["item"] == item)
    await service.save_check(
        actor,
        community_id,
        2017,
        item,
        version,
        {"done": done, "checked_on": when, "checker": "王中心"},
        None,
        None,
        0,
    )


async def test_f2_counts_items_done_and_checked_by_the_as_of_date(bound):
    empty = await metrics.f2(1, 2017, YEAR_END)
    assert (empty.numerator, empty.denominator, empty.value, empty.met) == (
        0,
        4,
        Decimal("0.0"),
        False,
    )
    for item in ("public_service", "organization", "resident"):
        await check(XIANGLONG, 1, item, True, D(2017, 5, 10))
    await check(STAFF, 1, "signage", True, D(2017, 9, 1))
    assert (await metrics.f2(1, 2017, YEAR_END)).met is True
    mid_year = await metrics.f2(1, 2017, D(2017, 6, 30))
    assert (mid_year.numerator, mid_year.met) == (3, False)
    await check(STAFF, 1, "signage", False, D(2017, 10, 1))  # found missing again
    assert (await metrics.f2(1, 2017, YEAR_END)).numerator == 3
    assert (await metrics.f2(2, 2017, YEAR_END)).numerator == 0


async def test_two_officers_ticking_the_same_item_at_once_make_one_row(bound):
    await check(XIANGLONG, 1, "signage", True, D(2017, 5, 10))
    with pytest.raises(StaleVersionError):  # the second one read version 0 too
        await service.save_check(
            XIANGLONG,
            1,
            2017,
            "signage",
            0,
            {"done": False, "checked_on": D(2017, 5, 11)},
            None,
            None,
            0,
        )


# --- through the pages ------------------------------------------------------------------------


def test_the_export_imports_again_into_an_empty_list_and_a_second_import_adds_nothing(
    client, settings
):
    login(client, "staff")
    page = client.get("/facilities/new").text
    assert "新建阵地项目" in page
    response = post_form(
        client,
        "/facilities/new",
        {
            "community_id": "1",
            "year": "2017",
            "name": "一站式服务大厅改造",
            "kind": "service_hall",
            "budget": "480000.50",
        },
        page="/facilities/new",
    )
    assert response.status_code == 303
    project_id = int(response.headers["location"].rsplit("/", 1)[1])
    for target, when in (("submitted", "2017-03-20"), ("implementing", "2017-05-18")):
        response = post_form(
            client,
            f"/facilities/{project_id}/step",
            {
                "target": target,
                "when": when,
                "version": str(
                    sql(settings, "SELECT version FROM facility_project WHERE id = $1", project_id)[
                        0
                    ]["version"]
                ),
            },
            page=f"/facilities/{project_id}",
        )
        assert response.status_code == 303
    checklist = {"done": "1", "checked_on": "2017-09-15", "version": "0"}
    for item in ("public_service", "organization", "resident", "signage"):
        post_form(
            client,
            f"/facilities/stations/1/2017/{item}",
            checklist,
            page="/facilities/stations/1/2017",
        )

    projects = client.get("/facilities/export.xlsx?year=2017").content
    stations = client.get("/facilities/stations/export.xlsx?year=2017").content
    sheet = load_workbook(io.BytesIO(projects)).active
    assert [c.value for c in sheet[1]][:5] == [
        "项目编号",
        "社区代码",
        "项目名称",
        "项目类型",
        "年度",
    ]
    assert [c.value for c in sheet[2]][:5] == [
        "LHT-01-2017-01",
        "LHT-01",
        "一站式服务大厅改造",
        "一站式服务大厅",
        2017,
    ]

    before = sql(settings, "SELECT count(*) AS n FROM facility_project")[0]["n"]
    for data in (projects, stations):
        status, page = imports.import_file(client, "/facilities/import", data, "阵地.xlsx")
        assert status["status"] == "done", page
    assert sql(settings, "SELECT count(*) AS n FROM facility_project")[0]["n"] == before
    assert sql(settings, "SELECT count(*) AS n FROM station_check")[0]["n"] == 4

    # Into an empty list: the same project, where it stood, with its money.
    project = sql(settings, "SELECT work_item FROM facility_project")[0]
    sql_delete(settings, project["work_item"])
    status, page = imports.import_file(client, "/facilities/import", projects, "阵地.xlsx")
    assert status["status"] == "done", page
    row = sql(
        settings,
        "SELECT p.number, p.budget, p.approved_on, w.status, w.due_date FROM facility_project p "
        "JOIN work_item w ON w.id = p.work_item",
    )[0]
    assert row["number"] == "LHT-01-2017-01"
    assert Decimal(str(row["budget"])) == Decimal("480000.50")
    assert str(row["approved_on"]) == "2017-05-18"
    assert row["status"] == "implementing" and str(row["due_date"]) == "2017-12-31"


def sql_delete(settings, work_item: int) -> None:
    for statement in (
        "DELETE FROM facility_project",
        f"DELETE FROM work_item_event WHERE item = {int(work_item)}",
        f"DELETE FROM work_item WHERE id = {int(work_item)}",
    ):
        sql(settings, statement)


def test_a_bad_row_is_named_and_nothing_is_written(client, settings):
    from tests.integration.test_sheet_import import workbook

    login(client, "xianglong")
    data = workbook(
        {
            "阵地项目": [
                [
                    "项目编号",
                    "社区代码",
                    "项目名称",
                    "项目类型",
                    "年度",
                    "审核通过日期",
                    "方案报送日期",
                ],
                ["LHT-01-2017-07", "LHT-01", "好的一行", "其他", 2017, "2017-05-01", "2017-04-01"],
                ["LHT-02-2017-07", "LHT-02", "别的社区", "其他", 2017, None, None],
                ["LHT-01-2017-08", "LHT-01", "日期颠倒", "其他", 2017, "2017-03-01", "2017-04-01"],
            ]
        }
    )
    status, page = imports.import_file(client, "/facilities/import", data, "阵地.xlsx")
    assert status["status"] == "refused"
    problems = page.split('id="import-problems"')[1]
    for number, message in ((3, "只能导入本社区的记录"), (4, "审核通过日期不能早于方案报送日期")):
        assert re.search(rf"<td class=\"num\">{number}</td><td>[^<]*{message}", problems), message
    # Row 2 is good but for its approval date, which only the street records.
    assert "有 3 行需要修改，未导入任何记录" in page
    assert sql(settings, "SELECT count(*) AS n FROM facility_project")[0]["n"] == 0


async def test_f1_still_counts_a_project_cancelled_after_the_as_of_date(bound):
    project_id = await new_project()
    await step(project_id, rules.CANCELLED, None, "并入其他项目")
    # Cancelled on 1 August 2017: seen from 30 June it was still one of its projects.
    await cancelled_on(project_id, dt.datetime(2017, 8, 1, 2, 0, tzinfo=dt.UTC))
    assert (await metrics.f1(1, 2017, D(2017, 6, 30))).denominator == 1
    assert (await metrics.f1(1, 2017, YEAR_END)).denominator == 0


async def cancelled_on(project_id: int, when: dt.datetime) -> None:
    """Dates a cancellation made now back to `when` (the step takes no date of its own)."""
    from incubator.facilities.tables import FacilityProject
    from incubator.workitems.tables import WorkItem

    item = (
        await FacilityProject.select(FacilityProject.work_item)
        .where(FacilityProject.id == project_id)
        .first()
    )
    await WorkItem.update({WorkItem.closed_at: when}).where(WorkItem.id == item["work_item"])


def test_imported_numbers_are_skipped_by_the_form_and_a_community_cannot_import_approvals(
    client, settings
):
    from tests.integration.test_sheet_import import workbook

    headers = [
        "项目编号",
        "社区代码",
        "项目名称",
        "项目类型",
        "年度",
        "方案报送日期",
        "审核通过日期",
    ]
    login(client, "staff")
    data = workbook(
        {
            "阵地项目": [
                headers,
                [
                    "LHT-01-2017-01",
                    "LHT-01",
                    "导入的项目",
                    "其他",
                    2017,
                    "2017-03-01",
                    "2017-04-01",
                ],
            ]
        }
    )
    status, page = imports.import_file(client, "/facilities/import", data, "阵地.xlsx")
    assert status["status"] == "done", page
    response = post_form(
        client,
        "/facilities/new",
        {"community_id": "1", "year": "2017", "name": "新项目", "kind": "other"},
        page="/facilities/new",
    )
    assert response.status_code == 303  # not a clash with the imported number
    numbers = sql(settings, "SELECT number FROM facility_project ORDER BY number")
    assert [r["number"] for r in numbers] == ["LHT-01-2017-01", "LHT-01-2017-02"]

    login(client, "xianglong")
    approved = workbook(
        {
            "阵地项目": [
                headers,
                ["LHT-01-2017-05", "LHT-01", "自批项目", "其他", 2017, "2017-03-01", "2017-04-01"],
            ]
        }
    )
    status, page = imports.import_file(client, "/facilities/import", approved, "阵地.xlsx")
    assert status["status"] == "refused"
    assert "审核通过日期和完工日期由建设管理中心登记" in page
    assert sql(settings, "SELECT count(*) AS n FROM facility_project")[0]["n"] == 2
