"""The expression language of row rules: conditions on the cells of one row that evaluate in Python
(the reference, on a pydantic model) and compile to DuckDB SQL (the fast engine's selectors).

Python evaluation follows SQL's three-valued logic: None is unknown, an operation with an unknown
operand is unknown, and a rule fires only when its condition is TRUE, in both engines. Each
operator is one dataclass with its Python meaning and its SQL side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .dates import edtf_bounds
from .dialect import sql_string
from .text import ELISION, QUOTED_FRAGMENT_PATTERN, WHITESPACE_SQL, quote_segments, quoted_fragments


@dataclass(frozen=True)
class SqlScope:
    """What an expression compiles against: each column's DuckDB type, and the SQL that gives the
    lower and upper calendar bounds of the row's EDTF `date` where the query provides them."""

    types: dict[str, str]
    edtf_low: str | None = None
    edtf_high: str | None = None


class Expr:
    def value(self, row: Any) -> Any:
        raise NotImplementedError

    def sql(self, scope: SqlScope) -> str:
        raise NotImplementedError


def known(values: list[Any], function: Callable[..., Any]) -> Any:
    """`function` of the values, or None (unknown) when one of them is."""
    return None if any(v is None for v in values) else function(*values)


@dataclass(frozen=True)
class Col(Expr):
    """A cell, typed as its column (dates, integers, booleans); None when empty."""

    name: str

    def value(self, row):
        return getattr(row, self.name)

    def sql(self, scope):
        kind = scope.types[self.name]
        return self.name if kind == "VARCHAR" else f"TRY_CAST({self.name} AS {kind})"


@dataclass(frozen=True)
class Const(Expr):
    constant: Any

    def value(self, row):
        return self.constant

    def sql(self, scope):
        if isinstance(self.constant, bool):
            return "TRUE" if self.constant else "FALSE"
        return sql_string(self.constant) if isinstance(self.constant, str) else str(self.constant)


@dataclass(frozen=True)
class EdtfBound(Expr):
    """The lower (`low=True`) or upper calendar bound of the EDTF value in `date`."""

    low: bool

    def value(self, row):
        bounds = edtf_bounds(row.date) if row.date is not None else None
        return None if bounds is None else bounds[0 if self.low else 1]

    def sql(self, scope):
        bound = scope.edtf_low if self.low else scope.edtf_high
        if bound is None:
            raise ValueError("an EDTF bound compiles only in a query that gives the bounds of `date` (SqlScope)")
        return bound


@dataclass(frozen=True)
class BoundShown(Expr):
    """A bound as messages show it: the date, or nothing for an open end, so that "{low}..{high}"
    reads as EDTF does ("..2025-11-30", not "....2025-11-30"; only formatted, never compiled)."""

    bound: EdtfBound

    def value(self, row):
        value = self.bound.value(row)
        return "" if value is None else value


@dataclass(frozen=True)
class IsNull(Expr):
    operand: Expr

    def value(self, row):
        return self.operand.value(row) is None

    def sql(self, scope):
        return f"({self.operand.sql(scope)} IS NULL)"


@dataclass(frozen=True)
class NotNull(Expr):
    operand: Expr

    def value(self, row):
        return self.operand.value(row) is not None

    def sql(self, scope):
        return f"({self.operand.sql(scope)} IS NOT NULL)"


@dataclass(frozen=True)
class Eq(Expr):
    left: Expr
    right: Expr

    def value(self, row):
        return known([self.left.value(row), self.right.value(row)], lambda a, b: a == b)

    def sql(self, scope):
        return f"({self.left.sql(scope)} = {self.right.sql(scope)})"


@dataclass(frozen=True)
class Ne(Expr):
    left: Expr
    right: Expr

    def value(self, row):
        return known([self.left.value(row), self.right.value(row)], lambda a, b: a != b)

    def sql(self, scope):
        return f"({self.left.sql(scope)} <> {self.right.sql(scope)})"


