"""Quotation marks mean verbatim, on every page of the site.

The curated data is built and served in-process (Datasette's own client, no server). Every page —
the home page, the charts, the data dictionary, every table and view, every row, every retired
ID, every canned query — is rendered, and each span of its text between curly quotes “…” is
checked against the row it belongs to: the row of the page, of the table row or list item it is
in, or of the statement a rendering names (data-statement). A span must be verbatim in one of
that row's excerpts (a statement's, an event's, an attestation's), where "[…]" marks words left
out, or be the title of a source. The curator's own words (notes, date wording that is not the
source's, descriptions, reasons: elements marked claims-curated, and every table cell but a
statement's text and an excerpt) may quote the archived article instead; the second test checks
those against the archived texts.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from claims.archive import Archive
from claims.project import EXAMPLES_DIR
from claims.publish import DATABASE, canned_queries, example_queries, example_values, sql_file
from claims.schema import ID_TABLES, TABLES
from conftest import datasette_site

# Table cells whose words are the source's, checked against the row's excerpts alone.
SOURCE_WORDS = {"text", "excerpt"}
ELIDED = re.compile(r"\s*(?:\[…\]|…)\s*")
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


def quotations(
    page: str, html: str, evidence: Evidence, page_rows: set[tuple[str, str]]
) -> tuple[list[Span], list[str]]:
    """Every span between curly quotes on the page, with the rows it belongs to; and the problems
    found on the way (an excerpt shown otherwise than verbatim, a quotation left open)."""
    tree = Tree(html)
    scopes: dict[int, set[tuple[str, str]]] = {}
    spans: list[Span] = []
    problems: list[str] = []
    stack: list[tuple[int, frozenset, bool]] = []  # open quotes: (position in `text`, rows, curated)
    text: list[str] = []

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
            if "claims-curated" in node.classes:
                return True
            if node.tag == "td":
                column = next((c[4:] for c in node.classes if c.startswith("col-")), "")
                return column not in SOURCE_WORDS
            node = node.parent
        return False

    def walk(node: Node) -> None:
        for child in node.children:
            if isinstance(child, Node):
                if child.tag in SKIPPED:
                    continue
                if "claims-excerpt" in child.classes or (child.tag == "td" and "col-excerpt" in child.classes):
                    shown = "".join(t for t in child.descendants() if isinstance(t, str)).strip()
                    if shown and shown not in evidence.all_excerpts:
                        problems.append(f"{page}: an excerpt shown otherwise than verbatim: {shown[:80]!r}")
                    continue  # an excerpt is the evidence itself; its own quote marks are the source's
                walk(child)
                continue
            for character in child:
                if character == "“":
                    stack.append((len(text), frozenset(scope_of(node)), curated(node)))
                elif character == "”" and not stack:
                    problems.append(f"{page}: a quotation closed that never opened: {''.join(text[-80:])!r}")
                elif character == "”":
                    start, rows, is_curated = stack.pop()
                    spans.append(Span(page, "".join(text[start + 1 :]), rows, is_curated))
                text.append(character)

    walk(tree.root)
    problems += [
        f"{page}: a quotation opened and never closed: {''.join(text[start : start + 80])!r}" for start, _, _ in stack
    ]
    return spans, problems


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
            path = ",".join(urllib.parse.quote(str(value), safe="") for value in row)
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
    of its row or in an archived text (spaces compared as spaces: a curator types a plain space
    where the page has a no-break space)."""
    database, evidence, pages = site_pages
    opened, con = Archive.open(archive), sqlite3.connect(database)
    hashes = [h for (h,) in con.execute("SELECT DISTINCT archive_sha256 FROM sources WHERE archive_sha256 IS NOT NULL")]
    con.close()
    texts = [_spaces(opened.text(sha256, keep=False) or "") for sha256 in hashes]
    wrong, _problems, checked = misquotations(evidence, pages, curated=True)
    unbacked = [
        span
        for span in wrong
        if not all(part and any(_spaces(part) in text for text in texts) for part in ELIDED.split(span.text) if part)
    ]
    assert checked > 50
    assert not unbacked, "\n".join(str(span) for span in unbacked[:20])


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_paraphrase_in_quotation_marks_is_caught(curated_build, monkeypatch):
    """The check fails when a rendering wraps a paraphrase in quotation marks."""
    import claims.citation

    database = curated_build / "claims.db"
    evidence = Evidence.of(database)
    con = sqlite3.connect(database)
    paraphrases = con.execute(
        "SELECT statement_id, text FROM statements WHERE statement_type = 'paraphrase'"
    ).fetchall()
    con.close()
    # one whose words are not the source's (a paraphrase may happen to repeat its excerpt word for word)
    statement_id, text = next(
        (key, words) for key, words in paraphrases if not evidence.backs(words, {("statements", key)})
    )
    page = [(f"/{DATABASE}/statements/{statement_id}", {("statements", statement_id)})]
    honest = asyncio.run(_render(database, page))
    assert misquotations(evidence, honest, curated=False)[0] == []
    monkeypatch.setattr(claims.citation, "QUOTED_TYPES", {"direct_quote", "paraphrase"})
    wrapped = asyncio.run(_render(database, page))
    wrong = misquotations(evidence, wrapped, curated=False)[0]
    assert any(span.text.startswith(text[:20]) for span in wrong), wrong


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
