"""Publishing: the Datasette instance (settings, canned queries, limits) — without a browser."""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from claims.site import metadata as site_metadata
from claims.site import serve
from claims.site.charts import matrix_svg, timeline_svg
from helpers import Server, wait_until_up

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def server(curated_db):
    running = Server(curated_db)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def site(curated_db):
    """The curated site in process, for what its pages and answers say (no server under test)."""
    from helpers import InProcessSite

    answering = InProcessSite(curated_db)
    yield answering
    answering.close()


def test_metadata_is_generated_from_the_schema():
    metadata = site_metadata.datasette_metadata()
    tables = metadata["databases"]["claims"]["tables"]
    assert tables["statements"]["label_column"] == "text"
    assert tables["actors"]["label_column"] == "name"
    assert "speaker_id" in tables["statements"]["facets"]
    assert "source's own wording" in tables["statements"]["columns"]["date_text"]
    assert metadata["license"] == "CC BY 4.0"
    queries = metadata["databases"]["claims"]["queries"]
    assert set(queries) >= {"statements_by_actor", "statements_between_dates", "search", "attribution_of_statement"}
    # every research question of queries/examples/ is a canned query, with its parameters named
    assert {path.stem for path in site_metadata.EXAMPLES_DIR.glob("*.sql")} <= set(queries)
    assert queries["witkoff_to_ushakov"]["params"] == ["speaker", "addressee", "start", "end"]
    # no canned query hides the view of the same name (the timeline chart links to the view)
    assert not set(queries) & {path.stem for path in site_metadata.VIEWS_DIR.glob("*.sql")}


def test_public_read_only_settings(server):
    _, settings = server.get("/-/settings.json")
    assert settings["sql_time_limit_ms"] == serve.SETTINGS["sql_time_limit_ms"]
    assert settings["max_returned_rows"] == serve.SETTINGS["max_returned_rows"]
    assert settings["allow_download"] is True and settings["allow_csv_stream"] is True
    _, databases = server.get("/-/databases.json")
    assert databases[0]["is_mutable"] is False


def test_labels_show_names_for_foreign_keys(site):
    _, page = site.get("/claims/statements.json?statement_id=st-007&_shape=objects&_labels=on")
    speaker = page["rows"][0]["speaker_id"]
    assert speaker == {"value": "steve-witkoff", "label": "Steve Witkoff"}


def test_canned_queries_with_parameters(site):
    _, rows = site.get("/claims/statements_by_actor.json?_shape=array&speaker=yuri-ushakov")
    assert any(r["text"] == "Ok […] That sounds good." for r in rows)
    _, by_id = site.get("/claims/statements_by_actor.json?_shape=array&speaker=steve-witkoff&addressee=")
    _, by_name = site.get("/claims/statements_by_actor.json?_shape=array&speaker=Steve+Witkoff")
    assert by_id and by_id == by_name
    _, to_ushakov = site.get(
        "/claims/statements_by_actor.json?_shape=array&speaker=Steve+Witkoff&addressee=Yuri+Ushakov"
    )
    assert to_ushakov and len(to_ushakov) < len(by_id) and {r["addressee"] for r in to_ushakov} == {"Yuri Ushakov"}
    _, rows = site.get("/claims/statements_between_dates.json?_shape=array&start=2025-10-29&end=2025-10-29")
    assert {"Yuri Ushakov", "Kirill Dmitriev"} <= {r["speaker"] for r in rows}
    # ranges that overlap the day count too, and ranges open at one end ([..2025-11-25]) that reach it
    assert all((r["date_min"] or "") <= "2025-10-29" <= (r["date_max"] or "9999") for r in rows)
    _, rows = site.get("/claims/attribution_of_statement.json?_shape=array&statement_id=st-007")
    assert rows[0]["relies_on_type"] == "recording" and rows[0]["evidence_basis"] == "recording_reviewed_by_outlet"


