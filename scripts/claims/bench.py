"""`claims bench`: wall time and peak memory of each step, side by side on the same synthetic files.

For each size: the floor (a bare DuckDB scan of the CSVs), `claims validate` (the fast path, with
each layer's time), `frictionless validate` on the same package, `claims build`, and Datasette's
response times for a table page, a search and a canned query. Every step runs in its own process,
so that its peak resident memory is its own (os.wait4). Prints a Markdown table, and writes it and
a log-log plot (SVG) of time against rows.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from claims.publish import datasette_command, free_port
from claims.synth import synth

PYTHON = sys.executable


@dataclass
class Measure:
    step: str
    statements: int
    rows: int
    seconds: float | None
    peak_mb: float | None
    note: str = ""
    extra: dict = field(default_factory=dict)


def run_measured(command: list[str], timeout: float, env: dict | None = None) -> tuple[float, float, int, bool, str]:
    """(seconds, peak MB, return code, timed out, stdout) of one command in its own process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env={**os.environ, **(env or {})})
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > timeout:
            process.kill()
            pid, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    output = process.stdout.read() if process.stdout else ""
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), timed_out, output


def python_step(code: str) -> list[str]:
    return [PYTHON, "-c", code]


FLOOR = """
import duckdb, glob, sys
con = duckdb.connect()
rows = sum(con.execute(f"SELECT count(*) FROM read_csv('{p}', all_varchar = true)").fetchone()[0] for p in sorted(glob.glob(sys.argv[1] + '/*.csv')))
print(rows)
"""
VALIDATE = """
import json, sys
from pathlib import Path
from claims.validate import validate
run = validate(Path(sys.argv[1]), Path(sys.argv[2]), engine='fast')
print(json.dumps({'findings': len(run.findings), 'timings': run.timings}))
"""
BUILD = """
import sys
from pathlib import Path
from claims.build import build_all
build_all(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
"""


def latency(url: str, requests: int = 30) -> tuple[float, float, int]:
    """p50 and p95 in milliseconds of `requests` sequential GETs (after one warm-up), and how
    many answered with an error (a query stopped by the time limit answers 400)."""
    import urllib.error

    times, errors = [], 0
    for attempt in range(requests + 1):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                response.read()
        except urllib.error.HTTPError:
            errors += attempt > 0
        if attempt:
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], errors


