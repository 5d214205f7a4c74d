"""`claims add`: rows drafted from the source's own words — the excerpt inside the article body, the
next free IDs, names and date words found in it, every column an option derived from the schema,
nothing guessed (what the words do not decide is left empty and said)."""

import re
from datetime import date

import pytest
from click.testing import CliRunner

from claims import add, datewords
from claims.cli import cli
from claims.schema import TABLES_BY_NAME

FORTUNE = "fortune-2025-11-25-witkoff-advised-russia"
ARTICLE_DAY = date(2025, 11, 25)


@pytest.fixture
def needs_archive(archive):
    return archive


def claims_add(dataset, *args: str):
    return CliRunner().invoke(cli, ["add", *args, "--data", str(dataset.dir), *dataset.archive_args()])


# --- IDs ----------------------------------------------------------------------------------------------


def test_the_next_id_follows_every_id_ever_used(dataset):
    """One above the highest number of the table's IDs, its retired and its published ones."""
    first = add.next_id(dataset.dir, "statements")
    prefix, number = re.fullmatch(r"(.*?)([0-9]+)", first).groups()
    assert first not in add.taken_ids(dataset.dir, "statements")
    retired = f"{prefix}{int(number) + 5:0{len(number)}d}"
    dataset.append("retired_ids", table_name="statements", id=retired, retired_on="2026-01-01", reason="a test")
    assert add.next_id(dataset.dir, "statements") == f"{prefix}{int(number) + 6:0{len(number)}d}"


# --- dates ------------------------------------------------------------------------------------------------


def resolved(words: str, anchor: datewords.Anchor | None = None):
    (result,) = datewords.resolutions(words, datewords.source_anchor(FORTUNE, ARTICLE_DAY), anchor)
    return result if isinstance(result, str) else (result.edtf, result.date_min, result.date_max)


def test_date_words_resolve_against_the_source_date():
    assert resolved("Oct. 14") == ("2025-10-14", "2025-10-14", "2025-10-14")
    assert resolved("December 3") == ("2024-12-03", "2024-12-03", "2024-12-03")  # not after the article
    assert resolved("Tuesday") == ("2025-11-25", "2025-11-25", "2025-11-25")  # the article's own day
    assert resolved("Sunday") == ("2025-11-23", "2025-11-23", "2025-11-23")
    assert resolved("this month") == ("2025-11", "2025-11-01", "2025-11-25")  # bounded by the article
    assert resolved("last month") == ("2025-10", "2025-10-01", "2025-10-31")
    assert resolved("September 7, 2025") == ("2025-09-07", "2025-09-07", "2025-09-07")


def test_relative_words_need_the_event_they_count_from():
    call = datewords.event_anchor("phone-call-2025-10-14-witkoff-ushakov", date(2025, 10, 14))
    assert "--date-against" in resolved("two days later")
    assert resolved("two days later", call) == ("2025-10-16", "2025-10-16", "2025-10-16")
    assert resolved("The day before", call) == ("2025-10-13", "2025-10-13", "2025-10-13")
    assert "before or after" in resolved("Friday", call)  # counted from an event, a weekday points both ways


# --- statements -----------------------------------------------------------------------------------------


def test_a_quote_is_drafted_from_the_excerpt(dataset, needs_archive):
    """A direct quote's text is its quoted words; the date comes from the framing's date words, not
    from words inside the quote; the speaker is only suggested (in a pipe: left empty, and said)."""
    words = "“I don’t know why he continues with this war,” Trump said Oct. 14"
    draft = add.draft_statement(
        dataset.dir, dataset.archive, FORTUNE, words, given={"statements": {"statement_type": "direct_quote"}}
    )
    (statement,) = draft.rows["statements"]
    (attestation,) = draft.rows["attestations"]
    assert statement["text"] == "I don’t know why he continues with this war"
    assert (statement["date"], statement["date_text"]) == ("2025-10-14", "Oct. 14")
    assert statement["speaker_id"] == "" and any("donald-trump" in note and "--speaker" in note for note in draft.notes)
    assert attestation["excerpt"] == words and attestation["statement_id"] == statement["statement_id"]
    text = (dataset.archive / "fortune-2025-11-25-witkoff-advised-russia.txt").read_text(encoding="utf-8")
    assert text[int(attestation["char_start"]) : int(attestation["char_end"])] == words


