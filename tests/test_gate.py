"""The gate cannot be broken by its input: regression tests for every disagreement found between
the engines, the `--layers` false pass, the build crash, links and odd files, and the
Unicode and formula cases. Each test failed before the rule catalogue and the one cell model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from claims.cli import cli
from claims.validate import validate
from helpers import FAST_LAYERS, engines_agree, full

pytestmark = pytest.mark.rules

ENGINES = ("reference", "fast")


def both(dataset, layers=FAST_LAYERS):
    """The reference's findings in full, once every engine has reported the same."""
    return full(engines_agree(dataset.dir, dataset.archive, layers))


def rules_at(findings, table: str, line: int) -> set[tuple[str, str]]:
    return {(column, rule) for name, at, column, rule, *_ in findings if name == f"{table}.csv" and at == line}


def cli_exit(dataset, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["validate", "--data", str(dataset.dir), "--no-archive", "-q", "--layers", "structure,rows,integrity", *args],
    )
    return result.exit_code, result.output


# --- the eleven disagreements ----------------------------------------------------------------------


@pytest.mark.parametrize("table, match, column", [("events", {}, "duration_text"), ("actors", {}, "aliases")])
def test_the_fast_readers_null_marker_is_a_control_character(dataset, table, match, column):
    _, rows = dataset.read(table)
    key = next(iter(rows[0]))
    line = dataset.edit(table, {key: rows[0][key]}, **{column: "\x01"})
    assert (column, "control-character") in rules_at(both(dataset), table, line)


def test_a_cell_longer_than_the_limit_is_reported_by_both(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, notes="x" * 200_000)
    assert ("notes", "cell-too-long") in rules_at(both(dataset), "actors", line)


@pytest.mark.parametrize(
    "suffix", [b'xx, "Gaza",region,,,,\n', b'xy,"Gaza" ,region,,,,\n', b'xz,Gaza,region,,,, "x"\n']
)
def test_whitespace_around_a_quoted_cell_reads_the_same(dataset, suffix):
    dataset.path("places").write_bytes(dataset.path("places").read_bytes() + suffix)
    assert both(dataset), "the padded cell must be reported"


@pytest.mark.parametrize("column", ["char_start", "char_end"])
def test_an_offset_past_64_bits_is_a_finding_not_a_crash(dataset, column):
    line = dataset.edit("attestations", {"attestation_id": "att-001"}, **{column: "99999999999999999999"})
    assert (column, "maximum") in rules_at(both(dataset), "attestations", line)


def test_a_body_offset_past_64_bits_is_a_finding_not_a_crash(dataset):
    _, rows = dataset.read("sources")
    source = next(r for r in rows if r["body_char_end"])
    line = dataset.edit("sources", {"source_id": source["source_id"]}, body_char_end="99999999999999999999")
    assert ("body_char_end", "maximum") in rules_at(both(dataset), "sources", line)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _dangling(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "nowhere.csv")


def _loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path)


def _outside(path: Path) -> None:
    path.unlink()
    path.symlink_to("/etc/passwd")


def _into_a_subfolder(path: Path) -> None:
    (path.parent / "sub").mkdir()
    path.rename(path.parent / "sub" / path.name)
    path.symlink_to(Path("sub") / path.name)


def _unreadable(path: Path) -> None:
    path.chmod(0)


ODD_FILES = {
    "fifo": _fifo,
    "folder": _folder,
    "dangling-link": _dangling,
    "looping-link": _loop,
    "link-out-of-data": _outside,
    "link-into-a-subfolder": _into_a_subfolder,
}
if os.getuid() != 0:  # root reads any file
    ODD_FILES["no-permission"] = _unreadable


@pytest.mark.parametrize("kind", sorted(ODD_FILES))
def test_an_odd_file_is_a_finding_in_every_engine(dataset, kind):
    ODD_FILES[kind](dataset.path("actors"))
    findings = both(dataset)
    assert ("-", "unreadable-file") in rules_at(findings, "actors", 1)
    for engine in ENGINES:
        code, output = cli_exit(dataset, "--engine", engine)
        assert code == 1, output
        assert "root:" not in output  # nothing of a file outside the data is printed


def test_a_link_to_a_file_in_the_same_folder_is_read(dataset):
    path = dataset.path("actors")
    path.rename(path.with_name("actors-as-curated.csv"))
    path.symlink_to("actors-as-curated.csv")
    assert both(dataset) == []


def test_a_file_that_fails_while_read_is_a_finding(dataset, monkeypatch):
    real = Path.read_bytes

    def failing(self):
        if self.name == "actors.csv":
            raise OSError(5, "Input/output error")
        return real(self)

    def failing_open(self, *args, **kwargs):
        if self.name == "actors.csv":
            raise OSError(5, "Input/output error")
        return real_open(self, *args, **kwargs)

    real_open = Path.open
    monkeypatch.setattr(Path, "read_bytes", failing)
    monkeypatch.setattr(Path, "open", failing_open)
    for engine in ENGINES:
        run = validate(dataset.dir, None, layers=FAST_LAYERS, engine=engine)
        assert [(f.line, f.rule, f.message) for f in run.findings if f.path.endswith("actors.csv")] == [
            (1, "unreadable-file", "cannot be read: Input/output error")
        ]


# --- --layers, the build, fmt ---------------------------------------------------------------------------


