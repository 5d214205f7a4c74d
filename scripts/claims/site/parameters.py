"""The parameters of the canned queries, checked: a date read as `:_date_X` is refused (400, with
how to write it) unless it is an ISO day; an actor's name no actor has, or a date a research question
cannot read, is said on the page with the closest names, and in the query's JSON and CSV; a paged
query links to its next page."""

from __future__ import annotations

import difflib
import json
import re
import sqlite3
from datetime import date
from functools import cache
from urllib.parse import parse_qsl, urlencode

from claims.project import DATABASE
from claims.site import metadata
from claims.site.metadata import DATE_READ, PAGE_AFTER, PAGE_KEY, canned_queries, parameter_kinds

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SUGGESTIONS_READ = 20_000  # names a did-you-mean compares, at most (a large build has thousands of actors)


# Read from the query files when first asked, not at import: importing the plugin reads no file.
@cache
def page_sizes() -> dict[str, int]:
    """The canned queries shown a page at a time, and their page size in statements."""
    return metadata.paged_queries()


@cache
def canned_parameter_kinds() -> dict[str, dict[str, str]]:
    """The parameters of each canned query that take a date or an actor's name (claims.site.metadata)."""
    return {name: parameter_kinds(query["sql"]) for name, query in canned_queries().items()}


@cache
def refused_dates() -> dict[str, set[str]]:
    """Each canned query's date parameters it reads itself (`:_date_X`): refused with their error."""
    return {name: set(DATE_READ.findall(query["sql"])) for name, query in canned_queries().items()}


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
    after = (args.get(PAGE_AFTER) or "") if query in page_sizes() else ""
    if after and not (await db.execute(f"SELECT 1 FROM statements WHERE {PAGE_KEY} = ? LIMIT 1", [after])).rows:
        notes.append(
            f"{PAGE_AFTER}: no statement has the ID {after!r}: give the last {PAGE_KEY} of the page before "
            "(the Next page link does it), or leave it empty for the first page"
        )
    for name, kind in canned_parameter_kinds().get(query, {}).items():
        value = args.get(name) or ""
        if not value.strip():
            continue
        if kind == "date":
            # a date the query reads itself (`:_date_X`) is refused with its error; one compared as text is said here
            why = None if name in refused_dates()[query] else unreadable_date(name, value)
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


def parameter_notes_in_data(datasette):
    """A canned query's JSON and CSV say what its page says about parameters that match nothing:
    the notes in the header `claims-parameter-notes` (a JSON list), and in a JSON object beside
    its rows (`parameter_notes`), so that a client is not left with an empty answer and no word."""

    def wrap(app):
        async def wrapped(scope, receive, send):
            found = DATA_ANSWER.search(scope.get("path", "")) if scope.get("type") == "http" else None
            if found is None or found["query"] not in canned_parameter_kinds():
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


async def query_page_vars(datasette, query: str, request) -> dict:
    """What a canned query's page shows beside its rows: the notes on its parameters, and for a
    paged query the link to its next page (site/templates/query-claims.html)."""
    found: dict = {"claims_parameter_notes": await parameter_notes(datasette, query, request.args)}
    page_size = page_sizes().get(query)
    if page_size:
        found["claims_next_page"] = lambda rows: next_page_url(request.path, request.query_string, page_size, rows)
    return found
