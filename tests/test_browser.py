"""Browser tests: headless Debian Chromium driven by Playwright against a served instance.

Screenshots go to test-artifacts/screenshots/ (kept by CI). The browser is Debian's chromium
(`sudo apt-get install chromium`, or scripts/install-browser.sh, which .ci/run runs as root); where
it is not on the PATH these tests skip and say so, unless CLAIMS_REQUIRE_BROWSER=1 (CI), when they fail.
"""

import csv
import json
import urllib.parse
from collections import Counter
from pathlib import Path

import pytest

from claims import project
from claims.build.outputs import build_all
from claims.citation import render_statement
from claims.project import EXAMPLES_DIR
from claims.schema import TABLES
from claims.site.metadata import HISTORY_TABLES, example_queries, example_values, sql_file
from helpers import Server, shot

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(curated_build):
    server = Server(curated_build / "claims.db")
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.errors = []
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    yield opened
    context.close()


def curated(table: str) -> list[dict[str, str]]:
    """The curated rows, read here so that the expected values follow the data."""
    with (REPO / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_home_page(site, page):
    page.goto(site.url + "/")
    assert "Who said what" in page.title()
    for href in ("/-/timeline", "/-/who-spoke-to-whom", "/claims/search", "/claims.db"):
        assert page.locator(f"a[href='{href}']").count() >= 1, href
    # the data's rows, apart from the ID history's
    data = [model.meta.name for model in TABLES if model.meta.name not in HISTORY_TABLES]
    rows = sum(len(curated(name)) for name in data)
    assert f"{rows:,} data rows in {len(data)} tables" in page.inner_text("main, section.content")
    for name in example_queries():  # every research question is one click away, and shows rows
        assert page.locator(f"a[href^='/claims/{name}?']").count() == 1, name
    assert "Peace-plan claims dataset contributors" in page.inner_text(".claims-cite-plain")  # CITATION.cff's author
    shot(page, "home", full_page=True)
    page.click("text=Everything one actor said to another")
    page.wait_for_load_state()
    assert page.locator("table.rows-and-columns tbody tr").count() >= 1
    assert page.errors == []


def test_downloads_from_the_home_page(site, page):
    import io
    import urllib.request
    import zipfile

    page.goto(site.url + "/")
    for label, member in (
        ("CSV tables (zip)", "data/statements.csv"),
        ("Parquet files (zip)", "parquet/statements.parquet"),
    ):
        href = page.get_attribute(f"a:text('{label}')", "href")
        with urllib.request.urlopen(site.url + href, timeout=30) as response:
            archive = zipfile.ZipFile(io.BytesIO(response.read()))
        assert member in archive.namelist()
        if member.endswith(".csv"):  # the zip holds the curated files, byte for byte
            for model in TABLES:
                assert (
                    archive.read(f"data/{model.meta.name}.csv")
                    == (REPO / "data" / f"{model.meta.name}.csv").read_bytes()
                ), model.meta.name
    assert page.errors == []


def test_statement_card(site, page):
    statement = next(r for r in curated("statements") if r["statement_id"] == "st-007")
    actors = {r["actor_id"]: r for r in curated("actors")}
    sources = {r["source_id"]: r for r in curated("sources")}
    attestation = next(r for r in curated("attestations") if r["statement_id"] == "st-007")
    page.goto(site.url + "/claims/statements/st-007")
    who = page.locator("h1.claims-who")
    speaker, addressee = actors[statement["speaker_id"]], actors[statement["addressee_id"]]
    assert who.locator(f"a[href='/claims/actors/{speaker['actor_id']}']").inner_text() == speaker["name"]
    assert who.locator(f"a[href='/claims/actors/{addressee['actor_id']}']").inner_text() == addressee["name"]
    assert speaker["role"] in who.inner_text()
    assert page.inner_text("p.claims-text") == render_statement(statement["statement_type"], statement["text"]).words
    assert statement["date_text"] in page.inner_text(".claims-facts")
    assert page.inner_text("blockquote.claims-excerpt") == attestation["excerpt"]
    source = sources[attestation["source_id"]]
    caption = page.inner_text("figure.claims-attestation figcaption")
    assert source["title"] in caption and actors[source["publisher_id"]]["name"] in caption
    assert (
        sources[attestation["via_source_id"]]["title"] in caption
        and attestation["evidence_basis"].replace("_", " ") in caption
    )
    # related statements, both ways, and mentions as names
    related = [r for r in curated("statement_relations") if "st-007" in (r["statement_id"], r["object_statement_id"])]
    for relation in related:
        other = relation["object_statement_id"] if relation["statement_id"] == "st-007" else relation["statement_id"]
        assert page.locator(f"a[href='/claims/statements/{other}']").count() >= 1
    for mention in (
        r for r in curated("statement_mentions") if r["statement_id"] == "st-007" and r["entity_type"] == "actor"
    ):
        assert page.locator(".claims-section a", has_text=actors[mention["entity_id"]]["name"]).count() >= 1
    # the citation: stable address (the URN and the repository while no public site is configured,
    # never the host serving the page), plain text, BibTeX, CSL-JSON
    stable = "urn:claims:statement/st-007"
    cite = page.locator("#cite")
    assert stable in page.inner_text("#cite") and "st-007" in page.inner_text(".claims-cite-plain")
    assert site.url not in page.inner_text("#cite")
    cite.locator("summary", has_text="BibTeX").click()
    cite.locator("summary", has_text="CSL-JSON").click()
    bibtex, csl = [pre.text_content() for pre in cite.locator("pre").all()]
    assert bibtex.startswith("@misc{claims-st-007") and stable in bibtex
    item = json.loads(csl)[0]
    assert item["URL"] == project.current().repository_url() and item["type"] == "dataset"
    shot(page, "card-statement-st-007", full_page=True)
    assert page.errors == []
    # the JSON view stays Datasette's own
    response = page.goto(site.url + "/claims/statements/st-007.json")
    assert json.loads(response.text())["rows"][0][0] == "st-007"


@pytest.mark.parametrize(
    "path, name, heading",
    [
        ("/claims/events/phone-call-2025-10-14-witkoff-ushakov", "card-event", "Witkoff–Ushakov phone call"),
        ("/claims/actors/steve-witkoff", "card-actor", "Steve Witkoff"),
        ("/claims/sources/fortune-2025-11-25-witkoff-advised-russia", "card-source", "Witkoff advised Russia"),
    ],
)
def test_event_actor_and_source_cards(site, page, path, name, heading):
    page.goto(site.url + path)
    assert heading in page.inner_text("h1")
    assert (
        page.locator("a[href^='/claims/actors/'], a[href^='/claims/statements/'], a[href^='/claims/sources/']").count()
        >= 2
    )
    shot(page, name, full_page=True)
    assert page.errors == []


def test_tables_open_dated_first_in_date_order(site, page):
    page.goto(site.url + "/claims/statements?_size=max")
    days = [cell.strip() for cell in page.locator("td.col-date_min").all_inner_texts()]
    dated = [day for day in days if day and day != "\xa0"]
    assert len(days) == len(curated("statements"))
    assert dated == sorted(dated) and days[: len(dated)] == dated  # undated rows come last
    assert len(dated) < len(days)
    # the text column is wide enough to read
    assert page.locator("td.col-text").first.bounding_box()["width"] >= 300
    page.goto(site.url + "/claims/statements")
    assert not page.locator("dl.column-descriptions").is_visible()  # folded into a <details>
    assert page.locator("details.claims-columns summary").is_visible()
    shot(page, "statements-table")
    assert page.errors == []


def test_topics_are_faceted_one_by_one(site, page):
    expected = Counter(t for r in curated("statements") for t in (r["topics"].split("|") if r["topics"] else []))
    page.goto(site.url + "/claims/statements?_facet_size=max")
    facet = page.locator(".facet-info", has_text="topic_list")
    shown = {}
    for item in facet.locator("li").all_inner_texts():
        value, count = item.rsplit(" ", 1)
        shown[value.strip()] = int(count)
    assert shown == dict(expected)
    facet.locator("a", has_text="territory").first.click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == expected["territory"]
    assert page.errors == []


def test_booleans_read_yes_or_no(site, page):
    page.goto(site.url + "/claims/statements?translated__notblank=1")
    values = set(page.locator("td.col-translated").all_inner_texts())
    assert values and values <= {"yes", "no"}
    assert page.errors == []


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("*.sql")), ids=lambda p: p.stem)
def test_every_research_question_returns_rows(site, page, path):
    values = example_values(sql_file(path)[0])
    page.goto(site.url + f"/claims/{path.stem}?" + urllib.parse.urlencode(values))
    assert page.locator("table.rows-and-columns tbody tr").count() >= 1
    for name in values:
        assert page.locator(f"input[name={name}]").count() == 1
    shot(page, f"query-{path.stem}")
    assert page.errors == []


