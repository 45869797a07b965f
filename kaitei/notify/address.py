"""Checks on text that ends up in mail headers: addresses, names, any header value.

Python's email package does not reject every CR/LF in generated headers (DESIGN.md, Known
traps), so nothing user-supplied reaches a header without passing through here.
"""

from __future__ import annotations

import re
import unicodedata

# RFC 5322 atext; quoted local parts ("a b"@x) are legal but rare and a classic way to
# smuggle odd characters, so they are refused rather than half-supported.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_RE = re.compile(rf"{_ATOM}(?:\.{_ATOM})*\Z")
_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z")

# Bidirectional controls can make a name display differently from what it is (spoofing);
# other format characters (e.g. ZWJ in emoji, ZWNJ in Persian names) are legitimate.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


# RFC 2047 encoded words (=?charset?q?text?=): the email package decodes them when it
# re-reads a header it is folding, so "=?utf-8?q?x=0D=0AX-Injected:_yes?=" passes a check of
# the raw value and comes out as a line break followed by a header of the sender's choosing
# (CVE-2024-6923, gh-121650: Python 3.11 before 3.11.10, 3.12 before 3.12.5). Nobody's name,
# title or address legitimately contains one, so none is accepted, whatever the Python.
_ENCODED_WORD_RE = re.compile(r"=\?.*\?=", re.DOTALL)

# A display name longer than this is a data error, not a name; the limit also keeps a name
# that cannot be folded (no spaces, ASCII) well inside SMTP's 998-octet line: "To: " + the
# name quoted with every character escaped (2 × 256) + " <" + a 254-octet address + ">".
MAX_NAME_LENGTH = 256


def header_text_problem(value: str) -> str | None:
    """Say why `value` may not be text in a header (a name, a title, a URL), or None."""
    problem = control_problem(value)
    if problem is not None:
        return problem
    if _ENCODED_WORD_RE.search(value):
        return "contains RFC 2047 encoded-word syntax (=?…?=)"
    return None


def name_problem(name: str) -> str | None:
    """Say why `name` cannot be a recipient's or sender's display name, or None."""
    problem = header_text_problem(name)
    if problem is None and len(name) > MAX_NAME_LENGTH:
        problem = f"longer than {MAX_NAME_LENGTH} characters ({len(name)})"
    return problem


def control_problem(value: str) -> str | None:
    """Say why `value` may not go into a header, or None when it may."""
    for ch in value:
        if ch in "\r\n":
            return "contains a line break (CR/LF)"
        category = unicodedata.category(ch)
        if category == "Cc" or category in ("Zl", "Zp") or ch in _BIDI_CONTROLS:
            return f"contains a control character U+{ord(ch):04X}"
    return None


def printable(value: str) -> str:
    """`value` with control characters escaped, safe to show in a terminal or log."""
    out = []
    for ch in value:
        if ch in "\r\n\t" or control_problem(ch) is not None:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def address_problem(address: str) -> str | None:
    """Say what is wrong with an addr-spec (local@domain), or None when it is acceptable."""
    if not address:
        return "missing"
    problem = control_problem(address)
    if problem is not None:
        return problem
    if any(ch.isspace() for ch in address):
        return "invalid address: contains a space"
    if _ENCODED_WORD_RE.search(address):
        return "invalid address: contains RFC 2047 encoded-word syntax (=?…?=)"
    if address.count("@") != 1:
        return "invalid address: must contain exactly one @"
    local, domain = address.split("@")
    if not local:
        return "invalid address: nothing before the @"
    if not domain:
        return "invalid address: no domain after the @"
    if not local.isascii():
        return "invalid address: non-ASCII characters before the @ are not supported"
    if len(local) > 64:
        return "invalid address: more than 64 characters before the @"
    if not _LOCAL_RE.match(local):
        return "invalid address: characters or dots before the @ are not allowed"
    try:
        ascii_domain = to_ascii_domain(domain)
    except UnicodeError:
        return "invalid address: the domain is not a valid internationalised domain name"
    labels = ascii_domain.split(".")
    if len(labels) < 2:
        return "invalid address: the domain needs a dot (e.g. example.com)"
    if not all(_LABEL_RE.match(label) for label in labels):
        return "invalid address: the domain is not a valid host name"
    if labels[-1].isdigit():
        return "invalid address: the domain is not a valid host name"
    if len(local) + 1 + len(ascii_domain) > 254:
        return "invalid address: longer than 254 characters"
    return None


def to_ascii_domain(domain: str) -> str:
    """The domain as SMTP sends it: IDNA (punycode) for non-ASCII labels, lower case."""
    if domain.isascii():
        return domain.lower()
    return domain.encode("idna").decode("ascii").lower()


def normalise_address(address: str) -> str:
    """The form used on the wire and as the outbox key: local part as given, domain lowered.

    Only the domain is case-insensitive by the standard; folding the local part too could
    merge two real mailboxes on the rare server that distinguishes them.
    """
    local, domain = address.split("@")
    return f"{local}@{to_ascii_domain(domain)}"


def mask_address(address: str) -> str:
    """`t***@example.com`: enough to recognise a recipient in a CI log without exposing it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
