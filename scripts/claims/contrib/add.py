"""`claims add`: draft rows from the source's own words, as CONTRIBUTING.md's worked example adds
them by hand.

- `statement SOURCE_ID WORDS` (or `chars=(START, END)`): the excerpt, found inside the article body
  only, with its offsets; the statement, its attestation and its mentions, under the next free IDs;
  the speaker and addressee suggested from the excerpt's framing ("Witkoff told Ushakov"); the
  entities the excerpt names by their names and aliases (and places' and plans' names) mentioned,
  each with its `mentioned_as` words, those named only by a role or a position's title (known to
  be theirs only from context) suggested; the date from the date words that date the statement
  itself (claims.contrib.datewords: next to its speech verb, "said Tuesday", or opening its one sentence,
  "On Oct. 29, …"), resolved against the source's date or a named event, or the bound of the
  reporting source where there are none;
- `event SOURCE_ID WORDS`: the event and its attestation, the same way (an event the excerpt says
  is still to come is not dated by the source's date);
- `actor NAME`: the actor, its role quoted from a source's article body.

Every column can be given (`given`, by the command line's options, which are derived from the
schema: a new column needs no change here). What the words do not decide beyond doubt is left
empty and said (`Draft.notes`), or asked for when a terminal can answer (`ask`): date words that may
date another clause, or stand in a quotation, or a mention by context, are offered, never written
unasked. `write` then checks every file it will write, writes them all or none (under a lock
against a concurrent `claims add`), puts the tables in canonical form, brings the coverage
checklist up to date and validates; `Written.findings` are the findings on the rows written.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from claims import coverage
from claims.archive import Archive, Location, find_all
from claims.contrib import datewords, fmt
from claims.findings import Finding
from claims.schema import MENTION_TARGETS, TABLES_BY_NAME
from claims.schema.fields import LIST_SEPARATOR
from claims.schema.text import ELISION
from claims.sources import SourceProblem, archived_text, closest_said, known_source
from claims.tablefile import Table, TableUnusable, read_table, readable_table, replace_files
from claims.validate import validate

# A question for whoever runs the command, when a terminal can answer: (column, question, choices,
# suggested answer) → the answer ("" for none). Without one (a pipe, a script), nothing is asked.
Ask = Callable[[str, str, list[str] | None, str], str]
NUMBERED = re.compile(r"^(?P<prefix>[a-z0-9-]*?)(?P<number>[0-9]+)$")
# What reports speech around a name in an outlet's sentence ("Witkoff told Ushakov", "said Trump")…
SPEECH = r"(?:said|says|told|tells|added|adds|replied|asked|asks|assured|argued|recommended|suggested|announced|mentioned|described|declined|advised|urged|warned|wrote)"
# …of which these take the one spoken to after them ("told Ushakov", "asked Witkoff whether")…
TO_WHOM = r"(?:told|tells|asked|asks|assured|advised|urged|warned)"
# …and these may follow the one who speaks ("“…,” said Trump").
SAID_BY = r"(?:said|says|added|adds|replied|wrote)"
# How the data names an entity: by these, a name decides who is meant; by the others (a role, a
# position's title: "the US president", "a senior Kremlin official") only the context does.
BY_NAME = {"name", "alias", "title"}
# What joins words into a compound ("Witkoff-Ushakov call"): a hyphen, a non-breaking hyphen, an en dash.
HYPHENS = "-‐‑–"
# Where one sentence ends and another begins (not after an initial or an abbreviation: "Mr. Trump",
# "U.S.", "Oct. 14").
SENTENCE_END = re.compile(r"(?<!\b[A-Z])(?<!\b[A-Z][a-z])[.!?][”’\"]?\s+(?=[“\"A-Z])")
# Words before date words that make them one end of a span, or a day counted from ("from Oct. 24",
# "since Tuesday", "before Friday's meeting"): they do not date the row itself.
BOUNDING = re.compile(
    r"(?i:\b(?:from|since|until|till|by|before|after|through|to|between|ahead of|following)\s+(?:the\s+|an?\s+)?)$"
)
# What stands between a speech verb and the date words it is dated by ("said Tuesday", "told
# reporters Oct. 14", "told Ushakov on Friday").
SPOKEN_ON = re.compile(rf"\b{SPEECH}(?:\s+(?:[A-Z][\w’'.-]*|reporters|journalists)){{0,3}}(?:\s+on)?\s+$")
# What may open a sentence before its date words ("On Oct. 29, …", "In an Oct. 14 phone call …, …").
OPENING = re.compile(r"^\s*(?:(?:[Oo]n|[Ii]n|[Dd]uring|[Tt]hen|[Bb]ut|[Aa]nd)\s+)?(?:an?\s+|the\s+)?$")
# Date words that name an event ("an Oct. 14 phone call", "Sunday's talks").
EVENT_NOUN = re.compile(
    r"^(?:’s|'s)?\s+(?:phone\s+|video\s+)?(?:call|calls|meeting|talks|visit|summit|conversation|interview|address|speech|remarks|post|trip)\b"
)
# What says an event is still to come ("will meet", "plans to", "a summit that is yet to take place").
STILL_TO_COME = re.compile(
    r"(?i:\b(?:will|shall|won[’']t|going to|plans? to|planned|yet to|to be held|scheduled|expected to|set to|due to|upcoming)\b|[’']ll\b)"
)
# Date words `claims add` reads, as the notes name them.
EXAMPLE_DATE_WORDS = ("Oct. 14", "Nov. 1–3", "Tuesday", "this month", "last week", "two days later")
# How long `claims add` waits for another one writing to the same data folder.
LOCK_WAIT_SECONDS = 60


class AddProblem(ValueError):
    """The rows cannot be drafted as asked: the message says what to pass instead."""


@dataclass
class Draft:
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # table → new rows, every column
    notes: list[str] = field(default_factory=list)  # what was left empty and why, and what was chosen how

    def add(self, table: str, row: dict[str, str]) -> dict[str, str]:
        full = {column: row.get(column, "") for column in TABLES_BY_NAME[table].columns()}
        self.rows.setdefault(table, []).append(full)
        return full


# --- the data as it stands ----------------------------------------------------------------------


def _table(data_dir: Path, table: str) -> Table:
    try:
        return readable_table(data_dir / f"{table}.csv", TABLES_BY_NAME[table])
    except TableUnusable as unusable:
        raise AddProblem(f"{unusable}; fix it, then run claims add again") from None


def rows(data_dir: Path, table: str) -> list[dict[str, str]]:
    """The rows of `table`; a file that cannot be read as the table is a problem saying what to fix."""
    return _table(data_dir, table).rows


def taken_ids(data_dir: Path, table: str) -> set[str]:
    """Every ID the table has used: its rows' (and those of records whose cells cannot be read), and
    the retired and published ones (IDs are forever)."""
    key = TABLES_BY_NAME[table].meta.primary_key[0]
    read = _table(data_dir, table)
    taken = {row[key] for row in read.rows} | read.unread_keys(key)
    for history in ("retired_ids", "published_ids"):
        taken |= {row["id"] for row in rows(data_dir, history) if row["table_name"] == table}
    return taken


def next_id(data_dir: Path, table: str) -> str | None:
    """The next free numbered ID of `table` (st-064 after st-063): the prefix and width of its
    numbered IDs, one above the highest ever used; None when the table numbers none."""
    numbered = [match for value in taken_ids(data_dir, table) if (match := NUMBERED.match(value))]
    if not numbered:
        return None
    prefix = Counter(match["prefix"] for match in numbered).most_common(1)[0][0]
    ours = [match["number"] for match in numbered if match["prefix"] == prefix]
    return f"{prefix}{max(map(int, ours)) + 1:0{max(map(len, ours))}d}"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, as IDs are written."""
    letters = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-")


