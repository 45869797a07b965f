from __future__ import annotations

from pathlib import Path

import pytest

from kaitei.notify import RecipientsFileError, Rejected, load_recipients

LANGS = ("ja", "en")


def load(
    tmp_path: Path, name: str, content: str | bytes
) -> tuple[list[tuple[str, str, str, int]], list[Rejected]]:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    result = load_recipients(path, LANGS)
    return [(r.email, r.language, r.name, r.line) for r in result.recipients], list(result.rejected)


def test_csv_with_and_without_names(tmp_path: Path) -> None:
    ok, bad = load(
        tmp_path,
        "r.csv",
        "email,language,name\nhanako@example.jp,ja,山田 花子\njohn@Example.COM,EN,\n"
        '"quoted@example.com",ja,"Smith, Jane"\n',
    )
    assert ok == [
        ("hanako@example.jp", "ja", "山田 花子", 2),
        ("john@example.com", "en", "", 3),  # domain lowered, language normalised
        ("quoted@example.com", "ja", "Smith, Jane", 4),
    ]
    assert bad == []


def test_csv_name_column_optional_extra_columns_ignored_bom_and_crlf(tmp_path: Path) -> None:
    content = "\ufeffid,language,email\r\n7,ja,a@example.com\r\n\r\n8,en,b@example.com\r\n"
    ok, bad = load(tmp_path, "r.csv", content)
    assert ok == [("a@example.com", "ja", "", 2), ("b@example.com", "en", "", 4)]
    assert bad == []


def test_jsonl(tmp_path: Path) -> None:
    content = (
        '{"email": "a@example.com", "language": "ja", "name": "佐藤"}\n'
        "\n"
        '{"email": "b@example.com", "language": "en"}\n'
        "not json\n"
        '["a@example.com"]\n'
        '{"email": 5, "language": "en"}\n'
    )
    ok, bad = load(tmp_path, "r.jsonl", content)
    assert ok == [("a@example.com", "ja", "佐藤", 1), ("b@example.com", "en", "", 3)]
    assert [(r.line, r.reason) for r in bad] == [
        (4, "not valid JSON: Expecting value (column 1)"),
        (5, "expected a JSON object with email, language and name"),
        (6, "email: must be a string"),
    ]


def test_jsonl_detected_by_content(tmp_path: Path) -> None:
    ok, _ = load(tmp_path, "list.txt", '{"email": "a@example.com", "language": "en"}\n')
    assert ok == [("a@example.com", "en", "", 1)]


# Every reason a row can be refused, with the exact words a person will read.
INVALID = "email: invalid address: "
BAD_ROWS = [
    ('"a@example.com\r\nBcc: x@evil.example",ja,', "email: contains a line break (CR/LF)"),
    ('"a@example.com\nBcc: x@evil.example",ja,', "email: contains a line break (CR/LF)"),
    ('a@example.com,ja,"Taro\r\nBcc: x@evil.example"', "name: contains a line break (CR/LF)"),
    ('a@example.com,ja,"Taro\nX"', "name: contains a line break (CR/LF)"),
    ("a@example.com,ja,Taro\x00", "name: contains a control character U+0000"),
    ("a@example.com,ja,Taro\u202eevil", "name: contains a control character U+202E"),
    ("a@example.com,ja,Taro\u2028", "name: contains a control character U+2028"),
    ("a@example.com\x07,ja,", "email: contains a control character U+0007"),
    ('a@example.com,"ja\r",', "language: contains a line break (CR/LF)"),
    (",ja,", "email: missing"),
    ("a@example.com,,", "language: missing"),
    ("a@example.com", "language: missing"),
    ("a@example.com,fr,", "language: 'fr' is not one of this document's languages (en, ja)"),
    ("a example@example.com,ja,", INVALID + "contains a space"),
    ("a@b@example.com,ja,", INVALID + "must contain exactly one @"),
    ("example.com,ja,", INVALID + "must contain exactly one @"),
    ("@example.com,ja,", INVALID + "nothing before the @"),
    ("a@,ja,", INVALID + "no domain after the @"),
    ("a@localhost,ja,", INVALID + "the domain needs a dot (e.g. example.com)"),
    ("a@exa_mple.com,ja,", INVALID + "the domain is not a valid host name"),
    ("a@-example.com,ja,", INVALID + "the domain is not a valid host name"),
    ("a@1.2.3.4,ja,", INVALID + "the domain is not a valid host name"),
    (
        "a..b@example.com,ja,",
        INVALID + "characters or dots before the @ are not allowed",
    ),
    (
        ".a@example.com,ja,",
        INVALID + "characters or dots before the @ are not allowed",
    ),
    ('"""a b""@example.com",ja,', INVALID + "contains a space"),
    (
        "a(b)@example.com,ja,",
        INVALID + "characters or dots before the @ are not allowed",
    ),
    (
        "山田@example.com,ja,",
        INVALID + "non-ASCII characters before the @ are not supported",
    ),
    ("a" * 65 + "@example.com,ja,", INVALID + "more than 64 characters before the @"),
    ("a,ja,x,extra", "has 4 fields, the header has 3"),
    # RFC 2047 encoded words: decoded by the email package into a header of their own.
    (
        "a@example.com,ja,=?utf-8?q?x=0D=0AX-Injected:_yes?=",
        "name: contains RFC 2047 encoded-word syntax (=?…?=)",
    ),
    (
        "a@example.com,ja,Taro =?ISO-2022-JP?B?GyRCOzMlRRsoQg==?= san",
        "name: contains RFC 2047 encoded-word syntax (=?…?=)",
    ),
    (
        "=?utf-8?q?=0D=0AX-Injected=3A_yes?=@example.com,ja,",
        INVALID + "contains RFC 2047 encoded-word syntax (=?…?=)",
    ),
    ("a@example.com,ja," + "x" * 257, "name: longer than 256 characters (257)"),
    ("a@example.com,ja," + "山" * 10_000, "name: longer than 256 characters (10000)"),
    (
        'a@example.com,ja,"Bee" Honey',
        "not valid CSV: a quote inside a field; quote the whole field and double the inner "
        'quote ("")',
    ),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS)
