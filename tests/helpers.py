"""What the test modules share besides fixtures (those are in conftest.py): the repository's paths,
a scratch copy of the data with helpers to break it, git in a scratch repository, the servers the
site's tests start, how a finding is compared, and the one comparison of the engines."""

from __future__ import annotations

import asyncio
import csv
import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from claims.archive import default_archive
from claims.contrib.add import next_id
from claims.site import serve
from claims.validate import Run, validate

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium")
# Flags for a root, sandboxless, offline machine: no GPU, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# The Great Expectations layer takes seconds per run; tests of the other layers leave it out, and
# tests/test_expectations.py runs it.
FAST_LAYERS = ("structure", "rows", "integrity", "provenance")

# Property tests run a small fixed budget, derandomised so that every run tries the same inputs; a
# longer campaign sets CLAIMS_FUZZ_EXAMPLES=2000 (random seeds; hypothesis prints the seed and the
# shrunk input of any failure).
FUZZ_EXAMPLES = int(os.environ.get("CLAIMS_FUZZ_EXAMPLES", "12"))
FUZZ_CAMPAIGN = "CLAIMS_FUZZ_EXAMPLES" in os.environ


def archive_or_none() -> Path | None:
    found = default_archive()
    return found if found is not None and found.is_dir() else None


class Dataset:
    """A copy of data/ in a temporary folder, with helpers to break it. `archive` is None where
    the archived texts are absent: then the provenance layer is skipped, and the tests that need
    it ask for the `archive` fixture."""

    def __init__(self, root: Path, archive: Path | None, data: Path = DATA):
        self.dir = root / "data"
        shutil.copytree(data, self.dir)
        self.archive = archive

    @classmethod
    def at(cls, folder: Path) -> Dataset:
        """The helpers on a data folder as it is, edited in place (no copy, no archive)."""
        found = cls.__new__(cls)
        found.dir, found.archive = folder, None
        return found

    def archive_args(self) -> list[str]:
        return ["--archive", str(self.archive)] if self.archive else ["--no-archive"]

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.csv"

    def read(self, table: str) -> tuple[list[str], list[dict[str, str]]]:
        with self.path(table).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            return list(reader.fieldnames), list(reader)

    def write(self, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
        with self.path(table).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

    def row(self, table: str, **match: str) -> dict[str, str]:
        _, rows = self.read(table)
        return next(r for r in rows if all(r[k] == v for k, v in match.items()))

    def line_of(self, table: str, **match: str) -> int:
        """Physical line of the first row matching `match` (rows here have no embedded line breaks)."""
        _, rows = self.read(table)
        index = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))
        return index + 2

    def edit(self, table: str, match: dict[str, str], **changes: str) -> int:
        """Change cells of the first row matching `match`; return that row's line number."""
        header, rows = self.read(table)
        index = next(i for i, r in enumerate(rows) if all(r[k] == v for k, v in match.items()))
        rows[index].update(changes)
        self.write(table, header, rows)
        return index + 2

    def append(self, table: str, **cells: str) -> int:
        header, rows = self.read(table)
        rows.append({column: cells.get(column, "") for column in header})
        self.write(table, header, rows)
        return len(rows) + 1

    def delete(self, table: str, **match: str) -> None:
        header, rows = self.read(table)
        self.write(table, header, [r for r in rows if not all(r[k] == v for k, v in match.items())])

    def validate(self, with_archive: bool = True, layers=FAST_LAYERS):
        return validate(self.dir, self.archive if with_archive else None, layers=layers)

    def next_id(self, table: str) -> str:
        """The ID the next row of `table` takes, as `claims add` gives it: one above the highest the
        data has ever used. A test that adds a row takes it, so that a contribution taking the next
        ID in the live data never breaks a test."""
        found = next_id(self.dir, table)
        assert found is not None, f"{table} numbers none of its IDs"
        return found

    def alias_in_excerpts_of(self, event_id: str) -> str:
        """A capitalised word of the event's excerpts that names no actor yet: an alias a new
        participant can take, since a participant is named in its event's excerpts."""
        names = {n for r in self.read("actors")[1] for n in [r["name"], *r["aliases"].split("|")] if n}
        excerpts = [r["excerpt"] for r in self.read("attestations")[1] if r["event_id"] == event_id]
        return next(w for w in re.findall(r"\b[A-Z][a-z]{3,}\b", " ".join(excerpts)) if w not in names)

    def findings(self, with_archive: bool = True, layers=FAST_LAYERS) -> set[tuple[str, int, str, str]]:
        """(file name, line, column, rule) of every finding."""
        run = self.validate(with_archive, layers)
        return {(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings}


def full(run) -> list[tuple]:
    """Everything a finding says: file, line, column, rule, message and hint (and how many)."""
    return sorted((Path(f.path).name, f.line, f.column, f.rule, f.message, f.hint) for f in run.findings)


def scratch_data_copy(source: Path) -> Path:
    """A temporary folder holding a copy of `source`/data (hypothesis runs many examples per test, so
    pytest's tmp_path, one per test, will not do); the caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix="claims-fuzz-"))
    shutil.copytree(source / "data", folder / "data")
    return folder


def engines_agree(
    data_dir: Path, archive: Path | None, layers: tuple[str, ...], engines: tuple[str, ...] = ("reference", "fast")
) -> Run:
    """Run every engine on the same data and layers: each must report what the first reports, finding
    by finding in full (file, line, column, rule, message, hint) and as many times. Returns the first
    engine's run."""
    first = validate(data_dir, archive, layers=layers, engine=engines[0])
    for engine in engines[1:]:
        assert full(validate(data_dir, archive, layers=layers, engine=engine)) == full(first), (
            f"the {engine} engine disagrees with the {engines[0]} engine"
        )
    return first


def run_claims(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the installed CLI as a user would, in a separate process (`env` adds to the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "claims", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "120", **(env or {})},
    )


def git(cwd: Path, *args: str) -> str:
    """git in `cwd`, as a test user; its output."""
    return subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def copy_repository(root: Path) -> Path:
    """The repository's tracked files in `root`, a new git repository with them committed as `main`."""
    for name in git(REPO, "ls-files", "-z").split("\0"):
        if name and ((REPO / name).is_file() or (REPO / name).is_symlink()):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            # a committed link (scripts/claims/schema -> ../../schema) stays a link, to the copy's own schema
            shutil.copy2(REPO / name, root / name, follow_symlinks=False)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the repository's files")
    return root


def datasette_site(database: Path):
    """An in-process Datasette over `database`, configured as `claims serve` configures it: the
    metadata, templates, settings and inspect file, with the project's plugin (no server needed)."""
    from datasette.app import Datasette

    from claims.project import SITE_DIR

    counts = database.with_name("counts.json")
    return Datasette(
        [],
        immutables=[str(database)],
        metadata=json.loads((SITE_DIR / "metadata.json").read_text(encoding="utf-8")),
        template_dir=str(SITE_DIR / "templates"),
        settings=serve.SETTINGS,
        inspect_data=json.loads(counts.read_text(encoding="utf-8")) if counts.is_file() else None,
    )


class InProcessSite:
    """The site as `claims serve` configures it, answered by Datasette's in-process client (no
    server, no port), its startup hooks run as a server runs them: for tests of what the pages say,
    where no real server is under test. `get` answers as a server's client would: (status, JSON or text)."""

    def __init__(self, database: Path):
        self.datasette = datasette_site(database)
        self.loop = asyncio.new_event_loop()  # one loop for the site's life: its SQL threads are bound to it
        self.loop.run_until_complete(self.datasette.invoke_startup())

    def get(self, path: str) -> tuple[int, dict | list | str]:
        response = self.loop.run_until_complete(self.datasette.client.get(path))
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def close(self) -> None:
        self.loop.close()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server exited with {process.returncode}: {process.stderr.read()[-2000:] if process.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


class Server:
    """`claims serve`'s Datasette command over `database`, on a free local port."""

    def __init__(self, database: Path):
        self.port = serve.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            serve.datasette_command(database, self.port), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        wait_until_up(self.url + "/-/versions.json", self.process)

    def get(self, path: str) -> tuple[int, dict | str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                body = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as error:
            body, status = error.read().decode(), error.code
        try:
            return status, json.loads(body)
        except json.JSONDecodeError:
            return status, body

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class SiteServer:
    """The deployable folder's own serve.sh, with the environment's datasette on PATH."""

    def __init__(self, folder: Path):
        self.port = serve.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        }
        # serve.sh execs datasette: this process is the server
        self.process = subprocess.Popen(
            ["sh", str(folder / "serve.sh")],
            env=env,
            cwd="/",
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until_up(self.url + "/-/versions.json", self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# The archive store's bearer token in the tests (the `store` fixture serves with it).
STORE_TOKEN = "s3cret-read-token"


class Store(http.server.SimpleHTTPRequestHandler):
    """Serves the store folder; asks for the bearer token; `delay` seconds before each answer."""

    token = STORE_TOKEN
    delay = 0.0

    def do_GET(self):
        time.sleep(self.delay)
        if self.token and self.headers.get("Authorization") != f"Bearer {self.token}":
            self.send_error(401, "Unauthorized")
            return
        super().do_GET()

    def log_message(self, *args):
        pass


def shot(page, name: str, full_page: bool = False) -> None:
    """A screenshot of the browser's page, kept in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def fetch(url: str | urllib.request.Request, timeout: float = 30) -> tuple[int, dict, bytes, float]:
    """(status, headers, body, seconds) of one request (a GET, given a URL)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, headers, body = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    return status, {k.lower(): v for k, v in headers.items()}, body, time.monotonic() - started


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def get_from(url: str, source: str, timeout: float = 60, headers: dict | None = None) -> tuple[int, float]:
    """(status, seconds) of one GET sent from the local address `source` (another client)."""
    parts = urllib.parse.urlsplit(url)
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers=headers or {})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.monotonic() - started
