"""Generated files (datapackage.json, schema/ddl.sql) match the pydantic schema."""

import json
import shutil
import subprocess
from pathlib import Path

import duckdb

from claims import generate
from claims.cli import cli_reference
from claims.schema import TABLES
from claims.schema.derived import sql_ddl

REPO = Path(__file__).resolve().parents[1]


def test_generated_files_have_not_drifted():
    assert generate.drifted(cli_reference=cli_reference()) == [], "run `claims generate` and commit the result"


def test_drift_is_detected(tmp_path):
    generate.write(tmp_path)
    assert generate.drifted(tmp_path) == []
    descriptor_path = tmp_path / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    descriptor["resources"][0]["schema"]["fields"][0]["description"] = "edited by hand"
    descriptor_path.write_text(json.dumps(descriptor))
    metadata_path = tmp_path / "scripts" / "claims" / "site" / "metadata.json"
    metadata_path.unlink()
    assert sorted(generate.drifted(tmp_path)) == [descriptor_path, metadata_path]


def test_the_help_of_claims_generate_names_every_generated_file():
    from click.testing import CliRunner

    from claims.cli import cli

    shown = " ".join(CliRunner().invoke(cli, ["generate", "--help"]).output.split())
    for path in generate.generated_files(REPO, cli_reference=""):
        name = path.relative_to(REPO).as_posix()
        assert ("the generated GX suites" if name.startswith("scripts/claims/gx/") else name) in shown, name


def test_a_citation_file_that_is_not_the_latest_release_has_drifted(tmp_path):
    """CITATION.cff's version and date are the latest release's (data/releases.csv)."""
    import sys

    from helpers import copy_repository

    root = copy_repository(tmp_path / "repo")
    citation = root / "CITATION.cff"
    citation.write_text(
        citation.read_text(encoding="utf-8").replace("\nversion: ", "\nversion: 9", 1), encoding="utf-8"
    )
    checked = subprocess.run(
        [sys.executable, "-m", "claims", "generate", "--check"], cwd=root, capture_output=True, text=True
    )
    assert checked.returncode == 1 and "drifted: CITATION.cff" in checked.stdout, checked.stdout


def test_every_column_is_described_and_every_table_has_a_key():
    for model in TABLES:
        assert model.meta.primary_key
        for name, info in model.model_fields.items():
            assert info.description, f"{model.meta.name}.{name} has no description"


def test_descriptor_carries_licences_sources_and_constraints():
    package = generate.datapackage()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    # no version: a checkout cannot name its own commit; the zips stamp theirs (tests/test_version.py)
    assert package["sources"] and "version" not in package
    statements = next(r for r in package["resources"] if r["name"] == "statements")
    fields = {f["name"]: f for f in statements["schema"]["fields"]}
    assert "direct_quote" in fields["statement_type"]["constraints"]["enum"]
    assert fields["statement_id"]["constraints"]["pattern"]
    assert fields["statement_id"]["constraints"]["required"] is True
    assert fields["statement_id"]["constraints"]["unique"] is True
    assert statements["schema"]["primaryKey"] == ["statement_id"]
    assert {"fields": ["speaker_id"], "reference": {"resource": "actors", "fields": ["actor_id"]}} in statements[
        "schema"
    ]["foreignKeys"]


def test_ddl_creates_the_tables_in_duckdb():
    con = duckdb.connect()
    for statement in sql_ddl().split(";\n"):
        if statement.strip():
            con.execute(statement)
    tables = {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert tables == {model.meta.name for model in TABLES}


def test_frictionless_cli_validates_the_package():
    """The real `frictionless validate datapackage.json`, foreign keys included."""
    frictionless = shutil.which("frictionless") or str(Path(__import__("sys").executable).parent / "frictionless")
    result = subprocess.run([frictionless, "validate", "datapackage.json"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
