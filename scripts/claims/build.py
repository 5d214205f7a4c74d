"""`claims build`: the typed DuckDB database, Parquet files and the SQLite database that Datasette
serves, all from the validated CSVs.

Steps, each a function of claims.database: load the CSVs into typed DuckDB tables (schema DDL,
keys, comments) → create the views (queries/views/) → export Parquet → write SQLite (keys,
indexes, full-text search, the same views). Everything is written to a new versioned folder and
made current in one atomic step (see "Switching whole" below), under a lock that refuses a second
build into the same folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from claims import project
from claims.archive import Location
from claims.database import (
    CsvTables,
    TableSource,
    create_views,
    export_parquet,
    inspect_counts,
    load_duckdb,
    open_duckdb_file,
    record_version,
    write_sqlite,
)
from claims.validate import Run, validate
from claims.version import DataVersion, data_version


class BuildRefused(Exception):
    """The data did not validate; nothing was built."""


@dataclass
class BuildResult:
    out_dir: Path
    outputs: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    # wall seconds of each step (what the bench prints)
    seconds: dict[str, float] = field(default_factory=dict)


@contextmanager
def _timed(result: BuildResult, name: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        result.seconds[name] = time.perf_counter() - start


# --- Switching whole -------------------------------------------------------------------------
#
# OUT/.versions/<id>/ holds one complete build; OUT/current is a symlink to the newest; the names
# other code uses (OUT/claims.db, OUT/claims.duckdb, OUT/counts.json, OUT/parquet) are symlinks
# through `current`. A build writes OUT/.versions/<id>.partial/, renames it to <id> and then
# replaces `current` with one rename(2): a reader sees the whole old set or the whole new set.

OUTPUTS = ("claims.duckdb", "claims.db", "counts.json", "parquet")
VERSIONS = ".versions"
CURRENT = "current"
LOCK = ".build.lock"
PARTIAL = ".partial"
KEEP_VERSIONS = 2  # the current build and the one before (a reader may still be reading it)
# The steps a build reports to `after_step` as each ends (tests kill the build there).
STEPS = ("locked", "duckdb", "parquet", "sqlite", "counts", "sealed", "linked", "switched", "cleaned")


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


def _replace_with_symlink(path: Path, target: str) -> None:
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


def no_step(name: str) -> None:
    """What a build does between steps unless told otherwise: nothing."""


def _write_outputs(
    tables: TableSource,
    folder: Path,
    result: BuildResult,
    step: Callable[[str], None],
    after_step: Callable[[str], None],
    version: DataVersion,
) -> None:
    """Every output into `folder` (a fresh, empty folder) from `tables`, stamped with `version`."""
    step("duckdb")
    con = open_duckdb_file(folder / "claims.duckdb")
    try:
        with _timed(result, "duckdb"):
            result.rows = load_duckdb(con, tables)
            record_version(con, version)
            create_views(con)
        after_step("duckdb")
        step("parquet")
        with _timed(result, "parquet"):
            export_parquet(con, folder / "parquet", version)
        after_step("parquet")
        step("sqlite")
        with _timed(result, "sqlite"):
            write_sqlite(con, folder / "claims.db", tables.archived_lengths, version)
    finally:
        con.close()
    after_step("sqlite")
    step("counts")
    with _timed(result, "counts"):
        inspect_counts(folder / "claims.db", folder / "counts.json")
    after_step("counts")


def build_outputs(
    data_dir: Path,
    folder: Path,
    archive_dir: Location | None = None,
    progress=None,
    version: DataVersion | None = None,
    tables: TableSource | None = None,
) -> BuildResult:
    """Write every output into `folder` as plain files (what a release bundles, stamped with its
    version; default: the version of the data as it is now), from `tables` (default: the CSVs in
    `data_dir` and the texts in `archive_dir`, read here)."""
    folder.mkdir(parents=True, exist_ok=True)
    result = BuildResult(folder)
    _write_outputs(
        tables or CsvTables(data_dir, archive_dir),
        folder,
        result,
        progress or no_step,
        no_step,
        version or data_version(project.current(), data_dir),
    )
    result.outputs = [folder / name for name in OUTPUTS]
    return result


def _build_and_switch(
    tables: TableSource, data_dir: Path, out_dir: Path, progress, after_step: Callable[[str], None]
) -> BuildResult:
    """Under the lock: build a new version beside the current one, then switch to it in one step."""
    after_step("locked")
    clean_stale(out_dir)
    versions = out_dir / VERSIONS
    versions.mkdir(exist_ok=True)
    version = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{time.time_ns() % 10**9:09d}-{os.getpid()}"
    partial = versions / f"{version}{PARTIAL}"
    result = BuildResult(out_dir)
    try:
        partial.mkdir()
        stamp = data_version(project.current(), data_dir)
        _write_outputs(tables, partial, result, progress or no_step, after_step, stamp)
        os.replace(partial, versions / version)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    after_step("sealed")
    for name in OUTPUTS:  # static symlinks through `current`: in place after the first build
        _replace_with_symlink(out_dir / name, f"{CURRENT}/{name}")
    after_step("linked")
    _replace_with_symlink(out_dir / CURRENT, f"{VERSIONS}/{version}")  # the one switch
    after_step("switched")
    clean_stale(out_dir)
    after_step("cleaned")
    result.outputs = [out_dir / name for name in OUTPUTS]
    return result


def build_all(
    data_dir: Path,
    out_dir: Path,
    archive_dir: Location | None = None,
    progress=None,
    after_step: Callable[[str], None] = no_step,
) -> BuildResult:
    """Build every output from CSVs that are already known to validate, and make them current
    together. Raises OutputUnusable if another build holds the folder. `after_step` is told each
    of STEPS as it ends."""
    with output_lock(out_dir):
        return _build_and_switch(CsvTables(data_dir, archive_dir), data_dir, out_dir, progress, after_step)


def build(
    data_dir: Path,
    out_dir: Path,
    archive_dir: Location | None = None,
    progress=None,
    validation_progress=None,
    after_step: Callable[[str], None] = no_step,
) -> tuple[Run, BuildResult]:
    """Check the output folder, validate, then build from the tables and texts as validation read
    them (the data is read once); raise BuildRefused with the validation run if the data has
    findings, OutputUnusable if the folder is busy, read-only or full."""
    with output_lock(out_dir):
        check_output_folder(out_dir, data_dir)
        run = validate(data_dir, archive_dir, progress=validation_progress, keep_cells=True)
        if not run.ok:
            raise BuildRefused(run)
        return run, _build_and_switch(run, data_dir, out_dir, progress, after_step)
