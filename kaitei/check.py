"""Checks across files: numbering, alignment of translations, dates, front matter rules.

Per-file problems (syntax, numbering inside an article, references) are found while parsing;
this module adds what needs a whole version or a whole document. Later pipeline stages
(classify, provenance) contribute their own checks through `EXTRA_CHECKS`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Collector, Diagnostic
from .diff.changeset import ChangeSet, DiffCache, changesets
from .load import load_site
from .model import (
    BulletList,
    Document,
    Item,
    LanguageText,
    Paragraph,
    Site,
    Span,
    Table,
    Version,
    walk_items,
)
from .pathsafety import check_document_id
from .read.sitelinks import check_site_links
from .site.languages import catalogue_for

CheckFn = Callable[[Site, Collector, "CheckOptions"], None]
# The ChangeSets of two versions of a document, by language (kaitei.diff.changeset.changesets).
Changes = Callable[[Document, Version, Version], Mapping[str, ChangeSet]]
DocumentCheckFn = Callable[[Document, Collector, "CheckOptions", Changes], None]


@dataclass(frozen=True, slots=True)
class CheckOptions:
    root: Path
    as_of: dt.date
    strict: bool = False


EXTRA_CHECKS: list[CheckFn] = []
# Checks of one document's versions against each other, which diff them. They see one
# document at a time and take its ChangeSets from `changes`: `kaitei build` runs them in the
# process that makes the document's diff pages, on the same ChangeSets (diffing is most of
# what a check costs).
DOCUMENT_CHECKS: list[DocumentCheckFn] = []


def register(check: CheckFn) -> CheckFn:
    """Add a site-wide check (used by later pipeline stages)."""
    EXTRA_CHECKS.append(check)
    return check


def register_document_check(check: DocumentCheckFn) -> DocumentCheckFn:
    """Add a check of one document's versions (see DOCUMENT_CHECKS)."""
    DOCUMENT_CHECKS.append(check)
    return check


def diffed_once() -> Changes:
    """ChangeSets made on first use and kept: every document check of one document shares
    them (each pair of versions is diffed once, in all its languages)."""
    diffs = DiffCache()  # each text is the new side of one diff and the old of the next
    made: dict[tuple[str, str, str], Mapping[str, ChangeSet]] = {}

    def changes(document: Document, old: Version, new: Version) -> Mapping[str, ChangeSet]:
        key = (document.id, old.id, new.id)
        if key not in made:
            made[key] = changesets(document, old.id, new.id, diffs)
        return made[key]

    return changes


def check_versions(
    document: Document, out: Collector, options: CheckOptions, changes: Changes | None = None
) -> None:
    """Every document check of one document (`changes`: where its ChangeSets come from)."""
    load_check_modules()
    shared = changes or diffed_once()
    for check in DOCUMENT_CHECKS:
        check(document, out, options, shared)


# Later stages that contribute checks; imported on first use because they import this module.
CHECK_MODULES = ("kaitei.classify", "kaitei.immutability")


def load_check_modules() -> None:
    """Import the modules that register checks (they import this one)."""
    for name in CHECK_MODULES:
        importlib.import_module(name)


def check_site(
    root: Path, as_of: dt.date, strict: bool = False, *, workers: int = 1
) -> tuple[Site, list[Diagnostic]]:
    """Load and check the site; `workers` > 1 loads a large one on that many cores."""
    site, _, finish = start_check(root, as_of, strict, workers=workers)
    return site, finish()


class Finish:
    """The checks still to run once the site is loaded (see `start_check`)."""

    def __init__(self, site: Site, out: Collector, options: CheckOptions) -> None:
        self.site, self.out, self.options = site, out, options

    def __call__(self, documents: bool = True) -> list[Diagnostic]:
        """Run every check; return every diagnostic, loading's included, sorted.

        `documents=False` leaves out the checks of each document (`document`): the caller
        runs them and passes their diagnostics to `result`."""
        site, out, options = self.site, self.out, self.options
        if documents:
            for document in site.documents:
                check_one(site, document, out, options)
        for extra in EXTRA_CHECKS:
            extra(site, out, options)
        check_translates(site, out)
        check_catalogues(site, options.root, out)
        return self.result()

    def result(self, more: Iterable[Diagnostic] = ()) -> list[Diagnostic]:
        """Every diagnostic found so far, and `more` (the document checks run elsewhere)."""
        return imported_history(self.site, sorted(set(self.out.items).union(more)))

    def document(
        self,
        document: Document,
        changes: Changes,
        site: Site | None = None,
        sources: Collector | None = None,
    ) -> list[Diagnostic]:
        """The checks of one document, with its ChangeSets from `changes` (`result` adds
        them to the rest). Its links resolve in `site` (by default the loaded one), which
        must hold in whole the documents they point at; the lines quoted are those of the
        files `sources` read (by default those loading read)."""
        out = Collector()
        out.share_sources(sources or self.out)  # the offending lines the diagnostics quote
        check_one(site or self.site, document, out, self.options, changes)
        return out.items


