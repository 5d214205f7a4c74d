"""Layer 1: files, encoding, CSV syntax, header, and frictionless types and constraints."""

import pytest

from claims.validate import structure, validate
from helpers import engines_agree

pytestmark = pytest.mark.rules


def test_curated_data_has_no_structure_findings(dataset):
    run = dataset.validate()
    assert [f for f in run.findings if f.layer == "structure"] == []


def test_missing_file(dataset):
    dataset.path("places").unlink()
    assert ("places.csv", 1, "-", "missing-file") in dataset.findings()


def test_nul_byte(dataset):
    text = dataset.path("actors").read_bytes()
    second_line_end = text.index(b"\n", text.index(b"\n") + 1)
    dataset.path("actors").write_bytes(text[:second_line_end] + b"\x00" + text[second_line_end:])
    assert ("actors.csv", 2, "-", "nul-byte") in dataset.findings()


def test_non_utf8(dataset):
    text = dataset.path("actors").read_bytes().replace("Putin’s".encode(), "Putin\x92s".encode("latin-1"), 1)
    dataset.path("actors").write_bytes(text)
    found = dataset.findings()
    assert any(f[0] == "actors.csv" and f[3] == "encoding" for f in found)


def test_byte_order_mark(dataset):
    dataset.path("places").write_bytes(b"\xef\xbb\xbf" + dataset.path("places").read_bytes())
    assert ("places.csv", 1, "-", "encoding") in dataset.findings()


def test_crlf_line_endings(dataset):
    dataset.path("places").write_bytes(dataset.path("places").read_bytes().replace(b"\n", b"\r\n"))
    assert ("places.csv", 1, "-", "line-endings") in dataset.findings()


def next_line(dataset, table: str) -> int:
    """The line number a row appended to the table will have."""
    return dataset.path(table).read_text(encoding="utf-8").count("\n") + 1


def test_broken_quoting(dataset):
    line = next_line(dataset, "places")
    with dataset.path("places").open("a", encoding="utf-8") as handle:
        handle.write('broken-place,"Unclosed,region,,,,\n')
    assert any(f[:2] == ("places.csv", line) and f[3] == "csv-quoting" for f in dataset.findings())


def test_empty_file(dataset):
    dataset.path("places").write_text("", encoding="utf-8")
    assert ("places.csv", 1, "-", "empty-file") in dataset.findings()


@pytest.mark.parametrize(
    "header, column, rule",
    [
        ("place_id,name,place_type,aliases,part_of_id,country,notes,extra", "extra", "unknown-column"),
        ("place_id,nam,place_type,aliases,part_of_id,country,notes", "nam", "unknown-column"),
        ("place_id,name,place_type,aliases,part_of_id,country", "notes", "missing-column"),
        ("place_id,name,place_type,aliases,part_of_id,country,notes,notes", "notes", "duplicate-column"),
        ("name,place_id,place_type,aliases,part_of_id,country,notes", "-", "column-order"),
    ],
)
def test_header_problems(dataset, header, column, rule):
    lines = dataset.path("places").read_text(encoding="utf-8").split("\n")
    dataset.path("places").write_text("\n".join([header] + lines[1:]), encoding="utf-8")
    assert ("places.csv", 1, column, rule) in dataset.findings()


def test_unknown_column_suggests_the_right_name(dataset):
    lines = dataset.path("places").read_text(encoding="utf-8").split("\n")
    dataset.path("places").write_text(
        "\n".join(["place_id,nam,place_type,aliases,part_of_id,country,notes"] + lines[1:]), encoding="utf-8"
    )
    finding = next(f for f in dataset.validate().findings if f.rule == "unknown-column")
    assert "'name'" in finding.hint


def test_wrong_cell_count(dataset):
    line = next_line(dataset, "places")
    with dataset.path("places").open("a", encoding="utf-8") as handle:
        handle.write("extra-place,Extra,city,,,,,\n")
    assert ("places.csv", line, "-", "cell-count") in dataset.findings()


def test_blank_row(dataset):
    line = next_line(dataset, "places")
    with dataset.path("places").open("a", encoding="utf-8") as handle:
        handle.write("\nanother-place,Another,city,,,,\n")
    assert ("places.csv", line, "-", "blank-row") in dataset.findings()


def test_type_error_from_frictionless(dataset):
    line = dataset.edit("attestations", {"attestation_id": "att-001"}, char_start="twelve")
    assert ("attestations.csv", line, "char_start", "type-error") in dataset.findings()


def test_required_cell_empty(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, name="")
    assert ("actors.csv", line, "name", "required") in dataset.findings()


def test_unknown_enum_value(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, actor_type="newspaper")
    found = dataset.findings()
    assert ("actors.csv", line, "actor_type", "enum") in found


@pytest.mark.parametrize("bad_id", ["Axios", "axios outlet", "axios\u200b", "axios_", "-axios", "axios--x"])
def test_ids_must_be_lower_case_hyphenated_ascii(dataset, bad_id):
    line = dataset.edit("actors", {"actor_id": "axios"}, actor_id=bad_id)
    assert ("actors.csv", line, "actor_id", "pattern") in dataset.findings()


