"""`kaitei verify` against tampering: every published file, the record, errata, signatures."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from kaitei.cli import main
from kaitei.commands.verify import UNSIGNED, verify
from kaitei.integrity import PREVIOUS_ENV
from kaitei.signing import KEY_ENV
from kaitei.site.build import build

from .gitrepo import ROOT, SAMPLE, replace
from .test_manifest import AS_OF, build_manifest_only

SEED = base64.b64encode(bytes(range(32))).decode("ascii")
OTHER_SEED = base64.b64encode(bytes(range(1, 33))).decode("ascii")


@pytest.fixture(scope="module")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("src")
    shutil.copytree(SAMPLE, root / "content")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(PREVIOUS_ENV, raising=False)
        patch.delenv(KEY_ENV, raising=False)
        return build(root, AS_OF.isoformat(), site_dir=root / "site").site_dir


@pytest.fixture
def site(full_build: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(full_build, tmp_path / "site"))


def problems(site: Path, **kwargs: Path) -> list[str]:
    return [p.format() for p in verify(site, **kwargs).problems]


def edit(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def test_a_full_build_lists_every_file_and_verifies(site: Path) -> None:
    report = verify(site)
    assert report.problems == ()
    manifest = json.loads((site / "api/v1/manifest.json").read_bytes())
    on_disk = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    unlisted = ["api/v1/manifest.json", "api/v1/manifest.json.sha256"]
    assert sorted(manifest["files"]) == [p for p in on_disk if p not in unlisted]
    assert report.files == len(manifest["files"]) > 30
    assert report.notes == (UNSIGNED,)


@pytest.mark.parametrize(
    "file",
    ["ja/privacy/2017-08-23/index.html", "api/v1/privacy.json", "en/feed.xml", "sitemap.xml"],
)
def test_an_edited_published_file_fails_verify(site: Path, file: str) -> None:
    path = site / file
    data = path.read_bytes()
    path.write_bytes(data[:-2] + b" " + data[-2:])
    assert problems(site) == [
        f"{path}: does not match the manifest: it was changed after the build"
    ]


def test_a_file_added_after_the_build_fails_verify(site: Path) -> None:
    (site / "ja/privacy/phishing.html").write_bytes(b"<p>log in here</p>")
    assert problems(site) == [
        f"{site / 'ja/privacy/phishing.html'}: is not in the manifest: it was added after the build"
    ]


def _rewrite_manifest(site: Path, old: bytes, new: bytes) -> None:
    manifest = site / "api/v1/manifest.json"
    edit(manifest, old, new)
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest()
    (site / "api/v1/manifest.json.sha256").write_text(f"{digest}  manifest.json\n")


def test_an_edited_change_level_with_a_recomputed_checksum_fails_verify(site: Path) -> None:
    _rewrite_manifest(site, b'"change": "consent"', b'"change": "editorial"')
    assert problems(site) == [
        "privacy 2020-10-01: the manifest gives the change level 'editorial', "
        "api/v1/privacy.json 'consent': the manifest was edited"
    ]


def test_verify_says_an_unsigned_manifest_proves_consistency_not_origin(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(site)]) == 0
    out = capsys.readouterr().out
    assert "note: the manifest is not signed: this proves the site is consistent with its " in out
    assert "not who published it" in out


# --- errata matched by content ---------------------------------------------------------------


@pytest.fixture
def chain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A content folder and the manifest of its first build, set as the previous link."""
    content = tmp_path / "src"
    shutil.copytree(SAMPLE, content / "content")
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(PREVIOUS_ENV, raising=False)
    first = build_manifest_only(content, tmp_path / "first")
    previous = tmp_path / "previous.json"
    shutil.copy(first / "api/v1/manifest.json", previous)
    monkeypatch.setenv(PREVIOUS_ENV, str(previous))
    return content, previous


EN_2017 = "content/privacy/2017-08-23/en.md"


def _erratum(content: Path, before: str, after: str) -> None:
    entry = f"  - date: 2026-11-20\n    reason: a typo\n    before: {before}\n    after: {after}\n"
    # The sample's 2017 translation already lists errata: the new one joins that list.
    if "\nerrata:\n" in (content / EN_2017).read_text(encoding="utf-8"):
        replace(content / EN_2017, "\nerrata:\n", "\nerrata:\n" + entry)
    else:
        replace(content / EN_2017, "summary: ", "errata:\n" + entry + "summary: ")


