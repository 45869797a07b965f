"""`kaitei verify SITE_DIR`: recheck a built site against its manifest.

Needs no content, no git and no parser: only the built site. It checks the manifest's own
checksum file; every published file the manifest lists (pages, API JSON, feeds, text.txt)
against its hash, and that no file was added beside them; that the manifest's record of
each version agrees with the API JSON it lists by hash; its signature when it is signed;
and, with `--previous`, the chain link to an earlier manifest and that no published text
changed except by errata that account for the change.

Without a signature checked against a key obtained elsewhere, all this proves that the site
is consistent with itself, not who published it: whoever can rewrite the files can rewrite
the manifest too. Exit 0 when everything matches, 1 naming each mismatch, 2 when there is
nothing to verify.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..integrity import (
    MANIFEST_FORMAT,
    PREVIOUS_FORMATS,
    PUBLIC_KEY_URL,
    SIGNATURE_URL,
    sha256_hex,
)
from ..pathsafety import outside_site
from ..signing import PublicKey, check_signature, parse_public_key
from ..site import urls

UNSIGNED = (
    "the manifest is not signed: this proves the site is consistent with its manifest, "
    "not who published it"
)
SELF_KEY = (
    "the signature was checked with the key published on the site itself: pass "
    "--public-key with a copy obtained elsewhere to prove who published it"
)


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str

    def format(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Report:
    files: int  # published files checked against their hash
    texts: int  # canonical texts checked
    problems: tuple[Problem, ...]
    notes: tuple[str, ...]  # what the result does and does not prove


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("verify", help="recheck a built site against its manifest")
    parser.add_argument("site_dir", type=Path, metavar="SITE_DIR", help="e.g. build/site")
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="FILE",
        help="the previous build's manifest.json: check the chain and that no published "
        "text was rewritten",
    )
    parser.add_argument(
        "--public-key",
        type=Path,
        metavar="FILE",
        help="the site's minisign public key, obtained from somewhere other than the site: "
        "the manifest must be signed with it",
    )
    parser.set_defaults(run=run)


def _texts(manifest: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for document in _list(manifest.get("documents")):
        for version in _list(document.get("versions")):
            for text in _list(version.get("texts")):
                yield str(document.get("id", "?")), str(version.get("id", "?")), version, text


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _inside(root: Path, relative: str) -> Path | None:
    if outside_site(relative):
        return None
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def _read_manifest(site_dir: Path) -> tuple[bytes, dict[str, Any]]:
    manifest_path = site_dir / urls.manifest()
    if not manifest_path.is_file():
        raise ValueError(f"{manifest_path} does not exist: is {site_dir} a built kaitei site?")
    data = manifest_path.read_bytes()
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise ValueError(f"{manifest_path} is not JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{manifest_path} is not a kaitei manifest ({MANIFEST_FORMAT})")
    return data, manifest


def verify(site_dir: Path, previous: Path | None = None, public_key: Path | None = None) -> Report:
    """Check a built site; raises ValueError when there is no manifest to check."""
    data, manifest = _read_manifest(site_dir)
    problems = _checksum(site_dir, data)
    # A text.txt is checked below, with a message naming the document, version and language.
    texts = {str(text.get("text")) for _, _, _, text in _texts(manifest)}
    files, file_problems = _files(site_dir, manifest, texts)
    problems += file_problems
    count = 0
    for doc, version_id, _, text in _texts(manifest):
        count += 1
        problems += _text(site_dir, manifest, doc, version_id, text)
    problems += _record_agrees_with_api(site_dir, manifest)
    notes: list[str] = []
    problems += _signature(site_dir, data, public_key, notes)
    if previous is not None:
        problems += _chain(manifest, previous, site_dir)
    return Report(files, count, tuple(problems), tuple(notes))


def verify_site(site_dir: Path, previous: Path | None = None) -> tuple[int, list[Problem]]:
    """(number of texts checked, problems); raises ValueError when there is no manifest."""
    report = verify(site_dir, previous)
    return report.texts, list(report.problems)


def _checksum(site_dir: Path, data: bytes) -> list[Problem]:
    manifest_path = site_dir / urls.manifest()
    checksum = manifest_path.with_name(manifest_path.name + ".sha256")
    if not checksum.is_file():
        return [Problem(str(checksum), "missing: the manifest's own hash is not published")]
    recorded = checksum.read_text("ascii", "replace").split()[:1]
    if recorded != [sha256_hex(data)]:
        return [Problem(str(manifest_path), "does not match its checksum file: it was edited")]
    return []


# The manifest cannot list itself; its checksum and signature are checked on their own.
_UNLISTED = frozenset({urls.manifest(), urls.manifest() + ".sha256", SIGNATURE_URL})


def _files(site_dir: Path, manifest: dict[str, Any], texts: set[str]) -> tuple[int, list[Problem]]:
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        return 0, [Problem(urls.manifest(), "lists no files")]
    problems = []
    for relative, digest in sorted(listed.items()):
        path = _inside(site_dir, str(relative))
        if path is None:
            problems.append(Problem(str(relative), "is listed in the manifest but leaves the site"))
        elif not path.is_file():
            problems.append(Problem(str(path), "missing: the manifest lists it"))
        elif relative not in texts and sha256_hex(path.read_bytes()) != digest:
            problems.append(
                Problem(str(path), "does not match the manifest: it was changed after the build")
            )
    root = site_dir.resolve()
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file() or p.is_symlink()):
        relative = path.relative_to(site_dir).as_posix()
        if relative not in listed and relative not in _UNLISTED:
            problems.append(
                Problem(str(path), "is not in the manifest: it was added after the build")
            )
        elif path.is_symlink() and not path.resolve().is_relative_to(root):
            problems.append(Problem(str(path), "is a link to a file outside the site"))
    return len(listed), problems


def _text(
    site_dir: Path, manifest: dict[str, Any], doc: str, version_id: str, text: dict[str, Any]
) -> list[Problem]:
    label = f"{doc} {version_id} ({text.get('lang', '?')})"
    path = _inside(site_dir, str(text.get("text", "")))
    if path is None:
        return [Problem(label, f"text URL {text.get('text')!r} leaves the site")]
    if not path.is_file():
        return [Problem(str(path), f"missing: the text of {label}")]
    actual = sha256_hex(path.read_bytes())
    if actual != text.get("sha256"):
        return [
            Problem(
                str(path),
                f"the text of {label} does not match the manifest: its SHA-256 is "
                f"{actual}, the manifest says {text.get('sha256')}",
            )
        ]
    return []


def _record_agrees_with_api(site_dir: Path, manifest: dict[str, Any]) -> list[Problem]:
    """The manifest's levels and hashes against the API JSON it lists (checked by hash)."""
    problems = []
    files = _mapping(manifest.get("files"))
    for document in _list(manifest.get("documents")):
        doc = str(document.get("id", "?"))
        relative = urls.api(doc)
        path = _inside(site_dir, relative)
        if relative not in files or path is None or not path.is_file():
            # A site built without the API (a partial build): the files' own check stands.
            continue
        try:
            api = json.loads(path.read_bytes())
            entries = {e["version"]: e for e in api["versions"]}
        except (ValueError, KeyError, TypeError):
            problems.append(Problem(str(path), "is not the API JSON of a kaitei document"))
            continue
        for version in _list(document.get("versions")):
            version_id = str(version.get("id"))
            entry = entries.get(version_id)
            if not isinstance(entry, dict):
                problems.append(Problem(f"{doc} {version_id}", f"is not in {relative}"))
                continue
            declared = version.get("change") or "editorial"
            if entry.get("declared_change", entry.get("change")) != declared:
                problems.append(
                    Problem(
                        f"{doc} {version_id}",
                        f"the manifest gives the change level {declared!r}, {relative} "
                        f"{entry.get('declared_change', entry.get('change'))!r}: the "
                        "manifest was edited",
                    )
                )
            hashes = _mapping(entry.get("sha256"))
            for text in _list(version.get("texts")):
                if hashes.get(str(text.get("lang"))) != text.get("sha256"):
                    problems.append(
                        Problem(
                            f"{doc} {version_id} ({text.get('lang')})",
                            f"the manifest's hash differs from {relative}'s: the manifest "
                            "was edited",
                        )
                    )
    return problems


