"""`claims build`: DuckDB, Parquet and SQLite outputs from validated CSVs, atomically."""

import csv
import hashlib
import sqlite3
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from claims.archive import Archive
from claims.build import outputs as build_module
from claims.build.outputs import BuildRefused, build, build_all
from claims.build.tables import CsvTables
from claims.cli import cli
from claims.schema import HISTORY_TABLES, TABLES
from claims.validate import validate
from helpers import archive_or_none

pytestmark = pytest.mark.rules

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def built(curated_build) -> Path:
    return curated_build


def csv_rows(table: str) -> int:
    with (REPO / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def test_outputs_hold_every_row(built):
    duck = duckdb.connect(str(built / "claims.duckdb"), read_only=True)
    lite = sqlite3.connect(built / "claims.db")
    for model in TABLES:
        name = model.meta.name
        expected = csv_rows(name)
        assert duck.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == expected
        assert (
            duck.execute(f"SELECT count(*) FROM '{built / 'parquet' / (name + '.parquet')}'").fetchone()[0] == expected
        )
        assert lite.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == expected


def test_duckdb_tables_are_typed_keyed_and_commented(built):
    duck = duckdb.connect(str(built / "claims.duckdb"), read_only=True)
    types = dict(
        duck.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'attestations'"
        ).fetchall()
    )
    assert types["char_start"] == "BIGINT" and types["excerpt"] == "VARCHAR"
    assert (
        dict(
            duck.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'statements'"
            ).fetchall()
        )["date_min"]
        == "DATE"
    )
    constraints = duck.execute(
        "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'statements'"
    ).fetchall()
    assert ("PRIMARY KEY",) in constraints and ("FOREIGN KEY",) in constraints
    comment = duck.execute(
        "SELECT comment FROM duckdb_columns() WHERE table_name = 'statements' AND column_name = 'date_text'"
    ).fetchone()[0]
    assert "source's own wording" in comment


def test_sqlite_has_foreign_keys_indexes_and_full_text_search(built):
    lite = sqlite3.connect(built / "claims.db")
    keys = {(row[2], row[3]) for row in lite.execute("PRAGMA foreign_key_list(actors)").fetchall()}
    assert ("sources", "role_source_id") in keys and ("actors", "affiliation_id") in keys
    indexed = {row[1] for row in lite.execute("PRAGMA index_list(statements)").fetchall()}
    assert any("speaker_id" in name for name in indexed)
    hits = lite.execute(
        "SELECT statements.statement_id FROM statements_fts JOIN statements ON statements.rowid = statements_fts.rowid WHERE statements_fts MATCH 'dealmaker'"
    ).fetchall()
    assert hits == [("st-009",)]
    if archive_or_none():
        assert lite.execute("SELECT char_length FROM archived_texts").fetchone()[0] > 8000


def test_views_in_both_databases(built):
    duck = duckdb.connect(str(built / "claims.duckdb"), read_only=True)
    lite = sqlite3.connect(built / "claims.db")
    for view in ("timeline", "who_spoke_to_whom", "attribution_chain", "actor_summary"):
        assert duck.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0
        assert lite.execute(f"SELECT count(*) FROM {view}").fetchone()[0] > 0
    first = duck.execute("SELECT id FROM timeline LIMIT 1").fetchone()[0]
    assert first == "visit-2025-09-07-us-open-final"
    chain = duck.execute(
        "SELECT speaker, event, reported_by, relies_on, relies_on_type, evidence_basis FROM attribution_chain WHERE statement_id = 'st-007'"
    ).fetchone()
    assert chain == (
        "Steve Witkoff",
        "Witkoff–Ushakov phone call",
        "Witkoff advised Russia on how to pitch Ukraine plan to Trump",
        "Recording of the Witkoff–Ushakov phone call of 14 October 2025",
        "recording",
        "recording_reviewed_by_outlet",
    )
    pair = duck.execute(
        "SELECT statements FROM who_spoke_to_whom WHERE speaker_id = 'steve-witkoff' AND addressee_id = 'yuri-ushakov'"
    ).fetchone()[0]
    assert (
        pair
        == duck.execute(
            "SELECT count(*) FROM statements WHERE speaker_id = 'steve-witkoff' AND addressee_id = 'yuri-ushakov'"
        ).fetchone()[0]
    )


def test_actor_names_is_a_table_looked_up_by_index_in_sqlite_with_the_views_rows(built):
    """Served by Datasette, a name lookup must not recompute the view over every actor."""
    duck = duckdb.connect(str(built / "claims.duckdb"), read_only=True)
    lite = sqlite3.connect(built / "claims.db")
    assert lite.execute("SELECT type FROM sqlite_master WHERE name = 'actor_names'").fetchone() == ("table",)
    plan = " ".join(
        row[3] for row in lite.execute("EXPLAIN QUERY PLAN SELECT actor_id FROM actor_names WHERE key = 'witkoff'")
    )
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan, plan
    assert sorted(lite.execute("SELECT actor_id, key, kind FROM actor_names").fetchall()) == sorted(
        duck.execute("SELECT actor_id, key, kind FROM actor_names").fetchall()
    )
    assert lite.execute("SELECT actor_id FROM actor_names WHERE key = 'witkoff'").fetchall() == [("steve-witkoff",)]


