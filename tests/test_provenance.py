"""Layer 4: excerpts, quotes and roles against the archived source texts."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.cli import cli
from claims.validate import validate
from helpers import engines_agree

pytestmark = pytest.mark.rules

FORTUNE = "fortune-2025-11-25-witkoff-advised-russia"


@pytest.fixture(autouse=True)
def needs_archive(archive):
    """Every test here checks against the archived texts."""


def test_curated_data_is_fully_attested_against_the_archive(dataset):
    run = dataset.validate()
    assert "provenance" not in run.skipped
    assert run.findings == []


def test_excerpt_must_sit_at_its_offsets(dataset):
    row = dataset.row("attestations", attestation_id="att-004")
    line = dataset.edit(
        "attestations",
        {"attestation_id": "att-004"},
        char_start=str(int(row["char_start"]) + 1),
        char_end=str(int(row["char_end"]) + 1),
    )
    run = dataset.validate()
    finding = next(f for f in run.findings if f.rule == "excerpt-mismatch")
    assert (finding.line, finding.column) == (line, "excerpt")
    assert f"char_start={row['char_start']}" in finding.hint


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_offsets_that_do_not_span_the_excerpt_are_given_where_it_is(dataset, engine):
    """A char_start off by one: the offsets finding blames char_start, not char_end, and gives the
    offsets where the excerpt is, as the mismatch finding does."""
    from claims.validate import validate

    row = dataset.row("attestations", attestation_id="att-004")
    line = dataset.edit("attestations", {"attestation_id": "att-004"}, char_start=str(int(row["char_start"]) + 1))
    run = validate(dataset.dir, dataset.archive, engine=engine)
    (finding,) = [f for f in run.findings if f.rule == "offsets"]
    assert (finding.line, finding.column) == (line, "char_start")
    assert finding.hint == f"the excerpt is at char_start={row['char_start']} char_end={row['char_end']}"
    without_archive = validate(dataset.dir, None, engine=engine)
    (finding,) = [f for f in without_archive.findings if f.rule == "offsets"]
    assert finding.column == "char_end" and "claims locate" in finding.hint


def test_excerpt_must_be_verbatim(dataset):
    row = dataset.row("attestations", attestation_id="att-007")
    line = dataset.edit("attestations", {"attestation_id": "att-007"}, excerpt=row["excerpt"].replace("’", "'"))
    assert ("attestations.csv", line, "excerpt", "excerpt-mismatch") in dataset.findings()


def test_excerpt_must_come_from_the_article_not_the_page_furniture(dataset, archive):
    text = (archive / f"{FORTUNE}.txt").read_text(encoding="utf-8")
    furniture = "Join us at the Fortune Workplace Innovation Summit"
    start = text.index(furniture)
    line = dataset.edit(
        "attestations",
        {"attestation_id": "att-001"},
        excerpt=furniture,
        char_start=str(start),
        char_end=str(start + len(furniture)),
    )
    assert ("attestations.csv", line, "char_start", "outside-article") in dataset.findings()


def test_direct_quote_must_lie_inside_its_excerpt(dataset):
    row = dataset.row("statements", statement_id="st-007")
    line = dataset.edit("statements", {"statement_id": "st-007"}, text=row["text"].replace("I’m", "I am"))
    assert ("statements.csv", line, "text", "quote-outside-excerpt") in dataset.findings()


def test_every_part_of_a_joined_quote_is_checked(dataset):
    row = dataset.row("statements", statement_id="st-009")
    line = dataset.edit("statements", {"statement_id": "st-009"}, text=row["text"] + " […] And one more thing.")
    assert ("statements.csv", line, "text", "quote-outside-excerpt") in dataset.findings()


def test_partial_quote_fragments_lie_inside_the_excerpt(dataset):
    line = dataset.edit(
        "statements", {"statement_id": "st-027"}, text="Asked whether it would be “helpful” for Putin to call Trump."
    )
    assert ("statements.csv", line, "text", "quote-outside-excerpt") in dataset.findings()


def test_words_a_paraphrase_puts_in_quotation_marks_lie_inside_the_excerpt(dataset):
    """Quotation marks mean verbatim whatever the statement's type: a paraphrase may keep the
    source's words in curly quotes only where they are the source's."""
    statement = next(r for r in dataset.read("statements")[1] if r["statement_type"] == "paraphrase")
    key = {"statement_id": statement["statement_id"]}
    line = dataset.edit("statements", key, text=statement["text"].rstrip(".") + ", “in words nobody wrote”.")
    assert ("statements.csv", line, "text", "quote-outside-excerpt") in dataset.findings()
    excerpt = next(r["excerpt"] for r in dataset.read("attestations")[1] if r["statement_id"] == key["statement_id"])
    verbatim = excerpt.split()[-1].strip(".,;:”“")
    dataset.edit("statements", key, text=f"{statement['text'].rstrip('.')} (“{verbatim}”).")
    assert not any(f[3] == "quote-outside-excerpt" for f in dataset.findings())


@pytest.mark.parametrize("engine", ["fast", "reference"])
@pytest.mark.parametrize(
    "words",
    [
        '"{said}"',  # straight double quotes
        "‘{said}’",  # single curly quotes
        "«{said}»",  # guillemets
    ],
)
def test_words_in_quotation_marks_of_any_kind_lie_inside_the_excerpt(dataset, engine, words):
    """Straight, single and angled quotation marks mean verbatim as curly ones do."""
    from helpers import FAST_LAYERS

    statement = next(r for r in dataset.read("statements")[1] if r["statement_type"] == "paraphrase")
    key = {"statement_id": statement["statement_id"]}
    line = dataset.edit("statements", key, text=words.format(said="He had enormous respect for the plan."))
    run = validate(dataset.dir, dataset.archive, layers=FAST_LAYERS, engine=engine)
    assert ("statements.csv", line, "text", "quote-outside-excerpt") in {
        (Path(f.path).name, f.line, f.column, f.rule) for f in run.findings
    }
    # the same marks around the source's own words pass
    excerpt = next(r["excerpt"] for r in dataset.read("attestations")[1] if r["statement_id"] == key["statement_id"])
    verbatim = excerpt.split()[-1].strip(".,;:”“’‘")
    dataset.edit("statements", key, text=f"{statement['text'].rstrip('.')} ({words.format(said=verbatim)}).")
    run = validate(dataset.dir, dataset.archive, layers=FAST_LAYERS, engine=engine)
    assert not any(f.rule == "quote-outside-excerpt" for f in run.findings)


def test_an_apostrophe_is_not_a_quotation_mark():
    from claims.schema.text import quotations

    assert quotations("It’s the ‘secret’ paper, and the leaders’ plan; Putin’s “words”.") == ["secret", "words"]
    assert quotations('‘it’s fine’ and "this" and «cela»') == ["it’s fine", "this", "cela"]


def test_archived_file_must_be_present(dataset, tmp_path, archive):
    empty = tmp_path / "empty-archive"
    empty.mkdir()
    dataset.archive = empty
    line = dataset.line_of("sources", source_id=FORTUNE)
    assert ("sources.csv", line, "archive_sha256", "archive-missing") in dataset.findings()


def test_archive_is_content_addressed_not_named(dataset, tmp_path, archive):
    renamed = tmp_path / "renamed-archive"
    renamed.mkdir()
    shutil.copy(archive / f"{FORTUNE}.txt", renamed / "any-name.bin")
    dataset.archive = renamed
    assert dataset.validate().findings == []


def test_role_must_be_quoted_from_its_source(dataset):
    line = dataset.edit("actors", {"actor_id": "yuri-ushakov"}, role="Putin's top foreign policy aide")
    assert ("actors.csv", line, "role", "role-not-quoted") in dataset.findings()


def test_wikidata_ids_only_from_the_confirmed_list(dataset):
    line = dataset.edit("actors", {"actor_id": "steve-witkoff"}, wikidata_id="Q1234567")
    assert ("actors.csv", line, "wikidata_id", "wikidata-unconfirmed") in dataset.findings()
    line = dataset.edit("actors", {"actor_id": "steve-witkoff"}, wikidata_id="Q22686")  # Trump's
    assert ("actors.csv", line, "wikidata_id", "wikidata-unconfirmed") in dataset.findings()


def test_without_an_archive_the_layer_says_it_was_skipped(dataset):
    run = dataset.validate(with_archive=False)
    assert "provenance" in run.skipped
    assert "does not redistribute" in run.skipped["provenance"]
    assert run.findings == []


def test_body_end_past_the_archived_text(dataset):
    line = dataset.edit("sources", {"source_id": FORTUNE}, body_char_end="999999")
    assert ("sources.csv", line, "body_char_end", "body-span") in dataset.findings()


def test_without_a_wikidata_list_no_id_can_be_confirmed(dataset, tmp_path, archive):
    partial = tmp_path / "archive-without-wikidata"
    partial.mkdir()
    shutil.copy(archive / f"{FORTUNE}.txt", partial / f"{FORTUNE}.txt")
    dataset.archive = partial
    run = dataset.validate()
    assert any("wikidata.csv" in note for note in run.notes)


def test_a_position_title_is_quoted_from_its_source(dataset):
    line = dataset.edit(
        "positions", {"position_id": "kirill-dmitriev-heads-rdif"}, title="head of the Russian Direct Investment Fund"
    )
    assert ("positions.csv", line, "title", "title-not-quoted") in dataset.findings()


def test_a_position_title_from_the_page_furniture_is_not_quoted(dataset):
    line = dataset.edit(
        "positions", {"position_id": "kirill-dmitriev-heads-rdif"}, title="Fortune Workplace Innovation Summit"
    )
    assert ("positions.csv", line, "title", "title-not-quoted") in dataset.findings()


@pytest.mark.parametrize(
    "table, match, words",
    [
        # the curator's prose of st-016 and the Truth Social post before the correction
        ("statements", {"statement_id": "st-016"}, "not dated; bounded by the plan that “emerged earlier this month”"),
        ("events", {"event_id": "social-media-post-trump-truth-social-28-point-plan"}, "not dated"),
        ("statements", {"statement_id": "st-007"}, "Oct. 1"),  # not whole words: the article says "Oct. 14"
        ("statements", {"statement_id": "st-007"}, "May 19–20, 2026"),  # the summit advertisement: outside the body
    ],
)
def test_date_text_is_the_source_s_words(dataset, table, match, words):
    line = dataset.edit(table, match, date_text=words)
    findings = [f for f in dataset.validate().findings if f.rule == "date-text-not-quoted"]
    assert [(Path(f.path).name, f.line, f.column) for f in findings] == [(f"{table}.csv", line, "date_text")]
    assert "date_resolved_against" in findings[0].hint  # where what the curator inferred goes


def test_the_dateline_is_the_source_s_words_too(dataset):
    # the outlet's claims are dated by the dateline, which is not in their excerpts but in the article
    row = dataset.row("statements", statement_id="st-001")
    assert row["date_text"] not in dataset.row("attestations", statement_id="st-001")["excerpt"]
    assert not [f for f in dataset.validate().findings if f.rule == "date-text-not-quoted"]


@pytest.mark.parametrize(
    "statement, words",
    [
        ("st-015", "Sunday"),  # another paragraph's day: in the article body, not in st-015's excerpt
        ("st-015", "Recommended Video"),  # page furniture inside the body span
        ("st-015", "November 25, 2025, 5:04 PM ET"),  # the dateline, but st-015 is not the outlet's claim
        ("st-001", "Sunday"),  # an outlet's claim: the dateline counts, other words of the body do not
        ("st-043", "Oct. 14"),  # another event's date
    ],
)
def test_a_statement_s_date_text_is_whole_words_of_its_own_excerpts(dataset, statement, words):
    line = dataset.edit("statements", {"statement_id": statement}, date_text=words)
    findings = [f for f in dataset.validate().findings if f.rule == "date-text-not-quoted"]
    assert [(Path(f.path).name, f.line) for f in findings] == [("statements.csv", line)]
    assert "excerpts" in findings[0].message


def test_date_words_inside_longer_words_are_shown_where_they_stand(dataset):
    line = dataset.edit("statements", {"statement_id": "st-007"}, date_text="Oct. 1")
    (finding,) = [f for f in dataset.validate().findings if f.rule == "date-text-not-quoted"]
    assert finding.line == line
    assert "only inside longer words" in finding.message and "Oct. 14" in finding.message


def test_a_statement_at_an_event_may_take_its_date_words_from_the_event_s_excerpts(dataset):
    # st-060's excerpt is a quote; "during their call last month" dates the call (the event's excerpt)
    assert "last month" not in dataset.row("attestations", statement_id="st-060")["excerpt"]
    assert not [f for f in dataset.validate().findings if f.rule == "date-text-not-quoted"]
    dataset.edit("statements", {"statement_id": "st-060"}, event_id="")
    lines = [f.line for f in dataset.validate().findings if f.rule == "date-text-not-quoted"]
    assert lines == [dataset.line_of("statements", statement_id="st-060")]


def test_the_dateline_counts_only_where_it_names_the_day_of_publication(dataset):
    # an outlet's claim keeps the dateline while the source is dated that day, not once it is not
    dataset.edit(
        "sources", {"source_id": "fortune-2025-11-25-witkoff-advised-russia"}, published_at="2025-11-24T17:04:00-05:00"
    )
    lines = {f.line for f in dataset.validate().findings if f.rule == "date-text-not-quoted"}
    assert dataset.line_of("statements", statement_id="st-001") in lines


def test_a_cut_quote_shows_where_it_parts_from_the_excerpt(dataset):
    """A straight apostrophe typed for the source's curly one, far into a long quote: the message
    shows that place on both sides, not the quote's first sixty characters."""
    _, statements = dataset.read("statements")
    quote = next(row for row in statements if row["statement_type"] == "direct_quote" and row["text"].find("’", 70) > 0)
    at = quote["text"].find("’", 70)
    line = dataset.edit(
        "statements", {"statement_id": quote["statement_id"]}, text=quote["text"][:at] + "'" + quote["text"][at + 1 :]
    )
    finding = next(f for f in dataset.validate().findings if f.rule == "quote-outside-excerpt")
    assert finding.line == line
    typed, source = quote["text"][at - 10 : at] + "'" + quote["text"][at + 1 : at + 5], quote["text"][at - 10 : at + 5]
    assert typed in finding.message and source in finding.message, finding.message


