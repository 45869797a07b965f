"""`kaitei diff` on the sample: output formats, colors, and the errors a user can make."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kaitei.cli import main
from kaitei.diff.changeset import changeset
from kaitei.diffout.markdown import MAX_COMMENT, render_markdown

from .conftest import ROOT, write_document

ARGS = ["diff", "privacy", "2017-08-23", "2020-10-01", "--root", str(ROOT)]


def test_text_shows_the_expected_changes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out  # not a terminal: no colors
    assert "+ 第8条 (行動ターゲティング広告)  (新設)" in out
    assert "# 第8条 → 第9条 (統計データ)  (繰下げ)" in out
    assert "~ 第12条 → 第13条（お問い合わせ）  (改正・繰下げ)" in out
    assert "+ 表「第三者提供」の行  (新設)" in out
    assert "+ 第2項  (新設)" in out
    assert "[-カスタマーサポート窓口-]{+クライアントサポート室+}" in out


def test_color_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*ARGS, "--color", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[32;4m and Anonymous IDs\x1b[0m" in out


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_other_formats(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert main([*ARGS, "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "json":
        assert json.loads(out)["counts"]["renumbered"] == 2
    elif fmt == "markdown":
        assert out.startswith("### privacy: 2017-08-23 → 2020-10-01 (ja)")
    else:
        assert '<table class="kt-taisho kt-new-left">' in out and "kt-redline" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "nope", "2017-08-23", "2020-10-01"], "documents: privacy"),
        (
            ["diff", "privacy", "2017-08-23", "2019-01-01"],
            "versions of privacy: 2017-08-23, 2020-10-01",
        ),
        (
            ["diff", "privacy", "2017-08-23", "2020-10-01", "--lang", "fr"],
            "languages of both versions: ja, en",
        ),
    ],
)
def test_unknown_names_exit_2_with_the_choices(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main([*args, "--root", str(ROOT)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_markdown_stays_within_a_comment(tmp_path: Path) -> None:
    body = "".join(
        f"## 第{n}条（条{n}）\n\n{'当社は、利用者情報を適切に取り扱います。' * 40}\n\n"
        for n in range(1, 80)
    )
    document = write_document(
        tmp_path,
        {
            "2020-01-01": {"ja": "# T\n\n" + body},
            "2021-01-01": {"ja": "# T\n\n" + body.replace("適切に", "安全に")},
        },
    )
    text = render_markdown(changeset(document, "2020-01-01", "2021-01-01", "ja"))
    assert len(text) <= MAX_COMMENT
    assert text.endswith("</details>\n\n…\n")
    assert text.count("<details>") == text.count("</details>")
