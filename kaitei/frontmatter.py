"""Front matter of a version file and the document's document.yml, checked against a schema."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import available_timezones

import yaml

from .clock import valid_timezone
from .diagnostics import Collector
from .model import (
    CHANGE_LEVELS,
    DEFAULT_DIFF_AGAINST_CURRENT,
    LEVELS,
    ChangeLevel,
    DocumentSettings,
    Erratum,
    FrontMatter,
    KeywordSet,
    Rule,
    Span,
)
from .pathsafety import language_problem
from .safeyaml import YamlLimitError, compose, cut, position, shown


@dataclass(frozen=True, slots=True)
class YamlValue:
    value: Any
    line: int  # 1-based, in the file
    column: int
    entry_lines: tuple[int, ...] = ()  # for a list: the line of each entry
    source: str = ""  # the key and its value as written (foreign keys are kept as text)


def split_front_matter(text: str) -> tuple[str | None, int, str, int]:
    """(front matter, its first line, body, the body's first line); None when absent."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1 :]), index + 2
    return "\n".join(lines[1:]), 2, "", len(lines) + 1


def load_mapping(
    text: str, path: str, first_line: int, out: Collector
) -> dict[str, YamlValue] | None:
    """Top-level keys of a YAML mapping with their lines; a YAML error becomes a diagnostic."""

    def at(mark: Any) -> tuple[str, int, int]:
        line, column = position(text, getattr(mark, "index", 0))
        return path, first_line + line, column + 1

    try:
        node = compose(text)
    except YamlLimitError as limit:
        out.add(
            at(limit),
            limit.message,
            limit.hint,
            code=limit.code,
        )
        return None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error)
        out.add(
            at(getattr(error, "problem_mark", None)),
            f"the YAML is malformed: {problem}",
            "check indentation and that every 'key: value' has a space after the colon; "
            "quote values that contain ': ' or start with a special character",
            code="yaml-syntax",
        )
        return None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        out.add(
            at(node.start_mark),
            "expected 'key: value' lines",
            code="yaml-not-mapping",
        )
        return None
    result: dict[str, YamlValue] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            out.add(
                at(key_node.start_mark),
                "a key must be a plain word, not a list or a mapping",
                "write 'key: value' lines",
                code="yaml-bad-key",
            )
            continue
        key = str(key_node.value)
        try:
            value = yaml.constructor.SafeConstructor().construct_document(value_node)
        except (ValueError, OverflowError):
            # An impossible date such as 2020-13-01 fails in PyYAML's constructor: keep the
            # text, and let the field's own check explain what is wrong with it.
            value = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
        except yaml.constructor.ConstructorError as error:
            out.add(
                at(error.problem_mark or value_node.start_mark),
                f"the value of '{cut(key)}' cannot be read: {error.problem}",
                "a mapping's keys are plain words: a list or a mapping cannot be a key",
                code="yaml-bad-value",
            )
            continue
        if key in result:
            out.add(
                at(key_node.start_mark),
                f"the key '{cut(key)}' appears twice",
                "keep one of them",
                code="yaml-duplicate-key",
            )
        entries = (
            tuple(at(n.start_mark)[1] for n in value_node.value)
            if isinstance(value_node, yaml.SequenceNode)
            else ()
        )
        _, line, column = at(key_node.start_mark)
        result[key] = YamlValue(value, line, column, entries, _source(text, key_node, value_node))
    return result


def _source(text: str, key: yaml.Node, value: yaml.Node) -> str:
    """The lines a top-level key and its value take in the YAML, as written."""
    start = text.rfind("\n", 0, key.start_mark.index) + 1
    end = text.find("\n", max(value.end_mark.index - 1, key.start_mark.index))
    return text[start : len(text) if end == -1 else end].rstrip()


def _closest(word: str, choices: tuple[str, ...]) -> str:
    import difflib

    match = difflib.get_close_matches(word, choices, n=1)
    return f"did you mean '{match[0]}'? " if match else ""


