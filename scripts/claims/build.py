"""`claims build`: the typed DuckDB database, Parquet files and the SQLite database that Datasette
serves, all from the validated CSVs.

Steps, each a function: load the CSVs into typed DuckDB tables (schema DDL, keys, comments) →
create the views (queries/views/) → export Parquet → write SQLite with sqlite-utils (keys,
indexes, full-text search, the same views). Everything is written to a new versioned folder and
made current in one atomic step (see "Switching whole" below), under a lock that refuses a second
build into the same folder.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from claims.archive import Archive
from claims.generate import DUCKDB_TYPES, REPO, declarable_foreign_keys, sql_ddl, table_schema
from claims.schema import TABLES, Row
from claims.schema.dialect import duckdb_read_csv

VIEWS_DIR = REPO / "queries" / "views"
DERIVED_DIR = REPO / "queries" / "derived"
SQLITE_TYPES = {"string": str, "integer": int, "boolean": int, "date": str}
# Full-text search: the columns people search for words in.
FTS_COLUMNS = {"statements": ["text"], "attestations": ["excerpt"], "actors": ["name", "aliases", "role"], "events": ["title", "description"]}


class BuildRefused(Exception):
    """The data did not validate; nothing was built."""


@dataclass
class BuildResult:
    out_dir: Path
    outputs: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def field_types(model: type[Row]) -> dict[str, str]:
    """Column name → frictionless type, from the generated Table Schema."""
    return {f["name"]: f["type"] for f in table_schema(model)["fields"]}


def views() -> list[tuple[str, str]]:
    """(name, CREATE VIEW statement) for each file in queries/views/, in name order."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(VIEWS_DIR.glob("*.sql"))]


MATERIALIZE = re.compile(r"^-- materialize in SQLite, indexed on: (.+)$", re.M)


def materialize_view(db, name: str, statement: str) -> None:
    """A view whose file says `-- materialize in SQLite, indexed on: COLUMNS` becomes a table of its
    rows in the published SQLite (which never changes once built), with an index on those columns:
    a lookup by key then reads a few rows instead of recomputing the view over every actor. Done
    right after the view is created, so that the views after it read the table."""
    found = MATERIALIZE.search(statement)
    if found:
        columns = [column.strip() for column in found.group(1).split(",")]
        db.execute(f"CREATE TABLE _{name} AS SELECT * FROM {name}")
        db.execute(f"DROP VIEW {name}")
        db.execute(f"ALTER TABLE _{name} RENAME TO {name}")
        db.execute(f"CREATE INDEX idx_{name}_{'_'.join(columns)} ON {name} ({', '.join(columns)})")


# The on-disk format claims.duckdb is written in: DuckDB 1.0 and every later version read it
# (the format of the DuckDB that writes, 2.x, cannot be read by 1.x). tests/test_readme_duckdb.py
# checks the file's version number.
DUCKDB_STORAGE_VERSION = "v1.0.0"


def open_duckdb_file(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is a new file at `path`, in DUCKDB_STORAGE_VERSION."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{path.as_posix().replace(chr(39), chr(39) * 2)}' AS claims (STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}')")
    con.execute("USE claims")
    return con


def load_duckdb(con: duckdb.DuckDBPyConnection, data_dir: Path) -> dict[str, int]:
    """Create the typed tables from the schema's DDL and fill them from the CSVs, sorted by key."""
    con.execute(sql_ddl())
    counts = {}
    for model in TABLES:
        name, types = model.meta.name, field_types(model)
        casts = ", ".join(f"CAST({column} AS {DUCKDB_TYPES[kind]}) AS {column}" for column, kind in types.items())
        con.execute(f"INSERT INTO {name} SELECT {casts} FROM {duckdb_read_csv(data_dir / f'{name}.csv', list(types))} ORDER BY {', '.join(model.meta.primary_key)}")
        (counts[name],), = con.execute(f"SELECT count(*) FROM {name}").fetchall()  # fetched whole: no result left open
    return counts


def create_views(con) -> None:
    for _name, statement in views():
        con.execute(statement)


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    """One Parquet file a table, rows in key order: load_duckdb inserted them sorted by key and a
    scan keeps insertion order (preserve_insertion_order), so they are not sorted again."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for model in TABLES:
        path = folder / f"{model.meta.name}.parquet"
        con.execute(
            f"COPY (SELECT * FROM {model.meta.name}) "
            f"TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
        )
        written.append(path)
    return written


def _sqlite_columns(model: type[Row]) -> str:
    """The SELECT list that gives a table's rows as SQLite stores them: dates as ISO text."""
    return ", ".join(f"CAST({column} AS VARCHAR) AS {column}" if kind == "date" else column for column, kind in field_types(model).items())


