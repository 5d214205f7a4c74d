"""`claims release`: immutable releases recorded in data/releases.csv, each ID attributed to the
release that first held it, delta.json between releases, the assets the README lists, reproducible
bundles.

Everything runs on fixture releases of a copy of the repository (never on the live data's release
state): 0.1.0 of the data as it is, then 0.2.0 after a contributor's new rows, a retired row and a
changed cell. Only 0.2.0 is tagged (as the release workflow's tag): the previous release is found by
its record. The command line is run as a maintainer runs it.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import rdflib
import yaml
from prov.model import ProvDocument

from claims import dictionary
from claims.citation import dataset_plain
from claims.release.bundle import release_assets
from claims.release.records import ReleaseRefused
from claims.release.release import release
from claims.schema import TABLES, TABLES_BY_NAME
from claims.version import DataVersion, data_digest, latest_release, release_records
from helpers import Dataset, copy_repository, git

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
FIRST, SECOND = "0.1.0", "0.2.0"


def claims(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claims", *args], cwd=root, capture_output=True, text=True, timeout=900
    )


def changelog(*sections: tuple[str, str]) -> str:
    return "# Changelog\n\n" + "".join(f"## {version} — {date}\n\nA fixture release.\n\n" for version, date in sections)


def with_sections(root: Path, *sections: tuple[str, str]) -> None:
    """CHANGELOG.md of the copy at `root`: `sections` above a section for each release it records."""
    recorded = [(record.version, record.released_on) for record in release_records(root / "data")]
    (root / "CHANGELOG.md").write_text(changelog(*sections, *recorded), encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under data/ and dist/, to show that a refused release writes nothing."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for folder in ("data", "dist")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


class Changes:
    """What the fixture's second release changes, chosen from the data (never from today's IDs)."""

    def __init__(self, data: Dataset):
        taken = {r["actor_id"] for r in data.read("actors")[1]} | {r["id"] for r in data.read("retired_ids")[1]}
        self.actor = next(f"contributor-{n}" for n in range(1000) if f"contributor-{n}" not in taken)
        self.event = data.read("events")[1][0]["event_id"]
        self.alias = data.alias_in_excerpts_of(self.event)
        # a position: nothing refers to one; its body must stay referred to by another row
        referred = {r["actor_id"] for r in data.read("event_participants")[1]}
        referred |= {r["affiliation_id"] for r in data.read("actors")[1]}
        referred |= {r[c] for r in data.read("statements")[1] for c in ("speaker_id", "addressee_id")}
        referred |= {r["entity_id"] for r in data.read("statement_mentions")[1]}
        self.position = next(
            r["position_id"]
            for r in data.read("positions")[1]
            if not r["organization_id"] or r["organization_id"] in referred
        )
        self.statement = data.read("statements")[1][0]["statement_id"]

    def apply(self, data: Dataset) -> None:
        from claims.contrib.fmt import format_tables

        data.append("actors", actor_id=self.actor, name="A Contributor", actor_type="person", aliases=self.alias)
        data.append("event_participants", event_id=self.event, actor_id=self.actor, role="subject")
        data.delete("positions", position_id=self.position)
        data.append(
            "retired_ids",
            table_name="positions",
            id=self.position,
            retired_on="2027-01-10",
            reason="A fixture: retired to test delta.json.",
        )
        data.edit("statements", {"statement_id": self.statement}, notes="A note changed for the fixture.")
        format_tables(data.dir)


@pytest.fixture(scope="module")
def fixture(tmp_path_factory, archive):
    """`root`: a copy released as 0.1.0 (tagged), then as 0.2.0; `clone`: the same commit released as
    0.1.0 elsewhere (two releases from the same data)."""
    base = tmp_path_factory.mktemp("releases")
    root = copy_repository(base / "root")
    (root / "CHANGELOG.md").write_text(changelog((FIRST, "2026-11-29")), encoding="utf-8")
    data = Dataset.at(root / "data")
    for history in ("published_ids", "releases"):  # nothing released yet
        data.write(history, data.read(history)[0], [])
    git(root, "commit", "-q", "-am", "ready for 0.1.0")
    clone = base / "clone"
    git(base, "clone", "-q", str(root), str(clone))
    for where in (root, clone):
        done = claims(where, "release", FIRST, "--archive", str(archive))
        assert done.returncode == 0, done.stderr
    first_assets = done.stdout.split()
    git(root, "commit", "-q", "-am", f"release {FIRST}")  # not tagged: the record is what counts
    changes = Changes(data)
    changes.apply(data)
    (root / "CHANGELOG.md").write_text(changelog((SECOND, "unreleased"), (FIRST, "2026-11-29")), encoding="utf-8")
    git(root, "commit", "-q", "-am", "a contributor's rows, a retired position, a changed note")
    # the second release follows docs/maintaining.md's checklist, step by step, to a pushed tag
    git(base, "init", "-q", "--bare", "origin.git")
    git(root, "remote", "add", "origin", str(base / "origin.git"))
    steps = {number: command.replace("X.Y.Z", SECOND) for number, command in release_checklist().items()}
    changelog_file = root / "CHANGELOG.md"
    changelog_file.write_text(  # 1. date the waiting section
        changelog_file.read_text(encoding="utf-8").replace(f"## {SECOND} — unreleased", f"## {SECOND} — 2027-01-15"),
        encoding="utf-8",
    )
    assert steps[2] == f"claims release {SECOND}"
    done = claims(root, *shlex.split(steps[2])[1:], "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    for number in (3, 4, 5):  # git commands, run as the test user
        command = shlex.split(steps[number])
        assert command[0] == "git", steps[number]
        git(root, *command[1:])
    return {
        "root": root,
        "clone": clone,
        "changes": changes,
        "first_assets": first_assets,
        "printed": done.stdout,
        "told": done.stderr,
        "steps": steps,
        "left": git(root, "status", "--porcelain", "--untracked-files=no"),
        "pushed": git(base / "origin.git", "tag", "--list"),
    }


def release_checklist() -> dict[int, str]:
    """docs/maintaining.md's release steps: number → the first command of the step (X.Y.Z for the
    version)."""
    text = (REPO / "docs" / "maintaining.md").read_text(encoding="utf-8").split("## Releases", 1)[1]
    steps = re.findall(r"^(\d+)\. (.*(?:\n   .*)*)", text.split("\n\n- ", 1)[0], re.M)
    return {int(number): re.search(r"`([^`]+)`", body).group(1) for number, body in steps}


def test_a_release_by_the_checklist_leaves_nothing_uncommitted_and_says_what_comes_next(fixture):
    """After the checklist's commit, nothing `claims release` changed is left out of it (CHANGELOG.md
    included), and the tag is pushed; what the command prints after a release is steps 3 to 5."""
    assert fixture["left"] == "", fixture["left"]
    assert f"v{SECOND}" in fixture["pushed"].split()
    told = fixture["told"].strip().splitlines()
    assert told[-3:] == [f"  {number}. {fixture['steps'][number]}" for number in (3, 4, 5)]
    assert "CHANGELOG.md" in fixture["steps"][3]


def bundle(root: Path, version: str) -> Path:
    return root / "dist" / f"peace-plan-claims-{version}"


def readme_assets(version: str) -> tuple[set[str], bool]:
    """The files the README's table under "Get the data" lists (X.Y.Z as `version`), and whether it
    says there is one Parquet file per table."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Get the data", 1)[1].split("\n\n| file |", 1)[1].split("\n\n", 1)[0]
    names: set[str] = set()
    per_table = False
    for line in table.splitlines()[2:]:
        first = line.split("|")[1]
        found = [name.replace("X.Y.Z", version) for name in re.findall(r"`([^`]+)`", first)]
        if any(name.endswith(".parquet") for name in found):
            per_table = "…" in first
            found = [name for name in found if not name.endswith(".parquet")]
        names |= set(found)
    return names, per_table