def test_bad_row_rejected_with_reason(tmp_path: Path, row: str, reason: str) -> None:
    content = f"email,language,name\ngood@example.com,ja,\n{row}\nlast@example.com,en,\n"
    ok, bad = load(tmp_path, "r.csv", content)
    # The good rows around it survive: one bad row never stops the run.
    assert [r[0] for r in ok] == ["good@example.com", "last@example.com"]
    assert [(r.line, r.reason) for r in bad] == [(3, reason)]


def test_names_at_the_limit_are_kept(tmp_path: Path) -> None:
    ok, bad = load(tmp_path, "r.csv", f"email,language,name\na@example.com,ja,{'山' * 256}\n")
    assert bad == [] and ok[0][2] == "山" * 256


def test_an_unclosed_quote_is_an_error_naming_its_line(tmp_path: Path) -> None:
    # The open quote swallows every later row into one field: refuse the file, send nobody.
    path = tmp_path / "r.csv"
    path.write_text(
        'email,language,name\na@example.com,ja,A\nb@example.com,ja,"Bee\n'
        "c@example.com,en,C\nd@example.com,en,D\n",
        encoding="utf-8",
    )
    with pytest.raises(RecipientsFileError) as info:
        load_recipients(path, LANGS)
    assert str(info.value) == (
        f"{path}:3: a quote opened on this line is never closed, so every row after it was "
        'read as part of one field; close the quote (and double any quote inside a field: "")'
    )


def test_a_quote_closed_rows_later_names_the_rows_it_swallowed(tmp_path: Path) -> None:
    content = (
        'email,language,name\na@example.com,ja,"Bee\nc@example.com,en,C\n'
        'd@example.com,en,"D"\ne@example.com,en,E\n'
    )
    ok, bad = load(tmp_path, "r.csv", content)
    assert [r[0] for r in ok] == ["e@example.com"]
    assert [(r.line, r.reason) for r in bad] == [
        (
            2,
            "not valid CSV (lines 2-4 were read as one row): a quote inside a field; quote "
            'the whole field and double the inner quote ("")',
        )
    ]


def test_rejected_value_is_printable(tmp_path: Path) -> None:
    _, bad = load(tmp_path, "r.csv", 'email,language\n"a@example.com\r\nBcc: x@y.z",ja\n')
    assert bad[0].value == "a@example.com\\r\\nBcc: x@y.z"


def test_line_numbers_follow_multiline_records(tmp_path: Path) -> None:
    content = 'email,language,name\n"x@example.com",ja,"two\nlines"\nb@example.com,zz,\n'
    _, bad = load(tmp_path, "r.csv", content)
    assert [(r.line, r.reason[:8]) for r in bad] == [(2, "name: co"), (4, "language")]


def test_idn_domain_is_punycoded(tmp_path: Path) -> None:
    ok, bad = load(tmp_path, "r.csv", "email,language\ninfo@日本語.jp,ja\n")
    assert bad == []
    assert ok[0][0] == "info@xn--wgv71a119e.jp"


def test_duplicates_keep_first_and_report_the_rest(tmp_path: Path) -> None:
    content = (
        "email,language,name\na@example.com,ja,A\nb@example.com,en,B\n"
        "a@EXAMPLE.com,en,A2\nA@example.com,ja,A3\n"
    )
    ok, bad = load(tmp_path, "r.csv", content)
    assert [(r[0], r[1], r[3]) for r in ok] == [
        ("a@example.com", "ja", 2),
        ("b@example.com", "en", 3),
    ]
    assert [(r.line, r.reason, r.duplicate_of) for r in bad] == [
        (4, "duplicate of line 2; not sent twice", 2),
        (5, "duplicate of line 2; not sent twice", 2),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "r.csv: the file is empty; expected a header email,language,name"),
        (
            b"mail,lang\nx,y\n",
            "r.csv:1: the header lacks email, language; expected email,language,name",
        ),
        (b"email,language,email\n", "r.csv:1: the header names email twice"),
        (b"email,language,name\n\n,,\n", "r.csv: no recipients: the file has no rows"),
        (
            b"email,language\n\x82\xa0,ja\n",
            "r.csv: not UTF-8 (byte offset 15); save the file as UTF-8",
        ),
    ],
)
def test_unreadable_file_raises(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    with pytest.raises(RecipientsFileError) as info:
        load_recipients(path, LANGS)
    assert str(info.value) == message.replace("r.csv", str(path))


def test_an_empty_json_lines_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(RecipientsFileError) as info:
        load_recipients(path, LANGS)
    assert str(info.value) == f"{path}: no recipients: the file has no rows"


def test_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(RecipientsFileError, match="cannot read the recipients file"):
        load_recipients(tmp_path / "nope.csv", LANGS)