def test_build_refuses_data_that_does_not_validate(dataset, tmp_path):
    dataset.edit("actors", {"actor_id": "axios"}, actor_type="newspaper")
    with pytest.raises(BuildRefused):
        build(dataset.dir, tmp_path / "out", dataset.archive)
    assert not (tmp_path / "out" / "claims.db").exists()
    result = CliRunner().invoke(
        cli, ["build", "--data", str(dataset.dir), "--out", str(tmp_path / "out"), *dataset.archive_args()]
    )
    assert result.exit_code == 1
    assert "actor_type" in result.output


def test_build_without_the_archive_says_provenance_was_not_checked(dataset, tmp_path):
    """Built without the archive, the data's excerpts were not checked against the sources: the
    command says so, as `claims check` does, and says nothing of it when they were."""
    from claims.validate.provenance import SKIPPED_WITHOUT_ARCHIVE

    out = ["build", "--data", str(dataset.dir), "--out", str(tmp_path / "out")]
    without = CliRunner().invoke(cli, [*out, "--no-archive"])
    assert without.exit_code == 0, without.output
    assert f"provenance NOT checked: {SKIPPED_WITHOUT_ARCHIVE}" in without.stderr
    if dataset.archive:
        with_archive = CliRunner().invoke(cli, [*out, *dataset.archive_args()])
        assert with_archive.exit_code == 0 and "provenance NOT checked" not in with_archive.stderr


def test_build_counts_the_data_apart_from_the_history(dataset, tmp_path):
    """What `claims build` says it wrote: the data's rows, and the history's rows apart."""
    result = CliRunner().invoke(
        cli, ["build", "--data", str(dataset.dir), "--out", str(tmp_path / "out"), *dataset.archive_args()]
    )
    assert result.exit_code == 0, result.output
    counts = {model.meta.name: len(dataset.read(model.meta.name)[1]) for model in TABLES}
    data = [count for name, count in counts.items() if name not in HISTORY_TABLES]
    history = ", ".join(f"{name}: {counts[name]}" for name in HISTORY_TABLES)
    assert (
        f"{sum(data)} data rows in {len(data)} tables, and {sum(counts[n] for n in HISTORY_TABLES)} rows of history ({history})"
        in " ".join(result.output.split())  # as the terminal wraps it
    )


def test_each_parquet_file_says_which_table_and_which_data_it_holds(curated_build):
    """A Parquet file on its own (a release asset, a file from the site's zip) names the dataset,
    its table and the data's version in its key-value metadata."""
    ((version, label),) = (
        sqlite3.connect(curated_build / "claims.db").execute("SELECT version, label FROM dataset_version").fetchall()
    )
    for model in TABLES:
        path = curated_build / "parquet" / f"{model.meta.name}.parquet"
        found = dict(
            duckdb.sql(f"SELECT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata('{path.as_posix()}')").fetchall()
        )
        assert found == {
            "dataset": "peace-plan-claims",
            "table": model.meta.name,
            "version": version,
            "version_label": label,
        }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_interrupted_build_leaves_the_previous_one_intact(tmp_path, monkeypatch):
    archive = archive_or_none()
    out = tmp_path / "out"
    build_all(REPO / "data", out, archive)
    before = {
        p.name: digest(p) for p in [out / "claims.db", out / "claims.duckdb", *sorted((out / "parquet").iterdir())]
    }

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed midway")

    monkeypatch.setattr(build_module, "write_sqlite", crash)
    with pytest.raises(KeyboardInterrupt):
        build_all(REPO / "data", out, archive)
    after = {
        p.name: digest(p) for p in [out / "claims.db", out / "claims.duckdb", *sorted((out / "parquet").iterdir())]
    }
    assert after == before
    assert not list((out / ".versions").glob("*.partial"))


def test_each_output_is_timed(tmp_path):
    result = build_all(REPO / "data", tmp_path / "out")
    assert set(result.seconds) == {"duckdb", "parquet", "sqlite", "counts"}  # what the bench prints
    assert all(seconds > 0 for seconds in result.seconds.values())


