"""Exports for linked-data users: schema.org `Claim`s as JSON-LD, and attribution chains as W3C PROV.

Both read the built DuckDB database, and both name the data's version (the `dataset_version`
table `claims build` wrote): a schema.org `Dataset` node that every `Claim` is part of, and a PROV
collection of the statements. A Claim's `name` is the statement as claims.citation renders it
(quotation marks for direct quotes only). The JSON-LD carries its own @context (no remote context is
fetched); the PROV document is made with the `prov` library and serialised as PROV-JSON and PROV-N.
"""

from __future__ import annotations

import json
from typing import Any

from claims.citation import URN_PREFIX, dataset_citation, render_statement
from claims.schema.package import PACKAGE_META
from claims.schema.presentation import VERSION_TABLE
from claims.version import DataVersion

NAMESPACE = URN_PREFIX
CONTEXT = {"@vocab": "https://schema.org/", "claims": NAMESPACE}
ACTOR_TYPES = {
    "person": "Person",
    "media_outlet": "NewsMediaOrganization",
    "government": "GovernmentOrganization",
    "government_body": "GovernmentOrganization",
}
SOURCE_TYPES = {
    "news_article": "NewsArticle",
    "transcript": "CreativeWork",
    "recording": "AudioObject",
    "interview": "CreativeWork",
    "social_media_post": "SocialMediaPosting",
    "press_remarks": "CreativeWork",
    "remarks": "CreativeWork",
    "photograph": "Photograph",
}