def test_dates_open_at_one_end_are_between_dates(site):
    """A date open at its start ([..2025-10-14], one day on or before 14 October) overlaps October."""
    open_start = [row for row in curated_statements() if row["date"].startswith("[..")]
    assert open_start
    _, rows = site.get("/claims/statements_between_dates.json?_shape=array&start=2025-10-01&end=2025-10-31")
    found = {r["statement_id"] for r in rows}
    for row in open_start:
        assert (row["statement_id"] in found) == (row["date_max"] >= "2025-10-01"), row["statement_id"]
    _, everything = site.get("/claims/statements_between_dates.json?_shape=array&start=&end=")
    assert {r["statement_id"] for r in everything} == {r["statement_id"] for r in curated_statements() if r["date"]}


@pytest.mark.parametrize("start", ["1 Dec 2025", "2025-13-45", "Oct 14", "2025-10"])
def test_unreadable_dates_are_refused_with_how_to_write_them(site, start):
    query = urllib.parse.urlencode({"start": start, "end": "2025-12-31"})
    status, body = site.get(f"/claims/statements_between_dates.json?{query}")
    assert status == 400 and "use YYYY-MM-DD" in body["error"] and body["rows"] == []
    status, page = site.get(f"/claims/statements_between_dates?{query}")
    assert status == 400 and "use YYYY-MM-DD" in page and "rows-and-columns" not in page


def test_a_name_no_actor_has_is_said_with_the_closest_names(site):
    status, page = site.get("/claims/statements_by_actor?speaker=Witkof&addressee=")
    assert status == 200
    assert "speaker: no actor is named &#39;Witkof&#39; — did you mean Witkoff or Steve Witkoff?" in page
    _, page = site.get("/claims/statements_by_actor?speaker=Witkoff&addressee=")
    assert "claims-parameter-note" not in page  # a known alias is not questioned
    _, page = site.get("/claims/witkoff_to_ushakov?speaker=Witkoff&addressee=Ushakov&start=Oct+14&end=")
    assert "start: &#39;Oct 14&#39; is not a date this query can read: use YYYY-MM-DD" in page


def test_results_come_before_the_folded_sql(site):
    _, page = site.get("/claims/search?q=dealmaker")
    results, sql = page.find('<table class="rows-and-columns"'), page.find('<details class="claims-sql">')
    assert 0 < results < sql and 'id="sql-query"' not in page


def test_search_tolerates_punctuation_and_finds_excerpts(site):
    _, rows = site.get("/claims/search.json?_shape=array&q=" + urllib.parse.quote("I'm thinking"))
    assert any(r["statement_id"] == "st-007" for r in rows)
    _, rows = site.get("/claims/search.json?_shape=array&q=" + urllib.parse.quote('"peace man'))
    assert any(r["statement_id"] == "st-033" for r in rows)


def test_table_search_on_actor_aliases(site):
    _, page = site.get(
        "/claims/actors.json?_shape=array&_search=Zelenskiy"
    )  # the article's spelling, an alias: the name is Zelenskyy
    assert [r["actor_id"] for r in page] == ["volodymyr-zelenskyy"]


def test_csv_export_and_database_download(server):
    status, body = server.get("/claims/statements.csv?_stream=on")
    assert status == 200 and body.startswith("statement_id,")
    with urllib.request.urlopen(server.url + "/claims.db", timeout=30) as response:
        assert response.read(16) == b"SQLite format 3\x00"


def test_runaway_query_is_stopped_by_the_time_limit(site):
    runaway = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    started = time.monotonic()
    status, body = site.get("/claims.json?sql=" + urllib.parse.quote(runaway))
    assert status == 400 and "too long" in json.dumps(body).lower()
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM actors",
        "UPDATE actors SET name = 'x'",
        "DROP TABLE actors",
        "INSERT INTO places (place_id, name, place_type) VALUES ('a', 'b', 'city')",
    ],
)
def test_write_sql_is_refused(site, sql):
    status, body = site.get("/claims.json?sql=" + urllib.parse.quote(sql))
    assert status == 400
    _, count = site.get("/claims.json?_shape=array&sql=" + urllib.parse.quote("SELECT count(*) AS n FROM actors"))
    assert count[0]["n"] > 20


