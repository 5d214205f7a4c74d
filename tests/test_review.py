"""`claims review SOURCE_ID`: the local review page of an archived article — every paragraph of the
body, each excerpt marked and linked to its rows, paragraphs without rows marked with the
checklist's reason, page furniture greyed, and with --since the rows a pull request adds."""

import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims import coverage
from claims.cli import cli
from claims.contrib import add, review
from helpers import Dataset

REPO = Path(__file__).resolve().parents[1]
FORTUNE = "fortune-2025-11-25-witkoff-advised-russia"


@pytest.fixture
def needs_archive(archive):
    return archive


def test_every_paragraph_and_excerpt_is_on_the_page(archive):
    html = review.page(REPO / "data", archive, FORTUNE)
    paragraphs = coverage.paragraphs(REPO / "data", archive, FORTUNE)
    assert re.findall(r'<section class="paragraph[^"]*" id="L(\d+)"', html) == [str(p.line) for p in paragraphs]
    uncovered = re.findall(r'<section class="paragraph uncovered" id="L(\d+)"', html)
    assert uncovered == [str(p.line) for p in paragraphs if not p.rows]
    attestations = {b.attestation_id for b in review.backed_rows(REPO / "data", FORTUNE, {})}
    assert set(re.findall(r'<li id="(att-[^"]+)"', html)) == attestations  # each listed under its paragraph
    assert set(re.findall(r'<a href="#(att-[^"]+)"><mark', html)) <= attestations
    assert html.count('class="furniture"') == 2 and "Do not publish it" in html
    # the checklist's reason for a paragraph without rows
    listed = coverage.read_checklists((REPO / "data" / "COVERAGE.md").read_text(encoding="utf-8"))[FORTUNE]
    reason = next(row.notes for row in listed if not row.rows)
    assert f'<p class="why">no rows: {reason}' in html.replace("&quot;", '"').replace("&#x27;", "'")


def test_the_page_is_written_where_nothing_is_published(tmp_path, archive):
    result = CliRunner().invoke(cli, ["review", FORTUNE, "--archive", str(archive)])
    assert result.exit_code == 0, result.output
    written = REPO / "build" / "review" / f"{FORTUNE}.html"
    assert written.is_file()
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", str(written)])
    assert ignored.returncode == 0  # never committed, so never in a release or the deployed site
    unknown = CliRunner().invoke(cli, ["review", "no-such-source", "--archive", str(archive)])
    assert unknown.exit_code == 2 and "no-such-source" in unknown.output


def test_since_marks_the_rows_a_pull_request_adds(tmp_path, needs_archive):
    root = tmp_path / "repo"
    (root / "data").parent.mkdir(parents=True)
    shutil.copytree(REPO / "data", root / "data")
    shutil.copy(REPO / "datapackage.json", root / "datapackage.json")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *command], cwd=root, check=True)
    draft = add.draft_statement(
        root / "data",
        needs_archive,
        FORTUNE,
        "Kremlin spokesman Dmitry Peskov didn’t immediately respond to comment",
        given={
            "statements": {"statement_type": "no_response", "speaker_id": "dmitry-peskov", "text": "Did not respond."},
            "attestations": {"evidence_basis": "outlet_own_reporting"},
        },
    )
    add.write(root / "data", needs_archive, draft)
    (attestation,) = draft.rows["attestations"]
    html = review.page(root / "data", needs_archive, FORTUNE, since="main", repo=root)
    new = re.findall(r'<li id="([^"]+)" class="new">', html)
    assert new == [attestation["attestation_id"]]
    assert "1 new and 0 changed since <code>main</code>" in html
    with pytest.raises(review.ReviewError, match="no-such-revision"):
        review.page(root / "data", needs_archive, FORTUNE, since="no-such-revision", repo=root)
    with pytest.raises(review.ReviewError, match="--since is empty"):
        review.page(root / "data", needs_archive, FORTUNE, since=" ", repo=root)


