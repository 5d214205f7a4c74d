"""IDs are forever: retired IDs are not reused, published IDs do not silently disappear or move.

Every test starts from a fixture release (`released`: a copy of the data in which a release has
recorded every ID), never from the release state of the live data: rows added since the last
release are normal and must pass every check.
"""

import pytest

from claims.release.records import record_published_ids


@pytest.fixture
def released(dataset):
    """A copy of the data just after a release: every ID it holds is recorded as published."""
    record_published_ids(dataset.dir, "0.1.0")
    return dataset


def test_a_row_added_since_the_last_release_passes(released):
    released.append("places", place_id="kyiv", name="Kyiv", place_type="city")
    assert not any(f[3].startswith(("published-id", "retired-id")) for f in released.findings())
    assert not any(r["id"] == "kyiv" for r in released.read("published_ids")[1])


def test_removing_a_published_row_is_reported(released):
    released.delete("places", place_id="budapest")
    released.delete("statement_mentions", entity_id="budapest")
    line = released.line_of("published_ids", table_name="places", id="budapest")
    assert ("published_ids.csv", line, "id", "published-id-removed") in released.findings()


def test_moving_a_published_id_to_another_table_is_reported(released):
    released.delete("places", place_id="budapest")
    released.delete("statement_mentions", entity_id="budapest")
    released.append("actors", actor_id="budapest", name="Budapest", actor_type="government")
    line = released.line_of("published_ids", table_name="places", id="budapest")
    assert ("published_ids.csv", line, "id", "published-id-removed") in released.findings()


def test_retiring_it_instead_is_accepted(released):
    released.delete("places", place_id="budapest")
    released.delete("statement_mentions", entity_id="budapest")
    released.append(
        "retired_ids",
        table_name="places",
        id="budapest",
        retired_on="2026-11-29",
        reason="test: merged into another place",
    )
    assert not any(f[3] == "published-id-removed" for f in released.findings())


def test_reusing_a_retired_id_is_rejected(released):
    released.append("retired_ids", table_name="places", id="budapest", retired_on="2026-11-29", reason="test")
    line = released.line_of("places", place_id="budapest")
    assert ("places.csv", line, "place_id", "retired-id-reused") in released.findings()


def test_replacement_must_exist(released):
    line = released.append(
        "retired_ids",
        table_name="places",
        id="old-place",
        retired_on="2026-11-29",
        reason="test",
        replaced_by="no-such-place",
    )
    assert ("retired_ids.csv", line, "replaced_by", "foreign-key") in released.findings()


def test_retired_table_name_is_a_closed_vocabulary(released):
    line = released.append("retired_ids", table_name="people", id="x", retired_on="2026-11-29", reason="test")
    assert ("retired_ids.csv", line, "table_name", "enum") in released.findings()


def test_release_records_each_new_id_once(released):
    released.append("places", place_id="kyiv", name="Kyiv", place_type="city")
    released.append("actors", actor_id="new-actor", name="New Actor", actor_type="person")
    assert record_published_ids(released.dir, "0.2.0") == 2
    assert record_published_ids(released.dir, "0.2.0") == 0
    assert record_published_ids(released.dir, "0.3.0") == 0
    assert released.row("published_ids", table_name="places", id="kyiv")["first_version"] == "0.2.0"
    assert released.row("published_ids", table_name="places", id="budapest")["first_version"] == "0.1.0"
