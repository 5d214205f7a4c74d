"""Publishing with Datasette: metadata generated from the schema, and the read-only server.

publish/metadata.json is generated (`claims generate`) from the pydantic schema and the SQL files in
queries/canned/: titles, descriptions, licence and source, per-table and per-column descriptions,
label columns so that foreign keys show names, sort orders, facets, and canned queries.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

from claims.generate import PACKAGE_META, REPO, table_schema
from claims.schema import TABLES

PUBLISH_DIR = REPO / "publish"
CANNED_DIR = REPO / "queries" / "canned"
VIEWS_DIR = REPO / "queries" / "views"
DATABASE = "claims"

# Settings for a public, read-only instance.
SETTINGS = {
    "sql_time_limit_ms": 2000,  # a runaway query is stopped
    "max_returned_rows": 2000,
    "default_page_size": 50,
    "allow_download": True,  # the whole SQLite file can be downloaded
    "allow_csv_stream": True,  # CSV export of full tables and queries
    "facet_time_limit_ms": 25,  # a facet too slow on a large table is skipped, not waited for
    "suggest_facets": False,  # suggestions run a query per column: too slow on large tables
    "num_sql_threads": 3,
}

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
SORT = {"statements": "date_min", "events": "date_min"}
HIDDEN_SUFFIXES = ("_fts", "_fts_config", "_fts_data", "_fts_docsize", "_fts_idx")


def sql_file(path: Path) -> tuple[dict[str, str], str]:
    """Header fields (`-- title: …`, `-- description: …`) and the SQL of a query file."""
    text = path.read_text(encoding="utf-8")
    header = dict(re.findall(r"^-- (\w+): (.+)$", text, re.M))
    sql = "\n".join(line for line in text.splitlines() if not line.startswith("--")).strip()
    return header, sql


def canned_queries() -> dict[str, dict[str, Any]]:
    queries = {}
    for path in sorted(CANNED_DIR.glob("*.sql")):
        header, sql = sql_file(path)
        queries[path.stem] = {"title": header["title"], "description": header["description"], "sql": sql}
    return queries


def datasette_metadata() -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for model in TABLES:
        schema = table_schema(model)
        name = model.meta.name
        table: dict[str, Any] = {
            "title": model.meta.title,
            "description": model.meta.description,
            "columns": {field["name"]: field["description"] for field in schema["fields"]},
        }
        if model.meta.label_column:
            table["label_column"] = model.meta.label_column
        if name in FACETS:
            table["facets"] = FACETS[name]
        if name in SORT:
            table["sort"] = SORT[name]
        if name in {"statements", "attestations", "actors", "events"}:
            table["fts_table"] = f"{name}_fts"
        tables[name] = table
    for suffix in HIDDEN_SUFFIXES:
        for name in ("statements", "attestations", "actors", "events"):
            tables[f"{name}{suffix}"] = {"hidden": True}
    tables["archived_texts"] = {"description": "The length in characters of each archived source text (the texts themselves are not redistributed)."}
    for path in sorted(VIEWS_DIR.glob("*.sql")):
        header, _sql = sql_file(path)
        tables[path.stem] = {"title": header["title"], "description": header["description"]}
    licence = PACKAGE_META["licenses"][0]
    source = PACKAGE_META["sources"][0]
    return {
        "title": PACKAGE_META["title"],
        "description_html": (
            "<p>Who said what, to whom, when, and according to which source, in the autumn-2025 US–Russia–Ukraine "
            "peace-plan negotiations. Every statement is backed by a verbatim excerpt of an archived source, with "
            "character offsets.</p>"
            '<p>Start with the <a href="/-/timeline">timeline chart</a>, <a href="/-/who-spoke-to-whom">who spoke to whom</a>, '
            f'<a href="/{DATABASE}/search">a search of statements and excerpts</a>, or the '
            f'<a href="/{DATABASE}/statements">statements</a> table.</p>'
        ),
        "license": licence["name"].replace("-", " "),
        "license_url": licence["path"],
        "source": source["title"],
        "source_url": source["path"],
        "databases": {DATABASE: {"title": PACKAGE_META["title"], "description": PACKAGE_META["description"], "tables": tables, "queries": canned_queries()}},
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_command(database: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """The `datasette serve` command line for a public, read-only instance of `database`."""
    import sys

    command = [sys.executable, "-m", "datasette", "serve", "--immutable", str(database), "--host", host, "--port", str(port),
               "--metadata", str(PUBLISH_DIR / "metadata.json"), "--template-dir", str(PUBLISH_DIR / "templates")]
    counts = database.with_name("counts.json")
    if counts.is_file():  # table sizes counted at build time: pages of large tables need not count rows
        command += ["--inspect-file", str(counts)]
    for key, value in SETTINGS.items():
        command += ["--setting", key, str(value).lower() if isinstance(value, bool) else str(value)]
    return command
