"""Property-based fuzzing of the build: data that validates always builds. (That any cell value and
any bytes in a table file give the same findings in every engine is in tests/test_engines_agree.py.)

`make test` runs a small fixed budget, derandomised so that every run tries the same inputs; a
longer campaign runs with CLAIMS_FUZZ_EXAMPLES=2000 (tests/helpers.py)."""

from __future__ import annotations

import csv
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.schema.catalogue import INTEGER_MAX
from claims.validate import validate
from helpers import FUZZ_CAMPAIGN, FUZZ_EXAMPLES, scratch_data_copy

pytestmark = pytest.mark.slow

LAYERS = ("structure", "rows", "integrity")


integers = st.one_of(
    st.integers(min_value=-5, max_value=2**66), st.sampled_from([0, 1, INTEGER_MAX, INTEGER_MAX + 1, 2**64])
)


@settings(
    max_examples=max(3, FUZZ_EXAMPLES // 4),
    deadline=None,
    derandomize=not FUZZ_CAMPAIGN,
    suppress_health_check=list(HealthCheck),
)
@given(counts=st.lists(integers, min_size=3, max_size=3))
def test_data_that_validates_always_builds(synthetic_source, counts):
    """Every integer column is bounded to what DuckDB, SQLite and Parquet store: if the reference
    passes the data, the build (DuckDB, Parquet, SQLite) succeeds."""
    from claims.build.outputs import build_all

    folder = scratch_data_copy(synthetic_source)
    try:
        path = folder / "data" / "plans.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header, rows = reader.fieldnames, list(reader)
        for row, count in zip(rows, counts):
            row["point_count"] = str(count)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        if validate(folder / "data", None, layers=LAYERS, engine="reference").ok:
            build_all(folder / "data", folder / "build", None)
            assert (folder / "build" / "claims.db").exists()
    finally:
        shutil.rmtree(folder)
