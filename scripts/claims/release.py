"""`claims release VERSION`: a versioned, checksummed bundle in dist/, and the record of the release.

A release is immutable, and a fact recorded in the repository. VERSION must be the newest section of
CHANGELOG.md, dated, above every release data/releases.csv records and every tag vX.Y.Z; otherwise
the command refuses in one line and writes nothing. A release writes, once its bundle is complete:
its row of data/releases.csv (version, date, the release before it, the SHA-256 of the data it
releases: claims.version), the IDs it publishes for the first time in data/published_ids.csv (so
every ID is attributed to the release that first contained it), and CITATION.cff and .zenodo.json
with its version and date (`claims generate`). Data that is already a release is not released again.
`--rebuild` writes the bundle of a release this checkout's data is (the release workflow, on the
tag; by the data's digest, not the tag) and writes nothing in data/.

dist/peace-plan-claims-VERSION/ holds, side by side (the names the GitHub release's assets have,
which SHA256SUMS lists): the CSVs with datapackage.json, the data dictionary, CITATION.cff and the
licence as one zip; a Parquet file per table; the DuckDB and SQLite databases; the linked-data
exports (schema.org Claims as JSON-LD, PROV-JSON, PROV-N); delta.json (per table, the rows added,
removed and changed since the previous release, with the changed columns) and the release notes
written from it with the changelog entry; counts.json; SHA256SUMS. Beside it,
dist/peace-plan-claims-VERSION.zip holds all of them. The previous release's data, for the delta,
is found in the git history by its digest, tags or no tags. Two releases from the same data give
byte-identical files (fixed zip timestamps and order), claims.duckdb apart (README).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from claims import generate, project
from claims.archive import Location
from claims.build import build_outputs
from claims.contrib.diff import TableDiff, diff_tables, folder_reader
from claims.contrib.fmt import canonical
from claims.linked_data import write_exports
from claims.project import Project
from claims.schema import TABLES, TABLES_BY_NAME
from claims.site.downloads import NAME, csv_zip, write_zip
from claims.validate import validate
from claims.version import (
    RELEASES_FILE,
    SEMVER,
    ChangelogError,
    DataVersion,
    ReleaseRecord,
    changelog_section,
    changelog_sections,
    data_digest,
    history_problems,
    next_patch,
    published_rows,
    release_commit,
    release_records,
    semver,
    tag_exists,
    tagged_versions,
    unpublished_ids,
)

# How many IDs of one kind (added, removed, changed) the release notes list for a table; delta.json lists all.
NOTES_LIST_LIMIT = 50
# The files a release writes besides its bundle, for the maintainer to commit before tagging.
RECORDED = (f"data/{RELEASES_FILE}", "data/published_ids.csv", "CITATION.cff", ".zenodo.json")
# What the release commit holds: the dated CHANGELOG.md section with the records, which `claims
# check` holds together (a commit without the section fails it, and the workflow's rebuild refuses).
COMMITTED = ("CHANGELOG.md", *RECORDED)


def next_steps(version: str) -> list[str]:
    """The commands that follow `claims release VERSION` (docs/maintaining.md's checklist, steps 3
    to 5): commit what the release changed, tag that commit, push the tag."""
    return [
        f'git commit -m "Release {version}" {" ".join(COMMITTED)}',
        f"git tag v{version}",
        f"git push origin v{version}",
    ]


class ReleaseRefused(Exception):
    """The release cannot be made; the message says what to do, in one line."""


def _write_table(data_dir: Path, table: str, rows: list[dict[str, str]]) -> None:
    model = TABLES_BY_NAME[table]
    out = io.StringIO()
    writer = csv.DictWriter(out, model.columns(), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (data_dir / f"{table}.csv").write_text(canonical(out.getvalue(), model), encoding="utf-8")


def record_published_ids(data_dir: Path, version: str) -> int:
    """Add every ID not yet in published_ids.csv, first published in `version`. Returns how many."""
    new = unpublished_ids(data_dir)
    if new:
        rows = published_rows(data_dir) + [{"table_name": t, "id": i, "first_version": version} for t, i in new]
        _write_table(data_dir, "published_ids", rows)
    return len(new)


def write_release_records(data_dir: Path, records: list[ReleaseRecord]) -> None:
    """data/releases.csv with `records` (in canonical order)."""
    _write_table(data_dir, "releases", [record.as_row() for record in records])


def record_release(data_dir: Path, version: str, released_on: str) -> ReleaseRecord:
    """Record release `version` of the data in `data_dir`, after the latest release recorded there:
    the IDs it publishes first, then its row of releases.csv with the digest of the data. Raises
    ReleaseRefused, having written nothing, where the data is a release already."""
    records = release_records(data_dir)
    published = published_rows(data_dir)
    record_published_ids(data_dir, version)
    digest = data_digest(data_dir)
    same = next((record for record in records if record.data_sha256 == digest), None)
    if same:
        _write_table(data_dir, "published_ids", published)
        raise ReleaseRefused(
            f"the data is release {same.version}'s, unchanged: a release is new data; change the data to release it"
        )
    record = ReleaseRecord(version, released_on, digest, records[0].version if records else None)
    write_release_records(data_dir, [record, *records])
    return record


def sha256sums(folder: Path) -> str:
    """SHA256SUMS of the files in `folder`, by name (the bundle keeps its files side by side)."""
    lines = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != "SHA256SUMS"):
        with path.open("rb") as handle:
            lines.append(f"{hashlib.file_digest(handle, 'sha256').hexdigest()}  {path.name}")
    return "\n".join(lines) + "\n"


def refusal(version: str, data_dir: Path) -> str | None:
    """Why `version` cannot be released from the current project and `data_dir`; None when it can.
    A version already released, tagged or below one is refused before its section is looked for
    (adding one would not help), and the message says what would: a version above the latest, with
    data that is no release's."""
    where = project.current()
    if not SEMVER.match(version):
        return f"{version!r} is not a version like 1.2.3"
    try:
        sections = changelog_sections(where)
    except ChangelogError as error:
        return str(error)
    records = release_records(data_dir)
    released = [record.version for record in records] + tagged_versions(where)
    latest = max(released, key=semver, default=None)
    digest = data_digest(data_dir)
    unchanged = next((record.version for record in records if record.data_sha256 == digest), None)
    if unchanged:
        then = f"the data is release {unchanged}'s, unchanged: a release is new data; change the data to release it"
    elif latest:
        then = f"to release the data as it is, add a dated section ## {next_patch(latest)} above {latest}'s and release that"
    else:
        then = ""
    recorded = next((record for record in records if record.version == version), None)
    if recorded:
        return f"{version} is already released (data/{RELEASES_FILE}, {recorded.released_on}) and a release never changes; {then}"
    if tag_exists(where, version):
        return f"{version} is already published (the git tag v{version}) and a release never changes; {then}"
    if latest and semver(latest) > semver(version):
        return f"{latest} is already released, after {version}: versions only go up; {then}"
    section = next((s for s in sections if s.version == version), None)
    if section is None:
        return f"CHANGELOG.md has no '## {version}' section: add one that says what changed, dated when you release"
    if section.date is None:
        return f"the CHANGELOG.md section {version} is not dated: date it (## {version} — YYYY-MM-DD) to release it"
    newer = sections[: sections.index(section)]
    if newer:
        return f"CHANGELOG.md has a newer section ({newer[0].version}) above {version}: only the newest section is released"
    if unchanged:
        return then
    problems = history_problems(where, data_dir)
    return problems[0][1] if problems else None


