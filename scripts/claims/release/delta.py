"""delta.json (per table, the rows added, removed and changed since the previous release, each named
by its key) and the release notes written from it."""

from __future__ import annotations

from pathlib import Path

from claims.contrib.diff import TableDiff, diff_tables, folder_reader
from claims.schema import TABLES_BY_NAME
from claims.site.downloads import NAME

# How many IDs of one kind (added, removed, changed) the release notes list for a table; delta.json lists all.
NOTES_LIST_LIMIT = 50


def delta(version: str, previous: str | None, before: Path | None, data_dir: Path) -> dict:
    """delta.json: per table, the rows added, removed and changed (with the columns that changed)
    since the previous release (its data in `before`), each row named by its key."""
    diffs = diff_tables(folder_reader(before) if before else (lambda model: {}), folder_reader(data_dir))
    return {
        "name": NAME,
        "version": version,
        "previous_version": previous,
        "tables": {d.table: _table_delta(d) for d in diffs},
    }


def _table_delta(d: TableDiff) -> dict:
    key = TABLES_BY_NAME[d.table].meta.primary_key

    def named(row: dict) -> dict:
        return {column: row.get(column) for column in key}

    return {
        "key": list(key),
        "added": [named(row) for row in d.added],
        "removed": [named(row) for row in d.removed],
        "changed": [{**named(change["row"]), "columns": sorted(change["changes"])} for change in d.changed],
        "columns_added": d.columns_added,
        "columns_removed": d.columns_removed,
    }


def release_notes(version: str, entry: str, changes: dict) -> str:
    """RELEASE_NOTES.md: the changelog entry, then the changes in the data, written from delta.json."""
    previous = changes["previous_version"]
    heading = f"Changes in the data since {previous}" if previous else "The data of the first release"
    lines = [f"# {NAME} {version}", "", entry, "", f"## {heading}", ""]
    changed = {name: table for name, table in changes["tables"].items() if _any_change(table)}
    if not changed:
        return "\n".join([*lines, "No row was added, removed or changed.", ""])
    lines += [
        "From `delta.json`, which lists every change by key, so that a copy can be updated without re-reading everything.",
        "",
        "| table | added | removed | changed |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {name} | {len(table['added'])} | {len(table['removed'])} | {len(table['changed'])} |"
        for name, table in changed.items()
    ]
    for name, table in changed.items():
        lines += ["", f"### {name}", ""]
        if table["columns_added"] or table["columns_removed"]:
            lines.append(
                f"- columns added: {', '.join(table['columns_added']) or '—'}; removed: {', '.join(table['columns_removed']) or '—'}"
            )
        for kind in ("added", "removed", "changed"):
            rows = table[kind]
            if not rows:
                continue
            shown = [
                "`"
                + " / ".join(str(row[k]) for k in table["key"])
                + "`"
                + (f" ({', '.join(row['columns'])})" if kind == "changed" else "")
                for row in rows[:NOTES_LIST_LIMIT]
            ]
            more = f", and {len(rows) - NOTES_LIST_LIMIT} more" if len(rows) > NOTES_LIST_LIMIT else ""
            lines.append(f"- {kind}: {', '.join(shown)}{more}")
    return "\n".join(lines) + "\n"


def _any_change(table: dict) -> bool:
    return any(table[kind] for kind in ("added", "removed", "changed", "columns_added", "columns_removed"))
