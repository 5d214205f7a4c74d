"""The site's pages say true things about the data (in-process Datasette, no server): retired IDs
still answer, the timeline draws what the data bounds and calls undated only what has no date and
no bound, the home page counts what it says it counts, and addresses never name the serving host."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

import pytest

from claims.schema import TABLES
from claims.site.charts import timeline_svg
from claims.site.metadata import DATABASE, HISTORY_TABLES
from helpers import datasette_site


def get(database: Path, *paths: str) -> list:
    async def fetch():
        site = datasette_site(database)
        return [await site.client.get(path) for path in paths]

    return asyncio.run(fetch())


def query(database: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(database)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def with_retirements(curated_build, tmp_path_factory) -> Path:
    """The curated database with three more retired IDs: one replaced by a row that exists, one not
    replaced, and one split into two rows that its reason names (the curated ID history need not
    hold any of these kinds)."""
    database = tmp_path_factory.mktemp("retired") / "claims.db"
    shutil.copyfile(curated_build / "claims.db", database)
    ((statement,),) = query(database, "SELECT min(statement_id) FROM statements")
    ((first, second),) = query(database, "SELECT min(statement_id), max(statement_id) FROM statements")
    split_reason = f"Two claims in one row: now {second} and {first} (not st-no-such-row)."
    con = sqlite3.connect(database)
    con.executemany(
        "INSERT INTO retired_ids (table_name, id, retired_on, reason, replaced_by) VALUES (?, ?, ?, ?, ?)",
        [
            ("statements", "st-retired-replaced", "2027-01-10", "Merged into another statement.", statement),
            ("statements", "st-retired-gone", "2027-01-10", "Not supported by the source.", None),
            ("statements", "st-retired-split", "2027-01-10", split_reason, None),
        ],
    )
    con.commit()
    con.close()
    return database


def test_a_retired_id_redirects_to_its_replacement_in_html_and_json(with_retirements):
    ((replacement,),) = query(with_retirements, "SELECT replaced_by FROM retired_ids WHERE id = 'st-retired-replaced'")
    html, json_page = get(
        with_retirements,
        f"/{DATABASE}/statements/st-retired-replaced",
        f"/{DATABASE}/statements/st-retired-replaced.json",
    )
    assert html.status_code == 301 and html.headers["location"] == f"/{DATABASE}/statements/{replacement}"
    assert "Retired on 2027-01-10: <span" in html.text and "Merged into another statement." in html.text
    assert f'href="/{DATABASE}/statements/{replacement}"' in html.text
    assert (
        json_page.status_code == 301 and json_page.headers["location"] == f"/{DATABASE}/statements/{replacement}.json"
    )
    facts = json_page.json()
    assert (facts["retired"], facts["retired_on"], facts["replaced_by"]) == (True, "2027-01-10", replacement)
    assert facts["address"] == "urn:claims:statement/st-retired-replaced"


def test_a_retired_id_redirects_in_the_form_asked_for_with_its_query(with_retirements):
    """The replacement is asked for as the retired ID was: CSV stays CSV, a query string stays."""
    ((replacement,),) = query(with_retirements, "SELECT replaced_by FROM retired_ids WHERE id = 'st-retired-replaced'")
    csv_page, shaped, gone = get(
        with_retirements,
        f"/{DATABASE}/statements/st-retired-replaced.csv",
        f"/{DATABASE}/statements/st-retired-replaced.json?_shape=object",
        f"/{DATABASE}/statements/st-retired-gone.csv",
    )
    assert csv_page.status_code == 301 and csv_page.headers["location"] == f"/{DATABASE}/statements/{replacement}.csv"
    assert csv_page.headers["content-type"].startswith("text/csv") and "2027-01-10" in csv_page.text
    assert shaped.headers["location"] == f"/{DATABASE}/statements/{replacement}.json?_shape=object"
    assert gone.status_code == 410 and gone.headers["content-type"].startswith("text/csv")
    assert gone.text.splitlines()[0].startswith("table,id,retired,retired_on,reason")
    (followed,) = get(with_retirements, csv_page.headers["location"])
    assert followed.status_code == 200 and followed.text.splitlines()[1].startswith(replacement)


def test_a_download_name_with_its_plus_percent_encoded_is_served(curated_build):
    """Unreleased data's downloads are named with its local version (0.2.0.dev0+g1a2b3c4): a client
    that writes the + as %2B is redirected (by Datasette, tilde-encoded) to the same zip."""
    database = curated_build / "claims.db"
    ((version,),) = query(database, "SELECT version FROM dataset_version")
    name = f"peace-plan-claims-{version}-csv.zip"
    plain, encoded = get(database, f"/-/download/{name}", f"/-/download/{name.replace('+', '%2B')}")
    assert plain.status_code == 200
    if "+" in name:
        assert encoded.status_code == 302
        (followed,) = get(database, encoded.headers["location"])
        assert followed.status_code == 200 and followed.content == plain.content
        assert f'filename="{name}"' in followed.headers["content-disposition"]


def test_a_retired_id_without_replacement_answers_gone_with_the_reason(with_retirements):
    html, json_page = get(
        with_retirements, f"/{DATABASE}/statements/st-retired-gone", f"/{DATABASE}/statements/st-retired-gone.json"
    )
    assert html.status_code == 410 and "Not supported by the source." in html.text and "no replacement" in html.text
    assert json_page.status_code == 410 and json_page.json()["replaced_by"] is None


def test_a_split_retired_id_links_each_row_its_reason_names(with_retirements):
    """A split ID has no one replacement: its page links every live row of its table that its
    reason names, in the reason's order, and does not say it has no replacement."""
    ((first, second),) = query(with_retirements, "SELECT min(statement_id), max(statement_id) FROM statements")
    html, json_page, csv_page = get(
        with_retirements,
        f"/{DATABASE}/statements/st-retired-split",
        f"/{DATABASE}/statements/st-retired-split.json",
        f"/{DATABASE}/statements/st-retired-split.csv",
    )
    assert html.status_code == 410 and "no replacement" not in html.text
    links = [f'href="/{DATABASE}/statements/{key}"' for key in (second, first)]
    assert all(link in html.text for link in links)
    assert html.text.index(links[0]) < html.text.index(links[1])
    assert "st-no-such-row</a>" not in html.text
    assert json_page.json()["named_rows"] == [second, first]
    assert f"{second}|{first}" in csv_page.text


