"""Issue 13's email defects, each reproduced against a real SMTP server, outbox or process.

Header injection through RFC 2047 encoded words (5), the outbox lock through a symlink (11),
a name too long for a header line (12) and a retry after an unconfirmed DATA (14). The
unclosed CSV quote (13) is in test_recipients.py and the CLI's exit status in
tests/notices/test_notify_command.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from kaitei.notify import (
    DryRunTransport,
    MessageBuilder,
    MessageError,
    NoticeMail,
    NotifyError,
    Outbox,
    PermanentFailure,
    Recipient,
    Resend,
    RetryPolicy,
    SmtpSettings,
    SmtpTransport,
    format_summary,
)
from kaitei.notify.message import POLICY, wire_bytes
from tests.notify.support import FakeClock, Recorder, SmtpServer, free_port, run, write_csv

SENDER = Path(__file__).parent / "_sender.py"
NOW = datetime(2020, 8, 31, 9, 0, tzinfo=UTC)
# The probe of issue 13: a CR LF and a header of the attacker's choosing, encoded.
EVIL = "=?utf-8?q?x=0D=0AX-Injected:_yes?="
ENCODED_WORD = "contains RFC 2047 encoded-word syntax (=?…?=)"


def header_lines(data: bytes) -> list[bytes]:
    return data.partition(b"\r\n\r\n")[0].split(b"\r\n")


# --- 5: header injection through RFC 2047 encoded words --------------------------------


def test_encoded_word_in_a_recipient_name_adds_no_header(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    (tmp_path / "r.csv").write_text(
        f"email,language,name\na@example.com,en,Taro\nb@example.com,en,{EVIL}\n"
        f'c@example.com,ja,"Hanako {EVIL}"\nd@example.com,ja,花子\n',
        encoding="utf-8",
    )
    summary = run(notice, tmp_path, smtp_server, clock)
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (3, f"name: {ENCODED_WORD}"),
        (4, f"name: {ENCODED_WORD}"),
    ]
    received = smtp_server.recorder.by_recipient()
    assert sorted(received) == ["a@example.com", "d@example.com"]
    for [message] in received.values():
        assert not any(line.startswith(b"X-Injected") for line in header_lines(message.data))


def _with_text(notice: NoticeMail, **changes: str) -> NoticeMail:
    return dataclasses.replace(
        notice, texts={**notice.texts, "en": dataclasses.replace(notice.texts["en"], **changes)}
    )


# Every value of a notice that reaches a header, with the exact refusal.
NOTICE_VECTORS = [
    ("title (Subject)", lambda n: _with_text(n, title=EVIL), f"notice en title: {ENCODED_WORD}"),
    (
        "sender name (From)",
        lambda n: _with_text(n, sender_name=f"Saleport {EVIL}"),
        f"notice en sender_name: {ENCODED_WORD}",
    ),
    (
        "List-Unsubscribe",
        lambda n: dataclasses.replace(n, list_unsubscribe=f"https://x.example/u?{EVIL}"),
        f"List-Unsubscribe 'https://x.example/u?{EVIL}': {ENCODED_WORD}",
    ),
    (
        "document id (X-Kaitei-Notice)",
        lambda n: dataclasses.replace(n, doc=EVIL),
        f"notice id '{EVIL}/2020-10-01': {ENCODED_WORD}; refusing to put it in a header",
    ),
    (
        "Reply-To",
        lambda n: dataclasses.replace(n, reply_to="=?utf-8?q?=0D=0AX-Injected=3A_1?=@x.example"),
        "reply-to address '=?utf-8?q?=0D=0AX-Injected=3A_1?=@x.example': "
        f"invalid address: {ENCODED_WORD}",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [(v[1], v[2]) for v in NOTICE_VECTORS],
    ids=[v[0] for v in NOTICE_VECTORS],
)
def test_encoded_word_in_a_notice_value_is_refused_before_sending(
    notice: NoticeMail, change: Any, message: str
) -> None:
    with pytest.raises(MessageError) as info:
        MessageBuilder(change(notice))
    assert str(info.value) == message


def test_encoded_word_in_an_address_given_to_the_builder_is_refused(notice: NoticeMail) -> None:
    # load_recipients() refuses it first; the builder checks again when called directly.
    evil = "=?utf-8?q?=0D=0AX-Injected=3A_yes?=@example.com"
    with pytest.raises(MessageError) as info:
        MessageBuilder(notice).build(Recipient(evil, "en", "", 2), NOW)
    assert str(info.value) == (
        f"recipient address '{evil}': invalid address: {ENCODED_WORD}; "
        "refusing to put it in a header"
    )


def test_the_wire_check_holds_on_this_python_whatever_its_email_package_does() -> None:
    """Proof on the Python in use: bypass every input check and let the email package fold.

    Python before 3.11.10 / 3.12.5 turns the encoded word into a real header line; later
    ones encode it. Either way no header may reach the wire that was not set.
    """
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = EVIL
    msg["To"] = "a@example.com"
    msg.set_content("x")
    raw = msg.as_bytes()
    injected = b"\r\nX-Injected: yes" in raw
    print(f"{sys.version.split()[0]}: email package injects the header: {injected}")
    if injected:
        with pytest.raises(MessageError) as info:
            wire_bytes(msg)
        assert "the headers on the wire (Subject, X-Injected, To, " in str(info.value)
    else:
        assert not any(line.startswith(b"X-Injected") for line in header_lines(wire_bytes(msg)))


# --- 12: a 10,000-character name -------------------------------------------------------


def test_ten_thousand_character_name_never_makes_a_long_header_line(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    long_name = "Bartholomew" * 909 + "X"  # 10,000 characters, no space to fold at
    (tmp_path / "r.csv").write_text(
        f"email,language,name\na@example.com,en,Taro\nb@example.com,en,{long_name}\n"
        f"c@example.com,ja,{'あ' * 256}\nd@example.com,en,{'Q' * 256}\n",
        encoding="utf-8",
    )
    summary = run(notice, tmp_path, smtp_server, clock)
    # The long name is a data error named in the summary, not a message the server refuses
    # ("500 Line too long") and a recipient failed for good.
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (3, "name: longer than 256 characters (10000)")
    ]
    assert summary.failed == () and summary.sent == 3
    received = smtp_server.recorder.by_recipient()
    assert sorted(received) == ["a@example.com", "c@example.com", "d@example.com"]
    for [message] in received.values():
        assert max(len(line) for line in message.data.split(b"\r\n")) <= 998
    assert received["d@example.com"][0].parse()["To"].addresses[0].display_name == "Q" * 256


def test_a_header_line_over_998_octets_is_never_sent(notice: NoticeMail, tmp_path: Path) -> None:
    with pytest.raises(MessageError) as info:
        MessageBuilder(notice).build(Recipient("a@example.com", "en", "Q" * 2000, 2), NOW)
    assert str(info.value) == (
        f"recipient name '{'Q' * 60}': longer than 256 characters (2000); "
        "refusing to put it in a header"
    )
    # Bypassing that check, the transport still refuses the line before the server sees it.
    msg = EmailMessage(policy=POLICY)
    msg["To"] = Address("Q" * 2000, addr_spec="a@example.com")
    msg["Message-ID"] = "<m@example.com>"
    msg.set_content("x")
    with pytest.raises(MessageError) as info:
        wire_bytes(msg)
    assert str(info.value) == "message <m@example.com>: a line of 2001 octets (SMTP allows 998)"
    # Each transport sends only checked bytes: a permanent failure for this recipient, and
    # no connection opened (nothing listens on the port).
    smtp = SmtpTransport(SmtpSettings("127.0.0.1", free_port(), timeout=2))
    dry = DryRunTransport(tmp_path / "eml")
    for transport, verb in ((smtp, "sent"), (dry, "written")):
        with pytest.raises(PermanentFailure) as failure:
            transport.send(msg, "notice@example.com", "a@example.com")
        assert str(failure.value) == f"not {verb}: {info.value}"
    assert not any((tmp_path / "eml").iterdir())


# --- 11: the outbox lock is on the file, not on its name -------------------------------


def test_one_outbox_through_a_symlink_runs_once(tmp_path: Path, smtp_server: SmtpServer) -> None:
    """Two real processes: the second reaches the outbox by a symlink while the first sends."""
    addresses = write_csv(tmp_path / "r.csv", 30)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "link.sqlite").symlink_to(tmp_path / "outbox.sqlite")
    holding, release = threading.Event(), threading.Event()
    recorder = smtp_server.recorder
    original = recorder.handle_DATA

    async def handle_data(server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == [addresses[3]] and not holding.is_set():
            holding.set()  # the first run is now part-way, holding its lock
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 30)
        return await original(server, session, envelope)

    recorder.handle_DATA = handle_data  # type: ignore[method-assign]

    def sender(outbox: Path) -> subprocess.Popen[str]:
        command = [sys.executable, str(SENDER), str(smtp_server.port), str(tmp_path / "r.csv")]
        return subprocess.Popen(
            [*command, str(outbox)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    first = sender(tmp_path / "outbox.sqlite")
    try:
        assert holding.wait(30), "the first run never reached its fourth message"
        second = sender(tmp_path / "elsewhere" / "link.sqlite")
        out, err = second.communicate(timeout=30)
    finally:
        release.set()
    assert first.communicate(timeout=60)[1] == "" and first.returncode == 0
    assert second.returncode == 3, out
    link, real = tmp_path / "elsewhere" / "link.sqlite", tmp_path / "outbox.sqlite"
    assert err == (
        f"error: {link} ({real}) is in use by another `kaitei notify` run; wait for it to finish\n"
    )
    received = recorder.by_recipient()
    assert {a: len(received[a]) for a in addresses} == dict.fromkeys(addresses, 1)


@pytest.mark.parametrize("via", ["folder symlink", "hard link", "relative path"])
def test_every_name_of_one_outbox_shares_its_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, via: str
) -> None:
    real = tmp_path / "data" / "outbox.sqlite"
    real.parent.mkdir()
    Outbox.open(real).close()
    if via == "folder symlink":
        (tmp_path / "alias").symlink_to(real.parent, target_is_directory=True)
        other = tmp_path / "alias" / "outbox.sqlite"
    elif via == "hard link":
        other = tmp_path / "hard.sqlite"
        os.link(real, other)
    else:
        monkeypatch.chdir(real.parent)
        other = Path("outbox.sqlite")
    with Outbox.open(real), pytest.raises(NotifyError, match="in use by another"):
        Outbox.open(other)
    Outbox.open(other).close()  # released with the first


def test_an_outbox_of_schema_1_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE delivery (notice_id TEXT NOT NULL, recipient TEXT NOT NULL,
            language TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL, sent_at TEXT, PRIMARY KEY (notice_id, recipient))
            WITHOUT ROWID;
        INSERT INTO delivery VALUES ('privacy/2020-10-01', 'a@example.com', 'ja', '',
            'sending', 1, NULL, 't', 't', NULL);
        PRAGMA user_version=1;
        """
    )
    conn.close()
    with Outbox.open(path) as outbox:
        outbox.recover_in_flight("privacy/2020-10-01", NOW)
        [row] = outbox.rows("privacy/2020-10-01").values()
    assert (row.state, row.unconfirmed) == ("queued", 1)


