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
    # What the build writes its outputs from, so that it reads the data no second time: with
    # `keep_cells`, the engine keeps each table's cells (a pyarrow table) in `kept`; the provenance
    # layer records each archived text's length in characters, by SHA-256.
    keep_cells: bool = False
    kept: dict[str, Any] = field(default_factory=dict)
    archived_lengths: dict[str, int] | None = None

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

    def cells(self, name: str) -> Any:
        """Table `name`'s cells as validation read them: a pyarrow table of text columns, empty
        cells null. Needs `keep_cells` where the engine holds the rows outside Python; kept cells
        are handed over (the run lets go of them, so that a build does not hold them twice)."""
        if name in self.kept:
            return self.kept.pop(name)
        table = self.tables[name]
        if table.read_by != "python":
            raise ValueError(
                f"{name} was read by {table.read_by}: validate with keep_cells=True to build from the run (once)"
            )
        import pyarrow as pa  # only the build needs it

        return pa.table({c: pa.array([row[c] or None for row in table.rows], pa.string()) for c in table.columns})


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
