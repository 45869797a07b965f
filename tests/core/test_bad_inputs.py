"""The catalogue of broken inputs: each gives exactly the expected diagnostics."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kaitei.check import check_site
from kaitei.cli import main
from kaitei.diagnostics import shown_path

from .bundle import expected, read_bundle, write_site

FIXTURES = Path(__file__).parent.parent / "fixtures"
CASES = sorted((FIXTURES / "bad").glob("*.txt"))
AS_OF = dt.date(2026, 1, 1)


def make_site(tmp_path: Path, case: Path) -> Path:
    write_site(tmp_path, read_bundle(FIXTURES / "base.txt"))
    write_site(tmp_path, read_bundle(case))
    return tmp_path


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 30


def test_base_site_is_clean(tmp_path: Path) -> None:
    write_site(tmp_path, read_bundle(FIXTURES / "base.txt"))
    _, diagnostics = check_site(tmp_path, AS_OF)
    assert [d.format() for d in diagnostics] == []


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_input(case: Path, tmp_path: Path) -> None:
    root = make_site(tmp_path, case)
    _, diagnostics = check_site(root, AS_OF)
    got = [
        f"{shown_path(d.path)}:{d.line}:{d.column}: {d.severity}: {d.message}" for d in diagnostics
    ]
    if os.environ.get("KAITEI_REGEN_GOLDEN"):
        body = case.read_text(encoding="utf-8").split("=== expected ===")[0]
        case.write_text(body + "=== expected ===\n" + "\n".join(got) + "\n", encoding="utf-8")
    assert got == expected(read_bundle(case))
    # Every problem tells the editor what to do and shows the line it is about.
    for d in diagnostics:
        assert d.hint or d.severity == "warning", d
        assert d.line >= 1 and d.column >= 1


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_input_exit_code(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_site(tmp_path, case)
    monkeypatch.chdir(root)
    lines = expected(read_bundle(case))
    has_error = any(": error: " in line for line in lines)
    code = main(["check", "--as-of", AS_OF.isoformat()])
    out = capsys.readouterr().out
    assert code == (1 if has_error else 0)
    assert "Traceback" not in out
    for line in lines:
        path, line_no = line.split(":")[:2]
        assert f"{path}:{line_no}:" in out
    # --strict turns warnings into failure; a note never fails.
    fails_strict = any(": error: " in line or ": warning: " in line for line in lines)
    assert main(["check", "--strict", "--as-of", AS_OF.isoformat()]) == (1 if fails_strict else 0)
