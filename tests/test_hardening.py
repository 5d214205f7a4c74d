"""Hardening of the served database (scripts/claims/site/hardening.py): hostile requests get a 4xx within
seconds, the server stays under a stated memory bound, ordinary pages stay fast, security headers
on every response, no absolute path served.

The tests take a `hardened_server` fixture; those that take `any_server` run again against the
deployable bundle's own serve command.
"""

import asyncio
import json
import os
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.schema.presentation import FTS_TOKENIZER
from claims.site import hardening, serve
from helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FUZZ_CAMPAIGN,
    FUZZ_EXAMPLES,
    Server,
    fetch,
    get_from,
    peak_rss_mb,
    wait_until_up,
)
from site_requests import (
    EXPENSIVE_STEPS,
    HOSTILE_PATHS,
    HOSTILE_SQL,
    MATCH_BUILT_IN_SQL,
    MAX_SERVER_RSS_MB,
    ORDINARY_PAGE,
    hostile_requests,
)

pytestmark = pytest.mark.server


@pytest.fixture(scope="module", params=["claims serve", "claims publish"])
def any_server(request):
    """The server of `claims serve`, then that of the deployable folder `claims publish` writes: the
    tests that take it hold for both."""
    return request.getfixturevalue(
        {"claims serve": "hardened_server", "claims publish": "deployed_server"}[request.param]
    )


def ordinary_page_seconds(server) -> float:
    """The best of three loads of an ordinary table page (one load is at the mercy of the shared machine)."""
    return min(fetch(server.url + ORDINARY_PAGE)[3] for _ in range(3))


@pytest.mark.parametrize("name", sorted(hostile_requests()))
def test_hostile_request_gets_4xx_quickly_and_ordinary_pages_stay_fast(any_server, name):
    status, _headers, body, seconds = fetch(any_server.url + hostile_requests()[name])
    assert 400 <= status < 500, (status, body[:300])
    assert seconds < 5, seconds
    assert len(body) < 100_000
    assert peak_rss_mb(any_server.process.pid) < MAX_SERVER_RSS_MB
    assert ordinary_page_seconds(any_server) < 0.2


def test_ordinary_queries_still_work(any_server):
    for sql in [
        "select printf('%5.2f|%-8s|%d', 3.14159, 'ab', 7) as v",
        "select format('%s-%s', 'a', 'b') as v",
        "select count(*) as v from statements",
    ]:
        status, _headers, body, _ = fetch(any_server.url + "/claims.json?_shape=array&sql=" + urllib.parse.quote(sql))
        assert status == 200, body
    status, _h, body, _ = fetch(
        any_server.url
        + "/claims.json?_shape=array&sql="
        + urllib.parse.quote("select printf('%5.2f|%-8s|%d', 3.14159, 'ab', 7) as v")
    )
    assert b'" 3.14|ab      |7"' in body


def test_security_headers_on_every_kind_of_response(any_server):
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
        _status, headers, _body, _ = fetch(any_server.url + path)
        assert "script-src 'self' 'sha256-" in headers["content-security-policy"], path
        assert "unsafe-inline" not in headers["content-security-policy"].split("script-src")[1].split(";")[0], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_no_absolute_path_is_served(hardened_server, curated_db):
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
        hardening.MAX_RESULT_BYTES,
        hardening.MAX_SQL_BYTES,
        hardening.MAX_PRINTF_WIDTH,
    ):
        assert f"{value:,}" in readme, value
    assert f"{hardening.MAX_SERVER_RSS_MB} MB" in readme
    assert f"at most {hardening.MAX_SEARCH_WORDS} words" in readme
    assert f"bounded at {hardening.MAX_SQLITE_HEAP_MB} MB" in readme
    assert f"at most {hardening.MAX_FACETS} facets" in readme
    assert f"{hardening.MAX_LINK_BYTES:,} bytes" in readme
    assert f"${hardening.PROXIES_VARIABLE}" in readme
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
    path = "/claims.json?_shape=array&sql=" + urllib.parse.quote(MATCH_BUILT_IN_SQL % 15000)
    status, _headers, body, _ = fetch(hardened_server.url + path)
    assert status == 200, body[:300]
    fetch(hardened_server.url + ORDINARY_PAGE)  # memory is given back after a response
    assert resident_now_mb(hardened_server.process.pid) < before + hardening.FreedMemory.GROWTH_MB


