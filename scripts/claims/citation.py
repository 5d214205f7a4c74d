"""How the dataset and its statements are cited and shown: plain text, BibTeX, CSL-JSON, and the
one rendering of a statement that every surface uses.

Quotation marks mean verbatim. `render_statement` is the only place that decides how a statement
reads outside its own row: a direct quote in curly quotes (its words are the source's, validation
checks each part inside its excerpts), every other type as reported speech with its type, its own
quoted fragments kept (validation checks those too). Cards, actor, event and source lists, related
statements, canned-query results, the JSON-LD `Claim` and the citations all call it.

The dataset's title, authors and licence are read from CITATION.cff; its version is the data's
(claims.version); stable addresses come from the site's base URL and the repository's address,
each written once in pyproject.toml, never from the host that happens to serve a page.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from edtf import parse_edtf

from claims import project
from claims.schema import ID_TABLES
from claims.schema.dates import MONTHS
from claims.schema.text import ELISION
from claims.version import DataVersion

URN_PREFIX = "urn:claims:"
# The statement types whose `text` is the speaker's words verbatim: only these are put in quotation marks.
QUOTED_TYPES = {"direct_quote"}
# What a shortened rendering puts where words were left out, inside the quotation marks it closes.
LEFT_OUT = ELISION.strip()


@dataclass(frozen=True)
class DatasetCitation:
    title: str
    authors: tuple[str, ...]
    licence: str


@lru_cache(maxsize=1)
def dataset_citation() -> DatasetCitation:
    """The dataset's title, authors and licence, from the project's CITATION.cff."""
    cff = yaml.safe_load(project.current().citation_file.read_text(encoding="utf-8"))
    authors = tuple(
        a.get("name") or " ".join(filter(None, (a.get("given-names"), a.get("family-names")))) for a in cff["authors"]
    )
    return DatasetCitation(str(cff["title"]), authors, str(cff["license"]).replace("-", " "))


def cff_with_version(text: str, version: str, released_on: str | None) -> str:
    """CITATION.cff's text with `version` and its release date (none: the date line goes, as for
    unreleased data); every other line as written."""
    text = re.sub(r"(?m)^version: .*$", f'version: "{version}"', text)
    if released_on:
        return re.sub(r"(?m)^date-released: .*$", f"date-released: {released_on}", text)
    return re.sub(r"(?m)^date-released: .*\n", "", text)


# --- addresses -----------------------------------------------------------------------------------


def urn(table: str, key: str) -> str:
    """The row's name in the linked-data exports: urn:claims:statement/st-007."""
    return f"{URN_PREFIX}{ID_TABLES[table].removesuffix('_id')}/{key}"


@dataclass(frozen=True)
class Address:
    """Where a row can be found for good: its page on the public site, if one is configured, and
    always its URN and the repository."""

    urn: str
    repository: str
    url: str | None  # the public site's page of the row; None where no public site is configured

    @property
    def cited(self) -> str:
        """The address a citation gives: the site's URL, or the URN with the repository."""
        return self.url or f"{self.urn} ({self.repository})"


def stable_address(table: str, key: str) -> Address:
    where = project.current()
    site = where.site_url()
    return Address(
        urn(table, key), where.repository_url(), f"{site}/{project.DATABASE}/{table}/{key}" if site else None
    )


def dataset_address() -> str:
    """The dataset's address: the public site if configured, else the repository."""
    where = project.current()
    return where.site_url() or where.repository_url()


