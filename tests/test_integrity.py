"""Layer 3: keys and references across tables, computed in DuckDB."""

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from claims.schema.text import whole_words_in
from claims.validate import integrity

pytestmark = pytest.mark.rules


def test_curated_data_has_no_integrity_findings(dataset):
    assert [f for f in dataset.validate().findings if f.layer == "integrity"] == []


def test_duplicate_primary_key(dataset):
    line = dataset.append("places", place_id="gaza", name="Gaza again", place_type="region")
    assert ("places.csv", line, "place_id", "primary-key") in dataset.findings()


def test_duplicate_composite_key(dataset):
    line = dataset.append(
        "event_participants", event_id="press-remarks-2025-11-25-trump", actor_id="donald-trump", role="speaker"
    )
    assert ("event_participants.csv", line, "event_id,actor_id,role", "primary-key") in dataset.findings()


def test_dangling_foreign_key_with_suggestion(dataset):
    line = dataset.edit("statements", {"statement_id": "st-007"}, speaker_id="steve-witkof")
    run = dataset.validate()
    finding = next(f for f in run.findings if f.rule == "foreign-key")
    assert (finding.line, finding.column) == (line, "speaker_id")
    assert "steve-witkoff" in finding.hint


def test_every_declared_foreign_key_is_checked(dataset):
    """Each single-column foreign key of the schema catches a dangling value."""
    from claims.schema import TABLES

    for model in TABLES:
        table = model.meta.name
        original = dataset.path(table).read_bytes()
        for key in model.foreign_keys():
            column = key.fields[0]
            header, rows = dataset.read(table)
            rows[0][column] = "no-such-row"
            dataset.write(table, header, rows)
            assert (f"{table}.csv", 2, column, "foreign-key") in dataset.findings(with_archive=False), (table, column)
            dataset.path(table).write_bytes(original)


def test_mention_targets_are_checked(dataset):
    line = dataset.append("statement_mentions", statement_id="st-001", entity_type="place", entity_id="steve-witkoff")
    assert ("statement_mentions.csv", line, "entity_id", "foreign-key") in dataset.findings()


def test_unattested_statement(dataset):
    dataset.delete("attestations", statement_id="st-041")
    line = dataset.line_of("statements", statement_id="st-041")
    assert ("statements.csv", line, "statement_id", "unattested") in dataset.findings()


def test_unattested_event(dataset):
    dataset.delete("attestations", event_id="press-remarks-2025-11-25-trump")
    line = dataset.line_of("events", event_id="press-remarks-2025-11-25-trump")
    assert ("events.csv", line, "event_id", "unattested") in dataset.findings()


def test_evidence_must_come_from_an_archived_source(dataset):
    line = dataset.edit(
        "attestations", {"attestation_id": "att-001"}, source_id="bloomberg-2025-11-25-witkoff-advised-russia"
    )
    assert ("attestations.csv", line, "source_id", "unarchived-source") in dataset.findings()


def test_statement_not_dated_after_its_source(dataset):
    line = dataset.edit(
        "statements",
        {"statement_id": "st-009"},
        date="2025-11-26",
        date_min="2025-11-26",
        date_max="2025-11-26",
        event_id="",
    )
    assert ("statements.csv", line, "date_min", "dated-after-source") in dataset.findings()


def test_statement_not_dated_after_the_source_it_came_through(dataset):
    """The source named in via_source_id reports the statement too: it cannot predate it."""
    via = "recording-2025-10-14-witkoff-ushakov-call"
    dataset.edit("sources", {"source_id": via}, published_at="2025-10-13")
    _header, attestations = dataset.read("attestations")
    through = {row["statement_id"] for row in attestations if row["via_source_id"] == via}
    _header, statements = dataset.read("statements")
    dated = {
        row["statement_id"] for row in statements if row["statement_id"] in through and row["date_min"] > "2025-10-13"
    }
    assert len(dated) > 10 and len(through - dated) >= 1  # some undated ones must not be reported
    reported = {line for _file, line, _column, rule in dataset.findings() if rule == "dated-after-source"}
    assert reported == {dataset.line_of("statements", statement_id=statement) for statement in dated}


def test_statement_dated_within_its_event(dataset):
    line = dataset.edit(
        "statements", {"statement_id": "st-007"}, date="2025-10-15", date_min="2025-10-15", date_max="2025-10-15"
    )
    assert ("statements.csv", line, "date_min", "event-date") in dataset.findings()


def test_speaker_takes_part_in_the_event(dataset):
    line = dataset.edit("statements", {"statement_id": "st-021"}, event_id="phone-call-2025-10-14-witkoff-ushakov")
    assert ("statements.csv", line, "speaker_id", "speaker-not-participant") in dataset.findings()


def test_duplicate_statement_same_speaker_date_and_normalised_text(dataset):
    original = dataset.row("statements", statement_id="st-030")
    statement, attestation = dataset.next_id("statements"), dataset.next_id("attestations")
    copy = dict(original, statement_id=statement, text=original["text"].replace("’", "'").upper() + "!")
    line = dataset.append("statements", **copy)
    dataset.append(
        "attestations",
        **dict(dataset.row("attestations", statement_id="st-030"), attestation_id=attestation, statement_id=statement),
    )
    assert ("statements.csv", line, "text", "duplicate-statement") in dataset.findings()


