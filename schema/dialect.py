"""The CSV dialect of every table file, written once: the datapackage's `dialect` (frictionless,
Python's csv module) and DuckDB's `read_csv` options are both derived from it. Every reader of the
table files (the fast engine, the build, synth, the Spark path) takes its options from here."""

from __future__ import annotations

from pathlib import Path

DELIMITER = ","
QUOTE = '"'
# The Table Schema dialect of datapackage.json (a doubled quote stands for one quote inside a cell).
DATAPACKAGE_DIALECT = {"delimiter": DELIMITER, "quoteChar": QUOTE, "doubleQuote": True, "header": True}


def sql_string(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def duckdb_read_csv(path: Path | str, columns: list[str], types: dict[str, str] | None = None, **options: str) -> str:
    """SQL: DuckDB's `read_csv` of a table file in the dialect, every column text (or the DuckDB type
    `types` gives it), nothing guessed. `options` adds reader options as SQL (e.g. null_padding = 'true')."""
    spec = ", ".join(f"{sql_string(column)}: {sql_string((types or {}).get(column, 'VARCHAR'))}" for column in columns)
    settings = {
        "header": "true",
        "auto_detect": "false",
        "columns": f"{{{spec}}}",
        "delim": sql_string(DELIMITER),
        "quote": sql_string(QUOTE),
        "escape": sql_string(QUOTE),
        "strict_mode": "true",
        **options,
    }
    return f"read_csv({sql_string(Path(path).as_posix())}, {', '.join(f'{key} = {value}' for key, value in settings.items())})"


# DuckDB's COPY ... TO options that write a table file in the dialect.
DUCKDB_COPY_OPTIONS = (
    f"HEADER, DELIMITER {sql_string(DELIMITER)}, QUOTE {sql_string(QUOTE)}, ESCAPE {sql_string(QUOTE)}"
)
