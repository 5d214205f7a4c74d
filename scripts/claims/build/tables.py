"""The typed DuckDB tables every output is written from: the schema's DDL (keys, comments), the
cells (from a validation run, or from the CSVs of data known to validate), the views
(queries/views/) and the data's version."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import duckdb

from claims.archive import Archive, Location
from claims.project import VIEWS_DIR
from claims.schema import TABLES, TABLES_BY_NAME, Row
from claims.schema.derived import DUCKDB_TYPES, sql_ddl, table_schema
from claims.schema.dialect import duckdb_read_csv
from claims.schema.presentation import VERSION_TABLE
from claims.version import DataVersion


def field_types(model: type[Row]) -> dict[str, str]:
    """Column name → frictionless type, from the generated Table Schema."""
    return {f["name"]: f["type"] for f in table_schema(model)["fields"]}


def views() -> list[tuple[str, str]]:
    """(name, CREATE VIEW statement) for each file in queries/views/, in name order."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(VIEWS_DIR.glob("*.sql"))]


# The on-disk format claims.duckdb is written in: DuckDB 1.0 and every later version read it
# (the format of the DuckDB that writes, 2.x, cannot be read by 1.x). tests/test_readme_duckdb.py
# checks the file's version number.
DUCKDB_STORAGE_VERSION = "v1.0.0"


def open_duckdb_file(path: Path) -> duckdb.DuckDBPyConnection:
    """A connection whose default database is a new file at `path`, in DUCKDB_STORAGE_VERSION."""
    con = duckdb.connect()
    con.execute(
        f"ATTACH '{path.as_posix().replace(chr(39), chr(39) * 2)}' AS claims (STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}')"
    )
    con.execute("USE claims")
    return con


class TableSource(Protocol):
    """What the writers write from: each table's cells (a pyarrow table of text columns, empty
    cells null) and the length in characters of each archived text the sources cite, by SHA-256
    (None: built without the archive). A validation run is one (claims.validate.Run: the data as
    validation read it); CsvTables reads the files."""

    @property
    def archived_lengths(self) -> dict[str, int] | None: ...

    def cells(self, name: str) -> Any: ...


@dataclass
class CsvTables:
    """The tables read from the CSVs in `data_dir`, for data already known to validate (nothing is
    checked here), and the lengths of the texts in `archive_dir`."""

    data_dir: Path
    archive_dir: Location | None = None

    def cells(self, name: str) -> Any:
        columns = TABLES_BY_NAME[name].columns()
        reader = duckdb_read_csv(self.data_dir / f"{name}.csv", columns)
        cells = ", ".join(f"NULLIF({column}, '') AS {column}" for column in columns)
        with duckdb.connect() as con:
            return con.sql(f"SELECT {cells} FROM {reader}").to_arrow_table()

    @cached_property
    def archived_lengths(self) -> dict[str, int] | None:
        if self.archive_dir is None:
            return None
        cited = self.cells("sources").column("archive_sha256").to_pylist()
        return text_lengths(self.archive_dir, {sha for sha in cited if sha is not None})


@dataclass
class WithTablesRead:
    """`tables`, but for the tables `names`, read from the CSVs in `data_dir`: those a command writes
    after validating (a release records itself in releases.csv and published_ids.csv)."""

    tables: TableSource
    data_dir: Path
    names: tuple[str, ...]

    @property
    def archived_lengths(self) -> dict[str, int] | None:
        return self.tables.archived_lengths

    def cells(self, name: str) -> Any:
        return CsvTables(self.data_dir).cells(name) if name in self.names else self.tables.cells(name)


def load_duckdb(con: duckdb.DuckDBPyConnection, tables: TableSource) -> dict[str, int]:
    """Create the typed tables from the schema's DDL and fill them with `tables`' cells, sorted by key."""
    con.execute(sql_ddl())
    counts = {}
    for model in TABLES:
        name, types = model.meta.name, field_types(model)
        casts = ", ".join(f"CAST({column} AS {DUCKDB_TYPES[kind]}) AS {column}" for column, kind in types.items())
        con.register("incoming", tables.cells(name))
        try:
            con.execute(f"INSERT INTO {name} SELECT {casts} FROM incoming ORDER BY {', '.join(model.meta.primary_key)}")
        finally:
            con.unregister("incoming")
        ((counts[name],),) = con.execute(
            f"SELECT count(*) FROM {name}"
        ).fetchall()  # fetched whole: no result left open
    return counts


def record_version(con: duckdb.DuckDBPyConnection, version: DataVersion) -> None:
    """The `dataset_version` table of a DuckDB database."""
    row = version.as_row()
    con.execute(f"CREATE TABLE {VERSION_TABLE} ({', '.join(f'{name} VARCHAR' for name in row)})")
    con.execute(f"INSERT INTO {VERSION_TABLE} VALUES ({', '.join('?' for _ in row)})", list(row.values()))


def create_views(con) -> None:
    for _name, statement in views():
        con.execute(statement)


def text_lengths(archive_dir: Location, cited: set[str]) -> dict[str, int]:
    """Length in characters of each of the `cited` texts (by SHA-256) that the archive holds: what
    the offsets are checked against (the texts themselves are not kept)."""
    archive = Archive.open(archive_dir)
    lengths = {}
    for sha256 in sorted(cited):
        text = archive.text(sha256, keep=False)
        if text is not None:
            lengths[sha256] = len(text)
    return lengths


def archived_text_lengths(con, archive_dir: Location) -> list[tuple[str, int]]:
    """(SHA-256, length in characters) of each archived text that the `sources` table of `con`
    cites and the archive holds."""
    cited = {
        sha256
        for (sha256,) in con.execute(
            "SELECT DISTINCT archive_sha256 FROM sources WHERE archive_sha256 IS NOT NULL"
        ).fetchall()
    }
    return list(text_lengths(archive_dir, cited).items())
