"""Hardening of the served database (scripts/claims/hardening.py): hostile requests get a 4xx within
seconds, the server stays under a stated memory bound, ordinary pages stay fast, security headers
on every response, no absolute path served.

The tests take a `hardened_server` fixture; tests/test_deploy.py imports them and runs them again
against the deployable bundle's own serve command.
"""

import asyncio
import http.client
import sqlite3
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claims import hardening
from test_datasette import Server, curated_db  # noqa: F401 - the session fixture

# The server's resident memory never exceeds this (VmHWM, the peak), hostile requests included.
MAX_SERVER_RSS_MB = hardening.MAX_SERVER_RSS_MB
ORDINARY_PAGE = "/claims/statements"

# Each asks SQLite for seconds of work or gigabytes inside one step (measured before the
# hardening: printf 22.8 s, randomblob(4e8) a 533 MB answer and 3 GB resident).
HOSTILE_SQL = {
    "printf-precision": "select length(printf('%.*c', 300000000, 'x'))",
    "printf-width": "select length(printf('%300000000d', 1))",
    "format-precision": "select length(format('%.*c', 300000000, 'x'))",
    "printf-blob-format": "select length(printf(cast('%.*c' as blob), '300000000abc', 'x'))",
    "sort-big-cross-join": "select a.text, b.text, c.text from statements a, statements b, statements c, statements d, statements e order by random() limit 1",
    "randomblob": "select randomblob(400000000)",
    "randomblob-1e9": "select length(randomblob(1000000000))",
    "zeroblob": "select length(zeroblob(400000000))",
    "fts3-tokenizer": "select fts3_tokenizer('simple')",
    "fts3-tokenizer-register": "select fts3_tokenizer('evil', x'4141414141414141')",
    "doubling-string": "with recursive r(i, x) as (select 0, 'x' union all select i + 1, x || x from r where i < 40) select max(length(x)) from r",
    # 2,000 rows of 4 × 160 kB: 1.3 GB of cells, stopped by the result budget
    "wide-result": "with recursive r(i, x) as (select 0, 'xxxxxxxxxx' union all select i + 1, x || x from r where i < 14) select a.x, a.x, a.x, a.x from (select x from r where i = 14) a, statements, statements",
    "like-pattern": "select 'x' like (select group_concat('%a', '') from statements a, statements b)",
    "deep-expression": "select " + "1 + " * 1500 + "1",
    "runaway-recursion": "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n",
    "load-extension": "select load_extension('/lib/x86_64-linux-gnu/libc.so.6')",
}
HOSTILE_PATHS = {
    "sort-nonexistent": "/claims/statements?_sort=nonexistent",
    "sort-desc-nonexistent": "/claims/statements.json?_sort_desc=nonexistent",
    "sort-and-sort-desc": "/claims/statements?_sort=text&_sort_desc=text",
    "through-not-json": "/claims/statements?_through=notjson",
    "through-missing-keys": "/claims/statements?_through=" + urllib.parse.quote('{"table": "x"}'),
    "in-not-json": "/claims/statements.json?statement_id__in=" + urllib.parse.quote("["),
    "size-too-big": "/claims/statements.json?_size=100000",
    # a raw search is FTS5's own syntax (a search box's text is escaped: a lone quote there finds nothing)
    "fts-syntax": "/claims/statements.json?_searchmode=raw&_search=" + urllib.parse.quote('"'),
    # Datasette 0.65 answered 500 for hiding the column the page is sorted by (default or asked)
    "nocol-default-sort": "/claims/statements?_nocol=date_order",
    "nocol-asked-sort": "/claims/statements?_sort=speaker_id&_nocol=speaker_id",
    # filter values SQLite cannot bind (a 500, "type 'dict' is not supported", in Datasette 0.65)
    "in-objects": "/claims/statements.json?speaker_id__in=" + urllib.parse.quote("[{}]"),
    "in-nested-list": "/claims/statements.json?speaker_id__in=" + urllib.parse.quote("[[1]]"),
    "in-nested-5000-deep": "/claims/statements.json?speaker_id__in=" + urllib.parse.quote("[" * 5000 + "]" * 5000),
    # a CSV export of a query that fails: 200 with an empty body, or a 500 past the time limit, before
    "csv-missing-table": "/claims.csv?sql=" + urllib.parse.quote("select * from nonexistent"),
    "csv-denied-function": "/claims.csv?sql=" + urllib.parse.quote("select randomblob(3)"),
    "csv-past-the-time-limit": "/claims.csv?sql=" + urllib.parse.quote(HOSTILE_SQL["runaway-recursion"]),
    # full-text searches of 15,000 words: FTS5 holds an iterator a word (the server grew by 100 MB)
    "search-15000-words": "/claims/search.json?q=" + urllib.parse.quote("the " * 15000),
    "table-search-15000-words": "/claims/statements.json?_search=" + urllib.parse.quote("the " * 15000),
    "raw-search-15000-words": "/claims/statements.json?_searchmode=raw&_search=" + urllib.parse.quote("the " * 15000),
    # a MATCH of 40,000 terms built in SQL: past SQLite's heap bound
    "sql-match-40000-terms": "/claims.json?sql="
    + urllib.parse.quote(
        "select count(*) from statements_fts where statements_fts match (select group_concat('the', ' ') from "
        "(with recursive r(i) as (select 1 union all select i + 1 from r where i < 40000) select i from r))"
    ),
}


