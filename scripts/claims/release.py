"""`claims release VERSION`: a versioned, checksummed bundle in dist/, and the ID history.

A release is immutable. VERSION must be the newest dated section of CHANGELOG.md, no undated
section may wait above it, and it must not be published yet (no row of data/published_ids.csv and
no git tag vVERSION names it); otherwise the command refuses in one line and writes nothing. A
release records each ID it publishes for the first time in data/published_ids.csv, so every ID is
attributed to the release that first contained it. `--rebuild` writes the bundle of the release the
checkout already is (the release workflow, on the tag) and writes nothing in data/.

dist/peace-plan-claims-VERSION/ holds: the CSVs with datapackage.json, the data dictionary,
CITATION.cff and the licence as one zip; a Parquet file per table; the DuckDB and SQLite databases;
the linked-data exports (schema.org Claims as JSON-LD, PROV-JSON, PROV-N); delta.json (per table,
the IDs added, removed and changed since the previous release, with the changed columns) and the
release notes written from it with the changelog entry; counts.json; SHA256SUMS. Beside it,
dist/peace-plan-claims-VERSION.zip holds all of them. Two releases from the same data give
byte-identical files (fixed zip timestamps and order), claims.duckdb apart (README).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from claims import project
from claims.archive import Location
from claims.build import build_outputs
from claims.diff import TableDiff, diff_tables, folder_reader, revision_reader
from claims.downloads import NAME, csv_zip, write_zip
from claims.fmt import canonical
from claims.generate import drifted
from claims.linked_data import write_exports
from claims.schema import TABLES, TABLES_BY_NAME
from claims.validate import validate
from claims.version import (
    SEMVER,
    DataVersion,
    changelog_sections,
    git_output,
    published_rows,
    release_version,
    tag_exists,
    unpublished_ids,
)

# How many IDs of one kind (added, removed, changed) the release notes list for a table; delta.json lists all.
NOTES_LIST_LIMIT = 50


class ReleaseRefused(Exception):
    """The release cannot be made; the message says what to do, in one line."""


def record_published_ids(data_dir: Path, version: str) -> int:
    """Add every ID not yet in published_ids.csv, first published in `version`. Returns how many."""
    new = unpublished_ids(data_dir)
    if new:
        rows = published_rows(data_dir) + [{"table_name": t, "id": i, "first_version": version} for t, i in new]
        out = io.StringIO()
        writer = csv.DictWriter(out, ["table_name", "id", "first_version"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (data_dir / "published_ids.csv").write_text(
            canonical(out.getvalue(), TABLES_BY_NAME["published_ids"]), encoding="utf-8"
        )
    return len(new)


def sha256sums(folder: Path) -> str:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def _semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def refusal(version: str, data_dir: Path, rebuild: bool = False) -> str | None:
    """Why `version` cannot be released (or, with `rebuild`, its bundle rebuilt) from the current
    project and `data_dir`; None when it can."""
    where = project.current()
    if not SEMVER.match(version):
        return f"{version!r} is not a version like 1.2.3"
    sections = changelog_sections(where)
    section = next((s for s in sections if s.version == version), None)
    if section is None:
        return f"CHANGELOG.md has no '## {version}' section: add one that says what changed, dated when you release"
    published = {row["first_version"] for row in published_rows(data_dir)}
    if not rebuild and (version in published or tag_exists(where, version)):
        where_found = "data/published_ids.csv" if version in published else f"the git tag v{version}"
        return f"{version} is already published ({where_found}): a release never changes; add a new dated section to release the data again"
    if section.date is None:
        return f"the CHANGELOG.md section {version} is not dated: date it (## {version} — YYYY-MM-DD) to release it"
    newer = sections[: sections.index(section)]
    if newer:
        return f"CHANGELOG.md has a newer section ({newer[0].version}) above {version}: only the newest section is released"
    if rebuild:
        pending = unpublished_ids(data_dir)
        if version not in published and not tag_exists(where, version):
            return f"{version} was never released here (neither data/published_ids.csv nor a git tag v{version} names it): release it with `claims release {version}`"
        if pending:
            return f"the data holds {len(pending)} ID(s) no release records (e.g. {pending[0][0]} {pending[0][1]}): this checkout is not release {version}"
        return None
    later = sorted((v for v in published if SEMVER.match(v) and _semver(v) > _semver(version)), key=_semver)
    if later:
        return f"{later[-1]} is already published, after {version}: release a version above it"
    return None


def previous_release(version: str) -> str | None:
    """The release before `version`: the next dated section below it in CHANGELOG.md."""
    sections = [s for s in changelog_sections(project.current()) if s.date]
    versions = [s.version for s in sections]
    below = versions[versions.index(version) + 1 :] if version in versions else []
    return below[0] if below else None


def previous_revision(previous: str | None, given: str | None) -> str | None:
    """The git revision holding the previous release's data: `given` (--previous), else its tag.
    Raises ReleaseRefused when there is a previous release and neither is found."""
    if previous is None and given is None:
        return None
    revision = given or f"v{previous}"
    if git_output(project.current(), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}") is None:
        raise ReleaseRefused(
            f"git does not know {revision!r}, the data of release {previous}: fetch the tags (git fetch --tags) or name its commit with --previous REV"
            if given is None
            else f"git does not know the revision {given!r} (--previous)"
        )
    return revision


def delta(version: str, previous: str | None, revision: str | None, data_dir: Path) -> dict:
    """delta.json: per table, the rows added, removed and changed (with the columns that changed)
    since the previous release, each row named by its key."""
    root = project.current().root
    before = revision_reader(root, revision) if revision else (lambda model: {})
    diffs = diff_tables(before, folder_reader(data_dir))
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
    """The files a GitHub release attaches: every file of the bundle (Parquet files included), and
    the all-in-one zip. The README's table lists the same (a test holds them together)."""
    bundle = dist_dir / bundle_name(version)
    return sorted(p for p in bundle.rglob("*") if p.is_file()) + [dist_dir / f"{bundle_name(version)}.zip"]