def test_every_curated_retired_id_still_answers(curated_build):
    database = curated_build / "claims.db"
    for table, key, replaced_by in query(database, "SELECT table_name, id, replaced_by FROM retired_ids"):
        (page,) = get(database, f"/{DATABASE}/{table}/{key}")
        assert page.status_code == (301 if replaced_by else 410), (table, key)


def test_an_unknown_id_is_still_not_found(curated_build):
    (page,) = get(curated_build / "claims.db", f"/{DATABASE}/statements/st-no-such-statement")
    assert page.status_code == 404


def test_the_timeline_draws_bounds_and_counts_only_rows_without_date_or_bound_as_undated(curated_build):
    database = curated_build / "claims.db"
    rows = query(
        database,
        "SELECT date, date_min, date_max FROM statements UNION ALL SELECT date, date_min, date_max FROM events",
    )
    undated = sum(1 for date, low, high in rows if not date and not low and not high)
    one_sided = sum(1 for _date, low, high in rows if bool(low) != bool(high))
    (page,) = get(database, "/-/timeline")
    if undated:
        assert f"{undated} row(s) have no date and no bound" in page.text
        assert "?date__isnull=1&amp;date_min__isnull=1&amp;date_max__isnull=1" in page.text
    assert page.text.count('class="claims-open-end"') >= (1 if one_sided else 0)


def test_timeline_marks_for_open_ranges_and_undated_rows():
    def row(key, date, low, high):
        return {
            "id": key,
            "date": date,
            "date_text": None,
            "date_min": low,
            "date_max": high,
            "type": "paraphrase",
            "title_or_text": "Words.",
            "speaker_id": "a",
            "speaker": "A",
        }

    svg = timeline_svg(
        [],
        [
            row("st-1", "2025-10-14", "2025-10-14", "2025-10-14"),
            row("st-2", "[..2025-10-13]", None, "2025-10-13"),
            row("st-3", "2025-10-16/..", "2025-10-16", None),
            row("st-4", None, None, None),
        ],
    )
    assert svg.count('class="claims-mark"') == 3  # the undated row is not drawn
    assert 'data-bounds="on or before 2025-10-13"' in svg and 'data-bounds="on or after 2025-10-16"' in svg
    assert svg.count('class="claims-open-end"') == 2


def test_the_home_page_counts_speakers_and_actors_data_and_history_apart(curated_build):
    database = curated_build / "claims.db"
    counts = {model.meta.name: query(database, f"SELECT count(*) FROM {model.meta.name}")[0][0] for model in TABLES}
    ((speakers,),) = query(database, "SELECT count(DISTINCT speaker_id) FROM statements")
    data = {name: count for name, count in counts.items() if name not in HISTORY_TABLES}
    history = sum(counts[name] for name in HISTORY_TABLES)
    (page,) = get(database, "/")
    text = " ".join(page.text.split())
    assert f"{counts['statements']:,} statements by {speakers:,} speakers; {counts['actors']:,} actors" in text
    assert f"{sum(data.values()):,} data rows in {len(data)} tables, and {history:,} rows of history" in text


