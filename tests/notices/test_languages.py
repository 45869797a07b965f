"""Languages kept in step: a unit reworded in one language only gets a warning naming both."""

from __future__ import annotations

from pathlib import Path

from kaitei.check import check_site

from .conftest import AS_OF
from .test_check_levels import edit, next_version

JA = "content/privacy/2021-04-01/ja.md"
EN = "content/privacy/2021-04-01/en.md"


def warnings(root: Path) -> list[str]:
    _, diagnostics = check_site(root, AS_OF)
    return [
        d.format() for d in diagnostics if d.code in ("languages-out-of-step", "acknowledge-unused")
    ]


def line_of(root: Path, rel: str, words: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").split("\n")
    return next(n for n, line in enumerate(lines, 1) if words in line)


def test_a_change_in_japanese_only_warns_naming_both_lines(content_copy: Path) -> None:
    next_version(content_copy)
    assert warnings(content_copy) == []
    edit(content_copy, JA, "利用者情報の漏洩、滅失", "利用者情報の漏えい、滅失")
    [warning] = warnings(content_copy)
    ja_line = line_of(content_copy, JA, "漏えい")
    en_line = line_of(content_copy, EN, "To prevent the leakage")
    assert warning.startswith(f"{JA}:{ja_line}:1: warning: paragraph art-10-para-1")
    assert (
        "changed in ja from 2020-10-01 to 2021-04-01, but its en counterpart at "
        f"{EN}:{en_line} did not" in warning
    )
    assert "languages-in-step: <why only ja changed>" in warning


def test_a_change_in_english_only_warns_too(content_copy: Path) -> None:
    next_version(content_copy)
    edit(content_copy, EN, "Please send opinions", "Please address opinions")
    [warning] = warnings(content_copy)
    assert warning.startswith(f"{EN}:{line_of(content_copy, EN, 'Please address')}:1: warning:")
    assert (
        f"but its ja counterpart at {JA}:{line_of(content_copy, JA, '下記お問い合わせ窓口')}"
        in warning
    )


def test_the_same_change_in_both_languages_is_in_step(content_copy: Path) -> None:
    next_version(content_copy)
    edit(content_copy, JA, "Tel : 03-5361-7261", "Tel : 03-0000-0001")
    edit(content_copy, EN, "Tel: 03-5361-7261", "Tel: 03-0000-0001")
    assert warnings(content_copy) == []


def test_acknowledge_silences_it_with_a_reason_and_warns_when_unused(content_copy: Path) -> None:
    next_version(content_copy)
    edit(content_copy, JA, "利用者情報の漏洩、滅失", "利用者情報の漏えい、滅失")
    reason = "languages-in-step: 日本語版の表記のみを改めた"
    edit(content_copy, JA, "change: editorial\n", f"change: editorial\nacknowledge:\n  {reason}\n")
    assert warnings(content_copy) == []
    edit(content_copy, JA, "利用者情報の漏えい、滅失", "利用者情報の漏洩、滅失")
    [unused] = warnings(content_copy)
    assert "'acknowledge' names 'languages-in-step', but every change of 2021-04-01" in unused