def rebuild_refusal(version: str, data_dir: Path) -> str | None:
    """Why the bundle of release `version` cannot be rebuilt from `data_dir`; None when it can."""
    where = project.current()
    if not SEMVER.match(version):
        return f"{version!r} is not a version like 1.2.3"
    record = next((r for r in release_records(data_dir) if r.version == version), None)
    if record is None:
        return f"{version} was never released here (data/{RELEASES_FILE} has no record of it): release it with `claims release {version}`"
    if data_digest(data_dir) != record.data_sha256:
        return f"this checkout's data is not release {version} (its digest is not the one data/{RELEASES_FILE} records): check out the release's commit, tagged v{version}"
    try:
        section = changelog_section(where, version)
    except ChangelogError as error:
        return str(error)
    if section is None or section.date != record.released_on:
        return (
            f"CHANGELOG.md has no section '## {version} — {record.released_on}', the date data/{RELEASES_FILE} records"
        )
    return None


def release_data(where: Project, record: ReleaseRecord, records: list[ReleaseRecord], folder: Path) -> Path:
    """The data of release `record` in `folder` (made here): data/ of a commit of the history whose
    digest is the record's, with the release records as they were then. Raises ReleaseRefused where
    the history holds no such commit."""
    commit = release_commit(where, record)
    if commit is None:
        raise ReleaseRefused(
            f"no commit of this checkout's history holds the data of release {record.version} (the digest data/{RELEASES_FILE} records): fetch the whole history (git fetch --unshallow) and run again"
        )
    archived = subprocess.run(
        ["git", "-C", str(where.root), "archive", "--format=tar", commit, "data"], capture_output=True, check=True
    )
    with tarfile.open(fileobj=io.BytesIO(archived.stdout)) as tar:
        tar.extractall(folder, filter="data")
    write_release_records(folder / "data", [r for r in records if semver(r.version) <= semver(record.version)])
    return folder / "data"


