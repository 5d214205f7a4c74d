"""Layer 2: each row through its pydantic model — cell rules, EDTF, cross-field rules."""

import pytest

pytestmark = pytest.mark.rules

W = {"statement_id": "st-007"}  # a direct quote from the Oct. 14 call


def test_curated_data_has_no_row_findings(dataset):
    assert [f for f in dataset.validate().findings if f.layer == "rows"] == []


@pytest.mark.parametrize("value", ["2025-13-01", "Oct. 14", "2025/10/14", "last month"])
def test_bad_edtf(dataset, value):
    line = dataset.edit("statements", W, date=value)
    assert ("statements.csv", line, "date", "edtf") in dataset.findings()


def test_good_edtf_forms_are_accepted(dataset):
    line = dataset.edit("statements", W, date="2025-10-14~", date_min="2025-10-14", date_max="2025-10-14")
    assert not any(f[1] == line and f[0] == "statements.csv" for f in dataset.findings())


@pytest.mark.parametrize(
    "changes, column",
    [
        ({"date_min": "2025-10-13"}, "date_min"),  # before the EDTF value
        ({"date_max": "2025-10-15"}, "date_max"),  # after it
        ({"date": "2025-10", "date_min": "2025-10-20", "date_max": "2025-10-10"}, "date_max"),  # max before min
        ({"date_min": ""}, "date_min"),  # missing bound
    ],
)
def test_date_bounds_must_match_the_edtf_value(dataset, changes, column):
    line = dataset.edit("statements", W, **changes)
    assert ("statements.csv", line, column, "date-bounds") in dataset.findings()


def test_date_wording_is_required_with_a_date(dataset):
    line = dataset.edit("statements", W, date_text="")
    assert ("statements.csv", line, "date_text", "date-wording") in dataset.findings()


def test_a_bound_needs_no_date_words_but_a_reading_does(dataset):
    # st-016 (the Truth Social post): the article gives no words for its date, only a bound
    assert dataset.row("statements", statement_id="st-016")["date_text"] == ""
    assert dataset.row("statements", statement_id="st-016")["date"].startswith("[")
    assert not any(f[3] == "date-wording" for f in dataset.findings(with_archive=False))
    line = dataset.edit("statements", {"statement_id": "st-016"}, date="2025-11", date_min="2025-11-01")
    assert ("statements.csv", line, "date_text", "date-wording") in dataset.findings(with_archive=False)


def test_an_addressee_goes_with_the_words_that_name_it(dataset):
    line = dataset.edit("statements", W, addressee_as="")
    assert ("statements.csv", line, "addressee_as", "addressee-wording") in dataset.findings(with_archive=False)
    # the refusal to comment of st-010: words without an addressee are as wrong as the reverse
    line = dataset.edit("statements", {"statement_id": "st-010"}, addressee_as="Bloomberg")
    assert ("statements.csv", line, "addressee_id", "addressee-wording") in dataset.findings(with_archive=False)


def test_date_resolution_is_required_with_a_date(dataset):
    line = dataset.edit("events", {"event_id": "phone-call-2025-10-16-trump-putin"}, date_resolved_against="")
    assert ("events.csv", line, "date_resolved_against", "date-wording") in dataset.findings()


def test_date_parts_without_a_date(dataset):
    line = dataset.edit("statements", W, date="")
    assert ("statements.csv", line, "date_text", "date-missing") in dataset.findings()


def test_speaker_and_addressee_differ(dataset):
    line = dataset.edit("statements", W, addressee_id="steve-witkoff")
    assert ("statements.csv", line, "addressee_id", "speaker-is-addressee") in dataset.findings()


def test_translation_needs_a_language(dataset):
    line = dataset.edit("statements", W, language="", translated="true")
    assert ("statements.csv", line, "language", "translation-language") in dataset.findings()


def test_partial_quote_needs_quoted_words(dataset):
    line = dataset.edit(
        "statements", {"statement_id": "st-027"}, text="Asked whether it would be useful for Putin to call Trump."
    )
    assert ("statements.csv", line, "text", "quote-shape") in dataset.findings()


