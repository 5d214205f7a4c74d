"""Column types shared by the tables, and the base model every table inherits.

A column is declared once, here or in `tables.py`, as a pydantic field. Everything that the
generators need (frictionless type, pattern, enum, foreign key) is read back from the field's
annotation and metadata, so there is no second list to keep in step.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, cast

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from .catalogue import ID_MAX_LENGTH, ID_PATTERN, INTEGER_MAX, TEXT_CELL_RULES
from .dates import edtf_bounds

SHA256_PATTERN = r"^[0-9a-f]{64}$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
# Written with \xHH escapes only, so that Python re, Rust regex (pydantic) and RE2 (DuckDB) agree.
URL_PATTERN = r"^https?://[^\x00-\x20\x7f]+$"
# ISO 8601 calendar date, or date and time with a UTC offset (a time without offset is ambiguous).
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:[0-9]{2}))?$"
LIST_SEPARATOR = "|"


def check_cell_text(value: str) -> str:
    """The catalogue's text-cell rules (schema/catalogue.py), the first one broken raised."""
    for rule in TEXT_CELL_RULES:
        if rule.test(value):
            raise PydanticCustomError(rule.id.replace("-", "_"), rule.message)
    return value


def check_edtf(value: str) -> str:
    if edtf_bounds(value) is None:
        raise PydanticCustomError(
            "edtf",
            "'{value}' is not a valid EDTF date; examples: 2025-10-14, 2025-11, 2025-10-24/2025-10-26, 2025-10-16~",
            {"value": value},
        )
    return value


def check_timestamp(value: str) -> str:
    from datetime import datetime

    if not re.match(TIMESTAMP_PATTERN, value):
        raise PydanticCustomError(
            "timestamp", "must be an ISO 8601 date (2025-11-25) or date-time with offset (2025-11-25T17:04:00-05:00)"
        )
    try:
        (date.fromisoformat if len(value) == 10 else datetime.fromisoformat)(value)
    except ValueError:
        raise PydanticCustomError(
            "timestamp", "'{value}' is not a real calendar date or time", {"value": value}
        ) from None
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


@dataclass(frozen=True)
class FreeText:
    """Marks a column of free text: its cells keep the catalogue's text-cell rules and no other
    constraint than being filled, so that the fast engine selects them with those rules' SQL."""


def column_metadata(info: FieldInfo) -> tuple[Any, list[Any]]:
    """A field's type without `None`, and all the metadata declared on it: pydantic's own
    (`info.metadata`) and that of a column type used as `Type | None` (Annotated inside the union)."""
    annotation, metadata = info.annotation, list(info.metadata)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [member for member in typing.get_args(annotation) if member is not type(None)]
        if len(members) == 1:
            annotation = members[0]
    if typing.get_origin(annotation) is Annotated:
        annotation, *extras = typing.get_args(annotation)
        for extra in extras:
            metadata += getattr(extra, "metadata", [extra])
    return annotation, metadata


# --- column types -------------------------------------------------------------------------------
Text = Annotated[str, Field(min_length=1), AfterValidator(check_cell_text), FreeText()]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=ID_MAX_LENGTH)]
Edtf = Annotated[str, AfterValidator(check_cell_text), AfterValidator(check_edtf)]
Url = Annotated[str, Field(pattern=URL_PATTERN)]
Timestamp = Annotated[str, Field(pattern=TIMESTAMP_PATTERN), AfterValidator(check_timestamp)]
Bool = Annotated[bool, BeforeValidator(parse_bool)]
# Every integer column is bounded to what DuckDB, SQLite and Parquet store: valid data always builds.
Offset = Annotated[int, Field(ge=0, le=INTEGER_MAX)]
Count = Annotated[int, Field(ge=1, le=INTEGER_MAX)]


def pipe_list(item_type: Any) -> Any:
    """A list column: items separated by '|' in one cell."""
    return Annotated[
        tuple[item_type, ...], BeforeValidator(split_list), Field(json_schema_extra={"list_separator": LIST_SEPARATOR})
    ]


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
    # Every table model by name, filled as tables.py defines them: a foreign key names its table,
    # and this lets a key find that table's primary key without fields.py importing tables.py.
    defined: ClassVar[dict[str, type[Row]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "meta" in cls.__dict__:
            Row.defined[cls.meta.name] = cls

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
        keys = []
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if "foreign_key" in extra:
                table, column = cast(tuple[str, str | None], extra["foreign_key"])
                ref = column or Row.defined[table].meta.primary_key[0]
                keys.append(ForeignKey((name,), table, (ref,)))
        return keys
