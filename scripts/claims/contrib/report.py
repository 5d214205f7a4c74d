"""Findings as the places that show them on a pull request's lines read them: GitHub workflow
annotations (`::error file=…,line=…,title=…::message`), the job summary (Markdown) and SARIF 2.1.0
for code scanning.

Paths are given relative to the repository root (`root`), as both formats want them; a finding
that belongs to no file (a bug in a layer) is annotated without one. GitHub shows only the first
ANNOTATIONS_PER_STEP error annotations of a step, and a pull request from a fork cannot upload
SARIF: so the findings on the lines a pull request changed come first (`pull_request_order`), the
ones past the limit are said to be so, and the job summary lists every finding.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from claims import project
from claims.findings import Finding
from claims.schema.catalogue import RULES
from claims.version import git_output, toolchain_version

# GitHub shows at most this many error annotations of one step ("10 error annotations … per step":
# actions/toolkit, docs/problem-matchers.md); the rest are in the log only.
ANNOTATIONS_PER_STEP = 10
HUNK = re.compile(r"^@@ -[0-9,]+ \+(?P<start>[0-9]+)(?:,(?P<count>[0-9]+))? @@")


class RevisionUnknown(ValueError):
    """The revision to compare with is not one git knows here."""


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


def changed_lines(root: Path, base: str) -> dict[str, set[int]]:
    """The lines of each file (repository paths) that differ from revision `base` in the working
    tree: the lines a pull request adds or changes, from `git diff`."""
    where = project.at(root)
    if git_output(where, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}") is None:
        raise RevisionUnknown(f"git does not know the revision {base!r} in {root}")
    output = git_output(
        where, "-c", "core.quotePath=off", "diff", "--unified=0", "--no-color", "--no-ext-diff", base, "--"
    )
    changed: dict[str, set[int]] = {}
    path = None
    for line in (output or "").splitlines():
        if line.startswith("+++ "):
            path = line[len("+++ b/") :] if line.startswith("+++ b/") else None
        elif (hunk := HUNK.match(line)) and path is not None:
            start, count = int(hunk["start"]), int(hunk["count"] or 1)
            changed.setdefault(path, set()).update(range(start, start + count))
    return changed


def pull_request_order(findings: list[Finding], root: Path, changed: dict[str, set[int]]) -> list[Finding]:
    """The findings on lines the pull request changed first, then those elsewhere in the files it
    changed, then the rest; each group in the order given."""

    def rank(finding: Finding) -> int:
        path = repository_path(finding, root)
        if path is None or path not in changed:
            return 2
        return 0 if finding.line in changed[path] else 1

    return sorted(findings, key=rank)


def github_annotations(findings: list[Finding], root: Path) -> list[str]:
    """The lines that annotate `findings` (in the order given) in a workflow's log: the first
    ANNOTATIONS_PER_STEP as error annotations, the rest as plain lines, and then a warning saying
    how many were not annotated."""
    shown = [github_annotation(finding, root) for finding in findings[:ANNOTATIONS_PER_STEP]]
    rest = findings[ANNOTATIONS_PER_STEP:]
    if rest:
        shown += [f"not annotated: {text_line(finding, root)}" for finding in rest]
        shown.append(
            f"::warning title=Findings not annotated::{len(findings)} findings; GitHub annotates "
            f"{ANNOTATIONS_PER_STEP} a step, those on the lines this pull request changed first: "
            f"{len(rest)} are not annotated; the job summary lists every finding"
        )
    return shown


def text_line(finding: Finding, root: Path) -> str:
    """The finding in one line, with its repository path: `data/statements.csv:64: column: message — hint`."""
    path = repository_path(finding, root)
    return (f"{path}:{finding.line}: " if path else "") + f"[{finding.rule}] {text(finding)}"


def _markdown_cell(value: str) -> str:
    """`value` as the text of a Markdown table's cell: no markup, no cell or line break."""
    for character, written in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "&#96;")):
        value = value.replace(character, written)
    return " ".join(value.split("\n")).replace("\r", " ")


def job_summary(findings: list[Finding], root: Path, verdict: str) -> str:
    """The job summary in Markdown: every finding (in the order given; the first
    ANNOTATIONS_PER_STEP are annotated on their lines), how many were not annotated, and the
    check's one-line verdict last."""
    lines = []
    if findings:
        lines += ["| | where | rule | finding |", "| --- | --- | --- | --- |"]
        for number, finding in enumerate(findings, start=1):
            path = repository_path(finding, root)
            where = f"{path}:{finding.line}" if path else "(no file)"
            mark = "annotated" if number <= ANNOTATIONS_PER_STEP else "not annotated"
            lines.append(
                f"| {mark} | {_markdown_cell(where)} | {_markdown_cell(finding.rule)} | {_markdown_cell(text(finding))} |"
            )
        missed = max(len(findings) - ANNOTATIONS_PER_STEP, 0)
        lines += [
            "",
            f"{len(findings)} finding(s); {min(len(findings), ANNOTATIONS_PER_STEP)} annotated on their lines "
            f"(GitHub shows {ANNOTATIONS_PER_STEP} a step, those on the lines this pull request changed first)"
            + (f", {missed} not annotated: they are listed here only." if missed else "."),
            "",
        ]
    return "\n".join([*lines, verdict]) + "\n"


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
                        # a relative URI reference: each path segment percent-encoded (RFC 3986)
                        "artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": finding.line},
                    }
                }
            ]
        results.append(result)
    driver: dict[str, Any] = {"name": TOOL, "version": toolchain_version(), "rules": rules}
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
