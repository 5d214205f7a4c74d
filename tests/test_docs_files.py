"""The README's promises hold: the two first commands, the citation example, CITATION.cff's version."""

import csv
import re
from pathlib import Path

from claims.generate import dataset_version

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_first_two_commands_are_serve_and_test():
    commands = re.findall(r"^(make \w+)", README.split("```sh", 1)[1], re.M)[:2]
    assert commands == ["make serve", "make test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci


def test_citation_example_matches_the_data():
    statement, start, end = re.search(r"Statement `(st-\d+)`.*?characters (\d+)–(\d+)", README, re.S).groups()
    rows = list(csv.DictReader((REPO / "data" / "attestations.csv").open(encoding="utf-8")))
    row = next(r for r in rows if r["statement_id"] == statement)
    assert (row["char_start"], row["char_end"]) == (start, end)


def test_citation_file_carries_the_dataset_version():
    assert f"version: {dataset_version()}" in (REPO / "CITATION.cff").read_text()
