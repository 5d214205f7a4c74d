"""Generate everything that is derived from the pydantic schema, and check it for drift.

Generated files (committed, never edited by hand; .gitattributes marks them linguist-generated):
- datapackage.json: the frictionless Data Package descriptor (Table Schema per CSV);
- schema/ddl.sql: the SQL DDL used to build typed databases;
- scripts/claims/gx/expectations/columns.<table>.json: the column-level Great Expectations suites;
- scripts/claims/site/metadata.json: the Datasette metadata;
- docs/data-dictionary.md: every table, column, constraint and vocabulary term (claims.dictionary);
- docs/rules.md: every rule id with its scope, layer, summary and example finding (claims.rules_reference);
- CITATION.cff's `version` and `date-released`: the latest release's, from data/releases.csv (the
  rest of the file is written by hand);
- .zenodo.json: the archive record Zenodo makes of each GitHub release (with a DOI), from CITATION.cff;
- docs/cli.md: the command reference, from each command's --help (given by the command line,
  which sits above this module: `claims generate` passes its own reference in).

datapackage.json carries no version: a checkout cannot name its own commit. Every copy that leaves
the repository (a release's or the site's CSV zip) is stamped with the data's version (claims.version).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from claims import dictionary, project, rules_reference
from claims.citation import cff_with_version
from claims.project import PACKAGE_SOURCE, Project
from claims.schema import TABLES
from claims.schema.derived import sql_ddl, table_schema
from claims.schema.dialect import DATAPACKAGE_DIALECT
from claims.schema.package import PACKAGE_META
from claims.site.metadata import datasette_metadata
from claims.suites import column_suite
from claims.version import latest_release

# datapackage.json says it is generated in a "$comment" (the Data Package spec allows properties of
# one's own). The GX suites and the Datasette metadata carry none: their readers take no unknown keys
# (.gitattributes marks every generated file; the SQL and Markdown files say so in their first lines).
GENERATED_NOTE = "Generated from the schema (schema/tables.py) by `claims generate`; do not edit."
CLI_REFERENCE = Path("docs") / "cli.md"


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
        "homepage": where.repository_url(),
        "profile": "tabular-data-package",
        "resources": resources,
    }


def citation_file(where: Project | None = None) -> str:
    """CITATION.cff as it should be: the version and date of the latest release data/releases.csv
    records, every other line as written (where nothing is released yet, as written)."""
    where = where or project.current()
    text = where.citation_file.read_text(encoding="utf-8")
    latest = latest_release(where.data_dir)
    return cff_with_version(text, latest.version, latest.released_on) if latest else text


def zenodo(where: Project | None = None) -> dict[str, Any]:
    """.zenodo.json: what Zenodo records when it archives a GitHub release (and mints a DOI), from
    CITATION.cff, where the citation is written once."""
    cff = yaml.safe_load(citation_file(where))
    record: dict[str, Any] = {
        "title": cff["title"],
        "upload_type": "dataset",
        "description": cff["abstract"],
        "creators": [
            {"name": author.get("name") or f"{author['family-names']}, {author['given-names']}"}
            for author in cff["authors"]
        ],
        "license": str(cff["license"]).lower(),
        "keywords": cff.get("keywords", []),
        "version": str(cff["version"]),
        "publication_date": str(cff["date-released"]),
        "related_identifiers": [{"identifier": cff["repository-code"], "relation": "isSupplementTo", "scheme": "url"}],
        "notes": cff["message"],
    }
    references = [
        ", ".join(
            filter(
                None,
                (
                    ", ".join(a["name"] for a in reference.get("authors", [])),
                    f"“{reference['title']}”",
                    (reference.get("publisher") or {}).get("name"),
                    str(reference.get("date-published") or ""),
                    reference.get("url"),
                ),
            )
        )
        for reference in cff.get("references", [])
    ]
    if references:
        record["references"] = references
    return record


def generated_files(root: Path | None = None, cli_reference: str | None = None) -> dict[Path, str]:
    """Every generated file and the text it should have, from the current project, placed under
    `root` (default: the project's own folder). docs/cli.md is among them when the command line's
    reference is given."""
    where = project.current()
    root = where.root if root is None else root
    files = {
        root / project.DESCRIPTOR_NAME: json.dumps(datapackage(where), indent=2, ensure_ascii=False) + "\n",
        root / "schema" / "ddl.sql": sql_ddl(),
        root / PACKAGE_SOURCE / "site" / "metadata.json": json.dumps(datasette_metadata(), indent=2, ensure_ascii=False)
        + "\n",
        root / "docs" / "data-dictionary.md": dictionary.markdown(),
        root / "docs" / "rules.md": rules_reference.markdown(),
        root / "CITATION.cff": citation_file(where),
        root / ".zenodo.json": json.dumps(zenodo(where), indent=2, ensure_ascii=False) + "\n",
    }
    if cli_reference is not None:
        files[root / CLI_REFERENCE] = cli_reference
    for model in TABLES:
        files[root / PACKAGE_SOURCE / "gx" / "expectations" / f"columns.{model.meta.name}.json"] = (
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
