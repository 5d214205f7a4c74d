"""`claims diff BASE [HEAD]`: what changed in the data between two git revisions, as Markdown.

Per table: rows added, removed and changed, matched by primary key, with each changed column as
old → new. HEAD defaults to the working tree. The comparison itself is csv-diff's.
"""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from csv_diff import compare

from claims.schema import TABLES, Row

KEY_SEPARATOR = " / "
WIDTH = 80


class RevisionError(Exception):
    """A revision git does not know."""


@dataclass
class TableDiff:
    table: str
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {"key": …, "changes": {column: [old, new]}, "row": {…}}
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def resolve(repo: Path, revision: str) -> str:
    result = _git(repo, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if result.returncode != 0:
        raise RevisionError(f"git does not know the revision {revision!r}")
    return result.stdout.strip()


def read_table(repo: Path, revision: str | None, model: type[Row], data_path: str = "data") -> dict[str, dict]:
    """Rows keyed by primary key, at `revision` (None: the working tree). A missing file is empty."""
    path = f"{data_path}/{model.meta.name}.csv"
    if revision is None:
        file = repo / path
        text = file.read_text(encoding="utf-8") if file.exists() else ""
    else:
        result = _git(repo, "show", f"{revision}:{path}")
        text = result.stdout if result.returncode == 0 else ""
    return _keyed(text, model)


def _keyed(text: str, model: type[Row]) -> dict[str, dict]:
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    return {KEY_SEPARATOR.join(row.get(k) or "" for k in model.meta.primary_key): row for row in rows}


Reader = Callable[[type[Row]], dict[str, dict]]


def revision_reader(repo: Path, revision: str | None, data_path: str = "data") -> Reader:
    """A table's rows at a git revision of `repo` (None: its working tree), keyed by primary key."""
    return lambda model: read_table(repo, revision, model, data_path)


def folder_reader(folder: Path) -> Reader:
    """A table's rows in a folder of CSV files, keyed by primary key."""

    def read(model: type[Row]) -> dict[str, dict]:
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
        changed = [{**change, "row": new[change["key"]]} for change in outcome["changed"]]
        result.append(
            TableDiff(
                model.meta.name,
                outcome["added"],
                outcome["removed"],
                changed,
                outcome["columns_added"],
                outcome["columns_removed"],
            )
        )
    return result


def diff(repo: Path, base: str, head: str | None = None, data_path: str = "data") -> list[TableDiff]:
    base_commit = resolve(repo, base)
    head_commit = resolve(repo, head) if head else None
    return diff_tables(revision_reader(repo, base_commit, data_path), revision_reader(repo, head_commit, data_path))


def lost_ids(diffs: list[TableDiff]) -> list[str]:
    """Rows removed from published_ids or retired_ids: the ID history may only grow, so a pull
    request that deletes an ID together with its record of publication is caught here."""
    lost = []
    for d in diffs:
        if d.table in {"published_ids", "retired_ids"}:
            lost += [f"{d.table}: {row.get('table_name')} {row.get('id')}" for row in d.removed]
            lost += [f"{d.table}: {change['key']} changed" for change in d.changed]
    return lost


def _compare(before: dict, after: dict) -> dict:
    """csv-diff's comparison; it needs rows on both sides, so a table that appears or disappears
    whole is handled here."""
    if before and after:
        return compare(before, after)
    return {
        "added": list(after.values()),
        "removed": list(before.values()),
        "changed": [],
        "columns_added": [],
        "columns_removed": [],
    }


def _short(value) -> str:
    text = "" if value is None else str(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


def _label(model: type[Row], row: dict) -> str:
    key = KEY_SEPARATOR.join(row.get(k) or "" for k in model.meta.primary_key)
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
        lines += [f"- added {_label(model, row)}" for row in d.added]
        lines += [f"- removed {_label(model, row)}" for row in d.removed]
        for change in d.changed:
            lines.append(f"- changed `{change['key']}`")
            lines += [
                f"  - `{column}`: {_short(old)} → {_short(new)}" for column, (old, new) in change["changes"].items()
            ]
    return "\n".join(lines) + "\n"
