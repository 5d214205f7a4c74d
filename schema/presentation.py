"""How the published database presents the tables, where the database build, the Datasette
metadata and the data dictionary need it: facets and sort orders (both indexed), full-text search,
the columns the published SQLite derives, and the tables the build adds to the curated ones."""

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

# The columns the published SQLite derives from the curated ones (queries/derived/: generated
# columns, computed by SQLite, never stored or curated twice).
DATE_ORDER = "Derived from date_min for sorting: the earliest day, or 'undated' (sorted last)."
DERIVED_COLUMNS = {
    "statements": {
        "date_order": DATE_ORDER,
        "topic_list": "Derived from topics: the same topics as a JSON array, to facet one topic at a time.",
    },
    "events": {"date_order": DATE_ORDER},
}
# The tables the build adds: the version it stamps into every database, and (in the published
# SQLite, where the archive was found) the length of each archived text. Name → (what it holds,
# each column with what it holds).
VERSION_TABLE = "dataset_version"
ARCHIVED_TEXTS = "archived_texts"
BUILD_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    VERSION_TABLE: (
        "Which data this database holds: its version (PEP 440; a development version with the commit for "
        "unreleased data), in words, and the commit and date it was built from. One row.",
        {
            "version": "The data's version: X.Y.Z for a release, X.Y.Z.devN+gCOMMIT for unreleased data.",
            "release": "The release this data is; empty for unreleased data.",
            "after": "For unreleased data, the latest release before it; empty before the first.",
            "commit": "The abbreviated git commit of unreleased data, where it was built from a checkout.",
            "date": "The release's date, or the commit's date for unreleased data (ISO).",
            "uncommitted": "true where the data differed from its commit when built.",
            "label": "The version in words, as citations give it: version 0.1.0, unreleased data after 0.1.0 (commit …).",
        },
    ),
    ARCHIVED_TEXTS: (
        "The length in characters of each archived source text (the texts themselves are not redistributed).",
        {
            "archive_sha256": "SHA-256 of the archived text's bytes (sources.archive_sha256).",
            "char_length": "Its length in Unicode code points: the offsets of its excerpts are at most this.",
        },
    ),
}
