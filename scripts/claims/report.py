"""Findings as the places that show them on a pull request's lines read them: GitHub workflow
annotations (`::error file=…,line=…,title=…::message`) and SARIF 2.1.0 for code scanning.

Paths are given relative to the repository root (`root`), as both formats want them; a finding
that belongs to no file (a bug in a layer) is annotated without one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from claims import __version__
from claims.findings import Finding
from claims.schema.catalogue import RULES

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL = "claims"
# The file of a finding that belongs to none: "(claims rows layer)"
NO_FILE = "("


def repository_path(finding: Finding, root: Path) -> str | None:
    """The finding's file relative to `root`, with forward slashes; None for a finding of no file."""
    if finding.path.startswith(NO_FILE):
        return None
    return Path(os.path.relpath(os.path.abspath(finding.path), root.absolute())).as_posix()


def text(finding: Finding) -> str:
    """The finding in one line: column, message and hint, as `claims validate` prints them."""
    where = "" if finding.column == "-" else f"{finding.column}: "
    return f"{where}{finding.message}" + (f" — hint: {finding.hint}" if finding.hint else "")


def _escape_data(value: str) -> str:
    # https://docs.github.com/actions/reference/workflow-commands-for-github-actions (toolkit's escapeData)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding, root: Path) -> str:
    """`::error file=data/statements.csv,line=64,title=[rule]::column: message — hint: …`"""
    properties = []
    path = repository_path(finding, root)
    if path is not None:
        properties += [f"file={_escape_property(path)}", f"line={finding.line}"]
    properties.append(f"title={_escape_property(f'[{finding.rule}]')}")
    return f"::error {','.join(properties)}::{_escape_data(text(finding))}"


def sarif(findings: list[Finding], root: Path) -> dict[str, Any]:
    """A SARIF 2.1.0 log of one run of claims: a rule for each rule id found (described from the
    rule catalogue where it is one of its rules) and a result for each finding, located on its
    file's line (files relative to the repository root, `%SRCROOT%`)."""
    rule_ids = sorted({finding.rule for finding in findings})
    rules = []
    for rule_id in rule_ids:
        described = RULES.get(rule_id)
        rule: dict[str, Any] = {
            "id": rule_id,
            "shortDescription": {"text": described.summary if described else rule_id.replace("-", " ")},
        }
        if described:
            rule["properties"] = {"scope": described.scope, "layer": described.layer}
        rules.append(rule)
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": rule_ids.index(finding.rule),
            "level": "error",
            "message": {"text": text(finding)},
        }
        path = repository_path(finding, root)
        if path is not None:
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": finding.line},
                    }
                }
            ]
        results.append(result)
    driver: dict[str, Any] = {"name": TOOL, "version": __version__, "rules": rules}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "results": results,
            }
        ],
    }
