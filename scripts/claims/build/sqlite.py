"""The SQLite database Datasette serves (keys, indexes, full-text search, the views, the lengths of
the archived texts), and Datasette's inspect file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb

from claims.archive import Location
from claims.build.tables import CsvTables, field_types, load_duckdb, views
from claims.project import DERIVED_DIR
from claims.schema import TABLES, Row
from claims.schema.derived import declarable_foreign_keys, id_columns, table_schema
from claims.schema.presentation import (
    ARCHIVED_TEXTS,
    BUILD_TABLES,
    FACETS,
    FTS_COLUMNS,
    FTS_TOKENIZER,
    SORT,
    SORTABLE,
    VERSION_TABLE,
)
from claims.version import DataVersion

SQLITE_TYPES = {"string": str, "integer": int, "boolean": int, "date": str}

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


def _sqlite_columns(model: type[Row]) -> str:
    """The SELECT list that gives a table's rows as SQLite stores them: dates as ISO text."""
    return ", ".join(
        f"CAST({column} AS VARCHAR) AS {column}" if kind == "date" else column
        for column, kind in field_types(model).items()
    )


def _copy_rows(con: duckdb.DuckDBPyConnection, db, name: str, model: type[Row]) -> None:
    """Every row of a DuckDB table into the SQLite table of the same name, a batch of Arrow
    columns at a time (no dict per row, bounded memory)."""
    columns = list(field_types(model))
    insert = f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' for _ in columns)})"
    reader = con.sql(f"SELECT {_sqlite_columns(model)} FROM {name}").to_arrow_reader(SQLITE_BATCH_ROWS)
    for batch in reader:
        db.conn.executemany(insert, zip(*(column.to_pylist() for column in batch.columns)))


SQLITE_BATCH_ROWS = 20_000  # a batch's Python objects stay small beside the SQLite cache

# A fresh file that nobody reads until the build switches it in whole: no rollback journal, no
# syncing, one connection holding it, freed pages not zeroed (secure_delete is on in Debian's
# SQLite). None of these is stored in the file. The page cache stays at its default: measured at
# 1M statements, a larger one made no insert faster and every index build slower (its sorts).
SQLITE_BULK_PRAGMAS = (
    "journal_mode = OFF",
    "synchronous = OFF",
    "locking_mode = EXCLUSIVE",
    "secure_delete = OFF",
)


def write_sqlite(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    archived_lengths: dict[str, int] | None = None,
    version: DataVersion | None = None,
) -> None:
    """The database Datasette serves: keys, an index on every key column, full-text search, views.
    The tables are created with every key, the rows go in, in key order, in one transaction; the
    indexes and the full-text indexes are built after them; `archived_lengths` (TableSource's) into
    `archived_texts`, `version` (claims build's) into the `dataset_version` table. No VACUUM: nothing is deleted, so the
    file has no free pages to reclaim (tests/test_build.py checks it)."""
    import sqlite_utils

    db = sqlite_utils.Database(path, recreate=True)
    for pragma in SQLITE_BULK_PRAGMAS:
        db.execute(f"PRAGMA {pragma}")
    indexes = create_sqlite_tables(db)
    with db.conn:  # one transaction for every row
        for model in TABLES:
            _copy_rows(con, db, model.meta.name, model)
    for name, column in indexes:
        db.table(name).create_index([column], if_not_exists=True)
    for table, columns in FTS_COLUMNS.items():
        db.table(table).enable_fts(columns, create_triggers=False, tokenize=FTS_TOKENIZER)
    if archived_lengths is not None:
        write_archived_texts(db, archived_lengths)
    if version is not None:
        row = version.as_row()
        db.table(VERSION_TABLE).insert(row, columns={name: str for name in row})
    derive_for_pages(db)
    for name, statement in views():
        db.execute(statement)
        materialize_view(db, name, statement)
    db.close()


def create_sqlite_tables(db) -> list[tuple[str, str]]:
    """Every table, empty, with its keys; returns the (table, column) indexes to build once the
    rows are in: every key column (IDs, the polymorphic entity_id) and the columns Datasette sorts
    and facets by."""
    deferred, indexes = [], []
    for model in TABLES:
        name, types = model.meta.name, field_types(model)
        schema = table_schema(model)
        required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
        declared = declarable_foreign_keys(model)
        deferred += [(name, key) for key in model.foreign_keys() if key not in declared]
        primary_key = model.meta.primary_key
        db.table(name).create(
            {column: SQLITE_TYPES[kind] for column, kind in types.items()},
            pk=primary_key[0] if len(primary_key) == 1 else primary_key,
            not_null=required,
            foreign_keys=[(key.fields[0], key.table, key.ref_fields[0]) for key in declared],
        )
        for key in model.foreign_keys():
            if key.fields[0] not in primary_key[:1]:
                indexes.append((name, key.fields[0]))
        keyed = [c for c in model.columns() if c in id_columns(model) or c == "entity_id"]
        for column in [*keyed, *FACETS.get(name, []), *([SORT[name]] if name in SORT else []), *SORTABLE.get(name, [])]:
            if (column,) != tuple(primary_key) and column in types:  # derived columns are indexed in queries/derived/
                indexes.append((name, column))
    # keys that close a cycle between tables can only be added once both tables exist: sqlite-utils
    # rebuilds the tables to add them, which costs nothing while they are empty
    db.add_foreign_keys([(name, key.fields[0], key.table, key.ref_fields[0]) for name, key in deferred])
    return indexes


def derive_for_pages(db) -> None:
    """The columns the Datasette pages sort and facet by (queries/derived/): computed by SQLite from
    the curated columns (generated columns), so nothing is stored or curated twice."""
    for path in sorted(DERIVED_DIR.glob("*.sql")):
        db.conn.executescript(path.read_text(encoding="utf-8"))


def write_archived_texts(db, lengths: dict[str, int]) -> None:
    """archived_texts: the length of each archived text (not the text), so that offsets can be checked."""
    key, length_column = BUILD_TABLES[ARCHIVED_TEXTS][1]
    # created even when no text could be read, so that queries on it find no row rather than no table
    db.table(ARCHIVED_TEXTS).create({key: str, length_column: int}, pk=key, if_not_exists=True)
    db.table(ARCHIVED_TEXTS).insert_all(
        [{key: sha256, length_column: length} for sha256, length in sorted(lengths.items())], pk=key, replace=True
    )


def inspect_counts(database: Path, path: Path) -> None:
    """Datasette's inspect file: the row count of each table of the immutable database, so that a
    table page need not count a million rows on every view. The file is named without its folder:
    the build's location is nobody's business, and two builds of the same data give the same file."""
    result = subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", str(database), "--inspect-file", str(path)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"datasette inspect failed: {result.stderr[-500:]}")
    inspected = json.loads(path.read_text())  # fail here, not at serve time, if it is not JSON
    for entry in inspected.values():
        entry["file"] = database.name
    path.write_text(json.dumps(inspected, indent=2) + "\n", encoding="utf-8")


def sqlite_from_csvs(data_dir: Path, path: Path, archive_dir: Location | None = None) -> None:
    """The SQLite database `claims build` publishes, straight from the CSVs (no DuckDB file kept):
    what the cross-table expectations and the Data Docs run on."""
    tables = CsvTables(data_dir, archive_dir)
    con = duckdb.connect()
    try:
        load_duckdb(con, tables)
        write_sqlite(con, path, tables.archived_lengths)
    finally:
        con.close()
