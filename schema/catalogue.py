"""The rule catalogue: every rule of the dataset declared once, as data.

Each rule has an id (printed in findings as `[id]`), a scope (file, cell, row, table, cross-table,
archive), the layer that reports it and a summary of what it asks (`RULES`; docs/rules.md is
generated from them). Its executable forms are derived from the declaration:

- cell rules of text cells (`TEXT_CELL_RULES`) are code-point classes (schema/text.py) and
  prefixes: the Python check (schema/fields.py) and the fast engine's SQL prefilter are both
  generated from them;
- row rules (`ROW_RULES`) are conditions written in the expression language of
  schema/expressions.py (`Col`, `Eq`, `And`, …) that evaluates in Python, with SQL's three-valued
  logic, for the pydantic models (the reference), and compiles to DuckDB SQL for the fast engine;
- the other rules are implemented once by the library made for them (frictionless, pydantic,
  the shared integrity SQL, the provenance layer, Great Expectations); the catalogue lists them
  so that every id is known, documented and covered by a generated test case.

The fast engine never writes a finding of its own for a cell or row rule: its SQL only selects the
rows that may break a rule (never fewer than the reference would reject), and the reference judges
those rows. So both engines report the same findings by construction, provided that the SQL is a
superset, which tests/test_catalogue.py checks for every rule id on generated data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .dialect import sql_string
from .expressions import (
    And,
    BoundShown,
    Col,
    Const,
    EdtfBound,
    Eq,
    Expr,
    Gt,
    HasBlankQuotePart,
    HasQuotedFragment,
    IsBound,
    IsNull,
    Le,
    Len,
    Lt,
    Minus,
    Ne,
    Not,
    NotNull,
    Or,
)
from .text import (
    CONTROL_RANGES,
    ELISION,
    WHITESPACE_SQL,
    Ranges,
    char_class,
    has_control,
    has_invisible,
    invisible_ranges,
)

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


# --- cell rules of free text ------------------------------------------------------------------------


@dataclass(frozen=True)
class CellRule:
    """A rule every free-text cell must keep: a Python test and an SQL prefilter from one
    declaration. A rule that looks for characters gives them as `chars` (a function returning
    code-point ranges, read when first needed), and its SQL is a search for any of them; any other
    gives `sql` (column expression -> SQL boolean that is TRUE whenever `test` is, or more often)."""

    id: str
    summary: str
    message: str
    test: Callable[[str], bool]  # True when the value breaks the rule
    sql: Callable[[str], str] | None = None
    chars: Callable[[], Ranges] | None = None

    def select(self, column: str) -> str:
        if self.chars is not None:
            return f"regexp_matches({column}, {sql_string(char_class(self.chars(), re2=True))})"
        assert self.sql is not None, f"cell rule {self.id} declares neither chars nor sql"
        return self.sql(column)


def control_ranges() -> Ranges:
    return CONTROL_RANGES


TEXT_CELL_RULES = (
    CellRule(
        "formula-injection",
        "a text cell does not start with a character that makes a spreadsheet run it as a formula",
        "starts with "
        + ", ".join(repr(p) for p in FORMULA_PREFIXES)
        + ", which spreadsheets run as a formula; reword so the cell starts with another character",
        lambda v: v.startswith(FORMULA_PREFIXES),
        lambda c: f"left({c}, 1) IN ({', '.join(sql_string(p) for p in FORMULA_PREFIXES)})",
    ),
    CellRule(
        "padding",
        "a text cell has no leading or trailing whitespace",
        "has leading or trailing whitespace; remove it",
        lambda v: v != v.strip(),  # str.strip() removes exactly WHITESPACE_RANGES
        # the first and last characters only: searching the whole cell for '^ws|ws$' scans all of it
        lambda c: f"regexp_matches(left({c}, 1) || right({c}, 1), {sql_string(WHITESPACE_SQL)})",
    ),
    CellRule(
        "invisible-character",
        "a text cell has no invisible formatting character, except a joiner between two letters",
        "contains an invisible formatting character (zero-width, bidi control, soft hyphen, tag character); delete it",
        has_invisible,
        chars=invisible_ranges,
    ),
    CellRule(
        "control-character",
        "a text cell has no control character other than the line break",
        "contains a control character; only line breaks are allowed in text",
        has_control,
        chars=control_ranges,
    ),
)


def text_cell_sql(column: str) -> str:
    """SQL that is TRUE whenever a text cell may break a rule of TEXT_CELL_RULES, in one scan of
    the cell: the rules that look for characters share one character class."""
    chars = tuple(sorted(span for rule in TEXT_CELL_RULES if rule.chars for span in rule.chars()))
    others = [f"({rule.select(column)})" for rule in TEXT_CELL_RULES if rule.chars is None]
    return " OR ".join([*others, f"regexp_matches({column}, {sql_string(char_class(chars, re2=True))})"])


def id_cell_sql(column: str) -> str:
    """SQL that is TRUE for an ID cell that breaks the ID pattern or length."""
    return (
        f"(NOT regexp_full_match({column}, {sql_string(ID_PATTERN.strip('^$'))}) OR length({column}) > {ID_MAX_LENGTH})"
    )


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
BOUNDS: dict[str, Expr] = {"low": BoundShown(LOW), "high": BoundShown(HIGH)}


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
        And(Gt(Col("char_end"), Col("char_start")), Ne(Minus(Col("char_end"), Col("char_start")), Len(Col("excerpt")))),
        "char_end - char_start = {span} but the excerpt has {length} characters",
        "run `claims locate` to get the offsets",
        {"span": Minus(Col("char_end"), Col("char_start")), "length": Len(Col("excerpt"))},
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
_ROW = "row", "rows"
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
        *(Rule(cell.id, *_TEXT, cell.summary) for cell in TEXT_CELL_RULES),
        Rule("edtf", *_TEXT, "a valid EDTF date"),
        Rule("timestamp", *_TEXT, "an ISO 8601 date or date-time with offset"),
        Rule("list", *_TEXT, "a '|' list without empty, padded or repeated items"),
        # the row rules (ROW_RULES): one id may stand for several conditions, each with its message
        Rule("role-source", *_ROW, "an actor's role wording and the source it is quoted from are given together"),
        Rule("self-reference", *_ROW, "a row does not refer to itself (affiliation, part of, replaced by, …)"),
        Rule(
            "body-span",
            *_ROW,
            "a source's article body is two offsets into an archived text, the end after the start",
        ),
        Rule("date-missing", *_ROW, "a date's wording, bounds and resolution are given only with the EDTF `date`"),
        Rule(
            "date-wording",
            *_ROW,
            "a date keeps the source's words for it (unless it is a bound) and says what it was resolved against",
        ),
        Rule(
            "date-bounds",
            *_ROW,
            "`date_min` and `date_max` lie within the EDTF value's bounds, `date_min` not after `date_max`",
        ),
        Rule("speaker-is-addressee", *_ROW, "a statement's addressee is not its speaker"),
        Rule("addressee-wording", *_ROW, "an addressee is given exactly when the source's words for it are"),
        Rule("translation-language", *_ROW, "a translated statement gives its original language"),
        Rule(
            "language-basis",
            *_ROW,
            "a statement's language is given with how it is known; evident from the quote only for an "
            "untranslated direct quote",
        ),
        Rule(
            "quote-shape",
            *_ROW,
            f"a direct quote has no empty part around {ELISION.strip()!r}; a partial quote puts the source's "
            "words in curly quotes",
        ),
        Rule("attests-one", *_ROW, "an attestation backs exactly one statement or one event"),
        Rule("offsets", *_ROW, "an excerpt's offsets span exactly its characters, the end after the start"),
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

# What a store of archived texts (`--archive https://…`) answers about itself rather than about a
# row: reported on the sources.csv row whose file could not be used, never made by data.
STORE_RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in [
        Rule(
            "archive-unreachable",
            *_ARCHIVE,
            "the store answers within its time limit, over http(s), with a whole answer",
        ),
        Rule("archive-access-refused", *_ARCHIVE, "the store accepts the read token given in $CLAIMS_ARCHIVE_TOKEN"),
        Rule("archive-hash-mismatch", *_ARCHIVE, "the file the store serves has the SHA-256 the source names"),
    ]
}