def test_direct_quote_parts_are_not_empty(dataset):
    line = dataset.edit("statements", W, text="We put a 20-point Trump plan together […] ")
    found = dataset.findings()
    assert ("statements.csv", line, "text", "padding") in found or (
        "statements.csv",
        line,
        "text",
        "quote-shape",
    ) in found
    line = dataset.edit("statements", {"statement_id": "st-030"}, text="From that […]  […] call")
    assert ("statements.csv", line, "text", "quote-shape") in dataset.findings()


@pytest.mark.parametrize("value", ["maybe", "True", "1", "yes"])
def test_booleans_are_lower_case_true_or_false(dataset, value):
    line = dataset.edit("statements", W, translated=value)
    found = dataset.findings()
    assert ("statements.csv", line, "translated", "type-error") in found or (
        "statements.csv",
        line,
        "translated",
        "boolean",
    ) in found


def test_boolean_rule_in_the_row_layer(dataset):
    from pydantic import ValidationError

    from claims.schema.tables import Statement

    row = dict(dataset.row("statements", **W), translated="True")
    with pytest.raises(ValidationError) as error:
        Statement.model_validate(row)
    assert error.value.errors()[0]["type"] == "boolean"


def test_attestation_backs_exactly_one_thing(dataset):
    line = dataset.edit("attestations", {"attestation_id": "att-001"}, event_id="phone-call-2025-10-14-witkoff-ushakov")
    assert ("attestations.csv", line, "statement_id", "attests-one") in dataset.findings()
    line = dataset.edit("attestations", {"attestation_id": "att-002"}, statement_id="")
    assert ("attestations.csv", line, "statement_id", "attests-one") in dataset.findings()


