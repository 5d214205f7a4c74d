"""The data dictionary: generated from the schema (docs/data-dictionary.md, drift-checked by
tests/test_generate.py), on the site, and complete: every table, column and vocabulary term, each
term with its definition in the schema."""

from __future__ import annotations

import asyncio
import inspect
import sqlite3
from enum import StrEnum

from claims import dictionary
from claims.generate import generated_files
from claims.schema import TABLES, vocab
from claims.schema.vocab import DESCRIPTIONS
from helpers import REPO, datasette_site

VOCABULARIES = [
    member
    for _name, member in inspect.getmembers(vocab, inspect.isclass)
    if issubclass(member, StrEnum) and member is not StrEnum
]


def test_every_vocabulary_term_has_a_definition_in_the_schema():
    assert vocab.Topic in VOCABULARIES
    for enum in VOCABULARIES:
        for term in enum:
            assert DESCRIPTIONS.get(enum, {}).get(term.value, "").strip(), (
                f"{enum.__name__}.{term.value} has no definition"
            )
        assert set(DESCRIPTIONS[enum]) == {term.value for term in enum}, enum.__name__  # none for a term that is gone


def test_the_dictionary_names_every_table_column_and_term():
    text = dictionary.markdown()
    for model in TABLES:
        assert f"### {model.meta.name}" in text
        for column in model.columns():
            assert f"| `{column}` |" in text, (model.meta.name, column)
    for vocabulary in dictionary.vocabularies():
        for term, definition in vocabulary.terms:
            assert f"| `{term}` | {definition.replace('|', chr(92) + '|')} |" in text
    assert {v.name for v in dictionary.vocabularies()} >= {"Topic", "StatementType", "EvidenceBasis"}


def test_the_dictionary_names_everything_the_published_database_holds(curated_build):
    """Every table, view and column of the SQLite database the site serves — the curated tables, the
    columns it generates, the tables the build adds, the views — is in the dictionary; only the
    full-text and date-range indexes are left out (they are how searches run, not data)."""
    from claims.site.metadata import FTS_COLUMNS, rtree_tables

    text = dictionary.markdown()
    indexes = (*(f"{name}_fts" for name in FTS_COLUMNS), *rtree_tables())
    views = {view.name for view in dictionary.views()}
    con = sqlite3.connect(curated_build / "claims.db")
    try:
        found = con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name").fetchall()
        assert {"dataset_version", "archived_texts", "actor_names"} <= {name for (name,) in found}
        for (name,) in found:
            if name.startswith(indexes):
                continue
            assert f"### {name}" in text or f"| `{name}` |" in text, name
            if name in views:
                continue
            for column in (row[1] for row in con.execute(f"PRAGMA table_xinfo({name})")):
                assert f"| `{column}` |" in text.split(f"### {name}", 1)[1].split("\n### ", 1)[0] or (
                    f"| `{name}.{column}` |" in text
                ), (name, column)
    finally:
        con.close()


def test_docs_data_dictionary_is_the_generated_one():
    assert (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8") == dictionary.markdown()
    assert REPO / "docs" / "data-dictionary.md" in generated_files()


def test_the_site_has_the_dictionary_page(curated_build):
    async def page():
        return (await datasette_site(curated_build / "claims.db").client.get("/-/data-dictionary")).text

    html = asyncio.run(page())
    for model in TABLES:
        assert f'id="{model.meta.name}"' in html
    for term, definition in next(v for v in dictionary.vocabularies() if v.name == "Topic").terms:
        assert f"<code>{term}</code></dt><dd>{definition}</dd>" in html
    for added in (*dictionary.generated_columns(), *dictionary.build_tables(), *dictionary.views()):
        assert f"<code>{added.name}</code>" in html, added.name
