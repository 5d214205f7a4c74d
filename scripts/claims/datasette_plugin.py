"""Datasette plugin: the claim cards, readable cells, the home page's facts, and two pictures
drawn on the server as SVG (no JavaScript, nothing fetched from elsewhere).

- row pages of statements, events, actors and sources get a card (claims.cards, templates
  publish/templates/row-claims-*.html); their JSON stays Datasette's own;
- booleans read yes/no; a mention's entity_id links to what it names;
- /-/claims-static/claims.css: the project's stylesheet (a file, so that no inline style is needed);
- the home page's facts (what this is, how big, downloads, citation, where to start) and
  /-/download/…-csv.zip and …-parquet.zip (claims.downloads), named with the served data's version
  (the `dataset_version` table `claims build` writes);
- a retired ID's page answers "retired on DATE: REASON", with a 301 to its replacement where there
  is one (HTML and JSON);
- /-/data-dictionary: every table, column and vocabulary term (claims.dictionary);
- the `text` of a statement in a query's results reads as claims.citation.render_statement renders it;
- /-/timeline: events and statements on a time axis, one lane per speaker;
- /-/who-spoke-to-whom: a speaker × addressee matrix, circle area by number of statements;
- canned queries: a date parameter read as `:_date_X` is refused (400, with how to write it)
  unless it is an ISO day; an actor's name no actor has, or a date a research question cannot
  read, is said on the page with the closest names; the SQL is folded under the results.

Every mark links to its row or to the filtered table. All text is escaped.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import re
import sqlite3
from datetime import date, timedelta
from html import escape
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import await_me_maybe, tilde_decode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

from claims import dictionary, downloads, hardening, project
from claims.cards import CARDS
from claims.citation import dataset_address, dataset_bibtex, dataset_plain, render_statement, stable_address
from claims.project import CANNED_DIR, EXAMPLES_DIR, SITE_DIR
from claims.publish import (
    DATABASE,
    DATE_READ,
    HISTORY_TABLES,
    PAGE_AFTER,
    PAGE_KEY,
    READING_ORDER,
    canned_queries,
    example_queries,
    example_values,
    paged_queries,
    parameter_kinds,
    query_constants,
    sql_file,
)
from claims.schema import ID_TABLES, MENTION_TARGETS, TABLES, TABLES_BY_NAME
from claims.schema.derived import table_schema
from claims.schema.package import PACKAGE_META
from claims.schema.vocab import StatementType
from claims.version import VERSION_TABLE, DataVersion, data_version

STATIC_DIR = SITE_DIR / "static"
# A key column in a query's or a view's results (statement_id, source_id, …) links to its row.
KEY_TABLES = {key: table for table, key in ID_TABLES.items()}
# (table, column) of every boolean column in the schema: shown as yes/no.
BOOLEAN_COLUMNS = {
    (model.meta.name, field["name"])
    for model in TABLES
    for field in table_schema(model)["fields"]
    if field["type"] == "boolean"
}

TYPE_COLOURS = {
    "direct_quote": "#c0392b",
    "partial_quote": "#e67e22",
    "paraphrase": "#2980b9",
    "outlet_claim": "#7f8c8d",
    "no_comment": "#8e44ad",
    "no_response": "#8e44ad",
    "event": "#27ae60",
    "mixed": "#34495e",
}


def _day(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


FONT = 14  # px at the chart's natural width; the SVG scales with the page, never below 60em (claims.css)


def _bounds(row: dict) -> tuple[date | None, date | None]:
    """The row's earliest and latest day; None at an open end ([..2025-10-13] has no earliest day)."""
    return _day(row["date_min"]), _day(row["date_max"])


def _drawn(row: dict) -> bool:
    """A row is drawn when it has a bound: an undated row has no date and no bound."""
    return any(_bounds(row))


