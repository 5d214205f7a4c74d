"""`claims validate`: the layers in order, every finding reported, nothing modified.

1. structure: files, encoding, CSV syntax, header, then frictionless types and constraints
2. rows: pydantic models, cross-field rules, EDTF dates and their bounds
3. integrity: keys and references across tables, in DuckDB
4. provenance: excerpts and quotes against the archived source texts
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from claims.findings import Findings
from claims.tablefile import Table

from . import integrity, provenance, rows, structure

LAYERS = (("structure", structure.run), ("rows", rows.run), ("integrity", integrity.run), ("provenance", provenance.run))


@dataclass
class Run:
    data_dir: Path
    archive_dir: Path | None
    findings: Findings = field(default_factory=Findings)
    tables: dict[str, Table] = field(default_factory=dict)
    models: dict[str, list] = field(default_factory=dict)  # table → [(model, line)] of valid rows
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # findings per layer
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

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


def validate(data_dir: Path, archive_dir: Path | None = None, progress=None) -> Run:
    """Run every layer on the CSVs in `data_dir`; `archive_dir` holds the captured source texts."""
    run = Run(Path(data_dir), Path(archive_dir) if archive_dir else None)
    for name, layer in LAYERS:
        before = len(run.findings)
        started = time.perf_counter()
        if progress:
            progress(name)
        layer(run)
        run.timings[name] = time.perf_counter() - started
        run.counts[name] = len(run.findings) - before
    return run
