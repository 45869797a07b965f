"""Any number of languages: the catalogues, names in their own script, rtl, English fallback.

The ten-language sample is a real site made by `kaitei init` in a temp dir, whose document
declares ten languages with the policy text in ja and en only, built by the `kaitei` command.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import string
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
import yaml

from kaitei.catalogue import i18n_dir, load_catalogue
from kaitei.site.languages import catalogue_for, direction, language_name, native_name

TEN = ("ja", "en", "zh-Hans", "zh-Hant", "ko", "fr", "de", "es", "pt-BR", "ar")
NATIVE = {
    "ja": "日本語",
    "en": "English",
    "zh-Hans": "简体中文",
    "zh-Hant": "繁體中文",
    "ko": "한국어",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "pt-BR": "Português (Brasil)",
    "ar": "العربية",
}
AS_OF = "2026-06-01"
ROOT = Path(__file__).resolve().parents[2]


def _catalogue(lang: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((i18n_dir() / f"{lang}.yml").read_text("utf-8"))
    return data


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out |= _flat(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def _fields(value: object) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(str(value)) if f}


def _catalogue_tags() -> list[str]:
    return sorted(p.stem for p in i18n_dir().glob("*.yml") if p.name != "languages.yml")


# --- the catalogues ------------------------------------------------------------------------


def test_the_ten_languages_have_catalogues() -> None:
    assert set(TEN) <= set(_catalogue_tags())


@pytest.mark.parametrize("lang", _catalogue_tags())
def test_catalogue_has_every_key_of_english_with_the_same_placeholders(lang: str) -> None:
    english, other = _flat(_catalogue("en")), _flat(_catalogue(lang))
    assert sorted(set(english) - set(other)) == [], "keys missing"
    assert sorted(set(other) - set(english)) == [], "keys English lacks"
    # Dates may show any of the fields; every other string takes exactly English's.
    date_fields = {"year", "month", "day", "month_name"}
    assert _fields(other["date_format"]) <= date_fields
    assert len(other["months"]) in (0, 12)
    assert ("month_name" in _fields(other["date_format"])) == (len(other["months"]) == 12)
    wrong = {
        key: (_fields(value), _fields(other[key]))
        for key, value in english.items()
        if key != "date_format" and _fields(value) != _fields(other[key])
    }
    assert wrong == {}
    assert all(isinstance(v, (str, list)) for v in other.values())


@pytest.mark.parametrize("lang", [t for t in TEN if t != "en"])
def test_a_translated_catalogue_is_translated(lang: str) -> None:
    """No string was left in English by mistake (only names, codes and symbols may match)."""
    english, other = _flat(_catalogue("en")), _flat(_catalogue(lang))
    same = sorted(k for k, v in english.items() if v == other[k] and re.search(r"[a-z]{4}", str(v)))
    # Formats, and words that are the same in French, Portuguese or German: "Article",
    # "Document", "Dates", "Errata", "commit", "Status".
    allowed = {"date_format", "status_label", "anchor_subitem", "article_number_branch"}
    allowed |= {"anchor_article", "commit", "notice_strings.index_document"}
    allowed |= {"diff_labels.closing", "errata_heading", "status", "notice_strings.index_status"}
    assert [k for k in same if k not in allowed] == []


def test_dates_in_each_language() -> None:
    first, later = dt.date(2026, 1, 1), dt.date(2026, 8, 23)
    expected = {
        "ja": ("2026年1月1日", "2026年8月23日"),
        "en": ("1 January 2026", "23 August 2026"),
        "zh-Hans": ("2026年1月1日", "2026年8月23日"),
        "zh-Hant": ("2026年1月1日", "2026年8月23日"),
        "ko": ("2026년 1월 1일", "2026년 8월 23일"),
        "fr": ("1er janvier 2026", "23 août 2026"),
        "de": ("1. Januar 2026", "23. August 2026"),
        "es": ("1 de enero de 2026", "23 de agosto de 2026"),
        "pt-BR": ("1º de janeiro de 2026", "23 de agosto de 2026"),
        "ar": ("1 يناير 2026", "23 أغسطس 2026"),
    }
    for lang, (a, b) in expected.items():
        assert (load_catalogue(lang).date(first), load_catalogue(lang).date(later)) == (a, b)


def test_french_puts_a_no_break_space_before_colons_and_inside_guillemets() -> None:
    fr = _flat(_catalogue("fr"))
    for key, value in fr.items():
        text = str(value)
        assert not re.search(r"[^\u00a0\u202f]:", text.replace("://", "")), key
        assert "« " not in text and " »" not in text, key
    assert fr["colon"] == "\u00a0: "


def test_chinese_and_japanese_use_full_width_colons() -> None:
    for lang in ("ja", "zh-Hans", "zh-Hant"):
        flat = _flat(_catalogue(lang))
        assert flat["colon"] == "：" and flat["diff_page.label_sep"] == "："
        # No half-width colon next to CJK text.
        half = re.compile(r"[^\x00-\x7f]:|:[^\x00-\x7f]")
        assert [k for k, v in flat.items() if half.search(str(v))] == [], lang


# --- names, direction and fallback (kaitei/i18n/languages.yml) --------------------------------


def test_every_language_is_named_in_its_own_script() -> None:
    assert {lang: native_name(lang) for lang in TEN} == NATIVE


def test_every_catalogue_language_is_in_the_data_file_and_named_in_every_other() -> None:
    data = yaml.safe_load((i18n_dir() / "languages.yml").read_text("utf-8"))["languages"]
    tags = _catalogue_tags()
    for lang in tags:
        assert set(data[lang]["names"]) == set(tags), lang


def test_language_names_in_a_sentence_follow_the_reader() -> None:
    assert language_name("ja", "fr") == "japonais"
    assert language_name("en", "ar") == "الإنجليزية"
    assert language_name("ar", "ja") == "アラビア語"
    assert load_catalogue("de").language("zh-Hant") == "Chinesisch (traditionell)"
    # A page with no catalogue speaks English; a language the file names only in itself
    # is named so.
    assert language_name("ja", "sw") == "Japanese"
    assert language_name("he", "en") == "עברית"


def test_fallback_for_tags_not_in_the_file() -> None:
    assert native_name("fr-CA") == "Français (Canada)"
    assert native_name("fr-BF") == "Français (BF)"  # region not in the file: as written
    assert native_name("zh-Hant-TW") == "繁體中文（台灣）"
    assert native_name("pt-PT") == "Português (Portugal)"
    assert native_name("x-klingon") == "x-klingon"
    assert native_name("tlh") == "tlh"
    assert catalogue_for("fr-CA") == "fr"
    assert catalogue_for("zh-TW") == "zh-Hant"
    assert catalogue_for("zh-Hant-HK") == "zh-Hant"
    assert catalogue_for("zh") == "zh-Hans"
    assert catalogue_for("pt-PT") == "pt-BR"
    assert catalogue_for("sw") is None
    assert load_catalogue("fr-CA")("skip_link") == "Aller au contenu"
    assert load_catalogue("sw")("skip_link") == "Skip to content"


def test_right_to_left_languages() -> None:
    assert [t for t in TEN if direction(t) == "rtl"] == ["ar"]
    for rtl in ("ar-EG", "he", "fa", "ur", "yi", "dv", "az-Arab", "pa-Arab", "xx-Hebr"):
        assert direction(rtl) == "rtl", rtl
    for ltr in ("en", "ja", "az-Latn", "sw", "x-klingon", "ar-Latn"):
        assert direction(ltr) == "ltr", ltr


# --- the ten-language sample, built by `kaitei build` ------------------------------------------


# An Arabic-only document in two versions: a version page with its table of contents, a
# history and a 新旧対照表 to read right to left.
TERMS_SETTINGS = """titles:
  ar: شروط الاستخدام
