"""Build one notice email: multipart/alternative text + HTML, UTF-8, from per-language templates."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

import jinja2

from .address import address_problem, header_text_problem, name_problem, to_ascii_domain
from .errors import MessageError
from .recipients import Recipient

TEMPLATES_DIR = Path(__file__).parent / "templates"
# The email a recipient gets when their language has no templates (with a warning).
FALLBACK_LANGUAGE = "en"


def template_language(lang: str, templates_dir: Path = TEMPLATES_DIR) -> str | None:
    """The template folder that serves `lang`: its own, else its longest prefix's (`fr-CA`
    → `fr`); None when none does and the recipient gets the English email."""
    subtags = lang.split("-")
    for end in range(len(subtags), 0, -1):
        folder = "-".join(subtags[:end])
        if (templates_dir / folder / "subject.txt").is_file():
            return folder
    return None


def english_fallbacks(languages: tuple[str, ...], templates_dir: Path = TEMPLATES_DIR) -> list[str]:
    """The languages whose recipients get the English email: no templates serve them."""
    return [lang for lang in languages if template_language(lang, templates_dir) is None]


class _CachingHeaderRegistry(HeaderRegistry):
    """The stdlib registry builds a new class on every header it makes (about a third of
    the time spent building a message); the class for a name never changes, so reuse it."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = super().__getitem__(name)
        return cls


# email.policy.SMTP (CRLF, 7-bit transfer encodings) with the faster registry.
POLICY = SMTP.clone(header_factory=_CachingHeaderRegistry())


@dataclass(frozen=True, slots=True)
class NoticeText:
    """What a notice says in one language."""

    title: str  # the document's title, e.g. プライバシーポリシー
    summary: str
    changes: tuple[str, ...]
    notice_url: str
    diff_url: str  # the 新旧対照表 page
    sender_name: str  # who the notice is from, e.g. 株式会社セールポート


@dataclass(frozen=True, slots=True)
class NoticeMail:
    """Everything the email of one notice-level version needs; built from the model by the CLI."""

    doc: str
    version: str
    level: Literal["notice", "consent"]
    effective: date
    announced: date
    authoritative_language: str
    texts: Mapping[str, NoticeText]  # per language
    sender: str  # From address
    reply_to: str | None = None
    list_unsubscribe: str | None = None  # a URL or mailto:, sent as List-Unsubscribe
    extra: Mapping[str, str] = field(default_factory=dict)  # more template values

    @property
    def notice_id(self) -> str:
        return f"{self.doc}/{self.version}"

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.texts))


def message_id(notice: NoticeMail, recipient_email: str) -> str:
    """A Message-ID fixed by notice and recipient, so a resend after a crash is recognisable."""
    key = f"{notice.notice_id}\0{recipient_email.lower()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = to_ascii_domain(notice.sender.rpartition("@")[2])
    return f"<kaitei.{digest}@{domain}>"


