"""The content files of an imported document: one `<lang>.md` per version, and document.yml.

Where a version came from is written as YAML comments at the top of its front matter (the
commit, how it was dated, what changed after publication), so the record stays in git beside
the text. Nothing is invented: no `announced` date, no `change` level, no `summary` unless the
source states them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from .versions import ImportedText, ImportedVersion


def dated_how(version: ImportedVersion) -> str:
    """How a version got its date, in one line (the summary and the file say it alike)."""
    dated = version.dated
    if dated is None:
        return f"dated by commit {version.first.short}: no date line"
    if dated.how == "front matter":
        return f"dated by its front matter ({dated.text})"
    return f"dated by its {dated.how}, line {dated.line}: {dated.text}"


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same erratum date twice is written twice, not as &id001 / *id001


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def version_file(version: ImportedVersion, text: ImportedText, source_path: str) -> str:
    commit = text.published
    comments = [
        f"Imported by kaitei from {source_path} at commit {commit.sha}",
        f"({commit.author}, {commit.committed.date().isoformat()}): the first main-line commit "
        "with this text under this date.",
    ]
    if text.lang == version.texts[0].lang:
        how = dated_how(version)
        comments.append(how[0].upper() + how[1:] + ".")
        comments.append(
            "'change' and 'summary' are not set: the source does not say how material this "
            "revision was."
        )
        for went_back, date in version.earlier_dates:
            comments.append(
                f"Commit {went_back.short} gave the earlier date {date}; its text is kept "
                "here as a change after publication."
            )
    if text.later:
        comments.append("Changed after publication without a new date (not errata):")
        comments += [
            f"  commit {c.commit.short} ({c.commit.committed.date().isoformat()}): {c.why}"
            for c in text.later
        ]
    if text.text.front_dropped:
        comments.append(f"The source's front matter was dropped: {text.text.front_dropped}.")
    meta: dict[str, Any] = {"effective": version.effective}
    if text.translates is not None:
        meta["translates"] = dt.date.fromisoformat(text.translates)
    if text.errata:
        meta["errata"] = [
            {
                "date": e.date,
                "reason": f"changed in the source by commit {e.commit.short} without a new date",
                "before": e.before,
                "after": e.after,
            }
            for e in text.errata
        ]
    if text.text.front:
        meta["source"] = text.text.front
    header = "".join(f"# {line}\n" for line in comments)
    body = text.text.body
    return "---\n" + header + _dump(meta) + "---\n\n" + body.rstrip("\n") + "\n"


def document_file(
    titles: dict[str, str], authoritative: str, languages: list[str], timezone: str,
    adopted: dt.date,
) -> str:  # fmt: skip
    data: dict[str, Any] = {
        "titles": {lang: titles[lang] for lang in languages if lang in titles},
        "authoritative": authoritative,
        "languages": languages,
        "timezone": timezone,
        # The adoption date: versions up to it are imported history, checked by the rules
        # that applied when they were written (see kaitei/check.py).
        "imported": adopted,
    }
    return _dump(data)
