"""`claims review SOURCE_ID`: a local HTML page of an archived article, for contributors and
maintainers: what the data covers of it, and what a pull request adds.

The article body's paragraphs are shown as in the archive, each excerpt highlighted and linked to
the rows it backs (statement type, speaker and text; event type and title), each paragraph
without rows marked (with the checklist's reason, data/COVERAGE.md), the page furniture around the
body greyed. With `since` (a git revision) the rows added since then are marked new, and those
changed since then changed.

The page holds the archived text itself, which the dataset does not redistribute: it is written
under build/review/, read from the local archive only, and is never part of the published site.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from claims import coverage
from claims.archive import Archive, Location
from claims.contrib import diff
from claims.schema import TABLES_BY_NAME
from claims.sources import SourceProblem, archived_text
from claims.tablefile import TableUnusable, readable_table

STYLE = """
body { font: 16px/1.5 Georgia, serif; max-width: 52em; margin: 2em auto; color: #222; }
header { font-family: sans-serif; border-bottom: 1px solid #ccc; margin-bottom: 1em; }
.notice { background: #fff3cd; padding: .4em .8em; font-family: sans-serif; font-size: 14px; }
.furniture { color: #aaa; font-size: 13px; white-space: pre-wrap; font-family: sans-serif; }
.paragraph { margin: 1.2em 0; padding-left: .8em; border-left: 4px solid #2980b9; }
.paragraph.uncovered { border-left-color: #e0a800; }
.line { color: #888; font: 12px sans-serif; }
mark { background: #d6eaf8; padding: 0 1px; }
mark.overlap { background: #aed6f1; }
mark.new, li.new { background: #d4efdf; }
mark.changed, li.changed { background: #fcf3cf; }
.why { font: italic 13px sans-serif; color: #8a6d00; }
ul.rows { font: 13px/1.4 sans-serif; margin: .3em 0 0; padding-left: 1.2em; }
ul.rows a { color: #1a5276; }
.type { font-variant: small-caps; color: #555; }
.tag { background: #27ae60; color: #fff; border-radius: 3px; padding: 0 4px; font-size: 11px; }
.tag.changed { background: #b7950b; }
"""


class ReviewError(Exception):
    """The page cannot be made as asked (unknown source, no archived text, unknown revision, a table
    that cannot be read, a page that cannot be written)."""


@dataclass(frozen=True)
class Backed:
    """An attestation of the source and the row it backs."""

    attestation_id: str
    start: int
    end: int
    row_id: str
    kind: str  # the statement's or the event's type
    label: str  # speaker and text of a statement; title of an event
    since: str  # "new" or "changed" since the revision compared with; "" otherwise


def _read(data_dir: Path, table: str) -> list[dict[str, str]]:
    try:
        return readable_table(data_dir / f"{table}.csv", TABLES_BY_NAME[table]).rows
    except TableUnusable as unusable:
        raise ReviewError(str(unusable)) from None


def changed_since(repo: Path, revision: str, data_dir: Path) -> dict[str, str]:
    """The IDs of the statements, events and attestations added ("new") or changed ("changed")
    since `revision` (git)."""
    try:
        base = diff.resolve(repo, revision)
    except diff.RevisionError as error:
        raise ReviewError(str(error)) from None
    try:
        data_path = data_dir.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        raise ReviewError(f"--since compares revisions of {repo}: its data folder is not {data_dir}") from None
    since: dict[str, str] = {}
    for table in ("statements", "events", "attestations"):
        model = TABLES_BY_NAME[table]
        before = diff.read_table(repo, base, model, data_path)
        after = diff.read_table(repo, None, model, data_path)
        since |= {
            key: "new" if key not in before else "changed" for key, row in after.items() if before.get(key) != row
        }
    return since


def backed_rows(data_dir: Path, source_id: str, since: dict[str, str]) -> list[Backed]:
    actors = {row["actor_id"]: row["name"] for row in _read(data_dir, "actors")}
    statements = {row["statement_id"]: row for row in _read(data_dir, "statements")}
    events = {row["event_id"]: row for row in _read(data_dir, "events")}
    found = []
    for attestation in _read(data_dir, "attestations"):
        if attestation["source_id"] != source_id:
            continue
        row_id = attestation["statement_id"] or attestation["event_id"]
        if row_id in statements:
            row = statements[row_id]
            speaker = actors.get(row["speaker_id"], row["speaker_id"])
            kind, label = row["statement_type"], f"{speaker}: {row['text']}"
        elif row_id in events:
            row = events[row_id]
            kind, label = row["event_type"], row["title"]
        else:
            kind, label = "", "(no such row)"
        try:
            start, end = int(attestation["char_start"]), int(attestation["char_end"])
        except ValueError:
            continue  # offsets validation reports
        found.append(
            Backed(
                attestation["attestation_id"],
                start,
                end,
                row_id,
                kind.replace("_", " "),
                label,
                _since(since.get(attestation["attestation_id"], ""), since.get(row_id, "")),
            )
        )
    return sorted(found, key=lambda b: (b.start, b.end, b.attestation_id))


def _since(*marks: str) -> str:
    """ "new" if the attestation or its row is new, else "changed" if either changed, else ""."""
    return "new" if "new" in marks else "changed" if "changed" in marks else ""


def _highlighted(text: str, offset: int, backed: list[Backed]) -> str:
    """The paragraph `text` (starting at `offset` in the archive) with each excerpt marked; where
    excerpts overlap, the part they share is marked once, linked to the first."""
    end = offset + len(text)
    inside = [b for b in backed if b.start < end and b.end > offset]
    cuts = sorted({offset, end, *(max(b.start, offset) for b in inside), *(min(b.end, end) for b in inside)})
    parts = []
    for low, high in zip(cuts, cuts[1:]):
        piece = escape(text[low - offset : high - offset])
        covering = [b for b in inside if b.start <= low and high <= b.end]
        if not covering:
            parts.append(piece)
            continue
        classes = " ".join(
            [*(["overlap"] if len(covering) > 1 else []), *({_since(*(b.since for b in covering))} - {""})]
        )
        title = escape("; ".join(f"{b.attestation_id} → {b.row_id}" for b in covering))
        parts.append(
            f'<a href="#{escape(covering[0].attestation_id)}"><mark class="{classes}" title="{title}">{piece}</mark></a>'
        )
    return "".join(parts)


def page(
    data_dir: Path, location: Location | Archive, source_id: str, since: str | None = None, repo: Path | None = None
) -> str:
    """The review page of `source_id`'s archived article, as HTML; `since` (a revision of the git
    repository `repo`) marks the rows added after it."""
    try:
        text, (body_start, body_end) = archived_text(data_dir, location, source_id)
        paragraphs = coverage.paragraphs(data_dir, location, source_id)
    except (SourceProblem, coverage.CoverageError) as error:
        raise ReviewError(str(error)) from None
    if since is not None and not since.strip():
        raise ReviewError("--since is empty: give a git revision to compare with, e.g. --since main")
    marked = changed_since(repo or data_dir.parent, since, data_dir) if since is not None else {}
    backed = backed_rows(data_dir, source_id, marked)
    checklist = data_dir / coverage.CHECKLIST_NAME
    reasons = {}
    if checklist.is_file():
        listed = coverage.read_checklists(checklist.read_text(encoding="utf-8")).get(source_id, [])
        reasons = {row.line: row.notes for row in listed}
    title = next((row["title"] for row in _read(data_dir, "sources") if row["source_id"] == source_id), source_id)
    covered = sum(1 for p in paragraphs if p.rows)
    out = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Review: {escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<header><h1>{escape(title)}</h1><p><code>{escape(source_id)}</code> · {len(paragraphs)} paragraphs of the "
        f"article body, {covered} with rows, {len(paragraphs) - covered} without · {len(backed)} excerpts"
        + (
            f" · {sum(b.since == 'new' for b in backed)} new and {sum(b.since == 'changed' for b in backed)} "
            f"changed since <code>{escape(since)}</code>"
            if since is not None
            else ""
        )
        + "</p>",
        '<p class="notice">A local review page: it holds the full archived text, which the dataset does not '
        "redistribute. Do not publish it.</p></header>",
        f'<div class="furniture">{escape(text[:body_start])}</div>',
    ]
    for paragraph in paragraphs:
        here = [b for b in backed if b.start < paragraph.end and b.end > paragraph.start]
        uncovered = "" if here else " uncovered"
        out.append(f'<section class="paragraph{uncovered}" id="L{paragraph.line}">')
        out.append(f'<span class="line">L{paragraph.line}</span>')
        # the line as archived, not stripped: offsets count from its first character
        line_text = text[paragraph.start : paragraph.end]
        out.append(f"<p>{_highlighted(line_text, paragraph.start, here)}</p>")
        if not here:
            why = reasons.get(paragraph.line) or "no rows, and no reason in the coverage checklist"
            out.append(f'<p class="why">no rows: {escape(why)}</p>')
        else:
            out.append('<ul class="rows">')
            for b in here:
                tag = f' <span class="tag {b.since}">{b.since}</span>' if b.since else ""
                out.append(
                    f'<li id="{escape(b.attestation_id)}" class="{b.since}">{escape(b.attestation_id)} '
                    f'→ <b>{escape(b.row_id)}</b>{tag}: <span class="type">{escape(b.kind)}</span> {escape(b.label)}</li>'
                )
            out.append("</ul>")
        out.append("</section>")
    out.append(f'<div class="furniture">{escape(text[body_end:])}</div>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write(
    data_dir: Path,
    location: Location | Archive,
    source_id: str,
    out: Path,
    since: str | None = None,
    repo: Path | None = None,
) -> Path:
    """Write the review page to `out` (made before anything is written: an unknown source or
    revision leaves no folder behind)."""
    html = page(data_dir, location, source_id, since, repo)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as error:
        raise ReviewError(f"cannot write {out}: {error.strerror or error}; choose another file with --out") from None
    return out
