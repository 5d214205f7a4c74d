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
    """A validation layer (a module of claims.validate): `check(run)` adds its findings to the run."""

    def check(self, run: Run) -> None: ...
