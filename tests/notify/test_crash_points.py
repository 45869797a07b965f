"""A crash at every step of every message, then a rerun: nobody missed, at most one duplicate.

In-process model of the SIGKILL tests in test_faults.py: a BaseException stands in for the
kill, raised before or after each outbox write and each hand-over to the server. A "hard"
crash also skips the outbox's close, as SIGKILL does, losing whatever was not committed.
"""

from __future__ import annotations

import os
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from kaitei.notify import NoticeMail, Outbox, deliver
from tests.notify.support import FakeClock, write_csv


class Crash(BaseException):
    """Not an Exception: nothing in deliver() may catch it, as nothing can catch SIGKILL."""


class Mailbox:
    """A transport that 'delivers' into a Counter."""

    dry_run = False

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        self.hook: Any = None

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        if self.hook:
            self.hook("send", "before")
        self.received[recipient] += 1
        if self.hook:
            self.hook("send", "after")

    def close(self) -> None:
        pass


STEPS = [
    (step, when) for step in ("mark_sending", "send", "mark_sent") for when in ("before", "after")
]
N = 6


def close_without_saving(self: Outbox) -> None:
    # What SIGKILL leaves: the connection gone, nothing pending committed.
    self._conn.close()
    if self._lock_fd is not None:
        os.close(self._lock_fd)
        self._lock_fd = None


@pytest.mark.parametrize("hard", [False, True], ids=["interrupted", "killed"])
@pytest.mark.parametrize("message", [0, 3, N - 1])  # first, middle, last
@pytest.mark.parametrize(("step", "when"), STEPS)
def test_crash_then_rerun(
    notice: NoticeMail,
    tmp_path: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    message: int,
    step: str,
    when: str,
    hard: bool,
) -> None:
    addresses = write_csv(tmp_path / "r.csv", N)
    box = Mailbox()
    calls: Counter[str] = Counter()

    def hook(name: str, moment: str) -> None:
        if name == step and moment == when and calls[name] == message:
            raise Crash
        if moment == "after":
            calls[name] += 1

    def wrap(name: str) -> None:
        original = getattr(Outbox, name)

        def wrapped(self: Outbox, *args: Any) -> None:
            hook(name, "before")
            original(self, *args)
            hook(name, "after")

        monkeypatch.setattr(Outbox, name, wrapped)

    wrap("mark_sending")
    wrap("mark_sent")
    if hard:
        monkeypatch.setattr(Outbox, "close", close_without_saving)
    box.hook = hook
    run = (notice, tmp_path / "r.csv", tmp_path / "outbox.sqlite", box)
    with pytest.raises(Crash):
        deliver(*run, clock=clock)
    box.hook = None
    monkeypatch.undo()

    summary = deliver(*run, clock=clock)
    assert summary.complete
    # Every write is committed at once, so a kill and an interruption end the same way.
    left_sending = (step, when) not in (("mark_sending", "before"), ("mark_sent", "after"))
    # A row left `sending` is reported: the reader of the summary learns of the duplicate risk.
    assert [(r.email, r.unconfirmed) for r in summary.resent] == (
        [(addresses[message], 1)] if left_sending else []
    )
    # The message is in flight from the server's acceptance until `sent` is committed.
    in_flight = (step, when) in (("send", "after"), ("mark_sent", "before"))
    expected = Counter({a: 1 for a in addresses})
    if in_flight:
        expected[addresses[message]] += 1
    assert box.received == expected
    assert deliver(*run, clock=clock).sent == 0
