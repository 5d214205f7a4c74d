"""Shared fixtures: a scratch copy of the curated data that a test breaks in one place."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from claims.archive import default_archive
from claims.validate import validate

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


# The slow tests, by file (or file::test): `make check` leaves them out with -m "not (browser or
# spark or scale or server or slow or rules)"; `make test` runs them all. "slow" marks the suites
# that run Great Expectations or both validation engines fixture by fixture (seconds per test);
# "rules" the suites that break a copy of the data one rule or one failure at a time to test the
# toolchain itself: a change to the data or the docs cannot break them, a change to the code can
# (`make test`, and CI, run them). Markers are given here so that each rule is written once.
SLOW = {
    "test_gate.py": "rules",
    "test_rows.py": "rules",
    "test_integrity.py": "rules",
    "test_structure.py": "rules",
    "test_provenance.py": "rules",
    "test_archive.py": "rules",
    "test_exit_codes.py": "rules",
    "test_build.py": "rules",
    "test_cli.py": "rules",
    "test_browser.py": "browser",
    "test_spark.py": "spark",
    "test_scale.py": "scale",
    "test_datasette.py": "server",
    "test_expectations.py": "slow",
    "test_fast_path.py": "slow",
    "test_layers_agree.py": "slow",
    "test_release.py": "slow",
    "test_catalogue.py": "slow",  # every rule id, both engines, curated and synthetic data
    "test_fuzz.py": "slow",
    "test_soak.py": "server",
    "test_deploy.py": "server",
    "test_hardening.py": "server",
    "test_build_switch.py": "slow",  # a build killed after each step, in subprocesses
    "test_data_docs_offline.py": "browser",
    "test_version.py::test_unreleased_rows_carry_the_development_version_and_commit_everywhere": "slow",
    "test_workflows.py::test_a_fork_pull_request_says_in_one_line_that_provenance_was_not_checked": "slow",
    "test_workflows.py::test_a_pull_request_with_the_secret_reads_the_store": "slow",
    "test_workflows.py::test_a_refused_token_fails_the_pull_request": "slow",
    "test_workflows.py::test_findings_beyond_the_annotations_github_shows_are_summarised": "slow",
    "test_add.py::test_concurrent_runs_wait_for_each_other_and_take_their_own_ids": "rules",  # two claims add processes
}


# Property tests run a small fixed budget, derandomised so that every run tries the same inputs; a
# longer campaign sets CLAIMS_FUZZ_EXAMPLES=2000 (random seeds; hypothesis prints the seed and the
# shrunk input of any failure).
FUZZ_EXAMPLES = int(os.environ.get("CLAIMS_FUZZ_EXAMPLES", "12"))
FUZZ_CAMPAIGN = "CLAIMS_FUZZ_EXAMPLES" in os.environ


def pytest_collection_modifyitems(items):
    for item in items:
        marker = SLOW.get(item.path.name) or SLOW.get(f"{item.path.name}::{item.originalname}")
        if marker:
            item.add_marker(getattr(pytest.mark, marker))


@pytest.fixture(scope="session")
def archive() -> Path:
    found = default_archive()
    if found is None or not found.is_dir():
        message = "the archive of source texts was not found: set CLAIMS_ARCHIVE or place shared/sources beside the repository"
        if os.environ.get("CLAIMS_REQUIRE_ARCHIVE"):
            pytest.fail(message)
        pytest.skip(message)
    return found


# The Great Expectations layer takes seconds per run; tests of the other layers leave it out, and
# tests/test_expectations.py runs it.
FAST_LAYERS = ("structure", "rows", "integrity", "provenance")


class Dataset:
    """A copy of data/ in a temporary folder, with helpers to break it. `archive` is None where
    the archived texts are absent: then the provenance layer is skipped, and the tests that need
    it ask for the `archive` fixture."""

    def __init__(self, root: Path, archive: Path | None, data: Path = DATA):
        self.dir = root / "data"
        shutil.copytree(data, self.dir)
        self.archive = archive

    @classmethod
    def at(cls, folder: Path) -> Dataset:
        """The helpers on a data folder as it is, edited in place (no copy, no archive)."""
        found = cls.__new__(cls)
        found.dir, found.archive = folder, None
        return found

    def archive_args(self) -> list[str]:
        return ["--archive", str(self.archive)] if self.archive else ["--no-archive"]

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.csv"

    def read(self, table: str) -> tuple[list[str], list[dict[str, str]]]:
        with self.path(table).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            return list(reader.fieldnames), list(reader)

    def write(self, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
        with self.path(table).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def row(self, table: str, **match: str) -> dict[str, str]:
        _, rows = self.read(table)
        return next(r for r in rows if all(r[k] == v for k, v in match.items()))

    def line_of(self, table: str, **match: str) -> int:
        """Physical line of the first row matching `match` (rows here have no embedded line breaks)."""
        _, rows = self.read(table)
        index = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))
        return index + 2

    def edit(self, table: str, match: dict[str, str], **changes: str) -> int:
        """Change cells of the first row matching `match`; return that row's line number."""
        header, rows = self.read(table)
        index = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))
        rows[index].update(changes)
        self.write(table, header, rows)
        return index + 2

    def append(self, table: str, **cells: str) -> int:
        header, rows = self.read(table)
        rows.append({column: cells.get(column, "") for column in header})
        self.write(table, header, rows)
        return len(rows) + 1

    def delete(self, table: str, **match: str) -> None:
        header, rows = self.read(table)
        self.write(table, header, [r for r in rows if not all(r[k] == v for k, v in match.items())])

    def validate(self, with_archive: bool = True, layers=FAST_LAYERS):
        return validate(self.dir, self.archive if with_archive else None, layers=layers)

    def findings(self, with_archive: bool = True, layers=FAST_LAYERS) -> set[tuple[str, int, str, str]]:
        """(file name, line, column, rule) of every finding."""
        run = self.validate(with_archive, layers)
        return {(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings}


def archive_or_none() -> Path | None:
    found = default_archive()
    return found if found is not None and found.is_dir() else None


@pytest.fixture
def dataset(tmp_path: Path) -> Dataset:
    return Dataset(tmp_path, archive_or_none())


@pytest.fixture(scope="session")
def synthetic_source(tmp_path_factory) -> Path:
    """A small synthetic dataset with its own archive (claims synth): needs nothing outside the repository."""
    from claims.synth import synth

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


def git(cwd: Path, *args: str) -> str:
    """git in `cwd`, as a test user; its output."""
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def copy_repository(root: Path) -> Path:
    """The repository's tracked files in `root`, a new git repository with them committed as `main`."""
    for name in git(REPO, "ls-files", "-z").split("\0"):
        if name and ((REPO / name).is_file() or (REPO / name).is_symlink()):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            # a committed link (scripts/claims/schema -> ../../schema) stays a link, to the copy's own schema
            shutil.copy2(REPO / name, root / name, follow_symlinks=False)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the repository's files")
    return root


@pytest.fixture(scope="session")
def curated_build(tmp_path_factory) -> Path:
    """The curated data built once (claims build's outputs, stamped with the checkout's version)."""
    from claims.build import build_all

    out = tmp_path_factory.mktemp("curated-build")
    build_all(DATA, out, archive_or_none())
    return out


def datasette_site(database: Path):
    """An in-process Datasette over `database`, configured as `claims serve` configures it: the
    metadata, templates, settings and inspect file, with the project's plugin (no server needed)."""
    from datasette.app import Datasette

    from claims.project import SITE_DIR
    from claims.site.serve import SETTINGS

    counts = database.with_name("counts.json")
    return Datasette(
        [],
        immutables=[str(database)],
        metadata=json.loads((SITE_DIR / "metadata.json").read_text(encoding="utf-8")),
        template_dir=str(SITE_DIR / "templates"),
        settings=SETTINGS,
        inspect_data=json.loads(counts.read_text(encoding="utf-8")) if counts.is_file() else None,
    )


class InProcessSite:
    """The site as `claims serve` configures it, answered by Datasette's in-process client (no
    server, no port), its startup hooks run as a server runs them: for tests of what the pages say,
    where no real server is under test. `get` answers as a server's client would: (status, JSON or text)."""

    def __init__(self, database: Path):
        self.datasette = datasette_site(database)
        self.loop = asyncio.new_event_loop()  # one loop for the site's life: its SQL threads are bound to it
        self.loop.run_until_complete(self.datasette.invoke_startup())

    def get(self, path: str) -> tuple[int, dict | list | str]:
        response = self.loop.run_until_complete(self.datasette.client.get(path))
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def close(self) -> None:
        self.loop.close()
