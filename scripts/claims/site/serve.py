"""Serving the database with Datasette: the settings of a public, read-only instance, and its command line."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from claims.project import SITE_DIR

# Settings for a public, read-only instance.
SETTINGS = {
    "sql_time_limit_ms": 2000,  # a runaway query is stopped
    "max_returned_rows": 2000,
    "default_page_size": 50,
    "allow_download": True,  # the whole SQLite file can be downloaded
    "allow_csv_stream": True,  # CSV export of full tables and queries
    # A facet too slow on a large table is skipped, not waited for: the statements page asks for five,
    # and at a million rows each needs a full scan (about 50 ms), so five of them would eat the page's
    # 100 ms budget; within 10 ms a facet completes up to some 30,000 rows, or on any filtered page.
    "facet_time_limit_ms": 10,
    "suggest_facets": False,  # suggestions run a query per column: too slow on large tables
    "num_sql_threads": 3,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen on host:port now (SO_REUSEADDR, as uvicorn binds)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def datasette_command(database: Path, port: int, host: str = "127.0.0.1") -> list[str]:
    """The `datasette serve` command line for a public, read-only instance of `database`."""
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(database),
        "--host",
        host,
        "--port",
        str(port),
        "--metadata",
        str(SITE_DIR / "metadata.json"),
        "--template-dir",
        str(SITE_DIR / "templates"),
    ]
    counts = database.with_name("counts.json")
    if counts.is_file():  # table sizes counted at build time: pages of large tables need not count rows
        command += ["--inspect-file", str(counts)]
    for key, value in SETTINGS.items():
        command += ["--setting", key, str(value).lower() if isinstance(value, bool) else str(value)]
    return command
