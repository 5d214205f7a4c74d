"""`claims validate`: the layers in order, every finding reported, nothing modified.

1. structure: files, encoding, CSV syntax, header, then frictionless types and constraints
2. rows: pydantic models, cross-field rules, EDTF dates and their bounds
3. integrity: keys and references across tables, in DuckDB
4. provenance: excerpts and quotes against the archived source texts
5. expectations: the Great Expectations suites (gx/expectations/), on frames and on the SQLite
   database that is published
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from claims.archive import Location, parse_location

from . import expectations, fast, integrity, provenance, rows, structure
from .run import Layer, Run, run_layers

__all__ = ["ENGINE_NAMES", "LAYERS", "LAYER_NAMES", "Layer", "Run", "validate", "with_needs"]

LAYERS: tuple[tuple[str, Layer], ...] = (
    ("structure", structure),
    ("rows", rows),
    ("integrity", integrity),
    ("provenance", provenance),
    ("expectations", expectations),
)


LAYER_NAMES = tuple(name for name, _ in LAYERS)
# What each layer reads from the layers before it: rows reads the tables that structure loads;
# provenance checks only rows that passed the rows layer (run.models); the cross-table
# expectations need data without row or key findings. `--layers` pulls these in, so that leaving
# a layer out never turns a finding into a pass.
LAYER_NEEDS = {
    "structure": (),
    "rows": ("structure",),
    "integrity": ("structure",),
    "provenance": ("structure", "rows"),
    "expectations": ("structure", "rows", "integrity"),
}


def with_needs(layers) -> tuple[str, ...]:
    """The layers asked for and every layer they need, in the pipeline's order."""
    wanted = set(layers or LAYER_NAMES)
    while True:
        more = wanted | {need for layer in wanted for need in LAYER_NEEDS[layer]}
        if more == wanted:
            return tuple(name for name in LAYER_NAMES if name in wanted)
        wanted = more


# The fast engine is the default at every size: on the curated tables it runs the whole gate,
# suites included, in about two seconds, where the reference engine spends most of ten importing
# Great Expectations. The reference is kept as what the fast engine is proved equal to:
# tests/test_engines_agree.py compares them finding by finding, and `claims docs` compares them on the
# current data. "spark" runs the fast engine's SQL, transpiled, on a Spark session (spark.py): for
# data beyond one machine. `validate` and `claims validate --engine` accept these.
ENGINE_NAMES = ("fast", "reference", "spark")


def validate(
    data_dir: Path,
    archive_dir: Location | None = None,
    progress: Callable[[str], None] | None = None,
    layers: tuple[str, ...] | None = None,
    engine: str = "fast",
    keep_cells: bool = False,
) -> Run:
    """Run the layers (all by default, always in order) on the CSVs in `data_dir`.

    `archive_dir` holds the captured source texts. Each layer runs with the layers it needs (LAYER_NEEDS): the others
    read the tables it loads. `engine`: "fast" (each layer's `check_sql`: the rules and suites
    compiled to DuckDB SQL, see fast.py), "reference" (frictionless, pydantic and Great Expectations,
    row by row) or "spark" (the fast engine's SQL transpiled to Spark SQL, see spark.py).
    `keep_cells`: the run keeps every table's cells for the build to write from (Run.cells).
    """
    run = Run(Path(data_dir), parse_location(archive_dir), keep_cells=keep_cells)
    wanted = set(with_needs(layers))
    for name in sorted(wanted - set(layers or LAYER_NAMES), key=LAYER_NAMES.index):
        run.notes.append(f"the {name} layer ran too: a layer asked for needs it")
    if engine not in ENGINE_NAMES:
        raise ValueError(f"unknown engine {engine!r}: choose from {', '.join(ENGINE_NAMES)}")
    run.engine = engine
    if run.engine == "fast":
        fast.validate_fast(run, wanted, progress)
    elif run.engine == "spark":  # pyspark and a Java runtime are needed only here
        from claims.validate.spark import validate_spark

        validate_spark(run, wanted, progress)
    else:
        run_layers(run, [(name, partial(layer.check, run)) for name, layer in LAYERS if name in wanted], progress)
    if "provenance" in wanted:
        provenance.locate_offsets(run)
    return run
