"""Layer 5, expectations: the Great Expectations suites in gx/expectations/.

Column and dataset suites run on pandas frames loaded through DuckDB/Arrow (cells as the CSV has
them, indexed by line number, so that every unexpected value points at its line). The cross-table
suite runs as SQL on the SQLite database that `claims build` writes, built here into a temporary
folder by the same code, so that what is validated is what is served; it needs data that passed
the earlier layers and is skipped, saying so, when it did not (cross_table_skipped, for every
engine). The fast engines (`check_sql`) run every suite as SQL: each expectation kind compiled
(COMPILED_EXPECTATIONS), its findings worded by the functions the reference uses.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

from claims.build.sqlite import sqlite_from_csvs
from claims.build.tables import archived_text_lengths
from claims.findings import Finding, short_repr
from claims.schema import TABLES
from claims.schema.dialect import sql_string
from claims.suites import RULE_OF_KIND, cross_table_suite, quiet_gx, suites_for, to_gx_suite
from claims.validate.run import Run

LAYER = "expectations"
CROSS_TABLE = "expectations (cross-table)"
# The layers whose findings mean the data would not be published: the cross-table suite runs on
# what is published (the SQLite database), so after them it is skipped, saying so.
BEFORE_CROSS_TABLE = ("structure", "rows", "integrity")


def cross_table_skipped(run: Run) -> bool:
    """Whether the cross-table suite is skipped (noted in the run): the same decision in every engine."""
    if any(f.layer in BEFORE_CROSS_TABLE for f in run.findings):
        run.skipped[CROSS_TABLE] = (
            "the data has findings in earlier layers, so the SQLite database could not be built to run the cross-table SQL expectations on"
        )
        return True
    return False


def check(run: Run) -> None:
    gx, context = quiet_gx()
    frames = context.data_sources.add_pandas("frames")
    for model in TABLES:
        name = model.meta.name
        table = run.tables[name]
        if not table.loaded:
            continue
        frame = _frame(table)
        batch = (
            frames.add_dataframe_asset(name=name)
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        for suite in suites_for(name):
            result = batch.validate(
                to_gx_suite(gx, suite), result_format={"result_format": "COMPLETE", "unexpected_index_column_names": []}
            )
            for item in result.results:
                if not item.success:
                    for finding in _column_findings(item, table.shown, frame):
                        run.findings.add(finding)
    _cross_table(run, gx, context)


def _frame(table):
    """The table as a pandas frame of text cells (None where empty), indexed by line number."""
    import pyarrow as pa

    arrow = pa.table(
        {column: pa.array([row[column] or None for row in table.rows], type=pa.string()) for column in table.columns}
    )
    frame = arrow.to_pandas()
    frame.index = table.lines
    return frame


def _column_findings(item, shown: str, frame) -> list[Finding]:
    config = item.expectation_config
    meta = config.meta or {}
    kind, kwargs = config.type, config.kwargs
    raised = [
        info.get("exception_message", "")
        for info in (item.exception_info or {}).values()
        if isinstance(info, dict) and info.get("raised_exception")
    ]
    if raised:
        return [
            Finding(
                shown,
                1,
                expectation_column(kind, kwargs, meta),
                "expectation-error",
                f"{kind} could not run: {raised[0][:300]}",
                "fix the expectation in gx/expectations/",
                LAYER,
            )
        ]
    result = item.result or {}
    lines = result.get("unexpected_index_list")
    if lines and not kwargs.get("mostly"):
        values = result.get("unexpected_list") or [None] * len(lines)
        return [unexpected_finding(shown, kind, kwargs, meta, int(line), value) for line, value in zip(lines, values)]
    if kind == "expect_column_values_to_not_be_null" and kwargs.get("mostly"):
        return [summary_finding(shown, kind, kwargs, meta, filled=1 - (result.get("unexpected_percent") or 0) / 100)]
    return [summary_finding(shown, kind, kwargs, meta, observed=result.get("observed_value"))]


# How a failed expectation is reported: one place, for Great Expectations and for the fast
# engine's compiled suites alike.


def expectation_column(kind: str, kwargs: dict, meta: dict) -> str:
    if kind == "expect_table_columns_to_match_ordered_list":
        return "-"
    return kwargs.get("column") or meta.get("column") or ",".join(kwargs.get("column_list") or []) or "-"


def _rule_and_hint(kind: str, kwargs: dict, meta: dict) -> tuple[str, str]:
    rule = meta.get("rule") or RULE_OF_KIND.get(kind, kind.removeprefix("expect_"))
    return rule, meta.get("hint") or f"expectation {kind}({_kwargs(kwargs)}) in gx/expectations/"


def unexpected_finding(shown: str, kind: str, kwargs: dict, meta: dict, line: int, value) -> Finding:
    """One unexpected cell (or, for compound keys, row)."""
    rule, hint = _rule_and_hint(kind, kwargs, meta)
    message = f"{short_repr(value)} fails {kind}" if value is not None else f"fails {kind}"
    return Finding(shown, line, expectation_column(kind, kwargs, meta), rule, message, hint, LAYER)


def summary_finding(
    shown: str, kind: str, kwargs: dict, meta: dict, observed=None, filled: float | None = None
) -> Finding:
    """A table-level failure: a fill rate below `mostly`, or an observed value out of bounds."""
    rule, hint = _rule_and_hint(kind, kwargs, meta)
    if filled is not None:
        message = f"only {filled:.0%} of rows are filled; at least {kwargs['mostly']:.0%} expected"
    elif observed is not None:
        message = f"{kind}: observed {short_repr(observed)} ({_kwargs(kwargs)})"
    else:
        message = f"{kind} failed ({_kwargs(kwargs)})"
    return Finding(shown, 1, expectation_column(kind, kwargs, meta), rule, message, hint, LAYER)


def cross_table_finding(shown: str, line: int, meta: dict, key, description: str) -> Finding:
    """A row that a cross-table SQL expectation returns."""
    return Finding(
        shown,
        line,
        meta["column"],
        meta["rule"],
        f"{', '.join(map(str, key))}: fails “{description}”",
        meta["hint"],
        LAYER,
    )


def _kwargs(kwargs: dict) -> str:
    return ", ".join(
        f"{key}={value!r}" for key, value in kwargs.items() if key not in {"column", "batch_id"} and value is not None
    )


def _cross_table(run, gx, context) -> None:
    if cross_table_skipped(run):
        return
    import duckdb

    suite = cross_table_suite()
    with tempfile.TemporaryDirectory(prefix="claims-gx-") as folder:
        path = Path(folder) / "claims.db"
        try:
            sqlite_from_csvs(run.data_dir, path, run.archive_dir)
        except duckdb.Error as error:
            run.skipped[CROSS_TABLE] = (
                f"the SQLite database could not be built from this data ({str(error).splitlines()[0]})"
            )
            return
        source = context.data_sources.add_sqlite("published", connection_string=f"sqlite:///{path}")
        assets: dict[str, Any] = {}
        for number, item in enumerate(suite["expectations"]):
            meta = item["meta"]
            if meta.get("needs") == "archived_texts" and run.archive_dir is None:
                run.notes.append(f"cross-table expectation skipped without an archive: {item['description']}")
                continue
            table = meta["table"]
            if table not in assets:
                assets[table] = (
                    source.add_table_asset(name=table, table_name=table)
                    .add_batch_definition_whole_table("all")
                    .get_batch()
                )
            single = to_gx_suite(gx, {"name": f"cross_table.{number}", "expectations": [item]})
            result = assets[table].validate(single, result_format="COMPLETE").results[0]
            if result.success:
                continue
            if "details" not in (result.result or {}):
                errors = [
                    info.get("exception_message", "")
                    for info in (result.exception_info or {}).values()
                    if isinstance(info, dict)
                ]
                run.findings.add(
                    Finding(
                        "gx/expectations/cross_table.json",
                        1,
                        "-",
                        "expectation-error",
                        f"“{item['description']}” could not run: {' '.join(errors)[:300]}",
                        "fix the expectation's SQL",
                        LAYER,
                    )
                )
                continue
            locate = {
                tuple(str(row[k]) for k in meta["key"]): line
                for row, line in zip(run.tables[table].rows, run.tables[table].lines)
            }
            for row in result.result["details"]["unexpected_rows"]:
                key = tuple(str(row[k]) for k in meta["key"])
                run.findings.add(
                    cross_table_finding(run.tables[table].shown, locate.get(key, 1), meta, key, item["description"])
                )
        source.get_engine().dispose()  # release the file before the folder is removed


# --- the fast engines: every expectation kind compiled to SQL -------------------------------------


def _unexpected_by_value(con, name: str, column: str, fails) -> list[tuple[int, object]]:
    """(line, value) of the cells whose distinct value `fails` (a Python test, as GX runs it on pandas)."""
    bad = [
        value
        for (value,) in con.execute(f"SELECT DISTINCT {column} FROM {name} WHERE {column} IS NOT NULL").fetchall()
        if fails(value)
    ]
    if not bad:
        return []
    con.register("_unexpected", pa.table({"value": pa.array(bad, pa.string())}))
    rows = con.execute(
        f"SELECT _line, {column} FROM {name} WHERE {column} IN (SELECT value FROM _unexpected) ORDER BY _line"
    ).fetchall()
    con.unregister("_unexpected")
    return rows


def _strptime_fails(fmt: str):
    from datetime import datetime

    def fails(value: str) -> bool:
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            return True
        return False

    return fails


def _length_outside(kwargs: dict) -> str:
    """SQL: the cell's length in characters is outside the expectation's bounds (either may be
    absent). Each cell's length is computed once: it walks the whole text."""
    column, low, high = kwargs["column"], kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        return f"length({column}) NOT BETWEEN {low} AND {high}"
    if low is not None:
        return f"length({column}) < {low}"
    return f"length({column}) > {high}" if high is not None else "FALSE"


