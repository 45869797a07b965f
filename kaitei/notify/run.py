"""deliver(): recipients file → messages → transport, through the resumable outbox."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from .address import mask_address
from .clock import SYSTEM_CLOCK, Clock, RateLimiter
from .errors import TransportError
from .message import TEMPLATES_DIR, MessageBuilder, NoticeMail
from .outbox import Outbox
from .recipients import Recipient, Rejected, load_recipients
from .transport import PermanentFailure, TransientFailure, Transport


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # tries per message in one run before it is deferred to the next run
    first_delay: float = 1.0  # seconds; doubled after each failed try
    max_delay: float = 60.0
    # After this many messages in a row are deferred the server is plainly unwell: stop
    # instead of spending minutes of back-off on every remaining recipient.
    stop_after_deferred: int = 3
    # The same for permanent refusals: ten in a row means the content or the settings are
    # refused, not the recipients; stop before the whole list is marked failed.
    stop_after_failed: int = 10

    def delay(self, attempt: int) -> float:
        return float(min(self.max_delay, self.first_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True, slots=True)
class Failure:
    line: int  # in the recipients file
    email: str
    reason: str


@dataclass(frozen=True, slots=True)
class Resend:
    """A recipient sent the message after attempts the server may have delivered."""

    line: int
    email: str
    unconfirmed: int  # earlier attempts, in this run or before, that may have arrived


@dataclass(frozen=True, slots=True)
class Summary:
    notice_id: str
    dry_run: bool
    recipients: int  # valid rows in the file
    sent: int  # handed to the server (or written as .eml) in this run
    already_sent: int  # skipped: sent by an earlier run
    # Sent after an attempt that was never confirmed (the run died while sending, or the
    # connection dropped after the message was handed over): may have arrived twice.
    resent: tuple[Resend, ...]
    # Not sent (failed, deferred, not attempted), yet an attempt may have arrived already.
    unconfirmed_unsent: tuple[Resend, ...]
    failed: tuple[Failure, ...]  # permanent failures (5xx), now or in an earlier run
    deferred: tuple[Failure, ...]  # temporary failures: still queued, a rerun retries them
    rejected: tuple[Rejected, ...]
    not_attempted: int  # still queued because the run stopped early
    stopped: str | None  # why the run stopped early, if it did

    @property
    def complete(self) -> bool:
        """Every valid recipient has been sent the message."""
        return self.sent + self.already_sent == self.recipients

    @property
    def refused_rows(self) -> tuple[Rejected, ...]:
        """Rows of the file that get no message (a duplicate's mailbox gets one, once)."""
        return tuple(r for r in self.rejected if r.duplicate_of is None)

    def succeeded(self, *, allow_rejected: bool = False) -> bool:
        """Everyone was sent the message, and no row was refused unless that is allowed."""
        return self.complete and (allow_rejected or not self.refused_rows)


def deliver(
    notice: NoticeMail,
    recipients_path: Path,
    outbox_path: Path | None,
    transport: Transport,
    *,
    rate: float = 0.0,
    clock: Clock = SYSTEM_CLOCK,
    retry: RetryPolicy | None = None,
    retry_failed: bool = False,
    templates_dir: Path = TEMPLATES_DIR,
) -> Summary:
    """Send `notice` to everyone in the recipients file who has not had it yet.

    Rerunning with the same arguments after a crash sends what is left; after a complete
    run it sends nothing. A dry-run transport gets a throwaway outbox, so a dry run never
    counts as sent. Permanent failures are not retried unless `retry_failed`. Raises
    NotifyError for problems with the whole run (templates, recipients file, outbox);
    a server that cannot be used stops the run and is reported in the Summary.
    """
    retry = retry or RetryPolicy()
    builder = MessageBuilder(notice, templates_dir)
    listing = load_recipients(recipients_path, notice.languages)
    notice_id = notice.notice_id
    pacer = RateLimiter(rate, clock)

    sent = already_sent = 0
    failed: list[Failure] = []
    deferred: list[Failure] = []
    stopped: str | None = None
    with Outbox.open(None if transport.dry_run else outbox_path) as outbox:
        outbox.enqueue(
            notice_id,
            listing.recipients,
            [r.value.strip() for r in listing.rejected if r.value and r.duplicate_of is None],
            clock.now(),
        )
        outbox.recover_in_flight(notice_id, clock.now())
        if retry_failed:
            outbox.requeue_failed(notice_id, clock.now())
        rows = outbox.rows(notice_id)
        pending: list[Recipient] = []
        for recipient in listing.recipients:
            row = rows[recipient.key]
            if row.state == "sent":
                already_sent += 1
            elif row.state == "failed":
                failed.append(Failure(recipient.line, recipient.email, row.last_error or ""))
            else:
                pending.append(recipient)

        deferred_in_a_row = failed_in_a_row = not_attempted = index = 0
        try:
            for index, recipient in enumerate(pending):
                message = builder.build(recipient, clock.now())
                outcome = _send_one(
                    outbox, transport, pacer, clock, retry, notice, recipient, message
                )
                if outcome is None:
                    sent += 1
                    deferred_in_a_row = failed_in_a_row = 0
                elif isinstance(outcome, PermanentFailure):
                    failed.append(Failure(recipient.line, recipient.email, str(outcome)))
                    deferred_in_a_row = 0
                    failed_in_a_row += 1
                    if failed_in_a_row >= retry.stop_after_failed:
                        stopped = (
                            f"stopped after {failed_in_a_row} messages in a row were refused "
                            f"({outcome}); check the message and the server settings, then "
                            "rerun with failed recipients retried"
                        )
                        not_attempted = len(pending) - index - 1
                        break
                else:
                    failed_in_a_row = 0
                    deferred.append(Failure(recipient.line, recipient.email, str(outcome)))
                    deferred_in_a_row += 1
                    if deferred_in_a_row >= retry.stop_after_deferred:
                        stopped = (
                            f"stopped after {deferred_in_a_row} messages in a row could not be "
                            f"sent ({outcome})"
                        )
                        not_attempted = len(pending) - index - 1
                        break
        except TransportError as exc:
            stopped = str(exc)
            not_attempted = len(pending) - index
        finally:
            transport.close()
        # The outbox counts every unconfirmed attempt, in this run and before: report each
        # recipient who may hold a copy the server never confirmed.
        final = outbox.rows(notice_id)
        resent: list[Resend] = []
        unconfirmed_unsent: list[Resend] = []
        for recipient in listing.recipients:
            row = final[recipient.key]
            if row.unconfirmed:
                entry = Resend(recipient.line, recipient.email, row.unconfirmed)
                if row.state != "sent":
                    unconfirmed_unsent.append(entry)
                elif rows[recipient.key].state != "sent":  # sent by this run
                    resent.append(entry)

    return Summary(
        notice_id=notice_id,
        dry_run=transport.dry_run,
        recipients=len(listing.recipients),
        sent=sent,
        already_sent=already_sent,
        resent=tuple(resent),
        unconfirmed_unsent=tuple(unconfirmed_unsent),
        failed=tuple(failed),
        deferred=tuple(deferred),
        rejected=listing.rejected,
        not_attempted=not_attempted,
        stopped=stopped,
    )


def _send_one(
    outbox: Outbox,
    transport: Transport,
    pacer: RateLimiter,
    clock: Clock,
    retry: RetryPolicy,
    notice: NoticeMail,
    recipient: Recipient,
    message: EmailMessage,
) -> TransientFailure | PermanentFailure | None:
    """Try one message up to retry.attempts times; None when the server accepted it."""
    last: TransientFailure | None = None
    for attempt in range(1, retry.attempts + 1):
        if attempt > 1:
            clock.sleep(retry.delay(attempt - 1))
        pacer.wait()
        # Committed before the server sees the message: if we die from here until
        # mark_sent, the rerun finds `sending` and sends it again (the one duplicate).
        outbox.mark_sending(notice.notice_id, recipient.key, clock.now())
        try:
            transport.send(message, notice.sender, recipient.email)
        except PermanentFailure as exc:
            outbox.mark_failed(notice.notice_id, recipient.key, clock.now(), str(exc))
            return exc
        except TransientFailure as exc:
            outbox.mark_deferred(
                notice.notice_id,
                recipient.key,
                clock.now(),
                str(exc),
                unconfirmed=exc.unconfirmed,
            )
            last = exc
            continue
        except TransportError:
            outbox.mark_deferred(notice.notice_id, recipient.key, clock.now(), "run stopped")
            raise
        outbox.mark_sent(notice.notice_id, recipient.key, clock.now())
        return None
    assert last is not None
    return last


def format_summary(summary: Summary) -> str:
    """The report printed at the end of `kaitei notify`; addresses are masked for CI logs."""
    verb = "written (dry run)" if summary.dry_run else "sent"
    lines = [
        f"{summary.notice_id}: {summary.recipients} recipients",
        f"  {verb}: {summary.sent}",
        f"  skipped, already sent: {summary.already_sent}",
    ]
    if summary.resent:
        retries = sum(r.unconfirmed for r in summary.resent)
        counted = f" ({retries} retries)" if retries != len(summary.resent) else ""
        lines.append(
            "  sent again after an attempt the server never confirmed "
            f"(may have arrived twice): {len(summary.resent)}{counted}"
        )
        lines.extend(
            f"    line {r.line} ({mask_address(r.email)}): "
            f"{_attempts(r.unconfirmed)} before this one may have arrived"
            for r in summary.resent
        )
    duplicates = [r for r in summary.rejected if r.duplicate_of is not None]
    if summary.unconfirmed_unsent:
        lines.append(
            "  not sent yet, but an attempt the server never confirmed may have arrived: "
            f"{len(summary.unconfirmed_unsent)}"
        )
        lines.extend(
            f"    line {r.line} ({mask_address(r.email)}): {_attempts(r.unconfirmed)}"
            for r in summary.unconfirmed_unsent
        )
    sections: list[tuple[str, list[str]]] = [
        ("failed permanently", [_line(f) for f in summary.failed]),
        ("deferred, will be retried by the next run", [_line(f) for f in summary.deferred]),
        (
            "rejected rows in the recipients file, sent nothing",
            [f"line {r.line}: {r.reason}" for r in summary.refused_rows],
        ),
    ]
    if duplicates:
        sections.append(
            (
                "duplicate rows, their mailbox is sent one message",
                [f"line {r.line}: {r.reason}" for r in duplicates],
            )
        )
    for title, items in sections:
        lines.append(f"  {title}: {len(items)}")
        lines.extend(f"    {item}" for item in items)
    if summary.not_attempted:
        lines.append(f"  not attempted, still queued: {summary.not_attempted}")
    if summary.stopped:
        lines.append(f"  STOPPED: {summary.stopped}")
    if (summary.deferred or summary.not_attempted) and not summary.dry_run:
        lines.append("  Run the same command again to retry what is still queued.")
    if summary.refused_rows:
        lines.append(
            "  Rejected rows get no message: correct them in the recipients file and run the "
            "same command again (those already sent are skipped)."
        )
    if summary.failed and not summary.dry_run:
        lines.append(
            "  Permanent failures are not retried by a rerun: correct the address in the "
            "recipients file, or retry them explicitly."
        )
    return "\n".join(lines)


def _attempts(count: int) -> str:
    return "1 attempt" if count == 1 else f"{count} attempts"


def _line(failure: Failure) -> str:
    masked = mask_address(failure.email)
    # Servers often quote the address in their reply ("550 <a@b>: unknown user").
    reason = re.sub(re.escape(failure.email), masked, failure.reason, flags=re.IGNORECASE)
    return f"line {failure.line} ({masked}): {reason}"
