"""Screening reviews through the pages: assignment, scoring with checks, hidden peers, admission."""

import re

from incubator.core.i18n import local_today
from tests.conftest import sql
from tests.support.web import csrf_token, login, post_form

SCREENING_LEAVES = {
    "1.1": 10,
    "1.2": 10,
    "2.1": 10,
    "2.2": 15,
    "2.3": 15,
    "3.1": 15,
    "3.2": 10,
    "4.1": 10,
    "4.2": 5,
}


def to_screening(client, settings):
    oid = sql(settings, "SELECT id FROM organization WHERE name = '青鸟志愿者服务队'")[0]["id"]
    sql(
        settings,
        "UPDATE organization SET address = '祥龙社区', description = '志愿服务', "
        "stage = 'screening', version = version + 1 WHERE id = $1",
        oid,
    )
    return oid


def assign(client, oid, *usernames, settings):
    ids = [
        str(sql(settings, "SELECT id FROM app_user WHERE username = $1", u)[0]["id"])
        for u in usernames
    ]
    token = csrf_token(client, f"/organizations/{oid}")
    return client.post(
        f"/organizations/{oid}/reviewers",
        data={"assessor": ids, "due_date": "2017-06-30", "_csrf_token": token},
    )


def review_id(settings, username):
    owner = sql(settings, "SELECT id FROM app_user WHERE username = $1", username)[0]["id"]
    return sql(
        settings, "SELECT id FROM work_item WHERE kind = 'screening_review' AND owner = $1", owner
    )[0]["id"]


def score(client, rid, scale, action="submit", **overrides):
    page = client.get(f"/reviews/{rid}").text
    version = re.search(r'name="sheet_version" value="(\d+)"', page).group(1)
    data = {
        f"points-{code}": str(round(full * scale, 1)) for code, full in SCREENING_LEAVES.items()
    }
    data.update(overrides)
    return post_form(
        client,
        f"/reviews/{rid}",
        {**data, "sheet_version": version, "action": action},
        page=f"/reviews/{rid}",
    )


