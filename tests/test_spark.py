"""The distributed path: every rule on a local Spark session, and the same GX suites.

`claims validate --engine spark` runs the fast engine's steps with each statement transpiled to
Spark SQL; here it must report exactly the fast engine's findings (file, line, column, rule,
message, hint, and as many times) on synthetic data, valid and broken by the rule catalogue's own
breakage generators (tests/rule_breakers.py), several rules broken at once to keep the number of
Spark runs small."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claims.bench.synth import synth
from claims.suites import run_on_spark
from claims.validate import validate
from helpers import Dataset, full
from rule_breakers import GENERATORS

pytestmark = pytest.mark.spark

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def spark():
    pyspark = pytest.importorskip("pyspark.sql")
    session = (
        pyspark.SparkSession.builder.master("local[2]")
        .appName("claims-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
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


# --- every rule: the Spark engine against the fast (DuckDB) engine ------------------------------------

ALL_LAYERS = ("structure", "rows", "integrity", "provenance", "expectations")
# Several rules are broken at once to keep the Spark runs few. A generator can hide another (both
# edit the first actor's notes; a row finding keeps that row from the provenance layer; the
# cross-table expectations run only on data without earlier findings), so the groups below were
# found by applying the generators together and keeping those that all still fire; the test checks
# that each still does. The generators that break a whole file (all of places.csv) are left to
# tests/test_catalogue.py: Spark never reads such a file, the reference reader does, in both
# engines; a record with too many cells, which Spark's reader must hand over, is in the first group.
VARIANTS = {
    "valid": [],
    "cells, rows and keys": [
        "date-missing",
        "dated-after-source",
        "edtf",
        "enum",
        "event-date",
        "list",
        "maxLength",
        "maximum",
        "mention-not-named",
        "outlet-claim-speaker",
        "padding",
        "pattern",
        "primary-key",
        "published-id-removed",
        "quote-shape",
        "required",
        "retired-id-reused",
        "self-reference",
        "speaker-not-participant",
        "timestamp",
        "translation-language",
        "type-error",
        "unarchived-source",
        "unattested",
        "cell-count",
        "blank-row",
    ],
    "more rows": [
        "attests-one",
        "body-span",
        "date-bounds",
        "date-wording",
        "invisible-character",
        "language-basis",
        "offsets",
        "speaker-is-addressee",
        "duplicate-statement",
        "addressee-wording",
        "addressee-not-named",
        "date-unbounded",
        "evidence-basis-speaker",
    ],
    "keys and minimum": ["foreign-key", "minimum"],
    "provenance": ["archive-missing", "quote-outside-excerpt", "wikidata-unconfirmed", "date-text-not-quoted"],
    "expectations": ["fill-rate"],
}


@pytest.fixture(scope="module")
def synthetic_small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark-rules")
    synth(100, out, seed=11)
    return out


# Each variant takes minutes here (every one of the engine's few hundred statements is a Spark job),
# so `make test` runs the variant that breaks the most rules, and CLAIMS_SPARK_ALL=1 runs them all.
IN_MAKE_TEST = "cells, rows and keys"
EVERY_VARIANT = bool(os.environ.get("CLAIMS_SPARK_ALL"))


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(
            name,
            marks=pytest.mark.skipif(
                name != IN_MAKE_TEST and not EVERY_VARIANT,
                reason="set CLAIMS_SPARK_ALL=1 to run every Spark variant (minutes each)",
            ),
        )
        for name in sorted(VARIANTS)
    ],
)
def test_spark_reports_what_duckdb_reports(spark, synthetic_small, tmp_path, variant):
    data = Dataset(tmp_path, synthetic_small / "archive", data=synthetic_small / "data")
    for rule in VARIANTS[variant]:
        GENERATORS[rule][0](data)
    fast = full(validate(data.dir, data.archive, layers=ALL_LAYERS, engine="fast"))
    distributed = full(validate(data.dir, data.archive, layers=ALL_LAYERS, engine="spark"))
    assert distributed == fast
    fired = {finding[3] for finding in fast}
    assert sorted(set(VARIANTS[variant]) - fired) == [], "each generator must break its rule"
    if variant == "valid":
        assert fast == []


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
