"""`claims diff`: per-table added, removed and changed rows between git revisions, on a fixture repo."""

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.cli import cli
from claims.contrib.diff import diff, diff_tables, folder_reader, markdown, summary_line
from claims.release.delta import delta
from helpers import Dataset

REPO = Path(__file__).resolve().parents[1]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def new_statement(dataset) -> str:
    """The ID of the statement the history's second commit adds: the next free one."""
    return dataset.next_id("statements")


@pytest.fixture
def history(tmp_path, dataset, new_statement):
    """A git repository whose second commit adds a statement, changes an actor and removes a relation."""
    repo = tmp_path / "repo"
    shutil.copytree(dataset.dir, repo / "data")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    dataset.dir = repo / "data"
    dataset.append(
        "statements",
        statement_id=new_statement,
        speaker_id="donald-trump",
        statement_type="paraphrase",
        text="A new statement.",
        topics="diplomacy",
    )
    dataset.edit("actors", {"actor_id": "axios"}, notes="An outlet.")
    removed = dataset.read("statement_relations")[1][0]  # one relation, whatever the data holds
    dataset.delete(
        "statement_relations", **{k: removed[k] for k in ("statement_id", "relation", "object_statement_id")}
    )
    (tmp_path / "removed_relation.txt").write_text(removed["object_statement_id"], encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "change")
    return repo


def test_diff_finds_exactly_the_known_changes(history, new_statement, tmp_path):
    by_table = {d.table: d for d in diff(history, "HEAD~1", "HEAD")}
    assert [r["statement_id"] for r in by_table["statements"].added] == [new_statement]
    (changed,) = by_table["actors"].changed
    assert (changed["key"], changed["changes"], changed["row"]["notes"]) == (
        "axios",
        {"notes": ["", "An outlet."]},
        "An outlet.",
    )
    removed_object = (tmp_path / "removed_relation.txt").read_text(encoding="utf-8")
    assert [r["object_statement_id"] for r in by_table["statement_relations"].removed] == [removed_object]
    untouched = [d for name, d in by_table.items() if name not in {"statements", "actors", "statement_relations"}]
    assert all(d.empty for d in untouched)


def test_markdown_and_one_line_summary(history, new_statement):
    diffs = diff(history, "HEAD~1", "HEAD")
    assert summary_line(diffs) == "actors ~1; statements +1; statement_relations −1"
    text = markdown(diffs, "HEAD~1", "HEAD")
    assert "| statements | 1 | 0 | 0 |" in text
    assert f"- added `{new_statement}` — A new statement." in text
    assert "  - `notes`:  → An outlet." in text


def test_working_tree_is_the_default_head(history, dataset):
    dataset.edit("places", {"place_id": "miami"}, notes="Florida is not in the article.")
    diffs = diff(history, "HEAD")
    assert summary_line(diffs) == "places ~1"


def test_a_pull_request_adding_one_statement_has_a_one_line_summary(history):
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--repo", str(history), "--summary"])
    assert result.exit_code == 0
    assert result.output.strip().count("\n") == 0


@pytest.mark.parametrize("direction", ["added", "removed"])
def test_a_value_in_a_column_added_or_removed_changes_its_row(dataset, tmp_path, direction):
    """A row whose only change is a value in a new column (or in one that went) is listed as
    changed, in that column; rows with the column empty are not."""
    header, rows = dataset.read("statements")
    without = tmp_path / "without"
    without.mkdir()
    Dataset.at(without).write(
        "statements", [c for c in header if c != "notes"], [{k: v for k, v in r.items() if k != "notes"} for r in rows]
    )
    sides = (folder_reader(without), folder_reader(dataset.dir))
    (statements,) = [
        d for d in diff_tables(*(sides if direction == "added" else sides[::-1])) if d.table == "statements"
    ]
    assert getattr(statements, f"columns_{direction}") == ["notes"]
    noted = [r["statement_id"] for r in rows if r["notes"]]
    assert noted and len(noted) < len(rows)
    assert [change["key"] for change in statements.changed] == noted
    assert all(list(change["changes"]) == ["notes"] for change in statements.changed)
    assert "`notes`" in markdown(diff_tables(*sides), "base", None)
    if direction == "added":  # and a release's delta.json lists them so
        table = delta("9.0.1", "9.0.0", without, dataset.dir)["tables"]["statements"]
        assert table["columns_added"] == ["notes"]
        assert table["changed"] == [{"statement_id": key, "columns": ["notes"]} for key in noted]


