"""`claims validate`: the layers in order, every finding reported, nothing modified.

1. structure: files, encoding, CSV syntax, header, then frictionless types and constraints
2. rows: pydantic models, cross-field rules, EDTF dates and their bounds
3. integrity: keys and references across tables, in DuckDB
4. provenance: excerpts and quotes against the archived source texts
5. expectations: the Great Expectations suites (gx/expectations/), on frames and on the SQLite
   database that is published
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from claims.archive import Location, parse_location
from claims.findings import Finding, Findings
from claims.tablefile import Table

from . import expectations, integrity, provenance, rows, structure

LAYERS = (
    ("structure", structure.run),
    ("rows", rows.run),
    ("integrity", integrity.run),
    ("provenance", provenance.run),
    ("expectations", expectations.run),
)


@dataclass
class Run:
    data_dir: Path
    archive_dir: Location | None  # a folder or a store's base URL (claims.archive)
    findings: Findings = field(default_factory=Findings)
    tables: dict[str, Table] = field(default_factory=dict)
    models: dict[str, list] = field(default_factory=dict)  # table → [(model, line)] of valid rows
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # findings per layer
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    engine: str = "reference"
    con: object = None  # the fast path's DuckDB connection while it runs

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


LAYER_NAMES = tuple(name for name, _ in LAYERS)


# Above this many bytes of CSV, `engine="auto"` takes the fast path.
FAST_PATH_BYTES = 20 << 20
ENGINES = ("auto", "reference", "fast")


def choose_engine(data_dir: Path, engine: str = "auto") -> str:
    if engine != "auto":
        return engine
    size = sum(path.stat().st_size for path in Path(data_dir).glob("*.csv"))
    return "fast" if size > FAST_PATH_BYTES else "reference"


def validate(data_dir: Path, archive_dir: Path | None = None, progress=None, layers: tuple[str, ...] | None = None, engine: str = "auto") -> Run:
    """Run the layers (all by default, always in order) on the CSVs in `data_dir`.

    `archive_dir` holds the captured source texts. Layer 1 (structure) always runs: the others
    read the tables it loads. `engine`: "reference" (frictionless, pydantic, Great Expectations,
    row by row), "fast" (the same rules compiled to DuckDB SQL, see fast.py) or "auto" (the
    reference for small data such as the curated tables, the fast path for large data).
    """
    run = Run(Path(data_dir), parse_location(archive_dir))
    wanted = set(layers or LAYER_NAMES) | {"structure"}
    run.engine = choose_engine(data_dir, engine)
    if run.engine == "fast":
        from claims.validate.fast import validate_fast

        validate_fast(run, wanted)
        return run
    for name, layer in LAYERS:
        if name not in wanted:
            continue
        before = len(run.findings)
        started = time.perf_counter()
        if progress:
            progress(name)
        try:
            layer(run)
        except Exception as error:  # a bug in a layer must still end in a finding, not a traceback
            run.findings.add(Finding(f"(claims {name} layer)", 1, "-", "internal-error", f"{type(error).__name__}: {error}", "this is a bug in claims, not in the data: please report it with the command you ran", name))
        run.timings[name] = time.perf_counter() - started
        run.counts[name] = len(run.findings) - before
    return run
