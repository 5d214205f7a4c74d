"""Read a CSV table byte by byte, carefully: every problem becomes a finding, nothing is changed.

Each row keeps the physical line where it starts, so that every later layer can point at it. The
commands that write tables write them whole or not at all (`replace_files`).
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from claims.findings import Finding
from claims.schema import Row
from claims.schema.catalogue import CELL_MAX_CHARS
from claims.schema.derived import table_schema

LAYER = "structure"
# The cell model (README, "What a cell is"): Python's csv reader reads any cell, whatever its size;
# a cell longer than CELL_MAX_CHARS is then reported as `cell-too-long` by both engines.
csv.field_size_limit(2**31 - 1)


@dataclass
class Table:
    name: str
    path: Path
    shown: str  # path as printed in findings
    columns: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # start line of each row in `rows`
    loaded: bool = False  # False when the file could not be read as a table at all
    count: int = 0  # rows read (the fast path reads them into DuckDB, not into `rows`)
    read_by: str = "python"  # which reader read the file: "python" (the reference) or "duckdb"
    # records that are not rows because their cells could not be read (too many or too few, a
    # cell too long), by line: what references to them follow from (`unread_keys`)
    unread: dict[int, list[str]] = field(default_factory=dict)

    def unread_keys(self, key_column: str) -> set[str]:
        """The values at `key_column`'s place in the records that could not be read: a reference to
        one of them is not dangling but waits for its row to be fixed. (With a stray comma the
        cells before it, the key first of all, are still in their places.)"""
        index = self.columns.index(key_column)
        return {record[index] for record in self.unread.values() if len(record) > index and record[index]}


def _finding(shown: str, line: int, column: str, rule: str, message: str, hint: str) -> Finding:
    return Finding(shown, line, column, rule, message, hint, LAYER)


def file_problem(path: Path) -> str | None:
    """Why a table file cannot be read safely (said with the operating system's reason), or None.

    A link is followed only to a file in the same folder: a link out of it (to a subfolder too)
    could make validation print, or `claims fmt` rewrite, a file that is not a table of the dataset.
    Only regular files are opened (a FIFO would block, a device never end)."""
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if target.is_dir():
                return "is a link to a folder; links are followed only to a file in the same folder"
            if target.parent != path.parent.resolve():
                return "is a link to a file in another folder; links are followed only to a file in the same folder"
        mode = path.stat().st_mode
    except RuntimeError:  # Python before 3.13 reports a link loop so
        return "cannot be read: too many levels of symbolic links"
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a folder, a device or a pipe)"
    return None


def read_table(path: Path, model: type[Row], shown: str) -> tuple[Table, list[Finding]]:
    """Read one CSV file; return the table (loaded=False if unusable) and the file-level findings."""
    expected = model.columns()
    table = Table(model.meta.name, path, shown, expected)
    findings: list[Finding] = []

    def report(line: int, column: str, rule: str, message: str, hint: str) -> None:
        findings.append(_finding(shown, line, column, rule, message, hint))

    if not path.exists() and not path.is_symlink():
        report(
            1,
            "-",
            "missing-file",
            f"the table file is missing ({model.meta.name} is required)",
            f"create it with the header: {','.join(expected)}",
        )
        return table, findings
    problem = file_problem(path)
    if problem is None:
        try:
            raw = path.read_bytes()
        except OSError as error:  # vanished, or an I/O error while reading
            problem = f"cannot be read: {error.strerror or error}"
    if problem is not None:
        report(
            1,
            "-",
            "unreadable-file",
            problem,
            "replace it with the CSV table itself (a regular file in the data folder)",
        )
        return table, findings
    if b"\x00" in raw:
        position = raw.index(b"\x00")
        report(
            raw.count(b"\n", 0, position) + 1,
            "-",
            "nul-byte",
            "contains a NUL byte, so it is binary or corrupt",
            "re-save the file as plain UTF-8 text",
        )
        return table, findings
    if raw.startswith(b"\xef\xbb\xbf"):
        report(1, "-", "encoding", "starts with a byte-order mark (BOM)", "save as UTF-8 without BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        report(
            line,
            "-",
            "encoding",
            f"is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})",
            "re-save the file as UTF-8",
        )
        return table, findings
    if not text.strip():
        report(
            1,
            "-",
            "empty-file",
            "is empty: even an empty table needs its header row",
            f"write the header: {','.join(expected)}",
        )
        return table, findings
    if "\r" in text:
        report(
            text.count("\n", 0, text.index("\r")) + 1,
            "-",
            "line-endings",
            "uses CR or CRLF line endings",
            "save with LF (Unix) line endings",
        )
    if not text.endswith("\n"):
        report(text.count("\n") + 1, "-", "line-endings", "does not end with a line break", "add a final newline")

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    previous_end = 0
    try:
        for record in reader:
            records.append((previous_end + 1, record))
            previous_end = reader.line_num
    except csv.Error as error:
        report(
            previous_end + 1,
            "-",
            "csv-quoting",
            f"broken CSV quoting ({error})",
            'a cell with a comma, quote or line break must be wrapped in "…", with inner quotes doubled ("")',
        )
        return table, findings

    header_line, header = records[0]
    if header != expected:
        unknown = [name for name in header if name not in expected]
        missing = [name for name in expected if name not in header]
        for name in unknown:
            close = difflib.get_close_matches(name, expected, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "remove the column or add it to schema/tables.py"
            report(header_line, name or "(empty)", "unknown-column", f"unknown column {name!r}", hint)
        for name in missing:
            report(
                header_line,
                name,
                "missing-column",
                f"column {name!r} is missing from the header",
                f"the header must be: {','.join(expected)}",
            )
        duplicated = sorted({name for name in header if header.count(name) > 1})
        for name in duplicated:
            report(header_line, name, "duplicate-column", f"column {name!r} appears more than once", "keep one")
        if not (unknown or missing or duplicated):
            report(
                header_line,
                "-",
                "column-order",
                "columns are not in the schema's order",
                f"the header must be: {','.join(expected)}",
            )
        return table, findings

    for line, record in records[1:]:
        if not record:
            report(line, "-", "blank-row", "is a blank line", "delete the line")
            continue
        if len(record) > len(expected):
            columns = split_columns(model, record)
            column = columns[0] if len(columns) == 1 else "-"
            which = "this cell" if len(columns) == 1 else f"the cell of {' or '.join(columns)}" if columns else "a cell"
            report(
                line,
                column,
                "cell-count",
                f"has {len(record)} cells, more than the {len(expected)} columns: {which} probably holds a comma",
                'wrap that cell in double quotes ("…"), doubling any " inside it',
            )
            table.unread[line] = record
            continue
        if len(record) < len(expected):
            report(
                line,
                "-",
                "cell-count",
                f"has {len(record)} cells, fewer than the {len(expected)} columns",
                "add the missing cells: each row has one per column, empty ones included (a comma each)",
            )
            table.unread[line] = record
            continue
        if max(map(len, record)) > CELL_MAX_CHARS:
            for column, cell in zip(expected, record):
                if len(cell) > CELL_MAX_CHARS:
                    report(
                        line,
                        column,
                        "cell-too-long",
                        f"has {len(cell)} characters; a cell has at most {CELL_MAX_CHARS}",
                        "shorten the cell: excerpts and texts are short quotations",
                    )
            table.unread[line] = record
            continue
        table.rows.append(dict(zip(expected, record)))
        table.lines.append(line)
    table.loaded, table.count = True, len(table.rows)
    return table, findings


def _fits(column: dict, cell: str) -> int:
    """+1 where `cell` is a value its column takes by its constraints, -1 where it is not, 0 where
    the column takes any text (or the cell is an empty optional one)."""
    constraints = column.get("constraints") or {}
    if not cell:
        return -1 if constraints.get("required") else 0
    if "enum" in constraints:
        return 1 if cell in constraints["enum"] else -1
    if "pattern" in constraints:
        return 1 if re.fullmatch(constraints["pattern"], cell) else -1
    checks = {"integer": r"-?[0-9]+", "boolean": r"true|false", "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}"}
    if column["type"] in checks:
        return 1 if re.fullmatch(checks[column["type"]], cell) else -1
    return 0


def split_columns(model: type[Row], record: list[str]) -> list[str]:
    """The columns whose cell an unquoted comma most likely split, for a record with more cells
    than columns; none where nothing looks split. Words split at a comma leave no part empty, and
    those after it begin with a space ("November 25, 2025"); of the columns where that is so, the
    ones where the cells, the split one put back together, then fit their columns best (IDs,
    terms, dates, numbers in their places) win."""
    columns = table_schema(model)["fields"]
    extra = len(record) - len(columns)
    scores = {}
    for at, column in enumerate(columns):
        parts = record[at : at + extra + 1]
        if not parts[0] or not all(part[:1].isspace() and part.strip() for part in parts[1:]):
            continue
        cells = record[:at] + [",".join(parts)] + record[at + extra + 1 :]
        scores[column["name"]] = sum(_fits(each, cell) for each, cell in zip(columns, cells))
    best = max(scores.values(), default=None)
    return [name for name, score in scores.items() if score == best]


class TableUnusable(ValueError):
    """A table file that a command cannot read as its table: the message names the file, the line
    and what to fix, in one line."""


def readable_table(path: Path, model: type[Row], shown: str | None = None) -> Table:
    """The table in `path`, read as validation reads it, for a command that uses its rows: a file
    that cannot be read as the table at all (missing, not UTF-8, broken quoting, another header)
    raises TableUnusable with its first finding. Records whose cells cannot be read are left out of
    the rows (`Table.unread` keeps them); a byte-order mark is read past."""
    table, findings = read_table(path, model, shown or os.path.relpath(path))
    if not table.loaded:
        first = findings[0]
        raise TableUnusable(
            f"{first.path}:{first.line}: [{first.rule}] {first.message}"
            + (f" ({first.hint})" if first.hint else "")
            + "; `claims check` lists every problem"
        )
    return table


def replace_files(contents: dict[Path, bytes]) -> None:
    """Write each file whole, or leave them all as they were: each to a temporary file beside it
    (with the mode of the file it replaces), then all renamed into place, so that a reader never
    sees half a file; if a rename fails, the files renamed before it get their old bytes back."""
    staged: list[tuple[Path, Path, bytes | None]] = []  # (file, its temporary file, its old bytes)
    try:
        for path, data in contents.items():
            old = path.read_bytes() if path.exists() else None
            handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
            partial = Path(name)
            staged.append((path, partial, old))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            partial.chmod(stat.S_IMODE(path.stat().st_mode) if old is not None else 0o644)
    except BaseException:
        for _path, partial, _old in staged:
            partial.unlink(missing_ok=True)
        raise
    renamed: list[tuple[Path, bytes | None]] = []
    try:
        for path, partial, old in staged:
            os.replace(partial, path)
            renamed.append((path, old))
    except BaseException:
        for path, old in renamed:
            if old is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(old)
        for _path, partial, _old in staged:
            partial.unlink(missing_ok=True)
        raise