def _copy_rows(con: duckdb.DuckDBPyConnection, db, name: str, model: type[Row]) -> None:
    """Every row of a DuckDB table into the SQLite table of the same name, a batch of Arrow
    columns at a time (no dict per row, bounded memory)."""
    columns = list(field_types(model))
    insert = f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' for _ in columns)})"
    reader = con.sql(f"SELECT {_sqlite_columns(model)} FROM {name}").to_arrow_reader(SQLITE_BATCH_ROWS)
    for batch in reader:
        db.conn.executemany(insert, zip(*(column.to_pylist() for column in batch.columns)))


SQLITE_BATCH_ROWS = 100_000


def write_sqlite(con: duckdb.DuckDBPyConnection, path: Path, archive_dir: Path | None = None) -> None:
    """The database Datasette serves: keys, an index on every key column, full-text search, views.
    The rows go in first, in one transaction; the indexes and the full-text index after them."""
    import sqlite_utils

    from claims.fmt import id_columns
    from claims.publish import FACETS, SORT

    db = sqlite_utils.Database(path, recreate=True)
    db.execute("PRAGMA journal_mode = OFF")  # a new file in a folder nobody reads until it is switched in
    db.execute("PRAGMA synchronous = OFF")
    deferred, indexes = [], []
    for model in TABLES:
        name, types = model.meta.name, field_types(model)
        schema = table_schema(model)
        required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
        declared = declarable_foreign_keys(model)
        deferred += [(name, key) for key in model.foreign_keys() if key not in declared]
        primary_key = model.meta.primary_key
        db[name].create(
            {column: SQLITE_TYPES[kind] for column, kind in types.items()},
            pk=primary_key[0] if len(primary_key) == 1 else primary_key,
            not_null=required,
            foreign_keys=[(key.fields[0], key.table, key.ref_fields[0]) for key in declared],
        )
        for key in model.foreign_keys():
            if key.fields[0] not in primary_key[:1]:
                indexes.append((name, key.fields[0]))
        # every key column (IDs, the polymorphic entity_id) and the columns Datasette sorts and facets by
        keyed = [c for c in model.columns() if c in id_columns(model) or c == "entity_id"]
        for column in [*keyed, *FACETS.get(name, []), *([SORT[name]] if name in SORT else [])]:
            if (column,) != tuple(primary_key) and column in types:  # derived columns are indexed in queries/derived/
                indexes.append((name, column))
    with db.conn:  # one transaction for every row
        for model in TABLES:
            _copy_rows(con, db, model.meta.name, model)
    for name, column in indexes:
        db[name].create_index([column], if_not_exists=True)
    # keys that close a cycle between tables can only be added once both tables exist
    db.add_foreign_keys([(name, key.fields[0], key.table, key.ref_fields[0]) for name, key in deferred])
    for table, columns in FTS_COLUMNS.items():
        db[table].enable_fts(columns, create_triggers=False, tokenize="porter")
    if archive_dir is not None:
        archive_lengths(con, db, archive_dir)
    derive_for_pages(db)
    for name, statement in views():
        db.execute(statement)
        materialize_view(db, name, statement)
    db.vacuum()
    db.close()


def derive_for_pages(db) -> None:
    """The columns the Datasette pages sort and facet by (queries/derived/): computed by SQLite from
    the curated columns (generated columns), so nothing is stored or curated twice."""
    for path in sorted(DERIVED_DIR.glob("*.sql")):
        db.conn.executescript(path.read_text(encoding="utf-8"))


def inspect_counts(database: Path, path: Path) -> None:
    """Datasette's inspect file: the row count of each table of the immutable database, so that a
    table page need not count a million rows on every view. The file is named without its folder:
    the build's location is nobody's business, and two builds of the same data give the same file."""
    import json
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "datasette", "inspect", str(database), "--inspect-file", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"datasette inspect failed: {result.stderr[-500:]}")
    inspected = json.loads(path.read_text())  # fail here, not at serve time, if it is not JSON
    for entry in inspected.values():
        entry["file"] = database.name
    path.write_text(json.dumps(inspected, indent=2) + "\n", encoding="utf-8")


def sqlite_from_csvs(data_dir: Path, path: Path, archive_dir: Path | None = None) -> None:
    """The SQLite database `claims build` publishes, straight from the CSVs (no DuckDB file kept):
    what the cross-table expectations and the Data Docs run on."""
    con = duckdb.connect()
    try:
        load_duckdb(con, data_dir)
        write_sqlite(con, path, archive_dir)
    finally:
        con.close()


