"""One step of the benchmark measured in its own process: wall time, peak memory, what it printed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = sys.executable
HONEST_FLOOR = "floor: honest (typed tables, keys, excerpts)"
BARE_SCAN = "floor: bare count(*) scan"
CURATED = "claims validate, curated data (whole gate)"


@dataclass
class Measure:
    step: str
    statements: int
    rows: int
    seconds: float | None
    peak_mb: float | None
    note: str = ""
    extra: dict = field(default_factory=dict)


# A step runs under this small launcher, which spawns it and reports its rusage from wait4. Linux
# carries a process's peak RSS across exec, and subprocess starts children with vfork, so a child
# of the bench process itself would report the bench's own peak (2.5 GB at 1M, after synthesising)
# as its own; a child of a fresh 13 MB interpreter starts from 13 MB.
LAUNCHER = """
import json, os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"code": os.waitstatus_to_exitcode(status), "peak_kb": usage.ru_maxrss}, out)
"""


def run_measured(command: list[str], timeout: float, env: dict | None = None) -> tuple[float, float, int, bool, str]:
    """(seconds, peak MB, return code, timed out, stdout) of one command in its own process."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "usage.json"
        started = time.perf_counter()
        process = subprocess.Popen(
            [PYTHON, "-I", "-S", "-c", LAUNCHER, str(report), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the launcher and the step
            output, _ = process.communicate()
            timed_out = True
        seconds = time.perf_counter() - started
        usage = json.loads(report.read_text()) if report.exists() else {"code": process.returncode, "peak_kb": None}
    peak = None if usage["peak_kb"] is None else usage["peak_kb"] / 1024
    return seconds, peak, usage["code"], timed_out, output


def last_json(out: str) -> dict:
    """The JSON a step prints last: DuckDB draws its progress bar on the same stdout in long queries."""
    lines = out.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def python_step(code: str) -> list[str]:
    return [PYTHON, "-c", code]
