"""Layer 4, provenance against the archive of captured source texts.

Every archived source's file must be there (found by SHA-256), every excerpt must sit at its
offsets inside the article body, every quoted word of a statement must lie inside the excerpts
that attest it, actors' roles and positions' titles must be quoted verbatim, and Wikidata IDs must
be confirmed ones.
Without an archive the layer is skipped, and says so.
"""

from __future__ import annotations

import csv

from claims.archive import Archive, find_all
from claims.findings import Finding
from claims.schema.rules import quote_segments, quoted_fragments

LAYER = "provenance"
SKIPPED_WITHOUT_ARCHIVE = (
    "no archive of source texts was given; the dataset does not redistribute full source texts. "
    "Pass --archive DIR (e.g. ../shared/sources) to check excerpts and offsets."
)


def wikidata_not_checked(archive_dir) -> str:
    return f"Wikidata IDs were not checked: the archive {archive_dir} has no wikidata.csv"


def run(run) -> None:
    if run.archive_dir is None:
        run.skipped["provenance"] = SKIPPED_WITHOUT_ARCHIVE
        return
    archive = Archive.open(run.archive_dir)
    add = run.findings.add
    sources = {row.source_id: (row, line) for row, line in run.models.get("sources", [])}
    shown_sources = run.tables["sources"].shown

    texts: dict[str, str] = {}
    for source_id, (source, line) in sources.items():
        if source.archive_sha256 is None:
            continue
        text = archive.text(source.archive_sha256)
        if text is None:
            add(Finding(shown_sources, line, "archive_sha256", *archive.why_missing(source.archive_sha256), LAYER))
            continue
        texts[source_id] = text
        if source.body_char_end is not None and source.body_char_end > len(text):
            add(Finding(shown_sources, line, "body_char_end", "body-span", f"{source.body_char_end} is past the end of the archived text ({len(text)} characters)", "check the offsets with `claims locate`", LAYER))

    shown_attestations = run.tables["attestations"].shown
    excerpts_by_statement: dict[str, list[str]] = {}
    for attestation, line in run.models.get("attestations", []):
        text = texts.get(attestation.source_id)
        if text is None:
            continue  # unarchived or missing source: reported by the integrity layer or above
        found = text[attestation.char_start : attestation.char_end]
        if found != attestation.excerpt:
            spans = find_all(text, attestation.excerpt)
            if spans:
                hint = "the excerpt is at " + ", ".join(f"char_start={s} char_end={e}" for s, e in spans[:3])
                if text[spans[0][0] : spans[0][1]] != attestation.excerpt:
                    hint += " (with the source's own quote marks: copy them from `claims locate`)"
            else:
                hint = "the excerpt is not in the archived text: copy it verbatim (`claims locate` finds it)"
            add(Finding(shown_attestations, line, "excerpt", "excerpt-mismatch", f"archived text at {attestation.char_start}:{attestation.char_end} is {found[:60]!r}, not the excerpt", hint, LAYER))
            continue
        source, _ = sources[attestation.source_id]
        if source.body_char_start is not None and not (source.body_char_start <= attestation.char_start and attestation.char_end <= source.body_char_end):
            add(Finding(shown_attestations, line, "char_start", "outside-article", f"the excerpt lies outside the article body ({source.body_char_start}:{source.body_char_end}): navigation, ads and side-bars are not data", "quote the article's own text", LAYER))
        if attestation.statement_id:
            excerpts_by_statement.setdefault(attestation.statement_id, []).append((attestation.excerpt, line))

    shown_statements = run.tables["statements"].shown
    for statement, line in run.models.get("statements", []):
        if statement.statement_type == "direct_quote":
            words = quote_segments(statement.text)
        elif statement.statement_type == "partial_quote":
            words = quoted_fragments(statement.text)
        else:
            continue
        for excerpt, attestation_line in excerpts_by_statement.get(statement.statement_id, []):
            for fragment in words:
                if fragment not in excerpt:
                    add(Finding(shown_statements, line, "text", "quote-outside-excerpt", f"the quoted words {fragment[:50]!r} are not inside the excerpt of {shown_attestations}:{attestation_line}", "quote the source's words exactly (same quote marks and apostrophes), or widen the excerpt", LAYER))

    _titles(run, texts, sources)
    shown_actors = run.tables["actors"].shown
    confirmed = _wikidata(archive.wikidata_path())
    if confirmed is None:
        run.notes.append(wikidata_not_checked(run.archive_dir))
    for actor, line in run.models.get("actors", []):
        if actor.role and actor.role_source_id in texts:
            source, _ = sources[actor.role_source_id]
            body = texts[actor.role_source_id][source.body_char_start : source.body_char_end] if source.body_char_start is not None else texts[actor.role_source_id]
            if actor.role not in body:
                add(Finding(shown_actors, line, "role", "role-not-quoted", f"the role {actor.role!r} is not in the text of {actor.role_source_id!r}", "copy the role verbatim from the article", LAYER))
        if actor.wikidata_id and confirmed is not None:
            names = {actor.name, *(actor.aliases or ())}
            if actor.wikidata_id not in confirmed:
                add(Finding(shown_actors, line, "wikidata_id", "wikidata-unconfirmed", f"{actor.wikidata_id} is not in the archive's wikidata.csv", "leave wikidata_id empty unless the ID is confirmed", LAYER))
            elif confirmed[actor.wikidata_id] not in names:
                add(Finding(shown_actors, line, "wikidata_id", "wikidata-unconfirmed", f"{actor.wikidata_id} is confirmed for {confirmed[actor.wikidata_id]!r}, not this actor", "correct the ID, or add that name to aliases if it is the same person", LAYER))


def article_text(texts: dict[str, str], sources: dict, source_id: str) -> str | None:
    """The archived text of a source, cut to its article body where the body is delimited."""
    if source_id not in texts:
        return None
    source, _ = sources[source_id]
    return texts[source_id][source.body_char_start : source.body_char_end] if source.body_char_start is not None else texts[source_id]


def _titles(run, texts, sources) -> None:
    """A position's title is quoted verbatim from the article body of its source."""
    shown = run.tables["positions"].shown
    for position, line in run.models.get("positions", []):
        body = article_text(texts, sources, position.source_id)
        if body is not None and position.title not in body:
            run.findings.add(Finding(shown, line, "title", "title-not-quoted", f"the title {position.title!r} is not in the text of {position.source_id!r}", "copy the title verbatim from the article", LAYER))


def _wikidata(path) -> dict[str, str] | None:
    if path is None:
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["wikidata_id"]: row["name"] for row in csv.DictReader(handle)}
