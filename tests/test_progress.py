"""Progress of long commands: rich on a terminal, plain lines in CI and pipes (claims.progress)."""

import io
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from claims.progress import progress

REPO = Path(__file__).resolve().parents[1]


def test_plain_lines_in_a_pipe(capsys):
    with progress("claims thing", Console(file=io.StringIO(), force_terminal=False)) as step:
        step("first step")
        step("second step")
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" (")[0] for line in lines] == ["claims thing: first step", "claims thing: second step"]


def test_a_live_display_on_a_terminal(capsys):
    screen = io.StringIO()
    with progress("claims thing", Console(file=screen, force_terminal=True, width=80)) as step:
        step("first step")
    assert capsys.readouterr().err == ""  # no plain lines: the spinner draws on the terminal instead
    assert screen.getvalue()


def test_validate_reports_each_layer_when_piped():
    result = subprocess.run(
        [sys.executable, "-m", "claims", "validate", "--no-archive", "--layers", "structure,rows"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert "claims validate: structure layer" in result.stderr and "claims validate: rows layer" in result.stderr