def free_id(data_dir: Path, table: str, wanted: str) -> str:
    if wanted in taken_ids(data_dir, table):
        raise AddProblem(f"{table} already has or had the ID {wanted!r} (IDs are never reused): pass --id with another")
    return wanted


def resolve_reference(data_dir: Path, table: str, value: str) -> str:
    """An ID of `table` given as itself or, for actors, by a name or an alias (any case); a value
    that names nothing is kept as given (validation reports it)."""
    key = TABLES_BY_NAME[table].meta.primary_key[0]
    found = rows(data_dir, table)
    if any(row[key] == value for row in found):
        return value
    if table == "actors":
        named = {row[key] for row in found if value.lower() in {name.lower() for name in _actor_names(row)}}
        if len(named) == 1:
            return named.pop()
    return value


def with_references(data_dir: Path, table: str, given: dict[str, str]) -> dict[str, str]:
    """The given cells of `table`, each foreign key resolved (`resolve_reference`): every column
    the schema marks as one, so that a new column needs nothing here."""
    keys = {key.fields[0]: key.table for key in TABLES_BY_NAME[table].foreign_keys()}
    return {
        column: resolve_reference(data_dir, keys[column], value) if column in keys and value else value
        for column, value in given.items()
    }


def _actor_names(row: dict[str, str]) -> list[str]:
    return [row["name"], *(row["aliases"].split(LIST_SEPARATOR) if row["aliases"] else [])]


# --- names in the source's words -----------------------------------------------------------------


@dataclass(frozen=True)
class Naming:
    """Words by which the data names an entity a statement can mention, and how (BY_NAME or not)."""

    words: str
    entity_type: str
    entity_id: str
    how: str  # name, alias, title (a place's or plan's name); role, position


def naming_words(data_dir: Path) -> list[Naming]:
    """Every way the data names an entity a statement can mention: actors by name, alias, role and
    the titles of their positions; places and plans by name (or title) and alias."""
    words = []
    for row in rows(data_dir, "actors"):
        words.append(Naming(row["name"], "actor", row["actor_id"], "name"))
        words += [Naming(alias, "actor", row["actor_id"], "alias") for alias in _actor_names(row)[1:]]
        words.append(Naming(row["role"], "actor", row["actor_id"], "role"))
    for row in rows(data_dir, "positions"):
        words.append(Naming(row["title"], "actor", row["actor_id"], "position"))
    for entity_type, (table, key) in MENTION_TARGETS.items():
        if table in {"places", "plans"}:
            label = "name" if table == "places" else "title"
            for row in rows(data_dir, table):
                aliases = row["aliases"].split(LIST_SEPARATOR) if row["aliases"] else []
                words.append(Naming(row[label], entity_type, row[key], "title"))
                words += [Naming(alias, entity_type, row[key], "alias") for alias in aliases]
    return [naming for naming in words if naming.words]


def whole_word_spans(haystack: str, words: str) -> list[tuple[int, int]]:
    """Where `words` occur in `haystack` with no letter or digit either side (as the mention rule reads them)."""
    spans, start = [], haystack.find(words)
    while words and start != -1:
        end = start + len(words)
        if (start == 0 or not haystack[start - 1].isalnum()) and (end == len(haystack) or not haystack[end].isalnum()):
            spans.append((start, end))
        start = haystack.find(words, start + 1)
    return spans


@dataclass
class Named:
    """What a text names: entities by name (written), by context only (suggested), and words that
    name several entities (neither)."""

    by_name: dict[tuple[str, str], str] = field(default_factory=dict)  # (entity_type, entity_id) → words
    by_context: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # → (words, why)
    ambiguous: list[str] = field(default_factory=list)


