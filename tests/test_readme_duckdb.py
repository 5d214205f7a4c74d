"""Every DuckDB example of the README runs, and claims.duckdb is a file DuckDB 1.x opens.

The examples are read from README.md itself (fenced `sh` lines that start with `duckdb`, fenced
`python` blocks that import duckdb, inline code that starts with `duckdb ` or `SELECT `), so the
README stays the one place they are written. The `duckdb` CLI need not be installed: each command
line is run through the Python duckdb module with the same database, SQL and working directory.
"""

import re
import shlex
import shutil
from pathlib import Path

import duckdb
import pytest

from claims.build.tables import DUCKDB_STORAGE_VERSION
from claims.project import EXAMPLES_DIR

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)
# What DuckDB 1.x reads: storage version numbers 64 (1.0) to 68 (1.5); 2.x writes 69.
DUCKDB_1_NUMBERS = range(64, 69)


def examples() -> list[tuple[str, str]]:
    """(kind, text): "cli" command lines, "python" blocks, "sql" statements, in README order."""
    found = []
    for language, body in FENCE.findall(README):
        if language == "sh":
            found += [("cli", line.split("  #")[0].strip()) for line in body.splitlines() if line.startswith("duckdb ")]
        elif language == "python" and "import duckdb" in body:
            found.append(("python", body))
    prose = FENCE.sub("", README)
    for span in re.findall(r"`([^`\n]+)`", prose):
        if span.startswith("duckdb "):
            found.append(("cli", span))
        elif span.startswith("SELECT "):
            found.append(("sql", span))
    return found


def run_cli_line(line: str) -> list:
    """`duckdb [DATABASE] (-c SQL | < FILE)` through the Python module."""
    words = shlex.split(line.replace(" < ", " -f "))
    assert words[0] == "duckdb"
    database, sql = ":memory:", None
    args = iter(words[1:])
    for word in args:
        if word == "-c":
            sql = next(args)
        elif word == "-f":
            sql = Path(next(args)).read_text(encoding="utf-8")
        else:
            database = word
    assert sql, f"no SQL in {line!r}"
    con = duckdb.connect(database, read_only=database != ":memory:")
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, curated_build):
    """A folder laid out like the repository after `claims build` (the session's build, copied)."""
    root = tmp_path_factory.mktemp("readme")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(EXAMPLES_DIR, root / "scripts" / "claims" / "queries" / "examples")
    shutil.copytree(curated_build, root / "build")
    return root


def test_the_readme_has_duckdb_examples():
    kinds = [kind for kind, _ in examples()]
    assert kinds.count("cli") >= 3 and "python" in kinds and "sql" in kinds


@pytest.mark.parametrize("kind,example", examples(), ids=lambda value: value[:60] if isinstance(value, str) else None)
def test_each_readme_example_runs(workdir, monkeypatch, kind, example):
    monkeypatch.chdir(workdir)
    if kind == "cli":
        rows = run_cli_line(example)
        assert rows, f"{example!r} returned no rows"
    elif kind == "sql":
        assert duckdb.sql(example).fetchall(), f"{example!r} returned no rows"
    else:
        exec(compile(example, "README.md", "exec"), {})


def test_claims_duckdb_is_in_a_format_duckdb_1_reads(workdir):
    header = (workdir / "build" / "claims.duckdb").read_bytes()[:20]
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") in DUCKDB_1_NUMBERS
    assert DUCKDB_STORAGE_VERSION.startswith("v1.")
    assert f"DuckDB {DUCKDB_STORAGE_VERSION[1:].rsplit('.', 1)[0]}" in README  # the README states the requirement
