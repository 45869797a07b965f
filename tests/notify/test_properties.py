"""Properties over generated input: no row crashes the reader, no value escapes its header."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaitei.notify import MessageBuilder, Recipient, RecipientsFileError, load_recipients
from kaitei.notify.message import wire_bytes
from tests.notify.support import sample_notice

LANGS = ("ja", "en")
BUILDER = MessageBuilder(sample_notice())
NOW = datetime(2020, 8, 31, tzinfo=UTC)

# Mostly plausible values, with the characters that break headers mixed in often.
# The encoded word decodes to CR LF and a header of its own (issue 13); the long run of
# letters has no space to fold at.
nasty = st.sampled_from(
    [
        *["\r", "\n", "\r\n", "\x00", "\x1b", "\u2028", "\u202e", ",", '"', " ", "\\"],
        *["=?utf-8?q?x=0D=0AX-Injected:_yes?=", "=?", "?=", "Q" * 300],
    ]
)
text = st.lists(st.one_of(st.text(max_size=6), nasty), max_size=6).map("".join)
emails = st.one_of(
    st.emails().map(str),
    st.builds(lambda a, b: f"{a}@{b}", text, st.sampled_from(["example.com", "例え.jp", ""])),
    text,
)
rows = st.lists(
    st.fixed_dictionaries(
        {"email": emails, "language": st.sampled_from(["ja", "en", "JA", "fr", "", "ja\r"])},
        optional={"name": text},
    ),
    min_size=1,
    max_size=8,
)


def parse(content: str, suffix: str) -> tuple[int, int, list[tuple[str, str, str]]]:
    with TemporaryDirectory() as d:
        path = Path(d) / f"r{suffix}"
        path.write_text(content, encoding="utf-8", newline="")
        result = load_recipients(path, LANGS)
    accepted = [(r.email, r.language, r.name) for r in result.recipients]
    return len(result.recipients), len(result.rejected), accepted


def has_control(value: str) -> bool:
    return any(ch in value for ch in "\r\n\x00\x1b\u2028\u202e")


def check_accepted(accepted: list[tuple[str, str, str]]) -> None:
    for email, language, name in accepted:
        assert language in LANGS
        assert not has_control(email) and not has_control(name)
        built = BUILDER.build(Recipient(email, language, name, 0), NOW)
        raw = wire_bytes(built)  # raises if a header line is too long or not one that was set
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        assert msg.keys() == built.keys()
        # Exactly one recipient, the one we meant, and no header smuggled in.
        [to] = msg.get_all("To") or []
        assert [a.addr_spec for a in to.addresses] == [email]
        assert to.addresses[0].display_name == name
        assert msg.get_all("Bcc") is None and msg.get_all("Cc") is None


@settings(max_examples=80, deadline=None)
@given(rows)
def test_jsonl_rows_never_crash_and_never_leak_controls(data: list[dict[str, str]]) -> None:
    content = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in data)
    accepted_count, rejected_count, accepted = parse(content, ".jsonl")
    # Every row is accounted for: accepted or rejected with a reason, none lost.
    assert accepted_count + rejected_count == len(data)
    check_accepted(accepted)


@settings(max_examples=80, deadline=None)
@given(rows)
def test_csv_rows_never_crash_and_never_leak_controls(data: list[dict[str, str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "language", "name"])
    for row in data:
        writer.writerow([row["email"], row["language"], row.get("name", "")])
    cells = [(row["email"], row["language"], row.get("name", "")) for row in data]
    if not any(cell.strip() for row in cells for cell in row):
        # Blank rows are skipped; a file of nothing else is refused, not "sent" to nobody.
        with pytest.raises(RecipientsFileError, match="no recipients"):
            parse(out.getvalue(), ".csv")
        return
    _, _, accepted = parse(out.getvalue(), ".csv")
    check_accepted(accepted)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_files_only_raise_the_documented_error(content: str) -> None:
    for suffix in (".csv", ".jsonl"):
        with contextlib.suppress(RecipientsFileError):
            parse(content, suffix)