def _unknown_keys(
    data: dict[str, YamlValue],
    known: tuple[str, ...],
    path: str,
    out: Collector,
    foreign: frozenset[str] = frozenset(),
) -> None:
    for key, value in sorted(data.items()):
        if key in foreign:
            out.add(
                (path, value.line, value.column),
                f"the key '{key}' belongs to another tool; kaitei keeps it aside and does "
                "not use it",
                "kaitei takes the title from the first heading and the versions from the "
                "folders; delete the key when nothing else reads it",
                code="frontmatter-foreign-key",
                severity="note",
            )
        elif key not in known:
            out.add(
                (path, value.line, value.column),
                f"unknown key '{cut(key)}'",
                _closest(key, known) + "known keys: " + ", ".join(known),
                code="frontmatter-unknown-key",
            )


def _date(value: YamlValue, key: str, path: str, out: Collector) -> dt.date | None:
    raw = value.value
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    out.add(
        (path, value.line, value.column),
        f"'{key}' is not a date: {shown(raw)}",
        "write dates as YYYY-MM-DD, e.g. 2020-10-01",
        code="frontmatter-bad-date",
    )
    return None


def _text(value: YamlValue | None, key: str, path: str, out: Collector) -> str:
    if value is None or value.value is None:
        return ""
    if not isinstance(value.value, str | int | float):
        out.add(
            (path, value.line, value.column),
            f"'{key}' must be text",
            code="frontmatter-bad-type",
        )
        return ""
    return str(value.value).strip()


def _text_list(value: YamlValue | None, key: str, path: str, out: Collector) -> tuple[str, ...]:
    if value is None or value.value is None:
        return ()
    if not isinstance(value.value, list) or not all(isinstance(v, str) for v in value.value):
        out.add(
            (path, value.line, value.column),
            f"'{key}' must be a list of lines starting with '- '",
            code="frontmatter-bad-type",
        )
        return ()
    return tuple(v.strip() for v in value.value)


FRONT_MATTER_KEYS = (
    "effective",
    "announced",
    "change",
    "summary",
    "changes",
    "reconstruction",
    "reconstruction_note",
    "acknowledge",
    "errata",
    "translates",  # a translation: the authoritative version it translates, when older
    "source",  # an imported version: the source's own front matter, kept as it was
)

# Keys that Jekyll, Hugo, MkDocs and other site generators put in front matter. A policy
# brought over from such a site keeps them: they are set aside (and noted), never fatal.
FOREIGN_KEYS = frozenset(
    {
        "title",
        "description",
        "layout",
        "permalink",
        "redirect_from",
        "redirect_to",
        "versions",
        "date",
        "lastmod",
        "last_modified_at",
        "author",
        "authors",
        "tags",
        "categories",
        "keywords",
        "lang",
        "language",
        "slug",
        "toc",
        "hide",
        "template",
        "weight",
        "draft",
        "sidebar",
        "nav_order",
        "parent",
        "search",
        "status",
    }
)


def parse_front_matter(
    data: dict[str, YamlValue], path: str, first_line: int, out: Collector, *, authoritative: bool
) -> FrontMatter | None:
    _unknown_keys(data, FRONT_MATTER_KEYS, path, out, FOREIGN_KEYS)
    span = Span(path, max(first_line - 1, 1), 1)
    if "effective" not in data:
        out.add(
            span,
            "the front matter has no 'effective' date",
            "add 'effective: YYYY-MM-DD' (the same date as the version's folder name)",
            code="frontmatter-missing-key",
        )
        return None
    effective = _date(data["effective"], "effective", path, out)
    announced = _date(data["announced"], "announced", path, out) if "announced" in data else None
    change: ChangeLevel | None = None
    if "change" not in data and authoritative:
        out.add(
            span,
            "the front matter has no 'change' level",
            "add 'change: editorial', 'change: notice' or 'change: consent'",
            code="frontmatter-missing-key",
        )
    if "change" in data:
        raw = data["change"].value
        if raw in LEVELS:
            change = cast(ChangeLevel, raw)
        else:
            out.add(
                (path, data["change"].line, data["change"].column),
                f"unknown change level {shown(raw)}",
                "use one of: enacted (the first version), editorial (wording only), "
                "notice (material change), consent (the law requires consent)",
                code="frontmatter-bad-change",
            )
    acknowledge: list[tuple[str, str]] = []
    if "acknowledge" in data and data["acknowledge"].value:
        raw_ack = data["acknowledge"].value
        if isinstance(raw_ack, dict) and all(
            isinstance(v, str) and v.strip() for v in raw_ack.values()
        ):
            acknowledge = sorted((str(k), str(v).strip()) for k, v in raw_ack.items())
        else:
            out.add(
                (path, data["acknowledge"].line, data["acknowledge"].column),
                "'acknowledge' must map each rule id to a written reason",
                "write e.g.\n  acknowledge:\n"
                "    new-article: the new article only restates the law",
                code="frontmatter-bad-type",
            )
    errata = _errata(data.get("errata"), path, out)
    reconstruction = data.get("reconstruction")
    if reconstruction is not None and not isinstance(reconstruction.value, bool):
        out.add(
            (path, reconstruction.line, reconstruction.column),
            "'reconstruction' must be true or false",
            code="frontmatter-bad-type",
        )
    if effective is None:
        return None
    return FrontMatter(
        effective=effective,
        announced=announced,
        change=change,
        summary=_text(data.get("summary"), "summary", path, out),
        changes=_text_list(data.get("changes"), "changes", path, out),
        reconstruction=bool(reconstruction and reconstruction.value is True),
        reconstruction_note=_text(
            data.get("reconstruction_note"), "reconstruction_note", path, out
        ),
        acknowledge=tuple(acknowledge),
        errata=errata,
        translates=(
            _date(data["translates"], "translates", path, out) if "translates" in data else None
        ),
        span=span,
        key_lines=tuple(sorted((key, value.line) for key, value in data.items())),
        foreign=tuple(sorted((k, v.source) for k, v in data.items() if k in FOREIGN_KEYS)),
    )


