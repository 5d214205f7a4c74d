"""CONTRIBUTING.md's worked example, replayed on a copy of the repository from before its row.

The copy is a git repository whose `main` holds the data without the example's statement (and
without its record of publication: that row came later). The section "Add a statement: a worked
example" is then followed as written, twice, on two copies: its `claims add` part, and its part
"The same rows by hand". Each `sh` block's commands run in the copy, each `csv FILE` block is
appended to FILE, and each `text` block must equal what the command before it printed. Both ways
end with `claims diff main --summary` printing the expected one-line summary, leave
data/published_ids.csv untouched (an unreleased row passes every check), and give the same files.
"""

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claims.coverage import write as write_coverage

REPO = Path(__file__).resolve().parents[1]
SECTION = "## Add a statement: a worked example"
BY_HAND = "### The same rows by hand"
BLOCK = re.compile(r"^ *```(\w+)(?: ([^\n]+))?\n(.*?)^ *```", re.M | re.S)


def walkthrough(part: str = "all") -> list[tuple[str, str | None, str]]:
    """(language, argument, body) of each fenced block of the worked example, in order: of its
    `claims add` part ("add"), of its part by hand ("hand"), or of both ("all")."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    with_add, by_hand = section.split(BY_HAND, 1)
    chosen = {"add": with_add, "hand": by_hand, "all": section}[part]
    return [
        (language, argument, "\n".join(line.strip() for line in body.strip("\n").splitlines()))
        for language, argument, body in BLOCK.findall(chosen)
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
def before(tmp_path, archive):
    """Makes copies of the repository's files, each committed as `main`, without the example's rows."""

    def copy(name: str) -> Path:
        root = tmp_path / name
        for file in git(REPO, "ls-files", "-z").split("\0"):
            if file and ((REPO / file).is_file() or (REPO / file).is_symlink()):
                (root / file).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(REPO / file, root / file, follow_symlinks=False)  # the schema link stays a link
        statement, attestation = example_ids()
        data = root / "data"
        drop_rows(data / "statements.csv", lambda r: r["statement_id"] != statement)
        drop_rows(
            data / "attestations.csv", lambda r: r["attestation_id"] != attestation and r["statement_id"] != statement
        )
        drop_rows(
            data / "statement_mentions.csv", lambda r: r["statement_id"] != statement and r["entity_id"] != statement
        )
        drop_rows(
            data / "statement_relations.csv", lambda r: statement not in (r["statement_id"], r["object_statement_id"])
        )
        drop_rows(
            data / "published_ids.csv",
            lambda r: (r["table_name"], r["id"]) not in {("statements", statement), ("attestations", attestation)},
        )
        write_coverage(data, archive)
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "before the worked example")
        return root

    return copy


def claims(root: Path, archive: Path, command: str) -> subprocess.CompletedProcess:
    """A `claims …` line of the walk-through, run in the copy: its own data, generated files and
    git history (PYTHONPATH puts the copy's package first)."""
    words = shlex.split(command)
    assert words[0] == "claims", command
    env = {**os.environ, "PYTHONPATH": str(root / "scripts"), "CLAIMS_ARCHIVE": str(archive), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "claims", *words[1:]], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )


def replay(root: Path, archive: Path, part: str) -> dict[str, subprocess.CompletedProcess]:
    """Follow one part of the worked example in `root`: run, append, compare; each command's result
    (the last of each command line)."""
    results: dict[str, subprocess.CompletedProcess] = {}
    last = None
    for language, argument, body in walkthrough(part):
        if language == "sh":
            for line in body.splitlines():
                last = results[line] = claims(root, archive, line)
                assert last.returncode == 0, f"{line}\n{last.stdout}\n{last.stderr}"
        elif language == "csv":
            with (root / argument).open("a", encoding="utf-8", newline="") as handle:
                handle.write(body + "\n")
        elif language == "text":
            assert last is not None and last.stdout.strip() == body.strip(), f"expected {body!r}, got {last.stdout!r}"
    assert last is not None
    return results


def test_the_worked_example_has_commands_rows_and_the_expected_summary():
    for part in ("add", "hand"):
        kinds = [language for language, _, _ in walkthrough(part)]
        assert kinds.count("sh") >= 2 and kinds[-1] == "text", part
        assert "claims check" in "\n".join(body for language, _, body in walkthrough(part) if language == "sh")
    assert walkthrough("add")[0][2].startswith("claims add statement")
    assert {argument for language, argument, _ in walkthrough("hand") if language == "csv"} >= {
        "data/statements.csv",
        "data/attestations.csv",
        "data/statement_mentions.csv",
    }


def test_claims_add_writes_the_rows_written_by_hand_and_both_pass_every_check(before, archive):
    drafted, by_hand = before("with-claims-add"), before("by-hand")
    published = (drafted / "data" / "published_ids.csv").read_bytes()
    with ThreadPoolExecutor(2) as pool:  # the two ways, side by side (each waits on its own commands)
        replayed = dict(zip(("add", "hand"), pool.map(replay, (drafted, by_hand), (archive, archive), ("add", "hand"))))
    for root, part in ((drafted, "add"), (by_hand, "hand")):
        results = replayed[part]
        assert results["claims diff main --summary"].stdout.strip().startswith("statements +1; attestations +1")
        assert (root / "data" / "published_ids.csv").read_bytes() == published
        check = results["claims check"]  # the walk-through's own, after its rows are in
        summary = check.stdout.strip().splitlines()[-1]
        assert summary.startswith("claims check passed") and "provenance checked" in summary, check.stdout
        assert git(root, "status", "--porcelain", "--", "data/published_ids.csv") == ""
    for path in sorted((by_hand / "data").iterdir()):
        assert (drafted / "data" / path.name).read_bytes() == path.read_bytes(), path.name


def test_make_check_replays_the_worked_example(request):
    """CONTRIBUTING says `make check` runs the tests a docs change can break: this replay is one,
    so none of the markers `make check` leaves out is on it."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    left_out = re.search(r"^SLOW_TESTS := (.+)$", makefile, re.M).group(1).split(" or ")
    assert left_out and not [marker for marker in left_out if request.node.get_closest_marker(marker)]
