"""Shared fixtures: a scratch copy of the curated data that a test breaks in one place, the curated
data built once, the servers and stores the tests talk to. Plain helpers are in helpers.py."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

# helpers.engines_agree asserts: show its differences as pytest shows a test's own.
pytest.register_assert_rewrite("helpers")

from claims.archive import default_archive, sha256_file  # noqa: E402
from helpers import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    STORE_TOKEN,
    Dataset,
    Server,
    SiteServer,
    Store,
    archive_or_none,
)


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for the run (skipped where pyspark is not installed)."""
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[2]")
        .appName("claims-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def archive() -> Path:
    found = default_archive()
    if found is None or not found.is_dir():
        message = "the archive of source texts was not found: set CLAIMS_ARCHIVE or place shared/sources beside the repository"
        if os.environ.get("CLAIMS_REQUIRE_ARCHIVE"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    return Dataset(tmp_path, archive_or_none())


@pytest.fixture(scope="session")
def synthetic_source(tmp_path_factory) -> Path:
    """A small synthetic dataset with its own archive (claims synth): needs nothing outside the repository."""
    from claims.bench.synth import synth

    out = tmp_path_factory.mktemp("synthetic")
    synth(100, out, seed=11)
    return out


@pytest.fixture
def synthetic(tmp_path: Path, synthetic_source: Path) -> Dataset:
    """A scratch copy of the synthetic dataset, with its synthetic archive."""
    return Dataset(tmp_path, synthetic_source / "archive", data=synthetic_source / "data")


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A checkout as a pull request's runner has it, in a temporary folder: the data and
    datapackage.json copied (a test may break them), everything else linked to the repository.
    Commands run from inside it find it as their project."""
    for entry in REPO.iterdir():
        if entry.name in {".git", "build", "dist", "test-artifacts"}:
            continue
        if entry.name in {"data", "datapackage.json"}:
            (shutil.copytree if entry.is_dir() else shutil.copy)(entry, tmp_path / entry.name)
        else:
            (tmp_path / entry.name).symlink_to(entry)
    return tmp_path


@pytest.fixture(scope="session")
def curated_build(tmp_path_factory) -> Path:
    """The curated data built once (claims build's outputs, stamped with the checkout's version)."""
    from claims.build.outputs import build_all

    out = tmp_path_factory.mktemp("curated-build")
    build_all(REPO / "data", out, archive_or_none())
    return out


@pytest.fixture(scope="session")
def curated_db(curated_build) -> Path:
    return curated_build / "claims.db"


@pytest.fixture(scope="module")
def hardened_server(curated_db):
    """`claims serve`'s Datasette over the curated build, started once a module."""
    running = Server(curated_db)
    yield running
    running.stop()


@pytest.fixture(scope="session")
def deployed_site(tmp_path_factory) -> Path:
    """`claims publish`'s deployable folder of the curated data."""
    from claims.site.publish import publish as write_site

    folder = tmp_path_factory.mktemp("deploy") / "site"
    write_site(REPO / "data", folder, archive_or_none())
    return folder


@pytest.fixture(scope="session")
def deployed_server(deployed_site):
    """The deployable folder served by its own serve command (started once: the hardening tests and
    the deploy tests share it)."""
    running = SiteServer(deployed_site)
    yield running
    running.stop()


@pytest.fixture
def store(archive, tmp_path, monkeypatch):
    """A content-addressed copy of the archive (BASE/<sha256>, BASE/wikidata.csv) served on 127.0.0.1,
    and an empty cache."""
    folder = tmp_path / "store"
    folder.mkdir()
    for path in Path(archive).iterdir():
        if path.name == "wikidata.csv":
            shutil.copyfile(path, folder / "wikidata.csv")
        elif path.suffix == ".txt":
            shutil.copyfile(path, folder / sha256_file(path))
    handler = type("Handler", (Store,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CLAIMS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CLAIMS_ARCHIVE_TOKEN", STORE_TOKEN)
    monkeypatch.delenv("CLAIMS_ARCHIVE_TIMEOUT", raising=False)
    server.folder, server.handler, server.cache = folder, handler, tmp_path / "cache"
    server.url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, driven by Playwright), launched once a module."""
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
