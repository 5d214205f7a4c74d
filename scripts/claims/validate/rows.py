"""Layer 2, rows: each row through its pydantic model (types, patterns, cross-field rules, EDTF)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from claims.findings import Finding, short_repr
from claims.schema import TABLES
from claims.schema.broken import RuleErrors
from claims.schema.catalogue import TEXT_CELL_RULES
from claims.schema.fields import ID_PATTERN, TIMESTAMP_PATTERN, URL_PATTERN
from claims.validate.run import Run

LAYER = "rows"

PATTERN_HINTS = {
    ID_PATTERN: "IDs are lower-case letters and digits joined by single hyphens, e.g. steve-witkoff (no capitals, spaces or invisible characters)",
    URL_PATTERN: "give an http:// or https:// address",
    TIMESTAMP_PATTERN: "e.g. 2025-11-25 or 2025-11-25T17:04:00-05:00",
}


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