def check_one(
    site: Site,
    document: Document,
    out: Collector,
    options: CheckOptions,
    changes: Changes | None = None,
) -> None:
    """Every check that looks at one document of `site` (the document checks among them)."""
    check_document(document, out)
    check_versions(document, out, options, changes)
    check_site_links(site, out, options.as_of, sources=(document,))


def start_check(
    root: Path, as_of: dt.date, strict: bool = False, *, workers: int = 1
) -> tuple[Site, bool, Finish]:
    """Load the site (`workers`: see kaitei.loadpool); return it, whether loading found no
    error, and the function that runs every check and returns all diagnostics (`kaitei
    build` generates pages meanwhile)."""
    load_check_modules()
    out = Collector()
    site = load_site(root, out, workers=workers)
    loaded_cleanly = not any(d.severity == "error" for d in out.items)
    return site, loaded_cleanly, Finish(site, out, CheckOptions(root, as_of, strict))


def check_catalogues(site: Site, root: Path, out: Collector) -> None:
    """One warning per language that no UI catalogue serves: its pages use English UI strings.

    Not an error: the policy text is the content and is published as written; only the
    site's own words (headings, dates, banners) are missing in that language.
    """
    warned: set[str] = set()
    for document in site.documents:
        for lang in document.settings.languages:
            if lang in warned or catalogue_for(lang) is not None:
                continue
            warned.add(lang)
            out.add(
                _declaration(root, document.settings.path, lang),
                f"no UI catalogue for the language '{lang}' (kaitei/i18n/{lang}.yml): its "
                "pages are built with the English UI strings",
                f"the policy text in '{lang}' is published as written; to translate the site's "
                f"own words, copy kaitei/i18n/en.yml to kaitei/i18n/{lang}.yml and translate "
                "every value (see 'Languages' in docs/format.md)",
                code="no-catalogue",
                severity="warning",
            )


def _declaration(root: Path, path: str, lang: str) -> tuple[str, int, int]:
    """Where document.yml names `lang`: the `languages:` line and the tag's column on it."""
    try:
        lines = (root / path).read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return (path, 1, 1)
    tag = re.compile(rf"(?<![\w-]){re.escape(lang)}(?![\w-])")
    start = next((n for n, line in enumerate(lines) if line.startswith("languages:")), None)
    if start is None:
        return (path, 1, 1)
    # The list may run on over indented lines or a block sequence (`- fr`).
    for n in range(start, len(lines)):
        if n > start and lines[n][:1] not in (" ", "\t", "-"):
            break
        found = tag.search(lines[n].split("#")[0])
        if found:
            return (path, n + 1, found.start() + 1)
    return (path, start + 1, 1)


def check_document(document: Document, out: Collector) -> None:
    check_document_id(document, out)
    for index, version in enumerate(document.versions):
        for text in version.texts:
            check_article_numbers(text, out)
            check_closing(text, out)
        check_front_matter(document, version, first=index == 0, out=out)
        authoritative = version.text(document.settings.authoritative)
        if authoritative is None:
            continue
        for text in version.texts:
            if text is authoritative:
                continue
            # A stale translation is aligned with the version it translates, not this one.
            translated = translated_version(document, version, text)
            master = translated.text(document.settings.authoritative) if translated else None
            if master is not None:
                check_alignment(master, text, out)


def check_article_numbers(text: LanguageText, out: Collector) -> None:
    previous = None
    for article in text.articles:
        number = article.number
        if number is None:
            continue
        if previous is not None:
            continues_branch = number.main == previous.main and number.branch == (
                (previous.branch[0] + 1,) if previous.branch else (2,)
            )
            follows = number.main == previous.main + 1 and not number.branch
            if not (continues_branch or follows):
                what = "repeats" if number == previous else "does not follow"
                out.add(
                    article.span,
                    f"'{article.heading}' {what} the article before it "
                    f"(expected article {previous.main + 1})",
                    "number articles 1, 2, 3 … in order; an article inserted later is "
                    "第4条の2 / Article 4-2, and a removed one stays as '第5条　削除'",
                    code="article-numbering",
                )
        elif number.main != 1 or number.branch:
            out.add(
                article.span,
                f"the first article is '{article.heading}'",
                "the first article is 第1条 / Article 1",
                code="article-numbering",
            )
        previous = number


