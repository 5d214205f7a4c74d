"""A way to break each rule of the catalogue (and each rule the expectation suites name) in a copy
of the data: GENERATORS maps a rule id to its generator and to what its check needs beyond the fast
layers. The engine comparisons break the curated and the synthetic data with them."""

from __future__ import annotations

from datetime import date, timedelta

from claims.schema.catalogue import CELL_MAX_CHARS
from claims.schema.text import whole_words_in


def first(d, table, **wanted):
    """The first row of `table` whose cells satisfy `wanted`: a value, or a predicate on the cell."""
    _, rows = d.read(table)
    for row in rows:
        if all(test(row[k]) if callable(test) else row[k] == test for k, test in wanted.items()):
            return row
    raise LookupError(f"no row of {table} with {wanted}")


def key(table):
    from claims.schema import TABLES_BY_NAME

    name = TABLES_BY_NAME[table].meta.primary_key[0]
    return lambda row: {name: row[name]}


def edit(d, table, row, **changes):
    return d.edit(table, key(table)(row), **changes)


def raw(table, transform):
    return lambda d: d.path(table).write_bytes(transform(d.path(table).read_bytes()))


filled = bool


def blank(value):
    return value == ""


def day(text, shift):
    return (date.fromisoformat(text) + timedelta(days=shift)).isoformat()


def _redate(d, statement, value):
    edit(
        d,
        "statements",
        statement,
        date=value,
        date_text="on that day",
        date_min=value,
        date_max=value,
        date_resolved_against="test",
    )


def _missing_column(d):
    header, rows = d.read("places")
    d.write("places", header[:-1], [{k: v for k, v in row.items() if k in header[:-1]} for row in rows])


def _date_bounds(d):
    statement = first(d, "statements", event_id=blank, date_min=filled, date_max=filled)
    edit(d, "statements", statement, date_max=day(statement["date_min"], -1))


def _dated_after_source(d):
    statement = first(d, "statements", event_id=blank, date=lambda v: len(v) == 10)
    sources = {a["source_id"] for a in d.read("attestations")[1] if a["statement_id"] == statement["statement_id"]}
    latest = max(first(d, "sources", source_id=s)["published_at"][:10] for s in sources)
    _redate(d, statement, day(latest, 1))


def _event_date(d):
    statement = first(d, "statements", event_id=filled, date=lambda v: len(v) == 10)
    event = first(d, "events", event_id=statement["event_id"])
    _redate(d, statement, day(event["date_min"], -1))


def _speaker_not_participant(d):
    statement = first(d, "statements", event_id=filled)
    taking_part = {p["actor_id"] for p in d.read("event_participants")[1] if p["event_id"] == statement["event_id"]}
    outsider = first(d, "actors", actor_id=lambda a: a not in taking_part and a != statement["addressee_id"])
    edit(d, "statements", statement, speaker_id=outsider["actor_id"])


def _unarchived_source(d):
    unarchived = first(d, "sources", archive_sha256=blank)
    attestation = first(d, "attestations", statement_id=filled, via_source_id=lambda v: v != unarchived["source_id"])
    edit(d, "attestations", attestation, source_id=unarchived["source_id"])


def _duplicate_statement(d):
    statement = first(d, "statements")
    d.append("statements", **{**statement, "statement_id": "st-copy-of-first"})
    attestation = first(d, "attestations", statement_id=statement["statement_id"])
    d.append(
        "attestations", **{**attestation, "attestation_id": "att-copy-of-first", "statement_id": "st-copy-of-first"}
    )


def _shift(d):
    attestation = first(d, "attestations", statement_id=filled)
    edit(
        d,
        "attestations",
        attestation,
        char_start=str(int(attestation["char_start"]) + 1),
        char_end=str(int(attestation["char_end"]) + 1),
    )


def _outside_article(d):
    source = first(d, "sources", body_char_start=filled)
    attestations = [a for a in d.read("attestations")[1] if a["source_id"] == source["source_id"]]
    earliest = min(attestations, key=lambda a: int(a["char_start"]))
    edit(d, "sources", source, body_char_start=str(int(earliest["char_start"]) + 1))


def _quote_outside(d):
    statement = first(d, "statements", statement_type="direct_quote")
    edit(d, "statements", statement, text=statement["text"] + " and more")


