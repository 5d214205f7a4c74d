"""Layer 5: the Great Expectations suites — generated column suites and hand-written ones."""

import json

import pytest

from claims import suites
from claims.schema import TABLES

pytestmark = pytest.mark.slow

ALL = ("structure", "rows", "integrity", "provenance", "expectations")
# Cross-table rules that the integrity or provenance layer also checks: the reference suite is
# exercised alone, so that it is not silently skipped behind the earlier finding. (`--layers`
# pulls in what the expectations need, integrity included: layers_alone runs them directly.)
WITHOUT_EARLIER_CHECKS = ("structure", "rows", "expectations")


def layers_alone(dataset, names=WITHOUT_EARLIER_CHECKS) -> set:
    """Expectation findings of exactly these layers, run one after the other without their needs."""
    from claims.validate import LAYERS, Run

    run = Run(dataset.dir, dataset.archive)
    for name, layer in LAYERS:
        if name in names:
            layer.check(run)
    return {(f.path.rsplit("/", 1)[-1], f.line, f.column, f.rule) for f in run.findings if f.layer == "expectations"}


def gx_findings(dataset, layers=ALL):
    run = dataset.validate(layers=layers)
    return {
        (f.path.rsplit("/", 1)[-1], f.line, f.column, f.rule) for f in run.findings if f.layer == "expectations"
    }, run


def test_curated_data_meets_every_expectation(dataset):
    found, run = gx_findings(dataset)
    assert run.findings == []
    assert "expectations (cross-table)" not in run.skipped


def test_generated_suites_cover_every_column_rule():
    for model in TABLES:
        suite = suites.column_suite(model)
        kinds = {(e["type"], e["kwargs"].get("column")) for e in suite["expectations"]}
        for column in model.columns():
            info = model.model_fields[column]
            if info.is_required():
                assert ("expect_column_values_to_not_be_null", column) in kinds, (model.meta.name, column)


def test_suites_are_gx_json_that_gx_loads():
    gx, _context = suites.quiet_gx()
    for path in sorted(suites.SUITES_DIR.glob("*.json")):
        suite = suites.to_gx_suite(gx, json.loads(path.read_text()))
        assert suite.expectations, path.name


def test_row_count_bound(dataset):
    dataset.write("provisions", *[dataset.read("provisions")[0], dataset.read("provisions")[1][:2]])
    # the two remaining provisions must still be mentioned, and the removed ones not
    header, mentions = dataset.read("statement_mentions")
    kept = {r["provision_id"] for r in dataset.read("provisions")[1]}
    dataset.write(
        "statement_mentions", header, [m for m in mentions if m["entity_type"] != "provision" or m["entity_id"] in kept]
    )
    found, _ = gx_findings(dataset)
    assert ("provisions.csv", 1, "-", "row-count") in found


def test_fill_rate_bound(dataset):
    header, rows = dataset.read("statements")
    for row in rows[:20]:
        row["topics"] = ""
    dataset.write("statements", header, rows)
    found, _ = gx_findings(dataset)
    assert ("statements.csv", 1, "topics", "fill-rate") in found


def test_every_actor_is_referenced(dataset):
    line = dataset.append("actors", actor_id="nobody-at-all", name="Nobody", actor_type="person")
    found, _ = gx_findings(dataset)
    assert ("actors.csv", line, "actor_id", "unreferenced-actor") in found


def test_every_event_has_a_participant(dataset):
    event = "social-media-post-trump-truth-social-28-point-plan"
    dataset.delete("event_participants", event_id=event)
    dataset.edit("statements", {"statement_id": "st-016"}, event_id="")  # else the integrity layer objects first
    line = dataset.line_of("events", event_id=event)
    found, _ = gx_findings(dataset)
    assert ("events.csv", line, "event_id", "event-without-participants") in found


def test_every_place_is_referenced(dataset):
    line = dataset.append("places", place_id="nowhere", name="Nowhere", place_type="city")
    found, _ = gx_findings(dataset)
    assert ("places.csv", line, "place_id", "unreferenced-place") in found


