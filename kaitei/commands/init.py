"""`kaitei init [DIR]`: start a site repository that builds, checks and publishes as shipped.

The files come from kaitei/scaffold/ (stored without leading dots, so that packaging and
editors do not hide them). Nothing is overwritten: if any target exists, nothing is written.

`--lang` chooses the languages, authoritative first: `--lang en` is an English-only site,
`--lang en,ja` an English site with a Japanese translation, the default `ja,en` the reverse.
`--timezone` sets the zone effective dates are read in, and the publish workflow's schedule
with it. `--no-starter` leaves out the starter document, for a site that `kaitei import` fills.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from importlib import metadata, resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import as_of

# (file in kaitei/scaffold, where it goes); VERSION in a path is the starter's effective date.
FILES = (
    ("mkdocs.yml", "mkdocs.yml"),
    ("requirements.txt", "requirements.txt"),
    ("README.md", "README.md"),
    ("gitignore", ".gitignore"),
    ("gitattributes", ".gitattributes"),
    ("docs/gitkeep", "docs/.gitkeep"),
    ("github/workflows/check.yml", ".github/workflows/check.yml"),
    ("github/workflows/publish.yml", ".github/workflows/publish.yml"),
    ("theme/site.yml", "theme/site.yml"),
    ("theme/css/custom.css", "theme/css/custom.css"),
)
STARTER_DOCUMENT = "content/privacy/document.yml"
STARTER_LANGUAGES = ("ja", "en")  # the starter policy is written in these
STARTER_TEXT = "content/privacy/VERSION/{lang}.md"
EMPTY_CONTENT = "content/.gitkeep"  # no starter: content/ exists, empty
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("init", help="start a new site repository")
    parser.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="the starter version's effective date"
    )
    parser.add_argument(
        "--lang", default="ja,en", metavar="L[,L…]",
        help="the site's languages, authoritative first (default ja,en; en for English only)",
    )  # fmt: skip
    parser.add_argument(
        "--timezone", metavar="ZONE",
        help="the zone effective dates are read in (default Asia/Tokyo for ja, else UTC)",
    )  # fmt: skip
    parser.add_argument(
        "--no-starter", action="store_true",
        help="no starter document (for a site that kaitei import fills)",
    )  # fmt: skip
    parser.set_defaults(run=run)


def kaitei_version() -> str:
    try:
        return metadata.version("kaitei")
    except metadata.PackageNotFoundError:
        return "0.1.0"


def scaffold_text(name: str) -> str:
    return resources.files("kaitei").joinpath("scaffold", name).read_text("utf-8")


def render(text: str, effective: dt.date, timezone: str = "Asia/Tokyo") -> str:
    """Fill the scaffold's placeholders (plain words, so the files stay valid YAML/Markdown)."""
    text = (
        text.replace("KAITEI_VERSION", kaitei_version())
        .replace("JA_DATE", f"{effective.year} 年 {effective.month} 月 {effective.day} 日")
        .replace("EN_DATE", f"{effective.day} {_MONTHS[effective.month - 1]} {effective.year}")
        .replace("effective: VERSION", f"effective: {effective.isoformat()}")
    )
    return with_timezone(text, timezone, effective) if timezone != "Asia/Tokyo" else text


def with_timezone(text: str, timezone: str, day: dt.date) -> str:
    """The workflows' KAITEI_TZ and the publish schedule (00:15 local time, as cron in UTC)."""
    local = dt.datetime.combine(day, dt.time(0, 15), ZoneInfo(timezone))
    utc = local.astimezone(dt.UTC)
    return (
        text.replace("KAITEI_TZ: Asia/Tokyo", f"KAITEI_TZ: {timezone}")
        .replace('cron: "15 15 * * *"', f'cron: "{utc.minute} {utc.hour} * * *"')
        .replace(
            "00:15 in Asia/Tokyo is 15:15 UTC",
            f"00:15 in {timezone} is {utc:%H:%M} UTC on {day}",
        )
    )


