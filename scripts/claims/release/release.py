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

import io
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from claims import generate, project
from claims.archive import Location
from claims.build.tables import WithTablesRead
from claims.project import Project
from claims.release.bundle import bundle_name, release_assets, write_bundle
from claims.release.records import RECORDED_TABLES, ReleaseRefused, record_release, write_release_records
from claims.site.downloads import write_zip
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
    release_commit,
    release_records,
    semver,
    tag_exists,
    tagged_versions,
)


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
    run = validate(data_dir, archive_dir, progress=lambda layer: step(f"validating: {layer}"), keep_cells=True)
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
            # built from the tables as validation read them, but for the release records just written
            tables = WithTablesRead(run, released_data, RECORDED_TABLES)
            write_bundle(stamped, released_data, staging / "bundle", tables, section.text, before, previous, step)
            step("zipping everything")
            shutil.rmtree(bundle, ignore_errors=True)
            (staging / "bundle").rename(bundle)
            write_zip(
                dist_dir / f"{bundle_name(version)}.zip",
                [(f"{bundle_name(version)}/{p.name}", p) for p in bundle.iterdir() if p.is_file()],
            )
            if not rebuild:
                for table in RECORDED_TABLES:
                    shutil.copyfile(released_data / f"{table}.csv", data_dir / f"{table}.csv")
                generate.write()  # CITATION.cff and .zenodo.json, from the new record
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return release_assets(dist_dir, version)
