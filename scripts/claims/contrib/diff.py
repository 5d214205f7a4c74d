"""`claims diff BASE [HEAD]`: what changed in the data between two git revisions, as Markdown.

Per table: rows added, removed and changed, matched by primary key, with each changed column as
old → new. HEAD defaults to the working tree. The comparison itself is csv-diff's; rows whose key
a file repeats (which csv-diff, matching by key, would fold into one) are compared as whole rows,
so that a duplicated row shows as added.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from csv_diff import compare

from claims.schema import HISTORY_TABLES, TABLES, TABLES_BY_NAME, Row
from claims.tablefile import file_problem

KEY_SEPARATOR = " / "
WIDTH = 80


class RevisionError(Exception):
    """A revision git does not know."""


class UnreadableTable(Exception):
    """A table file that cannot be read at a revision or in the working tree; says which and why."""


@dataclass
class TableDiff:
    table: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {"key": …, "changes": {column: [old, new]}, "row": {…}}
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    repeated_keys: set[str] = field(default_factory=set)  # keys that head's file gives to more than one row

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def _git_bytes(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout


def resolve(repo: Path, revision: str) -> str:
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if result.returncode != 0:
        raise RevisionError(f"git does not know the revision {revision!r}")
    return result.stdout.strip()


def _committed(repo: Path, revision: str, path: str, seen: frozenset[str] = frozenset()) -> bytes | None:
    """The bytes of `path` at `revision`, None if it has no such path. A link is followed to a file
    in the same folder, as validation follows it (`seen`: the links followed to get here)."""
    listed = _git_bytes(repo, "ls-tree", "-z", revision, "--", path).split(b"\0")[0]
    if not listed:
        return None
    mode, kind, blob = listed.split(b"\t", 1)[0].decode().split()
    if kind != "blob":
        raise UnreadableTable(f"{path} at {revision[:12]} is not a file (git has a {kind} there)")
    data = _git_bytes(repo, "cat-file", "blob", blob)
    if mode == "120000":  # a symbolic link: its blob is the target's path
        target = data.decode("utf-8", "replace")
        if "/" in target:
            raise UnreadableTable(f"{path} at {revision[:12]} is a link to {target}, out of its folder")
        if target in ("", ".", ".."):
            raise UnreadableTable(f"{path} at {revision[:12]} is a link to {target!r}, a folder, not to a file")
        if path in seen:
            raise UnreadableTable(f"{path} at {revision[:12]} is a link that loops")
        linked = _committed(repo, revision, str(Path(path).with_name(target)), seen | {path})
        if linked is None:
            raise UnreadableTable(f"{path} at {revision[:12]} is a link to {target}, which it does not have")
        return linked
    return data


def _working(repo: Path, path: str) -> bytes | None:
    """The bytes of `path` in the working tree, None if there is no such file."""
    file = repo / path
    if not file.exists() and not file.is_symlink():
        return None
    problem = file_problem(file)
    if problem is None:
        try:
            return file.read_bytes()
        except OSError as error:
            problem = f"cannot be read: {error.strerror or error}"
    raise UnreadableTable(f"{path} in the working tree {problem}")


def _key(model: type[Row], row: dict) -> str:
    return KEY_SEPARATOR.join(row.get(k) or "" for k in model.meta.primary_key)


def read_table(repo: Path, revision: str | None, model: type[Row], data_path: str = "data") -> dict[str, list[dict]]:
    """The rows at `revision` (None: the working tree) by primary key, in file order (a key holds
    more than one row where the file repeats it). A missing file is empty."""
    path = f"{data_path}/{model.meta.name}.csv"
    data = _working(repo, path) if revision is None else _committed(repo, revision, path)
    try:
        text = (data or b"").decode("utf-8")
    except UnicodeDecodeError as error:
        where = "in the working tree" if revision is None else f"at {revision[:12]}"
        raise UnreadableTable(
            f"{path} {where} is not valid UTF-8 (byte offset {error.start}): re-save it as UTF-8"
        ) from None
    return _keyed(text, model)


# A record with more cells than the header keeps the extra ones under this name (joined by commas);
# one with fewer has None (shown as NO_CELL) in the columns it has no cell for.
PAST_THE_HEADER = "(cells past the header)"
NO_CELL = "(no cell)"


def _keyed(text: str, model: type[Row]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for row in csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline=""), restkey=PAST_THE_HEADER):
        if PAST_THE_HEADER in row:
            row[PAST_THE_HEADER] = ",".join(row[PAST_THE_HEADER])
        rows.setdefault(_key(model, row), []).append(row)
    return rows


def _ragged(row: dict) -> bool:
    """Whether the record has more or fewer cells than the header."""
    return PAST_THE_HEADER in row or None in row.values()


Reader = Callable[[type[Row]], dict[str, list[dict]]]


def revision_reader(repo: Path, revision: str | None, data_path: str = "data") -> Reader:
    """A table's rows at a git revision of `repo` (None: its working tree), keyed by primary key."""
    return lambda model: read_table(repo, revision, model, data_path)