def _groups(rows: list[dict]) -> dict[tuple, list[dict]]:
    """Rows with the same lane and the same bounds (open ends included), in date order: one mark each."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        if _drawn(row):
            groups.setdefault((row.get("speaker_id") or "", *_bounds(row)), []).append(row)
    return groups


def timeline_svg(events: list[dict], statements: list[dict], width: int = 1300) -> str:
    """SVG of events (top lane) and statements (a lane per speaker) that have a date bound. Rows with
    the same lane and bounds are one mark whose area grows with their number, labelled with it; a
    range is a bar between its bounds, and a range open at one end runs to the edge of the axis with
    an arrow there. Rows with no date and no bound are left out."""
    drawn = [r for r in events + statements if _drawn(r)]
    if not drawn:
        return "<p>No dated rows.</p>"
    days = [day for row in drawn for day in _bounds(row) if day is not None]
    start, end = min(days) - timedelta(days=3), max(days) + timedelta(days=3)
    speakers = {r["speaker_id"]: r["speaker"] for r in statements if _drawn(r)}
    lanes = [("", "Events")] + sorted(speakers.items(), key=lambda item: item[1])
    lane_of = {key: index for index, (key, _name) in enumerate(lanes)}
    event_groups = _groups([{**r, "speaker_id": ""} for r in events])
    statement_groups = _groups(statements)
    biggest = max(len(g) for g in [*event_groups.values(), *statement_groups.values()])
    left, top, lane_height = 230, 20, 44
    height = top + lane_height * len(lanes) + 50
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return left + (width - left - 30) * (day - start).days / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Timeline of events and statements" viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="claims-chart claims-timeline" font-family="sans-serif">'
    ]
    for index, (_key, lane) in enumerate(lanes):
        y = top + index * lane_height + lane_height / 2
        parts.append(
            f'<text x="{left - 10}" y="{y + 5:.1f}" text-anchor="end" font-size="{FONT}">{escape(lane)}</text>'
        )
        parts.append(f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e4e4"/>')
    axis = height - 22
    month = date(start.year, start.month, 1)
    parts.append(f'<text x="{left:.1f}" y="{axis}" font-size="{FONT}" class="claims-axis">{start:%-d %b %Y}</text>')
    while month <= end:
        if month > start + timedelta(days=12):  # keep clear of the start label
            parts.append(
                f'<line x1="{x(month):.1f}" x2="{x(month):.1f}" y1="{top - 5}" y2="{axis - 16}" stroke="#ccc"/>'
            )
            parts.append(
                f'<text x="{x(month) + 3:.1f}" y="{axis}" font-size="{FONT}" class="claims-axis">{month:%b %Y}</text>'
            )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    axis_ends = (start, end)
    marks = []  # (drawing order, svg): ranges under days, larger marks under smaller ones, so none is hidden
    for (_key, low, high), rows in event_groups.items():
        marks.append(
            (
                (low == high, -len(rows)),
                _mark(rows, low, high, 0, "Events", x, axis_ends, top, lane_height, biggest, "events", "event"),
            )
        )
    for (key, low, high), rows in statement_groups.items():
        kind = rows[0]["type"] if len({r["type"] for r in rows}) == 1 else "mixed"
        marks.append(
            (
                (low == high, -len(rows)),
                _mark(
                    rows,
                    low,
                    high,
                    lane_of[key],
                    speakers[key],
                    x,
                    axis_ends,
                    top,
                    lane_height,
                    biggest,
                    "statements",
                    kind,
                ),
            )
        )
    parts += [svg for _order, svg in sorted(marks, key=lambda mark: mark[0])]
    parts.append("</svg>")
    return "\n".join(parts)


def _days_label(low: date | None, high: date | None) -> str:
    if low is None:
        return f"on or before {high.isoformat()}" if high else ""
    if high is None:
        return f"on or after {low.isoformat()}"
    return low.isoformat() if low == high else f"{low.isoformat()} to {high.isoformat()}"


def _mark(
    rows: list[dict],
    low: date | None,
    high: date | None,
    lane: int,
    lane_name: str,
    x,
    axis_ends: tuple[date, date],
    top: int,
    lane_height: int,
    biggest: int,
    table: str,
    kind: str,
) -> str:
    """One mark for the rows of a lane with the same bounds: a dot (one day) or a bar (a range; an
    open end runs to the axis's edge, with an arrow), larger with more rows and labelled with their
    number; it links to the row, or to the rows."""
    y = top + lane * lane_height + lane_height / 2
    colour = TYPE_COLOURS.get(kind, "#34495e")
    count = len(rows)
    days = _days_label(low, high)
    if count == 1:
        href = f"/{DATABASE}/{table}/{rows[0]['id']}"
        what = (
            render_statement(rows[0]["type"], rows[0]["title_or_text"], 180).line
            if table == "statements"
            else rows[0]["title_or_text"]
        )
        label = f"{days}: {what}"
    else:
        query = {
            **({"date_min": low.isoformat()} if low else {"date_min__isnull": "1"}),
            **({"date_max": high.isoformat()} if high else {"date_max__isnull": "1"}),
        }
        if table == "statements":
            query = {"speaker_id": rows[0]["speaker_id"], **query}
        href = f"/{DATABASE}/{table}?{urlencode(query)}"
        label = f"{count} {table} of {lane_name}, {days}" if table == "statements" else f"{count} events, {days}"
    radius = 6 + 12 * ((count - 1) / max(biggest - 1, 1)) ** 0.5
    tooltip = f"<title>{escape(label)}</title>"
    if low is not None and low == high:
        shape = f'<circle cx="{x(low):.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" fill-opacity="0.8"/>'
        centre = x(low)
    else:
        first, last = x(low or axis_ends[0]), x(high or axis_ends[1])
        bar_width, bar_height = max(last - first, 6), 2 * radius
        shape = f'<rect x="{first:.1f}" y="{y - bar_height / 2:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}" rx="4" fill="{colour}" fill-opacity="{0.55 if low and high else 0.3}"/>'
        if low is None:  # open start: an arrow pointing left at the axis's start
            shape += f'<path d="M{first - 8:.1f},{y:.1f} L{first:.1f},{y - radius:.1f} L{first:.1f},{y + radius:.1f} Z" fill="{colour}" class="claims-open-end"/>'
        if high is None:  # open end: an arrow pointing right at the axis's end
            shape += f'<path d="M{first + bar_width + 8:.1f},{y:.1f} L{first + bar_width:.1f},{y - radius:.1f} L{first + bar_width:.1f},{y + radius:.1f} Z" fill="{colour}" class="claims-open-end"/>'
        if low is None:
            centre = last - 12  # beside the known end
        elif high is None:
            centre = first + 12
        else:
            centre = first + bar_width / 2
    number = (
        f'<text x="{centre:.1f}" y="{y + 5:.1f}" text-anchor="middle" font-size="{FONT}" font-weight="bold" fill="#fff">{count}</text>'
        if count > 1
        else ""
    )
    day = (low or high or axis_ends[0]).isoformat()
    return f'<a href="{escape(href)}" class="claims-mark" data-count="{count}" data-lane="{escape(lane_name)}" data-day="{day}" data-bounds="{escape(days)}">{shape}{number}{tooltip}</a>'


def matrix_svg(pairs: list[dict]) -> str:
    """SVG matrix of speaker × addressee with circle area proportional to the number of statements."""
    if not pairs:
        return "<p>No statements.</p>"
    speakers = sorted({p["speaker"] for p in pairs})
    addressees = sorted({p["addressee"] or "(no addressee named)" for p in pairs})
    left, top, cell = 240, 190, 56
    # room on the right for the last column's slanted label
    width, height = left + cell * len(addressees) + 160, top + cell * len(speakers) + 20
    biggest = max(p["statements"] for p in pairs)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Who spoke to whom" viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="claims-chart claims-matrix" font-family="sans-serif">'
    ]
    for column, name in enumerate(addressees):
        cx = left + column * cell + cell / 2
        parts.append(
            f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{top}" y2="{top + cell * len(speakers)}" stroke="#f0f0f0"/>'
        )
        parts.append(
            f'<text transform="translate({cx + 4:.1f},{top - 8}) rotate(-45)" font-size="{FONT}">{escape(name)}</text>'
        )
    for row, name in enumerate(speakers):
        cy = top + row * cell + cell / 2
        parts.append(
            f'<text x="{left - 10}" y="{cy + 5:.1f}" text-anchor="end" font-size="{FONT}">{escape(name)}</text>'
        )
        parts.append(
            f'<line x1="{left}" x2="{left + cell * len(addressees)}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="#f0f0f0"/>'
        )
    for pair in pairs:
        addressee = pair["addressee"] or "(no addressee named)"
        cx = left + addressees.index(addressee) * cell + cell / 2
        cy = top + speakers.index(pair["speaker"]) * cell + cell / 2
        radius = 9 + 16 * (pair["statements"] / biggest) ** 0.5
        query = {"speaker_id": pair["speaker_id"]}
        query.update({"addressee_id": pair["addressee_id"]} if pair["addressee_id"] else {"addressee_id__isnull": "1"})
        href = f"/{DATABASE}/statements?{urlencode(query)}"
        tooltip = f"{pair['speaker']} → {addressee}: {pair['statements']} statement(s)"
        parts.append(
            f'<a href="{escape(href)}" class="claims-mark" data-count="{pair["statements"]}" data-lane="{escape(pair["speaker"])}" data-addressee="{escape(addressee)}">'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="#2980b9" fill-opacity="0.75"/>'
            f'<text x="{cx:.1f}" y="{cy + 5:.1f}" text-anchor="middle" font-size="{FONT}" font-weight="bold" fill="#fff">{pair["statements"]}</text>'
            f"<title>{escape(tooltip)}</title></a>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


async def _rows(datasette, sql: str) -> list[dict]:
    result = await datasette.get_database(DATABASE).execute(sql)
    return [dict(row) for row in result.rows]


async def timeline_page(datasette, request):
    events = await _rows(
        datasette,
        "SELECT event_id AS id, date, date_text, date_min, date_max, event_type AS type, title AS title_or_text FROM events",
    )
    statements = await _rows(
        datasette,
        """SELECT s.statement_id AS id, s.date, s.date_text, s.date_min, s.date_max, s.statement_type AS type,
        s.text AS title_or_text, s.speaker_id, sp.name AS speaker FROM statements s JOIN actors sp ON sp.actor_id = s.speaker_id""",
    )
    undated = sum(1 for r in events + statements if not r["date"] and not _drawn(r))
    unbounded = sum(1 for r in events + statements if r["date"] and not _drawn(r))
    legend = [(kind.replace("_", " "), colour) for kind, colour in TYPE_COLOURS.items()]
    html = await datasette.render_template(
        "claims_chart.html",
        {
            "title": "Timeline",
            "chart": timeline_svg(events, statements),
            "legend": legend,
            "undated": undated,
            "unbounded": unbounded,
            "intro": "Events (top lane) and statements by speaker, placed at their date: bars span uncertain or multi-day dates, from the earliest to the latest day the source allows; a date bounded on one side only (on or before a day, on or after a day) runs to the edge of the axis, with an arrow on its open side. "
            "Rows of one lane with the same date are one mark, larger with more rows and labelled with their number. Hover for the dates and the words; click for the row or the rows (with the source's wording of the date).",
            "database": DATABASE,
        },
        request=request,
    )
    return Response.html(html)


async def who_page(datasette, request):
    pairs = await _rows(
        datasette, "SELECT speaker_id, speaker, addressee_id, addressee, statements FROM who_spoke_to_whom"
    )
    html = await datasette.render_template(
        "claims_chart.html",
        {
            "title": "Who spoke to whom",
            "chart": matrix_svg(pairs),
            "legend": [],
            "undated": None,
            "intro": "Rows are speakers, columns the addressees the sources name; the number and the circle's area give the statements. Click a circle for them.",
            "database": DATABASE,
        },
        request=request,
    )
    return Response.html(html)


@hookimpl
def register_routes():
    return [
        (r"^/-/timeline$", timeline_page),
        (r"^/-/who-spoke-to-whom$", who_page),
        (r"^/-/claims-static/(?P<name>[a-z0-9-]+\.css)$", static_file),
        (r"^/-/download/(?P<name>[a-z0-9.+-]+\.zip)$", download),
        (r"^/-/data-dictionary$", dictionary_page),
    ]


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/timeline"), "label": "Timeline"},
        {"href": datasette.urls.path("/-/who-spoke-to-whom"), "label": "Who spoke to whom"},
        {"href": datasette.urls.path("/-/data-dictionary"), "label": "Data dictionary"},
    ]


# Bounded requests and security headers: scripts/claims/hardening.py.
@hookimpl(trylast=True)  # after Datasette's own functions, whose escape_fts it replaces
def prepare_connection(conn, database):
    hardening.harden_connection(conn, database)


# Each canned query's parameters that go to full-text search: a search box, bounded in words.
SEARCHED_PARAMETERS = {
    name: set(re.findall(r"escape_fts\(\s*:(\w+)\s*\)", query["sql"])) for name, query in canned_queries().items()
}


@hookimpl
def asgi_wrapper(datasette):
    return lambda app: hardening.wrap_asgi(app, datasette, SEARCHED_PARAMETERS)


@hookimpl
def startup(datasette):
    hardening.take_over_exception_handling()
    hardening.answer_csv_errors()
    hardening.keep_refusals_out_of_the_log()
    hardening.share_sql_threads(datasette)
    hardening.look_at_the_clock_less_often()
    read_first_matches_only()


# A table's search reads at most as many matches as the canned search does (its `-- candidates:`).
SEARCH_CANDIDATES = query_constants(sql_file(CANNED_DIR / "search.sql")[0])["candidates"]


@hookimpl(specname="filters_from_request")
def first_matches(request, database, table, datasette):
    """A table's full-text search (`?_search=`, `?_search_COLUMN=`; `?_searchmode=raw` for FTS5's
    own syntax) over the first SEARCH_CANDIDATES matches by rowid, as the canned search reads them.
    Datasette's own search filter reads every match: on a million statements a common word matches
    hundreds of thousands, and counting them and sorting them by date took a second a page. It is
    unregistered at startup (`read_first_matches_only`); this is it with the bound."""
    from datasette.filters import FilterArguments
    from datasette.utils import escape_sqlite
    from datasette.utils.asgi import BadRequest

    async def inner():
        metadata = datasette.table_metadata(database, table)
        db = datasette.get_database(database)
        fts_table = request.args.get("_fts_table") or metadata.get("fts_table") or await db.fts_table(table)
        searches = {
            key: request.args[key] for key in request.args if key.startswith("_search") and key != "_searchmode"
        }
        context = {"supports_search": bool(fts_table)}
        if not (fts_table and searches):
            return FilterArguments([], extra_context=context)
        raw = request.args.get("_searchmode", metadata.get("searchmode")) == "raw"
        fts_pk = escape_sqlite(request.args.get("_fts_pk", metadata.get("fts_pk", "rowid")))
        chosen = {"_search": searches["_search"]} if "_search" in searches else searches
        clauses, params, said = [], {}, []
        for index, (key, text) in enumerate(chosen.items()):
            column = fts_table if key == "_search" else key.split("_search_", 1)[1]
            if key != "_search" and column not in await db.table_columns(fts_table):
                raise BadRequest("Cannot search by that column")
            param = f"search_{index}"
            match = f":{param}" if raw else f"escape_fts(:{param})"
            clauses.append(
                f"{fts_pk} in (select rowid from {escape_sqlite(fts_table)} where {escape_sqlite(column)} match {match}"
                f" order by rowid limit {SEARCH_CANDIDATES})"
            )
            params[param] = text
            what = "search" if key == "_search" else f'search column "{column}"'
            said.append(f'{what} matches "{text}" (reads at most the first {SEARCH_CANDIDATES:,} matches, by ID)')
            context["search"] = text
        return FilterArguments(clauses, params, said, context)

    return inner


def read_first_matches_only() -> None:
    """Datasette's own search filter out (`first_matches` is it, bounded); its `?_where=` and
    `?_through=` filters stay."""
    from types import ModuleType

    from datasette import filters
    from datasette.plugins import pm

    if pm.get_plugin("datasette.filters") is not None:
        pm.unregister(name="datasette.filters")
        kept = ModuleType("datasette.filters.kept")
        kept.where_filters, kept.through_filters = filters.where_filters, filters.through_filters  # type: ignore[attr-defined]
        pm.register(kept, name=kept.__name__)


@hookimpl
def handle_exception(datasette, request, exception):
    retired = retired_row(datasette, request, exception)
    return retired or hardening.client_error_response(datasette, request, exception)


def retired_row(datasette, request, exception):
    """For a row page that is not found (404) because its ID was retired: a function that answers
    "retired on DATE: REASON", with a 301 to the replacement where there is one; else None."""
    from datasette.utils.asgi import NotFound as RowNotFound

    variables = getattr(request, "url_vars", None) or {}
    table = variables.get("table")
    if not isinstance(exception, RowNotFound) or variables.get("database") != DATABASE or table not in ID_TABLES:
        return None
    key = tilde_decode(variables.get("pks") or "")

    async def answer():
        found = await datasette.get_database(DATABASE).execute(
            "SELECT retired_on, reason, replaced_by, notes FROM retired_ids WHERE table_name = :table AND id = :key",
            {"table": table, "key": key},
        )
        if not found.rows:  # not retired: the usual answer to a row that is not there
            return await await_me_maybe(hardening.client_error_response(datasette, request, exception))
        row = dict(found.rows[0])
        json_wanted = variables.get("format") == "json"
        replacement = (
            datasette.urls.row(DATABASE, table, row["replaced_by"]) + (".json" if json_wanted else "")
            if row["replaced_by"]
            else None
        )
        status, headers = (301, {"Location": replacement}) if replacement else (410, {})
        facts = {"table": table, "id": key, "retired": True, **row, "replaced_by_url": replacement}
        facts["address"] = stable_address(table, key).urn
        if json_wanted:
            return Response.json(facts, status=status, headers=headers)
        html = await datasette.render_template(
            "claims_retired.html", {"retired": facts, "database": DATABASE}, request=request
        )
        return Response.html(html, status=status, headers=headers)

    return answer


@hookimpl
def extra_css_urls(datasette):
    stamp = int(max(path.stat().st_mtime for path in STATIC_DIR.glob("*.css")))
    return [datasette.urls.path(f"/-/claims-static/claims.css?{stamp}")]


async def static_file(request):
    """A file of publish/static/ (the stylesheet); nothing else is served from there."""
    name = request.url_vars["name"]
    path = STATIC_DIR / name
    if not path.is_file() or path.parent != STATIC_DIR:
        raise NotFound(f"no static file {name}")
    return Response(
        path.read_text(encoding="utf-8"),
        content_type="text/css; charset=utf-8",
        headers={"Cache-Control": "max-age=3600"},
    )


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """yes/no for booleans; a statement's text in a query's results as render_statement renders it;
    a mention's entity_id as a link to the row it names, with its name."""
    if database != DATABASE:
        return None
    # a query's row is an sqlite3.Row, whose `in` looks at its values: its column names are keys()
    named = set(row.keys()) if table is None and column == "text" and isinstance(value, str) else set()
    if "statement_type" in named and row["statement_type"] in STATEMENT_TYPES:
        words = render_statement(row["statement_type"], value)
        key = f' data-statement="{escape(str(row["statement_id"]))}"' if "statement_id" in named else ""
        return Markup(f'<span class="claims-statement"{key}>{escape(words.line)}</span>')
    if (table, column) in BOOLEAN_COLUMNS and value in (0, 1):
        return "yes" if value else "no"
    if table not in TABLES_BY_NAME and column in KEY_TABLES and isinstance(value, str) and value:
        # str(): Datasette's URL string looks up dir(str) on every method call, and escaping calls
        # five; on a canned query's 2,000 rows that was most of the page's time
        return Markup(
            f'<a href="{escape(str(datasette.urls.row(DATABASE, KEY_TABLES[column], value)))}">{escape(value)}</a>'
        )
    if table == "statement_mentions" and column == "entity_id" and row["entity_type"] in MENTION_TARGETS:
        target, key = MENTION_TARGETS[row["entity_type"]]
        label_column = TABLES_BY_NAME[target].meta.label_column

        async def linked():
            found = await datasette.get_database(DATABASE).execute(
                f"SELECT {label_column} FROM {target} WHERE {key} = ?", [value]
            )
            label = found.rows[0][0] if found.rows else value
            href = str(datasette.urls.row(DATABASE, target, value))
            return Markup(f'<a href="{escape(href)}">{escape(label)}</a> <em class="claims-id">{escape(value)}</em>')

        return linked
    return None