def _event_without_participants(d):
    event = first(d, "events")
    attestation = first(d, "attestations", event_id=event["event_id"])
    d.append("events", **{**event, "event_id": "event-without-anyone"})
    d.append(
        "attestations",
        **{**attestation, "attestation_id": "att-of-event-without-anyone", "event_id": "event-without-anyone"},
    )


def _clear(table, column, rows):
    def apply(d):
        header, found = d.read(table)
        for row in found[:rows]:
            row[column] = ""
        d.write(table, header, found)

    return apply


def _keep_one(table):
    return lambda d: d.write(table, d.read(table)[0], d.read(table)[1][:1])


def _offsets_past_text(d):
    attestation = first(d, "attestations", statement_id=filled)
    source = first(d, "sources", source_id=attestation["source_id"])
    edit(d, "sources", source, body_char_start="", body_char_end="")
    edit(d, "attestations", attestation, char_start="99999990", char_end=str(99999990 + len(attestation["excerpt"])))


def _outlet_claim_by_a_person(d):
    people = {a["actor_id"] for a in d.read("actors")[1] if a["actor_type"] == "person"}
    statement = first(d, "statements", speaker_id=lambda s: s in people, statement_type=lambda t: t != "outlet_claim")
    edit(d, "statements", statement, statement_type="outlet_claim")


def _mention_not_named(d):
    mention = first(d, "statement_mentions")
    match = {k: mention[k] for k in ("statement_id", "entity_type", "entity_id")}
    d.edit("statement_mentions", match, mentioned_as="words in neither text nor excerpt")


def _addressee_not_named(d):
    statement = first(d, "statements", addressee_id=filled, addressee_as=filled)
    edit(d, "statements", statement, addressee_as="words in none of its excerpts")


def _date_unbounded(d):
    # an event that may have happened after the sources reporting it were published
    event = first(d, "events", date_min=filled)
    edit(d, "events", event, date=f"[{event['date_min']}..2026-12-31]", date_max="2026-12-31")


def _unattributed_named_speaker(d):
    named = {a["actor_id"] for a in d.read("actors")[1] if a["unnamed"] != "true"}
    spoken = {s["statement_id"] for s in d.read("statements")[1] if s["speaker_id"] in named}
    edit(d, "attestations", first(d, "attestations", statement_id=lambda s: s in spoken), evidence_basis="unattributed")


def _participant_not_named(d):
    # an actor that no excerpt of the event names, by name or alias, taking part in it
    event = first(d, "events")["event_id"]
    excerpts = [a["excerpt"] for a in d.read("attestations")[1] if a["event_id"] == event]
    taking_part = {p["actor_id"] for p in d.read("event_participants")[1] if p["event_id"] == event}

    def unnamed(actor):
        names = [actor["name"], *filter(None, actor["aliases"].split("|"))]
        return not any(whole_words_in(name, excerpt) for name in names for excerpt in excerpts)

    actor = next(a for a in d.read("actors")[1] if a["actor_id"] not in taking_part and unnamed(a))
    d.append("event_participants", event_id=event, actor_id=actor["actor_id"], role="participant")


def _provision_without_topic(d):
    given = {m["statement_id"] for m in d.read("statement_mentions")[1] if m["entity_type"] == "provision"}
    edit(d, "statements", first(d, "statements", statement_id=lambda s: s in given), topics="diplomacy")


def _title_not_quoted(d):
    source = first(d, "sources", archive_sha256=filled)
    d.append(
        "positions",
        position_id="position-not-quoted",
        actor_id=first(d, "actors")["actor_id"],
        title="Grand Vizier of Nowhere",
        source_id=source["source_id"],
    )


def _study_window(d):
    statement = first(d, "statements", event_id=blank, date=filled)
    _redate(d, statement, "2024-05-01")


