"""A translation takes the authoritative text's ids, so an English-first site pairs its
Japanese translation section by section."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kaitei.check import check_site

FRONT = "---\neffective: 2024-01-01\nchange: editorial\nsummary: {summary}\n---\n\n"
EN = "# Privacy Policy\n\n## Who we are\n\nWe are a company.\n\n### Contact\n\nWrite to us.\n"
JA = (
    "# プライバシーポリシー\n\n## 当社について\n\n当社は会社です。\n\n"
    "### お問い合わせ\n\nご連絡ください。\n"
)


def _site(tmp_path: Path, ja: str) -> Path:
    version = tmp_path / "content" / "privacy" / "2024-01-01"
    version.mkdir(parents=True)
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins: [kaitei]\n", encoding="utf-8")
    (version.parent / "document.yml").write_text(
        "titles:\n  en: Privacy Policy\n  ja: プライバシーポリシー\nauthoritative: en\n"
        "languages: [en, ja]\n",
        encoding="utf-8",
    )
    (version / "en.md").write_text(FRONT.format(summary="First.") + EN, encoding="utf-8")
    (version / "ja.md").write_text(FRONT.format(summary="制定。") + ja, encoding="utf-8")
    return tmp_path


def test_a_translation_takes_the_authoritative_section_ids(tmp_path: Path) -> None:
    site, diagnostics = check_site(_site(tmp_path, JA), dt.date(2024, 6, 1))
    assert [d.format() for d in diagnostics if d.severity == "error"] == []
    (version,) = site.documents[0].versions
    en, ja = version.texts
    assert [a.id for a in en.articles] == ["who-we-are", "contact"]
    assert [a.id for a in ja.articles] == ["who-we-are", "contact"]


def test_a_translation_of_another_shape_keeps_its_own_ids_and_is_reported(
    tmp_path: Path,
) -> None:
    ja = "# プライバシーポリシー\n\n## 当社について\n\n当社は会社です。\n"
    site, diagnostics = check_site(_site(tmp_path, ja), dt.date(2024, 6, 1))
    (version,) = site.documents[0].versions
    assert [a.id for a in version.texts[1].articles] == ["sec-1"]
    assert {d.code for d in diagnostics if d.severity == "error"} >= {"alignment-missing"}