def _folder_named_wikidata(path):
    path.unlink()
    path.mkdir()


def _link_out_of_the_archive(path):
    outside = path.parent.parent / "elsewhere.csv"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)


# A wikidata.csv that the archive has but that cannot be read as the list of confirmed IDs.
UNUSABLE_WIKIDATA = {
    "a NUL byte": lambda path: path.write_bytes(path.read_bytes() + b"Steve\x00Witkoff,Q5\n"),
    "a link out of the archive": _link_out_of_the_archive,
    "without the name column": lambda path: path.write_text("label,wikidata_id\nSteve Witkoff,Q1\n", encoding="utf-8"),
    "not UTF-8": lambda path: path.write_bytes(path.read_bytes() + "Zelens\xefkyi,Q2\n".encode("latin-1")),
    "broken quoting": lambda path: path.write_bytes(path.read_bytes() + b'"Unclosed,Q3\n'),
    "a short record": lambda path: path.write_bytes(path.read_bytes() + b"Q4\n"),
    "a folder": _folder_named_wikidata,
}


@pytest.mark.parametrize("damage", UNUSABLE_WIKIDATA.values(), ids=UNUSABLE_WIKIDATA.keys())
def test_an_unusable_wikidata_list_confirms_no_id_in_either_engine(dataset, tmp_path, archive, damage):
    """Every actor with a Wikidata ID gets the same finding from both engines (no internal error),
    saying what is wrong with the list; the command exits 1."""
    copy = tmp_path / "archive-copy"
    shutil.copytree(archive, copy)
    damage(copy / "wikidata.csv")
    dataset.archive = copy
    with_ids = [row["actor_id"] for row in dataset.read("actors")[1] if row["wikidata_id"]]
    assert with_ids
    run = engines_agree(dataset.dir, copy, ("structure", "rows", "integrity", "provenance"))
    assert [(f.line, f.rule) for f in sorted(run.findings, key=lambda f: (f.line, f.column, f.rule, f.message))] == [
        (dataset.line_of("actors", actor_id=actor), "wikidata-unconfirmed") for actor in with_ids
    ]
    assert all("cannot be confirmed: the archive's wikidata.csv " in f.message for f in run.findings)
    result = CliRunner().invoke(cli, ["validate", "--data", str(dataset.dir), "--archive", str(copy)])
    assert result.exit_code == 1 and "internal-error" not in result.output


def test_where_words_part_from_the_source_names_the_characters_by_code_point():
    """Look-alikes differ in the message: a non-breaking hyphen typed for a hyphen, a Cyrillic а
    for a Latin a."""
    from claims.validate.provenance import where_they_part

    said = where_they_part("the two‑day talks", "and the two-day talks", "the excerpt")
    assert "at '‑' (U+2011 NON-BREAKING HYPHEN)" in said and "'-' (U+002D HYPHEN-MINUS)" in said
    said = where_they_part("Putin’s аide", "Putin’s aide", "the article")
    assert "U+0430 CYRILLIC SMALL LETTER A" in said and "U+0061 LATIN SMALL LETTER A" in said
