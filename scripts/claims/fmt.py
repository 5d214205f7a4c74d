"""`claims fmt`: rewrite the CSV tables in one canonical form, losing nothing.

Canonical form: UTF-8 without BOM; LF line endings; the schema's column order; rows sorted by
primary key; minimal quoting; no surrounding whitespace in ID cells. Text cells keep every
character as it is, in whatever Unicode normalisation form: excerpts, quotes, roles, titles and the
words a mention names are compared with the archived texts and with each other code point by code
point, so normalising any of them (to NFC, say) could turn valid data invalid. A file that cannot
be read as a table, or that has a column the schema does not know, is left untouched and reported:
formatting never drops data.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

from claims.archive import write_atomically
from claims.schema import TABLES, Row
from claims.schema.derived import id_columns
from claims.tablefile import file_problem


class FormatError(Exception):
    """The file cannot be formatted without losing data; says why."""


def canonical(text: str, model: type[Row]) -> str:
    """The canonical form of one table's CSV text."""
    text = text.removeprefix("\ufeff")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise FormatError(f"broken CSV quoting ({error}); fix it by hand first") from None
    if not records:
        raise FormatError("the file is empty; it needs at least the header row")
    header, rows = records[0], [r for r in records[1:] if r]
    columns = model.columns()
    unknown = [name for name in header if name not in columns]
    if unknown or len(set(header)) != len(header):
        raise FormatError(f"unknown or repeated columns {unknown or header}; formatting would drop them")
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise FormatError(f"record {number} has {len(row)} cells for {len(header)} columns")
    ids = id_columns(model)

    def cell(name: str, value: str) -> str:
        return value.strip() if name in ids else value

    ordered = [[cell(name, dict(zip(header, row)).get(name, "")) for name in columns] for row in rows]
    key = [columns.index(name) for name in model.meta.primary_key]
    ordered.sort(key=lambda row: [row[i] for i in key])
    return "".join(",".join(_quote(value) for value in row) + "\n" for row in [columns, *ordered])


def _quote(value: str) -> str:
    """Minimal quoting. Python's csv writer leaves a lone carriage return unquoted when lines end
    in LF, which a reader then takes for a line break; so quoting is decided here."""
    if any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


# A cell as written: in quotes (inner quotes doubled), or not (then it does not start with a quote).
WRITTEN_CELL = re.compile(r'"((?:[^"]|"")*)"|(?!")[^,\r\n]*')


def _quoting_changes(text: str) -> tuple[int, int]:
    """(cells written without the quotes they need, cells written in quotes they do not need):
    a cell needs them when it holds a quote, a comma or a line break. `text` reads as CSV."""
    added = removed = 0
    for cell in WRITTEN_CELL.finditer(text):
        if cell.group(0).startswith('"'):
            removed += not any(ch in cell.group(1) for ch in ',"\r\n')
        else:
            added += '"' in cell.group(0)
    return added, removed


def _records(text: str) -> tuple[list[str], list[dict[str, str]]]:
    records = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    header = records[0] if records else []
    return header, [dict(zip(header, record)) for record in records[1:] if record]


def changes(before: str, after: str, model: type[Row]) -> list[str]:
    """What formatting changed between the text `before` and its canonical form `after`, in words
    (read back from the two texts, whatever rule made each change)."""
    said = []
    if before.startswith("\ufeff"):
        said.append("byte-order mark removed")
    if "\r" in before:
        said.append("line endings made LF")
    elif not before.endswith("\n"):
        said.append("final line break added")
    old_header, old_rows = _records(before)
    new_header, new_rows = _records(after)
    if old_header != new_header:
        added = [name for name in new_header if name not in old_header]
        said.append(f"columns added: {', '.join(added)}" if added else "columns put in the schema's order")
    blank = before.replace("\r\n", "\n").count("\n\n")
    if blank:
        said.append(f"{blank} blank line(s) removed")
    keys = [tuple(row.get(name, "") for name in model.meta.primary_key) for row in new_rows]
    old_keys = {
        tuple(row.get(name, "").strip() for name in model.meta.primary_key): i for i, row in enumerate(old_rows)
    }
    moved = sum(old_keys.get(key) != index for index, key in enumerate(keys))
    if moved:
        said.append(f"{moved} row(s) put in key order")
    for name in new_header:
        lost = Counter(row.get(name, "") for row in old_rows) - Counter(row[name] for row in new_rows)
        if name in old_header and lost:  # the one change to a cell: an ID loses its surrounding whitespace
            said.append(f"{name}: {lost.total()} cell(s) surrounding whitespace removed")
    quotes_added, quotes_removed = _quoting_changes(before)
    if quotes_added:
        said.append(f"quotes added to {quotes_added} cell(s) that hold a quote")
    if quotes_removed:
        said.append(f"quotes removed from {quotes_removed} cell(s) that need none")
    return said or ["written in canonical form"]


def format_tables(data_dir: Path, check: bool = False) -> tuple[dict[Path, list[str]], dict[Path, str]]:
    """Format every table file; return (files changed or that would change, with what changed in
    each; files that cannot be formatted, with why)."""
    changed: dict[Path, list[str]] = {}
    errors: dict[Path, str] = {}
    for model in TABLES:
        path = data_dir / f"{model.meta.name}.csv"
        if not path.exists() and not path.is_symlink():
            errors[path] = "missing"
            continue
        if path.is_symlink():  # writing would change the link's target, maybe outside data/
            errors[path] = "is a link; fmt never writes through a link: replace it with the file itself"
            continue
        problem = file_problem(path)
        if problem:
            errors[path] = problem
            continue
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
            formatted = canonical(text, model)
        except OSError as error:
            errors[path] = f"cannot be read: {error.strerror or error}"
            continue
        except UnicodeDecodeError:
            errors[path] = "not valid UTF-8; re-save it as UTF-8"
            continue
        except FormatError as error:
            errors[path] = str(error)
            continue
        if formatted.encode("utf-8") != raw:
            changed[path] = changes(text, formatted, model)
            if not check:  # whole or not at all: an interrupted fmt leaves the file as it was
                write_atomically(path, formatted.encode("utf-8"))
    return changed, errors