def test_statements_by_actor_takes_a_name_and_an_addressee(site, page):
    witkoff_to_ushakov = sum(
        1 for r in curated("statements") if r["speaker_id"] == "steve-witkoff" and r["addressee_id"] == "yuri-ushakov"
    )
    page.goto(
        site.url
        + "/claims/statements_by_actor?"
        + urllib.parse.urlencode({"speaker": "Steve Witkoff", "addressee": "Yuri Ushakov"})
    )
    statement_ids = set(page.locator("td.col-statement_id").all_inner_texts())
    assert len(statement_ids) == witkoff_to_ushakov
    shot(page, "query-statements-by-actor-name")
    assert page.errors == []


def test_table_page_with_facets_and_labels(site, page):
    page.goto(site.url + "/claims/statements")
    facets = page.locator(".facet-info")
    assert facets.count() >= 3
    assert page.locator(".facet-info", has_text="speaker_id").locator("text=Steve Witkoff").count() == 1
    shot(page, "statements-table")
    assert page.errors == []


def test_search_finds_a_known_quote(site, page):
    page.goto(site.url + "/claims/search")
    page.fill("input[name=q]", "dealmaker")
    page.locator("form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("td", has_text="That’s what a dealmaker does").count() >= 1
    assert page.locator("td", has_text="Donald Trump").count() >= 1
    shot(page, "search-dealmaker")
    assert page.errors == []


def test_canned_query_with_a_parameter(site, page):
    page.goto(site.url + "/claims/statements_by_actor?speaker=yuri-ushakov")
    assert page.locator("td", has_text="That sounds good.").count() >= 1
    assert page.input_value("input[name=speaker]") == "yuri-ushakov"
    shot(page, "canned-statements-by-ushakov")
    assert page.errors == []


@pytest.mark.parametrize("path, name", [("/-/timeline", "timeline"), ("/-/who-spoke-to-whom", "who-spoke-to-whom")])
def test_chart_pages_render_without_errors(site, page, path, name):
    response = page.goto(site.url + path)
    assert response.status == 200
    assert page.locator("svg.claims-chart").count() == 1
    assert page.locator("svg.claims-chart circle").count() >= 5
    chart = page.locator("svg.claims-chart")
    box, content = chart.bounding_box(), page.locator("section.content").bounding_box()
    if name == "timeline":
        assert box["width"] >= 0.9 * content["width"]  # the time axis uses the page's width
    natural_width = float(chart.get_attribute("viewBox").split()[2])
    smallest = min(
        float(size)
        for size in chart.locator("text").evaluate_all("nodes => nodes.map(n => n.getAttribute('font-size'))")
    )
    assert smallest * box["width"] / natural_width >= 13  # axis and label text at least 13 px on screen
    shot(page, name)
    assert page.errors == []


def test_timeline_counts_same_day_statements_and_links_to_them(site, page):
    same_day = Counter(
        (r["speaker_id"], r["date_min"])
        for r in curated("statements")
        if r["date_min"] and r["date_min"] == r["date_max"]
    )
    (speaker_id, day), count = same_day.most_common(1)[0]
    speaker = next(r["name"] for r in curated("actors") if r["actor_id"] == speaker_id)
    page.goto(site.url + "/-/timeline")
    mark = page.locator(f"a.claims-mark[data-lane='{speaker}'][data-day='{day}']")
    assert mark.count() == 1 and int(mark.get_attribute("data-count")) == count and count > 1
    assert mark.locator("text").text_content() == str(count)
    mark.locator("circle").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == count
    # the undated rows link goes to the timeline view's undated rows
    undated = sum(
        1
        for table in ("statements", "events")
        for r in curated(table)
        if not (r["date"] or r["date_min"] or r["date_max"])
    )
    page.goto(site.url + "/-/timeline")
    if not undated:  # every row has a date or at least the bound of the source reporting it
        assert "have no date and no bound" not in page.inner_text("section.content")
        assert page.errors == []
        return
    assert f"{undated} row(s) have no date and no bound" in page.inner_text("section.content")
    page.click("text=the undated rows")
    page.wait_for_load_state()
    assert page.url.startswith(site.url + "/claims/timeline?")
    assert page.locator("tbody tr").count() == undated
    assert page.errors == []


def test_matrix_counts_and_links(site, page):
    pairs = Counter((r["speaker_id"], r["addressee_id"]) for r in curated("statements") if r["addressee_id"])
    (speaker_id, addressee_id), count = pairs.most_common(1)[0]
    names = {r["actor_id"]: r["name"] for r in curated("actors")}
    page.goto(site.url + "/-/who-spoke-to-whom")
    mark = page.locator(f"a.claims-mark[data-lane='{names[speaker_id]}'][data-addressee='{names[addressee_id]}']")
    assert int(mark.get_attribute("data-count")) == count and mark.locator("text").text_content() == str(count)
    mark.locator("circle").click()
    page.wait_for_load_state()
    assert page.locator("tbody tr").count() == count
    assert page.errors == []


def test_quote_with_markup_is_shown_as_text_not_run(browser, dataset, tmp_path):
    hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    dataset.edit("statements", {"statement_id": "st-030"}, text=hostile)
    build_all(dataset.dir, tmp_path / "out", dataset.archive)
    server = Server(tmp_path / "out" / "claims.db")
    context = browser.new_context()
    try:
        page = context.new_page()
        for path in (
            "/claims/statements/st-030",
            "/claims/statements?statement_id=st-030",
            "/-/timeline",
            "/claims/statements_by_actor?speaker=steve-witkoff",
        ):
            page.goto(server.url + path)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
        page.goto(server.url + "/claims/statements/st-030")
        assert page.locator("td", has_text="<script>window.__pwned = 1</script>").count() >= 1
        statement = dataset.row("statements", statement_id="st-030")
        shown = render_statement(statement["statement_type"], hostile).words
        assert page.inner_text("p.claims-text") == shown  # the card shows it as text
        shot(page, "markup-shown-as-text")
    finally:
        context.close()
        server.stop()


@pytest.mark.parametrize(
    "path, name",
    [
        ("/claims", "database"),
        ("/claims/events", "events-table"),
        ("/claims/actors", "actors-table"),
        ("/claims/attestations", "attestations-table"),
        ("/claims/timeline?date_min__isnull=1", "timeline-view-undated"),
        ("/claims/statement_mentions?statement_id=st-007", "mentions-of-st-007"),
    ],
)
def test_other_pages_render_without_errors(site, page, path, name):
    response = page.goto(site.url + path)
    assert response.status == 200
    assert page.locator("table.rows-and-columns, .claims-card-body, h2").count() >= 1
    shot(page, name)
    assert page.errors == []
