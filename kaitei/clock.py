"""The build's one clock: `--as-of`, else `SOURCE_DATE_EPOCH`, else today in the document's zone.

Every "now" in kaitei comes from here, so two builds with the same inputs are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ClockError(ValueError):
    pass


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ClockError(f"unknown time zone {name!r}") from error


def valid_timezone(name: str) -> bool:
    try:
        _zone(name)
    except ClockError:
        return False
    return True


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise ClockError(f"not a date: {text!r} (write YYYY-MM-DD)") from error


def as_of(
    arg: str | None = None,
    timezone: str = "UTC",
    environ: dict[str, str] | None = None,
    today: dt.datetime | None = None,
) -> dt.date:
    """The date the build is "as of"."""
    if arg:
        return parse_date(arg)
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            seconds = int(epoch)
        except ValueError as error:
            raise ClockError(f"SOURCE_DATE_EPOCH is not a number: {epoch!r}") from error
        return dt.datetime.fromtimestamp(seconds, _zone(timezone)).date()
    now = today or dt.datetime.now(dt.UTC)
    return now.astimezone(_zone(timezone)).date()


def midnight(date: dt.date, timezone: str) -> dt.datetime:
    """The instant a date begins in a zone: when a version dated `date` takes effect."""
    return dt.datetime.combine(date, dt.time(0), _zone(timezone))