def test_svg_charts_escape_text():
    hostile = "<script>alert(1)</script>"
    events = [
        {
            "id": "e",
            "date": "2025-10-14",
            "date_text": hostile,
            "date_min": "2025-10-14",
            "date_max": "2025-10-14",
            "type": "phone_call",
            "title_or_text": hostile,
            "speaker": None,
        }
    ]
    statements = [dict(events[0], id="s", type="direct_quote", speaker=hostile, speaker_id="a")]
    for svg in (
        timeline_svg(events, statements),
        matrix_svg(
            [{"speaker_id": "a", "speaker": hostile, "addressee_id": None, "addressee": hostile, "statements": 2}]
        ),
    ):
        assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_claims_serve_builds_and_serves(tmp_path):
    from helpers import archive_or_none

    archive = archive_or_none()
    port = serve.free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "claims",
            "serve",
            "--port",
            str(port),
            "--out",
            str(tmp_path),
            *(["--archive", str(archive)] if archive else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/claims.json", process, seconds=120)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/timeline", timeout=30) as response:
            assert "<svg" in response.read().decode()
        assert (tmp_path / "claims.db").is_file()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_bounded_load_has_no_errors(server):
    """A fixed number of requests from 4 threads, with a time limit; every answer must be 200."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [
        "/claims/statements",
        "/claims/search?q=peace",
        "/claims/statements_by_actor?speaker=steve-witkoff",
        "/-/timeline",
        "/claims/actors.json",
    ] * 20
    deadline = time.monotonic() + 120

    def fetch(path):
        if time.monotonic() > deadline:
            return "timeout"
        try:
            with urllib.request.urlopen(server.url + path, timeout=30) as response:
                response.read()
                return response.status
        except Exception as error:  # noqa: BLE001 - every failure counts
            return repr(error)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(fetch, paths))
    assert answers == [200] * len(paths)


def curated_statements() -> list[dict]:
    import csv

    with (REPO / "data" / "statements.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tables_open_dated_first_in_date_order(site):
    _, page = site.get("/claims/statements.json?_shape=objects&_size=max")
    days = [r["date_min"] for r in page["rows"]]
    dated = [d for d in days if d]
    assert dated == sorted(dated) and days == dated + [None] * (len(days) - len(dated))
    assert len(days) == len(curated_statements()) and None in days


def test_topics_are_faceted_one_by_one(site):
    from collections import Counter

    expected = Counter(
        topic for row in curated_statements() for topic in (row["topics"].split("|") if row["topics"] else [])
    )
    _, page = site.get("/claims/statements.json?_facet_size=max")
    counts = {item["value"]: item["count"] for item in page["facet_results"]["topic_list"]["results"]}
    assert counts == dict(expected)


def test_housekeeping_tables_are_hidden_but_queryable(site):
    _, databases = site.get("/claims.json")
    hidden = {t["name"] for t in databases["tables"] if t["hidden"]}
    assert {"published_ids", "retired_ids", "statements_fts", "statements_dates", "statements_dates_node"} <= hidden
    _, rows = site.get("/claims/published_ids.json?_shape=array&_size=1")
    assert rows and set(rows[0]) >= {"table_name", "id"}


def test_every_foreign_key_shows_a_label(site):
    from claims.schema import TABLES

    for model in TABLES:
        for key in model.foreign_keys():
            column = key.fields[0]
            _, page = site.get(f"/claims/{model.meta.name}.json?_shape=objects&_labels=on&_size=1&{column}__notblank=1")
            if not page["rows"]:
                continue  # no row uses this key yet
            cell = page["rows"][0][column]
            assert isinstance(cell, dict) and cell["label"] and cell["label"] != cell["value"], (
                model.meta.name,
                column,
                cell,
            )


def test_mentions_link_to_what_they_name(site):
    status, html = site.get("/claims/statement_mentions?statement_id=st-007&entity_type=actor")
    assert status == 200 and '<a href="/claims/actors/donald-trump">Donald Trump</a>' in html


def test_citations_are_well_formed():
    from claims.citation import StatementFacts, statement_bibtex, statement_csl_json, statement_plain
    from claims.version import DataVersion

    facts = StatementFacts(
        "st-999",
        "Steve Witkoff",
        "Yuri Ushakov",
        "2025-10-14",
        "Oct. 14",
        "direct_quote",
        "A {braced} \\ quote here",
        ["In an Oct. 14 call: A {braced} \\ quote here"],
        "Bloomberg, “Title”, Fortune, 2025-11-25",
        "characters 1–2",
    )
    version = DataVersion("0.2.0.dev0+g1a2b3c4", None, "0.1.0", "1a2b3c4", "2026-12-01")
    bibtex = statement_bibtex(facts, version)
    assert bibtex.count("{") == bibtex.count("}") and "\\" not in bibtex
    assert bibtex.startswith("@misc{claims-st-999-0.2.0.dev0+g1a2b3c4,") and "urn:claims:statement/st-999" in bibtex
    item = json.loads(statement_csl_json(facts, version))[0]
    assert item["version"] == version.version and item["issued"]["date-parts"][0] == [2026, 12, 1]
    plain = statement_plain(facts, version)
    # the date's wording is quoted where it is in the excerpt; the direct quote in quotation marks
    assert plain.startswith("Steve Witkoff to Yuri Ushakov, 2025-10-14 (“Oct. 14”) (direct quote): “A {braced}")
    assert "unreleased data after 0.1.0 (commit 1a2b3c4)" in plain and "Bloomberg" in plain
    assert "urn:claims:statement/st-999" in plain


# --- the canned tools at scale: R*Tree, bounded search, pages ----------------------------------
# Run on a synthetic build whose statements get varied date ranges, open ends and undated rows
# (the synthetic data has one-day dates only), and one word that only one statement says.

RARE_WORD = "zanzibarish"
# The definitions the paged, indexed and bounded canned queries must agree with (the queries as
# they were before pages, the R*Tree and the search bound).
DEFINITIONS = {
    "statements_between_dates": """SELECT s.statement_id FROM statements s
        WHERE (s.date_min IS NOT NULL OR s.date_max IS NOT NULL)
          AND coalesce(s.date_max, '9999-12-31') >= coalesce(nullif(:start, ''), '0000-01-01')
          AND coalesce(s.date_min, '0000-01-01') <= coalesce(nullif(:end, ''), '9999-12-31')
        ORDER BY s.date_min IS NULL, s.date_min, s.statement_id""",
    "statements_by_actor": """SELECT s.statement_id FROM statements s
        WHERE s.speaker_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim(:speaker)))
          AND (:addressee = '' OR s.addressee_id IN (SELECT actor_id FROM actor_names WHERE key = lower(trim(:addressee))))
        ORDER BY s.date_min IS NULL, s.date_min, s.statement_id""",
    "search": """SELECT s.statement_id FROM statements s
        WHERE :q <> '' AND (s.rowid IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH escape_fts(:q))
           OR s.statement_id IN (SELECT statement_id FROM attestations
                                 WHERE rowid IN (SELECT rowid FROM attestations_fts WHERE attestations_fts MATCH escape_fts(:q))))
        ORDER BY s.date_min IS NULL, s.date_min, s.statement_id""",
}


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory):
    """A published SQLite of 400 synthetic statements with ranges, open ends and undated rows."""
    import random

    import duckdb

    from claims.bench.synth import synth
    from claims.build.sqlite import write_sqlite
    from claims.build.tables import CsvTables, load_duckdb

    out = tmp_path_factory.mktemp("synthetic-serve")
    synth(400, out)
    con = duckdb.connect()
    load_duckdb(con, CsvTables(out / "data"))
    rng = random.Random(12)
    dates = []
    for (statement_id,) in con.execute("SELECT statement_id FROM statements ORDER BY 1").fetchall():
        low = 19990 + rng.randrange(300)  # days since 1970: 2024-09 to 2025-07
        high = low + rng.choice([0, 0, 1, 3, 30, 200])
        shape = rng.random()
        dates.append((statement_id, None if shape < 0.15 else low, None if 0.1 < shape < 0.2 or shape < 0.05 else high))
    con.execute("CREATE TEMP TABLE d (statement_id VARCHAR, low INTEGER, high INTEGER)")
    con.executemany("INSERT INTO d VALUES (?, ?, ?)", dates)
    con.execute(
        "UPDATE statements SET date_min = DATE '1970-01-01' + d.low, date_max = DATE '1970-01-01' + d.high FROM d WHERE d.statement_id = statements.statement_id"
    )
    last = con.execute("SELECT max(statement_id) FROM statements").fetchone()[0]
    con.execute(f"UPDATE statements SET text = text || ' {RARE_WORD}' WHERE statement_id = ?", [last])
    write_sqlite(con, out / "claims.db")
    con.close()
    return out / "claims.db"


def open_published(path: Path):
    import sqlite3

    from datasette.utils import escape_fts

    db = sqlite3.connect(path)
    db.create_function("escape_fts", 1, escape_fts)
    return db


def canned_sql(name: str, **constants: int) -> str:
    """A canned query's SQL as Datasette runs it, with its header's numbers, or the ones given, and
    its dates (`:_date_X`, which the plugin reads from X and checks) taken from X as given."""
    header, sql = site_metadata.sql_file(site_metadata.CANNED_DIR / f"{name}.sql")
    return site_metadata.with_constants(sql, {**site_metadata.query_constants(header), **constants}).replace(
        ":_date_", ":"
    )


def every_page(db, name: str, params: dict, **constants: int) -> list[str]:
    """The statement IDs of every page of a paged canned query, following `after` as the Next page
    link does, until a page holds fewer statements than a full page."""
    sql, size = canned_sql(name, **constants), constants.get("page_size", site_metadata.paged_queries()[name])
    shown, after = [], ""
    for _ in range(1000):
        rows = db.execute(sql, {**params, site_metadata.PAGE_AFTER: after}).fetchall()
        page = list(dict.fromkeys(row[0] for row in rows))
        shown += page
        if len(page) < size:
            return shown
        after = page[-1]
    raise AssertionError(f"{name} never reached its last page")


def test_date_overlap_through_the_rtree_equals_the_plain_overlap(synthetic_db):
    db = open_published(synthetic_db)
    sql = canned_sql("statements_between_dates")
    plan = " ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, {"start": "", "end": "", "after": ""}))
    assert "statements_dates" in plan  # the R*Tree, not the date_min index from the first day on
    assert db.execute("SELECT count(*) FROM statements WHERE date_min IS NULL OR date_max IS NULL").fetchone()[0] > 40
    # unreadable dates never reach the query: the plugin refuses them (test_unreadable_dates_are_refused…)
    periods = [
        ("2025-01-01", "2025-01-03"),
        ("2024-10-15", "2024-10-15"),
        ("2025-03-01", "2025-06-30"),
        ("2024-01-01", "2026-12-31"),
        ("2025-02-10", "2025-02-01"),  # end before start: nothing
        ("", "2025-01-01"),  # no start: everything up to the end, open starts included
        ("2025-01-01", ""),  # no end
        ("", ""),
    ]
    found = []
    for start, end in periods:
        params = {"start": start, "end": end}
        expected = [row[0] for row in db.execute(DEFINITIONS["statements_between_dates"], params)]
        for size in (1000, 7):  # one page, and many: the ranges begun before the start mix with the others
            assert every_page(db, "statements_between_dates", params, page_size=size) == expected, (start, end, size)
        found.append(len(expected))
    assert min(found[:4]) > 0 and max(found) > 200  # the periods do find rows, some more than a page


def test_every_page_together_is_every_row(synthetic_db):
    db = open_published(synthetic_db)
    (speaker,) = db.execute("SELECT speaker_id FROM statements GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
    cases = {
        "statements_between_dates": {"start": "2025-01-01", "end": "2025-04-30"},
        "statements_by_actor": {"speaker": speaker, "addressee": ""},
        "search": {"q": "sanctions"},
    }
    assert set(cases) == set(site_metadata.paged_queries())
    for name, params in cases.items():
        expected = [row[0] for row in db.execute(DEFINITIONS[name], params)]
        assert len(expected) > 7, name
        assert every_page(db, name, params, page_size=7, candidates=10**6) == expected, name
        # a page's rows: every attestation of each statement shown, as before pages
        rows = db.execute(canned_sql(name, page_size=7), {**params, "after": ""}).fetchall()
        if name != "statements_between_dates":
            statements = list(dict.fromkeys(row[0] for row in rows))
            attestations = db.execute(
                f"SELECT count(*) FROM attestations WHERE statement_id IN ({', '.join('?' * len(statements))})",
                statements,
            ).fetchone()[0]
            assert len(rows) == attestations, name


def test_search_reads_a_bounded_number_of_matches_and_still_finds_rare_words(synthetic_db):
    db = open_published(synthetic_db)
    common = {row[0] for row in db.execute(DEFINITIONS["search"], {"q": "sanctions"})}
    assert len(common) > 20
    bounded = every_page(db, "search", {"q": "sanctions"}, candidates=5)
    assert 0 < len(bounded) <= 10 and set(bounded) <= common  # at most 5 statements and 5 excerpts read
    (rare,) = db.execute("SELECT statement_id FROM statements WHERE text LIKE ?", [f"%{RARE_WORD}%"]).fetchone()
    assert every_page(db, "search", {"q": RARE_WORD}, candidates=5) == [rare]
    # below the bound, the search finds what the unbounded definition finds
    assert every_page(db, "search", {"q": "sanctions"}) == [
        row[0] for row in db.execute(DEFINITIONS["search"], {"q": "sanctions"})
    ]


def test_next_page_link_carries_the_parameters_and_the_last_statement():
    from claims.site.parameters import next_page_url

    rows = [{"statement_id": f"st-{i}"} for i in (1, 1, 2, 3)]  # a statement with two excerpts is one
    assert next_page_url("/claims/search", "q=peace&after=st-0", 3, rows) == "/claims/search?q=peace&after=st-3"
    assert next_page_url("/claims/search", "q=peace", 4, rows) is None  # a short page is the last


def test_a_table_search_reads_a_bounded_number_of_matches(synthetic_db, monkeypatch):
    """A table's search box reads the first matches by rowid, as the canned search does (counting
    and sorting every match of a common word took a second a page on a million statements)."""
    import asyncio

    from datasette.app import Datasette

    from claims.site import search as site_search

    unbounded = {
        row[0]
        for row in open_published(synthetic_db).execute(
            "SELECT statement_id FROM statements WHERE rowid IN (SELECT rowid FROM statements_fts WHERE statements_fts MATCH escape_fts(?))",
            ["sanctions"],
        )
    }
    assert len(unbounded) > 20
    datasette = Datasette([str(synthetic_db)], metadata=site_metadata.datasette_metadata(), settings=serve.SETTINGS)

    async def search(path: str) -> dict:
        await datasette.invoke_startup()
        return (await datasette.client.get(path)).json()

    path = "/claims/statements.json?_search=sanctions&_shape=objects&_size=max"
    monkeypatch.setattr(site_search, "search_candidates", lambda: 5)
    page = asyncio.run(search(path))
    assert page["filtered_table_rows_count"] == 5 and {row["statement_id"] for row in page["rows"]} <= unbounded
    assert "reads at most the first 5 matches" in page["human_description_en"]
    monkeypatch.setattr(site_search, "search_candidates", lambda: 1000)  # below the bound: every match
    assert {row["statement_id"] for row in asyncio.run(search(path))["rows"]} == unbounded
