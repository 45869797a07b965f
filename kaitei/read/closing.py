"""Closing lines (2017 年 8 月 23 日 制定 / Enacted: 23 August 2017) and the dates they carry.

The closing block is recognised by its content: a thematic break followed only by such
lines (and appendices) is the closing marker; any other thematic break is a break.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from ..model import ClosingLine, Text

_JA_DATE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*(?P<kind>制定|改定|改正|施行)"
)
_EN_DATE = re.compile(
    r"^(?P<kind>Enacted|Revised|Amended|Effective)\s*:?\s*(?P<date>.+?)\.?$", re.I
)
_END_MARK = re.compile(r"^\s*(?:以上|以　上)\s*$")
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"])}  # fmt: skip


def is_closing_line(line: str) -> bool:
    line = line.strip()
    return bool(_JA_DATE.search(line) or _EN_DATE.match(line) or _END_MARK.match(line))


def closing_line(text: Text) -> ClosingLine:
    match = _JA_DATE.search(text.plain)
    if match:
        kind: Literal["enacted", "revised"] = "enacted" if match["kind"] == "制定" else "revised"
        try:
            date = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            date = None
        return ClosingLine(text, kind, date)
    match = _EN_DATE.match(text.plain)
    if match:
        kind = "enacted" if match["kind"].lower() == "enacted" else "revised"
        return ClosingLine(text, kind, _english_date(match["date"]))
    return ClosingLine(text, "other", None)


def _english_date(text: str) -> dt.date | None:
    text = text.strip().rstrip(".")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    words = re.findall(r"[A-Za-z]+|\d+", text)
    numbers = [int(w) for w in words if w.isdigit()]
    months = [_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS]
    if len(numbers) == 2 and len(months) == 1:
        day, year = sorted(numbers)
        try:
            return dt.date(year, months[0], day)
        except ValueError:
            return None
    return None
