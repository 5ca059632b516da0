"""Registration and the online application: draft and resume, documents by registration
status, checklist, preview, submission with a receipt number into the pipeline."""

import re

from tests.conftest import sql
from tests.support.web import csrf_token, login, post_form

PDF = b"%PDF-1.4\n" + b"0" * 200
UNREGISTERED_DOCS = ("charter", "founders_signatures", "leader_id", "project_proposal")


def register(client, **fields):
    data = {
        "organization_name": "祥龙社区书香读书会",
        "registration_status": "unregistered",
        "service_field": "culture_sports",
        "community_id": "1",
        "display_name": "周书香",
        "phone": "13951234567",
        "username": "shuxiang",
        "password": "reading-together",
        **fields,
    }
    return post_form(client, "/register", data, page="/register")


def draft(client, oid, **fields):
    page = client.get(f"/organizations/{oid}/application").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {
        "project_name": "亲子共读",
        "project_summary": "每周六在社区图书室开展亲子共读",
        "target_group": "3-12 岁儿童及家长",
        "planned_activities": "共读会、绘本剧、读书分享",
        "budget_yuan": "8000",
        "annual_inspection_ok": "1",
        "no_penalties": "1",
        "not_blacklisted": "1",
        "independent_account": "1",
        "version": version,
        "action": "save",
        **fields,
    }
    return post_form(client, f"/organizations/{oid}/application", data, page="/")


def upload(client, oid, document, content=PDF, name="材料.pdf"):
    token = csrf_token(client, f"/organizations/{oid}/application")
    return client.post(
        f"/organizations/{oid}/application/files",
        data={"document": document, "_csrf_token": token},
        files={"file": (name, content, "application/pdf")},
    )


def test_a_new_applicant_registers_drafts_uploads_previews_and_submits(client, settings):
    response = register(client)
    assert response.status_code == 303
    oid = int(re.search(r"/organizations/(\d+)/application", response.headers["location"]).group(1))
    page = client.get(response.headers["location"]).text
    assert "注册成功" in page and "请上传：发起人签名" in page
    assert draft(client, oid, project_name="", independent_account="").status_code == 303
    resumed = client.get(f"/organizations/{oid}/application").text
    assert "请填写：项目名称" in resumed and 'value="亲子共读"' not in resumed
    draft(client, oid)
    for document in UNREGISTERED_DOCS:
        assert upload(client, oid, document).status_code == 303
    upload(client, oid, "charter", name="章程（修订）.pdf")  # replaces the first charter
    documents = client.get(f"/organizations/{oid}").text.split('id="documents"')[1]
    documents = documents.split("</section>")[0]
    assert "章程（修订）.pdf" in documents and "组织章程（草案）" in documents
    assert documents.count("<li>") == len(UNREGISTERED_DOCS)  # the replaced charter is gone
    preview = client.get(f"/organizations/{oid}/application/preview").text
    assert "章程（修订）.pdf" in preview and "提交申请" in preview
    version = re.search(r'name="version" value="(\d+)"', preview).group(1)
    submitted = post_form(
        client, f"/organizations/{oid}/application/submit", {"version": version}, page="/"
    )
    receipt = client.get(submitted.headers["location"]).text
    number = re.search(r'id="tracking-number">([^<]+)<', receipt).group(1)
    assert re.fullmatch(r"LHT-\d{4}-0001", number)
    org = sql(settings, "SELECT stage FROM organization WHERE id = $1", oid)[0]
    assert org["stage"] == "application"
    events = sql(
        settings, "SELECT action, reason FROM organization_event WHERE organization = $1", oid
    )
    assert events == [{"action": "apply", "reason": f"申请回执 {number}"}]
    # Submitted means frozen.
    frozen = post_form(
        client,
        f"/organizations/{oid}/application",
        {"project_name": "改", "version": "9"},
        page="/",
    )
    assert (
        "申请已提交，不能再修改"
        in client.get(frozen.headers["location"], follow_redirects=True).text
    )


def test_an_incomplete_application_cannot_be_submitted(client, settings):
    response = register(client)
    oid = int(re.search(r"/organizations/(\d+)/application", response.headers["location"]).group(1))
    draft(client, oid)
    page = client.get(f"/organizations/{oid}/application").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    refused = post_form(
        client, f"/organizations/{oid}/application/submit", {"version": version}, page="/"
    )
    assert "申请还不完整" in client.get(refused.headers["location"]).text
    assert sql(settings, "SELECT stage FROM organization WHERE id = $1", oid)[0]["stage"] is None


def test_required_documents_depend_on_the_registration_status(client, settings):
    response = register(
        client,
        registration_status="registered",
        username="registered1",
        organization_name="已登记的组织",
    )
    page = client.get(response.headers["location"]).text
    assert "请上传：登记证书" in page and "发起人签名" not in page


