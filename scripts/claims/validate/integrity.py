"""Layer 3, integrity across tables, computed in DuckDB.

Every CSV is loaded as text with its line numbers, so that each broken reference can be reported
where it stands. Rules: primary keys, foreign keys (also the polymorphic mention links), every
statement and event attested, evidence taken from archived sources, statements not dated after
the sources that report them nor outside their event, speakers taking part in their event, the
outlet's own claims spoken by an outlet, mentions named in the statement's text and excerpt,
positions taken from archived sources, and no statement recorded twice.
"""

from __future__ import annotations

import difflib

import duckdb
import pyarrow as pa

from claims.findings import Finding
from claims.schema import ID_TABLES, MENTION_TARGETS, TABLES
from claims.schema.catalogue import WS_SQL, shorten
from claims.schema.fields import WHITESPACE_RANGES, char_class
from claims.validate.run import Run

LAYER = "integrity"

# A pronoun refers to an entity but does not name it: "he" is not a mention of Putin.
PRONOUNS = (
    "he",
    "him",
    "his",
    "she",
    "her",
    "hers",
    "it",
    "its",
    "they",
    "them",
    "their",
    "we",
    "us",
    "our",
    "you",
    "your",
    "i",
    "me",
    "my",
)


WHITESPACE = WS_SQL  # the catalogue's whitespace class, as RE2 writes it
# Whitespace other than the plain space: with two whitespace characters in a row, what `_spaced`
# rewrites (rewriting costs five times as much as looking, and most texts have neither).
UNSPACED = char_class(
    tuple((lo, 0x1F) if lo <= 0x20 <= hi else (lo, hi) for lo, hi in WHITESPACE_RANGES if (lo, hi) != (0x20, 0x20)),
    re2=True,
)


# Whitespace runs (no-break spaces included, as schema/fields.py counts them) compare as one space.
def _spaced(expression: str) -> str:
    return (
        f"CASE WHEN regexp_matches({expression}, '{WHITESPACE}{WHITESPACE}|{UNSPACED}') "
        f"THEN regexp_replace({expression}, '{WHITESPACE}+', ' ', 'g') ELSE {expression} END"
    )


def _names(haystack: str, words: str) -> str:
    """SQL: `words` (already `_spaced`) occurs in `_spaced(haystack)` as whole words (no letter or
    digit either side), decided without rewriting the haystack where that is exact:

    - the words' first occurrence in the haystack as it is, with no letter or digit either side:
      TRUE (spacing the haystack keeps that occurrence and makes its neighbours at most spaces);
    - words without a space that are not in the haystack at all: FALSE (spacing only rewrites
      whitespace, so it cannot make them appear);
    - anything else (a first occurrence inside a longer word, words across unusual whitespace):
      `_names_in_spaced` on the spaced haystack, which is exact."""
    position = f"instr({haystack}, {words})"
    around = (
        f"(CASE WHEN {position} > 1 THEN substr({haystack}, {position} - 1, 1) ELSE '' END"
        f" || substr({haystack}, {position} + length({words}), 1))"
    )
    first_whole = f"({words} <> '' AND {position} > 0 AND regexp_full_match({around}, '{NOT_IN_WORD}*'))"
    absent = f"(NOT contains({words}, ' ') AND NOT contains({haystack}, {words}))"
    return f"CASE WHEN {first_whole} THEN TRUE WHEN {absent} THEN FALSE ELSE {_names_in_spaced(_spaced(haystack), words)} END"


def _names_in_spaced(haystack: str, words: str) -> str:
    """SQL: `words` occurs in `haystack` as whole words (no letter or digit either side); both
    already `_spaced`.

    DuckDB compiles a regular expression whose pattern is not a constant anew on every row, and
    one with Unicode classes takes milliseconds (hours at a million rows), so the common case is
    decided by substring tests: when the words are letters, digits and spaces only, they occur as
    whole words exactly when they occur in the haystack with every other character (not a letter,
    digit or space) made BOUNDARY, between spaces, BOUNDARYs or the ends. Only the other rows pay
    for the regular expression, which is the rule as written."""
    marked = f"(' ' || regexp_replace({haystack}, '{OTHER_CHARACTER}', '{BOUNDARY}', 'g') || ' ')"
    plain = f"NOT regexp_matches({words}, '{OTHER_CHARACTER}')"
    found = " OR ".join(
        f"contains({marked}, '{left}' || {words} || '{right}')" for left in (" ", BOUNDARY) for right in (" ", BOUNDARY)
    )
    regex = f"regexp_matches({haystack}, '(^|{NOT_IN_WORD})' || regexp_escape({words}) || '({NOT_IN_WORD}|$)')"
    return f"CASE WHEN {plain} AND ({found}) THEN TRUE ELSE {regex} END"