authoritative: ar
languages: [ar]
timezone: Asia/Dubai
notice_period_days: 30
banner_days_after: 30
diff_layout: new-left
"""
TERMS_2026_01 = """---
effective: 2026-01-01
change: enacted
summary: >-
  وضعت الشركة شروط الاستخدام هذه.
changes:
  - الإصدار الأول
---

# شروط الاستخدام

تحدد هذه الشروط قواعد استخدام الخدمات التي تقدمها الشركة.

## المادة 1 (التعريفات)

يُقصد بـ«المستخدم» كل شخص يستخدم الخدمات.

## المادة 2 (الحساب)

يلتزم المستخدم بالحفاظ على سرية بيانات حسابه.

## المادة 3 (التواصل)

للاستفسار عن هذه الشروط، يُرجى التواصل عبر privacy@example.com.

* * *

2026-01-01
"""
TERMS_2026_05 = """---
effective: 2026-05-01
change: notice
announced: 2026-03-01
summary: >-
  أضافت الشركة مادة بشأن إنهاء الحساب.
changes:
  - أُضيفت المادة 3 (إنهاء الحساب).
---

# شروط الاستخدام

تحدد هذه الشروط قواعد استخدام الخدمات التي تقدمها الشركة.

## المادة 1 (التعريفات)

