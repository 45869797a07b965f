"""Hostile and careless input around the files themselves: links, folder names, YAML settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.diagnostics import Collector
from kaitei.frontmatter import load_mapping, parse_front_matter

from .bundle import read_bundle, write_site

FIXTURES = Path(__file__).parent.parent / "fixtures"
AS_OF = "2026-01-01"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    write_site(root, read_bundle(FIXTURES / "base.txt"))
    monkeypatch.chdir(root)
    return root


def test_a_folder_name_ending_in_a_space_is_quoted(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (site / "content" / "p").rename(site / "content" / "p ")
    assert main(["check", "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert '"content/p ":1:1: error:' in out
    assert "\ncontent/p " not in out and not out.startswith("content/p ")


def test_a_symlink_to_a_secret_shows_nothing_of_it(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\nroot:x:0:0:SECRET-LINE\n---\n", encoding="utf-8")
    (site / "content/p/2021-01-01").mkdir()
    (site / "content/p/2021-01-01/ja.md").symlink_to(secret)
    assert main(["check", "--as-of", AS_OF]) == 1
    out = capsys.readouterr().out
    assert "SECRET-LINE" not in out and "root:x" not in out
    assert (
        "content/p/2021-01-01/ja.md:1:1: error: 'content/p/2021-01-01/ja.md' is a symbolic " in out
    )


def test_a_symlinked_document_yml_is_refused(site: Path) -> None:
    real = site / "content/p/document.yml"
    (site / "document.yml").write_bytes(real.read_bytes())
    real.unlink()
    real.symlink_to("../../document.yml")
    _, diagnostics = check_site(site, dt.date(2026, 1, 1))
    assert [d.code for d in diagnostics] == ["symlink"]


def test_foreign_front_matter_keys_are_kept_aside_and_never_fatal(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "title: Privacy\nlayout: page\neffective: 2020-01-01\nchange: editorial\n"
        "redirect_from:\n  - /privacy.html\n  - /legal/\nversions: [1, 2]\n"
    )
    out = Collector()
    data = load_mapping(text, "x.md", 2, out)
    assert data is not None
    meta = parse_front_matter(data, "x.md", 2, out, authoritative=True)
    assert meta is not None
    assert meta.foreign == (
        ("layout", "layout: page"),
        ("redirect_from", "redirect_from:\n  - /privacy.html\n  - /legal/"),
        ("title", "title: Privacy"),
        ("versions", "versions: [1, 2]"),
    )
    assert [(d.severity, d.code) for d in out.items] == [("note", "frontmatter-foreign-key")] * 4
    page = site / "content/p/2020-01-01/ja.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("---\n", "---\ntitle: x\nlayout: y\n", 1),
        encoding="utf-8",
    )
    assert main(["check", "--strict", "--as-of", AS_OF]) == 0
    assert "0 error(s), 0 warning(s), 2 note(s)" in capsys.readouterr().out


def test_a_misspelt_time_zone_stops_the_build_with_file_and_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = site / "content/p/document.yml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace("Asia/Tokyo", "Asia/Tokio"), encoding="utf-8"
    )
    code = main(["build", "--as-of", AS_OF])
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert code == 1
    assert "Traceback" not in printed
    assert "content/p/document.yml:5:1: error: unknown time zone 'Asia/Tokio'" in printed
    assert "did you mean 'Asia/Tokyo'?" in printed
    assert not (site / "build/site").exists()


def test_an_alias_bomb_in_a_date_prints_a_short_diagnostic() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefgh":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines.append("effective: [" + ", ".join(["*h"] * 9) + "]")
    out = Collector()
    assert load_mapping("\n".join(lines), "x.md", 2, out) is None
    assert [d.format() for d in out.items] == [
        "x.md:3:8: error: the YAML alias *a is not allowed\n"
        "  hint: write the value out in full: aliases (&name, *name) are not read here"
    ]


def test_a_line_separator_inside_a_value_does_not_shift_line_numbers() -> None:
    # YAML ends lines at U+2028 too; the file (and the editor) do not.
    data = load_mapping('summary: "a\u2028b"\nchnage: editorial\n', "x.md", 2, Collector())
    assert data is not None and (data["chnage"].line, data["chnage"].column) == (3, 1)
    out = Collector()
    assert load_mapping('summary: "a\u2028b"\nc: [1\n', "x.md", 2, out) is None
    assert [(d.line, d.code) for d in out.items] == [(4, "yaml-syntax")]
