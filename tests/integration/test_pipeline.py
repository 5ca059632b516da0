"""The pipeline end to end on the real database and through the pages."""

import re

from incubator.core.auth import CurrentUser
from incubator.scoring import rules as scoring_rules
from incubator.scoring import service as scoring
from tests.conftest import sql
from tests.support.web import csrf_token, login, post_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def qingniao(settings):
    return sql(settings, "SELECT * FROM organization WHERE name = '青鸟志愿者服务队'")[0]


def step(
    client,
    oid,
    code,
    reason="",
    files=None,
    version=None,
    track="in_park_6",
    services=("office_space", "mentoring"),
):
    page = client.get(f"/organizations/{oid}").text
    if version is None:
        version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {
        "code": code,
        "version": str(version),
        "reason": reason,
        "track": track,
        "services": list(services),
        "_csrf_token": csrf_token(client, f"/organizations/{oid}"),
    }
    response = client.post(f"/organizations/{oid}/transition", data=data, files=files)
    assert response.status_code == 303
    return client.get(response.headers["location"]).text


def complete_profile(settings, oid):
    sql(
        settings,
        "UPDATE organization SET legal_representative = '刘青鸟', address = '祥龙社区活动中心', "
        "description = '为社区老人提供志愿服务' WHERE id = $1",
        oid,
    )


def score(client, settings, oid, username, rubric_code, scale):
    """An assessor scores through the scoring engine, run inside the app's own event loop."""
    row = sql(settings, "SELECT id, display_name FROM app_user WHERE username = $1", username)[0]
    scorer = CurrentUser(row["id"], username, row["display_name"], "assessor", None, None)

    async def run():
        rubric = await scoring.current_rubric(rubric_code)
        sheet_id = await scoring.open_sheet(scorer, rubric["id"], ("organization", oid))
        points = {
            s.code: round(s.max_points * scale, 1) for s in scoring_rules.leaves(rubric["specs"])
        }
        await scoring.save_sheet(scorer, sheet_id, 1, points, {}, submit=True)

    client.blocking_portal.call(run)


def make_room(client, name="201 办公室", desks=2):
    """A staff user adds an office room with its desks."""
    response = post_form(
        client,
        "/center/rooms",
        {"zone": "office", "name": name, "capacity": "8", "area": "40", "desks": str(desks)},
        page="/center/space",
    )
    assert response.status_code == 303, response.text


