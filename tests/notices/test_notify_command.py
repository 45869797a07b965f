"""`kaitei notify` end to end: the sample's consent notice to a real SMTP server on loopback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from kaitei.cli import main
from tests.notify.support import SmtpServer, write_csv

from .conftest import ROOT

SITE_URL = "https://policies.example.com/"  # mkdocs.yml's site_url
AS_OF = "2020-09-01"  # announced 2020-08-31, effective 2020-10-01


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def notify(root: Path, recipients: Path, *extra: str) -> int:
    return main(
        ["notify", "privacy", "2020-10-01", "--recipients", str(recipients), "--root", str(root),
         "--as-of", AS_OF, "--from", "privacy@example.com",
         "--from-name", "ja=株式会社セールポート", "--from-name", "Saleport Co., Ltd.", *extra]
    )  # fmt: skip


def parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.slow
def test_thousand_recipients_in_both_languages(
    tmp_path: Path,
    site_root: Path,
    smtp_server: SmtpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    recipients = tmp_path / "recipients.csv"
    addresses = write_csv(recipients, 1000)
    port = str(smtp_server.port)
    assert notify(site_root, recipients, "--smtp-host", "127.0.0.1", "--smtp-port", port) == 0
    assert "sent: 1000" in capsys.readouterr().out
    received = smtp_server.recorder.by_recipient()
    assert sorted(received) == sorted(addresses)
    assert all(len(messages) == 1 for messages in received.values())
    ja = parse(received[addresses[0]][0].data)
    en = parse(received[addresses[1]][0].data)
    assert ja["Content-Language"] == "ja" and en["Content-Language"] == "en"
    assert "プライバシーポリシー" in str(ja["Subject"])
    assert str(ja["From"]) == "株式会社セールポート <privacy@example.com>"
    assert str(en["From"]) == '"Saleport Co., Ltd." <privacy@example.com>'
    for message, lang in ((ja, "ja"), (en, "en")):
        plain = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert plain is not None and html is not None
        text = plain.get_content()
        assert f"{SITE_URL}{lang}/notices/privacy/2020-10-01/" in text
        assert f"{SITE_URL}{lang}/privacy/diff/2017-08-23/2020-10-01/" in text
        assert f'href="{SITE_URL}{lang}/notices/privacy/2020-10-01/"' in html.get_content()
    # The summary is the content's, per language.
    assert "提携事業者への個人情報を含む利用者情報の提供" in ja.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Partner Businesses" in en.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    # A second run after success sends nothing.
    assert notify(site_root, recipients, "--smtp-host", "127.0.0.1", "--smtp-port", port) == 0
    assert "skipped, already sent: 1000" in capsys.readouterr().out
    assert smtp_server.recorder.count() == 1000


def test_dry_run_writes_eml_files(tmp_path: Path, site_root: Path) -> None:
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 4)
    out = tmp_path / "eml"
    assert notify(site_root, recipients, "--dry-run", str(out)) == 0
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 4 and sum(name.startswith("ja-") for name in files) == 2


def test_refuses_an_editorial_version(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 2)
    code = main(["notify", "privacy", "2017-08-23", "--recipients", str(recipients), "--root",
                 str(site_root), "--as-of", AS_OF, "--from", "a@example.com", "--dry-run",
                 str(tmp_path / "eml")])  # fmt: skip
    assert code == 2
    assert "2017-08-23 is its enactment" in capsys.readouterr().err
    assert not (tmp_path / "eml").exists()


def test_refuses_content_that_fails_the_check(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ja = site_root / "content/privacy/2020-10-01/ja.md"
    ja.write_text(
        ja.read_text(encoding="utf-8").replace("change: consent", "change: notice"),
        encoding="utf-8",
    )
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 2)
    assert notify(site_root, recipients, "--dry-run", str(tmp_path / "eml")) == 1
    assert "rule 'third-party-provision'" in capsys.readouterr().err
    assert not (tmp_path / "eml").exists()


def test_needs_site_url(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = site_root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_url:", "# site_url:"), encoding="utf-8"
    )
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 1)
    assert notify(site_root, recipients, "--dry-run", str(tmp_path / "eml")) == 2
    assert "site_url" in capsys.readouterr().err


def test_keeps_addresses_out_of_the_site(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 1)
    outbox = site_root / "content" / "outbox.sqlite3"
    assert (
        notify(site_root, recipients, "--outbox", str(outbox), "--dry-run", str(tmp_path / "e"))
        == 2
    )
    assert "would be committed or published" in capsys.readouterr().err
    assert not outbox.exists()


def test_unknown_version_is_a_usage_error(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 1)
    code = main(["notify", "privacy", "2021-01-01", "--recipients", str(recipients), "--root",
                 str(site_root), "--from", "a@example.com", "--as-of", AS_OF])  # fmt: skip
    assert code == 2
    assert "versions: 2017-08-23, 2020-10-01" in capsys.readouterr().err


@pytest.mark.slow
def test_sigkill_part_way_then_rerun(
    tmp_path: Path, site_root: Path, smtp_server: SmtpServer
) -> None:
    """Kill `kaitei notify` mid-run; the same command again completes with no one missed."""
    recipients = tmp_path / "recipients.csv"
    addresses = write_csv(recipients, 300)
    command = [sys.executable, "-m", "kaitei.cli", "notify", "privacy", "2020-10-01",
               "--recipients", str(recipients), "--root", str(site_root), "--as-of", AS_OF,
               "--from", "privacy@example.com", "--smtp-host", "127.0.0.1",
               "--smtp-port", str(smtp_server.port)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # Paced so the kill lands part-way.
    process = subprocess.Popen([*command, "--rate", "150"], env=env, stdout=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while smtp_server.recorder.count() < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    interrupted = smtp_server.recorder.count()
    assert 60 <= interrupted < 300, interrupted
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    counts = Counter(r for m in smtp_server.recorder.messages for r in m.rcpt_tos)
    assert set(counts) == set(addresses)
    # Only the message in flight at the kill may have arrived twice.
    assert sum(n - 1 for n in counts.values()) <= 1, counts.most_common(3)


def test_refuses_to_send_a_password_unencrypted(
    tmp_path: Path,
    site_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KAITEI_SMTP_PASSWORD", "secret")
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 1)
    code = notify(site_root, recipients, "--smtp-host", "mail.example.com", "--smtp-user", "me")
    assert code == 1
    err = capsys.readouterr().err
    assert "unencrypted; use --starttls" in err and "secret" not in err


def test_rejected_rows_fail_the_run_unless_allowed(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipients = tmp_path / "recipients.csv"
    recipients.write_text(
        "email,language,name\na@example.com,ja,A\nnot-an-address,en,B\nc@example.com,fr,C\n",
        encoding="utf-8",
    )
    out = tmp_path / "eml"
    # Everyone valid has the message, yet two rows got nothing: that is not a success.
    assert notify(site_root, recipients, "--dry-run", str(out)) == 1
    captured = capsys.readouterr()
    assert "line 3: email: invalid address: must contain exactly one @" in captured.out
    assert f"error: 2 rows of {recipients} were rejected and sent nothing" in captured.err
    assert "--allow-rejected" in captured.err
    assert len(list(out.iterdir())) == 1
    assert notify(site_root, recipients, "--dry-run", str(out), "--allow-rejected") == 0
    assert "rejected rows in the recipients file, sent nothing: 2" in capsys.readouterr().out


def test_an_unclosed_quote_sends_nothing_and_fails(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipients = tmp_path / "recipients.csv"
    recipients.write_text(
        'email,language,name\na@example.com,ja,A\nb@example.com,ja,"Bee\nc@example.com,en,C\n',
        encoding="utf-8",
    )
    out = tmp_path / "eml"
    assert notify(site_root, recipients, "--dry-run", str(out), "--allow-rejected") == 1
    assert capsys.readouterr().err == (
        f"kaitei notify: error: {recipients}:3: a quote opened on this line is never closed, "
        "so every row after it was read as part of one field; close the quote (and double any "
        'quote inside a field: "")\n'
    )
    assert not out.exists() or not any(out.iterdir())


def test_list_unsubscribe_cannot_add_a_header(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 2)
    out = tmp_path / "eml"
    evil = "=?utf-8?q?x=0D=0AX-Injected:_yes?="
    assert notify(site_root, recipients, "--dry-run", str(out), "--list-unsubscribe", evil) == 1
    assert capsys.readouterr().err == (
        f"kaitei notify: error: List-Unsubscribe '{evil}': contains RFC 2047 encoded-word "
        "syntax (=?…?=)\n"
    )
    assert not out.exists() or not any(out.iterdir())
    unsubscribe = "https://policies.example.com/unsubscribe?u=1"
    assert (
        notify(site_root, recipients, "--dry-run", str(out), "--list-unsubscribe", unsubscribe) == 0
    )
    [eml, _] = sorted(out.iterdir())
    assert parse(eml.read_bytes())["List-Unsubscribe"] == f"<{unsubscribe}>"


@pytest.mark.parametrize("rate", ["-1", "nan", "inf", "fast"])
def test_a_rate_that_is_not_a_rate_is_a_usage_error(
    tmp_path: Path, site_root: Path, capsys: pytest.CaptureFixture[str], rate: str
) -> None:
    recipients = tmp_path / "recipients.csv"
    write_csv(recipients, 1)
    with pytest.raises(SystemExit) as info:
        notify(site_root, recipients, "--dry-run", str(tmp_path / "eml"), "--rate", rate)
    assert info.value.code == 2
    assert capsys.readouterr().err.endswith(
        f"kaitei: error: argument --rate: '{rate}' is not a number of messages per "
        "second (0 or more; 0 means no limit)\n"
    )