def named_in(text: str, excerpt: str, naming: list[Naming]) -> Named:
    """The entities `text` names with words also found in `excerpt`. Where such words overlap, the
    longest win ("US president" over "the US", "Yuri Ushakov" over "Ushakov"); words that name two
    entities name neither."""
    owners: dict[str, dict[tuple[str, str], set[str]]] = {}
    for entry in naming:
        owners.setdefault(entry.words, {}).setdefault((entry.entity_type, entry.entity_id), set()).add(entry.how)
    places = [
        (start, end, words)
        for words in owners
        if whole_word_spans(excerpt, words)
        for start, end in whole_word_spans(text, words)
    ]
    chosen: list[tuple[int, int, str]] = []
    for start, end, words in sorted(places, key=lambda place: (place[0] - place[1], place[0])):
        if not any(start < other_end and other_start < end for other_start, other_end, _words in chosen):
            chosen.append((start, end, words))
    found = Named()
    for start, end, words in sorted(chosen):
        entities = owners[words]
        if len(entities) > 1:
            found.ambiguous.append(f"{words!r} names {', '.join(sorted(f'{k} {i}' for k, i in entities))}")
            continue
        ((entity, hows),) = entities.items()
        kind, key = entity
        compound = _compound(text, start, end)
        if hows & BY_NAME and not compound:
            found.by_name.setdefault(entity, words)
        elif compound:
            found.by_context.setdefault(
                entity, (words, f"stands in {compound!r}, which may name something else than {kind} {key}")
            )
        else:
            role = " or ".join(sorted(hows))
            found.by_context.setdefault(
                entity, (words, f"is the {role} of {kind} {key}, which names it only in context")
            )
    for entity in found.by_name:
        found.by_context.pop(entity, None)
    return found


def _compound(text: str, start: int, end: int) -> str:
    """The compound the words at `start`:`end` are joined to by a hyphen ("Witkoff-Ushakov" of "the
    Witkoff-Ushakov call", which names a call, not one person), or ""."""
    if not ((start >= 2 and text[start - 1] in HYPHENS) or (end + 1 < len(text) and text[end] in HYPHENS)):
        return ""
    first = start
    while first > 0 and (text[first - 1].isalnum() or text[first - 1] in HYPHENS):
        first -= 1
    last = end
    while last < len(text) and (text[last].isalnum() or text[last] in HYPHENS):
        last += 1
    compound = text[first:last].strip("".join(HYPHENS))
    return compound if compound != text[start:end] else ""


# --- quotations and framing --------------------------------------------------------------------------


