"""Progress of long commands: one helper for validate, build, serve, release, bench and synth.

On a terminal, a rich spinner with the current step and the elapsed time; in CI, pipes and
files, one plain line per step on stderr (`claims build: sqlite (4.2 s)`), so logs stay readable.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

Step = Callable[[str], None]


@contextmanager
def progress(command: str, console: Console | None = None) -> Iterator[Step]:
    """Yield `step(text)`, to call as each step of `command` begins."""
    console = console or Console(stderr=True, highlight=False)
    if console.is_terminal and not console.is_dumb_terminal:
        with Progress(
            SpinnerColumn(),
            TextColumn(f"{command}: {{task.description}}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("starting", total=None)
            yield lambda text: bar.update(task, description=text)
        return
    started = time.perf_counter()

    def step(text: str) -> None:
        print(f"{command}: {text} ({time.perf_counter() - started:.1f} s)", file=sys.stderr, flush=True)

    yield step
