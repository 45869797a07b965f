"""Cross-references in the text (第4条第2項, 前条第1項, Article 4(2)) and their targets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .numbering import NUMERAL, to_int

_PREL = rf"前(?:{NUMERAL})?項|次項|同項"
_JA_PATTERN = (
    rf"(?:(?:第(?P<art>{NUMERAL})条(?P<branch>(?:の{NUMERAL})*)|(?P<arel>前条|次条|同条))"
    rf"(?:第(?P<para>{NUMERAL})項|(?P<prel>{_PREL}))?(?:第(?P<item>{NUMERAL})号|(?P<each>各号))?)"
    rf"|(?:(?:第(?P<para2>{NUMERAL})項|(?P<prel2>{_PREL}))(?:第(?P<item2>{NUMERAL})号|(?P<each2>各号))?)"
    rf"|(?P<appendix>別表(?:第(?P<schedule>{NUMERAL}))?)"
)
# Each scan starts with a lookahead for its branches' first characters: the engine then
# rejects most positions at once instead of entering every branch (three to six times
# faster; the same matches, tested against the bare pattern).
_JA = re.compile(rf"(?=[第前次同別])(?:{_JA_PATTERN})")
# A reference right after a statute's name (個人情報保護法第2条第1項, 同法第3条) or after a
# law's number in brackets (民法（明治29年法律第89号）第548条の4) points into that statute.
_STATUTE_SUFFIX = ("法", "令", "則", "律")
_LAW_NUMBER = re.compile(r"[（(][^（）()]*(?:法律|政令|省令|規則|条例)第[^（）()]*号[）)]$")

_ARTICLE_EN = r"Article (?P<{0}>\d+(?:-\d+)*)"
_EN_PATTERN = (
    r"(?:item \((?P<item1>\d+)\) of )?paragraph (?P<para1>\d+) of "
    r"(?:" + _ARTICLE_EN.format("art1") + r"|(?P<arel1>[Tt]he (?:preceding|following) Article))"
    r"|" + _ARTICLE_EN.format("art2") + r"(?:\((?P<para2>\d+)\))?(?:\((?P<item2>\d+)\))?"
    r"|(?P<arel3>[Tt]he (?:preceding|following) Article)"
    r"|(?P<prel>[Tt]he (?:preceding|following) paragraph)"
)
_EN = re.compile(rf"(?=[ipATt])(?:{_EN_PATTERN})")
_EXTERNAL_EN = re.compile(
    r"\s*(?:\([^)]*\))*\s*(?:of\s+(?:the\s+)?(?:[A-Z][\w-]*\s+)*"
    r"(?:Act|Law|Code|Cabinet|Order|Enforcement|Civil|Regulation|Directive|Convention|Charter)"
    r"|(?:of\s+(?:the\s+)?)?(?:GDPR|UK GDPR|CCPA|CPRA|LGPD|PIPEDA|APPI|DSA|DMA)\b)"
)
_APPENDIX_EN = re.compile(r"\b(?P<kind>Schedule|Annex|Appendix)\s+(?P<n>\d+|[A-Z])\b")


@dataclass(frozen=True, slots=True)
class RawRef:
    """A reference as written, before it is resolved against a document's anchors."""

    start: int
    end: int
    label: str
    article: str | None  # "4_2" absolute, "-1"/"+1" relative, None = the current article
    paragraph: str | None  # "2" absolute, "-2"/"+1" relative ("+0": this one), None = none
    item: int | None
    direct: str | None = None  # an id named outright: 別表第1 / Schedule 1 → "schedule-1"


def _rel(word: str | None) -> str | None:
    if not word:
        return None
    if word.startswith("前") and len(word) > 2:  # 前2項: the two before; links to the first
        return f"-{to_int(word[1:-1]) or 1}"
    return "-1" if ("前" in word or "preceding" in word) else "+1"


def _external(text: str, start: int) -> bool:
    """Whether a reference at `start` follows a statute's name or a law's number."""
    if start > 0 and text[start - 1] in _STATUTE_SUFFIX:
        return True
    return bool(_LAW_NUMBER.search(text, 0, start)) and text[:start].endswith(("）", ")"))


