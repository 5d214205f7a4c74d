"""Where the toolchain finds the data repository (claims/project.py) when something is off: a
removed working directory, a folder that only looks like a project, a command that needs the
project before it writes anything. Each is a usage error (exit 2), never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims import project
from claims.cli import cli
from helpers import run_claims

REPO = Path(__file__).resolve().parents[1]


def assert_usage_error(result: subprocess.CompletedProcess) -> None:
    """Exit 2 with one line of advice, never exit 3 ("this is a bug") or a traceback."""
    assert "Traceback" not in result.stderr and "this is a bug" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr


def test_deleted_working_directory_is_a_usage_error(tmp_path):
    """F2: find_project() calls Path.cwd(), which raises FileNotFoundError in a removed folder."""
    gone = tmp_path / "gone"
    gone.mkdir()
    code = "import os, sys, runpy; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); sys.argv = ['claims', 'stats']; runpy.run_module('claims', run_name='__main__')"
    result = subprocess.run([sys.executable, "-c", code, str(gone)], capture_output=True, text=True)
    assert_usage_error(result)


def test_generate_check_on_a_minimal_project_is_a_usage_error(tmp_path):
    """F3: a folder with datapackage.json and data/ is a project, but generate needs pyproject.toml."""
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "datapackage.json", tmp_path / "datapackage.json")
    assert_usage_error(run_claims("--project", str(tmp_path), "generate", "--check"))


def test_synth_outside_a_project_writes_nothing_or_succeeds(tmp_path):
    """F4: synth fails for want of a project only after writing data/ and archive/."""
    out = tmp_path / "s"
    result = run_claims("synth", "--statements", "50", "--out", str(out), cwd=tmp_path, env={"CLAIMS_PROJECT": ""})
    assert result.returncode == 0 or not out.exists(), (result.returncode, sorted(p.name for p in out.iterdir()))


def test_a_datapackage_folder_is_not_a_project(tmp_path):
    (tmp_path / "datapackage.json").mkdir()
    (tmp_path / "data").mkdir()
    assert_usage_error(run_claims("--project", str(tmp_path), "stats"))


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_project_given_to_a_command_holds_for_that_command_only(project_copy, tmp_path_factory, monkeypatch, where):
    """--project is kept in the command's click context: the next command, run in the same process
    from a folder that is no project, finds none."""
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    monkeypatch.delenv("CLAIMS_PROJECT", raising=False)
    runner = CliRunner()
    option = ["--project", str(project_copy)]
    given = runner.invoke(cli, option + ["stats"] if where == "before" else ["stats"] + option)
    assert given.exit_code == 0, given.output
    after = runner.invoke(cli, ["stats"])
    assert after.exit_code == 2 and "no claims project" in after.output, after.output
    with pytest.raises(project.ProjectNotFound):
        project.current()