def _signature(
    site_dir: Path, data: bytes, public_key: Path | None, notes: list[str]
) -> list[Problem]:
    signature = site_dir / SIGNATURE_URL
    if not signature.is_file():
        if public_key is not None:
            return [Problem(str(signature), "missing: the manifest is not signed")]
        notes.append(UNSIGNED)
        return []
    key_file = public_key if public_key is not None else site_dir / PUBLIC_KEY_URL
    try:
        key: PublicKey = parse_public_key(key_file.read_text("ascii", "replace"))
    except (OSError, ValueError) as error:
        return [Problem(str(key_file), f"cannot be read as a public key: {error}")]
    if public_key is None:
        notes.append(SELF_KEY)
    why = check_signature(data, signature.read_bytes(), key)
    return [Problem(str(signature), why)] if why else []


# --- the chain ---------------------------------------------------------------------------


def _erratum_key(erratum: Any) -> tuple[str, str, str, str] | None:
    if not isinstance(erratum, dict):
        return None
    return tuple(str(erratum.get(k, "")) for k in ("date", "before", "after", "reason"))  # type: ignore[return-value]


def _errata(text: dict[str, Any]) -> list[tuple[str, str, str, str]] | None:
    """A text's errata as content; None for a manifest that only counted them (format 1)."""
    raw = text.get("errata")
    if not isinstance(raw, list):
        return None
    return [key for key in map(_erratum_key, raw) if key is not None]


