"""政社互动 against the real database (SQLite and PostgreSQL): agreements drafted from the year's
template and signed, notes on items, the two-way evaluation's two score sheets, G1 and G2 on
hand-built data, the community scope, and the sheets' export imported again."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from incubator.cooperation import metrics, service
from incubator.cooperation.service import CooperationError
from incubator.core.auth import CurrentUser
from incubator.core.scoping import NotVisible
from incubator.regions.service import CommunityChoiceError
from incubator.scoring import rules as scoring_rules
from tests.conftest import sql
from tests.support import imports
from tests.support.images import png
from tests.support.web import csrf_token, login, post_form

STAFF = CurrentUser(2, "staff", "王中心", "staff", None, None)
ASSESSOR = CurrentUser(3, "assessor", "李评审", "assessor", None, None)
XIANGLONG = CurrentUser(5, "xianglong", "陈祥龙", "community", 1, None)
TENGLONG = CurrentUser(6, "tenglong", "周腾龙", "community", 2, None)
D = dt.date
YEAR_END = D(2017, 12, 31)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def signed(actor, community_id, day, tmp_path) -> int:
    agreement_id = await service.draft_agreement(actor, community_id, day.year)
    agreement = await service.get_agreement(actor, agreement_id)
    await service.sign(
        actor, agreement_id, agreement["version"], day, (PDF, "协议.pdf"), tmp_path, 10**7
    )
    return agreement_id


async def test_an_agreement_is_drafted_from_the_years_template_once(bound):
    await service.save_template(
        STAFF,
        2017,
        0,
        {
            "title": "协议书",
            "street_party": "龙虎塘街道办事处",
            "duties": "一\n二",
            "assists": "三",
        },
    )
    first = await service.draft_agreement(XIANGLONG, None, 2017)
    assert await service.draft_agreement(STAFF, 1, 2017) == first  # the same, not a second
    agreement = await service.get_agreement(XIANGLONG, first)
    assert agreement["duties_items"] == ["一", "二"] and agreement["assists_items"] == ["三"]
    assert agreement["community_party"] == "祥龙社区居民委员会"
    # A later template change does not touch an agreement already drafted.
    await service.save_template(
        STAFF, 2017, 1, {"title": "协议书", "street_party": "x", "duties": "甲", "assists": "乙"}
    )
    assert (await service.get_agreement(STAFF, first))["duties_items"] == ["一", "二"]


async def test_signing_needs_a_date_in_its_year_and_the_stamped_scan_then_freezes_it(
    bound, tmp_path
):
    agreement_id = await service.draft_agreement(XIANGLONG, None, 2017)
    with pytest.raises(CooperationError, match="请上传盖章后的协议书扫描件"):
        await service.sign(XIANGLONG, agreement_id, 1, D(2017, 5, 1), None, tmp_path, 10**7)
    with pytest.raises(CooperationError, match="签订日期应在协议年度"):
        await service.sign(
            XIANGLONG, agreement_id, 1, D(2016, 5, 1), (PDF, "a.pdf"), tmp_path, 10**7
        )
    with pytest.raises(CooperationError, match="不支持的文件类型"):
        await service.sign(
            XIANGLONG, agreement_id, 1, D(2017, 5, 1), (b"<html>", "a.pdf"), tmp_path, 10**7
        )
    assert sql_count(bound, "stored_file") == 0  # nothing half-written
    await service.sign(XIANGLONG, agreement_id, 1, D(2017, 5, 1), (PDF, "a.pdf"), tmp_path, 10**7)
    agreement = await service.get_agreement(STAFF, agreement_id)
    assert agreement["signed_on"] == D(2017, 5, 1) and agreement["scan"] is not None
    with pytest.raises(CooperationError, match="协议书已签订，不能再修改"):
        await service.update_agreement(
            XIANGLONG,
            agreement_id,
            agreement["version"],
            {
                "title": "x",
                "street_party": "x",
                "community_party": "x",
                "duties": "a",
                "assists": "b",
            },
        )


def sql_count(settings, table: str) -> int:
    return sql(settings, f"SELECT count(*) AS n FROM {table}")[0]["n"]


async def test_notes_name_an_item_of_the_agreement(bound):
    agreement_id = await service.draft_agreement(XIANGLONG, None, 2017)
    await service.add_note(
        XIANGLONG,
        agreement_id,
        {"item": "assists:2", "department": "社会事业保障中心", "action": "完成健康档案更新"},
    )
    with pytest.raises(CooperationError, match="请选择协议书中的事项"):
        await service.add_note(XIANGLONG, agreement_id, {"item": "assists:99", "action": "x"})
    notes = await service.notes(agreement_id)
    assert [(n["list_code"], n["item_no"], n["department"]) for n in notes] == [
        ("assists", 2, "社会事业保障中心")
    ]


async def test_a_community_officer_reads_and_writes_only_their_own_community(bound, tmp_path):
    agreement_id = await service.draft_agreement(XIANGLONG, None, 2017)
    assert await service.get_agreement(TENGLONG, agreement_id) is None
    assert await service.get_agreement(ASSESSOR, agreement_id) is not None
    with pytest.raises(CommunityChoiceError, match="只能为本社区登记"):
        await service.draft_agreement(TENGLONG, 1, 2017)
    with pytest.raises(NotVisible):
        await service.sign(
            TENGLONG, agreement_id, 1, D(2017, 5, 1), (PDF, "a.pdf"), tmp_path, 10**7
        )
    with pytest.raises(NotVisible):
        await service.add_funding(XIANGLONG, {"community_id": 1, "year": 2017, "amount": 1})


async def score(actor, evaluation_id, side, share=0.9):
    page = await service.score_page(actor, evaluation_id, side)
    points = {
        spec.code: round(spec.max_points * share)
        for spec in scoring_rules.leaves(page["rubric"]["specs"])
    }
    return await service.save_scores(
        actor, evaluation_id, side, page["sheet"]["version"], points, {}, "", True
    )


async def test_a_two_way_evaluation_is_done_when_both_sheets_are_submitted(bound):
    evaluation_id = await service.create_evaluation(
        STAFF, {"community_id": 1, "evaluated_on": D(2017, 6, 20)}
    )
    with pytest.raises(CooperationError, match="已有一次双向评估"):
        await service.create_evaluation(STAFF, {"community_id": 1, "evaluated_on": D(2017, 6, 20)})
    # Each side scores only its own sheet.
    with pytest.raises(NotVisible):
        await service.score_page(XIANGLONG, evaluation_id, service.STREET_SIDE)
    with pytest.raises(NotVisible):
        await service.score_page(TENGLONG, evaluation_id, service.COMMUNITY_SIDE)
    assert await score(STAFF, evaluation_id, service.STREET_SIDE) == 90
    assert (await service.get_evaluation(STAFF, evaluation_id))["done"] is False
    assert (await metrics.g2(1, 2017, D(2017, 6, 30))).numerator == 0
    await score(XIANGLONG, evaluation_id, service.COMMUNITY_SIDE, 0.8)
    evaluation = await service.get_evaluation(XIANGLONG, evaluation_id)
    assert evaluation["done"] is True
    assert (evaluation["street_score"], evaluation["community_score"]) == (
        Decimal("90.00"),
        Decimal("80.00"),
    )
    figure = await metrics.g2(1, 2017, D(2017, 6, 30))
    assert (figure.numerator, figure.denominator, figure.met) == (1, 1, True)


async def test_g1_is_signed_by_30_june(bound, tmp_path):
    assert (await metrics.g1(1, 2017, YEAR_END)).met is False  # no agreement: not met
    await signed(XIANGLONG, None, D(2017, 6, 30), tmp_path)
    await signed(TENGLONG, None, D(2017, 7, 1), tmp_path)
    on_time, late = await metrics.g1(1, 2017, YEAR_END), await metrics.g1(2, 2017, YEAR_END)
    assert (on_time.numerator, on_time.denominator, on_time.value, on_time.met) == (
        1,
        1,
        Decimal("100.0"),
        True,
    )
    assert (late.numerator, late.value, late.met) == (0, Decimal("0.0"), False)
    assert (await metrics.g1(1, 2017, D(2017, 6, 29))).met is False  # not yet signed then


async def test_g2_counts_each_ended_half_with_a_done_evaluation(bound):
    from incubator.cooperation.tables import TwoWayEvaluation

    for day, street, community in (
        (D(2017, 3, 1), "90", "85"),
        (D(2017, 5, 1), "91", None),  # one way only: not done
        (D(2017, 11, 1), None, "80"),
        (D(2016, 12, 1), "90", "90"),  # another year
    ):
        await TwoWayEvaluation.insert(
            TwoWayEvaluation(
                community=1,
                evaluated_on=day,
                street_score=Decimal(street) if street else None,
                community_score=Decimal(community) if community else None,
            )
        )
    assert (await metrics.g2(1, 2017, D(2017, 6, 29))).denominator == 0
    assert (await metrics.g2(1, 2017, D(2017, 6, 29))).met is False  # no half ended: not met
    figure = await metrics.g2(1, 2017, YEAR_END)
    assert (figure.numerator, figure.denominator, figure.value, figure.met) == (
        1,
        2,
        Decimal("50.0"),
        False,
    )
    assert (await metrics.g2(2, 2017, YEAR_END)).numerator == 0


# --- through the pages ------------------------------------------------------------------------


def test_the_export_imports_again_adding_nothing_and_into_an_empty_list(client, settings):
    from tests.integration.test_sheet_import import workbook

    login(client, "staff")
    data = workbook(
        {
            "协议书": [
                ["社区代码", "年度", "签订日期"],
                ["说明：必填", "", ""],
                ["LHT-01", 2017, "2017-04-20"],
                ["LHT-02", 2017, "2017/7/3"],
            ],
            "双向评估": [
                ["社区代码", "评估日期", "街道评社区得分", "社区评街道得分"],
                ["LHT-01", "2017-06-20", 92, 88.5],
                ["LHT-01", "2017-12-15", 95, None],
            ],
        }
    )
    status, page = imports.import_file(client, "/cooperation/import", data, "政社.xlsx")
    assert status["status"] == "done", page
    assert sql_count(settings, "cooperation_agreement") == 2
    agreements = client.get("/cooperation/export.xlsx?year=2017").content
    evaluations = client.get("/cooperation/evaluations/export.xlsx?year=2017").content
    rows = list(load_workbook(io.BytesIO(evaluations)).active.iter_rows(values_only=True))
    assert rows[0] == ("社区代码", "评估日期", "街道评社区得分", "社区评街道得分")
    assert rows[1][0] == "LHT-01" and rows[2][3] is None
    for exported in (agreements, evaluations):
        status, page = imports.import_file(client, "/cooperation/import", exported, "政社.xlsx")
        assert status["status"] == "done", page
    assert sql_count(settings, "cooperation_agreement") == 2
    assert sql_count(settings, "two_way_evaluation") == 2

    sql(settings, "DELETE FROM two_way_evaluation")
    sql(settings, "DELETE FROM cooperation_agreement")
    for exported in (agreements, evaluations):
        status, page = imports.import_file(client, "/cooperation/import", exported, "政社.xlsx")
        assert status["status"] == "done", page
    signed_on = sql(
        settings,
        "SELECT c.code, a.signed_on FROM cooperation_agreement a "
        "JOIN community c ON c.id = a.community ORDER BY c.code",
    )
    assert [(r["code"], str(r["signed_on"])) for r in signed_on] == [
        ("LHT-01", "2017-04-20"),
        ("LHT-02", "2017-07-03"),
    ]
    page = client.get("/cooperation/targets?year=2017").text
    assert "G1" in page


def test_a_community_officer_signs_with_the_scan_and_prints_the_agreement(client, settings):
    login(client, "xianglong")
    response = post_form(
        client, "/cooperation/draft", {"year": "2017"}, page="/cooperation?year=2017"
    )
    assert response.status_code == 303
    location = response.headers["location"]
    token_page = client.get(location).text
    assert "依法协助政府工作事项" in token_page
    response = client.post(
        location + "/sign",
        data={
            "signed_on": "2017-05-01",
            "version": "1",
            "_csrf_token": csrf_token(client, location),
        },
        files={"scan": ("盖章.png", png(), "image/png")},
    )
    assert response.status_code == 303
    assert "2017-05-01" in client.get(location).text
    pdf = client.get("/reports/cooperation/" + location.rsplit("/", 1)[1] + ".pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_a_signed_agreement_is_corrected_only_by_the_street(bound, tmp_path):
    agreement_id = await signed(XIANGLONG, None, D(2017, 9, 1), tmp_path)
    with pytest.raises(CooperationError, match="如需更正签订日期"):
        await service.sign(XIANGLONG, agreement_id, 2, D(2017, 6, 1), None, tmp_path, 10**7)
    await service.sign(STAFF, agreement_id, 2, D(2017, 8, 30), None, tmp_path, 10**7)
    assert (await service.get_agreement(STAFF, agreement_id))["signed_on"] == D(2017, 8, 30)


async def test_an_incomplete_sheet_is_refused_in_words_and_an_import_keeps_sheet_scores(bound):
    from incubator.cooperation import importer

    evaluation_id = await service.create_evaluation(
        STAFF, {"community_id": 1, "evaluated_on": D(2017, 6, 20)}
    )
    page = await service.score_page(STAFF, evaluation_id, service.STREET_SIDE)
    with pytest.raises(CooperationError) as refused:
        await service.save_scores(
            STAFF, evaluation_id, service.STREET_SIDE, page["sheet"]["version"], {}, {}, "", True
        )
    assert refused.value.details  # each missing score named
    await score(STAFF, evaluation_id, service.STREET_SIDE, 0.9)
    # An older row: a blank community score and another street score.
    await importer.EVALUATIONS.update(
        STAFF, [(evaluation_id, {"street_score": Decimal("50"), "community_score": None})]
    )
    evaluation = await service.get_evaluation(STAFF, evaluation_id)
    assert (evaluation["street_score"], evaluation["community_score"]) == (Decimal("90.00"), None)