# rule id -> (generator, what its check needs beyond the fast layers: "archive", "expectations")
GENERATORS = {
    # files and records
    "missing-file": (lambda d: d.path("places").unlink(), ()),
    "unreadable-file": (lambda d: (d.path("places").unlink(), d.path("places").mkdir()), ()),
    "nul-byte": (raw("places", lambda b: b.replace(b"\n", b"\x00\n", 2)), ()),
    "encoding": (raw("places", lambda b: b"\xef\xbb\xbf" + b), ()),
    "empty-file": (raw("places", lambda b: b""), ()),
    "line-endings": (raw("places", lambda b: b.replace(b"\n", b"\r\n")), ()),
    "csv-quoting": (raw("places", lambda b: b + b'x,"Unclosed,city,,,,\n'), ()),
    "unknown-column": (raw("places", lambda b: b.replace(b"notes", b"note", 1)), ()),
    "missing-column": (_missing_column, ()),
    "duplicate-column": (raw("places", lambda b: b.replace(b"notes", b"name", 1)), ()),
    "column-order": (raw("places", lambda b: b.replace(b"place_id,name", b"name,place_id", 1)), ()),
    "blank-row": (raw("places", lambda b: b + b"\n"), ()),
    "cell-count": (raw("places", lambda b: b + b"x,X,city,,,,,\n"), ()),
    # cells
    "cell-too-long": (lambda d: edit(d, "actors", first(d, "actors"), notes="x" * (CELL_MAX_CHARS + 1)), ()),
    "type-error": (lambda d: edit(d, "attestations", first(d, "attestations"), char_start="twelve"), ()),
    "required": (lambda d: edit(d, "actors", first(d, "actors"), name=""), ()),
    "pattern": (lambda d: edit(d, "actors", first(d, "actors"), country="usa"), ()),
    "enum": (lambda d: edit(d, "actors", first(d, "actors"), actor_type="newspaper"), ()),
    "maxLength": (lambda d: d.append("places", place_id="p" * 90, name="Far", place_type="city"), ()),
    "minimum": (lambda d: edit(d, "attestations", first(d, "attestations"), char_start="-4"), ()),
    "maximum": (lambda d: edit(d, "plans", first(d, "plans"), point_count="99999999999999999999"), ()),
    "formula-injection": (lambda d: edit(d, "actors", first(d, "actors"), notes="-2+3+cmd|' /C calc'!A0"), ()),
    "padding": (lambda d: edit(d, "actors", first(d, "actors"), notes="note "), ()),
    "invisible-character": (lambda d: edit(d, "actors", first(d, "actors"), notes="a\u2066b"), ()),
    "control-character": (lambda d: edit(d, "actors", first(d, "actors"), notes="a\x07b"), ()),
    "edtf": (lambda d: edit(d, "statements", first(d, "statements", date=filled), date="2025-13-01"), ()),
    "timestamp": (
        lambda d: edit(d, "sources", first(d, "sources", published_at=filled), published_at="2025-02-30"),
        (),
    ),
    "list": (lambda d: edit(d, "actors", first(d, "actors"), aliases="Same|Same"), ()),
    # rows
    "role-source": (lambda d: edit(d, "actors", first(d, "actors", role=filled), role_source_id=""), ()),
    "self-reference": (lambda d: edit(d, "places", first(d, "places"), part_of_id=first(d, "places")["place_id"]), ()),
    "body-span": (lambda d: edit(d, "sources", first(d, "sources", body_char_end=filled), body_char_end=""), ()),
    "date-missing": (lambda d: edit(d, "statements", first(d, "statements", date=filled), date=""), ()),
    "date-wording": (lambda d: edit(d, "statements", first(d, "statements", date=filled), date_text=""), ()),
    "date-bounds": (_date_bounds, ()),
    "speaker-is-addressee": (
        lambda d: edit(
            d, "statements", (s := first(d, "statements", addressee_id=filled)), addressee_id=s["speaker_id"]
        ),
        (),
    ),
    "language-basis": (lambda d: edit(d, "statements", first(d, "statements", language=filled), language_basis=""), ()),
    "addressee-wording": (
        lambda d: edit(d, "statements", first(d, "statements", addressee_id=filled), addressee_as=""),
        (),
    ),
    "translation-language": (
        lambda d: edit(d, "statements", first(d, "statements"), translated="true", language=""),
        (),
    ),
    "quote-shape": (
        lambda d: edit(
            d, "statements", first(d, "statements", statement_type="partial_quote"), text="Said nothing in quotes."
        ),
        (),
    ),
    "attests-one": (
        lambda d: edit(
            d, "attestations", first(d, "attestations", statement_id=filled), event_id=first(d, "events")["event_id"]
        ),
        (),
    ),
    "offsets": (lambda d: edit(d, "attestations", (a := first(d, "attestations")), char_end=a["char_start"]), ()),
    # keys and cross-table rules
    "primary-key": (lambda d: d.append("places", **first(d, "places")), ()),
    "foreign-key": (lambda d: edit(d, "statements", first(d, "statements"), speaker_id="nobody-at-all"), ()),
    "unattested": (lambda d: d.delete("attestations", statement_id=first(d, "statements")["statement_id"]), ()),
    "unarchived-source": (_unarchived_source, ()),
    "dated-after-source": (_dated_after_source, ()),
    "event-date": (_event_date, ()),
    "speaker-not-participant": (_speaker_not_participant, ()),
    "retired-id-reused": (
        lambda d: d.append(
            "retired_ids",
            table_name="places",
            id=first(d, "places")["place_id"],
            retired_on="2026-01-01",
            reason="test",
        ),
        (),
    ),
    "published-id-removed": (
        lambda d: d.append("published_ids", table_name="places", id="a-place-long-gone", first_version="0.1.0"),
        (),
    ),
    "release-order": (
        lambda d: [
            d.append("releases", version=version, released_on="2030-01-01", data_sha256="0" * 64)
            for version in ("1000.0.0", "1000.1.0")
        ],
        (),
    ),
    "duplicate-statement": (_duplicate_statement, ()),
    "outlet-claim-speaker": (_outlet_claim_by_a_person, ()),
    "mention-not-named": (_mention_not_named, ()),
    "addressee-not-named": (_addressee_not_named, ()),
    "date-unbounded": (_date_unbounded, ()),
    "evidence-basis-speaker": (_unattributed_named_speaker, ()),
    "participant-not-named": (_participant_not_named, ()),
    "event-words-not-quoted": (lambda d: edit(d, "events", first(d, "events"), location="Nowhere in particular"), ()),
    "plan-name-not-quoted": (lambda d: edit(d, "plans", first(d, "plans"), title="Grand Plan of Nowhere"), ()),
    "provision-topic": (_provision_without_topic, ()),
    # the archive
    "archive-missing": (
        lambda d: edit(d, "sources", first(d, "sources", archive_sha256=filled), archive_sha256="0" * 64),
        ("archive",),
    ),
    "excerpt-mismatch": (_shift, ("archive",)),
    "outside-article": (_outside_article, ("archive",)),
    "quote-outside-excerpt": (_quote_outside, ("archive",)),
    "role-not-quoted": (
        lambda d: edit(d, "actors", (a := first(d, "actors", role=filled)), role=a["role"] + " emeritus"),
        ("archive",),
    ),
    "title-not-quoted": (_title_not_quoted, ("archive",)),
    "date-text-not-quoted": (
        lambda d: edit(d, "statements", first(d, "statements", date_text=filled), date_text="words never written"),
        ("archive",),
    ),
    "wikidata-unconfirmed": (lambda d: edit(d, "actors", first(d, "actors"), wikidata_id="Q999999999"), ("archive",)),
    # rules the expectation suites name
    "row-count": (_keep_one("plans"), ("expectations",)),
    "fill-rate": (_clear("statements", "topics", 10**9), ("expectations",)),
    "unreferenced-actor": (
        lambda d: d.append("actors", actor_id="nobody-at-all", name="Nobody", actor_type="person"),
        ("expectations",),
    ),
    "unreferenced-place": (
        lambda d: d.append("places", place_id="nowhere-at-all", name="Nowhere", place_type="city"),
        ("expectations",),
    ),
    "unattested-plan": (
        lambda d: d.append("plans", plan_id="plan-unmentioned", title="A plan no one mentions", status="proposed"),
        ("expectations",),
    ),
    "unattested-provision": (
        lambda d: d.append(
            "provisions",
            provision_id="term-unmentioned",
            plan_id=first(d, "plans")["plan_id"],
            summary="A term.",
            topic="territory",
        ),
        ("expectations",),
    ),
    "event-without-participants": (_event_without_participants, ("expectations",)),
    "offsets-past-text": (_offsets_past_text, ("expectations", "archive")),
    "study-window": (_study_window, ("expectations",)),
}