def _rows(con, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [
        dict(zip(columns, (v.isoformat() if hasattr(v, "isoformat") else v for v in row))) for row in cursor.fetchall()
    ]


def _ref(kind: str, key: str) -> dict[str, str]:
    return {"@id": f"claims:{kind}/{key}"}


def stamped_version(con) -> DataVersion:
    """The version the database was stamped with."""
    return DataVersion.from_row(_rows(con, f"SELECT * FROM {VERSION_TABLE}")[0])


def dataset_id(version: DataVersion) -> str:
    return f"claims:dataset/{PACKAGE_META['name']}/{version.version}"


def claims_jsonld(con) -> dict[str, Any]:
    """Every statement as a schema.org Claim, with its author, appearances and excerpts."""
    version = stamped_version(con)
    graph: list[dict[str, Any]] = [
        {
            "@id": dataset_id(version),
            "@type": "Dataset",
            "name": dataset_citation().title,
            "version": version.version,
            "description": f"{PACKAGE_META['description']} This is {version.label}.",
            "license": PACKAGE_META["licenses"][0]["path"],
            **({"dateModified": version.date} if version.date else {}),
        }
    ]
    for actor in _rows(con, "SELECT * FROM actors ORDER BY actor_id"):
        node: dict[str, Any] = {
            "@id": f"claims:actor/{actor['actor_id']}",
            "@type": ACTOR_TYPES.get(actor["actor_type"], "Organization"),
            "identifier": actor["actor_id"],
            "name": actor["name"],
        }
        if actor["aliases"]:
            node["alternateName"] = actor["aliases"].split("|")
        if actor["wikidata_id"]:
            node["sameAs"] = f"http://www.wikidata.org/entity/{actor['wikidata_id']}"
        graph.append(node)
    for source in _rows(con, "SELECT * FROM sources ORDER BY source_id"):
        node = {
            "@id": f"claims:source/{source['source_id']}",
            "@type": SOURCE_TYPES.get(source["source_type"], "CreativeWork"),
            "identifier": source["source_id"],
            "name": source["title"],
        }
        for column, prop, kind in (
            ("publisher_id", "publisher", "actor"),
            ("author_id", "author", "actor"),
            ("republishes_id", "isBasedOn", "source"),
            ("derived_from_id", "isBasedOn", "source"),
        ):
            if source[column]:
                node[prop] = _ref(kind, source[column])
        if source["url"]:
            node["url"] = source["url"]
        if source["published_at"]:
            node["datePublished"] = source["published_at"]
        graph.append(node)
    attestations: dict[str, list[dict]] = {}
    for row in _rows(con, "SELECT * FROM attestations WHERE statement_id IS NOT NULL ORDER BY attestation_id"):
        attestations.setdefault(row["statement_id"], []).append(row)
    for statement in _rows(con, "SELECT * FROM statements ORDER BY statement_id"):
        evidence = attestations.get(statement["statement_id"], [])
        node = {
            "@id": f"claims:statement/{statement['statement_id']}",
            "@type": "Claim",
            "identifier": statement["statement_id"],
            "name": render_statement(statement["statement_type"], statement["text"]).line,
            "text": statement["text"],
            "isPartOf": {"@id": dataset_id(version)},
            "author": _ref("actor", statement["speaker_id"]),
            "appearance": [_ref("source", a["source_id"]) for a in evidence],
            "citation": [
                {"@type": "Quotation", "text": a["excerpt"], "isPartOf": _ref("source", a["source_id"])}
                for a in evidence
            ],
            "additionalType": statement["statement_type"],
        }
        first = next((a["via_source_id"] for a in evidence if a["via_source_id"]), None) or (
            evidence[0]["source_id"] if evidence else None
        )
        if first:
            node["firstAppearance"] = _ref("source", first)
        if statement["date_min"] and statement["date_min"] == statement["date_max"]:
            node["dateCreated"] = statement["date_min"]
        if statement["date"]:
            node["temporalCoverage"] = statement["date"]
        if statement["addressee_id"]:
            node["recipient"] = _ref("actor", statement["addressee_id"])
        graph.append(node)
    return {"@context": CONTEXT, "@graph": graph}


def provenance_document(con):
    """W3C PROV: statements attributed to their speakers, quoted from (or resting on) the source the
    report relied on, and derived from the report that carries the excerpt."""
    from prov.model import PROV, PROV_TYPE, ProvDocument

    doc = ProvDocument()
    claims = doc.add_namespace("claims", NAMESPACE)
    schema = doc.add_namespace("schema", "https://schema.org/")
    version = stamped_version(con)
    dataset = doc.collection(
        dataset_id(version),
        {"prov:label": f"{dataset_citation().title}, {version.label}", "schema:version": version.version},
    )
    agents = {}
    for actor in _rows(con, "SELECT actor_id, name, actor_type FROM actors ORDER BY actor_id"):
        kind = PROV["Person"] if actor["actor_type"] == "person" else PROV["Organization"]
        agents[actor["actor_id"]] = doc.agent(
            f"claims:actor/{actor['actor_id']}", {PROV_TYPE: kind, "prov:label": actor["name"]}
        )
    sources = {}
    rows = _rows(con, "SELECT * FROM sources ORDER BY source_id")
    for source in rows:
        sources[source["source_id"]] = doc.entity(
            f"claims:source/{source['source_id']}",
            {PROV_TYPE: claims[source["source_type"]], "prov:label": source["title"]},
        )
    for source in rows:
        entity = sources[source["source_id"]]
        for column in ("author_id", "publisher_id"):
            if source[column]:
                doc.wasAttributedTo(entity, agents[source[column]])
        if source["republishes_id"]:
            doc.wasDerivedFrom(
                entity, sources[source["republishes_id"]], other_attributes={PROV_TYPE: claims["Republication"]}
            )
        if source["derived_from_id"]:
            doc.wasDerivedFrom(
                entity, sources[source["derived_from_id"]], other_attributes={PROV_TYPE: claims["Transcription"]}
            )
    statements = {}
    for statement in _rows(
        con, "SELECT statement_id, speaker_id, statement_type, text FROM statements ORDER BY statement_id"
    ):
        entity = doc.entity(
            f"claims:statement/{statement['statement_id']}",
            {
                PROV_TYPE: schema["Claim"],
                "prov:value": statement["text"],
                "claims:statementType": statement["statement_type"],
            },
        )
        statements[statement["statement_id"]] = (entity, statement)
        doc.wasAttributedTo(entity, agents[statement["speaker_id"]])
        doc.hadMember(dataset, entity)
    for attestation in _rows(con, "SELECT * FROM attestations WHERE statement_id IS NOT NULL ORDER BY attestation_id"):
        entity, statement = statements[attestation["statement_id"]]
        report = sources[attestation["source_id"]]
        doc.wasDerivedFrom(
            entity,
            report,
            identifier=f"claims:attestation/{attestation['attestation_id']}",
            other_attributes={
                PROV_TYPE: claims["ReportedBy"],
                "claims:excerpt": attestation["excerpt"],
                "claims:charStart": attestation["char_start"],
                "claims:charEnd": attestation["char_end"],
                "claims:evidenceBasis": attestation["evidence_basis"],
            },
        )
        if attestation["via_source_id"]:
            relied_on = sources[attestation["via_source_id"]]
            if statement["statement_type"] in {"direct_quote", "partial_quote"}:
                doc.wasQuotedFrom(entity, relied_on)
            else:
                doc.hadPrimarySource(entity, relied_on)
    return doc


def write_exports(con, folder) -> list:
    """claims.jsonld, provenance.json (PROV-JSON) and provenance.provn in `folder`."""
    paths = []
    path = folder / "claims.jsonld"
    path.write_text(
        json.dumps(claims_jsonld(con), indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    paths.append(path)
    document = provenance_document(con)
    path = folder / "provenance.json"
    path.write_text(document.serialize(format="json", indent=1), encoding="utf-8")
    paths.append(path)
    path = folder / "provenance.provn"
    path.write_text(document.get_provn() + "\n", encoding="utf-8")
    paths.append(path)
    return paths
