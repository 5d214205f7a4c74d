"""The example queries in scripts/claims/queries/examples/ run on the built databases and return what they say."""

import re
import shutil
import sqlite3
from pathlib import Path

import duckdb
import pytest

from claims.project import EXAMPLES_DIR
from claims.site.metadata import example_values, sql_file

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.sql"))


@pytest.fixture(scope="module")
def databases(curated_build, tmp_path_factory):
    """The session's build of the curated data; the SQLite file copied, since a test edits it."""
    sqlite_copy = tmp_path_factory.mktemp("queries") / "claims.db"
    shutil.copyfile(curated_build / "claims.db", sqlite_copy)
    return duckdb.connect(str(curated_build / "claims.duckdb"), read_only=True), sqlite3.connect(sqlite_copy)


def run(databases, name, **values):
    """Run an example on both databases with the values of its `-- example:` header, overridden by `values`."""
    path = EXAMPLES_DIR / f"{name}.sql"
    sql = path.read_text(encoding="utf-8")
    params = {**example_values(sql_file(path)[0]), **values}
    duck, lite = databases
    cursor = duck.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    lite_rows = lite.execute(sql, params).fetchall()
    assert len(lite_rows) == len(rows), "DuckDB and SQLite disagree"
    return rows


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_returns_rows_with_its_example_values(databases, path):
    assert run(databases, path.stem)


def test_names_aliases_and_ids_are_the_same_actor(databases):
    by_id = run(databases, "witkoff_to_ushakov", speaker="steve-witkoff", addressee="yuri-ushakov")
    by_name = run(databases, "witkoff_to_ushakov", speaker="Steve Witkoff", addressee=" yuri ushakov ")
    by_alias = run(databases, "witkoff_to_ushakov", speaker="Witkoff", addressee="Ushakov")
    assert by_id and by_id == by_name == by_alias
    assert run(databases, "witkoff_to_ushakov", speaker="Nobody At All", addressee="yuri-ushakov") == []


def test_date_range_narrows_the_rows(databases):
    everything = run(databases, "witkoff_to_ushakov")
    one_day = run(databases, "witkoff_to_ushakov", start="2025-10-14", end="2025-10-14")
    assert one_day and len(one_day) <= len(everything)
    assert all(r["date"] is None or str(r["date"]).startswith("2025-10-14") for r in one_day)
    assert run(databases, "witkoff_to_ushakov", start="2030-01-01", end="") == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_documented(path):
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^-- title: .+", text, re.M) and re.search(r"^-- description: .+", text, re.M)


def test_witkoff_to_ushakov(databases):
    rows = run(databases, "witkoff_to_ushakov")
    ids = {r["statement_id"] for r in rows}
    assert {"st-007", "st-026", "st-030", "st-031", "st-060", "st-061", "st-003", "st-029"} <= ids
    assert all(r["event"] == "Witkoff–Ushakov phone call" for r in rows)
    assert "st-009" not in ids  # Trump to reporters


def test_territory(databases):
    rows = run(databases, "territory")
    ids = {r["statement_id"] for r in rows}
    assert {"st-053", "st-054", "st-055", "st-056", "st-060"} <= ids
    donetsk = next(r for r in rows if r["statement_id"] == "st-055")
    assert "Donetsk" in donetsk["places"] and "Crimea" in donetsk["places"]


def test_resting_only_on_a_recording(databases):
    rows = run(databases, "resting_only_on_a_recording")
    ids = {r["statement_id"] for r in rows}
    assert "st-007" in ids and "st-043" in ids
    assert "st-009" not in ids  # public remarks
    assert {r["recordings"] for r in rows} <= {
        "recording-2025-10-14-witkoff-ushakov-call",
        "recording-2025-10-29-dmitriev-ushakov-call",
    }


def test_plan_terms(databases):
    rows = run(databases, "plan_terms")
    assert {r["provision_id"] for r in rows} == {
        "p28-withdraw-from-donbas",
        "p28-donbas-buffer-zone",
        "p28-recognition-crimea-luhansk-donetsk",
        "p28-freeze-front-line",
    }
    assert {r["reported_by"] for r in rows} == {"Bloomberg"}


def test_outlet_own_claims(databases):
    rows = run(databases, "outlet_own_claims")
    texts = [r["text"] for r in rows]
    assert any(t.startswith("Bloomberg has been unable to confirm") for t in texts)
    assert all(r["excerpt"] for r in rows)


def test_undated(databases):
    rows = run(databases, "undated")
    ids = {r["statement_id"] for r in rows}
    # no date words in the article: bounded by the call it speaks of, by the article, by the plan it refers to
    assert {"st-008", "st-037", "st-010", "st-016"} <= ids
    assert "st-007" not in ids  # "Oct. 14"
    # what bounds the date is in date_resolved_against (rule date-wording); notes are optional
    assert all(r["date"] and r["date"].startswith("[") and r["date_resolved_against"] for r in rows)


def test_a_date_open_at_one_end_falls_between_dates_where_it_may(databases):
    """[..2025-10-14] (on or before 14 October) may be in October, never in 2030; an undated
    statement is in no period."""
    _duck, lite = databases
    path = EXAMPLES_DIR / "witkoff_to_ushakov.sql"
    sql = path.read_text(encoding="utf-8")
    params = {**example_values(sql_file(path)[0])}
    lite.execute("SAVEPOINT open_end")
    try:
        lite.execute("UPDATE statements SET date = '[..2025-10-14]', date_min = NULL WHERE statement_id = 'st-007'")
        lite.execute(
            "UPDATE statements SET date = NULL, date_min = NULL, date_max = NULL WHERE statement_id = 'st-026'"
        )

        def ids(start, end):
            return {row[0] for row in lite.execute(sql, {**params, "start": start, "end": end}).fetchall()}

        assert "st-007" in ids("2025-10-01", "2025-10-31") and "st-007" in ids("2025-01-01", "")
        assert "st-007" not in ids("2025-10-15", "") and "st-007" in ids("", "2020-01-01")
        assert "st-026" not in ids("2025-10-01", "2025-10-31") and "st-026" in ids("", "")
    finally:
        lite.execute("ROLLBACK TO open_end")
