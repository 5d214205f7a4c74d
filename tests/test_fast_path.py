"""The fast path (rules compiled to DuckDB SQL) and the reference (frictionless, pydantic, Great
Expectations, row by row) report the same findings, one by one, on every broken fixture."""

from pathlib import Path

import pytest

from claims.validate import validate

pytestmark = pytest.mark.slow

FORTUNE = "fortune-2025-11-25-witkoff-advised-russia"


def edit(table, match, **changes):
    return lambda d: d.edit(table, match, **changes)


def append(table, **cells):
    return lambda d: d.append(table, **cells)


def raw(table, transform):
    return lambda d: d.path(table).write_bytes(transform(d.path(table).read_bytes()))


def shift(attestation_id, by):
    def apply(d):
        row = d.row("attestations", attestation_id=attestation_id)
        d.edit(
            "attestations",
            {"attestation_id": attestation_id},
            char_start=str(int(row["char_start"]) + by),
            char_end=str(int(row["char_end"]) + by),
        )

    return apply


def unreadable(table):
    """The table's file replaced by a folder: it cannot be read at all."""

    def apply(d):
        d.path(table).unlink()
        d.path(table).mkdir()

    return apply


def source_copy(before: bool, **changes):
    """A second row with the Fortune source's key, after or before the original."""

    def apply(d):
        header, rows = d.read("sources")
        at = next(i for i, row in enumerate(rows) if row["source_id"] == FORTUNE)
        rows.insert(at if before else len(rows), {**rows[at], **changes})
        d.write("sources", header, rows)

    return apply


def each(*steps):
    return lambda d: [step(d) for step in steps]


