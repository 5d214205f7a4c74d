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

from claims.schema import TABLES, Row
from claims.schema.derived import id_columns
from claims.tablefile import file_problem, replace_files

# What `changes` says of the changes that validation reports as well, each in its own words
# (`claims check` leaves out a canonical-form finding that says no more than those).
BOM_REMOVED = "byte-order mark removed"
LINE_ENDINGS_MADE_LF = "line endings made LF"
FINAL_BREAK_ADDED = "final line break added"
BLANK_LINES_REMOVED = "blank line(s) removed"


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
        said.append(BOM_REMOVED)
    if "\r" in before:
        said.append(LINE_ENDINGS_MADE_LF)
    elif not before.endswith("\n"):
        said.append(FINAL_BREAK_ADDED)
    old_header, old_rows = _records(before)
    new_header, new_rows = _records(after)
    if old_header != new_header:
        added = [name for name in new_header if name not in old_header]
        said.append(f"columns added: {', '.join(added)}" if added else "columns put in the schema's order")
    blank = sum(1 for record in csv.reader(io.StringIO(before.removeprefix("\ufeff"), newline="")) if not record)
    if blank:
        said.append(f"{blank} {BLANK_LINES_REMOVED}")
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


def planned(
    data_dir: Path, appended: dict[str, str] | None = None
) -> tuple[dict[Path, tuple[bytes, list[str]]], dict[Path, str]]:
    """Each table file's canonical form where it differs from the file, with what it changes; and
    the files that cannot be formatted, with why. `appended`: table → CSV records added at the end
    of its file first (claims add)."""
    changed: dict[Path, tuple[bytes, list[str]]] = {}
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
            added = (appended or {}).get(model.meta.name, "")
            if added:
                text += ("" if text.endswith("\n") or not text else "\n") + added
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
            changed[path] = (formatted.encode("utf-8"), changes(text, formatted, model))
    return changed, errors


def format_tables(data_dir: Path, check: bool = False) -> tuple[dict[Path, list[str]], dict[Path, str]]:
    """Format every table file; return (files changed or that would change, with what changed in
    each; files that cannot be formatted, with why)."""
    changed, errors = planned(data_dir)
    if not check:
        replace_files({path: data for path, (data, _what) in changed.items()})
    return {path: what for path, (_data, what) in changed.items()}, errors
