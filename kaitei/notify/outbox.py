"""The SQLite outbox: one row per (notice, recipient), so a run can be killed and resumed.

The contract: a row is committed as `sending` before the message is handed to the server,
and as `sent` after the server accepted it. Sending is sequential, so after a crash at any
moment at most one row is `sending`: the message in flight. A rerun sends it again (at most
one duplicate, recognisable by its Message-ID) and everything still `queued`; `sent` rows
are never sent again.

`unconfirmed` counts the attempts that may have delivered the message without the server
saying so: a run that died while the row was `sending`, or a connection lost after the
whole message was handed over. Each is a possible duplicate once the message is sent, and
the run that sends it reports them.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from .errors import NotifyError
from .recipients import Recipient

State = Literal["queued", "sending", "sent", "failed", "rejected"]
SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS delivery (
    notice_id  TEXT NOT NULL,
    recipient  TEXT NOT NULL,  -- Recipient.key: the address in lower case
    language   TEXT NOT NULL,
    name       TEXT NOT NULL,
    state      TEXT NOT NULL
               CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'rejected')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    unconfirmed INTEGER NOT NULL DEFAULT 0,  -- attempts the server may have delivered
    last_error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at    TEXT,
    PRIMARY KEY (notice_id, recipient)
) WITHOUT ROWID;
"""


@dataclass(frozen=True, slots=True)
class Row:
    recipient: str
    state: State
    attempts: int
    last_error: str | None
    unconfirmed: int