def check_closing(text: LanguageText, out: Collector) -> None:
    dated = [c for c in text.closing if c.date is not None]
    if dated and dated[-1].date != text.meta.effective:
        out.add(
            dated[-1].text.span,
            f"the last date in the closing lines ({dated[-1].date}) is not the effective date "
            f"({text.meta.effective})",
            "add the revision line for this version, e.g. '2020 年 10 月 1 日 改定'",
            code="closing-date",
            severity="warning",
        )


def check_front_matter(
    document: Document, version: Version, *, first: bool, out: Collector
) -> None:
    authoritative = version.text(document.settings.authoritative)
    for text in version.texts:
        meta = text.meta
        where = Span(text.path, meta.span.line, 1)
        if not first and not meta.summary:
            out.add(
                where,
                "the front matter has no 'summary' of what changed",
                "add 'summary:' with one or two sentences in this file's language; "
                "readers and the notices show it",
                code="frontmatter-missing-key",
            )
        if text is authoritative:
            if meta.announced is not None and meta.announced > meta.effective:
                out.add(
                    Span(text.path, meta.line_of("announced"), 1),
                    f"announced ({meta.announced}) is after effective ({meta.effective})",
                    "a change is announced before it takes effect",
                    code="announced-after-effective",
                )
        elif authoritative is not None:
            theirs, ours = authoritative.meta, meta
            for key in ("change", "announced"):
                mine, master = getattr(ours, key), getattr(theirs, key)
                if mine is not None and mine != master:
                    out.add(
                        Span(text.path, meta.line_of(key), 1),
                        f"'{key}' here ({mine}) differs from {authoritative.path} ({master})",
                        f"set '{key}' only in the authoritative file, {authoritative.path}",
                        code="frontmatter-conflict",
                    )


# --- alignment of a translation with the authoritative text -----------------------------


def _units(text: LanguageText) -> Iterator[tuple[str, Span, str]]:
    """(anchor, span, description) for every unit that must have a counterpart."""
    for article in text.articles:
        yield article.id, article.span, "article"
        for para in article.paragraphs:
            yield from _para_units(para)


def _para_units(para: Paragraph) -> Iterator[tuple[str, Span, str]]:
    yield para.id, para.span, "paragraph"
    for block in para.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                yield row.id, row.span, "table row"
    for item in walk_items(para.items):
        yield item.id, item.span, "item" if item.depth == 1 else "sub-item"


def _bullet_shape(text: LanguageText) -> dict[str, tuple[Span, tuple[int, ...]]]:
    shapes: dict[str, tuple[Span, tuple[int, ...]]] = {}
    for article in text.articles:
        for para in article.paragraphs:
            owners: list[Paragraph | Item] = [para, *walk_items(para.items)]
            for owner in owners:
                for block in owner.blocks:
                    if isinstance(block, Table):
                        for row in block.rows:
                            shapes[row.id] = (row.span, tuple(len(c.bullets) for c in row.cells))
                    elif isinstance(block, BulletList):
                        shapes[f"{owner.id}-list"] = (block.span, (len(block.items),))
    return shapes


def check_alignment(master: LanguageText, translation: LanguageText, out: Collector) -> None:
    ours = {anchor: (span, kind) for anchor, span, kind in _units(master)}
    theirs = {anchor: (span, kind) for anchor, span, kind in _units(translation)}
    for anchor, (span, kind) in ours.items():
        if anchor not in theirs:
            article = translation.article_containing(anchor)
            where = article.span if article else Span(translation.path, 1, 1)
            out.add(
                where,
                f"the {kind} '{anchor}' of {master.path} (line {span.line}) has no counterpart "
                "in this translation",
                "translate it in the same place, with the same number",
                code="alignment-missing",
            )
    for anchor, (span, kind) in theirs.items():
        if anchor not in ours:
            out.add(
                span,
                f"this {kind} ('{anchor}') has no counterpart in {master.path}",
                "a translation has the same articles, paragraphs, items and rows as the "
                "authoritative text; remove it or add it there first",
                code="alignment-extra",
            )
    master_shapes = _bullet_shape(master)
    for anchor, (span, shape) in _bullet_shape(translation).items():
        if anchor in master_shapes and master_shapes[anchor][1] != shape:
            out.add(
                span,
                f"the bullets of '{anchor}' differ in number from {master.path} "
                f"(line {master_shapes[anchor][0].line}): {list(shape)} here, "
                f"{list(master_shapes[anchor][1])} there",
                "translate bullet by bullet (each starts with ・ or •)",
                code="alignment-bullets",
            )