def test_duplicate_primary_key_reported_once_per_row(dataset):
    line = dataset.append("places", place_id="gaza", name="Gaza again", place_type="region")
    run = dataset.validate()
    hits = [f for f in run.findings if f.path.endswith("places.csv") and f.line == line and f.rule == "primary-key"]
    assert len(hits) == 1


def test_missing_final_line_break(dataset):
    text = dataset.path("places").read_bytes()
    dataset.path("places").write_bytes(text.rstrip(b"\n"))
    assert ("places.csv", text.count(b"\n"), "-", "line-endings") in dataset.findings()


# Every kind of invalid UTF-8 that Python's decoder rejects. The fast engine leaves finding it to
# DuckDB's reader (a file it rejects goes to the reference reader), so each must end in the same
# finding from both engines, wherever it stands in a cell.
INVALID_UTF8 = {
    "lone continuation byte": b"\x80",
    "overlong two bytes": b"\xc0\x80",
    "overlong three bytes": b"\xe0\x80\x80",
    "surrogate": b"\xed\xa0\x80",
    "beyond U+10FFFF": b"\xf4\x90\x80\x80",
    "truncated sequence": b"\xe2\x82",
    "truncated four bytes": b"\xf0\x9f\x98",
    "byte F5": b"\xf5\x80\x80\x80",
    "byte FF": b"\xff",
    "byte C1": b"\xc1\xbf",
}


@pytest.mark.parametrize("sequence", INVALID_UTF8.values(), ids=INVALID_UTF8.keys())
def test_invalid_utf8_anywhere_in_a_cell_is_found_by_both_engines(dataset, sequence):
    lines = dataset.path("places").read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b",", b"," + sequence, 1)  # the start of the second cell
    lines[3] = lines[3][:-1] + sequence + lines[3][-1:]  # the end of the last cell
    dataset.path("places").write_bytes(b"\n".join(lines))
    run = engines_agree(dataset.dir, None, ("structure",))
    assert any(f.rule == "encoding" for f in run.findings if f.path.endswith("places.csv"))


# Where the fast engine's reader (DuckDB) and the reference's (Python's csv) may part: any quote
# that is not part of a well-formed quoted cell sends the file to the reference reader.
QUOTES = {
    "quoted cells with commas and doubled quotes": (b'a,"b, ""c""",d\n', False),
    "a quoted cell over two lines": (b'a,"multi\nline",d\n', False),
    "an empty quoted cell": (b'"",x\n', False),
    "a cell that is one quote": (b'x,""""\n', False),
    'text that says , " inside a quoted cell': (b'x,"He said, ""no"", then left"\n', False),
    "a quote inside an unquoted cell": (b'a,b"c,d\n', True),
    "a blank before an opening quote": (b'a, "b",c\n', True),
    "a blank after a closing quote": (b'a,"b" ,c\n', True),
    "text after a closing quote": (b'a,"b"c,d\n', True),
    "a quoted cell never closed": (b'a,"unclosed\n', True),
}


@pytest.mark.parametrize("chunk, out_of_place", QUOTES.values(), ids=QUOTES.keys())
def test_a_quote_out_of_place_is_found(chunk, out_of_place):
    assert structure.quote_out_of_place(chunk) is out_of_place


def test_the_byte_scan_reads_whole_quoted_cells_across_its_chunks(tmp_path, monkeypatch):
    """Chunks end outside quoted cells, so a cell over many lines is never cut; and a stray quote
    early in the file cannot hide a padded quote in a later chunk (counting quotes could)."""
    monkeypatch.setattr(structure, "CHUNK", 16)
    path = tmp_path / "t.csv"
    path.write_bytes(b'id,text\n1,"one\n, ""two""\nthree"\n2,"x, ""y"""\n')
    facts = structure.byte_scan(path)
    assert not facts["ambiguous"] and facts["newlines"] == 5 and facts["final_newline"]
    path.write_bytes(b'id,text\n1,5" tall\n' + b"2,plain\n" * 20 + b'3, "padded"\n')
    assert structure.byte_scan(path)["ambiguous"]


@pytest.mark.parametrize("engine", ["fast", "reference"])
def test_a_list_of_terms_that_is_not_names_the_terms_not_the_expression(dataset, engine):
    """A stray quote after a topic: the hint lists the terms the column takes, not its regex."""
    from claims.schema.vocab import Topic

    statement = dataset.read("statements")[1][0]["statement_id"]
    line = dataset.edit("statements", {"statement_id": statement}, topics='diplomacy"')
    run = validate(dataset.dir, None, engine=engine)
    (finding,) = [f for f in run.findings if f.line == line and f.column == "topics"]
    assert finding.rule == "pattern" and "(?:" not in finding.hint
    assert finding.hint == f"use one or more of: {', '.join(t.value for t in Topic)} (separated by '|')"
