"""The scoring engine on the real database: versions, sheets, visibility, the mean."""

import pytest

from incubator.core.auth import CurrentUser
from incubator.scoring import rules, service
from incubator.scoring.service import ScoringError
from tests.conftest import sql

STAFF = CurrentUser(2, "staff", "王中心", "staff", None, None)
LI = CurrentUser(3, "assessor", "李评审", "assessor", None, None)
ZHAO = CurrentUser(4, "assessor2", "赵评审", "assessor", None, None)
SUBJECT = ("organization", 1)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


def full_marks(rubric, scale=1.0):
    return {s.code: round(s.max_points * scale, 1) for s in rules.leaves(rubric["specs"])}


async def test_the_seed_rubrics_exist_after_migrate(bound):
    for code in ("screening", "midterm", "graduation"):
        rubric = await service.current_rubric(code)
        assert rubric["number"] == 1 and rubric["max_total"] == 100


async def test_a_new_version_becomes_current_and_old_sheets_keep_theirs(bound):
    old = await service.current_rubric("screening")
    sheet_id = await service.open_sheet(LI, old["id"], SUBJECT)
    specs = [*old["specs"]]
    specs[1] = rules.IndicatorSpec("1.1", "发起人与骨干团队（修订）", 10)
    new_id = await service.save_version(STAFF, "screening", old["name"], "", specs, old["bands"])
    current = await service.current_rubric("screening")
    assert current["id"] == new_id and current["number"] == 2
    assert current["indicators"][1]["name"] == "发起人与骨干团队（修订）"
    sheet = await service.get_sheet(sheet_id)
    assert sheet["rubric"] == old["id"]
    assert [v["number"] for v in await service.versions("screening")] == [2, 1]


async def test_an_invalid_version_is_refused_and_nothing_changes(bound):
    old = await service.current_rubric("midterm")
    bad = [rules.IndicatorSpec("1", "只有一项", 10), rules.IndicatorSpec("1.1", "子项", 5)]
    with pytest.raises(ScoringError) as error:
        await service.save_version(STAFF, "midterm", "x", "", bad, old["bands"])
    assert "指标 1 的满分 10 与下级指标满分之和 5 不一致" in error.value.details
    assert (await service.current_rubric("midterm"))["id"] == old["id"]


async def test_a_sheet_is_saved_as_draft_then_submitted_and_then_frozen(bound):
    rubric = await service.current_rubric("screening")
    sheet_id = await service.open_sheet(LI, rubric["id"], SUBJECT)
    assert await service.open_sheet(LI, rubric["id"], SUBJECT) == sheet_id
    points = full_marks(rubric, 0.8)
    partial = dict(list(points.items())[:3])
    total = await service.save_sheet(LI, sheet_id, 1, partial, {"1.1": "骨干稳定"})
    assert total == sum(partial.values())
    with pytest.raises(ScoringError) as error:
        await service.save_sheet(LI, sheet_id, 2, partial, {}, submit=True)
    assert any("尚未打分" in e for e in error.value.details)
    assert await service.save_sheet(LI, sheet_id, 2, points, {}, submit=True) == 80
    sheet = await service.get_sheet(sheet_id)
    assert sheet["status"] == "submitted" and sheet["total"] == 80
    with pytest.raises(ScoringError, match="评分已提交"):
        await service.save_sheet(LI, sheet_id, 3, points, {})


async def test_out_of_range_points_save_nothing(bound, settings):
    rubric = await service.current_rubric("screening")
    sheet_id = await service.open_sheet(LI, rubric["id"], SUBJECT)
    with pytest.raises(ScoringError) as error:
        await service.save_sheet(LI, sheet_id, 1, {"1.1": 11, "9.9": 1}, {})
    assert error.value.details == ["“发起人与骨干团队”的得分应在 0 到 10 之间", "未知的指标：9.9"]
    assert sql(settings, "SELECT id FROM score") == []


async def test_only_the_scorer_saves_their_sheet(bound):
    rubric = await service.current_rubric("screening")
    sheet_id = await service.open_sheet(LI, rubric["id"], SUBJECT)
    with pytest.raises(ScoringError, match="评分表不存在"):
        await service.save_sheet(ZHAO, sheet_id, 1, {}, {})


async def test_others_scores_stay_hidden_until_one_submits_and_then_the_mean_shows(bound):
    rubric = await service.current_rubric("screening")
    li = await service.open_sheet(LI, rubric["id"], SUBJECT)
    zhao = await service.open_sheet(ZHAO, rubric["id"], SUBJECT)
    await service.save_sheet(LI, li, 1, full_marks(rubric, 0.9), {}, submit=True)
    before = await service.sheets_for_subject(ZHAO, SUBJECT, "screening")
    assert [s["hidden"] for s in before["sheets"]] == [True, False]
    assert before["sheets"][0]["total"] is None and before["mean"] is None
    await service.save_sheet(ZHAO, zhao, 1, full_marks(rubric, 0.7), {}, submit=True)
    after = await service.sheets_for_subject(ZHAO, SUBJECT, "screening")
    assert [s["total"] for s in after["sheets"]] == [90, 70]
    assert after["mean"] == 80 and after["band"].result == "admit"
    staff_view = await service.sheets_for_subject(STAFF, SUBJECT)
    assert staff_view["mean"] == 80
