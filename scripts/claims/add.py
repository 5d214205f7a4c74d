"""`claims add`: draft rows from the source's own words, as CONTRIBUTING.md's worked example adds
them by hand.

- `statement SOURCE_ID WORDS` (or `chars=(START, END)`): the excerpt, found inside the article body
  only, with its offsets; the statement, its attestation and its mentions, under the next free IDs;
  the speaker, addressee and mentions suggested from the actors' names, aliases, roles and positions
  (and places' and plans' names) found in the excerpt, each mention with its `mentioned_as` words;
  the date from the date words of the excerpt (claims.datewords), resolved against the source's date
  or a named event, or the bound of the reporting source where it has none;
- `event SOURCE_ID WORDS`: the event and its attestation, the same way;
- `actor NAME`: the actor, its role quoted from a source's article body.

Every column can be given (`given`, by the command line's options, which are derived from the
schema: a new column needs no change here). What the words do not decide is left empty and said
(`Draft.notes`), or asked for when a terminal can answer (`ask`): nothing is guessed. `write` then
appends the rows, puts the tables in canonical form, brings the coverage checklist up to date and
validates; `findings_on` picks the findings on the rows written.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from claims import coverage, datewords, fmt
from claims.archive import Archive, Location, find_all
from claims.findings import Finding
from claims.schema import MENTION_TARGETS, TABLES_BY_NAME
from claims.schema.catalogue import ELISION
from claims.schema.fields import LIST_SEPARATOR
from claims.sources import SourceProblem, archived_text, known_source
from claims.tablefile import read_table
from claims.validate import validate

# A question for whoever runs the command, when a terminal can answer: (column, question, choices,
# suggested answer) → the answer ("" for none). Without one (a pipe, a script), nothing is asked.
Ask = Callable[[str, str, list[str] | None, str], str]
NUMBERED = re.compile(r"^(?P<prefix>[a-z0-9-]*?)(?P<number>[0-9]+)$")
# What reports speech around a name in an outlet's sentence ("Witkoff told Ushakov", "said Trump").
SPEECH = r"(?:said|says|told|tells|added|replied|asked|assured|argued|recommended|suggested|announced|mentioned|described|declined)"
QUOTED = re.compile(r"“[^”]*”")


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


def rows(data_dir: Path, table: str) -> list[dict[str, str]]:
    path = data_dir / f"{table}.csv"
    if not path.is_file():
        raise AddProblem(f"{path} does not exist: pass --data with the folder of the CSV tables")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def taken_ids(data_dir: Path, table: str) -> set[str]:
    """Every ID the table has used: its rows', and the retired and published ones (IDs are forever)."""
    key = TABLES_BY_NAME[table].meta.primary_key[0]
    taken = {row[key] for row in rows(data_dir, table)}
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


def naming_words(data_dir: Path) -> list[tuple[str, str, str]]:
    """(words, entity_type, entity_id): every way the data names an entity a statement can mention —
    actors by name, alias, role and the titles of their positions; places and plans by name and alias."""
    words = []
    for row in rows(data_dir, "actors"):
        for name in [*_actor_names(row), row["role"]]:
            words.append((name, "actor", row["actor_id"]))
    for row in rows(data_dir, "positions"):
        words.append((row["title"], "actor", row["actor_id"]))
    for entity_type, (table, key) in MENTION_TARGETS.items():
        if table in {"places", "plans"}:
            label = "name" if table == "places" else "title"
            for row in rows(data_dir, table):
                aliases = row["aliases"].split(LIST_SEPARATOR) if row["aliases"] else []
                words += [(name, entity_type, row[key]) for name in [row[label], *aliases]]
    return [(text, kind, key) for text, kind, key in words if text]


def whole_word_spans(haystack: str, words: str) -> list[tuple[int, int]]:
    """Where `words` occur in `haystack` with no letter or digit either side (as the mention rule reads them)."""
    spans, start = [], haystack.find(words)
    while words and start != -1:
        end = start + len(words)
        if (start == 0 or not haystack[start - 1].isalnum()) and (end == len(haystack) or not haystack[end].isalnum()):
            spans.append((start, end))
        start = haystack.find(words, start + 1)
    return spans


