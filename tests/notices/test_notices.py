"""Notice pages, the notices list and the banner for the sample content."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html

from kaitei.catalogue import i18n_dir
from kaitei.model import Document, Site
from kaitei.site.notices import banner, index_rows, notices
from kaitei.site.output import OutputFile
from kaitei.site.render import Renderer, theme_dir

from .conftest import AS_OF, build_context, golden

OWN_TEMPLATES = ("notice.html", "notices.html", "partials/banner.html")


def outputs(site: Site, as_of: dt.date = AS_OF) -> dict[str, OutputFile]:
    return {o.url: o for o in notices(build_context(site, as_of))}


def main_of(page: bytes) -> str:
    """The page's <main>: what this module renders (the layout is the site's)."""
    text = page.decode("utf-8")
    match = re.search(r"<main[^>]*>\n(.*)</main>", text, re.S)
    assert match, text
    return match.group(1)


def test_pages_exist_for_every_language(sample_site: Site) -> None:
    assert sorted(outputs(sample_site)) == [
        "en/notices/",
        "en/notices/privacy/2020-10-01/",
        "ja/notices/",
        "ja/notices/privacy/2020-10-01/",
    ]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_notice_page_golden(sample_site: Site, lang: str) -> None:
    page = outputs(sample_site)[f"{lang}/notices/privacy/2020-10-01/"]
    golden(f"notice.{lang}.html", main_of(page.content))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_index_golden(sample_site: Site, lang: str) -> None:
    golden(f"notices.{lang}.html", main_of(outputs(sample_site)[f"{lang}/notices/"].content))


def test_consent_notice_says_consent_is_asked_separately(sample_site: Site) -> None:
    pages = outputs(sample_site)
    ja = lxml_html.fromstring(pages["ja/notices/privacy/2020-10-01/"].content)
    en = lxml_html.fromstring(pages["en/notices/privacy/2020-10-01/"].content)
    assert "別途当社が定める方法" in ja.findtext(".//section[@class='notice-todo']/p")
    assert "ask for your consent separately" in en.findtext(".//section[@class='notice-todo']/p")
    hrefs = en.xpath("//ul[@class='notice-links']//a/@href")
    assert "../../../../en/privacy/diff/2017-08-23/2020-10-01/" in hrefs
    assert en.xpath("//time/@datetime")[:2] == ["2020-08-31", "2020-10-01"]


def test_notice_page_alternates(sample_site: Site) -> None:
    page = outputs(sample_site)["en/notices/privacy/2020-10-01/"]
    assert page.lang == "en"
    assert page.alternates == (
        ("ja", "ja/notices/privacy/2020-10-01/"),
        ("en", "en/notices/privacy/2020-10-01/"),
        ("x-default", "ja/notices/privacy/2020-10-01/"),
    )


def test_index_status_follows_the_date(sample_site: Site) -> None:
    [before] = index_rows(sample_site, "en", dt.date(2020, 9, 30))
    [after] = index_rows(sample_site, "en", dt.date(2020, 10, 1))
    assert (before.phase, after.phase) == ("upcoming", "in-effect")


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2020, 8, 30), None),  # the day before the announcement
        (dt.date(2020, 8, 31), "upcoming"),  # announced
        (dt.date(2020, 9, 30), "upcoming"),
        (dt.date(2020, 10, 1), "in-effect"),  # effective
        (dt.date(2020, 10, 31), "in-effect"),  # effective + banner_days_after (30)
        (dt.date(2020, 11, 1), None),
    ],
)
def test_banner_window(privacy: Document, as_of: dt.date, expected: str | None) -> None:
    shown = banner(privacy, "ja", as_of)
    assert (shown.phase if shown else None) == expected


def test_banner_content(privacy: Document) -> None:
    shown = banner(privacy, "en", dt.date(2020, 9, 15))
    assert shown is not None
    assert shown.level == "consent" and shown.version == "2020-10-01"
    assert shown.message == (
        "The Privacy Policy will change on 1 October 2020. "
        "This change requires your consent, which will be asked for separately."
    )
    assert shown.notice_url == "en/notices/privacy/2020-10-01/"
    assert shown.diff_url == "en/privacy/diff/2017-08-23/2020-10-01/"
    assert shown.until == dt.date(2020, 10, 31)
    ja = banner(privacy, "ja", dt.date(2020, 10, 2))
    assert ja is not None and ja.message.startswith(
        "プライバシーポリシーを2020年10月1日に改定しました。"
    )


def test_banner_period_is_configurable(privacy: Document) -> None:
    settings = dataclasses.replace(privacy.settings, banner_days_after=0)
    document = dataclasses.replace(privacy, settings=settings)
    assert banner(document, "en", dt.date(2020, 10, 1)) is not None
    assert banner(document, "en", dt.date(2020, 10, 2)) is None


def test_banner_partial_renders(privacy: Document) -> None:
    renderer = Renderer("", AS_OF)
    template = renderer.env.get_template("partials/banner.html")
    url = "en/privacy/"
    shown = banner(privacy, "en", dt.date(2020, 9, 15))
    out = template.render(notice_banner=shown, rel=lambda to: "../../" + to)
    assert 'aria-label="Notice of changes"' in out
    assert 'href="../../en/notices/privacy/2020-10-01/"' in out
    assert template.render(notice_banner=None, rel=lambda to: to).strip() == ""
    assert url  # the partial needs only `rel` from the page


def test_no_inline_script_or_style_in_templates() -> None:
    for name in OWN_TEMPLATES:
        source = (theme_dir() / name).read_text(encoding="utf-8")
        assert not re.search(r"<script|<style|\sstyle=|\son[a-z]+=", source), name


def test_catalogues_have_the_same_keys() -> None:
    ja = yaml.safe_load((i18n_dir() / "ja.yml").read_text(encoding="utf-8"))["notice_strings"]
    en = yaml.safe_load((i18n_dir() / "en.yml").read_text(encoding="utf-8"))["notice_strings"]
    assert set(ja) == set(en)
    used = set()
    for path in [
        *(theme_dir() / n for n in OWN_TEMPLATES),
        *Path(i18n_dir()).parent.glob("site/*.py"),
    ]:
        used |= set(
            re.findall(
                r"""\b(?:nt|s)\(\s*['"]([a-z][a-z_]*[a-z])['"]\s*[,)]""",
                path.read_text(encoding="utf-8"),
            )
        )
    assert used and used <= set(en), used - set(en)


