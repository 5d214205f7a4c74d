"""A release's bundle: its files side by side (the names the GitHub release's assets have) with
their SHA256SUMS."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from claims.build.linked_data import write_exports
from claims.build.outputs import build_outputs
from claims.build.tables import TableSource
from claims.release.delta import delta, release_notes
from claims.schema import TABLES
from claims.site.downloads import NAME, csv_zip
from claims.version import DataVersion, ReleaseRecord


def sha256sums(folder: Path) -> str:
    """SHA256SUMS of the files in `folder`, by name (the bundle keeps its files side by side)."""
    lines = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.name != "SHA256SUMS"):
        with path.open("rb") as handle:
            lines.append(f"{hashlib.file_digest(handle, 'sha256').hexdigest()}  {path.name}")
    return "\n".join(lines) + "\n"


def bundle_name(version: str) -> str:
    return f"{NAME}-{version}"


def release_assets(dist_dir: Path, version: str) -> list[Path]:
    """The files a GitHub release attaches: every file of the bundle (a Parquet file per table among
    them), and the all-in-one zip. The README's table lists the same (a test holds them together)."""
    bundle = dist_dir / bundle_name(version)
    return sorted(p for p in bundle.iterdir() if p.is_file()) + [dist_dir / f"{bundle_name(version)}.zip"]


def write_bundle(
    version: DataVersion,
    data_dir: Path,
    folder: Path,
    tables: TableSource,
    entry: str,
    before: Path | None,
    previous: ReleaseRecord | None,
    step: Callable[[str], None],
) -> None:
    assert version.release is not None
    build_outputs(data_dir, folder, progress=lambda output: step(f"building {output}"), version=version, tables=tables)
    for parquet in sorted((folder / "parquet").glob("*.parquet")):  # side by side, as the assets are named
        parquet.rename(folder / parquet.name)
    (folder / "parquet").rmdir()
    step("zipping the CSVs")
    files = {model.meta.name: (data_dir / f"{model.meta.name}.csv").read_bytes() for model in TABLES}
    (folder / f"{NAME}-{version.release}-csv.zip").write_bytes(csv_zip(files, version))
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