def find_refs(text: str) -> list[RawRef]:
    # Every reference contains one of its scan's keywords (条, 項 or 別表 for the Japanese
    # forms; Schedule, Annex or Appendix; Article or paragraph for the English ones): most
    # texts contain none, and a Japanese text skips the English scans. Substring tests: a
    # regex alternation tried at every position cost more than the scans it saved.
    ja = "条" in text or "項" in text or "別表" in text
    appendix_en = "Schedule" in text or "Annex" in text or "Appendix" in text
    en = "Article" in text or "paragraph" in text
    if not (ja or appendix_en or en):
        return []
    return scan_refs(text, ja=ja, appendix_en=appendix_en, en=en)


def scan_refs(
    text: str, *, ja: bool = True, appendix_en: bool = True, en: bool = True
) -> list[RawRef]:
    """The references the chosen scans find (all three: what `find_refs` stands for)."""
    refs: list[RawRef] = []
    previous: RawRef | None = None  # what 同条 / 同項 ("the same") point back to
    external = False  # the last reference named another law: 同条 / 同項 stay in it
    for m in _JA.finditer(text) if ja else ():
        if m["appendix"]:
            number = to_int(m["schedule"]) if m["schedule"] else None
            target = f"schedule-{number}" if number else "schedule"
            refs.append(RawRef(m.start(), m.end(), m.group(), None, None, None, target))
            continue
        if _external(text, m.start()):
            external = True
            continue
        same = m["arel"] == "同条" or (m["prel"] or m["prel2"]) == "同項"
        if same and (external or previous is None):
            continue  # "the same article" of another law, or of nothing named before
        article: str | None = None
        if m["art"]:
            numbers = [to_int(m["art"]) or 0]
            numbers += [to_int(b) or 0 for b in m["branch"].split("の")[1:]]
            article = "_".join(map(str, numbers))
        elif m["arel"] == "同条" and previous is not None:
            article = previous.article
        elif m["arel"]:
            article = _rel(m["arel"])
        para_num = m["para"] or m["para2"]
        prel = m["prel"] or m["prel2"]
        if para_num:
            paragraph: str | None = str(to_int(para_num))
        elif prel == "同項" and previous is not None:
            article, paragraph = previous.article if not m["arel"] else article, previous.paragraph
        elif m["each"] or m["each2"]:
            paragraph = _rel(prel) if prel else ("+0" if article is None else None)
        else:
            paragraph = _rel(prel)
        item_num = m["item"] or m["item2"]
        ref = RawRef(
            m.start(),
            m.end(),
            m.group(),
            article,
            paragraph,
            to_int(item_num) if item_num else None,
        )
        refs.append(ref)
        previous, external = ref, False
    for m in _APPENDIX_EN.finditer(text) if appendix_en else ():
        target = f"{m['kind'].lower()}-{m['n'].lower()}"
        refs.append(RawRef(m.start(), m.end(), m.group(), None, None, None, target))
    for m in _EN.finditer(text) if en else ():
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

    article_ids: Sequence[str]  # the numbered articles, in order (for 前条 / 次条)
    article_index: int  # this article's place among them; -1 outside a numbered article
    paragraph: int | None
    current: str | None = None  # the id of the section the reference stands in


def resolve(ref: RawRef, ctx: RefContext) -> str:
    """The anchor a reference points at (which may not exist: the caller checks)."""
    if ref.direct is not None:
        return ref.direct
    if ref.article is None:
        if ctx.current is not None:
            article = ctx.current
        elif ctx.article_index >= 0:
            article = ctx.article_ids[ctx.article_index]
        else:
            return "?"
    elif ref.article in ("-1", "+1"):
        index = ctx.article_index + int(ref.article)
        if ctx.article_index < 0 or not 0 <= index < len(ctx.article_ids):
            return "?"
        article = ctx.article_ids[index]
    else:
        article = "art-" + ref.article.replace("_", "-")
    if ref.paragraph is None:
        return article
    if ref.paragraph[0] in "+-":
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
