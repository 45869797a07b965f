"""Throughput of `deliver()` to a loopback aiosmtpd server, against plain smtplib.

usage: .venv/bin/python benchmarks/bench_notify.py [COUNT] [REPEAT]

Three figures for COUNT messages (default 1,000), all on one process and loopback, each
the best of REPEAT runs (default 3; the best is the least disturbed by other load), with
the process CPU time beside the wall time (the server thread's share included):
  baseline   smtplib.sendmail of pre-built bytes over one connection: the transport floor
  in-memory  deliver() with a throwaway outbox: adds templates, MIME building, bookkeeping
  outbox     deliver() with the SQLite outbox on disk (WAL, synchronous=FULL): the real thing
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from kaitei.notify import (
    MessageBuilder,
    NoticeMail,
    NoticeText,
    Recipient,
    SmtpSettings,
    SmtpTransport,
    deliver,
)


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def notice() -> NoticeMail:
    def text(title: str, sender: str, lang: str) -> NoticeText:
        base = f"https://policy.example.com/{lang}"
        return NoticeText(
            title=title,
            summary="対象サービスを追加し、提携事業者への提供を定めました。" * 3,
            changes=tuple(f"変更点 {i}" for i in range(8)),
            notice_url=f"{base}/notices/privacy/2020-10-01/",
            diff_url=f"{base}/privacy/diff/2017-08-23/2020-10-01/",
            sender_name=sender,
        )

    return NoticeMail(
        doc="privacy",
        version="2020-10-01",
        level="consent",
        effective=date(2020, 10, 1),
        announced=date(2020, 8, 31),
        authoritative_language="ja",
        texts={
            "ja": text("プライバシーポリシー", "株式会社セールポート", "ja"),
            "en": text("Privacy Policy", "Saleport Inc.", "en"),
        },
        sender="notice@saleport.example.com",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def timed(label: str, count: int, repeat: int, fn: Callable[[], None]) -> float:
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(
        f"{label:<10} {count:>6} messages  {best_wall:6.2f} s wall  {best_cpu:6.2f} s CPU  "
        f"{count / best_wall:6.0f} msg/s"
    )
    return best_wall


def main(count: int, repeat: int) -> None:
    handler = Counter()
    loop = asyncio.new_event_loop()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, loop=loop)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as d:
            work = Path(d)
            recipients = work / "r.csv"
            lines = ["email,language,name"]
            lines += [
                f"user{i}@example.com,{'ja' if i % 2 else 'en'},利用者 {i}" for i in range(count)
            ]
            recipients.write_text("\n".join(lines) + "\n", encoding="utf-8")
            builder = MessageBuilder(notice())
            now = datetime(2020, 8, 31, tzinfo=UTC)
            prebuilt = [
                (f"user{i}@example.com", builder.build(
                    Recipient(f"user{i}@example.com", "ja" if i % 2 else "en", f"利用者 {i}", i),
                    now,
                ).as_bytes())
                for i in range(count)
            ]  # fmt: skip

            def baseline() -> None:
                with smtplib.SMTP("127.0.0.1", port) as smtp:
                    for address, data in prebuilt:
                        smtp.sendmail("notice@saleport.example.com", [address], data)

            def run(outbox: Path | None) -> Callable[[], None]:
                def go() -> None:
                    if outbox is not None:  # a fresh outbox, or the rerun would send nothing
                        for leftover in work.glob(outbox.name + "*"):
                            leftover.unlink()
                    transport = SmtpTransport(SmtpSettings("127.0.0.1", port))
                    summary = deliver(notice(), recipients, outbox, transport)
                    assert summary.sent == count, summary

                return go

            base = timed("baseline", count, repeat, baseline)
            memory = timed("in-memory", count, repeat, run(None))
            disk = timed("outbox", count, repeat, run(work / "outbox.sqlite"))
            print(f"deliver() with outbox takes {disk / base:.1f}x the baseline time "
                  f"({(disk - base) / count * 1000:.2f} ms more per message; "
                  f"outbox alone {(disk - memory) / count * 1000:.2f} ms)")  # fmt: skip
            assert handler.count == 3 * count * repeat
    finally:
        controller.stop()
        loop.close()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args[:1] or [1000], *args[1:2] or [3])