def test_a_copy_at_the_same_event_is_a_duplicate_whatever_its_date(dataset):
    """The same words by the same speaker at the same event are one statement, even where the copy
    carries another date (a bound instead of the event's day)."""
    original = next(row for row in dataset.read("statements")[1] if row["event_id"] and row["date_text"])
    statement, attestation = dataset.next_id("statements"), dataset.next_id("attestations")
    bound = f"[..{original['date_max']}]"
    copy = dict(original, statement_id=statement, date=bound, date_text="", date_min="", date_resolved_against="x")
    line = dataset.append("statements", **copy)
    dataset.append(
        "attestations",
        **dict(
            dataset.row("attestations", statement_id=original["statement_id"]),
            attestation_id=attestation,
            statement_id=statement,
        ),
    )
    for engine in ("fast", "reference"):
        run = dataset.validate() if engine == "fast" else integrity_run(dataset, engine)
        (finding,) = [f for f in run.findings if f.rule == "duplicate-statement"]
        assert finding.line == line and f"at the same event ({original['event_id']})" in finding.message, engine


def test_the_same_words_at_no_event_on_days_that_cannot_be_one_are_two_statements(dataset):
    """At no event, a copy is a duplicate while its dates may be the other's day; on another day
    (their date ranges apart) the words may have been said twice."""
    original = next(row for row in dataset.read("statements")[1] if not row["event_id"] and row["date_min"])
    statement, attestation = dataset.next_id("statements"), dataset.next_id("attestations")
    copy = dict(original, statement_id=statement, event_id="")
    line = dataset.append("statements", **copy)
    dataset.append(
        "attestations",
        **dict(
            dataset.row("attestations", statement_id=original["statement_id"]),
            attestation_id=attestation,
            statement_id=statement,
        ),
    )
    assert ("statements.csv", line, "text", "duplicate-statement") in dataset.findings()
    day = original["date_min"]
    earlier = f"{int(day[:4]) - 1}{day[4:]}"
    dataset.edit("statements", {"statement_id": statement}, date=earlier, date_min=earlier, date_max=earlier)
    assert not any(f[1] == line and f[3] == "duplicate-statement" for f in dataset.findings())


def test_same_words_by_different_speakers_are_not_duplicates(dataset):
    # st-057 and st-058: Ukraine and its European allies both insist on the same thing
    assert not any(f[3] == "duplicate-statement" for f in dataset.findings())


def test_normalised_text():
    import duckdb

    con = duckdb.connect()
    rows = con.execute(
        f"SELECT {integrity.NORMALISED_TEXT} FROM (VALUES (?), (?)) AS t(text)",
        ["“He’s  GOT to,” — sell.", '"he\'s got to" sell'],
    ).fetchall()
    assert rows[0] == rows[1] == ("he s got to sell",)


def test_unreadable_table_skips_its_checks_without_spurious_findings(dataset):
    dataset.path("actors").write_bytes(b"\x00")
    run = dataset.validate()
    assert not [f for f in run.findings if f.rule == "foreign-key"]
    assert any("actors" in note for note in run.notes)


def test_an_outlet_claim_is_spoken_by_an_outlet(dataset):
    line = dataset.edit("statements", {"statement_id": "st-002"}, speaker_id="steve-witkoff")
    assert ("statements.csv", line, "speaker_id", "outlet-claim-speaker") in dataset.findings(with_archive=False)


def test_an_outlet_may_make_outlet_claims(dataset):
    dataset.edit("statements", {"statement_id": "st-002"}, speaker_id="axios")
    assert not any(f[3] == "outlet-claim-speaker" for f in dataset.findings(with_archive=False))


def test_a_mention_is_named_in_the_statement_text(dataset):
    # the 0.1.0 over-read: Gaza is in the other half of the lede's sentence (st-002), not in st-003
    line = dataset.append(
        "statement_mentions", statement_id="st-003", entity_type="place", entity_id="gaza", mentioned_as="Gaza"
    )
    assert ("statement_mentions.csv", line, "mentioned_as", "mention-not-named") in dataset.findings(with_archive=False)


def test_a_mention_is_named_in_the_source_words_too(dataset):
    # a name the curator wrote into the text, where the excerpt does not give it, is not the source's
    dataset.edit(
        "statements", {"statement_id": "st-032"}, text="Ushakov appeared to take some of Witkoff’s advice on board."
    )
    line = dataset.append(
        "statement_mentions",
        statement_id="st-032",
        entity_type="actor",
        entity_id="steve-witkoff",
        mentioned_as="Witkoff",
    )
    assert ("statement_mentions.csv", line, "mentioned_as", "mention-not-named") in dataset.findings(with_archive=False)


