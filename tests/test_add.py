"""`claims add`: rows drafted from the source's own words — the excerpt inside the article body, the
next free IDs, names and date words found in it, every column an option derived from the schema,
nothing guessed (what the words do not decide is left empty and said)."""

import contextlib
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims import tablefile
from claims.cli import cli
from claims.contrib import add, datewords
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


def resolved(words: str, anchor: datewords.Anchor | None = None, past: bool = True):
    """The one resolution of `words` against the article's date: (date, date_min, date_max), or why not.
    `past`: the words date what the article reports as past (a statement it reports)."""
    (result,) = datewords.resolutions(words, datewords.source_anchor(FORTUNE, ARTICLE_DAY), anchor, past=past)
    return result if isinstance(result, str) else (result.edtf, result.date_min, result.date_max)


def test_date_words_resolve_against_the_source_date():
    assert resolved("Oct. 14") == ("2025-10-14", "2025-10-14", "2025-10-14")
    assert resolved("December 3") == ("2024-12-03", "2024-12-03", "2024-12-03")  # reported as past: last December
    assert resolved("Tuesday") == ("2025-11-25", "2025-11-25", "2025-11-25")  # the article's own day
    assert resolved("Sunday") == ("2025-11-23", "2025-11-23", "2025-11-23")
    assert resolved("this month") == ("2025-11", "2025-11-01", "2025-11-25")  # bounded by the article
    assert resolved("last month") == ("2025-10", "2025-10-01", "2025-10-31")
    assert resolved("September 7, 2025") == ("2025-09-07", "2025-09-07", "2025-09-07")


def test_ranges_weeks_months_and_years_keep_both_ends():
    assert resolved("Nov. 1–3") == ("2025-11-01/2025-11-03", "2025-11-01", "2025-11-03")
    assert resolved("Oct. 14-16") == ("2025-10-14/2025-10-16", "2025-10-14", "2025-10-16")
    assert resolved("Dec. 30–Jan. 2") == ("2024-12-30/2025-01-02", "2024-12-30", "2025-01-02")
    assert resolved("last week") == ("[2025-11-17..2025-11-23]", "2025-11-17", "2025-11-23")  # Monday to Sunday
    assert resolved("this week") == ("[2025-11-24..2025-11-25]", "2025-11-24", "2025-11-25")
    assert resolved("in October") == ("2025-10", "2025-10-01", "2025-10-31")
    assert resolved("last year") == ("2024", "2024-01-01", "2024-12-31")


def test_date_words_keep_their_wording_in_any_case():
    """Words that may begin a sentence are found capitalised too, and whole ("Earlier this month")."""
    text = "Earlier this month, Two days later, The day before, Today, Yesterday, Later that week"
    assert [found.words for found in datewords.find(text)] == text.split(", ")
    assert resolved("Today") == ("2025-11-25", "2025-11-25", "2025-11-25")
    assert resolved("Yesterday") == ("2025-11-24", "2025-11-24", "2025-11-24")
    assert resolved("Earlier this month") == ("2025-11", "2025-11-01", "2025-11-25")


def test_words_that_may_look_ahead_are_resolved_only_for_the_past():
    """Without a year or a tense, a weekday or a day of a month may be still to come: "Dec. 1" in an
    article of 25 November is not last December's unless the article reports it as past."""
    for words in ("Dec. 1", "Thursday", "Oct. 14", "in October", "Nov. 1–3"):
        assert "still to come or gone by" in resolved(words, past=False), words
    assert resolved("this month", past=False) == ("2025-11", "2025-11-01", "2025-11-30")
    assert resolved("later this month", past=False) == ("2025-11", "2025-11-26", "2025-11-30")
    assert "still to come" in resolved("later this month")  # nothing reported as past lies there


def test_a_day_no_calendar_has_is_said_not_resolved():
    for words in ("Feb. 30", "Oct. 35", "Nov. 31–Dec. 2"):
        assert "not a day of the calendar" in resolved(words), words
        assert "not a day of the calendar" in resolved(words, past=False), words


def test_relative_words_need_the_event_they_count_from():
    call = datewords.event_anchor("phone-call-2025-10-14-witkoff-ushakov", date(2025, 10, 14))
    assert "--date-against" in resolved("two days later")
    assert resolved("two days later", call) == ("2025-10-16", "2025-10-16", "2025-10-16")
    assert resolved("The day before", call) == ("2025-10-13", "2025-10-13", "2025-10-13")
    assert resolved("later that week", call) == ("[2025-10-15..2025-10-19]", "2025-10-15", "2025-10-19")
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


