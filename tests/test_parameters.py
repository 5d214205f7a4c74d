"""What the site says about a canned query's parameters, read from the queries' SQL: dates it
refuses or questions, names no actor has (tests/test_datasette.py asks the server)."""

import pytest

from claims.site import metadata as site_metadata
from claims.site.parameters import unknown_name, unreadable_date


def test_parameter_kinds_are_read_from_the_sql():
    queries = site_metadata.canned_queries()
    kinds = {name: site_metadata.parameter_kinds(query["sql"]) for name, query in queries.items()}
    assert kinds["statements_between_dates"] == {"start": "date", "end": "date"}
    assert kinds["statements_by_actor"] == {"speaker": "actor", "addressee": "actor"}
    assert kinds["witkoff_to_ushakov"] == {"speaker": "actor", "addressee": "actor", "start": "date", "end": "date"}
    # the form asks for start and end, which the query reads (checked) as :_date_start and :_date_end
    assert queries["statements_between_dates"]["params"] == ["start", "end", "after"]
    assert all(query["hide_sql"] for query in queries.values())  # folded under the results


@pytest.mark.parametrize("value", ["", "2025-10-14", " 2025-10-14 ", "2024-02-29"])
def test_iso_days_and_no_bound_are_read(value):
    assert unreadable_date("start", value) is None


@pytest.mark.parametrize("value", ["1 Dec 2025", "Oct 14", "2025-13-45", "2025-02-30", "2025-10", "20251014"])
def test_other_dates_are_refused_with_how_to_write_them(value):
    assert "use YYYY-MM-DD" in unreadable_date("start", value)


def test_a_misspelled_name_gets_the_closest_names():
    known = ["Steve Witkoff", "Witkoff", "Yuri Ushakov", "Ushakov"]
    assert (
        unknown_name("speaker", "Witkof", known)
        == "speaker: no actor is named 'Witkof' — did you mean Witkoff or Steve Witkoff?"
    )
    assert unknown_name("speaker", "ushakof", known).endswith("did you mean Ushakov or Yuri Ushakov?")  # any case
    assert "did you mean" not in unknown_name("speaker", "Zzz", known)