def test_a_no_break_space_of_the_source_is_not_a_space(dataset):
    # st-052's excerpt has "following\u00a0talks\u00a0with": verbatim is code point for code point, so
    # the mention keeps the source's no-break space, and the same words with a plain space are not its
    match = {"statement_id": "st-052", "entity_type": "event"}
    assert "talks\u00a0with" in dataset.row("statement_mentions", **match)["mentioned_as"]
    assert not any(f[3] == "mention-not-named" for f in dataset.findings(with_archive=False))
    spaced = dataset.row("statement_mentions", **match)["mentioned_as"].replace("\u00a0", " ")
    dataset.edit(
        "statements",
        {"statement_id": "st-052"},
        text=dataset.row("statements", statement_id="st-052")["text"].replace("\u00a0", " "),
    )
    line = dataset.edit("statement_mentions", match, mentioned_as=spaced)
    run = dataset.validate(with_archive=False)
    finding = next(f for f in run.findings if f.rule == "mention-not-named")
    assert (finding.line, finding.column) == (line, "mentioned_as")
    assert "U+00A0 NO-BREAK SPACE" in finding.hint  # the hint says which character to copy


def test_words_inside_another_word_do_not_name_it(dataset):
    # "Russian" in st-042's text does not name Russia ("Moscow" does)
    line = dataset.edit("statement_mentions", {"statement_id": "st-042", "entity_id": "russia"}, mentioned_as="Russia")
    assert ("statement_mentions.csv", line, "mentioned_as", "mention-not-named") in dataset.findings(with_archive=False)


@pytest.mark.parametrize("pronoun", ["he", "He"])
def test_a_pronoun_does_not_name_the_entity(dataset, pronoun):
    # st-021: "I don't know why he continues with this war" — "he" is Putin, but not named
    line = dataset.append(
        "statement_mentions",
        statement_id="st-021",
        entity_type="actor",
        entity_id="vladimir-putin",
        mentioned_as=pronoun,
    )
    assert ("statement_mentions.csv", line, "mentioned_as", "mention-not-named") in dataset.findings(with_archive=False)


def test_an_abbreviation_is_not_taken_for_a_pronoun(dataset):
    # "US" (st-012) names the United States; it is not the pronoun "us"
    assert dataset.row("statement_mentions", statement_id="st-012", entity_id="united-states")["mentioned_as"] == "US"
    assert not any(f[3] == "mention-not-named" for f in dataset.findings(with_archive=False))


def test_a_refusal_to_comment_has_an_addressee_only_where_the_source_says_who_asked(dataset):
    # st-010: "Kremlin spokesman Dmitry Peskov didn’t immediately respond to comment" does not say
    # who asked; that the article is Bloomberg's does not make Bloomberg the addressee
    line = dataset.edit("statements", {"statement_id": "st-010"}, addressee_id="bloomberg", addressee_as="Bloomberg")
    run = dataset.validate(with_archive=False)
    finding = next(f for f in run.findings if f.rule == "addressee-not-named")
    assert (finding.line, finding.column) == (line, "addressee_as")
    assert "who asked" in finding.hint


def test_the_addressee_is_named_in_the_source_s_words(dataset):
    # st-037 (no event): its own sentence says Putin "had congratulated him"; the excerpt was widened
    # to the sentence that names Trump. Cut back to its own sentence, it no longer names him.
    row = dataset.row("attestations", statement_id="st-037")
    own = row["excerpt"].index("Afterward")
    dataset.edit(
        "attestations",
        {"attestation_id": row["attestation_id"]},
        excerpt=row["excerpt"][own:],
        char_start=str(int(row["char_start"]) + own),
    )
    line = dataset.line_of("statements", statement_id="st-037")
    assert ("statements.csv", line, "addressee_as", "addressee-not-named") in dataset.findings(with_archive=False)


def test_the_event_names_the_addressee_only_if_it_takes_part(dataset):
    # st-026 ("with your boss") is said on the Oct. 14 call, whose excerpt names "Yuri Ushakov"
    statement = dataset.row("statements", statement_id="st-026")
    assert statement["addressee_as"] not in dataset.row("attestations", statement_id="st-026")["excerpt"]
    assert not any(f[3] == "addressee-not-named" for f in dataset.findings(with_archive=False))
    line = dataset.line_of("statements", statement_id="st-026")
    # the call's excerpt names Putin too ("Putin’s top foreign policy aide"), but he is not on the call
    dataset.edit("statements", {"statement_id": "st-026"}, addressee_id="vladimir-putin", addressee_as="Putin")
    assert ("statements.csv", line, "addressee_as", "addressee-not-named") in dataset.findings(with_archive=False)


@pytest.mark.parametrize("words", ["him", "Him", "Ushako"])
def test_the_addressee_words_are_not_a_pronoun_or_part_of_a_word(dataset, words):
    line = dataset.edit("statements", {"statement_id": "st-007"}, addressee_as=words)
    assert ("statements.csv", line, "addressee_as", "addressee-not-named") in dataset.findings(with_archive=False)


@pytest.mark.parametrize("words", ["his", "His", "HIS", "he"])
def test_a_pronoun_of_the_excerpt_is_reported_as_a_pronoun_in_any_case(dataset, words):
    # st-022's excerpt has "his" and "he" as words: the words are there, and still do not name Ushakov
    assert f" {words.lower()} " in dataset.row("attestations", statement_id="st-022")["excerpt"]
    line = dataset.edit("statements", {"statement_id": "st-022"}, addressee_as=words)
    messages = [f.message for f in dataset.validate(with_archive=False).findings if f.line == line]
    assert messages == [f"{words!r} is a pronoun: it refers to the addressee but does not name it"]


