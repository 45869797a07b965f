"""SMTP settings, STARTTLS and login against a real aiosmtpd server, connection reuse."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from kaitei.notify import NoticeMail, SmtpSettings, SmtpTransport, TransportError, deliver
from tests.notify.support import FakeClock, Recorder, SmtpServer, free_port, write_csv

ENV = {
    "KAITEI_SMTP_HOST": "mail.example.com",
    "KAITEI_SMTP_PORT": "2525",
    "KAITEI_SMTP_USER": "kaitei",
    "KAITEI_SMTP_PASSWORD": "s3cret",
}


def test_settings_from_environment() -> None:
    s = SmtpSettings.resolve(starttls=True, env=ENV)
    assert (s.host, s.port, s.starttls, s.user, s.password) == (
        "mail.example.com",
        2525,
        True,
        "kaitei",
        "s3cret",
    )
    assert "s3cret" not in repr(s)


def test_flags_override_environment() -> None:
    s = SmtpSettings.resolve(host="relay.example.org", port=587, starttls=True, env=ENV)
    assert (s.host, s.port) == ("relay.example.org", 587)


def test_default_ports() -> None:
    assert SmtpSettings.resolve(host="h.example", env={}).port == 25
    assert SmtpSettings.resolve(host="h.example", starttls=True, env={}).port == 587


@pytest.mark.parametrize(
    ("kwargs", "env", "message"),
    [
        ({}, {}, "no SMTP server: give --smtp-host or set KAITEI_SMTP_HOST"),
        ({"host": "h.example"}, {"KAITEI_SMTP_PORT": "smtp"}, "KAITEI_SMTP_PORT='smtp' is not"),
        ({"host": "h.example", "port": 70000}, {}, "SMTP port 70000 is out of range"),
        ({"host": "h.example", "password": "x"}, {}, "an SMTP password needs a user"),
        (
            {"host": "h.example", "user": "u", "password": "p"},
            {},
            "refusing to send the SMTP password to h.example unencrypted; use --starttls",
        ),
    ],
)
def test_settings_errors(kwargs: dict[str, Any], env: dict[str, str], message: str) -> None:
    with pytest.raises(TransportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SmtpSettings.resolve(env=env, **kwargs)


def test_login_without_tls_is_allowed_on_loopback() -> None:
    s = SmtpSettings.resolve(host="127.0.0.1", user="u", password="p", env={})
    assert s.user == "u"


def test_connection_reused_and_renewed(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 25)
    peers: set[Any] = set()

    def on_data(rec: Recorder, server: Any, envelope: Any) -> str | None:
        peers.add(server.session.peer)
        return None

    smtp_server.recorder.on_data = on_data
    settings = SmtpSettings(smtp_server.host, smtp_server.port, messages_per_connection=10)
    summary = deliver(notice, tmp_path / "r.csv", None, SmtpTransport(settings), clock=clock)
    assert summary.sent == 25
    assert len(peers) == 3  # 10 + 10 + 5 messages, one connection each


def test_connection_closed_while_idle_is_renewed_without_a_retry(
    notice: NoticeMail,
    tmp_path: Path,
    smtp_server: SmtpServer,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 6)
    monkeypatch.setattr("kaitei.notify.smtp.IDLE_CHECK_SECONDS", -1.0)  # always probe

    def on_data(rec: Recorder, server: Any, envelope: Any) -> str | None:
        if envelope.rcpt_tos == [addresses[2]]:
            # Hang up right after the reply, as a server's idle timeout does.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return None

    smtp_server.recorder.on_data = on_data
    summary = deliver(notice, tmp_path / "r.csv", None, transport(smtp_server), clock=clock)
    assert summary.sent == 6
    assert clock.sleeps == []  # NOOP noticed the closed connection: no failed try, no back-off
    assert sorted(smtp_server.recorder.by_recipient()) == addresses


def transport(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(SmtpSettings(server.host, server.port, timeout=10))


# --- STARTTLS and AUTH --------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem"),
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return d / "cert.pem", d / "key.pem"


def authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"kaitei",
        b"s3cret",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    recorder = Recorder()
    loop = asyncio.new_event_loop()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        loop=loop,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, recorder)
    finally:
        controller.stop()
        loop.close()


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def test_starttls_and_login(
    notice: NoticeMail,
    tmp_path: Path,
    tls_server: SmtpServer,
    certificate: tuple[Path, Path],
    clock: FakeClock,
) -> None:
    addresses = write_csv(tmp_path / "r.csv", 5)
    settings = SmtpSettings(
        "127.0.0.1", tls_server.port, starttls=True, user="kaitei", password="s3cret"
    )
    transport = SmtpTransport(settings, ssl_context=client_context(certificate))
    summary = deliver(notice, tmp_path / "r.csv", None, transport, clock=clock)
    assert summary.sent == 5
    assert sorted(tls_server.recorder.by_recipient()) == addresses


def test_wrong_password_stops_the_run(
    notice: NoticeMail,
    tmp_path: Path,
    tls_server: SmtpServer,
    certificate: tuple[Path, Path],
    clock: FakeClock,
) -> None:
    write_csv(tmp_path / "r.csv", 5)
    settings = SmtpSettings(
        "127.0.0.1", tls_server.port, starttls=True, user="kaitei", password="wrong"
    )
    transport = SmtpTransport(settings, ssl_context=client_context(certificate))
    summary = deliver(notice, tmp_path / "r.csv", tmp_path / "o.sqlite", transport, clock=clock)
    assert summary.stopped == f"127.0.0.1:{tls_server.port} refused the login for 'kaitei': 535"
    assert (summary.sent, summary.not_attempted) == (0, 5)
    assert tls_server.recorder.count() == 0


def test_untrusted_certificate_stops_the_run(
    notice: NoticeMail, tmp_path: Path, tls_server: SmtpServer, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 2)
    settings = SmtpSettings("127.0.0.1", tls_server.port, starttls=True)
    summary = deliver(notice, tmp_path / "r.csv", None, SmtpTransport(settings), clock=clock)
    assert summary.stopped is not None
    assert (
        "TLS with 127.0.0.1" in summary.stopped and "CERTIFICATE_VERIFY_FAILED" in summary.stopped
    )


def test_starttls_not_offered_stops_the_run(
    notice: NoticeMail, tmp_path: Path, smtp_server: SmtpServer, clock: FakeClock
) -> None:
    write_csv(tmp_path / "r.csv", 2)
    settings = SmtpSettings(smtp_server.host, smtp_server.port, starttls=True)
    summary = deliver(notice, tmp_path / "r.csv", None, SmtpTransport(settings), clock=clock)
    assert summary.stopped == f"127.0.0.1:{smtp_server.port} does not offer STARTTLS"
    assert smtp_server.recorder.count() == 0
