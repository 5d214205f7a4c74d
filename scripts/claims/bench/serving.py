"""Datasette on the built database: each page's p50/p95, then a load test of mixed pages."""

from __future__ import annotations

import statistics
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from claims.bench.measure import Measure
from claims.site.serve import datasette_command, free_port


def get(url: str) -> tuple[float, bool]:
    """Milliseconds one GET took, and whether it failed (an HTTP error such as a query stopped by
    the time limit, or no answer)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
        failed = False
    except OSError:  # urllib.error.HTTPError and URLError are OSErrors
        failed = True
    return (time.perf_counter() - started) * 1000, failed


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[int(share * (len(ordered) - 1))]


def latency(url: str, requests: int = 30) -> tuple[float, float, int]:
    """p50 and p95 in milliseconds of `requests` sequential GETs (after one warm-up), and how
    many answered with an error."""
    get(url)
    answers = [get(url) for _ in range(requests)]
    times = [ms for ms, _failed in answers]
    return statistics.median(times), percentile(times, 0.95), sum(failed for _ms, failed in answers)


# The pages a reader opens: table pages (plain, filtered, faceted, sorted, next page), searches
# (the table's full-text search and the canned search), and canned queries.
SINGLE_PAGES = {
    "Datasette table page": "/claims/statements",
    "Datasette search": "/claims/search?q=ceasefire+number+7",
    "Datasette canned query": "/claims/statements_by_actor?speaker=actor-000003&addressee=",
}
LOAD_P95_MS = 500  # the load test's target: no errors, and 95% of the requests within this
LOAD_MIX = (
    "/claims/statements",
    "/claims/statements?_next=50",
    "/claims/attestations",
    "/claims/actors",
    "/claims/events",
    "/claims/statements?statement_type=paraphrase",
    "/claims/statements?speaker_id=actor-000005",
    "/claims/statements?_sort_desc=date_min",
    "/claims/sources",
    "/claims/event_participants?role=participant",
    "/claims/statements?_search=ceasefire",
    "/claims/attestations?_search=kremlin+envoy",
    "/claims/search?q=ceasefire+number+7",
    "/claims/search?q=sanctions",
    "/claims/actors?_search=Petrov",
    "/claims/statements_by_actor?speaker=actor-000003&addressee=",
    "/claims/statements_by_actor?speaker=actor-000011&addressee=actor-000002",
    "/claims/attribution_of_statement?statement_id=st-00000042",
    "/claims/statements_between_dates?start=2025-10-01&end=2025-10-03",
    "/claims/statements/st-00000042",
)


def load_test(base: str, requests: int = 200, concurrency: int = 8) -> dict:
    """`requests` GETs of the mixed pages, `concurrency` at a time: p50, p95 and errors."""
    urls = [base + LOAD_MIX[index % len(LOAD_MIX)] for index in range(requests)]
    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(get, urls))
    times = [ms for ms, _failed in answers]
    failed = sorted({url[len(base) :] for url, (_ms, bad) in zip(urls, answers) if bad})
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": percentile(times, 0.95),
        "errors": sum(bad for _ms, bad in answers),
        "failed": failed,
    }


def serve_and_measure(database: Path, rows: int, n: int) -> list[Measure]:
    """Datasette on the built database: each page's p50/p95, then the load test."""

    port = free_port()
    server = subprocess.Popen(datasette_command(database, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        for name, path in SINGLE_PAGES.items():
            p50, p95, errors = latency(base + path)
            note = f"p50 {p50:.0f} ms, p95 {p95:.0f} ms" + (f", {errors} errors" if errors else "")
            results.append(
                Measure(name, n, rows, p95 / 1000, None, note, {"p50_ms": p50, "p95_ms": p95, "errors": errors})
            )
        started = time.perf_counter()
        load = load_test(base)
        note = (
            f"200 requests, 8 at a time: p50 {load['p50_ms']:.0f} ms, p95 {load['p95_ms']:.0f} ms, {load['errors']} errors"
            + (f" ({', '.join(load['failed'])})" if load["failed"] else "")
        )
        results.append(Measure("Datasette load test", n, rows, time.perf_counter() - started, None, note, load))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return results
