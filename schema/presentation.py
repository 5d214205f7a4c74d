"""How the published database presents the tables, where both the database build and the
Datasette metadata need it: facets and sort orders (both indexed), and full-text search."""

from __future__ import annotations

FACETS = {
    "statements": ["speaker_id", "statement_type", "addressee_id", "event_id"],
    "events": ["event_type"],
    "attestations": ["source_id", "evidence_basis", "via_source_id"],
    "actors": ["actor_type", "country"],
    "sources": ["source_type", "publisher_id"],
    "event_participants": ["role", "actor_id"],
    "statement_mentions": ["entity_type"],
    "statement_relations": ["relation"],
    "provisions": ["topic"],
    "places": ["place_type"],
    "positions": ["actor_id"],
}
# Facets on a JSON array column: one count per topic, not per combination (queries/derived/).
ARRAY_FACETS = {"statements": ["topic_list"]}
# date_order (queries/derived/): dated rows first, by earliest day; undated rows last.
SORT = {"statements": "date_order", "events": "date_order"}
# The columns a reader may sort the large tables by: only indexed ones (the build indexes each), since
# sorting a million rows by an unindexed column outlasts the SQL time limit. Other tables sort by any
# column. The derived date_order is indexed in queries/derived/.
SORTABLE = {
    "statements": [
        "statement_id",
        "date_order",
        "date_min",
        "date_max",
        "speaker_id",
        "addressee_id",
        "statement_type",
        "event_id",
    ],
    "events": ["event_id", "date_order", "date_min", "date_max", "event_type"],
    "attestations": ["attestation_id", "statement_id", "source_id", "evidence_basis", "via_source_id"],
    "statement_mentions": ["statement_id", "entity_type", "entity_id"],
}
# The tokenizer of every full-text index: FTS5's unicode61 word boundaries, words stemmed (porter).
FTS_TOKENIZER = "porter"
# The tables with full-text search, and the columns searched: the build creates <table>_fts, the
# Datasette metadata points each table at it.
FTS_COLUMNS = {
    "statements": ["text"],
    "attestations": ["excerpt"],
    "actors": ["name", "aliases", "role"],
    "events": ["title", "description"],
}