def folder_reader(folder: Path) -> Reader:
    """A table's rows in a folder of CSV files, keyed by primary key."""

    def read(model: type[Row]) -> dict[str, list[dict]]:
        path = folder / f"{model.meta.name}.csv"
        return _keyed(path.read_text(encoding="utf-8") if path.exists() else "", model)

    return read


def diff_tables(before: Reader, after: Reader) -> list[TableDiff]:
    """Per table, the rows added, removed and changed (matched by primary key) from `before` to
    `after`; each change carries the row as it is after it."""
    result = []
    for model in TABLES:
        old, new = before(model), after(model)
        outcome = _compare(old, new)
        changed = [{**change, "row": new[change["key"]][0]} for change in outcome["changed"]]
        result.append(
            TableDiff(
                model.meta.name,
                outcome["added"],
                outcome["removed"],
                changed,
                outcome["columns_added"],
                outcome["columns_removed"],
                {key for key, rows in new.items() if len(rows) > 1},
            )
        )
    return result


def diff(repo: Path, base: str, head: str | None = None, data_path: str = "data") -> list[TableDiff]:
    base_commit = resolve(repo, base)
    head_commit = resolve(repo, head) if head else None
    return diff_tables(revision_reader(repo, base_commit, data_path), revision_reader(repo, head_commit, data_path))


def lost_ids(diffs: list[TableDiff]) -> list[str]:
    """Rows removed or changed in the history tables (retired and published IDs, the release
    records): the history may only grow, so a pull request that deletes an ID together with its
    record of publication, or rewrites a release, is caught here."""
    lost = []
    for d in diffs:
        if d.table in HISTORY_TABLES:
            key = TABLES_BY_NAME[d.table].meta.primary_key
            lost += [f"{d.table}: {' '.join(row.get(k) or '' for k in key)}" for row in d.removed]
            lost += [f"{d.table}: {change['key']} changed" for change in d.changed]
    return lost


