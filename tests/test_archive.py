"""The archive as an HTTP(S) content-addressed store, served here from 127.0.0.1: files checked
against their SHA-256 and cached; a missing file, an altered file, a refused token or a silent
store is a finding (file, line, column, rule, hint), never a traceback. And `claims archive add`."""

import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.archive import Archive, sha256_file
from claims.cli import cli
from claims.validate import validate

pytestmark = pytest.mark.rules

FORTUNE = "fortune-2025-11-25-witkoff-advised-russia"
LAYERS = ("structure", "rows", "integrity", "provenance")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`claims ARGS` in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "claims", *args], capture_output=True, text=True)


def fortune_sha(dataset) -> str:
    return dataset.row("sources", source_id=FORTUNE)["archive_sha256"]


def provenance_findings(dataset, url, engine="reference"):
    run = validate(dataset.dir, url, layers=LAYERS, engine=engine)
    assert "provenance" not in run.skipped
    return run, {(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings}


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_the_store_gives_the_same_verdict_as_the_folder(dataset, store, engine):
    run, findings = provenance_findings(dataset, store.url, engine)
    assert findings == set()
    assert not any("wikidata" in note for note in run.notes)  # BASE/wikidata.csv was read
    cached = store.cache / fortune_sha(dataset)
    assert sha256_file(cached) == fortune_sha(dataset)


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_the_store_still_catches_a_wrong_offset(dataset, store, engine):
    row = dataset.row("attestations", attestation_id="att-004")
    line = dataset.edit(
        "attestations",
        {"attestation_id": "att-004"},
        char_start=str(int(row["char_start"]) + 1),
        char_end=str(int(row["char_end"]) + 1),
    )
    _, findings = provenance_findings(dataset, store.url, engine)
    assert ("attestations.csv", line, "excerpt", "excerpt-mismatch") in findings


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_a_tampered_file_is_a_finding_and_is_not_used(dataset, store, engine):
    sha = fortune_sha(dataset)
    served = store.folder / sha
    served.write_text(served.read_text(encoding="utf-8").replace("Witkoff", "Whitcoff"), encoding="utf-8")
    run, findings = provenance_findings(dataset, store.url, engine)
    line = dataset.line_of("sources", source_id=FORTUNE)
    assert ("sources.csv", line, "archive_sha256", "archive-hash-mismatch") in findings
    finding = next(f for f in run.findings if f.rule == "archive-hash-mismatch")
    assert sha in finding.message and "publishes" in finding.hint
    assert not any(f.rule == "excerpt-mismatch" for f in run.findings)  # nothing of the altered text was used
    assert not (store.cache / sha).exists()


def test_a_missing_file_is_a_finding(dataset, store):
    (store.folder / fortune_sha(dataset)).unlink()
    run, findings = provenance_findings(dataset, store.url)
    assert (
        "sources.csv",
        dataset.line_of("sources", source_id=FORTUNE),
        "archive_sha256",
        "archive-missing",
    ) in findings
    finding = next(f for f in run.findings if f.rule == "archive-missing")
    assert "404" in finding.message and "claims archive add" not in finding.message


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_a_refused_token_is_a_finding(dataset, store, monkeypatch, token):
    if token:
        monkeypatch.setenv("CLAIMS_ARCHIVE_TOKEN", token)
    else:
        monkeypatch.delenv("CLAIMS_ARCHIVE_TOKEN")
    run, findings = provenance_findings(dataset, store.url)
    assert (
        "sources.csv",
        dataset.line_of("sources", source_id=FORTUNE),
        "archive_sha256",
        "archive-access-refused",
    ) in findings
    finding = next(f for f in run.findings if f.rule == "archive-access-refused")
    assert "401" in finding.message and "CLAIMS_ARCHIVE_TOKEN" in finding.hint
    assert token not in finding.message if token else "not set" in finding.message


def test_a_store_that_does_not_answer_in_time_is_a_finding(dataset, store, monkeypatch):
    store.handler.delay = 2.0
    monkeypatch.setenv("CLAIMS_ARCHIVE_TIMEOUT", "0.3")
    started = time.perf_counter()
    run, findings = provenance_findings(dataset, store.url)
    assert (
        "sources.csv",
        dataset.line_of("sources", source_id=FORTUNE),
        "archive_sha256",
        "archive-unreachable",
    ) in findings
    assert time.perf_counter() - started < 10  # asked once, not once per file


def test_a_store_that_is_not_there_is_a_finding(dataset, monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMS_CACHE", str(tmp_path / "cache"))
    _, findings = provenance_findings(dataset, "http://127.0.0.1:9/")
    assert (
        "sources.csv",
        dataset.line_of("sources", source_id=FORTUNE),
        "archive_sha256",
        "archive-unreachable",
    ) in findings


def test_cached_files_serve_when_the_store_is_down_and_damaged_ones_are_fetched_again(dataset, store):
    sha = fortune_sha(dataset)
    assert Archive.open(store.url).text(sha) is not None
    cached = store.cache / sha
    store.handler.token = "another"  # the store now refuses us: only the cache can answer
    assert Archive.open(store.url).text(sha) is not None
    cached.write_bytes(cached.read_bytes()[:-10])
    reopened = Archive.open(store.url)
    assert reopened.text(sha) is None and reopened.why_missing(sha)[0] == "archive-access-refused"


def test_the_command_line_prints_the_finding_and_no_traceback(dataset, store):
    (store.folder / fortune_sha(dataset)).write_bytes(b"altered")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "claims",
            "validate",
            "--data",
            str(dataset.dir),
            "--archive",
            store.url,
            "--layers",
            ",".join(LAYERS),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    line = dataset.line_of("sources", source_id=FORTUNE)
    assert f"sources.csv:{line}: archive_sha256: [archive-hash-mismatch]" in result.stdout
    assert "hint:" in result.stdout


def test_archive_pull_copies_the_cited_texts(dataset, store, tmp_path):
    result = CliRunner().invoke(
        cli, ["archive", "pull", str(tmp_path / "local"), "--data", str(dataset.dir), "--archive", store.url]
    )
    assert result.exit_code == 0, result.output
    assert sha256_file(tmp_path / "local" / fortune_sha(dataset)) == fortune_sha(dataset)
    assert (tmp_path / "local" / "wikidata.csv").is_file()
    assert validate(dataset.dir, tmp_path / "local", layers=LAYERS).findings == []


def test_archive_add_stores_by_hash_and_prints_the_row_values(archive, tmp_path):
    capture = next(Path(archive).glob(f"{FORTUNE}*.txt"))
    folder = tmp_path / "mine"
    result = CliRunner().invoke(
        cli,
        [
            "archive",
            "add",
            str(capture),
            "--archive",
            str(folder),
            "--body-from",
            "Witkoff advised Russia on how to pitch",
            "--body-to",
            "That sounds good.”",
        ],
    )
    assert result.exit_code == 0, result.output
    sha = sha256_file(capture)
    assert f"archive_sha256: {sha}" in result.output
    assert (
        "body_char_start: 133" in result.output and "body_char_end: 8407" in result.output
    )  # the curated row's values
    assert sha256_file(folder / sha) == sha
    again = CliRunner().invoke(cli, ["archive", "add", str(capture), "--archive", str(folder)])
    assert "already archived" in again.output and "claims locate" in again.output
    assert sorted(p.name for p in folder.iterdir()) == [sha]


def test_archive_add_refuses_what_is_not_utf8_text(tmp_path):
    capture = tmp_path / "page.bin"
    capture.write_bytes(b"\xff\xfe binary")
    result = CliRunner().invoke(cli, ["archive", "add", str(capture), "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2 and "UTF-8" in result.output
    assert not (tmp_path / "a").exists()


def test_the_token_is_not_carried_to_another_origin_on_a_redirect(dataset, store, tmp_path, monkeypatch):
    seen = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers.get("Authorization"))
            self.send_error(404)

        def log_message(self, *args):
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Elsewhere)
    threading.Thread(target=other.serve_forever, daemon=True).start()

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.2:{other.server_address[1]}{self.path}")
            self.end_headers()

        def log_message(self, *args):
            pass

    redirecting = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=redirecting.serve_forever, daemon=True).start()
    try:
        archive = Archive.open(f"http://127.0.0.1:{redirecting.server_address[1]}")
        assert archive.text(fortune_sha(dataset)) is None
        assert seen and seen == [None] * len(seen)  # the other origin was asked, without the token
    finally:
        for server in (other, redirecting):
            server.shutdown()
            server.server_close()


def test_a_store_that_trickles_is_cut_off_at_the_timeout(dataset, tmp_path, monkeypatch):
    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("CLAIMS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("CLAIMS_ARCHIVE_TIMEOUT", "1")
    try:
        started = time.perf_counter()
        archive = Archive.open(f"http://127.0.0.1:{server.server_address[1]}")
        assert archive.text(fortune_sha(dataset)) is None
        assert time.perf_counter() - started < 5
        assert archive.why_missing(fortune_sha(dataset))[0] == "archive-unreachable"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("timeout", ["abc", "-1", "0", "nan", "inf", "1e400"])
def test_an_unusable_timeout_is_a_usage_error(dataset, monkeypatch, timeout):
    monkeypatch.setenv("CLAIMS_ARCHIVE_TIMEOUT", timeout)
    result = CliRunner().invoke(cli, ["validate", "--data", str(dataset.dir), "--archive", "http://127.0.0.1:9/"])
    assert result.exit_code == 2 and "CLAIMS_ARCHIVE_TIMEOUT" in result.output, result.output


def test_an_unparsable_store_url_is_a_usage_error(dataset, monkeypatch):
    result = CliRunner().invoke(cli, ["validate", "--data", str(dataset.dir), "--archive", "http://[::1/"])
    assert result.exit_code == 2 and "does not parse" in result.output, result.output
    monkeypatch.setenv("CLAIMS_ARCHIVE", "http://[::1/")
    result = CliRunner().invoke(cli, ["validate", "--data", str(dataset.dir)])
    assert result.exit_code == 2 and "does not parse" in result.output, result.output


@pytest.mark.parametrize("kind", ["fifo", "empty", "nul"])
def test_archive_add_refuses_what_is_not_a_text_capture(tmp_path, kind):
    import os

    capture = tmp_path / "capture.txt"
    if kind == "fifo":
        os.mkfifo(capture)
    else:
        capture.write_bytes(b"" if kind == "empty" else b"text\x00more")
    result = CliRunner().invoke(cli, ["archive", "add", str(capture), "--archive", str(tmp_path / "a")])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_a_wikidata_list_the_store_serves_that_is_not_utf8_confirms_no_id(dataset, store, engine):
    (store.folder / "wikidata.csv").write_bytes("name,wikidata_id\nZelens\xefkyi,Q3\n".encode("latin-1"))
    run, findings = provenance_findings(dataset, store.url, engine)
    lines = {
        dataset.line_of("actors", actor_id=row["actor_id"]) for row in dataset.read("actors")[1] if row["wikidata_id"]
    }
    assert findings == {("actors.csv", line, "wikidata_id", "wikidata-unconfirmed") for line in lines}
    assert all("is not valid UTF-8" in f.message for f in run.findings)


def test_archive_pull_does_not_copy_an_unusable_wikidata_list(dataset, store, tmp_path):
    (store.folder / "wikidata.csv").write_text("label,wikidata_id\n", encoding="utf-8")
    result = run_cli("archive", "pull", str(tmp_path / "local"), "--data", str(dataset.dir), "--archive", store.url)
    assert result.returncode == 1
    assert "wikidata.csv has no column name" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "local" / fortune_sha(dataset)).is_file() and not (tmp_path / "local" / "wikidata.csv").exists()


def _sources_without_hashes(path):
    path.write_text(path.read_text(encoding="utf-8").replace("archive_sha256", "sha", 1), encoding="utf-8")


UNREADABLE_SOURCES = {
    "missing": lambda path: path.unlink(),
    "a folder": lambda path: (path.unlink(), path.mkdir()),
    "without archive_sha256": _sources_without_hashes,
    "not UTF-8": lambda path: path.write_bytes(path.read_bytes() + b"caf\xe9\n"),
}


@pytest.mark.parametrize("damage", UNREADABLE_SOURCES.values(), ids=UNREADABLE_SOURCES.keys())
def test_archive_pull_with_unreadable_sources_says_what_to_fix(dataset, store, tmp_path, damage):
    damage(dataset.path("sources"))
    result = run_cli("archive", "pull", str(tmp_path / "local"), "--data", str(dataset.dir), "--archive", store.url)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "this is a bug" not in result.stderr
    assert "sources.csv" in result.stderr.strip().splitlines()[-1]


def test_a_redirect_to_another_scheme_is_refused_and_said(dataset, monkeypatch):
    class ToFtp(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", f"ftp://127.0.0.1:9{self.path}")
            self.end_headers()

        def log_message(self, *args):
            pass

    redirecting = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ToFtp)
    threading.Thread(target=redirecting.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{redirecting.server_address[1]}"
        archive = Archive.open(base)
        sha = fortune_sha(dataset)
        assert archive.text(sha) is None
        rule, why, hint = archive.why_missing(sha)
        assert rule == "archive-unreachable" and f"redirected to ftp://127.0.0.1:9/{sha}" in why and "http(s)" in hint
        assert "cannot reach" not in why
    finally:
        redirecting.shutdown()
        redirecting.server_close()


def _answers(raw: bytes):
    """A store on 127.0.0.1 that answers every request with `raw` bytes, then closes the connection."""
    import socketserver

    class Raw(socketserver.StreamRequestHandler):
        def handle(self):
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):  # the request and its headers
                pass
            self.wfile.write(raw)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Raw)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


