from __future__ import annotations

import sqlite3
from collections import Counter
from email import message_from_bytes, policy
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

import pytest

from kaitei.notify import (
    DryRunTransport,
    Failure,
    NoticeMail,
    NotifyError,
    Outbox,
    SmtpSettings,
    SmtpTransport,
    Summary,
    deliver,
    format_summary,
    message_id,
)
from tests.notify.support import FakeClock, Recorder, SmtpServer, run, write_csv

HEADERS = BytesHeaderParser(policy=policy.compat32)


def transport(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(SmtpSettings(server.host, server.port, timeout=10))


def test_thousand_recipients_ja_and_en(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 1000)
    summary = run(notice, tmp_path, smtp_server, clock)
    assert (summary.sent, summary.already_sent, summary.failed, summary.rejected) == (
        1000,
        0,
        (),
        (),
    )
    assert summary.complete
    received = smtp_server.recorder.by_recipient()
    assert sorted(received) == addresses
    languages: Counter[str] = Counter()
    for i, address in enumerate(addresses):
        [item] = received[address]
        assert item.mail_from == "notice@saleport.example.com"
        # Headers of every message (compat32: fast, and raw values are enough here) ...
        head = HEADERS.parsebytes(item.data)
        language = "ja" if i % 2 == 0 else "en"
        languages[head["Content-Language"]] += 1
        assert head["Content-Language"] == language
        assert head["Message-ID"] == message_id(notice, address)
        if i % 20:
            continue
        # ... and a full parse of every twentieth, which costs ~10x more.
        msg = item.parse()
        assert msg["To"].addresses[0].addr_spec == address
        assert msg["To"].addresses[0].display_name == f"利用者 {i}"
        assert msg["Subject"].startswith("【重要】" if language == "ja" else "Important:")
        plain = msg.get_body(("plain",))
        assert plain is not None
        assert notice.texts[language].diff_url in plain.get_content()
    assert languages == {"ja": 500, "en": 500}


def test_rerun_after_success_sends_nothing(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 20)
    first = run(notice, tmp_path, smtp_server, clock)
    second = run(notice, tmp_path, smtp_server, clock)
    assert (first.sent, second.sent, second.already_sent) == (20, 0, 20)
    assert smtp_server.recorder.count() == 20
    assert "skipped, already sent: 20" in format_summary(second)


def test_new_rows_in_the_file_are_sent_on_the_next_run(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 5)
    run(notice, tmp_path, smtp_server, clock)
    addresses = write_csv(tmp_path / "r.csv", 8)
    summary = run(notice, tmp_path, smtp_server, clock)
    assert (summary.sent, summary.already_sent) == (3, 5)
    assert sorted(smtp_server.recorder.by_recipient()) == addresses


def test_a_mailbox_is_one_recipient_whatever_its_case(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    (tmp_path / "r.csv").write_text("email,language\nTaro@Example.com,ja\n", encoding="utf-8")
    run(notice, tmp_path, smtp_server, clock)
    (tmp_path / "r.csv").write_text("email,language\ntaro@example.com,ja\n", encoding="utf-8")
    summary = run(notice, tmp_path, smtp_server, clock)
    assert (summary.sent, summary.already_sent) == (0, 1)
    assert list(smtp_server.recorder.by_recipient()) == ["Taro@example.com"]


def test_bad_rows_are_rejected_never_sent_and_reported(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    (tmp_path / "r.csv").write_text(
        "email,language,name\n"
        "ok@example.com,ja,\n"
        '"evil@example.com\r\nBcc: all@example.com",ja,\n'
        'named@example.com,en,"Eve\r\nBcc: all@example.com"\n'
        "broken@,en,\n"
        "fr@example.com,fr,\n"
        "ok@example.com,en,\n",
        encoding="utf-8",
        newline="",
    )
    summary = run(notice, tmp_path, smtp_server, clock)
    assert summary.sent == 1
    assert [(r.line, r.reason) for r in summary.rejected] == [
        (3, "email: contains a line break (CR/LF)"),
        (5, "name: contains a line break (CR/LF)"),
        (7, "email: invalid address: no domain after the @"),
        (8, "language: 'fr' is not one of this document's languages (en, ja)"),
        (9, "duplicate of line 2; not sent twice"),
    ]
    assert list(smtp_server.recorder.by_recipient()) == ["ok@example.com"]
    report = format_summary(summary)
    assert "line 3: email: contains a line break (CR/LF)" in report
    assert "evil@" not in report  # the summary goes to CI logs: no raw values from bad rows


def test_permanent_failure_is_recorded_and_not_retried(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 6)

    def refuse(rec: Recorder, server: Any, address: str) -> str | None:
        return "550 5.1.1 mailbox unavailable" if address == addresses[2] else None

    smtp_server.recorder.on_rcpt = refuse
    summary = run(notice, tmp_path, smtp_server, clock)
    assert summary.sent == 5
    assert [(f.line, f.email, f.reason) for f in summary.failed] == [
        (4, addresses[2], "550 5.1.1 mailbox unavailable")
    ]
    assert "line 4 (u***@example.com): 550 5.1.1 mailbox unavailable" in format_summary(summary)
    assert clock.sleeps == []  # no back-off for a permanent failure

    again = run(notice, tmp_path, smtp_server, clock)
    assert (again.sent, again.already_sent, len(again.failed)) == (0, 5, 1)

    smtp_server.recorder.on_rcpt = None
    retried = run(notice, tmp_path, smtp_server, clock, retry_failed=True)
    assert (retried.sent, retried.failed) == (1, ())
    assert Counter(len(v) for v in smtp_server.recorder.by_recipient().values()) == {1: 6}


def test_outbox_records_states_and_clock_times(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 3)
    (tmp_path / "r.csv").write_text(
        (tmp_path / "r.csv").read_text() + "x@example.com,de,\n", encoding="utf-8"
    )
    run(notice, tmp_path, smtp_server, clock)
    db = sqlite3.connect(tmp_path / "outbox.sqlite")
    rows = db.execute(
        "SELECT recipient, state, attempts, sent_at FROM delivery ORDER BY recipient"
    ).fetchall()
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
    stamp = "2020-08-31T00:00:00+00:00"
    assert rows == [
        ("user0000@example.com", "sent", 1, stamp),
        ("user0001@example.com", "sent", 1, stamp),
        ("user0002@example.com", "sent", 1, stamp),
        ("x@example.com", "rejected", 0, None),
    ]


def test_rate_limit_spaces_messages(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 5)
    run(notice, tmp_path, smtp_server, clock, rate=4)
    # The first message goes at once; each of the other four waits a quarter second.
    assert clock.sleeps == [0.25] * 4


def test_dry_run_writes_eml_files_and_leaves_the_outbox_alone(
    notice: NoticeMail, tmp_path: Path, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 10)
    out = tmp_path / "eml"
    summary = deliver(
        notice, tmp_path / "r.csv", tmp_path / "outbox.sqlite", DryRunTransport(out), clock=clock
    )
    assert summary.dry_run and summary.sent == 10
    assert not (tmp_path / "outbox.sqlite").exists()
    files = sorted(out.iterdir())
    assert len(files) == 10
    assert all(f.suffix == ".eml" for f in files)
    recipients = set()
    for f in files:
        msg = message_from_bytes(f.read_bytes(), policy=policy.default)
        assert f.name.startswith(f"{msg['Content-Language']}-")
        recipients.add(msg["To"].addresses[0].addr_spec)
    assert recipients == set(addresses)
    # Deterministic: a second dry run writes the same names and the same bytes.
    before = {f.name: f.read_bytes() for f in files}
    again = tmp_path / "eml2"
    deliver(notice, tmp_path / "r.csv", None, DryRunTransport(again), clock=clock)
    assert {f.name: f.read_bytes() for f in again.iterdir()} == before


def test_a_second_concurrent_run_is_refused(tmp_path: Path) -> None:
    with (
        Outbox.open(tmp_path / "outbox.sqlite"),
        pytest.raises(NotifyError, match="in use by another `kaitei notify` run"),
    ):
        Outbox.open(tmp_path / "outbox.sqlite")
    Outbox.open(tmp_path / "outbox.sqlite").close()  # released once the first run ends


def test_not_an_outbox(tmp_path: Path) -> None:
    (tmp_path / "outbox.sqlite").write_text("hello, this is not a database" * 100)
    with pytest.raises(NotifyError, match="not a kaitei outbox"):
        Outbox.open(tmp_path / "outbox.sqlite")


def test_summary_masks_addresses_quoted_by_the_server() -> None:
    summary = Summary(
        notice_id="privacy/2020-10-01",
        dry_run=False,
        recipients=2,
        sent=1,
        already_sent=0,
        resent=(),
        unconfirmed_unsent=(),
        failed=(Failure(3, "Taro@example.com", "550 5.1.1 <taro@example.com>: unknown user"),),
        deferred=(),
        rejected=(),
        not_attempted=0,
        stopped=None,
    )
    report = format_summary(summary)
    assert "line 3 (T***@example.com): 550 5.1.1 <T***@example.com>: unknown user" in report
    assert "taro@" not in report.lower()
