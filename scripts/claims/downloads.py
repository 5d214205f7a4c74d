"""The downloads the home page offers besides Datasette's own SQLite file: the CSV tables (as
curated, in canonical form, with datapackage.json) and the Parquet files, each as one zip.

Both are made from the served build: the CSVs are written back from the SQLite database with the
schema's types (so the zip holds the same bytes as data/*.csv), the Parquet files are those
`claims build` wrote beside it. Zips are made once per database file and kept in memory.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from functools import lru_cache
from pathlib import Path

from claims import project
from claims.fmt import canonical
from claims.schema import TABLES
from claims.schema.derived import table_schema

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def csv_name() -> str:
    return f"peace-plan-claims-{project.current().dataset_version()}-csv.zip"


def parquet_name() -> str:
    return f"peace-plan-claims-{project.current().dataset_version()}-parquet.zip"


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def table_csv(con: sqlite3.Connection, model) -> str:
    """One table of the SQLite database as its curated CSV file (canonical form)."""
    fields = [(f["name"], f["type"]) for f in table_schema(model)["fields"]]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")  # canonical() then quotes minimally
    writer.writerow([name for name, _kind in fields])
    for row in con.execute(f"SELECT {', '.join(name for name, _kind in fields)} FROM {model.meta.name}"):
        writer.writerow([_cell(value, kind) for value, (_name, kind) in zip(row, fields)])
    return canonical(out.getvalue(), model)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@lru_cache(maxsize=2)
def csv_zip(database: Path, _mtime: float) -> bytes:
    """datapackage.json and every table's CSV, from the served database."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        members = [("datapackage.json", project.current().descriptor.read_bytes())]
        members += [(f"data/{model.meta.name}.csv", table_csv(con, model).encode("utf-8")) for model in TABLES]
    finally:
        con.close()
    return _zip(members)


@lru_cache(maxsize=2)
def parquet_zip(folder: Path, _mtime: float) -> bytes | None:
    """The Parquet files `claims build` wrote beside the database, or None if there are none."""
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    return _zip([(f"parquet/{path.name}", path.read_bytes()) for path in files]) if files else None
