"""`claims docs`: Great Expectations Data Docs (HTML) for the suites run on the current data.

GX writes Data Docs through a file-based context. The committed context (gx/) is copied into a
temporary folder, the suites are run there through checkpoints that update the docs, and the
rendered site is copied to build/data_docs/, with the scripts, styles and fonts GX loads from CDNs
replaced by copies vendored from the npm registry (claims/vendor.py). The repository's gx/ is never
written to.

`claims validate` runs the suites compiled to SQL (the fast engine); Great Expectations stays the
reference they are proved equal to, so `claims docs` also runs both engines on the same data and
reports any finding one of them has and the other lacks.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from claims.archive import Location
from claims.build.sqlite import sqlite_from_csvs
from claims.project import GX_DIR
from claims.schema import TABLES
from claims.suites import cross_table_suite, quiet_gx, suites_for, to_gx_suite
from claims.tablefile import read_table
from claims.validate import validate
from claims.vendor import localise


def build_docs(data_dir: Path, out_dir: Path, archive_dir: Location | None = None) -> Path:
    gx, _ephemeral = quiet_gx()
    from great_expectations.checkpoint import Checkpoint, UpdateDataDocsAction
    from great_expectations.data_context.types.base import ProgressBarsConfig

    with tempfile.TemporaryDirectory(prefix="claims-docs-") as folder:
        root = Path(folder)
        shutil.copytree(GX_DIR, root / "gx", ignore=shutil.ignore_patterns("uncommitted", "*.json"))
        context = gx.get_context(mode="file", project_root_dir=root)
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        frames = context.data_sources.add_pandas("frames")
        for model in TABLES:
            table, _findings = read_table(data_dir / f"{model.meta.name}.csv", model, model.meta.path)
            if not table.loaded:
                continue
            import pandas as pd

            frame = pd.DataFrame(table.rows, columns=table.columns, index=table.lines).replace({"": None})
            batch_definition = frames.add_dataframe_asset(name=model.meta.name).add_batch_definition_whole_dataframe(
                "all"
            )
            for suite in suites_for(model.meta.name):
                _run_checkpoint(
                    context, gx, Checkpoint, UpdateDataDocsAction, suite, batch_definition, {"dataframe": frame}
                )
        database = root / "claims.db"
        sqlite_from_csvs(data_dir, database, archive_dir)
        published = context.data_sources.add_sqlite("published", connection_string=f"sqlite:///{database}")
        by_table: dict[str, list] = {}
        for item in cross_table_suite()["expectations"]:
            if item["meta"].get("needs") == "archived_texts" and archive_dir is None:
                continue
            by_table.setdefault(item["meta"]["table"], []).append(item)
        for table_name, items in by_table.items():
            batch_definition = published.add_table_asset(
                name=table_name, table_name=table_name
            ).add_batch_definition_whole_table("all")
            _run_checkpoint(
                context,
                gx,
                Checkpoint,
                UpdateDataDocsAction,
                {"name": f"cross_table.{table_name}", "expectations": items},
                batch_definition,
                None,
            )
        context.build_data_docs()
        site = root / "gx" / "uncommitted" / "data_docs" / "local_site"
        target = out_dir / "data_docs"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(site, target)
    localise(target)  # vendored scripts, styles and fonts: the pages load nothing from elsewhere
    return target / "index.html"


def _run_checkpoint(context, gx, Checkpoint, UpdateDataDocsAction, suite, batch_definition, batch_parameters) -> None:
    gx_suite = context.suites.add(to_gx_suite(gx, suite))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"validate {suite['name']}", data=batch_definition, suite=gx_suite)
    )
    checkpoint = context.checkpoints.add(
        Checkpoint(
            name=f"check {suite['name']}",
            validation_definitions=[definition],
            actions=[UpdateDataDocsAction(name="docs")],
        )
    )
    checkpoint.run(batch_parameters=batch_parameters)


def engines_disagree(data_dir: Path, archive_dir=None) -> tuple[int, list[str]]:
    """(findings of the fast engine, every finding only one engine reports, printed with the engine
    that reports it). Empty when the compiled suites and rules agree with the reference."""
    runs = {engine: validate(data_dir, archive_dir, engine=engine) for engine in ("fast", "reference")}
    keyed = {
        engine: {(f.path, f.line, f.column, f.rule, f.message): f for f in run.findings} for engine, run in runs.items()
    }
    only = []
    for engine, other in (("fast", "reference"), ("reference", "fast")):
        for key in sorted(keyed[engine].keys() - keyed[other].keys()):
            only.append(f"only the {engine} engine: {keyed[engine][key].format()}")
    return len(runs["fast"].findings), only
