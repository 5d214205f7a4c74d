"""The data's version, from CHANGELOG.md and git: a release, or unreleased data after one with its
commit, shown as such everywhere (pages, citations, `claims --version`, downloads, datapackage.json)."""

from __future__ import annotations

import asyncio
import html
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from claims.fmt import format_tables
from claims.project import Project
from claims.release import record_published_ids
from claims.version import changelog_sections, data_version, last_release, pending_section
from conftest import Dataset, copy_repository, datasette_site, git

CHANGELOG = "# Changelog\n\n## 0.2.0 — unreleased\n\n- next\n\n## 0.1.0 — 2026-11-29\n\nFirst.\n"


def test_an_unreleased_changelog_section_is_not_a_release(tmp_path):
    where = Project(tmp_path)
    where.changelog.write_text(CHANGELOG, encoding="utf-8")
    assert (last_release(where).version, last_release(where).date) == ("0.1.0", "2026-11-29")
    assert pending_section(where).version == "0.2.0"
    where.changelog.write_text(CHANGELOG.replace("unreleased", "2027-01-15"), encoding="utf-8")
    assert (last_release(where).version, pending_section(where)) == ("0.2.0", None)


@pytest.fixture
def released(tmp_path) -> Path:
    """A copy of the repository whose newest section is dated and whose IDs are all recorded as
    published by it: a checkout of that release, tagged."""
    root = copy_repository(tmp_path / "repo")
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    newest = changelog_sections(Project(root))[0]
    if newest.date is None:  # date the section waiting for release
        text = text.replace(newest.text.splitlines()[0], f"## {newest.version} — 2027-01-15", 1)
        changelog.write_text(text, encoding="utf-8")
    record_published_ids(root / "data", newest.version)
    git(root, "commit", "-q", "-am", f"release {newest.version}")
    git(root, "tag", f"v{newest.version}")
    return root


def _add_row(root: Path) -> None:
    """A contributor's rows: a new actor (a new ID), as the subject of an event."""
    data = Dataset.at(root / "data")
    taken = {r["actor_id"] for r in data.read("actors")[1]} | {r["id"] for r in data.read("retired_ids")[1]}
    actor = next(f"contributor-{n}" for n in range(1000) if f"contributor-{n}" not in taken)
    data.append("actors", actor_id=actor, name="A Contributor", actor_type="person")
    data.append("event_participants", event_id=data.read("events")[1][0]["event_id"], actor_id=actor, role="subject")
    format_tables(data.dir)


def test_a_checkout_of_a_release_is_that_release_until_the_data_changes(released):
    where = Project(released)
    release = last_release(where).version
    version = data_version(where)
    assert (version.version, version.release, version.label) == (release, release, f"version {release}")
    _add_row(released)  # a contributor's row, not committed yet
    dirty = data_version(where)
    commit = git(released, "rev-parse", "--short=7", "HEAD").strip()
    assert dirty.release is None and dirty.version.endswith(f"+g{commit}.dirty")
    assert dirty.label == f"unreleased data after {release} (commit {commit}, with uncommitted changes)"
    git(released, "commit", "-q", "-am", "a new actor")
    committed = data_version(where)
    commit = git(released, "rev-parse", "--short=7", "HEAD").strip()
    assert committed.label == f"unreleased data after {release} (commit {commit})"
    major, minor, patch = (int(n) for n in release.split("."))
    assert Version(committed.version) == Version(f"{major}.{minor}.{patch + 1}.dev0+g{commit}")
    git(released, "tag", "-d", f"v{release}")  # without the tag, the ID history tells: a new ID is unreleased
    assert data_version(where).release is None


def test_an_undated_section_makes_the_data_a_development_version(tmp_path):
    root = copy_repository(tmp_path / "repo")
    where = Project(root)
    where.changelog.write_text(CHANGELOG, encoding="utf-8")
    git(root, "commit", "-q", "-am", "next section")
    version = data_version(where)
    commit = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert Version(version.version) == Version(f"0.2.0.dev0+g{commit}")
    assert version.label == f"unreleased data after 0.1.0 (commit {commit})"
    assert version.date == git(root, "log", "-1", "--format=%cs").strip()


def claims(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claims", *args], cwd=root, capture_output=True, text=True, timeout=900
    )


def test_unreleased_rows_carry_the_development_version_and_commit_everywhere(released, archive):
    """After a release, a contributor's row: the version, the command line, the site's home page,
    the three citation formats, the download names and the datapackage.json they hold all say
    unreleased data after the release, with the commit."""
    _add_row(released)
    git(released, "commit", "-q", "-am", "a new actor")
    where = Project(released)
    version = data_version(where)
    commit = version.commit
    assert commit and version.release is None

    shown = claims(released, "--version")
    assert shown.returncode == 0, shown.stderr
    toolchain, data = shown.stdout.splitlines()
    assert toolchain.startswith("claims ") and "toolchain" in toolchain
    assert data.startswith(f"data {version.version}: {version.label}") and f"commit {commit}" in data

    built = claims(released, "build", "--archive", str(archive))
    assert built.returncode == 0, built.stderr
    database = released / "build" / "claims.db"
    statement = next(
        line.split(",", 1)[0] for line in (released / "data" / "statements.csv").open() if line[:3] == "st-"
    )

    async def pages():
        site = datasette_site(database)
        home = (await site.client.get("/")).text
        card = (await site.client.get(f"/claims/statements/{statement}")).text
        name = f"peace-plan-claims-{version.version}-csv.zip"
        download = await site.client.get(f"/-/download/{name}")
        return home, card, name, download

    home, card, name, download = asyncio.run(pages())
    assert version.label in home and version.version in home
    assert f'/-/download/{name}"' in home and f"peace-plan-claims-{version.version}-parquet.zip" in home
    plain = card.split('class="claims-cite-plain">', 1)[1].split("</p>", 1)[0]
    assert version.label in plain
    bibtex, csl = (html.unescape(block.split("</pre>", 1)[0]) for block in card.split("<pre>")[1:3])
    assert f"version = {{{version.version}}}" in bibtex and version.label in bibtex
    item = json.loads(csl)[0]
    assert item["version"] == version.version and version.label in item["note"]
    assert download.status_code == 200
    members = zipfile.ZipFile(io.BytesIO(download.content))
    assert json.loads(members.read("datapackage.json"))["version"] == version.version
    assert yaml.safe_load(members.read("CITATION.cff"))["version"] == version.version
    assert "date-released" not in yaml.safe_load(members.read("CITATION.cff"))


def test_the_version_outside_a_project_names_the_toolchain_alone(tmp_path, monkeypatch):
    monkeypatch.delenv("CLAIMS_PROJECT", raising=False)
    shown = subprocess.run(
        [sys.executable, "-m", "claims", "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert shown.returncode == 0, shown.stderr
    toolchain, data = shown.stdout.splitlines()
    assert toolchain.startswith("claims ") and data.startswith("data: no claims project here")
