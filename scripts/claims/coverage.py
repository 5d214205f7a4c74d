"""Coverage of an archived article: which rows each paragraph of its body produced.

A paragraph is a non-empty line of the archived text inside the source's body span. A row counts
for a paragraph when one of its attestations' excerpts overlaps the paragraph. The checklist
data/COVERAGE.md records the same mapping, with the reason wherever a paragraph produced no row.

The checklist's row lists are generated (`claims coverage --write`); only the notes are written by
hand and are kept when the lists are regenerated. A checklist is a "Source: `SOURCE_ID`" line
followed by a Markdown table whose rows read `| L<line> | paragraph begins | rows | notes |`;
`check` reports a checklist that has drifted from the data and a paragraph without rows whose
notes give no reason.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from claims.archive import Archive, Location
from claims.findings import Finding

CHECKLIST_NAME = "COVERAGE.md"
SOURCE_LINE = re.compile(r"^Source: `([^`]+)`")
ROW = re.compile(r"^\| L(\d+) \| (.*?) \| ([^|]*) \| (.*) \|$")
TABLE_HEADER = "| line | paragraph begins | rows | notes |\n| --- | --- | --- | --- |"
BEGINS = 48  # characters of a paragraph shown in the checklist
NO_ROWS = "—"


class CoverageError(Exception):
    """The coverage cannot be computed (unknown source, archived text unavailable); says why."""


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


def paragraphs(data_dir: Path, archive: Location | Archive, source_id: str) -> list[Paragraph]:
    source = next((row for row in _read(data_dir / "sources.csv") if row["source_id"] == source_id), None)
    if source is None:
        raise CoverageError(f"{source_id!r} is not a source_id in {data_dir / 'sources.csv'}")
    archive = archive if isinstance(archive, Archive) else Archive.open(archive)
    text = archive.text(source["archive_sha256"]) if source["archive_sha256"] else None
    if text is None:
        why = (
            archive.why_missing(source["archive_sha256"])[1] if source["archive_sha256"] else "it has no archive_sha256"
        )
        raise CoverageError(f"the archived text of {source_id} is not available: {why}")
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


def archived_sources(data_dir: Path) -> list[str]:
    """Sources with an archived text, whose paragraphs a checklist must account for."""
    return [row["source_id"] for row in _read(data_dir / "sources.csv") if row["archive_sha256"]]


@dataclass
class ChecklistRow:
    md_line: int  # line of COVERAGE.md, from 1
    line: int  # paragraph's line in the archived text
    rows: list[str]
    notes: str


def read_checklists(text: str) -> dict[str, list[ChecklistRow]]:
    """Source ID → its checklist rows, in file order."""
    found: dict[str, list[ChecklistRow]] = {}
    source = None
    for number, line in enumerate(text.split("\n"), start=1):
        heading = SOURCE_LINE.match(line)
        if heading:
            source = heading.group(1)
            found.setdefault(source, [])
        row = ROW.match(line)
        if row and source:
            rows = [r for r in (part.strip() for part in row.group(3).split(",")) if r and r != NO_ROWS]
            found[source].append(ChecklistRow(number, int(row.group(1)), rows, row.group(4).strip()))
    return found


def _begins(text: str) -> str:
    text = text.replace("|", "\\|")
    return text if len(text) <= BEGINS else text[:BEGINS] + "…"


def render_row(paragraph: Paragraph, notes: str) -> str:
    return f"| L{paragraph.line} | {_begins(paragraph.text)} | {', '.join(paragraph.rows) or NO_ROWS} | {notes} |"


def rewrite(text: str, found: dict[str, list[Paragraph]], titles: dict[str, str]) -> str:
    """The checklist text with each source's table regenerated from `found`, keeping the notes.

    A source without a checklist gets a new section at the end, with empty notes to fill in."""
    lines = text.split("\n")
    notes: dict[str, dict[int, str]] = {s: {r.line: r.notes for r in rows} for s, rows in read_checklists(text).items()}
    out: list[str] = []
    written: set[str] = set()  # sources whose table is written already
    source = None
    for line in lines:
        heading = SOURCE_LINE.match(line)
        if heading:
            source = heading.group(1)
        if ROW.match(line) and source in found:
            if source not in written:  # the first row of the table: write the whole table
                out += [render_row(p, notes[source].get(p.line, "")) for p in found[source]]
                written.add(source)
            continue
        out.append(line)
    for source_id, paragraph_list in found.items():
        if source_id in written or source_id in notes:
            continue
        if out and out[-1] != "":
            out.append("")
        out += [f"## {titles.get(source_id, source_id)}", "", f"Source: `{source_id}`", "", *TABLE_HEADER.split("\n")]
        out += [render_row(p, "") for p in paragraph_list]
        out.append("")
    return "\n".join(out)


def write(data_dir: Path, archive: Location) -> bool:
    """Regenerate the row lists of data_dir/COVERAGE.md from the data; True if the file changed."""
    path = data_dir / CHECKLIST_NAME
    opened = Archive.open(archive)
    found = {source: paragraphs(data_dir, opened, source) for source in archived_sources(data_dir)}
    titles = {row["source_id"]: row["title"] for row in _read(data_dir / "sources.csv")}
    before = path.read_text(encoding="utf-8") if path.exists() else "# Coverage checklists\n"
    after = rewrite(before, found, titles)
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def check(data_dir: Path, archive: Location, shown: str | None = None) -> list[Finding]:
    """Findings where data_dir/COVERAGE.md disagrees with the data or a row-less paragraph has no reason."""
    path = data_dir / CHECKLIST_NAME
    shown = shown or str(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    listed = read_checklists(text)
    opened = Archive.open(archive)
    findings = []
    regenerate = "run `claims coverage --write` and review the change"
    for source in archived_sources(data_dir):
        try:
            found = paragraphs(data_dir, opened, source)
        except CoverageError as error:
            findings.append(
                Finding(
                    shown,
                    1,
                    "-",
                    "coverage-unavailable",
                    str(error),
                    "see the provenance findings of `claims validate`",
                    "coverage",
                )
            )
            continue
        if source not in listed:
            findings.append(
                Finding(
                    shown,
                    1,
                    "-",
                    "coverage-missing",
                    f"no checklist for the archived source {source!r}",
                    regenerate + ", then give the reason for every paragraph without rows",
                    "coverage",
                )
            )
            continue
        rows = {r.line: r for r in listed[source]}
        if sorted(rows) != [p.line for p in found]:
            first = listed[source][0].md_line if listed[source] else 1
            findings.append(
                Finding(
                    shown,
                    first,
                    "line",
                    "coverage-drift",
                    f"the checklist of {source} lists other paragraphs than the article body has",
                    regenerate,
                    "coverage",
                )
            )
            continue
        for paragraph in found:
            row = rows[paragraph.line]
            if row.rows != paragraph.rows:
                findings.append(
                    Finding(
                        shown,
                        row.md_line,
                        "rows",
                        "coverage-drift",
                        f"L{paragraph.line} lists {', '.join(row.rows) or NO_ROWS}; the data has {', '.join(paragraph.rows) or NO_ROWS}",
                        regenerate,
                        "coverage",
                    )
                )
            elif not row.rows and not row.notes:
                findings.append(
                    Finding(
                        shown,
                        row.md_line,
                        "notes",
                        "coverage-no-reason",
                        f"L{paragraph.line} produced no rows and gives no reason",
                        "say in the notes column why the paragraph holds no data (page furniture, a byline, …), or add its rows",
                        "coverage",
                    )
                )
    return findings
