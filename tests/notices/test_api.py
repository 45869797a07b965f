"""api/v1/{doc}.json: its schema, the sample's golden file, and switching without a rebuild."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import jsonschema
import pytest

from kaitei.model import Document, Site
from kaitei.site import urls
from kaitei.site.api import SCHEMA_FILE, SCHEMA_URL, api, document_json

from .conftest import AS_OF, build_context, golden

SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def api_of(
    site: Site, as_of: dt.date = AS_OF, base_url: str = "https://policies.example.jp/"
) -> dict[str, Any]:
    files = {f.url: f.content for f in api(build_context(site, as_of, base_url))}
    assert set(files) == {urls.api("privacy"), SCHEMA_URL}
    data: dict[str, Any] = json.loads(files[urls.api("privacy")])
    return data


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_golden(sample_site: Site) -> None:
    files = {f.url: f.content for f in api(build_context(sample_site))}
    golden("privacy.json", files[urls.api("privacy")].decode("utf-8"))


@pytest.mark.parametrize(
    "as_of", [dt.date(2017, 1, 1), dt.date(2020, 9, 15), AS_OF, dt.date(2031, 1, 1)]
)
@pytest.mark.parametrize("base_url", ["https://policies.example.jp/", ""])
def test_valid_against_schema_at_any_date(sample_site: Site, as_of: dt.date, base_url: str) -> None:
    VALIDATOR.validate(api_of(sample_site, as_of, base_url))


def test_schema_rejects_what_apps_could_not_use(sample_site: Site) -> None:
    data = api_of(sample_site)
    broken = [
        {**data, "current": {**data["current"], "effective": "2020-10-01"}},  # no time, no offset
        {**data, "current": {**data["current"], "change": "major"}},
        {**data, "current": {**data["current"], "sha256": {"ja": "abc"}}},
        {key: value for key, value in data.items() if key != "requires_consent_since"},
    ]
    for document in broken:
        assert list(VALIDATOR.iter_errors(document)), document


def test_before_and_after_the_consent_change(sample_site: Site) -> None:
    before = api_of(sample_site, dt.date(2020, 9, 15))
    assert before["current"]["version"] == "2017-08-23"
    assert [u["version"] for u in before["upcoming"]] == ["2020-10-01"]
    assert before["requires_consent_since"] is None
    upcoming = before["upcoming"][0]
    assert upcoming["change"] == "consent"
    assert upcoming["effective"] == "2020-10-01T00:00:00+09:00"  # Tokyo midnight
    assert upcoming["announced"] == "2020-08-31"
    assert (
        upcoming["urls"]["en"]["notice"]
        == "https://policies.example.jp/en/notices/privacy/2020-10-01/"
    )
    assert (
        upcoming["urls"]["ja"]["diff"]
        == "https://policies.example.jp/ja/privacy/diff/2017-08-23/2020-10-01/"
    )
    after = api_of(sample_site, dt.date(2020, 10, 1))
    assert after["current"]["version"] == "2020-10-01"
    assert after["upcoming"] == []
    assert after["requires_consent_since"] == "2020-10-01T00:00:00+09:00"


def test_hashes_are_the_texts_hashes(sample_site: Site, privacy: Document) -> None:
    data = api_of(sample_site)
    for entry in data["versions"]:
        version = privacy.version(entry["version"])
        assert version is not None
        assert entry["sha256"] == {t.lang: t.sha256 for t in version.texts}


def _in_force(data: dict[str, Any], instant: dt.datetime) -> dict[str, Any] | None:
    """What an app does with a cached file: the last version whose effective ≤ now."""
    current = None
    for entry in data["versions"]:
        if dt.datetime.fromisoformat(entry["effective"]) <= instant:
            current = entry
    return current


def test_a_cached_file_switches_on_the_effective_instant(sample_site: Site) -> None:
    cached = api_of(sample_site, dt.date(2020, 9, 15))  # built two weeks before, never rebuilt
    fresh = api_of(sample_site, dt.date(2020, 10, 1))
    tokyo = dt.timezone(dt.timedelta(hours=9))
    just_before = dt.datetime(2020, 9, 30, 23, 59, 59, tzinfo=tokyo)
    at = dt.datetime(2020, 9, 30, 15, 0, 0, tzinfo=dt.UTC)  # = 2020-10-01 00:00 in Tokyo
    old = _in_force(cached, just_before)
    new = _in_force(cached, at)
    assert old is not None and old["version"] == "2017-08-23"
    assert new is not None and new["version"] == "2020-10-01"
    # The cached file then says exactly what a rebuilt one says.
    assert new == fresh["current"]
    assert new["requires_consent_since"] == fresh["requires_consent_since"]


def test_requires_consent_since_stays_with_the_latest_consent_version(privacy: Document) -> None:
    # A later notice-level version keeps the consent date of 2020-10-01.
    last = privacy.versions[-1]
    ja = dataclasses.replace(
        last.texts[0], meta=dataclasses.replace(last.texts[0].meta, change="notice")
    )
    later = dataclasses.replace(
        last, id="2022-04-01", effective=dt.date(2022, 4, 1), texts=(ja, *last.texts[1:])
    )
    document = dataclasses.replace(privacy, versions=(*privacy.versions, later))
    site = Site("x", (document,))
    data = document_json(build_context(site, dt.date(2023, 1, 1)), document)
    assert data["current"]["version"] == "2022-04-01"
    assert data["current"]["change"] == "notice"
    assert data["requires_consent_since"] == "2020-10-01T00:00:00+09:00"
    assert [v["requires_consent_since"] for v in data["versions"]] == [
        None,
        "2020-10-01T00:00:00+09:00",
        "2020-10-01T00:00:00+09:00",
    ]
