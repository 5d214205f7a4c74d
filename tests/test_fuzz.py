"""Property-based fuzzing of the two engines: any cell value, and any bytes in a table file, give
the same findings in the reference and the fast engine, and never a crash.

`make test` runs a small fixed budget, derandomised so that every run tries the same inputs; a
longer campaign runs with CLAIMS_FUZZ_EXAMPLES=2000 (tests/conftest.py). Every disagreement found
becomes a named regression test in tests/test_gate.py."""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.schema.catalogue import CELL_MAX_CHARS, INTEGER_MAX
from claims.validate import validate
from helpers import FUZZ_CAMPAIGN, FUZZ_EXAMPLES, full

pytestmark = pytest.mark.slow

FUZZ = settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=not FUZZ_CAMPAIGN, suppress_health_check=list(HealthCheck)
)
LAYERS = ("structure", "rows", "integrity")

# The characters that have broken a gate before: format characters (bidi, tags, soft hyphen,
# joiners), quotes and delimiters, every kind of whitespace and line break, the fast reader's NULL
# marker, controls, and ordinary letters and digits around them.
TRICKY = (
    "\u2066\u2069\U000e0041\u00ad\u200b\u200c\u200d\ufeff\u2028\u00a0\u3000\x01\x07\x7f\x85"
    + "\"',|;=+-@\t\r\n "
    + "aZé9Ж“”’[…]"
)
cells = st.one_of(
    st.text(alphabet=TRICKY, max_size=12),
    st.text(max_size=8),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-0",
            "007",
            "1e3",
            str(INTEGER_MAX),
            str(INTEGER_MAX + 1),
            "2025-10-14",
            "2025-13-01",
            "2025-10-16~",
            "true",
            "TRUE",
            "peace_plan|peace_plan",
        ]
    ),
    st.builds(lambda c, n: c * n, st.sampled_from("x“\u200d"), st.sampled_from([CELL_MAX_CHARS, CELL_MAX_CHARS + 1])),
)
# Columns of every kind: ID, free text, list of text, list of enum, enum, integer, date, EDTF, boolean, URL.
TARGETS = [
    ("actors", "actor_id"),
    ("actors", "name"),
    ("actors", "aliases"),
    ("actors", "actor_type"),
    ("actors", "notes"),
    ("attestations", "char_start"),
    ("attestations", "excerpt"),
    ("statements", "date"),
    ("statements", "date_min"),
    ("statements", "topics"),
    ("statements", "translated"),
    ("statements", "text"),
    ("sources", "url"),
    ("plans", "point_count"),
]


def _copy(source: Path) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="claims-fuzz-"))
    shutil.copytree(source / "data", folder / "data")
    return folder


def _agree(data: Path) -> None:
    reference = validate(data, None, layers=LAYERS, engine="reference")
    fast = validate(data, None, layers=LAYERS, engine="fast")
    assert full(fast) == full(reference)
    assert not any(f.rule == "internal-error" for f in reference.findings)


@FUZZ
@given(target=st.sampled_from(TARGETS), value=cells, row=st.integers(min_value=0, max_value=5))
def test_any_cell_value_gives_the_same_findings(synthetic_source, target, value, row):
    folder = _copy(synthetic_source)
    try:
        table, column = target
        path = folder / "data" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header, rows = reader.fieldnames, list(reader)
        rows[row % len(rows)][column] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        _agree(folder / "data")
    finally:
        shutil.rmtree(folder)


raw_pieces = st.lists(
    st.sampled_from(
        [
            b",",
            b'"',
            b'""',
            b" ",
            b"\t",
            b"\r",
            b"\n",
            b"\r\n",
            b"\x01",
            b"\x00",
            b"\xef\xbb\xbf",
            b"\xff",
            b"a",
            "é".encode(),
            "\u2066".encode(),
            b"x,Y,city",
        ]
    ),
    max_size=10,
).map(b"".join)


@FUZZ
@given(
    where=st.floats(min_value=0, max_value=1),
    insert=raw_pieces,
    table=st.sampled_from(["places", "actors", "statements"]),
)
def test_any_bytes_in_a_file_give_the_same_findings(synthetic_source, where, insert, table):
    folder = _copy(synthetic_source)
    try:
        path = folder / "data" / f"{table}.csv"
        raw = path.read_bytes()
        at = int(len(raw) * where)
        path.write_bytes(raw[:at] + insert + raw[at:])
        _agree(folder / "data")
    finally:
        shutil.rmtree(folder)


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

    folder = _copy(synthetic_source)
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
