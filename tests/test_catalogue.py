"""Equal by construction, proved by generation: for every rule id of the catalogue (and every rule
the expectation suites name) a generator breaks that rule in a copy of the data, on the curated
tables and on a synthetic dataset with its own archive; both engines must then report the same
findings, in full (file, line, column, rule, message, hint) and as many times.

A meta-test fails when a rule has no generator, or an expectation kind has no compiled form."""

from __future__ import annotations

import json

import duckdb
import pytest

from claims.project import SUITES_DIR
from claims.schema import TABLES
from claims.schema.catalogue import RULES, TEXT_CELL_RULES, text_cell_sql
from claims.schema.derived import table_schema
from claims.schema.text import CONTROL_RANGES, WHITESPACE_RANGES, invisible_ranges
from claims.validate import validate
from claims.validate.expectations import COMPILED_EXPECTATIONS
from claims.validate.rows import cell_judges, cell_selector, reference_rejects, selection_kinds
from helpers import FAST_LAYERS, full
from rule_breakers import GENERATORS

pytestmark = pytest.mark.slow  # every rule id, both engines, curated and synthetic data


def suite_rules() -> set[str]:
    """The rule ids that the expectation suites name in their meta."""
    rules = set()
    for path in SUITES_DIR.glob("*.json"):
        rules |= {
            item["meta"]["rule"]
            for item in json.loads(path.read_text(encoding="utf-8"))["expectations"]
            if (item.get("meta") or {}).get("rule")
        }
    return rules


def suite_kinds() -> set[str]:
    kinds = set()
    for path in SUITES_DIR.glob("*.json"):
        kinds |= {
            item["type"]
            for item in json.loads(path.read_text(encoding="utf-8"))["expectations"]
            if item["type"] != "unexpected_rows_expectation"
        }
    return kinds


def test_every_rule_has_a_generator():
    assert sorted((set(RULES) | suite_rules()) - set(GENERATORS)) == []
    assert sorted(set(GENERATORS) - set(RULES) - suite_rules()) == []


def test_every_expectation_kind_has_a_compiled_form():
    assert sorted(suite_kinds() - set(COMPILED_EXPECTATIONS)) == []


def run_both(d, needs):
    layers = FAST_LAYERS + (("expectations",) if "expectations" in needs else ())
    archive = d.archive if "archive" in needs or "expectations" in needs else None
    reference = validate(d.dir, archive, layers=layers, engine="reference")
    fast = validate(d.dir, archive, layers=layers, engine="fast")
    return full(reference), full(fast)


@pytest.mark.parametrize("rule", sorted(GENERATORS))
def test_engines_agree_on_synthetic_data(synthetic, rule):
    generate, needs = GENERATORS[rule]
    generate(synthetic)
    reference, fast = run_both(synthetic, needs)
    assert fast == reference
    assert rule in {finding[3] for finding in reference}, f"the generator must break {rule}"


@pytest.mark.parametrize("rule", sorted(GENERATORS))
def test_engines_agree_on_curated_data(dataset, rule):
    generate, needs = GENERATORS[rule]
    if "archive" in needs and dataset.archive is None:
        pytest.skip("the curated sources' archive is not here; the synthetic test covers this rule")
    generate(dataset)
    reference, fast = run_both(dataset, needs)
    assert fast == reference
    assert rule in {finding[3] for finding in reference}, f"the generator must break {rule}"


def test_both_engines_pass_clean_synthetic_data(synthetic):
    reference, fast = run_both(synthetic, ("expectations", "archive"))
    assert fast == reference == []


def test_text_cell_sql_selects_every_cell_a_text_rule_rejects():
    """The fast engine's one-scan selector for text cells is TRUE wherever any rule's Python test
    is (it may select more: the reference judges what it selects), and each rule's own SQL too."""

    def one_of(ranges):
        return [chr(lo) for lo, hi in ranges] + [chr(hi) for lo, hi in ranges]

    values = ["plain text", "", "a", "ü", "=SUM(A1)", "+1", "-x", "@x", "x\u200dy", "ب\u200cب", "Kyiv\u00ad"]
    values += [f"{c}word" for c in one_of(WHITESPACE_RANGES)] + [f"word{c}" for c in one_of(WHITESPACE_RANGES)]
    values += [f"in{c}side" for c in one_of(WHITESPACE_RANGES + invisible_ranges() + CONTROL_RANGES)] + [" ", "\t"]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
    selected = dict(con.execute(f"SELECT v, {text_cell_sql('v')} FROM t").fetchall())
    rejected = {v for v in values if any(rule.test(v) for rule in TEXT_CELL_RULES)}
    assert len(rejected) > 50 and len(set(values) - rejected) >= 4  # both kinds of value are tried
    assert {v for v in rejected if not selected[v]} == set()
    for rule in TEXT_CELL_RULES:
        by_rule = dict(con.execute(f"SELECT v, {rule.select('v')} FROM t").fetchall())
        assert {v for v in values if rule.test(v) and not by_rule[v]} == set(), rule.id
    assert not selected["plain text"] and not selected["in side"]


def test_integer_selector_leaves_out_only_cells_the_reference_accepts():
    """Bounded integer columns are selected by canonical form and bounds instead of the
    reference's verdict on each distinct value: every cell left out must be one the reference
    (frictionless's cell reader, then the pydantic field) accepts, and every one it rejects must
    be selected."""
    values = ["0", "1", "7", "10", "123456789012345678", "9223372036854775807", "99999999999999999999"]
    values += ["-1", "-0", "007", "+5", " 5", "5 ", "1e3", "5.0", "1_000", "١٢", "0x10", "five", None]
    checked = 0
    for model in TABLES:
        for column, kind in selection_kinds(model).items():
            if kind != "integer":
                continue
            field = next(f for f in table_schema(model)["fields"] if f["name"] == column)
            constraints = field.get("constraints", {})
            con = duckdb.connect()
            con.execute("CREATE TABLE t (v VARCHAR)")
            con.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
            selector = cell_selector("v", kind, bool(constraints.get("required")), constraints)
            selected = dict(con.execute(f"SELECT v, {selector} FROM t").fetchall())
            read_cell, adapter = cell_judges(model, column)
            for value in values:
                if reference_rejects(value, read_cell, adapter):
                    assert selected[value], (model.meta.name, column, value)
                checked += 1
            assert not selected["7"] and selected["-1"] and selected["007"]
    assert checked >= 3 * len(values)  # sources' body offsets, attestations' offsets, plans' point count
