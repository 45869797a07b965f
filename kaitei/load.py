"""Read `content/`: files → documents, versions and language texts, with diagnostics."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from . import cache, loadpool
from .diagnostics import Collector, Diagnostic
from .frontmatter import (
    load_mapping,
    parse_document_settings,
    parse_front_matter,
    split_front_matter,
)
from .model import Document, DocumentSettings, LanguageText, Site, Version
from .pathsafety import refuse_link
from .read.body import parse_body

MAX_FILE_BYTES = 1_000_000  # a policy is tens of kilobytes; a megabyte is a mistake
_VERSION_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LANG_FILE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?\.md$")


def read_text(path: Path, rel: str, out: Collector) -> str | None:
    """Decode a content file: BOM and CRLF accepted (warned), non-UTF-8 refused with the offset."""
    if refuse_link(path, rel, out):
        return None
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        out.add(
            (rel, 1, 1),
            f"the file is {len(data) / 1_000_000:.1f} MB; content files over "
            f"{MAX_FILE_BYTES // 1_000_000} MB are refused",
            "a policy text is normally well under 100 kB: check that this is the right file",
            code="file-too-large",
        )
        return None
    if not data.strip():
        out.add(
            (rel, 1, 1),
            "the file is empty",
            "write the front matter and the text, or delete the file",
            code="empty-file",
        )
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        out.add(
            (rel, 1, 1),
            "the file starts with a byte-order mark (BOM); it was ignored",
            "save the file as 'UTF-8' rather than 'UTF-8 with BOM'",
            code="bom",
            severity="warning",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        out.add(
            (rel, line, column),
            f"the file is not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}",
            "save the file as UTF-8 (in most editors: 'Save with encoding' → UTF-8); "
            "Shift_JIS files must be converted",
            code="not-utf8",
        )
        return None
    if "\r" in text:
        out.add(
            (rel, 1, 1),
            "the file has Windows (CRLF) line endings; they were read as plain line ends",
            "set your editor to save with LF line endings (a .gitattributes with "
            "'*.md text eol=lf' does it for everyone)",
            code="crlf",
            severity="warning",
        )
        # Only line terminators: a lone CR would otherwise shift line numbers.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    out.register_source(rel, text)
    return text


def load_language_text(
    path: Path,
    rel: str,
    lang: str,
    out: Collector,
    *,
    authoritative: bool = True,
    ids_of: LanguageText | None = None,
) -> LanguageText | None:
    text = read_text(path, rel, out)
    if text is None:
        return None
    store = cache.current()
    if store is None:
        return _parse_language_text(text, rel, lang, out, authoritative, ids_of)
    # A translation takes its ids from the authoritative text: its key includes that text's.
    master = store.text_key(ids_of) if ids_of is not None else ""
    if master is None:  # the authoritative text came from elsewhere: nothing to key on
        return _parse_language_text(text, rel, lang, out, authoritative, ids_of)
    role = "authoritative" if authoritative else "translation"
    key = store.key("text", rel, lang, role, master, text)
    parsed = store.get("text", key, ParsedText)
    if parsed is None:
        mark = len(out.items)
        result = _parse_language_text(text, rel, lang, out, authoritative, ids_of)
        parsed = ParsedText(result, tuple(out.items[mark:]))
        store.put("text", key, parsed)
    else:
        out.extend(parsed.diagnostics)
    if parsed.text is not None:
        store.remember_text(parsed.text, key)
    return parsed.text


@dataclass(frozen=True, slots=True)
class ParsedText:
    """A cached parse: the text (None when it failed) and the problems the parse reported."""

    text: LanguageText | None
    diagnostics: tuple[Diagnostic, ...]


def _parse_language_text(
    text: str,
    rel: str,
    lang: str,
    out: Collector,
    authoritative: bool,
    ids_of: LanguageText | None,
) -> LanguageText | None:
    """Front matter and body of one decoded file; a pure function of its arguments (cached)."""
    front, front_line, body, body_line = split_front_matter(text)
    if front is None:
        out.add(
            (rel, 1, 1),
            "the file has no front matter",
            "start the file with '---', then 'effective: YYYY-MM-DD' and the other fields, "
            "then '---' (see content/README.md)",
            code="frontmatter-missing",
        )
        return None
    data = load_mapping(front, rel, front_line, out)
    if data is None:
        return None
    meta = parse_front_matter(data, rel, front_line, out, authoritative=authoritative)
    if meta is None:
        return None
    return parse_body(body, body_line, rel, lang, meta, text, out, ids_of=ids_of)


def load_settings(doc_dir: Path, rel: str, out: Collector) -> DocumentSettings | None:
    path = doc_dir / "document.yml"
    rel_path = f"{rel}/document.yml"
    if not path.is_file():
        out.add(
            (rel, 1, 1),
            f"the document folder '{rel}' has no document.yml",
            "add document.yml with the titles per language and the authoritative language",
            code="document-missing",
        )
        return None
    text = read_text(path, rel_path, out)
    if text is None:
        return None
    data = load_mapping(text, rel_path, 1, out)
    return parse_document_settings(data, rel_path, out) if data is not None else None


def load_document(doc_dir: Path, root: Path, out: Collector) -> Document | None:
    rel = doc_dir.relative_to(root).as_posix()
    settings = load_settings(doc_dir, rel, out)
    if settings is None:
        return None
    versions = []
    version_dirs = sorted(p for p in doc_dir.iterdir() if p.is_dir())
    for version_dir in version_dirs:
        version = load_version(version_dir, root, settings, out)
        if version is not None:
            versions.append(version)
    if not version_dirs:
        out.add(
            (rel, 1, 1),
            f"the document '{doc_dir.name}' has no versions",
            "add a folder named by the effective date, e.g. 2020-10-01/, with ja.md inside",
            code="no-versions",
        )
    return Document(doc_dir.name, settings, tuple(versions))


def load_version(
    version_dir: Path, root: Path, settings: DocumentSettings, out: Collector
) -> Version | None:
    rel = version_dir.relative_to(root).as_posix()
    name = version_dir.name
    effective: dt.date | None = None
    if _VERSION_DIR.match(name):
        try:
            effective = dt.date.fromisoformat(name)
        except ValueError:
            effective = None
    if effective is None:
        out.add(
            (rel, 1, 1),
            f"the version folder '{name}' is not a date",
            "name each version's folder by its effective date, YYYY-MM-DD",
            code="version-folder-name",
        )
        return None
    texts = []
    # The authoritative text first: a translation takes its section ids (kaitei.read.freeze).
    first = settings.authoritative
    master: LanguageText | None = None
    for file in sorted(version_dir.iterdir(), key=lambda f: (f.stem != first, f.name)):
        if file.is_dir() or file.name.startswith("."):
            continue
        file_rel = file.relative_to(root).as_posix()
        if not _LANG_FILE.match(file.name) or file.stem not in settings.languages:
            out.add(
                (file_rel, 1, 1),
                f"unexpected file '{file.name}' in a version folder",
                "a version folder holds one <language>.md per language of the document: "
                + ", ".join(f"{lang}.md" for lang in settings.languages),
                code="unexpected-file",
            )
            continue
        lt = load_language_text(
            file,
            file_rel,
            file.stem,
            out,
            authoritative=file.stem == first,
            ids_of=master,
        )
        if lt is None:
            continue
        if file.stem == first:
            master = lt
        if lt.meta.effective != effective:
            out.add(
                (file_rel, lt.meta.line_of("effective"), 1),
                f"the effective date {lt.meta.effective} differs from the folder name {name}",
                "the folder name is the version's effective date: make them the same",
                code="effective-mismatch",
            )
        texts.append(lt)
    present = {t.lang for t in texts}
    authoritative = settings.authoritative
    if not (version_dir / f"{authoritative}.md").exists():
        out.add(
            (rel, 1, 1),
            f"the version folder '{rel}' has no {authoritative}.md",
            f"{authoritative} is the authoritative language: every version needs its text",
            code="missing-authoritative",
        )
        return None
    for lang in settings.languages:
        if lang not in present and not (version_dir / f"{lang}.md").exists():
            out.add(
                (rel, 1, 1),
                f"the version {name} has no {lang} translation ({lang}.md)",
                f"add {rel}/{lang}.md; until then readers see a 'not available' page",
                code="missing-translation",
                # A translation may follow the authoritative text: the site says so plainly
                # rather than refusing to publish (`--strict` still fails on it).
                severity="warning",
            )
    if authoritative not in present:
        return None
    ordered = sorted(texts, key=lambda t: settings.languages.index(t.lang))
    return Version(name, effective, tuple(ordered), rel)


def content_dir(root: Path) -> Path:
    return root / "content"


def document_dirs(root: Path) -> list[Path]:
    """The folders of content/ that hold a document each, in the site's order."""
    content = content_dir(root)
    if not content.is_dir():
        return []
    return sorted(p for p in content.iterdir() if p.is_dir() and not p.name.startswith("."))


def load_site(root: Path, out: Collector, *, workers: int = 1) -> Site:
    """Load every document under `root/content`; problems go to `out`, never raised.

    With `workers` > 1, a large site's documents are loaded by that many processes, this one
    and forked ones (kaitei.loadpool): the same Site, diagnostics and cache state as a serial
    load."""
    content = content_dir(root)
    if not content.is_dir():
        out.add(
            ("content", 1, 1),
            f"there is no content folder at {content}",
            "run kaitei in the site repository (where mkdocs.yml is), or `kaitei init`",
            code="no-content",
        )
        return Site(str(root), ())
    doc_dirs = document_dirs(root)
    if loadpool.usable(doc_dirs, workers):
        documents = loadpool.load_documents(load_document, doc_dirs, root, out, workers)
    else:
        documents = []
        for doc_dir in doc_dirs:
            with loadpool.gc_paused():
                documents.append(load_document(doc_dir, root, out))
    return Site(str(root), tuple(d for d in documents if d is not None))
