"""Lists, exports and the API show nothing of another scope: what the route matrix, which looks
at one record at a time, does not see."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.security.conftest import ORG_X

ACTIVITY_X = "青鸟敬老探访"  # X's activity (conftest)


@pytest.mark.parametrize("persona", ["comB", "appY"])
def test_another_scopes_organization_and_activity_are_in_no_list_export_or_api_answer(
    world, persona
):
    world.use(persona)
    get = world.client.get
    assert ORG_X not in get("/organizations").text
    sheet = load_workbook(io.BytesIO(get("/organizations/export.xlsx").content)).active
    assert ORG_X not in {row[0] for row in sheet.iter_rows(values_only=True)}
    assert ORG_X not in str(get("/api/v1/organizations").json())
    for path in ("/activities", "/activities/export.csv", "/api/v1/activities"):
        response = get(path)
        assert response.status_code == 200, path
        assert ACTIVITY_X not in response.text, path
    # The lists are not empty: the owner sees both.
    world.use("appX")
    assert ORG_X in get("/organizations").text
    assert ACTIVITY_X in get("/activities").text
    world.forget()


def test_a_community_officer_lists_only_their_own_community(world):
    world.use("comA")
    page = world.client.get("/communities").text
    assert "祥龙社区" in page
    assert "腾龙社区" not in page
    world.forget()


def test_another_communitys_facilities_are_in_no_list_export_or_api_answer(world):
    """comB sees neither A's project nor A's meal point anywhere; comA and staff see both."""
    project, meal_point = "祥龙服务大厅", "祥龙长者食堂"  # community A's (conftest)
    get = world.client.get
    pages = (
        "/facilities",
        "/facilities/export.xlsx",
        "/facilities/meal-points",
        "/facilities/meal-points/export.xlsx",
        "/facilities/stations",
        "/facilities/stations/export.xlsx",
        "/facilities/targets",
        "/api/v1/facilities",
    )

    def seen() -> str:
        texts = []
        for path in pages:
            response = get(path)
            assert response.status_code == 200, path
            if path.endswith(".xlsx"):
                sheet = load_workbook(io.BytesIO(response.content)).active
                texts.append(str(list(sheet.iter_rows(values_only=True))))
            else:
                texts.append(response.text)
        return "\n".join(texts)

    world.use("comB")
    other = seen()
    assert project not in other and meal_point not in other and "祥龙社区" not in other
    for persona in ("comA", "staff"):
        world.use(persona)
        own = seen()
        assert project in own and meal_point in own
    world.forget()


def test_another_communitys_agreement_and_evaluations_are_in_no_list_or_api_answer(world):
    """comB sees nothing of A's agreement or A's two-way evaluation; comA and staff see both."""
    get = world.client.get
    pages = ("/cooperation?year=2017", "/cooperation/evaluations", "/api/v1/cooperation/agreements")
    world.use("comB")
    for path in (*pages, "/cooperation/targets?year=2017", "/cooperation/funding?year=2017"):
        response = get(path)
        assert response.status_code == 200, path
        assert "祥龙社区" not in response.text, path
    for persona in ("comA", "staff"):
        world.use(persona)
        for path in pages:
            assert "祥龙社区" in get(path).text, (persona, path)
    world.forget()