def quotations(text: str) -> list[tuple[int, int]] | None:
    """The spans of `text` inside quotation marks, the marks included: “…” pairs, and pairs of
    straight quotes. A quotation the excerpt cuts runs to the excerpt's start (a ” with no “ before
    it) or to its end (a “ never closed). None where straight quotes do not pair up: which side of
    one is quoted cannot be told."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    closed = 0  # where the last quotation ended
    for index, char in enumerate(text):
        if char == "“" and opened is None:
            opened = index
        elif char == "”":
            spans.append((closed if opened is None else opened, index + 1))
            opened, closed = None, index + 1
    if opened is not None:
        spans.append((opened, len(text)))
    straight = [index for index, char in enumerate(text) if char == '"']
    if len(straight) % 2:
        return None
    spans += [(straight[i], straight[i + 1] + 1) for i in range(0, len(straight), 2)]
    return sorted(spans)


def framing(text: str, spans: list[tuple[int, int]] | None) -> str:
    """`text` with its quotations blanked, the same length (positions hold): the words around them.
    Where the quotations cannot be told (None), all of it is blanked."""
    if spans is None:
        return " " * len(text)
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def framed_speakers(excerpt: str, naming: list[Naming]) -> tuple[set[str], set[str]]:
    """Actors the excerpt's own framing presents as speaking ("Witkoff said", "Witkoff told
    Ushakov", "said Trump") and as spoken to ("told Ushakov", "asked Witkoff whether"), outside its
    quotation marks: suggestions, never written unasked. Where names overlap, the longest counts
    ("the US president said" is not the US); an actor presented both ways is neither."""
    said_around = framing(excerpt, quotations(excerpt))
    found: list[tuple[int, int, str, str]] = []  # (start, end) of the name, the actor, speaker or addressee
    for entry in naming:
        if entry.entity_type != "actor":
            continue
        name = re.escape(entry.words)
        for pattern, part in (
            (rf"(?<!\w)({name}) (?:\w+ )?{SPEECH}\b", "speaker"),
            (rf"\b{SAID_BY} ({name})(?!\w)", "speaker"),
            (rf"\b{TO_WHOM} ({name})(?!\w)", "addressee"),
        ):
            found += [(m.start(1), m.end(1), entry.entity_id, part) for m in re.finditer(pattern, said_around)]
    kept = [
        (actor, part)
        for start, end, actor, part in found
        if not any(s < end and start < e and (e - s) > (end - start) for s, e, _actor, _part in found)
    ]
    speakers = {actor for actor, part in kept if part == "speaker"}
    return speakers, {actor for actor, part in kept if part == "addressee"} - speakers


def _spoken_to(framing_text: str, words: str) -> bool:
    """The framing presents `words` as the one spoken to ("told Ushakov")."""
    return re.search(rf"\b{TO_WHOM} {re.escape(words)}(?!\w)", framing_text) is not None


def addressee_words(excerpt: str, naming: list[Naming], actor_id: str) -> str:
    """The excerpt's words that name `actor_id` (its name, an alias, its role, a position's title),
    those the framing says were spoken to ("told Ushakov") first, then the longest; "" for none."""
    said_around = framing(excerpt, quotations(excerpt))
    found = [
        entry.words
        for entry in naming
        if entry.entity_type == "actor" and entry.entity_id == actor_id and whole_word_spans(excerpt, entry.words)
    ]
    return max([words for words in found if _spoken_to(said_around, words)] or found, key=len, default="")


# --- the excerpt -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Excerpt:
    source_id: str
    start: int
    end: int
    text: str  # the source's own characters
    source: dict[str, str]  # the source's row
    article: str  # the article body


def excerpt(
    data_dir: Path, location: Location | Archive, source_id: str, words: str | None, chars: tuple[int, int] | None
) -> Excerpt:
    """The excerpt `words` (or `chars`) pick out of the article body of `source_id`: once, inside
    the body, or a problem that says why not."""
    try:
        text, (body_start, body_end) = archived_text(data_dir, location, source_id)
    except SourceProblem as problem:
        raise AddProblem(str(problem)) from None
    source = known_source(data_dir, source_id)
    spans = find_all(text, words) if words and words.strip() else []
    if chars is not None:
        start, end = chars
        if not (body_start <= start < end <= body_end):
            raise AddProblem(
                f"--chars {start}:{end} is not inside the article body of {source_id} ({body_start}:{body_end})"
            )
        if words and (start, end) not in spans:
            where = f"they occur at {', '.join(f'{s}:{e}' for s, e in spans[:5])}" if spans else "they are not in it"
            raise AddProblem(
                f"--chars {start}:{end} is {text[start:end]!r}, not the words given ({where}): give one or the other"
            )
    else:
        if not words or not words.strip():
            raise AddProblem("give the words of the passage to quote, or --chars START:END")
        inside = [(s, e) for s, e in spans if body_start <= s and e <= body_end]
        if not inside:
            if any(s < body_end and e > body_start for s, e in spans):
                where = (
                    f"partly outside the article body ({body_start}:{body_end}): quote only the article's own "
                    "words, not the page furniture around them"
                )
            elif spans:
                where = f"only outside the article body ({body_start}:{body_end}), in page furniture, which is not data"
            else:
                nearest = closest_said(text, (body_start, body_end), words)
                where = "not in the archived text: copy them from the article (`claims locate` finds words)" + (
                    f"; {nearest}" if nearest else ""
                )
            raise AddProblem(f"{words!r} is {where}")
        if len(inside) > 1:
            listed = ", ".join(f"{s}:{e}" for s, e in inside[:5])
            raise AddProblem(f"{words!r} occurs {len(inside)} times in the article ({listed}): pass --chars START:END")
        ((start, end),) = inside
    return Excerpt(source_id, start, end, text[start:end], source, text[body_start:body_end])


def _source_day(source: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat(source["published_at"][:10]) if source.get("published_at") else None
    except ValueError:
        return None


# --- dates ------------------------------------------------------------------------------------------


DATE_COLUMNS = ("date", "date_text", "date_min", "date_max", "date_resolved_against")


@dataclass(frozen=True)
class DateWords:
    """Date words of an excerpt, and whether they date the row itself (else why they may not)."""

    found: datewords.Found
    quoted: bool
    why_not: str  # "" where they date the row

    @property
    def words(self) -> str:
        return self.found.words


def date_words(text: str, statement: bool) -> tuple[list[DateWords], str]:
    """The date words of the excerpt `text`, each with whether it dates the row itself beyond
    doubt: outside quotations, in a one-sentence excerpt, either next to the statement's speech
    verb ("Trump said Tuesday", "told reporters Oct. 14") or opening the sentence ("On Oct. 29, …",
    "In an Oct. 14 phone call …, …"); an event's also where they name it ("an Oct. 14 phone call").
    Words that bound a span ("from Oct. 24") date nothing by themselves. Also the excerpt's
    framing (its quotations blanked)."""
    spans = quotations(text)
    around = framing(text, spans)
    one_sentence = SENTENCE_END.search(around.strip()) is None
    row = "statement" if statement else "event"
    found = []
    for words in datewords.find(text):
        before, after = around[: words.start], around[words.end :]
        quoted = spans is None or any(start < words.end and words.start < end for start, end in spans)
        bound = BOUNDING.search(before)
        if spans is None:
            why = "the excerpt's straight quotation marks do not pair up, so what is quoted cannot be told"
        elif quoted:
            why = "they stand in a quotation: they date what is said, not when"
        elif bound:
            why = f"'{bound.group().strip()} {words.words}' bounds a span or counts from it: it does not date the {row} itself"
        elif not one_sentence:
            why = f"the excerpt has more than one sentence: they may date another than the {row}'s"
        elif _dates_the_row(before, after, statement):
            why = ""
        else:
            why = f"they may date another clause of the excerpt than the {row}"
        found.append(DateWords(words, quoted, why))
    return found, around


def _dates_the_row(before: str, after: str, statement: bool) -> bool:
    """Whether date words, with the framing `before` and `after` them in a one-sentence excerpt,
    date the row: opening the sentence (its main clause: "On Oct. 29, …"), or next to a statement's
    speech verb ("said Tuesday", "told reporters Oct. 14"), or naming an event ("an Oct. 14 call")."""
    opening = (
        OPENING.match(before) is not None
        and re.match(r"^[^,]*,", after) is not None
        and re.match(r"^(?:’s|'s)", after) is None  # "Sunday's talks, …" date the talks
    )
    if statement:
        return opening or SPOKEN_ON.search(before) is not None
    return opening or EVENT_NOUN.match(after) is not None


def date_cells(
    draft: Draft,
    data_dir: Path,
    found: Excerpt,
    given: dict[str, str],
    outlet_voice: bool,
    against: str | None,
    statement: bool = True,
    ask: Ask | None = None,
) -> dict[str, str]:
    """The date columns: as given; for the outlet's own voice, the article's date line; else the
    date words that date the row itself (`date_words`), resolved — words that may date something
    else are offered (asked about on a terminal, noted in a pipe), never used unasked; else the
    bound of the reporting source (on or before its date), unless the excerpt says an event is
    still to come. What cannot be resolved without a guess stays empty, said why."""
    chosen_words = None
    if set(given) & set(DATE_COLUMNS) == {"date_text"}:  # the words to resolve, among the excerpt's
        chosen_words = given["date_text"]
    elif any(given.get(column) for column in DATE_COLUMNS):
        if against:
            raise AddProblem(f"--date-against {against}: it resolves date words; the date columns are given")
        return {column: given.get(column, "") for column in DATE_COLUMNS}
    day = _source_day(found.source)
    if day is None:
        draft.notes.append(f"date: left empty: source {found.source_id} has no published_at to resolve dates against")
        return {}
    source = datewords.source_anchor(found.source_id, day)
    if outlet_voice:
        if against:
            raise AddProblem(f"--date-against {against}: an outlet_claim is dated by the article's date line")
        line = datewords.dateline(found.article, day)
        if line is None:
            draft.notes.append(
                f"date_text: left empty: the article body of {found.source_id} has no date line for {day}"
            )
        return {
            "date": day.isoformat(),
            "date_text": line or "",
            "date_min": day.isoformat(),
            "date_max": day.isoformat(),
            "date_resolved_against": datewords.DATELINE_RESOLUTION,
        }
    anchor = None
    if against:
        event = next((row for row in rows(data_dir, "events") if row["event_id"] == against), None)
        if event is None or not event["date_min"] or event["date_min"] != event["date_max"]:
            raise AddProblem(f"--date-against {against}: not an event of data/events.csv dated to one day")
        anchor = datewords.event_anchor(against, date.fromisoformat(event["date_min"]))
    row = "statement" if statement else "event"
    found_words, around = date_words(found.text, statement)
    coming = None if statement else STILL_TO_COME.search(around)
    offered = [w for w in found_words if w.why_not and not w.quoted]
    if chosen_words is not None:
        used = [w for w in found_words if w.words == chosen_words and not w.quoted]
        if not used:
            raise AddProblem(
                f"--date-text {chosen_words!r}: not among the date words of the excerpt (outside its quotations); "
                "give the other date columns too to date it otherwise"
            )
    else:
        used = [w for w in found_words if not w.why_not]
        if offered and ask is not None:
            answer = ask(
                "date_text",
                f"which date words date the {row} itself? (none: "
                + ("bounded by the source that reports it)" if statement or not coming else "leave it undated)"),
                [*dict.fromkeys(w.words for w in offered), "none"],
                "",
            )
            used += [w for w in offered if w.words == answer]
        for words in found_words:
            if words.why_not and words not in used:
                hint = f": pass --date-text {words.words!r} if they date it" if not words.quoted else ""
                draft.notes.append(f"date: {words.words!r} not used: {words.why_not}{hint}")
    if against and not any(w.found.kind in datewords.RELATIVE for w in used):
        raise AddProblem(
            f"--date-against {against}: none of the date words used counts from an event "
            "(two days later, the day before, later that week): leave it out"
        )
    results = [datewords.resolve(w.found, source, anchor, past=statement or coming is None) for w in used]
    resolved = [result for result in results if isinstance(result, datewords.Resolved)]
    distinct = {(r.edtf, r.date_min, r.date_max) for r in resolved}
    if len(distinct) == 1:
        chosen = resolved[0]
        return {
            "date": chosen.edtf,
            "date_text": chosen.words,
            "date_min": chosen.date_min,
            "date_max": chosen.date_max,
            "date_resolved_against": chosen.against,
        }
    if resolved:
        listed = "; ".join(f"{r.words!r} = {r.edtf}" for r in resolved)
        draft.notes.append(f"date: the excerpt's date words disagree ({listed}): pass --date-text WORDS to choose")
    draft.notes += [f"date: not resolved: {why}" for why in results if isinstance(why, str)]
    if coming is not None:
        after = (day + timedelta(days=1)).isoformat()
        draft.notes.append(
            f"date: after {day}: the excerpt says the event is still to come ({coming.group()!r}), so the source's "
            "date does not bound it (give the date columns if the source says when)"
        )
        return {
            "date": f"[{after}..]",
            "date_text": "",  # the source's words only: it gives none for the day
            "date_min": after,
            "date_max": "",
            "date_resolved_against": f"after the {source.described} of {found.source_id}, which reports it as still to come",
        }
    event_id = given.get("event_id")
    event = next((r for r in rows(data_dir, "events") if r["event_id"] == event_id), None) if event_id else None
    if statement and event is not None and event["date"] and not resolved:
        # said at the event: on its day, in its words (which stand in its excerpts)
        draft.notes.append(f"date: the date of the event {event_id}, at which it was said")
        return {
            "date": event["date"],
            "date_text": event["date_text"],
            "date_min": event["date_min"],
            "date_max": event["date_max"],
            "date_resolved_against": f"the date of the event {event_id}, at which it was said",
        }
    if not found_words:
        draft.notes.append(
            f"date: the excerpt has no date words that claims add reads ({', '.join(EXAMPLE_DATE_WORDS)})"
        )
    draft.notes.append(
        f"date: bounded by the source that reports it, on or before {day} "
        "(give the date columns if the article dates it elsewhere)"
    )
    return {
        "date": f"[..{day.isoformat()}]",
        "date_text": "",  # the source's words only: there are none
        "date_min": "",
        "date_max": day.isoformat(),
        "date_resolved_against": f"not after the {source.described} of {found.source_id}, which reports it",
    }


# --- drafting ------------------------------------------------------------------------------------


def _ask_or_note(draft: Draft, ask: Ask | None, column: str, question: str, choices, suggested: str, why: str) -> str:
    """The answer of whoever runs the command, on a terminal; else (or with no answer) nothing,
    and a note saying why the column is empty."""
    answer = ask(column, question, choices, suggested) if ask is not None else ""
    if not answer:
        draft.notes.append(f"{column}: left empty: {why}")
    return answer


def quoted_text(excerpt_text: str) -> str:
    """A direct quote's text: the parts of the excerpt in quotation marks (`quotations`), joined
    with ' […] ', without the comma the framing leaves at a part's end ("…done,” Witkoff said.")."""
    parts = [excerpt_text[start:end].strip('“”"') for start, end in quotations(excerpt_text) or []]
    parts = [part[:-1] if part.endswith(",") else part for part in parts]
    return ELISION.join(part for part in parts if part.strip())


