"""Builds that switch whole: a build killed after any step leaves the whole old set of outputs or
the whole new set, never a mix; a second build into the same folder is refused at once; the output
folder is checked (writable, room) before validation starts."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from claims.build import outputs as build_module
from claims.build import versions as output_folder
from claims.build.outputs import STEPS, build, build_all
from claims.build.versions import KEEP_VERSIONS, OUTPUTS, OutputUnusable, output_lock

pytestmark = pytest.mark.slow  # a build killed after each step, in subprocesses

REPO = Path(__file__).resolve().parents[1]


def signature(out: Path) -> tuple:
    """The places row count as each output sees it: (SQLite, DuckDB, Parquet, counts.json), read
    through the names other code uses. None where an output is missing."""

    def guarded(read):
        try:
            return read()
        except Exception:  # noqa: BLE001 - a missing or broken output reads as None
            return None

    return (
        guarded(
            lambda: (
                sqlite3.connect(f"file:{out / 'claims.db'}?mode=ro", uri=True)
                .execute("SELECT count(*) FROM places")
                .fetchone()[0]
            )
        ),
        guarded(
            lambda: (
                duckdb.connect(str(out / "claims.duckdb"), read_only=True)
                .execute("SELECT count(*) FROM places")
                .fetchone()[0]
            )
        ),
        guarded(
            lambda: (
                duckdb.connect().execute(f"SELECT count(*) FROM '{out / 'parquet' / 'places.parquet'}'").fetchone()[0]
            )
        ),
        guarded(lambda: json.loads((out / "counts.json").read_text())["claims"]["tables"]["places"]["count"]),
    )


# A build that SIGKILLs itself right after the step named in argv[3] (none: an ordinary build).
KILLED_BUILD = """
import os, signal, sys
from pathlib import Path
from claims.build.outputs import build_all

def after_step(name):
    if name == sys.argv[3]:
        os.kill(os.getpid(), signal.SIGKILL)

build_all(Path(sys.argv[1]), Path(sys.argv[2]), after_step=after_step)
"""


def build_in_subprocess(data: Path, out: Path, kill_after: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, str(data), str(out), kill_after or ""], capture_output=True, text=True
    )


@pytest.fixture
def old_and_new(dataset, tmp_path):
    """An output folder holding a build of the curated data (old: 17 places), and a copy of the
    data with one more place (new)."""
    out = tmp_path / "out"
    build_all(REPO / "data", out)
    old = signature(out)
    place = dataset.row("places")
    dataset.append("places", **dict(place, place_id="test-place-added", name="Added place"))
    return out, dataset.dir, old, (old[0] + 1,) * 4


# after these steps a killed build leaves a partial folder, a finished version that is not current,
# or a current version with an older one beside it: the next build must clean each (the other
# steps leave the same leftovers as one of these)
RECOVERY_CHECKED = ("counts", "sealed", "switched")


@pytest.mark.parametrize("step", STEPS)
def test_a_build_killed_after_any_step_leaves_a_whole_set(old_and_new, step):
    out, new_data, old, new = old_and_new
    assert len(set(old)) == 1 and old[0] is not None
    result = build_in_subprocess(new_data, out, kill_after=step)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert signature(out) in (old, new), step
    expected = new if STEPS.index(step) >= STEPS.index("switched") else old
    assert signature(out) == expected
    if step not in RECOVERY_CHECKED:
        return
    # the next build cleans what the killed one left and completes
    assert build_in_subprocess(new_data, out).returncode == 0
    assert signature(out) == new
    versions = sorted(p.name for p in (out / ".versions").iterdir())
    assert not [name for name in versions if name.endswith(".partial") or name.startswith(".")], versions
    assert len(versions) <= KEEP_VERSIONS


def test_a_reader_never_sees_a_mix_while_builds_switch(old_and_new):
    """Builds of alternating data while a reader keeps reading: every reading is one whole set.
    A reader that needs the outputs to agree resolves `current` once and reads through that
    (as the README says); each name alone always points at a whole output."""
    out, new_data, old, new = old_and_new
    builder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys; from pathlib import Path; from claims.build.outputs import build_all\n"
                "for i in range(2): build_all(Path(sys.argv[1 + i % 2]), Path(sys.argv[3]))"
            ),
            str(new_data),
            str(REPO / "data"),
            str(out),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = set()
    while builder.poll() is None:
        if (out / "current").exists():
            seen.add(signature(Path(os.path.realpath(out / "current"))))
    assert builder.returncode == 0, builder.stderr.read()
    assert seen <= {old, new}, seen


def test_old_layout_is_taken_over(tmp_path):
    """A folder built before versioned folders (plain files) becomes the symlinked layout."""
    out = tmp_path / "out"
    build_module.build_outputs(REPO / "data", out)
    build_all(REPO / "data", out)
    for name in OUTPUTS:
        assert (out / name).is_symlink() and (out / name).exists(), name
    assert signature(out)[0] is not None and len(set(signature(out))) == 1


def test_a_second_build_into_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputUnusable, match="another build is writing into"):
            build_all(REPO / "data", out)
        result = subprocess.run(
            [sys.executable, "-m", "claims", "build", "--out", str(out), "--no-archive"], capture_output=True, text=True
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("claims: error: another build is writing into"), (
        result.stderr
    )
    assert "wait for it to finish" in result.stderr and "Traceback" not in result.stderr


def test_two_concurrent_builds_give_one_clear_refusal(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "claims", "build", "--out", str(out), "--no-archive"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / ".build.lock").exists() or not (out / ".build.lock").read_text().strip():
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.05)
    second = subprocess.run(command, capture_output=True, text=True)
    _, first_err = first.communicate(timeout=600)
    assert sorted([first.returncode, second.returncode]) == [0, 1], (first_err, second.stderr)
    assert "another build is writing into" in second.stderr
    assert signature(out)[0] is not None


def test_folder_is_checked_before_validation(tmp_path, monkeypatch):
    """Short of space: refused at once, before the (slow) validation runs."""
    validated = []
    monkeypatch.setattr(build_module, "validate", lambda *a, **k: validated.append(1))
    monkeypatch.setattr(output_folder, "needed_bytes", lambda data_dir: 1 << 62)
    with pytest.raises(OutputUnusable, match="free some space"):
        build(REPO / "data", tmp_path / "out")
    assert validated == []
