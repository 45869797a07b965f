"""`kaitei verify SITE_DIR`: recheck a built site's hashes against its manifest.

Needs no content, no git and no parser: only the built site. It checks the manifest's own
checksum file, every text.txt against the hash the manifest gives it and, with `--previous`,
the chain link to an earlier manifest and that no published text changed without an erratum.
Exit 0 when everything matches, 1 naming each mismatch, 2 when there is nothing to verify.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..integrity import MANIFEST_FORMAT, sha256_hex
from ..site import urls


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str

    def format(self) -> str:
        return f"{self.where}: {self.message}"


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("verify", help="recheck a built site's hashes against its manifest")
    parser.add_argument("site_dir", type=Path, metavar="SITE_DIR", help="e.g. build/site")
    parser.add_argument(
        "--previous",
        type=Path,
        metavar="FILE",
        help="the previous build's manifest.json: check the chain and that no published "
        "text was rewritten",
    )
    parser.set_defaults(run=run)


def _texts(manifest: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    for document in manifest.get("documents", []):
        for version in document.get("versions", []):
            for text in version.get("texts", []):
                yield document.get("id", "?"), version.get("id", "?"), version, text


def _inside(root: Path, relative: str) -> Path | None:
    path = (root / relative).resolve()
    return path if path.is_relative_to(root.resolve()) else None


def verify_site(site_dir: Path, previous: Path | None = None) -> tuple[int, list[Problem]]:
    """(number of texts checked, problems); raises ValueError when there is no manifest."""
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
    problems: list[Problem] = []
    checksum = manifest_path.with_name(manifest_path.name + ".sha256")
    if not checksum.is_file():
        problems.append(Problem(str(checksum), "missing: the manifest's own hash is not published"))
    else:
        recorded = checksum.read_text("ascii", "replace").split()[:1]
        if recorded != [sha256_hex(data)]:
            problems.append(
                Problem(str(manifest_path), "does not match its checksum file: it was edited")
            )
    count = 0
    for doc, version_id, _, text in _texts(manifest):
        count += 1
        label = f"{doc} {version_id} ({text.get('lang', '?')})"
        path = _inside(site_dir, str(text.get("text", "")))
        if path is None:
            problems.append(Problem(label, f"text URL {text.get('text')!r} leaves the site"))
        elif not path.is_file():
            problems.append(Problem(str(path), f"missing: the text of {label}"))
        elif sha256_hex(path.read_bytes()) != text.get("sha256"):
            problems.append(
                Problem(
                    str(path),
                    f"the text of {label} does not match the manifest: its SHA-256 is "
                    f"{sha256_hex(path.read_bytes())}, the manifest says {text.get('sha256')}",
                )
            )
    if previous is not None:
        problems += _chain(manifest, previous)
    return count, problems


def _chain(manifest: dict[str, Any], previous: Path) -> list[Problem]:
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
    now = {(d, v, t.get("lang")): t for d, v, _, t in _texts(manifest)}
    for doc, version_id, version, text in _texts(before):
        if not version.get("published"):
            continue  # drafts and upcoming versions may still change
        key = (doc, version_id, text.get("lang"))
        label = f"{doc} {version_id} ({text.get('lang')})"
        current = now.get(key)
        if current is None:
            problems.append(Problem(label, "was published and is no longer in the manifest"))
        elif current.get("sha256") != text.get("sha256") and current.get("errata", 0) <= text.get(
            "errata", 0
        ):
            problems.append(
                Problem(label, "was published and its text changed without a new erratum")
            )
    return problems


def run(args: argparse.Namespace) -> int:
    try:
        count, problems = verify_site(args.site_dir, args.previous)
    except (ValueError, OSError) as error:
        print(f"kaitei verify: error: {error}")
        return 2
    for problem in problems:
        print(problem.format())
    if problems:
        print(f"{len(problems)} problem(s) in {args.site_dir}")
        return 1
    chained = " and the chain to the previous manifest" if args.previous else ""
    print(f"{count} text(s) match the manifest{chained}")
    return 0
