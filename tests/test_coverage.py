"""data/COVERAGE.md accounts for every paragraph of the article body, in step with the data;
`claims coverage --write` regenerates its row lists and keeps the notes written by hand."""

import shutil
from pathlib import Path

from click.testing import CliRunner

from claims import coverage
from claims.archive import add
from claims.cli import cli

REPO = Path(__file__).resolve().parents[1]
SOURCE = "fortune-2025-11-25-witkoff-advised-russia"


def checklist(data: Path = REPO / "data") -> dict[int, coverage.ChecklistRow]:
    return {
        row.line: row for row in coverage.read_checklists((data / "COVERAGE.md").read_text(encoding="utf-8"))[SOURCE]
    }


def test_the_checklist_is_in_step_with_the_data(archive):
    assert coverage.check(REPO / "data", archive) == []


def test_every_paragraph_without_rows_says_why():
    for line, row in checklist().items():
        if not row.rows:
            assert row.notes, f"L{line} produced no rows but gives no reason"


def test_the_article_body_produced_rows():
    assert sum(1 for row in checklist().values() if row.rows) >= 30


def test_write_on_data_in_step_changes_nothing(dataset, archive):
    before = (dataset.dir / "COVERAGE.md").read_text(encoding="utf-8")
    assert coverage.write(dataset.dir, archive) is False
    assert (dataset.dir / "COVERAGE.md").read_text(encoding="utf-8") == before


def test_a_new_attestation_is_drift_until_write_lists_it_keeping_the_notes(dataset, archive):
    row = dataset.row("attestations", attestation_id="att-007")
    dataset.append(
        "attestations",
        attestation_id=dataset.next_id("attestations"),
        statement_id="st-001",
        source_id=SOURCE,
        excerpt=row["excerpt"],
        char_start=row["char_start"],
        char_end=row["char_end"],
        evidence_basis="outlet_own_reporting",
    )
    line = next(
        p.line for p in coverage.paragraphs(dataset.dir, archive, SOURCE) if "st-001" in p.rows and p.line != 12
    )
    drift = coverage.check(dataset.dir, archive)
    assert [(f.rule, f.line) for f in drift] == [("coverage-drift", checklist(dataset.dir)[line].md_line)]
    assert "claims coverage --write" in drift[0].hint
    notes = {n: r.notes for n, r in checklist(dataset.dir).items()}
    result = CliRunner().invoke(cli, ["coverage", "--write", "--data", str(dataset.dir), "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    assert "updated" in result.output
    assert coverage.check(dataset.dir, archive) == []
    assert "st-001" in checklist(dataset.dir)[line].rows
    assert {n: r.notes for n, r in checklist(dataset.dir).items()} == notes


def test_a_paragraph_without_rows_and_without_a_reason_is_reported(dataset, archive):
    path = dataset.dir / "COVERAGE.md"
    text = path.read_text(encoding="utf-8")
    row = checklist(dataset.dir)[17]
    assert not row.rows and row.notes
    path.write_text(text.replace(f"| {row.notes} |", "|  |", 1), encoding="utf-8")
    findings = coverage.check(dataset.dir, archive)
    assert [(f.rule, f.line, f.column) for f in findings] == [("coverage-no-reason", row.md_line, "notes")]


def test_an_archived_source_without_a_checklist_gets_a_section_to_fill_in(dataset, archive, tmp_path):
    capture = tmp_path / "capture.txt"
    capture.write_text("Navigation\nA headline\n\nThe first paragraph.\nFooter\n", encoding="utf-8")
    folder = tmp_path / "archive"  # a writable copy of the files: the shared archive is not written to
    folder.mkdir()
    for path in Path(archive).iterdir():
        shutil.copyfile(path, folder / path.name)
    stored = add(capture, folder, "A headline", "The first paragraph.")
    dataset.append(
        "sources",
        source_id="example-capture",
        title="An example",
        source_type="news_article",
        archive_sha256=stored.sha256,
        body_char_start=str(stored.body[0]),
        body_char_end=str(stored.body[1]),
    )
    assert [f.rule for f in coverage.check(dataset.dir, folder)] == ["coverage-missing"]
    assert coverage.write(dataset.dir, folder) is True
    assert [(f.rule, f.message[:3]) for f in coverage.check(dataset.dir, folder)] == [
        ("coverage-no-reason", "L2 "),
        ("coverage-no-reason", "L4 "),
    ]
    assert "Source: `example-capture`" in (dataset.dir / "COVERAGE.md").read_text(encoding="utf-8")


def test_claims_coverage_prints_the_checklist_rows_ready_to_paste(archive):
    result = CliRunner().invoke(cli, ["coverage", SOURCE, "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    table = [
        line
        for line in (REPO / "data" / "COVERAGE.md").read_text(encoding="utf-8").splitlines()
        if coverage.ROW.match(line)
    ]
    assert result.output.splitlines() == table


def test_an_emptied_note_is_reported_on_its_row_and_write_keeps_the_row_in_place(dataset, archive):
    """A note emptied to "| |" (one space) still reads as a row: its paragraph lacks a reason, on its
    own line, and `--write` regenerates the table without adding the row again."""
    path = dataset.dir / "COVERAGE.md"
    row = checklist(dataset.dir)[17]
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[row.md_line - 1] = lines[row.md_line - 1].replace(f"| {row.notes} |", "| |")
    path.write_text("\n".join(lines), encoding="utf-8")
    findings = coverage.check(dataset.dir, archive)
    assert [(f.rule, f.line, f.column) for f in findings] == [("coverage-no-reason", row.md_line, "notes")]
    before = path.read_text(encoding="utf-8")
    coverage.write(dataset.dir, archive)
    after = path.read_text(encoding="utf-8")
    assert [line for line in after.split("\n") if line.startswith("| L17 ")] == [
        lines[row.md_line - 1].replace("| |", "|  |")
    ]
    assert after.count("\n") == before.count("\n")


def test_a_row_that_does_not_read_as_one_is_said_and_replaced(dataset, archive):
    path = dataset.dir / "COVERAGE.md"
    row = checklist(dataset.dir)[17]
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[row.md_line - 1] = "| L17 | Down Arrow Button Icon |"
    path.write_text("\n".join(lines), encoding="utf-8")
    findings = coverage.check(dataset.dir, archive)
    assert [(f.rule, f.line) for f in findings][:1] == [("coverage-row", row.md_line)]
    drift = [f for f in findings if f.rule == "coverage-drift"]
    assert len(drift) == 1 and "lacks L17" in drift[0].message
    coverage.write(dataset.dir, archive)
    text = path.read_text(encoding="utf-8")
    assert (
        "| L17 | Down Arrow Button Icon |\n" not in text
        and len([line for line in text.split("\n") if line.startswith("| L17 ")]) == 1
    )