def test_every_provision_is_described_by_a_statement(dataset):
    line = dataset.append(
        "provisions",
        provision_id="p28-unreported",
        plan_id="plan-28-point-peace-plan",
        summary="A term no statement reports.",
        topic="security",
    )
    found, _ = gx_findings(dataset)
    assert ("provisions.csv", line, "provision_id", "unattested-provision") in found


def test_every_plan_is_mentioned(dataset):
    line = dataset.append("plans", plan_id="plan-unmentioned", title="A plan no one mentions", status="proposed")
    found, _ = gx_findings(dataset)
    assert ("plans.csv", line, "plan_id", "unattested-plan") in found


def test_dates_within_the_study_window(dataset):
    line = dataset.edit(
        "statements",
        {"statement_id": "st-010"},
        date="2024-05-01",
        date_text="May 1",
        date_min="2024-05-01",
        date_max="2024-05-01",
        date_resolved_against="test",
    )
    found, _ = gx_findings(dataset)
    assert ("statements.csv", line, "date_min", "study-window") in found


def test_statements_not_dated_after_their_sources(dataset):
    line = dataset.edit(
        "statements",
        {"statement_id": "st-009"},
        date="2025-11-26",
        date_min="2025-11-26",
        date_max="2025-11-26",
        event_id="",
    )
    found = layers_alone(dataset)
    assert ("statements.csv", line, "date_min", "dated-after-source") in found


def test_attestation_offsets_inside_the_archived_text(dataset, archive):
    row = dataset.row("attestations", attestation_id="att-001")
    line = dataset.edit(
        "attestations",
        {"attestation_id": "att-001"},
        char_start=str(int(row["char_start"]) + 50_000),
        char_end=str(int(row["char_end"]) + 50_000),
    )
    found, _ = gx_findings(dataset, WITHOUT_EARLIER_CHECKS)
    assert ("attestations.csv", line, "char_end", "offsets-past-text") in found


def test_cross_table_suite_is_skipped_when_the_data_cannot_be_built(dataset):
    dataset.edit("actors", {"actor_id": "axios"}, actor_type="newspaper")
    run = dataset.validate(layers=ALL)
    assert "expectations (cross-table)" in run.skipped


def test_reference_findings_do_not_repeat_earlier_ones(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, actor_type="newspaper")
    run = dataset.validate(layers=ALL)
    hits = [f for f in run.findings if f.line == line and f.column == "actor_type"]
    assert len(hits) == 1 and hits[0].layer == "structure"


def _hand_written():
    for path in sorted(suites.SUITES_DIR.glob("dataset.*.json")):
        suite = json.loads(path.read_text())
        for item in suite["expectations"]:
            yield suite["meta"]["table"], item


HAND_WRITTEN = list(_hand_written())


@pytest.mark.parametrize(
    "table, item",
    HAND_WRITTEN,
    ids=[f"{t}:{i['meta']['rule']}:{i['kwargs'].get('column', '')}" for t, i in HAND_WRITTEN],
)
def test_each_dataset_assertion_blocks_a_fixture_that_breaks_it(dataset, table, item):
    header, rows = dataset.read(table)
    if item["type"] == "expect_table_row_count_to_be_between":
        rows = rows[: item["kwargs"]["min_value"] - 1]
        column = "-"
    else:
        column = item["kwargs"]["column"]
        for row in rows:
            row[column] = ""
    dataset.write(table, header, rows)
    found, _ = gx_findings(dataset)
    assert (f"{table}.csv", 1, column, item["meta"]["rule"]) in found


def test_event_dates_within_the_study_window(dataset):
    # before the window: a date after it would be after the article too, which the integrity layer
    # reports first (date-unbounded), and the cross-table suite runs only on data without such findings
    line = dataset.edit(
        "events",
        {"event_id": "release-hamas-final-living-hostages"},
        date="2024-12-01",
        date_min="2024-12-01",
        date_max="2024-12-01",
        date_resolved_against="test",
    )
    found, _ = gx_findings(dataset)
    assert ("events.csv", line, "date_min", "study-window") in found
