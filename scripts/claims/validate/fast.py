"""The fast engine of `claims validate`: the catalogue's rules compiled into DuckDB SQL.

The reference layers (frictionless, pydantic, Great Expectations) read rows one by one in Python,
which does not scale to millions of rows. Here the rules run as set operations in DuckDB, and the
SQL only *selects*; the reference still *judges*:

- files are checked byte by byte in chunks, then read by DuckDB's CSV reader; a file with any
  byte-level or CSV problem, or anything DuckDB might read otherwise than Python's csv module
  (a quote outside a well-formed quoted cell, the reader's NULL marker, a very long cell), is
  read by the reference reader instead, so that its findings are the reference's own;
- the rows layer selects the rows that may break a cell or row rule: SQL generated from the rule
  catalogue (schema/catalogue.py) for ID and free-text cells and for the row rules, and, for every
  other column (few distinct values), the reference's verdict on each distinct value. The selected
  rows, and only they, are then judged by the reference itself (frictionless, then pydantic), so
  that every finding, message and hint is the reference's by construction; the integrity layer is
  shared;
- provenance joins the archived texts in SQL; the dataset and cross-table expectation suites are
  run as SQL in the same database.

tests/test_engines_agree.py generates, for every rule id, data that breaks it, and compares the two
engines finding by finding.
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor

import duckdb

from claims.archive import Archive
from claims.schema.dialect import sql_string
from claims.validate import expectations, integrity, provenance, rows, structure
from claims.validate.run import run_layers


def validate_fast(run, layers, progress=None) -> None:
    """Run the fast path's layers on `run` (a claims.validate.Run), timing each; `progress` is
    told each layer's name as it starts."""
    with tempfile.TemporaryDirectory(prefix="claims-fast-") as folder, ThreadPoolExecutor(1) as background:
        con = duckdb.connect(":memory:")  # tables spill to temp_directory past the memory limit
        con.execute("SET memory_limit = '1400MB'")
        con.execute(f"SET temp_directory = {sql_string(folder)}")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        # Hashing the archive's files (to find texts by hash) is reading and hashlib, which let
        # go of the GIL: it runs beside the first layers, on the core their Python leaves idle.
        archive = None
        if run.archive_dir is not None and "provenance" in layers:
            archive = background.submit(Archive.open, run.archive_dir)
        steps = {
            "structure": lambda: structure.check_sql(run, con),
            "rows": lambda: rows.check_sql(run, con),
            "integrity": lambda: integrity.check_sql(run, con),
            "provenance": lambda: provenance.check_sql(run, con, archive.result() if archive else None),
            "expectations": lambda: expectations.check_sql(run, con),
        }
        run_layers(run, [(name, step) for name, step in steps.items() if name in layers], progress)
        if run.keep_cells:
            structure.keep_cells(run, con)
        con.close()
