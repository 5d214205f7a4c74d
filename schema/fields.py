"""Column types shared by the tables, and the base model every table inherits.

A column is declared once, here or in `tables.py`, as a pydantic field. Everything that the
generators need (frictionless type, pattern, enum, foreign key) is read back from the field's
annotation and metadata, so there is no second list to keep in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic_core import PydanticCustomError
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# Lower-case ASCII words joined by single hyphens: stable, URL-safe, and free of the invisible
# characters, capitals and spaces that make two IDs look equal when they are not.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX_LENGTH = 80
SHA256_PATTERN = r"^[0-9a-f]{64}$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
# Written with \xHH escapes only, so that Python re, Rust regex (pydantic) and RE2 (DuckDB) agree.
URL_PATTERN = r"^https?://[^\x00-\x20\x7f]+$"
# ISO 8601 calendar date, or date and time with a UTC offset (a time without offset is ambiguous).
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$"
LIST_SEPARATOR = "|"

# Spreadsheet programs execute cells that start with these characters (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "@", "\t")
# Character classes as code-point ranges, so that the Python checks here and the SQL of the fast
# path (claims/validate/fast.py) test exactly the same characters.
# Characters that render as nothing and make equal-looking text differ:
INVISIBLE_RANGES = ((0x200B, 0x200F), (0x2028, 0x202E), (0x2060, 0x2064), (0xFEFF, 0xFEFF))
# Unicode category Cc (C0 and C1 controls, DEL) except the line break:
CONTROL_RANGES = ((0x00, 0x09), (0x0B, 0x1F), (0x7F, 0x9F))
# What str.isspace() counts as whitespace:
WHITESPACE_RANGES = ((0x09, 0x0D), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000))


def char_class(ranges, re2: bool = False) -> str:
    """A regex character class for the ranges, in Python re syntax or RE2 syntax."""
    def char(code: int) -> str:
        return f"\\x{{{code:x}}}" if re2 else f"\\U{code:08x}"
    return "[" + "".join(char(lo) if lo == hi else f"{char(lo)}-{char(hi)}" for lo, hi in ranges) + "]"


INVISIBLE = re.compile(char_class(INVISIBLE_RANGES))
CONTROL = re.compile(char_class(CONTROL_RANGES))


def check_cell_text(value: str) -> str:
    """Rules for every text cell: no formula prefix, no padding, no invisible or control characters."""
    if value.startswith(FORMULA_PREFIXES):
        raise PydanticCustomError(
            "formula_injection",
            "starts with '=', '+', '@' or a tab, which spreadsheets run as a formula; reword so the cell starts with another character",
        )
    if value != value.strip():  # str.strip() removes exactly WHITESPACE_RANGES
        raise PydanticCustomError("padding", "has leading or trailing whitespace; remove it")
    if INVISIBLE.search(value):
        raise PydanticCustomError("invisible_character", "contains an invisible formatting character such as a zero-width space; delete it")
    if CONTROL.search(value):
        raise PydanticCustomError("control_character", "contains a control character; only line breaks are allowed in text")
    return value


def check_edtf(value: str) -> str:
    from .rules import edtf_bounds

    if edtf_bounds(value) is None:
        raise PydanticCustomError(
            "edtf", "'{value}' is not a valid EDTF date; examples: 2025-10-14, 2025-11, 2025-10-24/2025-10-26, 2025-10-16~", {"value": value}
        )
    return value


def check_timestamp(value: str) -> str:
    from datetime import datetime

    if not re.match(TIMESTAMP_PATTERN, value):
        raise PydanticCustomError("timestamp", "must be an ISO 8601 date (2025-11-25) or date-time with offset (2025-11-25T17:04:00-05:00)")
    try:
        (date.fromisoformat if len(value) == 10 else datetime.fromisoformat)(value)
    except ValueError:
        raise PydanticCustomError("timestamp", "'{value}' is not a real calendar date or time", {"value": value}) from None
    return value


def parse_bool(value: Any) -> Any:
    if isinstance(value, str):
        if value == "true":
            return True
        if value == "false":
            return False
        raise PydanticCustomError("boolean", "must be 'true' or 'false' (lower case)")
    return value


def split_list(value: Any) -> Any:
    if isinstance(value, str):
        items = value.split(LIST_SEPARATOR)
        if any(not item or item != item.strip() for item in items):
            raise PydanticCustomError("list", "is a '|'-separated list with an empty or padded item")
        if len(set(items)) != len(items):
            raise PydanticCustomError("list", "lists the same item twice")
        return tuple(items)
    return value


# --- column types -------------------------------------------------------------------------------
Text = Annotated[str, Field(min_length=1), AfterValidator(check_cell_text)]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
Edtf = Annotated[str, AfterValidator(check_cell_text), AfterValidator(check_edtf)]
Url = Annotated[str, Field(pattern=URL_PATTERN)]
Timestamp = Annotated[str, Field(pattern=TIMESTAMP_PATTERN), AfterValidator(check_timestamp)]
Bool = Annotated[bool, BeforeValidator(parse_bool)]


def pipe_list(item_type: Any) -> Any:
    """A list column: items separated by '|' in one cell."""
    return Annotated[tuple[item_type, ...], BeforeValidator(split_list), Field(json_schema_extra={"list_separator": LIST_SEPARATOR})]


TextList = pipe_list(Text)
IsoDate = date


@dataclass(frozen=True)
class ForeignKey:
    """`fields` of this table refer to `ref_fields` of `table` (empty cells refer to nothing)."""

    fields: tuple[str, ...]
    table: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableMeta:
    """Table-level facts: where the table lives and how it joins the others."""

    name: str
    title: str
    description: str
    primary_key: tuple[str, ...]
    label_column: str | None = None

    @property
    def path(self) -> str:
        return f"data/{self.name}.csv"


def fk(table: str, column: str | None = None) -> dict[str, Any]:
    """Field metadata marking a single-column foreign key (column defaults to the table's key)."""
    return {"foreign_key": (table, column)}


class Row(BaseModel):
    """Base of every table model: one CSV row, all cells given as strings, empty cells as None."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)
    meta: ClassVar[TableMeta]

    @model_validator(mode="before")
    @classmethod
    def _empty_cells_are_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: (None if value == "" else value) for key, value in data.items()}
        return data

    @classmethod
    def columns(cls) -> list[str]:
        return list(cls.model_fields)

    @classmethod
    def foreign_keys(cls) -> list[ForeignKey]:
        """Single-column foreign keys, read from the fields' `fk(...)` metadata."""
        from . import tables

        keys = []
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if "foreign_key" in extra:
                table, column = extra["foreign_key"]
                ref = column or tables.TABLES_BY_NAME[table].meta.primary_key[0]
                keys.append(ForeignKey((name,), table, (ref,)))
        return keys
