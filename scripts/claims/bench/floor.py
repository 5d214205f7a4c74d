"""The honest floor: the least work any correct validator must do."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from claims.schema.dialect import duckdb_read_csv


def typed_tables(con: duckdb.DuckDBPyConnection, package: dict, folder: Path, types: dict[str, str]) -> int:
    """Every table of the package read by DuckDB into a table, with the schema's column types; the
    number of rows."""
    rows = 0
    for resource in package["resources"]:
        fields = resource["schema"]["fields"]
        typed = {field["name"]: types[field["type"]] for field in fields}
        reader = duckdb_read_csv(folder / resource["path"], list(typed), types=typed)
        con.execute(f'CREATE TABLE "{resource["name"]}" AS SELECT * FROM {reader}')
        rows += con.execute(f'SELECT count(*) FROM "{resource["name"]}"').fetchall()[0][0]
    return rows


def key_problems(con: duckdb.DuckDBPyConnection, package: dict) -> int:
    """One query per declared primary key (empty or repeated) and per foreign key (pointing
    nowhere): the number of rows that break one."""
    problems = 0
    for resource in package["resources"]:
        name, schema = resource["name"], resource["schema"]
        key = ", ".join(schema["primaryKey"])
        empty = " OR ".join(f"{column} IS NULL" for column in schema["primaryKey"])
        problems += con.execute(
            f"SELECT (SELECT count(*) FROM {name} WHERE {empty}) + (SELECT count(*) FROM (SELECT 1 FROM {name} GROUP BY {key} HAVING count(*) > 1))"
        ).fetchall()[0][0]
        for foreign in schema.get("foreignKeys", []):
            (column,), (ref,) = foreign["fields"], foreign["reference"]["fields"]
            target = foreign["reference"]["resource"] or name
            problems += con.execute(
                f"SELECT count(*) FROM {name} c WHERE c.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{ref} = c.{column})"
            ).fetchall()[0][0]
    return problems


def excerpt_mismatches(con: duckdb.DuckDBPyConnection, archive: Path) -> int:
    """Every excerpt compared with its archived text at its offsets: the texts found by hash, then
    the attestations in order of text, each text decoded once and sliced (O(1) code-point indexing)."""
    paths = {hashlib.sha256(path.read_bytes()).hexdigest(): path for path in archive.rglob("*") if path.is_file()}
    reader = con.sql(
        "SELECT s.archive_sha256, a.char_start, a.char_end, a.excerpt FROM attestations a JOIN sources s ON s.source_id = a.source_id "
        "WHERE s.archive_sha256 IS NOT NULL ORDER BY s.archive_sha256"
    ).to_arrow_reader(200_000)
    mismatches, current, text = 0, None, ""
    for batch in reader:
        shas, starts, ends, excerpts = (batch.column(i).to_pylist() for i in range(4))
        for sha, start, end, excerpt in zip(shas, starts, ends, excerpts):
            if sha != current:
                current = sha
                text = paths[sha].read_bytes().decode("utf-8") if sha in paths else None
            mismatches += text is None or text[start:end] != excerpt
    return mismatches


def honest_floor(folder: Path, types: dict[str, str]) -> dict[str, int]:
    """The honest floor: typed tables, keys and excerpts, in one DuckDB database."""
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    rows = typed_tables(con, package, folder, types)
    return {"rows": rows, "problems": key_problems(con, package) + excerpt_mismatches(con, folder / "archive")}
