"""The README's promises hold: the two first commands, the citation example, CITATION.cff's version."""

import csv
import json
import re
from pathlib import Path

import yaml

from claims import project
from claims.schema.package import AUTHOR
from claims.version import last_release

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_first_two_commands_are_serve_and_test():
    commands = re.findall(r"^(make \w+)", README, re.M)[:2]
    assert commands == ["make serve", "make test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "install-browser.sh" in ci and "CLAIMS_REQUIRE_BROWSER=1" in ci and "CLAIMS_REQUIRE_ARCHIVE=1" in ci


def test_the_top_of_the_readme_says_how_to_get_and_cite_the_data():
    # right after the two commands: the sections a data user needs before any of the toolchain
    top = README.split("## The repository, stage by stage", 1)[0]
    assert top.index("## Work with the repository") < top.index("## Get the data") < top.index("## Cite the data")
    for thing in (
        "-csv.zip",
        "Parquet",
        "claims.duckdb",
        "claims.db",
        "JSON-LD",
        "PROV",
        "SHA256SUMS",
        "## Cite the data",
        "Statement `st-",
    ):
        assert thing in top, thing
    version = last_release(project.current()).version
    assert f"{project.current().repository_url()}/releases/download/v{version}/peace-plan-claims-{version}-csv.zip" in top


def test_project_address_and_author_are_written_once_and_followed():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["homepage"] == citation["url"] == citation["repository-code"] == project.current().repository_url()
    assert [a["name"] for a in citation["authors"]] == [AUTHOR] == [c["title"] for c in descriptor["contributors"]]
    assert "fortune.com" not in descriptor["homepage"]


def test_citation_file_is_valid_cff():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "version", "date-released", "authors", "license", "type"):
        assert citation.get(key), key
    released = last_release(project.current())
    assert (str(citation["version"]), str(citation["date-released"])) == (released.version, released.date)


def test_citation_example_matches_the_data():
    statement, start, end = re.search(r"Statement `(st-\d+)`.*?characters (\d+)–(\d+)", README, re.S).groups()
    rows = list(csv.DictReader((REPO / "data" / "attestations.csv").open(encoding="utf-8")))
    row = next(r for r in rows if r["statement_id"] == statement)
    assert (row["char_start"], row["char_end"]) == (start, end)


def test_citation_file_carries_the_latest_release():
    assert f"version: {last_release(project.current()).version}" in (REPO / "CITATION.cff").read_text()