def test_the_home_page_names_a_release_once_and_unreleased_data_with_its_version(curated_build, tmp_path):
    """A release's label already gives its version ("version 0.1.0"); unreleased data's label does
    not, so its version number follows it."""
    database = tmp_path / "claims.db"
    shutil.copyfile(curated_build / "claims.db", database)
    ((label, version),) = query(database, "SELECT label, version FROM dataset_version")
    (unreleased,) = get(database, "/")
    assert f"This is <strong>{label} ({version})</strong>." in unreleased.text
    con = sqlite3.connect(database)
    con.execute("UPDATE dataset_version SET version = '9.8.7', release = '9.8.7', label = 'version 9.8.7'")
    con.commit()
    con.close()
    (released,) = get(database, "/")
    assert "This is <strong>version 9.8.7</strong>." in released.text and "(9.8.7)" not in released.text


def test_addresses_name_the_repository_or_the_site_never_the_serving_host(curated_build, monkeypatch):
    from claims import project

    database = curated_build / "claims.db"
    statement = query(database, "SELECT min(statement_id) FROM statements")[0][0]
    repository = project.current().repository_url()

    def citations() -> tuple[str, str]:
        """The home page's citation section and the card's citation block and stable address."""
        home, card = get(database, "/", f"/{DATABASE}/statements/{statement}")
        return (
            home.text.split("<h2>Cite</h2>", 1)[1].split("</section>", 1)[0],
            card.text.split('id="cite"', 1)[1].split("</section>", 1)[0],
        )

    home, card = citations()  # served from http://localhost in-process
    assert "localhost" not in home + card and repository in home and repository in card
    assert f"urn:claims:statement/{statement}" in card
    monkeypatch.setattr(project.Project, "site_url", lambda self: "https://claims.example.org")
    home, card = citations()
    assert f"https://claims.example.org/{DATABASE}/statements/{statement}" in card
    assert "https://claims.example.org" in home and "localhost" not in home + card


def test_a_query_s_json_and_csv_say_what_matches_nothing(curated_build):
    """What a canned query's page says about a parameter that matches nothing (a name no actor has,
    a date it cannot read, a statement to page on that is not one), its JSON says beside the rows
    and its JSON and CSV in a header; a parameter that matches says nothing."""
    import json

    database = curated_build / "claims.db"
    misspelt, as_array, as_csv, paged, fine = get(
        database,
        f"/{DATABASE}/witkoff_to_ushakov.json?speaker=Witkof&addressee=Ushakov&start=Oct+14&end=",
        f"/{DATABASE}/witkoff_to_ushakov.json?speaker=Witkof&addressee=Ushakov&start=&end=&_shape=array",
        f"/{DATABASE}/witkoff_to_ushakov.csv?speaker=Witkof&addressee=Ushakov&start=&end=",
        f"/{DATABASE}/statements_by_actor.json?speaker=Witkoff&addressee=&after=nope",
        f"/{DATABASE}/witkoff_to_ushakov.json?speaker=Witkoff&addressee=Ushakov&start=&end=",
    )
    notes = misspelt.json()["parameter_notes"]
    assert misspelt.json()["rows"] == [] and json.loads(misspelt.headers["claims-parameter-notes"]) == notes
    assert notes == [
        "speaker: no actor is named 'Witkof' — did you mean Witkoff or Steve Witkoff?",
        "start: 'Oct 14' is not a date this query can read: use YYYY-MM-DD, e.g. 2025-10-14",
    ]
    for answer in (as_array, as_csv):
        assert json.loads(answer.headers["claims-parameter-notes"]) == notes[:1]
    assert paged.json()["parameter_notes"][0].startswith("after: no statement has the ID 'nope'")
    assert fine.json()["rows"] and "parameter_notes" not in fine.json() and "claims-parameter-notes" not in fine.headers


def test_loading_the_plugin_reads_no_query_file():
    """Datasette loads the plugin in every worker and `claims --help` need not wait for it: the
    canned queries' files are read when a page first asks, not at import."""
    import subprocess
    import sys

    watch = (
        "import sys\n"
        "opened = []\n"
        "sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == 'open' else None)\n"
        "import claims.site.plugin\n"
        "print([path for path in opened if path.endswith('.sql')])\n"
    )
    result = subprocess.run([sys.executable, "-c", watch], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    # the files are read when asked for
    from claims.site import parameters

    assert parameters.page_sizes() and parameters.canned_parameter_kinds()


def test_boolean_cells_read_yes_or_no(curated_build):
    import re

    (page,) = get(curated_build / "claims.db", f"/{DATABASE}/statements?_col=translated&_size=max")
    stated = re.findall(r'<td class="col-translated type-int">([^<]*)</td>', page.text)  # the empty ones are type-none
    assert stated and set(stated) <= {"yes", "no"}
