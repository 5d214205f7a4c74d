"""`claims check`: every check the pull-request workflow runs on the data, in one command.

Steps, in order: the tables in canonical form (`claims fmt --check`), the generated files in step
with the schema (`claims generate --check`), every validation layer (`claims validate`), and the
coverage checklists in step with the data (`claims coverage`). Each step's problems are findings
(file, line, column, rule), so that they can be shown on the lines of a pull request
(claims.report); the run ends with one summary line, which also says whether provenance was
checked and, if not, why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from claims import coverage, fmt, generate
from claims.archive import Location
from claims.findings import Finding
from claims.validate import validate


@dataclass
class Step:
    name: str
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None  # why the step did not run

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return "ok" if not self.findings else f"{len(self.findings)} problem(s)"


@dataclass
class CheckResult:
    steps: list[Step]
    provenance: str  # "checked against …" or "NOT checked: why"

    @property
    def ok(self) -> bool:
        return all(not step.findings for step in self.steps)

    @property
    def findings(self) -> list[Finding]:
        return [finding for step in self.steps for finding in step.findings]

    def summary(self) -> str:
        verdict = "passed" if self.ok else "FAILED"
        parts = "; ".join(f"{step.name} {step.status}" for step in self.steps)
        return f"claims check {verdict}: {parts}; provenance {self.provenance}"


def canonical_form(data_dir: Path) -> Step:
    step = Step("canonical form")
    changed, errors = fmt.format_tables(data_dir, check=True)
    step.findings += [
        Finding(
            os.path.relpath(path),
            1,
            "-",
            "canonical-form",
            f"not in canonical form ({'; '.join(what)})",
            "run `claims fmt`",
            "check",
        )
        for path, what in changed.items()
    ]
    step.findings += [
        Finding(
            os.path.relpath(path), 1, "-", "cannot-format", why, "fix the file first (see its other findings)", "check"
        )
        for path, why in errors.items()
    ]
    return step


def generated_files(cli_reference: str | None = None) -> Step:
    """The generated files in step with the schema (and docs/cli.md with the commands, when the
    command line gives its reference)."""
    step = Step("generated files")
    step.findings += [
        Finding(
            os.path.relpath(path),
            1,
            "-",
            "generated-file",
            "out of date",
            "run `claims generate` and commit the result",
            "check",
        )
        for path in generate.drifted(cli_reference=cli_reference)
    ]
    return step


def validation(data_dir: Path, archive: Location | None) -> tuple[Step, str]:
    step = Step("validation")
    run = validate(data_dir, archive)
    step.findings += sorted(run.findings)  # by file, line, column and rule
    if "provenance" in run.skipped:
        provenance = f"NOT checked: {run.skipped['provenance']}"
    else:
        provenance = f"checked against {run.archive_dir}"
    return step, provenance


def coverage_lists(data_dir: Path, archive: Location | None) -> Step:
    step = Step("coverage")
    if archive is None:
        step.skipped = "needs the archive"
        return step
    step.findings += coverage.check(data_dir, archive, os.path.relpath(data_dir / coverage.CHECKLIST_NAME))
    return step


def check(data_dir: Path, archive: Location | None, cli_reference: str | None = None) -> CheckResult:
    """Run every step (none stops the others) and collect what each found."""
    formatted = canonical_form(data_dir)
    steps = [formatted, generated_files(cli_reference)]
    validated, provenance = validation(data_dir, archive)
    # a file that cannot be formatted because its records cannot be read has that finding already
    broken = {os.path.abspath(f.path) for f in validated.findings if f.layer == "structure"}
    formatted.findings = [
        f for f in formatted.findings if not (f.rule == "cannot-format" and os.path.abspath(f.path) in broken)
    ]
    steps += [validated, coverage_lists(data_dir, archive)]
    return CheckResult(steps, provenance)
