"""Quotation marks mean verbatim, on every page of the site and in the linked-data export.

The curated data is built and served in-process (Datasette's own client, no server). Every page —
the home page, the charts, the data dictionary, every table and view, every row, every retired
ID, every canned query — is rendered, and each span of its text between quotation marks of any
kind (curly “…”, straight "…", single ‘…’, guillemets «…»; in code a straight quote is syntax, and
JSON is read as its strings) is checked against the row it belongs to: the row of the page, of the
table row or list item it is in, or of the statement a rendering names (data-statement). A span
must be verbatim in one of that row's excerpts (a statement's, an event's, an attestation's), where
"[…]" marks words left out, or be the title of a source. The curator's and maintainers' own words
(notes, date wording that is not the source's, descriptions, reasons, the schema's and the queries'
descriptions: elements marked claims-curated or PROSE, and every table cell but a statement's text
and an excerpt) may quote the archived article instead; the second test checks those against the
archived texts. The JSON-LD Claims are held to the same rule.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from datasette.utils import tilde_encode

from claims.archive import Archive
from claims.project import EXAMPLES_DIR
from claims.schema import ID_TABLES, TABLES
from claims.site.metadata import DATABASE, canned_queries, example_queries, example_values, sql_file
from helpers import datasette_site

# Table cells whose words are the source's, checked against the row's excerpts alone.
SOURCE_WORDS = {"text", "excerpt"}
ELIDED = re.compile(r"\s*(?:\[…\]|…|\.\.\.)\s*")
# The curator marks words left out of a quotation as the data does (" […] ", or "…"), never with
# three full stops, which a quotation could hold.
CURATOR_ELIDED = re.compile(r"\s*(?:\[…\]|…)\s*")
ROW_LINK = re.compile(rf"^/{DATABASE}/(\w+)/([^/?#.]+)$")
VOID = {
    "br",
    "img",
    "input",
    "meta",
    "link",
    "hr",
    "col",
    "area",
    "base",
    "source",
    "wbr",
    "path",
    "circle",
    "rect",
    "line",
}
SKIPPED = {"script", "style", "head", "textarea", "select"}


# --- the evidence -------------------------------------------------------------------------------


@dataclass
class Evidence:
    excerpts: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    titles: set[str] = field(default_factory=set)
    ids: dict[str, tuple[str, str]] = field(default_factory=dict)  # ID → (table, ID)
    all_excerpts: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, database: Path) -> Evidence:
        found = cls()
        con = sqlite3.connect(database)
        for attestation_id, statement_id, event_id, excerpt in con.execute(
            "SELECT attestation_id, statement_id, event_id, excerpt FROM attestations"
        ):
            found.all_excerpts.add(excerpt)
            found.excerpts.setdefault(("attestations", attestation_id), []).append(excerpt)
            for table, key in (("statements", statement_id), ("events", event_id)):
                if key:
                    found.excerpts.setdefault((table, key), []).append(excerpt)
        for attestation_id, statement_id, event_id in con.execute(
            "SELECT attestation_id, statement_id, event_id FROM attestations"
        ):  # an attestation's row also carries the excerpts of what it attests
            subject = ("statements", statement_id) if statement_id else ("events", event_id)
            found.excerpts[("attestations", attestation_id)] += found.excerpts.get(subject, [])
        found.titles = {title for (title,) in con.execute("SELECT title FROM sources")}
        for table, key in ID_TABLES.items():
            for (value,) in con.execute(f"SELECT {key} FROM {table}"):
                found.ids[value] = (table, value)
        con.close()
        return found

    def backs(self, span: str, rows: set[tuple[str, str]]) -> bool:
        """The span is a source's title, or each part of it (split where words were left out) is
        verbatim in one excerpt of the rows."""
        if span in self.titles:
            return True
        parts = [part for part in ELIDED.split(span) if part]
        excerpts = [excerpt for row in rows for excerpt in self.excerpts.get(row, [])]
        return bool(parts) and any(all(part in excerpt for part in parts) for excerpt in excerpts)


# --- pages as text with the row each piece belongs to ------------------------------------------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def descendants(self):
        for child in self.children:
            yield child
            if isinstance(child, Node):
                yield from child.descendants()


class Tree(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("document", {}, None)
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


@dataclass(frozen=True)
class Span:
    page: str
    text: str
    rows: frozenset[tuple[str, str]]
    curated: bool

    def __str__(self) -> str:
        return f"{self.page}: “{self.text}” (rows {sorted(self.rows)}{', curated' if self.curated else ''})"


def _rows_named(node: Node, evidence: Evidence) -> set[tuple[str, str]]:
    """The rows a scope names: its links to row pages, its statement renderings, and cells that hold an ID."""
    rows = set()
    for item in [node, *node.descendants()]:
        if isinstance(item, str):
            if item.strip() in evidence.ids:
                rows.add(evidence.ids[item.strip()])
            continue
        href = urllib.parse.unquote(item.attrs.get("href", ""))
        linked = ROW_LINK.match(href)
        if linked and linked.group(1) in ID_TABLES:
            rows.add((linked.group(1), linked.group(2)))
        if item.attrs.get("data-statement"):
            rows.add(("statements", item.attrs["data-statement"]))
    return rows


# Quotation marks of every kind: opening → closing. A straight double quote opens and closes; a ’
# between two letters is an apostrophe. In code (pre, code: SQL, BibTeX) a straight quote is
# syntax; text that is JSON (CSL-JSON, a JSON list in a cell) is read as the strings it holds.
OPENING = {"“": "”", "‘": "’", "«": "»", '"': '"'}
CLOSING = {"”", "’", "»"}
CODE = {"pre", "code"}


def _json_strings(text: str) -> list[str] | None:
    """The strings of `text` if it is a JSON array or object, else None."""
    if not text.strip().startswith(("[", "{")):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    found: list[str] = []

    def collect(item) -> None:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, list):
            for member in item:
                collect(member)
        elif isinstance(item, dict):
            for member in item.values():
                collect(member)

    collect(value)
    return found


class Scanner:
    """Finds the spans between matching quotation marks in a run of text, for one page."""

    def __init__(self, page: str):
        self.page = page
        self.text: list[str] = []
        self.stack: list[tuple[str, int, frozenset, bool]] = []  # open marks: (mark, position, rows, curated)
        self.spans: list[Span] = []
        self.problems: list[str] = []

    def feed(self, run: str, rows: frozenset, is_curated: bool, straight: bool = True) -> None:
        for index, character in enumerate(run):
            before, after = run[index - 1 : index], run[index + 1 : index + 2]
            top = self.stack[-1][0] if self.stack else None
            if character == '"' and not straight:
                pass
            elif character == "’" and (top != "‘" or (before.isalpha() and after.isalpha())):
                pass  # an apostrophe
            elif character in CLOSING or (character == '"' and top == '"'):
                if top is None or OPENING[top] != character:
                    self.problems.append(
                        f"{self.page}: a quotation closed with {character} that never opened: {''.join(self.text[-80:])!r}"
                    )
                else:
                    _mark, start, span_rows, span_curated = self.stack.pop()
                    self.spans.append(Span(self.page, "".join(self.text[start + 1 :]), span_rows, span_curated))
            elif character in OPENING:
                self.stack.append((character, len(self.text), rows, is_curated))
            self.text.append(character)

    def close(self) -> None:
        self.problems += [
            f"{self.page}: a quotation opened with {mark} and never closed: {''.join(self.text[start : start + 80])!r}"
            for mark, start, _, _ in self.stack
        ]
        self.stack = []


# The site's own texts (the schema's and the queries' descriptions) are the maintainers' words, like notes.
PROSE = {"claims-curated", "metadata-description", "column-descriptions", "claims-columns"}


def quotations(
    page: str, html: str, evidence: Evidence, page_rows: set[tuple[str, str]]
) -> tuple[list[Span], list[str]]:
    """Every span between quotation marks of any kind on the page, with the rows it belongs to; and
    the problems found on the way (an excerpt shown otherwise than verbatim, a quotation left open)."""
    tree = Tree(html)
    scopes: dict[int, set[tuple[str, str]]] = {}
    scanner = Scanner(page)
    problems: list[str] = []

    def scope_of(node: Node) -> set[tuple[str, str]]:
        # the innermost element that names rows: a statement rendering, a table row, a list item
        while node is not None:
            if node.attrs.get("data-statement"):
                return {("statements", node.attrs["data-statement"])}
            if node.tag in {"tr", "li"} or (node.tag == "a" and "claims-mark" in node.classes):
                if id(node) not in scopes:
                    scopes[id(node)] = _rows_named(node, evidence)
                if scopes[id(node)]:
                    return scopes[id(node)]
            node = node.parent
        return page_rows

    def curated(node: Node) -> bool:
        while node is not None:
            if node.classes & PROSE:
                return True
            if node.tag == "td":
                column = next((c[4:] for c in node.classes if c.startswith("col-")), "")
                return column not in SOURCE_WORDS
            node = node.parent
        return False

    def strings(texts: list[str], node: Node) -> None:
        """Each string of a JSON text on its own: a quotation never runs from one into the next."""
        for text in texts:
            own = Scanner(page)
            own.feed(text, frozenset(scope_of(node)), curated(node))
            own.close()
            scanner.spans.extend(own.spans)
            problems.extend(own.problems)

    def walk(node: Node, code: bool) -> None:
        for child in node.children:
            if isinstance(child, Node):
                if child.tag in SKIPPED:
                    continue
                if "claims-excerpt" in child.classes or (child.tag == "td" and "col-excerpt" in child.classes):
                    shown = "".join(t for t in child.descendants() if isinstance(t, str)).strip()
                    if shown and shown not in evidence.all_excerpts:
                        problems.append(f"{page}: an excerpt shown otherwise than verbatim: {shown[:80]!r}")
                    continue  # an excerpt is the evidence itself; its own quote marks are the source's
                if child.tag in CODE:
                    found = _json_strings("".join(t for t in child.descendants() if isinstance(t, str)))
                    if found is not None:
                        strings(found, child)
                        continue
                walk(child, code or child.tag in CODE)
                continue
            found = None if code else _json_strings(child)
            if found is not None:
                strings(found, node)
            else:
                scanner.feed(child, frozenset(scope_of(node)), curated(node), straight=not code)

    walk(tree.root, False)
    scanner.close()
    return scanner.spans, problems + scanner.problems


# --- the pages ----------------------------------------------------------------------------------


def every_page(database: Path) -> list[tuple[str, set[tuple[str, str]]]]:
    """(path, the page's own rows) of every page of the site on `database`."""
    con = sqlite3.connect(database)
    pages: list[tuple[str, set]] = [
        (p, set()) for p in ("/", "/-/timeline", "/-/who-spoke-to-whom", "/-/data-dictionary", f"/{DATABASE}")
    ]
    views = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
    for model in TABLES:
        table, key = model.meta.name, model.meta.primary_key
        pages.append((f"/{DATABASE}/{table}?_size=max", set()))
        for row in con.execute(f"SELECT {', '.join(key)} FROM {table}"):
            path = ",".join(tilde_encode(str(value)) for value in row)  # as Datasette links a row ("0.1.0")
            pages.append((f"/{DATABASE}/{table}/{path}", {(table, row[0])} if table in ID_TABLES else set()))
    pages += [(f"/{DATABASE}/{view}?_size=max", set()) for view in views]
    for table, key in con.execute("SELECT table_name, id FROM retired_ids"):
        pages.append((f"/{DATABASE}/{table}/{key}", {(table, key)}))
    speakers = [value for (value,) in con.execute("SELECT DISTINCT speaker_id FROM statements")]
    statements = [value for (value,) in con.execute("SELECT statement_id FROM statements")]
    first, last = con.execute("SELECT min(date_min), max(date_max) FROM statements").fetchone()
    con.close()
    queries = canned_queries()
    for name in example_queries():
        pages.append(
            (
                f"/{DATABASE}/{name}?{urllib.parse.urlencode(example_values(sql_file(EXAMPLES_DIR / f'{name}.sql')[0]))}",
                set(),
            )
        )
    pages += [(f"/{DATABASE}/statements_by_actor?speaker={s}&addressee=", set()) for s in speakers]
    pages += [(f"/{DATABASE}/attribution_of_statement?statement_id={s}", {("statements", s)}) for s in statements]
    pages += [(f"/{DATABASE}/statements_between_dates?start={first}&end={last}", set())]
    pages += [(f"/{DATABASE}/search?q={word}", set()) for word in ("Putin", "peace", "deal")]
    assert {"statements_by_actor", "attribution_of_statement", "statements_between_dates", "search"} <= set(queries)
    return pages


async def _render(database: Path, pages) -> list[tuple[str, int, str, set]]:
    site = datasette_site(database)
    rendered = []
    for path, rows in pages:
        response = await site.client.get(path)
        rendered.append((path, response.status_code, response.text, rows))
    return rendered


@pytest.fixture(scope="module")
def site_pages(curated_build):
    database = curated_build / "claims.db"
    return database, Evidence.of(database), asyncio.run(_render(database, every_page(database)))


def misquotations(evidence: Evidence, pages, curated: bool) -> tuple[list[Span], list[str], int]:
    """Spans (of the source's words, or with `curated` of the curator's) that no excerpt of their rows backs."""
    wrong, problems, checked = [], [], 0
    for path, status, html, rows in pages:
        assert status in (200, 301, 410), (path, status)
        spans, found = quotations(path, html, evidence, rows)
        problems += found
        for span in spans:
            if span.curated != curated:
                continue
            checked += 1
            if not evidence.backs(span.text, set(span.rows)):
                wrong.append(span)
    return wrong, problems, checked


def test_every_quotation_on_every_page_is_verbatim_in_an_excerpt_of_its_row(site_pages):
    _database, evidence, pages = site_pages
    assert len(pages) > 700  # every row of every table has its page
    wrong, problems, checked = misquotations(evidence, pages, curated=False)
    assert checked > 300  # direct quotes, partial quotes' fragments, source titles, date wordings…
    assert not problems, "\n".join(problems[:20])
    assert not wrong, "\n".join(str(span) for span in wrong[:20])


def test_the_curators_quotations_are_verbatim_in_the_archived_sources(site_pages, archive):
    """Notes, descriptions and date wordings quote the article: each span is verbatim in an excerpt
    of its row or in an archived text, character for character (a no-break space of the page is
    one in the quotation too), words left out marked " […] "."""
    database, evidence, pages = site_pages
    opened, con = Archive.open(archive), sqlite3.connect(database)
    hashes = [h for (h,) in con.execute("SELECT DISTINCT archive_sha256 FROM sources WHERE archive_sha256 IS NOT NULL")]
    con.close()
    texts = [opened.text(sha256, keep=False) or "" for sha256 in hashes]
    wrong, _problems, checked = misquotations(evidence, pages, curated=True)
    unbacked = [
        span
        for span in wrong
        if not all(any(part in text for text in texts) for part in CURATOR_ELIDED.split(span.text) if part)
    ]
    assert checked > 50
    assert not unbacked, "\n".join(str(span) for span in unbacked[:20])


def a_paraphrase_not_in_its_excerpts(database: Path, evidence: Evidence) -> tuple[str, str]:
    """(ID, text) of a paraphrase whose words are not the source's (a paraphrase may happen to
    repeat its excerpt word for word)."""
    con = sqlite3.connect(database)
    paraphrases = con.execute(
        "SELECT statement_id, text FROM statements WHERE statement_type = 'paraphrase'"
    ).fetchall()
    con.close()
    return next((key, words) for key, words in paraphrases if not evidence.backs(words, {("statements", key)}))


# Renderings that put every statement's words in quotation marks of one kind (patching the one
# function every rendering calls to shorten a statement's words).
MARKS = {"straight": '"{}"', "single": "‘{}’", "guillemets": "«{}»"}


def wrap_every_rendering(monkeypatch, marks: str) -> None:
    import claims.citation

    if marks == "curly":
        monkeypatch.setattr(claims.citation, "QUOTED_TYPES", {"direct_quote", "paraphrase"})
        return
    shorten = claims.citation.shorten
    monkeypatch.setattr(claims.citation, "shorten", lambda text, limit: MARKS[marks].format(shorten(text, limit)))


@pytest.mark.parametrize("marks", ["curly", *MARKS])
def test_a_paraphrase_in_quotation_marks_is_caught(curated_build, monkeypatch, marks):
    """The check fails when a rendering wraps a paraphrase in quotation marks, of any kind."""
    database = curated_build / "claims.db"
    evidence = Evidence.of(database)
    statement_id, text = a_paraphrase_not_in_its_excerpts(database, evidence)
    page = [(f"/{DATABASE}/statements/{statement_id}", {("statements", statement_id)})]
    honest = asyncio.run(_render(database, page))
    assert misquotations(evidence, honest, curated=False)[0] == []
    wrap_every_rendering(monkeypatch, marks)
    wrapped = asyncio.run(_render(database, page))
    wrong = misquotations(evidence, wrapped, curated=False)[0]
    assert any(span.text.startswith(text[:20]) for span in wrong), wrong


def misquoted_claims(database: Path, evidence: Evidence) -> list[str]:
    """The JSON-LD export's Claims whose name or text puts in quotation marks words that are not in
    one of the statement's excerpts."""
    import duckdb

    from claims.build.linked_data import claims_jsonld

    con = duckdb.connect(str(database.with_name("claims.duckdb")), read_only=True)
    try:
        graph = claims_jsonld(con)["@graph"]
    finally:
        con.close()
    wrong = []
    found = [node for node in graph if node["@type"] == "Claim"]
    assert len(found) > 50
    for node in found:
        row = frozenset({("statements", node["identifier"])})
        for prop in ("name", "text"):
            scanner = Scanner(f"claims.jsonld {node['@id']} {prop}")
            scanner.feed(node[prop], row, False)
            scanner.close()
            wrong += scanner.problems
            wrong += [str(span) for span in scanner.spans if not evidence.backs(span.text, set(row))]
    return wrong


def test_every_quotation_in_the_linked_data_claims_is_verbatim(curated_build, monkeypatch):
    """The JSON-LD Claims render statements as the site does: each quotation, of any kind, is verbatim
    in an excerpt of its statement; a paraphrase wrapped in quotation marks is caught."""
    database = curated_build / "claims.db"
    evidence = Evidence.of(database)
    assert misquoted_claims(database, evidence) == []
    statement_id, _text = a_paraphrase_not_in_its_excerpts(database, evidence)
    wrap_every_rendering(monkeypatch, "straight")
    assert any(f"statement/{statement_id} name" in wrong for wrong in misquoted_claims(database, evidence))


def test_a_shortened_statement_closes_the_quotation_it_cuts():
    from claims.citation import render_statement

    text = "Putin “will congratulate” and will say “Mr Trump is a real peace man”."
    cut = render_statement("partial_quote", text, 50)
    assert cut.words == "Putin “will congratulate” and will say “Mr Trump […]”"
    spans, problems = quotations(
        "/", f"<p>{cut.words}</p>", Evidence(excerpts={("statements", "s"): [text]}), {("statements", "s")}
    )
    assert not problems and all(
        Evidence(excerpts={("statements", "s"): [text]}).backs(s.text, {("statements", "s")}) for s in spans
    )
    quoted = render_statement("direct_quote", "We put a 20-point Trump plan together that was 20 points for peace", 30)
    assert quoted.line == "(direct quote): “We put a 20-point Trump plan […]”"
