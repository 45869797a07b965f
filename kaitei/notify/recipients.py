"""Read a recipients file: CSV with the header `email,language,name`, or JSON Lines.

A bad row never stops the run: it becomes a Rejected naming its line and the reason. Only a
file that cannot be read at all (missing, not UTF-8, no usable header) raises.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .address import address_problem, control_problem, name_problem, normalise_address, printable
from .errors import RecipientsFileError

FIELDS = ("email", "language", "name")


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str  # normalised: the address on the wire and the outbox key
    language: str
    name: str  # "" when not given
    line: int  # line in the recipients file, for messages a person can act on

    @property
    def key(self) -> str:
        """Identity for duplicates and the outbox: one mailbox however its case is written."""
        return self.email.lower()


@dataclass(frozen=True, slots=True)
class Rejected:
    line: int
    reason: str
    value: str = ""  # the row's address with control characters escaped, for display
    duplicate_of: int | None = None  # line of the row that does get the message


@dataclass(frozen=True, slots=True)
class RecipientList:
    recipients: tuple[Recipient, ...]
    rejected: tuple[Rejected, ...]


def load_recipients(path: Path, languages: Collection[str]) -> RecipientList:
    """Parse `path` (CSV, or JSON Lines when named *.jsonl/*.ndjson or starting with `{`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecipientsFileError(str(path), f"cannot read the recipients file: {exc}") from exc
    try:
        # utf-8-sig: spreadsheet exports often start with a byte-order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecipientsFileError(
            str(path), f"not UTF-8 (byte offset {exc.start}); save the file as UTF-8"
        ) from exc
    rows = _jsonl_rows(text) if _is_jsonl(path, text) else _csv_rows(str(path), text)
    listing = _validate(rows, languages)
    if not listing.recipients and not listing.rejected:
        # A notice "sent" to nobody is a failed export, not a success: say so.
        raise RecipientsFileError(str(path), "no recipients: the file has no rows")
    return listing


def _is_jsonl(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    if path.suffix.lower() == ".csv":
        return False
    return text.lstrip().startswith("{")


# A row is (line, fields) or (line, reason) when it could not even be split into fields.
_Row = tuple[int, Mapping[str, object] | str]


def _csv_rows(path: str, text: str) -> Iterator[_Row]:
    # newline="" keeps CR/LF inside quoted fields visible so they can be rejected.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
    except csv.Error as exc:
        raise RecipientsFileError(path, f"cannot read the CSV header: {exc}", 1) from exc
    if header is None:
        raise RecipientsFileError(path, "the file is empty; expected a header email,language,name")
    names = [cell.strip().lower() for cell in header]
    missing = [field for field in ("email", "language") if field not in names]
    if missing:
        raise RecipientsFileError(
            path,
            f"the header lacks {', '.join(missing)}; expected email,language,name",
            reader.line_num,
        )
    duplicated = sorted({n for n in names if n in FIELDS and names.count(n) > 1})
    if duplicated:
        raise RecipientsFileError(
            path, f"the header names {', '.join(duplicated)} twice", reader.line_num
        )
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                # Every row after the open quote was read into one field: rejecting that one
                # "row" would silently drop all of them, so the whole file is refused.
                raise RecipientsFileError(
                    path,
                    "a quote opened on this line is never closed, so every row after it was "
                    "read as part of one field; close the quote (and double any quote inside "
                    'a field: "")',
                    start,
                ) from exc
            end = reader.line_num
            span = f" (lines {start}-{end} were read as one row)" if end > start else ""
            yield start, f"not valid CSV{span}: {_csv_hint(str(exc))}"
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            yield start, f"has {len(cells)} fields, the header has {len(names)}"
            continue
        # Extra columns (an export's id, say) are allowed and ignored.
        yield start, {n: c for n, c in zip(names, cells, strict=False) if n in FIELDS}


def _csv_hint(error: str) -> str:
    # The csv module's messages name parser states; say what the editor must fix instead.
    if "expected after" in error:
        return 'a quote inside a field; quote the whole field and double the inner quote ("")'
    return error


def _jsonl_rows(text: str) -> Iterator[_Row]:
    # Split on \n only: str.splitlines() would also split on U+2028 etc. inside a value.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not valid JSON: {exc.msg} (column {exc.colno})"
            continue
        if not isinstance(value, dict):
            yield number, "expected a JSON object with email, language and name"
            continue
        yield number, value


def _validate(rows: Iterator[_Row], languages: Collection[str]) -> RecipientList:
    accepted: list[Recipient] = []
    rejected: list[Rejected] = []
    first_line: dict[str, int] = {}
    allowed = ", ".join(sorted(languages))
    for line, row in rows:
        if isinstance(row, str):
            rejected.append(Rejected(line, row))
            continue
        raw_email = row.get("email")
        shown = printable(raw_email) if isinstance(raw_email, str) else ""
        reason = _row_problem(row, languages, allowed)
        if reason is not None:
            rejected.append(Rejected(line, reason, shown))
            continue
        assert isinstance(raw_email, str)
        email = normalise_address(raw_email.strip())
        recipient = Recipient(email, str(row["language"]).strip().lower(), _name(row), line)
        earlier = first_line.get(recipient.key)
        if earlier is not None:
            # Compared case-insensitively: two spellings of one mailbox must not get two mails.
            reason = f"duplicate of line {earlier}; not sent twice"
            rejected.append(Rejected(line, reason, shown, duplicate_of=earlier))
            continue
        first_line[recipient.key] = line
        accepted.append(recipient)
    return RecipientList(tuple(accepted), tuple(rejected))


def _name(row: Mapping[str, object]) -> str:
    name = row.get("name")
    return name.strip() if isinstance(name, str) else ""


def _row_problem(row: Mapping[str, object], languages: Collection[str], allowed: str) -> str | None:
    for field in FIELDS:
        value = row.get(field)
        if value is None:
            if field == "name":
                continue
            return f"{field}: missing"
        if not isinstance(value, str):
            return f"{field}: must be a string"
        # Checked before stripping: a trailing CR/LF is exactly what a header injection needs.
        problem = control_problem(value)
        if problem is not None:
            return f"{field}: {problem}"
    name = row.get("name")
    if isinstance(name, str):
        problem = name_problem(name.strip())
        if problem is not None:
            return f"name: {problem}"
    email = str(row["email"]).strip()
    problem = address_problem(email)
    if problem is not None:
        return f"email: {problem}"
    language = str(row["language"]).strip().lower()
    if not language:
        return "language: missing"
    if language not in languages:
        return f"language: {language!r} is not one of this document's languages ({allowed})"
    return None
