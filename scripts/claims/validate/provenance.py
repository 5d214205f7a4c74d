"""Layer 4, provenance against the archive of captured source texts.

Every archived source's file must be there (found by SHA-256), every excerpt must sit at its
offsets inside the article body, every quoted word of a statement must lie inside the excerpts
that attest it, actors' roles, positions' titles and the date wording of statements and events
must be quoted verbatim, and Wikidata IDs must be confirmed ones.
Without an archive the layer is skipped, and says so. The fast engines (`check_sql`) join the
archived texts in SQL and compare excerpts in one streamed pass; the rows they select are judged by
the same checks as the reference's.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from claims.archive import Archive, WikidataUnusable, find_all, read_wikidata
from claims.findings import Finding, short_repr
from claims.schema import TABLES, TABLES_BY_NAME
from claims.schema.dialect import sql_string
from claims.schema.fields import LIST_SEPARATOR
from claims.schema.text import ELISION, WHITESPACE_SQL, quotations, quotations_sql, quote_segments, whole_words_in
from claims.tablefile import read_table
from claims.validate.run import Run, put_table

LAYER = "provenance"
EXCERPT_BATCH = 100_000  # attestations per batch of the excerpt comparison (fast engines)
SKIPPED_WITHOUT_ARCHIVE = (
    "no archive of source texts was given; the dataset does not redistribute full source texts. "
    "Pass --archive DIR (e.g. ../shared/sources) to check excerpts and offsets."
)


def wikidata_not_checked(archive_dir) -> str:
    return f"Wikidata IDs were not checked: the archive {archive_dir} has no wikidata.csv"


# At most this many `offsets` findings are given the offsets where their excerpt is (each reads the
# archived text): enough for a contributor's rows; a run with more has a broader problem.
LOCATED_OFFSETS_MAX = 100


def locate_offsets(run: Run) -> None:
    """Where an excerpt's offsets do not span it (rule `offsets`, which the rows layer reports
    without the archive), find the excerpt in its archived text: the finding then names the
    offsets where it is, and blames the offset that differs from them. Both engines' findings
    pass through here, so that they stay the same."""
    if run.archive_dir is None or "attestations" not in run.tables:
        return
    shown = run.tables["attestations"].shown
    wanted = [i for i, f in enumerate(run.findings) if f.rule == "offsets" and f.path == shown]
    if not wanted:
        return
    attestations, _ = read_table(run.tables["attestations"].path, TABLES_BY_NAME["attestations"], shown)
    sources, _ = read_table(run.tables["sources"].path, TABLES_BY_NAME["sources"], run.tables["sources"].shown)
    by_line = dict(zip(attestations.lines, attestations.rows))
    archived = {row["source_id"]: row["archive_sha256"] for row in sources.rows if row["archive_sha256"]}
    archive = Archive.open(run.archive_dir)
    for index in wanted[:LOCATED_OFFSETS_MAX]:
        finding = run.findings[index]
        row = by_line.get(finding.line)
        if row is None or row["source_id"] not in archived or not row["excerpt"]:
            continue
        text = archive.text(archived[row["source_id"]])
        spans = find_all(text, row["excerpt"]) if text else []
        if not spans:
            continue
        start, end = spans[0]
        column = "char_start" if row["char_start"] != str(start) and row["char_end"] == str(end) else "char_end"
        located = ", ".join(f"char_start={s} char_end={e}" for s, e in spans[:3])
        run.findings[index] = Finding(
            finding.path,
            finding.line,
            column,
            finding.rule,
            finding.message,
            f"the excerpt is at {located}",
            finding.layer,
        )


def check(run: Run) -> None:
    if run.archive_dir is None:
        run.skipped["provenance"] = SKIPPED_WITHOUT_ARCHIVE
        return
    archive = Archive.open(run.archive_dir)
    add = run.findings.add
    source_rows = run.models.get("sources", [])
    # a source whose key is duplicated is reported by primary-key; no row is judged against it
    keys = Counter(row["source_id"] for row in run.tables["sources"].rows)
    sources = {row.source_id: (row, line) for row, line in source_rows if keys[row.source_id] == 1}
    shown_sources = run.tables["sources"].shown

    texts: dict[str, str] = {}
    lengths: dict[str, int] = {}
    for source, line in source_rows:
        if source.archive_sha256 is None:
            continue
        text = archive.text(source.archive_sha256)
        length = None if text is None else len(text)
        if length is not None:
            lengths[source.archive_sha256] = length  # what the build writes as archived_texts
        for finding in source_findings(
            shown_sources, line, source.archive_sha256, source.body_char_end, length, archive
        ):
            add(finding)
        if text is not None and source.source_id in sources:
            texts[source.source_id] = text
    run.archived_lengths = lengths

    shown_attestations = run.tables["attestations"].shown
    excerpts_by_statement: dict[str, list[tuple[str, int]]] = {}
    for attestation, line in run.models.get("attestations", []):
        text = texts.get(attestation.source_id)
        if text is None:
            continue  # unarchived or missing source: reported by the integrity layer or above
        source, _ = sources[attestation.source_id]
        findings = excerpt_findings(
            shown_attestations,
            line,
            attestation.excerpt,
            attestation.char_start,
            attestation.char_end,
            source.body_char_start,
            source.body_char_end,
            text,
        )
        for finding in findings:
            add(finding)
        if attestation.statement_id and not any(f.rule == "excerpt-mismatch" for f in findings):
            excerpts_by_statement.setdefault(attestation.statement_id, []).append((attestation.excerpt, line))

    shown_statements = run.tables["statements"].shown
    for statement, line in run.models.get("statements", []):
        for finding in quote_findings(
            shown_statements,
            line,
            statement.statement_type,
            statement.text,
            excerpts_by_statement.get(statement.statement_id, []),
            shown_attestations,
        ):
            add(finding)

    _titles(run, texts, sources)
    _date_texts(run, texts, sources)
    shown_actors = run.tables["actors"].shown
    wikidata = wikidata_list(archive)
    if not wikidata.given:
        run.notes.append(wikidata_not_checked(run.archive_dir))
    for actor, line in run.models.get("actors", []):
        if actor.role and actor.role_source_id in texts:
            source, _ = sources[actor.role_source_id]
            for finding in role_findings(
                shown_actors,
                line,
                actor.role,
                actor.role_source_id,
                texts[actor.role_source_id],
                source.body_char_start,
                source.body_char_end,
            ):
                add(finding)
        if actor.wikidata_id and wikidata.given:
            for finding in wikidata_findings(
                shown_actors, line, actor.wikidata_id, {actor.name, *(actor.aliases or ())}, wikidata
            ):
                add(finding)


# Each check below judges one row, and is what both engines call: the fast engine selects the
# rows in SQL, and these say whether and how they break a rule.

# Characters shown either side of the place where two texts part (a message shows that place, not
# the beginning of a long quote: a curly quote typed straight is often near the end).
AROUND = 24


def around(value: str, at: int) -> str:
    """repr() of `value` cut to the characters around position `at`, with … where it was cut."""
    start, end = max(at - AROUND, 0), min(at + AROUND, len(value))
    return repr(("…" if start else "") + value[start:end] + ("…" if end < len(value) else ""))


def longest_beginning(words: str, text: str) -> int:
    """The length of the longest beginning of `words` that occurs in `text` (every shorter
    beginning of an occurring one occurs too, so the length is found by bisection)."""
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if words[:middle] in text:
            low = middle
        else:
            high = middle - 1
    return low


def character(char: str) -> str:
    """A character with its code point and name, so that look-alikes differ in the message:
    '‑' (U+2011 NON-BREAKING HYPHEN) is not '-' (U+002D HYPHEN-MINUS), Cyrillic 'а' not Latin 'a'."""
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'without a name')})"


def where_they_part(words: str, text: str, name: str) -> str:
    """Where `words` stop following `text` (`name` in the message): both sides shown around that
    place, and the two characters that differ there with their code points, e.g. a straight
    apostrophe where the source has a curly one."""
    matched = longest_beginning(words, text)
    if matched == 0:
        return f"{around(words, 0)}: not even its first character, {character(words[0])}, is in {name}"
    at = text.find(words[:matched]) + matched
    theirs = f"{name} has {around(text, at)}, {character(text[at])}" if at < len(text) else f"{name} ends there"
    return f"{around(words, matched)} parts from {name} at {character(words[matched])}: {theirs}"


def source_findings(
    shown: str, line: int, sha: str, body_end: int | None, length: int | None, archive: Archive
) -> list[Finding]:
    """The archived text of a source is there (or the archive says why not: `length`, the text's
    length in characters, is None), and its body ends inside it."""
    if length is None:
        rule, why, hint = archive.why_missing(sha)
        return [Finding(shown, line, "archive_sha256", rule, why, hint, LAYER)]
    if body_end is not None and body_end > length:
        return [
            Finding(
                shown,
                line,
                "body_char_end",
                "body-span",
                f"{body_end} is past the end of the archived text ({length} characters)",
                "check the offsets with `claims locate`",
                LAYER,
            )
        ]
    return []


def excerpt_findings(
    shown: str, line: int, excerpt: str, start: int, end: int, body_start: int | None, body_end: int | None, text: str
) -> list[Finding]:
    """The excerpt is the archived text at its offsets, inside the article body."""
    found = text[start:end]
    if found != excerpt:
        spans = find_all(text, excerpt)
        if spans:
            hint = "the excerpt is at " + ", ".join(f"char_start={s} char_end={e}" for s, e in spans[:3])
            if text[spans[0][0] : spans[0][1]] != excerpt:
                hint += " (with the source's own quote marks: copy them from `claims locate`)"
        else:
            hint = "the excerpt is not in the archived text: copy it verbatim (`claims locate` finds it)"
        differs = next((i for i, (a, b) in enumerate(zip(found, excerpt)) if a != b), min(len(found), len(excerpt)))
        return [
            Finding(
                shown,
                line,
                "excerpt",
                "excerpt-mismatch",
                f"archived text at {start}:{end} is not the excerpt: from character {differs} the text has {around(found, differs)}, the excerpt {around(excerpt, differs)}",
                hint,
                LAYER,
            )
        ]
    if body_start is not None and not (body_start <= start and (body_end is None or end <= body_end)):
        return [
            Finding(
                shown,
                line,
                "char_start",
                "outside-article",
                f"the excerpt lies outside the article body ({body_start}:{body_end}): navigation, ads and side-bars are not data",
                "quote the article's own text",
                LAYER,
            )
        ]
    return []


def quote_findings(
    shown: str, line: int, statement_type: str, text: str, excerpts: list[tuple[str, int]], shown_attestations: str
) -> list[Finding]:
    """Every quoted word of a statement lies inside each excerpt that attests it: a direct quote's
    parts, and the words any other statement puts in quotation marks of any kind (a paraphrase's as
    much as a partial quote's: quotation marks mean verbatim wherever the statement is shown)."""
    words = quote_segments(text) if statement_type == "direct_quote" else quotations(text)
    return [
        Finding(
            shown,
            line,
            "text",
            "quote-outside-excerpt",
            f"the quoted words are not inside the excerpt of {shown_attestations}:{attestation_line}: {where_they_part(fragment, excerpt, 'the excerpt')}",
            "quote the source's words exactly (same quote marks and apostrophes), or widen the excerpt",
            LAYER,
        )
        for excerpt, attestation_line in excerpts
        for fragment in words
        if fragment not in excerpt
    ]


def verbatim_findings(
    shown: str,
    line: int,
    column: str,
    rule: str,
    words: str,
    source_id: str,
    text: str,
    body_start: int | None,
    body_end: int | None,
) -> list[Finding]:
    """`words` (an actor's role, a position's title) are quoted verbatim from the body of their source."""
    body = text[body_start:body_end] if body_start is not None else text
    if words in body:
        return []
    return [
        Finding(
            shown,
            line,
            column,
            rule,
            f"the {column} is not in the article text of {source_id!r}: {where_they_part(words, body, 'the article')}",
            f"copy the {column} verbatim from the article",
            LAYER,
        )
    ]


def role_findings(
    shown: str, line: int, role: str, source_id: str, text: str, body_start: int | None, body_end: int | None
) -> list[Finding]:
    return verbatim_findings(shown, line, "role", "role-not-quoted", role, source_id, text, body_start, body_end)


def title_findings(
    shown: str, line: int, title: str, source_id: str, text: str, body_start: int | None, body_end: int | None
) -> list[Finding]:
    return verbatim_findings(shown, line, "title", "title-not-quoted", title, source_id, text, body_start, body_end)


@dataclass(frozen=True)
class WikidataList:
    """The archive's list of confirmed Wikidata IDs: each ID with the name it is confirmed for;
    `unusable` says why a list the archive has cannot be read (then no ID can be confirmed)."""

    confirmed: dict[str, str]
    given: bool = True  # False: the archive has no list, and IDs are not checked
    unusable: str | None = None


def wikidata_list(archive: Archive) -> WikidataList:
    try:
        path = archive.wikidata_path()
        return WikidataList({}, given=False) if path is None else WikidataList(read_wikidata(path))
    except WikidataUnusable as unusable:
        return WikidataList({}, unusable=str(unusable))


def wikidata_findings(
    shown: str, line: int, wikidata_id: str, names: set[str], wikidata: WikidataList
) -> list[Finding]:
    """A Wikidata ID is one the archive's wikidata.csv confirms for this actor's name or an alias."""
    if wikidata.unusable is not None:
        return [
            Finding(
                shown,
                line,
                "wikidata_id",
                "wikidata-unconfirmed",
                f"{wikidata_id} cannot be confirmed: the archive's wikidata.csv {wikidata.unusable}",
                "make the archive's wikidata.csv a UTF-8 CSV with the columns name and wikidata_id, or leave wikidata_id empty",
                LAYER,
            )
        ]
    confirmed = wikidata.confirmed
    if wikidata_id not in confirmed:
        return [
            Finding(
                shown,
                line,
                "wikidata_id",
                "wikidata-unconfirmed",
                f"{wikidata_id} is not in the archive's wikidata.csv",
                "leave wikidata_id empty unless the ID is confirmed",
                LAYER,
            )
        ]
    if confirmed[wikidata_id] not in names:
        return [
            Finding(
                shown,
                line,
                "wikidata_id",
                "wikidata-unconfirmed",
                f"{wikidata_id} is confirmed for {confirmed[wikidata_id]!r}, not this actor",
                "correct the ID, or add that name to aliases if it is the same person",
                LAYER,
            )
        ]
    return []


def _titles(run, texts, sources) -> None:
    """A position's title is quoted verbatim from the article body of its source."""
    shown = run.tables["positions"].shown
    for position, line in run.models.get("positions", []):
        if position.source_id in texts:
            source, _ = sources[position.source_id]
            for finding in title_findings(
                shown,
                line,
                position.title,
                position.source_id,
                texts[position.source_id],
                source.body_char_start,
                source.body_char_end,
            ):
                run.findings.add(finding)


def date_text_quoted(date_text: str, text: str, body_start: int | None, body_end: int | None) -> bool:
    """The date wording stands, as whole words, in the article body of a source that attests the row."""
    return whole_words_in(date_text, text, body_start or 0, body_end if body_start is not None else None)


def date_text_finding(shown: str, line: int, date_text: str, source_ids: list[str]) -> Finding:
    """An event whose `date_text` is in the body of none of the archived sources attesting it."""
    return Finding(
        shown,
        line,
        "date_text",
        "date-text-not-quoted",
        f"the date_text {short_repr(date_text)} is not in the article text of {', '.join(repr(s) for s in source_ids)}",
        "copy the source's own words for the date; what you inferred goes to date_resolved_against, and "
        "date_text stays empty where the source has no words for the date",
        LAYER,
    )


def publication_day(published_at: str | None) -> date | None:
    """The calendar day of a source's `published_at` (an ISO date or date-time), or None."""
    try:
        return date.fromisoformat(published_at[:10]) if published_at else None
    except ValueError:
        return None


def names_day(words: str, day: date) -> bool:
    """Whether `words` give the day's year and its day of the month as numbers of their own, as a
    dateline does ("November 25, 2025, 5:04 PM ET" for 2025-11-25)."""
    numbers = {int(number) for number in re.findall(r"[0-9]+", words)}
    return {day.year, day.day} <= numbers


@dataclass(frozen=True)
class Dateline:
    """A source attesting an outlet's claim: its publication day and its article body."""

    published: date
    text: str
    body_start: int | None
    body_end: int | None

    def quotes(self, date_text: str) -> bool:
        """`date_text` is this source's dateline: words of its body naming its publication day."""
        return names_day(date_text, self.published) and date_text_quoted(
            date_text, self.text, self.body_start, self.body_end
        )


def statement_date_text_findings(
    shown: str,
    line: int,
    date_text: str,
    excerpts: list[tuple[str, int]],
    datelines: list[Dateline],
    shown_attestations: str,
) -> list[Finding]:
    """A statement's `date_text` stands as whole words in one of its excerpts (`excerpts`: its own
    attestations' and, at an event, the event's, as (excerpt, line) in order of line); an outlet's
    claim may instead give the dateline of a source attesting it (`datelines`, empty for any other
    statement). Nothing is found for a statement without excerpts: it is `unattested`."""
    if not excerpts or any(whole_words_in(date_text, excerpt) for excerpt, _line in excerpts):
        return []
    if any(dateline.quotes(date_text) for dateline in datelines):
        return []
    excerpt, at_line = max(excerpts, key=lambda item: longest_beginning(date_text, item[0]))
    name = f"the excerpt of {shown_attestations}:{at_line}"
    if date_text in excerpt:
        where = f"{name} has it only inside longer words: {around(excerpt, excerpt.find(date_text))}"
    elif longest_beginning(date_text, excerpt) * 2 >= len(date_text):  # most of it: show where it parts
        where = where_they_part(date_text, excerpt, name)
    else:
        where = f"no excerpt has more than its first characters ({len(excerpts)} read)"
    return [
        Finding(
            shown,
            line,
            "date_text",
            "date-text-not-quoted",
            f"the date_text {short_repr(date_text)} is not whole words of the statement's excerpts or its event's: {where}",
            "copy the source's own words for the date from an excerpt of the statement or of its event (an outlet's "
            "claim may give its source's dateline); widen the excerpt if the words are next to it; what you "
            "inferred goes to date_resolved_against, and date_text stays empty where the source has no words for the date",
            LAYER,
        )
    ]


def _date_texts(run, texts, sources) -> None:
    """The date wording is the source's: a statement's, whole words of its own excerpts or its
    event's (an outlet's claim: or its source's dateline); an event's, whole words of the article
    body of an archived source that attests it (its own excerpts: event-words-not-quoted)."""
    shown_attestations = run.tables["attestations"].shown
    excerpts: dict[tuple[str, str], list[tuple[str, int]]] = {}
    attesting: dict[tuple[str, str], list[str]] = {}
    for attestation, line in run.models.get("attestations", []):
        if attestation.source_id not in texts:
            continue
        for table, row_id in (("statements", attestation.statement_id), ("events", attestation.event_id)):
            if row_id is not None:
                excerpts.setdefault((table, row_id), []).append((attestation.excerpt, line))
                attesting.setdefault((table, row_id), []).append(attestation.source_id)

    shown = run.tables["statements"].shown
    for statement, line in run.models.get("statements", []):
        if statement.date_text is None:
            continue
        own = ("statements", statement.statement_id)
        datelines = []
        if statement.statement_type == "outlet_claim":
            for source_id in sorted(set(attesting.get(own, []))):
                source, _ = sources[source_id]
                published = publication_day(source.published_at)
                if published is not None:
                    datelines.append(
                        Dateline(published, texts[source_id], source.body_char_start, source.body_char_end)
                    )
        at_event = excerpts.get(("events", statement.event_id), []) if statement.event_id else []
        for finding in statement_date_text_findings(
            shown,
            line,
            statement.date_text,
            sorted(excerpts.get(own, []) + at_event, key=lambda item: item[1]),
            datelines,
            shown_attestations,
        ):
            run.findings.add(finding)

    shown = run.tables["events"].shown
    for event, line in run.models.get("events", []):
        cited = sorted(set(attesting.get(("events", event.event_id), [])))
        if event.date_text is None or not cited:
            continue
        if not any(
            date_text_quoted(event.date_text, texts[s], sources[s][0].body_char_start, sources[s][0].body_char_end)
            for s in cited
        ):
            run.findings.add(date_text_finding(shown, line, event.date_text, cited))


# --- the fast engines: SQL and a streamed excerpt comparison select, the checks above judge -------


def _excerpt_mismatches(con, archive: Archive) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """(line, archive hash) of the attestations in `_cited` whose excerpt is not the archived text
    at their offsets: the reference's own comparison (Python slicing, O(1) per code point), each
    text decoded once, the attestations streamed in batches in order of text; and the length in
    characters of each text read."""
    mismatches: list[tuple[int, str]] = []
    lengths: dict[str, int] = {}
    current: str | None = None
    text: str | None = ""
    reader = con.sql("SELECT _line, sha, cs, ce, excerpt FROM _cited ORDER BY sha, _line").to_arrow_reader(
        EXCERPT_BATCH
    )
    for batch in reader:
        lines, shas, starts, ends, excerpts = (batch.column(i).to_pylist() for i in range(5))
        for line, sha, start, end, excerpt in zip(lines, shas, starts, ends, excerpts):
            if sha != current:
                current, text = sha, archive.text(sha, keep=False)
                if text is not None:  # else gone since the archive was indexed: its source is reported
                    lengths[sha] = len(text)
            if text is not None and text[start:end] != excerpt:
                mismatches.append((line, sha))
    return mismatches, lengths


def _offset(column: str) -> str:
    """SQL: an integer cell the rows layer accepted, as a BIGINT. The reference reads it with
    Python's int(), which also strips Unicode whitespace (a no-break space, say) that DuckDB's
    cast rejects; a cell that still does not convert is NULL, never an error."""
    return f"coalesce(TRY_CAST({column} AS BIGINT), TRY_CAST(regexp_replace({column}, {sql_string('^' + WHITESPACE_SQL + '+|' + WHITESPACE_SQL + '+$')}, '', 'g') AS BIGINT))"


def _usable_rows(run, con, table: str) -> None:
    """_ok_{table}: the rows of a table that passed the rows layer (_all_{table}: all its rows), or
    no rows if the table could not be read: the rules that need it find nothing to judge, and the
    others still run, as in the reference."""
    if run.tables[table].loaded:
        rows = f"SELECT * FROM {table}"
    else:
        model = next(m for m in TABLES if m.meta.name == table)
        rows = (
            "SELECT "
            + ", ".join(f"NULL::VARCHAR AS {c}" for c in model.columns())
            + ", NULL::BIGINT AS _line WHERE FALSE"
        )
    con.execute(f"CREATE OR REPLACE VIEW _all_{table} AS {rows}")
    con.execute(
        f"CREATE OR REPLACE VIEW _ok_{table} AS SELECT * FROM _all_{table} WHERE _line NOT IN (SELECT _line FROM _bad_{table})"
    )


def check_sql(run: Run, con, archive: Archive | None = None) -> None:
    """The provenance layer's rules on the rows that passed the rows layer: SQL and a streamed
    excerpt comparison select, the reference's checks (claims.validate.provenance) judge."""
    if run.archive_dir is None:
        run.skipped["provenance"] = SKIPPED_WITHOUT_ARCHIVE
        return
    needed = ("sources", "attestations", "statements", "events", "actors", "positions")
    for table in needed:
        _usable_rows(run, con, table)
    archive = archive or Archive.open(run.archive_dir)
    add = run.findings.add
    shown = {t: run.tables[t].shown for t in needed}
    sources = con.execute(
        f"SELECT _line, archive_sha256, {_offset('body_char_end')} FROM _ok_sources WHERE archive_sha256 IS NOT NULL ORDER BY _line"
    ).fetchall()
    # a source whose key is duplicated is reported by primary-key; no row is judged against it
    con.execute(
        """CREATE OR REPLACE VIEW _keyed_sources AS SELECT * FROM _ok_sources WHERE source_id IN (
              SELECT source_id FROM _all_sources GROUP BY source_id HAVING count(*) = 1)"""
    )
    available = sorted({sha for _line, sha, _end in sources if archive.fetch(sha) is not None})
    put_table(con, "_available", {"sha": pa.array(available, pa.string())})
    con.execute(
        f"""CREATE OR REPLACE TABLE _cited AS
           SELECT a._line, a.statement_id, a.event_id, a.source_id, a.excerpt, {_offset("a.char_start")} AS cs, {_offset("a.char_end")} AS ce,
                  {_offset("s.body_char_start")} AS bs, {_offset("s.body_char_end")} AS be, s.archive_sha256 AS sha
           FROM _ok_attestations a JOIN _keyed_sources s ON s.source_id = a.source_id
           WHERE s.archive_sha256 IN (SELECT sha FROM _available)"""
    )
    # each text is read once: by the excerpt comparison, or here if no attestation quotes it
    mismatches, lengths = _excerpt_mismatches(con, archive)
    for sha in available:
        if sha not in lengths and (text := archive.text(sha, keep=False)) is not None:
            lengths[sha] = len(text)
    run.archived_lengths = lengths  # what the build writes as archived_texts
    for line, sha, body_end in sources:
        for finding in source_findings(shown["sources"], line, sha, body_end, lengths.get(sha), archive):
            add(finding)
    put_table(
        con,
        "_lengths",
        {"sha": pa.array(list(lengths), pa.string()), "length": pa.array(list(lengths.values()), pa.int64())},
    )
    # what the cross-table expectations check offsets against, made before any row is judged
    con.execute(
        "CREATE OR REPLACE TABLE archived_texts AS SELECT sha AS archive_sha256, length AS char_length FROM _lengths"
    )
    mismatched = sorted(set(mismatches))  # a (line, text) pair twice if two sources share a key and a text
    put_table(
        con,
        "_mismatched",
        {
            "_line": pa.array([m[0] for m in mismatched], pa.int64()),
            "sha": pa.array([m[1] for m in mismatched], pa.string()),
        },
    )
    # a view: the attestations' excerpts are held once, in _cited
    con.execute(
        """CREATE OR REPLACE VIEW _evidence AS
           SELECT c.*, m._line IS NULL AS matches
           FROM _cited c LEFT JOIN _mismatched m ON m._line = c._line AND m.sha = c.sha"""
    )
    # SQL selects the attestations that may break a rule; the reference's checks judge them
    for line, excerpt, start, end, body_start, body_end, sha in con.execute(
        "SELECT _line, excerpt, cs, ce, bs, be, sha FROM _evidence WHERE NOT matches OR (bs IS NOT NULL AND NOT (bs <= cs AND ce <= be)) ORDER BY _line"
    ).fetchall():
        text = archive.text(sha, keep=False)
        if text is None:  # gone since the archive was indexed: its source is reported
            continue
        for finding in excerpt_findings(shown["attestations"], line, excerpt, start, end, body_start, body_end, text):
            add(finding)
    suspects = con.execute(
        f"""SELECT DISTINCT s._line, s.statement_id, s.statement_type, s.text FROM _ok_statements s JOIN _evidence e ON e.statement_id = s.statement_id AND e.matches
            WHERE NOT list_bool_and(list_transform(
                    CASE WHEN s.statement_type = 'direct_quote' THEN string_split(s.text, {sql_string(ELISION)}) ELSE {quotations_sql("s.text")} END,
                    lambda f: contains(e.excerpt, f)))
            ORDER BY s._line"""
    ).fetchall()
    if suspects:
        con.register("_suspects", pa.table({"statement_id": [row[1] for row in suspects]}))
        excerpts: dict[str, list[tuple[str, int]]] = {}
        for statement_id, excerpt, line in con.execute(
            "SELECT statement_id, excerpt, _line FROM _evidence WHERE matches AND statement_id IN (SELECT statement_id FROM _suspects) ORDER BY _line"
        ).fetchall():
            excerpts.setdefault(statement_id, []).append((excerpt, line))
        con.unregister("_suspects")
        for line, statement_id, statement_type, text in suspects:
            for finding in quote_findings(
                shown["statements"], line, statement_type, text, excerpts.get(statement_id, []), shown["attestations"]
            ):
                add(finding)
    roles = con.execute(
        f"""SELECT a._line, a.role, a.role_source_id, s.archive_sha256, {_offset("s.body_char_start")}, {_offset("s.body_char_end")}
           FROM _ok_actors a JOIN _keyed_sources s ON s.source_id = a.role_source_id
           WHERE a.role IS NOT NULL AND s.archive_sha256 IN (SELECT sha FROM _lengths) ORDER BY s.archive_sha256, a._line"""
    ).fetchall()
    for line, role, source_id, sha, body_start, body_end in roles:  # grouped by text: each is read once
        text = archive.text(sha, keep=False)
        if text is None:  # gone since the archive was indexed: its source is reported
            continue
        for finding in role_findings(shown["actors"], line, role, source_id, text, body_start, body_end):
            add(finding)
    _titles_sql(run, con, archive)
    _date_texts_sql(run, con, archive)
    wikidata = wikidata_list(archive)
    if not wikidata.given:
        run.notes.append(wikidata_not_checked(run.archive_dir))
    else:
        for line, wikidata_id, name, aliases in con.execute(
            "SELECT _line, wikidata_id, name, aliases FROM _ok_actors WHERE wikidata_id IS NOT NULL ORDER BY _line"
        ).fetchall():
            for finding in wikidata_findings(
                shown["actors"],
                line,
                wikidata_id,
                {name, *(aliases.split(LIST_SEPARATOR) if aliases else ())},
                wikidata,
            ):
                add(finding)


def _titles_sql(run, con, archive) -> None:
    """Positions' titles quoted verbatim from the article body of their source (the reference's check, on the rows SQL selects)."""
    titles = con.execute(
        f"""SELECT p._line, p.title, p.source_id, s.archive_sha256, {_offset("s.body_char_start")}, {_offset("s.body_char_end")}
           FROM _ok_positions p JOIN _keyed_sources s ON s.source_id = p.source_id
           WHERE s.archive_sha256 IN (SELECT sha FROM _lengths) ORDER BY s.archive_sha256, p._line"""
    ).fetchall()
    for line, title, source_id, sha, body_start, body_end in titles:  # grouped by text: each is read once
        for finding in title_findings(
            run.tables["positions"].shown, line, title, source_id, archive.text(sha, keep=False), body_start, body_end
        ):
            run.findings.add(finding)


# Neighbours that make words whole words wherever they stand (the commonest around a date's words).
PLAIN_NEIGHBOURS = ((" ", " "), (" ", "."), (" ", ","))


def _plainly_in(column: str, words: str) -> str:
    """SQL: `words` stand in `column` between PLAIN_NEIGHBOURS, so whole words (at the ends of the
    column their neighbours are unknown: the reference's test decides). Substring tests, not Unicode
    classes or code-point arithmetic (several times slower a row)."""
    return (
        "("
        + " OR ".join(
            f"contains({column}, {sql_string(left)} || {words} || {sql_string(right)})"
            for left, right in PLAIN_NEIGHBOURS
        )
        + ")"
    )


def _date_texts_sql(run, con, archive) -> None:
    """Date wording quoted by the source (the reference's tests on what SQL cannot settle)."""
    _statement_date_texts_sql(run, con, archive)
    _event_date_texts_sql(run, con, archive)


def _statement_date_texts_sql(run, con, archive) -> None:
    """A statement's date wording in its own excerpts or its event's, or (an outlet's claim) its
    source's dateline. Settled in SQL where an excerpt holds it between PLAIN_NEIGHBOURS; the other
    statements are judged by the reference's statement_date_text_findings, with the same excerpts."""
    con.execute(
        """CREATE OR REPLACE TABLE _statement_excerpts AS
           SELECT t._line, t.date_text, e.excerpt, e._line AS att_line FROM _ok_statements t JOIN _evidence e ON e.statement_id = t.statement_id
           WHERE t.date_text IS NOT NULL
           UNION ALL
           SELECT t._line, t.date_text, e.excerpt, e._line FROM _ok_statements t JOIN _evidence e ON e.event_id = t.event_id
           WHERE t.date_text IS NOT NULL AND t.event_id IS NOT NULL"""
    )
    unsettled = con.execute(
        f"""SELECT _line, any_value(date_text) FROM _statement_excerpts GROUP BY _line
           HAVING NOT bool_or({_plainly_in("excerpt", "date_text")}) ORDER BY _line"""
    ).fetchall()
    if not unsettled:
        return
    lines = pa.array([row[0] for row in unsettled], pa.int64())
    put_table(con, "_unsettled", {"_line": lines})
    excerpts: dict[int, list[tuple[str, int]]] = {}
    for line, excerpt, att_line in con.execute(
        "SELECT _line, excerpt, att_line FROM _statement_excerpts WHERE _line IN (SELECT _line FROM _unsettled) ORDER BY _line, att_line"
    ).fetchall():
        excerpts.setdefault(line, []).append((excerpt, att_line))
    datelines: dict[int, list[Dateline]] = {}
    for line, sha, published_at, body_start, body_end in con.execute(
        """SELECT DISTINCT t._line, e.sha, s.published_at, e.bs, e.be
           FROM _ok_statements t JOIN _evidence e ON e.statement_id = t.statement_id JOIN _keyed_sources s ON s.source_id = e.source_id
           WHERE t._line IN (SELECT _line FROM _unsettled) AND t.statement_type = 'outlet_claim'
           ORDER BY e.sha, t._line"""
    ).fetchall():
        published, text = publication_day(published_at), archive.text(sha, keep=False)
        if published is not None and text is not None:
            datelines.setdefault(line, []).append(Dateline(published, text, body_start, body_end))
    for line, date_text in unsettled:
        for finding in statement_date_text_findings(
            run.tables["statements"].shown,
            line,
            date_text,
            excerpts.get(line, []),
            datelines.get(line, []),
            run.tables["attestations"].shown,
        ):
            run.findings.add(finding)


def _event_date_texts_sql(run, con, archive) -> None:
    """An event's date wording quoted from the article body of a source attesting it (the
    reference's test, date_text_quoted, on what SQL cannot settle). An event is settled in SQL when
    one of its excerpts, matching its archived text inside the body, holds the wording between
    PLAIN_NEIGHBOURS (then it is whole words in the body too). For the other events each distinct
    (text, body, wording) is judged once, each text read once; an event none of whose sources holds
    its wording is reported with the reference's finding."""
    con.execute(
        f"""CREATE OR REPLACE TABLE _dated AS
           WITH attested AS (
             SELECT t._line, t.date_text, e.source_id, e.sha, e.bs, e.be,
                  e.matches AND (e.bs IS NULL OR (e.bs <= e.cs AND e.ce <= e.be)) AND {_plainly_in("e.excerpt", "t.date_text")} AS settled
             FROM _ok_events t JOIN _evidence e ON e.event_id = t.event_id WHERE t.date_text IS NOT NULL)
           SELECT * FROM attested WHERE _line NOT IN (SELECT _line FROM attested WHERE settled)"""
    )
    quoted = []
    current, text = None, None
    for sha, body_start, body_end, words in con.execute(
        "SELECT DISTINCT sha, bs, be, date_text FROM _dated ORDER BY sha"
    ).fetchall():
        if sha != current:
            current, text = sha, archive.text(sha, keep=False)
        if text is not None and date_text_quoted(words, text, body_start, body_end):
            quoted.append((sha, body_start, body_end, words))
    put_table(
        con,
        "_quoted_dates",
        {
            "sha": pa.array([q[0] for q in quoted], pa.string()),
            "bs": pa.array([q[1] for q in quoted], pa.int64()),
            "be": pa.array([q[2] for q in quoted], pa.int64()),
            "date_text": pa.array([q[3] for q in quoted], pa.string()),
        },
    )
    unquoted = con.execute(
        """WITH judged AS (
             SELECT d._line, d.date_text, d.source_id, q.sha IS NOT NULL AS quoted FROM _dated d
             LEFT JOIN _quoted_dates q ON q.sha = d.sha AND q.date_text = d.date_text
               AND q.bs IS NOT DISTINCT FROM d.bs AND q.be IS NOT DISTINCT FROM d.be)
           SELECT DISTINCT _line, date_text, source_id FROM judged
           WHERE _line NOT IN (SELECT _line FROM judged WHERE quoted)
           ORDER BY _line, source_id"""
    ).fetchall()
    for (line, words), group in itertools.groupby(unquoted, key=lambda row: row[:2]):
        run.findings.add(date_text_finding(run.tables["events"].shown, line, words, [row[2] for row in group]))