NOT_IN_WORD = "[^\\p{L}\\p{N}]"  # a character that is neither a letter nor a digit
OTHER_CHARACTER = "[^\\p{L}\\p{N} ]"  # neither a letter, a digit nor a space
BOUNDARY = "\x1f"  # what other characters become for the substring tests (any one not a letter, digit or space)

# The comparison form of a statement's text, for finding duplicates: NFC, lower case, and every
# run of characters that are not letters or digits (quote marks, dashes, spaces) made one space.
# Written in SQL once, so that the reference and the fast path compare texts the same way.
NORMALISED_TEXT = r"trim(regexp_replace(lower(nfc_normalize(text)), '[^\p{L}\p{N}]+', ' ', 'g'))"


def connect(run) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with every loaded table as text columns plus `_line`."""
    con = duckdb.connect(":memory:")
    for model in TABLES:
        table = run.tables[model.meta.name]
        columns = {name: [row[name] or None for row in table.rows] for name in table.columns}
        columns["_line"] = table.lines
        arrow = pa.table(
            {
                name: pa.array(values, type=pa.int64() if name == "_line" else pa.string())
                for name, values in columns.items()
            }
        )
        con.register(f"_{model.meta.name}_arrow", arrow)
        con.execute(f"CREATE TABLE {model.meta.name} AS SELECT * FROM _{model.meta.name}_arrow")
        con.unregister(f"_{model.meta.name}_arrow")
    return con


def check(run: Run) -> None:
    con = getattr(run, "con", None) or connect(run)
    check_tables(run, con)
    if getattr(run, "con", None) is None:
        con.close()


def check_tables(run: Run, con: duckdb.DuckDBPyConnection) -> None:
    """The integrity rules, on tables named as in the schema with a `_line` column."""
    add = run.findings.add

    def shown(table: str) -> str:
        return run.tables[table].shown

    unusable = {name for name, table in run.tables.items() if not table.loaded}

    def unread(table: str, column: str) -> set[str]:
        """Keys of `table`'s records that could not be read as rows (tablefile.Table.unread_keys)."""
        return run.tables[table].unread_keys(column) if table in run.tables else set()

    for name in sorted(unusable):
        run.notes.append(f"integrity checks that involve {name} were skipped: the file could not be read")

    for model in TABLES:
        name = model.meta.name
        if name in unusable:
            continue
        key = ", ".join(model.meta.primary_key)
        # the repeated keys first (a hash aggregate), then the first line of each (a window over
        # those rows only, not a sort of the whole table)
        duplicates = con.execute(
            f"""WITH repeated AS (
                  SELECT {key} FROM {name} WHERE {" AND ".join(f"{c} IS NOT NULL" for c in model.meta.primary_key)}
                  GROUP BY ALL HAVING count(*) > 1)
                SELECT _line, first_line FROM (
                  SELECT t._line, min(t._line) OVER (PARTITION BY {", ".join(f"t.{c}" for c in model.meta.primary_key)}) AS first_line
                  FROM {name} t SEMI JOIN repeated USING ({key}))
                WHERE _line <> first_line ORDER BY _line"""
        ).fetchall()
        for line, first in duplicates:
            add(
                Finding(
                    shown(name),
                    line,
                    ",".join(model.meta.primary_key),
                    "primary-key",
                    f"repeats the key of line {first}",
                    "give each row its own key; never reuse a published ID",
                    LAYER,
                )
            )

        for key_def in model.foreign_keys():
            (column,), (ref,) = key_def.fields, key_def.ref_fields
            if key_def.table in unusable:
                continue
            dangling = con.execute(
                f"SELECT c._line, c.{column} FROM {name} c WHERE c.{column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {key_def.table} p WHERE p.{ref} = c.{column}) ORDER BY c._line"
            ).fetchall()
            # a reference to a row whose cells could not be read follows from that row's finding
            dangling = [(line, value) for line, value in dangling if value not in unread(key_def.table, ref)]
            if dangling:
                known = [
                    value
                    for (value,) in con.execute(f"SELECT {ref} FROM {key_def.table} WHERE {ref} IS NOT NULL").fetchall()
                ]
            for line, value in dangling:
                add(
                    Finding(
                        shown(name),
                        line,
                        column,
                        "foreign-key",
                        f"{shorten(value)} is not among the {ref} values of {shown(key_def.table)}",
                        _suggest(value, known, key_def.table),
                        LAYER,
                    )
                )

    if "statement_mentions" not in unusable:
        for entity_type, (target, ref) in MENTION_TARGETS.items():
            if target in unusable:
                continue
            dangling = con.execute(
                f"SELECT m._line, m.entity_id FROM statement_mentions m WHERE m.entity_type = ? AND m.entity_id IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{ref} = m.entity_id) ORDER BY m._line",
                [entity_type],
            ).fetchall()
            dangling = [(line, value) for line, value in dangling if value not in unread(target, ref)]
            if dangling:
                known = [
                    value for (value,) in con.execute(f"SELECT {ref} FROM {target} WHERE {ref} IS NOT NULL").fetchall()
                ]
            for line, value in dangling:
                add(
                    Finding(
                        shown("statement_mentions"),
                        line,
                        "entity_id",
                        "foreign-key",
                        f"{shorten(value)} is not among the {ref} values of {shown(target)} (entity_type {entity_type})",
                        _suggest(value, known, target),
                        LAYER,
                    )
                )

    if not unusable & {"statements", "events", "attestations"}:
        for subject, key in (("statements", "statement_id"), ("events", "event_id")):
            # an attestation whose row cannot be read, or whose key names no row but is closest to
            # this one ("st-0630" for st-063), has its own finding: the attestation is there
            waiting = unread("attestations", key) | _meant(con, "attestations", key, subject)
            for line, value in con.execute(
                f"SELECT s._line, s.{key} FROM {subject} s WHERE s.{key} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM attestations a WHERE a.{key} = s.{key}) ORDER BY s._line"
            ).fetchall():
                if value in waiting:
                    continue
                add(
                    Finding(
                        shown(subject),
                        line,
                        key,
                        "unattested",
                        f"{value!r} has no attestation: no fact without an excerpt",
                        f"add a row to {shown('attestations')} quoting the source verbatim (find offsets with `claims locate`)",
                        LAYER,
                    )
                )

    if not unusable & {"attestations", "sources"}:
        for line, source in con.execute(
            "SELECT a._line, a.source_id FROM attestations a JOIN sources s USING (source_id) WHERE s.archive_sha256 IS NULL ORDER BY a._line"
        ).fetchall():
            add(
                Finding(
                    shown("attestations"),
                    line,
                    "source_id",
                    "unarchived-source",
                    f"source {source!r} has no archived text, so the excerpt's offsets cannot be checked",
                    "quote the archived source that reports the statement; name the unarchived one in via_source_id",
                    LAYER,
                )
            )

    if not unusable & {"positions", "sources"}:
        for line, source in con.execute(
            "SELECT p._line, p.source_id FROM positions p JOIN sources s USING (source_id) WHERE s.archive_sha256 IS NULL ORDER BY p._line"
        ).fetchall():
            add(
                Finding(
                    shown("positions"),
                    line,
                    "source_id",
                    "unarchived-source",
                    f"source {source!r} has no archived text, so the title cannot be checked against it",
                    "name the archived source whose text gives the title",
                    LAYER,
                )
            )

    if not unusable & {"statements", "attestations", "sources"}:
        for line, statement, date_min, source, published in con.execute(
            # the sources an attestation cites, as rows: an equi-join each, not a join on OR
            """WITH cited AS (
                 SELECT statement_id, source_id FROM attestations
                 UNION ALL SELECT statement_id, via_source_id FROM attestations WHERE via_source_id IS NOT NULL)
               SELECT DISTINCT st._line, st.statement_id, st.date_min, src.source_id, src.published_at
               FROM statements st JOIN cited c USING (statement_id)
               JOIN sources src ON src.source_id = c.source_id
               WHERE TRY_CAST(st.date_min AS DATE) > TRY_CAST(left(src.published_at, 10) AS DATE)
               ORDER BY st._line, src.source_id"""
        ).fetchall():
            add(
                Finding(
                    shown("statements"),
                    line,
                    "date_min",
                    "dated-after-source",
                    f"{statement!r} is dated from {date_min}, after source {source!r} was published ({published})",
                    "a source cannot report what had not yet been said: check the date's resolution",
                    LAYER,
                )
            )

    if not unusable & {"statements", "events"}:
        for line, statement, event, s_min, s_max, e_min, e_max in con.execute(
            """SELECT st._line, st.statement_id, e.event_id, st.date_min, st.date_max, e.date_min, e.date_max
               FROM statements st JOIN events e USING (event_id)
               WHERE TRY_CAST(st.date_max AS DATE) < TRY_CAST(e.date_min AS DATE)
                  OR TRY_CAST(st.date_min AS DATE) > TRY_CAST(e.date_max AS DATE)
               ORDER BY st._line"""
        ).fetchall():
            add(
                Finding(
                    shown("statements"),
                    line,
                    "date_min",
                    "event-date",
                    f"{statement!r} is dated {s_min}..{s_max} but its event {event!r} is {e_min}..{e_max}",
                    "a statement made at an event shares its date: correct one of them",
                    LAYER,
                )
            )

    if not unusable & {"statements", "event_participants", "actors", "events"}:
        # a speaker or an event that names no row has its own finding (foreign-key): no participant to add
        for line, speaker, event in con.execute(
            """SELECT st._line, st.speaker_id, st.event_id FROM statements st
               WHERE st.event_id IS NOT NULL AND st.speaker_id IS NOT NULL
                 AND EXISTS (SELECT 1 FROM actors a WHERE a.actor_id = st.speaker_id)
                 AND EXISTS (SELECT 1 FROM events e WHERE e.event_id = st.event_id)
                 AND NOT EXISTS (SELECT 1 FROM event_participants p WHERE p.event_id = st.event_id AND p.actor_id = st.speaker_id)
               ORDER BY st._line"""
        ).fetchall():
            add(
                Finding(
                    shown("statements"),
                    line,
                    "speaker_id",
                    "speaker-not-participant",
                    f"{speaker!r} speaks at event {event!r} but is not one of its participants",
                    f"add ({event}, {speaker}, role) to {shown('event_participants')} or correct event_id",
                    LAYER,
                )
            )

    if not unusable & {"statements", "actors"}:
        _outlet_claims(con, add, shown)

    if not unusable & {"statements", "statement_mentions", "attestations"}:  # the excerpts name them too
        _mentions_named(con, add, shown)

    if not unusable & {"retired_ids", "published_ids"}:
        _id_history(con, run, unusable, add, shown, unread)

    if "statements" not in unusable:
        for line, first_line, first_id in con.execute(
            f"""SELECT _line, first_line, first_id FROM (
                 SELECT _line, first_value(_line) OVER w AS first_line, first_value(statement_id) OVER w AS first_id
                 FROM (SELECT *, {NORMALISED_TEXT} AS _norm FROM statements) WINDOW w AS (PARTITION BY speaker_id, coalesce(date, ''), _norm ORDER BY _line))
               WHERE _line <> first_line ORDER BY _line"""
        ).fetchall():
            add(
                Finding(
                    shown("statements"),
                    line,
                    "text",
                    "duplicate-statement",
                    f"repeats statement {first_id!r} (line {first_line}): same speaker, date and text",
                    "attest the existing statement again instead of adding a copy",
                    LAYER,
                )
            )


