"""Generate everything that is derived from the pydantic schema, and check it for drift.

Generated files (committed, never edited by hand):
- datapackage.json: the frictionless Data Package descriptor (Table Schema per CSV);
- schema/ddl.sql: the SQL DDL used to build typed databases;
- gx/expectations/columns.<table>.json: the column-level Great Expectations suites;
- publish/metadata.json: the Datasette metadata;
- docs/cli.md: the command reference, from each command's --help.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from claims.schema import TABLES, Row
from claims.schema.dialect import DATAPACKAGE_DIALECT
from claims.schema.vocab import DESCRIPTIONS

# Enum value descriptions by enum class name, as pydantic titles the enum's JSON-Schema definition.
VALUE_DESCRIPTIONS = {enum.__name__: values for enum, values in DESCRIPTIONS.items()}

REPO = Path(__file__).resolve().parents[2]


def project_url() -> str:
    """The project's public address, written once: pyproject.toml's [project.urls] Homepage."""
    with (REPO / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)["project"]["urls"]["Homepage"]


AUTHOR = "Peace-plan claims dataset contributors"

PACKAGE_META: dict[str, Any] = {
    "name": "peace-plan-claims",
    "title": "Who said what: the autumn-2025 US–Russia–Ukraine peace-plan negotiations",
    "description": (
        "A source-anchored claims dataset: actors, events, statements and the verbatim evidence "
        "(excerpts with character offsets into archived source texts) for who said what, to whom, "
        "when, and according to which source, in the negotiations over the 28-point peace plan. "
        "Excerpts are short quotations credited to their sources; full source texts are not redistributed."
    ),
    "keywords": ["claims", "attribution", "provenance", "Ukraine", "Russia", "peace plan", "EDTF"],
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 (the data). Excerpts are short quotations credited to their sources, whose copyright remains with them.",
        }
    ],
    "sources": [
        {
            "title": "Bloomberg, 'Witkoff advised Russia on how to pitch Ukraine plan to Trump', republished by Fortune, 2025-11-25",
            "path": "https://fortune.com/2025/11/25/ukraine-peace-plan-witkoff-call-with-russia-kremlin-official",
        }
    ],
    "contributors": [{"title": AUTHOR, "role": "author"}],
}

LIST_ITEM_TEXT = r"[^|\n]+"
CHANGELOG = REPO / "CHANGELOG.md"
VERSION_HEADING = re.compile(r"^## ([0-9]+\.[0-9]+\.[0-9]+)\b.*$", re.M)


def dataset_version(changelog: Path = CHANGELOG) -> str:
    """The dataset's version: the newest `## X.Y.Z` section of CHANGELOG.md that is released.

    A section headed `## X.Y.Z — unreleased` collects the next release's changes; it becomes the
    version when it is dated at release time."""
    for found in VERSION_HEADING.finditer(changelog.read_text(encoding="utf-8")):
        if "unreleased" not in found.group(0).lower():
            return found.group(1)
    raise ValueError("CHANGELOG.md has no released '## X.Y.Z — date' section")


def changelog_entry(version: str) -> str | None:
    """The text of CHANGELOG.md's section for `version`, heading included."""
    text = CHANGELOG.read_text(encoding="utf-8")
    headings = list(VERSION_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if heading.group(1) == version:
            end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
            return text[heading.start() : end].strip()
    return None


def _unwrap_optional(prop: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """pydantic writes `X | None` as anyOf [X, null]; return X and whether null was allowed."""
    if "anyOf" in prop:
        options = [option for option in prop["anyOf"] if option.get("type") != "null"]
        if len(options) == 1:
            merged = {**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}}
            return merged, True
    return prop, False


def _resolve(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in prop:
        return {**defs[prop["$ref"].split("/")[-1]], **{k: v for k, v in prop.items() if k != "$ref"}}
    return prop


def _strip_anchors(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


def frictionless_field(name: str, prop: dict[str, Any], defs: dict[str, Any], required: bool) -> dict[str, Any]:
    """Translate one pydantic JSON-Schema property into a frictionless Table Schema field."""
    prop, _nullable = _unwrap_optional(prop)
    prop = _resolve(prop, defs)
    field: dict[str, Any] = {"name": name, "description": prop.get("description", "")}
    values = VALUE_DESCRIPTIONS.get(prop.get("title", ""))
    if values:
        field["description"] += " Values: " + "; ".join(f"{value}: {text}" for value, text in values.items())
    constraints: dict[str, Any] = {}
    kind = prop.get("type")
    if kind == "array":
        item = _resolve(prop["items"], defs)
        item_pattern = "(?:" + "|".join(item["enum"]) + ")" if "enum" in item else LIST_ITEM_TEXT
        field["type"] = "string"
        constraints["pattern"] = f"{item_pattern}(?:\\|{item_pattern})*"
    elif kind == "integer":
        field["type"] = "integer"
        for bound in ("minimum", "maximum"):
            if bound in prop:
                constraints[bound] = prop[bound]
    elif kind == "boolean":
        field["type"] = "boolean"
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    elif kind == "string" and prop.get("format") == "date":
        field["type"] = "date"
    elif kind == "string":
        field["type"] = "string"
        if "enum" in prop:
            constraints["enum"] = list(prop["enum"])
        if "pattern" in prop:
            constraints["pattern"] = _strip_anchors(prop["pattern"])
        if "maxLength" in prop:
            constraints["maxLength"] = prop["maxLength"]
        if "minLength" in prop:
            constraints["minLength"] = prop["minLength"]
    else:
        raise ValueError(f"schema field {name!r} has a type the generator does not know: {prop}")
    if required:
        constraints["required"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema(model: type[Row]) -> dict[str, Any]:
    json_schema = model.model_json_schema(mode="validation")
    defs = json_schema.get("$defs", {})
    required = set(json_schema.get("required", []))
    fields = [frictionless_field(name, json_schema["properties"][name], defs, name in required) for name in model.columns()]
    if len(model.meta.primary_key) == 1:  # a single-column key is also a unique column
        key = next(f for f in fields if f["name"] == model.meta.primary_key[0])
        key.setdefault("constraints", {})["unique"] = True
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": list(model.meta.primary_key)}
    foreign_keys = []
    for key in model.foreign_keys():
        reference = {"resource": "" if key.table == model.meta.name else key.table, "fields": list(key.ref_fields)}
        foreign_keys.append({"fields": list(key.fields), "reference": reference})
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def datapackage() -> dict[str, Any]:
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
    return {**PACKAGE_META, "homepage": project_url(), "version": dataset_version(), "profile": "tabular-data-package", "resources": resources}


SQL_TYPES = {"string": "TEXT", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}
DUCKDB_TYPES = {**SQL_TYPES, "string": "VARCHAR"}


def _sql_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def declarable_foreign_keys(model: type[Row]) -> list:
    """Foreign keys that can be declared when tables are created and filled in schema order: those
    pointing to a table created before this one. Self-references (actors.affiliation_id, …) and the
    one cycle (actors.role_source_id → sources → actors) are left out of the DDL, because DuckDB
    checks them row by row while a table is being filled; the SQLite build adds them afterwards,
    and validation (layer 3) checks every key all the same."""
    earlier = {m.meta.name for m in TABLES[: TABLES.index(model)]}
    return [key for key in model.foreign_keys() if key.table in earlier]


def sql_ddl(foreign_keys: bool = True) -> str:
    """CREATE TABLE statements (DuckDB dialect) with keys, enum CHECKs and comments."""
    lines = ["-- Generated from schema/tables.py by `claims generate`. Do not edit.", ""]
    for model in TABLES:
        schema = table_schema(model)
        columns = []
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            column = f"    {field['name']} {SQL_TYPES[field['type']]}"
            if constraints.get("required"):
                column += " NOT NULL"
            if "enum" in constraints:
                column += f" CHECK ({field['name']} IN ({', '.join(_sql_quote(v) for v in constraints['enum'])}))"
            columns.append(column)
        columns.append(f"    PRIMARY KEY ({', '.join(schema['primaryKey'])})")
        for key in declarable_foreign_keys(model) if foreign_keys else []:
            columns.append(f"    FOREIGN KEY ({', '.join(key.fields)}) REFERENCES {key.table} ({', '.join(key.ref_fields)})")
        lines.append(f"CREATE TABLE {model.meta.name} (\n" + ",\n".join(columns) + "\n);")
        lines.append(f"COMMENT ON TABLE {model.meta.name} IS {_sql_quote(model.meta.description)};")
        for field in schema["fields"]:
            lines.append(f"COMMENT ON COLUMN {model.meta.name}.{field['name']} IS {_sql_quote(field['description'])};")
        lines.append("")
    return "\n".join(lines)


def cli_reference() -> str:
    """docs/cli.md: every command's --help, so that the reference cannot drift from the code."""
    import click

    from claims.cli import cli

    parts = ["# `claims` command reference", "", "Generated from `claims COMMAND --help` by `claims generate`. Do not edit.", ""]
    with click.Context(cli, info_name="claims", terminal_width=100, max_content_width=100, **cli.context_settings) as root:
        parts += ["```", cli.get_help(root), "```", ""]
        for name in sorted(cli.commands):
            command = cli.commands[name]
            with click.Context(command, parent=root, info_name=name, terminal_width=100) as context:
                parts += [f"## claims {name}", "", "```", command.get_help(context), "```", ""]
                for sub_name in sorted(getattr(command, "commands", {})):  # a group's own commands
                    sub = command.commands[sub_name]
                    with click.Context(sub, parent=context, info_name=sub_name, terminal_width=100) as sub_context:
                        parts += [f"### claims {name} {sub_name}", "", "```", sub.get_help(sub_context), "```", ""]
    return "\n".join(parts)


def generated_files(root: Path = REPO) -> dict[Path, str]:
    """Every generated file (under `root`) and the text it should have."""
    from claims.expectations import column_suite
    from claims.publish import datasette_metadata

    files = {
        root / "datapackage.json": json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n",
        root / "schema" / "ddl.sql": sql_ddl(),
        root / "publish" / "metadata.json": json.dumps(datasette_metadata(), indent=2, ensure_ascii=False) + "\n",
    }
    files[root / "docs" / "cli.md"] = cli_reference()
    for model in TABLES:
        files[root / "gx" / "expectations" / f"columns.{model.meta.name}.json"] = json.dumps(column_suite(model), indent=2, ensure_ascii=False) + "\n"
    return files


def drifted(root: Path = REPO) -> list[Path]:
    """Generated files whose committed text differs from what the schema generates now."""
    return [path for path, text in generated_files(root).items() if not path.exists() or path.read_text(encoding="utf-8") != text]


def write(root: Path = REPO) -> list[Path]:
    changed = drifted(root)
    for path, text in generated_files(root).items():
        if path in changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return changed