# Each expectation kind the suites use, compiled: a function of (connection, table, kwargs) that
# returns the unexpected (line, value) pairs of a map expectation, or ("observed", value, passed).
COMPILED_EXPECTATIONS = {
    "expect_column_values_to_not_be_null": lambda con, t, k: con.execute(
        f"SELECT _line, NULL FROM {t} WHERE {k['column']} IS NULL ORDER BY _line"
    ).fetchall(),
    # selected in SQL, confirmed with Python's re as GX does on pandas
    "expect_column_values_to_match_regex": lambda con, t, k: [
        (line, value)
        for line, value in con.execute(
            f"SELECT _line, {k['column']} FROM {t} WHERE NOT regexp_matches({k['column']}, {sql_string(k['regex'])}) ORDER BY _line"
        ).fetchall()
        if not re.search(k["regex"], value)
    ],
    "expect_column_values_to_be_in_set": lambda con, t, k: con.execute(
        f"SELECT _line, {k['column']} FROM {t} WHERE {k['column']} NOT IN ({', '.join(sql_string(v) for v in k['value_set'])}) ORDER BY _line"
    ).fetchall(),
    "expect_column_value_lengths_to_be_between": lambda con, t, k: con.execute(
        f"SELECT _line, {k['column']} FROM {t} WHERE {_length_outside(k)} ORDER BY _line"
    ).fetchall(),
    "expect_column_values_to_match_strftime_format": lambda con, t, k: _unexpected_by_value(
        con, t, k["column"], _strptime_fails(k["strftime_format"])
    ),
    "expect_column_values_to_be_unique": lambda con, t, k: con.execute(
        f"SELECT _line, {k['column']} FROM {t} WHERE {k['column']} IN (SELECT {k['column']} FROM {t} GROUP BY ALL HAVING count(*) > 1) ORDER BY _line"
    ).fetchall(),
    "expect_compound_columns_to_be_unique": lambda con, t, k: [
        (row[0], dict(zip(k["column_list"], row[1:])))
        for row in con.execute(
            f"SELECT _line, {', '.join(k['column_list'])} FROM {t} WHERE ({', '.join(k['column_list'])}) IN "
            f"(SELECT ({', '.join(k['column_list'])}) FROM {t} GROUP BY ALL HAVING count(*) > 1) ORDER BY _line"
        ).fetchall()
    ],
    "expect_table_row_count_to_be_between": lambda con, t, k: (
        "observed",
        (count := con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]),
        (k.get("min_value") is None or count >= k["min_value"])
        and (k.get("max_value") is None or count <= k["max_value"]),
    ),
    "expect_table_columns_to_match_ordered_list": lambda con, t, k: (
        "observed",
        (columns := [c for c in con.execute(f"SELECT * FROM {t} LIMIT 0").fetchdf().columns if c != "_line"]),
        columns == list(k["column_list"]),
    ),
}


