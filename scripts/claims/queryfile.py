"""A query file of queries/ (views, canned and research queries, derived columns): its header
lines (`-- title: …`, `-- description: …`) and its SQL."""

from __future__ import annotations

import re
from pathlib import Path

HEADER = re.compile(r"^-- (\w+): (.+)$", re.M)


def sql_file(path: Path) -> tuple[dict[str, str], str]:
    """Header fields (`-- title: …`, `-- description: …`) and the SQL of a query file."""
    text = path.read_text(encoding="utf-8")
    sql = "\n".join(line for line in text.splitlines() if not line.startswith("--")).strip()
    return dict(HEADER.findall(text)), sql
