"""How to cite the dataset and one statement of it: plain text, BibTeX and CSL-JSON.

The dataset's citation facts (title, version, release date, authors, licence) are read from
CITATION.cff, the one place they are written; a statement's citation adds its ID, speaker,
addressee, date, stable URL and the original source that attests it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from claims import project


@dataclass(frozen=True)
class DatasetCitation:
    title: str
    version: str
    released: str  # ISO date
    authors: tuple[str, ...]
    licence: str

    @property
    def year(self) -> str:
        return self.released[:4]


@lru_cache(maxsize=1)
def dataset_citation() -> DatasetCitation:
    """The dataset's citation facts, from the project's CITATION.cff."""
    cff = yaml.safe_load(project.current().citation_file.read_text(encoding="utf-8"))
    authors = tuple(
        a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names")))) for a in cff["authors"]
    )
    return DatasetCitation(
        str(cff["title"]),
        str(cff["version"]),
        str(cff["date-released"]),
        authors,
        str(cff["license"]).replace("-", " "),
    )


def dataset_plain(url: str) -> str:
    d = dataset_citation()
    return f"{', '.join(d.authors)} ({d.year}). {d.title}, version {d.version}. Data licence: {d.licence}. {url}"


def dataset_bibtex(url: str) -> str:
    d = dataset_citation()
    return _bibtex(
        "misc",
        f"claims-dataset-{d.version}",
        {
            "title": d.title,
            "author": " and ".join("{" + a + "}" for a in d.authors),
            "year": d.year,
            "version": d.version,
            "howpublished": "Dataset",
            "url": url,
            "note": f"Data licence: {d.licence}",
        },
    )


@dataclass
class StatementFacts:
    """What a statement's citation says: who, to whom, when, what, where it is, and its first source."""

    statement_id: str
    speaker: str
    addressee: str | None
    date: str | None
    date_text: str | None
    text: str
    url: str
    source: str | None = None  # e.g. Bloomberg, “Title”, Fortune, 2025-11-25
    excerpt_span: str | None = None  # e.g. characters 1295–1523


def _who(facts: StatementFacts) -> str:
    return f"{facts.speaker} to {facts.addressee}" if facts.addressee else facts.speaker


def _when(facts: StatementFacts) -> str:
    if not facts.date:
        return "undated"
    return f"{facts.date} (“{facts.date_text}”)" if facts.date_text and facts.date_text != facts.date else facts.date


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def statement_plain(facts: StatementFacts) -> str:
    d = dataset_citation()
    attested = (
        f" Attested by {facts.source}" + (f", {facts.excerpt_span}" if facts.excerpt_span else "") + "."
        if facts.source
        else ""
    )
    return (
        f"{_who(facts)}, {_when(facts)}: “{_short(facts.text)}” Statement {facts.statement_id} in "
        f"{', '.join(d.authors)} ({d.year}), {d.title}, version {d.version}, {d.licence}. {facts.url}.{attested}"
    )


def statement_bibtex(facts: StatementFacts) -> str:
    d = dataset_citation()
    note = f"{_who(facts)}, {_when(facts)}." + (
        f" Attested by {facts.source}" + (f", {facts.excerpt_span}" if facts.excerpt_span else "") + "."
        if facts.source
        else ""
    )
    return _bibtex(
        "misc",
        f"claims-{facts.statement_id}-{d.version}",
        {
            "title": f"Statement {facts.statement_id}: {_short(facts.text, 120)}",
            "author": " and ".join("{" + a + "}" for a in d.authors),
            "year": d.year,
            "howpublished": f"{d.title}, version {d.version}",
            "url": facts.url,
            "note": note,
        },
    )


def statement_csl(facts: StatementFacts) -> dict[str, Any]:
    d = dataset_citation()
    year, month, day = (int(part) for part in d.released.split("-"))
    item: dict[str, Any] = {
        "id": f"claims-{facts.statement_id}-{d.version}",
        "type": "dataset",
        "title": f"Statement {facts.statement_id}: {_short(facts.text, 120)}",
        "author": [{"literal": author} for author in d.authors],
        "container-title": d.title,
        "version": d.version,
        "issued": {"date-parts": [[year, month, day]]},
        "URL": facts.url,
        "note": f"{_who(facts)}, {_when(facts)}." + (f" Attested by {facts.source}." if facts.source else ""),
    }
    return item


def statement_csl_json(facts: StatementFacts) -> str:
    return json.dumps([statement_csl(facts)], indent=2, ensure_ascii=False)


def _bibtex(kind: str, key: str, fields: dict[str, str]) -> str:
    def value(text: str) -> str:
        # braces and backslashes would break the entry; the rest of Unicode is fine in biblatex/BibTeX 0.99+
        return text.replace("\\", "").replace("{", "(").replace("}", ")") if not text.startswith("{") else text

    lines = [f"@{kind}{{{key},"] + [f"  {name} = {{{value(text)}}}," for name, text in fields.items() if text]
    return "\n".join(lines) + "\n}"
