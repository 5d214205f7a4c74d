"""The engines agree: the reference (frictionless, pydantic, Great Expectations, row by row), the fast
engine (the same rules compiled to DuckDB SQL) and the Spark engine (the fast engine's SQL
transpiled to Spark SQL) report the same findings, finding by finding in full (file, line, column,
rule, message, hint) and as many times, through one comparison (helpers.engines_agree), on:

- every rule id of the catalogue and of the expectation suites, broken by its generator
  (tests/rule_breakers.py) on the curated tables and on a synthetic dataset with its own archive;
- the broken fixtures below: files that cannot be read, odd bytes, duplicated keys, edits that only
  the expectation suites catch;
- random cell values and random bytes (hypothesis, with the budget of tests/helpers.py; every
  disagreement found becomes a named regression test in tests/test_gate.py);
- the Spark engine against the fast engine, several rules broken at once (the `spark` marker).

Each case also checks that it broke what it means to break: an agreement on no findings proves
nothing."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.bench.synth import synth
from claims.schema.catalogue import CELL_MAX_CHARS, INTEGER_MAX
from helpers import FAST_LAYERS, FUZZ_CAMPAIGN, FUZZ_EXAMPLES, Dataset, engines_agree, full, scratch_data_copy
from rule_breakers import GENERATORS

pytestmark = pytest.mark.slow  # both engines on every case, Great Expectations on many

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


# --- the Spark engine against the fast engine ----------------------------------------------------

# Several rules are broken at once to keep the Spark runs few. A generator can hide another (both
# edit the first actor's notes; a row finding keeps that row from the provenance layer; the
# cross-table expectations run only on data without earlier findings), so the groups below were
# found by applying the generators together and keeping those that all still fire; each case checks
# that each still does. The generators that break a whole file (all of places.csv) are compared on
# the two other engines only: Spark never reads such a file, the reference reader does, in every
# engine; a record with too many cells, which Spark's reader must hand over, is in the first group.
SPARK_VARIANTS = {
    "valid": [],
    "cells, rows and keys": [
        "date-missing",
        "dated-after-source",
        "edtf",
        "enum",
        "event-date",
        "list",
        "maxLength",
        "maximum",
        "mention-not-named",
        "outlet-claim-speaker",
        "padding",
        "pattern",
        "primary-key",
        "published-id-removed",
        "quote-shape",
        "required",
        "retired-id-reused",
        "self-reference",
        "speaker-not-participant",
        "timestamp",
        "translation-language",
        "type-error",
        "unarchived-source",
        "unattested",
        "cell-count",
        "blank-row",
    ],
    "more rows": [
        "attests-one",
        "body-span",
        "date-bounds",
        "date-wording",
        "invisible-character",
        "language-basis",
        "offsets",
        "speaker-is-addressee",
        "duplicate-statement",
        "addressee-wording",
        "addressee-not-named",
        "date-unbounded",
        "evidence-basis-speaker",
    ],
    "keys and minimum": ["foreign-key", "minimum"],
    "provenance": ["archive-missing", "quote-outside-excerpt", "wikidata-unconfirmed", "date-text-not-quoted"],
    "expectations": ["fill-rate"],
}
# Each variant takes minutes (every one of the engine's few hundred statements is a Spark job), so
# `make test` runs the variant that breaks the most rules, and CLAIMS_SPARK_ALL=1 runs them all.
SPARK_IN_MAKE_TEST = "cells, rows and keys"
EVERY_SPARK_VARIANT = bool(os.environ.get("CLAIMS_SPARK_ALL"))
EVERY_LAYER = FAST_LAYERS + ("expectations",)


@pytest.fixture(scope="module")
def spark_source(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("spark-rules")
    synth(100, out, seed=11)
    return out


@pytest.fixture
def spark_copy(spark, spark_source, tmp_path) -> Dataset:
    """A scratch copy of the Spark cases' synthetic dataset, with a Spark session running."""
    return Dataset(tmp_path, spark_source / "archive", data=spark_source / "data")


# --- every case ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """What a case does to a scratch copy of the data, and what the engines then run on."""

    breaks: Callable[[Dataset], object]
    copy: str  # the fixture giving the copy: the curated tables, the synthetic dataset, Spark's
    layers: tuple[str, ...]
    with_archive: bool = True
    engines: tuple[str, ...] = ("reference", "fast")
    must_fire: tuple[str, ...] = ()  # rule ids the findings must name
    must_find: bool = False  # some finding, whichever rules (the fixtures break several)
    must_find_in_layer: str | None = None
    must_be_clean: bool = False
    needs_curated_archive: bool = False  # skipped, not failed, where the curated sources' archive is absent


def rule_cases(copy: str) -> list:
    cases = []
    for rule, (generate, needs) in sorted(GENERATORS.items()):
        case = Case(
            generate,
            copy,
            FAST_LAYERS + (("expectations",) if "expectations" in needs else ()),
            with_archive="archive" in needs or "expectations" in needs,
            must_fire=(rule,),
            needs_curated_archive=copy == "dataset" and "archive" in needs,
        )
        cases.append(pytest.param(case, id=f"rule-{copy}-{rule}"))
    return cases