def draft_agreement(client, oid, signed_on="2026-11-20", desk_count=1, **extra):
    """Staff draft the entry agreement on its page, taking the first free desks."""
    page = client.get(f"/organizations/{oid}/agreement").text
    fields = dict(re.findall(r'<(?:input|textarea)[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    data = {
        "version": fields.get("version", "0"),
        "period_start": fields.get("period_start", ""),
        "period_end": fields.get("period_end", ""),
        "signed_on": signed_on,
        "obligations": "遵守中心管理制度",
        "commitment": "材料真实有效",
        "services": ["office_space", "mentoring"],
        "desks": re.findall(r'name="desks" value="(\d+)"', page)[:desk_count],
        **extra,
    }
    return post_form(client, f"/organizations/{oid}/agreement", data, page=f"/organizations/{oid}")


def complete_checklist(client, oid):
    page = client.get(f"/organizations/{oid}").text
    for item in re.findall(r'data-check="(\w+)"', page):
        response = post_form(
            client, f"/organizations/{oid}/checklist", {"item": item, "done": "1"}, page="/"
        )
        assert response.status_code == 303


def test_an_organization_goes_through_every_stage_with_a_timeline(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    page = step(client, oid, "accept")
    assert "已进入“接受申请”阶段" in page
    page = step(client, oid, "submit")
    assert "申请资料不完整，缺少：地址、组织简介" in page
    complete_profile(settings, oid)
    page = step(client, oid, "submit")
    assert "已进入“筛选评估”阶段" in page
    page = step(client, oid, "admit", reason="社区需求明确")
    assert "至少需要 2 位评审提交筛选评分，目前 0 位" in page
    score(client, settings, oid, "assessor", "screening", 0.9)
    score(client, settings, oid, "assessor2", "screening", 0.8)
    page = step(client, oid, "admit", reason="社区需求明确", services=())
    assert "请选择服务包（至少一项服务）" in page
    assert "已进入“入壳”阶段" in step(client, oid, "admit", reason="社区需求明确")
    assert qingniao(settings)["service_package"] == "office_space,mentoring"
    assert "请上传盖章的入驻协议扫描件" in step(client, oid, "sign_agreement")
    page = step(
        client, oid, "sign_agreement", files={"attachment": ("入驻协议.png", PNG, "image/png")}
    )
    assert "入驻协议尚未完成，缺少：入驻协议" in page
    make_room(client)
    assert draft_agreement(client, oid).status_code == 303
    page = step(
        client, oid, "sign_agreement", files={"attachment": ("入驻协议.png", PNG, "image/png")}
    )
    assert "已进入“孵化”阶段" in page
    assert "已进入“出壳”阶段" in step(client, oid, "request_graduation")
    score(client, settings, oid, "assessor", "graduation", 0.85)
    assert "出壳清单尚未完成：提交孵化总结报告" in step(client, oid, "graduate")
    complete_checklist(client, oid)
    page = step(client, oid, "graduate")
    assert "已进入“跟踪辅导”阶段" in page
    # Follow-up visits at +3, +6, +12 months became work items.
    items = sql(
        settings,
        "SELECT title FROM work_item WHERE subject_id = $1 AND kind = 'follow_up' "
        "ORDER BY due_date",
        oid,
    )
    assert [i["title"] for i in items] == [
        f"青鸟志愿者服务队出壳后 {n} 个月回访" for n in (3, 6, 12)
    ]
    events = sql(
        settings,
        "SELECT action, actor_name FROM organization_event WHERE organization = $1 ORDER BY id",
        oid,
    )
    assert [e["action"] for e in events] == [
        "accept",
        "submit",
        "admit",
        "agreement",
        "sign_agreement",
        "request_graduation",
        "graduate",
    ]
    assert {e["actor_name"] for e in events} == {"王中心"}
    assert "入驻协议.png" in page  # the scan is on the timeline
    documents = client.get(f"/organizations/{oid}").text.split('id="documents"')[1]
    assert "入驻协议.png" in documents.split("</section>")[0]  # and among the documents


def test_two_staff_moving_at_once_one_wins_the_other_is_told(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    step(client, oid, "accept", version=1)
    page = step(client, oid, "withdraw", reason="重复提交", version=1)
    assert "该记录已被他人修改" in page
    assert qingniao(settings)["stage"] == "application"


def test_an_applicant_moves_only_their_own_organization_and_only_where_allowed(client, settings):
    own = qingniao(settings)["id"]
    other = sql(settings, "SELECT id FROM organization WHERE name LIKE '%夕阳红%'")[0]["id"]
    login(client, "staff")
    step(client, own, "accept")
    step(client, other, "accept")
    client.cookies.clear()
    login(client, "qingniao")
    response = post_form(
        client,
        f"/organizations/{other}/transition",
        {"code": "withdraw", "version": "2", "reason": "x"},
        page="/",
    )
    assert response.status_code == 404  # another organization answers like a missing one
    assert (
        sql(settings, "SELECT stage FROM organization WHERE id = $1", other)[0]["stage"]
        == "application"
    )
    page = step(client, own, "accept")
    assert "您的角色不能执行“受理申请”" in page
    assert "已进入“撤回”阶段" in step(client, own, "withdraw", reason="负责人变动")


def test_the_board_counts_each_stage_within_scope(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    step(client, oid, "accept")
    board = client.get("/pipeline").text
    assert "青鸟志愿者服务队" in board
    client.cookies.clear()
    login(client, "tenglong")
    assert "青鸟志愿者服务队" not in client.get("/pipeline").text
    client.cookies.clear()
    login(client, "qingniao")
    assert client.get("/pipeline").status_code == 403


def test_the_api_gives_the_stage_and_the_timeline(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    step(client, oid, "accept")
    body = client.get(f"/api/v1/organizations/{oid}").json()
    assert body["stage"] == "application"
    assert [(e["action"], e["to_stage"], e["actor"]) for e in body["timeline"]] == [
        ("accept", "application", "王中心")
    ]
    listed = client.get("/api/v1/organizations?stage=application").json()
    assert [o["id"] for o in listed["items"]] == [oid]


def test_a_refused_transition_stores_no_file(client, settings):
    own = qingniao(settings)["id"]
    other = sql(settings, "SELECT id FROM organization WHERE name LIKE '%夕阳红%'")[0]["id"]
    login(client, "qingniao")
    data = {"code": "sign_agreement", "version": "1", "_csrf_token": csrf_token(client, "/")}
    for target in (other, own):
        client.post(
            f"/organizations/{target}/transition",
            data=data,
            files={"attachment": ("协议.png", PNG, "image/png")},
        )
    assert sql(settings, "SELECT id FROM stored_file") == []
    assert not any(settings.uploads_dir.rglob("*.png")) if settings.uploads_dir.exists() else True


def test_one_reviewer_with_two_sheets_is_still_one_review(client, settings):
    oid = qingniao(settings)["id"]
    complete_profile(settings, oid)
    login(client, "staff")
    step(client, oid, "accept")
    step(client, oid, "submit")
    score(client, settings, oid, "assessor", "screening", 0.9)
    row = sql(settings, "SELECT id, display_name FROM app_user WHERE username = 'assessor'")[0]
    scorer = CurrentUser(row["id"], "assessor", row["display_name"], "assessor", None, None)

    async def committee_sheet():
        rubric = await scoring.current_rubric("screening")
        sheet = await scoring.open_sheet(scorer, rubric["id"], ("organization", oid), "committee")
        points = {s.code: s.max_points for s in scoring_rules.leaves(rubric["specs"])}
        await scoring.save_sheet(scorer, sheet, 1, points, {}, submit=True)

    client.blocking_portal.call(committee_sheet)
    page = step(client, oid, "admit", reason="想录取")
    assert "至少需要 2 位评审提交筛选评分，目前 1 位" in page


def test_the_pipeline_demo_reaches_every_stage_and_exit_through_the_services(bound, tmp_path):
    from incubator.demo_pipeline import seed_pipeline_demo
    from incubator.organizations import rules
    from tests.support.databases import run_async

    async def seed_twice():
        first = await seed_pipeline_demo(tmp_path / "uploads")
        again = await seed_pipeline_demo(tmp_path / "uploads")
        return first, again

    first, again = run_async(seed_twice())
    assert (first, again) == (22, 0)
    stages = {r["stage"] for r in sql(bound, "SELECT DISTINCT stage FROM organization")}
    assert {code for code, _label in rules.ALL_STATES} <= stages
    assert len(sql(bound, "SELECT id FROM work_item WHERE kind = 'follow_up'")) == 9
    assert len(list((tmp_path / "uploads").rglob("*.pdf"))) == 10


def test_consultations_interviews_and_visits_go_on_the_timeline(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    post_form(
        client,
        f"/organizations/{oid}/notes",
        {"kind": "consultation", "text": "咨询登记备案流程"},
        page="/",
    )
    refused = post_form(
        client, f"/organizations/{oid}/notes", {"kind": "interview", "text": " "}, page="/"
    )
    assert "请填写记录内容" in client.get(refused.headers["location"]).text
    page = client.get(f"/organizations/{oid}").text
    assert "咨询指导" in page and "咨询登记备案流程" in page
    assert sql(settings, "SELECT stage, version FROM organization WHERE id = $1", oid)[0] == {
        "stage": None,
        "version": 1,
    }
    client.cookies.clear()
    login(client, "qingniao")
    assert (
        post_form(
            client, f"/organizations/{oid}/notes", {"kind": "note", "text": "x"}, page="/"
        ).status_code
        == 403
    )


def test_planned_milestones_block_graduation_until_done_and_exits_plan_a_handover(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    response = post_form(
        client,
        f"/organizations/{oid}/items",
        {"kind": "milestone", "title": "完成民政备案材料", "due_date": "2017-09-30"},
        page="/",
    )
    assert "事项已创建" in client.get(response.headers["location"]).text
    bad = post_form(client, f"/organizations/{oid}/items", {"kind": "bogus", "title": ""}, page="/")
    assert "请选择有效的事项类型" in client.get(bad.headers["location"]).text
    facts_page = client.get(f"/organizations/{oid}").text
    assert "完成民政备案材料" in facts_page
    sql(
        settings,
        "UPDATE organization SET stage = 'graduation', version = version + 1 WHERE id = $1",
        oid,
    )
    score(client, settings, oid, "assessor", "graduation", 0.9)
    complete_checklist(client, oid)
    page = step(client, oid, "graduate")
    assert "还有 1 项孵化节点、整改、交接或总结报告事项未办结" in page
    page = step(client, oid, "terminate", reason="负责人长期联系不上")
    assert "已进入“退出孵化”阶段" in page
    handover = sql(
        settings,
        "SELECT title, due_date FROM work_item WHERE kind = 'report' AND subject_id = $1",
        oid,
    )
    assert handover[0]["title"] == "青鸟志愿者服务队退驻交接"


def test_outcomes_after_graduation_are_kept_as_a_series(client, settings):
    oid = qingniao(settings)["id"]
    login(client, "staff")
    early = post_form(
        client,
        f"/organizations/{oid}/outcomes",
        {"recorded_on": "2017-09-01", "registration_status": "filed"},
        page="/",
    )
    assert "出壳后的跟踪辅导阶段才记录发展情况" in client.get(early.headers["location"]).text
    sql(
        settings,
        "UPDATE organization SET stage = 'follow_up', version = version + 1 WHERE id = $1",
        oid,
    )
    for day, status, contracts in (("2017-09-01", "filed", "0"), ("2017-12-01", "registered", "2")):
        post_form(
            client,
            f"/organizations/{oid}/outcomes",
            {
                "recorded_on": day,
                "registration_status": status,
                "grade": "",
                "government_contracts": contracts,
                "staff_count": "2",
                "volunteers_count": "130",
            },
            page="/",
        )
    rows = sql(
        settings,
        "SELECT registration_status, government_contracts FROM organization_outcome "
        "ORDER BY recorded_on",
    )
    assert rows == [
        {"registration_status": "filed", "government_contracts": 0},
        {"registration_status": "registered", "government_contracts": 2},
    ]
    assert "出壳后发展情况" in client.get(f"/organizations/{oid}").text