# --- translations that lag behind, and imported history ---------------------------------


def translated_version(document: Document, version: Version, text: LanguageText) -> Version | None:
    """The version a translation translates: its `translates:`, else the one it sits in."""
    wanted = text.meta.translates
    if wanted is None:
        return version
    return next((v for v in document.versions if v.effective == wanted), None)


def check_translates(site: Site, out: Collector) -> None:
    """`translates:` names an earlier version; a stale translation is warned about once."""
    for document in site.documents:
        stale: dict[tuple[str, dt.date], list[tuple[Version, LanguageText]]] = {}
        for version in document.versions:
            for text in version.texts:
                wanted = text.meta.translates
                if wanted is None or wanted == version.effective:
                    continue
                where = Span(text.path, text.meta.line_of("translates"), 1)
                if text.lang == document.settings.authoritative:
                    out.add(
                        where,
                        "'translates' is set in the authoritative text",
                        "only a translation names the authoritative version it translates: "
                        "remove it here",
                        code="translates-bad",
                    )
                elif (
                    translated_version(document, version, text) is None
                    or wanted > version.effective
                ):
                    out.add(
                        where,
                        f"'translates: {wanted}' names no earlier version of '{document.id}'",
                        "give the effective date of the authoritative version this text "
                        "translates (one of the version folders before this one)",
                        code="translates-bad",
                    )
                else:
                    stale.setdefault((text.lang, wanted), []).append((version, text))
        for (lang, wanted), found in sorted(stale.items()):
            last_version, last_text = found[-1]
            beside = (
                found[0][0].id
                if len(found) == 1
                else f"{len(found)} versions, {found[0][0].id} to {last_version.id}"
            )
            out.add(
                Span(last_text.path, last_text.meta.line_of("translates"), 1),
                f"the {lang} translation is stale: it translates version {wanted}, "
                f"not the version it sits beside ({beside})",
                f"translate version {last_version.id} and remove 'translates:'; until then "
                "its pages say which version they translate",
                code="translation-stale",
                severity="warning",
            )


# Rules that did not exist when an imported text was written: a revision made years before
# the site adopted kaitei did not give notice through it, declare a level, or summarise
# itself, and a translation dropped then cannot be added now. Nor was a translation of then
# written clause by clause against kaitei's alignment: it is reported as stale instead.
_NOT_RETROACTIVE = (
    "notice-period",
    "change-level-undeclared",
    "missing-translation",
    "alignment-missing",
    "alignment-extra",
    "alignment-bullets",
)


def imported_history(site: Site, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics without those that hold imported history to later rules, plus one note."""
    history: dict[str, bool] = {}  # imported version folder → is it the one in force then
    notes: list[Diagnostic] = []
    for document in site.documents:
        adopted = document.settings.imported
        if adopted is None:
            continue
        imported = [v for v in document.versions if v.effective <= adopted]
        for version in imported:
            history[version.path] = version is imported[-1]
        notes.append(
            Diagnostic(
                document.settings.path,
                1,
                1,
                f"'{document.id}' was imported from git history on {adopted}: its "
                f"{len(imported)} earlier version(s) are not held to rules that did not exist "
                "when they were written (notice period, declared change level, summary, "
                f"missing translations); from {adopted} on, every rule applies",
                severity="note",
                code="imported-history",
            )
        )

    def exempt(diagnostic: Diagnostic) -> bool:
        folder = (
            diagnostic.path if diagnostic.path in history else diagnostic.path.rsplit("/", 1)[0]
        )
        if folder not in history or not _not_retroactive(diagnostic):
            return False
        # The version in force at adoption still owes its readers a missing translation.
        return not (history[folder] and diagnostic.code == "missing-translation")

    return sorted([d for d in diagnostics if not exempt(d)] + notes)


def _not_retroactive(diagnostic: Diagnostic) -> bool:
    if diagnostic.code == "frontmatter-missing-key":
        return "'change'" in diagnostic.message or "'summary'" in diagnostic.message
    return diagnostic.code in _NOT_RETROACTIVE