def release(
    version: str,
    data_dir: Path | None = None,
    dist_dir: Path | None = None,
    archive_dir: Location | None = None,
    progress: Callable[[str], None] | None = None,
    previous: str | None = None,
    rebuild: bool = False,
) -> list[Path]:
    """Make release `version` of the current project (folders default to its own): refuse, writing
    nothing, unless it can be made; validate; write the bundle and the all-in-one zip; then record the
    IDs it publishes for the first time (not with `rebuild`). Returns the release's assets."""
    where = project.current()
    data_dir, dist_dir = data_dir or where.data_dir, dist_dir or where.dist_dir
    step = progress or (lambda text: None)
    refused = refusal(version, data_dir, rebuild)
    if refused:
        raise ReleaseRefused(refused)
    if drifted():
        raise ReleaseRefused("generated files are out of date: run `claims generate` and commit the result")
    earlier = previous_release(version)
    revision = previous_revision(earlier, previous)
    step("validating")
    run = validate(data_dir, archive_dir, progress=lambda layer: step(f"validating: {layer}"))
    if not run.ok:
        raise ReleaseRefused(f"the data has {len(run.findings)} finding(s): run `claims validate` and fix them")

    bundle = dist_dir / bundle_name(version)
    staging = dist_dir / f".staging-{version}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "bundle").mkdir(parents=True)
    try:
        # the release's data: data/ with this release's IDs recorded, written to data/ only at the end
        released_data = staging / "data"
        shutil.copytree(data_dir, released_data, ignore=shutil.ignore_patterns("*.md"))
        if not rebuild:
            record_published_ids(released_data, version)
        stamped = release_version(where, version)
        _write_bundle(stamped, released_data, staging / "bundle", archive_dir, revision, earlier, step)
        step("zipping everything")
        shutil.rmtree(bundle, ignore_errors=True)
        (staging / "bundle").rename(bundle)
        write_zip(
            dist_dir / f"{bundle_name(version)}.zip",
            [
                (f"{bundle_name(version)}/{p.relative_to(bundle).as_posix()}", p)
                for p in bundle.rglob("*")
                if p.is_file()
            ],
        )
        if not rebuild:
            shutil.copyfile(released_data / "published_ids.csv", data_dir / "published_ids.csv")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return release_assets(dist_dir, version)


def _write_bundle(
    version: DataVersion,
    data_dir: Path,
    folder: Path,
    archive_dir: Location | None,
    revision: str | None,
    earlier: str | None,
    step: Callable[[str], None],
) -> None:
    assert version.release is not None
    build_outputs(data_dir, folder, archive_dir, progress=lambda output: step(f"building {output}"), version=version)
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
    changes = delta(version.release, earlier, revision, data_dir)
    (folder / "delta.json").write_text(json.dumps(changes, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    entry = next(s.text for s in changelog_sections(project.current()) if s.version == version.release)
    (folder / "RELEASE_NOTES.md").write_text(release_notes(version.release, entry, changes), encoding="utf-8")
    step("checksums")
    (folder / "SHA256SUMS").write_text(sha256sums(folder), encoding="utf-8")
