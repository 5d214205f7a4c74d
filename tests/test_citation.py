"""Citations are for readers: a statement's date reads in words, while the EDTF stays in the
machine fields (CSL-JSON, the linked data, the row itself)."""

from __future__ import annotations

import json

import pytest

from claims.citation import StatementFacts, readable_date, statement_bibtex, statement_csl_json, statement_plain
from claims.version import DataVersion


@pytest.mark.parametrize(
    "edtf, words",
    [
        ("2025-10-14", "2025-10-14"),
        ("2025-11", "November 2025"),
        ("2025", "2025"),
        ("2025-10-24/2025-10-26", "from 2025-10-24 to 2025-10-26"),
        ("2025-10-24/..", "from 2025-10-24 on"),
        ("../2025-10-24", "up to 2025-10-24"),
        ("[..2025-10-14]", "on or before 2025-10-14"),
        ("[2025-10-16..]", "on or after 2025-10-16"),
        ("[2025-10-16..2025-11-25]", "one day between 2025-10-16 and 2025-11-25"),
        ("[2025-10-14, 2025-10-16]", "2025-10-14 or 2025-10-16"),
        ("{2025-10-14,2025-10-16}", "2025-10-14 and 2025-10-16"),
        ("2025-11-25?", "2025-11-25 (uncertain)"),
        ("2025-10-16~", "about 2025-10-16"),
        ("2025-10-16%", "about 2025-10-16 (uncertain)"),
    ],
)
def test_an_edtf_date_reads_in_words(edtf, words):
    assert readable_date(edtf) == words


def test_a_statement_is_cited_with_its_date_in_words_and_in_edtf_for_software():
    facts = StatementFacts(
        "st-999",
        "Steve Witkoff",
        "Donald Trump",
        "[..2025-10-14]",
        "had told",
        "paraphrase",
        "He had told Trump about it.",
        ["Witkoff had told Trump about it"],
    )
    version = DataVersion("0.1.0", "0.1.0", None, None, "2026-11-29")
    plain = statement_plain(facts, version)
    assert plain.startswith("Steve Witkoff to Donald Trump, on or before 2025-10-14 (“had told”) (paraphrase):")
    assert "[..2025-10-14]" not in plain and "[..2025-10-14]" not in statement_bibtex(facts, version)
    item = json.loads(statement_csl_json(facts, version))[0]
    assert "on or before 2025-10-14" in item["note"] and item["custom"] == {"date_edtf": "[..2025-10-14]"}