def named_in(
    text: str, excerpt: str, naming: list[tuple[str, str, str]]
) -> tuple[dict[tuple[str, str], str], list[str]]:
    """The entities `text` names, with the words it names each by (also found in `excerpt`): the
    longest words at each place win ("US president" over "US"); words that name two entities name
    neither (said in the second list)."""
    owners: dict[str, set[tuple[str, str]]] = {}
    for words, kind, key in naming:
        owners.setdefault(words, set()).add((kind, key))
    places = sorted(
        (start, -(end - start), words)
        for words in owners
        if whole_word_spans(excerpt, words)
        for start, end in whole_word_spans(text, words)
    )
    found: dict[tuple[str, str], str] = {}
    ambiguous, covered = [], -1
    for start, negative_length, words in places:
        if start < covered:
            continue
        covered = start - negative_length
        if len(owners[words]) > 1:
            ambiguous.append(f"{words!r} names {', '.join(sorted(f'{k} {i}' for k, i in owners[words]))}")
            continue
        found.setdefault(next(iter(owners[words])), words)
    return found, ambiguous


def framed_speakers(excerpt: str, naming: list[tuple[str, str, str]]) -> tuple[set[str], set[str]]:
    """Actors the excerpt's own framing presents as speaking ("Witkoff said", "said Trump") and as
    spoken to ("told Ushakov"), outside its quotation marks: suggestions, never written unasked."""
    framing = QUOTED.sub("“”", excerpt)
    speakers, addressees = set(), set()
    for words, kind, key in naming:
        if kind != "actor":
            continue
        name = re.escape(words)
        if re.search(rf"(?<!\w){name} (?:\w+ )?{SPEECH}\b|\b{SPEECH} {name}(?!\w)", framing):
            speakers.add(key)
        if _spoken_to(framing, words):
            addressees.add(key)
    return speakers, addressees - speakers


def _spoken_to(framing: str, words: str) -> bool:
    """The framing presents `words` as the one spoken to ("told Ushakov")."""
    return re.search(rf"\b(?:told|asked|assured) {re.escape(words)}(?!\w)", framing) is not None