def _compare(before: dict[str, list[dict]], after: dict[str, list[dict]]) -> dict:
    """csv-diff's comparison of the rows whose key each side gives once, in records of the header's
    length; rows of a key that a side repeats are matched whole (an identical row is unchanged, the
    rest added or removed), and a record of more or fewer cells is compared here cell by cell
    (csv-diff needs every row to have the same columns). csv-diff needs rows on both sides, so a
    table that appears or disappears whole is handled here too."""
    repeated = {
        key for key in before.keys() | after.keys() if len(before.get(key, [])) > 1 or len(after.get(key, [])) > 1
    }
    ragged = {key for side in (before, after) for key, rows in side.items() if key not in repeated and _ragged(rows[0])}
    single_before = {key: rows[0] for key, rows in before.items() if key not in repeated | ragged}
    single_after = {key: rows[0] for key, rows in after.items() if key not in repeated | ragged}
    if single_before and single_after:
        outcome = _with_new_columns(compare(single_before, single_after), single_before, single_after)
    else:
        outcome = {
            "added": list(single_after.values()),
            "removed": list(single_before.values()),
            "changed": [],
            "columns_added": [],
            "columns_removed": [],
        }
    for key in sorted(ragged):
        old, new = before.get(key, [None])[0], after.get(key, [None])[0]
        if old is None or new is None:
            outcome["added" if old is None else "removed"].append(new or old)
            continue
        changes = {
            column: [old.get(column, ""), new.get(column, "")]
            for column in dict.fromkeys([*old, *new])
            if old.get(column, "") != new.get(column, "")
        }
        outcome["changed"].append({"key": key, "changes": changes})
    for key in sorted(repeated):
        unmatched = list(after.get(key, []))
        for row in before.get(key, []):
            if row in unmatched:
                unmatched.remove(row)
            else:
                outcome["removed"].append(row)
        outcome["added"] += unmatched
    return outcome


def _with_new_columns(outcome: dict, before: dict, after: dict) -> dict:
    """csv-diff compares the columns both sides have: a row that has a value in a column added since
    (or had one in a column removed since) is changed too, in that column."""
    if not (outcome["columns_added"] or outcome["columns_removed"]):
        return outcome
    changed = {change["key"]: change for change in outcome["changed"]}
    for key in after.keys() & before.keys():
        columns = {column: [None, after[key][column]] for column in outcome["columns_added"] if after[key][column]}
        columns |= {column: [before[key][column], None] for column in outcome["columns_removed"] if before[key][column]}
        if columns:
            changed.setdefault(key, {"key": key, "changes": {}})["changes"].update(columns)
    return {**outcome, "changed": [changed[key] for key in after if key in changed]}


def _short(value) -> str:
    text = NO_CELL if value is None else str(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


def _label(model: type[Row], row: dict) -> str:
    key = _key(model, row)
    label = row.get(model.meta.label_column or "", "")
    return f"`{key}`" + (f" — {_short(label)}" if label else "")


def summary_line(diffs: list[TableDiff]) -> str:
    parts = []
    for d in diffs:
        counts = [
            f"+{len(d.added)}" if d.added else "",
            f"−{len(d.removed)}" if d.removed else "",
            f"~{len(d.changed)}" if d.changed else "",
        ]
        counts += [f"column +{name}" for name in d.columns_added]
        counts += [f"column −{name}" for name in d.columns_removed]
        if any(counts):
            parts.append(f"{d.table} {' '.join(c for c in counts if c)}")
    return "; ".join(parts) if parts else "no data changes"


def markdown(diffs: list[TableDiff], base: str, head: str | None) -> str:
    models = {m.meta.name: m for m in TABLES}
    lines = [f"## Data changes: `{base}` → `{head or 'working tree'}`", "", f"**{summary_line(diffs)}**", ""]
    changed_tables = [d for d in diffs if not d.empty]
    if changed_tables:
        lines += ["| table | added | removed | changed |", "| --- | ---: | ---: | ---: |"]
        lines += [f"| {d.table} | {len(d.added)} | {len(d.removed)} | {len(d.changed)} |" for d in changed_tables]
    for d in changed_tables:
        model = models[d.table]
        lines += ["", f"### {d.table}", ""]
        if d.columns_added or d.columns_removed:
            lines.append(
                f"- columns added: {', '.join(d.columns_added) or '—'}; removed: {', '.join(d.columns_removed) or '—'}"
            )
        lines += [
            f"- added {_label(model, row)}" + (" (its key is repeated)" if _key(model, row) in d.repeated_keys else "")
            for row in d.added
        ]
        lines += [f"- removed {_label(model, row)}" for row in d.removed]
        for change in d.changed:
            lines.append(f"- changed `{change['key']}`")
            lines += [
                f"  - `{column}`: {_short(old)} → {_short(new)}" for column, (old, new) in change["changes"].items()
            ]
    return "\n".join(lines) + "\n"
