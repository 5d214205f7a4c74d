"""The command line: exit codes, the finding format, no tracebacks, nothing modified."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.cli import cli
from helpers import run_claims

pytestmark = pytest.mark.rules

FAST = ("--layers", "structure,rows,integrity,provenance")
FINDING = re.compile(r"^(?P<path>[^:\n]+\.csv):(?P<line>\d+): (?P<column>[^:\n]+): \[(?P<rule>[a-z0-9-]+)\] .+$", re.M)


REPO = Path(__file__).resolve().parents[1]


def test_validate_clean_data_exits_0(archive):
    result = run_claims("validate", "--archive", str(archive))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stderr
    assert "provenance" in result.stderr


def test_validate_with_findings_exits_1_and_prints_file_line_column_rule(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, actor_type="newspaper")
    result = run_claims("validate", "--data", str(dataset.dir), *dataset.archive_args(), *FAST)
    assert result.returncode == 1
    findings = [m.groupdict() for m in FINDING.finditer(result.stdout)]
    assert {"path": str(dataset.path("actors")), "line": str(line), "column": "actor_type", "rule": "enum"} in findings
    assert "hint: use one of:" in result.stdout


def test_usage_errors_exit_2(tmp_path):
    assert run_claims("validate", "--data", str(tmp_path / "nowhere")).returncode == 2
    assert run_claims("validate", "--bogus-option").returncode == 2
    assert run_claims("no-such-command").returncode == 2
    assert run_claims("validate", "--layers", "structure,nonsense").returncode == 2


def test_paths_are_shown_relative_to_the_working_directory(dataset):
    dataset.edit("actors", {"actor_id": "axios"}, actor_type="newspaper")
    result = run_claims("validate", "--data", "data", "--no-archive", *FAST, cwd=dataset.dir.parent)
    assert result.stdout.startswith("data/actors.csv:")


GARBAGE = {
    "binary": bytes(range(256)) * 4,
    "only-newlines": b"\n\n\n",
    "unclosed-quote": b'place_id,name,place_type,aliases,part_of_id,country,notes\n"gaza,Gaza,region,,,,\n',
    "latin-1": "place_id,name,place_type,aliases,part_of_id,country,notes\nzurich,Z\u00fcrich,city,,,,\n".encode(
        "latin-1"
    ),
    "one-cell": b"x\n",
    "huge-cell": b"place_id,name,place_type,aliases,part_of_id,country,notes\ngaza,"
    + b"A" * 200_000
    + b",region,,,,\n",
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_input_gets_findings_not_a_traceback(dataset, name):
    dataset.path("places").write_bytes(GARBAGE[name])
    result = run_claims("validate", "--data", str(dataset.dir), *dataset.archive_args(), *FAST)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert FINDING.search(result.stdout)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_validation_never_modifies_the_data(dataset):
    dataset.path("places").write_bytes(b"\xef\xbb\xbfplace_id,name\r\n=cmd,x\r\n")
    before = digest(dataset.dir)
    run_claims("validate", "--data", str(dataset.dir), *dataset.archive_args())
    assert digest(dataset.dir) == before
    # clean data again, so that every layer runs (the expectations layer builds a database)
    shutil.copy(REPO / "data" / "places.csv", dataset.path("places"))
    before = digest(dataset.dir)
    run_claims("validate", "--data", str(dataset.dir), *dataset.archive_args())
    assert digest(dataset.dir) == before


def test_locate_prints_offsets_and_the_sources_own_characters(archive):
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "locate",
            "fortune-2025-11-25-witkoff-advised-russia",
            "I'm thinking maybe we do the same thing with you",
            "--archive",
            str(archive),
        ],
    )
    assert result.exit_code == 0, result.output
    assert '"excerpt": "I’m thinking maybe we do the same thing with you"' in result.output
    text = next(archive.glob("fortune-*.txt")).read_text(encoding="utf-8")
    start = text.index("I’m thinking maybe")
    assert f'"char_start": {start}' in result.output


def test_locate_reports_words_not_found(archive):
    result = CliRunner().invoke(
        cli,
        ["locate", "fortune-2025-11-25-witkoff-advised-russia", "words that are not there", "--archive", str(archive)],
    )
    assert result.exit_code == 1


def test_locate_shows_the_closest_passage_to_words_not_found(archive):
    """Words with a typo: not found, and the passage meant is shown with its offsets and where the
    words part from it."""
    source = "fortune-2025-11-25-witkoff-advised-russia"
    text = next(archive.glob("fortune-*.txt")).read_text(encoding="utf-8")
    found = text.index("Witkoff")
    passage = text[found : text.index(" ", found + 40)]
    at = next(i for i in range(20, len(passage)) if passage[i].isalpha())
    typo = passage[:at] + ("x" if passage[at] != "x" else "y") + passage[at + 1 :]
    result = CliRunner().invoke(cli, ["locate", source, typo, "--archive", str(archive)])
    assert result.exit_code == 1
    assert f"char_start={found} char_end={found + len(passage)}" in result.stderr
    assert f"parts from the words at character {at}" in result.stderr


def test_locate_marks_and_warns_about_matches_outside_the_article_body(archive):
    """Words of the page furniture (after the article body) are found, marked and warned about."""
    from claims.sources import archived_text, known_source

    source = next(
        row["source_id"]
        for row in csv_rows(REPO / "data" / "sources.csv")
        if row["archive_sha256"] and row["body_char_end"]
    )
    known_source(REPO / "data", source)
    text, (_start, end) = archived_text(REPO / "data", archive, source)
    words = next(word for word in text[end:].split() if len(word) > 4 and word not in text[:end])
    result = CliRunner().invoke(cli, ["locate", source, words, "--archive", str(archive)])
    assert result.exit_code == 0
    assert '"outside_article_body": true' in result.stdout
    assert "outside the article body" in result.stderr


def csv_rows(path: Path) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