def redraft(dataset, attestation_id: str, **given_dates: str) -> add.Draft:
    """The curated statement of `attestation_id` drafted again from its excerpt's offsets, with its
    type, speaker and text given (and `given_dates`): what claims add decides itself is left."""
    attestation = dataset.row("attestations", attestation_id=attestation_id)
    statement = dataset.row("statements", statement_id=attestation["statement_id"])
    mine = {column: statement[column] for column in ("statement_type", "speaker_id", "text")}
    return add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        None,
        (int(attestation["char_start"]), int(attestation["char_end"])),
        given={"statements": {**mine, **given_dates}, "attestations": {"evidence_basis": "unspecified"}},
    )


@pytest.mark.parametrize(
    "attestation_id,words",
    [
        (
            "att-040",
            "Oct. 24",
        ),  # "Dmitriev told Axios he spent three days in Miami from Oct. 24": his stay, not the interview
        (
            "att-051",
            "Sunday",
        ),  # "… following talks with Secretary of State Marco Rubio Sunday": the talks, not the threat
    ],
)
def test_date_words_that_may_date_another_clause_are_offered_not_used(dataset, needs_archive, attestation_id, words):
    draft = redraft(dataset, attestation_id)
    (statement,) = draft.rows["statements"]
    assert (statement["date"], statement["date_min"], statement["date_max"]) == ("[..2025-11-25]", "", "2025-11-25")
    assert any(
        note.startswith(f"date: {words!r} not used") and f"--date-text {words!r}" in note for note in draft.notes
    )
    vouched = redraft(dataset, attestation_id, date_text=words)  # the contributor says they date it
    assert vouched.rows["statements"][0]["date_text"] == words


def test_date_words_next_to_the_speech_verb_or_opening_the_sentence_date_the_statement():
    for text, words in (
        ("Trump said Tuesday he was directing Witkoff", "Tuesday"),
        ("Trump told reporters Oct. 14 that he was directing Witkoff", "Oct. 14"),
        ("On Oct. 29, Dmitriev told Ushakov he would stick to it", "Oct. 29"),
        ("In an Oct. 14 phone call that lasted five minutes, Witkoff advised Yuri Ushakov", "Oct. 14"),
    ):
        (found,), _framing = add.date_words(text, statement=True)
        assert (found.words, found.why_not) == (words, ""), text
    for text in (
        "Witkoff said the talks began Tuesday",  # another clause
        "Sunday’s talks, Trump said, went well",  # the talks' day
        "Trump said it. Putin called Tuesday",  # another sentence
    ):
        (found,), _framing = add.date_words(text, statement=True)
        assert found.why_not, text


def test_date_words_in_a_quotation_are_never_used(dataset, needs_archive):
    """Quoted words date what is said: also where the excerpt cuts the quotation, or quotes with
    straight quotation marks; unpaired straight ones leave every date word unused."""
    for text in (
        "“Zelenskiy is coming to the White House on Friday,” Witkoff said",
        "the White House on Friday,” Witkoff said",  # the quotation opens before the excerpt
        "Witkoff said: “Zelenskiy is coming on Friday",  # and closes after it
        'Peskov said "Friday" was the deadline',
        'Peskov said "the deadline" was Friday"',  # unpaired: what is quoted cannot be told
    ):
        (found,), _framing = add.date_words(text, statement=True)
        assert found.quoted and found.why_not, text
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "the White House on Friday,” Witkoff said",
        given={"statements": {"statement_type": "direct_quote"}},
    )
    (statement,) = draft.rows["statements"]
    assert statement["date_text"] != "Friday" and statement["date"] == "[..2025-11-25]"
    assert statement["text"] == "the White House on Friday"  # the quoted words, though their opening mark is cut


def test_an_event_still_to_come_is_not_bounded_by_the_article(dataset, needs_archive):
    draft = add.draft_event(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "he announced plans to meet with the Russian leader in Budapest, a summit that is yet to take place",
        given={"events": {"event_type": "summit", "title": "Budapest summit"}},
    )
    (event,) = draft.rows["events"]
    # reported as yet to take place: after the article, as the data dictionary says a planned event is dated
    assert (event["date"], event["date_min"], event["date_max"]) == ("[2025-11-26..]", "2025-11-26", "")
    assert event["event_id"] == "summit-budapest"
    assert any("still to come" in note for note in draft.notes)


