"""The distributed path: the same Great Expectations suites on a local Spark session."""

import shutil
from pathlib import Path

import pytest

from claims.expectations import run_on_spark
from claims.synth import synth


@pytest.fixture(scope="module")
def spark():
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[2]").appName("claims-tests")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


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
    lines[3] = lines[3].replace(",direct_quote,", ",shouted,", 1).replace(",paraphrase,", ",shouted,", 1).replace(",partial_quote,", ",shouted,", 1).replace(",outlet_claim,", ",shouted,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    outcome = run_on_spark(spark, broken)
    failed = {(kind, column) for kind, column, ok in outcome["statements"] if not ok}
    assert failed == {("expect_column_values_to_be_in_set", "statement_type")}
