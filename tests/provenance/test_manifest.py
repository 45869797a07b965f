"""The manifest: hashes of every text, its JSON Schema, the chain, and `kaitei verify`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kaitei.cli import main
from kaitei.commands.verify import verify_site
from kaitei.diagnostics import Collector, KaiteiError
from kaitei.integrity import PREVIOUS_ENV
from kaitei.load import load_site
from kaitei.model import canonical_text
from kaitei.site.build import build, collect, write_site

from .gitrepo import ROOT, SAMPLE, replace

AS_OF = dt.date(2026, 11, 25)
GOLDEN = Path(__file__).parent / "golden"
SCHEMA = ROOT / "kaitei" / "schemas" / "manifest.schema.json"


def build_manifest_only(root: Path, site_dir: Path) -> Path:
    site = load_site(root, Collector())
    write_site(collect(site, AS_OF, root, "", only=("kaitei.site.manifest",)), site_dir)
    return site_dir


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "src" / "content")
    return tmp_path / "src"


@pytest.fixture
def built(content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(PREVIOUS_ENV, raising=False)
    return build_manifest_only(content, tmp_path / "site")


def manifest_of(site_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site_dir / "api/v1/manifest.json").read_bytes())
    return data


def test_manifest_matches_the_golden_file_and_the_schema(built: Path) -> None:
    data = (built / "api/v1/manifest.json").read_bytes()
    golden = GOLDEN / "manifest.json"
    if os.environ.get("KAITEI_REGEN_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()
    jsonschema.validate(json.loads(data), json.loads(SCHEMA.read_text(encoding="utf-8")))


def test_hashes_are_of_the_canonical_text_published_beside_each_page(
    built: Path, content: Path
) -> None:
    site = load_site(content, Collector())
    entries = {
        (d["id"], v["id"], t["lang"]): t
        for d in manifest_of(built)["documents"]
        for v in d["versions"]
        for t in v["texts"]
    }
    expected = {
        (doc.id, version.id, text.lang): text
        for doc in site.documents
        for version in doc.versions
        for text in version.texts
    }
    assert sorted(entries) == sorted(expected)
    for key, text in expected.items():
        body = canonical_text(text).encode("utf-8")
        assert entries[key]["sha256"] == hashlib.sha256(body).hexdigest()
        assert (built / entries[key]["text"]).read_bytes() == body
        assert entries[key]["text"] == f"{key[2]}/{key[0]}/{key[1]}/text.txt"


def test_verify_passes_on_a_fresh_build(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify_site(built) == (4, [])
    assert main(["verify", str(built)]) == 0
    assert "4 text(s) match the manifest" in capsys.readouterr().out


def test_a_tampered_text_fails_verify_naming_it(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = built / "ja/privacy/2017-08-23/text.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("当社", "弊社", 1), encoding="utf-8")
    count, problems = verify_site(built)
    assert count == 4
    assert [p.where for p in problems] == [str(text)]
    assert "privacy 2017-08-23 (ja) does not match the manifest" in problems[0].message
    assert main(["verify", str(built)]) == 1
    assert str(text) in capsys.readouterr().out


def test_an_edited_manifest_fails_its_checksum(built: Path) -> None:
    path = built / "api/v1/manifest.json"
    path.write_bytes(path.read_bytes().replace(b'"as_of": "2026-11-25"', b'"as_of": "2026-11-26"'))
    _, problems = verify_site(built)
    assert [p.message for p in problems] == ["does not match its checksum file: it was edited"]


def test_nothing_to_verify_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["verify", str(tmp_path)]) == 2


def test_the_chain_links_to_the_previous_manifest(
    built: Path, content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = tmp_path / "previous.json"
    shutil.copy(built / "api/v1/manifest.json", previous)
    monkeypatch.setenv(PREVIOUS_ENV, str(previous))
    second = build_manifest_only(content, tmp_path / "second")
    digest = hashlib.sha256(previous.read_bytes()).hexdigest()
    assert manifest_of(second)["previous_manifest_sha256"] == digest
    assert verify_site(second, previous) == (4, [])
    # A published text rewritten between the two builds shows in the chain.
    replace(content / "content/privacy/2017-08-23/en.md", "appropriately.", "properly.")
    third = build_manifest_only(content, tmp_path / "third")
    _, problems = verify_site(third, previous)
    assert [p.format() for p in problems] == [
        "privacy 2017-08-23 (en): was published and its text changed without a new erratum"
    ]
    # A manifest that names another predecessor is not the next link.
    _, problems = verify_site(third, second / "api/v1/manifest.json")
    assert problems[0].message.startswith("is not the previous link")


def test_a_missing_previous_manifest_is_a_diagnostic(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PREVIOUS_ENV, str(tmp_path / "nope.json"))
    with pytest.raises(KaiteiError) as error:
        build_manifest_only(content, tmp_path / "site")
    assert error.value.diagnostics[0].code == "previous-manifest-missing"


def test_a_full_build_verifies(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PREVIOUS_ENV, raising=False)
    shutil.copy(ROOT / "mkdocs.yml", content / "mkdocs.yml")
    result = build(content, AS_OF.isoformat(), site_dir=tmp_path / "full")
    assert verify_site(result.site_dir) == (4, [])
    sitemap = (result.site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "text.txt" not in sitemap and "manifest" not in sitemap
