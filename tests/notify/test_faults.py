"""Fault tests against a real SMTP server: dropped connections, 4xx replies, SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kaitei.notify import (
    NoticeMail,
    RetryPolicy,
    SmtpSettings,
    SmtpTransport,
    deliver,
    format_summary,
    message_id,
)
from tests.notify.support import FakeClock, Recorder, SmtpServer, free_port, run, write_csv

SENDER = Path(__file__).parent / "_sender.py"


def copies(recorder: Recorder, addresses: list[str]) -> dict[str, int]:
    """How many messages each address received, checking each is the right one."""
    got = recorder.by_recipient()
    assert set(got) <= set(addresses)
    return {a: len(got.get(a, [])) for a in addresses}


def assert_exactly_once_except(counts: dict[str, int], duplicated: set[str]) -> None:
    assert {a for a, n in counts.items() if n != 1} == duplicated
    assert all(counts[a] == 2 for a in duplicated)


def drop(server: Any) -> None:
    # Close the socket under the client, as a crashing or restarting server does.
    server.transport.close()


def test_connection_dropped_before_data(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 60)
    dropped: list[str] = []

    def on_rcpt(rec: Recorder, server: Any, address: str) -> str | None:
        if address in (addresses[10], addresses[35]) and address not in dropped:
            dropped.append(address)
            drop(server)
            return "421 4.4.2 closing"  # never reaches the client: the socket is closed
        return None

    smtp_server.recorder.on_rcpt = on_rcpt
    summary = run(notice, tmp_path, smtp_server, clock)
    assert summary.complete and summary.sent == 60
    assert dropped == [addresses[10], addresses[35]]
    # Nothing was stored when the connection dropped, so nobody has a duplicate.
    assert_exactly_once_except(copies(smtp_server.recorder, addresses), set())


def test_connection_dropped_after_the_message_was_stored(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 60)
    seen: set[str] = set()

    def on_data(rec: Recorder, server: Any, envelope: Any) -> str | None:
        [address] = envelope.rcpt_tos
        if address in (addresses[20], addresses[21]) and address not in seen:
            seen.add(address)
            drop(server)  # stored, but the client never hears "250"
        return None

    smtp_server.recorder.on_data = on_data
    summary = run(notice, tmp_path, smtp_server, clock)
    assert summary.complete and summary.sent == 60
    # The message in flight each time is sent again: one duplicate each, same Message-ID.
    counts = copies(smtp_server.recorder, addresses)
    assert_exactly_once_except(counts, {addresses[20], addresses[21]})
    ids = {m.parse()["Message-ID"] for m in smtp_server.recorder.by_recipient()[addresses[20]]}
    assert ids == {message_id(notice, addresses[20])}


def test_4xx_replies_for_a_while_then_recovery(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 50)
    replies = iter(["421 4.3.2 try again later"] * 2 + ["451 4.3.0 temporary failure"] * 2)
    refused = 0

    def before_store(rec: Recorder, server: Any, envelope: Any) -> str | None:
        nonlocal refused
        if envelope.rcpt_tos == [addresses[30]]:
            reply = next(replies, None)
            refused += reply is not None
            return reply
        return None

    greylisted: list[str] = []

    def on_rcpt(rec: Recorder, server: Any, address: str) -> str | None:
        # Greylisting-style 451 at RCPT for another recipient, once.
        if address == addresses[5] and not greylisted:
            greylisted.append(address)
            return "451 4.7.1 greylisted, try again"
        return None

    smtp_server.recorder.before_store = before_store
    smtp_server.recorder.on_rcpt = on_rcpt
    summary = run(notice, tmp_path, smtp_server, clock)
    assert refused == 4
    assert summary.complete and summary.sent == 50 and summary.failed == ()
    assert_exactly_once_except(copies(smtp_server.recorder, addresses), set())
    # Back-off doubled between tries: 1 s for the greylisted one, then 1, 2, 4, 8 s.
    assert clock.sleeps == [1.0, 1.0, 2.0, 4.0, 8.0]


def test_server_unwell_for_longer_than_the_retries_then_rerun(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 20)
    unwell = True

    def before_store(rec: Recorder, server: Any, envelope: Any) -> str | None:
        return "451 4.3.0 queue full" if unwell and rec.data_commands > 8 else None

    smtp_server.recorder.before_store = before_store
    retry = RetryPolicy(attempts=3, stop_after_deferred=2)
    first = run(notice, tmp_path, smtp_server, clock, retry=retry)
    assert (first.sent, len(first.deferred), first.not_attempted) == (8, 2, 10)
    assert first.stopped is not None and "451 4.3.0 queue full" in first.stopped
    assert not first.complete
    report = format_summary(first)
    assert "deferred, will be retried by the next run: 2" in report
    assert "Run the same command again" in report

    unwell = False
    second = run(notice, tmp_path, smtp_server, clock, retry=retry)
    assert (second.sent, second.already_sent) == (12, 8) and second.complete
    assert_exactly_once_except(copies(smtp_server.recorder, addresses), set())


def test_server_down_stops_the_run_with_everyone_queued(
    notice: NoticeMail, tmp_path: Path, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 10)
    # A port nobody listens on: connection refused on every try.
    transport = SmtpTransport(SmtpSettings("127.0.0.1", free_port(), timeout=2))
    summary = deliver(
        notice,
        tmp_path / "r.csv",
        tmp_path / "outbox.sqlite",
        transport,
        clock=clock,
        retry=RetryPolicy(attempts=2, stop_after_deferred=3),
    )
    assert summary.sent == 0 and summary.stopped is not None
    assert "cannot connect to 127.0.0.1" in summary.stopped
    assert (len(summary.deferred), summary.not_attempted) == (3, 7)


# --- the sender process is killed with SIGKILL part-way, then run again ----------------


def start_sender(tmp_path: Path, server: SmtpServer) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            str(SENDER),
            str(server.port),
            str(tmp_path / "r.csv"),
            str(tmp_path / "outbox.sqlite"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(proc: subprocess.Popen[bytes]) -> str:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    return out.decode()


def kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("stored", [True, False], ids=["after-store", "before-store"])
def test_sigkill_while_a_message_is_in_flight(
    tmp_path: Path, smtp_server: SmtpServer, stored: bool
) -> None:
    """Kill the sender while the server holds message 40 without replying, then rerun."""
    addresses = write_csv(tmp_path / "r.csv", 120)
    victim = addresses[40]
    holding, release = threading.Event(), threading.Event()

    async def hold() -> None:
        holding.set()
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 30)

    recorder = smtp_server.recorder
    # Hooks cannot await, so wrap handle_DATA to hold the reply without blocking the server.
    original = recorder.handle_DATA

    async def handle_data(server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos == [victim] and not holding.is_set():
            if stored:
                reply = await original(server, session, envelope)
                await hold()
                return reply
            await hold()
            return "451 4.3.0 not stored"  # the client is dead by now; nothing was kept
        return await original(server, session, envelope)

    recorder.handle_DATA = handle_data  # type: ignore[method-assign]

    proc = start_sender(tmp_path, smtp_server)
    try:
        assert holding.wait(30), "the sender never reached the victim"
        kill(proc)
    finally:
        release.set()
    before = recorder.count()
    assert before == (41 if stored else 40)

    output = finish(start_sender(tmp_path, smtp_server))
    assert "skipped, already sent: 40" in output
    assert "sent again after an attempt the server never confirmed (may have arrived twice): 1" in (
        output
    )
    counts = copies(recorder, addresses)
    assert_exactly_once_except(counts, {victim} if stored else set())

    output = finish(start_sender(tmp_path, smtp_server))  # and once more: nothing to do
    assert "sent: 0" in output and "skipped, already sent: 120" in output
    assert copies(recorder, addresses) == counts


def test_sigkill_at_arbitrary_moments(tmp_path: Path, smtp_server: SmtpServer) -> None:
    """Kill the sender three times at whatever point it has reached, then let it finish."""
    addresses = write_csv(tmp_path / "r.csv", 150)
    recorder = smtp_server.recorder
    kills = 0
    for target in (30, 70, 110):
        proc = start_sender(tmp_path, smtp_server)
        deadline = time.monotonic() + 30
        while recorder.count() < target and time.monotonic() < deadline:
            time.sleep(0.001)
        if proc.poll() is None:
            kill(proc)
            kills += 1
        else:
            finish(proc)
    finish(start_sender(tmp_path, smtp_server))
    assert kills >= 1
    counts = copies(recorder, addresses)
    assert min(counts.values()) == 1  # nobody missed out
    # At most one duplicate per kill: the message in flight.
    assert sum(n - 1 for n in counts.values()) <= kills
    assert set(Counter(counts.values())) <= {1, 2}


def test_sender_refused_stops_the_run_without_failing_anyone(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 5)
    refuse = True

    async def handle_mail(
        server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if refuse:
            return "553 5.7.1 sender not permitted"
        envelope.mail_from = address
        return "250 OK"

    smtp_server.recorder.handle_MAIL = handle_mail  # type: ignore[attr-defined]
    first = run(notice, tmp_path, smtp_server, clock)
    assert first.stopped == (
        "127.0.0.1 refuses the sender address notice@saleport.example.com: "
        "553 5.7.1 sender not permitted"
    )
    assert (first.sent, first.failed, first.not_attempted) == (0, (), 5)
    refuse = False
    second = run(notice, tmp_path, smtp_server, clock)
    assert second.complete and second.sent == 5
    assert_exactly_once_except(copies(smtp_server.recorder, addresses), set())


def test_a_run_of_permanent_refusals_stops_early(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 30)
    spam_filter = True

    def before_store(rec: Recorder, server: Any, envelope: Any) -> str | None:
        return "554 5.7.1 message refused as spam" if spam_filter else None

    smtp_server.recorder.before_store = before_store
    first = run(notice, tmp_path, smtp_server, clock, retry=RetryPolicy(stop_after_failed=4))
    assert (len(first.failed), first.not_attempted) == (4, 26)
    assert first.stopped is not None and first.stopped.startswith(
        "stopped after 4 messages in a row were refused (554 5.7.1 message refused as spam)"
    )
    spam_filter = False
    second = run(notice, tmp_path, smtp_server, clock, retry_failed=True)
    assert second.complete and second.sent == 30
    assert_exactly_once_except(copies(smtp_server.recorder, addresses), set())
