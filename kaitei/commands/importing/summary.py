"""What an import did, as text or JSON: versions, how each was dated, errata, stale
translations, changes after publication and everything set aside."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .versions import ImportedVersion
from .write import dated_how


@dataclass(slots=True)
class FileOutcome:
    lang: str
    path: str  # relative to the site root
    status: str  # "created", "unchanged" (already there, identical) or "kept" (differs)


@dataclass(slots=True)
class Summary:
    document: str
    sources: dict[str, str]  # lang → path in the source repository
    commits: int
    versions: list[ImportedVersion]
    files: dict[tuple[str, str], FileOutcome] = field(default_factory=dict)  # (version, lang)
    document_yml: str = ""  # "created" or "kept"
    problems: list[str] = field(default_factory=list)

    def as_data(self) -> dict[str, Any]:
        versions = []
        for version in self.versions:
            texts = []
            for text in version.texts:
                outcome = self.files.get((version.id, text.lang))
                texts.append(
                    {
                        "lang": text.lang,
                        "path": outcome.path if outcome else None,
                        "status": outcome.status if outcome else None,
                        "commit": text.published.sha,
                        "text_from": text.last_change.sha,  # the commit whose text it is
                        "translates": text.translates,
                        "stale": text.translates is not None and text.translates != version.id,
                        "errata": [
                            {
                                "date": e.date.isoformat(),
                                "commit": e.commit.sha,
                                "before": e.before,
                                "after": e.after,
                            }
                            for e in text.errata
                        ],
                        "changed_after_publication": [
                            {
                                "commit": c.commit.sha,
                                "date": c.commit.committed.date().isoformat(),
                                "why": c.why,
                            }
                            for c in text.later
                        ],
                        "set_aside": [
                            {"line": s.line, "end_line": s.end_line, "what": s.what, "text": s.text}
                            for s in text.text.set_aside
                        ],
                        "source_front_matter": (
                            "kept under source:"
                            if text.text.front
                            else text.text.front_dropped or "none"
                        ),
                    }
                )
            versions.append(
                {
                    "id": version.id,
                    "dated_by": version.dated.how if version.dated else "commit",
                    "dated": dated_how(version),
                    "commit": version.first.sha,
                    "texts": texts,
                }
            )
        return {
            "document": self.document,
            "sources": self.sources,
            "commits_read": self.commits,
            "versions": versions,
            "totals": self.totals(),
            "document_yml": self.document_yml,
            "problems": self.problems,
        }

    def totals(self) -> dict[str, int]:
        texts = [(v, t) for v in self.versions for t in v.texts]
        statuses = [o.status for o in self.files.values()]
        return {
            "versions": len(self.versions),
            "dated_by_commit": sum(v.dated is None for v in self.versions),
            "files_created": statuses.count("created"),
            "files_unchanged": statuses.count("unchanged"),
            "files_kept": statuses.count("kept"),
            "errata": sum(len(t.errata) for _, t in texts),
            "changed_after_publication": sum(len(t.later) for _, t in texts),
            "stale_translations": sum(
                t.translates is not None and t.translates != v.id for v, t in texts
            ),
            "set_aside": sum(len(t.text.set_aside) for _, t in texts),
        }

    def as_json(self) -> str:
        return json.dumps(self.as_data(), ensure_ascii=False, indent=2, sort_keys=True)

    def as_text(self) -> str:
        lines = []
        for version in self.versions:
            lines.append(f"{version.id}: {dated_how(version)}")
            for text in version.texts:
                outcome = self.files.get((version.id, text.lang))
                where = f"{outcome.status} {outcome.path}" if outcome else text.lang
                stale = (
                    f" (stale: translates {text.translates})"
                    if text.translates is not None and text.translates != version.id
                    else ""
                )
                lines.append(f"  {where}{stale}")
                for erratum in text.errata:
                    lines.append(
                        f"    erratum {erratum.date} (commit {erratum.commit.short}): "
                        f"{_short(erratum.before)!r} → {_short(erratum.after)!r}"
                    )
                for change in text.later:
                    lines.append(
                        f"    changed after publication without a new date: commit "
                        f"{change.commit.short} ({change.commit.committed.date()}): {change.why}"
                    )
                for removed in text.text.set_aside:
                    lines.append(
                        f"    set aside {removed.what} (source lines {removed.line}–"
                        f"{removed.end_line}): not policy text"
                    )
                if text.text.front_dropped:
                    lines.append(f"    source front matter dropped: {text.text.front_dropped}")
        totals = self.totals()
        lines.append(
            f"{totals['versions']} version(s) from {self.commits} commit(s) "
            f"({totals['dated_by_commit']} dated by commit); {totals['files_created']} file(s) "
            f"created, {totals['files_unchanged']} already there, {totals['files_kept']} kept "
            f"as they are; {totals['errata']} erratum/errata; "
            f"{totals['changed_after_publication']} change(s) after publication without a new "
            f"date; {totals['stale_translations']} stale translation file(s); "
            f"{totals['set_aside']} piece(s) of markup set aside"
        )
        lines += [f"warning: {problem}" for problem in self.problems]
        return "\n".join(lines)


def _short(text: str, keep: int = 60) -> str:
    return text if len(text) <= keep else text[: keep - 1] + "…"
