"""Layer 1, structure and types: read each CSV carefully, then frictionless against the descriptor.

Keys (primary and foreign) are left to the integrity layer (DuckDB), which reports each broken
key once; frictionless checks types, required cells, lengths, patterns and enums. The fast engines
(`check_sql`) scan each file's bytes and let DuckDB read the plain ones; any file the two CSV
readers could read differently is read by the reference reader, so its findings are the reference's.
"""

from __future__ import annotations

import codecs
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb

from claims.findings import Finding, short_repr
from claims.schema import TABLES
from claims.schema.catalogue import CELL_MAX_CHARS
from claims.schema.derived import table_schema
from claims.schema.dialect import duckdb_read_csv, sql_string
from claims.schema.fields import ID_PATTERN, TIMESTAMP_PATTERN, URL_PATTERN
from claims.tablefile import Table, file_problem, read_table
from claims.validate.run import Run, register_table

LAYER = "structure"

PATTERN_HINTS = {
    ID_PATTERN: "IDs are lower-case letters and digits joined by single hyphens, e.g. steve-witkoff (no capitals, spaces or invisible characters)",
    URL_PATTERN: "give an http:// or https:// address",
    TIMESTAMP_PATTERN: "e.g. 2025-11-25 or 2025-11-25T17:04:00-05:00",
}

# frictionless error types → hints printed with the finding
HINTS = {
    "type-error": "write the value in the column's type (see datapackage.json)",
}
CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)


def check(run: Run) -> None:
    for model in TABLES:
        path = run.data_dir / f"{model.meta.name}.csv"
        table, findings = read_table(path, model, run.shown(path))
        run.tables[model.meta.name] = table
        for finding in findings:
            run.findings.add(finding)
    _frictionless(run)


def _frictionless(run) -> None:
    for model in TABLES:
        table = run.tables[model.meta.name]
        if table.loaded and table.rows:
            for finding in frictionless_findings(model, table):
                run.findings.add(finding)


def frictionless_findings(model, table) -> list[Finding]:
    """frictionless's type and constraint findings on the rows of `table` (all, or some of them)."""
    from frictionless import Resource, Schema

    findings = []
    descriptor = {key: value for key, value in table_schema(model).items() if key not in {"foreignKeys", "primaryKey"}}
    descriptor["fields"] = [without_unique(field) for field in descriptor["fields"]]
    data = [table.columns] + [[row[column] for column in table.columns] for row in table.rows]
    resource = Resource(name=model.meta.name, data=data, schema=Schema.from_descriptor(descriptor))
    report = resource.validate()
    for task in report.tasks:
        for error in task.errors:
            row_number = getattr(error, "row_number", None)
            line = table.lines[row_number - 2] if row_number and row_number >= 2 else 1
            column = getattr(error, "field_name", None) or "-"
            cell = getattr(error, "cell", None)
            rule, message, hint = error.type, error.note, HINTS.get(error.type, error.description)
            constraint = CONSTRAINT.match(error.note) if error.type == "constraint-error" else None
            if constraint:
                rule, value = constraint.groups()
                message, hint = _constraint_message(rule, value, cell)
            elif cell not in (None, ""):
                message = f"{message} (cell {short_repr(cell)})"
            findings.append(Finding(table.shown, line, column, rule, message, hint, LAYER))
    return findings


def without_unique(field: dict) -> dict:
    """Uniqueness is a key rule, checked once by the integrity layer."""
    constraints = {k: v for k, v in field.get("constraints", {}).items() if k != "unique"}
    return {
        **{k: v for k, v in field.items() if k != "constraints"},
        **({"constraints": constraints} if constraints else {}),
    }


def rule_of(notes: dict) -> str:
    """The rule id frictionless's first note on a cell gives (as this layer reports it)."""
    first = next(iter(notes))
    return "type-error" if first == "type" else first


# The pattern of a column that lists terms of a vocabulary (claims.schema.derived writes it so):
# (?:a|b|c)(?:\|(?:a|b|c))*, whose terms the hint lists instead of the expression.
TERM_LIST = re.compile(r"\(\?:([\w|]+)\)\(\?:\\\|\(\?:\1\)\)\*")


