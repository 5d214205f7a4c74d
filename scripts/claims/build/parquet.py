"""Parquet: one file a table, each naming the dataset, its table and the data's version."""

from __future__ import annotations

from pathlib import Path

import duckdb

from claims.schema import TABLES
from claims.schema.catalogue import sql_string
from claims.schema.package import PACKAGE_META
from claims.version import DataVersion


def export_parquet(con: duckdb.DuckDBPyConnection, folder: Path, version: DataVersion) -> list[Path]:
    """One Parquet file a table, rows in key order: load_duckdb inserted them sorted by key and a
    scan keeps insertion order (preserve_insertion_order), so they are not sorted again. Each file
    names the dataset, its table and the data's version in its key-value metadata, so that a file
    on its own says which data it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for model in TABLES:
        path = folder / f"{model.meta.name}.parquet"
        facts = {
            "dataset": PACKAGE_META["name"],
            "table": model.meta.name,
            "version": version.version,
            "version_label": version.label,
        }
        metadata = ", ".join(f"{sql_string(key)}: {sql_string(value)}" for key, value in facts.items())
        con.execute(
            f"COPY (SELECT * FROM {model.meta.name}) TO {sql_string(path.as_posix())} "
            f"(FORMAT parquet, COMPRESSION zstd, KV_METADATA {{{metadata}}})"
        )
        written.append(path)
    return written