def hostile_requests() -> dict[str, str]:
    return {
        **{name: "/claims.json?sql=" + urllib.parse.quote(sql) for name, sql in HOSTILE_SQL.items()},
        **HOSTILE_PATHS,
    }


@pytest.fixture(scope="module")
def hardened_server(curated_db):  # noqa: F811 - the imported fixture
    running = Server(curated_db)
    yield running
    running.stop()


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


def ordinary_page_seconds(server) -> float:
    """The best of three loads of an ordinary table page (one load is at the mercy of the shared machine)."""
    return min(fetch(server.url + ORDINARY_PAGE)[3] for _ in range(3))


@pytest.mark.parametrize("name", sorted(hostile_requests()))
def test_hostile_request_gets_4xx_quickly_and_ordinary_pages_stay_fast(hardened_server, name):
    status, _headers, body, seconds = fetch(hardened_server.url + hostile_requests()[name])
    assert 400 <= status < 500, (status, body[:300])
    assert seconds < 5, seconds
    assert len(body) < 100_000
    assert peak_rss_mb(hardened_server.process.pid) < MAX_SERVER_RSS_MB
    assert ordinary_page_seconds(hardened_server) < 0.2


def test_ordinary_queries_still_work(hardened_server):
    for sql in [
        "select printf('%5.2f|%-8s|%d', 3.14159, 'ab', 7) as v",
        "select format('%s-%s', 'a', 'b') as v",
        "select count(*) as v from statements",
    ]:
        status, _headers, body, _ = fetch(
            hardened_server.url + "/claims.json?_shape=array&sql=" + urllib.parse.quote(sql)
        )
        assert status == 200, body
    status, _h, body, _ = fetch(
        hardened_server.url
        + "/claims.json?_shape=array&sql="
        + urllib.parse.quote("select printf('%5.2f|%-8s|%d', 3.14159, 'ab', 7) as v")
    )
    assert b'" 3.14|ab      |7"' in body


