"""`kaitei notify DOC VERSION --recipients FILE`: email the notice of a notice/consent version.

The message is built from the content (titles, summaries, main changes, the version's dates)
and links to the notice page and the 新旧対照表 at the site's absolute URL (mkdocs.yml
`site_url`). Sending goes through kaitei.notify's resumable outbox: rerunning the same
command after a crash sends only what is left. Exit 0 when every recipient has the message
(or a dry run wrote them all) and no row of the recipients file was rejected (unless
--allow-rejected), 1 on problems, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from pathlib import Path

import yaml

from ..check import check_site
from ..classify import declared_level
from ..diagnostics import KaiteiError
from ..model import Document, Version
from ..notify import (
    DryRunTransport,
    NoticeMail,
    NoticeText,
    NotifyError,
    SmtpSettings,
    SmtpTransport,
    Transport,
    deliver,
    format_summary,
)
from ..notify.message import english_fallbacks
from ..site import urls
from ..site.build import _TolerantLoader, read_config, resolve_as_of
from ..site.notices import meta

ENV_FROM = "KAITEI_MAIL_FROM"
ENV_REPLY_TO = "KAITEI_MAIL_REPLY_TO"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "notify",
        help="email the notice of a notice/consent version to a list of recipients",
        description="Send the notice of a change by email, through a resumable outbox: "
        "run the same command again after an interruption to send what is left.",
    )
    parser.add_argument("doc", metavar="DOC", help="document id (its folder under content/)")
    parser.add_argument("version", metavar="VERSION", help="the version (YYYY-MM-DD)")
    parser.add_argument(
        "--recipients",
        type=Path,
        required=True,
        metavar="FILE",
        help="CSV with the header email,language,name (name optional) or JSON Lines",
    )
    parser.add_argument(
        "--outbox",
        type=Path,
        metavar="PATH",
        help="SQLite outbox that makes runs resumable (default: FILE.outbox.sqlite3 beside "
        "the recipients file; never inside the site repository's content or output)",
    )
    parser.add_argument(
        "--dry-run", type=Path, metavar="DIR", help="write .eml files to DIR instead of sending"
    )
    parser.add_argument("--smtp-host", metavar="H", help="SMTP server (or KAITEI_SMTP_HOST)")
    parser.add_argument(
        "--smtp-port", type=int, metavar="P", help="SMTP port (or KAITEI_SMTP_PORT)"
    )
    parser.add_argument("--starttls", action="store_true", help="upgrade with STARTTLS")
    # The password comes only from KAITEI_SMTP_PASSWORD: a flag would show in `ps` and CI logs.
    parser.add_argument(
        "--smtp-user",
        metavar="USER",
        help="SMTP login (or KAITEI_SMTP_USER; password from KAITEI_SMTP_PASSWORD)",
    )
    parser.add_argument(
        "--rate", type=_rate, default=0.0, metavar="N", help="at most N messages per second"
    )
    parser.add_argument(
        "--from",
        dest="sender",
        metavar="ADDRESS",
        help=f"sender address (or {ENV_FROM})",
    )
    parser.add_argument(
        "--from-name",
        action="append",
        default=[],
        metavar="[LANG=]NAME",
        help="sender's name, per language with LANG= (default: mkdocs.yml site_name)",
    )
    parser.add_argument("--reply-to", metavar="ADDRESS", help=f"Reply-To (or {ENV_REPLY_TO})")
    parser.add_argument(
        "--list-unsubscribe", metavar="URL", help="sent as List-Unsubscribe (https: or mailto:)"
    )
    parser.add_argument(
        "--retry-failed", action="store_true", help="retry recipients that failed permanently"
    )
    parser.add_argument(
        "--allow-rejected",
        action="store_true",
        help="exit 0 even when rows of the recipients file were rejected (they still get "
        "nothing and are listed)",
    )
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date to check the content on")
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


def _rate(value: str) -> float:
    # A negative rate used to end in a traceback from the pacer; nan and inf meant no limit.
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not math.isfinite(rate) or rate < 0:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of messages per second (0 or more; 0 means no limit)"
        )
    return rate


class UsageError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except UsageError as error:
        print(f"kaitei notify: error: {error}", file=sys.stderr)
        if error.hint:
            print(f"  hint: {error.hint}", file=sys.stderr)
        return 2
    except NotifyError as error:
        print(f"kaitei notify: error: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    root: Path = args.root
    config = read_config(root)
    if not config.base_url.startswith(("https://", "http://")):
        raise UsageError(
            "mkdocs.yml has no site_url: the email's links must be absolute",
            "set 'site_url: https://…/' in mkdocs.yml",
        )
    base_url = config.base_url if config.base_url.endswith("/") else config.base_url + "/"
    as_of = resolve_as_of(root, args.as_of)
    site, diagnostics = check_site(root, as_of)
    errors = [d for d in diagnostics if d.severity == "error"]
    if errors:
        # A notice must describe content that passes `kaitei check` (levels, notice period).
        raise KaiteiError(errors)
    document = site.document(args.doc)
    if document is None:
        known = ", ".join(d.id for d in site.documents) or "none"
        raise UsageError(f"there is no document '{args.doc}'", f"documents: {known}")
    version = document.version(args.version)
    if version is None:
        known = ", ".join(v.id for v in document.versions)
        raise UsageError(f"{document.id} has no version '{args.version}'", f"versions: {known}")
    notice = notice_mail(document, version, base_url, args, config.root)
    for lang in english_fallbacks(notice.languages):
        print(
            f"kaitei notify: warning: no email templates for '{lang}' "
            f"(kaitei/notify/templates/{lang}/): its recipients get the English email",
            file=sys.stderr,
        )
    _refuse_paths_in_site(args, root, config.site_dir)
    _warn_about_timing(document, version, as_of)

    transport: Transport
    if args.dry_run is not None:
        transport = DryRunTransport(args.dry_run)
    else:
        settings = SmtpSettings.resolve(
            host=args.smtp_host, port=args.smtp_port, starttls=args.starttls, user=args.smtp_user
        )
        transport = SmtpTransport(settings)
    outbox = args.outbox or args.recipients.with_name(args.recipients.name + ".outbox.sqlite3")
    summary = deliver(
        notice,
        args.recipients,
        outbox,
        transport,
        rate=args.rate,
        retry_failed=args.retry_failed,
    )
    print(format_summary(summary))
    if summary.complete and summary.refused_rows and not args.allow_rejected:
        count = len(summary.refused_rows)
        rows = "1 row" if count == 1 else f"{count} rows"
        print(
            f"kaitei notify: error: {rows} of {args.recipients} "
            f"{'was' if count == 1 else 'were'} rejected and sent nothing",
            file=sys.stderr,
        )
        print(
            "  hint: correct them and run the same command again, or pass --allow-rejected "
            "to accept that they get no notice",
            file=sys.stderr,
        )
    return 0 if summary.succeeded(allow_rejected=args.allow_rejected) else 1


def notice_mail(
    document: Document, version: Version, base_url: str, args: argparse.Namespace, root: Path
) -> NoticeMail:
    """The email engine's view of one notice, built from the model."""
    level = declared_level(document, version)
    if level != "notice" and level != "consent":
        what = "its enactment" if level == "enacted" else "an editorial change"
        raise UsageError(
            f"{document.id} {version.id} is {what}: it is not announced by email",
            "only versions with 'change: notice' or 'change: consent' are notified",
        )
    sender = args.sender or os.environ.get(ENV_FROM)
    if not sender:
        raise UsageError("no sender address", f"give --from ADDRESS or set {ENV_FROM}")
    names = _sender_names(args.from_name, root)
    previous = document.previous(version)
    authoritative = version.text(document.settings.authoritative)
    assert authoritative is not None
    texts = {}
    for lang in document.settings.languages:
        front, _ = meta(document, version, lang)
        page = (
            urls.diff(lang, document.id, previous.id, version.id)
            if previous
            else urls.version(lang, document.id, version.id)
        )
        texts[lang] = NoticeText(
            title=document.settings.title(lang),
            summary=front.summary,
            changes=front.changes,
            notice_url=base_url + urls.notice(lang, document.id, version.id),
            diff_url=base_url + page,
            sender_name=names.get(lang) or names.get("") or "",
        )
    return NoticeMail(
        doc=document.id,
        version=version.id,
        level=level,
        effective=version.effective,
        # `kaitei check` has made sure a notice-level version is announced; the fallback
        # only keeps a malformed version from crashing here.
        announced=authoritative.meta.announced or version.effective,
        authoritative_language=document.settings.authoritative,
        texts=texts,
        sender=sender,
        reply_to=args.reply_to or os.environ.get(ENV_REPLY_TO) or None,
        list_unsubscribe=args.list_unsubscribe,
    )


