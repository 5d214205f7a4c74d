"""The distributed path: the GX suites on a local Spark session, and the Spark engine's usage errors.

That `claims validate --engine spark` reports exactly the fast engine's findings is proved with the
other engines' agreement, in tests/test_engines_agree.py."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claims.bench.synth import synth
from claims.suites import run_on_spark

pytestmark = pytest.mark.spark

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark-synth")
    synth(300, out)
    return out


def test_suites_pass_on_spark_for_valid_synthetic_data(spark, synthetic):
    outcome = run_on_spark(spark, synthetic / "data")
    failed = [(table, kind, column) for table, results in outcome.items() for kind, column, ok in results if not ok]
    assert failed == []
    assert sum(len(results) for results in outcome.values()) > 150  # every column suite ran


def test_suites_on_spark_catch_a_broken_value(spark, synthetic, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(synthetic / "data", broken)
    path = broken / "statements.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = (
        lines[3]
        .replace(",direct_quote,", ",shouted,", 1)
        .replace(",paraphrase,", ",shouted,", 1)
        .replace(",partial_quote,", ",shouted,", 1)
        .replace(",outlet_claim,", ",shouted,", 1)
    )
    path.write_text("\n".join(lines), encoding="utf-8")
    outcome = run_on_spark(spark, broken)
    failed = {(kind, column) for kind, column, ok in outcome["statements"] if not ok}
    assert failed == {("expect_column_values_to_be_in_set", "statement_type")}


def test_spark_with_a_java_home_without_java_is_a_usage_error(tmp_path):
    """F8: JAVA_HOME pointing at a folder without bin/java ends in PySparkRuntimeError, exit 3."""
    pytest.importorskip("pyspark")
    result = subprocess.run(
        [sys.executable, "-m", "claims", "validate", "--engine", "spark", "--no-archive", "-q"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "JAVA_HOME": str(tmp_path)},
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "JAVA_HOME" in result.stderr
