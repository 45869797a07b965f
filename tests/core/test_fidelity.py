"""The model is lossless for the text: what the reader reads is what the editor wrote."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from pathlib import Path

import pytest

from kaitei.check import check_site
from kaitei.diagnostics import Collector
from kaitei.load import load_site
from kaitei.model import LanguageText, all_texts, canonical_text

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seed" / "privacy-policy-2020-10-01.ja.txt"


def _site() -> list[LanguageText]:
    out = Collector()
    site = load_site(ROOT, out)
    assert not out.errors, [d.format() for d in out.errors]
    return [t for d in site.documents for v in d.versions for t in v.texts]


TEXTS = _site()


def _strip_markdown(body: str) -> str:
    """The body as plain text: Markdown syntax removed, one unit per line."""
    lines = []
    for line in body.split("\n"):
        line = re.sub(r"\s*\{#[A-Za-z][\w-]*\}\s*$", "", line)
        if re.fullmatch(r"\s*(\* \* \*|\*\*\*|---)\s*", line) or re.fullmatch(r"\|[-| :]+\|", line):
            continue
        line = re.sub(r"^#+\s*", "", line)
        line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        line = line.replace("**", "").replace("`", "")
        if line.startswith("|"):
            line = "\t".join(c.strip() for c in line.strip().strip("|").split("|"))
        lines.append(line)
    return "\n".join(lines)


def _words(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: t.path)
def test_canonical_text_is_the_source_without_markdown(text: LanguageText) -> None:
    body = text.source.split("\n---\n", 1)[1]
    # Same characters in the same order; only layout (blank lines, line breaks) may differ.
    assert _words(canonical_text(text)) == _words(_strip_markdown(body))


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: t.path)
def test_every_source_line_is_in_the_model(text: LanguageText) -> None:
    plain = "\n".join(t.plain for t in all_texts(text))
    headings = " ".join(a.heading for a in text.articles)
    for line in _strip_markdown(text.source.split("\n---\n", 1)[1]).split("\n"):
        line = re.sub(r"^(\d+|\([0-9a-z]+\)|[アイウエオ]) ", "", line.strip())
        for cell in line.split("\t"):
            for piece in re.split(r"(?:^|\s)[・•]\s*", cell):
                piece = piece.strip()
                if piece:
                    assert piece in plain or piece in headings, piece


def _seed_sentences() -> list[str]:
    raw = SEED.read_text(encoding="utf-8")
    raw = re.sub(r"<[^>]+>", " ", raw)  # HTML left over from the PDF extraction
    raw = raw.replace("電\n\n話番号", "電話番号")  # a word broken across lines by the PDF
    sentences = []
    for line in raw.split("\n"):
        line = re.sub(r"^\s*-\s+", "", line).strip()
        line = re.sub(r"^(\d+|\(\d+\)) ", "", line)
        line = line.replace("<", "").replace(">", "")
        for cell in line.split("\t"):
            for piece in re.split(r"\s*・(?=\S)", cell):
                for sentence in re.findall(r"[^。]+。?", piece):
                    sentence = sentence.strip()
                    if sentence:
                        sentences.append(sentence)
    return sentences


@pytest.mark.skipif(not SEED.exists(), reason="the seed text lives in ../shared")
def test_every_seed_sentence_is_verbatim_in_the_2020_model() -> None:
    text = next(t for t in TEXTS if t.path.endswith("2020-10-01/ja.md"))
    # The canonical text carries labels (ア 端末情報) and headings; bullets are Texts of their own.
    haystack = canonical_text(text) + "\n".join(t.plain for t in all_texts(text))
    sentences = _seed_sentences()
    assert len(sentences) > 100
    missing = [s for s in sentences if s not in haystack and s.lstrip("・") not in haystack]
    assert missing == []


def test_check_passes_on_the_sample() -> None:
    _, diagnostics = check_site(ROOT, dt.date(2026, 11, 25))
    assert [d.format() for d in diagnostics] == []


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: t.path)
def test_text_is_nfc_and_hash_is_of_the_canonical_text(text: LanguageText) -> None:
    canonical = canonical_text(text)
    assert unicodedata.is_normalized("NFC", canonical)
    assert text.sha256 == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_every_text_has_its_own_hash() -> None:
    # Four different texts, four different hashes; Markdown-only edits do not count.
    assert len({t.sha256 for t in TEXTS}) == len(TEXTS) == 4