def test_since_marks_the_rows_a_pull_request_changes(tmp_path, dataset, needs_archive):
    """A statement whose text a pull request corrects is marked changed, with its attestations."""
    root = tmp_path / "repo"
    shutil.copytree(dataset.dir, root / "data")
    for command in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *command], cwd=root, check=True)
    corrected = Dataset.at(root / "data")
    corrected.edit("statements", {"statement_id": "st-007"}, notes="A correction.")
    attestations = {
        row["attestation_id"] for row in corrected.read("attestations")[1] if row["statement_id"] == "st-007"
    }
    html = review.page(root / "data", needs_archive, FORTUNE, since="main", repo=root)
    assert set(re.findall(r'<li id="([^"]+)" class="changed">', html)) == attestations
    assert re.findall(r'<li id="[^"]+" class="new">', html) == []
    assert f"0 new and {len(attestations)} changed since <code>main</code>" in html


def test_what_the_data_says_is_escaped_on_the_page(dataset, needs_archive):
    """Markup in a statement's text, an actor's name, the source's title or a checklist's reason is
    shown as text, never run as markup."""
    markup = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    dataset.edit("statements", {"statement_id": "st-007"}, text=f"The text {markup}")
    dataset.edit("actors", {"actor_id": "steve-witkoff"}, name=f"Steve {markup}")
    dataset.edit("sources", {"source_id": FORTUNE}, title=f"The title {markup}")
    checklist = dataset.dir / "COVERAGE.md"
    listed = coverage.read_checklists(checklist.read_text(encoding="utf-8"))[FORTUNE]
    reason = next(row.notes for row in listed if not row.rows)
    checklist.write_text(
        checklist.read_text(encoding="utf-8").replace(reason, f"The reason {markup}"), encoding="utf-8"
    )
    html = review.page(dataset.dir, needs_archive, FORTUNE)
    assert "<script>" not in html and "<img" not in html
    shown = escape(markup)
    for place in ("The text ", "Steve ", "The title ", "The reason "):
        assert place + shown in html, place


def test_unusable_input_is_one_line_and_writes_nothing(tmp_path, dataset, needs_archive):
    """An unknown source leaves no folder behind; a page that cannot be written, a table that
    cannot be read and an empty --since are each one line (exit 2), never a crash."""
    out = tmp_path / "deep" / "er" / "x.html"
    unknown = CliRunner().invoke(
        cli,
        ["review", "no-such-source", "--out", str(out), "--data", str(dataset.dir), "--archive", str(needs_archive)],
    )
    assert unknown.exit_code == 2 and not (tmp_path / "deep").exists()
    (tmp_path / "a-file").write_text("")
    unwritable = CliRunner().invoke(
        cli,
        [
            "review",
            FORTUNE,
            "--out",
            str(tmp_path / "a-file" / "x.html"),
            "--data",
            str(dataset.dir),
            "--archive",
            str(needs_archive),
        ],
    )
    assert unwritable.exit_code == 2 and "cannot write" in unwritable.output
    empty_since = CliRunner().invoke(
        cli,
        [
            "review",
            FORTUNE,
            "--since",
            "",
            "--out",
            str(tmp_path / "x.html"),
            "--data",
            str(dataset.dir),
            "--archive",
            str(needs_archive),
        ],
    )
    assert empty_since.exit_code == 2 and "--since is empty" in empty_since.output
    path = dataset.path("attestations")
    path.write_text(path.read_text(encoding="utf-8").replace("statement_id", "statement", 1), encoding="utf-8")
    broken = CliRunner().invoke(
        cli,
        [
            "review",
            FORTUNE,
            "--out",
            str(tmp_path / "x.html"),
            "--data",
            str(dataset.dir),
            "--archive",
            str(needs_archive),
        ],
    )
    assert broken.exit_code == 2 and "attestations.csv:1: [unknown-column]" in broken.output, broken.output