# Answers that are not HTTP a client can read (an exit 3, or `[internal-error]`, before).
BROKEN_ANSWERS = {
    "a bad status line": b"HTTP/1.1 two hundred OK\r\n\r\n",
    "101 headers": b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: y\r\n" % k for k in range(101)) + b"\r\n",
    "a 70 kB header line": b"HTTP/1.1 200 OK\r\nX-Long: " + b"y" * 70_000 + b"\r\n\r\n",
    "broken chunks": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
    "a redirect that does not parse": b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n",
    "a body cut short": b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this",
}


@pytest.mark.parametrize("raw", BROKEN_ANSWERS.values(), ids=BROKEN_ANSWERS.keys())
def test_a_store_that_answers_broken_http_is_unreachable_and_said(dataset, tmp_path, monkeypatch, raw):
    server = _answers(raw)
    monkeypatch.setenv("CLAIMS_CACHE", str(tmp_path / "cache"))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        archive = Archive.open(url)
        sha = fortune_sha(dataset)
        assert archive.text(sha) is None
        rule, why, _hint = archive.why_missing(sha)
        assert rule == "archive-unreachable" and url in why, why
        result = CliRunner().invoke(cli, ["validate", "--data", str(dataset.dir), "--archive", url])
        assert result.exit_code == 1 and "archive-unreachable" in result.output
        assert "internal-error" not in result.output, result.output
        result = CliRunner().invoke(
            cli, ["archive", "pull", str(tmp_path / "local"), "--data", str(dataset.dir), "--archive", url]
        )
        assert result.exit_code == 1 and "this is a bug" not in result.output, result.output
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("engine", ["reference", "fast"])
def test_a_wikidata_list_the_store_cuts_short_confirms_no_id(dataset, store, engine, monkeypatch):
    """A truncated wikidata.csv was read as far as it went (its missing IDs 'not in the list')."""
    listed = (store.folder / "wikidata.csv").read_bytes()
    serve = store.handler.do_GET

    def cut_short(handler):
        if not handler.path.endswith("/wikidata.csv"):
            return serve(handler)
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(listed)))
        handler.end_headers()
        handler.wfile.write(listed[: len(listed) // 2])
        handler.close_connection = True

    monkeypatch.setattr(store.handler, "do_GET", cut_short)
    run, findings = provenance_findings(dataset, store.url, engine)
    lines = {
        dataset.line_of("actors", actor_id=row["actor_id"]) for row in dataset.read("actors")[1] if row["wikidata_id"]
    }
    assert findings == {("actors.csv", line, "wikidata_id", "wikidata-unconfirmed") for line in lines}
    assert all("could not be fetched whole" in f.message and "bytes of the" in f.message for f in run.findings)


def test_archive_pull_replaces_a_damaged_copy(dataset, store, tmp_path):
    """A file already in FOLDER under the hash is kept only if it has that hash (a damaged or
    truncated copy was kept, and validation against the folder then said `archive-missing`)."""
    local = tmp_path / "local"
    local.mkdir()
    (local / fortune_sha(dataset)).write_bytes(b"half a capt")
    result = run_cli("archive", "pull", str(local), "--data", str(dataset.dir), "--archive", store.url)
    assert result.returncode == 0, result.stderr
    assert sha256_file(local / fortune_sha(dataset)) == fortune_sha(dataset)
    assert [path.name for path in local.iterdir() if path.name.startswith(".")] == []


@pytest.mark.parametrize("folder", ["/dev/null/x", "/proc/claims-archive", "/sys/claims-archive"])
def test_archive_pull_into_a_folder_that_cannot_take_the_copies_says_so(dataset, store, folder):
    result = run_cli("archive", "pull", folder, "--data", str(dataset.dir), "--archive", store.url)
    assert result.returncode == 2, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert f"{folder} cannot take the copies" in last and "give another FOLDER" in last, result.stderr
    assert "--out" not in result.stderr and "this is a bug" not in result.stderr
