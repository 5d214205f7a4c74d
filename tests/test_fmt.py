"""`claims fmt`: canonical CSV form, idempotent and lossless, and data that validates before it validates
after it (property-based with hypothesis)."""

import csv
import io
import os
import random
import shutil
import unicodedata
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.archive import sha256_file
from claims.cli import cli
from claims.contrib.fmt import FormatError, canonical, format_tables
from claims.schema import TABLES
from claims.schema.tables import Actor, StatementMention
from claims.validate import validate
from helpers import FUZZ_CAMPAIGN, FUZZ_EXAMPLES

FORTUNE = "fortune-2025-11-25-witkoff-advised-russia"

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
    table = [
        [
            {"actor_id": actor_id, "name": name, "actor_type": "person", "role": role, "notes": notes}.get(c, "")
            for c in header
        ]
        for actor_id, name, role, notes in rows
    ]
    once = canonical(scramble(header, table, seed), Actor)
    assert canonical(once, Actor) == once  # idempotent
    parsed = parse(once)
    assert parsed[0] == header
    assert parsed[1:] == sorted(table)  # nothing lost, every character kept: only the order changed


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
    empty = "," * (len(Actor.columns()) - 4)  # the cells between actor_type and notes
    text = ",".join(Actor.columns()) + f"\n axios ,Axios,media_outlet{empty}, kept \n"
    assert canonical(text, Actor).splitlines()[1] == f"axios,Axios,media_outlet{empty}, kept "


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
    empty = "," * (len(Actor.columns()) - 3)
    assert canonical(text, Actor).splitlines() == [",".join(Actor.columns()), f"axios,Axios,media_outlet{empty}"]


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


# Text that is not in Unicode NFC, as archived pages may hold it: decomposed letters (A + ring),
# compatibility signs that NFC replaces (ANGSTROM SIGN, OHM SIGN, KELVIN SIGN), marks out of
# canonical order, a composition exclusion that NFC lengthens (DEVANAGARI QA), Hangul jamo.
NOT_NFC = [
    "A\u030a",
    "\u212b",
    "e\u0301",
    "\u1e9b\u0323",
    "\u0958",
    "\u2126",
    "\u212a",
    "\u1100\u1161",
    "o\u0323\u0302",
]
PLAIN = ["Å", "é", "Zelenskyy", "Київ", "plan"]
WORD = st.lists(st.sampled_from(NOT_NFC + PLAIN), min_size=1, max_size=3).map("".join)
NOT_NFC_WORDS = (
    st.lists(WORD, min_size=1, max_size=4).map(" ".join).filter(lambda w: unicodedata.normalize("NFC", w) != w)
)


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    return records[0], records[1:]


