"""What is derived from the table models, written once: each table's frictionless Table Schema,
the SQL DDL and column types, the key and ID columns.

`claims generate` writes these into datapackage.json and schema/ddl.sql; the validators, the
formatter and the database builds use them directly.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from .dialect import sql_string
from .fields import ID_PATTERN, ForeignKey, Row
from .tables import TABLES
from .vocab import DESCRIPTIONS

# Enum value descriptions by enum class name, as pydantic titles the enum's JSON-Schema definition.
VALUE_DESCRIPTIONS = {enum.__name__: values for enum, values in DESCRIPTIONS.items()}
VOCABULARIES = {enum.__name__: enum for enum in DESCRIPTIONS}
LIST_ITEM_TEXT = r"[^|\n]+"


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


def column_vocabularies(model: type[Row]) -> dict[str, str]:
    """Column → the name of the vocabulary (schema/vocab.py) its values, or its list's items, come from."""
    json_schema = model.model_json_schema(mode="validation")
    defs = json_schema.get("$defs", {})
    found = {}
    for name in model.columns():
        prop = _resolve(_unwrap_optional(json_schema["properties"][name])[0], defs)
        if prop.get("type") == "array":
            prop = _resolve(prop["items"], defs)
        if "enum" in prop and prop.get("title"):
            found[name] = prop["title"]
    return found


def list_columns(model: type[Row]) -> set[str]:
    """The columns that hold a '|'-separated list."""
    properties = model.model_json_schema(mode="validation")["properties"]
    return {name for name in model.columns() if _unwrap_optional(properties[name])[0].get("type") == "array"}


def table_schema(model: type[Row]) -> dict[str, Any]:
    """The frictionless Table Schema of one table: fields, constraints, primary and foreign keys
    (a copy: the caller may change it)."""
    return copy.deepcopy(_table_schema(model))


@cache
def _table_schema(model: type[Row]) -> dict[str, Any]:
    # pydantic builds the JSON schema anew on every call: about 4 ms a table, dozens of calls a run
    json_schema = model.model_json_schema(mode="validation")
    defs = json_schema.get("$defs", {})
    required = set(json_schema.get("required", []))
    fields = [
        frictionless_field(name, json_schema["properties"][name], defs, name in required) for name in model.columns()
    ]
    if len(model.meta.primary_key) == 1:  # a single-column key is also a unique column
        key_field = next(f for f in fields if f["name"] == model.meta.primary_key[0])
        key_field.setdefault("constraints", {})["unique"] = True
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""], "primaryKey": list(model.meta.primary_key)}
    foreign_keys = []
    for key in model.foreign_keys():
        reference = {"resource": "" if key.table == model.meta.name else key.table, "fields": list(key.ref_fields)}
        foreign_keys.append({"fields": list(key.fields), "reference": reference})
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


SQL_TYPES = {"string": "TEXT", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"}
DUCKDB_TYPES = {**SQL_TYPES, "string": "VARCHAR"}


def declarable_foreign_keys(model: type[Row]) -> list[ForeignKey]:
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
                column += f" CHECK ({field['name']} IN ({', '.join(sql_string(v) for v in constraints['enum'])}))"
            columns.append(column)
        columns.append(f"    PRIMARY KEY ({', '.join(schema['primaryKey'])})")
        for key in declarable_foreign_keys(model) if foreign_keys else []:
            columns.append(
                f"    FOREIGN KEY ({', '.join(key.fields)}) REFERENCES {key.table} ({', '.join(key.ref_fields)})"
            )
        lines.append(f"CREATE TABLE {model.meta.name} (\n" + ",\n".join(columns) + "\n);")
        lines.append(f"COMMENT ON TABLE {model.meta.name} IS {sql_string(model.meta.description)};")
        for field in schema["fields"]:
            lines.append(f"COMMENT ON COLUMN {model.meta.name}.{field['name']} IS {sql_string(field['description'])};")
        lines.append("")
    return "\n".join(lines)


def id_columns(model: type[Row]) -> set[str]:
    """The columns of `model` that hold IDs (their pattern is the ID pattern)."""
    return {
        f["name"]
        for f in table_schema(model)["fields"]
        if f.get("constraints", {}).get("pattern") == ID_PATTERN.strip("^$")
    }