def test_the_release_assets_are_the_readmes_table(fixture):
    root = fixture["root"]
    assets = release_assets(root / "dist", FIRST)
    listed, per_table = readme_assets(FIRST)
    assert per_table
    names = {path.name for path in assets}
    parquet = {name for name in names if name.endswith(".parquet")}
    assert parquet == {f"{model.meta.name}.parquet" for model in TABLES}
    assert names - parquet == listed
    # what the command prints is what the release workflow attaches
    assert [Path(root, path) for path in fixture["first_assets"]] == assets
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    steps = "\n".join(step.get("run", "") for step in workflow["jobs"]["release"]["steps"])
    assert 'claims release "${TAG#v}" --rebuild > "$RUNNER_TEMP/assets"' in steps
    assert 'mapfile -t assets < "$RUNNER_TEMP/assets"' in steps and 'gh release create "$TAG" "${assets[@]}"' in steps


def test_the_csv_zip_carries_the_package_the_dictionary_the_citation_and_the_licence(fixture):
    root = fixture["root"]
    with zipfile.ZipFile(bundle(root, FIRST) / f"peace-plan-claims-{FIRST}-csv.zip") as archive:
        names = set(archive.namelist())
        assert {"datapackage.json", "README.md", "CITATION.cff", "LICENSE.md"} <= names
        assert {f"data/{model.meta.name}.csv" for model in TABLES} <= names
        assert json.loads(archive.read("datapackage.json"))["version"] == FIRST
        citation = yaml.safe_load(archive.read("CITATION.cff"))
        assert (str(citation["version"]), str(citation["date-released"])) == (FIRST, "2026-11-29")
        readme = archive.read("README.md").decode()
        assert readme.startswith(f"# {dictionary.TITLE}") and f"version {FIRST}" in readme
        # the citation is CITATION.cff's, year and licence included, and the version is named once
        cited = dataset_plain(DataVersion.of_release(FIRST, "2026-11-29"))
        assert f"Cite it as: {cited}." in readme and "(2026)" in cited and "Data licence: " in cited
        assert f"version {FIRST} ({FIRST})" not in readme
        assert all(f"### {model.meta.name}" in readme for model in TABLES)
        assert "CC-BY-4.0" in archive.read("LICENSE.md").decode()