يُقصد بـ«المستخدم» كل شخص طبيعي أو اعتباري يستخدم الخدمات.

## المادة 2 (الحساب)

يلتزم المستخدم بالحفاظ على سرية بيانات حسابه.

## المادة 3 (إنهاء الحساب)

يجوز للمستخدم إنهاء حسابه في أي وقت.

## المادة 4 (التواصل)

للاستفسار عن هذه الشروط، يُرجى التواصل عبر privacy@example.com.

* * *

2026-01-01
2026-05-01
"""
TERMS_DIFF = "ar/terms/diff/2026-01-01/2026-05-01/index.html"


def make_site(root: Path, languages: tuple[str, ...], arabic_terms: bool = False) -> Path:
    """A site from `kaitei init` (text in ja and en) whose document declares `languages`;
    with `arabic_terms`, also an Arabic-only document in two versions."""
    _kaitei(["init", "--lang", "ja,en", "--as-of", "2026-01-01", str(root)], root.parent)
    settings = root / "content/privacy/document.yml"
    text = settings.read_text("utf-8")
    assert "languages: [ja, en]" in text
    settings.write_text(
        text.replace("languages: [ja, en]", f"languages: [{', '.join(languages)}]"), "utf-8"
    )
    if arabic_terms:
        terms = root / "content/terms"
        for version, body in (("2026-01-01", TERMS_2026_01), ("2026-05-01", TERMS_2026_05)):
            (terms / version).mkdir(parents=True)
            (terms / version / "ar.md").write_text(body, "utf-8")
        (terms / "document.yml").write_text(TERMS_SETTINGS, "utf-8")
    return root


def _kaitei(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KAITEI_AS_OF", "SOURCE_DATE_EPOCH")}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "kaitei"), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def build_site(root: Path) -> tuple[Path, str]:
    """`kaitei build` into root/build/site; (that folder, what the build printed on stderr)."""
    result = _kaitei(["build", "--as-of", AS_OF], root)
    return root / "build/site", result.stderr


@pytest.fixture(scope="module")
def ten(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    return build_site(make_site(tmp_path_factory.mktemp("ten") / "site", TEN, arabic_terms=True))


def _page(site: Path, path: str) -> str:
    return (site / path).read_text("utf-8")


def _html_tag(page: str) -> str:
    found = re.search(r"<html[^>]*>", page)
    assert found
    return found.group(0)


def _switcher(page: str) -> list[tuple[str, str, str]]:
    """(lang, dir attribute or "", label) of each switcher entry."""
    nav = re.search(r'<nav class="lang-switcher".*?</nav>', page, re.S)
    assert nav
    return [
        (m.group(1), m.group(2) or "", m.group(3))
        for m in re.finditer(
            r'<a [^>]*\blang="([^"]+)"(?: dir="(\w+)")?[^>]*>([^<]+)</a>', nav.group(0)
        )
    ]


def test_every_page_has_its_language_and_direction(ten: tuple[Path, str]) -> None:
    site, _ = ten
    pages = sorted(site.glob("*/**/*.html"))
    assert len(pages) > 40
    for path in pages:
        lang = path.relative_to(site).parts[0]
        if lang not in TEN:
            continue
        rtl = ' dir="rtl"' if lang == "ar" else ""
        assert _html_tag(path.read_text("utf-8")) == f'<html lang="{lang}"{rtl}>', path


def test_the_switcher_names_each_language_in_itself(ten: tuple[Path, str]) -> None:
    site, _ = ten
    for lang in TEN:
        entries = _switcher(_page(site, f"{lang}/privacy/index.html"))
        assert [(code, label) for code, _, label in entries] == list(NATIVE.items())
        # Names that run the other way from the page are marked so (and isolated).
        for code, way, _ in entries:
            expected = direction(code) if direction(code) != direction(lang) else ""
            assert way == expected, (lang, code)


def test_the_chooser_names_each_language_in_itself(ten: tuple[Path, str]) -> None:
    site, _ = ten
    chooser = _page(site, "index.html")
    found = re.findall(r'<li lang="([^"]+)"( dir="rtl")?><a [^>]*>([^<]+)</a>', chooser)
    assert [(code, name) for code, _, name in found] == list(NATIVE.items())
    assert [code for code, rtl, _ in found if rtl] == ["ar"]


# Keys whose English words must not show on a translated page, and whose own words must.
UI_KEYS = ("skip_link", "documents", "notices", "language_switcher", "site_name")


@pytest.mark.parametrize("lang", [t for t in TEN if t != "en"])
def test_no_english_ui_string_leaks_into_a_translated_page(
    ten: tuple[Path, str], lang: str
) -> None:
    site, _ = ten
    english, own = load_catalogue("en"), load_catalogue(lang)
    for path in ("index.html", "privacy/index.html", "privacy/history/index.html"):
        page = _page(site, f"{lang}/{path}")
        for key in UI_KEYS:
            assert own(key) in page, (path, key)
            assert english(key) not in page.replace('lang="en"', ""), (path, key)
    history = _page(site, f"{lang}/privacy/history/index.html")
    assert english("history_summary") not in history


@pytest.mark.parametrize(
    ("lang", "title", "read"),
    [
        ("fr", "Non disponible en français", ("Lire en japonais", "Lire en anglais")),
        ("de", "Nicht auf Deutsch verfügbar", ("Auf Japanisch lesen", "Auf Englisch lesen")),
        ("zh-Hant", "無繁體中文版", ("閱讀日文版", "閱讀英文版")),
        (
            "ar",
            "غير متاح باللغة العربية",
            ("القراءة باللغة اليابانية", "القراءة باللغة الإنجليزية"),
        ),
        ("ko", "한국어 버전이 없습니다", ("일본어로 보기", "영어로 보기")),
    ],
)
def test_a_missing_text_is_marked_not_available_in_the_readers_language(
    ten: tuple[Path, str], lang: str, title: str, read: tuple[str, str]
) -> None:
    site, _ = ten
    page = _page(site, f"{lang}/privacy/index.html")
    assert f"<h1>{title}</h1>" in page
    assert '<meta name="robots" content="noindex">' in page
    for link in read:
        assert link in page
    # The untranslated title is shown in the language it is written in.
    assert '<span lang="ja"' in page and "プライバシーポリシー" in page


def test_the_policy_texts_are_there_in_ja_and_en(ten: tuple[Path, str]) -> None:
    site, _ = ten
    assert "noindex" not in _page(site, "ja/privacy/index.html")
    assert "noindex" not in _page(site, "en/privacy/index.html")


def test_an_arabic_document_reads_right_to_left(ten: tuple[Path, str]) -> None:
    site, _ = ten
    for path in ("ar/terms/index.html", "ar/terms/history/index.html", TERMS_DIFF):
        assert _html_tag(_page(site, path)) == '<html lang="ar" dir="rtl">', path
    version = _page(site, "ar/terms/index.html")
    assert '<nav class="toc toc-side" aria-label="المحتويات">' in version
    assert "المادة 4 (التواصل)" in version
    diff = _page(site, TERMS_DIFF)
    assert "النص المُعدَّل (الساري اعتبارًا من 1 مايو 2026)" in diff
    assert "النص السابق (الساري اعتبارًا من 1 يناير 2026)" in diff
    # The switcher of a page in Arabic marks the left-to-right names (see the privacy pages);
    # the chooser, in Japanese, marks the Arabic entry right to left.
    assert '<li lang="ar" dir="rtl">' in _page(site, "index.html")


def test_the_ten_language_build_warns_only_about_missing_texts(ten: tuple[Path, str]) -> None:
    _, stderr = ten
    assert "no-catalogue" not in stderr and "no UI catalogue" not in stderr


# --- a language with no catalogue ------------------------------------------------------------


def test_a_language_without_a_catalogue_builds_in_english_with_one_warning(
    tmp_path: Path,
) -> None:
    root = make_site(tmp_path / "site", ("ja", "en", "sw"))
    site, stderr = build_site(root)
    warning = [line for line in stderr.splitlines() if "no UI catalogue" in line]
    assert warning == [
        "content/privacy/document.yml:6:21: warning: no UI catalogue for the language 'sw' "
        "(kaitei/i18n/sw.yml): its pages are built with the English UI strings"
    ]
    assert "copy kaitei/i18n/en.yml to kaitei/i18n/sw.yml" in stderr
    page = _page(site, "sw/privacy/index.html")
    assert _html_tag(page) == '<html lang="sw">'
    assert "Skip to content" in page and "Not available in Kiswahili" in page
    assert ("sw", "", "Kiswahili") in _switcher(page)
    # `kaitei check` says the same, once, and passes.
    check = _kaitei(["check", "--as-of", AS_OF], root)
    assert (check.stdout + check.stderr).count("no UI catalogue for the language 'sw'") == 1
    # A right-to-left language without a catalogue is still written right to left.
    settings = root / "content/privacy/document.yml"
    settings.write_text(settings.read_text("utf-8").replace(", sw]", ", he]"), "utf-8")
    site, stderr = build_site(root)
    assert "no UI catalogue for the language 'he'" in stderr
    assert _html_tag(_page(site, "he/privacy/index.html")) == '<html lang="he" dir="rtl">'


# --- notice emails for a language without templates ------------------------------------------


def test_a_language_without_email_templates_gets_the_english_email(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    for name in ("mkdocs.yml", "content", "theme", "docs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        elif source.is_file():
            shutil.copyfile(source, root / name)
    settings = root / "content/privacy/document.yml"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace("languages: [ja, en]", "languages: [ja, en, fr]"), "utf-8")
    recipients = tmp_path / "recipients.csv"
    recipients.write_text("email,language,name\na@example.com,fr,A\nb@example.com,ja,B\n")
    out = tmp_path / "out"
    args = ["notify", "privacy", "2020-10-01", "--recipients", str(recipients)]
    args += ["--dry-run", str(out), "--from", "legal@example.com", "--as-of", "2020-09-01"]
    result = _kaitei(args, root)
    assert result.stderr.count("warning: no email templates for 'fr'") == 1
    assert "its recipients get the English email" in result.stderr
    mails = {}
    for path in sorted(out.glob("*.eml")):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        mails[str(mail["To"])] = mail
    french, japanese = mails["A <a@example.com>"], mails["B <b@example.com>"]
    assert french["Content-Language"] == "en"
    assert french["Subject"].startswith("Important: changes to our Privacy Policy")
    assert "1 October 2020" in french["Subject"]
    assert japanese["Content-Language"] == "ja"
