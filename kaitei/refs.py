"""Cross-references in the text (第4条第2項, 前条第1項, Article 4(2)) and their targets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .numbering import NUMERAL, to_int

_JA = re.compile(
    rf"(?:(?:第(?P<art>{NUMERAL})条(?P<branch>(?:の{NUMERAL})*)|(?P<arel>前条|次条))"
    rf"(?:第(?P<para>{NUMERAL})項|(?P<prel>前項|次項))?(?:第(?P<item>{NUMERAL})号)?)"
    rf"|(?:(?:第(?P<para2>{NUMERAL})項|(?P<prel2>前項|次項))(?:第(?P<item2>{NUMERAL})号)?)"
)
# A reference right after a statute's name (個人情報保護法第2条第1項) points into that statute.
_STATUTE_SUFFIX = ("法", "令", "則", "律")

_ARTICLE_EN = r"Article (?P<{0}>\d+(?:-\d+)*)"
_EN = re.compile(
    r"(?:item \((?P<item1>\d+)\) of )?paragraph (?P<para1>\d+) of "
    r"(?:" + _ARTICLE_EN.format("art1") + r"|(?P<arel1>[Tt]he (?:preceding|following) Article))"
    r"|" + _ARTICLE_EN.format("art2") + r"(?:\((?P<para2>\d+)\))?(?:\((?P<item2>\d+)\))?"
    r"|(?P<arel3>[Tt]he (?:preceding|following) Article)"
    r"|(?P<prel>[Tt]he (?:preceding|following) paragraph)"
)
_EXTERNAL_EN = re.compile(r"\s+of\s+(?:the\s+)?(?:Act|Law|Cabinet|Order|Enforcement|Civil)\b")


@dataclass(frozen=True, slots=True)
class RawRef:
    """A reference as written, before it is resolved against a document's anchors."""

    start: int
    end: int
    label: str
    article: str | None  # "4_2" absolute, "-1"/"+1" relative, None = the current article
    paragraph: str | None  # "2" absolute, "-1"/"+1" relative, None = none named
    item: int | None


def _rel(word: str | None) -> str | None:
    if not word:
        return None
    return "-1" if ("前" in word or "preceding" in word) else "+1"


# Every reference contains one of these; most texts contain none, and skip both scans.
_HINTS = re.compile(r"第|前[条項]|次[条項]|Article|[Pp]aragraph|[Tt]he (?:preceding|following)")


def find_refs(text: str) -> list[RawRef]:
    refs: list[RawRef] = []
    if not _HINTS.search(text):
        return refs
    for m in _JA.finditer(text):
        if m.start() > 0 and text[m.start() - 1] in _STATUTE_SUFFIX:
            continue
        article: str | None = None
        if m["art"]:
            numbers = [to_int(m["art"]) or 0]
            numbers += [to_int(b) or 0 for b in m["branch"].split("の")[1:]]
            article = "_".join(map(str, numbers))
        elif m["arel"]:
            article = _rel(m["arel"])
        para_num = m["para"] or m["para2"]
        paragraph = str(to_int(para_num)) if para_num else _rel(m["prel"] or m["prel2"])
        item_num = m["item"] or m["item2"]
        refs.append(
            RawRef(
                m.start(),
                m.end(),
                m.group(),
                article,
                paragraph,
                to_int(item_num) if item_num else None,
            )
        )
    for m in _EN.finditer(text):
        if _EXTERNAL_EN.match(text, m.end()):
            continue
        art = m["art1"] or m["art2"]
        article = art.replace("-", "_") if art else _rel(m["arel1"] or m["arel3"])
        para = m["para1"] or m["para2"]
        paragraph = para if para else _rel(m["prel"])
        item = m["item1"] or m["item2"]
        refs.append(
            RawRef(m.start(), m.end(), m.group(), article, paragraph, int(item) if item else None)
        )
    return sorted(refs, key=lambda r: r.start)


@dataclass(frozen=True, slots=True)
class RefContext:
    """Where a reference stands: the article ids in order, and its own article and paragraph."""

    article_ids: Sequence[str]
    article_index: int  # -1 in the preamble
    paragraph: int | None


def resolve(ref: RawRef, ctx: RefContext) -> str:
    """The anchor a reference points at (which may not exist: the caller checks)."""
    if ref.article is None:
        if ctx.article_index < 0:
            return "?"
        article = ctx.article_ids[ctx.article_index]
    elif ref.article in ("-1", "+1"):
        index = ctx.article_index + int(ref.article)
        if ctx.article_index < 0 or not 0 <= index < len(ctx.article_ids):
            return "?"
        article = ctx.article_ids[index]
    else:
        article = "art-" + ref.article.replace("_", "-")
    if ref.paragraph is None:
        return article
    if ref.paragraph in ("-1", "+1"):
        if ctx.paragraph is None:
            return "?"
        paragraph = ctx.paragraph + int(ref.paragraph)
    else:
        paragraph = int(ref.paragraph)
    if paragraph < 1:
        return "?"
    target = f"{article}-para-{paragraph}"
    if ref.item is not None:
        target += f"-item-{ref.item}"
    return target