# --- the one rendering of a statement -----------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """How a statement reads outside its row: its type in words, and its words — in curly quotes
    only for a direct quote; as reported speech otherwise."""

    kind: str  # "direct quote", "paraphrase", …
    words: str

    @property
    def line(self) -> str:
        return f"({self.kind}): {self.words}"


def shorten(text: str, limit: int | None) -> str:
    """`text` cut at a word before `limit` characters, the cut marked with […] — inside a quoted
    fragment the cut falls in, which is then closed, so that no quotation is left open."""
    if limit is None or len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:—–-")
    return cut + f" {LEFT_OUT}" + ("”" if cut.count("“") > cut.count("”") else "")


def render_statement(statement_type: str, text: str, limit: int | None = None) -> Rendered:
    """The statement's words as every surface shows them (see the module's docstring)."""
    words = shorten(text, limit)
    if statement_type in QUOTED_TYPES:
        words = f"“{words}”"
    return Rendered(statement_type.replace("_", " "), words)


def verbatim_in(words: str, excerpts: list[str]) -> bool:
    return bool(words) and any(words in excerpt for excerpt in excerpts)


# --- citations -----------------------------------------------------------------------------------


@dataclass
class StatementFacts:
    """What a statement's citation says: who, to whom, when, what, where it is, and its first source."""

    statement_id: str
    speaker: str
    addressee: str | None
    date: str | None
    date_text: str | None
    statement_type: str
    text: str
    excerpts: list[str] = field(default_factory=list)  # the excerpts that attest it
    source: str | None = None  # e.g. Bloomberg, “Title”, Fortune, 2025-11-25
    excerpt_span: str | None = None  # e.g. characters 1295–1523 of the archived text

    @property
    def address(self) -> Address:
        return stable_address("statements", self.statement_id)


def _who(facts: StatementFacts) -> str:
    return f"{facts.speaker} to {facts.addressee}" if facts.addressee else facts.speaker


QUALIFIED = {"?": "{} (uncertain)", "~": "about {}", "%": "about {} (uncertain)"}


def readable_date(value: str) -> str:
    """An EDTF date in words, for a reader (the EDTF stays in the machine fields): a day as it is
    (2025-10-14), 2025-11 → November 2025, 2025-10-24/2025-10-26 → from 2025-10-24 to 2025-10-26,
    [..2025-10-14] → on or before 2025-10-14, [2025-10-16..2025-11-25] → one day between 2025-10-16
    and 2025-11-25, 2025-11-25? → 2025-11-25 (uncertain); anything else as written."""
    try:
        return _words(parse_edtf(value)) or value
    except Exception:  # the edtf parser raises several kinds; validation has refused such a value
        return value


def _words(node: Any) -> str | None:
    kind = type(node).__name__
    text = str(node)
    if kind == "Date":
        parts = text.split("-")
        if not all(part.isdigit() for part in parts):
            return None  # unspecified digits (2025-1X): as written
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}" if len(parts) == 2 else text
    if kind == "UncertainOrApproximate":
        inner = _words(node.date)
        return QUALIFIED.get(str(node.ua), "{}").format(inner) if inner and node.ua else inner
    if kind in {"Interval", "Level1Interval"}:
        lower, upper = _bound(node.lower), _bound(node.upper)
        if lower and upper:
            return f"from {lower} to {upper}"
        return f"from {lower} on" if lower else (f"up to {upper}" if upper else None)
    if kind in {"OneOfASet", "MultipleDates"}:
        members = [_member(member) for member in node.objects]
        if None in members:
            return None
        return (" or " if kind == "OneOfASet" else " and ").join(m for m in members if m)
    return None


def _bound(node: Any) -> str | None:
    """An end of a range in words; None for an open or unknown end."""
    return None if type(node).__name__ == "UnspecifiedIntervalSection" else _words(node)


def _member(node: Any) -> str | None:
    kind = type(node).__name__
    if kind == "EarlierConsecutives":
        return f"on or before {_bound(node.upper)}"
    if kind == "LaterConsecutives":
        return f"on or after {_bound(node.lower)}"
    if kind == "Consecutives":
        return f"one day between {_words(node.lower)} and {_words(node.upper)}"
    return _words(node)


def _when(facts: StatementFacts) -> str:
    """The date in words, with the source's wording in quotes where that wording is in its excerpts."""
    if not facts.date:
        return "undated"
    when = readable_date(facts.date)
    if facts.date_text and facts.date_text != facts.date and verbatim_in(facts.date_text, facts.excerpts):
        return f"{when} (“{facts.date_text}”)"
    return when


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!", "…", ".”", "?”", "!”")) else text + "."


