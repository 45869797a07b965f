"""The notices, feeds and JSON are part of the whole site build, valid there too."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from lxml import etree

from kaitei.model import Site
from kaitei.site.api import SCHEMA_FILE
from kaitei.site.build import collect

from .conftest import AS_OF, BASE_URL, ROOT

ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "atom.rng")))


def test_build_contains_and_validates_our_files(sample_site: Site) -> None:
    files = {f.url: f for f in collect(sample_site, AS_OF, ROOT, BASE_URL)}
    for url in (
        "ja/notices/",
        "en/notices/",
        "ja/notices/privacy/2020-10-01/",
        "en/notices/privacy/2020-10-01/",
        "ja/feed.xml",
        "en/feed.xml",
        "api/v1/privacy.json",
        "api/v1/schema.json",
    ):
        assert url in files, url
    for lang in ("ja", "en"):
        assert ATOM_SCHEMA.validate(etree.fromstring(files[f"{lang}/feed.xml"].content))
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(
        json.loads(files["api/v1/privacy.json"].content)
    )
    # The notices list is linked from the layout and listed in the sitemap.
    assert b'href="../../ja/notices/"' in files["ja/privacy/"].content
    assert b"ja/notices/privacy/2020-10-01/" in files["sitemap.xml"].content