def addressee_words(excerpt: str, naming: list[tuple[str, str, str]], actor_id: str) -> str:
    """The excerpt's words that name `actor_id` (its name, an alias, its role, a position's title),
    those the framing says were spoken to ("told Ushakov") first, then the longest; "" for none."""
    framing = QUOTED.sub("“”", excerpt)
    found = [
        words for words, kind, key in naming if kind == "actor" and key == actor_id and whole_word_spans(excerpt, words)
    ]
    return max([words for words in found if _spoken_to(framing, words)] or found, key=len, default="")


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
    if chars is not None:
        start, end = chars
        if not (body_start <= start < end <= body_end):
            raise AddProblem(
                f"--chars {start}:{end} is not inside the article body of {source_id} ({body_start}:{body_end})"
            )
    else:
        if not words or not words.strip():
            raise AddProblem("give the words of the passage to quote, or --chars START:END")
        spans = find_all(text, words)
        inside = [(s, e) for s, e in spans if body_start <= s and e <= body_end]
        if not inside:
            where = (
                f"only outside the article body ({body_start}:{body_end}), in page furniture, which is not data"
                if spans
                else "not in the archived text: copy them from the article (`claims locate` finds words)"
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


def date_cells(
    draft: Draft,
    data_dir: Path,
    found: Excerpt,
    given: dict[str, str],
    outlet_voice: bool,
    against: str | None,
) -> dict[str, str]:
    """The date columns: as given; for the outlet's own voice, the article's date line; else the
    date words of the excerpt outside its quotations, resolved; else the bound of the reporting
    source (on or before its date). What cannot be resolved without a guess stays empty, said why."""
    date_words = None
    if set(given) & set(DATE_COLUMNS) == {"date_text"}:  # the words to resolve, among the excerpt's
        date_words = given["date_text"]
    elif any(given.get(column) for column in DATE_COLUMNS):
        return {column: given.get(column, "") for column in DATE_COLUMNS}
    day = _source_day(found.source)
    if day is None:
        draft.notes.append(f"date: left empty: source {found.source_id} has no published_at to resolve dates against")
        return {}
    source = datewords.source_anchor(found.source_id, day)
    if outlet_voice:
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
    outside_quotes = QUOTED.sub(lambda quote: " " * len(quote.group()), found.text)
    results = datewords.resolutions(outside_quotes, source, anchor, only=date_words)
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
    if date_words is not None and not results:
        raise AddProblem(
            f"--date-text {date_words!r}: not among the date words of the excerpt (outside its quotations); "
            "give the other date columns too to date it otherwise"
        )
    if resolved:
        listed = "; ".join(f"{r.words!r} = {r.edtf}" for r in resolved)
        draft.notes.append(
            f"date: left empty: the excerpt's date words disagree ({listed}): pass --date-text WORDS to choose"
        )
        return {}
    if results:
        draft.notes += [f"date: left empty: {why}" for why in results if isinstance(why, str)]
        return {}
    draft.notes.append(
        f"date: the excerpt has no date words: bounded by the source that reports it, on or before {day} "
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
    """A direct quote's text: the parts of the excerpt in curly quotes, joined with ' […] ', without
    the comma the framing leaves at a part's end ("…done,” Witkoff said.")."""
    parts = [part[1:-1] for part in QUOTED.findall(excerpt_text)]
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
    if not text and kind == "direct_quote" and QUOTED.search(found.text):
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
        **date_cells(draft, data_dir, found, mine, outlet_voice, date_against),
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
    _mention_rows(draft, data_dir, statement_id, text, found.text, naming, mentions, suggest_mentions)
    return draft


def _mention_rows(draft, data_dir, statement_id, text, excerpt_text, naming, mentions, suggest) -> None:
    chosen: dict[tuple[str, str], str] = {}
    if suggest and text:
        named, ambiguous = named_in(text, excerpt_text, naming)
        chosen.update(named)
        draft.notes += [f"mention left out: {why}: pass --mention TYPE:ID=WORDS" for why in ambiguous]
        if named:
            listed = ", ".join(f"{key} ({words!r})" for (_kind, key), words in sorted(named.items()))
            draft.notes.append(f"mentions: named in the text and the excerpt: {listed}")
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
    dates = date_cells(draft, data_dir, found, mine, False, date_against)
    event_id = mine.get("event_id")
    if not event_id:
        if not (kind and title):
            raise AddProblem(
                "the event's ID is made from its type, date and title: pass --event-type and --title, or --id"
            )
        kind_words = slug(kind).split("-")
        day = dates.get("date", "") if re.fullmatch(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?", dates.get("date", "")) else ""
        event_id = "-".join(
            [*kind_words, *([day] if day else []), *(w for w in slug(title).split("-") if w not in kind_words)]
        )
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
    named, _ambiguous = named_in(found.text, found.text, naming)
    actors = sorted(key for kind_, key in named if kind_ == "actor")
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
    actor_id = free_id(data_dir, "actors", mine.get("actor_id") or slug(name))
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


def write(data_dir: Path, archive: Location | None, draft: Draft) -> Written:
    """Append the draft's rows, put the tables in canonical form, update the coverage checklist,
    validate, and say what the checks found on the rows written."""
    for table, new in draft.rows.items():
        path = data_dir / f"{table}.csv"
        existing = path.read_text(encoding="utf-8")
        lines = "".join(csv_line(row) + "\n" for row in new)
        path.write_text(existing + ("" if existing.endswith("\n") or not existing else "\n") + lines, encoding="utf-8")
    reformatted, errors = fmt.format_tables(data_dir)
    if errors:
        raise AddProblem("; ".join(f"{path.name}: {why}" for path, why in errors.items()))
    coverage_updated = archive is not None and coverage.write(data_dir, archive)
    lines_written: dict[str, list[int]] = {}
    for table, new in draft.rows.items():
        model = TABLES_BY_NAME[table]
        key = model.meta.primary_key
        read, _findings = read_table(data_dir / f"{table}.csv", model, table)
        wanted = {tuple(row[k] for k in key) for row in new}
        lines_written[table] = [
            line for row, line in zip(read.rows, read.lines) if tuple(row[k] for k in key) in wanted
        ]
    run = validate(data_dir, archive)
    ours = {(f"{table}.csv", line) for table, lines in lines_written.items() for line in lines}
    on_rows = [f for f in run.findings if (Path(f.path).name, f.line) in ours]
    return Written(
        lines_written,
        {path: what for path, what in reformatted.items() if path.stem not in draft.rows},
        coverage_updated,
        sorted(on_rows),
        len(run.findings) - len(on_rows),
    )
