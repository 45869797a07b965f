"""The date a policy text gives itself: its date line, a change-log entry or front matter.

Real policies write it many ways: `*Last updated: April 20, 2023*`, `_Last Updated: June 4,
2023_`, `Effective date: 1 April 2019.`, `*Effective May 25, 2018*`, a change log whose
entries read `_February 18, 2015:_ …`, `最終改定日：2024年1月17日`, `*発効日 2024 年 1 月 17 日*`,
「2019年4月1日 改定」. Emphasis, links around the date, full-width digits and spacing vary.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import yaml

MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# "April 10, 2026", "10 April 2026", "2026-04-10", "2026/4/10"
_EN_DATE_TEXT = (
    rf"(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}[-/]\d{1,2}[-/]\d{1,2})"
)
_EN_LABEL = re.compile(
    r"^(?:(?:this\s+(?:policy|privacy\s+policy|statement)\s+was\s+)?"
    r"last\s+(?:updated|modified|revised|changed)"
    r"|(?:date\s+of\s+)?last\s+revision|(?:effective|revised|updated|amended)(?:\s+date)?"
    r"|effective\s+(?:as\s+of|from|on)|(?:date\s+)?(?:updated|published)\s+on)"
    rf"\s*(?:on\s*)?[:\-–—]?\s*(?P<date>{_EN_DATE_TEXT})\s*\.?$",
    re.I,
)
# A change-log entry: the date, a colon, then what changed.
_CHANGE_LOG = re.compile(rf"^(?P<date>{_EN_DATE_TEXT})\s*:\s*\S", re.I)
_JA_DATE_TEXT = (
    r"(?P<y>(?:令和|平成)?\s*(?:\d{1,4}|元))\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
)
_JA_LABELLED = re.compile(
    r"^[（(【\[]?(?:最終改定日|最終改訂日|最終更新日|改定日|改訂日|更新日|発効日|有効日|施行日|制定日)"
    rf"[)）】\]]?\s*[:：]?\s*{_JA_DATE_TEXT}\s*[。.]?$"
)
_JA_TRAILING = re.compile(
    rf"^{_JA_DATE_TEXT}\s*(?:最終)?(?:改定|改訂|改正|制定|施行|更新|発効)(?:日)?\s*[。.]?$"
)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKS = "*_~`>#|\\ \t「」『』"
FRONT_MATTER_DATE_KEYS = ("effective", "last_updated", "updated", "last_modified", "date")


@dataclass(frozen=True, slots=True)
class DateLine:
    """Where a text's date comes from: `how` is "date line", "change log" or "front matter"."""

    date: dt.date
    how: str
    line: int  # 1-based in the file; 0 for front matter
    text: str  # the line as written (or "key: value" for front matter)


def plain(line: str) -> str:
    """The line without Markdown marks, links, list bullets, &nbsp; and width variants."""
    text = unicodedata.normalize("NFKC", line.replace("&nbsp;", " "))
    text = _LINK.sub(r"\1", text).strip()
    text = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", text)  # a list bullet
    previous = None
    while previous != text:
        previous = text
        text = text.strip(_MARKS)
        # Emphasis that closes before the label's colon: "**Effective date**: …"
        text = re.sub(r"^([^*_]+?)[*_]+(\s*:)", r"\1\2", text)
        text = re.sub(r"(:)[*_]+", r"\1", text)
    return text


def english_date(text: str) -> dt.date | None:
    text = text.strip().rstrip(".")
    iso = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    words = re.findall(r"[A-Za-z]+|\d+", text)
    months = [MONTHS[w.lower()] for w in words if w.lower() in MONTHS]
    numbers = [int(w) for w in re.findall(r"\d+", text)]
    if len(months) != 1 or len(numbers) != 2:
        return None
    day, year = (numbers[0], numbers[1]) if numbers[1] > 31 else (numbers[1], numbers[0])
    return _date(year, months[0], day)


def japanese_date(match: re.Match[str]) -> dt.date | None:
    year_text = match["y"].replace(" ", "")
    era = {"令和": 2018, "平成": 1988}.get(year_text[:2], 0)
    number = year_text[2:] if era else year_text
    year = (1 if number == "元" else int(number)) + era
    return _date(year, int(match["m"]), int(match["d"]))


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def line_date(line: str) -> tuple[dt.date, str] | None:
    """(date, how) when the line is a date line or a change-log entry; None otherwise."""
    if not re.search(r"\d", line):
        return None
    text = plain(line)
    for pattern in (_JA_LABELLED, _JA_TRAILING):
        ja = pattern.match(text)
        if ja:
            when = japanese_date(ja)
            return (when, "date line") if when else None
    match = _EN_LABEL.match(text)
    if match:
        when = english_date(match["date"])
        return (when, "date line") if when else None
    entry = _CHANGE_LOG.match(text)
    if entry:
        when = english_date(entry["date"])
        return (when, "change log") if when else None
    return None


def front_matter_date(front: str | None) -> DateLine | None:
    """A date the source's own front matter states (`effective:`, `last_updated:`, `date:`…)."""
    if not front:
        return None
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    for key in FRONT_MATTER_DATE_KEYS:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            value = english_date(value)
        if isinstance(value, dt.date):
            return DateLine(value, "front matter", 0, f"{key}: {value.isoformat()}")
    return None


def text_date(front: str | None, body: str, body_line: int) -> DateLine | None:
    """The text's own date: front matter first, else the latest of its date lines.

    The latest, because a change log lists every revision and a text may carry both its
    enactment and its revision ("2017年8月23日 制定" / "2020年10月1日 改定").
    """
    declared = front_matter_date(front)
    if declared is not None:
        return declared
    found: list[DateLine] = []
    for number, line in enumerate(body.split("\n"), start=body_line):
        dated = line_date(line)
        if dated is not None:
            found.append(DateLine(dated[0], dated[1], number, line.strip()))
    if not found:
        return None
    # A "Last updated" line outranks a change log that the same text also carries.
    lines = [d for d in found if d.how == "date line"] or found
    return max(lines, key=lambda d: (d.date, -d.line))
