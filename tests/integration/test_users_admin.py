"""The admin's user pages: create, edit, disable, reset password, with audit rows and locking."""

from tests.conftest import sql
from tests.support.web import login, post_form


def new_user(client, **fields):
    data = {"username": "newstaff", "password": "a-good-passphrase", "role": "staff", **fields}
    return post_form(client, "/admin/users/new", data, page="/admin/users/new")


def user_row(settings, username):
    rows = sql(settings, "SELECT * FROM app_user WHERE username = $1", username)
    return rows[0] if rows else None


def test_an_admin_creates_a_user_who_can_then_sign_in(client, settings):
    login(client, "admin")
    response = new_user(client, display_name="孙新人")
    assert response.status_code == 303
    row = user_row(settings, "newstaff")
    assert row["role"] == "staff" and row["display_name"] == "孙新人"
    assert row["password_hash"].startswith("$argon2id$")
    audit = sql(
        settings,
        "SELECT * FROM audit_log WHERE table_name = 'app_user' AND action = 'create' "
        "AND record_id = $1",
        str(row["id"]),
    )
    assert audit and audit[0]["actor_name"] == "admin"
    assert "password" not in str(audit[0]["after"])
    client.cookies.clear()
    login(client, "newstaff", "a-good-passphrase")


def test_bad_input_gets_chinese_messages_beside_the_fields_and_changes_nothing(client, settings):
    login(client, "admin")
    count = len(sql(settings, "SELECT id FROM app_user"))
    response = new_user(
        client, username="x", password="short", role="community", display_name="保留我"
    )
    assert response.status_code == 400
    assert "用户名只能包含字母" in response.text
    assert "密码至少 8 个字符" in response.text
    assert "社区工作人员必须指定所属社区" in response.text
    assert 'value="保留我"' in response.text
    assert len(sql(settings, "SELECT id FROM app_user")) == count


def test_a_taken_username_is_refused(client):
    login(client, "admin")
    response = new_user(client, username="staff")
    assert "该用户名已被使用" in response.text


def test_a_community_officer_needs_an_existing_community(client):
    login(client, "admin")
    response = new_user(client, role="community", community_id="9999")
    assert "所选社区不存在" in response.text


def edit(client, user_id, version, **fields):
    data = {
        "role": "staff",
        "display_name": "改名",
        "is_active": "1",
        "version": str(version),
        **fields,
    }
    return post_form(client, f"/admin/users/{user_id}", data, page=f"/admin/users/{user_id}")


def test_an_edit_with_a_stale_version_is_refused_and_loses_nothing(client, settings):
    login(client, "admin")
    staff = user_row(settings, "staff")
    assert edit(client, staff["id"], staff["version"], display_name="第一次").status_code == 303
    stale = edit(client, staff["id"], staff["version"], display_name="第二次")
    assert stale.status_code == 303
    page = client.get(stale.headers["location"])
    assert "该记录已被他人修改" in page.text
    assert user_row(settings, "staff")["display_name"] == "第一次"


def test_disabling_a_user_ends_their_sessions(client, settings):
    login(client, "assessor")
    assessor_session = client.cookies.get("incubator_session")
    client.cookies.clear()
    login(client, "admin")
    assessor = user_row(settings, "assessor")
    response = edit(client, assessor["id"], assessor["version"], role="assessor", is_active="")
    assert response.status_code == 303
    assert user_row(settings, "assessor")["is_active"] in (0, False)
    client.cookies.clear()
    client.cookies.set("incubator_session", assessor_session, domain="testserver.local")
    assert client.get("/profile").status_code == 303


def test_an_admin_cannot_lock_themselves_out(client, settings):
    login(client, "admin")
    admin = user_row(settings, "admin")
    response = edit(client, admin["id"], admin["version"], role="admin", is_active="")
    assert response.status_code == 400
    assert "不能修改自己的角色或停用自己的账号" in response.text


def test_a_password_reset_replaces_the_hash_and_is_audited(client, settings):
    login(client, "admin")
    staff = user_row(settings, "staff")
    response = post_form(
        client,
        f"/admin/users/{staff['id']}/password",
        {"password": "brand-new-secret"},
        page="/admin/users",
    )
    assert response.status_code == 303
    assert user_row(settings, "staff")["password_hash"] != staff["password_hash"]
    assert sql(settings, "SELECT id FROM audit_log WHERE action = 'reset_password'")
    client.cookies.clear()
    login(client, "staff", "brand-new-secret")


def test_the_user_list_filters_by_role(client):
    login(client, "admin")
    page = client.get("/admin/users?role=community")
    assert "xianglong" in page.text and "assessor2" not in page.text


def test_the_audit_page_filters_by_table_and_action(client):
    login(client, "admin")
    new_user(client)
    page = client.get("/admin/audit?table=app_user&action=create")
    assert page.status_code == 200
    assert "newstaff" in page.text
    assert "longhutang2017" not in page.text


def test_the_user_list_sorts_by_a_column_and_ignores_unknown_ones(client):
    login(client, "admin")
    page = client.get("/admin/users?sort=-username").text
    assert page.index("xianglong") < page.index("admin</a>")
    assert 'aria-sort="descending"' in page
    fallback = client.get("/admin/users?sort=password_hash").text
    assert fallback.index("admin</a>") < fallback.index("xianglong")
