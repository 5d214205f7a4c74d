"""`claims review SOURCE_ID`: the local review page of an archived article — every paragraph of the
body, each excerpt marked and linked to its rows, paragraphs without rows marked with the
checklist's reason, page furniture greyed, and with --since the rows a pull request adds."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims import add, coverage, review
from claims.cli import cli

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
    attestations = {b.attestation_id for b in review.backed_rows(REPO / "data", FORTUNE, set())}
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
    assert "1 new since <code>main</code>" in html
    with pytest.raises(review.ReviewError, match="no-such-revision"):
        review.page(root / "data", needs_archive, FORTUNE, since="no-such-revision", repo=root)
