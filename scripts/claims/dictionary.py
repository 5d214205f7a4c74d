"""The data dictionary, generated from the schema: every table, column, type, constraint and
vocabulary term with its definition, and what the databases add to the tables (generated columns,
the tables the build writes, the views).

One structure, two renderings: Markdown (docs/data-dictionary.md, written and drift-checked by
`claims generate`, and the README of every CSV zip) and the site's page /-/data-dictionary (a
template over the same structure). Nothing here is written by hand: the words are the schema's
(schema/tables.py, schema/vocab.py, schema/presentation.py) and the views' (queries/views/).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from claims.project import VIEWS_DIR
from claims.queryfile import sql_file
from claims.schema import TABLES, Row
from claims.schema.derived import VOCABULARIES, column_vocabularies, list_columns, table_schema
from claims.schema.fields import LIST_SEPARATOR
from claims.schema.presentation import BUILD_TABLES, DERIVED_COLUMNS
from claims.schema.vocab import DESCRIPTIONS

TITLE = "Data dictionary"
GENERATED = "Generated from the schema (`schema/tables.py`, `schema/vocab.py`, `schema/presentation.py`) and `queries/views/` by `claims generate`; do not edit."
CONVENTIONS = (
    "Every table is a CSV file in `data/`: UTF-8, LF line endings, a header row, rows sorted by key. "
    f"An empty cell is a missing value; a list holds its items separated by `{LIST_SEPARATOR}`. "
    "`datapackage.json` (Frictionless Data Package) says the same for software."
)
DATABASES = (
    "The databases (`claims.duckdb`, `claims.db`) hold the tables above with the same columns, and add "
    "the following: generated columns of the SQLite database the site serves, tables the build writes, "
    "and views over the tables (in both databases; the SQLite database stores `actor_names` as a table, "
    "indexed)."
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string", "integer", "date", "boolean", or a list of a vocabulary's terms
    required: bool
    constraints: tuple[str, ...]  # in words: "unique", "refers to actors.actor_id", "pattern …"
    description: str
    vocabulary: str | None  # the vocabulary its values (or list items) are terms of


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    row: str  # what one row is
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def path(self) -> str:
        return f"data/{self.name}.csv"


@dataclass(frozen=True)
class Vocabulary:
    name: str
    terms: tuple[tuple[str, str], ...]  # (term, definition)
    used_by: tuple[str, ...] = field(default=())  # table.column


def _constraints(model: type[Row], field_schema: dict, vocabulary: str | None) -> tuple[str, ...]:
    constraints = field_schema.get("constraints", {})
    found = []
    if constraints.get("unique"):
        found.append("unique")
    for key in model.foreign_keys():
        if key.fields == (field_schema["name"],):
            found.append(f"refers to {key.table}.{key.ref_fields[0]}")
    if vocabulary:
        found.append(f"a term of {vocabulary}" if field_schema["type"] != "list" else f"terms of {vocabulary}")
    elif "pattern" in constraints and field_schema["type"] != "list":
        found.append(f"pattern `{constraints['pattern']}`")
    for name, words in (("minLength", "at least {} characters"), ("maxLength", "at most {} characters")):
        if name in constraints and not (name == "minLength" and constraints[name] == 1):
            found.append(words.format(constraints[name]))
    for name, words in (("minimum", "at least {:,}"), ("maximum", "at most {:,}")):
        if name in constraints:
            found.append(words.format(constraints[name]))
    return tuple(found)


@cache
def tables() -> tuple[Table, ...]:
    """Every table of the schema, in schema order."""
    found = []
    for model in TABLES:
        vocabularies, lists = column_vocabularies(model), list_columns(model)
        columns = []
        for field_schema in table_schema(model)["fields"]:
            name = field_schema["name"]
            info = model.model_fields[name]
            kind = "list" if name in lists else field_schema["type"]
            columns.append(
                Column(
                    name,
                    kind,
                    bool(field_schema.get("constraints", {}).get("required")),
                    _constraints(model, {**field_schema, "type": kind}, vocabularies.get(name)),
                    info.description or "",
                    vocabularies.get(name),
                )
            )
        found.append(
            Table(
                model.meta.name,
                model.meta.title,
                (model.__doc__ or "").strip(),
                model.meta.description,
                model.meta.primary_key,
                tuple(columns),
            )
        )
    return tuple(found)


@cache
def vocabularies() -> tuple[Vocabulary, ...]:
    """Every vocabulary a column uses, each term with its definition, in the order first used."""
    used: dict[str, list[str]] = {}
    for table in tables():
        for column in table.columns:
            if column.vocabulary:
                used.setdefault(column.vocabulary, []).append(f"{table.name}.{column.name}")
    return tuple(
        Vocabulary(
            name,
            tuple((term.value, DESCRIPTIONS[VOCABULARIES[name]].get(term.value, "")) for term in VOCABULARIES[name]),
            tuple(columns),
        )
        for name, columns in used.items()
    )


@dataclass(frozen=True)
class Added:
    """Something the databases add to the tables: a generated column, a table the build writes, a view."""

    name: str
    description: str
    columns: tuple[tuple[str, str], ...] = ()  # (column, what it holds), for a table


@cache
def generated_columns() -> tuple[Added, ...]:
    """The columns the published SQLite derives from the curated ones, as `table.column`."""
    return tuple(
        Added(f"{table}.{column}", description)
        for table, columns in DERIVED_COLUMNS.items()
        for column, description in columns.items()
    )


@cache
def build_tables() -> tuple[Added, ...]:
    return tuple(
        Added(name, description, tuple(columns.items())) for name, (description, columns) in BUILD_TABLES.items()
    )


@cache
def views() -> tuple[Added, ...]:
    """The views of every database (queries/views/), with their descriptions."""
    return tuple(Added(path.stem, sql_file(path)[0]["description"]) for path in sorted(VIEWS_DIR.glob("*.sql")))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(preface: str = "") -> str:
    """The dictionary as Markdown: docs/data-dictionary.md, and (with a preface) a CSV zip's README."""
    lines = [f"# {TITLE}", "", GENERATED, ""]
    if preface:
        lines += [preface.strip(), ""]
    lines += [CONVENTIONS, "", "## Tables", ""]
    lines += ["| table | one row is | key |", "| --- | --- | --- |"]
    lines += [f"| [`{t.name}`](#{t.name}) | {_cell(t.row)} | `{', '.join(t.key)}` |" for t in tables()]
    for table in tables():
        lines += ["", f"### {table.name}", "", f"{table.title}: {table.description} (`{table.path}`)", ""]
        lines += ["| column | type | required | constraints | description |", "| --- | --- | --- | --- | --- |"]
        for column in table.columns:
            kind = column.type
            if column.type == "list":
                kind = f"list of {column.vocabulary} terms" if column.vocabulary else "list of strings"
            lines.append(
                f"| `{column.name}` | {kind} | {'yes' if column.required else ''} | "
                f"{_cell('; '.join(column.constraints))} | {_cell(column.description)} |"
            )
    lines += ["", "## Vocabularies", ""]
    for vocabulary in vocabularies():
        lines += [f"### {vocabulary.name}", "", f"Used by {', '.join(f'`{c}`' for c in vocabulary.used_by)}.", ""]
        lines += ["| term | definition |", "| --- | --- |"]
        lines += [f"| `{term}` | {_cell(definition)} |" for term, definition in vocabulary.terms]
        lines.append("")
    lines += ["## In the databases", "", DATABASES, "", "### Generated columns (SQLite)", ""]
    lines += ["| column | description |", "| --- | --- |"]
    lines += [f"| `{added.name}` | {_cell(added.description)} |" for added in generated_columns()]
    for added in build_tables():
        lines += ["", f"### {added.name}", "", added.description, ""]
        lines += ["| column | description |", "| --- | --- |"]
        lines += [f"| `{column}` | {_cell(description)} |" for column, description in added.columns]
    lines += ["", "### Views", "", "| view | what it gives |", "| --- | --- |"]
    lines += [f"| `{view.name}` | {_cell(view.description)} |" for view in views()]
    return "\n".join(lines).rstrip("\n") + "\n"