def document_settings(text: str, languages: list[str], timezone: str) -> str:
    """The starter's document.yml for the chosen languages, authoritative first."""
    titles = {m[1]: m[0] for m in re.finditer(r"^  (\w+): .*$", text, flags=re.M)}
    lines = []
    for line in text.split("\n"):
        match = re.match(r"^  (\w+): ", line)
        if match and match[1] in STARTER_LANGUAGES:
            if line == titles[languages[0]]:
                lines += [titles[lang] for lang in languages]
            continue
        lines.append(line)
    result = "\n".join(lines)
    result = re.sub(r"^authoritative: \w+", f"authoritative: {languages[0]}", result, flags=re.M)
    result = re.sub(
        r"^languages: \[[^\]]*\]", f"languages: [{', '.join(languages)}]", result, flags=re.M
    )
    return re.sub(r"^timezone: \S+", f"timezone: {timezone}", result, flags=re.M)


def starter_text(lang: str, authoritative: bool) -> str:
    text = scaffold_text(STARTER_TEXT.format(lang=lang))
    if authoritative and "\nchange:" not in text:
        # Only the authoritative text declares the change level.
        text = text.replace("\nsummary:", "\nchange: editorial\nsummary:", 1)
    if not authoritative:
        text = text.replace("\nchange: editorial", "", 1)
    return text


def plan(
    target: Path,
    effective: dt.date,
    languages: list[str] | None = None,
    timezone: str = "Asia/Tokyo",
    starter: bool = True,
) -> list[tuple[Path, str]]:
    languages = languages or list(STARTER_LANGUAGES)
    files = [
        (target / dest, render(scaffold_text(src), effective, timezone)) for src, dest in FILES
    ]
    if not starter:
        return [*files, (target / EMPTY_CONTENT, "")]
    settings = document_settings(scaffold_text(STARTER_DOCUMENT), languages, timezone)
    files.append((target / STARTER_DOCUMENT, settings))
    for lang in languages:
        dest = STARTER_TEXT.format(lang=lang).replace("VERSION", effective.isoformat())
        text = starter_text(lang, lang == languages[0])
        files.append((target / dest, render(text, effective, timezone)))
    return files


def languages_of(value: str) -> list[str] | str:
    """The languages asked for, or why they cannot be."""
    languages = [lang.strip() for lang in value.split(",") if lang.strip()]
    unknown = [lang for lang in languages if lang not in STARTER_LANGUAGES]
    if not languages or unknown or len(set(languages)) != len(languages):
        return (
            f"--lang {value!r}: the starter policy is written in "
            f"{' and '.join(STARTER_LANGUAGES)}; give one or both, authoritative first "
            "(e.g. --lang en), or --no-starter and add your own languages"
        )
    return languages


def run(args: argparse.Namespace) -> int:
    target: Path = args.dir
    if target.exists() and not target.is_dir():
        print(f"kaitei init: error: {target} is a file, not a folder", file=sys.stderr)
        return 2
    languages = languages_of(args.lang)
    if isinstance(languages, str):
        print(f"kaitei init: error: {languages}", file=sys.stderr)
        return 2
    timezone = args.timezone or ("Asia/Tokyo" if languages[0] == "ja" else "UTC")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        print(
            f"kaitei init: error: unknown time zone {timezone!r}\n  hint: use an IANA name "
            "such as Asia/Tokyo, Europe/Berlin or America/New_York",
            file=sys.stderr,
        )
        return 2
    effective = as_of(args.as_of, timezone)
    files = plan(target, effective, languages, timezone, starter=not args.no_starter)
    existing = [path for path, _ in files if path.exists()]
    if existing:
        for path in existing:
            print(f"kaitei init: {path} already exists", file=sys.stderr)
        print(
            "kaitei init: error: nothing was written; run it in an empty folder, or move "
            "these files away first",
            file=sys.stderr,
        )
        return 1
    for path, content in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        print(f"created {path}")
    print(
        "next: git init, commit, push to GitHub, set Settings → Pages → Source to "
        "'GitHub Actions', and add the secrets listed in README.md"
    )
    return 0
