"""`--dry-run DIR`: write each message as an .eml file instead of sending it."""

from __future__ import annotations

import os
import re
from email.message import EmailMessage
from pathlib import Path

from .errors import MessageError
from .message import wire_bytes
from .transport import PermanentFailure


class DryRunTransport:
    dry_run = True

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.written: list[Path] = []

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        try:
            data = wire_bytes(message)
        except MessageError as exc:
            raise PermanentFailure(f"not written: {exc}") from exc
        path = self.directory / eml_name(message)
        # Write then rename: an interrupted dry run never leaves a truncated .eml behind.
        tmp = path.with_suffix(".eml.tmp")
        # Owner-only, like the outbox: the files carry recipients' addresses and names.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        self.written.append(path)

    def close(self) -> None:
        pass


def eml_name(message: EmailMessage) -> str:
    """`<language>-<message-id hash>.eml`: stable across runs, no address in the file name."""
    token = re.sub(r"[^A-Za-z0-9]", "", str(message["Message-ID"]).split("@")[0])
    return f"{message['Content-Language']}-{token.removeprefix('kaitei')}.eml"