def test_a_text_change_hidden_behind_an_unrelated_erratum_is_caught(
    chain: tuple[Path, Path], tmp_path: Path
) -> None:
    content, previous = chain
    replace(content / EN_2017, "appropriately.", "properly.")
    _erratum(content, "Kima", "KIMA")  # bumps the count, explains nothing
    second = build_manifest_only(content, tmp_path / "second")
    assert problems(second, previous=previous) == [
        "privacy 2017-08-23 (en): was published and its text changed more than its new errata "
        "say: undoing them does not give the published text back"
    ]


def test_a_change_made_by_its_erratum_passes(chain: tuple[Path, Path], tmp_path: Path) -> None:
    content, previous = chain
    replace(content / EN_2017, "appropriately.", "properly.")
    _erratum(content, "appropriately.", "properly.")
    second = build_manifest_only(content, tmp_path / "second")
    assert problems(second, previous=previous) == []


def test_a_removed_erratum_is_caught(
    chain: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content, _ = chain
    replace(content / EN_2017, "appropriately.", "properly.")
    _erratum(content, "appropriately.", "properly.")
    second = build_manifest_only(content, tmp_path / "second")
    monkeypatch.setenv(PREVIOUS_ENV, str(second / "api/v1/manifest.json"))
    replace(content / EN_2017, "before: appropriately.", "before: appropriately,")
    third = build_manifest_only(content, tmp_path / "third")
    assert problems(third, previous=second / "api/v1/manifest.json") == [
        "privacy 2017-08-23 (en): lost 1 erratum/errata it had when published"
    ]


# --- signatures ------------------------------------------------------------------------------


@pytest.fixture
def signed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    content = tmp_path / "src"
    shutil.copytree(SAMPLE, content / "content")
    monkeypatch.delenv(PREVIOUS_ENV, raising=False)
    monkeypatch.setenv(KEY_ENV, SEED)
    site = build_manifest_only(content, tmp_path / "signed")
    monkeypatch.delenv(KEY_ENV)
    return site


def test_a_signed_manifest_verifies_with_its_key(signed: Path, tmp_path: Path) -> None:
    key = tmp_path / "kaitei.pub"
    shutil.copy(signed / "api/v1/manifest.pub", key)
    assert key.read_text().startswith("untrusted comment: minisign public key ")
    assert problems(signed, public_key=key) == []
    report = verify(signed)
    assert report.problems == () and "published on the site itself" in report.notes[0]


def test_a_resealed_manifest_fails_its_signature(signed: Path) -> None:
    _rewrite_manifest(signed, b'"as_of": "2026-11-25"', b'"as_of": "2026-11-26"')
    assert problems(signed) == [
        f"{signed / 'api/v1/manifest.json.minisig'}: does not match the manifest: the manifest "
        "was changed after it was signed"
    ]


def test_a_site_signed_with_another_key_fails(
    signed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "other-src"
    shutil.copytree(SAMPLE, content / "content")
    monkeypatch.setenv(KEY_ENV, OTHER_SEED)
    other = build_manifest_only(content, tmp_path / "other")
    assert problems(other, public_key=signed / "api/v1/manifest.pub") == [
        f"{other / 'api/v1/manifest.json.minisig'}: was made with another key than the public "
        "key given"
    ]
    # Two builds with one key are byte-identical, signature included.
    monkeypatch.setenv(KEY_ENV, SEED)
    again = build_manifest_only(content, tmp_path / "again")
    assert (again / "api/v1/manifest.json.minisig").read_bytes() == (
        signed / "api/v1/manifest.json.minisig"
    ).read_bytes()


def test_an_unsigned_site_fails_when_a_key_is_expected(site: Path, signed: Path) -> None:
    assert problems(site, public_key=signed / "api/v1/manifest.pub") == [
        f"{site / 'api/v1/manifest.json.minisig'}: missing: the manifest is not signed"
    ]
