"""Names from the content that become paths: refused unless they are safe to write and read.

Document ids and language codes are folder names of the published site, so they must be
slugs and BCP 47 tags that cannot climb out of it or land on a page kaitei writes itself.
Content files are read only where git keeps them: a symbolic link is stored by git as the
link alone, so the text behind it could change under a published version unnoticed.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from .diagnostics import Collector
from .model import Document

# A BCP 47 tag of the shape kaitei's file names take (`ja.md`, `pt-BR.md`, `zh-Hans.md`):
# a language subtag and at most one script, region or variant subtag.
LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
DOCUMENT_ID = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$")
# Names kaitei writes beside the language folders (root) and beside the documents ({lang}/).
RESERVED_ROOT = frozenset({"api", "assets"})
RESERVED_DOCUMENT_IDS = frozenset(
    {"notices", "feed.xml", "index.html", "sitemap.xml", "api", "assets"}
)


def language_problem(tag: object) -> str | None:
    """Why `tag` cannot be a language of the site, or None when it can."""
    if not isinstance(tag, str) or not LANGUAGE_TAG.match(tag):
        return "is not a language tag"
    if tag in RESERVED_ROOT:
        return f"is a folder kaitei writes itself ({tag}/)"
    return None


def outside_site(relative: str) -> bool:
    """Whether a site-relative file path could land outside the site folder (or nowhere)."""
    parts = relative.split("/")
    return (
        not relative
        or relative.startswith("/")
        or "\\" in relative
        or "\x00" in relative
        or any(part in ("", ".", "..") for part in parts)
    )


def check_document_id(document: Document, out: Collector) -> None:
    """A document's folder name is its id and a folder of the site: a slug, not a page of ours."""
    folder = PurePosixPath(document.settings.path).parent.as_posix()
    if document.id in RESERVED_DOCUMENT_IDS:
        out.add(
            (folder, 1, 1),
            f"the document folder name '{document.id}' is reserved: the site writes its own "
            f"{document.id} there",
            "rename the folder, e.g. to privacy-" + document.id.replace(".", "-"),
            code="document-id-reserved",
        )
    elif not DOCUMENT_ID.match(document.id):
        out.add(
            (folder, 1, 1),
            f"the document folder name {document.id!r} is not a slug",
            "name document folders with lowercase letters, digits and hyphens, e.g. privacy "
            "or terms-of-use: the name is part of every page's address",
            code="document-id-not-slug",
        )


def refuse_link(path: Path, rel: str, out: Collector) -> bool:
    """True (with a diagnostic) when `path`, or a folder on its way, is a symbolic link.

    `rel` is the path relative to the repository as git sees it: the folders of `path` that
    carry its names are checked, up to the repository. Nothing of the target is read, so
    nothing of it (say, a line of /etc/passwd) can appear in a diagnostic.
    """
    parts = PurePosixPath(rel).parts
    current, link, depth = path, None, 0
    for depth, part in enumerate(reversed(parts), start=1):
        if current.name != part:
            # A copy laid out elsewhere (a committed blob in a temporary folder): only its
            # own name is the repository's.
            depth -= 1
            break
        if current.is_symlink():
            link, link_depth = current, depth
        current = current.parent
    if link is None:
        return False
    link_rel = "/".join(parts[: len(parts) - link_depth + 1])
    outside = False
    if depth == len(parts):  # `current` is the repository
        try:
            outside = not path.resolve().is_relative_to(current.resolve())
        except (OSError, RuntimeError):  # a loop of links
            outside = False
    out.add(
        (rel, 1, 1),
        f"'{link_rel}' is a symbolic link"
        + (" to a file outside the repository" if outside else "")
        + "; content files are read only where git keeps them",
        "replace the link by the file itself (git stores only the link, so a change to its "
        "target would be published unnoticed)",
        code="symlink",
    )
    return True