def test_layers_pull_in_what_they_need_no_false_pass(synthetic):
    _, rows = synthetic.read("attestations")
    first = rows[0]
    synthetic.edit(
        "attestations",
        {"attestation_id": first["attestation_id"]},
        char_start=str(int(first["char_start"]) + 1),
        char_end=str(int(first["char_end"]) + 1),
    )
    for engine in ENGINES:
        run = validate(synthetic.dir, synthetic.archive, layers=("structure", "provenance"), engine=engine)
        assert "excerpt-mismatch" in {f.rule for f in run.findings}
        assert "rows" in run.timings


def test_a_point_count_the_build_cannot_store_does_not_validate(dataset, tmp_path):
    _, rows = dataset.read("plans")
    line = dataset.edit("plans", {"plan_id": rows[0]["plan_id"]}, point_count="99999999999999999999")
    assert ("point_count", "maximum") in rules_at(both(dataset), "plans", line)
    result = CliRunner().invoke(
        cli, ["build", "--data", str(dataset.dir), "--out", str(tmp_path / "build"), "--no-archive"]
    )
    assert result.exit_code == 1, result.output


def test_fmt_never_writes_through_a_link(dataset, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes(dataset.path("places").read_bytes().replace(b"\n", b"\r\n"))
    dataset.path("places").unlink()
    dataset.path("places").symlink_to(outside)
    before = outside.read_bytes()
    result = CliRunner().invoke(cli, ["fmt", "--data", str(dataset.dir)])
    assert result.exit_code == 1
    assert outside.read_bytes() == before


# --- Unicode format characters, formulas, long values ------------------------------------------------------

CF = {
    "bidi-isolate": "\u2066",
    "pop-isolate": "\u2069",
    "tag-character": "\U000e0041",
    "soft-hyphen": "\u00ad",
    "zero-width-joiner-alone": "\u200d",
}


@pytest.mark.parametrize("name", sorted(CF))
def test_format_characters_are_rejected_in_text(dataset, name):
    line = dataset.edit("actors", {"actor_id": "axios"}, name=f"Ax{CF[name]} ios", notes=f"{CF[name]}note")
    found = rules_at(both(dataset), "actors", line)
    assert {("name", "invisible-character"), ("notes", "invisible-character")} <= found


def test_format_characters_are_rejected_in_ids(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, actor_id="axi\u2066os")
    assert ("actor_id", "pattern") in rules_at(both(dataset), "actors", line)


def test_a_joiner_between_letters_is_the_documented_exception(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, notes="Persian: می\u200cخواهم, Hindi: क्\u200dष")
    assert rules_at(both(dataset), "actors", line) == set()


@pytest.mark.parametrize("value", ["-1+1", "-2+3+cmd|' /C calc'!A0", "=SUM(A1)", "+1", "@SUM(A1)", "\tx"])
def test_every_text_column_rejects_a_formula_prefix(dataset, value):
    from claims.schema import TABLES

    edited = []
    for model in TABLES:  # every column whose cells are text: free text, lists of text, EDTF
        name = model.meta.name
        header, rows = dataset.read(name)
        if not rows:
            continue
        for column, info in model.model_fields.items():
            if "check_cell_text" in repr(info.annotation) + repr(info.metadata):
                rows[0][column] = value
                edited.append((name, column))
        dataset.write(name, header, rows)
    findings = both(dataset, layers=("structure", "rows"))
    assert len(edited) >= 30
    for name, column in edited:  # a list's item with a tab is also a padded item
        assert rules_at(findings, name, 2) & {(column, "formula-injection"), (column, "list")}, (name, column)


def test_long_values_are_cut_short_in_messages(dataset):
    line = dataset.edit("actors", {"actor_id": "axios"}, actor_type="n" * 5000, country="X" * 5000)
    findings = both(dataset)
    messages = [message for name, at, _c, _r, message, _h in findings if name == "actors.csv" and at == line]
    assert messages and all(len(message) < 200 for message in messages)


# --- found by fuzzing (tests/test_engines_agree.py) ------------------------------------------------------


def test_fuzz_an_empty_key_that_a_mention_points_at(synthetic):
    """An empty actor_id left a None among the known keys, and the suggestion for a dangling
    mention crashed on it (an internal error in the reference, exit 3 in the fast engine)."""
    _, rows = synthetic.read("actors")
    synthetic.edit("actors", {"actor_id": rows[0]["actor_id"]}, actor_id="")
    findings = both(synthetic, layers=("structure", "rows", "integrity"))
    assert "internal-error" not in {finding[3] for finding in findings}
    assert ("entity_id", "foreign-key") in {(f[2], f[3]) for f in findings if f[0] == "statement_mentions.csv"}


def test_expectations_without_the_provenance_layer_check_offsets_alike(dataset, archive):
    """`--layers expectations` with an archive: the fast engine measures the archived texts itself
    when the provenance layer (which otherwise does) is not run, as the reference's database does."""
    row = dataset.row("attestations", attestation_id="att-001")
    line = dataset.edit(
        "attestations",
        {"attestation_id": "att-001"},
        char_start=str(int(row["char_start"]) + 50_000),
        char_end=str(int(row["char_end"]) + 50_000),
    )
    findings = both(dataset, layers=("structure", "rows", "expectations"))
    assert ("char_end", "offsets-past-text") in rules_at(findings, "attestations", line)