def _entry_line(value: YamlValue, index: int) -> int:
    return value.entry_lines[index] if index < len(value.entry_lines) else value.line


def _errata(value: YamlValue | None, path: str, out: Collector) -> tuple[Erratum, ...]:
    if value is None or not value.value:
        return ()
    entries = value.value
    hint = (
        "write each erratum as\n  errata:\n    - date: YYYY-MM-DD\n      reason: why\n"
        "      before: the old words\n      after: the new words"
    )
    if not isinstance(entries, list):
        out.add(
            (path, value.line, value.column), "'errata' must be a list", hint, code="erratum-bad"
        )
        return ()
    result = []
    for index, entry in enumerate(entries):
        line = _entry_line(value, index)
        ok = isinstance(entry, dict) and {"date", "reason", "before", "after"} <= set(entry)
        when = entry.get("date") if isinstance(entry, dict) else None
        if isinstance(when, str):
            try:
                when = dt.date.fromisoformat(when)
            except ValueError:
                when = None
        if not ok or not isinstance(when, dt.date):
            out.add(
                (path, line, value.column),
                f"erratum {index + 1} needs date, reason, before and after",
                hint,
                code="erratum-bad",
            )
            continue
        assert isinstance(entry, dict)
        result.append(
            Erratum(
                when,
                str(entry["reason"]).strip(),
                str(entry["before"] or ""),
                str(entry["after"] or ""),
                Span(path, line, value.column),
            )
        )
    return tuple(result)


DOCUMENT_KEYS = (
    "titles",
    "authoritative",
    "languages",
    "timezone",
    "notice_period_days",
    "banner_days_after",
    "diff_layout",
    "diff_against_current",
    "rules",
    "imported",  # the adoption date of a document imported from git (kaitei import)
    "style",
    "keywords",
)
RULE_KEYS = (
    "id", "level", "when", "articles", "rows", "columns", "words", "within", "law", "description",
)  # fmt: skip


