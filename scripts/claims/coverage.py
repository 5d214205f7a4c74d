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

import re
from dataclasses import dataclass, field
from pathlib import Path

from claims.archive import Archive, Location
from claims.findings import Finding
from claims.schema import TABLES_BY_NAME
from claims.tablefile import TableUnusable, readable_table, replace_files

CHECKLIST_NAME = "COVERAGE.md"
SOURCE_LINE = re.compile(r"^Source: `([^`]+)`")
# A row of a checklist: | L<line> | paragraph begins (its pipes escaped) | rows | notes |, with any
# spaces around the cells (an emptied note may be "| |").
ROW = re.compile(r"^\|\s*L(\d+)\s*\|((?:[^|\\]|\\.)*)\|([^|]*)\|(.*)\|\s*$")
# What begins like a row of a checklist: a line of its table, even one that does not read as a row.
ROW_LIKE = re.compile(r"^\|\s*L\d+\s*\|")
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


def _read(data_dir: Path, table: str) -> list[dict[str, str]]:
    """The rows of a table; a table that cannot be read is a CoverageError saying what to fix."""
    try:
        return readable_table(data_dir / f"{table}.csv", TABLES_BY_NAME[table]).rows
    except TableUnusable as unusable:
        raise CoverageError(str(unusable)) from None


def paragraphs(
    data_dir: Path,
    archive: Location | Archive,
    source_id: str,
    attestations: list[dict[str, str]] | None = None,
) -> list[Paragraph]:
    """The paragraphs of `source_id`'s article body, each with the rows its attestations quote
    (those of data/attestations.csv, or `attestations`)."""
    source = next((row for row in _read(data_dir, "sources") if row["source_id"] == source_id), None)
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
    for attestation in _read(data_dir, "attestations") if attestations is None else attestations:
        if attestation["source_id"] != source_id:
            continue
        if not (attestation["char_start"].isdigit() and attestation["char_end"].isdigit()):
            continue  # offsets that are not numbers: validation reports them
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
    return [row["source_id"] for row in _read(data_dir, "sources") if row["archive_sha256"]]


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
        if ROW_LIKE.match(line) and source in found:
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


def regenerated(
    data_dir: Path, archive: Location | Archive, attestations: list[dict[str, str]] | None = None
) -> tuple[str, str]:
    """data_dir/COVERAGE.md as it is and with its row lists regenerated from the data (with
    `attestations` in place of data/attestations.csv, if given)."""
    path = data_dir / CHECKLIST_NAME
    opened = archive if isinstance(archive, Archive) else Archive.open(archive)
    found = {source: paragraphs(data_dir, opened, source, attestations) for source in archived_sources(data_dir)}
    titles = {row["source_id"]: row["title"] for row in _read(data_dir, "sources")}
    before = path.read_text(encoding="utf-8") if path.exists() else "# Coverage checklists\n"
    return before, rewrite(before, found, titles)


def write(data_dir: Path, archive: Location) -> bool:
    """Regenerate the row lists of data_dir/COVERAGE.md from the data; True if the file changed."""
    before, after = regenerated(data_dir, archive)
    if after != before:
        replace_files({data_dir / CHECKLIST_NAME: after.encode("utf-8")})
    return after != before


def check(data_dir: Path, archive: Location, shown: str | None = None) -> list[Finding]:
    """Findings where data_dir/COVERAGE.md disagrees with the data or a row-less paragraph has no
    reason. Tables that cannot be read give none: validation reports them, once."""
    path = data_dir / CHECKLIST_NAME
    shown = shown or str(path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    listed = read_checklists(text)
    opened = Archive.open(archive)
    regenerate = "run `claims coverage --write` and review the change"
    findings = [
        Finding(
            shown,
            number,
            "-",
            "coverage-row",
            "is not a checklist row: it needs four cells",
            "write it as | L<line> | paragraph begins | rows | notes | (or run `claims coverage --write`, which keeps the notes of the rows it can read)",
            "coverage",
        )
        for number, line in enumerate(text.split("\n"), start=1)
        if ROW_LIKE.match(line) and not ROW.match(line)
    ]
    try:
        sources = archived_sources(data_dir)
    except CoverageError:
        return findings
    for source in sources:
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
        lines = [p.line for p in found]
        if sorted(rows) != lines:
            missing = [line for line in lines if line not in rows]
            extra = [r for r in listed[source] if r.line not in lines]
            said = []
            if missing:
                said.append(f"lacks {', '.join(f'L{line}' for line in missing)}")
            if extra:
                said.append(f"lists {', '.join(f'L{r.line}' for r in extra)}, which the article body does not have")
            # the place to look: the first row the body does not have, else the row before the first one missing
            before = [r for r in listed[source] if r.line < missing[0]] if missing else []
            at = extra[0] if extra else before[-1] if before else next(iter(listed[source]), None)
            findings.append(
                Finding(
                    shown,
                    at.md_line if at else 1,
                    "line",
                    "coverage-drift",
                    f"the checklist of {source} {' and '.join(said)}",
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