def test_a_terminal_is_asked_with_the_suggestion(dataset, needs_archive):
    asked = []

    def ask(column, question, choices, suggested):
        asked.append((column, suggested))
        return {"speaker_id": suggested, "evidence_basis": "unspecified", "text": "He was directing Witkoff."}[column]

    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "Trump said Tuesday he was directing Witkoff",
        given={"statements": {"statement_type": "paraphrase"}},
        ask=ask,
    )
    (statement,) = draft.rows["statements"]
    assert ("speaker_id", "donald-trump") in asked and statement["speaker_id"] == "donald-trump"
    assert statement["date_text"] == "Tuesday" and statement["date"] == "2025-11-25"
    assert [(m["entity_id"], m["mentioned_as"]) for m in draft.rows["statement_mentions"]] == [
        ("steve-witkoff", "Witkoff")
    ]


def test_given_columns_are_kept_and_names_resolved(dataset, needs_archive):
    """An actor given by a name or an alias is written as its ID, as every foreign key is."""
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "Trump said Tuesday he was directing Witkoff",
        given={
            "statements": {"statement_type": "paraphrase", "speaker_id": "Trump", "addressee_id": "Reporters"},
            "attestations": {"evidence_basis": "unspecified"},
        },
    )
    (statement,) = draft.rows["statements"]
    assert (statement["speaker_id"], statement["addressee_id"]) == ("donald-trump", "reporters")
    assert not any(note.startswith(("speaker_id", "evidence_basis")) for note in draft.notes)


def test_the_addressee_comes_with_the_excerpt_s_words_for_it(dataset, needs_archive):
    """An addressee is given only with the source's words for it (addressee_as): those the framing
    says were spoken to; where the excerpt has none, the column stays empty and the note says why."""
    words = "“We put a 20-point Trump plan together that was 20 points for peace and I’m thinking maybe we do the same thing with you,” Witkoff told Ushakov"
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        words,
        given={"statements": {"statement_type": "direct_quote", "speaker_id": "Witkoff", "addressee_id": "Ushakov"}},
    )
    (statement,) = draft.rows["statements"]
    assert (statement["addressee_id"], statement["addressee_as"]) == ("yuri-ushakov", "Ushakov")
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "Trump said Tuesday he was directing Witkoff",
        given={"statements": {"statement_type": "paraphrase", "speaker_id": "Trump", "addressee_id": "Reporters"}},
    )
    (statement,) = draft.rows["statements"]
    assert statement["addressee_as"] == ""
    assert any(note.startswith("addressee_as: left empty") and "reporters" in note for note in draft.notes)


def test_words_without_a_date_are_bounded_by_the_source_without_date_words(dataset, needs_archive):
    """No date words in the excerpt: the statement is one day on or before the source's date, and
    date_text, the source's words only, stays empty (what bounds it is in date_resolved_against)."""
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "Kremlin spokesman Dmitry Peskov didn’t immediately respond to comment",
        given={"statements": {"statement_type": "no_response", "speaker_id": "Peskov"}},
    )
    (statement,) = draft.rows["statements"]
    assert (statement["date"], statement["date_text"], statement["date_max"]) == ("[..2025-11-25]", "", "2025-11-25")
    assert FORTUNE in statement["date_resolved_against"]