def parse_document_settings(
    data: dict[str, YamlValue], path: str, out: Collector
) -> DocumentSettings | None:
    _unknown_keys(data, DOCUMENT_KEYS, path, out)
    for key in ("titles", "authoritative"):
        if key not in data:
            out.add(
                (path, 1, 1),
                f"document.yml has no '{key}'",
                "see content/README.md for a complete document.yml",
                code="document-missing-key",
            )
    if "titles" not in data or "authoritative" not in data:
        return None
    titles = data["titles"].value
    if not isinstance(titles, dict) or not titles:
        out.add(
            (path, data["titles"].line, data["titles"].column),
            "'titles' must give a title per language, e.g. 'ja: プライバシーポリシー'",
            code="document-bad-value",
        )
        return None
    authoritative = str(data["authoritative"].value)
    languages = _languages(data, [str(k) for k in titles], path, out)
    if languages is None:
        return None
    if authoritative not in languages:
        out.add(
            (path, data["authoritative"].line, data["authoritative"].column),
            f"the authoritative language {shown(authoritative)} is not among the languages "
            f"{shown(languages)}",
            "write one of the languages, e.g. 'authoritative: ja'",
            code="document-bad-value",
        )
        return None
    languages = [authoritative] + [lang for lang in languages if lang != authoritative]

    def _choice(key: str, choices: tuple[str, ...], hint: str) -> str:
        value = str(data[key].value) if key in data else choices[0]
        if value in choices:
            return value
        out.add(
            (path, data[key].line, data[key].column),
            f"unknown {key} {shown(value)}",
            hint,
            code="document-bad-value",
        )
        return choices[0]

    layout = _choice(
        "diff_layout",
        ("new-left", "old-left"),
        "use new-left (the Japanese custom: 新 on the left) or old-left",
    )
    rules = _rules(data.get("rules"), path, out)
    style = _choice(
        "style",
        ("policy", "statute"),
        "use policy (改定後/改定前 in the 新旧対照表) or statute (改正後/改正前)",
    )
    keywords = _keywords(data.get("keywords"), path, out)

    def _int(key: str, default: int) -> int:
        if key not in data:
            return default
        value = data[key].value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        out.add(
            (path, data[key].line, data[key].column),
            f"'{key}' must be a whole number of days",
            code="document-bad-value",
        )
        return default

    return DocumentSettings(
        titles=tuple(sorted((str(k), str(v)) for k, v in titles.items())),
        authoritative=authoritative,
        languages=tuple(languages),
        timezone=_timezone(data.get("timezone"), path, out),
        notice_period_days=_int("notice_period_days", 30),
        banner_days_after=_int("banner_days_after", 30),
        diff_layout=cast("Any", layout),
        rules=rules,
        path=path,
        imported=_date(data["imported"], "imported", path, out) if "imported" in data else None,
        style=cast("Any", style),
        keywords=keywords,
        diff_against_current=_against_current(data.get("diff_against_current"), path, out),
    )


def _against_current(value: YamlValue | None, path: str, out: Collector) -> int | None:
    """`all` (None), `none` (0) or `recent N` (N): see DocumentSettings."""
    if value is None:
        return DEFAULT_DIFF_AGAINST_CURRENT
    raw = str(value.value).strip()
    words = raw.split()
    if raw == "all":
        return None
    if raw == "none":
        return 0
    if len(words) == 2 and words[0] == "recent" and words[1].isdigit() and words[1].isascii():
        return int(words[1])
    out.add(
        (path, value.line, value.column),
        f"unknown diff_against_current {shown(raw)}",
        "write all, none, or recent followed by a number, e.g. 'recent 10'",
        code="document-bad-value",
    )
    return DEFAULT_DIFF_AGAINST_CURRENT


def _languages(
    data: dict[str, YamlValue], title_languages: list[str], path: str, out: Collector
) -> list[str] | None:
    """The document's languages: BCP 47 tags, since each becomes a folder of the site."""
    if "languages" in data:
        value = data["languages"]
        raw = value.value
        if not isinstance(raw, list) or not raw:
            out.add(
                (path, value.line, value.column),
                "'languages' must be a list of language tags",
                "write e.g. 'languages: [ja, en]'",
                code="document-bad-value",
            )
            return None
        where = [(_entry_line(value, i), value.column) for i in range(len(raw))]
    else:
        value = data["titles"]
        raw, where = sorted(title_languages), [(value.line, value.column)] * len(title_languages)
    bad = False
    for tag, (line, column) in zip(raw, where, strict=True):
        problem = language_problem(tag)
        if problem:
            out.add(
                (path, line, column),
                f"the language {shown(tag)} {problem}",
                "write a BCP 47 language tag such as ja, en, pt-BR or zh-Hans: each language "
                "becomes a folder of the site",
                code="document-bad-language",
            )
            bad = True
    return None if bad else [str(tag) for tag in raw]


def _timezone(value: YamlValue | None, path: str, out: Collector) -> str:
    if value is None:
        return "UTC"
    name = value.value
    if isinstance(name, str) and valid_timezone(name):
        return name
    zones = tuple(sorted(available_timezones()))
    out.add(
        (path, value.line, value.column),
        f"unknown time zone {shown(name)}",
        (_closest(name[:100], zones) if isinstance(name, str) else "")
        + "write an IANA time zone name such as Asia/Tokyo, Europe/Berlin or UTC",
        code="document-bad-timezone",
    )
    return "UTC"


