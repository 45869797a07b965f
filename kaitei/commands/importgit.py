"""`kaitei import DOC --from-git FILE --lang L`: adopt a policy's git history as versions.

One `--from-git FILE --lang L` pair per language file (the first is authoritative), or one
pattern naming every language file: `terms/{lang}.md`, or `XX-*.md` where XX is the tag in
capitals (`JA-利用規約.md`, `PT-BR-Termos.md`); `--lang` then names the authoritative one.
The work is in kaitei/commands/importing/; this module checks the request, refuses what is
unsafe before touching anything, writes and reports.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..clock import as_of
from ..pathsafety import DOCUMENT_ID, RESERVED_DOCUMENT_IDS, language_problem
from ..provenance import HistoryUnavailable
from .importing.summary import FileOutcome, Summary
from .importing.versions import build_versions, titles
from .importing.walk import Source, earlier_names, paths_ever, read_timeline, repository_top
from .importing.write import document_file, version_file

_TAG = re.compile(r"(?P<language>[a-zA-Z]{2,3})(?:-(?P<region>[a-zA-Z]{2}|\d{3}))?")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("import", help="adopt a policy's history from git")
    parser.add_argument("doc", metavar="DOC", help="the new document's id (its folder name)")
    parser.add_argument(
        "--from-git", required=True, type=Path, action="append", metavar="FILE",
        help="a language file in a git repository, or a pattern with {lang} or XX",
    )  # fmt: skip
    parser.add_argument(
        "--lang", action="append", default=[], metavar="L",
        help="the language of each FILE (BCP 47); with a pattern, the authoritative one",
    )  # fmt: skip
    parser.add_argument(
        "--every-commit", action="store_true", help="one version per commit, not per date line"
    )
    parser.add_argument("--timezone", default="UTC", help="the document's time zone")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the adoption date (default today)")
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)
    parser.set_defaults(run=run)


class Refusal(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def language_tag(text: str) -> str:
    """A BCP 47 tag as kaitei writes it (ja, en, pt-BR); Refusal when it is not one."""
    match = _TAG.fullmatch(text)
    if match is None:
        raise Refusal(
            f"{text!r} is not a language tag",
            "use a BCP 47 tag: a language (en, ja) with an optional region (pt-BR, zh-TW)",
        )
    region = match["region"]
    tag = match["language"].lower() + (f"-{region.upper()}" if region else "")
    problem = language_problem(tag)
    if problem:
        raise Refusal(f"{text!r} {problem}", "use another language tag")
    return tag


def check_doc_id(doc: str) -> None:
    if doc in RESERVED_DOCUMENT_IDS:
        raise Refusal(
            f"'{doc}' is reserved: the site uses it for its own pages",
            "choose another id, e.g. privacy or terms",
        )
    if not DOCUMENT_ID.match(doc):
        raise Refusal(
            f"'{doc}' is not a document id",
            "use lower-case letters, digits and hyphens, e.g. privacy-policy",
        )


def _pattern(text: str) -> re.Pattern[str] | None:
    name = Path(text).name
    if "{lang}" in name:
        head, _, tail = name.partition("{lang}")
        tag = r"(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z]{2})?)"
        return re.compile(re.escape(head) + tag + re.escape(tail).replace(r"\*", ".*"))
    if name.startswith("XX"):
        rest = re.escape(name[2:]).replace(r"\*", ".*")
        return re.compile(r"(?P<lang>[A-Z]{2,3}(?:-[A-Z]{2})?)" + rest)
    return None


def resolve_sources(files: list[Path], langs: list[str]) -> tuple[Path, list[Source]]:
    """The repository and one Source per language, authoritative first; Refusal if unsafe."""
    pattern = _pattern(str(files[0])) if len(files) == 1 else None
    top = repository_top(files[0].parent if pattern else files[0])
    if pattern is not None:
        folder = _inside(top, files[0].parent, files[0])
        found: dict[str, str] = {}
        for path in paths_ever(top, folder):
            if Path(path).parent.as_posix() != (folder or "."):
                continue
            match = pattern.fullmatch(Path(path).name)
            if match:
                found.setdefault(language_tag(match["lang"]), path)
        if not found:
            raise Refusal(f"no file in the history matches {files[0]}", "check the pattern")
        tags = [language_tag(lang) for lang in langs]
        if len(tags) > 1:
            raise Refusal("with a pattern, give --lang once", "name the authoritative language")
        authoritative = tags[0] if tags else (next(iter(found)) if len(found) == 1 else "")
        if authoritative not in found:
            raise Refusal(
                f"the authoritative language {authoritative or '(none given)'} has no file",
                "give --lang with the authoritative language, one of " + ", ".join(sorted(found)),
            )
        order = [authoritative, *sorted(set(found) - {authoritative})]
        return top, [Source(lang, found[lang], (found[lang],)) for lang in order]
    if len(files) != len(langs):
        raise Refusal(
            f"{len(files)} --from-git file(s) but {len(langs)} --lang",
            "give --lang once per --from-git, in the same order (the first is authoritative)",
        )
    sources: list[Source] = []
    for file, lang in zip(files, langs, strict=True):
        tag = language_tag(lang)
        if any(s.lang == tag for s in sources):
            raise Refusal(f"--lang {tag} is given twice", "one file per language")
        rel = _inside(top, file, file)
        sources.append(Source(tag, rel, earlier_names(top, rel)))
    return top, sources


def _inside(top: Path, path: Path, shown: Path) -> str:
    resolved = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        rel = resolved.relative_to(top).as_posix()
    except ValueError:
        raise Refusal(
            f"{shown} is outside the git repository at {top}",
            "give paths inside one repository (all language files of a document)",
        ) from None
    return "" if rel == "." else rel


def _refuse(message: str, hint: str) -> int:
    print(f"kaitei import: error: {message}\n  hint: {hint}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    try:
        check_doc_id(args.doc)
        top, sources = resolve_sources(list(args.from_git), list(args.lang))
    except Refusal as refusal:
        return _refuse(str(refusal), refusal.hint)
    except HistoryUnavailable as error:
        for diagnostic in error.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        return 1
    timeline = read_timeline(top, sources)
    authoritative = sources[0].lang
    if not any(authoritative in s.changed and s.texts[authoritative] for s in timeline.steps):
        return _refuse(
            f"git has no history of {sources[0].path}", "commit the file first, or check the path"
        )
    versions = build_versions(timeline, authoritative, args.timezone, args.every_commit)
    root: Path = args.root
    doc_dir = root / "content" / args.doc
    summary = Summary(
        args.doc, {s.lang: s.path for s in sources}, len(timeline.steps), versions,
        problems=list(timeline.problems),
    )  # fmt: skip
    paths = {s.lang: s.path for s in sources}
    for version in versions:
        for text in version.texts:
            target = doc_dir / version.id / f"{text.lang}.md"
            content = version_file(version, text, paths[text.lang])
            rel = target.relative_to(root).as_posix()
            if target.exists():
                same = target.read_text(encoding="utf-8") == content
                # An imported version is published: it is never rewritten.
                summary.files[(version.id, text.lang)] = FileOutcome(
                    text.lang, rel, "unchanged" if same else "kept"
                )
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(content)
            summary.files[(version.id, text.lang)] = FileOutcome(text.lang, rel, "created")
    settings = doc_dir / "document.yml"
    if settings.exists():
        summary.document_yml = "kept"
    else:
        found = titles(versions)
        languages = [s.lang for s in sources]
        for lang in languages:
            found.setdefault(lang, found.get(authoritative, args.doc))
        adopted = as_of(args.as_of, args.timezone)
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(
            document_file(found, authoritative, languages, args.timezone, adopted), "utf-8"
        )
        summary.document_yml = "created"
    kept = [o for o in summary.files.values() if o.status == "kept"]
    for outcome in kept:
        summary.problems.append(
            f"{outcome.path} exists and differs from the import: kept as it is (a published "
            "version is never rewritten; record a change as an erratum or a new version)"
        )
    if args.format == "json":
        print(summary.as_json())
    else:
        print(summary.as_text())
        print("next: kaitei check, then commit content/ (from that commit on, the imported "
              "versions are published and frozen)")  # fmt: skip
    return 0
