"""The site repository's own theme/: company name, logo, colours, footer links, overrides.

A site repository brands its pages without forking kaitei:

- `theme/site.yml` (or the same keys under `extra: {kaitei: …}` in mkdocs.yml, which win)
  names the company, its logo, its colours and the footer's links and contact line;
- any template or stylesheet of kaitei's built-in theme (kaitei/theme/) is replaced by the file
  with the same path under theme/ (theme/base.html, theme/css/site.css, …); a new
  theme/css/*.css is appended to the one stylesheet.

Everything here is a pure function of the files: nothing that changes from day to day (no
build date, no generator version) reaches a page, so a rebuild the next day is byte-identical.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Collector, KaiteiError
from ..frontmatter import YamlValue, load_mapping

THEME_DIR = "theme"
SETTINGS_FILE = "site.yml"
KEYS = ("company", "logo", "colors", "footer_links", "contact", "credit", "pdf")
# The colours a site may set, as the stylesheet's custom properties (see css/site.css).
COLORS = ("accent", "link", "header_bg", "header_text", "text", "background")
_COLOR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
_LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}
_LINK = re.compile(r"(?:https://|mailto:|tel:|/|\.{0,2}/?[A-Za-z0-9_-])[^\s\"'<>]*")


@dataclass(frozen=True, slots=True)
class FooterLink:
    labels: tuple[tuple[str, str], ...]  # (lang, label); "" for every language
    url: str

    def label(self, lang: str) -> str:
        found = dict(self.labels)
        return found.get(lang) or found.get("") or next(iter(found.values()), self.url)


@dataclass(frozen=True, slots=True)
class SiteTheme:
    """What theme/site.yml says, and where the site's overrides are."""

    company: tuple[tuple[str, str], ...] = ()  # (lang, name); "" for every language
    contact: tuple[tuple[str, str], ...] = ()
    logo: str = ""  # a file under theme/
    colors: tuple[tuple[str, str], ...] = ()  # (name in COLORS, #rrggbb)
    footer_links: tuple[FooterLink, ...] = ()
    credit: bool = False  # "made with kaitei" in the footer: off unless the site asks
    pdf: bool = True  # a PDF per version and diff when a PDF engine is installed
    overrides: Path | None = None  # the site's theme/ folder, when it exists
    extra: Mapping[str, Any] = field(default_factory=dict)

    def company_name(self, lang: str) -> str:
        return _pick(self.company, lang)

    def contact_line(self, lang: str) -> str:
        return _pick(self.contact, lang)

    def logo_file(self) -> Path | None:
        if not self.logo or self.overrides is None:
            return None
        return self.overrides / self.logo

    def css(self) -> str:
        """The colours as custom properties, appended after the built-in stylesheet."""
        if not self.colors:
            return ""
        lines = [f"  --{name.replace('_', '-')}: {value};" for name, value in self.colors]
        return "/* theme/site.yml */\n:root {\n" + "\n".join(lines) + "\n}\n"


def _pick(values: tuple[tuple[str, str], ...], lang: str) -> str:
    found = dict(values)
    return found.get(lang) or found.get("") or (values[0][1] if values else "")


def load_site_theme(root: Path, extra: Mapping[str, Any] | None = None) -> SiteTheme:
    """The site's theme settings; KaiteiError (file, line, hint) when they are wrong."""
    folder = root / THEME_DIR
    out = Collector()
    data: dict[str, YamlValue] = {}
    path = folder / SETTINGS_FILE
    rel = f"{THEME_DIR}/{SETTINGS_FILE}"
    if path.is_file():
        text = path.read_text(encoding="utf-8-sig")
        out.register_source(rel, text)
        data = load_mapping(text, rel, 1, out) or {}
    for key, value in (extra or {}).items():
        data[str(key)] = YamlValue(value, 1, 1)
    theme = _parse(data, rel, folder if folder.is_dir() else None, out)
    if out.items and any(d.severity == "error" for d in out.items):
        raise KaiteiError(out.items)
    return theme