def write_rows(path: Path, header: list[str], rows: list[list[str]], quoting: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n", quoting=quoting)
        writer.writerow(header)
        writer.writerows(rows)


def quote_from_the_archive(data: Path, archive: Path, words: str) -> None:
    """Put `words` into the article body of the archived text behind a direct quote, and use them
    verbatim as a new direct quote (with its excerpt), a position's title and an actor's role, with
    notes in the same form."""
    header, statements = read_rows(data / "statements.csv")
    column = {name: i for i, name in enumerate(header)}
    quote = next(row for row in statements if row[column["statement_type"]] == "direct_quote")
    a_header, attestations = read_rows(data / "attestations.csv")
    a = {name: i for i, name in enumerate(a_header)}
    evidence = next(row for row in attestations if row[a["statement_id"]] == quote[column["statement_id"]])
    s_header, sources = read_rows(data / "sources.csv")
    s = {name: i for i, name in enumerate(s_header)}
    source = next(row for row in sources if row[s["source_id"]] == evidence[a["source_id"]])
    file = next(path for path in archive.iterdir() if sha256_file(path) == source[s["archive_sha256"]])
    text, end = file.read_text(encoding="utf-8"), int(source[s["body_char_end"]])
    file.write_text(text[:end] + " " + words + text[end:], encoding="utf-8")
    source[s["archive_sha256"]], source[s["body_char_end"]] = sha256_file(file), str(end + 1 + len(words))
    write_rows(data / "sources.csv", s_header, sources, csv.QUOTE_MINIMAL)
    statement = quote[:]
    statement[column["statement_id"]], statement[column["text"]] = "st-quoted-from-the-archive", words
    statement[column["notes"]] = f"Notes in the same form: {words}"
    # its excerpt is the words alone, which name no addressee: it has none
    statement[column["addressee_id"]], statement[column["addressee_as"]] = "", ""
    write_rows(data / "statements.csv", header, [*statements, statement], csv.QUOTE_MINIMAL)
    attestation = evidence[:]
    attestation[a["attestation_id"]], attestation[a["statement_id"]] = "att-quoted-from-the-archive", statement[0]
    attestation[a["excerpt"]] = words
    attestation[a["char_start"]], attestation[a["char_end"]] = str(end + 1), str(end + 1 + len(words))
    write_rows(data / "attestations.csv", a_header, [*attestations, attestation], csv.QUOTE_MINIMAL)
    p_header, positions = read_rows(data / "positions.csv")
    speaker = quote[column["speaker_id"]]
    position = {"position_id": "position-quoted-from-the-archive", "actor_id": speaker, "title": words}
    position |= {"source_id": source[s["source_id"]], "notes": words}
    write_rows(
        data / "positions.csv", p_header, [*positions, [position.get(n, "") for n in p_header]], csv.QUOTE_MINIMAL
    )
    r_header, actors = read_rows(data / "actors.csv")
    actor = next(row for row in actors if row[0] == speaker)
    actor[r_header.index("role")], actor[r_header.index("role_source_id")] = words, source[s["source_id"]]
    write_rows(data / "actors.csv", r_header, actors, csv.QUOTE_MINIMAL)


def tables(data: Path) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows in the schema's column order, sorted: what formatting may not change."""
    found = {}
    for model in TABLES:
        header, rows = read_rows(data / f"{model.meta.name}.csv")
        found[model.meta.name] = sorted(tuple(dict(zip(header, row))[c] for c in model.columns()) for row in rows)
    return found


# A long campaign: CLAIMS_FUZZ_EXAMPLES=2000 (tests/conftest.py).
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=not FUZZ_CAMPAIGN,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(words=NOT_NFC_WORDS, seed=st.integers(0, 10_000))
def test_valid_data_stays_valid_and_only_its_form_changes(synthetic_source, tmp_path_factory, words, seed):
    """Non-NFC text from an archived article, quoted verbatim where validation compares it with the
    archive (a direct quote and its excerpt, a position's title, an actor's role) and in notes; the
    files then shuffled and quoted in another style. Valid before `claims fmt`, valid after, and
    the same cells in every table."""
    root = tmp_path_factory.mktemp("fmt-property")
    data, archive = root / "data", root / "archive"
    shutil.copytree(synthetic_source / "data", data)
    shutil.copytree(synthetic_source / "archive", archive)
    quote_from_the_archive(data, archive, words)
    rng = random.Random(seed)
    for path in data.glob("*.csv"):
        header, rows = read_rows(path)
        rng.shuffle(rows)
        write_rows(path, header, rows, rng.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    before = validate(data, archive)
    assert before.ok, [f.format() for f in before.findings]
    cells = tables(data)
    changed, errors = format_tables(data)
    assert errors == {} and changed
    after = validate(data, archive)
    assert after.ok, [f.format() for f in after.findings]
    assert tables(data) == cells
    assert format_tables(data, check=True) == ({}, {})


def test_a_title_quoted_from_a_text_not_in_nfc_survives_fmt(dataset, tmp_path, archive):
    """A position's title ending in ANGSTROM SIGN (U+212B), which the archived text has in its body."""
    copy = tmp_path / "archive"
    shutil.copytree(archive, copy)
    source = dataset.row("sources", source_id=FORTUNE)
    file = next(path for path in copy.iterdir() if path.suffix == ".txt")
    text, end = file.read_text(encoding="utf-8"), int(source["body_char_end"])
    file.write_text(text[:end] + " Envoy \u212b" + text[end:], encoding="utf-8")
    dataset.edit("sources", {"source_id": FORTUNE}, archive_sha256=sha256_file(file), body_char_end=str(end + 8))
    dataset.append(
        "positions", position_id="position-angstrom", actor_id="steve-witkoff", title="Envoy \u212b", source_id=FORTUNE
    )
    dataset.archive = copy
    assert dataset.validate().findings == []
    assert CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)]).exit_code == 0
    assert dataset.validate().findings == []
    assert dataset.row("positions", position_id="position-angstrom")["title"] == "Envoy \u212b"


def test_fmt_says_what_it_changed(dataset):
    places = dataset.path("places")
    lines = places.read_text(encoding="utf-8").split("\n")
    lines[1], lines[2] = lines[2], lines[1]
    places.write_bytes("\r\n".join(lines).encode())
    actors = dataset.path("actors")
    first = actors.read_text(encoding="utf-8").split("\n")[1].split(",")[0]
    actors.write_text(actors.read_text(encoding="utf-8").replace(first, f" {first} ", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)])
    assert result.exit_code == 0
    said = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert said[f"reformatted {os.path.relpath(places)}"] == "line endings made LF; 2 row(s) put in key order"
    assert said[f"reformatted {os.path.relpath(actors)}"] == "actor_id: 1 cell(s) surrounding whitespace removed"


def test_fmt_says_when_it_added_quotes_and_when_it_removed_them(dataset):
    """A quote inside an unquoted cell (which the CSV reader takes as it is) gets the quotes it needs;
    quotes around a cell that needs none go: fmt says which it did (it said "quoting made minimal")."""
    places = dataset.path("places")
    header, *rows = places.read_text(encoding="utf-8").split("\n")
    cells = rows[0].split(",")
    cells[-1] = 'a 6" map'  # notes, unquoted
    rows[0] = ",".join(cells)
    rows[1] = ",".join(f'"{cell}"' if cell and "," not in cell else cell for cell in rows[1].split(","))
    places.write_text("\n".join([header, *rows]), encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)])
    assert result.exit_code == 0, result.output
    quoted = sum(bool(cell) for cell in rows[1].split(","))
    said = result.output.split(": ", 1)[1].strip()
    assert said == f"quotes added to 1 cell(s) that hold a quote; quotes removed from {quoted} cell(s) that need none"
    assert dataset.row("places", place_id=cells[0])["notes"] == 'a 6" map'


def test_fmt_counts_every_blank_line_it_removes(dataset):
    """Blank lines anywhere, trailing ones included, are counted one by one."""
    places = dataset.path("places")
    text = places.read_text(encoding="utf-8")
    header, first, rest = text.split("\n", 2)
    places.write_text(f"{header}\n\n{first}\n{rest}\n\n\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)])
    assert result.exit_code == 0
    assert result.output.strip() == f"reformatted {os.path.relpath(places)}: 4 blank line(s) removed"
    assert places.read_text(encoding="utf-8") == text