class MessageBuilder:
    """Renders messages of one notice; templates are loaded and checked once, up front."""

    def __init__(self, notice: NoticeMail, templates_dir: Path = TEMPLATES_DIR) -> None:
        self.notice = notice
        self._check_notice()
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(templates_dir),
            undefined=jinja2.StrictUndefined,
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",)),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # A language without templates gets the English email, text included when there is an
        # English text: a whole message in one language, not English words around French ones.
        self._mail_language = {
            lang: template_language(lang, templates_dir)
            or (FALLBACK_LANGUAGE if FALLBACK_LANGUAGE in notice.texts else lang)
            for lang in notice.languages
        }
        try:
            self._templates = {
                lang: tuple(
                    self._env.get_template(
                        f"{template_language(lang, templates_dir) or FALLBACK_LANGUAGE}/{name}"
                    )
                    for name in ("subject.txt", "body.txt", "body.html")
                )
                for lang in notice.languages
            }
        except jinja2.TemplateNotFound as exc:
            raise MessageError(f"no email template {exc.name} in {templates_dir}") from exc
        except jinja2.TemplateSyntaxError as exc:
            raise MessageError(f"{exc.filename}:{exc.lineno}: {exc.message}") from exc
        # Render every language once now: a template error or a subject too long for a
        # header must stop the run before the first message goes out, not after half the
        # list has been sent.
        for lang in notice.languages:
            for name in ("", "probe"):
                wire_bytes(
                    self.build(
                        Recipient(notice.sender, lang, name, 0), datetime(2000, 1, 1, tzinfo=UTC)
                    )
                )

    def build(self, recipient: Recipient, now: datetime) -> EmailMessage:
        notice = self.notice
        text = notice.texts[self._mail_language[recipient.language]]
        context = self._context(recipient)
        subject_t, text_t, html_t = self._templates[recipient.language]
        try:
            # A subject is one line: whatever whitespace the template has collapses to spaces.
            subject = " ".join(subject_t.render(context).split())
            body_text = text_t.render(context)
            body_html = html_t.render(context)
        except jinja2.UndefinedError as exc:
            raise MessageError(f"email template for {recipient.language!r}: {exc}") from exc

        msg = EmailMessage(policy=POLICY)
        msg["Subject"] = _checked(subject, "Subject", header_text_problem)
        msg["From"] = Address(
            _checked(text.sender_name, "sender name", name_problem), addr_spec=notice.sender
        )
        msg["To"] = Address(
            _checked(recipient.name, "recipient name", name_problem),
            addr_spec=_checked(recipient.email, "recipient address", address_problem),
        )
        if notice.reply_to:
            msg["Reply-To"] = Address(addr_spec=notice.reply_to)
        msg["Date"] = format_datetime(now)
        msg_id = message_id(notice, recipient.email)
        msg["Message-ID"] = msg_id
        # RFC 3834: keeps vacation responders from answering a mass mailing.
        msg["Auto-Submitted"] = "auto-generated"
        if notice.list_unsubscribe:
            msg["List-Unsubscribe"] = f"<{notice.list_unsubscribe}>"  # checked up front
        msg["X-Kaitei-Notice"] = _checked(notice.notice_id, "notice id", header_text_problem)
        msg.set_content(body_text, charset="utf-8")
        msg.add_alternative(body_html, subtype="html", charset="utf-8")
        # After the bodies: set_content() clears every Content-* header.
        msg["Content-Language"] = _checked(
            self._mail_language[recipient.language], "language", header_text_problem
        )
        # The default boundary is random; a fixed one keeps dry-run output byte-identical.
        # "=_" can occur in neither base64 nor quoted-printable text, so it cannot collide.
        msg.set_boundary(f"=_kaitei_{msg_id[8:40]}")
        return msg

    def _context(self, recipient: Recipient) -> dict[str, object]:
        notice = self.notice
        language = self._mail_language[recipient.language]
        text = notice.texts[language]
        return {
            "doc": notice.doc,
            "version": notice.version,
            "level": notice.level,
            "effective": notice.effective,
            "announced": notice.announced,
            "effective_text": long_date(notice.effective, language),
            "announced_text": long_date(notice.announced, language),
            "language": language,
            "authoritative_language": notice.authoritative_language,
            "is_translation": language != notice.authoritative_language,
            "recipient_name": recipient.name,
            "title": text.title,
            "summary": text.summary,
            "changes": text.changes,
            "notice_url": text.notice_url,
            "diff_url": text.diff_url,
            "sender_name": text.sender_name,
            "reply_to": notice.reply_to or "",
            **notice.extra,
        }

    def _check_notice(self) -> None:
        notice = self.notice
        if notice.level not in ("notice", "consent"):
            raise MessageError(
                f"notice {notice.notice_id}: level {notice.level!r} is not announced by email "
                "(only 'notice' and 'consent' are)"
            )
        if not notice.texts:
            raise MessageError(f"notice {notice.notice_id} has no text in any language")
        if notice.authoritative_language not in notice.texts:
            raise MessageError(
                f"notice {notice.notice_id}: no text in the authoritative language "
                f"{notice.authoritative_language!r}"
            )
        for label, value in (("sender", notice.sender), ("reply-to", notice.reply_to)):
            if value is None:
                continue
            problem = address_problem(value)
            if problem is not None:
                raise MessageError(f"{label} address {value!r}: {problem}")
        if notice.list_unsubscribe is not None:
            problem = list_unsubscribe_problem(notice.list_unsubscribe)
            if problem is not None:
                raise MessageError(f"List-Unsubscribe {notice.list_unsubscribe!r}: {problem}")
        for lang, text in notice.texts.items():
            for label, value in (
                ("title", text.title),
                ("sender_name", text.sender_name),
                ("notice_url", text.notice_url),
                ("diff_url", text.diff_url),
            ):
                check = name_problem if label == "sender_name" else header_text_problem
                problem = check(value)
                if problem is not None:
                    raise MessageError(f"notice {lang} {label}: {problem}")
                if not value.strip():
                    # The sender's name is in From and in the text ("…は、…を改定し"):
                    # a message without it reads as if from nobody.
                    raise MessageError(f"notice {lang} {label}: missing")
            for label, url in (("notice_url", text.notice_url), ("diff_url", text.diff_url)):
                # Links go into href attributes; only web addresses belong there.
                if not url.startswith(("https://", "http://")):
                    raise MessageError(f"notice {lang} {label}: {url!r} is not an http(s) URL")