def test_failed_exports_and_bad_filters_print_no_traceback(curated_db):
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
    # nor the failing SQL of a client's own, in full (up to 100 kB a request; a full pipe stopped the server)
    assert "nonexistent" not in log, log[-2000:]


def test_slow_queries_of_any_clients_leave_a_thread_to_ordinary_pages(hardened_server):
    """Nine queries of the clients' own SQL that each run to the 2 s limit — runaway and expensive
    per instruction, from three addresses, each claiming another with X-Forwarded-For — hold at
    most all SQL threads but one: another client's ordinary pages are answered meanwhile (they
    waited 2 s or more for a thread, 5.5 s with the header, 38 s with expensive queries)."""
    slow = [HOSTILE_SQL["runaway-recursion"]] * 6 + [HOSTILE_SQL["expensive-steps"]] * 3
    sources = ["127.0.0.1", "127.0.0.3", "127.0.0.4"]
    with ThreadPoolExecutor(9) as pool:
        hostile = [
            pool.submit(
                get_from,
                hardened_server.url + "/claims.json?sql=" + urllib.parse.quote(sql),
                sources[index % 3],
                headers={"X-Forwarded-For": f"10.9.{index}.1"},
            )
            for index, sql in enumerate(slow)
        ]
        time.sleep(0.5)
        ordinary = [
            get_from(hardened_server.url + path, "127.0.0.2")
            for path in ["/claims/statements/st-007.json", "/claims/statements.json", "/claims/search.json?q=peace"] * 2
        ]
        answers = [future.result() for future in hostile]
    assert {status for status, _ in answers} == {400}
    assert all(status == 200 and seconds < 1.5 for status, seconds in ordinary), ordinary


def test_other_clients_searches_succeed_while_others_fill_sqlites_heap(curated_db):
    """MATCHes of 24,000 terms built in SQL (about 60 MB of SQLite's heap each, six at a time from
    three addresses) fill the heap that all queries share; another client's searches still answer
    (34 of 834 failed before, 'the query needs more memory than the server gives all queries').
    A server of its own: SQLite's page caches, grown by earlier requests, share the same heap."""
    hardened_server = Server(curated_db)
    try:
        heap_filled_by_others(hardened_server)
    finally:
        hardened_server.stop()


def heap_filled_by_others(hardened_server) -> None:
    path = "/claims.json?sql=" + urllib.parse.quote(MATCH_BUILT_IN_SQL % 24_000)
    # one such MATCH alone fits the heap and answers: the load below is of real queries, whichever
    # of them the full heap then refuses
    assert get_from(hardened_server.url + path, "127.0.0.1")[0] == 200
    until = time.monotonic() + 8

    def hostile_client(source):
        statuses = []
        while time.monotonic() < until:
            statuses.append(get_from(hardened_server.url + path, source)[0])
        return statuses

    with ThreadPoolExecutor(6) as pool:
        hostile = [pool.submit(hostile_client, source) for source in ["127.0.0.1", "127.0.0.3", "127.0.0.4"] * 2]
        searches = []
        while time.monotonic() < until:
            searches.append(get_from(hardened_server.url + "/claims/search.json?q=peace+deal+witkoff", "127.0.0.2"))
        statuses = {status for future in hostile for status in future.result()}
    assert statuses <= {200, 400}
    assert [status for status, _seconds in searches if status != 200] == []


