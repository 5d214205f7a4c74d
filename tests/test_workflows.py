"""The GitHub workflows are linted here (actionlint), so a broken workflow fails before the first pull request."""

import fnmatch
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import STORE_TOKEN, Dataset, copy_repository, git

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


def pull_request_workflow() -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / "pull-request.yml").read_text())


def check_step() -> dict:
    return next(
        step for step in pull_request_workflow()["jobs"]["data"]["steps"] if "claims check" in step.get("run", "")
    )


def test_the_check_step_annotates_the_changed_lines_and_uploads_sarif():
    """The findings go to the pull request's lines: annotations (github format, the changed lines
    first, every finding in the job summary) and a SARIF file that the next step uploads."""
    run = check_step()["run"]
    commands = [line.strip() for line in run.splitlines() if line.strip().startswith(".venv/bin/claims check")]
    github = next(command for command in commands if "--format github" in command)
    assert '--summary "$GITHUB_STEP_SUMMARY"' in github
    assert 'options+=(--changed-since "$BASE_SHA")' in run
    assert check_step()["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    sarif_file = next(command for command in commands if "--format sarif" in command).split("> ", 1)[1].split()[0]
    upload = next(
        step
        for step in pull_request_workflow()["jobs"]["data"]["steps"]
        if step.get("uses", "").startswith("github/codeql-action/upload-sarif")
    )
    assert upload["with"]["sarif_file"] == sarif_file and sarif_file in upload["if"]


def test_the_pull_request_workflow_runs_on_every_file_claims_check_reads():
    """A pull request that edits only a generated file (datapackage.json, scripts/claims/site/metadata.json,
    docs/cli.md) or what one is generated from still runs claims check."""
    from claims.cli import cli_reference
    from claims.generate import generated_files

    patterns = pull_request_workflow()[True]["pull_request"]["paths"]  # YAML 1.1 reads `on` as true
    read = [path.relative_to(REPO).as_posix() for path in generated_files(REPO, cli_reference())]
    read += ["data/statements.csv", "schema/tables.py", "scripts/claims/check.py", "CITATION.cff", "pyproject.toml"]
    read += ["data/releases.csv", "CHANGELOG.md"]  # the release records, and the sections held to them
    for path in read:
        assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), path


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


@pytest.mark.slow
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


@pytest.mark.slow
def test_a_pull_request_with_the_secret_reads_the_store(project_copy, store):
    result, summary = run_check_step(
        project_copy, CLAIMS_ARCHIVE=store.url, CLAIMS_ARCHIVE_TOKEN=STORE_TOKEN, FROM_FORK="false"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NOT checked" not in summary
    assert (
        summary.splitlines()[-1].startswith("claims check passed")
        and f"provenance checked against {store.url.rstrip('/')}" in summary
    )


@pytest.mark.slow
def test_a_refused_token_fails_the_pull_request(project_copy, store):
    result, summary = run_check_step(
        project_copy, CLAIMS_ARCHIVE=store.url, CLAIMS_ARCHIVE_TOKEN="expired", FROM_FORK="false"
    )
    assert result.returncode == 1
    assert "[archive-access-refused]" in result.stdout
    assert summary.splitlines()[-1].startswith("claims check FAILED")


def test_a_version_tag_releases_the_bundle_of_that_release():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    trigger = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert trigger["push"]["tags"] == ["v[0-9]+.[0-9]+.[0-9]+"]
    assert workflow["permissions"] == {"contents": "write"}
    steps = workflow["jobs"]["release"]["steps"]
    assert (
        steps[0]["uses"].startswith("actions/checkout") and steps[0]["with"]["fetch-depth"] == 0
    )  # tags, for delta.json
    run = "\n".join(step.get("run", "") for step in steps)
    # the tagged release's bundle, writing nothing in data/; every file the command prints is attached
    # (tests/test_release.py holds that list to the README's table)
    assert 'claims release "${TAG#v}" --rebuild > "$RUNNER_TEMP/assets"' in run
    assert 'gh release create "$TAG" "${assets[@]}"' in run and "RELEASE_NOTES.md" in run


@pytest.mark.slow
def test_findings_beyond_the_annotations_github_shows_are_summarised(tmp_path):
    """With more findings than GitHub annotates, the one on the line the pull request changed is
    annotated first, the rest are counted in a warning, the job summary lists them all, and the
    SARIF file holds every one."""
    root = copy_repository(tmp_path / "repo")
    (root / ".venv").symlink_to(REPO / ".venv")  # the workflow's set-up step, done
    data = Dataset.at(root / "data")
    for place in data.read("places")[1][:11]:  # findings of the base branch, in a file listed before statements.csv
        data.edit("places", {"place_id": place["place_id"]}, place_type="planet")
    git(root, "commit", "-q", "-am", "a base branch with findings")
    line = data.edit(
        "statements", {"statement_id": data.read("statements")[1][-1]["statement_id"]}, statement_type="rumour"
    )
    result, summary = run_check_step(root, CLAIMS_ARCHIVE="", FROM_FORK="true", BASE_SHA="main")
    assert result.returncode == 1
    annotations = [out for out in result.stdout.splitlines() if out.startswith("::error ")]
    assert len(annotations) == 10
    assert annotations[0].startswith(f"::error file=data/statements.csv,line={line},title=[enum]::")
    assert "::warning title=Findings not annotated::12 findings" in result.stdout
    listed = [row for row in summary.splitlines() if row.startswith("| annotated") or row.startswith("| not annotated")]
    assert len(listed) == 12 and sum(row.startswith("| not annotated") for row in listed) == 2
    assert "2 not annotated" in summary and summary.splitlines()[-1].startswith("claims check FAILED")
    log = json.loads((root / "claims.sarif").read_text(encoding="utf-8"))
    assert len(log["runs"][0]["results"]) == 12
