"""Row counts per table and statements by type, read from the CSV tables (`claims stats`)."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from claims.schema import TABLES


class TablesMissing(ValueError):
    """The folder lacks some of the tables: the message names them."""


@dataclass
class Stats:
    rows: dict[str, int]  # table name → rows, in schema order
    statement_types: Counter[str]


def stats(data_dir: Path) -> Stats:
    """Count the rows of every table in `data_dir`, and the statements by statement_type."""
    missing = [model.meta.name for model in TABLES if not (data_dir / f"{model.meta.name}.csv").is_file()]
    if missing:
        raise TablesMissing(
            f"--data {data_dir}: no {', '.join(m + '.csv' for m in missing)}; pass the folder of the CSV tables"
        )
    rows: dict[str, int] = {}
    statement_types: Counter[str] = Counter()
    for model in TABLES:
        with (data_dir / f"{model.meta.name}.csv").open(encoding="utf-8", newline="") as handle:
            table = list(csv.DictReader(handle))
        rows[model.meta.name] = len(table)
        if model.meta.name == "statements":
            statement_types.update(row["statement_type"] for row in table)
    return Stats(rows, statement_types)