class Outbox:
    """Open with `Outbox.open(path)`; use as a context manager so the run lock is released."""

    def __init__(self, conn: sqlite3.Connection, lock_fd: int | None) -> None:
        self._conn = conn
        self._lock_fd = lock_fd

    @classmethod
    def open(cls, path: Path | None) -> Outbox:
        """Open (creating) the outbox at `path`; None gives a throwaway in-memory one."""
        real = Path(os.path.realpath(path)) if path is not None else None
        lock_fd = _lock(real, path) if real is not None and path is not None else None
        conn = None
        try:
            # isolation_level=None: we write BEGIN/COMMIT ourselves, so every state change is
            # exactly one transaction, committed before the next step happens.
            conn = sqlite3.connect(str(real) if real else ":memory:", isolation_level=None)
            if real is not None:
                conn.execute("PRAGMA journal_mode=WAL")
                # FULL: a committed `sent` survives power loss too, not only a killed process.
                conn.execute("PRAGMA synchronous=FULL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, 1, SCHEMA_VERSION):
                raise NotifyError(f"{path}: outbox schema {version} is newer than this kaitei")
            if version == 1:
                conn.execute(
                    "ALTER TABLE delivery ADD COLUMN unconfirmed INTEGER NOT NULL DEFAULT 0"
                )
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if lock_fd is not None:
                os.close(lock_fd)
            if isinstance(exc, sqlite3.DatabaseError):
                raise NotifyError(f"{path}: not a kaitei outbox ({exc})") from exc
            raise
        return cls(conn, lock_fd)

    def close(self) -> None:
        self._conn.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def enqueue(
        self,
        notice_id: str,
        recipients: Iterable[Recipient],
        rejected: Iterable[str],
        now: datetime,
    ) -> None:
        """Record this run's recipients in one transaction; never touches a `sent` row.

        A row rejected earlier and valid now (the file was fixed) becomes `queued`; language
        and name follow the file for rows not yet sent.
        """
        stamp = now.isoformat()
        with self._transaction():
            self._conn.executemany(
                """
                INSERT INTO delivery (notice_id, recipient, language, name, state,
                                      created_at, updated_at)
                VALUES (?, ?, ?, ?, 'queued', ?, ?)
                ON CONFLICT (notice_id, recipient) DO UPDATE SET
                    language = excluded.language,
                    name = excluded.name,
                    state = CASE WHEN state = 'rejected' THEN 'queued' ELSE state END,
                    updated_at = excluded.updated_at
                WHERE state IN ('queued', 'sending', 'rejected')
                """,
                [(notice_id, r.key, r.language, r.name, stamp, stamp) for r in recipients],
            )
            self._conn.executemany(
                """
                INSERT INTO delivery (notice_id, recipient, language, name, state,
                                      created_at, updated_at)
                VALUES (?, ?, '', '', 'rejected', ?, ?)
                ON CONFLICT (notice_id, recipient) DO NOTHING
                """,
                [(notice_id, value.lower(), stamp, stamp) for value in rejected],
            )

    def rows(self, notice_id: str) -> dict[str, Row]:
        cursor = self._conn.execute(
            "SELECT recipient, state, attempts, last_error, unconfirmed FROM delivery "
            "WHERE notice_id = ?",
            (notice_id,),
        )
        return {r[0]: Row(r[0], r[1], r[2], r[3], r[4]) for r in cursor}

    def recover_in_flight(self, notice_id: str, now: datetime) -> None:
        """Rows left `sending` by a run that died: the server may have them; count that."""
        with self._transaction():
            self._conn.execute(
                "UPDATE delivery SET state = 'queued', unconfirmed = unconfirmed + 1, "
                "last_error = 'the run stopped while this message was being sent', "
                "updated_at = ? WHERE notice_id = ? AND state = 'sending'",
                (now.isoformat(), notice_id),
            )

    def mark_sending(self, notice_id: str, recipient: str, now: datetime) -> None:
        self._update(notice_id, recipient, now, "state = 'sending', attempts = attempts + 1")

    def mark_sent(self, notice_id: str, recipient: str, now: datetime) -> None:
        self._update(
            notice_id,
            recipient,
            now,
            "state = 'sent', sent_at = ?, last_error = NULL",
            now.isoformat(),
        )

    def mark_deferred(
        self,
        notice_id: str,
        recipient: str,
        now: datetime,
        error: str,
        *,
        unconfirmed: bool = False,
    ) -> None:
        """Back to `queued`, with the reason: a rerun tries again."""
        self._update(
            notice_id,
            recipient,
            now,
            "state = 'queued', last_error = ?, unconfirmed = unconfirmed + ?",
            error,
            int(unconfirmed),
        )

    def mark_failed(self, notice_id: str, recipient: str, now: datetime, error: str) -> None:
        self._update(notice_id, recipient, now, "state = 'failed', last_error = ?", error)

    def requeue_failed(self, notice_id: str, now: datetime) -> None:
        with self._transaction():
            self._conn.execute(
                "UPDATE delivery SET state = 'queued', updated_at = ? "
                "WHERE notice_id = ? AND state = 'failed'",
                (now.isoformat(), notice_id),
            )

    def _update(
        self, notice_id: str, recipient: str, now: datetime, assignments: str, *values: object
    ) -> None:
        with self._transaction():
            self._conn.execute(
                f"UPDATE delivery SET {assignments}, updated_at = ? "
                "WHERE notice_id = ? AND recipient = ?",
                (*values, now.isoformat(), notice_id, recipient),
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        # IMMEDIATE takes the write lock up front instead of failing half-way.
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._conn.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _lock(real: Path, given: Path) -> int:
    """Hold an exclusive lock on the outbox file itself so two runs cannot both send a notice.

    The lock is on the file, not on a name: the same outbox reached through a symlink, a
    symlinked folder, a hard link or a relative path is one lock. flock is released by the
    kernel when the process dies, so a SIGKILLed run never leaves a stale lock behind. It is
    independent of SQLite's own (POSIX) locks on the same file; the descriptor stays open
    until after the connection is closed, so closing it never drops one of SQLite's locks.
    """
    real.parent.mkdir(parents=True, exist_ok=True)
    # The outbox holds addresses: readable by its owner only (SQLite gives the -wal and -shm
    # files the same mode). Created here, before SQLite sees it, so that it can be locked.
    try:
        fd = os.open(real, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise NotifyError(f"{given}: cannot open the outbox: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        shown = f"{given} ({real})" if real != given else str(given)
        raise NotifyError(
            f"{shown} is in use by another `kaitei notify` run; wait for it to finish"
        ) from None
    return fd