# For the map expectations a table has many of: an SQL count that is 0 only when the expectation
# passes, so that one scan of the table tells which expectations need their rows fetched.
MAY_FAIL = {
    "expect_column_values_to_not_be_null": lambda k: f"count(*) FILTER (WHERE {k['column']} IS NULL)",
    "expect_column_values_to_match_regex": lambda k: (
        f"count(*) FILTER (WHERE NOT regexp_matches({k['column']}, {sql_string(k['regex'])}))"
    ),
    "expect_column_values_to_be_in_set": lambda k: (
        f"count(*) FILTER (WHERE {k['column']} NOT IN ({', '.join(sql_string(v) for v in k['value_set'])}))"
    ),
    "expect_column_value_lengths_to_be_between": lambda k: f"count(*) FILTER (WHERE {_length_outside(k)})",
    "expect_column_values_to_be_unique": lambda k: f"count({k['column']}) - count(DISTINCT {k['column']})",
}


def _may_fail(con, name: str, items: list[dict]) -> list[bool]:
    """For each expectation of a table, whether it may fail: one scan for all of them."""
    counts = [
        MAY_FAIL[item["type"]](item["kwargs"])
        for item in items
        if item["type"] in MAY_FAIL and not item["kwargs"].get("mostly")
    ]
    found = iter(con.execute(f"SELECT {', '.join(counts)} FROM {name}").fetchone() if counts else ())
    return [
        next(found) > 0 if item["type"] in MAY_FAIL and not item["kwargs"].get("mostly") else True for item in items
    ]


