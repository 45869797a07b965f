from __future__ import annotations

import dataclasses
import os
import shutil
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from kaitei.notify import MessageBuilder, MessageError, NoticeMail, Recipient, message_id
from kaitei.notify.message import TEMPLATES_DIR
from tests.notify.support import sample_notice

NOW = datetime(2020, 8, 31, 9, 0, tzinfo=UTC)
GOLDEN = Path(__file__).parent / "golden"


def build(notice: NoticeMail, language: str = "ja", name: str = "山田 花子") -> EmailMessage:
    recipient = Recipient("hanako@example.jp", language, name, 2)
    return MessageBuilder(notice).build(recipient, NOW)


def reparse(msg: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize("language", ["ja", "en"])
def test_structure_and_headers(notice: NoticeMail, language: str) -> None:
    raw = build(notice, language).as_bytes()
    # email.policy.SMTP: CRLF line ends, and 7-bit transfer encodings even for UTF-8 bodies.
    assert raw.isascii()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    msg = reparse(build(notice, language))
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    for part in msg.iter_parts():
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] in ("7bit", "base64", "quoted-printable")
    assert msg["To"].addresses[0].addr_spec == "hanako@example.jp"
    assert msg["Message-ID"] == message_id(notice, "hanako@example.jp")
    assert msg["Content-Language"] == language
    assert msg["Reply-To"] == "privacy@saleport.example.com"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Date"] == "Mon, 31 Aug 2020 09:00:00 +0000"
    text = notice.texts[language]
    assert msg["From"].addresses[0].display_name == text.sender_name
    body = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert body is not None and html is not None
    for content in (body.get_content(), html.get_content()):
        assert text.notice_url in content
        assert text.diff_url in content
        assert all(change in content for change in text.changes)


def test_subjects(notice: NoticeMail) -> None:
    assert reparse(build(notice, "ja"))["Subject"] == (
        "【重要】プライバシーポリシー改定のお知らせ（2020年10月1日施行）"
    )
    assert reparse(build(notice, "en"))["Subject"] == (
        "Important: changes to our Privacy Policy (effective 1 October 2020)"
    )


def test_level_decides_what_the_reader_must_do() -> None:
    def plain(level: str, language: str) -> str:
        part = reparse(build(sample_notice(level), language)).get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    assert "同意については、このメールとは別に" in plain("consent", "ja")
    assert "お手続きは不要です" not in plain("consent", "ja")
    assert "お手続きは不要です。2020年10月1日以降に" in plain("notice", "ja")
    assert "We will ask for your consent separately" in plain("consent", "en")
    assert "If you continue to use our services on or after 1 October 2020" in plain("notice", "en")


def test_translation_says_which_text_prevails(notice: NoticeMail) -> None:
    en = reparse(build(notice, "en")).get_body(("plain",))
    ja = reparse(build(notice, "ja")).get_body(("plain",))
    assert en is not None and ja is not None
    assert "the Japanese text is authoritative" in en.get_content()
    assert "translation" not in ja.get_content()


def test_message_id_is_stable_and_per_recipient(notice: NoticeMail) -> None:
    a = message_id(notice, "a@example.com")
    assert a == message_id(notice, "a@example.com") == message_id(notice, "A@Example.com")
    assert a != message_id(notice, "b@example.com")
    other = dataclasses.replace(notice, version="2021-04-01")
    assert a != message_id(other, "a@example.com")
    assert a.startswith("<kaitei.") and a.endswith("@saleport.example.com>")


def test_build_is_deterministic(notice: NoticeMail) -> None:
    assert build(notice).as_bytes() == build(notice).as_bytes()


def test_html_is_escaped_text_is_not(notice: NoticeMail) -> None:
    ja = dataclasses.replace(notice.texts["ja"], summary='<script>alert("x")</script> & 〜')
    msg = reparse(build(dataclasses.replace(notice, texts={**notice.texts, "ja": ja})))
    html, plain = msg.get_body(("html",)), msg.get_body(("plain",))
    assert html is not None and plain is not None
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 〜" in html.get_content()
    assert "<script>" not in html.get_content()
    assert '<script>alert("x")</script> & 〜' in plain.get_content()


