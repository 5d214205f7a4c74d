"""Self-contained Data Docs: `claims docs` writes pages that load nothing from third parties, and
their result tables render in headless Chromium with every non-file request aborted."""

import re
from pathlib import Path

import pytest

from claims.docs import build_docs
from claims.vendor import EXTERNAL_LOAD, PACKAGES, integrity_of
from helpers import shot

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data_docs(tmp_path_factory) -> Path:
    from helpers import archive_or_none

    out = tmp_path_factory.mktemp("docs")
    return build_docs(REPO / "data", out, archive_or_none()).parent


def test_no_page_loads_anything_from_elsewhere(data_docs):
    pages = list(data_docs.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert EXTERNAL_LOAD.findall(html) == [], page.name
        assert "great-expectations-web-assets" not in html and "dataContextId" not in html, page.name
        for local in re.findall(r'(?:src|href)="((?:\.\./)*vendor/[^"]+)"', html):
            assert (page.parent / local).is_file(), (page.name, local)


def test_the_pages_render_with_the_network_blocked(browser, data_docs):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked, errors = [], []
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith("file:")
            else (blocked.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(data_docs.joinpath("index.html").as_uri())
        page.wait_for_selector(".bootstrap-table tbody tr", timeout=20_000)  # bootstrap-table (jQuery) ran
        assert page.locator(".bootstrap-table tbody tr").count() >= 10
        assert page.evaluate("getComputedStyle(document.querySelector('.navbar') || document.body).display") != ""
        assert page.evaluate("typeof jQuery") == "function" and page.evaluate("typeof vegaEmbed") == "function"
        font = page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
        shot(page, "data-docs-offline-index")
        result = next(data_docs.joinpath("validations").rglob("*.html"))
        page.goto(result.as_uri())
        page.wait_for_selector("table tbody tr", timeout=20_000)
        assert page.locator("table tbody tr").count() >= 1
        assert "Validation Results" in page.content() or "Expectation" in page.content()
        shot(page, "data-docs-offline-validation")
    finally:
        context.close()
    assert blocked == [], blocked
    assert errors == [], errors
    assert font is not None


def test_vendored_packages_are_pinned_with_their_hashes():
    from claims.vendor import VENDOR_DIR

    for package in PACKAGES:
        assert re.fullmatch(r"\d+\.\d+\.\d+", package.version), package.name
        assert package.integrity.startswith("sha512-") and package.tarball.startswith("https://registry.npmjs.org/")
        assert all((VENDOR_DIR / package.folder / name).is_file() for name in package.urls.values()), (
            f"{package.name}: run make setup"
        )
    assert (
        integrity_of(b"")
        == "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )
