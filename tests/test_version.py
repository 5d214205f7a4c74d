"""The data's version, from the release records (data/releases.csv), CHANGELOG.md and git: a
release, or unreleased data after one with its commit, shown as such everywhere (pages, citations,
`claims --version`, downloads, datapackage.json)."""

from __future__ import annotations

import asyncio
import html
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from claims.contrib.fmt import format_tables
from claims.project import Project
from claims.release.records import record_release
from claims.version import (
    ChangelogError,
    changelog_sections,
    data_digest,
    data_version,
    history_problems,
    latest_release,
    next_patch,
    release_commit,
    release_records,
    semver,
)
from helpers import REPO, Dataset, copy_repository, datasette_site, git

CHANGELOG = "# Changelog\n\n## 0.2.0 — unreleased\n\n- next\n\n## 0.1.0 — 2026-11-29\n\nFirst.\n"


def claims(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claims", *args], cwd=root, capture_output=True, text=True, timeout=900
    )


def test_changelog_sections_dated_and_undated(tmp_path):
    where = Project(tmp_path)
    where.changelog.write_text(CHANGELOG, encoding="utf-8")
    assert [(s.version, s.date, s.line) for s in changelog_sections(where)] == [
        ("0.2.0", None, 3),
        ("0.1.0", "2026-11-29", 7),
    ]
    # a remark may follow "unreleased"; a date in it does not date the section
    where.changelog.write_text(CHANGELOG.replace("unreleased", "unreleased (since 2026-12-01)"), encoding="utf-8")
    assert changelog_sections(where)[0].date is None
    assert changelog_sections(Project(tmp_path / "elsewhere")) == []  # no CHANGELOG.md: no sections


@pytest.mark.parametrize(
    "heading, problem",
    [
        ("## 0.2.0 — 2026-13-45", "2026-13-45 is not a calendar date"),
        ("## 0.2.0-rc1 — 2026-12-08", "'0.2.0-rc1' is not a release version"),
        ("## v0.2.0 — 2026-12-08", "'v0.2.0' is not a release version"),
        ("## 0.2.0 — unreleased since 2026-12-01", "is not a section heading"),
        ("## 0.2.0 (2026-12-08)", "is not a section heading"),
        ("## Unreleased", "is not a section heading"),
        ("## 0.0.9 — 2026-12-08", "0.1.0 is below 0.0.9 but not an older version"),
        ("## 0.2.0 — 2026-11-28", "0.1.0 is dated 2026-11-29, after 0.2.0 above it"),
    ],
)
def test_a_heading_of_another_form_is_an_error_naming_its_line(tmp_path, heading, problem):
    where = Project(tmp_path)
    where.changelog.write_text(CHANGELOG.replace("## 0.2.0 — unreleased", heading), encoding="utf-8")
    with pytest.raises(ChangelogError, match="^CHANGELOG.md line [37]: ") as raised:
        changelog_sections(where)
    assert problem in str(raised.value)


def test_an_undated_section_below_another_is_an_error(tmp_path):
    where = Project(tmp_path)
    where.changelog.write_text(CHANGELOG.replace("2026-11-29", "unreleased"), encoding="utf-8")
    with pytest.raises(ChangelogError, match="line 7: 0.1.0 is not dated, below 0.2.0"):
        changelog_sections(where)


def release_here(root: Path) -> str:
    """Release the copy at `root` as `claims release` records it, and commit (no tag): the section
    waiting in CHANGELOG.md, dated, or else a new one; the data changed first, so that it is no
    release yet whatever the live data's state. Returns the version."""
    where = Project(root)
    sections, latest = changelog_sections(where), latest_release(where.data_dir)
    released_on = max([s.date for s in sections if s.date] + [latest.released_on if latest else "", "2027-01-15"])
    top = sections[0]
    if top.date is None:
        version, heading = top.version, f"## {top.version} — {released_on}"
    else:
        version = next_patch(max(top.version, latest.version if latest else "0.0.0", key=semver))
        heading = f"## {version} — {released_on}\n\nA fixture release.\n\n{top.text.splitlines()[0]}"
    text = where.changelog.read_text(encoding="utf-8")
    where.changelog.write_text(text.replace(top.text.splitlines()[0], heading, 1), encoding="utf-8")
    _edit_a_note(root, "A note changed for the fixture's release.")
    record_release(root / "data", version, released_on)
    git(root, "commit", "-q", "-am", f"release {version}")
    return version


@pytest.fixture
def released(tmp_path) -> Path:
    """A copy of the repository whose newest section is released (recorded, committed, no tag)."""
    root = copy_repository(tmp_path / "repo")
    release_here(root)
    return root


def _add_row(root: Path) -> None:
    """A contributor's rows: a new actor (a new ID), as the subject of an event."""
    data = Dataset.at(root / "data")
    taken = {r["actor_id"] for r in data.read("actors")[1]} | {r["id"] for r in data.read("retired_ids")[1]}
    actor = next(f"contributor-{n}" for n in range(1000) if f"contributor-{n}" not in taken)
    event = data.read("events")[1][0]["event_id"]
    alias = data.alias_in_excerpts_of(event)
    data.append("actors", actor_id=actor, name="A Contributor", actor_type="person", aliases=alias)
    data.append("event_participants", event_id=event, actor_id=actor, role="subject")
    format_tables(data.dir)


def _edit_a_note(root: Path, words: str) -> None:
    """An edit that adds no ID: a statement's notes."""
    data = Dataset.at(root / "data")
    data.edit("statements", {"statement_id": data.read("statements")[1][0]["statement_id"]}, notes=words)


def test_a_checkout_of_a_release_is_that_release_until_the_data_changes(released):
    where = Project(released)
    release = latest_release(where.data_dir).version
    version = data_version(where)
    assert (version.version, version.release, version.label) == (release, release, f"version {release}")
    assert git(released, "tag") == ""  # no tag needed: the record says which data the release is
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


def test_an_edit_that_adds_no_id_is_unreleased_data_with_or_without_git(released, tmp_path):
    """The data is a release by its content, not by its IDs nor a tag: a changed note is unreleased
    data in the checkout and in an archive of the commit alike; an archive of the release commit is
    the release."""
    release = latest_release(released / "data").version

    def unpacked(name: str) -> Path:
        folder = tmp_path / name
        archive = subprocess.run(["git", "-C", str(released), "archive", "HEAD"], capture_output=True, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
        return folder

    shown = claims(unpacked("release"), "--version")
    assert shown.stdout.splitlines()[1].startswith(f"data {release}: version {release}"), shown.stdout
    _edit_a_note(released, "A note changed after the release.")
    git(released, "commit", "-q", "-am", "a changed note")
    commit = git(released, "rev-parse", "--short=7", "HEAD").strip()
    shown = claims(released, "--version")
    assert f"unreleased data after {release} (commit {commit})" in shown.stdout, shown.stdout
    shown = claims(unpacked("edited"), "--version")
    assert shown.stdout.splitlines()[1].split(", in ")[0].endswith(f"unreleased data after {release}"), shown.stdout


def test_a_dated_section_is_no_release_until_it_is_recorded(tmp_path):
    root = copy_repository(tmp_path / "repo")
    where = Project(root)
    latest = latest_release(where.data_dir)
    where.changelog.write_text(
        f"# Changelog\n\n## 9.0.0 — 2030-01-01\n\n- next\n\n## {latest.version} — {latest.released_on}\n\nBefore.\n",
        encoding="utf-8",
    )
    git(root, "commit", "-q", "-am", "9.0.0 dated, not released")
    version = data_version(where)
    assert version.release is None and version.version.startswith("9.0.0.dev0+g")
    assert version.label.startswith(f"unreleased data after {latest.version} (commit ")


def test_an_undated_section_makes_the_data_a_development_version(tmp_path):
    root = copy_repository(tmp_path / "repo")
    where = Project(root)
    where.changelog.write_text(CHANGELOG, encoding="utf-8")
    _edit_a_note(root, "Unreleased.")
    git(root, "commit", "-q", "-am", "next section")
    version = data_version(where)
    commit = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert Version(version.version) == Version(f"0.2.0.dev0+g{commit}")
    assert version.label == f"unreleased data after 0.1.0 (commit {commit})"
    assert version.date == git(root, "log", "-1", "--format=%cs").strip()


def test_the_data_digest_is_what_sha256sum_gives(tmp_path):
    """README and the release records say how to check a copy: sha256sum over the data files
    (releases.csv left out), then sha256sum of that list."""
    data = Dataset(tmp_path, None).dir
    files = sorted(p.name for p in data.glob("*.csv") if p.name != "releases.csv")
    listing = subprocess.run(["sha256sum", *files], cwd=data, capture_output=True, check=True, env={"LC_ALL": "C"})
    summed = subprocess.run(["sha256sum"], input=listing.stdout, capture_output=True, check=True)
    assert summed.stdout.decode().split()[0] == data_digest(data)
    before = data_digest(data)
    (data / "releases.csv").write_text((data / "releases.csv").read_text() + "\n", encoding="utf-8")
    assert data_digest(data) == before  # the records are not part of the digest they hold


def test_claims_check_holds_the_changelog_to_the_release_records(tmp_path):
    """A recorded release dated otherwise in CHANGELOG.md, and a section dated below the newest
    without a record, are findings of `claims check` on CHANGELOG.md's lines."""
    root = copy_repository(tmp_path / "repo")
    latest = latest_release(root / "data")
    where = Project(root)
    where.changelog.write_text(
        f"# Changelog\n\n## 9.0.0 — unreleased\n\n- next\n\n## 8.0.0 — 2030-01-01\n\nNever released.\n\n"
        f"## {latest.version} — 2020-01-01\n\nDated otherwise.\n",
        encoding="utf-8",
    )
    assert [line for line, _problem in history_problems(where)] == [11, 7]
    checked = claims(root, "check", "--no-archive")
    assert checked.returncode == 1
    assert (
        f"[releases] CHANGELOG.md:11: -: [release-history] data/releases.csv records release {latest.version} on "
        f"{latest.released_on}, but CHANGELOG.md dates it 2020-01-01" in checked.stdout
    ), checked.stdout
    assert "[releases] CHANGELOG.md:7: -: [release-history] CHANGELOG.md dates 8.0.0, which" in checked.stdout
    assert "releases 2 problem(s)" in checked.stdout


def test_every_release_record_is_the_data_of_a_commit_of_the_history():
    """What the records say is true: each release's digest is the data of a commit in the history
    (for 0.1.0, the commit it names)."""
    where = Project(REPO)
    if (REPO / ".git").exists() and "true" in (
        subprocess.run(["git", "-C", str(REPO), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True)
    ).stdout:
        pytest.skip("a shallow clone holds no older commit: fetch the history to check the records")
    records = release_records(where.data_dir)
    assert records, "data/releases.csv records no release"
    for record in records:
        found = release_commit(where, record)
        assert found is not None, f"no commit holds the data of {record.version}"
        if record.git_commit:
            assert found == record.git_commit


@pytest.mark.slow
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


def test_a_project_without_a_changelog_has_a_version_and_builds(tmp_path):
    """A synthetic project has no CHANGELOG.md and records no release: its data is unreleased data
    before the first release, and it builds."""
    made = claims(REPO, "synth", "-n", "50", "--out", str(tmp_path / "synthetic"))
    assert made.returncode == 0, made.stderr
    shown = claims(tmp_path, "--project", str(tmp_path / "synthetic"), "--version")
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    assert shown.stdout.splitlines()[1].startswith("data 0.1.0.dev0: unreleased data, before the first release")
    built = claims(
        tmp_path,
        "--project",
        str(tmp_path / "synthetic"),
        "build",
        "--archive",
        str(tmp_path / "synthetic" / "archive"),
    )
    assert built.returncode == 0, built.stderr


def test_a_changelog_that_cannot_be_read_is_one_line_of_error(tmp_path):
    root = copy_repository(tmp_path / "repo")
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    first = changelog_sections(Project(root))[0]
    (root / "CHANGELOG.md").write_text(
        text.replace(first.text.splitlines()[0], "## 9.0.0-rc1 — 2030-01-01", 1), encoding="utf-8"
    )
    for args in (["--version"], ["build", "--no-archive"]):
        shown = claims(root, *args)
        assert shown.returncode == 1 and "Traceback" not in shown.stderr, shown.stderr
        said = (shown.stdout + shown.stderr).strip().splitlines()[-1]
        assert f"CHANGELOG.md line {first.line}: '9.0.0-rc1' is not a release version" in said, said
