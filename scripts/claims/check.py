"""`claims check`: every check the pull-request workflow runs on the data, in one command.

Steps, in order: the tables in canonical form (`claims fmt --check`), the generated files in step
with the schema (`claims generate --check`), CHANGELOG.md's sections in step with the release
records (data/releases.csv), every validation layer (`claims validate`), and the coverage
checklists in step with the data (`claims coverage`). Each step's problems are findings
(file, line, column, rule), so that they can be shown on the lines of a pull request
(claims.contrib.report); the run ends with one summary line, which also says whether provenance was
checked and, if not, why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from claims import coverage, generate, project
from claims.archive import Location
from claims.contrib import fmt
from claims.findings import Finding
from claims.validate import validate
from claims.version import history_problems


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


# What `claims fmt` would change that validation reports as well, by the rule that reports it: said once.
SAID_BY_VALIDATION = {
    "line-endings": (fmt.LINE_ENDINGS_MADE_LF, fmt.FINAL_BREAK_ADDED),
    "blank-row": (fmt.BLANK_LINES_REMOVED,),
    "encoding": (fmt.BOM_REMOVED,),
}


def first_changed_line(before: bytes, after: bytes) -> int:
    """The first line of `before` that `after` does not have the same (1 where only the very start
    differs, such as a byte-order mark)."""
    old, new = before.splitlines(), after.splitlines()
    return next((number for number, (a, b) in enumerate(zip(old, new), 1) if a != b), min(len(old), len(new)) + 1)


def canonical_form(
    data_dir: Path, reported: dict[str, set[str]] | None = None, found: dict[str, list[int]] | None = None
) -> Step:
    """The tables `claims fmt` would change, each at the first line it would change, with what it
    would change, less what validation reports in that file already (`reported`: absolute path →
    the structure rules found there): CRLF line endings are one finding, not two. Where validation
    found problems in the file (`found`: absolute path → their lines), those are fixed first:
    `claims fmt` keeps every cell as it is, so a stray quote it would wrap in quotes stays an error.
    A file that cannot be formatted because its records cannot be read has that finding already."""
    reported, found = reported or {}, found or {}
    step = Step("canonical form")
    changed, errors = fmt.planned(data_dir)
    for path, (data, what) in changed.items():
        said = [words for rule in reported.get(os.path.abspath(path), ()) for words in SAID_BY_VALIDATION.get(rule, ())]
        left = [change for change in what if not any(change.endswith(words) for words in said)]
        if left:
            lines = found.get(os.path.abspath(path))
            hint = (
                f"fix this file's other findings first (line {', '.join(map(str, lines[:3]))}"
                f"{', …' if len(lines) > 3 else ''}): `claims fmt` keeps every cell as it is; then run it"
                if lines
                else "run `claims fmt`"
            )
            step.findings.append(
                Finding(
                    os.path.relpath(path),
                    first_changed_line(Path(path).read_bytes(), data),
                    "-",
                    "canonical-form",
                    f"not in canonical form ({'; '.join(left)})",
                    hint,
                    "check",
                )
            )
    step.findings += [
        Finding(
            os.path.relpath(path), 1, "-", "cannot-format", why, "fix the file first (see its other findings)", "check"
        )
        for path, why in errors.items()
        if os.path.abspath(path) not in reported
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


def release_history(data_dir: Path) -> Step:
    """CHANGELOG.md's sections and the release records (data/releases.csv) tell one history."""
    step = Step("releases")
    changelog = project.current().changelog
    step.findings += [
        Finding(
            os.path.relpath(changelog),
            line,
            "-",
            "release-history",
            problem,
            "a release's section is dated as data/releases.csv records it (docs/maintaining.md, 'Releases')",
            "check",
        )
        for line, problem in history_problems(project.current(), data_dir)
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
    validated, provenance = validation(data_dir, archive)
    reported: dict[str, set[str]] = {}
    found: dict[str, list[int]] = {}
    for finding in validated.findings:
        if finding.layer == "structure":
            reported.setdefault(os.path.abspath(finding.path), set()).add(finding.rule)
        found.setdefault(os.path.abspath(finding.path), []).append(finding.line)
    found = {path: sorted(set(lines)) for path, lines in found.items()}
    steps = [
        canonical_form(data_dir, reported, found),
        generated_files(cli_reference),
        release_history(data_dir),
        validated,
    ]
    return CheckResult([*steps, coverage_lists(data_dir, archive)], provenance)
