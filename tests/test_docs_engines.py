"""`claims docs` proves the compiled suites equal to Great Expectations on the current data: it runs
both engines and fails, naming each finding, when one reports what the other does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import claims.cli
import claims.validate.fast
from claims.cli import cli
from claims.docs import engines_disagree

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def test_the_engines_agree_on_broken_data(synthetic):
    # a suite expectation (the statement type set) and a row rule fail together
    _, rows = synthetic.read("statements")
    synthetic.edit("statements", {"statement_id": rows[0]["statement_id"]}, statement_type="rumour")
    count, disagreements = engines_disagree(synthetic.dir, synthetic.archive)
    assert count > 0
    assert disagreements == []


def test_a_finding_only_one_engine_reports_fails_claims_docs(synthetic, monkeypatch, tmp_path):
    _, rows = synthetic.read("statements")
    synthetic.edit("statements", {"statement_id": rows[0]["statement_id"]}, statement_type="rumour")
    real = claims.validate.fast.validate_fast

    def forgetful(run, layers, *progress):  # a compiled rule that lost its finding
        real(run, layers, *progress)
        del run.findings[0]

    monkeypatch.setattr(claims.validate.fast, "validate_fast", forgetful)
    monkeypatch.setattr(claims.cli, "build_docs", lambda data, out, archive: tmp_path / "index.html")
    result = CliRunner().invoke(
        cli, ["docs", "--data", str(synthetic.dir), "--archive", str(synthetic.archive), "--out", str(tmp_path)]
    )
    assert result.exit_code == 1, result.output
    assert "only the reference engine:" in result.output
    assert "the engines disagree on 1 finding(s)" in result.output


def test_the_engines_agree_when_the_archive_lacks_a_text(tmp_path):
    """An archive without the source's text: the reference's cross-table suite still finds its
    table of archived texts (empty), so both engines report the same missing file and nothing else."""
    empty = tmp_path / "archive"
    empty.mkdir()
    count, disagreements = engines_disagree(REPO / "data", empty)
    assert count > 0
    assert disagreements == []