def _undo(text: str, errata: list[tuple[str, str, str, str]], goal: str, budget: list[int]) -> bool:
    """Whether undoing `errata` (the last first) at some of their places gives hash `goal`."""
    if budget[0] <= 0:
        return False
    budget[0] -= 1
    if not errata:
        return sha256_hex(text.encode("utf-8")) == goal
    *earlier, (_, before, after, _) = errata
    start = text.find(after) if after else -1
    while start != -1:
        undone = text[:start] + before + text[start + len(after) :]
        if _undo(undone, earlier, goal, budget):
            return True
        start = text.find(after, start + 1)
    return False


def _chain(manifest: dict[str, Any], previous: Path, site_dir: Path | None = None) -> list[Problem]:
    data = previous.read_bytes()
    problems = []
    if manifest.get("previous_manifest_sha256") != sha256_hex(data):
        problems.append(
            Problem(
                str(previous),
                "is not the previous link: the manifest names "
                f"{manifest.get('previous_manifest_sha256')}, this file is {sha256_hex(data)}",
            )
        )
    try:
        before = json.loads(data)
    except ValueError:
        return [*problems, Problem(str(previous), "is not JSON")]
    if not isinstance(before, dict) or before.get("format") not in PREVIOUS_FORMATS:
        return [*problems, Problem(str(previous), "is not a kaitei manifest")]
    now = {(d, v, t.get("lang")): (version, t) for d, v, version, t in _texts(manifest)}
    for doc, version_id, version, text in _texts(before):
        if not version.get("published"):
            continue  # drafts and upcoming versions may still change
        label = f"{doc} {version_id} ({text.get('lang')})"
        found = now.get((doc, version_id, text.get("lang")))
        if found is None:
            problems.append(Problem(label, "was published and is no longer in the manifest"))
            continue
        current_version, current = found
        if current_version.get("change") != version.get("change"):
            problems.append(
                Problem(
                    label,
                    f"was published as {version.get('change')!r} and the manifest now says "
                    f"{current_version.get('change')!r}",
                )
            )
        problems += _errata_account(label, text, current, site_dir)
    return problems


def _errata_account(
    label: str, old: dict[str, Any], new: dict[str, Any], site_dir: Path | None
) -> list[Problem]:
    """A published text may change only by new errata, matched by content, that explain it."""
    old_errata, new_errata = _errata(old), _errata(new)
    if new_errata is None:
        return [Problem(label, "the manifest does not list its errata")]
    if old_errata is not None:
        missing = [e for e in old_errata if e not in new_errata]
        if missing:
            return [Problem(label, f"lost {len(missing)} erratum/errata it had when published")]
    if old.get("sha256") == new.get("sha256"):
        return []
    added = [e for e in new_errata if old_errata is None or e not in old_errata]
    if not added:
        return [Problem(label, "was published and its text changed without a new erratum")]
    path = _inside(site_dir, str(new.get("text", ""))) if site_dir is not None else None
    if path is None or not path.is_file():
        return []  # the text's own check reports it missing
    current = path.read_bytes().decode("utf-8", "replace")
    if not _undo(current, added, str(old.get("sha256")), [256]):
        return [
            Problem(
                label,
                "was published and its text changed more than its new errata say: undoing "
                "them does not give the published text back",
            )
        ]
    return []


def run(args: argparse.Namespace) -> int:
    try:
        report = verify(args.site_dir, args.previous, args.public_key)
    except (ValueError, OSError) as error:
        print(f"kaitei verify: error: {error}")
        return 2
    for problem in report.problems:
        print(problem.format())
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {args.site_dir}")
        return 1
    chained = " and the chain to the previous manifest" if args.previous else ""
    print(f"{report.files} file(s) and {report.texts} text(s) match the manifest{chained}")
    for note in report.notes:
        print(f"note: {note}")
    return 0
