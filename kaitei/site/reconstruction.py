"""Where a reconstructed text appears, the page says so (front matter `reconstruction: true`).

A reconstruction is text the publisher rebuilt because the original is lost (the sample's
2017 version). Readers must never take it for the company's published wording: its own
pages, the history, both diff pages, the notice and the feed entry that compare with it, the
JSON and the manifest all carry the label. These are the facts the pages need.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Document, Version


@dataclass(frozen=True, slots=True)
class Reconstruction:
    """The label of a reconstructed version: its note, in `lang` where the text has one."""

    version: str
    note: str
    lang: str  # the language the note is written in


def is_reconstruction(document: Document, version: Version) -> bool:
    """The authoritative front matter decides: a translation of a reconstruction is one too."""
    text = version.text(document.settings.authoritative)
    return bool(text is not None and text.meta.reconstruction) or any(
        t.meta.reconstruction for t in version.texts
    )


def reconstruction(document: Document, version: Version, lang: str) -> Reconstruction | None:
    """The label for a page in `lang`, or None when the version is the published text."""
    if not is_reconstruction(document, version):
        return None
    own = version.text(lang)
    if own is not None and own.meta.reconstruction_note:
        return Reconstruction(version.id, own.meta.reconstruction_note, lang)
    for text in version.texts:  # authoritative first
        if text.meta.reconstruction_note:
            return Reconstruction(version.id, text.meta.reconstruction_note, text.lang)
    return Reconstruction(version.id, "", lang)


def reconstructed_sides(
    document: Document, old: Version | None, new: Version, lang: str
) -> tuple[Reconstruction, ...]:
    """The reconstructed versions among the two sides of a diff, old first."""
    found = [reconstruction(document, v, lang) for v in (old, new) if v is not None]
    return tuple(r for r in found if r is not None)
