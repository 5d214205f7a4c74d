"""The GitHub workflows are linted here (actionlint), so a broken workflow fails before the first pull request."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from test_archive import TOKEN, store  # noqa: F401  (the loopback store fixture)

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def actionlint() -> str:
    found = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    if not Path(found).exists():
        pytest.fail("actionlint is not installed (it comes with the test dependencies)")
    return found


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow):
    result = subprocess.run([actionlint(), "-no-color", str(workflow)], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n        uses: actions/checkout@v4\n"
    )
    result = subprocess.run([actionlint(), "-no-color", str(broken)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode != 0


def test_the_pull_request_workflow_runs_the_checks():
    text = (REPO / ".github" / "workflows" / "pull-request.yml").read_text()
    for command in (
        "claims diff",
        "--strict-ids",
        "GITHUB_STEP_SUMMARY",
        "claims check",
        "secrets.CLAIMS_ARCHIVE_TOKEN",
        "vars.CLAIMS_ARCHIVE_URL",
    ):
        assert command in text


def check_step() -> dict:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pull-request.yml").read_text())
    return next(step for step in workflow["jobs"]["data"]["steps"] if "claims check" in step.get("run", ""))


def run_check_step(tmp_path, **env) -> tuple[subprocess.CompletedProcess, str]:
    """The workflow's `claims check` step, run by bash as the runner would, with `env` as the
    secrets, variables and event give them; returns the process and the job summary."""
    summary = tmp_path / "summary.md"
    summary.touch()
    result = subprocess.run(
        ["bash", "-e", "-c", check_step()["run"]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            "PATH": f"{REPO / '.venv' / 'bin'}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "CLAIMS_CACHE": str(tmp_path / "cache"),
            "GITHUB_STEP_SUMMARY": str(summary),
            **env,
        },
    )
    return result, summary.read_text()


def test_a_fork_pull_request_says_in_one_line_that_provenance_was_not_checked(project_copy):
    result, summary = run_check_step(
        project_copy, CLAIMS_ARCHIVE="https://store.example/claims", CLAIMS_ARCHIVE_TOKEN="", FROM_FORK="true"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    not_checked = [line for line in summary.splitlines() if line.startswith("Provenance NOT checked")]
    assert len(not_checked) == 1 and "fork" in not_checked[0] and "CLAIMS_ARCHIVE_TOKEN" in not_checked[0]
    assert "::warning title=Provenance not checked::" in result.stdout
    assert (
        summary.splitlines()[-1].startswith("claims check passed")
        and "provenance NOT checked" in summary.splitlines()[-1]
    )


def test_a_pull_request_with_the_secret_reads_the_store(project_copy, store):
    result, summary = run_check_step(
        project_copy, CLAIMS_ARCHIVE=store.url, CLAIMS_ARCHIVE_TOKEN=TOKEN, FROM_FORK="false"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT checked" not in summary
    assert (
        summary.splitlines()[-1].startswith("claims check passed")
        and f"provenance checked against {store.url.rstrip('/')}" in summary
    )


def test_a_refused_token_fails_the_pull_request(project_copy, store):
    result, summary = run_check_step(
        project_copy, CLAIMS_ARCHIVE=store.url, CLAIMS_ARCHIVE_TOKEN="expired", FROM_FORK="false"
    )
    assert result.returncode == 1
    assert "[archive-access-refused]" in result.stdout
    assert summary.splitlines()[-1].startswith("claims check FAILED")


def test_a_version_tag_releases_the_bundle_with_its_checksums():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    trigger = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert trigger["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]
    assert workflow["permissions"] == {"contents": "write"}
    steps = "\n".join(step.get("run", "") for step in workflow["jobs"]["release"]["steps"])
    assert 'claims release "${TAG#v}"' in steps
    assert (
        "gh release create" in steps and 'find "$bundle" -maxdepth 1 -type f' in steps
    )  # every file of the bundle, SHA256SUMS included
    assert "git diff --exit-code -- data/published_ids.csv" in steps
