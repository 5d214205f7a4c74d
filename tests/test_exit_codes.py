"""Exit codes that tell the truth: a full disk, a read-only output folder, a busy port, a closed
pipe, an unknown source or a missing data folder exit 1 or 2 with one line saying what to do;
exit 3 ("a bug in claims") is for bugs only. Third-party prints never mix with findings."""

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.build import versions
from claims.cli import cli

pytestmark = pytest.mark.rules

REPO = Path(__file__).resolve().parents[1]
FINDING = re.compile(r"^[^:\n]+\.csv:\d+: [^:\n]+: \[[a-z0-9-]+\] .+$")


def run_claims(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claims", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
        **kwargs,
    )


def one_clear_line(stderr: str) -> str:
    """The last line of stderr, checked to be advice and not a bug report or traceback."""
    assert "Traceback" not in stderr and "this is a bug" not in stderr, stderr
    return stderr.strip().splitlines()[-1]


@contextmanager
def tmpfs(folder: Path, size: str, read_only: bool = False):
    """A small RAM file system at `folder` (a real full disk, a real read-only folder); the test
    is skipped where mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_read_only_output_folder_is_refused_before_validation(tmp_path):
    folder = tmp_path / "ro"
    if os.geteuid() == 0:
        context = tmpfs(folder, "1m", read_only=True)
    else:
        folder.mkdir()
        folder.chmod(0o555)
        context = contextmanager(lambda: (yield folder))()
    with context:
        started = time.monotonic()
        result = run_claims("build", "--out", str(folder), "--no-archive")
        seconds = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    line = one_clear_line(result.stderr)
    assert line.startswith("claims: error: cannot write to") and "--out" in line
    assert seconds < 10  # before the validation (which takes tens of seconds)


def test_full_disk_before_the_build_is_refused_before_validation(tmp_path):
    with tmpfs(tmp_path / "small", "8m") as folder:
        result = run_claims("build", "--out", str(folder), "--no-archive")
    assert result.returncode == 1
    line = one_clear_line(result.stderr)
    assert "MB free, a build needs about" in line and "free some space" in line


def test_full_disk_during_the_build_exits_1_with_advice(tmp_path, monkeypatch):
    """The space check passes (told a build needs nothing) but the disk fills while writing."""
    monkeypatch.setattr(versions, "needed_bytes", lambda data_dir: 0)
    with tmpfs(tmp_path / "small", "3m") as folder:
        result = CliRunner().invoke(cli, ["build", "--out", str(folder), "--no-archive"])
        leftovers = [p.name for p in (folder / ".versions").iterdir()] if (folder / ".versions").exists() else []
    assert result.exit_code == 1, result.output
    line = one_clear_line(result.output)
    assert line.startswith("claims: error: the disk is full") and "free some space" in line
    assert leftovers == []  # the partial build was removed


def test_busy_port_is_refused_before_building_and_before_saying_it_serves(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = run_claims("serve", "--port", str(port), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr and "--port 0" in result.stderr
    assert "serving" not in result.stderr
    assert not (tmp_path / "out").exists() and time.monotonic() - started < 10


def test_locate_into_a_closed_pipe_exits_quietly(archive):
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already gone
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "claims",
                "locate",
                "fortune-2025-11-25-witkoff-advised-russia",
                "the",
                "--archive",
                str(archive),
            ],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr == ""


def test_coverage_of_an_unknown_source_is_a_usage_error(archive):
    result = run_claims("coverage", "no-such-source", "--archive", str(archive))
    assert result.returncode == 2
    assert "'no-such-source' is not a source_id" in result.stderr and "use one that exists: " in result.stderr


def test_locate_in_an_unknown_source_is_a_usage_error(archive):
    result = run_claims("locate", "no-such-source", "words", "--archive", str(archive))
    assert result.returncode == 2 and "is not a source_id" in result.stderr


def test_locate_without_words_is_a_usage_error(archive):
    result = run_claims("locate", "fortune-2025-11-25-witkoff-advised-russia", "  ", "--archive", str(archive))
    assert result.returncode == 2 and "WORDS is empty" in result.stderr


@pytest.mark.parametrize("args", [("stats", "--data", "missing/"), ("stats", "--data", "{tmp}")])
def test_stats_without_data_is_a_usage_error(tmp_path, args):
    result = run_claims(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2, result.stderr
    assert "--data" in result.stderr and "Traceback" not in result.stderr


def test_third_party_prints_never_mix_with_findings(dataset):
    """edtf prints "trying to PartialUnspecified…" to stdout for "2025-1X": stdout holds findings only."""
    dataset.edit("statements", {"statement_id": "st-007"}, date="2025-1X")
    result = run_claims("validate", "--data", str(dataset.dir), "--no-archive", "--layers", "structure,rows")
    assert result.returncode == 1
    assert "trying to" not in result.stdout + result.stderr
    assert result.stdout.strip() and all(
        FINDING.match(line) or line.startswith("  ") for line in result.stdout.splitlines()
    ), result.stdout
