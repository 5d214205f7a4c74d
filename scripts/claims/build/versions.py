"""The output folder of `claims build`, switched whole.

OUT/.versions/<id>/ holds one complete build; OUT/current is a symlink to the newest; the names
other code uses (OUT/claims.db, OUT/claims.duckdb, OUT/counts.json, OUT/parquet) are symlinks
through `current`. A build writes OUT/.versions/<id>.partial/, renames it to <id> and then
replaces `current` with one rename(2): a reader sees the whole old set or the whole new set. A
lock refuses a second build into the same folder; the folder is checked (writable, room) before
any slow work.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

OUTPUTS = ("claims.duckdb", "claims.db", "counts.json", "parquet")
VERSIONS = ".versions"
CURRENT = "current"
LOCK = ".build.lock"
PARTIAL = ".partial"
KEEP_VERSIONS = 2  # the current build and the one before (a reader may still be reading it)


class OutputUnusable(Exception):
    """The output folder cannot take a build (busy, read-only, full); the message says what to do."""


@contextmanager
def output_lock(out_dir: Path):
    """Hold OUT/.build.lock (flock) for the whole build; a second build into OUT is refused at
    once. The kernel drops the lock when the process dies, so a killed build never blocks the next."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK, "a+")  # noqa: SIM115  (held for the whole build, closed below)
    except OSError as error:
        raise OutputUnusable(f"cannot write to {out_dir}: {error.strerror}; choose another folder with --out") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise OutputUnusable(
            f"another build is writing into {out_dir} ({holder}): wait for it to finish, or build into another folder with --out"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}\n")
    handle.flush()
    try:
        yield
    finally:
        handle.close()


def needed_bytes(data_dir: Path) -> int:
    """Free space a build needs: its outputs are at most a few times the CSVs, plus DuckDB's
    fixed overhead (an empty database file is about 10 MB)."""
    csv_bytes = sum(path.stat().st_size for path in data_dir.glob("*.csv"))
    return 4 * csv_bytes + 64 * 1024 * 1024


def check_output_folder(out_dir: Path, data_dir: Path) -> None:
    """Before any slow work: the output folder is writable and has room for a build."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".write-test-"):
            pass
    except OSError as error:
        raise OutputUnusable(
            f"cannot write to {out_dir}: {error.strerror}; make it writable or choose another folder with --out"
        ) from None
    free, needed = shutil.disk_usage(out_dir).free, needed_bytes(data_dir)
    if free < needed:
        raise OutputUnusable(
            f"{out_dir} has {free // 2**20} MB free, a build needs about {needed // 2**20} MB: free some space or choose another folder with --out"
        )


def clean_stale(out_dir: Path) -> None:
    """Remove what killed builds left (partial folders, the old layout's leftovers) and versions
    older than the last KEEP_VERSIONS. Runs under the lock."""
    versions = out_dir / VERSIONS
    if not versions.is_dir():
        return
    current = os.readlink(out_dir / CURRENT) if (out_dir / CURRENT).is_symlink() else None
    complete = []
    for entry in versions.iterdir():
        if entry.name.endswith(PARTIAL) or entry.name.startswith("."):
            _remove(entry)
        else:
            complete.append(entry)
    complete.sort(key=lambda entry: entry.name)
    for entry in complete[:-KEEP_VERSIONS]:
        if current != f"{VERSIONS}/{entry.name}":
            shutil.rmtree(entry, ignore_errors=True)
    for leftover in out_dir.glob(".building-*"):  # the layout before versioned folders
        shutil.rmtree(leftover, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def replace_with_symlink(path: Path, target: str) -> None:
    """Make `path` a symlink to `target` in one rename; an old-layout file or folder there is moved
    aside first (once: afterwards these names are symlinks that never change)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    if path.exists() and not path.is_symlink():
        aside = path.parent / VERSIONS / f".old-layout-{path.name}-{os.getpid()}"
        os.replace(path, aside)
    temporary = path.with_name(f".{path.name}.link-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)
