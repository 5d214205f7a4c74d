"""A bounded soak: 300 requests from 4 threads, one in three hostile (tests/test_hardening.py), the
rest ordinary pages, against a freshly started server. No answer may be a 5xx, and the server's
peak resident memory stays under the stated bound. The ordinary pages' p50/p95 are printed (and
written to test-artifacts/soak.txt), not asserted: speed targets belong to benchmarks."""

import random
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from test_datasette import Server, curated_db  # noqa: F401 - the session fixture
from test_hardening import MAX_SERVER_RSS_MB, fetch, hostile_requests, peak_rss_mb

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


def test_soak_mixed_hostile_and_ordinary(curated_db, capsys):  # noqa: F811
    hostile = list(hostile_requests().values())
    plan = [
        ("hostile", hostile[i % len(hostile)]) if i % 3 == 0 else ("ordinary", ORDINARY[i % len(ORDINARY)])
        for i in range(REQUESTS)
    ]
    random.Random(14).shuffle(plan)
    server = Server(curated_db)
    try:

        def one(item):
            kind, path = item
            status, _headers, _body, seconds = fetch(server.url + path, timeout=60)
            return kind, path, status, seconds

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(one, plan))
        wall = time.monotonic() - started
        peak = peak_rss_mb(server.process.pid)
    finally:
        server.stop()
    errors = [(path, status) for _kind, path, status, _ in answers if status >= 500]
    ordinary = sorted(seconds for kind, _path, _status, seconds in answers if kind == "ordinary")
    p50, p95 = statistics.median(ordinary), ordinary[int(0.95 * (len(ordinary) - 1))]
    report = (
        f"soak: {REQUESTS} requests ({sum(k == 'hostile' for k, *_ in answers)} hostile) from 4 threads in {wall:.1f} s; "
        f"5xx: {len(errors)}; server peak RSS {peak:.0f} MB (bound {MAX_SERVER_RSS_MB} MB); "
        f"ordinary pages p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    (REPO / "test-artifacts").mkdir(exist_ok=True)
    (REPO / "test-artifacts" / "soak.txt").write_text(report + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + report)
    assert errors == []
    assert all(status < 500 for *_, status, _ in answers)
    assert all(200 <= status < 300 for kind, _p, status, _ in answers if kind == "ordinary")
    assert all(400 <= status < 500 for kind, _p, status, _ in answers if kind == "hostile")
    assert peak < MAX_SERVER_RSS_MB