def test_the_site_does_not_take_a_forwarded_address_from_a_local_process(curated_db, tmp_path):
    """uvicorn took X-Forwarded-For from 127.0.0.1 for the client's address; no proxy is trusted
    unless the deployment names it ($FORWARDED_ALLOW_IPS)."""
    log = tmp_path / "access.log"
    with log.open("w") as out:
        port = serve.free_port()
        environment = {k: v for k, v in os.environ.items() if k != hardening.PROXIES_VARIABLE}
        process = subprocess.Popen(
            serve.datasette_command(curated_db, port), stdout=out, stderr=subprocess.STDOUT, env=environment
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/-/versions.json", process)
            get_from(f"http://127.0.0.1:{port}/-/versions.json", "127.0.0.1", headers={"X-Forwarded-For": "10.9.0.1"})
        finally:
            process.terminate()
            process.wait(timeout=10)
    answered = [line for line in log.read_text().splitlines() if "/-/versions.json" in line]
    assert answered and all("127.0.0.1:" in line and "10.9.0.1" not in line for line in answered), answered


def test_sql_of_the_clients_own_leaves_a_thread_and_the_heap_to_the_others():
    """SqlThreads: queries of the clients' own SQL run at most `threads - 1` at once, whoever sends
    them; the others are not held up; one of those that runs out of SQLite's heap while such queries
    run is run again alone once they have finished, and no such query starts meanwhile; one that
    runs out of it alone is too large itself, and says so."""
    sharing = hardening.SqlThreads(threads=3)
    running, most, events = {"own": 0}, {"own": 0}, []

    async def own(seconds):
        async def query():
            running["own"] += 1
            most["own"] = max(most["own"], running["own"])
            events.append("own starts")
            await asyncio.sleep(seconds)
            running["own"] -= 1
            events.append("own ends")

        await sharing.run(True, query)

    attempts = []

    async def ordinary():
        attempts.append(running["own"])
        if len(attempts) == 1:
            raise MemoryError  # the heap was full of the others' queries
        events.append("ordinary again")
        return "rows"

    async def scene():
        hostile = [asyncio.create_task(own(0.05)) for _ in range(9)]
        await asyncio.sleep(0.01)
        started = time.monotonic()
        answer = await sharing.run(False, ordinary)
        waited = time.monotonic() - started
        await asyncio.gather(*hostile)
        return answer, waited

    answer, waited = asyncio.run(scene())
    assert most == {"own": 2} and answer == "rows" and attempts == [2, 0]
    assert 0.03 < waited < 0.2  # it waited for the two running, not for the seven queued
    again = events.index("ordinary again")
    assert events[again - 1] == "own ends" and events[again + 1] == "own starts"

    async def too_large():
        raise MemoryError

    with pytest.raises(MemoryError):
        asyncio.run(hardening.SqlThreads(threads=3).run(False, too_large))


class WatchedConnection(sqlite3.Connection):
    """A connection that remembers the progress handlers set on it."""

    handlers: list = []

    def set_progress_handler(self, handler, n):
        self.handlers.append(handler)
        super().set_progress_handler(handler, n)


def test_a_query_of_slow_instructions_stops_at_its_limit_without_a_callback_per_instruction():
    """The watchdog interrupts a query at its deadline, however long each instruction takes (40
    replace() calls over 240 kB a row: Datasette's check every 1,000 instructions, or ours every
    1.25 M, came seconds or minutes late), and the query runs with no Python callback taking the
    GIL from the pages."""
    conn = sqlite3.connect(":memory:", factory=WatchedConnection)
    hardening.harden_connection(conn, "claims")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"), hardening.time_limit(conn, 200):
        conn.execute(EXPENSIVE_STEPS).fetchall()
    assert time.monotonic() - started < 1
    assert [handler for handler in WatchedConnection.handlers if handler is not None] == []
    with hardening.time_limit(conn, 200):  # the next query on the connection is not interrupted
        assert conn.execute("select count(*) from (select 1 union all select 2)").fetchone()[0] == 2
    time.sleep(0.3)
    assert conn.execute("select 1").fetchone()[0] == 1  # nor one after the deadline has passed


@pytest.mark.parametrize(
    "value, written",
    [
        ("plain", len('"plain"')),
        ("\U0001f600", len('"\\ud83d\\ude00"')),  # JSON escapes outside ASCII: twelve bytes
        ("é", len('"\\u00e9"')),
        ("<&>", len("&lt;&amp;&gt;")),  # HTML escapes more than JSON here
        ('"', len("&#34;")),
        (b"\x00" * 30, 40 + 40),
        (None, 24),
        (12, 24),
    ],
)
def test_a_cell_counts_the_bytes_a_response_writes(value, written):
    assert hardening.written_bytes(value) == written


def test_the_result_budget_counts_column_names_on_every_row():
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    hardening.harden_connection(conn, "claims")
    name = "n" * 1000
    rows = hardening.MAX_RESULT_BYTES // len(name)  # past the budget in names alone
    many = (
        f"with recursive r(i) as (select 1 union all select i + 1 from r where i < {rows}) select null as {name} from r"
    )
    with pytest.raises(hardening.TooBig, match="bytes as written"):
        conn.execute(many).fetchall()
    assert len(conn.execute(many.replace(f"i < {rows}", f"i < {rows // 2}")).fetchall()) == rows // 2


@pytest.mark.parametrize(
    "text",
    [
        "peace deal witkoff",
        "\ue000 \ue001\ue002",  # private use: words to FTS5, not to Python's \w
        "\U0001f970 \U0001f9a0",  # emoji assigned after Unicode 6.1: FTS5 reads them as words
        "\u0378 x",  # unassigned
        "“peace deal” — Witkoff’s",
        "Зеленський, Київ",
        "e\u0301 cafe\u0301",
        "don't stop_words a-b",
    ],
)
def test_a_search_counts_words_as_fts5_reads_them(text):
    """The words counted are the terms FTS5's tokenizer reads from the text (those of a one-row
    index of the build's tokenizer)."""
    index = sqlite3.connect(":memory:")
    index.execute(f"create virtual table t using fts5(x, tokenize='{FTS_TOKENIZER}')")
    index.execute("create virtual table v using fts5vocab(t, 'instance')")
    index.execute("insert into t values (?)", [text])
    assert hardening.WORDS.count(text) == index.execute("select count(*) from v").fetchone()[0]


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=not FUZZ_CAMPAIGN)
def test_any_text_has_as_many_words_as_fts5_reads(text):
    index = sqlite3.connect(":memory:")
    index.execute(f"create virtual table t using fts5(x, tokenize='{FTS_TOKENIZER}')")
    index.execute("create virtual table v using fts5vocab(t, 'instance')")
    index.execute("insert into t values (?)", [text])
    assert hardening.WORDS.count(text) == index.execute("select count(*) from v").fetchone()[0]