def test_two_assessors_score_and_staff_admit(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    assert assign(client, oid, "assessor", "assessor2", settings=settings).status_code == 303
    assert "已安排 2 位评审" in client.get(f"/organizations/{oid}").text
    assign(client, oid, "assessor", settings=settings)  # not assigned twice
    assert len(sql(settings, "SELECT id FROM work_item WHERE kind = 'screening_review'")) == 2

    client.cookies.clear()
    login(client, "assessor")
    rid = review_id(settings, "assessor")
    page = client.get(f"/reviews/{rid}").text
    assert "发起人与骨干团队" in page and 'id="live-total"' in page
    bad = score(client, rid, 0.9, **{"points-1.1": "12"})
    assert bad.status_code == 400 and "“发起人与骨干团队”的得分应在 0 到 10 之间" in bad.text
    assert 'value="12"' in bad.text  # what was typed stays
    draft = score(client, rid, 0.9, action="save", **{"points-4.2": ""})
    assert draft.status_code == 303
    assert "已暂存" in client.get(f"/reviews/{rid}").text
    done = score(client, rid, 0.9)
    assert done.status_code == 303
    page = client.get(f"/reviews/{rid}").text
    assert "评分已提交，总分 90" in page
    assert (
        sql(settings, "SELECT status FROM work_item WHERE id = $1", rid)[0]["status"] == "submitted"
    )

    client.cookies.clear()
    login(client, "assessor2")
    rid2 = review_id(settings, "assessor2")
    assert client.get(f"/reviews/{rid}").status_code == 404  # not theirs
    before = client.get(f"/reviews/{rid2}").text
    assert "提交自己的评分后才能看到其他评审的分数" in before and ">90<" not in before
    score(client, rid2, 0.7)
    after = client.get(f"/reviews/{rid2}").text
    assert "平均分" in after and ">80<" in after

    client.cookies.clear()
    login(client, "staff")
    token = csrf_token(client, f"/organizations/{oid}")
    version = sql(settings, "SELECT version FROM organization WHERE id = $1", oid)[0]["version"]
    client.post(
        f"/organizations/{oid}/transition",
        data={
            "code": "admit",
            "version": str(version),
            "reason": "评分达标",
            "track": "in_park_12",
            "services": ["office_space", "mentoring"],
            "_csrf_token": token,
        },
    )
    assert sql(settings, "SELECT stage FROM organization WHERE id = $1", oid)[0]["stage"] == "entry"


def test_an_assessor_recuses_with_a_reason(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    assign(client, oid, "assessor", settings=settings)
    client.cookies.clear()
    login(client, "assessor")
    rid = review_id(settings, "assessor")
    refused = post_form(
        client, f"/reviews/{rid}/recuse", {"version": "1", "reason": ""}, page="/reviews"
    )
    assert "请说明回避的原因" in client.get(refused.headers["location"]).text
    post_form(
        client,
        f"/reviews/{rid}/recuse",
        {"version": "1", "reason": "本人是该组织理事"},
        page="/reviews",
    )
    assert (
        sql(settings, "SELECT status FROM work_item WHERE id = $1", rid)[0]["status"] == "recused"
    )
    note = sql(settings, "SELECT note FROM work_item_event WHERE item = $1 ORDER BY id DESC", rid)[
        0
    ]
    assert note["note"] == "本人是该组织理事"


def test_reviews_are_not_for_other_roles(client, settings):
    oid = to_screening(client, settings)
    login(client, "qingniao")
    assert client.get("/reviews").status_code == 403
    assert (
        post_form(
            client, f"/organizations/{oid}/reviewers", {"assessor": "3"}, page="/"
        ).status_code
        == 403
    )
    client.cookies.clear()
    login(client, "staff")
    response = assign(client, oid, "xianglong", settings=settings)
    assert "所选评审不存在或已停用" in client.get(response.headers["location"]).text


def test_my_work_lists_waiting_applications_and_my_reviews(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    page = client.get("/my-work").text
    assert "青鸟志愿者服务队" in page and "已提交评分 0 份" in page
    assign(client, oid, "assessor", settings=settings)
    sql(settings, "UPDATE work_item SET due_date = '2017-01-02'")
    client.cookies.clear()
    login(client, "assessor")
    page = client.get("/my-work").text
    assert "青鸟志愿者服务队：筛选评审" in page
    assert "等待筛选评审的申请" not in page
    client.cookies.clear()
    login(client, "xianglong")
    assert client.get("/my-work").status_code == 403


def test_entry_diagnosis_is_scored_and_compared_later(client, settings):
    oid = to_screening(client, settings)
    sql(settings, "UPDATE organization SET stage = 'entry' WHERE id = $1", oid)
    login(client, "staff")
    assign(client, oid, "assessor", settings=settings)
    kinds = sql(settings, "SELECT kind FROM work_item WHERE subject_id = $1", oid)
    assert kinds == [{"kind": "diagnosis_review"}]
    client.cookies.clear()
    login(client, "assessor")
    rid = sql(settings, "SELECT id FROM work_item WHERE kind = 'diagnosis_review'")[0]["id"]
    page = client.get(f"/reviews/{rid}").text
    assert "入壳组织诊断表" in page and "章程与决策机制" in page
    codes = re.findall(r'name="points-([\d.]+)"', page)
    version = re.search(r'name="sheet_version" value="(\d+)"', page).group(1)
    data = {f"points-{code}": "5" for code in codes}
    post_form(
        client, f"/reviews/{rid}", {**data, "sheet_version": version, "action": "submit"}, page="/"
    )
    client.cookies.clear()
    login(client, "staff")
    history = client.get(f"/organizations/{oid}").text
    assert 'id="score-history"' in history and "入壳诊断" in history


def as_user(client, username):
    client.cookies.clear()
    login(client, username)


def test_review_items_are_seen_only_by_staff_and_their_own_assessor(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    assign(client, oid, "assessor", settings=settings)
    rid = review_id(settings, "assessor")
    # Due tomorrow: it would show on every home page's due-soon panel of its scope.
    sql(settings, "UPDATE work_item SET due_date = $1 WHERE id = $2", local_today(), rid)
    title = "青鸟志愿者服务队：筛选评审"
    for username in ("staff", "admin", "assessor"):
        as_user(client, username)
        assert title in client.get("/work").text, username
        assert client.get(f"/work/{rid}").status_code == 200, username
        assert title in client.get("/").text, username
    # The organization itself, its community's officer and the rest of the panel see nothing.
    for username in ("qingniao", "xianglong", "assessor2"):
        as_user(client, username)
        assert title not in client.get("/work").text, username
        assert title not in client.get("/work?state=all").text, username
        assert title not in client.get("/").text, username
        assert client.get(f"/work/{rid}").status_code == 404, username
        assert "李评审" not in client.get(f"/organizations/{oid}").text, username
        if username == "qingniao":
            move = post_form(
                client,
                f"/work/{rid}/move",
                {"version": "1", "to_status": "cancelled", "note": ""},
                page="/work",
            )
            assert move.status_code in (400, 404)
    assert sql(settings, "SELECT status FROM work_item WHERE id = $1", rid)[0]["status"] == (
        "assigned"
    )


def test_a_recusal_reason_is_not_shown_to_the_organization(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    assign(client, oid, "assessor", settings=settings)
    rid = review_id(settings, "assessor")
    as_user(client, "assessor")
    reason = {"version": "1", "reason": "本人是该组织理事"}
    post_form(client, f"/reviews/{rid}/recuse", reason, page="/reviews")
    as_user(client, "staff")
    assert "本人是该组织理事" in client.get(f"/work/{rid}").text
    for username in ("qingniao", "xianglong", "assessor2"):
        as_user(client, username)
        assert client.get(f"/work/{rid}").status_code == 404, username


def test_a_submitted_review_writes_no_total_on_its_timeline(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    assign(client, oid, "assessor", settings=settings)
    rid = review_id(settings, "assessor")
    as_user(client, "assessor")
    assert score(client, rid, 0.9).status_code == 303
    notes = sql(settings, "SELECT note FROM work_item_event WHERE item = $1", rid)
    assert len(notes) == 2 and not any("90" in n["note"] or "评分总分" in n["note"] for n in notes)
    as_user(client, "staff")
    assert "评分总分" not in client.get(f"/work/{rid}").text


def test_an_assessor_sees_no_panel_mean_or_peer_before_submitting(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    assign(client, oid, "assessor", "assessor2", settings=settings)
    as_user(client, "assessor2")
    assert score(client, review_id(settings, "assessor2"), 0.7).status_code == 303
    as_user(client, "staff")
    assert 'id="score-history"' in client.get(f"/organizations/{oid}").text

    as_user(client, "assessor")
    rid = review_id(settings, "assessor")
    organization_page = client.get(f"/organizations/{oid}").text
    assert 'id="score-history"' not in organization_page and ">70<" not in organization_page
    review_page = client.get(f"/reviews/{rid}").text
    assert "赵评审" not in review_page and "其他评审" in review_page
    assert ">70<" not in review_page and "平均分" not in review_page

    score(client, rid, 0.9)
    assert 'id="score-history"' in client.get(f"/organizations/{oid}").text
    review_page = client.get(f"/reviews/{rid}").text
    assert "赵评审" in review_page and ">80<" in review_page


def test_opening_a_review_writes_no_sheet_until_the_first_save(client, settings):
    oid = to_screening(client, settings)
    login(client, "staff")
    assign(client, oid, "assessor", settings=settings)
    rid = review_id(settings, "assessor")
    as_user(client, "assessor")
    sheets = "SELECT id, status FROM score_sheet"
    assert client.get(f"/reviews/{rid}").status_code == 200
    assert client.get(f"/reviews/{rid}").status_code == 200
    assert sql(settings, sheets) == []
    refused = score(client, rid, 0.9, action="save", **{"points-1.1": "12"})
    assert refused.status_code == 400 and "得分应在 0 到 10 之间" in refused.text
    assert sql(settings, sheets) == []
    assert score(client, rid, 0.9, action="save").status_code == 303
    assert [s["status"] for s in sql(settings, sheets)] == ["draft"]
    assert score(client, rid, 0.9).status_code == 303
    assert [s["status"] for s in sql(settings, sheets)] == ["submitted"]


def test_the_migration_blanks_totals_that_old_reviews_noted(client, settings):
    import importlib

    from incubator.core import db
    from tests.support.databases import run_async

    oid = to_screening(client, settings)
    login(client, "staff")
    assign(client, oid, "assessor", settings=settings)
    rid = review_id(settings, "assessor")
    for status, note in (
        ("submitted", "评分总分 90"),
        ("submitted", "Total score 85"),
        ("assigned", "评分总分 是否达标请复核"),  # not a submission's note: kept
    ):
        sql(
            settings,
            "INSERT INTO work_item_event (item, at, actor_name, from_status, to_status, note) "
            "VALUES ($1, CURRENT_TIMESTAMP, 'x', 'assigned', $2, $3)",
            rid,
            status,
            note,
        )
    migration = importlib.import_module("migrations.incubator_2026_12_01t10_40_00_000000")

    async def migrate():
        engine = db.bind_engine(db.engine_from_url(settings.database_url))
        try:
            await (await migration.forwards()).run()
        finally:
            await db.close_pool(engine)

    run_async(migrate())
    notes = sql(settings, "SELECT note FROM work_item_event WHERE item = $1 ORDER BY id", rid)
    assert [n["note"] for n in notes] == ["", "", "", "评分总分 是否达标请复核"]
