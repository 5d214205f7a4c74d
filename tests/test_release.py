"""`claims release`: a checksummed, reproducible bundle with linked-data exports."""

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
import rdflib
from prov.model import ProvDocument

from claims import project
from claims.release import ReleaseRefused, release

VERSION = project.current().dataset_version()
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    import shutil
    from pathlib import Path

    root = tmp_path_factory.mktemp("release")
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", root / "data")
    from conftest import archive_or_none

    archive = archive_or_none()
    first = release(VERSION, data_dir=root / "data", dist_dir=root / "one", archive_dir=archive)
    second = release(VERSION, data_dir=root / "data", dist_dir=root / "two", archive_dir=archive)
    return first, second


def test_bundle_contents(two_releases):
    bundle, _ = two_releases
    names = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert {
        f"peace-plan-claims-{VERSION}-csv.zip",
        "claims.duckdb",
        "claims.db",
        "parquet/statements.parquet",
        "claims.jsonld",
        "provenance.json",
        "provenance.provn",
        "RELEASE_NOTES.md",
        "SHA256SUMS",
    } <= names
    with zipfile.ZipFile(bundle / f"peace-plan-claims-{VERSION}-csv.zip") as archive:
        members = archive.namelist()
        assert "datapackage.json" in members and "data/statements.csv" in members
        assert json.loads(archive.read("datapackage.json"))["version"] == VERSION
    assert f"## {VERSION}" in (bundle / "RELEASE_NOTES.md").read_text()


def test_checksums_verify(two_releases):
    bundle, _ = two_releases
    for line in (bundle / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest, name


def duckdb_contents(path):
    """Every base table of a DuckDB file with its rows, in a stable order (the views are derived from
    them; who_spoke_to_whom's group_concat lists its types in no fixed order)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [
            row[0]
            for row in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY table_name"
            ).fetchall()
        ]
        return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall() for name in names}
    finally:
        con.close()


def test_two_releases_are_identical(two_releases):
    one, two = two_releases
    files = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    assert {"claims.db", "counts.json", "claims.duckdb", "SHA256SUMS"} <= set(files)
    for name in files:
        first, second = (one / name).read_bytes(), (two / name).read_bytes()
        if name == "claims.duckdb":  # not byte-reproducible (README, "releases"): same contents
            contents = duckdb_contents(one / name)
            assert {"statements", "attestations", "positions"} <= set(contents)
            assert contents == duckdb_contents(two / name), name
        elif name == "SHA256SUMS":
            assert [line for line in first.splitlines() if not line.endswith(b"claims.duckdb")] == [
                line for line in second.splitlines() if not line.endswith(b"claims.duckdb")
            ]
        else:
            assert first == second, name


def test_no_local_path_in_any_released_file(two_releases):
    one, _ = two_releases
    root = one.parents[1]
    local = [str(root).encode(), str(REPO).encode(), b"/home/", b".staging-", b".building-", b".partial"]
    for path in (p for p in one.rglob("*") if p.is_file()):
        content = path.read_bytes()
        assert not [marker for marker in local if marker in content], path.name
    assert json.loads((one / "counts.json").read_text())["claims"]["file"] == "claims.db"


def test_jsonld_claims_load_back(two_releases):
    bundle, _ = two_releases
    graph = rdflib.Graph().parse(data=(bundle / "claims.jsonld").read_text(), format="json-ld")
    schema = rdflib.Namespace("https://schema.org/")
    claims = set(graph.subjects(rdflib.RDF.type, schema.Claim))
    assert len(claims) >= 60
    st7 = rdflib.URIRef("urn:claims:statement/st-007")
    assert st7 in claims
    assert graph.value(st7, schema.author) == rdflib.URIRef("urn:claims:actor/steve-witkoff")
    assert graph.value(st7, schema.firstAppearance) == rdflib.URIRef(
        "urn:claims:source/recording-2025-10-14-witkoff-ushakov-call"
    )
    assert (
        st7,
        schema.appearance,
        rdflib.URIRef("urn:claims:source/fortune-2025-11-25-witkoff-advised-russia"),
    ) in graph
    assert str(graph.value(st7, schema.dateCreated)) == "2025-10-14"
    assert all(graph.value(claim, schema.author) is not None for claim in claims)


def test_prov_loads_back_with_the_attribution_chain(two_releases):
    bundle, _ = two_releases
    document = ProvDocument.deserialize(content=(bundle / "provenance.json").read_text(), format="json")
    provn = document.get_provn()
    assert "wasAttributedTo(claims:statement/st-007, claims:actor/steve-witkoff)" in provn
    assert (
        "wasDerivedFrom(claims:statement/st-007, claims:source/recording-2025-10-14-witkoff-ushakov-call, -, -, -, [prov:type='prov:Quotation'])"
        in provn
    )
    assert "claims:statement/st-007, claims:source/fortune-2025-11-25-witkoff-advised-russia" in provn
    assert "[prov:type='prov:PrimarySource']" in provn  # paraphrases rest on their source
    assert document == ProvDocument.deserialize(content=document.serialize(format="json"), format="json")


def test_version_must_be_the_newest_changelog_section(tmp_path):
    with pytest.raises(ReleaseRefused, match="CHANGELOG"):
        release("9.9.9", dist_dir=tmp_path)
    with pytest.raises(ReleaseRefused, match="not a version"):
        release("v1", dist_dir=tmp_path)


def test_refuses_data_with_findings(dataset, tmp_path):
    dataset.edit("actors", {"actor_id": "axios"}, actor_type="newspaper")
    with pytest.raises(ReleaseRefused, match="finding"):
        release(VERSION, data_dir=dataset.dir, dist_dir=tmp_path, archive_dir=dataset.archive)