def test_unknown_revision_is_a_usage_error(history):
    result = CliRunner().invoke(cli, ["diff", "no-such-rev", "--repo", str(history)])
    assert result.exit_code == 2 and "no-such-rev" in result.output


def test_removing_a_published_id_with_its_record_is_caught_against_the_base(history, dataset):
    dataset.delete("places", place_id="budapest")
    dataset.delete("statement_mentions", entity_id="budapest")
    dataset.delete("published_ids", table_name="places", id="budapest")
    assert not any(f[3] == "published-id-removed" for f in dataset.findings())  # the working tree alone looks fine
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--repo", str(history), "--summary", "--strict-ids"])
    assert result.exit_code == 1 and "places budapest" in result.output


@pytest.mark.parametrize("rewrite", ["change", "remove"])
def test_rewriting_or_removing_a_release_record_is_caught_against_the_base(history, dataset, rewrite):
    """A release never changes: its record stays as `claims release` wrote it."""
    record = dataset.read("releases")[1][0]
    if rewrite == "change":
        dataset.edit("releases", {"version": record["version"]}, data_sha256="0" * 64)
    else:
        dataset.delete("releases", version=record["version"])
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--repo", str(history), "--summary", "--strict-ids"])
    assert result.exit_code == 1 and f"releases: {record['version']}" in result.output


def test_adding_one_statement_with_its_evidence_passes_every_check(history, dataset, new_statement):
    dataset.delete("statements", statement_id=new_statement)  # the fixture's unattested statement: a clean base first
    git(history, "commit", "-q", "-am", "clean base")
    text = "He’s got to sell this to Ukraine."
    statement, attestation = dataset.next_id("statements"), dataset.next_id("attestations")
    dataset.append(
        "statements",
        statement_id=statement,
        speaker_id="donald-trump",
        addressee_id="reporters",
        addressee_as="reporters",  # "Trump told reporters Tuesday"
        event_id="press-remarks-2025-11-25-trump",
        date="2025-11-25",
        date_text="Tuesday",
        date_min="2025-11-25",
        date_max="2025-11-25",
        date_resolved_against="article date 2025-11-25 (Tuesday)",
        statement_type="direct_quote",
        text=text,
        topics="negotiation_process",
    )
    evidence = dataset.row("attestations", statement_id="st-009")
    dataset.append("attestations", **dict(evidence, attestation_id=attestation, statement_id=statement))
    header, rows = dataset.read("statements")
    dataset.write("statements", header, sorted(rows, key=lambda r: r["statement_id"]))
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--repo", str(history), "--summary", "--strict-ids"])
    assert result.exit_code == 0 and result.output.strip() == "statements +1; attestations +1"
    assert CliRunner().invoke(cli, ["fmt", "--check", "--data", str(dataset.dir)]).exit_code == 0
    assert [f.format() for f in dataset.validate().findings] == []


def test_a_duplicated_row_shows_as_added(history, dataset):
    """Validation catches the repeated key, but the summary reviewers read must not say nothing changed."""
    path = dataset.path("statement_relations")
    last = path.read_text(encoding="utf-8").splitlines()[-1]
    path.write_text(path.read_text(encoding="utf-8") + last + "\n", encoding="utf-8")
    diffs = diff(history, "HEAD")
    assert summary_line(diffs) == "statement_relations +1"
    assert "(its key is repeated)" in markdown(diffs, "HEAD", None)
    git(history, "commit", "-q", "-am", "duplicate")
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")
    assert summary_line(diff(history, "HEAD")) == "statement_relations −1"


def _not_utf8(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"caf\xe9\n")


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.csv").write_text("x\n", encoding="utf-8")  # so that git keeps the folder