def test_checksums_name_the_files_as_they_are_downloaded(fixture, tmp_path):
    """SHA256SUMS lists every asset by the name a GitHub release gives it (side by side), so the
    README's command checks each one, the Parquet files among them, and catches a changed byte."""
    assets = release_assets(fixture["root"] / "dist", FIRST)
    listed = [
        line.split("  ", 1)[1] for line in (bundle(fixture["root"], FIRST) / "SHA256SUMS").read_text().splitlines()
    ]
    assert sorted(listed) == sorted(
        path.name for path in assets if path.name not in {"SHA256SUMS", f"peace-plan-claims-{FIRST}.zip"}
    )
    downloaded = tmp_path / "downloaded"
    downloaded.mkdir()
    for path in assets:  # as `gh release download` leaves them
        shutil.copy(path, downloaded / path.name)
    command = ["sha256sum", "--check", "--ignore-missing", "SHA256SUMS"]
    checked = subprocess.run(command, cwd=downloaded, capture_output=True, text=True)
    assert checked.returncode == 0 and "statements.parquet: OK" in checked.stdout, checked.stdout + checked.stderr
    # the README's example finds the CSV zip's name in SHA256SUMS
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    found = re.search(r'curl -LO "\$base/\$\((grep [^)]*)\)"', readme).group(1)
    named = subprocess.run(found, shell=True, cwd=downloaded, capture_output=True, text=True).stdout.split()
    assert named == [f"peace-plan-claims-{FIRST}-csv.zip"]
    with (downloaded / "statements.parquet").open("ab") as handle:
        handle.write(b"junk")
    checked = subprocess.run(command, cwd=downloaded, capture_output=True, text=True)
    assert checked.returncode == 1 and "statements.parquet: FAILED" in checked.stdout


