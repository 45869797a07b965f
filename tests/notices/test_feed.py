"""{lang}/feed.xml: valid Atom (RFC 4287 RELAX NG), stable ids, dates from the data only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from kaitei.model import Document, Site
from kaitei.site.feed import feed, feed_xml

from .conftest import AS_OF, build_context, golden

SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "atom.rng")))
NS = {"a": "http://www.w3.org/2005/Atom", "k": "urn:kaitei:atom:1"}


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_golden(sample_site: Site, lang: str) -> None:
    golden(f"feed.{lang}.xml", feed_xml(build_context(sample_site), lang).decode("utf-8"))


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("as_of", [dt.date(2017, 1, 1), dt.date(2020, 9, 1), AS_OF])
@pytest.mark.parametrize("base_url", ["https://policies.example.jp/", ""])
def test_valid_atom(sample_site: Site, lang: str, as_of: dt.date, base_url: str) -> None:
    root = parse(feed_xml(build_context(sample_site, as_of, base_url), lang))
    assert SCHEMA.validate(root), SCHEMA.error_log
    # What the RFC's Schematron rules add: the feed has an author (so every entry does), and
    # no entry has two alternate links of the same type and language.
    assert root.findall("a:author/a:name", NS)
    for entry in root.findall("a:entry", NS):
        kinds = [
            (link.get("type"), link.get("hreflang"))
            for link in entry.findall("a:link[@rel='alternate']", NS)
        ]
        assert len(kinds) == len(set(kinds)) == 1


def test_schema_rejects_a_broken_feed(sample_site: Site) -> None:
    """The schema is a real check: an entry without its id fails it."""
    root = parse(feed_xml(build_context(sample_site), "en"))
    entry = root.find("a:entry", NS)
    assert entry is not None
    entry.remove(entry.find("a:id", NS))
    assert not SCHEMA.validate(root)


def test_entries_levels_and_hashes(sample_site: Site, privacy: Document) -> None:
    root = parse(feed_xml(build_context(sample_site), "ja"))
    entries = root.findall("a:entry", NS)
    assert [e.findtext("a:id", namespaces=NS) for e in entries] == [
        "tag:policies.example.jp,2020-10-01:privacy/2020-10-01/ja",
        "tag:policies.example.jp,2017-08-23:privacy/2017-08-23/ja",
    ]
    assert [e.find("a:category", NS).get("term") for e in entries] == ["consent", "enacted"]  # type: ignore[union-attr]
    for entry, version in zip(entries, reversed(privacy.versions), strict=True):
        text = version.text("ja")
        assert text is not None
        assert entry.findtext("k:sha256", namespaces=NS) == text.sha256
    consent = entries[0]
    assert consent.findtext("a:updated", namespaces=NS) == "2020-08-31T00:00:00+09:00"
    links = {link.get("rel"): link.get("href") for link in consent.findall("a:link", NS)}
    assert links == {
        "alternate": "https://policies.example.jp/ja/notices/privacy/2020-10-01/",
        "related": "https://policies.example.jp/ja/privacy/diff/2017-08-23/2020-10-01/",
    }


def test_unannounced_versions_are_not_in_the_feed(sample_site: Site) -> None:
    before = parse(feed_xml(build_context(sample_site, dt.date(2020, 8, 30)), "en"))
    on_the_day = parse(feed_xml(build_context(sample_site, dt.date(2020, 8, 31)), "en"))
    assert len(before.findall("a:entry", NS)) == 1
    assert len(on_the_day.findall("a:entry", NS)) == 2


def test_ids_survive_edits_and_rebuilds(sample_site: Site, privacy: Document) -> None:
    """Retitling the document, rewording a summary or rebuilding later keeps every id."""

    def ids(site: Site, as_of: dt.date) -> list[str]:
        root = parse(feed_xml(build_context(site, as_of), "en"))
        return [e.findtext("a:id", namespaces=NS) or "" for e in root.findall("a:entry", NS)]

    settings = dataclasses.replace(
        privacy.settings, titles=(("en", "Privacy Notice"), ("ja", "個人情報保護方針"))
    )
    last = privacy.versions[-1]
    en = dataclasses.replace(
        last.texts[1], meta=dataclasses.replace(last.texts[1].meta, summary="Reworded.")
    )
    edited = dataclasses.replace(
        privacy,
        settings=settings,
        versions=(privacy.versions[0], dataclasses.replace(last, texts=(last.texts[0], en))),
    )
    assert ids(Site("x", (edited,)), dt.date(2030, 1, 1)) == ids(sample_site, AS_OF)


def test_same_input_same_bytes_and_no_wall_clock(sample_site: Site) -> None:
    first = feed_xml(build_context(sample_site), "en")
    assert first == feed_xml(build_context(sample_site), "en")
    # Every date in the feed is a date of the content (effective / announced), none "today".
    root = parse(first)
    stamps = {e.text for e in root.iter("{*}updated", "{*}published")}
    assert stamps == {"2017-08-23T00:00:00+09:00", "2020-08-31T00:00:00+09:00"}


def test_one_feed_per_language(sample_site: Site) -> None:
    outputs = list(feed(build_context(sample_site)))
    assert [(o.url, o.lang, o.in_sitemap) for o in outputs] == [
        ("ja/feed.xml", "ja", False),
        ("en/feed.xml", "en", False),
    ]


def test_hostile_summary_is_escaped_and_stays_xml(sample_site: Site, privacy: Document) -> None:
    last = privacy.versions[-1]
    hostile = 'Now <script>alert("x")</script> & more\x0b, "quoted"'
    en = dataclasses.replace(
        last.texts[1], meta=dataclasses.replace(last.texts[1].meta, summary=hostile)
    )
    document = dataclasses.replace(
        privacy,
        versions=(privacy.versions[0], dataclasses.replace(last, texts=(last.texts[0], en))),
    )
    data = feed_xml(build_context(Site("x", (document,))), "en")
    root = parse(data)  # well-formed despite the control character
    assert SCHEMA.validate(root), SCHEMA.error_log
    assert b"<script>" not in data
    assert (
        root.findtext("a:entry/a:summary", namespaces=NS)
        == 'Now <script>alert("x")</script> & more, "quoted"'
    )
