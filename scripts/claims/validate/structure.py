"""Layer 1, structure and types: read each CSV carefully, then frictionless against the descriptor.

Keys (primary and foreign) are left to the integrity layer (DuckDB), which reports each broken
key once; frictionless checks types, required cells, lengths, patterns and enums.
"""

from __future__ import annotations

import re

from claims.findings import Finding
from claims.schema import TABLES
from claims.schema.catalogue import shorten
from claims.schema.derived import table_schema
from claims.tablefile import read_table
from claims.validate.rows import PATTERN_HINTS
from claims.validate.run import Run

LAYER = "structure"

# frictionless error types → hints printed with the finding
HINTS = {
    "type-error": "write the value in the column's type (see datapackage.json)",
}
CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)


def check(run: Run) -> None:
    for model in TABLES:
        path = run.data_dir / f"{model.meta.name}.csv"
        table, findings = read_table(path, model, run.shown(path))
        run.tables[model.meta.name] = table
        for finding in findings:
            run.findings.add(finding)
    _frictionless(run)


def _frictionless(run) -> None:
    for model in TABLES:
        table = run.tables[model.meta.name]
        if table.loaded and table.rows:
            for finding in frictionless_findings(model, table):
                run.findings.add(finding)


def frictionless_findings(model, table) -> list[Finding]:
    """frictionless's type and constraint findings on the rows of `table` (all, or some of them)."""
    from frictionless import Resource, Schema

    findings = []
    descriptor = {key: value for key, value in table_schema(model).items() if key not in {"foreignKeys", "primaryKey"}}
    descriptor["fields"] = [_without_unique(field) for field in descriptor["fields"]]
    data = [table.columns] + [[row[column] for column in table.columns] for row in table.rows]
    resource = Resource(name=model.meta.name, data=data, schema=Schema.from_descriptor(descriptor))
    report = resource.validate()
    for task in report.tasks:
        for error in task.errors:
            row_number = getattr(error, "row_number", None)
            line = table.lines[row_number - 2] if row_number and row_number >= 2 else 1
            column = getattr(error, "field_name", None) or "-"
            cell = getattr(error, "cell", None)
            rule, message, hint = error.type, error.note, HINTS.get(error.type, error.description)
            constraint = CONSTRAINT.match(error.note) if error.type == "constraint-error" else None
            if constraint:
                rule, value = constraint.groups()
                message, hint = _constraint_message(rule, value, cell)
            elif cell not in (None, ""):
                message = f"{message} (cell {shorten(cell)})"
            findings.append(Finding(table.shown, line, column, rule, message, hint, LAYER))
    return findings


def _without_unique(field: dict) -> dict:
    """Uniqueness is a key rule, checked once by the integrity layer."""
    constraints = {k: v for k, v in field.get("constraints", {}).items() if k != "unique"}
    return {
        **{k: v for k, v in field.items() if k != "constraints"},
        **({"constraints": constraints} if constraints else {}),
    }


def rule_of(notes: dict) -> str:
    """The rule id frictionless's first note on a cell gives (as this layer reports it)."""
    first = next(iter(notes))
    return "type-error" if first == "type" else first


# The pattern of a column that lists terms of a vocabulary (claims.schema.derived writes it so):
# (?:a|b|c)(?:\|(?:a|b|c))*, whose terms the hint lists instead of the expression.
TERM_LIST = re.compile(r"\(\?:([\w|]+)\)\(\?:\\\|\(\?:\1\)\)\*")


def _constraint_message(rule: str, value: str, cell) -> tuple[str, str]:
    if rule == "required":
        return "is empty but required", "fill in the cell"
    if rule == "pattern":
        terms = TERM_LIST.fullmatch(value)
        if terms:
            allowed = terms.group(1).replace("|", ", ")
            return (
                f"{shorten(cell)} is not a list of the column's terms",
                f"use one or more of: {allowed} (separated by '|')",
            )
        return f"{shorten(cell)} does not match the column's pattern", PATTERN_HINTS.get(
            f"^{value}$", f"pattern: {value}"
        )
    if rule == "enum":
        return f"{shorten(cell)} is not an allowed value", f"use one of: {value.strip('[]')}"
    return f"{shorten(cell)} breaks the {rule} constraint ({value})", "see the column's constraints in datapackage.json"
