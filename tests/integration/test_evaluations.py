"""The grade register through the pages on the real database: results graded by the bands,
indicator scores, eligibility and expiring lists, downgrades, the plan's figures, scoping."""

import datetime as dt
import re

from incubator.core.dates import add_months
from incubator.core.i18n import local_today
from tests.conftest import sql
from tests.support.web import login, post_form

SUNSET = "龙虎塘街道夕阳红助老服务中心"  # 社会服务机构, registered 2013, 腾龙社区
SUNSHINE = "常州市新北区阳光助残服务社"  # 社会服务机构, registered 2014, 新龙社区
QINGNIAO = "青鸟志愿者服务队"  # 社区社会组织 (备案)


def org_id(settings, name):
    return sql(settings, "SELECT id FROM organization WHERE name = $1", name)[0]["id"]


def flashed(client, response):
    assert response.status_code == 303, response.text[:300]
    return client.get(response.headers["location"]).text


def record(client, oid, **changes):
    data = {"evaluated_on": "2017-06-15", "body": "常州市社会组织评估委员会"} | changes
    return post_form(client, f"/organizations/{oid}/evaluations", data, page="/")


def inspection(client, oid, year, result="pass"):
    data = {"kind": "inspection", "year": str(year), "result": result}
    return post_form(client, f"/organizations/{oid}/compliance", data, page="/")


def test_a_result_takes_its_grade_from_the_bands_and_lasts_five_years(client, settings):
    oid = org_id(settings, SUNSET)
    login(client, "staff")
    page = flashed(client, record(client, oid, total_score="912.5"))
    assert "评估结果已登记" in page
    row = sql(settings, "SELECT * FROM evaluation")[0]
    assert row["grade"] == "4A" and str(row["valid_until"]) == "2022-06-14"
    page = flashed(client, record(client, oid, evaluated_on="2017-07-01", grade="none"))
    assert sql(settings, "SELECT grade FROM evaluation ORDER BY id")[1]["grade"] == ""
    for changes, message in (
        ({}, "请选择评估等级，或填写总分由评分档次得出等级"),
        ({"evaluated_on": "2999-01-01", "grade": "5A"}, "评估日期不能晚于今天"),
        ({"grade": "6A"}, "请选择有效的评估等级"),
        ({"total_score": "1200"}, "总分必须在 0 到 1000 之间"),
    ):
        assert message in flashed(client, record(client, oid, **changes)), changes
    assert len(sql(settings, "SELECT id FROM evaluation")) == 2
    refused = flashed(client, record(client, org_id(settings, QINGNIAO), grade="3A"))
    assert "社区社会组织不参加等级评估" in refused


def test_panel_indicator_scores_roll_up_to_the_first_level(client, settings):
    oid = org_id(settings, SUNSET)
    login(client, "staff")
    page = flashed(client, record(client, oid, grade="3A"))
    evaluation = int(re.search(r"/evaluations/(\d+)/scores", page).group(1))
    form = client.get(f"/evaluations/{evaluation}/scores").text
    codes = re.findall(r'name="points-([\d.]+)"', form)
    maxima = [
        float(m)
        for m in re.findall(r'name="points-[\d.]+" id="[^"]+" min="0" max="([\d.]+)"', form)
    ]
    assert len(codes) == len(maxima) > 10
    version = re.search(r'name="sheet_version" value="(\d+)"', form).group(1)
    data = {f"points-{c}": str(m * 0.9) for c, m in zip(codes, maxima, strict=True)}
    response = post_form(
        client,
        f"/evaluations/{evaluation}/scores",
        {**data, "sheet_version": version, "action": "submit"},
        page=f"/evaluations/{evaluation}/scores",
    )
    page = flashed(client, response)
    assert "评分已提交，总分 900" in page
    scores = page.split('id="indicator-scores"')[1].split("</section>")[0]
    assert "业务活动和诚信建设" in scores and ">360<" in scores  # 400 x 0.9
    assert "对应等级：4A" in scores