def test_greeting_without_a_name(notice: NoticeMail) -> None:
    ja = reparse(build(notice, "ja", name="")).get_body(("plain",))
    en = reparse(build(notice, "en", name="")).get_body(("plain",))
    assert ja is not None and en is not None
    assert ja.get_content().startswith("お客様各位\r\n") or ja.get_content().startswith(
        "お客様各位\n"
    )
    assert en.get_content().startswith("Dear customer,")


def test_header_injection_through_the_notice_is_refused(notice: NoticeMail) -> None:
    bad = dataclasses.replace(notice.texts["ja"], title="ポリシー\r\nBcc: evil@example.com")
    with pytest.raises(MessageError, match=r"notice ja title: contains a line break \(CR/LF\)"):
        MessageBuilder(dataclasses.replace(notice, texts={**notice.texts, "ja": bad}))
    with pytest.raises(MessageError, match="sender address"):
        MessageBuilder(dataclasses.replace(notice, sender="notice@example.com\nBcc: x@y.z"))


def test_header_injection_through_a_recipient_name_is_refused(notice: NoticeMail) -> None:
    # load_recipients() rejects these first; the builder checks again in case it is
    # called directly.
    with pytest.raises(MessageError, match="recipient name"):
        build(notice, name="Taro\r\nBcc: evil@example.com")


def test_missing_template_value_fails_loudly(notice: NoticeMail, tmp_path: Path) -> None:
    for lang in ("ja", "en"):
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "subject.txt").write_text("{{ no_such_value }}")
        (tmp_path / lang / "body.txt").write_text("x")
        (tmp_path / lang / "body.html").write_text("x")
    # Found when the builder is made, before any message is sent.
    with pytest.raises(MessageError, match="'no_such_value' is undefined"):
        MessageBuilder(notice, tmp_path)


def test_editorial_changes_are_not_emailed(notice: NoticeMail) -> None:
    with pytest.raises(MessageError, match="level 'editorial' is not announced by email"):
        MessageBuilder(dataclasses.replace(notice, level="editorial"))  # type: ignore[arg-type]


def test_language_without_templates_gets_the_english_email(notice: NoticeMail) -> None:
    fr = dataclasses.replace(notice.texts["en"], title="Politique de confidentialité")
    with_fr = dataclasses.replace(notice, texts={**notice.texts, "fr": fr})
    msg = MessageBuilder(with_fr).build(Recipient("a@example.fr", "fr", "", 2), NOW)
    english = build(notice, "en", "")
    # The English email, English text included: one language, not English words around French.
    assert msg["Content-Language"] == "en"
    assert msg["Subject"] == english["Subject"]
    assert notice.texts["en"].title in msg["Subject"]


def test_missing_english_templates_fail_up_front(notice: NoticeMail, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES_DIR / "ja", templates / "ja")
    fr = dataclasses.replace(notice.texts["en"])
    with pytest.raises(MessageError, match=r"no email template en/subject.txt"):
        MessageBuilder(dataclasses.replace(notice, texts={**notice.texts, "fr": fr}), templates)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("level", ["consent", "notice"])
def test_golden(language: str, level: str) -> None:
    """The decoded message, reviewed like code. KAITEI_UPDATE_GOLDEN=1 rewrites the files."""
    msg = reparse(build(sample_notice(level), language))
    headers = "".join(f"{k}: {v}\n" for k, v in msg.items())
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and html is not None
    text = (
        f"{headers}\n--- text/plain ---\n{plain.get_content()}\n--- text/html ---\n"
        f"{html.get_content()}"
    ).replace("\r\n", "\n")
    path = GOLDEN / f"{level}.{language}.txt"
    if os.environ.get("KAITEI_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