def _constraint_message(rule: str, value: str, cell) -> tuple[str, str]:
    if rule == "required":
        return "is empty but required", "fill in the cell"
    if rule == "pattern":
        terms = TERM_LIST.fullmatch(value)
        if terms:
            allowed = terms.group(1).replace("|", ", ")
            return (
                f"{short_repr(cell)} is not a list of the column's terms",
                f"use one or more of: {allowed} (separated by '|')",
            )
        return f"{short_repr(cell)} does not match the column's pattern", PATTERN_HINTS.get(
            f"^{value}$", f"pattern: {value}"
        )
    if rule == "enum":
        return f"{short_repr(cell)} is not an allowed value", f"use one of: {value.strip('[]')}"
    return (
        f"{short_repr(cell)} breaks the {rule} constraint ({value})",
        "see the column's constraints in datapackage.json",
    )


# --- the fast engines: DuckDB reads the plain files, the reference reader the others ---------

CHUNK = 16 << 20
# A well-formed quoted cell, as Python's csv module and DuckDB both read it: a quote at the start of
# a cell (after a delimiter or a line break), quoted text with inner quotes doubled, and the closing
# quote before a delimiter or a line break. Any other quote is where the readers may part: a quote
# inside an unquoted cell (both accept it, but it shifts what follows), whitespace between a
# delimiter and an opening quote or between a closing quote and a delimiter (DuckDB trims it).
QUOTED_CELL = re.compile(rb'"(?<![^,\n]")[^"]*(?:""[^"]*)*"(?![^,\n])')
# A quoted cell holds at most CELL_MAX_CHARS characters of at most 4 bytes each: a chunk whose quotes
# are still open after that many more bytes has a quote out of place.
MAX_CELL_BYTES = 4 * CELL_MAX_CHARS
NULL_MARKER = "\x01"  # the fast reader's NULL string: a file that contains it is read by the reference


def quote_out_of_place(chunk: bytes) -> bool:
    """Whether a quote of `chunk` (records that start and end outside quoted cells) is not part of a
    well-formed quoted cell: then the two CSV readers may read the file differently."""
    return b'"' in chunk and b'"' in QUOTED_CELL.sub(b"", chunk)


def _chunks(handle):
    """The file in chunks of about CHUNK bytes that end at a line break outside quoted cells (an even
    number of quotes before it), so that each chunk holds whole records; a chunk whose quotes stay
    open for more than MAX_CELL_BYTES ends there (its quotes are out of place)."""
    while chunk := handle.read(CHUNK):
        parts = [chunk] if chunk.endswith(b"\n") else [chunk, handle.readline()]
        quotes = sum(part.count(b'"') for part in parts)
        grown = 0
        while quotes % 2 and grown <= MAX_CELL_BYTES and (line := handle.readline()):
            parts.append(line)
            quotes += line.count(b'"')
            grown += len(line)
        yield b"".join(parts)


def byte_scan(path: Path, check_utf8: bool = True) -> dict[str, Any]:
    """One pass over the file in chunks of whole records: NUL bytes, BOM, UTF-8 validity (unless
    `check_utf8` is false: the reader that follows checks it), CRs, line count, header, and the
    bytes that the two CSV readers could read differently."""
    facts: dict[str, Any] = {
        "nul": False,
        "bom": False,
        "utf8": True,
        "cr": False,
        "newlines": 0,
        "final_newline": False,
        "header": b"",
        "size": 0,
        "ambiguous": False,
    }
    decoder = codecs.getincrementaldecoder("utf-8")()
    last = b""
    with path.open("rb") as handle:
        for chunk in _chunks(handle):
            if not last:
                facts["bom"] = chunk.startswith(b"\xef\xbb\xbf")
                facts["header"] = chunk.split(b"\n", 1)[0]
            facts["size"] += len(chunk)
            facts["nul"] |= b"\x00" in chunk
            facts["cr"] |= b"\r" in chunk
            facts["newlines"] += chunk.count(b"\n")
            if not facts["ambiguous"]:
                facts["ambiguous"] = NULL_MARKER.encode() in chunk or quote_out_of_place(chunk)
            try:
                if check_utf8:
                    decoder.decode(chunk)
            except UnicodeDecodeError:
                facts["utf8"] = False
            last = chunk
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        facts["utf8"] = False
    facts["final_newline"] = last.endswith(b"\n")
    return facts


def plain_file(facts: dict | None, columns: list[str]) -> bool:
    """Whether the byte scan found a file that a fast CSV reader (DuckDB's, Spark's) reads as the
    reference does: no NUL, BOM, invalid UTF-8, CR or ambiguous quote, a final newline, the header."""
    if (
        not facts
        or facts["nul"]
        or facts["bom"]
        or not facts["utf8"]
        or facts["cr"]
        or not facts["final_newline"]
        or facts["ambiguous"]
    ):
        return False
    return facts["header"] == ",".join(columns).encode()