def test_eligibility_and_expiring_lists(client, settings):
    sunset, sunshine = org_id(settings, SUNSET), org_id(settings, SUNSHINE)
    login(client, "staff")
    year = local_today().year
    for oid in (sunset, sunshine):
        flashed(client, inspection(client, oid, year - 1))
    again = flashed(client, inspection(client, sunset, year - 1, "fail"))
    assert f"{year - 1} 年度的年检结果已登记" in again
    # 阳光助残 holds a grade valid for years; 夕阳红's ends within six months.
    flashed(
        client,
        record(client, sunshine, grade="4A", evaluated_on=str(add_months(local_today(), -12))),
    )
    # Valid until a day later this year: still valid, and up for renewal this year.
    ends = min(local_today() + dt.timedelta(days=10), dt.date(year, 12, 31))
    soon = add_months(ends + dt.timedelta(days=1), -60)
    flashed(client, record(client, sunset, grade="5A", evaluated_on=str(soon)))
    page = client.get(f"/evaluations?tab=eligible&year={year}").text
    table = page.split('id="eligible"')[1]
    sunset_row = table.split(SUNSET)[1].split("</tr>")[0]
    sunshine_row = table.split(SUNSHINE)[1].split("</tr>")[0]
    assert "不可参评" in sunshine_row and "到期当年再申请复评" in sunshine_row
    assert "可参评" in sunset_row and "需重新评估" in sunset_row
    assert QINGNIAO not in table  # community organizations are not listed at all
    expiring = client.get("/evaluations?tab=expiring").text.split('id="expiring"')[1]
    assert SUNSET in expiring and SUNSHINE not in expiring
    # The organization page says the same.
    org_page = client.get(f"/organizations/{sunshine}").text
    assert "本年度不可参评" in org_page.split('id="evaluations"')[1]


def test_a_downgrade_sets_the_hand_back_deadline(client, settings):
    oid = org_id(settings, SUNSET)
    login(client, "staff")
    page = flashed(client, record(client, oid, grade="4A", evaluated_on=str(local_today())))
    evaluation = int(re.search(r'action="/evaluations/(\d+)/downgrade"', page).group(1))
    data = {"to_grade": "5A", "reason": "年检基本合格", "version": "1"}
    bad = post_form(client, f"/evaluations/{evaluation}/downgrade", data, page="/")
    assert "降级后的等级必须低于现有等级" in flashed(client, bad)
    data["to_grade"] = "2A"
    page = flashed(client, post_form(client, f"/evaluations/{evaluation}/downgrade", data, "/"))
    due = local_today() + dt.timedelta(days=15)
    assert f"证书和牌匾须在 {due} 前交回" in page
    item = sql(settings, "SELECT title, due_date, kind FROM work_item WHERE kind = 'hand_back'")
    assert str(item[0]["due_date"]) == str(due) and "交回 4A 评估证书和牌匾" in item[0]["title"]
    assert sql(settings, "SELECT downgraded_to FROM evaluation")[0]["downgraded_to"] == "2A"


def test_participation_and_graded_share_for_a_year(client, settings):
    sunset, sunshine = org_id(settings, SUNSET), org_id(settings, SUNSHINE)
    login(client, "staff")
    for oid in (sunset, sunshine):
        flashed(client, inspection(client, oid, 2016))
    flashed(client, record(client, sunset, grade="4A", evaluated_on="2017-05-01"))
    page = client.get("/evaluations?tab=figures&year=2017").text
    figures = page.split('id="figures"')[1].split("</table>")[0]
    street = figures.split('class="total"')[1]
    # Eligible in 2017: both; evaluated: one, graded A or above.
    cells = re.findall(r'<td class="num">([^<]*)</td>', street)
    assert cells == ["2", "1", "50.0%", "1", "100.0%"]
    body = client.get("/api/v1/evaluations?year=2017").json()
    assert body["total"] == 1 and body["items"][0]["grade"] == "4A"