def _year(version: DataVersion) -> str:
    return version.year or "n.d."


def statement_heading(facts: StatementFacts, limit: int | None = None) -> str:
    """Who to whom, when, (type): words — the head of every citation of the statement."""
    return f"{_who(facts)}, {_when(facts)} {render_statement(facts.statement_type, facts.text, limit).line}"


def _attested(facts: StatementFacts) -> str:
    if not facts.source:
        return ""
    return f" Attested by {facts.source}" + (f", {facts.excerpt_span}" if facts.excerpt_span else "") + "."


def dataset_plain(version: DataVersion) -> str:
    d = dataset_citation()
    return f"{', '.join(d.authors)} ({_year(version)}). {d.title}, {version.label}. Data licence: {d.licence}. {dataset_address()}"


def dataset_bibtex(version: DataVersion) -> str:
    d = dataset_citation()
    return _bibtex(
        "misc",
        f"claims-dataset-{version.version}",
        {
            "title": d.title,
            "author": " and ".join("{" + a + "}" for a in d.authors),
            "year": _year(version),
            "version": version.version,
            "howpublished": f"Dataset, {version.label}",
            "url": dataset_address(),
            "note": f"Data licence: {d.licence}",
        },
    )


def statement_plain(facts: StatementFacts, version: DataVersion) -> str:
    d = dataset_citation()
    return (
        f"{_sentence(statement_heading(facts))} Statement {facts.statement_id} in {', '.join(d.authors)} "
        f"({_year(version)}), {d.title}, {version.label}, {d.licence}. {facts.address.cited}.{_attested(facts)}"
    )


def _title(facts: StatementFacts) -> str:
    return f"Statement {facts.statement_id} {render_statement(facts.statement_type, facts.text, 120).line}"


def _note(facts: StatementFacts) -> str:
    address = facts.address
    stable = "" if address.url else f" Stable identifier: {address.urn}."
    return f"{_who(facts)}, {_when(facts)}, {facts.statement_type.replace('_', ' ')}.{_attested(facts)}{stable}"


def statement_bibtex(facts: StatementFacts, version: DataVersion) -> str:
    d = dataset_citation()
    return _bibtex(
        "misc",
        f"claims-{facts.statement_id}-{version.version}",
        {
            "title": _title(facts),
            "author": " and ".join("{" + a + "}" for a in d.authors),
            "year": _year(version),
            "version": version.version,
            "howpublished": f"{d.title}, {version.label}",
            "url": facts.address.url or facts.address.repository,
            "note": _note(facts),
        },
    )


def statement_csl(facts: StatementFacts, version: DataVersion) -> dict[str, Any]:
    d = dataset_citation()
    item: dict[str, Any] = {
        "id": f"claims-{facts.statement_id}-{version.version}",
        "type": "dataset",
        "title": _title(facts),
        "author": [{"literal": author} for author in d.authors],
        "container-title": d.title,
        "version": version.version,
        "URL": facts.address.url or facts.address.repository,
        "note": f"{version.label}. {_note(facts)}",
    }
    if facts.date:  # the date as data: EDTF, which the note gives in words
        item["custom"] = {"date_edtf": facts.date}
    if version.date:
        item["issued"] = {"date-parts": [[int(part) for part in version.date.split("-")]]}
    return item


def statement_csl_json(facts: StatementFacts, version: DataVersion) -> str:
    return json.dumps([statement_csl(facts, version)], indent=2, ensure_ascii=False)


def _bibtex(kind: str, key: str, fields: dict[str, str]) -> str:
    def value(text: str) -> str:
        # braces and backslashes would break the entry; the rest of Unicode is fine in biblatex/BibTeX 0.99+
        return text.replace("\\", "").replace("{", "(").replace("}", ")") if not text.startswith("{") else text

    lines = [f"@{kind}{{{key},"] + [f"  {name} = {{{value(text)}}}," for name, text in fields.items() if text]
    return "\n".join(lines) + "\n}"