def archive_lengths(con, db, archive_dir: Path) -> None:
    """archived_texts: the length of each archived text (not the text), so that offsets can be checked."""
    archive = Archive.open(archive_dir)
    rows = []
    for (sha256,) in con.execute("SELECT DISTINCT archive_sha256 FROM sources WHERE archive_sha256 IS NOT NULL ORDER BY 1").fetchall():
        text = archive.text(sha256)
        if text is not None:
            rows.append({"archive_sha256": sha256, "char_length": len(text)})
    db["archived_texts"].insert_all(rows, pk="archive_sha256", replace=True)


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
# Fault injection for tests: the build SIGKILLs itself right after the named step.
KILL_AFTER_ENV = "CLAIMS_BUILD_KILL_AFTER"
STEPS = ("locked", "duckdb", "parquet", "sqlite", "counts", "sealed", "linked", "switched", "cleaned")


class OutputUnusable(Exception):
    """The output folder cannot take a build (busy, read-only, full); the message says what to do."""


def _step_done(name: str) -> None:
    if os.environ.get(KILL_AFTER_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def output_lock(out_dir: Path):
    """Hold OUT/.build.lock (flock) for the whole build; a second build into OUT is refused at
    once. The kernel drops the lock when the process dies, so a killed build never blocks the next."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = open(out_dir / LOCK, "a+")
    except OSError as error:
        raise OutputUnusable(f"cannot write to {out_dir}: {error.strerror}; choose another folder with --out") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise OutputUnusable(f"another build is writing into {out_dir} ({holder}): wait for it to finish, or build into another folder with --out") from None
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
        raise OutputUnusable(f"cannot write to {out_dir}: {error.strerror}; make it writable or choose another folder with --out") from None
    free, needed = shutil.disk_usage(out_dir).free, needed_bytes(data_dir)
    if free < needed:
        raise OutputUnusable(f"{out_dir} has {free // 2**20} MB free, a build needs about {needed // 2**20} MB: free some space or choose another folder with --out")


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


def _write_outputs(data_dir: Path, folder: Path, archive_dir: Path | None, result: BuildResult, step) -> None:
    """Every output into `folder` (a fresh, empty folder)."""
    step("duckdb")
    con = open_duckdb_file(folder / "claims.duckdb")
    try:
        result.rows = load_duckdb(con, data_dir)
        create_views(con)
        _step_done("duckdb")
        step("parquet")
        export_parquet(con, folder / "parquet")
        _step_done("parquet")
        step("sqlite")
        write_sqlite(con, folder / "claims.db", archive_dir)
    finally:
        con.close()
    _step_done("sqlite")
    inspect_counts(folder / "claims.db", folder / "counts.json")
    _step_done("counts")


def build_outputs(data_dir: Path, folder: Path, archive_dir: Path | None = None, progress=None) -> BuildResult:
    """Write every output into `folder` as plain files (what a release bundles)."""
    folder.mkdir(parents=True, exist_ok=True)
    result = BuildResult(folder)
    _write_outputs(data_dir, folder, archive_dir, result, progress or (lambda name: None))
    result.outputs = [folder / name for name in OUTPUTS]
    return result


def _build_and_switch(data_dir: Path, out_dir: Path, archive_dir: Path | None, progress) -> BuildResult:
    """Under the lock: build a new version beside the current one, then switch to it in one step."""
    _step_done("locked")
    clean_stale(out_dir)
    versions = out_dir / VERSIONS
    versions.mkdir(exist_ok=True)
    version = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{time.time_ns() % 10**9:09d}-{os.getpid()}"
    partial = versions / f"{version}{PARTIAL}"
    result = BuildResult(out_dir)
    try:
        partial.mkdir()
        _write_outputs(data_dir, partial, archive_dir, result, progress or (lambda name: None))
        os.replace(partial, versions / version)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    _step_done("sealed")
    for name in OUTPUTS:  # static symlinks through `current`: in place after the first build
        _replace_with_symlink(out_dir / name, f"{CURRENT}/{name}")
    _step_done("linked")
    _replace_with_symlink(out_dir / CURRENT, f"{VERSIONS}/{version}")  # the one switch
    _step_done("switched")
    clean_stale(out_dir)
    _step_done("cleaned")
    result.outputs = [out_dir / name for name in OUTPUTS]
    return result


def build_all(data_dir: Path, out_dir: Path, archive_dir: Path | None = None, progress=None) -> BuildResult:
    """Build every output from CSVs that are already known to validate, and make them current
    together. Raises OutputUnusable if another build holds the folder."""
    with output_lock(out_dir):
        return _build_and_switch(data_dir, out_dir, archive_dir, progress)


def build(data_dir: Path, out_dir: Path, archive_dir: Path | None = None, progress=None, validation_progress=None):
    """Check the output folder, validate, then build; raise BuildRefused with the validation run
    if the data has findings, OutputUnusable if the folder is busy, read-only or full."""
    from claims.validate import validate

    with output_lock(out_dir):
        check_output_folder(out_dir, data_dir)
        run = validate(data_dir, archive_dir, progress=validation_progress)
        if not run.ok:
            raise BuildRefused(run)
        return run, _build_and_switch(data_dir, out_dir, archive_dir, progress)