def parse_mention(data_dir: Path, value: str) -> tuple[str, str, str]:
    """`TYPE:ID=WORDS` or `ID=WORDS` (the type found from the ID) → (entity_type, entity_id, words)."""
    target, separator, words = value.partition("=")
    if not separator or not words:
        raise AddProblem(
            f"--mention {value!r}: write TYPE:ID=WORDS, e.g. event:phone-call-2025-10-16-trump-putin=their call"
        )
    kind, _colon, key = target.rpartition(":")
    if kind and kind not in MENTION_TARGETS:
        raise AddProblem(f"--mention {value!r}: the type is one of {', '.join(MENTION_TARGETS)}")
    if not kind:
        kinds = [
            entity
            for entity, (table, column) in MENTION_TARGETS.items()
            if any(row[column] == key for row in rows(data_dir, table))
        ]
        if len(kinds) != 1:
            raise AddProblem(f"--mention {value!r}: say which table {key!r} is in: TYPE:{key}={words}")
        kind = kinds[0]
    table, _column = MENTION_TARGETS[kind]
    return kind, resolve_reference(data_dir, table, key), words


def draft_statement(
    data_dir: Path,
    archive: Location | Archive,
    source_id: str,
    words: str | None,
    chars: tuple[int, int] | None = None,
    given: dict[str, dict[str, str]] | None = None,
    mentions: Sequence[str] = (),
    suggest_mentions: bool = True,
    date_against: str | None = None,
    ask: Ask | None = None,
) -> Draft:
    """The statement, attestation and mentions for the excerpt `words` (or `chars`) of `source_id`.
    `given`: table → column → value, from the options (empty values are not given)."""
    given = {
        table: with_references(data_dir, table, {k: v for k, v in values.items() if v})
        for table, values in (given or {}).items()
    }
    mine, evidence = given.get("statements", {}), given.get("attestations", {})
    draft = Draft()
    found = excerpt(data_dir, archive, source_id, words, chars)
    naming = naming_words(data_dir)

    kind = mine.get("statement_type") or _ask_or_note(
        draft,
        ask,
        "statement_type",
        "statement type",
        list(allowed_values("statements", "statement_type")),
        "",
        "how does the source convey it? pass --statement-type",
    )
    outlet_voice = kind == "outlet_claim"
    speakers, addressees = framed_speakers(found.text, naming)
    speaker = mine.get("speaker_id")
    if not speaker and outlet_voice and found.source.get("author_id"):
        speaker = found.source["author_id"]
        draft.notes.append(
            f"speaker_id: {speaker}, the author of {source_id}: an outlet_claim is the outlet's own voice"
        )
    elif not speaker:
        suggestion = next(iter(speakers)) if len(speakers) == 1 else ""
        named = ", ".join(sorted(speakers)) or "no one"
        speaker = resolve_reference(
            data_dir,
            "actors",
            _ask_or_note(
                draft,
                ask,
                "speaker_id",
                "speaker (an actor's ID, name or alias)",
                None,
                suggestion,
                f"the excerpt's framing presents {named} as speaking: pass --speaker",
            ),
        )
    addressee = mine.get("addressee_id", "")
    if not addressee and addressees - {speaker}:
        told = sorted(addressees - {speaker})
        addressee = resolve_reference(
            data_dir,
            "actors",
            _ask_or_note(
                draft,
                ask,
                "addressee_id",
                "addressee (empty for none)",
                None,
                told[0] if len(told) == 1 else "",
                f"the excerpt's framing says it was told to {', '.join(told)}: pass --addressee if the statement was",
            ),
        )

    addressee_as = mine.get("addressee_as", "")
    if addressee and not addressee_as:
        addressee_as = addressee_words(found.text, naming, addressee)
        draft.notes.append(
            f"addressee_as: {addressee_as!r}, the excerpt's words for {addressee}"
            if addressee_as
            else f"addressee_as: left empty: the excerpt does not name {addressee}; pass --addressee-as with the "
            "words that do (the excerpt's, or those of the event it was said at, where the addressee takes part)"
        )

    text = mine.get("text", "")
    if not text and kind == "direct_quote" and quoted_text(found.text):
        text = quoted_text(found.text)
        draft.notes.append("text: the excerpt's quoted words, parts joined with ' […] '")
    elif not text and outlet_voice:
        text = found.text
        draft.notes.append("text: the excerpt as it stands (pass --text to end it as a sentence)")
    elif not text:
        text = _ask_or_note(
            draft, ask, "text", "text", None, "", "the claim in the source's words, its framing removed: pass --text"
        )

    statement_id = mine.get("statement_id") or next_id(data_dir, "statements")
    if not statement_id:
        raise AddProblem("statements has no numbered IDs to follow: pass --id")
    attestation_id = evidence.get("attestation_id") or next_id(data_dir, "attestations")
    if not attestation_id:
        raise AddProblem("attestations has no numbered IDs to follow: pass --attestation-id")
    free_id(data_dir, "statements", statement_id)
    free_id(data_dir, "attestations", attestation_id)

    basis = evidence.get("evidence_basis") or ("outlet_own_reporting" if outlet_voice else "")
    if not basis:
        basis = _ask_or_note(
            draft,
            ask,
            "evidence_basis",
            "evidence basis",
            list(allowed_values("attestations", "evidence_basis")),
            "",
            "what does the source say its knowledge rests on? pass --evidence-basis",
        )
    statement = {
        **mine,
        "statement_id": statement_id,
        "speaker_id": speaker,
        "addressee_id": addressee,
        "addressee_as": addressee_as,
        "statement_type": kind,
        "text": text,
        **date_cells(draft, data_dir, found, mine, outlet_voice, date_against, True, ask),
    }
    draft.add("statements", statement)
    draft.add(
        "attestations",
        {
            **evidence,
            "attestation_id": attestation_id,
            "statement_id": statement_id,
            "source_id": source_id,
            "excerpt": found.text,
            "char_start": str(found.start),
            "char_end": str(found.end),
            "evidence_basis": basis,
        },
    )
    _mention_rows(draft, data_dir, statement_id, text, found.text, naming, mentions, suggest_mentions, ask)
    return draft


