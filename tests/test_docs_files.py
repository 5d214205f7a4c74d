"""The README's promises hold: researchers first, the two first commands, the citation examples, CITATION.cff's version."""

import asyncio
import json
import re
import sqlite3
from pathlib import Path

import duckdb
import yaml

from claims import project
from claims.citation import dataset_plain
from claims.project import VIEWS_DIR
from claims.schema.package import AUTHOR
from claims.site.cards import statement_card
from claims.version import DataVersion, latest_release, release_records, semver
from helpers import datasette_site

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readmes_table_of_views_is_what_each_database_holds(curated_build):
    """Each file of queries/views/ is a row of the README's table, which says what it is in each
    database: a view, or (for a name looked up by index) a table."""
    table = README.split("| name | in `claims.duckdb` | in `claims.db` |", 1)[1].split("\n\n", 1)[0]
    said = {}
    for line in table.strip().splitlines()[2:]:
        name, in_duckdb, in_sqlite = (cell.strip().strip("`") for cell in line.split("|")[1:4])
        said[name] = (in_duckdb, in_sqlite)
    assert set(said) == {path.stem for path in VIEWS_DIR.glob("*.sql")}
    duck = duckdb.connect(str(curated_build / "claims.duckdb"), read_only=True)
    lite = sqlite3.connect(curated_build / "claims.db")
    try:
        for name, (in_duckdb, in_sqlite) in said.items():
            (duck_type,) = duck.execute(
                "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
            ).fetchone()
            (lite_type,) = lite.execute("SELECT type FROM sqlite_master WHERE name = ?", (name,)).fetchone()
            assert ({"VIEW": "view", "BASE TABLE": "table"}[duck_type], lite_type) == (in_duckdb, in_sqlite), name
    finally:
        duck.close()
        lite.close()


def test_first_two_commands_are_serve_and_test():
    commands = re.findall(r"^(make \w+)", README, re.M)[:2]
    assert commands == ["make serve", "make test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "install-browser.sh" in ci and "CLAIMS_REQUIRE_BROWSER=1" in ci and "CLAIMS_REQUIRE_ARCHIVE=1" in ci


def test_the_readme_is_for_researchers_first():
    """What the dataset is, the two commands, then get it, cite it, the tables, query it; the
    maintainers' material is in docs/, linked."""
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings[:4] == ["Get the data", "Cite the data", "The tables", "Query it"]
    intro = README.split("## Get the data", 1)[0]
    assert "claims dataset" in intro and intro.index("make serve") < intro.index("make test")
    for moved, doc in (
        ("## Validation", "validation.md"),
        ("### Running at scale", "scale.md"),
        ("## Deploy", "site.md"),
        ("Builds switch whole", "maintaining.md"),
    ):
        assert moved not in README and moved.lstrip("# ") in (REPO / "docs" / doc).read_text(encoding="utf-8")
        assert f"(docs/{doc})" in README
    assert "(docs/data-dictionary.md)" in README


def test_the_top_of_the_readme_says_how_to_get_and_cite_the_data():
    top = README.split("## The tables", 1)[0]
    assert top.index("## Get the data") < top.index("## Cite the data")
    for thing in (
        "-csv.zip",
        "Parquet",
        "claims.duckdb",
        "claims.db",
        "JSON-LD",
        "PROV",
        "delta.json",
        "SHA256SUMS",
        "Statement st-",
    ):
        assert thing in top, thing
    get = top.split("## Get the data", 1)[1].split("## Cite the data", 1)[0]
    # the example fetches whatever the latest release is, by the names its checksums file gives
    assert f"base={project.current().repository_url()}/releases/latest/download" in get
    assert "releases/download/" not in get and 'curl -LO "$base/SHA256SUMS"' in get


def test_the_readme_says_which_releases_have_no_files_on_the_releases_page():
    """A release recorded from its commit (made before the release workflow) has no tag and no
    assets: the README says so and gives the commit its record names; every other release is on the
    releases page."""
    get = README.split("## Get the data", 1)[1].split("## Cite the data", 1)[0]
    records = release_records(project.current().data_dir)
    before = [record for record in records if record.git_commit]
    named = re.findall(r"Release ([0-9.]+) was made before the release workflow", get)
    assert named == [record.version for record in before]
    for record in before:
        commit = record.git_commit[:7]
        assert f"its data is `data/` at commit {commit}" in get
        assert f"git archive -o peace-plan-claims-{record.version}-data.zip {commit} data" in get
    assert f"Every release after {max((r.version for r in before), key=semver)} is on" in get


def test_project_address_and_author_are_written_once_and_followed():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert (
        descriptor["homepage"] == citation["url"] == citation["repository-code"] == project.current().repository_url()
    )
    assert [a["name"] for a in citation["authors"]] == [AUTHOR] == [c["title"] for c in descriptor["contributors"]]
    assert "fortune.com" not in descriptor["homepage"]


def test_citation_file_is_valid_cff():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "version", "date-released", "authors", "license", "type"):
        assert citation.get(key), key
    released = latest_release(project.current().data_dir)
    assert (str(citation["version"]), str(citation["date-released"])) == (released.version, released.released_on)


def quoted_blocks(text: str) -> list[str]:
    """The Markdown block quotes of `text`, each as one line."""
    return [" ".join(line[2:] for line in block.splitlines()) for block in re.findall(r"(?m)(?:^> .*\n?)+", text)]


def test_the_citation_examples_are_the_citations_of_the_latest_release(curated_build):
    """The README's two citations are what the site gives for the latest release: the dataset's,
    and the statement's its example names."""
    where = project.current()
    latest = latest_release(where.data_dir)
    version = DataVersion.of_release(latest.version, latest.released_on)
    blocks = quoted_blocks(README.split("## Cite the data", 1)[1].split("\n## ", 1)[0])
    assert dataset_plain(version) in blocks
    statement = re.search(r"Statement (st-[0-9]+) in", " ".join(blocks)).group(1)

    async def cite():
        database = datasette_site(curated_build / "claims.db").get_database("claims")
        return (await statement_card(database, statement, version))["cite"]["plain"]

    assert asyncio.run(cite()) in blocks


def test_citation_file_carries_the_latest_release():
    assert f'version: "{latest_release(project.current().data_dir).version}"' in (REPO / "CITATION.cff").read_text()


def test_the_zenodo_record_follows_the_citation_file():
    """Zenodo archives each GitHub release (and mints a DOI) from .zenodo.json, generated from CITATION.cff."""
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    record = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    assert (record["title"], record["version"], record["publication_date"]) == (
        citation["title"],
        str(citation["version"]),
        str(citation["date-released"]),
    )
    assert record["upload_type"] == "dataset" and record["license"] == citation["license"].lower()
    assert [c["name"] for c in record["creators"]] == [a["name"] for a in citation["authors"]]
    assert record["related_identifiers"][0]["identifier"] == project.current().repository_url()
