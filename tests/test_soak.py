"""A bounded soak against a freshly started server, in three parts, all hostile requests from
tests/test_hardening.py included:

1. 300 requests from 4 threads, one in three hostile (long full-text searches, expensive steps,
   long column names, a thousand facets among them), one in ten large and legitimate (a result
   near the budget of bytes, ten facets of every value), the rest ordinary pages;
2. long full-text searches six at a time: search boxes of 15,000 words and a MATCH parameter of
   15,000 terms (refused), MATCHes of 15,000 and 40,000 terms built in SQL (answered, or refused
   past SQLite's heap bound);
3. nine queries of the clients' own SQL that each run to the time limit (runaway, and expensive per
   instruction), from three addresses each claiming others with X-Forwarded-For, at once, while
   another client (a second local address) opens ordinary pages.

No answer may be a 5xx; hostile requests get a 4xx, ordinary and large ones a 2xx; the server's
peak resident memory stays under the stated bound. The peak and the ordinary pages' p50/p95 (in
part 1, and under the nine slow queries) are printed and written to test-artifacts/soak.txt, not
asserted: speed targets belong to benchmarks."""

import random
import statistics
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claims.site import hardening
from helpers import Server, fetch, get_from, peak_rss_mb
from site_requests import (
    HOSTILE_PATHS,
    HOSTILE_SQL,
    MATCH_BUILT_IN_SQL,
    MAX_SERVER_RSS_MB,
    TWO_THOUSAND_ROWS,
    hostile_requests,
)

pytestmark = pytest.mark.server

REPO = Path(__file__).resolve().parents[1]
REQUESTS = 300
ORDINARY = [
    "/claims/statements",
    "/claims/statements.json?_shape=array",
    "/claims/search?q=peace",
    "/claims/statements_by_actor?actor_id=steve-witkoff",
    "/-/timeline",
    "/-/who-spoke-to-whom",
    "/claims/actors",
    "/claims/events?_sort=date_min",
    "/",
    "/claims",
]
# Large and legitimate: 2,000 rows of 4,900 characters (9.8 MB of JSON, just under the budget of bytes
# written), every statement with all its columns, ten facets with every value.
LARGE = [
    "/claims.json?_shape=array&_size=max&sql="
    + urllib.parse.quote(
        f"select printf('%.*c', 1000, 'y') || printf('%.*c', 1000, 'y') || printf('%.*c', 1000, 'y') || printf('%.*c', 1000, 'y') || printf('%.*c', 900, 'y') as a from {TWO_THOUSAND_ROWS}"
    ),
    "/claims/statements.json?_shape=array&_size=max",
    "/claims/statements.json?_facet_size=max&" + "&".join(["_facet=text"] * hardening.MAX_FACETS),
]
LONG_SEARCHES = [
    HOSTILE_PATHS["search-15000-words"],
    HOSTILE_PATHS["table-search-15000-words"],
    HOSTILE_PATHS["raw-search-15000-words"],
    HOSTILE_PATHS["sql-match-parameter-15000-terms"],
    HOSTILE_PATHS["sql-match-40000-terms"],
    # about 40 MB of SQLite's heap each: answered, or refused while others hold the heap
    "/claims.json?sql=" + urllib.parse.quote(MATCH_BUILT_IN_SQL % 15000),
]
SLOW = [
    "/claims.json?sql=" + urllib.parse.quote(HOSTILE_SQL[name])
    for name in ["runaway-recursion", "runaway-recursion", "expensive-steps"]
]
HOSTILE_ADDRESSES = ["127.0.0.1", "127.0.0.3", "127.0.0.4"]


def percentiles(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p50, p95 = statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]
    return f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def mixed(server) -> tuple[list, str]:
    hostile = list(hostile_requests().values())
    plan = [
        ("hostile", hostile[i % len(hostile)])
        if i % 3 == 0
        else ("large", LARGE[i % len(LARGE)])
        if i % 10 == 1
        else ("ordinary", ORDINARY[i % len(ORDINARY)])
        for i in range(REQUESTS)
    ]
    random.Random(14).shuffle(plan)

    def one(item):
        kind, path = item
        status, _headers, _body, seconds = fetch(server.url + path, timeout=60)
        return kind, path, status, seconds

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(one, plan))
    ordinary = [seconds for kind, _path, _status, seconds in answers if kind == "ordinary"]
    count = {kind: sum(kind == k for k, *_ in answers) for kind in ("hostile", "large")}
    return answers, (
        f"{REQUESTS} requests ({count['hostile']} hostile, {count['large']} large) from 4 threads in "
        f"{time.monotonic() - started:.1f} s, ordinary pages {percentiles(ordinary)}"
    )


def long_searches(server) -> tuple[list, str]:
    plan = LONG_SEARCHES * 6
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda path: (path, fetch(server.url + path, timeout=60)[0]), plan))
    answered = sum(status == 200 for _path, status in answers)
    return answers, f"{len(plan)} long full-text searches six at a time ({answered} answered, the rest refused)"


def nine_slow_queries(server) -> tuple[list, list, str]:
    """Nine slow queries at once, for about 12 s, from three addresses each claiming another with
    X-Forwarded-For; ordinary pages of a second address meanwhile."""
    until = time.monotonic() + 12

    def hostile_client(index):
        statuses = []
        while time.monotonic() < until:
            claimed = {"X-Forwarded-For": f"10.9.{index}.{len(statuses) % 250 + 1}"}
            path, address = SLOW[index % len(SLOW)], HOSTILE_ADDRESSES[index % len(HOSTILE_ADDRESSES)]
            statuses.append(get_from(server.url + path, address, headers=claimed)[0])
        return statuses

    with ThreadPoolExecutor(max_workers=9) as pool:
        hostile = [pool.submit(hostile_client, index) for index in range(9)]
        time.sleep(0.5)
        ordinary = []
        while time.monotonic() < until:
            for path in ORDINARY:
                ordinary.append(get_from(server.url + path, "127.0.0.2"))
        slow = [status for future in hostile for status in future.result()]
    return (
        slow,
        ordinary,
        (
            f"{len(ordinary)} ordinary pages of a second address under nine slow queries of three others "
            f"({len(slow)} answered): {percentiles([seconds for _status, seconds in ordinary])}"
        ),
    )


def test_soak_mixed_hostile_ordinary_long_searches_and_slow_queries(curated_db, capsys):
    server = Server(curated_db)
    try:
        answers, first = mixed(server)
        searches, second = long_searches(server)
        slow, ordinary, third = nine_slow_queries(server)
        peak = peak_rss_mb(server.process.pid)
    finally:
        server.stop()
    report = f"soak: 1. {first}; 2. {second}; 3. {third}; server peak RSS {peak:.0f} MB (bound {MAX_SERVER_RSS_MB} MB)"
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    (REPO / "test-artifacts" / "soak.txt").write_text(report + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + report)
    assert [(path, status) for _kind, path, status, _ in answers if status >= 500] == []
    assert all(200 <= status < 300 for kind, _p, status, _ in answers if kind in ("ordinary", "large"))
    assert all(400 <= status < 500 for kind, _p, status, _ in answers if kind == "hostile")
    assert all(status == 400 for path, status in searches if path != LONG_SEARCHES[-1])
    assert {status for path, status in searches if path == LONG_SEARCHES[-1]} <= {200, 400}
    assert set(slow) == {400} and all(200 <= status < 300 for status, _seconds in ordinary)
    assert peak < MAX_SERVER_RSS_MB
