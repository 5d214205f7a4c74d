"""Generate everything that is derived from the pydantic schema, and check it for drift.

Generated files (committed, never edited by hand; .gitattributes marks them linguist-generated):
- datapackage.json: the frictionless Data Package descriptor (Table Schema per CSV);
- schema/ddl.sql: the SQL DDL used to build typed databases;
- gx/expectations/columns.<table>.json: the column-level Great Expectations suites;
- publish/metadata.json: the Datasette metadata;
- docs/cli.md: the command reference, from each command's --help (given by the command line,
  which sits above this module: `claims generate` passes its own reference in).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from claims import project
from claims.expectations import column_suite
from claims.project import Project
from claims.publish import datasette_metadata
from claims.schema import TABLES
from claims.schema.derived import sql_ddl, table_schema
from claims.schema.dialect import DATAPACKAGE_DIALECT
from claims.schema.package import PACKAGE_META

# datapackage.json says it is generated in a "$comment" (the Data Package spec allows properties of
# one's own). The GX suites and the Datasette metadata carry none: their readers take no unknown keys
# (.gitattributes marks every generated file; the SQL and Markdown files say so in their first lines).
GENERATED_NOTE = "Generated from the schema (schema/tables.py) by `claims generate`; do not edit."
CLI_REFERENCE = Path("docs") / "cli.md"


def project_url(where: Project | None = None) -> str:
    """The project's public address, written once: pyproject.toml's [project.urls] Homepage."""
    path = (where or project.current()).pyproject
    try:
        with path.open("rb") as handle:
            return str(tomllib.load(handle)["project"]["urls"]["Homepage"])
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise project.ProjectNotFound(
            f"{path}: cannot read [project.urls] Homepage ({type(error).__name__}: {error}); "
            "the dataset's address is written there once: restore pyproject.toml from the repository"
        ) from None


def datapackage(where: Project | None = None) -> dict[str, Any]:
    """The Data Package descriptor of the project's tables."""
    where = where or project.current()
    resources = []
    for model in TABLES:
        meta = model.meta
        resources.append(
            {
                "name": meta.name,
                "title": meta.title,
                "description": meta.description,
                "path": meta.path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": dict(DATAPACKAGE_DIALECT),
                "schema": table_schema(model),
            }
        )
    return {
        "$comment": GENERATED_NOTE,
        **PACKAGE_META,
        "homepage": project_url(where),
        "version": where.dataset_version(),
        "profile": "tabular-data-package",
        "resources": resources,
    }


def generated_files(root: Path | None = None, cli_reference: str | None = None) -> dict[Path, str]:
    """Every generated file and the text it should have, from the current project, placed under
    `root` (default: the project's own folder). docs/cli.md is among them when the command line's
    reference is given."""
    where = project.current()
    root = where.root if root is None else root
    files = {
        root / "datapackage.json": json.dumps(datapackage(where), indent=2, ensure_ascii=False) + "\n",
        root / "schema" / "ddl.sql": sql_ddl(),
        root / "publish" / "metadata.json": json.dumps(datasette_metadata(), indent=2, ensure_ascii=False) + "\n",
    }
    if cli_reference is not None:
        files[root / CLI_REFERENCE] = cli_reference
    for model in TABLES:
        files[root / "gx" / "expectations" / f"columns.{model.meta.name}.json"] = (
            json.dumps(column_suite(model), indent=2, ensure_ascii=False) + "\n"
        )
    return files


def drifted(root: Path | None = None, cli_reference: str | None = None) -> list[Path]:
    """Generated files whose committed text differs from what the schema generates now."""
    return [
        path
        for path, text in generated_files(root, cli_reference).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def write(root: Path | None = None, cli_reference: str | None = None) -> list[Path]:
    """Write the generated files that drifted; return them."""
    files = generated_files(root, cli_reference)
    changed = [path for path, text in files.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
    return changed
