"""Browser tests: headless Debian Chromium driven by Playwright against a served instance.

Screenshots go to test-artifacts/screenshots/ (kept by CI). The browser is Debian's chromium
(`sudo apt-get install chromium`, or scripts/install-browser.sh, which .ci/run runs as root); where
it is not on the PATH these tests skip and say so, unless CLAIMS_REQUIRE_BROWSER=1 (CI), when they fail.
"""

import os
import shutil
from pathlib import Path

import pytest

from claims.build import build_all

from test_datasette import Server

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium")
# Flags for a root, sandboxless, offline machine: no GPU, no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        message = "chromium is not installed (not on the PATH): install it with `sudo apt-get install chromium` or scripts/install-browser.sh; CLAIMS_REQUIRE_BROWSER=1 makes this a failure"
        if os.environ.get("CLAIMS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from conftest import archive_or_none

    out = tmp_path_factory.mktemp("site")
    build_all(REPO / "data", out, archive_or_none())
    server = Server(out / "claims.db")
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.errors = []
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    yield opened
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_home_page(site, page):
    page.goto(site.url + "/")
    assert "Who said what" in page.title() or "Who said what" in page.content()
    assert page.locator("a[href='/-/timeline']").count() >= 1
    assert page.locator("text=statements").first.is_visible()
    shot(page, "home")
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
    page.goto(site.url + "/claims/statements_by_actor?actor_id=yuri-ushakov")
    assert page.locator("td", has_text="That sounds good.").count() >= 1
    assert page.input_value("input[name=actor_id]") == "yuri-ushakov"
    shot(page, "canned-statements-by-ushakov")
    assert page.errors == []


@pytest.mark.parametrize("path, name", [("/-/timeline", "timeline"), ("/-/who-spoke-to-whom", "who-spoke-to-whom")])
def test_chart_pages_render_without_errors(site, page, path, name):
    response = page.goto(site.url + path)
    assert response.status == 200
    assert page.locator("svg.claims-chart").count() == 1
    assert page.locator("svg.claims-chart circle").count() >= 10
    box = page.locator("svg.claims-chart").bounding_box()
    assert box["width"] > 400 and box["height"] > 200
    shot(page, name)
    assert page.errors == []


def test_quote_with_markup_is_shown_as_text_not_run(browser, dataset, tmp_path):
    hostile = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">'
    dataset.edit("statements", {"statement_id": "st-030"}, text=hostile)
    build_all(dataset.dir, tmp_path / "out", dataset.archive)
    server = Server(tmp_path / "out" / "claims.db")
    context = browser.new_context()
    try:
        page = context.new_page()
        for path in ("/claims/statements/st-030", "/claims/statements?statement_id=st-030", "/-/timeline", "/claims/statements_by_actor?actor_id=steve-witkoff"):
            page.goto(server.url + path)
            assert page.evaluate("typeof window.__pwned") == "undefined", path
        page.goto(server.url + "/claims/statements/st-030")
        assert page.locator("td", has_text="<script>window.__pwned = 1</script>").count() >= 1
        shot(page, "markup-shown-as-text")
    finally:
        context.close()
        server.stop()