@pytest.mark.parametrize("method", ["TRACE", "FOO", "PUT", "DELETE"])
def test_a_method_the_site_does_not_answer_is_405(hardened_server, method):
    """Datasette 0.65 answered an unknown method with a 500 and a traceback ('NoneType' object is
    not callable), on every page, known or not."""
    for path in ["/", "/claims.json", "/-/versions", "/claims.db", "/nowhere", "/claims/statements"]:
        request = urllib.request.Request(hardened_server.url + path, method=method)
        status, headers, _body, seconds = fetch(request)
        assert status == 405 and headers["allow"] == "GET, HEAD, OPTIONS", (path, status)
        assert seconds < 1


def test_an_unknown_parameter_like_a_search_is_left_alone(hardened_server):
    """`?_searchx=` is not a search (it was an IndexError, a 500)."""
    status, _headers, body, _ = fetch(hardened_server.url + "/claims/statements.json?_searchx=a&_shape=array")
    assert status == 200 and len(json.loads(body)) > 0


def test_a_table_page_with_facets_within_the_bounds_answers(hardened_server):
    facets = "&".join(["_facet=text"] * hardening.MAX_FACETS)
    status, _headers, body, _ = fetch(hardened_server.url + f"/claims/statements.json?{facets}&_facet_size=max")
    assert status == 200 and len(body) < 5_000_000
    status, _headers, body, _ = fetch(hardened_server.url + f"/claims/statements.json?{facets}&_facet=text")
    assert status == 400 and f"at most {hardening.MAX_FACETS} facets".encode() in body
    # a search box of many words needs a long query string: within the bound of links
    words = urllib.parse.quote(" ".join(["peace"] * hardening.MAX_SEARCH_WORDS))
    assert fetch(hardened_server.url + f"/claims/statements?_search={words}")[0] == 200
