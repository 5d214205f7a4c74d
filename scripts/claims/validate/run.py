"""One validation run, as every layer sees it: the tables read, the findings so far, the timings;
and the Layer protocol each layer module follows."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import duckdb

from claims.archive import Location
from claims.findings import Findings
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
    con: duckdb.DuckDBPyConnection | None = None  # the fast path's DuckDB connection while it runs
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
    """A validation layer (a module of claims.validate): `check(run)` adds its findings to the run."""

    def check(self, run: Run) -> None: ...
