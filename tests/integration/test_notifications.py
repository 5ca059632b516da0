"""Applicants hear about every step of their organization, in the app and (if configured) by
e-mail through a real SMTP conversation."""

import asyncio

import pytest

from incubator.notifications import service
from tests.conftest import make_settings, sql
from tests.support.databases import run_async
from tests.support.smtp import FakeSMTP
from tests.support.web import login, post_form


def qingniao_id(settings):
    return sql(settings, "SELECT id FROM organization WHERE name = '青鸟志愿者服务队'")[0]["id"]


def test_a_step_notifies_the_organizations_applicant_in_plain_words(client, settings):
    oid = qingniao_id(settings)
    login(client, "staff")
    post_form(
        client, f"/organizations/{oid}/transition", {"code": "accept", "version": "1"}, page="/"
    )
    client.cookies.clear()
    login(client, "qingniao")
    home = client.get("/").text
    assert "未读通知" in home
    page = client.get("/notifications").text
    assert "青鸟志愿者服务队：接受申请" in page
    assert "申请已受理。中心将核对材料" in page
    assert "申请已受理。中心将核对材料" in client.get(f"/organizations/{oid}").text
    post_form(client, "/notifications/read", {}, page="/notifications")
    assert "未读通知" not in client.get("/").text
    client.cookies.clear()
    login(client, "tenglong")
    assert "青鸟志愿者服务队" not in client.get("/notifications").text


@pytest.mark.parametrize("reachable", [True, False])
def test_notifications_are_emailed_once_when_smtp_is_configured(tmp_path, database_url, reachable):
    server = FakeSMTP()
    port = server.port
    if reachable:
        server.start()
    else:
        server.server.close()
    settings = make_settings(
        tmp_path,
        database_url,
        INCUBATOR_SMTP_HOST="127.0.0.1",
        INCUBATOR_SMTP_PORT=str(port),
        INCUBATOR_SMTP_FROM="center@longhutang.example",
    )
    from incubator.core import db

    engine = db.bind_engine(db.engine_from_url(settings.database_url))
    sql(settings, "UPDATE app_user SET email = 'qingniao@example.org' WHERE username = 'qingniao'")

    async def scenario():
        try:
            await service.notify_organization(
                1, "青鸟志愿者服务队：接受申请", "申请已受理。", "/organizations/1"
            )
            return await service.send_pending_emails(settings)
        finally:
            await db.close_pool(engine)

    sent = run_async(scenario())
    pending = sql(settings, "SELECT emailed_at FROM notification")
    if reachable:
        server.stop()
        assert sent == 1 and pending[0]["emailed_at"] is not None
        assert "qingniao@example.org" in server.messages[0]
    else:
        assert sent == 0 and pending[0]["emailed_at"] is None  # kept for the next round


def test_senders_in_several_processes_send_each_message_once(tmp_path, database_url):
    """Four senders at once (as four processes would run them): each message is claimed by one
    sender before it goes out."""
    server = FakeSMTP()
    server.start()
    settings = make_settings(
        tmp_path,
        database_url,
        INCUBATOR_SMTP_HOST="127.0.0.1",
        INCUBATOR_SMTP_PORT=str(server.port),
        INCUBATOR_SMTP_FROM="center@longhutang.example",
    )
    from incubator.core import db

    sql(settings, "UPDATE app_user SET email = 'qingniao@example.org' WHERE username = 'qingniao'")

    async def scenario():
        engine = db.bind_engine(db.engine_from_url(settings.database_url))
        await db.open_pool(engine, 8)
        try:
            for step in range(6):
                await service.notify_organization(1, f"通知 {step}", "正文", "/organizations/1")
            return await asyncio.gather(*(service.send_pending_emails(settings) for _ in range(4)))
        finally:
            await db.close_pool(engine)

    sent = run_async(scenario())
    server.stop()
    assert sum(sent) == 6
    assert len(server.messages) == 6  # not one twice
    assert sql(settings, "SELECT id FROM notification WHERE emailed_at IS NULL") == []
