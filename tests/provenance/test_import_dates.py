"""The pieces of `kaitei import`: date lines, markup set aside, errata from two texts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaitei.commands.importing.dates import line_date, text_date
from kaitei.commands.importing.errata import corrections
from kaitei.commands.importing.setaside import set_aside
from kaitei.frontmatter import split_front_matter
from kaitei.immutability import apply_errata


@pytest.mark.parametrize(
    ("line", "date", "how"),
    [
        ("Last updated: March 3, 2021", dt.date(2021, 3, 3), "date line"),
        ("*Last updated: April 20, 2023*", dt.date(2023, 4, 20), "date line"),
        ("_Last Updated: June 4, 2023_", dt.date(2023, 6, 4), "date line"),
        ("**Last Updated:** April 10, 2026", dt.date(2026, 4, 10), "date line"),
        ("*Last updated: [July 18, 2022](https://example.com/post)*", dt.date(2022, 7, 18),
         "date line"),
        ("Effective date: 1 April 2019.", dt.date(2019, 4, 1), "date line"),
        ("*Effective May 25, 2018*", dt.date(2018, 5, 25), "date line"),
        ("Effective as of 2019-04-01", dt.date(2019, 4, 1), "date line"),
        ("Last modified: Sept. 3rd, 2020", dt.date(2020, 9, 3), "date line"),
        ("*   _February 18, 2015:_ Updated Creative Commons license", dt.date(2015, 2, 18),
         "change log"),
        ("最終改定日：2024年1月17日", dt.date(2024, 1, 17), "date line"),
        ("*発効日 2024 年 1 月 17 日*", dt.date(2024, 1, 17), "date line"),
        ("改定日: ２０２３年４月１日", dt.date(2023, 4, 1), "date line"),
        ("有効日 2022年5月1日", dt.date(2022, 5, 1), "date line"),
        ("施行日：令和元年5月1日", dt.date(2019, 5, 1), "date line"),
        ("「2019年4月1日 改定」", dt.date(2019, 4, 1), "date line"),
        ("2017 年 8 月 23 日 制定", dt.date(2017, 8, 23), "date line"),
    ],
)  # fmt: skip
def test_date_line_forms(line: str, date: dt.date, how: str) -> None:
    assert line_date(line) == (date, how)


@pytest.mark.parametrize(
    "line",
    [
        "We may update this policy from time to time.",
        "The effective date of the change is announced by email.",
        "Payment: you must provide up-to-date payment information.",
        "Last updated: soon",
        "Effective date: February 30, 2021",  # no such day
        "In 2019 we changed our name.",
    ],
)
def test_not_date_lines(line: str) -> None:
    assert line_date(line) is None


def test_front_matter_date_wins_and_the_latest_line_counts() -> None:
    text = "---\nlast_updated: 2018-05-25\n---\n# P\n\n*Last updated: May 1, 2018*\n"
    front, _, body, body_line = split_front_matter(text)
    found = text_date(front, body, body_line)
    assert found is not None and (found.date, found.how) == (dt.date(2018, 5, 25), "front matter")
    both = "# 規約\n\n2017 年 8 月 23 日 制定\n2020 年 10 月 1 日 改定\n"
    dated = text_date(None, both, 1)
    assert dated is not None and (dated.date, dated.line) == (dt.date(2020, 10, 1), 4)
    # A "Last updated" line outranks a change log the text also carries.
    mixed = "Last updated: May 1, 2018\n\n* _June 1, 2019:_ later entry\n"
    dated = text_date(None, mixed, 1)
    assert dated is not None and dated.date == dt.date(2018, 5, 1)


def test_decorative_markup_is_set_aside_with_its_lines() -> None:
    body = (
        '<!--\n maintainers\' note\n -->\n\n# Privacy\n\n<figure class="centered">\n'
        '  <img alt="shh" src="{% asset_path shh.png %}">\n</figure>\n\n{% include x.html %}\n'
        "Words stay.\n"
    )
    kept, removed = set_aside(body, 5)
    assert [(r.line, r.end_line, r.what) for r in removed] == [
        (5, 7, "an HTML comment"),
        (11, 13, "a <figure> with a Liquid tag"),
        (15, 15, "a Liquid tag"),
    ]
    assert kept == "\n# Privacy\n\nWords stay.\n"


def test_a_figure_with_a_caption_is_policy_text() -> None:
    body = (
        '<figure>\n<img src="{% asset x %}">\n'
        "<figcaption>We never sell data</figcaption>\n</figure>\n"
    )
    kept, removed = set_aside(body, 1)
    assert removed == () and kept == body


def test_errata_reproduce_the_new_text_and_name_one_place() -> None:
    old = "Privacy\n\nWe keep your data for 30 days.\nWe keep logs for 30 days.\n"
    new = "Privacy\n\nWe keep your data for 60 days.\nWe keep logs for 30 days.\n"
    found = corrections(old, new)
    assert found is not None and len(found) == 1
    assert found[0].before.count("30 days") == 1 and "data" in found[0].before
    assert old.count(found[0].before) == 1


def test_a_rewrite_is_too_large_for_errata() -> None:
    old = "\n".join(f"Clause {n}: the old wording of this clause." for n in range(40)) + "\n"
    new = "\n".join(f"Clause {n}: entirely new terms apply here." for n in range(40)) + "\n"
    assert corrections(old, new) is None


_WORDS = st.lists(st.sampled_from(["data", "we", "keep", "your", "logs", "の", "は", "利用者"]),
                  min_size=1, max_size=30)  # fmt: skip


@given(_WORDS, _WORDS)
def test_errata_apply_as_the_check_applies_them(a: list[str], b: list[str]) -> None:
    old, new = " ".join(a) + "\n", " ".join(b) + "\n"
    found = corrections(old, new)
    if found is None:
        return
    from kaitei.model import Erratum, Span

    errata = tuple(
        Erratum(dt.date(2020, 1, 1), "r", c.before, c.after, Span("x", i + 1))
        for i, c in enumerate(found)
    )
    result, failed = apply_errata(old, errata)
    assert failed == [] and result == new
    assert all(not re.fullmatch(r"\s*", c.before) for c in found)