def _localized(value: YamlValue, key: str, rel: str, out: Collector) -> tuple[tuple[str, str], ...]:
    if isinstance(value.value, str):
        return (("", value.value),)
    if isinstance(value.value, dict) and all(isinstance(v, str) for v in value.value.values()):
        return tuple(sorted((str(k), v) for k, v in value.value.items()))
    out.add(
        (rel, value.line, value.column),
        f"'{key}' must be a text, or one text per language (ja: …, en: …)",
        code="theme-bad-value",
    )
    return ()


def _parse(data: dict[str, YamlValue], rel: str, folder: Path | None, out: Collector) -> SiteTheme:
    for key, value in data.items():
        if key not in KEYS:
            out.add(
                (rel, value.line, value.column),
                f"unknown key '{key}' in {rel}",
                f"the keys are: {', '.join(KEYS)}",
                code="theme-unknown-key",
            )
    company = _localized(data["company"], "company", rel, out) if "company" in data else ()
    contact = _localized(data["contact"], "contact", rel, out) if "contact" in data else ()
    logo = ""
    if "logo" in data:
        value = data["logo"]
        logo = str(value.value or "")
        target = (folder / logo) if folder is not None else None
        if Path(logo).suffix.lower() not in _LOGO_TYPES or ".." in Path(logo).parts:
            out.add(
                (rel, value.line, value.column),
                f"the logo {logo!r} must be an .svg, .png or .webp file inside theme/",
                code="theme-bad-logo",
            )
            logo = ""
        elif target is None or not target.is_file():
            out.add(
                (rel, value.line, value.column),
                f"the logo theme/{logo} does not exist",
                "put the file in theme/ and give its name, e.g. 'logo: logo.svg'",
                code="theme-bad-logo",
            )
            logo = ""
    colors: list[tuple[str, str]] = []
    if "colors" in data:
        value = data["colors"]
        if not isinstance(value.value, dict):
            out.add(
                (rel, value.line, value.column),
                "'colors' must be a mapping",
                code="theme-bad-value",
            )
        else:
            for name, colour in sorted(value.value.items()):
                if name not in COLORS or not _COLOR.fullmatch(str(colour)):
                    out.add(
                        (rel, value.line, value.column),
                        f"colour {name}: {colour!r} is not allowed",
                        f"use one of {', '.join(COLORS)} with a value like '#0b57a4'",
                        code="theme-bad-color",
                    )
                    continue
                colors.append((str(name), str(colour)))
    links: list[FooterLink] = []
    if "footer_links" in data:
        value = data["footer_links"]
        entries = value.value if isinstance(value.value, list) else None
        if entries is None:
            out.add(
                (rel, value.line, value.column),
                "'footer_links' must be a list",
                code="theme-bad-value",
            )
            entries = []
        for index, entry in enumerate(entries):
            line = value.entry_lines[index] if index < len(value.entry_lines) else value.line
            url = str(entry.get("url", "")) if isinstance(entry, dict) else ""
            label = entry.get("label") if isinstance(entry, dict) else None
            if not _LINK.fullmatch(url) or url.lower().startswith(("javascript:", "data:")):
                out.add(
                    (rel, line, value.column),
                    f"footer link {index + 1} needs a 'url' (https://…, mailto:…, or a path)",
                    code="theme-bad-link",
                )
                continue
            labels = _localized(YamlValue(label or url, line, value.column), "label", rel, out)
            links.append(FooterLink(labels, url))

    def flag(key: str, default: bool) -> bool:
        if key not in data:
            return default
        if isinstance(data[key].value, bool):
            return bool(data[key].value)
        out.add(
            (rel, data[key].line, data[key].column),
            f"'{key}' must be true or false",
            code="theme-bad-value",
        )
        return default

    return SiteTheme(
        company=company,
        contact=contact,
        logo=logo,
        colors=tuple(colors),
        footer_links=tuple(links),
        credit=flag("credit", False),
        pdf=flag("pdf", True),
        overrides=folder,
    )


def logo_type(name: str) -> str:
    return _LOGO_TYPES.get(Path(name).suffix.lower(), "")