def test_registration_refuses_bad_input_and_creates_nothing(client, settings):
    before = len(sql(settings, "SELECT id FROM organization"))
    response = register(client, username="staff", phone="电话", password="short")
    assert response.status_code == 400
    assert "电话号码格式不正确" in response.text
    response = register(client, username="staff")
    # Refused without saying that the username exists (see test_registration_privacy.py).
    assert response.status_code == 400 and "注册未能受理" in response.text
    assert "该用户名已被使用" not in response.text
    assert len(sql(settings, "SELECT id FROM organization")) == before
    assert sql(settings, "SELECT id FROM organization WHERE name = '祥龙社区书香读书会'") == []


def test_a_fake_document_is_refused(client):
    response = register(client)
    oid = int(re.search(r"/organizations/(\d+)/application", response.headers["location"]).group(1))
    upload(client, oid, "charter", content=b"<html>not a pdf</html>", name="charter.pdf")
    assert "不支持的文件类型" in client.get(f"/organizations/{oid}/application").text


def test_staff_fill_in_an_application_for_a_walk_in_and_others_cannot_see_it(client, settings):
    oid = sql(settings, "SELECT id FROM organization WHERE name = '龙虎塘法律服务志愿团'")[0]["id"]
    login(client, "staff")
    assert draft(client, oid).status_code == 303
    assert "亲子共读" in client.get(f"/organizations/{oid}/application").text
    client.cookies.clear()
    login(client, "qingniao")
    assert client.get(f"/organizations/{oid}/application").status_code == 404
    assert upload(client, oid, "charter").status_code == 404
    for path in ("", "/submit"):
        response = post_form(
            client, f"/organizations/{oid}/application{path}", {"version": "2"}, page="/"
        )
        assert response.status_code == 404
    client.cookies.clear()
    login(client, "assessor")
    assert client.get(f"/organizations/{oid}/application").status_code == 403


def submit_complete_application(client):
    response = register(client)
    oid = int(re.search(r"/organizations/(\d+)/application", response.headers["location"]).group(1))
    draft(client, oid)
    for document in UNREGISTERED_DOCS:
        upload(client, oid, document)
    preview = client.get(f"/organizations/{oid}/application/preview").text
    version = re.search(r'name="version" value="(\d+)"', preview).group(1)
    post_form(client, f"/organizations/{oid}/application/submit", {"version": version}, page="/")
    return oid


def test_more_material_reopens_the_application_and_the_receipt_number_stays(client, settings):
    oid = submit_complete_application(client)
    number = sql(settings, "SELECT tracking_number FROM application WHERE organization = $1", oid)[
        0
    ]
    sql(
        settings,
        "UPDATE organization SET address = '祥龙社区', description = '读书会', "
        "legal_representative = '周书香' WHERE id = $1",
        oid,
    )
    client.cookies.clear()
    login(client, "staff")
    for code, reason in (("submit", ""), ("request_more", "项目计划书缺少预算明细")):
        version = sql(settings, "SELECT version FROM organization WHERE id = $1", oid)[0]["version"]
        post_form(
            client,
            f"/organizations/{oid}/transition",
            {"code": code, "version": str(version), "reason": reason},
            page="/",
        )
    assert (
        sql(settings, "SELECT stage FROM organization WHERE id = $1", oid)[0]["stage"]
        == "application"
    )
    assert (
        sql(settings, "SELECT status FROM application WHERE organization = $1", oid)[0]["status"]
        == "draft"
    )
    client.cookies.clear()
    login(client, "shuxiang", "reading-together")
    assert (
        "申请回执"
        not in client.get(f"/organizations/{oid}/application", follow_redirects=True).text
    )
    preview = client.get(f"/organizations/{oid}/application/preview").text
    version = re.search(r'name="version" value="(\d+)"', preview).group(1)
    post_form(client, f"/organizations/{oid}/application/submit", {"version": version}, page="/")
    again = sql(
        settings, "SELECT tracking_number, status FROM application WHERE organization = $1", oid
    )[0]
    assert again == {"tracking_number": number["tracking_number"], "status": "submitted"}


def test_opening_the_application_page_writes_nothing_until_the_draft_is_saved(client, settings):
    response = register(client)
    oid = int(re.search(r"/organizations/(\d+)/application", response.headers["location"]).group(1))
    for path in ("", "/preview"):
        assert client.get(f"/organizations/{oid}/application{path}").status_code == 200
    assert client.get(f"/organizations/{oid}/application/receipt").status_code == 404
    assert sql(settings, "SELECT id FROM application WHERE organization = $1", oid) == []
    assert draft(client, oid).status_code == 303
    rows = sql(settings, "SELECT project_name FROM application WHERE organization = $1", oid)
    assert [r["project_name"] for r in rows] == ["亲子共读"]