S7 = {"statement_id": "st-007"}
RUBIO_TALKS = {"event_id": "talks-2025-11-23-ukraine-rubio"}
FIXTURES = {
    "clean": lambda d: None,
    "missing-file": lambda d: d.path("places").unlink(),
    "nul-byte": raw("actors", lambda b: b.replace(b"\n", b"\x00\n", 2)),
    "bom": raw("places", lambda b: b"\xef\xbb\xbf" + b),
    "crlf": raw("places", lambda b: b.replace(b"\n", b"\r\n")),
    "latin-1": raw("actors", lambda b: b.replace("Putin’s".encode(), b"Putin\x92s")),
    "broken-quoting": raw("places", lambda b: b + b'x,"Unclosed,city,,,,\n'),
    "cell-count": raw("places", lambda b: b + b"x,X,city,,,,,\n"),
    "blank-row": raw("places", lambda b: b + b"\n"),
    "unknown-column": raw("places", lambda b: b.replace(b"notes", b"note", 1)),
    "empty-file": raw("places", lambda b: b""),
    "type-error": edit("attestations", {"attestation_id": "att-001"}, char_start="twelve"),
    "negative": edit("attestations", {"attestation_id": "att-001"}, char_start="-4"),
    "required": edit("actors", {"actor_id": "axios"}, name=""),
    "enum": edit("actors", {"actor_id": "axios"}, actor_type="newspaper"),
    "id-capitals": edit("actors", {"actor_id": "axios"}, actor_id="Axios"),
    "id-zero-width": edit("actors", {"actor_id": "axios"}, actor_id="axios\u200b"),
    "id-too-long": edit("places", {"place_id": "gaza"}, place_id="g" * 90),
    "bad-edtf": edit("statements", S7, date="2025-13-01"),
    "date-bounds": edit("statements", S7, date_min="2025-10-13"),
    "date-max-before-min": edit("statements", S7, date="2025-10", date_min="2025-10-20", date_max="2025-10-10"),
    "date-wording": edit("statements", S7, date_text=""),
    "date-missing": edit("statements", S7, date=""),
    "bad-date-cell": edit("statements", S7, date_min="2025-10-32"),
    "speaker-is-addressee": edit("statements", S7, addressee_id="steve-witkoff"),
    "translation": edit("statements", S7, language="", translated="true"),
    "boolean": edit("statements", S7, translated="yes"),
    "partial-quote-shape": edit("statements", {"statement_id": "st-027"}, text="Asked whether it would be useful."),
    "direct-quote-shape": edit("statements", {"statement_id": "st-030"}, text="From that […]  […] call"),
    "attests-one": edit(
        "attestations", {"attestation_id": "att-001"}, event_id="phone-call-2025-10-14-witkoff-ushakov"
    ),
    "offsets-length": edit("attestations", {"attestation_id": "att-001"}, char_end="99999"),
    "url": edit("sources", {"source_id": FORTUNE}, url="ftp://example.org/x"),
    "timestamp": edit("sources", {"source_id": FORTUNE}, published_at="2025-02-30"),
    "formula": edit("actors", {"actor_id": "axios"}, notes="=SUM(A1)"),
    "padding": edit("actors", {"actor_id": "axios"}, name=" Axios"),
    "nbsp-padding": edit("actors", {"actor_id": "axios"}, name="Axios\u00a0"),
    "control": edit("actors", {"actor_id": "axios"}, name="Ax\x07ios"),
    "list-duplicates": edit("actors", {"actor_id": "vladimir-putin"}, aliases="Putin|Putin"),
    "topics": edit("statements", S7, topics="peace_plan|weather"),
    "role-source": edit("actors", {"actor_id": "dmitry-peskov"}, role_source_id=""),
    "body-span": edit("sources", {"source_id": FORTUNE}, body_char_end=""),
    "self-reference": edit("places", {"place_id": "queens"}, part_of_id="queens"),
    "dangling": edit("statements", S7, speaker_id="steve-witkof"),
    "duplicate-key": append("places", place_id="gaza", name="Gaza again", place_type="region"),
    "mention-target": append(
        "statement_mentions", statement_id="st-001", entity_type="place", entity_id="steve-witkoff"
    ),
    "unattested": lambda d: d.delete("attestations", statement_id="st-041"),
    "dated-after-source": edit(
        "statements",
        {"statement_id": "st-009"},
        date="2025-11-26",
        date_min="2025-11-26",
        date_max="2025-11-26",
        event_id="",
    ),
    "event-date": edit("statements", S7, date="2025-10-15", date_min="2025-10-15", date_max="2025-10-15"),
    "speaker-not-participant": edit(
        "statements", {"statement_id": "st-021"}, event_id="phone-call-2025-10-14-witkoff-ushakov"
    ),
    "retired-reused": append("retired_ids", table_name="places", id="budapest", retired_on="2026-11-29", reason="test"),
    "excerpt-shifted": shift("att-004", 1),
    "excerpt-straight-quotes": lambda d: d.edit(
        "attestations",
        {"attestation_id": "att-007"},
        excerpt=d.row("attestations", attestation_id="att-007")["excerpt"].replace("’", "'"),
    ),
    "quote-outside-excerpt": lambda d: d.edit(
        "statements", S7, text=d.row("statements", **S7)["text"].replace("I’m", "I am")
    ),
    "role-not-quoted": edit("actors", {"actor_id": "yuri-ushakov"}, role="Putin's top foreign policy aide"),
    "wikidata": edit("actors", {"actor_id": "steve-witkoff"}, wikidata_id="Q22686"),
    # the rules a fact-check of the rows against the article showed were missing
    "outlet-claim-speaker": edit("statements", {"statement_id": "st-002"}, speaker_id="steve-witkoff"),
    "mention-not-named": append(
        "statement_mentions", statement_id="st-003", entity_type="place", entity_id="gaza", mentioned_as="Gaza"
    ),
    "mention-pronoun": append(
        "statement_mentions", statement_id="st-021", entity_type="actor", entity_id="vladimir-putin", mentioned_as="he"
    ),
    "language-without-basis": edit("statements", S7, language="en", translated="false"),
    "basis-without-language": edit("statements", S7, language_basis="stated_by_source"),
    "evident-language-of-a-paraphrase": edit(
        "statements", {"statement_id": "st-044"}, language_basis="evident_from_quote"
    ),
    "evident-language-translated": edit(
        "statements", {"statement_id": "st-009"}, language="ru", language_basis="evident_from_quote", translated="true"
    ),
    "mention-not-in-excerpt": lambda d: (
        d.edit(
            "statements", {"statement_id": "st-032"}, text="Ushakov appeared to take some of Witkoff’s advice on board."
        ),
        d.append(
            "statement_mentions",
            statement_id="st-032",
            entity_type="actor",
            entity_id="steve-witkoff",
            mentioned_as="Witkoff",
        ),
    ),
    "open-date-bound-missing": edit("events", {"event_id": "release-hamas-final-living-hostages"}, date_max=""),
    "open-date-bound-outside": edit(
        "events", {"event_id": "release-hamas-final-living-hostages"}, date_min="2025-10-20"
    ),
    "position-self-reference": edit(
        "positions", {"position_id": "kirill-dmitriev-heads-rdif"}, organization_id="kirill-dmitriev"
    ),
    "position-unarchived-source": edit(
        "positions", {"position_id": "kirill-dmitriev-heads-rdif"}, source_id="axios-interview-dmitriev"
    ),
    "unreadable-actors": each(
        unreadable("actors"), edit("events", RUBIO_TALKS, date_text="Thursday"), shift("att-015", 3)
    ),
    "unreadable-attestations": each(
        unreadable("attestations"), edit("actors", {"actor_id": "kirill-dmitriev"}, role="Putin’s envoy for everything")
    ),
    "unreadable-statements": each(unreadable("statements"), shift("att-015", 3)),
    "date-text-of-another-paragraph": edit("statements", {"statement_id": "st-015"}, date_text="Sunday"),
    "date-text-inside-a-word": edit("statements", S7, date_text="Oct. 1"),
    "date-text-not-the-dateline": edit("statements", {"statement_id": "st-001"}, date_text="Sunday"),
    "date-text-without-the-event": edit("statements", {"statement_id": "st-060"}, event_id=""),
    "addressee-is-the-speaker": edit("statements", {"statement_id": "st-004"}, addressee_as="Witkoff"),
    "addressee-description-without-a-name": edit(
        "statements", {"statement_id": "st-022"}, addressee_as="his Russian counterpart"
    ),
    "duplicated-source-after": source_copy(before=False, body_char_end="2000"),
    "duplicated-source-before": source_copy(before=True, body_char_end="2000"),
    "title-not-quoted": edit(
        "positions", {"position_id": "kirill-dmitriev-heads-rdif"}, title="head of the Russian Direct Investment Fund"
    ),
}