def test_a_statement_at_an_event_without_date_words_takes_the_event_s_date(dataset, needs_archive):
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        "He later assured Ushakov that he would stick to what he was told to say",
        given={
            "statements": {
                "speaker_id": "kirill-dmitriev",
                "event_id": "phone-call-2025-10-29-dmitriev-ushakov",
                "statement_type": "paraphrase",
                "text": "He would stick to what he was told to say.",
            }
        },
    )
    (statement,) = draft.rows["statements"]
    event = dataset.row("events", event_id="phone-call-2025-10-29-dmitriev-ushakov")
    assert [statement[c] for c in ("date", "date_text", "date_min", "date_max")] == [
        event[c] for c in ("date", "date_text", "date_min", "date_max")
    ]
    assert "phone-call-2025-10-29-dmitriev-ushakov" in statement["date_resolved_against"]


def test_a_terminal_is_offered_the_date_words_and_the_mentions_by_context(dataset, needs_archive):
    """What the words do not decide is asked, and written only as answered."""
    asked = []

    def ask(column, question, choices, suggested):
        asked.append((column, choices))
        return {"date_text": "Oct. 24", "statement_mentions": "yes"}.get(column, "")

    attestation = dataset.row("attestations", attestation_id="att-040")
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        None,
        (int(attestation["char_start"]), int(attestation["char_end"])),
        given={
            "statements": {
                "statement_type": "paraphrase",
                "speaker_id": "kirill-dmitriev",
                "text": "He spent three days in Miami from Oct. 24.",
            },
            "attestations": {"evidence_basis": "unspecified"},
        },
        ask=ask,
    )
    assert ("date_text", ["Oct. 24", "none"]) in asked
    assert draft.rows["statements"][0]["date"] == "2025-10-24"


def test_mentions_are_written_by_name_and_offered_by_role(dataset, needs_archive):
    """The longest words win where names overlap ("US president" over "the US"); a role or a
    position's title, which names someone only in context, is offered, not written."""
    words = "the US president described the two-and-a-half-hour-long conversation as “very productive.”"
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        words,
        given={"statements": {"statement_type": "paraphrase", "speaker_id": "donald-trump", "text": words}},
    )
    assert "statement_mentions" not in draft.rows  # neither the United States nor, unasked, Trump
    assert any("'US president' is the role of actor donald-trump" in note for note in draft.notes)
    lede = "US presidential envoy Steve Witkoff, fresh from the triumph of the Gaza peace deal, held a phone call last month with a senior Kremlin official"
    draft = add.draft_statement(
        dataset.dir, dataset.archive, FORTUNE, lede, given={"statements": {"statement_type": "outlet_claim"}}
    )
    mentioned = {(m["entity_id"], m["mentioned_as"]) for m in draft.rows["statement_mentions"]}
    assert ("steve-witkoff", "Steve Witkoff") in mentioned and "yuri-ushakov" not in {key for key, _ in mentioned}
    assert any("--mention actor:yuri-ushakov=senior Kremlin official" in note for note in draft.notes)
    answered = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        lede,
        given={"statements": {"statement_type": "outlet_claim"}},
        ask=lambda column, question, choices, suggested: "yes" if column == "statement_mentions" else "",
    )
    assert ("yuri-ushakov", "senior Kremlin official") in {
        (m["entity_id"], m["mentioned_as"]) for m in answered.rows["statement_mentions"]
    }


def test_a_name_joined_into_a_compound_is_offered_not_written(dataset, needs_archive):
    """ "the Witkoff-Ushakov call" names a call: Witkoff and Ushakov are offered, Trump (named on his
    own) is written."""
    words = (
        "At the time of the Witkoff-Ushakov call, Trump was basking in the success of his drive to end the war in Gaza"
    )
    draft = add.draft_statement(
        dataset.dir, dataset.archive, FORTUNE, words, given={"statements": {"statement_type": "outlet_claim"}}
    )
    mentioned = {m["entity_id"] for m in draft.rows["statement_mentions"]}
    assert "donald-trump" in mentioned and not mentioned & {"steve-witkoff", "yuri-ushakov"}
    assert any("'Witkoff' stands in 'Witkoff-Ushakov'" in note for note in draft.notes)


