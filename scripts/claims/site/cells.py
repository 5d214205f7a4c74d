"""How the site shows a cell: yes/no for booleans; a statement's text in a query's results as
claims.citation.render_statement renders it; a key column in a query's or a view's results as a link
to its row; a mention's entity_id as a link to what it names, with its name. All text is escaped."""

from __future__ import annotations

from functools import cache
from html import escape

from markupsafe import Markup

from claims.citation import render_statement
from claims.project import DATABASE
from claims.schema import ID_TABLES, MENTION_TARGETS, TABLES, TABLES_BY_NAME
from claims.schema.derived import table_schema
from claims.schema.vocab import StatementType

# A key column in a query's or a view's results (statement_id, source_id, …) links to its row.
KEY_TABLES = {key: table for table, key in ID_TABLES.items()}
STATEMENT_TYPES = {kind.value for kind in StatementType}


@cache  # derived from the schema when a page first asks, not on every import of the plugin
def boolean_columns() -> frozenset[tuple[str, str]]:
    """(table, column) of every boolean column in the schema: shown as yes/no."""
    return frozenset(
        (model.meta.name, field["name"])
        for model in TABLES
        for field in table_schema(model)["fields"]
        if field["type"] == "boolean"
    )


def rendered_cell(row, value, column, table, database, datasette):
    """yes/no for booleans; a statement's text in a query's results as render_statement renders it;
    a mention's entity_id as a link to the row it names, with its name."""
    if database != DATABASE:
        return None
    # a query's row is an sqlite3.Row, whose `in` looks at its values: its column names are keys()
    named = set(row.keys()) if table is None and column == "text" and isinstance(value, str) else set()
    if "statement_type" in named and row["statement_type"] in STATEMENT_TYPES:
        words = render_statement(row["statement_type"], value)
        key = f' data-statement="{escape(str(row["statement_id"]))}"' if "statement_id" in named else ""
        return Markup(f'<span class="claims-statement"{key}>{escape(words.line)}</span>')
    if (table, column) in boolean_columns() and value in (0, 1):
        return "yes" if value else "no"
    if table not in TABLES_BY_NAME and column in KEY_TABLES and isinstance(value, str) and value:
        # str(): Datasette's URL string looks up dir(str) on every method call, and escaping calls
        # five; on a canned query's 2,000 rows that was most of the page's time
        return Markup(
            f'<a href="{escape(str(datasette.urls.row(DATABASE, KEY_TABLES[column], value)))}">{escape(value)}</a>'
        )
    if table == "statement_mentions" and column == "entity_id" and row["entity_type"] in MENTION_TARGETS:
        target, key = MENTION_TARGETS[row["entity_type"]]
        label_column = TABLES_BY_NAME[target].meta.label_column

        async def linked():
            found = await datasette.get_database(DATABASE).execute(
                f"SELECT {label_column} FROM {target} WHERE {key} = ?", [value]
            )
            label = found.rows[0][0] if found.rows else value
            href = str(datasette.urls.row(DATABASE, target, value))
            return Markup(f'<a href="{escape(href)}">{escape(label)}</a> <em class="claims-id">{escape(value)}</em>')

        return linked
    return None
