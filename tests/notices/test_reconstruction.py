"""The 2017 reconstruction is labelled wherever its text appears: pages, feeds, JSON, manifest."""

from __future__ import annotations

import json

from kaitei.model import Site
from kaitei.site.build import collect

from .conftest import AS_OF, BASE_URL, ROOT

# Words only the reconstructed 2017 text contains (its placeholder contact line).
MARKER = b"03-0000-0000"
LABEL = {"ja": "再構成".encode(), "en": b"reconstruct"}


def test_every_page_and_feed_showing_the_reconstruction_says_so(sample_site: Site) -> None:
    files = {f.url: f for f in collect(sample_site, AS_OF, ROOT, BASE_URL)}
    showing = [
        url
        for url, f in files.items()
        if MARKER in f.content and not url.endswith((".txt", ".pdf", ".json"))
    ]
    # Its version and side-by-side pages (a diff page splits the marker with its marks: its
    # pages are added by name).
    for lang in ("ja", "en"):
        for url in (f"{lang}/privacy/2017-08-23/", f"{lang}/privacy/2017-08-23/bilingual/"):
            assert url in showing, url
        showing.append(f"{lang}/privacy/diff/2017-08-23/2020-10-01/")
    for url in showing:
        lang = url.split("/", 1)[0]
        assert LABEL[lang] in files[url].content, url
    # The pages that name it without showing its text: the history, the 2020 notice, the feed.
    for lang in ("ja", "en"):
        for url in (
            f"{lang}/privacy/history/",
            f"{lang}/notices/privacy/2020-10-01/",
            f"{lang}/feed.xml",
        ):
            assert LABEL[lang] in files[url].content, url
    en_page = files["en/privacy/2017-08-23/"].content.decode()
    assert "translation of the Japanese original" not in en_page
    assert "translation of the Japanese text, which is itself a reconstruction" in en_page
    assert "The original text enacted on 23 August 2017 is not available." in en_page  # its note
    ja_page = files["ja/privacy/2017-08-23/"].content.decode()
    assert "2017年8月23日制定時の原文は入手できないため" in ja_page
    # Both column headers of the diff: the reconstructed (old) column is marked.
    diff = files["en/privacy/diff/2017-08-23/2020-10-01/"].content.decode()
    # In every table head.
    assert diff.count("Previous (effective 23 August 2017) (reconstructed text)</th>") >= 2
    assert "2020) (reconstructed text)" not in diff
    assert "is a reconstruction, not the published original" in diff
    ja_diff = files["ja/privacy/diff/2017-08-23/2020-10-01/"].content.decode()
    assert ja_diff.count("改定前（2017年8月23日施行）（再構成した本文）</th>") >= 2
    feed = files["en/feed.xml"].content.decode()
    assert 'term="reconstruction" scheme="urn:kaitei:text"' in feed
    assert "(effective 23 August 2017): Enacted (reconstructed text)</title>" in feed


def test_json_and_manifest_flag_the_reconstruction(sample_site: Site) -> None:
    files = {f.url: f for f in collect(sample_site, AS_OF, ROOT, BASE_URL)}
    api = json.loads(files["api/v1/privacy.json"].content)
    assert [(v["version"], v["change"], v["reconstruction"]) for v in api["versions"]] == [
        ("2017-08-23", "enacted", True),
        ("2020-10-01", "consent", False),
    ]
    manifest = json.loads(files["api/v1/manifest.json"].content)
    [document] = manifest["documents"]
    assert [(v["id"], v["change"], v["reconstruction"]) for v in document["versions"]] == [
        ("2017-08-23", "enacted", True),
        ("2020-10-01", "consent", False),
    ]