def drop_participants(d):
    d.delete("event_participants", event_id="social-media-post-trump-truth-social-28-point-plan")
    d.edit("statements", {"statement_id": "st-016"}, event_id="")


def clear_topics(d):
    header, rows = d.read("statements")
    for row in rows[:20]:
        row["topics"] = ""
    d.write("statements", header, rows)


# Fixtures that only the expectation suites catch: compared with that layer included.
EXPECTATION_FIXTURES = {
    "unreferenced-actor": append("actors", actor_id="nobody-at-all", name="Nobody", actor_type="person"),
    "unreferenced-place": append("places", place_id="nowhere", name="Nowhere", place_type="city"),
    "unattested-plan": append("plans", plan_id="plan-unmentioned", title="A plan no one mentions", status="proposed"),
    "event-without-participants": drop_participants,
    "study-window": edit(
        "statements",
        {"statement_id": "st-010"},
        date="2024-05-01",
        date_text="May 1",
        date_min="2024-05-01",
        date_max="2024-05-01",
        date_resolved_against="test",
    ),
    "fill-rate": clear_topics,
    "row-count": lambda d: d.write("plans", d.read("plans")[0], d.read("plans")[1][:1]),
}
LAYERS = ("structure", "rows", "integrity", "provenance")


def keys(run):
    """Every finding in full (file, line, column, rule, message, hint), as many times as reported."""
    return sorted((Path(f.path).name, f.line, f.column, f.rule, f.message, f.hint) for f in run.findings)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fast_path_equals_reference(dataset, archive, name):
    FIXTURES[name](dataset)
    reference = validate(dataset.dir, dataset.archive, layers=LAYERS, engine="reference")
    fast = validate(dataset.dir, dataset.archive, layers=LAYERS, engine="fast")
    assert keys(fast) == keys(reference)
    if name != "clean":
        assert keys(reference), "the fixture must break something"


