"""The data dictionary: generated from the schema (docs/data-dictionary.md, drift-checked by
tests/test_generate.py), on the site, and complete: every table, column and vocabulary term, each
term with its definition in the schema."""

from __future__ import annotations

import asyncio
import inspect
from enum import StrEnum

from claims import dictionary
from claims.generate import generated_files
from claims.schema import TABLES, vocab
from claims.schema.vocab import DESCRIPTIONS
from conftest import REPO, datasette_site

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
