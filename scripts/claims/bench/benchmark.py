"""`claims bench`: wall time and peak memory of each step, side by side on the same synthetic files.

Once: `claims validate` on the curated data (the whole gate a contributor runs). For each size: the
honest floor (the least work any correct validator must do: DuckDB reads every table with the
schema's column types, one query per declared primary and foreign key, and every excerpt compared
with its archived text by slicing the decoded text), the bare count(*) scan as a second reference,
`claims validate` (the fast path, with each layer's time), `frictionless validate` on the same
package, `claims build` (with each output's time), and Datasette on the built database: each page's
p50/p95, then a load test of mixed pages, 8 at a time. Every step runs in its own process under a
small launcher, so that its peak resident memory is its own. Prints a Markdown table and the
project's speed and memory targets, met or missed by how much, and writes them and a log-log plot (SVG).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from claims import project
from claims.bench.measure import BARE_SCAN, CURATED, HONEST_FLOOR, PYTHON, Measure, last_json, python_step, run_measured
from claims.bench.serving import serve_and_measure
from claims.schema.derived import DUCKDB_TYPES

SCAN = """
import duckdb, glob, sys
con = duckdb.connect()
rows = sum(con.execute(f"SELECT count(*) FROM read_csv('{p}', all_varchar = true)").fetchone()[0] for p in sorted(glob.glob(sys.argv[1] + '/*.csv')))
print(rows)
"""


FLOOR = """
import json, sys
from pathlib import Path
from claims.bench.floor import honest_floor
print(json.dumps(honest_floor(Path(sys.argv[1]), json.loads(sys.argv[2]))))
"""


VALIDATE = """
import json, sys
from pathlib import Path
from claims.validate import validate
run = validate(Path(sys.argv[1]), Path(sys.argv[2]), engine='fast')
print(json.dumps({'findings': len(run.findings), 'timings': run.timings}))
"""


# `claims build` end to end: validation, then every output from what it read; each output's time
# as the build measures it (BuildResult.seconds).
BUILD = """
import json, sys
from pathlib import Path
from claims.build.outputs import build
_run, result = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
print(json.dumps(result.seconds))
"""


def curated_gate() -> Measure:
    """`claims validate` on the curated data, the whole gate with the suites: what a contributor runs."""
    data = project.current().data_dir
    seconds, peak, code, timed_out, _out = run_measured(
        [str(Path(PYTHON).parent / "claims"), "validate", "--data", str(data)], 600
    )
    statements = sum(1 for _ in (data / "statements.csv").open(encoding="utf-8")) - 1
    return Measure(CURATED, statements, 0, None if timed_out else seconds, peak, "" if code == 0 else f"exit {code}")


def bench(
    sizes: list[int],
    work: Path,
    frictionless_budget: float,
    step_budget: float,
    datasette: bool = True,
    progress=None,
    curated: bool = True,
) -> list[Measure]:
    results: list[Measure] = []
    say = progress or (lambda text: None)
    if curated:
        say("curated data: claims validate")
        results.append(curated_gate())
    for n in sizes:
        folder = work / f"n{n}"
        if not (folder / "datapackage.json").exists():
            say(f"{n:,}: synthesising")
            # in a process of its own, like every step: nothing of it stays in the bench process
            subprocess.run(
                [str(Path(PYTHON).parent / "claims"), "synth", "-n", str(n), "--out", str(folder)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        data, archive = folder / "data", folder / "archive"
        say(f"{n:,}: honest floor")
        seconds, peak, code, timed_out, out = run_measured(
            python_step(FLOOR) + [str(folder), json.dumps(DUCKDB_TYPES)], step_budget
        )
        floor = last_json(out) if code == 0 else {}
        rows = floor.get("rows", 0)
        problems = f"{floor['problems']} problems found" if floor.get("problems") else ""
        results.append(
            Measure(
                HONEST_FLOOR, n, rows, None if timed_out else seconds, peak, problems if code == 0 else f"exit {code}"
            )
        )
        say(f"{n:,}: bare scan")
        seconds, peak, code, _t, out = run_measured(python_step(SCAN) + [str(data)], step_budget)
        results.append(Measure(BARE_SCAN, n, rows, seconds, peak, "" if code == 0 else f"exit {code}"))
        say(f"{n:,}: claims validate")
        seconds, peak, code, timed_out, out = run_measured(
            python_step(VALIDATE) + [str(data), str(archive)], step_budget
        )
        detail = last_json(out) if code == 0 else {}
        results.append(
            Measure(
                "claims validate",
                n,
                rows,
                None if timed_out else seconds,
                peak,
                "" if detail.get("findings") == 0 else f"exit {code}",
                detail.get("timings", {}),
            )
        )
        for layer, layer_seconds in detail.get("timings", {}).items():
            results.append(Measure(f"  layer: {layer}", n, rows, layer_seconds, None))
        if frictionless_budget > 0:
            say(f"{n:,}: frictionless validate")
            frictionless = str(Path(PYTHON).parent / "frictionless")
            seconds, peak, code, timed_out, _out = run_measured(
                [frictionless, "validate", str(folder / "datapackage.json")], frictionless_budget
            )
            results.append(
                Measure(
                    "frictionless validate",
                    n,
                    rows,
                    None if timed_out else seconds,
                    peak,
                    f"did not finish in {frictionless_budget:.0f} s"
                    if timed_out
                    else ("" if code == 0 else f"exit {code}"),
                )
            )
        say(f"{n:,}: claims build")
        build_dir = folder / "build"
        seconds, peak, code, timed_out, out = run_measured(
            python_step(BUILD) + [str(data), str(build_dir), str(archive)], step_budget
        )
        outputs = last_json(out) if code == 0 else {}
        results.append(
            Measure(
                "claims build",
                n,
                rows,
                None if timed_out else seconds,
                peak,
                "" if code == 0 else f"exit {code}",
                outputs,
            )
        )
        for output, output_seconds in outputs.items():
            results.append(Measure(f"  output: {output}", n, rows, output_seconds, None))
        if datasette and code == 0:
            say(f"{n:,}: Datasette")
            results += serve_and_measure(build_dir / "claims.db", rows, n)
    return results
