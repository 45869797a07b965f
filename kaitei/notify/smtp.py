"""Send over SMTP with smtplib: one reused connection, reconnecting when it drops.

Replies are sorted into what deliver() can act on: 4xx and lost connections are
TransientFailure (retry later), 5xx is PermanentFailure (this recipient failed, with the
server's reason), and a server we cannot use at all (login refused, no STARTTLS) is
TransportError, which stops the run with everyone still queued.
"""

from __future__ import annotations

import ipaddress
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import NoReturn

from .errors import MessageError, TransportError
from .message import wire_bytes
from .transport import PermanentFailure, TransientFailure

ENV_HOST = "KAITEI_SMTP_HOST"
ENV_PORT = "KAITEI_SMTP_PORT"
ENV_USER = "KAITEI_SMTP_USER"
ENV_PASSWORD = "KAITEI_SMTP_PASSWORD"

# Idle this long, a reused connection is checked with NOOP before the next message.
IDLE_CHECK_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    # Many relays cap messages per connection; reconnecting first avoids a 421 mid-batch.
    messages_per_connection: int = 100

    @classmethod
    def resolve(
        cls,
        *,
        host: str | None = None,
        port: int | None = None,
        starttls: bool = False,
        user: str | None = None,
        password: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> SmtpSettings:
        """Command-line values first, then KAITEI_SMTP_* variables, then defaults."""
        env = os.environ if env is None else env
        host = host or env.get(ENV_HOST) or None
        if not host:
            raise TransportError(f"no SMTP server: give --smtp-host or set {ENV_HOST}")
        if port is None and env.get(ENV_PORT):
            raw = env[ENV_PORT]
            if not raw.isdigit():
                raise TransportError(f"{ENV_PORT}={raw!r} is not a port number")
            port = int(raw)
        if port is None:
            port = 587 if starttls else 25
        if not 0 < port < 65536:
            raise TransportError(f"SMTP port {port} is out of range")
        user = user or env.get(ENV_USER) or None
        password = password or env.get(ENV_PASSWORD) or None
        if password and not user:
            raise TransportError(f"an SMTP password needs a user: set {ENV_USER}")
        if user and not starttls and not _is_loopback(host):
            raise TransportError(
                f"refusing to send the SMTP password to {host} unencrypted; use --starttls"
            )
        return cls(host, port, starttls, user, password)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Connection(smtplib.SMTP):
    """smtplib.SMTP that knows whether the message in hand may have been delivered.

    Between the server's 354 (go ahead) and its reply to the final dot, the message is the
    server's: if the connection drops there, it may well be delivered (RFC 1047). smtplib
    does not tell that moment apart from a drop at MAIL or RCPT, which delivers nothing.
    """

    message_unconfirmed = False

    def getreply(self) -> tuple[int, bytes]:
        # Set by 354; cleared by the next reply that arrives. A reply that never comes (the
        # connection drops, the read times out) raises here and leaves it set.
        code, reply = super().getreply()
        self.message_unconfirmed = code == 354
        return code, reply


class SmtpTransport:
    dry_run = False

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        ssl_context: ssl.SSLContext | None = None,
        connect: Callable[[SmtpSettings], Connection] | None = None,
    ) -> None:
        self.settings = settings
        self._ssl_context = ssl_context
        self._connect_fn = connect or _open
        self._conn: Connection | None = None
        self._sent_on_conn = 0
        self._last_used = 0.0

    def send(self, message: EmailMessage, sender: str, recipient: str) -> None:
        try:
            data = wire_bytes(message)
        except MessageError as exc:
            raise PermanentFailure(f"not sent: {exc}") from exc
        if self._conn is not None and self._sent_on_conn >= self.settings.messages_per_connection:
            self.close()
        if self._conn is not None and time.monotonic() - self._last_used > IDLE_CHECK_SECONDS:
            self._check_alive()
        conn = self._connection()
        conn.message_unconfirmed = False
        try:
            conn.sendmail(sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            self._classify(code, reply)
        except smtplib.SMTPSenderRefused as exc:
            if exc.smtp_code >= 500:
                # MAIL FROM is the same for every message: refusing it is not this
                # recipient's failure, and marking the whole list failed would be wrong.
                raise TransportError(
                    f"{self.settings.host} refuses the sender address {sender}: "
                    f"{exc.smtp_code} {_text(exc.smtp_error)}"
                ) from exc
            self._classify(exc.smtp_code, exc.smtp_error)
        except smtplib.SMTPResponseException as exc:
            self._classify(exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError) as exc:
            unconfirmed = conn.message_unconfirmed
            self._drop()
            if unconfirmed:
                raise TransientFailure(
                    f"connection lost after the message was handed over, before the server "
                    f"confirmed it (it may have been delivered): {exc}",
                    unconfirmed=True,
                ) from exc
            # SMTPException is an OSError: every failure here leaves the connection unusable.
            raise TransientFailure(f"connection lost: {exc}") from exc
        finally:
            self._last_used = time.monotonic()
        self._sent_on_conn += 1

    def _check_alive(self) -> None:
        # Servers close idle connections (RFC 5321 suggests 5 minutes); with a slow --rate
        # that is normal, not a failure worth a retry and a back-off, so probe first.
        assert self._conn is not None
        try:
            code, _ = self._conn.noop()
        except (smtplib.SMTPException, OSError):
            code = 0
        if code != 250:
            self._drop()

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _classify(self, code: int, reply: bytes | str) -> NoReturn:
        reason = f"{code} {_text(reply)}"
        if code == 421:
            # 421 means the server is closing the channel; smtplib has closed it already.
            self._drop()
        if 400 <= code < 500:
            raise TransientFailure(reason)
        if code < 400:
            # Not an error reply at all: do not guess; treat as "try again".
            self._drop()
            raise TransientFailure(f"unexpected reply {reason}")
        raise PermanentFailure(reason)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _connection(self) -> Connection:
        if self._conn is not None:
            return self._conn
        s = self.settings
        try:
            conn = self._connect_fn(s)
        except smtplib.SMTPConnectError as exc:
            if exc.smtp_code >= 500:
                raise TransportError(
                    f"{s.host}:{s.port} refused the connection: {exc.smtp_code} {exc.smtp_error!r}"
                ) from exc
            raise TransientFailure(f"cannot connect to {s.host}:{s.port}: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientFailure(f"cannot connect to {s.host}:{s.port}: {exc}") from exc
        try:
            conn.ehlo_or_helo_if_needed()
            if s.starttls:
                context = self._ssl_context or ssl.create_default_context()
                conn.starttls(context=context)
                conn.ehlo()
            if s.user:
                conn.login(s.user, s.password or "")
        except smtplib.SMTPNotSupportedError as exc:
            conn.close()
            raise TransportError(f"{s.host}:{s.port} does not offer STARTTLS") from exc
        except smtplib.SMTPAuthenticationError as exc:
            conn.close()
            raise TransportError(
                f"{s.host}:{s.port} refused the login for {s.user!r}: {exc.smtp_code}"
            ) from exc
        except ssl.SSLError as exc:
            conn.close()
            raise TransportError(f"TLS with {s.host}:{s.port} failed: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            conn.close()
            raise TransientFailure(f"{s.host}:{s.port}: {exc}") from exc
        self._conn = conn
        self._sent_on_conn = 0
        self._last_used = time.monotonic()
        return conn


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def _open(settings: SmtpSettings) -> Connection:
    return Connection(settings.host, settings.port, timeout=settings.timeout)