def test_security_headers_on_every_kind_of_response(hardened_server):
    for path in [
        "/",
        "/claims/statements",
        "/claims/statements.json",
        "/claims.csv?sql=select+1",
        "/-/static/app.css",
        "/-/timeline",
        "/claims/nonexistent",
        "/claims.json?sql=select+randomblob(1)",
    ]:
        _status, headers, _body, _ = fetch(hardened_server.url + path)
        assert "script-src 'self' 'sha256-" in headers["content-security-policy"], path
        assert "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1].split(";")[0], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_no_absolute_path_is_served(hardened_server, curated_db):  # noqa: F811
    # the served name is a symlink into build/.versions/: neither folder may show
    folders = [
        str(Path(curated_db).absolute().parent).encode(),
        str(Path(curated_db).resolve().parent).encode(),
        b"/tmp/",
        b"/work/",
    ]
    status, _h, body, _ = fetch(
        hardened_server.url
        + "/claims.json?_shape=array&sql="
        + urllib.parse.quote("select * from pragma_database_list")
    )
    assert status == 200 and b'"file": null' in body and not [f for f in folders if f in body]
    for path in [
        "/-/databases.json",
        "/-/databases",
        "/-/settings.json",
        "/claims.json",
        "/-/metadata.json",
        "/-/versions.json",
        "/-/plugins.json",
    ]:
        status, _h, body, _ = fetch(hardened_server.url + path)
        assert status == 200 and not [f for f in folders if f in body.replace(b"\\/", b"/")], path
    _status, _h, body, _ = fetch(hardened_server.url + "/-/databases.json")
    assert b'"path": "claims.db"' in body


def test_a_connection_gets_every_bound():
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    hardening.harden_connection(conn, "claims")
    for limit, value in hardening.SQL_LIMITS.items():
        assert conn.getlimit(limit) == value
    with pytest.raises(sqlite3.OperationalError, match="not authorized"):
        conn.execute("select randomblob(10)")
    with pytest.raises(sqlite3.DataError, match="too big"):
        conn.execute("select length(replace(printf('%.*c', 1000, 'x'), 'x', printf('%.*c', 1000, 'y')))").fetchall()
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("select printf('%.*c', 1001, 'x')").fetchall()
    assert conn.execute("select printf('%.*c', 1000, 'x')").fetchone()[0] == "x" * 1000
    with pytest.raises(hardening.TooBig, match="larger than"):
        conn.execute(
            "with recursive r(i) as (select 1 union all select i + 1 from r where i < 100) select printf('%.*c', 1000, 'x') as a, printf('%.*c', 1000, 'x') as b, * from r, r as s"
        ).fetchall()
    assert (
        len(
            conn.execute(
                "with recursive r(i) as (select 1 union all select i + 1 from r where i < 100) select * from r"
            ).fetchall()
        )
        == 100
    )
    assert hardening.harden_connection(internal := sqlite3.connect(":memory:"), "_internal") is None
    assert internal.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) > hardening.MAX_VALUE_BYTES


@pytest.mark.parametrize(
    "fmt, args, widths",
    [
        ("%.*c", (300, "x"), [300]),
        ("%.*c", ("300000000abc", "x"), [300000000]),
        ("%*d", (b"12", 1), [12]),
        ("%*d", (-5000, 1), [5000]),
        ("%5.2f %%", (1.0,), [5, 2]),
        ("%-*s|%d", (12, "a", 3), [12]),
        ("%!.20g", (1.5,), [20]),
        ("no conversions", (), []),
    ],
)
def test_printf_widths(fmt, args, widths):
    assert hardening.printf_widths(fmt, args) == widths


def test_content_security_policy_allows_exactly_datasettes_inline_scripts():
    import re

    import datasette

    templates = Path(datasette.__file__).parent / "templates"
    policy = hardening.content_security_policy()
    for name in ("_codemirror_foot.html", "_close_open_menus.html"):
        for script in re.findall(r"<script>(.*?)</script>", (templates / name).read_text(), re.S):
            assert hardening._script_hash(script) in policy, name
    assert hardening._script_hash("alert(1)") not in policy


def test_datasettes_own_inline_scripts_run_under_the_policy(hardened_server):
    """The SQL editor (CodeMirror, started by an inline script) and the "SQL Interrupted" page run
    in Chromium with the policy on, and the console reports no violation."""
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed: run scripts/install-browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.goto(hardened_server.url + "/claims?sql=" + urllib.parse.quote("select 1"))
            assert page.locator(".CodeMirror").count() == 1
            page.goto(hardened_server.url + "/claims?sql=" + urllib.parse.quote(HOSTILE_SQL["runaway-recursion"]))
            assert "took too long" in page.content()
            assert page.evaluate("document.querySelector('textarea').style.height") != ""
            page.goto(hardened_server.url + "/claims/statements")
            assert [e for e in errors if "Content Security Policy" in e] == [], errors
            page.evaluate(
                "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"
            )
            assert page.evaluate("typeof window.__ran") == "undefined"  # an injected inline script is refused
            assert len([e for e in errors if "Content Security Policy" in e]) == 1, errors
        finally:
            browser.close()