@dataclass(frozen=True)
class Lt(Expr):
    left: Expr
    right: Expr

    def value(self, row):
        return known([self.left.value(row), self.right.value(row)], lambda a, b: a < b)

    def sql(self, scope):
        return f"({self.left.sql(scope)} < {self.right.sql(scope)})"


@dataclass(frozen=True)
class Le(Expr):
    left: Expr
    right: Expr

    def value(self, row):
        return known([self.left.value(row), self.right.value(row)], lambda a, b: a <= b)

    def sql(self, scope):
        return f"({self.left.sql(scope)} <= {self.right.sql(scope)})"


@dataclass(frozen=True)
class Gt(Expr):
    left: Expr
    right: Expr

    def value(self, row):
        return known([self.left.value(row), self.right.value(row)], lambda a, b: a > b)

    def sql(self, scope):
        return f"({self.left.sql(scope)} > {self.right.sql(scope)})"


@dataclass(frozen=True)
class Minus(Expr):
    """The difference of two numbers (arithmetic, not a comparison)."""

    left: Expr
    right: Expr

    def value(self, row):
        return known([self.left.value(row), self.right.value(row)], lambda a, b: a - b)

    def sql(self, scope):
        return f"({self.left.sql(scope)} - {self.right.sql(scope)})"


@dataclass(frozen=True)
class Len(Expr):
    """Length in code points (DuckDB's length() counts code points too)."""

    operand: Expr

    def value(self, row):
        return known([self.operand.value(row)], len)

    def sql(self, scope):
        return f"length({self.operand.sql(scope)})"


# And, Or: any number of parts, written And(a, b, c) as the rules read (so not frozen: a frozen
# dataclass cannot take its fields as *parts).
@dataclass(init=False)
class And(Expr):
    parts: tuple[Expr, ...]

    def __init__(self, *parts: Expr):
        self.parts = parts

    def value(self, row):
        values = [p.value(row) for p in self.parts]
        return False if False in values else (None if None in values else True)

    def sql(self, scope):
        return "(" + " AND ".join(p.sql(scope) for p in self.parts) + ")"


@dataclass(init=False)
class Or(Expr):
    parts: tuple[Expr, ...]

    def __init__(self, *parts: Expr):
        self.parts = parts

    def value(self, row):
        values = [p.value(row) for p in self.parts]
        return True if True in values else (None if None in values else False)

    def sql(self, scope):
        return "(" + " OR ".join(p.sql(scope) for p in self.parts) + ")"


@dataclass(frozen=True)
class Not(Expr):
    operand: Expr

    def value(self, row):
        value = self.operand.value(row)
        return None if value is None else not value

    def sql(self, scope):
        return f"(NOT {self.operand.sql(scope)})"


@dataclass(frozen=True)
class HasQuotedFragment(Expr):
    """The text puts some words in curly quotes."""

    operand: Expr

    def value(self, row):
        return known([self.operand.value(row)], lambda t: bool(quoted_fragments(t)))

    def sql(self, scope):
        return f"regexp_matches({self.operand.sql(scope)}, {sql_string(QUOTED_FRAGMENT_PATTERN)})"


@dataclass(frozen=True)
class HasBlankQuotePart(Expr):
    """A part of a direct quote, split at the elision marker, is empty or only whitespace."""

    operand: Expr

    def value(self, row):
        return known([self.operand.value(row)], lambda t: any(not part.strip() for part in quote_segments(t)))

    def sql(self, scope):
        blank = sql_string(WHITESPACE_SQL + "*")
        return f"list_bool_or(list_transform(string_split({self.operand.sql(scope)}, {sql_string(ELISION)}), lambda part: regexp_full_match(part, {blank})))"


@dataclass(frozen=True)
class IsBound(Expr):
    """An EDTF one-of-a-set (`[2025-10-16..2025-11-25]`, `[..2025-11-25]`): one day in a span, which
    is how a date is written that rests on a bound rather than on words of the source."""

    operand: Expr

    def value(self, row):
        return known([self.operand.value(row)], lambda value: value.startswith("["))

    def sql(self, scope):
        return f"(left({self.operand.sql(scope)}, 1) = '[')"
