"""IDs are forever: retired IDs are not reused, published IDs do not silently disappear."""

from claims.release import record_published_ids


def test_curated_ids_are_all_published():
    import csv
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "data"
    published = {(r["table_name"], r["id"]) for r in csv.DictReader((data / "published_ids.csv").open(encoding="utf-8"))}
    statements = {("statements", r["statement_id"]) for r in csv.DictReader((data / "statements.csv").open(encoding="utf-8"))}
    assert statements <= published


def test_removing_a_published_row_is_reported(dataset):
    dataset.delete("places", place_id="budapest")
    dataset.delete("statement_mentions", entity_id="budapest")
    line = dataset.line_of("published_ids", table_name="places", id="budapest")
    assert ("published_ids.csv", line, "id", "published-id-removed") in dataset.findings()


def test_retiring_it_instead_is_accepted(dataset):
    dataset.delete("places", place_id="budapest")
    dataset.delete("statement_mentions", entity_id="budapest")
    dataset.append("retired_ids", table_name="places", id="budapest", retired_on="2026-11-29", reason="test: merged into another place")
    assert not any(f[3] == "published-id-removed" for f in dataset.findings())


def test_reusing_a_retired_id_is_rejected(dataset):
    dataset.append("retired_ids", table_name="places", id="budapest", retired_on="2026-11-29", reason="test")
    line = dataset.line_of("places", place_id="budapest")
    assert ("places.csv", line, "place_id", "retired-id-reused") in dataset.findings()


def test_replacement_must_exist(dataset):
    line = dataset.append("retired_ids", table_name="places", id="old-place", retired_on="2026-11-29", reason="test", replaced_by="no-such-place")
    assert ("retired_ids.csv", line, "replaced_by", "foreign-key") in dataset.findings()


def test_retired_table_name_is_a_closed_vocabulary(dataset):
    line = dataset.append("retired_ids", table_name="people", id="x", retired_on="2026-11-29", reason="test")
    assert ("retired_ids.csv", line, "table_name", "enum") in dataset.findings()


def test_release_records_new_ids_once(dataset):
    dataset.append("places", place_id="kyiv", name="Kyiv", place_type="city")
    assert record_published_ids(dataset.dir, "0.2.0") == 1
    assert record_published_ids(dataset.dir, "0.2.0") == 0
    assert dataset.row("published_ids", table_name="places", id="kyiv")["first_version"] == "0.2.0"