def test_the_site_notes_state_the_bounds():
    readme = (Path(__file__).resolve().parents[1] / "docs" / "site.md").read_text(encoding="utf-8")
    for value in (
        hardening.MAX_VALUE_BYTES,
        hardening.MAX_RESULT_CHARS,
        hardening.MAX_SQL_BYTES,
        hardening.MAX_PRINTF_WIDTH,
    ):
        assert f"{value:,}" in readme, value
    assert f"{hardening.MAX_SERVER_RSS_MB} MB" in readme
    assert f"at most {hardening.MAX_SEARCH_WORDS} words" in readme
    assert f"bounded at {hardening.MAX_SQLITE_HEAP_MB} MB" in readme
    assert "looks at the clock twenty times" in readme and hardening.TIME_CHECKS == 20
    assert all(
        name in readme for name in hardening.DENIED_FUNCTIONS if name in {"fts3_tokenizer", "randomblob", "zeroblob"}
    )


BLANK_SEARCHES = [" ", "\t", '"', '""', "\u3000", "\x00"]


@pytest.mark.parametrize(
    "blank", BLANK_SEARCHES, ids=["space", "tab", "quote", "two-quotes", "ideographic-space", "nul"]
)
def test_a_blank_search_finds_nothing(hardened_server, blank):
    """A search box left blank is an empty result, not FTS5's syntax error."""
    q = urllib.parse.quote(blank)
    for path in (f"/claims/search.json?_shape=array&q={q}", f"/claims/statements.json?_shape=array&_search={q}"):
        status, _headers, body, _ = fetch(hardened_server.url + path)
        assert (status, body) == (200, b"[]"), (path, body[:200])
    status, _headers, body, _ = fetch(hardened_server.url + f"/claims/search.csv?q={q}")
    assert status == 200 and body.decode().splitlines() == [
        "statement_id,speaker,date,date_text,statement_type,text,excerpt,source_id"
    ]


def test_a_search_of_many_words_says_how_many_it_takes(hardened_server):
    words = " ".join(["peace"] * (hardening.MAX_SEARCH_WORDS + 1))
    status, _headers, body, _ = fetch(hardened_server.url + "/claims/search.json?q=" + urllib.parse.quote(words))
    assert status == 400 and f"at most {hardening.MAX_SEARCH_WORDS} words".encode() in body
    words = " ".join(["peace"] * hardening.MAX_SEARCH_WORDS)
    assert fetch(hardened_server.url + "/claims/search.json?q=" + urllib.parse.quote(words))[0] == 200


def resident_now_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def test_memory_a_large_match_took_goes_back(hardened_server):
    """A MATCH of 15,000 terms (about 40 MB of SQLite's heap, under its bound) answers, and the
    server shrinks back after it (glibc alone kept the freed memory in the SQL thread's arena)."""
    fetch(hardened_server.url + ORDINARY_PAGE)
    before = resident_now_mb(hardened_server.process.pid)
    sql = "select count(*) as n from statements_fts where statements_fts match :q"
    path = "/claims.json?_shape=array&sql=" + urllib.parse.quote(sql) + "&q=" + urllib.parse.quote("the " * 15000)
    status, _headers, body, _ = fetch(hardened_server.url + path)
    assert status == 200, body[:300]
    fetch(hardened_server.url + ORDINARY_PAGE)  # memory is given back after a response
    assert resident_now_mb(hardened_server.process.pid) < before + hardening.FreedMemory.GROWTH_MB


