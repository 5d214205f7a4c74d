"""What Datasette is told about the data: metadata generated from the schema, and the canned queries.

site/metadata.json is generated (`claims generate`) from the pydantic schema and the SQL files in
queries/canned/: titles, descriptions, licence and source, per-table and per-column descriptions,
label columns so that foreign keys show names, sort orders, facets, and canned queries.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from claims.project import CANNED_DIR, DATABASE, DERIVED_DIR, EXAMPLES_DIR, VIEWS_DIR
from claims.queryfile import sql_file
from claims.schema import HISTORY_TABLES, TABLES
from claims.schema.derived import table_schema
from claims.schema.package import PACKAGE_META
from claims.schema.presentation import (
    ARRAY_FACETS,
    BUILD_TABLES,
    DERIVED_COLUMNS,
    FACETS,
    FTS_COLUMNS,
    SORT,
    SORTABLE,
)

# The columns a reader wants first, in this order, on the table pages (the rest follow in schema order).
READING_ORDER = {
    "statements": [
        "statement_id",
        "date",
        "date_text",
        "speaker_id",
        "addressee_id",
        "statement_type",
        "text",
        "topics",
        "event_id",
    ],
    "events": ["event_id", "date", "date_text", "event_type", "title", "description", "location", "place_id"],
    "attestations": [
        "attestation_id",
        "statement_id",
        "event_id",
        "excerpt",
        "source_id",
        "via_source_id",
        "evidence_basis",
    ],
}
HIDDEN_SUFFIXES = ("_fts", "_fts_config", "_fts_data", "_fts_docsize", "_fts_idx")
# Tables kept for the history (claims.schema.HISTORY_TABLES: counted apart) and the checks: queryable,
# but not listed on the home page.
HOUSEKEEPING = {*HISTORY_TABLES, *BUILD_TABLES}
EXAMPLE_PARAMETER = re.compile(r"\$([a-z_]+)")
# Numbers a canned query's header states once (`-- page_size: 100`): written into its SQL where it
# says `:page_size` and into its description where it says `{page_size}`, so Datasette never asks
# a reader for them.
QUERY_CONSTANTS = ("page_size", "candidates")
# A canned query with a page_size shows that many statements a page; its parameter `after` takes
# the statement_id of the last one shown, and the plugin links to the next page.
PAGE_AFTER, PAGE_KEY = "after", "statement_id"
# The R*Tree indexes of queries/derived/: Datasette lists them (and their _node, _parent and _rowid
# tables) as tables unless hidden.
RTREE = re.compile(r"^CREATE VIRTUAL TABLE (\w+) USING rtree", re.M)


def example_values(header: dict[str, str]) -> dict[str, str]:
    """The `-- example: name=value; name=value` header of a research query: values that return rows."""
    pairs = [part.split("=", 1) for part in header.get("example", "").split(";") if "=" in part]
    return {name.strip(): value.strip() for name, value in pairs}


def example_queries() -> dict[str, dict[str, Any]]:
    """The research questions of queries/examples/ as canned queries. Their parameters are written
    `$name` (both DuckDB and SQLite bind it); Datasette is told their names."""
    queries = {}
    for path in sorted(EXAMPLES_DIR.glob("*.sql")):
        header, sql = sql_file(path)
        sql = sql.rstrip(";")
        params = list(dict.fromkeys(EXAMPLE_PARAMETER.findall(sql)))
        queries[path.stem] = {
            "title": header["title"],
            "description": header["description"],
            "sql": sql,
            "params": params,
        }
    return queries


def query_constants(header: dict[str, str]) -> dict[str, int]:
    """The numbers a canned query's header states (QUERY_CONSTANTS)."""
    return {name: int(header[name]) for name in QUERY_CONSTANTS if name in header}


def with_constants(sql: str, constants: dict[str, int]) -> str:
    """The SQL with each `:name` of its header's constants replaced by the number."""
    return re.sub(r":(\w+)\b", lambda m: str(constants.get(m.group(1), m.group(0))), sql)


def paged_queries() -> dict[str, int]:
    """The canned queries shown a page at a time, and their page size in statements."""
    pages = {}
    for path in sorted(CANNED_DIR.glob("*.sql")):
        constants = query_constants(sql_file(path)[0])
        if "page_size" in constants:
            pages[path.stem] = constants["page_size"]
    return pages


def rtree_tables() -> list[str]:
    """The R*Tree indexes queries/derived/ creates."""
    return [
        name for path in sorted(DERIVED_DIR.glob("*.sql")) for name in RTREE.findall(path.read_text(encoding="utf-8"))
    ]