def _mention_rows(draft, data_dir, statement_id, text, excerpt_text, naming, mentions, suggest, ask) -> None:
    """The statement's mentions: what the text and the excerpt name by name, and `mentions`; what
    they name only by a role or a position's title is offered (asked on a terminal, else noted)."""
    chosen: dict[tuple[str, str], str] = {}
    if suggest and text:
        named = named_in(text, excerpt_text, naming)
        chosen.update(named.by_name)
        draft.notes += [f"mention left out: {why}: pass --mention TYPE:ID=WORDS" for why in named.ambiguous]
        if named.by_name:
            listed = ", ".join(f"{key} ({words!r})" for (_kind, key), words in sorted(named.by_name.items()))
            draft.notes.append(f"mentions: named in the text and the excerpt: {listed}")
        for (kind, key), (words, why) in sorted(named.by_context.items()):
            if (
                ask is not None
                and ask("statement_mentions", f"{words!r} {why}: mention it?", ["yes", "no"], "") == "yes"
            ):
                chosen[(kind, key)] = words
            else:
                draft.notes.append(
                    f"mention left out: {words!r} {why}: pass --mention {kind}:{key}={words} if the statement means it"
                )
    for value in mentions:
        kind, key, words = parse_mention(data_dir, value)
        chosen[(kind, key)] = words
    for (kind, key), words in sorted(chosen.items()):
        draft.add(
            "statement_mentions",
            {"statement_id": statement_id, "entity_type": kind, "entity_id": key, "mentioned_as": words},
        )