def test_failed_exports_and_bad_filters_print_no_traceback(curated_db):  # noqa: F811
    """The requests that were 500s answer 4xx with their reason, and the server log has no traceback
    (a refusal inside escape_fts or printf printed one too)."""
    running = Server(curated_db)
    try:
        for name in ("in-objects", "in-nested-5000-deep", "csv-missing-table", "csv-past-the-time-limit"):
            status, _headers, body, _ = fetch(running.url + HOSTILE_PATHS[name])
            assert status == 400, (name, body[:300])
        assert b"no such table: nonexistent" in fetch(running.url + HOSTILE_PATHS["csv-missing-table"])[2]
        for path in ("/claims/search", "/claims/statements", "/claims/statements_by_actor"):
            request = urllib.request.Request(running.url + path, data=b"q=peace", method="POST")
            status = fetch(request)[0]
            assert status == 405, (path, status)
        words = urllib.parse.quote(" ".join(["a"] * (hardening.MAX_SEARCH_WORDS + 1)))
        for sql in ("select escape_fts(:q)", "select printf('%.*c', 5000, 'x')"):
            assert fetch(running.url + "/claims.json?sql=" + urllib.parse.quote(sql) + "&q=" + words)[0] == 400
    finally:
        running.stop()
    log = running.process.stderr.read()
    assert "Traceback" not in log and "Caught this error" not in log, log[-2000:]


def get_from(url: str, source: str, timeout: float = 60) -> tuple[int, float]:
    """(status, seconds) of one GET sent from the local address `source` (another client)."""
    parts = urllib.parse.urlsplit(url)
    started = time.monotonic()
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0))
    try:
        connection.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.monotonic() - started


def test_one_clients_slow_queries_leave_a_thread_to_other_clients(hardened_server):
    """Nine queries of one client that each run to the 2 s limit hold at most all SQL threads but
    one: another client's pages are answered meanwhile (they waited 2 s or more for a thread)."""
    slow = hardened_server.url + "/claims.json?sql=" + urllib.parse.quote(HOSTILE_SQL["runaway-recursion"])
    with ThreadPoolExecutor(9) as pool:
        hostile = [pool.submit(get_from, slow, "127.0.0.1") for _ in range(9)]
        time.sleep(0.5)
        ordinary = [get_from(hardened_server.url + "/claims/statements/st-007.json", "127.0.0.2") for _ in range(5)]
        answers = [future.result() for future in hostile]
    assert {status for status, _ in answers} == {400}
    assert all(status == 200 and seconds < 1.5 for status, seconds in ordinary), ordinary


def test_a_client_holds_at_most_its_share_of_the_sql_threads():
    """ClientShares: one client runs at most `per_client` at once, in order; another is not held
    up; nothing is remembered once a client's queries are done."""
    shares = hardening.ClientShares(per_client=2)
    running = {"a": 0, "b": 0}
    most = {"a": 0, "b": 0}

    async def query(client, seconds):
        async with shares.share(client):
            running[client] += 1
            most[client] = max(most[client], running[client])
            await asyncio.sleep(seconds)
            running[client] -= 1

    async def scene():
        hostile = [asyncio.create_task(query("a", 0.05)) for _ in range(9)]
        await asyncio.sleep(0.01)
        started = time.monotonic()
        await query("b", 0)
        waited = time.monotonic() - started
        await asyncio.gather(*hostile)
        return waited

    waited = asyncio.run(scene())
    assert most == {"a": 2, "b": 1} and waited < 0.04
    assert shares.held == {} and shares.users == {}


def test_queries_look_at_the_clock_a_few_times_over_their_limit(monkeypatch):
    """A 10 ms facet looks at the clock about TIME_CHECKS times (Datasette: after every SQLite
    instruction), and a runaway query still stops near its limit."""
    import datasette.utils

    looks = []
    real = time.perf_counter

    def counted():
        looks.append(1)
        return real()

    conn = sqlite3.connect(":memory:")
    runaway = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
    monkeypatch.setattr(hardening.time, "perf_counter", counted)
    started = real()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"), hardening.time_limit(conn, 10):
        conn.execute(runaway).fetchall()
    stopped_after, ours = real() - started, len(looks)
    looks.clear()
    with pytest.raises(sqlite3.OperationalError), datasette.utils.sqlite_timelimit(conn, 10):
        conn.execute(runaway).fetchall()
    assert ours < 10 * hardening.TIME_CHECKS < len(looks)
    assert stopped_after < 0.5