def list_unsubscribe_problem(value: str) -> str | None:
    """Say why `value` cannot be sent as List-Unsubscribe (RFC 2369), or None."""
    problem = header_text_problem(value)
    if problem is not None:
        return problem
    if not value.startswith(("https://", "http://", "mailto:")):
        return "must be an https:// (or http://) URL or a mailto: address"
    # The header is <URL>: anything that ends the angle brackets, or starts another URL
    # in the list, or would need encoding, is not part of one address.
    if not value.isascii() or any(ch in value for ch in ' \t<>,"') or len(value) > 500:
        return (
            "must be one URL of at most 500 ASCII characters without spaces, "
            "angle brackets, commas or quotes (percent-encode them)"
        )
    return None


def _checked(value: str, label: str, check: Callable[[str], str | None]) -> str:
    # The notice was checked up front and load_recipients() checked every row; this is the
    # last look before a value goes into a header, for callers that skip those.
    problem = check(value)
    if problem is not None:
        raise MessageError(f"{label} {value[:60]!r}: {problem}; refusing to put it in a header")
    return value


MAX_LINE_OCTETS = 998  # RFC 5322 2.1.1, without the CRLF


def wire_bytes(msg: EmailMessage) -> bytes:
    """The message as it goes on the wire, after proving its header block sound.

    Whatever the inputs and whatever this Python's email package does with them: no line is
    longer than 998 octets, no CR or LF stands alone, and every header line either starts
    one of the headers that were set, in their order, or continues the one before (starts
    with a space or a tab). So no input can have added a header. Raises MessageError.
    """
    raw = msg.as_bytes()
    head, sep, _ = raw.partition(b"\r\n\r\n")
    lines = raw.split(b"\r\n")
    longest = max(len(line) for line in lines)
    if not sep or longest > MAX_LINE_OCTETS:
        raise MessageError(
            f"message {msg['Message-ID']}: a line of {longest} octets "
            f"(SMTP allows {MAX_LINE_OCTETS})"
        )
    names: list[str] = []
    for line in head.split(b"\r\n"):
        if b"\r" in line or b"\n" in line:
            raise MessageError(f"message {msg['Message-ID']}: a bare CR or LF in a header")
        if line[:1] not in (b" ", b"\t"):
            names.append(line.partition(b":")[0].decode("ascii", "replace"))
    expected = [name for name, _ in msg.raw_items()]
    if names != expected:
        raise MessageError(
            f"message {msg['Message-ID']}: the headers on the wire ({', '.join(names)}) "
            f"are not those that were set ({', '.join(expected)})"
        )
    return raw


def long_date(day: date, language: str) -> str:
    """A date as a reader writes it: 2020年10月1日, 1 October 2020."""
    if language == "ja":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
