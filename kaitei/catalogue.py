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

    def language(self, code: str) -> str:
        """A language's name in this catalogue's language (英語, Japanese); the code if unknown."""
        return str((self.strings.get("language_names") or {}).get(code, code))

    def date(self, value: dt.date) -> str:
        months = self.strings.get("months") or []
        month_name = months[value.month - 1] if len(months) == 12 else str(value.month)
        return str(self.strings["date_format"]).format(
            year=value.year, month=value.month, day=value.day, month_name=month_name
        )


@cache
def load_catalogue(lang: str) -> Catalogue:
    """The catalogue for `lang`; languages without one fall back to English strings."""
    path = i18n_dir() / f"{lang}.yml"
    if not path.is_file():
        path = i18n_dir() / "en.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Catalogue(lang, data)
