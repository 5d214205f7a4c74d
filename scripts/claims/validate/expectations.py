"""Layer 5, expectations: the Great Expectations suites in gx/expectations/.

Column and dataset suites run on pandas frames loaded through DuckDB/Arrow (cells as the CSV has
them, indexed by line number, so that every unexpected value points at its line). The cross-table
suite runs as SQL on the SQLite database that `claims build` writes, built here into a temporary
folder by the same code, so that what is validated is what is served; it needs data that passed
the earlier layers and is skipped, saying so, when it did not.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from claims.database import sqlite_from_csvs
from claims.expectations import RULES, cross_table_suite, quiet_gx, suites_for, to_gx_suite
from claims.findings import Finding, short_repr
from claims.schema import TABLES
from claims.validate.run import Run

LAYER = "expectations"


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
    rule = meta.get("rule") or RULES.get(kind, kind.removeprefix("expect_"))
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
    if any(f.layer in {"structure", "rows", "integrity"} for f in run.findings):
        run.skipped["expectations (cross-table)"] = (
            "the data has findings in earlier layers, so the SQLite database could not be built to run the cross-table SQL expectations on"
        )
        return
    import duckdb

    suite = cross_table_suite()
    with tempfile.TemporaryDirectory(prefix="claims-gx-") as folder:
        path = Path(folder) / "claims.db"
        try:
            sqlite_from_csvs(run.data_dir, path, run.archive_dir)
        except duckdb.Error as error:
            run.skipped["expectations (cross-table)"] = (
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