def duckdb_read(con, path: Path, name: str, columns: list[str]) -> tuple[int, int] | None:
    """Read a file with DuckDB into `_file_{name}`: (records, odd records: too many or too few
    cells, a cell too long), or None if DuckDB cannot read it (a quote out of place, invalid UTF-8)."""
    # One column more than the schema, padding on, and a NULL string no clean file contains: a
    # record with too many cells fills `_extra`, one with too few leaves its last column NULL (an
    # empty cell reads as ''), so both are caught although DuckDB tolerates them.
    cells = ", ".join(f"NULLIF({c}, '') AS {c}" for c in columns)
    odd = " OR ".join(
        ["_extra IS NOT NULL", f"{columns[-1]} IS NULL"] + [f"strlen({c}) > {CELL_MAX_CHARS}" for c in columns]
    )  # strlen counts bytes, never fewer than the characters
    reader = duckdb_read_csv(path, [*columns, "_extra"], null_padding="true", nullstr=sql_string(NULL_MARKER))
    try:
        con.execute(f"CREATE OR REPLACE TABLE _file_{name} AS SELECT {cells}, {odd} AS _odd FROM {reader}")
        return con.execute(f"SELECT count(*), count(*) FILTER (WHERE _odd) FROM _file_{name}").fetchone()
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS _file_{name}")
        return None


def _scan_and_read(con, scanner, path: Path, name: str, columns: list[str]) -> int | None:
    """Table `name` read by DuckDB, if the byte scan finds a plain file and DuckDB read one line
    per record with the right cells; its row count, or None if the reference reader must read it.

    The bytes are scanned (Python, in `scanner`'s thread) while DuckDB reads the file (which lets
    go of the GIL): a read the scan disowns is dropped. DuckDB keeps the file in `_file_{name}`,
    and `name` is a view of it with `_line`, the record's index in the file (a base table's rowid,
    in the file's order) plus 2 for the header and the 1-based count."""
    # DuckDB's reader rejects invalid UTF-8 in every cell it reads (the header is compared byte
    # for byte), so the scan leaves UTF-8 to it
    scan = scanner.submit(byte_scan, path, False)
    counts = duckdb_read(con, path, name, columns)
    try:
        facts = scan.result()
    except OSError:  # vanished or unreadable since: the reference reader says why
        facts = None
    # one line per record, the right number of cells, no long cell: the line numbers are exact
    if counts is None or not plain_file(facts, columns) or counts[1] or counts[0] != facts["newlines"] - 1:
        con.execute(f"DROP TABLE IF EXISTS _file_{name}")
        return None
    con.execute(
        f"CREATE OR REPLACE VIEW {name} AS SELECT {', '.join(columns)}, CAST(rowid + 2 AS BIGINT) AS _line FROM _file_{name}"
    )
    return counts[0]


def check_sql(run: Run, con) -> None:
    """Every table into DuckDB (text columns, empty cells NULL, `_line`); file-level findings."""
    with ThreadPoolExecutor(1) as scanner:
        for model in TABLES:
            name, columns = model.meta.name, model.columns()
            con.execute(f"CREATE OR REPLACE TABLE _bad_{name} (_line BIGINT)")  # lines the rows layer rejects
            path = run.data_dir / f"{name}.csv"
            shown = run.shown(path)
            table = Table(name, path, shown, columns)
            run.tables[name] = table
            rows = None
            if path.exists() and file_problem(path) is None:
                rows = _scan_and_read(con, scanner, path, name, columns)
            if rows is not None:
                table.loaded, table.count, table.read_by = True, rows, "duckdb"
                continue
            # anything unusual: the reference reader decides, and its findings are the reference's
            table, findings = read_table(path, model, shown)
            run.tables[name] = table
            for finding in findings:
                run.findings.add(finding)
            if table.loaded:
                register_table(con, name, table)


def keep_cells(run: Run, con) -> None:
    """Each table's cells into `run.kept` (Run.cells), for the build; each is dropped from the
    engine's database once kept, so that the rows are held about once while they move."""
    for model in TABLES:
        name, table = model.meta.name, run.tables[model.meta.name]
        if not table.loaded:
            continue
        run.kept[name] = con.sql(f"SELECT {', '.join(model.columns())} FROM {name}").to_arrow_table()
        con.execute(f"DROP TABLE _file_{name}" if table.read_by == "duckdb" else f"DROP TABLE {name}")
