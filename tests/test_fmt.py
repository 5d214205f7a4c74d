"""`claims fmt`: canonical CSV form, idempotent and lossless (property-based with hypothesis)."""

import csv
import io
import os
import random
import unicodedata

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.cli import cli
from claims.fmt import FormatError, canonical
from claims.schema.tables import Actor, StatementMention

# Awkward text: quotes, commas, line breaks, emoji, right-to-left scripts, combining marks.
AWKWARD = st.sampled_from(
    [
        '"',
        "'",
        ",",
        "\n",
        "\r\n",
        "“”’",
        "😀",
        "👩🏽‍⚖️",
        "שלום",
        "مرحبا",
        "e\u0301",
        "Å",
        "A\u030a",
        "\u200f",
        " ",
        "\t",
        "=1+1",
        "Зеленський",
    ]
)
TEXT = st.lists(
    st.one_of(
        AWKWARD, st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)
    ),
    max_size=5,
).map("".join)
IDS = st.from_regex(r"\A[a-z0-9]{1,6}(-[a-z0-9]{1,4}){0,2}\Z")


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def scramble(header: list[str], rows: list[list[str]], seed: int) -> str:
    """The same table in a non-canonical form: shuffled columns and rows, CRLF, every cell quoted."""
    rng = random.Random(seed)
    order = list(range(len(header)))
    rng.shuffle(order)
    rows = rows[:]
    rng.shuffle(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([header[i] for i in order])
    writer.writerows([[row[i] for i in order] for row in rows])
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(IDS, TEXT, TEXT, TEXT), max_size=8, unique_by=lambda r: r[0]), seed=st.integers(0, 1000))
def test_round_trip_is_lossless_and_idempotent(rows, seed):
    header = Actor.columns()
    table = [[actor_id, name, "person", "", role, "", "", "", "", notes] for actor_id, name, role, notes in rows]
    once = canonical(scramble(header, table, seed), Actor)
    assert canonical(once, Actor) == once  # idempotent
    parsed = parse(once)
    assert parsed[0] == header
    expected = sorted([[unicodedata.normalize("NFC", cell) for cell in row] for row in table])
    assert parsed[1:] == expected  # nothing lost, only NFC and order changed


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(IDS, st.sampled_from(["actor", "place", "plan"]), IDS, TEXT, TEXT),
        max_size=8,
        unique_by=lambda r: r[:3],
    )
)
def test_composite_keys_sort_and_round_trip(rows):
    header = StatementMention.columns()
    once = canonical(scramble(header, [list(r) for r in rows], 7), StatementMention)
    parsed = parse(once)[1:]
    assert [r[:3] for r in parsed] == sorted(r[:3] for r in parsed)
    assert canonical(once, StatementMention) == once


def test_ids_lose_surrounding_whitespace_but_text_keeps_it():
    text = "actor_id,name,actor_type,aliases,role,role_source_id,affiliation_id,country,wikidata_id,notes\n axios ,Axios,media_outlet,,,,,,, kept \n"
    assert canonical(text, Actor).splitlines()[1] == "axios,Axios,media_outlet,,,,,,, kept "


def test_unknown_columns_are_refused_not_dropped():
    text = "actor_id,name,actor_type,surprise\naxios,Axios,media_outlet,x\n"
    try:
        canonical(text, Actor)
    except FormatError as error:
        assert "surprise" in str(error)
    else:
        raise AssertionError("an unknown column must stop formatting")


def test_missing_columns_are_added_empty():
    text = "name,actor_id,actor_type\nAxios,axios,media_outlet\n"
    assert canonical(text, Actor).splitlines() == [",".join(Actor.columns()), "axios,Axios,media_outlet,,,,,,,"]


def test_cli_check_lists_files_and_writes_nothing(dataset):
    path = dataset.path("places")
    scrambled = path.read_text(encoding="utf-8").replace("\n", "\r\n")
    path.write_bytes(scrambled.encode())
    result = CliRunner().invoke(cli, ["fmt", "--check", "--data", str(dataset.dir)])
    assert result.exit_code == 1 and "places.csv" in result.output
    assert path.read_bytes() == scrambled.encode()
    result = CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)])
    assert result.exit_code == 0 and "reformatted" in result.output
    assert CliRunner().invoke(cli, ["fmt", "--check", "--data", str(dataset.dir)]).exit_code == 0
    assert dataset.validate().findings == []


def test_curated_data_is_canonical():
    result = CliRunner().invoke(cli, ["fmt", "--check"])
    assert result.exit_code == 0, result.output


def test_fmt_says_what_it_changed(dataset):
    places = dataset.path("places")
    lines = places.read_text(encoding="utf-8").split("\n")
    lines[1], lines[2] = lines[2], lines[1]
    places.write_bytes("\r\n".join(lines).encode())
    actors = dataset.path("actors")
    first = actors.read_text(encoding="utf-8").split("\n")[1].split(",")[1]
    actors.write_text(
        actors.read_text(encoding="utf-8").replace(first, unicodedata.normalize("NFD", first) + "e\u0301", 1),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)])
    assert result.exit_code == 0
    said = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert said[f"reformatted {os.path.relpath(places)}"] == "line endings made LF; 2 row(s) put in key order"
    assert said[f"reformatted {os.path.relpath(actors)}"] == "name: 1 cell(s) made NFC"


def test_fmt_counts_every_blank_line_it_removes(dataset):
    """Blank lines anywhere, trailing ones included, are counted one by one; a line break inside a
    quoted cell is not a blank line."""
    places = dataset.path("places")
    text = places.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    places.write_text(f"{header}\n\n{first}\n{rest}\n\n\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)])
    assert result.exit_code == 0
    assert result.output.strip() == f"reformatted {os.path.relpath(places)}: 4 blank line(s) removed"
    assert places.read_text(encoding="utf-8") == text