@pytest.mark.parametrize("name", sorted(EXPECTATION_FIXTURES))
def test_compiled_expectations_equal_great_expectations(dataset, archive, name):
    EXPECTATION_FIXTURES[name](dataset)
    everything = LAYERS + ("expectations",)
    reference = validate(dataset.dir, dataset.archive, layers=everything, engine="reference")
    fast = validate(dataset.dir, dataset.archive, layers=everything, engine="fast")
    assert keys(fast) == keys(reference)
    assert any(f.layer == "expectations" for f in reference.findings)


def test_clean_files_are_read_by_duckdb_not_the_reference_reader(dataset):
    fast = validate(dataset.dir, dataset.archive, layers=LAYERS, engine="fast")
    assert {name: table.read_by for name, table in fast.tables.items()} == dict.fromkeys(fast.tables, "duckdb")


def test_a_broken_file_falls_back_to_the_reference_reader(dataset):
    FIXTURES["broken-quoting"](dataset)
    fast = validate(dataset.dir, dataset.archive, layers=LAYERS, engine="fast")
    assert fast.tables["places"].read_by == "python" and fast.tables["actors"].read_by == "duckdb"


def _both_engines(dataset) -> dict[str, set]:
    found = {}
    for engine in ("fast", "reference"):
        run = validate(
            dataset.dir, dataset.archive, layers=("structure", "rows", "integrity", "provenance"), engine=engine
        )
        found[engine] = {(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings}
    return found


def test_a_stray_quote_does_not_hide_a_padded_quote_later_in_the_file(dataset):
    """One unquoted `"` inside a cell (both readers accept it) flips the quote count that tells
    padding outside quotes from text inside them, and DuckDB reads ` "Yuri Ushakov"` otherwise."""
    path = dataset.path("actors")
    text = path.read_text(encoding="utf-8")
    assert "volodymyr-zelenskyy,Volodymyr Zelenskyy," in text and "yuri-ushakov,Yuri Ushakov," in text
    text = text.replace("volodymyr-zelenskyy,Volodymyr Zelenskyy,", 'volodymyr-zelenskyy,Volodymyr 5" Zelenskyy,', 1)
    text = text.replace("yuri-ushakov,Yuri Ushakov,", 'yuri-ushakov, "Yuri Ushakov",', 1)
    path.write_text(text, encoding="utf-8")
    found = _both_engines(dataset)
    line = dataset.line_of("actors", actor_id="yuri-ushakov")
    assert ("actors.csv", line, "name", "padding") in found["reference"]
    assert found["fast"] == found["reference"]


def test_an_offset_with_unicode_whitespace_is_read_as_the_reference_reads_it(dataset):
    """Python's int() strips a no-break space that DuckDB's cast rejects: no internal error."""
    row = dataset.row("attestations", attestation_id="att-002")
    dataset.edit("attestations", {"attestation_id": "att-002"}, char_start="\u00a0" + row["char_start"])
    found = _both_engines(dataset)
    assert not any(rule == "internal-error" for *_rest, rule in found["fast"])
    assert found["fast"] == found["reference"]


def test_an_unreadable_attestations_file_skips_the_mention_rule(dataset):
    """The mention rule reads the excerpts: without them it is skipped, not an internal error."""
    dataset.path("attestations").unlink()
    found = _both_engines(dataset)
    rules = {rule for *_rest, rule in found["fast"]}
    assert "internal-error" not in rules and "mention-not-named" not in rules
    assert found["fast"] == found["reference"]