# A canned query reads a date parameter X as `:_date_X` (the plugin's `date` magic parameter: an ISO
# date or '' for no bound, anything else refused with a message); a research question, which runs on
# DuckDB too, compares `$X` with date_min or date_max. An actor parameter is looked up in
# actor_names as `key = lower(trim(:X))`. The site says when such a parameter matches nothing.
DATE_READ = re.compile(r":_date_(\w+)")
DATE_COMPARED = re.compile(r"date_(?:min|max)(?: AS VARCHAR\))?(?:, '[0-9-]+'\))? [<>]=? \$(\w+)")
ACTOR_NAMED = re.compile(r"key = lower\(trim\([:$](\w+)\)\)")
NAMED_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


def parameter_kinds(sql: str) -> dict[str, str]:
    """The query's parameters that take a date or an actor's name: name → "date" or "actor"."""
    kinds = {name: "actor" for name in ACTOR_NAMED.findall(sql)}
    kinds |= {name: "date" for name in DATE_READ.findall(sql) + DATE_COMPARED.findall(sql)}
    return kinds


def query_parameters(sql: str) -> list[str]:
    """The parameters a reader gives a canned query, in order: its `:name`s, a date read as `:_date_X` as X."""
    names = [name.removeprefix("_date_") for name in NAMED_PARAMETER.findall(sql)]
    return [name for name in dict.fromkeys(names) if not name.startswith("_")]


def canned_queries() -> dict[str, dict[str, Any]]:
    """Datasette's canned queries: the tools of queries/canned/ and the research questions of
    queries/examples/. Their SQL is folded under the results (`hide_sql`, and the plugin's template)."""
    queries = {}
    for path in sorted(CANNED_DIR.glob("*.sql")):
        header, sql = sql_file(path)
        constants = query_constants(header)
        sql = with_constants(sql, constants)
        queries[path.stem] = {
            "title": header["title"],
            "description": header["description"].format(**{name: f"{value:,}" for name, value in constants.items()}),
            "sql": sql,
            "params": query_parameters(sql),
            "hide_sql": True,
        }
    clash = set(queries) & set(example_queries())
    if clash:
        raise ValueError(f"queries/canned/ and queries/examples/ both define {sorted(clash)}: rename one")
    return {**queries, **{name: {**query, "hide_sql": True} for name, query in example_queries().items()}}


def column_descriptions_html(columns: dict[str, str]) -> str:
    """The column descriptions folded away under the table's description."""
    items = "".join(f"<dt>{escape(name)}</dt><dd>{escape(text)}</dd>" for name, text in columns.items())
    return f'<details class="claims-columns"><summary>What the {len(columns)} columns mean</summary><dl>{items}</dl></details>'


def datasette_metadata() -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for model in TABLES:
        schema = table_schema(model)
        name = model.meta.name
        columns = {field["name"]: field["description"] for field in schema["fields"]} | DERIVED_COLUMNS.get(name, {})
        table: dict[str, Any] = {
            "title": model.meta.title,
            "description_html": f"<p>{escape(model.meta.description)}</p>" + column_descriptions_html(columns),
            "columns": columns,
        }
        if model.meta.label_column:
            table["label_column"] = model.meta.label_column
        if name in FACETS:
            table["facets"] = [*FACETS[name], *({"array": column} for column in ARRAY_FACETS.get(name, []))]
        if name in SORT:
            table["sort"] = SORT[name]
        if name in SORTABLE:
            table["sortable_columns"] = SORTABLE[name]
        if name in FTS_COLUMNS:
            table["fts_table"] = f"{name}_fts"
        if name in HOUSEKEEPING:
            table["hidden"] = True
        tables[name] = table
    for suffix in HIDDEN_SUFFIXES:
        for name in FTS_COLUMNS:
            tables[f"{name}{suffix}"] = {"hidden": True}
    for name in rtree_tables():
        tables[name] = {"hidden": True}  # hides its _node, _parent and _rowid tables too (same prefix)
    for name, (description, columns) in BUILD_TABLES.items():
        tables[name] = {"description": description, "columns": columns, "hidden": True}
    for path in sorted(VIEWS_DIR.glob("*.sql")):
        header, _sql = sql_file(path)
        tables[path.stem] = {"title": header["title"], "description": header["description"]}
    licence = PACKAGE_META["licenses"][0]
    source = PACKAGE_META["sources"][0]
    return {
        "title": PACKAGE_META["title"],
        # the home page's lede (site/templates/index.html)
        "description_html": (
            "<p>Who said what, to whom, when, and according to which source, in the autumn-2025 US–Russia–Ukraine "
            "peace-plan negotiations. Every statement is backed by a verbatim excerpt of an archived source, with "
            "character offsets, and dates keep the source's own wording.</p>"
        ),
        "license": licence["name"].replace("-", " "),
        "license_url": licence["path"],
        "source": source["title"],
        "source_url": source["path"],
        "databases": {
            DATABASE: {
                "title": PACKAGE_META["title"],
                "description": PACKAGE_META["description"],
                "tables": tables,
                "queries": canned_queries(),
            }
        },
    }