def test_offsets_must_span_the_excerpt_length(dataset):
    row = dataset.row("attestations", attestation_id="att-001")
    line = dataset.edit("attestations", {"attestation_id": "att-001"}, char_end=str(int(row["char_end"]) + 3))
    assert ("attestations.csv", line, "char_end", "offsets") in dataset.findings()
    line = dataset.edit("attestations", {"attestation_id": "att-001"}, char_end=row["char_start"])
    assert ("attestations.csv", line, "char_end", "offsets") in dataset.findings()


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a", "javascript:alert(1)", "fortune.com/article", "https://exa mple.org"]
)
def test_urls_must_be_http(dataset, url):
    line = dataset.edit("sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, url=url)
    assert ("sources.csv", line, "url", "pattern") in dataset.findings()


@pytest.mark.parametrize("value", ["2025-11-25T17:04:00", "25/11/2025", "2025-02-30", "2025-11-25T25:00:00-05:00"])
def test_published_at_is_iso_8601_with_offset(dataset, value):
    line = dataset.edit("sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, published_at=value)
    found = dataset.findings()
    assert ("sources.csv", line, "published_at", "pattern") in found or (
        "sources.csv",
        line,
        "published_at",
        "timestamp",
    ) in found


def test_timestamp_rule_catches_impossible_dates(dataset):
    line = dataset.edit(
        "sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, published_at="2025-02-30"
    )
    assert ("sources.csv", line, "published_at", "timestamp") in dataset.findings()


@pytest.mark.parametrize("prefix", ["=", "+", "@", "\t"])
def test_formula_injection(dataset, prefix):
    line = dataset.edit("actors", {"actor_id": "axios"}, notes=prefix + "SUM(A1:A9)")
    found = dataset.findings()
    assert ("actors.csv", line, "notes", "formula-injection") in found


def test_padding_and_invisible_characters(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, name=" Axios")
    assert ("actors.csv", line, "name", "padding") in dataset.findings()
    line = dataset.edit("actors", {"actor_id": "axios"}, name="Ax\u200bios")
    assert ("actors.csv", line, "name", "invisible-character") in dataset.findings()
    line = dataset.edit("actors", {"actor_id": "axios"}, name="Ax\x07ios")
    assert ("actors.csv", line, "name", "control-character") in dataset.findings()


def test_lists_have_no_empty_or_repeated_items(dataset):
    line = dataset.edit("actors", {"actor_id": "vladimir-putin"}, aliases="Putin||Vladimir")
    assert {("actors.csv", line, "aliases", "list"), ("actors.csv", line, "aliases", "pattern")} & dataset.findings()
    line = dataset.edit("actors", {"actor_id": "vladimir-putin"}, aliases="Putin|Putin")
    assert ("actors.csv", line, "aliases", "list") in dataset.findings()


def test_topics_are_a_closed_vocabulary(dataset):
    line = dataset.edit("statements", W, topics="peace_plan|weather")
    found = dataset.findings()
    assert ("statements.csv", line, "topics", "pattern") in found or ("statements.csv", line, "topics", "enum") in found


def test_role_needs_its_source(dataset):
    line = dataset.edit("actors", {"actor_id": "dmitry-peskov"}, role_source_id="")
    assert ("actors.csv", line, "role_source_id", "role-source") in dataset.findings()
    line = dataset.edit(
        "actors", {"actor_id": "dmitry-peskov"}, role="", role_source_id="fortune-2025-11-25-witkoff-advised-russia"
    )
    assert ("actors.csv", line, "role", "role-source") in dataset.findings()


def test_body_offsets_go_in_pairs(dataset):
    line = dataset.edit("sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, body_char_end="")
    assert ("sources.csv", line, "body_char_end", "body-span") in dataset.findings()
    line = dataset.edit("sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, body_char_end="100")
    assert ("sources.csv", line, "body_char_end", "body-span") in dataset.findings()


@pytest.mark.parametrize(
    "table, match, column, value",
    [
        ("actors", {"actor_id": "kremlin"}, "affiliation_id", "kremlin"),
        ("places", {"place_id": "queens"}, "part_of_id", "queens"),
        (
            "sources",
            {"source_id": "bloomberg-2025-11-25-witkoff-advised-russia"},
            "republishes_id",
            "bloomberg-2025-11-25-witkoff-advised-russia",
        ),
        ("statement_relations", {"statement_id": "st-028"}, "object_statement_id", "st-028"),
    ],
)
def test_rows_do_not_refer_to_themselves(dataset, table, match, column, value):
    line = dataset.edit(table, match, **{column: value})
    assert (f"{table}.csv", line, column, "self-reference") in dataset.findings()


def test_an_interval_ends_after_it_starts(dataset):
    line = dataset.edit("events", {"event_id": "visit-2025-10-24-dmitriev-miami"}, date="2025-10-26/2025-10-24")
    found = dataset.findings()
    assert {
        ("events.csv", line, "date", "edtf"),
        ("events.csv", line, "date_max", "date-bounds"),
        ("events.csv", line, "date_min", "date-bounds"),
    } & found


def test_body_offsets_need_an_archived_text(dataset):
    line = dataset.edit("sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, archive_sha256="")
    assert ("sources.csv", line, "archive_sha256", "body-span") in dataset.findings()


@pytest.mark.parametrize(
    "table, match, column, value",
    [
        ("attestations", {"attestation_id": "att-007"}, "via_source_id", "fortune-2025-11-25-witkoff-advised-russia"),
        (
            "sources",
            {"source_id": "bloomberg-transcript-2025-10-14-witkoff-ushakov-call"},
            "derived_from_id",
            "bloomberg-transcript-2025-10-14-witkoff-ushakov-call",
        ),
    ],
)
def test_more_self_references(dataset, table, match, column, value):
    line = dataset.edit(table, match, **{column: value})
    assert (f"{table}.csv", line, column, "self-reference") in dataset.findings()


def test_a_retired_id_cannot_replace_itself(dataset):
    line = dataset.append(
        "retired_ids",
        table_name="places",
        id="old-place",
        retired_on="2026-11-29",
        reason="test",
        replaced_by="old-place",
    )
    assert ("retired_ids.csv", line, "replaced_by", "self-reference") in dataset.findings()


# --- the language of a statement is given only with its basis (schema/catalogue.py, language-basis)
TRUMP_TO_REPORTERS = {"statement_id": "st-009"}  # direct quote in English; the article states no language
OCT29 = {"statement_id": "st-044"}  # paraphrase of the call "in Russian": ru, stated_by_source, translated
EVIDENT = {"language": "ru", "language_basis": "evident_from_quote", "translated": "false"}


@pytest.mark.parametrize(
    "match, changes, column",
    [
        (TRUMP_TO_REPORTERS, {"language": "en"}, "language_basis"),  # a language without its basis
        (W, {"language_basis": "evident_from_quote"}, "language"),  # a basis without a language
        (OCT29, {"language_basis": "evident_from_quote"}, "language_basis"),  # evident only from a direct quote
        (
            TRUMP_TO_REPORTERS,
            dict(EVIDENT, translated="true"),
            "translated",
        ),  # a quote in its evident language is no translation
        (W, {"language": "en", "translated": "false"}, "language_basis"),  # the 0.1.0 over-read of the Oct. 14 call
    ],
)
def test_language_only_with_its_basis(dataset, match, changes, column):
    line = dataset.edit("statements", match, **changes)
    assert ("statements.csv", line, column, "language-basis") in dataset.findings(with_archive=False)


def test_language_basis_is_a_closed_vocabulary(dataset):
    line = dataset.edit("statements", TRUMP_TO_REPORTERS, language_basis="obvious")
    assert ("statements.csv", line, "language_basis", "enum") in dataset.findings(with_archive=False)


def test_a_direct_quote_may_show_its_own_language(dataset):
    line = dataset.edit("statements", TRUMP_TO_REPORTERS, **EVIDENT)
    assert not any(f[0] == "statements.csv" and f[1] == line for f in dataset.findings(with_archive=False))


def test_a_stated_language_may_be_a_translation(dataset):
    assert not any(f[3] == "language-basis" for f in dataset.findings(with_archive=False))
    line = dataset.line_of("statements", **OCT29)
    assert dataset.row("statements", **OCT29)["translated"] == "true" and not any(
        f[1] == line and f[0] == "statements.csv" for f in dataset.findings(with_archive=False)
    )


# --- EDTF one-of-a-set and open-ended dates ("on or before")
HOSTAGES = {"event_id": "release-hamas-final-living-hostages"}  # [..2025-10-13]


def test_one_of_a_set_and_open_ended_dates_are_accepted(dataset):
    first = dataset.edit("statements", W, date="[2025-10-14..2025-10-15]", date_min="2025-10-14", date_max="2025-10-14")
    assert dataset.row("events", **HOSTAGES)["date_min"] == ""  # the open start has no calendar bound
    found = dataset.findings(with_archive=False)
    assert not any(f[0] == "statements.csv" and f[1] == first for f in found)
    assert not any(f[0] == "events.csv" and f[2].startswith("date") for f in found)


@pytest.mark.parametrize(
    "changes, column",
    [
        ({"date_max": ""}, "date_max"),  # the closed end still needs its bound
        ({"date_min": "2025-10-20"}, "date_min"),  # a bound after the end of "on or before 13 October"
        ({"date_max": "2025-10-14"}, "date_max"),  # the end moved past the EDTF value
        (
            {"date": "[2025-10-01..]", "date_min": "", "date_max": ""},
            "date_min",
        ),  # "on or after": the start needs its bound
    ],
)
def test_open_ended_dates_keep_their_closed_bound(dataset, changes, column):
    line = dataset.edit("events", HOSTAGES, **changes)
    assert ("events.csv", line, column, "date-bounds") in dataset.findings(with_archive=False)


def test_a_date_open_at_both_ends_is_no_date(dataset):
    line = dataset.edit("events", HOSTAGES, date="[..]")
    assert ("events.csv", line, "date", "edtf") in dataset.findings(with_archive=False)


def test_a_position_is_not_held_in_the_actor_itself(dataset):
    line = dataset.edit("positions", {"position_id": "kirill-dmitriev-heads-rdif"}, organization_id="kirill-dmitriev")
    assert ("positions.csv", line, "organization_id", "self-reference") in dataset.findings(with_archive=False)


def test_the_bounds_of_an_open_start_read_as_edtf(dataset):
    # "[..2025-10-13]": on or before 13 October, so a date_min after it is outside "..2025-10-13"
    line = dataset.edit("events", HOSTAGES, date_min="2025-10-20")
    (finding,) = [
        f
        for f in dataset.validate(with_archive=False).findings
        if (f.line, f.column, f.rule) == (line, "date_min", "date-bounds")
    ]
    assert "(..2025-10-13)" in finding.message and "within ..2025-10-13" in finding.hint
