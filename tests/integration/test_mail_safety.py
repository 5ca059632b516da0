"""Notification e-mail: a name with CR/LF cannot break or add headers, and one message the
server refuses is marked failed without holding up the others."""

import socket
import threading

from incubator.core import db
from incubator.notifications import service
from tests.conftest import make_settings, sql
from tests.support.databases import run_async


class FakeSMTP(threading.Thread):
    """An SMTP server on loopback for several connections; refuses recipients it is told to."""

    def __init__(self, refuse: str) -> None:
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        self.refuse = refuse.upper()
        self.messages: list[str] = []

    def run(self) -> None:
        self.server.settimeout(10)
        while True:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            self.converse(conn)

    def converse(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            conn.sendall(b"220 fake ESMTP\r\n")
            while line := reader.readline():
                command = line.decode().strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    conn.sendall(b"250 fake\r\n")
                elif command.startswith("RCPT") and self.refuse in command:
                    conn.sendall(b"550 no such mailbox\r\n")
                elif command == "DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    body = []
                    while (data := reader.readline()) != b".\r\n":
                        body.append(data.decode("utf-8", "replace"))
                    self.messages.append("".join(body))
                    conn.sendall(b"250 queued\r\n")
                elif command == "QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")


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
    server.server.close()
    server.join(5)
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