def test_each_role_sees_its_own_grades_only(client, settings):
    sunset = org_id(settings, SUNSET)
    login(client, "staff")
    page = flashed(client, record(client, sunset, grade="4A"))
    evaluation = int(re.search(r"/evaluations/(\d+)", page).group(1))
    client.cookies.clear()
    login(client, "qingniao")
    assert client.get("/evaluations").status_code == 403
    assert client.get(f"/evaluations/{evaluation}").status_code == 404
    assert client.get(f"/evaluations/{evaluation}/scores").status_code == 404
    response = record(client, sunset, grade="5A")
    assert response.status_code == 403
    client.cookies.clear()
    login(client, "xianglong")  # 祥龙社区: 夕阳红 is 腾龙社区's
    assert SUNSET not in client.get("/evaluations").text
    assert client.get(f"/evaluations/{evaluation}").status_code == 404
    assert client.get("/api/v1/evaluations").json()["total"] == 0
    client.cookies.clear()
    login(client, "tenglong")
    assert SUNSET in client.get("/evaluations").text
    assert len(sql(settings, "SELECT id FROM evaluation")) == 1


def test_the_demo_grades(bound):
    from incubator.demo_evaluations import seed_evaluations_demo
    from tests.support.databases import run_async

    async def seed_twice():
        return await seed_evaluations_demo(), await seed_evaluations_demo()

    assert run_async(seed_twice()) == (4, 0)
    grades = sql(bound, "SELECT grade FROM evaluation ORDER BY evaluated_on")
    assert {g["grade"] for g in grades} == {"3A", "4A", "5A"}
    assert sql(bound, "SELECT COUNT(*) AS n FROM compliance_record")[0]["n"] > 5
    # Both demo assessors may score each organization's newest evaluation.
    assigned = sql(bound, "SELECT owner FROM work_item WHERE kind = 'evaluation_review'")
    assert len(assigned) == 4 and len({a["owner"] for a in assigned}) == 2


def as_user(client, username):
    client.cookies.clear()
    login(client, username)


def recorded_evaluation(client, settings):
    login(client, "staff")
    page = flashed(client, record(client, org_id(settings, SUNSET), grade="4A"))
    return int(re.search(r"/evaluations/(\d+)/scores", page).group(1))


def assign_assessors(client, settings, evaluation, *usernames, due_date="2017-06-30"):
    ids = [
        str(sql(settings, "SELECT id FROM app_user WHERE username = $1", u)[0]["id"])
        for u in usernames
    ]
    return post_form(
        client,
        f"/evaluations/{evaluation}/assessors",
        {"assessor": ids, "due_date": due_date},
        page=f"/evaluations/{evaluation}",
    )


def submit_sheet(client, evaluation, scale=0.9, action="submit"):
    form = client.get(f"/evaluations/{evaluation}/scores").text
    codes = re.findall(r'name="points-([\d.]+)"', form)
    maxima = re.findall(r'name="points-[\d.]+" id="[^"]+" min="0" max="([\d.]+)"', form)
    version = re.search(r'name="sheet_version" value="(\d+)"', form).group(1)
    data = {f"points-{c}": str(float(m) * scale) for c, m in zip(codes, maxima, strict=True)}
    return post_form(
        client,
        f"/evaluations/{evaluation}/scores",
        {**data, "sheet_version": version, "action": action},
        page=f"/evaluations/{evaluation}/scores",
    )


def submit_sheet_refused(client, evaluation):
    return post_form(
        client,
        f"/evaluations/{evaluation}/scores",
        {"sheet_version": "1", "action": "save"},
        page=f"/evaluations/{evaluation}",
    ).status_code


SHEETS = "SELECT scorer, status FROM score_sheet WHERE subject_table = 'evaluation'"


def test_an_unassigned_assessor_can_neither_open_nor_submit_a_panel_sheet(client, settings):
    evaluation = recorded_evaluation(client, settings)
    as_user(client, "assessor")
    assert f"/evaluations/{evaluation}/scores" not in client.get(f"/evaluations/{evaluation}").text
    assert client.get(f"/evaluations/{evaluation}/scores").status_code == 404
    posted = post_form(
        client,
        f"/evaluations/{evaluation}/scores",
        {"points-1.1": "1", "sheet_version": "1", "action": "submit"},
        page=f"/evaluations/{evaluation}",
    )
    assert posted.status_code == 404
    assert sql(settings, SHEETS) == []