def allowed_values(table: str, column: str) -> tuple[str, ...]:
    """The values a column's schema allows: its enum's, or its list items' (topics); () for free text."""
    schema = TABLES_BY_NAME[table].model_json_schema()
    prop = schema["properties"][column]
    for option in prop.get("anyOf", [prop]):
        option = option.get("items", option)
        if "$ref" in option:
            option = schema["$defs"][option["$ref"].split("/")[-1]]
        if "enum" in option:
            return tuple(option["enum"])
    return ()


def draft_event(
    data_dir: Path,
    archive: Location | Archive,
    source_id: str,
    words: str | None,
    chars: tuple[int, int] | None = None,
    given: dict[str, dict[str, str]] | None = None,
    date_against: str | None = None,
    ask: Ask | None = None,
) -> Draft:
    """The event and its attestation for the excerpt `words` (or `chars`) of `source_id`."""
    given = {
        table: with_references(data_dir, table, {k: v for k, v in values.items() if v})
        for table, values in (given or {}).items()
    }
    mine, evidence = given.get("events", {}), given.get("attestations", {})
    draft = Draft()
    found = excerpt(data_dir, archive, source_id, words, chars)
    kind = mine.get("event_type") or _ask_or_note(
        draft,
        ask,
        "event_type",
        "event type",
        list(allowed_values("events", "event_type")),
        "",
        "what kind of event? pass --event-type",
    )
    title = mine.get("title") or _ask_or_note(
        draft, ask, "title", "title", None, "", "a short neutral title, e.g. 'Witkoff–Ushakov phone call': pass --title"
    )
    dates = date_cells(draft, data_dir, found, mine, False, date_against, False, ask)
    event_id = mine.get("event_id")
    if not event_id:
        if not (kind and title):
            raise AddProblem(
                "the event's ID is made from its type, date and title: pass --event-type and --title, or --id"
            )
        kind_words = slug(kind).split("-")
        title_words = [w for w in slug(title).split("-") if w and w not in kind_words]
        if not title_words:
            raise AddProblem(
                f"--title {title!r} has no letters or digits of the IDs' alphabet (a-z, 0-9) to make the ID from: "
                "pass --id, e.g. --id phone-call-2025-10-14-witkoff-ushakov"
            )
        day = dates.get("date", "") if re.fullmatch(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?", dates.get("date", "")) else ""
        event_id = "-".join([*kind_words, *([day] if day else []), *title_words])
    free_id(data_dir, "events", event_id)
    attestation_id = evidence.get("attestation_id") or next_id(data_dir, "attestations")
    if not attestation_id:
        raise AddProblem("attestations has no numbered IDs to follow: pass --attestation-id")
    free_id(data_dir, "attestations", attestation_id)
    basis = evidence.get("evidence_basis") or _ask_or_note(
        draft,
        ask,
        "evidence_basis",
        "evidence basis",
        list(allowed_values("attestations", "evidence_basis")),
        "",
        "what does the source say its knowledge rests on? pass --evidence-basis",
    )
    draft.add("events", {**mine, "event_id": event_id, "event_type": kind, "title": title, **dates})
    draft.add(
        "attestations",
        {
            **evidence,
            "attestation_id": attestation_id,
            "event_id": event_id,
            "source_id": source_id,
            "excerpt": found.text,
            "char_start": str(found.start),
            "char_end": str(found.end),
            "evidence_basis": basis,
        },
    )
    naming = naming_words(data_dir)
    named = named_in(found.text, found.text, naming)
    actors = sorted(key for kind_, key in [*named.by_name, *named.by_context] if kind_ == "actor")
    if actors:
        draft.notes.append(
            f"event_participants: the excerpt names {', '.join(actors)}: add their parts (caller, host, …) to data/event_participants.csv"
        )
    return draft


def draft_actor(
    data_dir: Path,
    archive: Location | Archive | None,
    name: str,
    given: dict[str, dict[str, str]] | None = None,
    ask: Ask | None = None,
) -> Draft:
    """The actor `name`; its role, if given, quoted with the source's own characters from the
    article body of `role_source_id`."""
    mine = with_references(data_dir, "actors", {k: v for k, v in ((given or {}).get("actors") or {}).items() if v})
    draft = Draft()
    known = [row["actor_id"] for row in rows(data_dir, "actors") if name.lower() in map(str.lower, _actor_names(row))]
    if known and not mine.get("actor_id"):
        raise AddProblem(
            f"{name!r} is already the name or an alias of {', '.join(known)}: use that actor; for another actor "
            "of the same name, pass --id with an ID of its own"
        )
    if known:
        draft.notes.append(f"name: {name!r} is also the name or an alias of {', '.join(known)}")
    actor_id = mine.get("actor_id") or slug(name)
    if not actor_id:
        raise AddProblem(
            f"{name!r} has no letters or digits of the IDs' alphabet (a-z, 0-9) to make the ID from: "
            "pass --id, e.g. --id vladimir-putin"
        )
    free_id(data_dir, "actors", actor_id)
    kind = mine.get("actor_type") or _ask_or_note(
        draft,
        ask,
        "actor_type",
        "actor type",
        list(allowed_values("actors", "actor_type")),
        "",
        "what kind of actor? pass --actor-type",
    )
    role, role_source = mine.get("role", ""), mine.get("role_source_id", "")
    if role and not role_source:
        raise AddProblem("--role is quoted from a source: pass --role-source SOURCE_ID as well")
    if role:
        if archive is None:
            raise AddProblem("a role is quoted from the archived source: an archive is needed (--archive)")
        try:
            text, (start, end) = archived_text(data_dir, archive, role_source)
        except SourceProblem as problem:
            raise AddProblem(str(problem)) from None
        spans = find_all(text[start:end], role)
        if not spans:
            raise AddProblem(f"--role {role!r} is not in the article body of {role_source}: copy it from the article")
        role = text[start + spans[0][0] : start + spans[0][1]]  # the source's own characters
    draft.add(
        "actors",
        {**mine, "actor_id": actor_id, "name": name, "actor_type": kind, "role": role, "role_source_id": role_source},
    )
    return draft


# --- writing and checking -----------------------------------------------------------------------------


def csv_line(row: dict[str, str]) -> str:
    """The row as one CSV record (minimal quoting, as `claims fmt` writes it)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row.values())
    return out.getvalue().rstrip("\n")


@dataclass
class Written:
    rows: dict[str, list[int]]  # table → lines of the rows written, after formatting
    reformatted: dict[Path, list[str]]  # files `claims fmt` changed besides appending
    coverage_updated: bool
    findings: list[Finding]  # on the rows written
    elsewhere: int  # findings on other rows
    not_written: dict[Path, str] = field(default_factory=dict)  # files left as they were, and why


@contextmanager
def locked(data_dir: Path) -> Iterator[None]:
    """Hold the data folder (flock on the folder itself: nothing is written for it) while rows are
    drafted and written, so that two `claims add` runs never take the same IDs or write over each
    other; the second waits up to LOCK_WAIT_SECONDS. The kernel drops the lock when the process ends."""
    try:
        handle = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise AddProblem(
            f"{data_dir}: cannot be opened ({error.strerror}): pass --data with the folder of the CSV tables"
        ) from None
    try:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise AddProblem(
                        f"another claims add has been writing to {data_dir} for over {LOCK_WAIT_SECONDS} s: "
                        "wait for it to finish, then run again"
                    ) from None
                time.sleep(0.1)
        yield
    finally:
        os.close(handle)


def planned_files(data_dir: Path, archive: Location | None, draft: Draft) -> tuple[dict[Path, bytes], Written]:
    """Every file `write` would write, with its new bytes, checked before anything is written:
    the tables the draft adds to (its rows appended, then in canonical form), the other tables put
    in canonical form, and the coverage checklist. A table the draft adds to that cannot be read
    or formatted is a problem saying what to fix; another table that cannot be formatted, or a
    checklist that cannot be regenerated, is left as it is (said in `Written.not_written`)."""
    appended = {table: "".join(csv_line(row) + "\n" for row in new) for table, new in draft.rows.items()}
    changed, errors = fmt.planned(data_dir, appended)
    for table in draft.rows:
        path = data_dir / f"{table}.csv"
        if path in errors:  # said as validation says it: the first problem that stops it, with its line
            read, found = read_table(path, TABLES_BY_NAME[table], os.path.relpath(path))
            first = next((f for f in found if not read.loaded or f.line in read.unread), None)
            where = (
                f"{first.path}:{first.line}: [{first.rule}] {first.message}"
                if first
                else f"{os.path.relpath(path)}: {errors[path]}"
            )
            raise AddProblem(
                f"{where}: the rows cannot be added to it; fix it (`claims check` lists every problem), then run claims add again"
            )
    contents = {path: data for path, (data, _what) in changed.items()}
    written = Written(
        rows={},
        reformatted={path: what for path, (_data, what) in changed.items() if path.stem not in draft.rows},
        coverage_updated=False,
        findings=[],
        elsewhere=0,
        not_written=dict(errors),
    )
    if archive is not None and "attestations" in draft.rows:
        attestations_csv = data_dir / "attestations.csv"
        text = contents[attestations_csv].decode("utf-8")
        try:
            before, after = coverage.regenerated(data_dir, archive, list(csv.DictReader(io.StringIO(text, newline=""))))
        except (coverage.CoverageError, OSError) as error:
            written.not_written[data_dir / coverage.CHECKLIST_NAME] = str(error)
        else:
            if after != before:
                contents[data_dir / coverage.CHECKLIST_NAME] = after.encode("utf-8")
                written.coverage_updated = True
    return contents, written


def write(data_dir: Path, archive: Location | None, draft: Draft) -> Written:
    """Write the draft's rows with the tables in canonical form and the coverage checklist up to
    date — every file whole, or none (`planned_files`, `replace_files`) — then validate, and say
    what the checks found on the rows written."""
    contents, written = planned_files(data_dir, archive, draft)
    replace_files(contents)
    for table, new in draft.rows.items():
        model = TABLES_BY_NAME[table]
        key = model.meta.primary_key
        read, _findings = read_table(data_dir / f"{table}.csv", model, table)
        wanted = {tuple(row[k] for k in key) for row in new}
        written.rows[table] = [line for row, line in zip(read.rows, read.lines) if tuple(row[k] for k in key) in wanted]
    run = validate(data_dir, archive)
    ours = {(f"{table}.csv", line) for table, lines in written.rows.items() for line in lines}
    on_rows = [f for f in run.findings if (Path(f.path).name, f.line) in ours]
    written.findings = sorted(on_rows)
    written.elsewhere = len(run.findings) - len(on_rows)
    return written
