"""Synthetic data at any size, validated by both engines; the benchmark runs end to end (small)."""

import hashlib
from pathlib import Path

import pytest

from claims import bench
from claims.synth import synth
from claims.validate import validate


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth(300, out)
    return out


def test_synthetic_data_passes_every_layer_of_both_engines(synthetic):
    for engine in ("reference", "fast"):
        run = validate(synthetic / "data", synthetic / "archive", engine=engine)
        assert [f.format() for f in run.findings] == [], engine
        assert "provenance" not in run.skipped


def test_synthetic_shapes(synthetic):
    import duckdb

    con = duckdb.connect()
    data = synthetic / "data"
    per_event = con.execute(f"SELECT min(n), max(n) FROM (SELECT count(*) AS n FROM read_csv('{data}/event_participants.csv') GROUP BY event_id)").fetchone()
    assert per_event == (2, 4)
    per_statement = con.execute(f"SELECT max(n) FROM (SELECT count(*) AS n FROM read_csv('{data}/attestations.csv') WHERE statement_id IS NOT NULL GROUP BY statement_id)").fetchone()[0]
    assert per_statement >= 2
    top = con.execute(f"SELECT max(n) * 1.0 / avg(n) FROM (SELECT count(*) AS n FROM read_csv('{data}/statements.csv') GROUP BY speaker_id)").fetchone()[0]
    assert top > 5  # a few prolific speakers


def test_same_seed_same_files(tmp_path):
    synth(120, tmp_path / "a")
    synth(120, tmp_path / "b")
    for path in sorted((tmp_path / "a").rglob("*")):
        if path.is_file():
            twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
            assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(twin.read_bytes()).digest(), path.name


def test_broken_synthetic_data_gives_the_same_findings_on_both_engines(synthetic, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(synthetic, copy)
    path = copy / "data" / "statements.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[5] = lines[5].replace("actor-", "Actor-", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    keys = []
    for engine in ("reference", "fast"):
        run = validate(copy / "data", copy / "archive", engine=engine, layers=("structure", "rows", "integrity", "provenance"))
        keys.append(sorted({(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings}))
    assert keys[0] == keys[1] and keys[0]


def test_benchmark_runs_end_to_end_on_a_small_size(tmp_path):
    results = bench.bench([200], tmp_path, frictionless_budget=120, step_budget=300, datasette=True)
    steps = {m.step for m in results}
    assert {"floor: DuckDB scan", "claims validate", "frictionless validate", "claims build", "Datasette table page", "Datasette search", "Datasette canned query"} <= steps
    assert all(m.seconds and m.seconds > 0 for m in results if not m.step.startswith("  layer"))
    table = bench.markdown(results)
    assert table.count("\n") == len(results) + 2
    assert any("peak memory" in line for line in bench.targets(results))
    assert bench.plot_svg(results).startswith("<svg")
