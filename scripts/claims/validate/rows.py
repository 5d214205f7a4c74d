"""Layer 2, rows: each row through its pydantic model (types, patterns, cross-field rules, EDTF).

The fast engines (`check_sql`) select, with SQL generated from the rule catalogue, the rows that may
break a cell or row rule (never fewer than the models would reject); only those go through the
structure layer's frictionless check and the models, so every finding is the reference's own."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

import annotated_types
from pydantic import ValidationError

from claims.findings import Finding, short_repr
from claims.schema import TABLES, Row
from claims.schema.broken import RuleErrors
from claims.schema.catalogue import ID_PATTERN, TEXT_CELL_RULES, id_cell_sql, row_rules, text_cell_sql
from claims.schema.dates import edtf_bounds
from claims.schema.derived import DUCKDB_TYPES, table_schema
from claims.schema.dialect import sql_string
from claims.schema.expressions import SqlScope
from claims.schema.fields import FreeText, column_metadata
from claims.tablefile import Table
from claims.validate.run import Run
from claims.validate.structure import PATTERN_HINTS, frictionless_findings, without_unique

LAYER = "rows"


# rule ids raised by schema/fields.py, whose messages already name the value
CUSTOM_RULES = {rule.id.replace("-", "_") for rule in TEXT_CELL_RULES} | {"edtf", "timestamp", "boolean", "list"}


def check(run: Run) -> None:
    for model in TABLES:
        table = run.tables[model.meta.name]
        valid, findings = judge(model, table)
        for finding in findings:
            run.findings.add(finding)
        run.models[model.meta.name] = valid


def judge(model, table) -> tuple[list, list[Finding]]:
    """Each row of `table` through the model: the valid rows as (model, line), and the findings."""
    valid, findings = [], []
    for row, line in zip(table.rows, table.lines):
        try:
            valid.append((model.model_validate(row), line))
        except ValidationError as error:
            findings += _translate(error, table.shown, line)
    return valid, findings


def rule_of(detail: Mapping[str, Any]) -> str:
    """The rule id of one pydantic error (a cell's error; cross-field rules carry their own)."""
    if detail["type"] == "missing" or detail.get("input") is None:
        return "required"
    return {"string_pattern_mismatch": "pattern", "enum": "enum"}.get(detail["type"], detail["type"].replace("_", "-"))


def _translate(error: ValidationError, shown: str, line: int) -> list[Finding]:
    findings = []
    for detail in error.errors():
        context = detail.get("ctx", {})
        cause = context.get("error")
        if isinstance(cause, RuleErrors):
            for broken in cause.broken:
                findings.append(Finding(shown, line, broken.column, broken.rule, broken.message, broken.hint, LAYER))
            continue
        column = str(detail["loc"][0]) if detail["loc"] else "-"
        value = detail.get("input")
        kind = detail["type"]
        if kind == "missing" or value is None:
            findings.append(
                Finding(shown, line, column, "required", "is empty but required", "fill in the cell", LAYER)
            )
            continue
        message = detail["msg"].removeprefix("Value error, ")
        hint = ""
        if kind == "string_pattern_mismatch":
            message = f"{short_repr(value)} does not match the column's pattern"
            hint = PATTERN_HINTS.get(str(context.get("pattern")), f"pattern: {context.get('pattern')}")
        elif kind == "enum":
            message = f"{short_repr(value)} is not an allowed value"
            hint = f"use one of: {context.get('expected')}"
        elif kind not in CUSTOM_RULES:
            message = f"{message} (got {short_repr(value)})"
        rule = rule_of(detail)
        findings.append(Finding(shown, line, column, rule, message, hint, LAYER))
    return findings


# --- the fast engines: select with SQL from the catalogue, judge with the reference ---------------


def bounded_int(info) -> bool:
    """Whether a pydantic field is `int` (or None) with bounds only (annotated_types Ge, Le, Gt,
    Lt): lax validation then accepts every canonical decimal within the bounds."""
    annotation, metadata = column_metadata(info)
    return annotation is int and all(
        isinstance(m, (annotated_types.Ge, annotated_types.Le, annotated_types.Gt, annotated_types.Lt))
        for m in metadata
    )


def selection_kinds(model: type[Row]) -> dict[str, str]:
    """How each column's cells are selected: 'id' and 'text' (a FreeText column) by the catalogue's
    SQL, 'integer' (bounded, nothing else) by canonical form and bounds, 'distinct' by the
    reference's verdict on each distinct value."""
    kinds = {}
    for field in table_schema(model)["fields"]:
        constraints = field.get("constraints", {})
        info = model.model_fields[field["name"]]
        _annotation, metadata = column_metadata(info)
        if constraints.get("pattern") == ID_PATTERN.strip("^$"):
            kinds[field["name"]] = "id"
        elif (
            field["type"] == "integer" and set(constraints) <= {"required", "minimum", "maximum"} and bounded_int(info)
        ):
            kinds[field["name"]] = "integer"
        elif (
            field["type"] == "string"
            and any(isinstance(m, FreeText) for m in metadata)
            and set(constraints) <= {"required", "minLength"}
        ):
            kinds[field["name"]] = "text"
        else:
            kinds[field["name"]] = "distinct"
    return kinds


def reference_rejects(value: str | None, read_cell, adapter) -> bool:
    """Whether the reference layers reject this cell value: frictionless's cell reader (layer 1)
    or the pydantic field (layer 2)."""
    from pydantic import ValidationError

    _cell, notes = read_cell(value)
    if notes:
        return True
    try:
        adapter.validate_python(value)
    except ValidationError:
        return True
    return False


# The canonical decimal form of an integer that fits in a BIGINT: what frictionless's integer
# reader and pydantic's lax int both read (anything else goes to them).
CANONICAL_INTEGER = "0|[1-9][0-9]{0,17}"


def cell_selector(column: str, kind: str, required: bool, constraints: dict) -> str:
    """SQL that is TRUE whenever the reference may reject the cell (ID, text and integer columns)."""
    if required:
        empty = f"{column} IS NULL"
    else:
        empty = "FALSE"
    if kind == "id":
        rules = id_cell_sql(column)
    elif kind == "text":
        rules = text_cell_sql(column)
    else:
        bounds = [f"TRY_CAST({column} AS BIGINT) >= {constraints['minimum']}"] if "minimum" in constraints else []
        bounds += [f"TRY_CAST({column} AS BIGINT) <= {constraints['maximum']}"] if "maximum" in constraints else []
        rules = f"NOT ({' AND '.join([f'regexp_full_match({column}, {sql_string(CANONICAL_INTEGER)})', *bounds])})"
    return f"({empty} OR coalesce({rules}, FALSE))"


@cache
def cell_judges(model: type[Row], column: str):
    """frictionless's cell reader and a pydantic validator for one column, built once."""
    from frictionless import Field
    from pydantic import TypeAdapter

    info = model.model_fields[column]
    descriptor = next(f for f in table_schema(model)["fields"] if f["name"] == column)
    # the field's own type and metadata, as pydantic validates it inside the model
    column_type: Any = Annotated[info.annotation, info]
    return Field.from_descriptor(without_unique(descriptor)).create_cell_reader(), TypeAdapter(column_type)


def row_selector(model: type[Row], edtf_low: str | None = None, edtf_high: str | None = None) -> str:
    """SQL that is TRUE whenever a row rule of the catalogue may fire (generated from its conditions);
    `edtf_low` and `edtf_high` are the query's SQL for the bounds of the row's EDTF `date`."""
    types = {f["name"]: DUCKDB_TYPES[f["type"]] for f in table_schema(model)["fields"]}
    scope = SqlScope(types, edtf_low, edtf_high)
    conditions = [f"coalesce({rule.when.sql(scope)}, FALSE)" for rule in row_rules(model.meta.name)]
    return " OR ".join(conditions) or "FALSE"


def check_sql(run: Run, con) -> None:
    """Select the rows that may break a cell or row rule; the reference judges them."""
    edtf_values = set()
    for model in TABLES:
        if run.tables[model.meta.name].loaded and "date" in model.columns():
            edtf_values |= {
                v
                for (v,) in con.execute(
                    f"SELECT DISTINCT date FROM {model.meta.name} WHERE date IS NOT NULL"
                ).fetchall()
            }
    bounds = [(v, *(edtf_bounds(v) or (None, None))) for v in sorted(edtf_values)]
    con.execute("CREATE OR REPLACE TABLE _edtf (value VARCHAR, lo DATE, hi DATE)")
    if bounds:
        con.executemany("INSERT INTO _edtf VALUES (?, ?, ?)", bounds)

    for model in TABLES:
        name = model.meta.name
        table = run.tables[name]
        if not table.loaded:
            continue
        schema = {f["name"]: f for f in table_schema(model)["fields"]}
        joins, selectors = [], []
        for index, (column, kind) in enumerate(selection_kinds(model).items()):
            if kind == "distinct":
                read_cell, adapter = cell_judges(model, column)
                rejected = [
                    (value,)
                    for (value,) in con.execute(f"SELECT DISTINCT {column} FROM {name}").fetchall()
                    if reference_rejects(value, read_cell, adapter)
                ]
                con.execute(f"CREATE OR REPLACE TABLE _v{index} (value VARCHAR)")
                if rejected:
                    con.executemany(f"INSERT INTO _v{index} VALUES (?)", rejected)
                    joins.append(
                        f"LEFT JOIN (SELECT value, TRUE AS bad FROM _v{index}) _v{index} ON _v{index}.value IS NOT DISTINCT FROM t.{column}"
                    )
                    selectors.append(f"_v{index}.bad IS NOT NULL")
            else:
                constraints = schema[column].get("constraints", {})
                selectors.append(cell_selector(f"t.{column}", kind, bool(constraints.get("required")), constraints))
        edtf_join = "LEFT JOIN _edtf ON _edtf.value = t.date" if "date" in schema else ""
        bounds_columns = ", _edtf.lo AS _date_low, _edtf.hi AS _date_high" if edtf_join else ""
        columns = model.columns()
        query = (
            f"WITH c AS (SELECT t.* {bounds_columns}, {' OR '.join(selectors) or 'FALSE'} AS _cells FROM {name} t {' '.join(joins)} {edtf_join}) "
            f"SELECT _line, {', '.join(columns)} FROM c WHERE _cells OR {row_selector(model, '_date_low', '_date_high')} ORDER BY _line"
        )
        selected = con.execute(query).fetchall()
        if not selected:
            continue
        suspects = Table(name, table.path, table.shown, columns, loaded=True)
        suspects.rows = [{column: value or "" for column, value in zip(columns, row[1:])} for row in selected]
        suspects.lines = [row[0] for row in selected]
        for finding in frictionless_findings(model, suspects):
            run.findings.add(finding)
        valid, findings = judge(model, suspects)
        for finding in findings:
            run.findings.add(finding)
        valid_lines = {line for _model, line in valid}
        bad_lines = [(line,) for line in suspects.lines if line not in valid_lines]
        if bad_lines:
            con.executemany(f"INSERT INTO _bad_{name} VALUES (?)", bad_lines)