@pytest.mark.parametrize("damage", [_not_utf8, _folder], ids=["not UTF-8", "a folder"])
def test_an_unreadable_table_exits_1_saying_which_and_why(history, dataset, damage):
    damage(dataset.path("actors"))
    for head in ([], ["HEAD"]):  # in the working tree, then committed
        if head:
            git(history, "add", "-A")
            git(history, "commit", "-q", "-m", "damaged")
        result = CliRunner().invoke(cli, ["diff", "HEAD~1" if head else "HEAD", *head, "--repo", str(history)])
        assert result.exit_code == 1, result.output
        line = result.output.strip().splitlines()[-1]
        assert line.startswith("claims diff: data/actors.csv") and "Traceback" not in result.output


def test_a_committed_link_that_loops_exits_1(history, dataset):
    path = dataset.path("actors")
    path.unlink()
    path.symlink_to("actors.csv")
    git(history, "add", "-A")
    git(history, "commit", "-q", "-m", "a link to itself")
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--repo", str(history)])
    assert result.exit_code == 1 and "is a link that loops" in result.output


@pytest.mark.parametrize("target", [".", ""], ids=["the folder", "empty"])
def test_a_committed_link_to_no_file_exits_1(history, target):
    """A committed link whose target is its folder, or empty, is said: it was an exit 3 ('Invalid name')."""
    blob = subprocess.run(
        ["git", "-C", str(history), "hash-object", "-w", "--stdin"], input=target, capture_output=True, text=True
    ).stdout.strip()
    git(history, "update-index", "--cacheinfo", f"120000,{blob},data/places.csv")
    git(history, "commit", "-q", "-m", "a link to no file")
    result = CliRunner().invoke(cli, ["diff", "HEAD~1", "HEAD", "--repo", str(history)])
    assert result.exit_code == 1, result.output
    assert f"is a link to {target!r}, a folder, not to a file" in result.output and "Traceback" not in result.output


def test_a_link_to_the_folder_in_the_working_tree_is_said_to_be_one(history, dataset):
    """It was called "a link to a file in another folder"."""
    path = dataset.path("places")
    path.unlink()
    path.symlink_to(".")
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--repo", str(history)])
    assert result.exit_code == 1 and "data/places.csv in the working tree is a link to a folder;" in result.output


def test_a_record_with_an_extra_cell_shows_as_changed(history, dataset):
    """A stray comma at the end of a row (a common pull-request mistake) was an exit 3 inside csv-diff."""
    path = dataset.path("places")
    path.write_text(
        path.read_text(encoding="utf-8").replace("\ncrimea,Crimea,region,,,,\n", "\ncrimea,Crimea,region,,,,,extra\n"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--repo", str(history)])
    assert result.exit_code == 0, result.output
    assert "**places ~1**" in result.output and "- changed `crimea`" in result.output
    assert "  - `(cells past the header)`:  → extra" in result.output


def test_a_record_with_too_few_cells_says_which_cells_it_lacks(history, dataset):
    path = dataset.path("places")
    path.write_text(
        path.read_text(encoding="utf-8").replace("\ncrimea,Crimea,region,,,,\n", "\ncrimea,Crimea\n"), encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["diff", "HEAD", "--repo", str(history)])
    assert result.exit_code == 0, result.output
    assert "  - `place_type`: region → (no cell)" in result.output
    assert "  - `aliases`:  → (no cell)" in result.output


def test_a_renamed_column_is_in_the_summary(history, dataset):
    """Renaming the header's `notes` to `remarks` said "no data changes"."""
    path = dataset.path("places")
    # A row with a note has its note under another name now: it is changed too.
    noted = sum(1 for row in csv.DictReader(path.open(encoding="utf-8")) if row["notes"])
    path.write_text(path.read_text(encoding="utf-8").replace(",notes\n", ",remarks\n", 1), encoding="utf-8")
    diffs = diff(history, "HEAD")
    expected = "places " + (f"~{noted} " if noted else "") + "column +remarks column −notes"
    assert summary_line(diffs) == expected
    assert f"**{expected}**" in markdown(diffs, "HEAD", None)
