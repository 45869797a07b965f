"""Languages: which a site is published in, their names, direction and UI catalogue.

Names and directions come from one data file, kaitei/i18n/languages.yml, never from the
catalogues: a language is named the same way on every page. This module imports nothing of
kaitei but the model, so the catalogue loader can use it without an import cycle.

Fallback for a tag the file does not list: its longest listed prefix (`zh-Hant-TW` →
`zh-Hant`, `fr-CA` → `fr`), with the region named when the file knows it (`Français
(Canada)`) and given as written otherwise (`Français (BF)`); a primary subtag the file does
not know at all is named by the tag itself and written left to right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from ..model import Site

Direction = Literal["ltr", "rtl"]


def site_languages(site: Site) -> tuple[str, ...]:
    """Every language of every document, in the order documents list them."""
    seen: list[str] = []
    for document in site.documents:
        for lang in document.settings.languages:
            if lang not in seen:
                seen.append(lang)
    return tuple(seen)


@dataclass(frozen=True, slots=True)
class LanguageInfo:
    """One entry of languages.yml (see the comments at the top of that file)."""

    tag: str
    native: str
    script: str
    names: Mapping[str, str]
    regions: Mapping[str, str]
    catalogue: str | None


@dataclass(frozen=True, slots=True)
class _Data:
    rtl_scripts: frozenset[str]
    languages: Mapping[str, LanguageInfo]  # keyed by lower-cased tag: tags are case-blind


def _i18n_file(name: str) -> str:
    return resources.files("kaitei").joinpath("i18n", name).read_text(encoding="utf-8")


@cache
def _data() -> _Data:
    raw: dict[str, Any] = yaml.safe_load(_i18n_file("languages.yml"))
    languages = {
        str(tag).lower(): LanguageInfo(
            str(tag),
            str(entry["native"]),
            str(entry["script"]),
            {str(k): str(v) for k, v in (entry.get("names") or {}).items()},
            {str(k).upper(): str(v) for k, v in (entry.get("regions") or {}).items()},
            entry.get("catalogue"),
        )
        for tag, entry in raw["languages"].items()
    }
    return _Data(frozenset(raw["rtl_scripts"]), languages)


@cache
def catalogue_tags() -> frozenset[str]:
    """The languages that have a UI catalogue (kaitei/i18n/<tag>.yml)."""
    folder = resources.files("kaitei").joinpath("i18n")
    return frozenset(
        p.name.removesuffix(".yml")
        for p in folder.iterdir()
        if p.name.endswith(".yml") and p.name != "languages.yml"
    )


def _lookup(tag: str) -> tuple[LanguageInfo, list[str]] | None:
    """The entry of the longest listed prefix of `tag`, and the subtags left over."""
    subtags = tag.split("-")
    languages = _data().languages
    for end in range(len(subtags), 0, -1):
        info = languages.get("-".join(subtags[:end]).lower())
        if info is not None:
            return info, subtags[end:]
    return None


def _script_subtag(subtags: list[str]) -> str | None:
    return next((s.title() for s in subtags if len(s) == 4 and s.isalpha()), None)


def direction(tag: str) -> Direction:
    """ "rtl" for a language written right to left (ar, he, fa, ur, `az-Arab`…), else "ltr"."""
    found = _lookup(tag)
    rest = tag.split("-")[1:] if found is None else found[1]
    script = _script_subtag(rest) or (found[0].script if found is not None else None)
    return "rtl" if script in _data().rtl_scripts else "ltr"


def native_name(tag: str) -> str:
    """The language's name in itself (日本語, Français (Canada)); the tag if unknown."""
    found = _lookup(tag)
    if found is None:
        return tag
    info, rest = found
    if not rest:
        return info.native
    regions = [info.regions.get(s.upper(), s) for s in rest if _is_region(s)]
    others = [s for s in rest if not _is_region(s)]
    extra = ", ".join([*regions, *others])
    # CJK names take full-width brackets, as the file's own entries do.
    if info.script in ("Jpan", "Hans", "Hant"):
        return f"{info.native}（{extra}）"
    return f"{info.native} ({extra})"


def _is_region(subtag: str) -> bool:
    return (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit())


def language_name(tag: str, in_lang: str) -> str:
    """`tag`'s name in the words of the UI language `in_lang`, for a sentence ("in Japanese").

    Without such a word (a language the file names only in itself, or a tag with a region),
    the native name: a reader recognises their own language's name in any page.
    """
    found = _lookup(tag)
    ui = catalogue_for(in_lang) or "en"  # a page without a catalogue speaks English
    if found is not None and not found[1] and ui in found[0].names:
        return found[0].names[ui]
    return native_name(tag)


def catalogue_for(tag: str) -> str | None:
    """The catalogue that serves `tag` (its own, a prefix's, or the file's `catalogue:`).

    None when no catalogue does: the pages use English strings, and check warns.
    """
    tags = catalogue_tags()
    by_lower = {t.lower(): t for t in tags}
    subtags = tag.split("-")
    for end in range(len(subtags), 0, -1):
        prefix = "-".join(subtags[:end]).lower()
        if prefix in by_lower:
            return by_lower[prefix]
        info = _data().languages.get(prefix)
        if info is not None and info.catalogue is not None:
            return info.catalogue
    return None