def _outlet_claims(con, add, shown) -> None:
    """An outlet_claim is the outlet's own voice: its speaker is a media outlet."""
    for line, speaker, actor_type in con.execute(
        """SELECT st._line, st.speaker_id, a.actor_type FROM statements st JOIN actors a ON a.actor_id = st.speaker_id
           WHERE st.statement_type = 'outlet_claim' AND a.actor_type IS DISTINCT FROM 'media_outlet' ORDER BY st._line"""
    ).fetchall():
        add(
            Finding(
                shown("statements"),
                line,
                "speaker_id",
                "outlet-claim-speaker",
                f"an outlet_claim is spoken by {speaker!r}, a {actor_type}, not by an outlet",
                "make the reporting outlet (e.g. bloomberg) the speaker, or use paraphrase/partial_quote for what a person said",
                LAYER,
            )
        )


def _mentions_named(con, add, shown) -> None:
    """A mention's words (`mentioned_as`) name the entity in the statement's own text and in the
    source's words that attest it (an excerpt), as whole words, and are more than a pronoun.

    The text alone would accept a name the curator put in place of the source's "he"; the excerpt
    alone would accept an entity named in the other half of a sentence that backs two statements.
    A statement with no excerpt at all has its own finding (`unattested`): its mentions are not
    reported again for want of one.
    """
    # as written, lower case or capitalised: "US" (the United States) is not "us"
    pronouns = ", ".join(f"'{form}'" for p in PRONOUNS for form in (p, p.capitalize()))
    # the excerpts as a join grouped by mention, not a correlated subquery per mention
    for line, statement, words, pronoun, in_text in con.execute(
        f"""WITH m AS (SELECT _line, statement_id, mentioned_as, {_spaced("mentioned_as")} AS w FROM statement_mentions WHERE mentioned_as IS NOT NULL),
            in_excerpt AS (
              SELECT m._line, bool_or({_names("a.excerpt", "m.w")}) AS found
              FROM m JOIN attestations a ON a.statement_id = m.statement_id WHERE a.excerpt IS NOT NULL GROUP BY m._line),
            checked AS (
              SELECT m._line, m.statement_id, m.mentioned_as, m.mentioned_as IN ({pronouns}) AS pronoun,
                     {_names("s.text", "m.w")} AS in_text, e.found AS in_excerpt
              FROM m JOIN statements s USING (statement_id) LEFT JOIN in_excerpt e ON e._line = m._line
              WHERE s.text IS NOT NULL)
            SELECT _line, statement_id, mentioned_as, pronoun, in_text FROM checked
            WHERE pronoun OR NOT in_text OR NOT in_excerpt
            ORDER BY _line"""
    ).fetchall():
        if pronoun:
            message, hint = (
                f"{words!r} is a pronoun: it refers to the entity but does not name it",
                "link only entities the statement's words name or describe; say in the statement's notes whom the pronoun means",
            )
        elif not in_text:
            message, hint = (
                f"{words!r} is not in the text of statement {statement!r}",
                "copy the words that name the entity from the statement's text, or remove the mention if the statement does not name it",
            )
        else:
            message, hint = (
                f"{words!r} is in the text of statement {statement!r} but in none of its excerpts: the source does not name it there",
                "widen the excerpt to the source's words that name the entity, or remove the mention",
            )
        add(Finding(shown("statement_mentions"), line, "mentioned_as", "mention-not-named", message, hint, LAYER))


