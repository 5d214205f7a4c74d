"""`claims build`: the typed DuckDB database, Parquet files and the SQLite database that Datasette
serves, all from the validated CSVs.

Steps, each a function: load the CSVs into typed DuckDB tables (schema DDL, keys, comments) →
create the views (queries/views/) → export Parquet → write SQLite with sqlite-utils (keys,
indexes, full-text search, the same views). Everything is written to a temporary folder first
and moved into place at the end, so that an interrupted build leaves the previous one intact.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from claims.archive import Archive
from claims.generate import DUCKDB_TYPES, REPO, declarable_foreign_keys, sql_ddl, table_schema
from claims.schema import TABLES, Row

VIEWS_DIR = REPO / "queries" / "views"
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


def load_duckdb(con: duckdb.DuckDBPyConnection, data_dir: Path) -> dict[str, int]:
    """Create the typed tables from the schema's DDL and fill them from the CSVs, sorted by key."""
    con.execute(sql_ddl())
    counts = {}
    for model in TABLES:
        name, types = model.meta.name, field_types(model)
        columns = ", ".join(f"'{column}': 'VARCHAR'" for column in types)
        casts = ", ".join(f"CAST({column} AS {DUCKDB_TYPES[kind]}) AS {column}" for column, kind in types.items())
        path = (data_dir / f"{name}.csv").as_posix().replace("'", "''")
        con.execute(
            f"INSERT INTO {name} SELECT {casts} FROM read_csv('{path}', header = true, auto_detect = false, "
            f"columns = {{{columns}}}, delim = ',', quote = '\"', escape = '\"', strict_mode = true) "
            f"ORDER BY {', '.join(model.meta.primary_key)}"
        )
        counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    return counts


def create_views(con) -> None:
    for _name, statement in views():
        con.execute(statement)


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for model in TABLES:
        path = folder / f"{model.meta.name}.parquet"
        con.execute(
            f"COPY (SELECT * FROM {model.meta.name} ORDER BY {', '.join(model.meta.primary_key)}) "
            f"TO '{path.as_posix()}' (FORMAT parquet, COMPRESSION zstd)"
        )
        written.append(path)
    return written


def _sqlite_value(value):
    return value.isoformat() if isinstance(value, date) else value


def write_sqlite(con: duckdb.DuckDBPyConnection, path: Path, archive_dir: Path | None = None) -> None:
    """The database Datasette serves: keys, an index on every key column, full-text search, views."""
    import sqlite_utils

    db = sqlite_utils.Database(path, recreate=True)
    deferred = []
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
        cursor = con.execute(f"SELECT * FROM {name}")
        columns = [d[0] for d in cursor.description]
        db[name].insert_all(({c: _sqlite_value(v) for c, v in zip(columns, row)} for row in cursor.fetchall()), batch_size=1000)
        for key in model.foreign_keys():
            if key.fields[0] not in primary_key[:1]:
                db[name].create_index([key.fields[0]], if_not_exists=True)
        # every key column (IDs, the polymorphic entity_id) and the columns Datasette sorts and facets by
        from claims.fmt import id_columns
        from claims.publish import FACETS, SORT

        keyed = [c for c in model.columns() if c in id_columns(model) or c == "entity_id"]
        for column in [*keyed, *FACETS.get(name, []), *([SORT[name]] if name in SORT else [])]:
            if (column,) != tuple(primary_key):
                db[name].create_index([column], if_not_exists=True)
    # keys that close a cycle between tables can only be added once both tables exist
    db.add_foreign_keys([(name, key.fields[0], key.table, key.ref_fields[0]) for name, key in deferred])
    for table, columns in FTS_COLUMNS.items():
        db[table].enable_fts(columns, create_triggers=False, tokenize="porter")
    if archive_dir is not None:
        archive_lengths(con, db, archive_dir)
    for _name, statement in views():
        db.execute(statement)
    db.vacuum()
    db.close()


def inspect_counts(database: Path, path: Path) -> None:
    """Datasette's inspect file: the row count of each table of the immutable database, so that a
    table page need not count a million rows on every view."""
    import json
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "datasette", "inspect", str(database), "--inspect-file", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"datasette inspect failed: {result.stderr[-500:]}")
    json.loads(path.read_text())  # fail here, not at serve time, if it is not JSON


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


def build_all(data_dir: Path, out_dir: Path, archive_dir: Path | None = None, progress=None) -> BuildResult:
    """Build every output from CSVs that are already known to validate. Atomic per output."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".building-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    result = BuildResult(out_dir)
    try:
        step = progress or (lambda name: None)
        step("duckdb")
        con = duckdb.connect(str(staging / "claims.duckdb"))
        result.rows = load_duckdb(con, data_dir)
        create_views(con)
        step("parquet")
        export_parquet(con, staging / "parquet")
        step("sqlite")
        write_sqlite(con, staging / "claims.db", archive_dir)
        con.close()
        inspect_counts(staging / "claims.db", staging / "counts.json")
        for name in ("claims.duckdb", "claims.db", "counts.json", "parquet"):
            result.outputs.append(_move_into_place(staging / name, out_dir / name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def _move_into_place(new: Path, final: Path) -> Path:
    """Replace `final` with `new` so that readers see either the old or the new output, whole."""
    if new.is_dir():
        old = final.with_name(final.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(new, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, final)
    return final


def build(data_dir: Path, out_dir: Path, archive_dir: Path | None = None, progress=None):
    """Validate, then build; raise BuildRefused with the validation run if the data has findings."""
    from claims.validate import validate

    run = validate(data_dir, archive_dir)
    if not run.ok:
        raise BuildRefused(run)
    return run, build_all(data_dir, out_dir, archive_dir, progress)