def _sender_names(values: list[str], root: Path) -> dict[str, str]:
    """`--from-name 'ja=株式会社…' --from-name 'Example Inc.'` → {"ja": …, "": …}."""
    names: dict[str, str] = {}
    for value in values:
        lang, sep, name = value.partition("=")
        if sep and lang.isalpha() and len(lang) <= 3:
            names[lang] = name.strip()
        else:
            names[""] = value.strip()
    if "" not in names:
        names[""] = _site_name(root)
    return names


def _site_name(root: Path) -> str:
    # read_config does not carry site_name; the same tolerant loader reads it.
    path = root / "mkdocs.yml"
    if not path.is_file():
        return ""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    return str(data.get("site_name") or "") if isinstance(data, dict) else ""


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _refuse_paths_in_site(args: argparse.Namespace, root: Path, site_dir: Path) -> None:
    """Addresses never go where they would be committed or published."""
    outbox = args.outbox or args.recipients.with_name(args.recipients.name + ".outbox.sqlite3")
    for label, path in (
        ("--recipients", args.recipients),
        ("--outbox", outbox),
        ("--dry-run", args.dry_run),
    ):
        if path is None:
            continue
        for folder in (root / "content", site_dir):
            if _inside(path, folder):
                raise UsageError(
                    f"{label} {path} is inside {folder}: recipient addresses would be "
                    "committed or published",
                    "keep recipient lists, outboxes and dry-run output outside the site "
                    "repository's content/ and build output",
                )


def _warn_about_timing(document: Document, version: Version, as_of: dt.date) -> None:
    text = version.text(document.settings.authoritative)
    announced = text.meta.announced if text else None
    if announced is not None and as_of < announced:
        print(
            f"kaitei notify: warning: {version.id} is announced on {announced}; "
            f"today ({as_of}) is before that",
            file=sys.stderr,
        )
    if as_of >= version.effective:
        print(
            f"kaitei notify: warning: {version.id} took effect on {version.effective}; "
            "this notice comes late",
            file=sys.stderr,
        )