@contextmanager
def _termination_as_exit() -> Iterator[None]:
    """SIGTERM (a stopped job, a CI timeout) ends the release as an exit, so that its staging folder
    is removed on the way out; SIGKILL cannot be caught: the next release removes what it left."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def delta(version: str, previous: str | None, before: Path | None, data_dir: Path) -> dict:
    """delta.json: per table, the rows added, removed and changed (with the columns that changed)
    since the previous release (its data in `before`), each row named by its key."""
    diffs = diff_tables(folder_reader(before) if before else (lambda model: {}), folder_reader(data_dir))
    return {
        "name": NAME,
        "version": version,
        "previous_version": previous,
        "tables": {d.table: _table_delta(d) for d in diffs},
    }


def _table_delta(d: TableDiff) -> dict:
    key = TABLES_BY_NAME[d.table].meta.primary_key

    def named(row: dict) -> dict:
        return {column: row.get(column) for column in key}

    return {
        "key": list(key),
        "added": [named(row) for row in d.added],
        "removed": [named(row) for row in d.removed],
        "changed": [{**named(change["row"]), "columns": sorted(change["changes"])} for change in d.changed],
        "columns_added": d.columns_added,
        "columns_removed": d.columns_removed,
    }


def release_notes(version: str, entry: str, changes: dict) -> str:
    """RELEASE_NOTES.md: the changelog entry, then the changes in the data, written from delta.json."""
    previous = changes["previous_version"]
    heading = f"Changes in the data since {previous}" if previous else "The data of the first release"
    lines = [f"# {NAME} {version}", "", entry, "", f"## {heading}", ""]
    changed = {name: table for name, table in changes["tables"].items() if _any_change(table)}
    if not changed:
        return "\n".join([*lines, "No row was added, removed or changed.", ""])
    lines += [
        "From `delta.json`, which lists every change by key, so that a copy can be updated without re-reading everything.",
        "",
        "| table | added | removed | changed |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {len(table['added'])} | {len(table['removed'])} | {len(table['changed'])} |"
        for name, table in changed.items()
    ]
    for name, table in changed.items():
        lines += ["", f"### {name}", ""]
        if table["columns_added"] or table["columns_removed"]:
            lines.append(
                f"- columns added: {', '.join(table['columns_added']) or '—'}; removed: {', '.join(table['columns_removed']) or '—'}"
            )
        for kind in ("added", "removed", "changed"):
            rows = table[kind]
            if not rows:
                continue
            shown = [
                "`"
                + " / ".join(str(row[k]) for k in table["key"])
                + "`"
                + (f" ({', '.join(row['columns'])})" if kind == "changed" else "")
                for row in rows[:NOTES_LIST_LIMIT]
            ]
            more = f", and {len(rows) - NOTES_LIST_LIMIT} more" if len(rows) > NOTES_LIST_LIMIT else ""
            lines.append(f"- {kind}: {', '.join(shown)}{more}")
    return "\n".join(lines) + "\n"


def _any_change(table: dict) -> bool:
    return any(table[kind] for kind in ("added", "removed", "changed", "columns_added", "columns_removed"))


def bundle_name(version: str) -> str:
    return f"{NAME}-{version}"


def release_assets(dist_dir: Path, version: str) -> list[Path]:
    """The files a GitHub release attaches: every file of the bundle (a Parquet file per table among
    them), and the all-in-one zip. The README's table lists the same (a test holds them together)."""
    bundle = dist_dir / bundle_name(version)
    return sorted(p for p in bundle.iterdir() if p.is_file()) + [dist_dir / f"{bundle_name(version)}.zip"]


