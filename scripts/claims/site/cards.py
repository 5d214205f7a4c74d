"""The cards of the Datasette row pages: a statement, an event, an actor or a source with
everything around it, as plain data for the templates (site/templates/row-claims-*.html).

Each card is read from the published SQLite database with a few SELECTs; names come with the IDs
so that the templates can link every row they mention. Every statement a card shows, its own or
another's in a list, is rendered by claims.citation.render_statement, which also makes the citations;
the source's wording of a date, a place or a duration is quoted only where it is verbatim in the
row's excerpts.
"""

from __future__ import annotations

from typing import Any

from claims.citation import (
    StatementFacts,
    render_statement,
    stable_address,
    statement_bibtex,
    statement_csl_json,
    statement_plain,
    verbatim_in,
)
from claims.schema import MENTION_TARGETS, TABLES_BY_NAME
from claims.version import DataVersion

# A source card lists the first statements it backs (a large source backs many thousands).
LISTED_STATEMENTS = 100
# How long a statement may be in a list of statements before it is shortened (with […]).
LISTED_CHARACTERS = 180


async def _rows(db, sql: str, params: dict | None = None) -> list[dict[str, Any]]:
    result = await db.execute(sql, params or {})
    return [dict(row) for row in result.rows]


def rendered(
    statements: list[dict[str, Any]], text: str = "text", kind: str = "statement_type"
) -> list[dict[str, Any]]:
    """Each listed statement with its rendering (claims.citation.render_statement), shortened for a list."""
    for statement in statements:
        statement["rendered"] = render_statement(statement[kind], statement[text], LISTED_CHARACTERS)
    return statements


def source_wording(row: dict[str, Any], columns: tuple[str, ...], excerpts: list[str]) -> dict[str, bool]:
    """For each column holding the source's words (date_text, location, …): are they verbatim in
    the row's excerpts, so that the card may put them in quotation marks?"""
    return {column: bool(row.get(column)) and verbatim_in(row[column], excerpts) for column in columns}


async def _one(db, sql: str, params: dict) -> dict[str, Any] | None:
    found = await _rows(db, sql, params)
    return found[0] if found else None


ATTESTATIONS = """
SELECT a.attestation_id, a.excerpt, a.char_start, a.char_end, a.evidence_basis, a.notes,
       src.source_id, src.title AS source_title, src.source_type, src.published_at, src.url, src.archive_sha256,
       pub.actor_id AS publisher_id, pub.name AS publisher, au.actor_id AS author_id, au.name AS author,
       orig.source_id AS republishes_id, orig.title AS republishes, orig_pub.name AS republishes_publisher,
       via.source_id AS via_source_id, via.title AS via_title, via.source_type AS via_type,
       made_from.source_id AS via_derived_from_id, made_from.title AS via_derived_from
FROM attestations a
JOIN sources src ON src.source_id = a.source_id
LEFT JOIN actors pub ON pub.actor_id = src.publisher_id
LEFT JOIN actors au ON au.actor_id = src.author_id
LEFT JOIN sources orig ON orig.source_id = src.republishes_id
LEFT JOIN actors orig_pub ON orig_pub.actor_id = orig.publisher_id
LEFT JOIN sources via ON via.source_id = a.via_source_id
LEFT JOIN sources made_from ON made_from.source_id = via.derived_from_id
WHERE a.{column} = :key
ORDER BY a.attestation_id
"""


def source_line(attestation: dict[str, Any]) -> str:
    """Who wrote it, the title, who published it, when: Bloomberg, “Title”, Fortune, 2025-11-25."""
    parts = (
        [attestation["author"]]
        if attestation.get("author") and attestation["author"] != attestation.get("publisher")
        else []
    )
    parts.append(f"“{attestation['source_title']}”")
    if attestation.get("publisher"):
        parts.append(attestation["publisher"])
    if attestation.get("published_at"):
        parts.append(str(attestation["published_at"])[:10])
    return ", ".join(parts)