STATEMENT_TYPES = {kind.value for kind in StatementType}


def _database_file(datasette) -> Path:
    return Path(datasette.get_database(DATABASE).path)


async def served_version(datasette) -> DataVersion:
    """The version of the served data: the `dataset_version` row `claims build` wrote into the
    database; for a database built without one, the project's data as it is now."""
    database = _database_file(datasette)
    key = (database, database.stat().st_mtime)
    if key not in _SERVED_VERSIONS:
        db = datasette.get_database(DATABASE)
        if await db.table_exists(VERSION_TABLE):
            row = (await db.execute(f"SELECT * FROM {VERSION_TABLE}")).rows[0]
            _SERVED_VERSIONS[key] = DataVersion.from_row(dict(row))
        else:
            _SERVED_VERSIONS[key] = data_version(project.current())
    return _SERVED_VERSIONS[key]


_SERVED_VERSIONS: dict[tuple[Path, float], DataVersion] = {}


async def download(request, datasette):
    """The CSV tables or the Parquet files of the served build, as one zip each."""
    name, database = request.url_vars["name"], _database_file(datasette)
    folder = database.parent / "parquet"
    version = await served_version(datasette)
    # made in a thread (once per file, then cached): the server goes on answering meanwhile
    if name == downloads.csv_name(version):
        body = await asyncio.to_thread(downloads.served_csv_zip, database, database.stat().st_mtime, version)
    elif name == downloads.parquet_name(version) and folder.is_dir():
        body = await asyncio.to_thread(downloads.parquet_zip, folder, folder.stat().st_mtime)
    else:
        body = None
    if body is None:
        raise NotFound(f"no download {name}")
    return Response(
        body, content_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


async def home_facts(datasette, request) -> dict:
    """What the home page says: which data this is, how big (as `claims validate` counts it, the
    data apart from the ID history), the downloads, the citation and where to start."""
    db = datasette.get_database(DATABASE)
    # the build's inspect file counted the rows once; counting again would scan millions of rows per view
    counted = ((datasette.inspect_data or {}).get(DATABASE) or {}).get("tables", {})
    rows = {}
    for model in TABLES:
        name = model.meta.name
        rows[name] = (
            counted[name]["count"]
            if "count" in counted.get(name, {})
            else (await db.execute(f"SELECT count(*) FROM {name}")).rows[0][0]
        )
    folder = _database_file(datasette).parent / "parquet"
    version = await served_version(datasette)
    canned = canned_queries()
    data = {name: count for name, count in rows.items() if name not in HISTORY_TABLES}
    return {
        "claims_home": {
            "description": PACKAGE_META["description"],
            "version": version,
            "tables": len(data),
            "rows": sum(data.values()),
            "history": {name: rows[name] for name in HISTORY_TABLES if name in rows},
            "statements": rows["statements"],
            "speakers": await speakers(datasette),
            "actors": rows["actors"],
            "events": rows["events"],
            "sources": rows["sources"],
            "csv_zip": datasette.urls.path(f"/-/download/{downloads.csv_name(version)}"),
            "parquet_zip": datasette.urls.path(f"/-/download/{downloads.parquet_name(version)}")
            if folder.is_dir()
            else None,
            "sqlite": datasette.urls.path(f"/{DATABASE}.db"),
            "address": dataset_address(),
            "cite_plain": dataset_plain(version),
            "cite_bibtex": dataset_bibtex(version),
            # each research question opens with the values of its `-- example:` header, so one click shows rows
            "research": [
                (
                    name,
                    canned[name]["title"],
                    canned[name]["description"],
                    urlencode(example_values(sql_file(EXAMPLES_DIR / f"{name}.sql")[0])),
                )
                for name in example_queries()
            ],
            "tools": [(path.stem, canned[path.stem]["title"]) for path in sorted(CANNED_DIR.glob("*.sql"))],
        }
    }


async def speakers(datasette) -> int:
    """How many actors speak (once per served database: it never changes)."""
    database = _database_file(datasette)
    key = (database, database.stat().st_mtime)
    if key not in _SPEAKERS:
        found = await datasette.get_database(DATABASE).execute("SELECT count(DISTINCT speaker_id) FROM statements")
        _SPEAKERS[key] = found.rows[0][0]
    return _SPEAKERS[key]


_SPEAKERS: dict[tuple[Path, float], int] = {}


async def dictionary_page(datasette, request):
    """The data dictionary (claims.dictionary), the same words as docs/data-dictionary.md."""
    html = await datasette.render_template(
        "claims_dictionary.html",
        {
            "tables": dictionary.tables(),
            "vocabularies": dictionary.vocabularies(),
            "conventions": dictionary.CONVENTIONS,
            "database": DATABASE,
        },
        request=request,
    )
    return Response.html(html)


PAGED = paged_queries()
# The parameters of each canned query that take a date or an actor's name (claims.publish).
PARAMETER_KINDS = {name: parameter_kinds(query["sql"]) for name, query in canned_queries().items()}
REFUSED_DATES = {name: set(DATE_READ.findall(query["sql"])) for name, query in canned_queries().items()}
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SUGGESTIONS_READ = 20_000  # names a did-you-mean compares, at most (a large build has thousands of actors)


class UnreadableParameter(sqlite3.OperationalError):
    """A parameter a canned query cannot use; Datasette answers 400 with the message, on the query's page."""


def unreadable_date(name: str, value: str) -> str | None:
    """Why `value` of the date parameter `name` cannot be used, or None (an ISO day, or empty for no bound)."""
    value = value.strip()
    if value == "":
        return None
    if ISO_DAY.fullmatch(value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            return f"{name}: {value!r} is not a day of the calendar: use YYYY-MM-DD, e.g. 2025-10-14"
    return f"{name}: {value!r} is not a date this query can read: use YYYY-MM-DD, e.g. 2025-10-14"


def date_parameter(key: str, request) -> str:
    """The `date` magic parameter: `:_date_start` is the request's `start`, an ISO day or '' (no
    bound); anything else stops the query with a message saying how to write it."""
    value = request.args.get(key) or ""
    why = unreadable_date(key, value)
    if why:
        raise UnreadableParameter(why)
    return value.strip()


@hookimpl
def register_magic_parameters(datasette):
    return [("date", date_parameter)]


def unknown_name(name: str, value: str, known: list[str]) -> str:
    """What the page says when no actor is named `value`: the closest names, if any are close."""
    close = difflib.get_close_matches(value.strip(), known, n=3, cutoff=0.6) or difflib.get_close_matches(
        value.strip().lower(), [k.lower() for k in known], n=3, cutoff=0.6
    )
    shown = [next((k for k in known if k.lower() == c.lower()), c) for c in close]
    hint = f" — did you mean {' or '.join(shown)}?" if shown else " (names, aliases and IDs are looked up, in any case)"
    return f"{name}: no actor is named {value.strip()!r}{hint}"


async def parameter_notes(datasette, query: str, args) -> list[str]:
    """For a canned query's page: each parameter that matches nothing — an actor's name no actor
    has (with the closest names), a date it cannot read (how to write it), a statement to page on
    from that is not one."""
    db = datasette.get_database(DATABASE)
    notes = []
    after = (args.get(PAGE_AFTER) or "") if query in PAGED else ""
    if after and not (await db.execute(f"SELECT 1 FROM statements WHERE {PAGE_KEY} = ? LIMIT 1", [after])).rows:
        notes.append(
            f"{PAGE_AFTER}: no statement has the ID {after!r}: give the last {PAGE_KEY} of the page before "
            "(the Next page link does it), or leave it empty for the first page"
        )
    for name, kind in PARAMETER_KINDS.get(query, {}).items():
        value = args.get(name) or ""
        if not value.strip():
            continue
        if kind == "date":
            # a date the query reads itself (`:_date_X`) is refused with its error; one compared as text is said here
            why = None if name in REFUSED_DATES[query] else unreadable_date(name, value)
            notes += [why] if why else []
            continue
        found = await db.execute("SELECT 1 FROM actor_names WHERE key = lower(trim(?)) LIMIT 1", [value])
        if found.rows:
            continue
        rows = await db.execute(f"SELECT name, aliases FROM actors LIMIT {SUGGESTIONS_READ}")
        known = [n for row in rows.rows for n in [row["name"], *((row["aliases"] or "").split("|"))] if n]
        notes.append(unknown_name(name, value, known))
    return notes


# A canned query's answer in JSON or CSV: /claims/QUERY.json, /claims/QUERY.csv
DATA_ANSWER = re.compile(rf"/{DATABASE}/(?P<query>[^/]+)\.(?P<format>json|csv)$")
NOTES_HEADER = "claims-parameter-notes"


@hookimpl(specname="asgi_wrapper")
def parameter_notes_in_data(datasette):
    """A canned query's JSON and CSV say what its page says about parameters that match nothing:
    the notes in the header `claims-parameter-notes` (a JSON list), and in a JSON object beside
    its rows (`parameter_notes`), so that a client is not left with an empty answer and no word."""

    def wrap(app):
        async def wrapped(scope, receive, send):
            found = DATA_ANSWER.search(scope.get("path", "")) if scope.get("type") == "http" else None
            if found is None or found["query"] not in PARAMETER_KINDS:
                return await app(scope, receive, send)
            args = dict(parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True))
            notes = await parameter_notes(datasette, found["query"], args)
            if not notes:
                return await app(scope, receive, send)
            await app(scope, receive, _with_notes(send, notes, found["format"] == "json"))

        return wrapped

    return wrap


def _with_notes(send, notes: list[str], into_json: bool):
    """`send` with `notes` added to the response: a header; and a key of a JSON object body (read
    whole: a query's JSON is bounded; a CSV, which may stream, passes through as it comes)."""
    header = (NOTES_HEADER.encode(), json.dumps(notes).encode())
    started: dict = {}
    body: list[bytes] = []

    async def sending(message):
        if message["type"] == "http.response.start":
            if not into_json:
                return await send({**message, "headers": [*message.get("headers", []), header]})
            started.update(message)
            return
        if message["type"] != "http.response.body" or not started:
            return await send(message)
        body.append(message.get("body", b""))
        if message.get("more_body"):
            return
        data = b"".join(body)
        try:
            answer = json.loads(data) if 200 <= started["status"] < 300 else None
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            data = json.dumps({**answer, "parameter_notes": notes}, ensure_ascii=False).encode("utf-8")
        headers = [(name, value) for name, value in started.get("headers", []) if name.lower() != b"content-length"]
        await send({**started, "headers": [*headers, (b"content-length", str(len(data)).encode()), header]})
        await send({"type": "http.response.body", "body": data})

    return sending


def next_page_url(path: str, query_string: str, page_size: int, rows) -> str | None:
    """The link to a paged canned query's next page: the same parameters, with `after` set to the
    last statement shown; None when the page holds fewer statements than a full page."""
    shown = list(dict.fromkeys(row[PAGE_KEY] for row in rows))
    if len(shown) < page_size:
        return None
    kept = [(name, value) for name, value in parse_qsl(query_string, keep_blank_values=True) if name != PAGE_AFTER]
    return f"{path}?{urlencode([*kept, (PAGE_AFTER, shown[-1])])}"


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    """The card of a statement, event, actor or source for its row page; the home page's facts;
    the next page's link of a paged canned query (publish/templates/query-claims.html)."""
    if view_name == "index" and request is not None:
        return lambda: home_facts(datasette, request)
    query = (request.url_vars.get("table") if request is not None else None) or ""
    if database == DATABASE and query in PARAMETER_KINDS and request is not None:

        async def query_page():
            found = {"claims_parameter_notes": await parameter_notes(datasette, query, request.args)}
            if query in PAGED:
                found["claims_next_page"] = lambda rows: next_page_url(
                    request.path, request.query_string, PAGED[query], rows
                )
            return found

        return query_page
    if view_name == "table" and database == DATABASE and table in READING_ORDER:
        return {"claims_reading_order": READING_ORDER[table]}
    if view_name != "row" or database != DATABASE or table not in CARDS or request is None:
        return {}

    async def card():
        key = tilde_decode(request.url_vars["pks"])
        version = await served_version(datasette)
        return {"card": await CARDS[table](datasette.get_database(DATABASE), key, version)}

    return card
