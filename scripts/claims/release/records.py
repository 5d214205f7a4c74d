"""The record of releases in the data: data/releases.csv (claims.version reads it) and the IDs each
release publishes first, data/published_ids.csv."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from claims.contrib.fmt import canonical
from claims.schema import TABLES_BY_NAME
from claims.version import (
    RELEASES_FILE,
    ReleaseRecord,
    data_digest,
    published_rows,
    release_records,
    unpublished_ids,
)

# The files a release writes besides its bundle, for the maintainer to commit before tagging.
RECORDED_TABLES = ("published_ids", "releases")  # the tables a release writes in data/
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
