"""Notify test helpers: an aiosmtpd handler with fault hooks, a fake clock, sample data."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from kaitei.notify import NoticeMail, NoticeText, SmtpSettings, SmtpTransport, Summary, deliver

# A hook may return an SMTP reply ("451 ...") to refuse, or None to go on normally.
Hook = Callable[["Recorder", Any, Any], str | None]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    def parse(self) -> EmailMessage:
        msg = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class Recorder:
    """aiosmtpd handler that keeps every accepted message; hooks inject faults."""

    messages: list[Received] = field(default_factory=list)
    data_commands: int = 0  # every DATA seen, accepted or not
    on_rcpt: Hook | None = None
    on_data: Hook | None = None  # runs after the message is stored, before the reply
    before_store: Hook | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.on_rcpt is not None:
            reply = self.on_rcpt(self, server, address)
            if reply is not None:
                return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_commands += 1
        if self.before_store is not None:
            reply = self.before_store(self, server, envelope)
            if reply is not None:
                return reply
        content = envelope.original_content or envelope.content
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), content))
        if self.on_data is not None:
            reply = self.on_data(self, server, envelope)
            if reply is not None:
                return reply
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def by_recipient(self) -> dict[str, list[Received]]:
        out: dict[str, list[Received]] = {}
        with self.lock:
            for m in self.messages:
                for rcpt in m.rcpt_tos:
                    out.setdefault(rcpt, []).append(m)
        return out


@dataclass
class SmtpServer:
    host: str
    port: int
    recorder: Recorder


def run(
    notice: NoticeMail, tmp_path: Path, server: SmtpServer, clock: FakeClock, **kw: Any
) -> Summary:
    """deliver() of tmp_path/r.csv to the test server, through tmp_path/outbox.sqlite."""
    transport = SmtpTransport(SmtpSettings(server.host, server.port, timeout=10))
    return deliver(
        notice, tmp_path / "r.csv", tmp_path / "outbox.sqlite", transport, clock=clock, **kw
    )


def free_port() -> int:
    # aiosmtpd 1.4.6 cannot bind port 0 itself; ask the kernel for a free port first.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class FakeClock:
    """Time stands still unless someone sleeps; sleeping only moves the clock."""

    def __init__(self, start: datetime = datetime(2020, 8, 31, 0, 0, tzinfo=UTC)) -> None:
        self._now = start
        self._mono = 0.0
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self._mono += seconds
        self._now += timedelta(seconds=seconds)


def sample_notice(level: str = "consent") -> NoticeMail:
    base = "https://policy.example.com"
    return NoticeMail(
        doc="privacy",
        version="2020-10-01",
        level=level,  # type: ignore[arg-type]
        effective=date(2020, 10, 1),
        announced=date(2020, 8, 31),
        authoritative_language="ja",
        texts={
            "ja": NoticeText(
                title="プライバシーポリシー",
                summary="対象サービスにキマ Room! Sign 等を加え、提携事業者への提供（第4条第2項）"
                "及び行動ターゲティング広告（第8条）を定めました。",
                changes=(
                    "第4条第2項を新設し、提携事業者への提供を定めました。",
                    "第8条（行動ターゲティング広告）を新設しました。",
                ),
                notice_url=f"{base}/ja/notices/privacy/2020-10-01/",
                diff_url=f"{base}/ja/privacy/diff/2017-08-23/2020-10-01/",
                sender_name="株式会社セールポート",
            ),
            "en": NoticeText(
                title="Privacy Policy",
                summary="Adds the Kima Room! Sign and other services, provision to Partner "
                "Businesses (Article 4(2)) and behavioural targeting advertising (Article 8).",
                changes=(
                    "New Article 4(2): provision to Partner Businesses.",
                    "New Article 8: behavioural targeting advertising.",
                ),
                notice_url=f"{base}/en/notices/privacy/2020-10-01/",
                diff_url=f"{base}/en/privacy/diff/2017-08-23/2020-10-01/",
                sender_name="Saleport Inc.",
            ),
        },
        sender="notice@saleport.example.com",
        reply_to="privacy@saleport.example.com",
    )


def write_csv(path: Path, count: int, languages: tuple[str, ...] = ("ja", "en")) -> list[str]:
    """A recipients file of `count` people alternating languages; returns the addresses."""
    addresses = [f"user{i:04d}@example.com" for i in range(count)]
    lines = ["email,language,name"]
    for i, address in enumerate(addresses):
        lines.append(f"{address},{languages[i % len(languages)]},利用者 {i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return addresses
