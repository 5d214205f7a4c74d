"""CONTRIBUTING.md's worked example, replayed on a copy of the repository from before its row.

The copy is a git repository whose `main` holds the data without the example's statement (and
without its record of publication: that row came later). The section "Add a statement: a worked
example" is then followed as written: each `sh` block's commands run in the copy, each `csv FILE`
block is appended to FILE, and each `text` block must equal what the command before it printed.
The last command, `claims diff main --summary`, must print the expected one-line summary, and
data/published_ids.csv must be untouched: an unreleased row passes every check.
"""

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claims.coverage import write as write_coverage

REPO = Path(__file__).resolve().parents[1]
SECTION = "## Add a statement: a worked example"
BLOCK = re.compile(r"^ *```(\w+)(?: ([^\n]+))?\n(.*?)^ *```", re.M | re.S)


def walkthrough() -> list[tuple[str, str | None, str]]:
    """(language, argument, body) of each fenced block of the worked example, in order."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return [
        (language, argument, "\n".join(line.strip() for line in body.strip("\n").splitlines()))
        for language, argument, body in BLOCK.findall(section)
    ]


def example_ids() -> tuple[str, str]:
    """The statement and attestation IDs the example adds."""
    rows = {argument: body for language, argument, body in walkthrough() if language == "csv"}
    return rows["data/statements.csv"].split(",", 1)[0], rows["data/attestations.csv"].split(",", 1)[0]


def drop_rows(path: Path, keep) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, [row for row in reader if keep(row)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def before(tmp_path, archive) -> Path:
    """A copy of the repository's files, committed as `main`, without the example's rows."""
    root = tmp_path / "repo"
    for name in git(REPO, "ls-files", "-z").split("\0"):
        if name and (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    statement, attestation = example_ids()
    data = root / "data"
    drop_rows(data / "statements.csv", lambda r: r["statement_id"] != statement)
    drop_rows(
        data / "attestations.csv", lambda r: r["attestation_id"] != attestation and r["statement_id"] != statement
    )
    drop_rows(data / "statement_mentions.csv", lambda r: r["statement_id"] != statement and r["entity_id"] != statement)
    drop_rows(
        data / "statement_relations.csv", lambda r: statement not in (r["statement_id"], r["object_statement_id"])
    )
    drop_rows(data / "published_ids.csv", lambda r: (r["table_name"], r["id"]) != ("statements", statement))
    write_coverage(data, archive)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "before the worked example")
    return root


def claims(root: Path, archive: Path, command: str) -> subprocess.CompletedProcess:
    """A `claims …` line of the walk-through, run in the copy: its own data, generated files and
    git history (PYTHONPATH puts the copy's package first)."""
    words = shlex.split(command)
    assert words[0] == "claims", command
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "CLAIMS_ARCHIVE": str(archive), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "claims", *words[1:]], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_worked_example_has_commands_rows_and_the_expected_summary():
    kinds = [language for language, _, _ in walkthrough()]
    assert kinds.count("sh") >= 3 and kinds.count("csv") >= 3 and kinds[-1] == "text"
    assert "claims check" in "\n".join(body for language, _, body in walkthrough() if language == "sh")


def test_adding_a_statement_the_documented_way_passes_every_check(before, archive):
    published = (before / "data" / "published_ids.csv").read_bytes()
    last = None
    for language, argument, body in walkthrough():
        if language == "sh":
            for line in body.splitlines():
                last = claims(before, archive, line)
                assert last.returncode == 0, f"{line}\n{last.stdout}\n{last.stderr}"
        elif language == "csv":
            with (before / argument).open("a", encoding="utf-8", newline="") as handle:
                handle.write(body + "\n")
        elif language == "text":
            assert last is not None and last.stdout.strip() == body.strip(), f"expected {body!r}, got {last.stdout!r}"
    assert last.stdout.strip().startswith("statements +1; attestations +1")
    assert (before / "data" / "published_ids.csv").read_bytes() == published
    check = claims(before, archive, "claims check")
    summary = check.stdout.strip().splitlines()[-1]
    assert summary.startswith("claims check passed") and "provenance checked" in summary, check.stdout
    assert git(before, "status", "--porcelain", "--", "data/published_ids.csv") == ""