# --- 14: a retry after an unconfirmed DATA may have arrived twice ----------------------


def test_every_retry_after_an_unconfirmed_data_is_reported(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 12)
    drops = {addresses[2]: 2, addresses[7]: 1, addresses[9]: 3}  # how many DATA to drop

    def on_data(rec: Recorder, server: Any, envelope: Any) -> str | None:
        [address] = envelope.rcpt_tos
        if drops.get(address, 0):
            drops[address] -= 1
            server.transport.close()  # stored, but the client never hears "250"
        return None

    def on_rcpt(rec: Recorder, server: Any, address: str) -> str | None:
        # A drop before DATA delivers nothing: it must not be reported as a duplicate.
        if address == addresses[5] and not hasattr(rec, "dropped_at_rcpt"):
            rec.dropped_at_rcpt = True  # type: ignore[attr-defined]
            server.transport.close()
            return "421 closing"
        return None

    smtp_server.recorder.on_data = on_data
    smtp_server.recorder.on_rcpt = on_rcpt
    retry = RetryPolicy(attempts=3)
    first = run(notice, tmp_path, smtp_server, clock, retry=retry)
    # addresses[9]: three drops use up the three tries; it waits for the next run.
    assert [d.email for d in first.deferred] == [addresses[9]]
    assert "may have been delivered" in first.deferred[0].reason
    assert first.resent == (Resend(4, addresses[2], 2), Resend(9, addresses[7], 1))
    assert first.unconfirmed_unsent == (Resend(11, addresses[9], 3),)
    report = format_summary(first)
    assert (
        "  sent again after an attempt the server never confirmed (may have arrived twice): "
        "2 (3 retries)\n"
        "    line 4 (u***@example.com): 2 attempts before this one may have arrived\n"
        "    line 9 (u***@example.com): 1 attempt before this one may have arrived\n"
        "  not sent yet, but an attempt the server never confirmed may have arrived: 1\n"
        "    line 11 (u***@example.com): 3 attempts\n"
    ) in report

    second = run(notice, tmp_path, smtp_server, clock, retry=retry)
    # The outbox kept the count: the next run that sends it says so too.
    assert second.sent == 1 and second.resent == (Resend(11, addresses[9], 3),)
    assert second.unconfirmed_unsent == ()
    counts = {a: len(m) for a, m in smtp_server.recorder.by_recipient().items()}
    assert counts == {a: 1 + {2: 2, 7: 1, 9: 3}.get(i, 0) for i, a in enumerate(addresses)}
