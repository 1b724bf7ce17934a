"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts, for the mail tests.

`answer` decides the reply to each message's DATA: "250 OK" by default; a test sets it to a
4xx or 5xx reply, or to a callable that acts (e.g. kills the sender) before replying.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SmtpServer:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    answer: str | Callable[[EmailMessage], str] = "250 OK"
    received: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        reply = self.answer(message) if callable(self.answer) else self.answer
        if reply.startswith("250"):
            self.messages.append(message)
            self.received.set()
        return reply

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def settings(self) -> dict[str, object]:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False}


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    from aiosmtpd.controller import Controller

    server = SmtpServer(port=free_port())
    controller = Controller(server, hostname="127.0.0.1", port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]


def html_of(message: EmailMessage) -> str:
    body = message.get_body(("html",))
    assert body is not None
    return str(body.get_content())  # type: ignore[attr-defined]
