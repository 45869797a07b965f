"""UI strings: one catalogue per language (kaitei/i18n/<lang>.yml), for pages, diffs and mail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup, escape

from .site.languages import catalogue_for, language_name

_PACKAGE = resources.files("kaitei")


def i18n_dir() -> Path:
    return Path(str(_PACKAGE.joinpath("i18n")))


class CatalogueError(KeyError):
    """A UI string is missing from a language's catalogue (a bug in a template, not content)."""


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The UI strings of one language (kaitei/i18n/<lang>.yml)."""

    lang: str
    strings: Mapping[str, Any]

    def __call__(self, key: str, /, **params: object) -> str:
        try:
            value = self.strings[key]
        except KeyError:
            raise CatalogueError(f"kaitei/i18n/{self.lang}.yml has no string {key!r}") from None
        return str(value).format(**params) if params else str(value)

    def html(self, key: str, /, **params: object) -> Markup:
        """The string as HTML: the parameters are escaped unless they are markup already (a
        title wrapped in its own `lang`)."""
        return Markup(escape(self(key))).format(**params)

    def language(self, code: str) -> str:
        """A language's name for a sentence in this catalogue's language (英語, Japanese).

        From kaitei/i18n/languages.yml; its native name where that file has no such word.
        """
        return language_name(code, self.lang)

    def date(self, value: dt.date) -> str:
        months = self.strings.get("months") or []
        month_name = months[value.month - 1] if len(months) == 12 else str(value.month)
        days = self.strings.get("day_names") or []
        day = days[value.day - 1] if value.day <= len(days) else value.day
        return str(self.strings["date_format"]).format(
            year=value.year, month=value.month, day=day, month_name=month_name
        )


@cache
def load_catalogue(lang: str) -> Catalogue:
    """The catalogue for `lang`: its own, or the one that serves it (fr-CA: fr; zh-TW:
    zh-Hant; see kaitei/site/languages.py). A language no catalogue serves gets the English
    strings; `kaitei check` warns about it (kaitei/check.py, check_catalogues)."""
    path = i18n_dir() / f"{catalogue_for(lang) or 'en'}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Catalogue(lang, data)