def release(
    version: str,
    data_dir: Path | None = None,
    dist_dir: Path | None = None,
    archive_dir: Location | None = None,
    progress: Callable[[str], None] | None = None,
    rebuild: bool = False,
) -> list[Path]:
    """Make release `version` of the current project (folders default to its own): refuse, writing
    nothing, unless it can be made; validate; write the bundle and the all-in-one zip; then (not with
    `rebuild`) record the release and the IDs it publishes for the first time, and write CITATION.cff
    and .zenodo.json with its version. Returns the release's assets."""
    where = project.current()
    data_dir, dist_dir = data_dir or where.data_dir, dist_dir or where.dist_dir
    step = progress or (lambda text: None)
    refused = rebuild_refusal(version, data_dir) if rebuild else refusal(version, data_dir)
    if refused:
        raise ReleaseRefused(refused)
    if generate.drifted():
        raise ReleaseRefused("generated files are out of date: run `claims generate` and commit the result")
    section = changelog_section(where, version)
    assert section is not None and section.date is not None  # refused above otherwise
    records = release_records(data_dir)
    if rebuild:
        record = next(r for r in records if r.version == version)
        previous = next((r for r in records if r.version == record.previous_version), None)
    else:
        previous = records[0] if records else None
    step("validating")
    run = validate(data_dir, archive_dir, progress=lambda layer: step(f"validating: {layer}"))
    if not run.ok:
        raise ReleaseRefused(f"the data has {len(run.findings)} finding(s): run `claims validate` and fix them")

    bundle = dist_dir / bundle_name(version)
    staging = dist_dir / f".staging-{version}"
    with _termination_as_exit():
        shutil.rmtree(staging, ignore_errors=True)
        (staging / "bundle").mkdir(parents=True)
        try:
            before = release_data(where, previous, records, staging / "previous") if previous else None
            # the release's data: data/ with the release recorded, written to data/ only at the end
            released_data = staging / "data"
            shutil.copytree(data_dir, released_data, ignore=shutil.ignore_patterns("*.md"))
            if rebuild:  # the records as the release wrote them
                write_release_records(released_data, [r for r in records if semver(r.version) <= semver(version)])
            else:
                record_release(released_data, version, section.date)
            stamped = DataVersion.of_release(version, section.date)
            _write_bundle(stamped, released_data, staging / "bundle", archive_dir, section.text, before, previous, step)
            step("zipping everything")
            shutil.rmtree(bundle, ignore_errors=True)
            (staging / "bundle").rename(bundle)
            write_zip(
                dist_dir / f"{bundle_name(version)}.zip",
                [(f"{bundle_name(version)}/{p.name}", p) for p in bundle.iterdir() if p.is_file()],
            )
            if not rebuild:
                for table in ("published_ids", "releases"):
                    shutil.copyfile(released_data / f"{table}.csv", data_dir / f"{table}.csv")
                generate.write()  # CITATION.cff and .zenodo.json, from the new record
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return release_assets(dist_dir, version)


def _write_bundle(
    version: DataVersion,
    data_dir: Path,
    folder: Path,
    archive_dir: Location | None,
    entry: str,
    before: Path | None,
    previous: ReleaseRecord | None,
    step: Callable[[str], None],
) -> None:
    assert version.release is not None
    build_outputs(data_dir, folder, archive_dir, progress=lambda output: step(f"building {output}"), version=version)
    for parquet in sorted((folder / "parquet").glob("*.parquet")):  # side by side, as the assets are named
        parquet.rename(folder / parquet.name)
    (folder / "parquet").rmdir()
    step("zipping the CSVs")
    tables = {model.meta.name: (data_dir / f"{model.meta.name}.csv").read_bytes() for model in TABLES}
    (folder / f"{NAME}-{version.release}-csv.zip").write_bytes(csv_zip(tables, version))
    step("writing JSON-LD and PROV")
    con = duckdb.connect(str(folder / "claims.duckdb"), read_only=True)
    try:
        write_exports(con, folder)
    finally:
        con.close()
    step("writing the delta since the previous release")
    changes = delta(version.release, previous.version if previous else None, before, data_dir)
    (folder / "delta.json").write_text(json.dumps(changes, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "RELEASE_NOTES.md").write_text(release_notes(version.release, entry, changes), encoding="utf-8")
    step("checksums")
    (folder / "SHA256SUMS").write_text(sha256sums(folder), encoding="utf-8")