def test_a_reflexive_pronoun_names_no_one(dataset):
    line = dataset.edit("statement_mentions", {"statement_id": "st-024", "entity_id": "russia"}, mentioned_as="himself")
    messages = [f.message for f in dataset.validate(with_archive=False).findings if f.line == line]
    assert messages == ["'himself' is a pronoun: it refers to the entity but does not name it"]


@pytest.mark.parametrize(
    "statement, changes, says",
    [
        # the speaker's own name, though the excerpt has it
        ("st-027", {"addressee_as": "Yuri Ushakov"}, "is a name of the speaker 'yuri-ushakov'"),
        ("st-004", {"addressee_as": "Witkoff"}, "is a name of the speaker 'steve-witkoff'"),
        # someone else named in the excerpt
        ("st-003", {"addressee_as": "Trump"}, "does not name the addressee 'yuri-ushakov'"),
        # words of the excerpt that name no one
        ("st-041", {"addressee_id": "bloomberg", "addressee_as": "comment"}, "does not name the addressee 'bloomberg'"),
        ("st-022", {"addressee_as": "his Russian counterpart"}, "does not name the addressee 'yuri-ushakov'"),
    ],
)
def test_the_addressee_words_name_the_addressee_and_not_the_speaker(dataset, statement, changes, says):
    line = dataset.edit("statements", {"statement_id": statement}, **changes)
    messages = [
        f.message
        for f in dataset.validate(with_archive=False).findings
        if (f.line, f.rule) == (line, "addressee-not-named")
    ]
    assert len(messages) == 1 and says in messages[0]


@pytest.mark.parametrize(
    "statement, words",
    [
        ("st-003", "a senior Kremlin official"),  # holds the title of a position Ushakov holds
        ("st-014", "senior officials at a meeting of the Russian Security Council"),  # holds the name
        ("st-024", "Trump"),  # an alias
    ],
)
def test_words_that_hold_a_name_alias_role_or_title_name_the_addressee(dataset, statement, words):
    line = dataset.line_of("statements", statement_id=statement)
    assert dataset.row("statements", statement_id=statement)["addressee_as"] == words
    assert not [f for f in dataset.validate(with_archive=False).findings if f.line == line]
    # without that name, alias or title the same words name no one
    dataset.edit("positions", {"title": "senior Kremlin official"}, title="senior official of the Kremlin")
    dataset.edit("actors", {"actor_id": "russian-security-council"}, name="Security Council of Russia")
    dataset.edit("actors", {"actor_id": "donald-trump"}, aliases="President Trump")
    assert ("statements.csv", line, "addressee_as", "addressee-not-named") in dataset.findings(with_archive=False)


@pytest.mark.parametrize(
    "table, match, changes, column",
    [
        # st-041 as it was: a refusal to comment with no date, though the article bounds it
        ("statements", {"statement_id": "st-041"}, {"date": "", "date_max": "", "date_resolved_against": ""}, "date"),
        # an open end where the article's publication closes it
        (
            "statements",
            {"statement_id": "st-057"},
            {"date": "[2025-11-01..]", "date_min": "2025-11-01", "date_max": ""},
            "date_max",
        ),
        # an event that may fall after the article reporting it
        ("events", {"event_id": "proposal-2025-11-28-point-plan"}, {"date_max": "2025-11-30"}, "date_max"),
    ],
)
def test_every_statement_and_event_is_bounded_by_what_reports_it(dataset, table, match, changes, column):
    line = dataset.edit(table, match, **changes)
    assert (f"{table}.csv", line, column, "date-unbounded") in dataset.findings(with_archive=False)


def test_an_empty_date_max_is_a_date_bounds_finding_not_an_unbounded_date(dataset):
    # st-004 is dated 2025-10-14: its EDTF value bounds it, whatever its date_max cell says
    line = dataset.edit("statements", {"statement_id": "st-004"}, date_max="")
    found = {f[2:] for f in dataset.findings(with_archive=False) if f[:2] == ("statements.csv", line)}
    assert found == {("date_max", "date-bounds")}


def test_a_month_with_an_empty_date_max_may_be_as_late_as_its_last_day(dataset):
    line = dataset.edit("events", {"event_id": "proposal-2025-11-28-point-plan"}, date_max="")
    run = dataset.validate(with_archive=False)
    (finding,) = [f for f in run.findings if f.rule == "date-unbounded"]
    assert finding.line == line and "may be as late as 2025-11-30 (2025-11)" in finding.message


