"""Equal by construction: every rule id of the catalogue (and every rule the expectation suites name)
has a generator that breaks it (tests/rule_breakers.py; tests/test_engines_agree.py runs each on
every engine), every expectation kind has a compiled form, and the fast engine's SQL selects every
cell a rule's Python test rejects."""

from __future__ import annotations

import json

import duckdb
import pytest

from claims.project import SUITES_DIR
from claims.schema import TABLES
from claims.schema.catalogue import RULES, TEXT_CELL_RULES, text_cell_sql
from claims.schema.derived import table_schema
from claims.schema.text import CONTROL_RANGES, WHITESPACE_RANGES, invisible_ranges
from claims.validate.expectations import COMPILED_EXPECTATIONS
from claims.validate.rows import cell_judges, cell_selector, reference_rejects, selection_kinds
from rule_breakers import GENERATORS

pytestmark = pytest.mark.slow


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
