"""A real SMTP server on 127.0.0.1 (aiosmtpd) for the tests and benchmarks of meldingen: it receives
what Django's SMTP backend sends and keeps each message, parsed, for the test to read."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Inbox:
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def texts(self, message) -> list[str]:
        """Subject, every text part and every attachment (the .ics too) as text."""
        texts = [str(message["Subject"] or "")]
        for part in message.walk():
            if part.is_multipart():
                continue
            payload = part.get_payload(decode=True) or b""
            texts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
        return texts

    def attachments(self, message) -> list[tuple[str, str]]:
        return [(part.get_filename(), (part.get_payload(decode=True) or b"").decode())
                for part in message.walk() if part.get_filename()]


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()