async def mention_labels(db, mentions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each mention with the name of what it mentions and the table it lives in."""
    labelled = []
    for mention in mentions:
        table, key = MENTION_TARGETS[mention["entity_type"]]
        label_column = TABLES_BY_NAME[table].meta.label_column
        row = await _one(
            db, f"SELECT {label_column} AS label FROM {table} WHERE {key} = :key", {"key": mention["entity_id"]}
        )
        labelled.append({**mention, "table": table, "label": row["label"] if row else mention["entity_id"]})
    return labelled


async def statement_card(db, statement_id: str, version: DataVersion) -> dict[str, Any] | None:
    statement = await _one(
        db,
        """
        SELECT s.*, sp.name AS speaker, sp.role AS speaker_role, ad.name AS addressee, ad.role AS addressee_role,
               ev.title AS event, ev.event_type
        FROM statements s
        JOIN actors sp ON sp.actor_id = s.speaker_id
        LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
        LEFT JOIN events ev ON ev.event_id = s.event_id
        WHERE s.statement_id = :key""",
        {"key": statement_id},
    )
    if statement is None:
        return None
    attestations = await _rows(db, ATTESTATIONS.format(column="statement_id"), {"key": statement_id})
    for attestation in attestations:
        attestation["source_line"] = source_line(attestation)
    relations_out = await _rows(
        db,
        """
        SELECT r.relation, r.notes, o.statement_id AS other_id, o.text AS other_text, o.statement_type AS other_type,
               o.date AS other_date, sp.name AS other_speaker
        FROM statement_relations r JOIN statements o ON o.statement_id = r.object_statement_id JOIN actors sp ON sp.actor_id = o.speaker_id
        WHERE r.statement_id = :key ORDER BY o.date_min IS NULL, o.date_min, o.statement_id""",
        {"key": statement_id},
    )
    relations_in = await _rows(
        db,
        """
        SELECT r.relation, r.notes, o.statement_id AS other_id, o.text AS other_text, o.statement_type AS other_type,
               o.date AS other_date, sp.name AS other_speaker
        FROM statement_relations r JOIN statements o ON o.statement_id = r.statement_id JOIN actors sp ON sp.actor_id = o.speaker_id
        WHERE r.object_statement_id = :key ORDER BY o.date_min IS NULL, o.date_min, o.statement_id""",
        {"key": statement_id},
    )
    mentions = await mention_labels(
        db,
        await _rows(
            db,
            "SELECT entity_type, entity_id, notes FROM statement_mentions WHERE statement_id = :key ORDER BY entity_type, entity_id",
            {"key": statement_id},
        ),
    )
    first = attestations[0] if attestations else None
    excerpts = [attestation["excerpt"] for attestation in attestations]
    facts = StatementFacts(
        statement_id=statement_id,
        speaker=statement["speaker"],
        addressee=statement["addressee"],
        date=statement["date"],
        date_text=statement["date_text"],
        statement_type=statement["statement_type"],
        text=statement["text"],
        excerpts=excerpts,
        source=first["source_line"] if first else None,
        excerpt_span=f"characters {first['char_start']}–{first['char_end']} of the archived text" if first else None,
    )
    return {
        "kind": "statement",
        "row": statement,
        "rendered": render_statement(statement["statement_type"], statement["text"]),
        "attestations": attestations,
        "answers": rendered(relations_out, "other_text", "other_type"),
        "answered_by": rendered(relations_in, "other_text", "other_type"),
        "mentions": mentions,
        "address": facts.address,
        "verbatim": source_wording(statement, ("date_text",), excerpts),
        "topics": statement["topics"].split("|") if statement["topics"] else [],
        "cite": {
            "plain": statement_plain(facts, version),
            "bibtex": statement_bibtex(facts, version),
            "csl_json": statement_csl_json(facts, version),
        },
    }


async def event_card(db, event_id: str, version: DataVersion) -> dict[str, Any] | None:
    event = await _one(
        db,
        "SELECT e.*, p.name AS place FROM events e LEFT JOIN places p ON p.place_id = e.place_id WHERE e.event_id = :key",
        {"key": event_id},
    )
    if event is None:
        return None
    participants = await _rows(
        db,
        """
        SELECT a.actor_id, a.name, a.role AS actor_role, p.role, p.notes FROM event_participants p JOIN actors a ON a.actor_id = p.actor_id
        WHERE p.event_id = :key ORDER BY p.role, a.name""",
        {"key": event_id},
    )
    statements = await _rows(
        db,
        """
        SELECT s.statement_id, s.date, s.statement_type, s.text, sp.actor_id AS speaker_id, sp.name AS speaker, ad.actor_id AS addressee_id, ad.name AS addressee
        FROM statements s JOIN actors sp ON sp.actor_id = s.speaker_id LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
        WHERE s.event_id = :key ORDER BY s.date_order, s.statement_id""",
        {"key": event_id},
    )
    attestations = await _rows(db, ATTESTATIONS.format(column="event_id"), {"key": event_id})
    for attestation in attestations:
        attestation["source_line"] = source_line(attestation)
    excerpts = [attestation["excerpt"] for attestation in attestations]
    return {
        "kind": "event",
        "row": event,
        "participants": participants,
        "statements": rendered(statements),
        "attestations": attestations,
        "address": stable_address("events", event_id),
        "verbatim": source_wording(event, ("date_text", "location", "duration_text"), excerpts),
    }


async def actor_card(db, actor_id: str, version: DataVersion) -> dict[str, Any] | None:
    actor = await _one(
        db,
        """
        SELECT a.*, org.name AS affiliation, src.title AS role_source FROM actors a
        LEFT JOIN actors org ON org.actor_id = a.affiliation_id LEFT JOIN sources src ON src.source_id = a.role_source_id
        WHERE a.actor_id = :key""",
        {"key": actor_id},
    )
    if actor is None:
        return None
    said = await _rows(
        db,
        """
        SELECT s.statement_id, s.date, s.statement_type, s.text, ad.actor_id AS other_id, ad.name AS other
        FROM statements s LEFT JOIN actors ad ON ad.actor_id = s.addressee_id
        WHERE s.speaker_id = :key ORDER BY s.date_order, s.statement_id""",
        {"key": actor_id},
    )
    heard = await _rows(
        db,
        """
        SELECT s.statement_id, s.date, s.statement_type, s.text, sp.actor_id AS other_id, sp.name AS other
        FROM statements s JOIN actors sp ON sp.actor_id = s.speaker_id
        WHERE s.addressee_id = :key ORDER BY s.date_order, s.statement_id""",
        {"key": actor_id},
    )
    events = await _rows(
        db,
        """
        SELECT e.event_id, e.title, e.date, p.role FROM event_participants p JOIN events e ON e.event_id = p.event_id
        WHERE p.actor_id = :key ORDER BY e.date_order, e.event_id""",
        {"key": actor_id},
    )
    mentioned = await _rows(
        db,
        """
        SELECT s.statement_id, s.date, s.statement_type, s.text, sp.name AS speaker FROM statement_mentions m
        JOIN statements s ON s.statement_id = m.statement_id JOIN actors sp ON sp.actor_id = s.speaker_id
        WHERE m.entity_type = 'actor' AND m.entity_id = :key ORDER BY s.date_order, s.statement_id""",
        {"key": actor_id},
    )
    members = await _rows(
        db, "SELECT actor_id, name, role FROM actors WHERE affiliation_id = :key ORDER BY name", {"key": actor_id}
    )
    return {
        "kind": "actor",
        "row": actor,
        "said": rendered(said),
        "heard": rendered(heard),
        "events": events,
        "mentioned": rendered(mentioned),
        "members": members,
        "aliases": actor["aliases"].split("|") if actor["aliases"] else [],
        "address": stable_address("actors", actor_id),
    }


async def source_card(db, source_id: str, version: DataVersion) -> dict[str, Any] | None:
    source = await _one(
        db,
        """
        SELECT s.*, pub.name AS publisher, au.name AS author, orig.title AS republishes, made.title AS derived_from FROM sources s
        LEFT JOIN actors pub ON pub.actor_id = s.publisher_id LEFT JOIN actors au ON au.actor_id = s.author_id
        LEFT JOIN sources orig ON orig.source_id = s.republishes_id LEFT JOIN sources made ON made.source_id = s.derived_from_id
        WHERE s.source_id = :key""",
        {"key": source_id},
    )
    if source is None:
        return None
    counts = await _one(
        db,
        """
        SELECT (SELECT count(*) FROM attestations WHERE source_id = :key) AS excerpts,
               (SELECT count(DISTINCT statement_id) FROM attestations WHERE source_id = :key) AS statements,
               (SELECT count(*) FROM attestations WHERE via_source_id = :key) AS relied_on""",
        {"key": source_id},
    )
    backed = await _rows(
        db,
        f"""
        SELECT s.statement_id, s.date, s.statement_type, s.text, sp.name AS speaker FROM statements s
        JOIN actors sp ON sp.actor_id = s.speaker_id
        WHERE s.statement_id IN (SELECT statement_id FROM attestations WHERE source_id = :key OR via_source_id = :key)
        ORDER BY s.date_order, s.statement_id LIMIT {LISTED_STATEMENTS}""",
        {"key": source_id},
    )
    return {
        "kind": "source",
        "row": source,
        "counts": counts,
        "statements": rendered(backed),
        "address": stable_address("sources", source_id),
    }


CARDS = {"statements": statement_card, "events": event_card, "actors": actor_card, "sources": source_card}