def test_parquet_and_duckdb_hold_the_same_typed_rows_in_key_order(built):
    """Parquet is written from the DuckDB tables without sorting again: same column types, same
    rows, same (key) order."""
    duck = duckdb.connect(str(built / "claims.duckdb"), read_only=True)
    for model in TABLES:
        name, parquet = model.meta.name, built / "parquet" / f"{model.meta.name}.parquet"
        assert [row[:2] for row in duck.execute(f"DESCRIBE SELECT * FROM '{parquet}'").fetchall()] == [
            row[:2] for row in duck.execute(f"DESCRIBE {name}").fetchall()
        ], name
        keys = ", ".join(model.meta.primary_key)
        in_order = f"SELECT * FROM {{}} ORDER BY {keys}"
        assert (
            duck.execute(f"SELECT * FROM '{parquet}'").fetchall()
            == duck.execute(in_order.format(f"'{parquet}'")).fetchall()
        )
        assert (
            duck.execute(f"SELECT * FROM {name}").fetchall() == duck.execute(f"SELECT * FROM '{parquet}'").fetchall()
        ), name


def test_sqlite_is_whole_and_compact_without_a_vacuum(built):
    """The SQLite file is written without VACUUM: it must pass SQLite's and FTS5's own checks and
    hold no free pages."""
    lite = sqlite3.connect(built / "claims.db")
    assert lite.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert lite.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in ("statements", "attestations", "actors", "events"):
        lite.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('integrity-check')")
    assert lite.execute("PRAGMA freelist_count").fetchone() == (0,)


def test_two_builds_give_identical_parquet(tmp_path):
    archive = archive_or_none()
    build_all(REPO / "data", tmp_path / "a", archive)
    build_all(REPO / "data", tmp_path / "b", archive)
    for path in sorted((tmp_path / "a" / "parquet").iterdir()):
        assert digest(path) == digest(tmp_path / "b" / "parquet" / path.name), path.name


def sqlite_rows(database: Path) -> dict[str, list[tuple]]:
    """Every row of every table of a SQLite database, in a fixed order."""
    lite = sqlite3.connect(database)
    names = [name for (name,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {name: sorted(lite.execute(f"SELECT * FROM [{name}]").fetchall(), key=repr) for name in names}


def test_the_build_writes_what_validation_read(tmp_path, monkeypatch):
    """`claims build` reads the CSVs and the archive once, in validation: the outputs are written
    from the run's tables and text lengths, and hold what a build straight from the files holds."""
    archive = archive_or_none()
    build_all(REPO / "data", tmp_path / "from-files", archive)

    def no_second_read(self, name):
        raise AssertionError(f"{name}.csv read again by the build")

    opened = []
    open_archive = Archive.open.__func__
    monkeypatch.setattr(CsvTables, "cells", no_second_read)
    monkeypatch.setattr(
        Archive, "open", classmethod(lambda cls, where: opened.append(where) or open_archive(cls, where))
    )
    run, _result = build(REPO / "data", tmp_path / "from-run", archive)
    assert len(opened) == (0 if archive is None else 1)
    assert (run.archived_lengths is None) == (archive is None)
    from_run, from_files = (
        sqlite_rows(tmp_path / "from-run" / "claims.db"),
        sqlite_rows(tmp_path / "from-files" / "claims.db"),
    )
    assert from_run == from_files
    assert from_run["statements"] and ("archived_texts" in from_run) == (archive is not None)
    for path in sorted((tmp_path / "from-files" / "parquet").iterdir()):
        assert digest(path) == digest(tmp_path / "from-run" / "parquet" / path.name), path.name


def test_publish_writes_what_validation_read(tmp_path, monkeypatch):
    """`claims publish` reads the CSVs once, in validation: its database is written from the run's
    tables, and holds what a build straight from the files holds."""
    build_all(REPO / "data", tmp_path / "from-files", archive_or_none())

    def no_second_read(self, name):
        raise AssertionError(f"{name}.csv read again by publish")

    monkeypatch.setattr(CsvTables, "cells", no_second_read)
    archive = archive_or_none()
    where = ["--archive", str(archive)] if archive else []
    result = CliRunner().invoke(cli, ["publish", "--data", str(REPO / "data"), "--out", str(tmp_path / "site"), *where])
    assert result.exit_code == 0, result.output
    assert sqlite_rows(tmp_path / "site" / "claims.db") == sqlite_rows(tmp_path / "from-files" / "claims.db")


def test_both_engines_keep_the_cells_they_read():
    """Run.cells is the same table whichever engine read the data (the build writes from either)."""
    archive = archive_or_none()
    fast = validate(REPO / "data", archive, keep_cells=True)
    reference = validate(REPO / "data", archive, engine="reference", layers=("structure",), keep_cells=True)
    for model in TABLES:
        assert fast.cells(model.meta.name) == reference.cells(model.meta.name), model.meta.name
    with pytest.raises(ValueError, match="keep_cells"):  # handed over once: not held twice
        fast.cells("statements")
    with pytest.raises(ValueError, match="keep_cells"):
        validate(REPO / "data", None, layers=("structure",)).cells("statements")