def duckdb_contents(path):
    """Every base table of a DuckDB file with its rows, in a stable order (the views are derived from
    them; who_spoke_to_whom's group_concat lists its types in no fixed order)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall() for name in names}
    finally:
        con.close()


def assert_same_bundle(one: Path, two: Path) -> None:
    files = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    assert {"claims.db", "counts.json", "claims.duckdb", "SHA256SUMS", "delta.json"} <= set(files)
    for name in files:
        first, second = (one / name).read_bytes(), (two / name).read_bytes()
        if name == "claims.duckdb":  # not byte-reproducible (README, "releases"): same contents
            contents = duckdb_contents(one / name)
            assert {"statements", "attestations", "positions", "dataset_version"} <= set(contents)
            assert contents == duckdb_contents(two / name), name
        elif name == "SHA256SUMS":
            assert [line for line in first.splitlines() if not line.endswith(b"claims.duckdb")] == [
                line for line in second.splitlines() if not line.endswith(b"claims.duckdb")
            ]
        else:
            assert first == second, name


def test_two_releases_from_the_same_data_are_identical(fixture):
    assert_same_bundle(bundle(fixture["root"], FIRST), bundle(fixture["clone"], FIRST))


def test_no_local_path_in_any_released_file(fixture):
    one = bundle(fixture["root"], FIRST)
    local = [str(fixture["root"]).encode(), str(REPO).encode(), b"/home/", b".staging-", b".building-", b".partial"]
    for path in (p for p in one.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert not [marker for marker in local if marker in content], path.name
    assert json.loads((one / "counts.json").read_text())["claims"]["file"] == "claims.db"


def test_delta_lists_exactly_what_changed_between_the_two_releases(fixture):
    changes: Changes = fixture["changes"]
    delta = json.loads((bundle(fixture["root"], SECOND) / "delta.json").read_text())
    assert (delta["version"], delta["previous_version"]) == (SECOND, FIRST)
    expected = {
        "actors": {"added": [{"actor_id": changes.actor}]},
        "event_participants": {"added": [{"event_id": changes.event, "actor_id": changes.actor, "role": "subject"}]},
        "positions": {"removed": [{"position_id": changes.position}]},
        "retired_ids": {"added": [{"table_name": "positions", "id": changes.position}]},
        "releases": {"added": [{"version": SECOND}]},
        "published_ids": {"added": [{"table_name": "actors", "id": changes.actor}]},
        "statements": {"changed": [{"statement_id": changes.statement, "columns": ["notes"]}]},
    }
    for model in TABLES:
        table = delta["tables"][model.meta.name]
        assert table["key"] == list(TABLES_BY_NAME[model.meta.name].meta.primary_key)
        for kind in ("added", "removed", "changed", "columns_added", "columns_removed"):
            assert table[kind] == expected.get(model.meta.name, {}).get(kind, []), (model.meta.name, kind)
    first = json.loads((bundle(fixture["root"], FIRST) / "delta.json").read_text())
    assert first["previous_version"] is None  # the first release adds every row
    assert first["tables"]["releases"]["added"] == [{"version": FIRST}]
    statements = Dataset.at(fixture["root"] / "data").read("statements")[1]
    assert [row["statement_id"] for row in first["tables"]["statements"]["added"]] == [
        row["statement_id"] for row in statements
    ]


def test_release_notes_are_written_from_the_delta(fixture):
    changes: Changes = fixture["changes"]
    notes = (bundle(fixture["root"], SECOND) / "RELEASE_NOTES.md").read_text()
    assert notes.startswith(f"# peace-plan-claims {SECOND}\n\n## {SECOND} — 2027-01-15")
    assert f"## Changes in the data since {FIRST}" in notes
    assert (
        "| actors | 1 | 0 | 0 |" in notes
        and "| positions | 0 | 1 | 0 |" in notes
        and "| statements | 0 | 0 | 1 |" in notes
    )
    assert f"- added: `{changes.actor}`" in notes and f"- changed: `{changes.statement}` (notes)" in notes
    assert "| places |" not in notes  # tables without changes are left out


def test_each_id_is_attributed_to_the_release_that_first_held_it(fixture):
    rows = Dataset.at(fixture["root"] / "data").read("published_ids")[1]
    first = {(r["table_name"], r["id"]): r["first_version"] for r in rows}
    assert first[("actors", fixture["changes"].actor)] == SECOND
    assert first[("positions", fixture["changes"].position)] == FIRST  # retired, still recorded
    assert {version for key, version in first.items() if key != ("actors", fixture["changes"].actor)} == {FIRST}


def test_each_release_is_recorded_with_the_digest_of_its_data_and_the_one_before(fixture):
    root = fixture["root"]
    records = {r.version: r for r in release_records(root / "data")}
    assert set(records) == {FIRST, SECOND}
    assert (records[FIRST].released_on, records[FIRST].previous_version) == ("2026-11-29", None)
    assert (records[SECOND].released_on, records[SECOND].previous_version) == ("2027-01-15", FIRST)
    assert records[SECOND].data_sha256 == data_digest(root / "data")
    with zipfile.ZipFile(bundle(root, FIRST) / f"peace-plan-claims-{FIRST}-csv.zip") as archive:
        first = archive.read("data/releases.csv").decode()
    assert first.splitlines()[1].startswith(f"{FIRST},2026-11-29,{records[FIRST].data_sha256},")
    assert len(first.splitlines()) == 2  # the release's own data: no record of a later one


def test_the_citation_file_and_the_zenodo_record_carry_the_release(fixture):
    """`claims release` writes CITATION.cff and .zenodo.json with its version and date, so that
    they never disagree with the release (and `claims generate --check` holds them to the record)."""
    root = fixture["root"]
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert (str(citation["version"]), str(citation["date-released"])) == (SECOND, "2027-01-15")
    zenodo = json.loads((root / ".zenodo.json").read_text(encoding="utf-8"))
    assert (zenodo["version"], zenodo["publication_date"]) == (SECOND, "2027-01-15")
    assert claims(root, "generate", "--check").returncode == 0
    assert git(root, "status", "--porcelain") == ""  # the maintainer committed all the release wrote


def test_a_released_version_is_refused_in_one_line_with_nothing_written(fixture, archive):
    root = fixture["root"]
    before = snapshot(root)
    for version in (SECOND, FIRST):
        refused = claims(root, "release", version, "--archive", str(archive))
        assert refused.returncode == 1
        assert refused.stderr.strip().count("\n") == 0 and "already released" in refused.stderr, refused.stderr
        # what would work: not a new section for the same data
        assert f"the data is release {SECOND}'s, unchanged: a release is new data" in refused.stderr
    # a version below the latest, without a section: adding one would not help, so it is not asked for
    older = "0.1.9"
    refused = claims(root, "release", older, "--archive", str(archive))
    assert refused.returncode == 1 and f"{SECOND} is already released, after {older}" in refused.stderr
    assert "section" not in refused.stderr.split(";")[0], refused.stderr
    assert snapshot(root) == before


def test_a_release_that_adds_no_id_is_recorded_and_never_made_again(fixture, archive, tmp_path):
    """A release is its record, not its IDs: 0.3.0 changes one note and adds no ID; it cannot be
    released again with other data, nor is the same data released again, nor a version below it."""
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(fixture["root"]), str(work))
    data = Dataset.at(work / "data")
    key = {"statement_id": fixture["changes"].statement}

    def section(version: str, date: str) -> None:
        text = (work / "CHANGELOG.md").read_text(encoding="utf-8")
        (work / "CHANGELOG.md").write_text(
            text.replace("# Changelog\n\n", changelog((version, date)), 1), encoding="utf-8"
        )

    section("0.3.0", "2027-02-01")
    data.edit("statements", key, notes="A note changed for 0.3.0.")
    git(work, "commit", "-q", "-am", "0.3.0")
    published = (work / "data" / "published_ids.csv").read_bytes()
    done = claims(work, "release", "0.3.0", "--archive", str(archive))
    assert done.returncode == 0, done.stderr
    assert (work / "data" / "published_ids.csv").read_bytes() == published  # no new ID
    assert [r.version for r in release_records(work / "data")][:1] == ["0.3.0"]
    assert claims(work, "--version").stdout.splitlines()[1].startswith("data 0.3.0: version 0.3.0")
    git(work, "commit", "-q", "-am", "release 0.3.0")

    data.edit("statements", key, notes="A note changed after 0.3.0.")
    git(work, "commit", "-q", "-am", "another note")
    before = snapshot(work)
    refused = claims(work, "release", "0.3.0", "--archive", str(archive))
    assert refused.returncode == 1 and "0.3.0 is already released" in refused.stderr, refused.stderr
    assert "add a dated section ## 0.3.1 above 0.3.0's and release that" in refused.stderr, refused.stderr
    assert "unreleased data after 0.3.0" in claims(work, "--version").stdout

    data.edit("statements", key, notes="A note changed for 0.3.0.")  # back to 0.3.0's data
    section("0.3.1", "2027-02-02")
    refused = claims(work, "release", "0.3.1", "--archive", str(archive))
    assert refused.returncode == 1 and "the data is release 0.3.0's, unchanged" in refused.stderr, refused.stderr
    git(work, "checkout", "-q", "--", ".")
    section("0.2.9", "2027-02-03")
    refused = claims(work, "release", "0.2.9", "--archive", str(archive))
    assert refused.returncode == 1 and "0.3.0 is below 0.2.9 but not an older version" in refused.stderr
    git(work, "checkout", "-q", "--", ".")
    assert snapshot(work) == before


def test_a_stopped_release_leaves_no_staging_folder_and_writes_nothing(fixture, archive, tmp_path):
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(fixture["root"]), str(work))
    text = (work / "CHANGELOG.md").read_text(encoding="utf-8")
    (work / "CHANGELOG.md").write_text(
        text.replace("# Changelog\n\n", changelog(("0.4.0", "2027-03-01")), 1), encoding="utf-8"
    )
    Dataset.at(work / "data").edit("statements", {"statement_id": fixture["changes"].statement}, notes="For 0.4.0.")
    before = snapshot(work)
    running = subprocess.Popen(
        [sys.executable, "-m", "claims", "release", "0.4.0", "--archive", str(archive)], cwd=work
    )
    staging = work / "dist" / ".staging-0.4.0"
    deadline = time.monotonic() + 300
    while not staging.exists() and running.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert staging.exists(), "the release never started staging"
    running.send_signal(signal.SIGTERM)
    assert running.wait(timeout=300) == 128 + signal.SIGTERM
    assert not staging.exists()
    assert {k: v for k, v in snapshot(work).items() if k.startswith("data/")} == {
        k: v for k, v in before.items() if k.startswith("data/")
    }


@pytest.mark.parametrize(
    "sections, version, reason",
    [
        ([("9.3.0", "unreleased")], "9.3.0", "is not dated"),
        ([("9.3.0", "2030-03-01"), ("9.2.5", "2030-02-01")], "9.2.5", "newer section (9.3.0)"),
        ([("9.3.0", "2030-03-01")], "9.4.0", "no '## 9.4.0' section"),
        ([("9.3.0", "2030-03-01")], "v9.3", "not a version"),
        ([("9.3.0", "2030-13-45")], "9.3.0", "2030-13-45 is not a calendar date"),
        ([("9.3.0-rc1", "2030-03-01")], "9.3.0", "'9.3.0-rc1' is not a release version"),
        ([("9.3.0", "unreleased (since 2030-03-01)")], "9.3.0", "is not dated"),
        ([("9.3.0", "2000-01-01")], "9.3.0", "after 9.3.0 above it"),
    ],
)
def test_an_undated_older_or_unknown_section_is_refused_with_nothing_written(tmp_path, sections, version, reason):
    root = copy_repository(tmp_path / "repo")
    with_sections(root, *sections)
    before = snapshot(root)
    refused = claims(root, "release", version)
    assert refused.returncode == 1
    assert refused.stderr.strip().count("\n") == 0 and reason in refused.stderr, refused.stderr
    assert snapshot(root) == before and not (root / "dist").exists()


@pytest.mark.parametrize(
    "tag, reason",
    [("v9.3.0", "already published (the git tag v9.3.0)"), ("v9.4.0", "9.4.0 is already released, after 9.3.0")],
)
def test_a_tagged_version_or_one_below_a_tag_is_refused(tmp_path, tag, reason):
    root = copy_repository(tmp_path / "repo")
    with_sections(root, ("9.3.0", "2030-03-01"))
    git(root, "tag", tag)
    before = snapshot(root)
    refused = claims(root, "release", "9.3.0")
    assert refused.returncode == 1 and reason in refused.stderr, refused.stderr
    assert snapshot(root) == before


def test_the_workflows_rebuild_writes_the_same_bundle_and_nothing_in_the_data(fixture, archive, tmp_path):
    """On the tag, as release.yml runs it: the same bundle, its delta against the previous release,
    which no tag names (its record does)."""
    root = fixture["root"]
    assert git(root, "tag").split() == [f"v{SECOND}"]
    data = {path: content for path, content in snapshot(root).items() if path.startswith("data/")}
    rebuilt = claims(root, "release", SECOND, "--rebuild", "--dist", str(tmp_path), "--archive", str(archive))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert [Path(root, p).resolve() for p in rebuilt.stdout.split()] == release_assets(tmp_path, SECOND)
    assert_same_bundle(bundle(root, SECOND), tmp_path / f"peace-plan-claims-{SECOND}")
    assert {path: content for path, content in snapshot(root).items() if path.startswith("data/")} == data


def test_jsonld_claims_load_back(fixture):
    folder = bundle(fixture["root"], FIRST)
    graph = rdflib.Graph().parse(data=(folder / "claims.jsonld").read_text(), format="json-ld")
    schema = rdflib.Namespace("https://schema.org/")
    claims_found = set(graph.subjects(rdflib.RDF.type, schema.Claim))
    assert len(claims_found) >= 60
    st7 = rdflib.URIRef("urn:claims:statement/st-007")
    assert st7 in claims_found
    assert graph.value(st7, schema.author) == rdflib.URIRef("urn:claims:actor/steve-witkoff")
    assert graph.value(st7, schema.firstAppearance) == rdflib.URIRef(
        "urn:claims:source/recording-2025-10-14-witkoff-ushakov-call"
    )
    assert (
        st7,
        schema.appearance,
        rdflib.URIRef("urn:claims:source/fortune-2025-11-25-witkoff-advised-russia"),
    ) in graph
    assert str(graph.value(st7, schema.dateCreated)) == "2025-10-14"
    assert all(graph.value(claim, schema.author) is not None for claim in claims_found)
    # every Claim is part of the release's Dataset node, which names the version
    dataset = graph.value(st7, schema.isPartOf)
    assert str(graph.value(dataset, schema.version)) == FIRST
    assert all(graph.value(claim, schema.isPartOf) == dataset for claim in claims_found)


def test_prov_loads_back_with_the_attribution_chain(fixture):
    folder = bundle(fixture["root"], FIRST)
    document = ProvDocument.deserialize(content=(folder / "provenance.json").read_text(), format="json")
    provn = document.get_provn()
    assert "wasAttributedTo(claims:statement/st-007, claims:actor/steve-witkoff)" in provn
    assert (
        "wasDerivedFrom(claims:statement/st-007, claims:source/recording-2025-10-14-witkoff-ushakov-call, -, -, -, [prov:type='prov:Quotation'])"
        in provn
    )
    assert "claims:statement/st-007, claims:source/fortune-2025-11-25-witkoff-advised-russia" in provn
    assert "[prov:type='prov:PrimarySource']" in provn  # paraphrases rest on their source
    assert f"hadMember(claims:dataset/peace-plan-claims/{FIRST}, claims:statement/st-007)" in provn
    assert document == ProvDocument.deserialize(content=document.serialize(format="json"), format="json")


def test_data_with_findings_is_refused_with_nothing_written(tmp_path):
    root = copy_repository(tmp_path / "repo")
    with_sections(root, ("9.0.0", "2030-03-01"))
    data = Dataset.at(root / "data")
    data.edit("actors", {"actor_id": data.read("actors")[1][0]["actor_id"]}, actor_type="newspaper")
    before = snapshot(root)
    refused = claims(root, "release", "9.0.0")
    assert refused.returncode == 1 and "finding(s)" in refused.stderr.strip().splitlines()[-1], refused.stderr
    assert snapshot(root) == before


def test_release_refuses_before_writing_anything(tmp_path, monkeypatch):
    """The Python API refuses as the command line does."""
    root = copy_repository(tmp_path / "repo")
    monkeypatch.chdir(root)  # the API works on the project it is run in, as the command line does
    with pytest.raises(ReleaseRefused, match="already released"):
        release(latest_release(root / "data").version)
    assert not (root / "dist").exists()
