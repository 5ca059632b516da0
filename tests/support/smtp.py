"""Just enough of an SMTP server on loopback for the notification tests: one conversation
after another until stopped, the messages it received, and recipients it refuses when told."""

from __future__ import annotations

import socket
import threading


class FakeSMTP(threading.Thread):
    def __init__(self, refuse: str = "", idle_seconds: float | None = 10) -> None:
        super().__init__(daemon=True)
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        # A recipient containing this is refused (550); empty: none is.
        self.refuse = refuse.upper()
        self.messages: list[str] = []
        # A test's server stops after this long without a conversation; None: never.
        self.idle_seconds = idle_seconds

    def run(self) -> None:
        self.server.settimeout(self.idle_seconds)
        while True:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            self.converse(conn)

    def stop(self) -> None:
        """No further conversation; waits for the one under way."""
        self.server.close()
        self.join(5)

    def converse(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            conn.sendall(b"220 fake ESMTP\r\n")
            while line := reader.readline():
                command = line.decode().strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    conn.sendall(b"250 fake\r\n")
                elif command.startswith("RCPT") and self.refuse and self.refuse in command:
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
