"""Notify test fixtures: a real aiosmtpd server on loopback, a sample notice, a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from kaitei.notify import NoticeMail
from tests.notify.support import FakeClock, Recorder, SmtpServer, free_port, sample_notice


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    recorder = Recorder()
    for _ in range(5):
        port = free_port()
        # The loop is ours so it can be closed explicitly: an unclosed loop is a
        # ResourceWarning, an error under filterwarnings=error.
        loop = asyncio.new_event_loop()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, loop=loop)
        try:
            controller.start()
        except OSError:  # the port was taken between probing and binding: try another
            loop.close()
            continue
        break
    else:
        pytest.fail("could not start the test SMTP server")
    try:
        yield SmtpServer("127.0.0.1", port, recorder)
    finally:
        controller.stop()
        loop.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def notice() -> NoticeMail:
    return sample_notice()
