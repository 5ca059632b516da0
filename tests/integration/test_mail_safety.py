"""Notification e-mail: a name with CR/LF cannot break or add headers, and one message the
server refuses is marked failed without holding up the others."""

from incubator.core import db
from incubator.notifications import service
from tests.conftest import make_settings, sql
from tests.support.databases import run_async
from tests.support.smtp import FakeSMTP


def user_id(settings, username: str) -> int:
    return sql(settings, "SELECT id FROM app_user WHERE username = $1", username)[0]["id"]


def test_a_bad_name_or_a_refused_address_never_stops_the_mail(tmp_path, database_url):
    server = FakeSMTP(refuse="nobody@")
    server.start()
    settings = make_settings(
        tmp_path,
        database_url,
        INCUBATOR_SMTP_HOST="127.0.0.1",
        INCUBATOR_SMTP_PORT=str(server.port),
        INCUBATOR_SMTP_FROM="center@longhutang.example",
    )
    for username, email in (
        ("qingniao", "qingniao@example.org"),
        ("xianglong", "nobody@example.org"),
        ("tenglong", "tenglong@example.org"),
    ):
        sql(settings, "UPDATE app_user SET email = $1 WHERE username = $2", email, username)
    titles = {
        "qingniao": "青鸟\r\nBcc: evil@example.org\r\n\r\n伪造正文",
        "xianglong": "祥龙社区：通知",
        "tenglong": "腾龙\x01社区\u2028通知",
    }
    for username, title in titles.items():
        sql(
            settings,
            'INSERT INTO notification ("user", title, body, link, created_at) '
            "VALUES ($1, $2, '正文', '/', CURRENT_TIMESTAMP)",
            user_id(settings, username),
            title,
        )
    engine = db.bind_engine(db.engine_from_url(settings.database_url))

    async def scenario():
        try:
            return await service.send_pending_emails(settings)
        finally:
            await db.close_pool(engine)

    sent = run_async(scenario())
    server.stop()
    assert sent == 2
    assert len(server.messages) == 2
    forged = next(m for m in server.messages if "qingniao@example.org" in m)
    assert not any(line.startswith("Bcc:") for line in forged.splitlines())
    rows = {
        r["username"]: r
        for r in sql(
            settings,
            "SELECT u.username, n.emailed_at, n.email_failed_at FROM notification n "
            'JOIN app_user u ON u.id = n."user"',
        )
    }
    assert rows["qingniao"]["emailed_at"] is not None
    assert rows["tenglong"]["emailed_at"] is not None
    assert rows["xianglong"]["emailed_at"] is None
    assert rows["xianglong"]["email_failed_at"] is not None


def test_a_header_value_keeps_to_one_line():
    assert service.header_safe("青鸟\r\nBcc: x@example.org") == "青鸟 Bcc: x@example.org"
    assert service.header_safe("a\x00b\u2028c\td") == "a b c d"
