"""Coverage of an archived article: which rows each paragraph of its body produced.

A paragraph is a non-empty line of the archived text inside the source's body span. A row counts
for a paragraph when one of its attestations' excerpts overlaps the paragraph. The checklist
data/COVERAGE.md records the same mapping, with the reason wherever a paragraph produced no row;
a test keeps the two in step.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from claims.archive import Archive


@dataclass
class Paragraph:
    line: int  # line number in the archived file, from 1
    start: int
    end: int
    text: str
    rows: list[str] = field(default_factory=list)  # statement and event IDs attested here


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def paragraphs(data_dir: Path, archive_dir: Path, source_id: str) -> list[Paragraph]:
    source = next(row for row in _read(data_dir / "sources.csv") if row["source_id"] == source_id)
    text = Archive.open(archive_dir).text(source["archive_sha256"])
    if text is None:
        raise FileNotFoundError(f"the archived text of {source_id} is not in {archive_dir}")
    body_start = int(source["body_char_start"] or 0)
    body_end = int(source["body_char_end"] or len(text))
    found, offset = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        start, end = offset, offset + len(line)
        offset = end + 1
        if line.strip() and start < body_end and end > body_start:
            found.append(Paragraph(number, start, end, line.strip()))
    for attestation in _read(data_dir / "attestations.csv"):
        if attestation["source_id"] != source_id:
            continue
        start, end = int(attestation["char_start"]), int(attestation["char_end"])
        row = attestation["statement_id"] or attestation["event_id"]
        for paragraph in found:
            if start < paragraph.end and end > paragraph.start and row not in paragraph.rows:
                paragraph.rows.append(row)
    for paragraph in found:
        paragraph.rows.sort()
    return found
