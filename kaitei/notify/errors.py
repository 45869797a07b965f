"""Errors a person running `kaitei notify` can cause and act on."""

from __future__ import annotations


class NotifyError(Exception):
    """Root of every notify error; the CLI prints it without a traceback."""


class RecipientsFileError(NotifyError):
    """The recipients file as a whole cannot be read (one bad row is a Rejected instead)."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class MessageError(NotifyError):
    """A message cannot be built: a template or a header value is wrong."""


class TransportError(NotifyError):
    """The mail server cannot be used at all (bad login, no STARTTLS, ...); the run stops."""
