"""The rule catalogue: every rule of the dataset declared once, as data.

Each rule has an id (printed in findings as `[id]`), a scope (file, cell, row, table, cross-table,
archive) and the layer that reports it. Its executable forms are derived from the declaration:

- cell rules of text cells (`TEXT_CELL_RULES`) are code-point classes and prefixes: the Python
  check (schema/fields.py) and the fast engine's SQL prefilter are both generated from them;
- row rules (`ROW_RULES`) are conditions written in a small expression language (`Col`, `Eq`,
  `And`, …) that evaluates in Python, with SQL's three-valued logic, for the pydantic models
  (the reference), and compiles to DuckDB SQL for the fast engine;
- the other rules are implemented once by the library made for them (frictionless, pydantic,
  the shared integrity SQL, the provenance layer, Great Expectations); the catalogue lists them
  so that every id is known, documented and covered by a generated test case.

The fast engine never writes a finding of its own for a cell or row rule: its SQL only selects the
rows that may break a rule (never fewer than the reference would reject), and the reference judges
those rows. So both engines report the same findings by construction, provided that the SQL is a
superset, which tests/test_catalogue.py checks for every rule id on generated data.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .rules import edtf_bounds

# --- constants of the cell rules (each written once) ---------------------------------------------

# Lower-case ASCII words joined by single hyphens: stable, URL-safe, and free of the invisible
# characters, capitals and spaces that make two IDs look equal when they are not.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX_LENGTH = 80
# OWASP's list of characters that make a spreadsheet run a cell as a formula (CSV injection).
# No curated text needs an exception.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The longest cell, in characters, that both CSV readers accept (Python's csv default limit):
# a longer cell is reported, not silently dropped with its table.
CELL_MAX_CHARS = 131072
# Every integer column is stored as a signed 64-bit integer by DuckDB, SQLite and Parquet.
INTEGER_MAX = 2**63 - 1
# A direct quote joins the parts of one utterance that the source splits with this marker.
ELISION = " […] "
# The words a partial quote puts in curly quotes.
QUOTED_FRAGMENT_PATTERN = "“([^”]+)”"
QUOTED_FRAGMENT = re.compile(QUOTED_FRAGMENT_PATTERN)
# Words put in quotation marks of any kind, marks included (each mark is one character): curly
# double, straight double, single curly and guillemets. A ’ followed by a letter is an apostrophe
# inside a word (“it’s”), not the closing mark. Written once for Python and RE2 (DuckDB) alike.
QUOTATION_PATTERN = '“[^”]+”|"[^"]+"|‘(?:[^’]|’[A-Za-zÀ-ɏ])+’|«[^»]+»'
QUOTATION = re.compile(QUOTATION_PATTERN)

# Character classes as code-point ranges, so that the Python checks and the SQL of the fast
# engine test exactly the same characters.
# Unicode category Cc (C0 and C1 controls, DEL) except the line break:
CONTROL_RANGES = ((0x00, 0x09), (0x0B, 0x1F), (0x7F, 0x9F))
# What str.isspace() counts as whitespace:
WHITESPACE_RANGES = (
    (0x09, 0x0D),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
# Zero-width joiner and non-joiner: some scripts (Persian, Indic) need them between letters.
JOINERS = ("\u200c", "\u200d")


def _category_ranges(category: str) -> tuple[tuple[int, int], ...]:
    """The code points of a Unicode general category, as ranges (from Python's Unicode tables)."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) == category:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return tuple((lo, hi) for lo, hi in ranges)


# Characters that render as nothing and make equal-looking text differ: every format character
# (category Cf: zero-width spaces, bidi controls and isolates, soft hyphen, tag characters, BOM),
# and the line and paragraph separators U+2028/U+2029.
INVISIBLE_RANGES = tuple(sorted(_category_ranges("Cf") + ((0x2028, 0x2029),)))


def char_class(ranges, re2: bool = False) -> str:
    """A regex character class for the ranges, in Python re syntax or RE2 syntax."""

    def char(code: int) -> str:
        return f"\\x{{{code:x}}}" if re2 else f"\\U{code:08x}"

    return "[" + "".join(char(lo) if lo == hi else f"{char(lo)}-{char(hi)}" for lo, hi in ranges) + "]"


INVISIBLE = re.compile(char_class(INVISIBLE_RANGES))
CONTROL = re.compile(char_class(CONTROL_RANGES))


def sql_string(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def _in_word(char: str) -> bool:
    """A letter or a combining mark (an Indic virama before a joiner is a mark)."""
    return unicodedata.category(char)[0] in "LM"


def _in_word_or_digit(char: str) -> bool:
    """What may not touch whole words on either side (Unicode categories L, M and N): a letter, a
    digit, or a combining mark, which belongs to the letter before it ("Café" written with U+0301)."""
    return unicodedata.category(char)[0] in "LMN"


def whole_words_in(words: str, text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether `words` stand in `text[start:end]` as whole words, code point for code point: no
    letter, combining mark or digit (Unicode categories L, M and N) of that span touches them on
    either side, so "Russia" is not in "Russian" nor "Cafe" in "Café" written with a combining
    accent, and nothing is folded: a space is not a no-break space. The integrity layer's SQL writes
    the same test with RE2's [^\\p{L}\\p{M}\\p{N}] (WORD_BOUNDARY_SQL)."""
    end = len(text) if end is None else min(end, len(text))
    at = text.find(words, start, end) if words else -1
    while at >= 0:
        after = at + len(words)
        if (at == start or not _in_word_or_digit(text[at - 1])) and (
            after == end or not _in_word_or_digit(text[after])
        ):
            return True
        at = text.find(words, at + 1, end)
    return False


# A character that is neither a letter, a combining mark nor a digit, in RE2's syntax (the boundary
# of whole words).
WORD_BOUNDARY_SQL = "[^\\p{L}\\p{M}\\p{N}]"


def _invisible(value: str) -> bool:
    """An invisible character, except a joiner between two letters (documented exception)."""
    for found in INVISIBLE.finditer(value):
        at = found.start()
        if found.group() in JOINERS and 0 < at < len(value) - 1 and _in_word(value[at - 1]) and _in_word(value[at + 1]):
            continue
        return True
    return False


def shorten(value: Any, limit: int = 60) -> str:
    """repr() of a value for a message, cut short: a finding never prints a whole long cell."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class CellRule:
    """A rule every free-text cell must keep: a Python test and an SQL prefilter from one
    declaration. A rule that looks for characters gives them as `chars` (code-point ranges), and
    its SQL is a search for any of them."""

    id: str
    message: str
    test: Any  # str -> bool: True when the value breaks the rule
    sql: Any = None  # column expression -> SQL boolean that is TRUE whenever `test` is (it may be TRUE more often)
    chars: tuple[tuple[int, int], ...] = ()

    def select(self, column: str) -> str:
        if self.chars:
            return f"regexp_matches({column}, {sql_string(char_class(self.chars, re2=True))})"
        return self.sql(column)


WS_SQL = char_class(WHITESPACE_RANGES, re2=True)
TEXT_CELL_RULES = (
    CellRule(
        "formula-injection",
        "starts with "
        + ", ".join(repr(p) for p in FORMULA_PREFIXES)
        + ", which spreadsheets run as a formula; reword so the cell starts with another character",
        lambda v: v.startswith(FORMULA_PREFIXES),
        lambda c: f"left({c}, 1) IN ({', '.join(sql_string(p) for p in FORMULA_PREFIXES)})",
    ),
    CellRule(
        "padding",
        "has leading or trailing whitespace; remove it",
        lambda v: v != v.strip(),  # str.strip() removes exactly WHITESPACE_RANGES
        # the first and last characters only: searching the whole cell for '^ws|ws$' scans all of it
        lambda c: f"regexp_matches(left({c}, 1) || right({c}, 1), {sql_string(WS_SQL)})",
    ),
    CellRule(
        "invisible-character",
        "contains an invisible formatting character (zero-width, bidi control, soft hyphen, tag character); delete it",
        _invisible,
        chars=INVISIBLE_RANGES,
    ),
    CellRule(
        "control-character",
        "contains a control character; only line breaks are allowed in text",
        lambda v: CONTROL.search(v) is not None,
        chars=CONTROL_RANGES,
    ),
)


def text_cell_sql(column: str) -> str:
    """SQL that is TRUE whenever a text cell may break a rule of TEXT_CELL_RULES, in one scan of
    the cell: the rules that look for characters share one character class."""
    chars = tuple(sorted(span for rule in TEXT_CELL_RULES for span in rule.chars))
    others = [f"({rule.select(column)})" for rule in TEXT_CELL_RULES if not rule.chars]
    return " OR ".join([*others, f"regexp_matches({column}, {sql_string(char_class(chars, re2=True))})"])


def id_cell_sql(column: str) -> str:
    """SQL that is TRUE for an ID cell that breaks the ID pattern or length."""
    return (
        f"(NOT regexp_full_match({column}, {sql_string(ID_PATTERN.strip('^$'))}) OR length({column}) > {ID_MAX_LENGTH})"
    )


def quote_segments(text: str) -> list[str]:
    """A direct quote may join the parts of one utterance that the source splits, with ' […] '."""
    return text.split(ELISION)


def quoted_fragments(text: str) -> list[str]:
    """The words a partial quote puts in curly quotes."""
    return QUOTED_FRAGMENT.findall(text)


def quotations(text: str) -> list[str]:
    """The words a text puts in quotation marks of any kind (QUOTATION_PATTERN), without the marks."""
    return [found.group(0)[1:-1] for found in QUOTATION.finditer(text)]


def quotations_sql(column: str) -> str:
    """`quotations` in DuckDB SQL: the list of the words `column` puts in quotation marks."""
    return f"list_transform(regexp_extract_all({column}, {sql_string(QUOTATION_PATTERN)}, 0), lambda q: substr(q, 2, length(q) - 2))"


# --- the expression language of row rules ----------------------------------------------------------
# Python evaluation follows SQL's three-valued logic: None is unknown, a comparison with an unknown
# side is unknown, and a rule fires only when its condition is TRUE, in both engines.


class Expr:
    def value(self, row) -> Any:
        raise NotImplementedError

    def sql(self, types: dict[str, str]) -> str:
        raise NotImplementedError

    def columns(self) -> set[str]:
        return set().union(*(part.columns() for part in getattr(self, "parts", ())))


@dataclass(frozen=True)
class Col(Expr):
    """A cell, typed as its column (dates, integers, booleans); None when empty."""

    name: str

    def value(self, row):
        return getattr(row, self.name)

    def sql(self, types):
        kind = types[self.name]
        return self.name if kind == "VARCHAR" else f"TRY_CAST({self.name} AS {kind})"

    def columns(self):
        return {self.name}


@dataclass(frozen=True)
class Const(Expr):
    constant: Any

    def value(self, row):
        return self.constant

    def sql(self, types):
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

    def sql(self, types):
        return "_lo" if self.low else "_hi"

    def columns(self):
        return {"date"}


class _Op(Expr):
    parts: tuple = ()

    def __init__(self, *parts):
        object.__setattr__(self, "parts", parts)

    def __repr__(self):
        return f"{type(self).__name__}{self.parts!r}"


def _known(values, function):
    return None if any(v is None for v in values) else function(*values)


class IsNull(_Op):
    def value(self, row):
        return self.parts[0].value(row) is None

    def sql(self, types):
        return f"({self.parts[0].sql(types)} IS NULL)"


class NotNull(_Op):
    def value(self, row):
        return self.parts[0].value(row) is not None

    def sql(self, types):
        return f"({self.parts[0].sql(types)} IS NOT NULL)"


def _comparison(symbol: str, function):
    class Comparison(_Op):
        def value(self, row):
            return _known([p.value(row) for p in self.parts], function)

        def sql(self, types):
            return f"({self.parts[0].sql(types)} {symbol} {self.parts[1].sql(types)})"

    return Comparison


Eq = _comparison("=", lambda a, b: a == b)
Ne = _comparison("<>", lambda a, b: a != b)
Lt = _comparison("<", lambda a, b: a < b)
Le = _comparison("<=", lambda a, b: a <= b)
Gt = _comparison(">", lambda a, b: a > b)
Sub = _comparison("-", lambda a, b: a - b)


class Len(_Op):
    """Length in code points (DuckDB's length() counts code points too)."""

    def value(self, row):
        return _known([self.parts[0].value(row)], len)

    def sql(self, types):
        return f"length({self.parts[0].sql(types)})"


class And(_Op):
    def value(self, row):
        values = [p.value(row) for p in self.parts]
        return False if False in values else (None if None in values else True)

    def sql(self, types):
        return "(" + " AND ".join(p.sql(types) for p in self.parts) + ")"


class Or(_Op):
    def value(self, row):
        values = [p.value(row) for p in self.parts]
        return True if True in values else (None if None in values else False)

    def sql(self, types):
        return "(" + " OR ".join(p.sql(types) for p in self.parts) + ")"


class Not(_Op):
    def value(self, row):
        value = self.parts[0].value(row)
        return None if value is None else not value

    def sql(self, types):
        return f"(NOT {self.parts[0].sql(types)})"


class HasQuotedFragment(_Op):
    """The text puts some words in curly quotes."""

    def value(self, row):
        return _known([self.parts[0].value(row)], lambda t: bool(quoted_fragments(t)))

    def sql(self, types):
        return f"regexp_matches({self.parts[0].sql(types)}, {sql_string(QUOTED_FRAGMENT_PATTERN)})"


class HasBlankQuotePart(_Op):
    """A part of a direct quote, split at the elision marker, is empty or only whitespace."""

    def value(self, row):
        return _known([self.parts[0].value(row)], lambda t: any(not part.strip() for part in quote_segments(t)))

    def sql(self, types):
        blank = sql_string(WS_SQL + "*")
        return f"list_bool_or(list_transform(string_split({self.parts[0].sql(types)}, {sql_string(ELISION)}), lambda part: regexp_full_match(part, {blank})))"


class IsBound(_Op):
    """An EDTF one-of-a-set (`[2025-10-16..2025-11-25]`, `[..2025-11-25]`): one day in a span, which
    is how a date is written that rests on a bound rather than on words of the source."""

    def value(self, row):
        return _known([self.parts[0].value(row)], lambda value: value.startswith("["))

    def sql(self, types):
        return f"(left({self.parts[0].sql(types)}, 1) = '[')"


# --- row rules ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowRule:
    """A rule on the cells of one row: when `when` is TRUE, `column` is reported as breaking `id`.
    `message` and `hint` are formatted with the row's cells and the named `values`."""

    table: str
    column: str
    id: str
    when: Expr
    message: str
    hint: str
    values: dict[str, Expr] = field(default_factory=dict)

    def broken(self, row) -> bool:
        return self.when.value(row) is True

    def format(self, row) -> tuple[str, str]:
        cells = {name: getattr(row, name) for name in type(row).model_fields}
        cells.update({name: expression.value(row) for name, expression in self.values.items()})
        return self.message.format(**cells), self.hint.format(**cells)


LOW, HIGH = EdtfBound(True), EdtfBound(False)


@dataclass(frozen=True)
class BoundShown(Expr):
    """A bound as messages show it: the date, or nothing for an open end, so that "{low}..{high}"
    reads as EDTF does ("..2025-11-30", not "....2025-11-30"; only formatted, never compiled)."""

    bound: EdtfBound

    def value(self, row):
        value = self.bound.value(row)
        return "" if value is None else value


BOUNDS: dict[str, Expr] = {"low": BoundShown(LOW), "high": BoundShown(HIGH)}
DATED = ("events", "statements")


def _date_rules(table: str) -> list[RowRule]:
    """Rule 3, dates keep their wording: `date` is the EDTF reading of `date_text`, the source's own
    words (the provenance layer finds them in the article); where the source has no words for the
    date, `date` is a bound (one day in a span) and `date_text` stays empty. `date_min` and
    `date_max` are calendar bounds within the EDTF value's (they may be narrower). An open end of
    the EDTF value (`[..2025-10-13]`) has no bound, so its cell may stay empty."""
    date, dmin, dmax = Col("date"), Col("date_min"), Col("date_max")
    min_missing = And(NotNull(LOW), IsNull(dmin))
    max_missing = And(NotNull(HIGH), IsNull(dmax))
    bounded = And(NotNull(date), Not(min_missing), Not(max_missing))
    rules = [
        RowRule(
            table,
            column,
            "date-missing",
            And(IsNull(date), NotNull(Col(column))),
            "is set but `date` is empty",
            "add the EDTF `date` or clear this cell",
        )
        for column in ("date_text", "date_min", "date_max", "date_resolved_against")
    ]
    return rules + [
        RowRule(
            table,
            "date_text",
            "date-wording",
            And(NotNull(date), IsNull(Col("date_text")), Not(IsBound(date))),
            "is empty and `date` is not a bound: keep the source's own words for the date",
            'copy the wording, e.g. "two days later"; where the source has no words for the date, `date` is a bound, '
            "one day in a span ([2025-10-16..2025-11-25]) or on or before a day ([..2025-11-25])",
        ),
        RowRule(
            table,
            "date_resolved_against",
            "date-wording",
            And(NotNull(date), IsNull(Col("date_resolved_against"))),
            "is empty: say what the date was resolved against",
            'e.g. "article date 2025-11-25 (Tuesday)"',
        ),
        RowRule(
            table,
            "date_min",
            "date-bounds",
            And(NotNull(date), min_missing),
            "is empty but `date` is set",
            "set the bounds within {low}..{high} (the EDTF value's; an open end '..' needs none), or narrower",
            BOUNDS,
        ),
        RowRule(
            table,
            "date_max",
            "date-bounds",
            And(NotNull(date), Not(min_missing), max_missing),
            "is empty but `date` is set",
            "set the bounds within {low}..{high} (the EDTF value's; an open end '..' needs none), or narrower",
            BOUNDS,
        ),
        RowRule(
            table,
            "date_max",
            "date-bounds",
            And(bounded, Gt(dmin, dmax)),
            "{date_max} is before date_min {date_min}",
            "swap or correct the bounds",
        ),
        RowRule(
            table,
            "date_min",
            "date-bounds",
            And(bounded, Or(Lt(dmin, LOW), Gt(dmin, HIGH))),
            "{date_min} lies outside the EDTF value {date} ({low}..{high})",
            "use a date within {low}..{high}",
            BOUNDS,
        ),
        RowRule(
            table,
            "date_max",
            "date-bounds",
            And(bounded, Or(Gt(dmax, HIGH), Lt(dmax, LOW))),
            "{date_max} lies outside the EDTF value {date} ({low}..{high})",
            "use a date within {low}..{high}",
            BOUNDS,
        ),
    ]


def _language_rules() -> list[RowRule]:
    """A statement's language is given only with its basis: the source states it, or a direct quote
    makes it evident (and a quote in its evident language is not a translation)."""
    language, basis = Col("language"), Col("language_basis")
    evident = Eq(basis, Const("evident_from_quote"))
    return [
        RowRule(
            "statements",
            "language_basis",
            "language-basis",
            And(NotNull(language), IsNull(basis)),
            "is empty but `language` is given",
            "say how the language is known (stated_by_source, evident_from_quote), or clear `language`",
        ),
        RowRule(
            "statements",
            "language",
            "language-basis",
            And(IsNull(language), NotNull(basis)),
            "is empty but `language_basis` is set",
            "give the language, or clear `language_basis`",
        ),
        RowRule(
            "statements",
            "language_basis",
            "language-basis",
            And(NotNull(language), evident, Ne(Col("statement_type"), Const("direct_quote"))),
            "evident_from_quote is only for direct quotes",
            "use stated_by_source where the source names the language, or clear both cells",
        ),
        RowRule(
            "statements",
            "translated",
            "language-basis",
            And(
                NotNull(language),
                evident,
                Eq(Col("statement_type"), Const("direct_quote")),
                Eq(Col("translated"), Const(True)),
            ),
            "is true but the language is evident from the quote's own words",
            "set translated to false, or use stated_by_source",
        ),
    ]


def _addressee_rules() -> list[RowRule]:
    """The addressee is named where it is given: `addressee_as` holds the source's words for it (the
    integrity layer finds them in an excerpt of the statement or of its event), exactly when
    `addressee_id` is set."""
    addressee, words = Col("addressee_id"), Col("addressee_as")
    return [
        RowRule(
            "statements",
            "addressee_as",
            "addressee-wording",
            And(NotNull(addressee), IsNull(words)),
            "is empty but `addressee_id` is set: an addressee is given only with the source's words for it",
            'copy the source\'s words that name the addressee (e.g. "his Russian counterpart"), '
            "or clear addressee_id where the source does not say to whom",
        ),
        RowRule(
            "statements",
            "addressee_id",
            "addressee-wording",
            And(IsNull(addressee), NotNull(words)),
            "is empty but `addressee_as` is set",
            "give the actor the words name, or clear addressee_as",
        ),
    ]


def _self_reference(table: str, column: str, key: str, message: str, hint: str) -> RowRule:
    return RowRule(table, column, "self-reference", Eq(Col(column), Col(key)), message, hint)


ROW_RULES: tuple[RowRule, ...] = (
    RowRule(
        "actors",
        "role_source_id",
        "role-source",
        And(NotNull(Col("role")), IsNull(Col("role_source_id"))),
        "`role` and `role_source_id` go together",
        "give both the role wording and the source it is quoted from, or neither",
    ),
    RowRule(
        "actors",
        "role",
        "role-source",
        And(IsNull(Col("role")), NotNull(Col("role_source_id"))),
        "`role` and `role_source_id` go together",
        "give both the role wording and the source it is quoted from, or neither",
    ),
    _self_reference(
        "actors",
        "affiliation_id",
        "actor_id",
        "an actor cannot be affiliated with itself",
        "clear the cell or name another actor",
    ),
    RowRule(
        "sources",
        "body_char_end",
        "body-span",
        And(NotNull(Col("body_char_start")), IsNull(Col("body_char_end"))),
        "body offsets go in pairs",
        "set both body_char_start and body_char_end",
    ),
    RowRule(
        "sources",
        "body_char_start",
        "body-span",
        And(IsNull(Col("body_char_start")), NotNull(Col("body_char_end"))),
        "body offsets go in pairs",
        "set both body_char_start and body_char_end",
    ),
    RowRule(
        "sources",
        "body_char_end",
        "body-span",
        Le(Col("body_char_end"), Col("body_char_start")),
        "must be greater than body_char_start",
        "check the offsets with `claims locate`",
    ),
    RowRule(
        "sources",
        "archive_sha256",
        "body-span",
        And(NotNull(Col("body_char_start")), IsNull(Col("archive_sha256"))),
        "body offsets need an archived text",
        "add the archived file's SHA-256 or clear the body offsets",
    ),
    _self_reference(
        "sources",
        "republishes_id",
        "source_id",
        "a source cannot refer to itself",
        "name another source or clear the cell",
    ),
    _self_reference(
        "sources",
        "derived_from_id",
        "source_id",
        "a source cannot refer to itself",
        "name another source or clear the cell",
    ),
    _self_reference(
        "positions",
        "organization_id",
        "actor_id",
        "an actor cannot hold a position in itself",
        "name the body the position is held in, or clear the cell",
    ),
    _self_reference(
        "places",
        "part_of_id",
        "place_id",
        "a place cannot be part of itself",
        "name the larger place or clear the cell",
    ),
    *_date_rules("events"),
    *_date_rules("statements"),
    RowRule(
        "statements",
        "addressee_id",
        "speaker-is-addressee",
        Eq(Col("addressee_id"), Col("speaker_id")),
        "is the same actor as speaker_id",
        "clear addressee_id or correct the speaker",
    ),
    *_addressee_rules(),
    RowRule(
        "statements",
        "language",
        "translation-language",
        And(Eq(Col("translated"), Const(True)), IsNull(Col("language"))),
        "is empty but translated is true",
        "give the original language (ISO 639-1)",
    ),
    *_language_rules(),
    RowRule(
        "statements",
        "text",
        "quote-shape",
        And(Eq(Col("statement_type"), Const("direct_quote")), HasBlankQuotePart(Col("text"))),
        f"has an empty part around {ELISION.strip()!r}",
        f"join the quoted parts with {ELISION!r}",
    ),
    RowRule(
        "statements",
        "text",
        "quote-shape",
        And(Eq(Col("statement_type"), Const("partial_quote")), Not(HasQuotedFragment(Col("text")))),
        "is a partial quote without words in curly quotes “…”",
        "put the source's quoted words in “ ”, or use paraphrase",
    ),
    RowRule(
        "attestations",
        "statement_id",
        "attests-one",
        Eq(IsNull(Col("statement_id")), IsNull(Col("event_id"))),
        "give exactly one of statement_id and event_id",
        "an attestation backs one statement or one event",
    ),
    RowRule(
        "attestations",
        "char_end",
        "offsets",
        Le(Col("char_end"), Col("char_start")),
        "must be greater than char_start",
        'run `claims locate SOURCE_ID "words"` to get the offsets',
    ),
    RowRule(
        "attestations",
        "char_end",
        "offsets",
        And(Gt(Col("char_end"), Col("char_start")), Ne(Sub(Col("char_end"), Col("char_start")), Len(Col("excerpt")))),
        "char_end - char_start = {span} but the excerpt has {length} characters",
        "run `claims locate` to get the offsets",
        {"span": Sub(Col("char_end"), Col("char_start")), "length": Len(Col("excerpt"))},
    ),
    _self_reference(
        "attestations",
        "via_source_id",
        "source_id",
        "is the same as source_id",
        "name the source the report relies on, or clear the cell",
    ),
    _self_reference(
        "statement_relations",
        "object_statement_id",
        "statement_id",
        "a statement cannot relate to itself",
        "name another statement",
    ),
    _self_reference(
        "retired_ids",
        "replaced_by",
        "id",
        "an ID cannot replace itself",
        "name the ID that replaces it, or clear the cell",
    ),
)


def row_rules(table: str) -> tuple[RowRule, ...]:
    return tuple(rule for rule in ROW_RULES if rule.table == table)


# --- every rule id -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: str
    scope: str  # file, cell, row, table, cross-table, archive
    layer: str  # the layer of the reference engine that reports it
    summary: str


_FILE = "file", "structure"
_CELL = "cell", "structure"
_TEXT = "cell", "rows"
_KEYS = "cross-table", "integrity"
_ARCHIVE = "archive", "provenance"
RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in [
        Rule("missing-file", *_FILE, "every table file exists"),
        Rule(
            "unreadable-file",
            *_FILE,
            "the file can be read: a regular file inside the data folder (a link may not lead out of it)",
        ),
        Rule("nul-byte", *_FILE, "no NUL byte"),
        Rule("encoding", *_FILE, "UTF-8 without BOM"),
        Rule("empty-file", *_FILE, "at least the header row"),
        Rule("line-endings", *_FILE, "LF line endings and a final newline"),
        Rule("csv-quoting", *_FILE, "RFC 4180 quoting, nothing between a closing quote and the next comma"),
        Rule("unknown-column", *_FILE, "the header names only the schema's columns"),
        Rule("missing-column", *_FILE, "the header names every column"),
        Rule("duplicate-column", *_FILE, "no column twice"),
        Rule("column-order", *_FILE, "the schema's column order"),
        Rule("blank-row", "row", "structure", "no blank line"),
        Rule("cell-count", "row", "structure", "one cell per column"),
        Rule("cell-too-long", *_CELL, f"a cell has at most {CELL_MAX_CHARS} characters"),
        Rule("type-error", *_CELL, "the cell has the column's type: integer, ISO date, boolean (true or false)"),
        Rule("required", *_CELL, "a required cell is filled"),
        Rule("pattern", *_CELL, "the cell matches the column's pattern (IDs, URLs, hashes, codes)"),
        Rule("enum", *_CELL, "the cell is one of the column's values"),
        Rule("maxLength", *_CELL, f"an ID has at most {ID_MAX_LENGTH} characters"),
        Rule("minimum", *_CELL, "an integer is not below the column's minimum"),
        Rule("maximum", *_CELL, f"an integer is at most {INTEGER_MAX} (64-bit storage)"),
        *(Rule(cell.id, *_TEXT, cell.message) for cell in TEXT_CELL_RULES),
        Rule("edtf", *_TEXT, "a valid EDTF date"),
        Rule("timestamp", *_TEXT, "an ISO 8601 date or date-time with offset"),
        Rule("list", *_TEXT, "a '|' list without empty, padded or repeated items"),
        *{rule.id: Rule(rule.id, "row", "rows", rule.message) for rule in ROW_RULES}.values(),
        Rule("primary-key", "table", "integrity", "no key twice"),
        Rule("foreign-key", *_KEYS, "every reference names an existing row"),
        Rule("unattested", *_KEYS, "every statement and event has an attestation"),
        Rule("unarchived-source", *_KEYS, "excerpts come from archived sources"),
        Rule("dated-after-source", *_KEYS, "a statement is not dated after its sources"),
        Rule("event-date", *_KEYS, "a statement shares its event's date"),
        Rule("speaker-not-participant", *_KEYS, "a speaker at an event takes part in it"),
        Rule("retired-id-reused", *_KEYS, "a retired ID is not used again"),
        Rule("published-id-removed", *_KEYS, "a published ID stays or is retired"),
        Rule("release-order", *_KEYS, "each release names the release before it and is not dated before it"),
        Rule("duplicate-statement", "table", "integrity", "no statement recorded twice"),
        Rule("outlet-claim-speaker", *_KEYS, "an outlet_claim is spoken by an outlet"),
        Rule(
            "mention-not-named",
            *_KEYS,
            "a mention's `mentioned_as` names the entity, not a pronoun, as whole words (code point for code point) "
            "in the statement's text and one of its excerpts",
        ),
        Rule(
            "addressee-not-named",
            *_KEYS,
            "a statement's `addressee_as` names its addressee, not a pronoun, as whole words in one of its excerpts "
            "or of the excerpts of an event the addressee takes part in; it is or holds the addressee's name, an alias, "
            "its role or a position's title, and is not one of the speaker's names",
        ),
        Rule(
            "date-unbounded",
            *_KEYS,
            "a statement or event is dated no later than the earliest publication of the sources reporting it "
            "(its date_max, or its EDTF date's upper bound where date_max is empty); an event the sources report as "
            "yet to take place is dated wholly after them",
        ),
        Rule(
            "evidence-basis-speaker",
            *_KEYS,
            "evidence basis `unattributed` only for an unnamed speaker, `unspecified` only for a named one",
        ),
        Rule(
            "participant-not-named",
            *_KEYS,
            "an event's participant is named, by its name or an alias, as whole words in one of the event's excerpts",
        ),
        Rule(
            "event-words-not-quoted",
            *_KEYS,
            "an event's `location`, `duration_text` and `date_text` stand as whole words in one of its own excerpts",
        ),
        Rule(
            "plan-name-not-quoted",
            *_KEYS,
            "a plan's title and aliases stand as whole words in an excerpt of a statement that mentions the plan "
            "or of the event at which it emerged",
        ),
        Rule(
            "provision-topic",
            *_KEYS,
            "a statement that gives a plan's term has the topic `peace_plan` and the term's own topic",
        ),
        Rule("archive-missing", *_ARCHIVE, "the archived text of a source is in the archive"),
        Rule("excerpt-mismatch", *_ARCHIVE, "the excerpt is the archived text at its offsets"),
        Rule("outside-article", *_ARCHIVE, "the excerpt lies inside the article body"),
        Rule(
            "quote-outside-excerpt",
            *_ARCHIVE,
            'quoted words (a direct quote; words in quotation marks of any kind: “ ”, " ", ‘ ’, « ») lie inside the attesting excerpt',
        ),
        Rule("role-not-quoted", *_ARCHIVE, "an actor's role is quoted from its source"),
        Rule("title-not-quoted", *_ARCHIVE, "a position's title is quoted from the article body of its source"),
        Rule(
            "date-text-not-quoted",
            *_ARCHIVE,
            "a `date_text` is the source's words: a statement's, whole words of its excerpts or its event's (an outlet's "
            "claim: or its source's dateline, naming the day of publication); an event's, of the article body of a source "
            "attesting it",
        ),
        Rule("wikidata-unconfirmed", *_ARCHIVE, "a Wikidata ID is confirmed in the archive"),
    ]
}
