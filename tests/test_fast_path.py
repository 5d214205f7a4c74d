"""The fast path's own reading (DuckDB's reader, the reference reader where a file defeats it) and
the cases that once made it disagree with the reference. (The engines' agreement on every broken
fixture is in tests/test_engines_agree.py.)"""

from pathlib import Path

import pytest

from claims.validate import validate
from helpers import engines_agree

pytestmark = pytest.mark.slow

LAYERS = ("structure", "rows", "integrity", "provenance")


def test_clean_files_are_read_by_duckdb_not_the_reference_reader(dataset):
    fast = validate(dataset.dir, dataset.archive, layers=LAYERS, engine="fast")
    assert {name: table.read_by for name, table in fast.tables.items()} == dict.fromkeys(fast.tables, "duckdb")


def test_a_broken_file_falls_back_to_the_reference_reader(dataset):
    path = dataset.path("places")
    path.write_bytes(path.read_bytes() + b'x,"Unclosed,city,,,,\n')
    fast = validate(dataset.dir, dataset.archive, layers=LAYERS, engine="fast")
    assert fast.tables["places"].read_by == "python" and fast.tables["actors"].read_by == "duckdb"


def agreed_findings(dataset) -> set[tuple[str, int, str, str]]:
    """(file, line, column, rule) of each finding, once every engine has reported the same in full."""
    run = engines_agree(dataset.dir, dataset.archive, LAYERS)
    return {(Path(f.path).name, f.line, f.column, f.rule) for f in run.findings}


def test_a_stray_quote_does_not_hide_a_padded_quote_later_in_the_file(dataset):
    """One unquoted `"` inside a cell (both readers accept it) flips the quote count that tells
    padding outside quotes from text inside them, and DuckDB reads ` "Yuri Ushakov"` otherwise."""
    path = dataset.path("actors")
    text = path.read_text(encoding="utf-8")
    assert "volodymyr-zelenskyy,Volodymyr Zelenskyy," in text and "yuri-ushakov,Yuri Ushakov," in text
    text = text.replace("volodymyr-zelenskyy,Volodymyr Zelenskyy,", 'volodymyr-zelenskyy,Volodymyr 5" Zelenskyy,', 1)
    text = text.replace("yuri-ushakov,Yuri Ushakov,", 'yuri-ushakov, "Yuri Ushakov",', 1)
    path.write_text(text, encoding="utf-8")
    found = agreed_findings(dataset)
    line = dataset.line_of("actors", actor_id="yuri-ushakov")
    assert ("actors.csv", line, "name", "padding") in found


def test_an_offset_with_unicode_whitespace_is_read_as_the_reference_reads_it(dataset):
    """Python's int() strips a no-break space that DuckDB's cast rejects: no internal error."""
    row = dataset.row("attestations", attestation_id="att-002")
    dataset.edit("attestations", {"attestation_id": "att-002"}, char_start="\u00a0" + row["char_start"])
    found = agreed_findings(dataset)
    assert not any(rule == "internal-error" for *_rest, rule in found)


def test_an_unreadable_attestations_file_skips_the_mention_rule(dataset):
    """The mention rule reads the excerpts: without them it is skipped, not an internal error."""
    dataset.path("attestations").unlink()
    rules = {rule for *_rest, rule in agreed_findings(dataset)}
    assert "internal-error" not in rules and "mention-not-named" not in rules
