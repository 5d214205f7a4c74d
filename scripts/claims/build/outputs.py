"""`claims build`: the typed DuckDB database, Parquet files and the SQLite database that Datasette
serves, from the tables and archived texts as validation read them.

Steps, each a function of a writer module: the typed DuckDB tables (schema DDL, keys, comments)
→ the views (queries/views/) → Parquet → SQLite (keys, indexes, full-text search, the same
views) → Datasette's inspect file. Everything is written to a new versioned folder and made
current in one atomic step (claims.build.versions), under a lock that refuses a second build
into the same folder.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from claims import project
from claims.archive import Location
from claims.build.parquet import export_parquet
from claims.build.sqlite import inspect_counts, write_sqlite
from claims.build.tables import CsvTables, TableSource, create_views, load_duckdb, open_duckdb_file, record_version
from claims.build.versions import (
    CURRENT,
    OUTPUTS,
    PARTIAL,
    VERSIONS,
    check_output_folder,
    clean_stale,
    output_lock,
    replace_with_symlink,
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


# The steps a build reports to `after_step` as each ends (tests kill the build there).
STEPS = ("locked", "duckdb", "parquet", "sqlite", "counts", "sealed", "linked", "switched", "cleaned")


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
        replace_with_symlink(out_dir / name, f"{CURRENT}/{name}")
    after_step("linked")
    replace_with_symlink(out_dir / CURRENT, f"{VERSIONS}/{version}")  # the one switch
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