@pytest.mark.parametrize(
    "date, date_min, unbounded", [("[2025-11-26..]", "2025-11-26", False), ("[2025-11-20..]", "2025-11-20", True)]
)
def test_an_event_reported_as_yet_to_take_place_is_dated_after_the_report(dataset, date, date_min, unbounded):
    # the article's summit in Budapest, "a summit that is yet to take place"
    line = dataset.append(
        "events",
        event_id="meeting-planned-trump-putin-budapest",
        event_type="meeting",
        title="Trump–Putin summit in Budapest, announced",
        date=date,
        date_min=date_min,
        date_resolved_against="after the article date 2025-11-25, which reports the summit as yet to take place",
        location="Budapest",
    )
    dataset.append(
        "attestations",
        attestation_id="att-planned",
        event_id="meeting-planned-trump-putin-budapest",
        source_id="fortune-2025-11-25-witkoff-advised-russia",
        excerpt="he announced plans to meet with the Russian leader in Budapest, a summit that is yet to take place",
        char_start="0",
        char_end="1",
        evidence_basis="outlet_own_reporting",
    )
    found = {f[2:] for f in dataset.findings(with_archive=False) if f[:2] == ("events.csv", line)}
    assert (("date_max", "date-unbounded") in found) == unbounded


def test_a_statement_dated_after_its_source_is_reported_once(dataset):
    # wholly after the source is `dated-after-source`; `date-unbounded` does not repeat it
    line = dataset.edit(
        "statements",
        {"statement_id": "st-001"},
        date="2025-11-26",
        date_min="2025-11-26",
        date_max="2025-11-26",
    )
    rules = {f[3] for f in dataset.findings(with_archive=False) if f[:2] == ("statements.csv", line)}
    assert rules == {"dated-after-source"}