def test_who_told_whom_is_suggested_from_the_framing(dataset, needs_archive):
    naming = add.naming_words(dataset.dir)
    quote = "“We put a 20-point Trump plan together that was 20 points for peace and I’m thinking maybe we do the same thing with you,” Witkoff told Ushakov"
    assert add.framed_speakers(quote, naming) == ({"steve-witkoff"}, {"yuri-ushakov"})
    assert add.framed_speakers("Ushakov asked Witkoff whether it would be useful", naming) == (
        {"yuri-ushakov"},
        {"steve-witkoff"},
    )
    assert add.framed_speakers("“It will,” said Trump", naming) == ({"donald-trump"}, set())
    described = "the US president described the two-and-a-half-hour-long conversation"
    assert add.framed_speakers(described, naming) == ({"donald-trump"}, set())  # not "the US"
    draft = add.draft_statement(
        dataset.dir,
        dataset.archive,
        FORTUNE,
        quote,
        given={"statements": {"statement_type": "direct_quote"}},
        ask=lambda column, question, choices, suggested: suggested,
    )
    (statement,) = draft.rows["statements"]
    assert (statement["speaker_id"], statement["addressee_id"]) == ("steve-witkoff", "yuri-ushakov")


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


def test_words_with_a_typo_are_refused_with_the_closest_passage(dataset, needs_archive):
    """Words that are not in the article: the refusal shows the passage most like them, with its
    offsets, and where the two part."""
    attestation = dataset.row("attestations", attestation_id="att-063")
    excerpt, start = attestation["excerpt"], int(attestation["char_start"])
    at = next(i for i in range(len(excerpt) // 2, len(excerpt)) if excerpt[i].isalpha())
    typo = excerpt[:at] + ("x" if excerpt[at] != "x" else "y") + excerpt[at + 1 :]
    result = claims_add(dataset, "statement", FORTUNE, typo, "--dry-run")
    assert result.exit_code == 2 and "is not in the archived text" in result.output
    said = " ".join(result.output.split())
    assert f"char_start={start} char_end={start + len(excerpt)}" in said
    assert f"parts from the words at character {at}" in said


def test_words_found_twice_ask_for_the_offsets(dataset, needs_archive):
    result = claims_add(dataset, "statement", FORTUNE, "Witkoff", "--dry-run")
    assert result.exit_code == 2 and "--chars START:END" in result.output


def test_words_and_offsets_must_agree(dataset, needs_archive):
    attestation = dataset.row("attestations", attestation_id="att-063")
    chars = f"{attestation['char_start']}:{attestation['char_end']}"
    agreed = claims_add(dataset, "statement", FORTUNE, attestation["excerpt"], "--chars", chars, "--dry-run")
    assert agreed.exit_code == 0, agreed.output
    other = claims_add(dataset, "statement", FORTUNE, "Witkoff advised Yuri Ushakov", "--chars", chars, "--dry-run")
    assert other.exit_code == 2 and "not the words given" in other.output


def test_words_across_the_end_of_the_body_are_called_so(dataset, needs_archive):
    from claims.sources import archived_text

    text, (_start, end) = archived_text(dataset.dir, dataset.archive, FORTUNE)
    across = text[end - 20 : end + 20]
    result = claims_add(dataset, "statement", FORTUNE, across, "--dry-run")
    assert result.exit_code == 2 and "partly outside the article body" in result.output


def test_date_against_without_words_that_count_from_an_event_is_refused(dataset, needs_archive):
    result = claims_add(
        dataset,
        "statement",
        FORTUNE,
        "Trump said Tuesday he was directing Witkoff",
        "--statement-type",
        "paraphrase",
        "--date-against",
        "phone-call-2025-10-14-witkoff-ushakov",
        "--dry-run",
    )
    assert result.exit_code == 2 and "none of the date words used counts from an event" in result.output


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
        add.draft_actor(
            dataset.dir,
            dataset.archive,
            "Someone Else",
            {"actors": {"actor_type": "person", "actor_id": "vladimir-putin"}},
        )


def test_an_actor_is_not_added_twice_nor_without_an_id(dataset, needs_archive):
    """A name that is already an actor's name or alias is that actor (another of the same name
    needs its own --id); a name without letters of the IDs' alphabet needs --id."""
    with pytest.raises(add.AddProblem, match="already the name or an alias of donald-trump"):
        add.draft_actor(dataset.dir, dataset.archive, "Trump", {"actors": {"actor_type": "person"}})
    namesake = add.draft_actor(
        dataset.dir, dataset.archive, "Trump", {"actors": {"actor_type": "person", "actor_id": "trump-namesake"}}
    )
    assert namesake.rows["actors"][0]["actor_id"] == "trump-namesake"
    with pytest.raises(add.AddProblem, match="pass --id"):
        add.draft_actor(dataset.dir, dataset.archive, "Владимир", {"actors": {"actor_type": "person"}})
    with pytest.raises(add.AddProblem, match="pass --id"):
        add.draft_event(
            dataset.dir,
            dataset.archive,
            FORTUNE,
            "On Oct. 29, Dmitriev and Ushakov spoke by phone in Russian",
            given={"events": {"event_type": "phone_call", "title": "Звонок"}},
        )


# --- writing: checked first, whole files or none, one at a time ------------------------------------


@pytest.mark.parametrize(
    "table,damage,rule",
    [
        ("statements", 'st-900,bloomberg,,,2025-11-25,"unterminated\n', "csv-quoting"),
        ("attestations", "att-900,\0\n", "nul-byte"),
        ("statement_mentions", "st-001,actor\n", "cell-count"),
    ],
)
def test_a_broken_table_is_refused_before_anything_is_written(dataset, needs_archive, table, damage, rule):
    with dataset.path(table).open("a", encoding="utf-8") as handle:
        handle.write(damage)
    before = {path.name: path.read_bytes() for path in dataset.dir.iterdir()}
    result = claims_add(
        dataset,
        "statement",
        FORTUNE,
        "On Oct. 29, Dmitriev and Ushakov spoke by phone in Russian",
        "--statement-type",
        "outlet_claim",
    )
    assert result.exit_code == 2, result.output
    assert f"{table}.csv:" in result.output and f"[{rule}]" in result.output and "this is a bug" not in result.output
    assert {path.name: path.read_bytes() for path in dataset.dir.iterdir()} == before


@pytest.mark.parametrize("table", ["actors", "attestations"])
def test_a_renamed_column_or_a_byte_order_mark_is_said_not_crashed_on(dataset, needs_archive, table):
    path = dataset.path(table)
    text = path.read_text(encoding="utf-8")
    path.write_text("\ufeff" + text, encoding="utf-8")
    with_bom = claims_add(
        dataset, "statement", FORTUNE, "Witkoff advised Yuri Ushakov", "--statement-type", "paraphrase", "--dry-run"
    )
    assert with_bom.exit_code == 0, with_bom.output
    first = text.split(",", 1)[0]
    path.write_text(text.replace(first, first + "x", 1), encoding="utf-8")
    renamed = claims_add(
        dataset, "statement", FORTUNE, "Witkoff advised Yuri Ushakov", "--statement-type", "paraphrase", "--dry-run"
    )
    assert renamed.exit_code == 2 and f"{table}.csv:1: [unknown-column]" in renamed.output, renamed.output


def test_files_are_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    """If a file cannot be put in place, those put in place before it get their old bytes back."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("old a\n")
    second.write_text("old b\n")
    replace = os.replace

    def fail_on_the_second(source, target):
        if Path(target) == second:
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(tablefile.os, "replace", fail_on_the_second)
    with pytest.raises(OSError):
        tablefile.replace_files({first: b"new a\n", second: b"new b\n"})
    assert (first.read_text(), second.read_text()) == ("old a\n", "old b\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.csv", "b.csv"]  # no partial files left


@pytest.mark.rules  # two claims add processes
def test_concurrent_runs_wait_for_each_other_and_take_their_own_ids(dataset, needs_archive):
    """While one claims add holds the data folder, another waits, then takes the next free IDs."""
    command = [sys.executable, "-m", "claims", "add", "statement", FORTUNE, "--statement-type", "outlet_claim"]
    command += ["--data", str(dataset.dir), "--archive", str(dataset.archive)]
    words = ["Dmitriev and Ushakov spoke by phone in Russian", "Witkoff advised Yuri Ushakov"]
    first_id = add.next_id(dataset.dir, "statements")
    with add.locked(dataset.dir):
        waiting = [
            subprocess.Popen([*command, text], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for text in words
        ]
        with contextlib.suppress(subprocess.TimeoutExpired):
            waiting[0].wait(timeout=2)
        assert all(process.poll() is None for process in waiting)  # both wait for the lock
        assert first_id not in dataset.path("statements").read_text(encoding="utf-8")
    results = [process.communicate(timeout=120) for process in waiting]
    assert [process.returncode for process in waiting] == [0, 0], results
    _header, statements = dataset.read("statements")
    added = {row["statement_id"]: row["text"] for row in statements if row["text"] in words}
    assert len(added) == 2 and first_id in added
