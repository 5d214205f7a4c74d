"""`claims release VERSION`: a versioned, checksummed bundle in dist/.

dist/peace-plan-claims-VERSION/ holds: the CSVs with datapackage.json as one zip, the Parquet
files, the DuckDB and SQLite databases, the linked-data exports (schema.org Claims as JSON-LD,
PROV-JSON, PROV-N), the changelog entry, and SHA256SUMS. The version comes from the newest section
of CHANGELOG.md, which `claims generate` also writes into datapackage.json. The release records
every ID it publishes in data/published_ids.csv, so that none can later vanish unnoticed.
Two releases from the same data give byte-identical files (fixed zip timestamps and order).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb

from claims import project
from claims.archive import Location
from claims.build import build_outputs
from claims.fmt import canonical
from claims.generate import drifted
from claims.linked_data import write_exports
from claims.schema import ID_TABLES, TABLES_BY_NAME
from claims.validate import validate

SEMVER = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ReleaseRefused(Exception):
    """The release cannot be made; the message says what to do."""


def record_published_ids(data_dir: Path, version: str) -> int:
    """Add every ID not yet in published_ids.csv, first published in `version`. Returns how many."""
    path = data_dir / "published_ids.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    known = {(r["table_name"], r["id"]) for r in rows}
    added = 0
    for table, key in ID_TABLES.items():
        with (data_dir / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if (table, row[key]) not in known:
                    rows.append({"table_name": table, "id": row[key], "first_version": version})
                    added += 1
    if added:
        out = io.StringIO()
        writer = csv.DictWriter(out, ["table_name", "id", "first_version"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(canonical(out.getvalue(), TABLES_BY_NAME["published_ids"]), encoding="utf-8")
    return added


def deterministic_zip(path: Path, members: list[tuple[str, Path]]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, source in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, source.read_bytes())


def sha256sums(folder: Path) -> str:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(folder).as_posix()}")
    return "\n".join(lines) + "\n"


def release(
    version: str,
    data_dir: Path | None = None,
    dist_dir: Path | None = None,
    archive_dir: Location | None = None,
    descriptor: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Make the bundle dist/peace-plan-claims-VERSION/ of the current project (folders default to its own)."""
    where = project.current()
    data_dir, dist_dir, descriptor = (
        data_dir or where.data_dir,
        dist_dir or where.dist_dir,
        descriptor or where.descriptor,
    )
    step = progress or (lambda text: None)
    if not SEMVER.match(version):
        raise ReleaseRefused(f"{version!r} is not a version like 1.2.3")
    entry = where.changelog_entry(version)
    if entry is None:
        raise ReleaseRefused(f"CHANGELOG.md has no '## {version}' section: add one that says what changed")
    if where.dataset_version() != version:
        raise ReleaseRefused(
            f"the newest dated CHANGELOG.md section is {where.dataset_version()}, not {version}: date the section (## {version} — YYYY-MM-DD), run `claims generate`, then release"
        )
    if drifted():
        raise ReleaseRefused(
            "generated files are out of date (datapackage.json carries the version): run `claims generate`"
        )
    step("validating")
    run = validate(data_dir, archive_dir, progress=lambda layer: step(f"validating: {layer}"))
    if not run.ok:
        raise ReleaseRefused(f"the data has {len(run.findings)} finding(s): run `claims validate` and fix them")
    record_published_ids(data_dir, version)

    bundle = dist_dir / f"peace-plan-claims-{version}"
    staging = dist_dir / f".staging-{version}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        build_outputs(data_dir, staging, archive_dir, progress=lambda output: step(f"building {output}"))
        step("zipping the CSVs")
        members = [("datapackage.json", descriptor)] + [(f"data/{p.name}", p) for p in sorted(data_dir.glob("*.csv"))]
        deterministic_zip(staging / f"peace-plan-claims-{version}-csv.zip", members)
        step("writing JSON-LD and PROV")
        con = duckdb.connect(str(staging / "claims.duckdb"), read_only=True)
        write_exports(con, staging)
        con.close()
        (staging / "RELEASE_NOTES.md").write_text(f"# peace-plan-claims {version}\n\n{entry}\n", encoding="utf-8")
        step("checksums")
        (staging / "SHA256SUMS").write_text(sha256sums(staging), encoding="utf-8")
        shutil.rmtree(bundle, ignore_errors=True)
        staging.rename(bundle)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return bundle