def test_a_source_without_a_date_bounds_nothing(dataset):
    # st-010 reported only by sources that have no publication date: "undated" means no bound is known
    dataset.edit("sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, published_at="")
    dataset.edit("sources", {"source_id": "bloomberg-2025-11-25-witkoff-advised-russia"}, published_at="")
    dataset.edit("statements", {"statement_id": "st-010"}, date="", date_max="", date_resolved_against="")
    assert not any(f[3] == "date-unbounded" for f in dataset.findings(with_archive=False))


def test_a_republication_is_bounded_by_the_article_it_republishes(dataset):
    # the Fortune page without its date still republishes Bloomberg's article of 2025-11-25
    dataset.edit("sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, published_at="")
    line = dataset.edit("statements", {"statement_id": "st-010"}, date="", date_max="", date_resolved_against="")
    run = dataset.validate(with_archive=False)
    (finding,) = [f for f in run.findings if f.rule == "date-unbounded"]
    assert (
        finding.line == line
        and "'bloomberg-2025-11-25-witkoff-advised-russia', published 2025-11-25" in finding.message
    )


def test_the_earliest_source_bounds_a_row(dataset):
    # a later source reporting st-057 too does not loosen the bound of the article of 2025-11-25
    dataset.edit("sources", {"source_id": "axios-interview-dmitriev"}, published_at="2025-12-20")
    dataset.edit("attestations", {"statement_id": "st-057"}, via_source_id="axios-interview-dmitriev")
    line = dataset.edit("statements", {"statement_id": "st-057"}, date_max="2025-12-01")
    (finding,) = [f for f in dataset.validate(with_archive=False).findings if f.rule == "date-unbounded"]
    assert finding.line == line and "published 2025-11-25" in finding.message


def test_a_source_the_words_came_through_bounds_a_row(dataset):
    # st-057 reported through a source dated before the article: that source's date is the bound
    dataset.edit("sources", {"source_id": "axios-interview-dmitriev"}, published_at="2025-11-20")
    dataset.edit("attestations", {"statement_id": "st-057"}, via_source_id="axios-interview-dmitriev")
    line = dataset.line_of("statements", statement_id="st-057")
    run = dataset.validate(with_archive=False)
    (finding,) = [
        f for f in run.findings if (f.path, f.line, f.rule) == (str(dataset.path("statements")), line, "date-unbounded")
    ]
    assert "'axios-interview-dmitriev', published 2025-11-20" in finding.message


@pytest.mark.parametrize(
    "attestation, basis",
    [
        ("att-057", "unattributed"),  # "Ukraine and its European allies have insisted": named speakers
        ("att-058", "unattributed"),
        ("att-051", "unspecified"),  # "US officials": an unnamed group
    ],
)
def test_the_evidence_basis_matches_who_is_named(dataset, attestation, basis):
    line = dataset.edit("attestations", {"attestation_id": attestation}, evidence_basis=basis)
    assert ("attestations.csv", line, "evidence_basis", "evidence-basis-speaker") in dataset.findings(
        with_archive=False
    )


def test_unattributed_follows_the_speaker_being_unnamed(dataset):
    # att-051 is unattributed because us-officials are unnamed; named, the same basis is a finding
    assert dataset.row("attestations", attestation_id="att-051")["evidence_basis"] == "unattributed"
    line = dataset.line_of("attestations", attestation_id="att-051")
    dataset.edit("actors", {"actor_id": "us-officials"}, unnamed="")
    assert ("attestations.csv", line, "evidence_basis", "evidence-basis-speaker") in dataset.findings(
        with_archive=False
    )


def test_mentioned_as_is_required(dataset):
    line = dataset.append("statement_mentions", statement_id="st-003", entity_type="place", entity_id="gaza")
    assert ("statement_mentions.csv", line, "mentioned_as", "required") in dataset.findings(with_archive=False)


def test_a_position_comes_from_an_archived_source(dataset):
    line = dataset.edit(
        "positions", {"position_id": "kirill-dmitriev-heads-rdif"}, source_id="axios-interview-dmitriev"
    )
    assert ("positions.csv", line, "source_id", "unarchived-source") in dataset.findings(with_archive=False)


def test_whole_word_shortcuts_agree_with_the_rule_as_written():
    """whole_words_sql decides most rows without a regular expression, and whole_words_fallback_sql by substring tests; on
    every kind of neighbour, of words and of whitespace both must say what the regular expression
    (the rule as written) says, and what text.whole_words_in (the same rule in Python) says."""
    rule = "regexp_matches(h, '(^|[^\\p{L}\\p{M}\\p{N}])' || regexp_escape(w) || '([^\\p{L}\\p{M}\\p{N}]|$)')"
    haystacks = [
        "peace plan talks",
        "“peace plan,” he said.",
        "the peaceful plan",
        "Putin's plan",
        "U.S. and Kyiv",
        "talks with Kyiv-Moscow",
        "plan2 plan",
        "x\x1fpeace",
        "ceasefire—peace—now",
        "Zelensky",
        "Zelenskyy met Zelensky",  # the first occurrence is inside a longer word
        "lensky, lensk",
        "peace\u00a0plan talks",  # words across a no-break space: not "peace plan"
        "peace \t plan",
        "talks\u2003with Kyiv",
        "talks\u00a0with Kyiv",
        "plan\tplan",
        "éplan plan",
        "Cafe\u0301 open",  # a combining accent belongs to the word before it
        "Putin\u0301a said",
        "plan\u0301 plan",
        "plan",
        "",
    ]
    words = [
        "peace",
        "plan",
        "Putin",
        "Putin's",
        "U.S.",
        "Kyiv",
        "Kyiv-Moscow",
        "talks with",
        "talks\u00a0with",
        "plan talks",
        "Zelensky",
        "lensk",
        "peace now",
        "peace plan",
        "Cafe",
    ]
    con = duckdb.connect()
    con.execute("CREATE TABLE t (h VARCHAR, w VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(h, w) for h in haystacks for w in words])
    differ = con.execute(
        f"SELECT h, w FROM t WHERE ({integrity.whole_words_sql('h', 'w')}) IS DISTINCT FROM ({rule})"
    ).fetchall()
    assert differ == []
    differ = con.execute(
        f"SELECT h, w FROM t WHERE ({integrity.whole_words_fallback_sql('h', 'w')}) IS DISTINCT FROM ({rule})"
    ).fetchall()
    assert differ == []
    by_rule = {(h, w): found for h, w, found in con.execute(f"SELECT h, w, {rule} FROM t").fetchall()}
    assert {key for key, found in by_rule.items() if found != whole_words_in(key[1], key[0])} == set()
    matched, unmatched = con.execute(
        f"SELECT count(*) FILTER (WHERE {rule}), count(*) FILTER (WHERE NOT {rule}) FROM t"
    ).fetchone()
    assert matched > 5 and unmatched > 5  # both outcomes are exercised
    # each way of deciding is exercised: the first occurrence, absence, and the substring tests
    assert by_rule[("Zelenskyy met Zelensky", "Zelensky")] is True
    # nothing is folded: a no-break space matches only a no-break space
    assert by_rule[("peace\u00a0plan talks", "peace plan")] is False
    assert by_rule[("talks\u00a0with Kyiv", "talks\u00a0with")] is True
    assert by_rule[("talks\u00a0with Kyiv", "talks with")] is False
    # a combining mark is part of its word: "Cafe" is not a whole word of "Café" written with U+0301
    assert by_rule[("Cafe\u0301 open", "Cafe")] is False
    assert by_rule[("Putin\u0301a said", "Putin")] is False
    assert by_rule[("plan\u0301 plan", "plan")] is True


def test_whole_words_within_a_span_see_only_that_span():
    # the article body is a span of the archived text: its ends are where words begin and end
    assert whole_words_in("Tuesday", "xTuesday", 1)
    assert not whole_words_in("Tuesday", "xTuesday")
    assert not whole_words_in("Tuesday", "Tuesday is", 0, 5)
    assert whole_words_in("Oct. 14", "On Oct. 14,", 0, 99)
    assert not whole_words_in("Oct. 1", "On Oct. 14,")
    assert not whole_words_in("", "anything")


# --- one cause, one finding -------------------------------------------------------------------------


def test_an_unquoted_comma_is_one_finding_not_a_cascade_of_foreign_keys(dataset):
    """A stray comma shifts a statement's cells: the row is reported once (cell-count); the
    attestations and mentions that point at it, and its published ID, wait for it to be fixed —
    no "did you mean" invites renaming their correct references."""
    _, mentions = dataset.read("statement_mentions")
    statement = mentions[-1]["statement_id"]  # a statement with mentions (and, in valid data, an excerpt)
    line = dataset.edit("statements", {"statement_id": statement}, date_text="CELLBREAK")
    path = dataset.path("statements")
    path.write_text(path.read_text(encoding="utf-8").replace("CELLBREAK", "in two, parts"), encoding="utf-8")
    for engine in ("fast", "reference"):
        run = dataset.validate() if engine == "fast" else integrity_run(dataset, engine)
        assert [(f.line, f.column, f.rule) for f in run.findings] == [(line, "date_text", "cell-count")], (
            engine,
            run.findings,
        )
        assert "this cell probably holds a comma" in run.findings[0].message


@pytest.mark.parametrize("column", ["notes", "text", "excerpt"])
def test_an_unquoted_comma_names_the_cell_it_split(dataset, column):
    """The cell-count finding names the column whose cell the comma split, and says to quote it."""
    table, key = ("attestations", "attestation_id") if column == "excerpt" else ("statements", "statement_id")
    first = dataset.read(table)[1][0][key]
    line = dataset.edit(table, {key: first}, **{column: "CELLBREAK"})
    path = dataset.path(table)
    path.write_text(path.read_text(encoding="utf-8").replace("CELLBREAK", "words, and more words"), encoding="utf-8")
    (finding,) = dataset.validate().findings
    assert (finding.line, finding.column, finding.rule) == (line, column, "cell-count")
    assert finding.hint.startswith('wrap that cell in double quotes ("…")')


def integrity_run(dataset, engine):
    from claims.validate import validate

    return validate(dataset.dir, dataset.archive, layers=("structure", "rows", "integrity"), engine=engine)


def test_mentions_of_a_statement_without_excerpt_follow_from_it(dataset):
    """A statement with mentions but no attestation is one finding (unattested), not one more for
    each mention "in none of its excerpts"."""
    from claims.contrib.add import next_id

    header, statements = dataset.read("statements")
    _, mentions = dataset.read("statement_mentions")
    model = next(row for row in statements if any(m["statement_id"] == row["statement_id"] for m in mentions))
    new_id = next_id(dataset.dir, "statements")
    line = dataset.append("statements", **{**model, "statement_id": new_id, "text": model["text"] + " Again."})
    for mention in [m for m in mentions if m["statement_id"] == model["statement_id"]]:
        dataset.append("statement_mentions", **{**mention, "statement_id": new_id})
    assert dataset.findings() == {("statements.csv", line, "statement_id", "unattested")}


def test_an_attestation_that_cannot_be_read_leaves_its_statement_attested(dataset):
    """A stray comma in an excerpt is one finding on the attestation (cell-count): its statement
    is not reported as unattested, its attestation is there."""
    _, attestations = dataset.read("attestations")
    counts = Counter(row["statement_id"] for row in attestations if row["statement_id"])
    only = next(row for row in attestations if row["statement_id"] and counts[row["statement_id"]] == 1)
    line = dataset.edit("attestations", {"attestation_id": only["attestation_id"]}, excerpt="CELLBREAK")
    path = dataset.path("attestations")
    path.write_text(path.read_text(encoding="utf-8").replace("CELLBREAK", "in two, parts"), encoding="utf-8")
    for engine in ("fast", "reference"):
        run = dataset.validate() if engine == "fast" else integrity_run(dataset, engine)
        assert [(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings] == [
            ("attestations.csv", line, "excerpt", "cell-count")
        ], (engine, run.findings)


def test_a_misspelt_key_is_one_finding_with_the_key_it_means(dataset):
    """An attestation naming 'st-063x' for st-063 is a foreign-key finding that suggests st-063;
    st-063 is not also reported as unattested (whose hint would have a row added that exists)."""
    _, attestations = dataset.read("attestations")
    counts = Counter(row["statement_id"] for row in attestations if row["statement_id"])
    only = next(row for row in attestations if row["statement_id"] and counts[row["statement_id"]] == 1)
    line = dataset.edit(
        "attestations", {"attestation_id": only["attestation_id"]}, statement_id=only["statement_id"] + "x"
    )
    for engine in ("fast", "reference"):
        run = dataset.validate() if engine == "fast" else integrity_run(dataset, engine)
        assert [(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings] == [
            ("attestations.csv", line, "statement_id", "foreign-key")
        ], (engine, run.findings)
        assert run.findings[0].hint == f"did you mean {only['statement_id']!r}?"


@pytest.mark.parametrize("column", ["speaker_id", "event_id"])
def test_a_speaker_or_event_that_names_no_row_is_not_also_a_missing_participant(dataset, column):
    """A misspelt speaker or event of a statement at an event is one foreign-key finding; no hint to
    add (event, misspelt speaker) to the participants."""
    _, statements = dataset.read("statements")
    at_event = next(row for row in statements if row["event_id"] and row["speaker_id"])
    line = dataset.edit(
        "statements", {"statement_id": at_event["statement_id"]}, **{column: at_event[column][:-1] + "x"}
    )
    for engine in ("fast", "reference"):
        run = dataset.validate() if engine == "fast" else integrity_run(dataset, engine)
        assert [(f.line, f.column, f.rule) for f in run.findings] == [(line, column, "foreign-key")], (
            engine,
            run.findings,
        )


def test_a_participant_is_named_in_the_event_s_excerpts_by_name_or_alias(dataset):
    # the talks of Sunday: "Kyiv has since won some concessions … following talks with Secretary of
    # State Marco Rubio Sunday" names Ukraine only by its alias
    assert not any(f[3] == "participant-not-named" for f in dataset.findings(with_archive=False))
    line = dataset.line_of("event_participants", event_id="talks-2025-11-23-ukraine-rubio", actor_id="ukraine")
    dataset.edit("actors", {"actor_id": "ukraine"}, aliases="")
    assert ("event_participants.csv", line, "actor_id", "participant-not-named") in dataset.findings(with_archive=False)


def test_a_participant_named_only_by_a_pronoun_is_not_named(dataset):
    # the Security Council meeting: its own sentence says "He told senior officials"; the excerpt
    # names Putin only because it was widened to the sentence before
    row = dataset.row("attestations", event_id="meeting-2025-11-russian-security-council")
    own = row["excerpt"].index("He told")
    dataset.edit(
        "attestations",
        {"attestation_id": row["attestation_id"]},
        excerpt=row["excerpt"][own:],
        char_start=str(int(row["char_start"]) + own),
    )
    line = dataset.line_of(
        "event_participants", event_id="meeting-2025-11-russian-security-council", actor_id="vladimir-putin"
    )
    assert ("event_participants.csv", line, "actor_id", "participant-not-named") in dataset.findings(with_archive=False)


def test_an_event_s_length_is_in_its_own_excerpts(dataset):
    # the call of Oct. 16 is "two-and-a-half-hour-long" only in the words after its first clause
    row = dataset.row("attestations", event_id="phone-call-2025-10-16-trump-putin")
    first_clause = row["excerpt"][: row["excerpt"].index(", and the US president")]
    dataset.edit(
        "attestations",
        {"attestation_id": row["attestation_id"]},
        excerpt=first_clause,
        char_end=str(int(row["char_start"]) + len(first_clause)),
    )
    line = dataset.line_of("events", event_id="phone-call-2025-10-16-trump-putin")
    assert ("events.csv", line, "duration_text", "event-words-not-quoted") in dataset.findings(with_archive=False)


def test_an_event_s_place_words_are_the_source_s_not_its_parts_joined(dataset):
    # the photo caption gives the venue, and "in Flushing Meadows, Queens, New York City" apart
    joined = "USTA Billie Jean King National Tennis Center, Flushing Meadows, Queens, New York City"
    line = dataset.edit("events", {"event_id": "visit-2025-09-07-us-open-final"}, location=joined)
    run = dataset.validate(with_archive=False)
    finding = next(f for f in run.findings if f.rule == "event-words-not-quoted")
    assert (finding.line, finding.column) == (line, "location")


def test_event_words_with_a_space_for_the_source_s_no_break_space_get_a_hint(dataset):
    line = dataset.edit(
        "events", {"event_id": "talks-2025-11-23-ukraine-rubio"}, location="talks with Secretary of State"
    )
    run = dataset.validate(with_archive=False)
    finding = next(f for f in run.findings if f.rule == "event-words-not-quoted")
    assert (finding.line, finding.column) == (line, "location")
    assert "U+00A0 NO-BREAK SPACE" in finding.hint


@pytest.mark.parametrize(
    "plan, changes, column",
    [
        ("russian-paper", {"title": "Russia’s paper"}, "title"),  # the curators' words
        ("plan-28-point-peace-plan", {"aliases": "28-point plan|28-point peace plan"}, "aliases"),  # a case never used
    ],
)
def test_a_plan_s_names_are_the_sources_words(dataset, plan, changes, column):
    line = dataset.edit("plans", {"plan_id": plan}, **changes)
    found = [f for f in dataset.validate(with_archive=False).findings if f.rule == "plan-name-not-quoted"]
    assert [(f.line, f.column) for f in found] == [(line, column)]


@pytest.mark.parametrize(
    "statement, topics, missing",
    [
        ("st-054", "territory|security", "peace_plan"),  # a term of the plan is its contents
        ("st-053", "peace_plan", "territory"),  # and about what the term's own topic says
    ],
)
def test_a_plan_s_term_is_given_with_its_topics(dataset, statement, topics, missing):
    line = dataset.edit("statements", {"statement_id": statement}, topics=topics)
    found = [f for f in dataset.validate(with_archive=False).findings if f.rule == "provision-topic"]
    assert [(f.line, f.column) for f in found] == [(line, "topics")]
    assert found[0].message.endswith(f"lacks the topic {missing}")


@pytest.mark.parametrize(
    "words, says",
    [
        ("Steve  Witkoff", "writes these words with other spacing ('Steve Witkoff')"),  # one space too many
        (" ", "copy the words that name the entity"),  # whitespace only: no spelling to point at
    ],
)
def test_a_hint_says_how_the_source_spaces_the_words(dataset, words, says):
    line = dataset.edit(
        "statement_mentions", {"statement_id": "st-002", "entity_id": "steve-witkoff"}, mentioned_as=words
    )
    run = dataset.validate(with_archive=False)
    hints = [f.hint for f in run.findings if (f.line, f.rule) == (line, "mention-not-named")]
    assert len(hints) == 1 and says in hints[0], hints
