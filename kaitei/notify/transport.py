"""What deliver() needs from a way of sending: SMTP, or .eml files for a dry run."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class TransientFailure(Exception):
    """Try this message again later: a 4xx reply or a lost connection.

    `unconfirmed`: the whole message had been handed over (after DATA's 354) when the
    connection was lost, so the server may have delivered it; sending it again may make a
    duplicate, and the run says so.
    """

    def __init__(self, reason: str, *, unconfirmed: bool = False) -> None:
        super().__init__(reason)
        self.unconfirmed = unconfirmed


class PermanentFailure(Exception):
    """This message will never go through as it is: a 5xx reply. The text is the reason."""


class Transport(Protocol):
    # A dry run must never mark anyone as sent in the real outbox.
    dry_run: bool

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        """Hand over one message, or raise TransientFailure / PermanentFailure / TransportError."""
        ...

    def close(self) -> None: ...