def check_sql(run: Run, con) -> None:
    """Every suite as SQL: each expectation kind compiled (COMPILED_EXPECTATIONS), its findings
    worded by the reference layer's functions; then the cross-table queries."""
    for model in TABLES:
        name = model.meta.name
        table = run.tables[name]
        if not table.loaded:
            continue
        for suite in suites_for(name):
            for item, may_fail in zip(suite["expectations"], _may_fail(con, name, suite["expectations"])):
                kind, kwargs, meta = item["type"], item["kwargs"], item.get("meta") or {}
                if not may_fail:
                    continue
                if kind not in COMPILED_EXPECTATIONS:
                    raise NotImplementedError(
                        f"expectation kind {kind} has no compiled form in claims/validate/expectations.py (COMPILED_EXPECTATIONS)"
                    )
                if kind == "expect_column_values_to_not_be_null" and kwargs.get("mostly"):
                    total, filled = con.execute(f"SELECT count(*), count({kwargs['column']}) FROM {name}").fetchone()
                    if total and filled / total < kwargs["mostly"]:
                        run.findings.add(summary_finding(table.shown, kind, kwargs, meta, filled=filled / total))
                    continue
                outcome = COMPILED_EXPECTATIONS[kind](con, name, kwargs)
                if isinstance(outcome, tuple):
                    _observed, observed, passed = outcome
                    if not passed:
                        run.findings.add(summary_finding(table.shown, kind, kwargs, meta, observed=observed))
                    continue
                for line, value in outcome:
                    run.findings.add(unexpected_finding(table.shown, kind, kwargs, meta, line, value))
    if cross_table_skipped(run):
        return
    if run.archive_dir is not None and "provenance" not in run.timings:
        _archived_lengths(run, con)  # the provenance layer, which writes them, did not run
    for item in cross_table_suite()["expectations"]:
        meta = item["meta"]
        if meta.get("needs") == "archived_texts" and run.archive_dir is None:
            continue
        table = meta["table"]
        query = item["kwargs"]["unexpected_rows_query"].replace("{batch}", table)
        keys = ", ".join(meta["key"])
        for line, *key in con.execute(
            f"SELECT t._line, {', '.join('t.' + k for k in meta['key'])} FROM {table} t WHERE ({keys}) IN ({query}) ORDER BY t._line"
        ).fetchall():
            run.findings.add(cross_table_finding(run.tables[table].shown, line, meta, key, item["description"]))


def _archived_lengths(run, con) -> None:
    """archived_texts: the length of each archived text the sources cite (what the cross-table
    suite checks offsets against), as the published database has it (claims.build.sqlite)."""
    lengths = archived_text_lengths(con, run.archive_dir)
    run.archived_lengths = dict(lengths)
    con.execute("CREATE OR REPLACE TABLE archived_texts (archive_sha256 VARCHAR, char_length BIGINT)")
    if lengths:
        con.executemany("INSERT INTO archived_texts VALUES (?, ?)", lengths)