def test_undecided_columns_stay_empty_and_the_checks_say_so(dataset, needs_archive):
    result = claims_add(
        dataset, "statement", FORTUNE, "Trump said Tuesday he was directing Witkoff", "--statement-type", "paraphrase"
    )
    assert result.exit_code == 1, result.output
    assert "note: speaker_id: left empty" in result.stderr
    assert re.search(r"statements\.csv:\d+: speaker_id: \[required\]", result.stdout), result.stdout
    assert "checked the rows written:" in result.stderr


def test_words_outside_the_article_body_are_refused(dataset, needs_archive):
    from claims.sources import archived_text

    text, (_start, end) = archived_text(dataset.dir, dataset.archive, FORTUNE)
    furniture = next(word for word in text[end:].split() if len(word) > 4 and word not in text[:end])
    before = dataset.path("statements").read_bytes()
    result = claims_add(dataset, "statement", FORTUNE, furniture, "--statement-type", "outlet_claim")
    assert result.exit_code == 2 and "outside the article body" in result.output
    assert dataset.path("statements").read_bytes() == before


def test_words_found_twice_ask_for_the_offsets(dataset, needs_archive):
    result = claims_add(dataset, "statement", FORTUNE, "Witkoff", "--dry-run")
    assert result.exit_code == 2 and "--chars START:END" in result.output


def test_every_column_is_an_option_derived_from_the_schema():
    """A column added to the schema becomes an option without a change to the command."""
    statement_help = CliRunner().invoke(cli, ["add", "statement", "--help"], terminal_width=200).output
    for table, drafted in (
        ("statements", set()),
        ("attestations", {"statement_id", "event_id", "source_id", "excerpt", "char_start", "char_end"}),
    ):
        model = TABLES_BY_NAME[table]
        for column in set(model.columns()) - drafted - set(model.meta.primary_key):
            words = column.removesuffix("_id").replace("_", "-")
            assert re.search(rf"--(attestation-)?{words}\b", statement_help), column
    bad = CliRunner().invoke(cli, ["add", "statement", FORTUNE, "x", "--statement-type", "rumour", "--dry-run"])
    assert bad.exit_code == 2 and "rumour" in bad.output  # checked as the schema checks it


# --- events and actors --------------------------------------------------------------------------------


def test_an_event_gets_its_id_from_type_date_and_title(dataset, needs_archive):
    """Drafted again from its words, the curated call gets its curated ID (once that is free)."""
    dataset.delete("events", event_id="phone-call-2025-10-29-dmitriev-ushakov")
    dataset.delete("published_ids", id="phone-call-2025-10-29-dmitriev-ushakov")
    draft = add.draft_event(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "On Oct. 29, Dmitriev and Ushakov spoke by phone in Russian",
        given={
            "events": {"event_type": "phone_call", "title": "Dmitriev–Ushakov call"},
            "attestations": {"evidence_basis": "recording_reviewed_by_outlet"},
        },
    )
    (event,) = draft.rows["events"]
    # the curated row has that ID: the type's words are not repeated from the title
    assert event["event_id"] == "phone-call-2025-10-29-dmitriev-ushakov"
    assert (event["date"], event["date_text"]) == ("2025-10-29", "Oct. 29")
    assert any("kirill-dmitriev" in note and "event_participants" in note for note in draft.notes)


def test_an_actor_role_is_quoted_with_the_sources_characters(dataset, needs_archive):
    draft = add.draft_actor(
        dataset.dir,
        dataset.archive,
        "Ushakov's colleague",
        {"actors": {"actor_type": "person", "role": "Putin's top foreign policy aide", "role_source_id": FORTUNE}},
    )
    (actor,) = draft.rows["actors"]
    assert actor["actor_id"] == "ushakov-s-colleague"
    assert actor["role"] == "Putin’s top foreign policy aide"  # the curly apostrophe of the source
    with pytest.raises(add.AddProblem, match="never reused"):
        add.draft_actor(dataset.dir, dataset.archive, "Vladimir Putin", {"actors": {"actor_type": "person"}})
