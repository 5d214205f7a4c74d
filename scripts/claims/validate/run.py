"""One validation run, as every layer sees it: the tables read, the findings so far, the timings;
the Layer protocol each layer module follows, and the one loop every engine runs its layers in."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from claims.archive import Location
from claims.findings import Findings, internal_error
from claims.tablefile import Table


@dataclass
class Run:
    data_dir: Path
    archive_dir: Location | None  # a folder or a store's base URL (claims.archive)
    findings: Findings = field(default_factory=Findings)
    tables: dict[str, Table] = field(default_factory=dict)
    models: dict[str, list[tuple[Any, int]]] = field(
        default_factory=dict
    )  # table → [(model, line)] of valid rows (each table its own Row model)
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # findings per layer
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    engine: str = "reference"

    def shown(self, path: Path) -> str:
        """A path as findings print it: relative to the working directory where possible."""
        path = Path(os.path.abspath(path))
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)

    @property
    def ok(self) -> bool:
        return not self.findings


class Layer(Protocol):
    """A validation layer (a module of claims.validate): `check(run)` adds its findings to the run
    (the reference engine); `check_sql(run, con)` does the same with SQL selecting what the
    reference's checks then judge (the fast engines: DuckDB, or Spark through its connection)."""

    def check(self, run: Run) -> None: ...

    def check_sql(self, run: Run, con: Any) -> None: ...


def run_layers(
    run: Run, steps: Sequence[tuple[str, Callable[[], None]]], progress: Callable[[str], None] | None = None
) -> None:
    """The layer loop of every engine: each step in order, timed, its findings counted; `progress`
    is told each layer's name as it starts. A bug in a layer ends in a finding, not a traceback."""
    for name, step in steps:
        before, started = len(run.findings), time.perf_counter()
        if progress:
            progress(name)
        try:
            step()
        except Exception as error:
            run.findings.add(internal_error(name, error))
        run.timings[name] = time.perf_counter() - started
        run.counts[name] = len(run.findings) - before


# --- what the fast engines' layers share: Python values into their connection ---


def put_table(con, name: str, columns: dict[str, pa.Array]) -> None:
    """A table `name` made from columns of Python values (DuckDB, or the Spark engine's connection)."""
    con.register("_incoming", pa.table(columns))
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def register_table(con, name: str, table: Table) -> None:
    """A table the reference reader read, into the connection: text columns, empty cells NULL, and
    `_line` (the reference engine's integrity layer, and the fast engines for files they hand over)."""
    columns = {
        column: pa.array([row[column] or None for row in table.rows], type=pa.string()) for column in table.columns
    }
    columns["_line"] = pa.array(table.lines, type=pa.int64())
    put_table(con, name, columns)
