"""Layer 3, integrity across tables, computed in DuckDB.

Every CSV is loaded as text with its line numbers, so that each broken reference can be reported
where it stands. Rules: primary keys, foreign keys (also the polymorphic mention links), every
statement and event attested, evidence taken from archived sources, statements not dated after
the sources that report them nor outside their event, statements and events dated no later than
the earliest dated source reporting them, speakers taking part in their event, the outlet's own
claims spoken by an outlet, mentions named in the statement's text and excerpt, addressees named
in an excerpt, an event's participants and words in its own excerpts, a plan's names in the
excerpts that speak of it, a plan's terms given with their topics, the evidence basis
`unattributed` only for an unnamed speaker, positions taken from archived sources, no statement
recorded twice, and the release records in order (each names the release before it).
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata

import duckdb

from claims.findings import Finding, short_repr
from claims.schema import ID_TABLES, MENTION_TARGETS, TABLES
from claims.schema.dates import edtf_bounds
from claims.schema.dialect import sql_string
from claims.schema.fields import LIST_SEPARATOR
from claims.schema.text import WORD_BOUNDARY_SQL
from claims.schema.vocab import Topic
from claims.validate.run import Run, register_table
from claims.version import SEMVER, semver

LAYER = "integrity"
# SQL: what separates the items of a list cell (aliases, topics)
SEPARATOR = sql_string(LIST_SEPARATOR)
# The columns of an event that give the source's words for it.
EVENT_WORDS = ("location", "duration_text", "date_text")

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
    "mine",
    "ours",
    "yours",
    "theirs",
    "myself",
    "yourself",
    "yourselves",
    "himself",
    "herself",
    "itself",
    "ourselves",
    "themselves",
)


def whole_words_sql(haystack: str, words: str) -> str:
    """SQL: `words` occur in `haystack` as whole words (no letter or digit either side), code point
    for code point (schema.text.whole_words_in is the same test in Python), decided without a
    regular expression where that is exact:

    - the words between two spaces somewhere in the haystack (one substring test): TRUE;
    - the words' first occurrence in the haystack, with no letter or digit either side: TRUE;
    - words that are not in the haystack at all: FALSE;
    - anything else (a first occurrence inside a longer word): `whole_words_fallback_sql`."""
    position = f"instr({haystack}, {words})"
    around = (
        f"(CASE WHEN {position} > 1 THEN substr({haystack}, {position} - 1, 1) ELSE '' END"
        f" || substr({haystack}, {position} + length({words}), 1))"
    )
    first_whole = f"({words} <> '' AND {position} > 0 AND regexp_full_match({around}, '{NOT_IN_WORD}*'))"
    absent = f"(NOT contains({haystack}, {words}))"
    spaced = f"contains({haystack}, ' ' || {words} || ' ')"
    return f"CASE WHEN {spaced} THEN TRUE WHEN {first_whole} THEN TRUE WHEN {absent} THEN FALSE ELSE {whole_words_fallback_sql(haystack, words)} END"


def whole_words_fallback_sql(haystack: str, words: str) -> str:
    """SQL: `words` occur in `haystack` as whole words (no letter or digit either side).

    DuckDB compiles a regular expression whose pattern is not a constant anew on every row, and
    one with Unicode classes takes milliseconds (hours at a million rows), so the common case is
    decided by substring tests: when the words are letters, digits and plain spaces only, they occur
    as whole words exactly when they occur in the haystack with every other character (not a
    letter, digit or plain space; a no-break space too) made BOUNDARY, between spaces, BOUNDARYs or
    the ends. Only the other rows pay for the regular expression, which is the rule as written."""
    marked = f"(' ' || regexp_replace({haystack}, '{OTHER_CHARACTER}', '{BOUNDARY}', 'g') || ' ')"
    plain = f"NOT regexp_matches({words}, '{OTHER_CHARACTER}')"
    found = " OR ".join(
        f"contains({marked}, '{left}' || {words} || '{right}')" for left in (" ", BOUNDARY) for right in (" ", BOUNDARY)
    )
    regex = f"regexp_matches({haystack}, '(^|{NOT_IN_WORD})' || regexp_escape({words}) || '({NOT_IN_WORD}|$)')"
    return f"CASE WHEN {plain} AND ({found}) THEN TRUE ELSE {regex} END"


NOT_IN_WORD = WORD_BOUNDARY_SQL  # a character that is neither a letter, a combining mark nor a digit
OTHER_CHARACTER = "[^\\p{L}\\p{M}\\p{N} ]"  # neither a letter, a combining mark, a digit nor a plain space
BOUNDARY = "\x1f"  # what other characters become for the substring tests (any one not a letter, digit or space)

# The comparison form of a statement's text, for finding duplicates: NFC, lower case, and every
# run of characters that are not letters or digits (quote marks, dashes, spaces) made one space.
# Written in SQL once, so that the reference and the fast path compare texts the same way.
NORMALISED_TEXT = r"trim(regexp_replace(lower(nfc_normalize(text)), '[^\p{L}\p{N}]+', ' ', 'g'))"


def check(run: Run) -> None:
    """The reference engine: the tables read into an in-memory DuckDB, then the same SQL."""
    with duckdb.connect(":memory:") as con:
        for model in TABLES:
            register_table(con, model.meta.name, run.tables[model.meta.name])
        check_sql(run, con)


def check_sql(run: Run, con: duckdb.DuckDBPyConnection) -> None:
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
                        f"{short_repr(value)} is not among the {ref} values of {shown(key_def.table)}",
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
                        f"{short_repr(value)} is not among the {ref} values of {shown(target)} (entity_type {entity_type})",
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

    if not unusable & {"statements", "attestations", "event_participants"}:  # the events' excerpts count too
        _addressees_named(con, add, shown)

    if not unusable & {"statements", "actors", "positions"}:
        _addressees_described(con, add, shown)

    if not unusable & {"events", "event_participants", "attestations", "actors"}:  # an event's own excerpts
        _events_backed(con, add, shown)

    if not unusable & {"plans", "statement_mentions", "attestations"}:
        _plan_names_quoted(con, add, shown)

    if not unusable & {"statements", "statement_mentions", "provisions"}:
        _provision_topics(con, add, shown)

    if not unusable & {"attestations", "sources"}:
        _bounded_by_sources(con, add, shown, [table for table in ("statements", "events") if table not in unusable])

    if not unusable & {"statements", "attestations", "actors"}:
        _evidence_basis_speaker(con, add, shown)

    if not unusable & {"retired_ids", "published_ids"}:
        _id_history(con, run, unusable, add, shown, unread)

    if "releases" not in unusable:
        _release_order(con, add, shown)

    if "statements" not in unusable:
        _duplicate_statements(con, add, shown)


def _duplicate_statements(con, add, shown) -> None:
    """A statement is recorded once: the same speaker and text (NORMALISED_TEXT) is a copy when
    nothing tells the two apart — at the same event, whatever dates the rows give it; or, where one
    of them is at no event, on dates that may be the same day (their date_min..date_max overlap, an
    empty bound open). The same words at two events, or on two days that cannot be one, may have
    been said twice."""
    for line, event_id, first_line, first_id, first_event in con.execute(
        f"""WITH s AS (
             SELECT _line, statement_id, speaker_id, event_id, date_min, date_max, {NORMALISED_TEXT} AS _norm
             FROM statements),
           repeats AS (
             SELECT b._line, b.event_id, min(a._line) AS first_line
             FROM s a JOIN s b ON a.speaker_id = b.speaker_id AND a._norm = b._norm AND a._line < b._line
             WHERE a.event_id = b.event_id
                OR ((a.event_id IS NULL OR b.event_id IS NULL)
                    AND (a.date_max IS NULL OR b.date_min IS NULL OR a.date_max >= b.date_min)
                    AND (b.date_max IS NULL OR a.date_min IS NULL OR b.date_max >= a.date_min))
             GROUP BY b._line, b.event_id)
           SELECT r._line, r.event_id, r.first_line, f.statement_id, f.event_id
           FROM repeats r JOIN s f ON f._line = r.first_line
           ORDER BY r._line"""
    ).fetchall():
        add(
            Finding(
                shown("statements"),
                line,
                "text",
                "duplicate-statement",
                f"repeats statement {first_id!r} (line {first_line}): the same speaker and text, "
                + (
                    f"at the same event ({event_id})"
                    if event_id and event_id == first_event
                    else "on dates that may be the same day"
                ),
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


def _pronoun(words: str) -> str:
    """SQL: `words` are a pronoun, in any case ("HIM", "Himself"), except two capitals, which are an
    abbreviation: "US" (the United States) is not "us", "IT" not "it"."""
    listed = ", ".join(f"'{p}'" for p in PRONOUNS)
    return f"(lower({words}) IN ({listed}) AND NOT ({words} = upper({words}) AND length({words}) = 2))"


def _spelled_otherwise(words: str, haystacks: list[str]) -> str | None:
    """How a haystack writes `words` where it differs from them only in its whitespace (a no-break
    space for a space), or None: for a hint that says which character to copy."""
    if not words.split():
        return None  # only whitespace: nothing to find
    pattern = r"\s+".join(re.escape(part) for part in words.split())
    for haystack in haystacks:
        for found in re.finditer(pattern, haystack):
            if found.group() != words:
                return found.group()
    return None


def _with_excerpts(rows):
    """Rows that end in one excerpt each (a join, ordered by the row's line), grouped: each row once,
    with the list of its excerpts (for a hint)."""
    for _line, grouped in itertools.groupby(rows, key=lambda row: row[0]):
        group = list(grouped)
        yield group[0][:-1], [row[-1] for row in group if row[-1] is not None]


def _copy_hint(words: str, haystacks: list[str], where: str, otherwise: str) -> str:
    spelled = _spelled_otherwise(words, haystacks)
    if spelled is None:
        return otherwise
    characters = ", ".join(
        f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in sorted(set(spelled) - set(words)) if c.isspace()
    )
    spacing = characters or "other spacing"  # the same whitespace characters, as many times as the source has them
    return (
        f"{where} writes these words with {spacing} ({spelled!r}): verbatim means code point for code point, "
        "so copy them as the source writes them (`claims locate` prints its own characters)"
    )


def _mentions_named(con, add, shown) -> None:
    """A mention's words (`mentioned_as`) name the entity in the statement's own text and in the
    source's words that attest it (an excerpt), as whole words, and are more than a pronoun.

    The text alone would accept a name the curator put in place of the source's "he"; the excerpt
    alone would accept an entity named in the other half of a sentence that backs two statements.
    Verbatim: nothing is folded, so a no-break space of the source is not a space. A statement with
    no excerpt at all has its own finding (`unattested`): its mentions are not reported again for
    want of one.
    """
    # the excerpts as a join grouped by mention, not a correlated subquery per mention
    broken = con.execute(
        f"""WITH m AS (SELECT _line, statement_id, mentioned_as AS w FROM statement_mentions WHERE mentioned_as IS NOT NULL),
            in_excerpt AS (
              SELECT m._line, bool_or({whole_words_sql("a.excerpt", "m.w")}) AS found
              FROM m JOIN attestations a ON a.statement_id = m.statement_id WHERE a.excerpt IS NOT NULL GROUP BY m._line),
            checked AS (
              SELECT m._line, m.statement_id, m.w, {_pronoun("m.w")} AS pronoun,
                     {whole_words_sql("s.text", "m.w")} AS in_text, e.found AS in_excerpt, s.text
              FROM m JOIN statements s USING (statement_id) LEFT JOIN in_excerpt e ON e._line = m._line
              WHERE s.text IS NOT NULL)
            SELECT c._line, c.statement_id, c.w, c.pronoun, c.in_text, c.text, a.excerpt FROM checked c
            LEFT JOIN attestations a ON a.statement_id = c.statement_id AND NOT c.pronoun AND c.in_text
            WHERE c.pronoun OR NOT c.in_text OR NOT c.in_excerpt
            ORDER BY c._line, a._line"""
    ).fetchall()
    for (line, statement, words, pronoun, in_text, text), excerpts in _with_excerpts(broken):
        if pronoun:
            message, hint = (
                f"{words!r} is a pronoun: it refers to the entity but does not name it",
                "link only entities the statement's words name or describe; say in the statement's notes whom the pronoun means",
            )
        elif not in_text:
            message, hint = (
                f"{words!r} is not in the text of statement {statement!r}",
                _copy_hint(
                    words,
                    [text],
                    "the statement's text",
                    "copy the words that name the entity from the statement's text, or remove the mention if the statement does not name it",
                ),
            )
        else:
            message, hint = (
                f"{words!r} is in the text of statement {statement!r} but in none of its excerpts: the source does not name it there",
                _copy_hint(
                    words,
                    excerpts,
                    "the excerpt",
                    "widen the excerpt to the source's words that name the entity, or remove the mention",
                ),
            )
        add(Finding(shown("statement_mentions"), line, "mentioned_as", "mention-not-named", message, hint, LAYER))


def _addressees_named(con, add, shown) -> None:
    """The addressee is named where it is given: `addressee_as` stands as whole words, and is more
    than a pronoun, in the source's words for the statement (one of its excerpts) or, for a
    statement made at an event the addressee takes part in, in the event's (a call "with
    Ushakov" names the one Witkoff speaks to throughout it). A refusal to comment, made at no
    event, thus has an addressee only where its excerpt says who asked. A statement with no excerpt
    at all has its own finding (`unattested`)."""
    # the statement's own excerpts first; its event's only for the statements they do not settle
    broken = con.execute(
        f"""WITH s AS (
              SELECT _line, statement_id, event_id, addressee_id, addressee_as AS w FROM statements WHERE addressee_as IS NOT NULL),
            own AS (
              SELECT s._line, bool_or({whole_words_sql("a.excerpt", "s.w")}) AS found
              FROM s JOIN attestations a ON a.statement_id = s.statement_id WHERE a.excerpt IS NOT NULL GROUP BY s._line),
            pending AS (SELECT s.* FROM s LEFT JOIN own o ON o._line = s._line WHERE NOT coalesce(o.found, FALSE)),
            by_event AS (
              SELECT p._line, bool_or({whole_words_sql("a.excerpt", "p.w")}) AS found
              FROM pending p
              JOIN event_participants ep ON ep.event_id = p.event_id AND ep.actor_id = p.addressee_id
              JOIN attestations a ON a.event_id = p.event_id WHERE a.excerpt IS NOT NULL GROUP BY p._line)
            SELECT s._line, s.statement_id, s.w, {_pronoun("s.w")} AS pronoun, a.excerpt
            FROM s LEFT JOIN own o ON o._line = s._line LEFT JOIN by_event e ON e._line = s._line
            LEFT JOIN attestations a ON a.statement_id = s.statement_id
            WHERE {_pronoun("s.w")} OR (o.found IS NOT NULL AND NOT (o.found OR coalesce(e.found, FALSE)))
            ORDER BY s._line, a._line"""
    ).fetchall()
    for (line, statement, words, pronoun), excerpts in _with_excerpts(broken):
        if pronoun:
            message, hint = (
                f"{words!r} is a pronoun: it refers to the addressee but does not name it",
                "give the source's words that name the addressee, or clear the addressee; say in the notes whom the pronoun means",
            )
        else:
            message, hint = (
                f"{words!r} is in none of the excerpts of statement {statement!r} or of an event its addressee takes part in: "
                "the source does not name the addressee there",
                _copy_hint(
                    words,
                    excerpts,
                    "the excerpt",
                    "widen the excerpt to the source's words that name the addressee, or clear addressee_id and "
                    "addressee_as where the source does not say to whom (who asked for a comment, say)",
                ),
            )
        add(Finding(shown("statements"), line, "addressee_as", "addressee-not-named", message, hint, LAYER))


def _addressees_described(con, add, shown) -> None:
    """The addressee's words name the addressee, not someone else: `addressee_as` holds, as whole
    words, one of its names: its name, an alias, its role or the title of a position it holds
    ("a senior Kremlin official" holds the title "senior Kremlin official"); and it is not one of the
    speaker's names (a statement is not addressed to its speaker, in words either). A pronoun is
    reported as one (`_addressees_named`)."""
    for line, words, addressee, speaker, speaker_named in con.execute(
        f"""WITH names AS (
              SELECT actor_id, name AS n FROM actors WHERE name IS NOT NULL
              UNION ALL SELECT actor_id, unnest(string_split(aliases, {SEPARATOR})) FROM actors WHERE aliases IS NOT NULL
              UNION ALL SELECT actor_id, role FROM actors WHERE role IS NOT NULL
              UNION ALL SELECT actor_id, title FROM positions WHERE actor_id IS NOT NULL AND title IS NOT NULL),
            s AS (
              SELECT _line, speaker_id, addressee_id, addressee_as AS w FROM statements
              WHERE addressee_as IS NOT NULL AND addressee_id IS NOT NULL AND NOT {_pronoun("addressee_as")}
                AND addressee_id IN (SELECT actor_id FROM actors)),
            named AS (
              SELECT s._line, bool_or({whole_words_sql("s.w", "n.n")}) AS found
              FROM s JOIN names n ON n.actor_id = s.addressee_id GROUP BY s._line),
            spoken AS (
              SELECT DISTINCT s._line FROM s JOIN names n ON n.actor_id = s.speaker_id AND n.n = s.w)
            SELECT s._line, s.w, s.addressee_id, s.speaker_id, s._line IN (SELECT _line FROM spoken)
            FROM s LEFT JOIN named d ON d._line = s._line
            WHERE NOT coalesce(d.found, FALSE) OR s._line IN (SELECT _line FROM spoken)
            ORDER BY s._line"""
    ).fetchall():
        if speaker_named:
            message = f"{words!r} is a name of the speaker {speaker!r}, not of the addressee {addressee!r}"
        else:
            message = (
                f"{words!r} does not name the addressee {addressee!r}: it holds none of its names, aliases, "
                "role or position titles"
            )
        add(
            Finding(
                shown("statements"),
                line,
                "addressee_as",
                "addressee-not-named",
                message,
                "give the source's words that name the addressee (its name, an alias, its role or a position's "
                "title, or words that hold one), or correct addressee_id",
                LAYER,
            )
        )


def _events_backed(con, add, shown) -> None:
    """An event says only what its own excerpts say, as a statement's mentions do: each participant
    is named there, by its name or an alias, and its place words, length and date words stand there,
    as whole words. An event with no excerpt at all has its own finding (`unattested`), and a
    participant that is not an actor its own (`foreign-key`)."""
    participants = con.execute(
        f"""WITH names AS (
              SELECT actor_id, name AS w FROM actors WHERE name IS NOT NULL
              UNION ALL SELECT actor_id, unnest(string_split(aliases, {SEPARATOR})) FROM actors WHERE aliases IS NOT NULL),
            attested AS (SELECT DISTINCT event_id FROM attestations WHERE event_id IS NOT NULL AND excerpt IS NOT NULL),
            named AS (
              SELECT p._line, bool_or({whole_words_sql("a.excerpt", "n.w")}) AS found
              FROM event_participants p JOIN names n USING (actor_id) JOIN attestations a ON a.event_id = p.event_id
              WHERE a.excerpt IS NOT NULL GROUP BY p._line)
            SELECT p._line, p.event_id, p.actor_id FROM event_participants p
            SEMI JOIN attested USING (event_id) SEMI JOIN actors USING (actor_id)
            LEFT JOIN named n ON n._line = p._line
            WHERE NOT coalesce(n.found, FALSE)
            ORDER BY p._line"""
    ).fetchall()
    for line, event, actor in participants:
        add(
            Finding(
                shown("event_participants"),
                line,
                "actor_id",
                "participant-not-named",
                f"{actor!r} is named, by its name or an alias, in none of the excerpts of event {event!r}",
                "widen an excerpt of the event to the source's words that name the participant (add the source's "
                "spelling to the actor's aliases), or remove the participant where the source does not say it took part",
                LAYER,
            )
        )
    words = " UNION ALL ".join(
        f"SELECT _line, event_id, '{column}' AS col, {column} AS w FROM events WHERE {column} IS NOT NULL"
        for column in EVENT_WORDS
    )
    broken = con.execute(
        f"""WITH w AS ({words}),
            found AS (
              SELECT w._line, w.col, bool_or({whole_words_sql("a.excerpt", "w.w")}) AS found
              FROM w JOIN attestations a ON a.event_id = w.event_id WHERE a.excerpt IS NOT NULL GROUP BY w._line, w.col)
            SELECT w._line, w.event_id, w.col, w.w, a.excerpt FROM w JOIN found f ON f._line = w._line AND f.col = w.col
            LEFT JOIN attestations a ON a.event_id = w.event_id
            WHERE NOT f.found
            ORDER BY w._line, w.col, a._line"""
    ).fetchall()
    for line_and_column, grouped in itertools.groupby(broken, key=lambda row: row[:3]):
        line, event, column = line_and_column
        group = list(grouped)
        value, excerpts = group[0][3], [row[4] for row in group if row[4] is not None]
        add(
            Finding(
                shown("events"),
                line,
                column,
                "event-words-not-quoted",
                f"{short_repr(value)} is in none of the excerpts of event {event!r}: the source does not give it there",
                _copy_hint(
                    value,
                    excerpts,
                    "the excerpt",
                    "copy the source's own words from an excerpt of the event (widen it, or attest the event again "
                    "where the source gives them), or clear the cell",
                ),
                LAYER,
            )
        )


def _plan_names_quoted(con, add, shown) -> None:
    """A plan's title and aliases are the sources' names for it: each stands, as whole words, in an
    excerpt of a statement that mentions the plan or of the event at which it emerged. A plan no
    excerpt reaches is left to the expectation that every plan is attested."""
    broken = con.execute(
        f"""WITH names AS (
              SELECT _line, plan_id, 'title' AS col, title AS w FROM plans WHERE title IS NOT NULL
              UNION ALL SELECT _line, plan_id, 'aliases', unnest(string_split(aliases, {SEPARATOR}))
              FROM plans WHERE aliases IS NOT NULL),
            excerpts AS (
              SELECT m.entity_id AS plan_id, a.excerpt FROM statement_mentions m
              JOIN attestations a ON a.statement_id = m.statement_id
              WHERE m.entity_type = 'plan' AND a.excerpt IS NOT NULL
              UNION ALL SELECT p.plan_id, a.excerpt FROM plans p JOIN attestations a ON a.event_id = p.event_id
              WHERE a.excerpt IS NOT NULL)
            SELECT n._line, n.plan_id, n.col, n.w FROM names n JOIN excerpts e USING (plan_id)
            GROUP BY n._line, n.plan_id, n.col, n.w HAVING NOT bool_or({whole_words_sql("e.excerpt", "n.w")})
            ORDER BY n._line, n.col, n.w"""
    ).fetchall()
    for line, plan, column, name in broken:
        add(
            Finding(
                shown("plans"),
                line,
                column,
                "plan-name-not-quoted",
                f"{short_repr(name)} is in none of the excerpts that speak of plan {plan!r}: a plan's names are the sources' words",
                "use the source's own words for the plan, as an excerpt of a statement that mentions it (or of its "
                "event) gives them; say in the notes how the dataset describes it otherwise",
                LAYER,
            )
        )


def _provision_topics(con, add, shown) -> None:
    """A statement that gives a plan's term is about the plan's contents (`peace_plan`) and about
    what the term is about (the provision's `topic`)."""
    # the sets are compared here, not in SQL: list lambdas have no form that both engines read
    given = con.execute(
        """SELECT s._line, s.statement_id, v.provision_id, s.topics, v.topic
           FROM statements s JOIN statement_mentions m ON m.statement_id = s.statement_id AND m.entity_type = 'provision'
           JOIN provisions v ON v.provision_id = m.entity_id
           ORDER BY s._line, v.provision_id"""
    ).fetchall()
    for line, statement, provision, topics, topic in given:
        missing = sorted({Topic.peace_plan.value, topic} - {None, ""} - set((topics or "").split(LIST_SEPARATOR)))
        if not missing:
            continue
        add(
            Finding(
                shown("statements"),
                line,
                "topics",
                "provision-topic",
                f"{statement!r} gives the term {provision!r} of a plan but lacks the topic {' and '.join(missing)}",
                f"a plan's term is the plan's contents ({Topic.peace_plan}) and about what its provision's topic says: add the topics",
                LAYER,
            )
        )


def _bounded_by_sources(con, add, shown, tables: list[str]) -> None:
    """Every statement and event is bounded by what reports it: a row reported by a source with a
    publication date happened on or before it, so its date reaches no further (`date_max`, or the EDTF
    value's upper bound where date_max is empty), and a row without date words is at least
    `[..publication date]`; a source reports it by its own date and by that of the article it
    republishes. "Undated" then means only that no source with a date reports it. (A
    statement dated wholly after a source is `dated-after-source`; an event dated wholly after the
    sources reporting it is one they report as yet to take place, and has no bound.)"""
    for table in tables:
        key = "statement_id" if table == "statements" else "event_id"
        # wholly after its report: a statement is `dated-after-source`; an event is one the source
        # reports as yet to take place (a planned summit, `[2025-11-26..]`), which no report bounds
        after_source = "TRY_CAST(t.date_min AS DATE) > b.published"
        # the earliest publication per row first; which source that is, only for the rows reported
        for line, row_id, date, date_max, source, published in con.execute(
            f"""WITH published AS (
                  SELECT source_id, TRY_CAST(left(published_at, 10) AS DATE) AS published FROM sources
                  WHERE TRY_CAST(left(published_at, 10) AS DATE) IS NOT NULL),
                attesting AS (
                  SELECT {key}, source_id FROM attestations WHERE {key} IS NOT NULL
                  UNION ALL SELECT {key}, via_source_id FROM attestations WHERE {key} IS NOT NULL AND via_source_id IS NOT NULL),
                -- a republication reports what the article it republishes reported, by that article's date
                cited AS (
                  SELECT * FROM attesting
                  UNION ALL SELECT a.{key}, s.republishes_id FROM attesting a JOIN sources s ON s.source_id = a.source_id
                  WHERE s.republishes_id IS NOT NULL),
                earliest AS (
                  SELECT c.{key}, min(p.published) AS published FROM cited c JOIN published p ON p.source_id = c.source_id GROUP BY c.{key}),
                reported AS (
                  SELECT t._line, t.{key}, t.date, t.date_max, b.published
                  FROM {table} t JOIN earliest b ON b.{key} = t.{key}
                  WHERE (t.date_max IS NULL OR TRY_CAST(t.date_max AS DATE) > b.published) AND NOT coalesce({after_source}, FALSE))
                SELECT r._line, r.{key}, r.date, r.date_max, min(p.source_id), r.published
                FROM reported r JOIN cited c ON c.{key} = r.{key} JOIN published p ON p.source_id = c.source_id AND p.published = r.published
                GROUP BY r._line, r.{key}, r.date, r.date_max, r.published
                ORDER BY r._line"""
        ).fetchall():
            # the latest day: date_max, which may narrow the EDTF value, or else the value's own upper
            # bound (an empty date_max is date-bounds' finding, not a missing bound)
            bounds = edtf_bounds(date) if date is not None else None
            latest = bounds[1] if bounds is not None else None
            if date is None:
                column, what = "date", "has no date"
            elif date_max is not None:
                column, what = "date_max", f"may be as late as {date_max}"
            elif bounds is None or (latest is not None and latest <= published):
                continue  # not EDTF (the edtf rule reports it), or bounded by the publication
            elif latest is None:
                column, what = "date_max", f"has no upper bound ({date})"
            else:
                column, what = "date_max", f"may be as late as {latest} ({date})"
            add(
                Finding(
                    shown(table),
                    line,
                    column,
                    "date-unbounded",
                    f"{row_id!r} {what}, but source {source!r}, published {published}, reports it",
                    f"a row happened on or before its report: date_max {published} at the latest, with `date` at least "
                    f"[..{published}] where the source gives no earlier bound, and what bounds it in date_resolved_against",
                    LAYER,
                )
            )


def _evidence_basis_speaker(con, add, shown) -> None:
    """`unattributed` means the source does not say who spoke: only for a speaker it does not name
    (`actors.unnamed`); where it names the speaker but not how the words were made known, the
    basis is `unspecified`."""
    for line, basis, statement, speaker in con.execute(
        """SELECT a._line, a.evidence_basis, a.statement_id, st.speaker_id
           FROM attestations a JOIN statements st USING (statement_id) JOIN actors ac ON ac.actor_id = st.speaker_id
           WHERE (a.evidence_basis = 'unattributed' AND ac.unnamed IS DISTINCT FROM 'true')
              OR (a.evidence_basis = 'unspecified' AND ac.unnamed = 'true')
           ORDER BY a._line"""
    ).fetchall():
        if basis == "unattributed":
            message = f"is unattributed, but the source names the speaker of {statement!r}, {speaker!r}"
            hint = "use unspecified where the source names the speaker but not how the words were made known, or the basis it gives; mark the actor unnamed only if the source does not say who it is"
        else:
            message = f"is unspecified, but the speaker of {statement!r}, {speaker!r}, is unnamed"
            hint = "use unattributed (or the basis the source gives, e.g. anonymous_officials) for words of a speaker the source does not name"
        add(Finding(shown("attestations"), line, "evidence_basis", "evidence-basis-speaker", message, hint, LAYER))


def _release_order(con, add, shown) -> None:
    """The release records are one history: each names the release before it (the next lower
    version recorded; none for the first) and is not dated before it."""
    rows = con.execute("SELECT _line, version, released_on, previous_version FROM releases").fetchall()
    ordered = sorted((row for row in rows if SEMVER.match(row[1] or "")), key=lambda row: semver(row[1]))
    for index, (line, version, released_on, previous) in enumerate(ordered):
        before = ordered[index - 1] if index else None
        expected = before[1] if before else None
        if previous != expected:
            named = (
                f"names {previous} as the release before {version}"
                if previous
                else f"names no release before {version}"
            )
            add(
                Finding(
                    shown("releases"),
                    line,
                    "previous_version",
                    "release-order",
                    f"{named}, but the release before it is {expected or 'none: it is the first'}",
                    f"write {expected}" if expected else "clear previous_version",
                    LAYER,
                )
            )
        elif before and released_on and before[2] and str(released_on) < str(before[2]):
            add(
                Finding(
                    shown("releases"),
                    line,
                    "released_on",
                    "release-order",
                    f"{version} is dated {released_on}, before {expected} ({before[2]})",
                    "date the releases in the order of their versions",
                    LAYER,
                )
            )


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