def test_catalogues_have_the_keys_built_at_run_time() -> None:
    en = yaml.safe_load((i18n_dir() / "en.yml").read_text(encoding="utf-8"))["notice_strings"]
    built = {f"level_{level}" for level in ("editorial", "notice", "consent")}
    built |= {f"notice_todo_{level}" for level in ("notice", "consent")}
    built |= {
        f"banner_{when}_{level}"
        for when in ("upcoming", "in_effect")
        for level in ("notice", "consent")
    }
    built |= {
        "notice_lead_upcoming",
        "notice_lead_in_effect",
        "status_upcoming",
        "status_in_effect",
    }
    assert built <= set(en), built - set(en)


def test_hostile_summary_is_escaped_on_the_notice_page(privacy: Document) -> None:
    last = privacy.versions[-1]
    meta = dataclasses.replace(
        last.texts[1].meta, summary="<script>x()</script>", changes=("<b onclick=x>",)
    )
    en = dataclasses.replace(last.texts[1], meta=meta)
    document = dataclasses.replace(
        privacy,
        versions=(privacy.versions[0], dataclasses.replace(last, texts=(last.texts[0], en))),
    )
    page = outputs(Site("x", (document,)))["en/notices/privacy/2020-10-01/"].content.decode()
    assert "<script>x()" not in page and "<b onclick" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page