def _id_history(con, run, unusable, add, shown, unread) -> None:
    """IDs are forever: a retired ID is not reused, a published ID does not silently disappear,
    and a replacement names a row that exists (a row whose cells could not be read is there: its
    own finding says what to fix)."""
    for table, key in ID_TABLES.items():
        if table in unusable:
            continue
        waiting = unread(table, key)
        for line, value, retired_on, reason in con.execute(
            f"SELECT t._line, t.{key}, r.retired_on, r.reason FROM {table} t JOIN retired_ids r ON r.table_name = ? AND r.id = t.{key} ORDER BY t._line",
            [table],
        ).fetchall():
            add(
                Finding(
                    shown(table),
                    line,
                    key,
                    "retired-id-reused",
                    f"{value!r} was retired on {retired_on} ({reason}) and cannot be used again",
                    "give the row a new ID: IDs are never reused",
                    LAYER,
                )
            )
        for line, value, version in con.execute(
            f"""SELECT p._line, p.id, p.first_version FROM published_ids p
                WHERE p.table_name = ? AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = p.id)
                  AND NOT EXISTS (SELECT 1 FROM retired_ids r WHERE r.table_name = p.table_name AND r.id = p.id)
                ORDER BY p._line""",
            [table],
        ).fetchall():
            if value in waiting:
                continue
            add(
                Finding(
                    shown("published_ids"),
                    line,
                    "id",
                    "published-id-removed",
                    f"{table} {value!r} was published in {version} but is no longer in {shown(table)}",
                    f"restore the row, or retire the ID: add ({table}, {value}, date, reason) to {shown('retired_ids')}",
                    LAYER,
                )
            )
        for line, value in con.execute(
            f"""SELECT r._line, r.replaced_by FROM retired_ids r WHERE r.table_name = ? AND r.replaced_by IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = r.replaced_by) ORDER BY r._line""",
            [table],
        ).fetchall():
            if value in waiting:
                continue
            add(
                Finding(
                    shown("retired_ids"),
                    line,
                    "replaced_by",
                    "foreign-key",
                    f"{value!r} is not among the {key} values of {shown(table)}",
                    "name an existing row, or clear the cell",
                    LAYER,
                )
            )


def _meant(con, table: str, column: str, target: str) -> set[str]:
    """The keys of `target` that the dangling references of `table.column` are closest to (what
    their foreign-key findings suggest: "did you mean 'st-063'?")."""
    known = [value for (value,) in con.execute(f"SELECT {column} FROM {target} WHERE {column} IS NOT NULL").fetchall()]
    dangling = con.execute(
        f"SELECT DISTINCT c.{column} FROM {table} c WHERE c.{column} IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{column} = c.{column})"
    ).fetchall()
    return {close for (value,) in dangling for close in difflib.get_close_matches(value, known, n=1)}


def _suggest(value: str, known: list[str], table: str) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"add the row to data/{table}.csv first, or correct the ID"