CASES = [
    *rule_cases("synthetic"),
    *rule_cases("dataset"),
    pytest.param(Case(lambda d: None, "synthetic", EVERY_LAYER, must_be_clean=True), id="clean-synthetic"),
    *(
        pytest.param(Case(fixture, "archived_dataset", FAST_LAYERS, must_find=name != "clean"), id=f"fixture-{name}")
        for name, fixture in sorted(FIXTURES.items())
    ),
    *(
        pytest.param(
            Case(fixture, "archived_dataset", EVERY_LAYER, must_find_in_layer="expectations"),
            id=f"expectations-{name}",
        )
        for name, fixture in sorted(EXPECTATION_FIXTURES.items())
    ),
    *(
        pytest.param(
            Case(
                each(*(GENERATORS[rule][0] for rule in rules)),
                "spark_copy",
                EVERY_LAYER,
                engines=("fast", "spark"),
                must_fire=tuple(rules),
                must_be_clean=not rules,
            ),
            id=f"spark-{name}",
            marks=[
                pytest.mark.spark,
                pytest.mark.skipif(
                    name != SPARK_IN_MAKE_TEST and not EVERY_SPARK_VARIANT,
                    reason="set CLAIMS_SPARK_ALL=1 to run every Spark variant (minutes each)",
                ),
            ],
        )
        for name, rules in sorted(SPARK_VARIANTS.items())
    ),
]


@pytest.fixture
def archived_dataset(dataset, archive) -> Dataset:
    """A scratch copy of the curated tables, with the archive of their sources (required)."""
    return dataset


@pytest.mark.parametrize("case", CASES)
def test_the_engines_agree(request, case):
    data = request.getfixturevalue(case.copy)
    if case.needs_curated_archive and data.archive is None:
        pytest.skip("the curated sources' archive is not here; the synthetic case covers this rule")
    case.breaks(data)
    first_run = engines_agree(data.dir, data.archive if case.with_archive else None, case.layers, case.engines)
    found = full(first_run)
    fired = {finding[3] for finding in found}
    assert sorted(set(case.must_fire) - fired) == [], "each generator must break its rule"
    if case.must_find:
        assert found, "the fixture must break something"
    if case.must_find_in_layer:
        assert any(f.layer == case.must_find_in_layer for f in first_run.findings)
    if case.must_be_clean:
        assert found == []


# --- random cells and bytes ----------------------------------------------------------------------

FUZZ = settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=not FUZZ_CAMPAIGN, suppress_health_check=list(HealthCheck)
)
FUZZ_LAYERS = ("structure", "rows", "integrity")

# The characters that have broken a gate before: format characters (bidi, tags, soft hyphen,
# joiners), quotes and delimiters, every kind of whitespace and line break, the fast reader's NULL
# marker, controls, and ordinary letters and digits around them.
TRICKY = (
    "\u2066\u2069\U000e0041\u00ad\u200b\u200c\u200d\ufeff\u2028\u00a0\u3000\x01\x07\x7f\x85"
    + "\"',|;=+-@\t\r\n "
    + "aZé9Ж“”’[…]"
)
cells = st.one_of(
    st.text(alphabet=TRICKY, max_size=12),
    st.text(max_size=8),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-0",
            "007",
            "1e3",
            str(INTEGER_MAX),
            str(INTEGER_MAX + 1),
            "2025-10-14",
            "2025-13-01",
            "2025-10-16~",
            "true",
            "TRUE",
            "peace_plan|peace_plan",
        ]
    ),
    st.builds(lambda c, n: c * n, st.sampled_from("x“\u200d"), st.sampled_from([CELL_MAX_CHARS, CELL_MAX_CHARS + 1])),
)
# Columns of every kind: ID, free text, list of text, list of enum, enum, integer, date, EDTF, boolean, URL.
TARGETS = [
    ("actors", "actor_id"),
    ("actors", "name"),
    ("actors", "aliases"),
    ("actors", "actor_type"),
    ("actors", "notes"),
    ("attestations", "char_start"),
    ("attestations", "excerpt"),
    ("statements", "date"),
    ("statements", "date_min"),
    ("statements", "topics"),
    ("statements", "translated"),
    ("statements", "text"),
    ("sources", "url"),
    ("plans", "point_count"),
]


def fuzzed_agree(data: Path) -> None:
    reference = engines_agree(data, None, FUZZ_LAYERS)
    assert not any(f.rule == "internal-error" for f in reference.findings)


@FUZZ
@given(target=st.sampled_from(TARGETS), value=cells, row=st.integers(min_value=0, max_value=5))
def test_any_cell_value_gives_the_same_findings(synthetic_source, target, value, row):
    folder = scratch_data_copy(synthetic_source)
    try:
        table, column = target
        path = folder / "data" / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header, rows = reader.fieldnames, list(reader)
        rows[row % len(rows)][column] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        fuzzed_agree(folder / "data")
    finally:
        shutil.rmtree(folder)


raw_pieces = st.lists(
    st.sampled_from(
        [
            b",",
            b'"',
            b'""',
            b" ",
            b"\t",
            b"\r",
            b"\n",
            b"\r\n",
            b"\x01",
            b"\x00",
            b"\xef\xbb\xbf",
            b"\xff",
            b"a",
            "é".encode(),
            "\u2066".encode(),
            b"x,Y,city",
        ]
    ),
    max_size=10,
).map(b"".join)


@FUZZ
@given(
    where=st.floats(min_value=0, max_value=1),
    insert=raw_pieces,
    table=st.sampled_from(["places", "actors", "statements"]),
)
def test_any_bytes_in_a_file_give_the_same_findings(synthetic_source, where, insert, table):
    folder = scratch_data_copy(synthetic_source)
    try:
        path = folder / "data" / f"{table}.csv"
        raw = path.read_bytes()
        at = int(len(raw) * where)
        path.write_bytes(raw[:at] + insert + raw[at:])
        fuzzed_agree(folder / "data")
    finally:
        shutil.rmtree(folder)
