"""`claims check`: every check the pull-request workflow runs on the data, in one command.

Steps, in order: the tables in canonical form (`claims fmt --check`), the generated files in step
with the schema (`claims generate --check`), every validation layer (`claims validate`), and the
coverage checklists in step with the data (`claims coverage`). Each step's problems are listed;
the run ends with one summary line, which also says whether provenance was checked and, if not, why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from claims import coverage, fmt, generate
from claims.archive import Location
from claims.validate import validate


@dataclass
class Step:
    name: str
    problems: list[str] = field(default_factory=list)  # printable lines, one per problem
    skipped: str | None = None  # why the step did not run

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        return "ok" if not self.problems else f"{len(self.problems)} problem(s)"


@dataclass
class CheckResult:
    steps: list[Step]
    provenance: str  # "checked against …" or "NOT checked: why"

    @property
    def ok(self) -> bool:
        return all(not step.problems for step in self.steps)

    def summary(self) -> str:
        verdict = "passed" if self.ok else "FAILED"
        parts = "; ".join(f"{step.name} {step.status}" for step in self.steps)
        return f"claims check {verdict}: {parts}; provenance {self.provenance}"


def canonical_form(data_dir: Path) -> Step:
    step = Step("canonical form")
    changed, errors = fmt.format_tables(data_dir, check=True)
    step.problems += [f"{os.path.relpath(path)}: not in canonical form: run `claims fmt`" for path in changed]
    step.problems += [f"{os.path.relpath(path)}: cannot format: {why}" for path, why in errors.items()]
    return step


def generated_files(cli_reference: str | None = None) -> Step:
    """The generated files in step with the schema (and docs/cli.md with the commands, when the
    command line gives its reference)."""
    step = Step("generated files")
    step.problems += [
        f"{os.path.relpath(path)}: out of date: run `claims generate` and commit the result"
        for path in generate.drifted(cli_reference=cli_reference)
    ]
    return step


def validation(data_dir: Path, archive: Location | None) -> tuple[Step, str]:
    step = Step("validation")
    run = validate(data_dir, archive)
    step.problems += [
        finding.format() for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.column, f.rule))
    ]
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
    step.problems += [
        finding.format()
        for finding in coverage.check(data_dir, archive, os.path.relpath(data_dir / coverage.CHECKLIST_NAME))
    ]
    return step


def check(data_dir: Path, archive: Location | None, cli_reference: str | None = None) -> CheckResult:
    """Run every step (none stops the others) and collect what each found."""
    steps = [canonical_form(data_dir), generated_files(cli_reference)]
    validated, provenance = validation(data_dir, archive)
    steps += [validated, coverage_lists(data_dir, archive)]
    return CheckResult(steps, provenance)