def bench(sizes: list[int], work: Path, frictionless_budget: float, step_budget: float, datasette: bool = True, progress=None) -> list[Measure]:
    results: list[Measure] = []
    say = progress or (lambda text: None)
    for n in sizes:
        folder = work / f"n{n}"
        if not (folder / "datapackage.json").exists():
            say(f"{n:,}: synthesising")
            synth(n, folder)
        data, archive = folder / "data", folder / "archive"
        say(f"{n:,}: floor (bare DuckDB scan)")
        seconds, peak, code, _t, out = run_measured(python_step(FLOOR) + [str(data)], step_budget)
        rows = int(out.strip() or 0)
        results.append(Measure("floor: DuckDB scan", n, rows, seconds, peak))
        say(f"{n:,}: claims validate")
        seconds, peak, code, timed_out, out = run_measured(python_step(VALIDATE) + [str(data), str(archive)], step_budget)
        detail = json.loads(out) if code == 0 and out.strip() else {}
        results.append(Measure("claims validate", n, rows, None if timed_out else seconds, peak, "" if detail.get("findings") == 0 else f"exit {code}", detail.get("timings", {})))
        for layer, layer_seconds in detail.get("timings", {}).items():
            results.append(Measure(f"  layer: {layer}", n, rows, layer_seconds, None))
        if frictionless_budget > 0:
            say(f"{n:,}: frictionless validate")
            frictionless = str(Path(PYTHON).parent / "frictionless")
            seconds, peak, code, timed_out, _out = run_measured([frictionless, "validate", str(folder / "datapackage.json")], frictionless_budget)
            results.append(Measure("frictionless validate", n, rows, None if timed_out else seconds, peak, f"did not finish in {frictionless_budget:.0f} s" if timed_out else ("" if code == 0 else f"exit {code}")))
        say(f"{n:,}: claims build")
        build_dir = folder / "build"
        seconds, peak, code, timed_out, _out = run_measured(python_step(BUILD) + [str(data), str(build_dir), str(archive)], step_budget)
        results.append(Measure("claims build", n, rows, None if timed_out else seconds, peak, "" if code == 0 else f"exit {code}"))
        if datasette and code == 0:
            say(f"{n:,}: Datasette")
            port = free_port()
            server = subprocess.Popen(datasette_command(build_dir / "claims.db", port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                base = f"http://127.0.0.1:{port}"
                for _ in range(300):
                    try:
                        urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                        break
                    except OSError:
                        time.sleep(0.2)
                for name, path in (("Datasette table page", "/claims/statements"), ("Datasette search", "/claims/search?q=ceasefire+number+7"), ("Datasette canned query", "/claims/statements_by_actor?speaker=actor-000003&addressee=")):
                    p50, p95, errors = latency(base + path)
                    note = f"p50 {p50:.0f} ms, p95 {p95:.0f} ms" + (f", {errors} errors" if errors else "")
                    results.append(Measure(name, n, rows, p95 / 1000, None, note, {"p50_ms": p50, "p95_ms": p95, "errors": errors}))
            finally:
                server.terminate()
                server.wait(timeout=10)
    return results


def extrapolate(results: list[Measure], step: str, rows: int) -> float | None:
    """Seconds per row at the largest size the step finished, times `rows`."""
    done = [m for m in results if m.step == step and m.seconds]
    if not done:
        return None
    largest = max(done, key=lambda m: m.rows)
    return largest.seconds / largest.rows * rows


def markdown(results: list[Measure]) -> str:
    lines = ["| statements | rows (all tables) | step | wall time | peak memory | × floor | frictionless ÷ this | note |", "| ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |"]
    for m in results:
        floor = next((f.seconds for f in results if f.step.startswith("floor") and f.statements == m.statements), None)
        frictionless = next((f.seconds for f in results if f.step == "frictionless validate" and f.statements == m.statements), None)
        note = m.note
        if m.step == "frictionless validate" and m.seconds is None:
            estimate = extrapolate(results, "frictionless validate", m.rows)
            if estimate:
                note += f"; extrapolated {estimate:.0f} s"
                frictionless = estimate
        if m.step == "claims validate" and frictionless is None:
            frictionless = extrapolate(results, "frictionless validate", m.rows)
        ratio_floor = f"{m.seconds / floor:.1f}×" if m.seconds and floor and not m.step.startswith(("floor", "Datasette", "  layer")) else ""
        ratio_fl = f"{frictionless / m.seconds:.1f}×" if m.step == "claims validate" and m.seconds and frictionless else ""
        wall = "" if m.seconds is None else (f"{m.seconds * 1000:.0f} ms" if m.step.startswith("Datasette") else f"{m.seconds:.2f} s")
        peak = "" if m.peak_mb is None else f"{m.peak_mb:.0f} MB"
        lines.append(f"| {m.statements:,} | {m.rows:,} | {m.step} | {wall} | {peak} | {ratio_floor} | {ratio_fl} | {note} |")
    return "\n".join(lines) + "\n"


def targets(results: list[Measure]) -> list[str]:
    """The issue's targets, each with the measured figure and whether it is met."""
    out = []
    sizes = sorted({m.statements for m in results})
    biggest = sizes[-1]

    def get(step, n):
        return next((m for m in results if m.step == step and m.statements == n), None)

    validate, floor = get("claims validate", biggest), get("floor: DuckDB scan", biggest)
    if validate and validate.seconds and floor and floor.seconds:
        ratio = validate.seconds / floor.seconds
        out.append(f"- full validation within 3× the bare scan at {biggest:,}: {ratio:.1f}× — {'met' if ratio <= 3 else 'not met'}")
        frictionless = get("frictionless validate", biggest)
        fl = frictionless.seconds if frictionless and frictionless.seconds else extrapolate(results, "frictionless validate", validate.rows)
        if fl:
            out.append(f"- at least 10× faster than frictionless at {biggest:,}: {fl / validate.seconds:.1f}× — {'met' if fl / validate.seconds >= 10 else 'not met'}")
        out.append(f"- peak memory under 2 GB at {biggest:,}: {validate.peak_mb:.0f} MB — {'met' if validate.peak_mb < 2048 else 'not met'}")
    if len(sizes) >= 2:
        small, big = get("claims validate", sizes[-2]), validate
        if small and big and small.seconds and big.seconds:
            ratio = (big.seconds / big.rows) / (small.seconds / small.rows)
            out.append(f"- time per row at {sizes[-1]:,} within 1.25× that at {sizes[-2]:,}: {ratio:.2f}× — {'met' if ratio <= 1.25 else 'not met'}")
    for page in ("Datasette table page", "Datasette search", "Datasette canned query"):
        m = get(page, biggest)
        if m:
            ok = m.extra["p95_ms"] < 100 and not m.extra["errors"]
            errors = f", {m.extra['errors']} errors" if m.extra["errors"] else ""
            out.append(f"- {page} p95 under 100 ms at {biggest:,}: {m.extra['p95_ms']:.0f} ms{errors} — {'met' if ok else 'not met'}")
    return out


def plot_svg(results: list[Measure], width: int = 640, height: int = 420) -> str:
    """Log-log plot of wall time against total rows, one line per step."""
    import math

    steps = ["floor: DuckDB scan", "claims validate", "frictionless validate", "claims build"]
    colours = dict(zip(steps, ("#7f8c8d", "#c0392b", "#2980b9", "#27ae60")))
    points = [m for m in results if m.step in steps and m.seconds]
    if not points:
        return "<svg xmlns='http://www.w3.org/2000/svg'/>"
    xs = [math.log10(m.rows) for m in points]
    ys = [math.log10(m.seconds) for m in points]
    x0, x1, y0, y1 = math.floor(min(xs)), math.ceil(max(xs)), math.floor(min(ys)), math.ceil(max(ys))
    left, bottom, right, top = 60, height - 40, width - 170, 20

    def px(x):
        return left + (right - left) * (x - x0) / max(x1 - x0, 1)

    def py(y):
        return bottom - (bottom - top) * (y - y0) / max(y1 - y0, 1)

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' font-family='sans-serif' font-size='11'>",
             f"<line x1='{left}' y1='{bottom}' x2='{right}' y2='{bottom}' stroke='#333'/>", f"<line x1='{left}' y1='{bottom}' x2='{left}' y2='{top}' stroke='#333'/>"]
    for x in range(x0, x1 + 1):
        parts.append(f"<text x='{px(x):.0f}' y='{bottom + 15}' text-anchor='middle'>1e{x}</text>")
    for y in range(y0, y1 + 1):
        parts.append(f"<text x='{left - 5}' y='{py(y) + 4:.0f}' text-anchor='end'>1e{y} s</text><line x1='{left}' x2='{right}' y1='{py(y):.0f}' y2='{py(y):.0f}' stroke='#eee'/>")
    parts.append(f"<text x='{(left + right) / 2:.0f}' y='{height - 5}' text-anchor='middle'>rows (all tables)</text>")
    for index, step in enumerate(steps):
        series = sorted((m for m in points if m.step == step), key=lambda m: m.rows)
        if not series:
            continue
        coords = " ".join(f"{px(math.log10(m.rows)):.1f},{py(math.log10(m.seconds)):.1f}" for m in series)
        parts.append(f"<polyline points='{coords}' fill='none' stroke='{colours[step]}' stroke-width='2'/>")
        parts += [f"<circle cx='{px(math.log10(m.rows)):.1f}' cy='{py(math.log10(m.seconds)):.1f}' r='3' fill='{colours[step]}'/>" for m in series]
        parts.append(f"<text x='{right + 10}' y='{top + 15 * index + 10}' fill='{colours[step]}'>{step}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def write_report(results: list[Measure], sizes: str, out_dir: Path) -> list[Path]:
    """OUT/benchmark.md (the table and the targets, with how they were measured) and the plot OUT/benchmark.svg."""
    out_dir.mkdir(parents=True, exist_ok=True)
    goals = "\n".join(targets(results))
    (out_dir / "benchmark.md").write_text(
        f"# Benchmark\n\nMeasured by `claims bench --sizes {sizes}` on this machine ({os.cpu_count()} cores). "
        f"Wall time and peak resident memory of each step in its own process; Datasette rows give the p95 latency.\n\n"
        f"![time against rows, log-log](benchmark.svg)\n\n{markdown(results)}\n## Targets\n\n{goals}\n",
        encoding="utf-8",
    )
    (out_dir / "benchmark.svg").write_text(plot_svg(results), encoding="utf-8")
    return [out_dir / "benchmark.md", out_dir / "benchmark.svg"]