def test_an_assigned_assessor_scores_and_submitting_completes_the_assignment(client, settings):
    evaluation = recorded_evaluation(client, settings)
    page = flashed(client, assign_assessors(client, settings, evaluation, "assessor"))
    assert "已安排 1 位评审" in page and "李评审" in page.split('id="assessors"')[1]
    item = sql(settings, "SELECT id, status, owner FROM work_item WHERE kind = 'evaluation_review'")
    assert [i["status"] for i in item] == ["assigned"]

    as_user(client, "assessor")
    assert f"/evaluations/{evaluation}/scores" in client.get(f"/evaluations/{evaluation}").text
    assert client.get(f"/evaluations/{evaluation}/scores").status_code == 200
    assert sql(settings, SHEETS) == []  # opening the page writes nothing
    assert "评分已提交，总分 900" in flashed(client, submit_sheet(client, evaluation))
    assert sql(settings, SHEETS) == [{"scorer": item[0]["owner"], "status": "submitted"}]
    status = sql(settings, "SELECT status FROM work_item WHERE id = $1", item[0]["id"])
    assert status == [{"status": "submitted"}]

    as_user(client, "assessor2")  # on the panel of another evaluation only, if any
    assert client.get(f"/evaluations/{evaluation}/scores").status_code == 404
    assert client.get(f"/work/{item[0]['id']}").status_code == 404
    shown = client.get(f"/evaluations/{evaluation}").text.split('id="indicator-scores"')[1]
    assert "李评审" not in shown and ">900<" not in shown and "其他评审" in shown


def test_a_cancelled_assignment_closes_the_sheet(client, settings):
    evaluation = recorded_evaluation(client, settings)
    assign_assessors(client, settings, evaluation, "assessor")
    item = sql(settings, "SELECT id FROM work_item WHERE kind = 'evaluation_review'")[0]["id"]
    moved = post_form(
        client,
        f"/work/{item}/move",
        {"version": "1", "to_status": "cancelled", "note": "评审调整"},
        page=f"/work/{item}",
    )
    assert moved.status_code == 303
    as_user(client, "assessor")
    assert client.get(f"/evaluations/{evaluation}/scores").status_code == 404
    assert submit_sheet_refused(client, evaluation) == 404
    assert sql(settings, SHEETS) == []


def test_assigning_refuses_bad_choices_and_writes_nothing(client, settings):
    evaluation = recorded_evaluation(client, settings)
    items = "SELECT id FROM work_item WHERE kind = 'evaluation_review'"
    refused = flashed(client, assign_assessors(client, settings, evaluation))
    assert "请至少选择一位评审" in refused
    refused = flashed(client, assign_assessors(client, settings, evaluation, "xianglong"))
    assert "所选评审不存在或已停用" in refused
    refused = flashed(
        client, assign_assessors(client, settings, evaluation, "assessor", due_date="x")
    )
    assert "评分期限" in refused
    assert sql(settings, items) == []
    assign_assessors(client, settings, evaluation, "assessor")
    page = flashed(client, assign_assessors(client, settings, evaluation, "assessor"))
    assert "已安排 0 位评审" in page  # not assigned twice
    assert len(sql(settings, items)) == 1
    assert post_form(client, "/evaluations/999999/assessors", {}, page="/").status_code == 303
    as_user(client, "assessor")
    ids = [str(sql(settings, "SELECT id FROM app_user WHERE username = 'assessor2'")[0]["id"])]
    forbidden = post_form(
        client, f"/evaluations/{evaluation}/assessors", {"assessor": ids}, page="/"
    )
    assert forbidden.status_code == 403
    assert len(sql(settings, items)) == 1


def test_staff_opening_a_score_sheet_writes_nothing(client, settings):
    evaluation = recorded_evaluation(client, settings)
    assert client.get(f"/evaluations/{evaluation}/scores").status_code == 200
    assert sql(settings, SHEETS) == []


def test_an_organization_whose_grades_all_expired_shows_no_current_grade(client, settings):
    oid = org_id(settings, SUNSET)
    login(client, "staff")
    record(client, oid, evaluated_on="2010-06-15", grade="3A")  # valid until 2015
    assert not [
        e
        for e in sql(settings, "SELECT valid_until FROM evaluation WHERE organization = $1", oid)
        if str(e["valid_until"]) >= "2016"
    ], "the test needs an organization with no valid grade"
    response = client.get(f"/organizations/{oid}")
    assert response.status_code == 200
    assert '<strong id="current-grade">未定级</strong>' in response.text
