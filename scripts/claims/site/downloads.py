"""The CSV zip and the Parquet zip, for the site's downloads and the releases alike.

The CSV zip holds the tables (as curated, in canonical form) with what a reader needs beside them:
`datapackage.json` stamped with the data's version, a README that is the data dictionary,
`CITATION.cff` with the data's version, and the data licence. A release zips the CSV files of
data/; the site writes the CSVs back from the SQLite database it serves, with the schema's types,
so that both zips hold the same bytes. Zips are deterministic (fixed times and order).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import zipfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from claims import dictionary, project
from claims.citation import cff_with_version, dataset_plain
from claims.contrib.fmt import canonical
from claims.schema import TABLES
from claims.schema.derived import table_schema
from claims.schema.package import PACKAGE_META
from claims.version import DataVersion

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
NAME = PACKAGE_META["name"]


def csv_name(version: DataVersion) -> str:
    return f"{NAME}-{version.version}-csv.zip"


def parquet_name(version: DataVersion) -> str:
    return f"{NAME}-{version.version}-parquet.zip"


def write_zip(target: Path | BinaryIO, members: Sequence[tuple[str, Path | bytes]]) -> None:
    """A zip of `members` (name, bytes or a file), the same bytes for the same members: fixed
    times, name order. Files are copied in chunks, so a release's large files never sit in memory."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in sorted(members, key=lambda member: member[0]):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            if isinstance(data, bytes):
                archive.writestr(info, data)
                continue
            with data.open("rb") as source, archive.open(info, "w", force_zip64=data.stat().st_size > 2**31) as sink:
                shutil.copyfileobj(source, sink, 2**20)


def zip_bytes(members: Sequence[tuple[str, Path | bytes]]) -> bytes:
    buffer = io.BytesIO()
    write_zip(buffer, members)
    return buffer.getvalue()


def stamped_descriptor(version: DataVersion) -> str:
    """The project's datapackage.json with the data's version (the committed file carries none: a
    checkout cannot name its own commit)."""
    descriptor = json.loads(project.current().descriptor.read_text(encoding="utf-8"))
    stamped = {}
    for key, value in descriptor.items():
        stamped[key] = value
        if key == "homepage":
            stamped["version"] = version.version
    stamped.setdefault("version", version.version)
    return json.dumps(stamped, indent=2, ensure_ascii=False) + "\n"


def stamped_citation_file(version: DataVersion) -> str:
    """CITATION.cff with the data's version; unreleased data has no release date."""
    text = project.current().citation_file.read_text(encoding="utf-8")
    return cff_with_version(text, version.version, version.date if version.release else None)


def licence_text() -> str:
    """The data licence, from the package metadata (written once there)."""
    licence = PACKAGE_META["licenses"][0]
    return (
        f"# Licence of the data\n\nThe tables and their descriptions are licensed under {licence['name']}: "
        f"{licence['path']}\n\n{licence['title']}\n"
    )


def readme(version: DataVersion) -> str:
    """The zip's README: which data this is and how to cite it, then the data dictionary."""
    preface = (
        f"{PACKAGE_META['title']}: {version.label_and_version}. {PACKAGE_META['description']}\n\n"
        f"Cite it as: {dataset_plain(version)}. CITATION.cff has the same for reference managers; "
        "cite the original source of each statement too (its attestation)."
    )
    return dictionary.markdown(preface)


def csv_zip(tables: dict[str, bytes], version: DataVersion) -> bytes:
    """The CSV zip: data/<table>.csv for each of `tables` (name → the file's bytes), datapackage.json,
    README.md (the data dictionary), CITATION.cff and LICENSE.md."""
    members = [
        ("datapackage.json", stamped_descriptor(version).encode("utf-8")),
        ("README.md", readme(version).encode("utf-8")),
        ("CITATION.cff", stamped_citation_file(version).encode("utf-8")),
        ("LICENSE.md", licence_text().encode("utf-8")),
    ]
    return zip_bytes(members + [(f"data/{name}.csv", data) for name, data in tables.items()])


def _cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def table_csv(con: sqlite3.Connection, model) -> str:
    """One table of the SQLite database as its curated CSV file (canonical form)."""
    fields = [(f["name"], f["type"]) for f in table_schema(model)["fields"]]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")  # canonical() then quotes minimally
    writer.writerow([name for name, _kind in fields])
    for row in con.execute(f"SELECT {', '.join(name for name, _kind in fields)} FROM {model.meta.name}"):
        writer.writerow([_cell(value, kind) for value, (_name, kind) in zip(row, fields)])
    return canonical(out.getvalue(), model)


@lru_cache(maxsize=2)
def served_csv_zip(database: Path, _mtime: float, version: DataVersion) -> bytes:
    """The CSV zip of the served database."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        tables = {model.meta.name: table_csv(con, model).encode("utf-8") for model in TABLES}
    finally:
        con.close()
    return csv_zip(tables, version)


@lru_cache(maxsize=2)
def parquet_zip(folder: Path, _mtime: float) -> bytes | None:
    """The Parquet files `claims build` wrote beside the database, or None if there are none."""
    files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    return zip_bytes([(f"parquet/{path.name}", path.read_bytes()) for path in files]) if files else None
