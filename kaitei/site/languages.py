"""The languages a site is published in: shared by every page generator."""

from __future__ import annotations

from ..model import Site


def site_languages(site: Site) -> tuple[str, ...]:
    """Every language of every document, in the order documents list them."""
    seen: list[str] = []
    for document in site.documents:
        for lang in document.settings.languages:
            if lang not in seen:
                seen.append(lang)
    return tuple(seen)