def _rules(value: YamlValue | None, path: str, out: Collector) -> tuple[Rule, ...]:
    if value is None or not value.value:
        return ()
    if not isinstance(value.value, list):
        out.add((path, value.line, value.column), "'rules' must be a list", code="rule-bad")
        return ()
    rules = []
    for index, entry in enumerate(value.value):
        where = (path, _entry_line(value, index), value.column)
        if not isinstance(entry, dict) or not {"id", "level", "when"} <= set(entry):
            out.add(where, f"rule {index + 1} needs id, level and when", code="rule-bad")
            continue
        unknown = sorted(set(entry) - set(RULE_KEYS))
        if unknown:
            out.add(
                where,
                f"rule {shown(entry['id'])} has unknown keys {shown(unknown)}",
                code="rule-bad",
            )
        if entry["level"] not in CHANGE_LEVELS:
            out.add(
                where,
                f"rule {shown(entry['id'])} has unknown level {shown(entry['level'])}",
                code="rule-bad",
            )
            continue
        lists = {}
        for key in ("articles", "rows", "columns", "words", "within"):
            raw = entry.get(key) or []
            if not isinstance(raw, list):
                out.add(where, f"rule '{entry['id']}': '{key}' must be a list, e.g. [a, b]",
                        code="rule-bad")  # fmt: skip
                raw = []
            lists[key] = tuple(str(a) for a in raw)
        rules.append(
            Rule(
                id=str(entry["id"]),
                level=entry["level"],
                when=str(entry["when"]),
                articles=lists["articles"],
                description=" ".join(str(entry.get("description", "")).split()),
                span=Span(path, _entry_line(value, index), value.column),
                words=lists["words"],
                within=lists["within"],
                rows=lists["rows"],
                columns=lists["columns"],
                law=_law(entry.get("law"), str(entry["id"]), where, out),
            )
        )
    return tuple(rules)


def _law(
    raw: object, rule: str, where: tuple[str, int, int], out: Collector
) -> tuple[tuple[dt.date, str], ...]:
    """A rule's citations: `law: {2017-05-30: Art. 23(1), 2022-04-01: Art. 27(1)}`."""
    if raw is None:
        return ()
    found = []
    if isinstance(raw, dict):
        for key, citation in raw.items():
            day = key if isinstance(key, dt.date) else None
            if day is None:
                try:
                    day = dt.date.fromisoformat(str(key))
                except ValueError:
                    day = None
            if day is not None and isinstance(citation, str) and citation.strip():
                found.append((day, citation.strip()))
                continue
            out.add(where, f"rule '{rule}': 'law' entry {key!r} is not 'YYYY-MM-DD: citation'",
                    "write e.g.\n  law:\n    2022-04-01: Art. 27(1)", code="rule-bad")  # fmt: skip
    else:
        out.add(where, f"rule '{rule}': 'law' must map dates to citations",
                "write e.g.\n  law:\n    2022-04-01: Art. 27(1)", code="rule-bad")  # fmt: skip
    return tuple(sorted(found))


def _keywords(value: YamlValue | None, path: str, out: Collector) -> tuple[KeywordSet, ...]:
    """Named keyword sets, each a list of words per language."""
    if value is None or not value.value:
        return ()
    where = (path, value.line, value.column)
    hint = (
        "write e.g.\n  keywords:\n    recipients:\n      ja: [第三者, 提携事業者]\n"
        "      en: [third part]"
    )
    if not isinstance(value.value, dict):
        out.add(where, "'keywords' must name sets of words per language", hint,
                code="keywords-bad")  # fmt: skip
        return ()
    sets = []
    for name, per_lang in sorted(value.value.items(), key=lambda kv: str(kv[0])):
        ok = isinstance(per_lang, dict) and all(
            isinstance(words, list) and all(isinstance(w, str | int) for w in words)
            for words in per_lang.values()
        )
        if not ok:
            out.add(where, f"keyword set '{name}' must give a list of words per language", hint,
                    code="keywords-bad")  # fmt: skip
            continue
        words = tuple(
            sorted(
                (str(lang), tuple(str(w) for w in ws if str(w).strip()))
                for lang, ws in per_lang.items()
            )
        )
        sets.append(KeywordSet(str(name), words, Span(path, value.line, value.column)))
    return tuple(sets)
