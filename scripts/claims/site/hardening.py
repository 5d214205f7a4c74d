"""Hardening of the public Datasette instance: bounded requests and security headers.

Datasette stops a query after `sql_time_limit_ms` by looking at the clock from a progress handler
every 1,000 SQLite instructions, but an instruction can be huge: `printf('%.*c', 300000000, 'x')`
or `randomblob(400000000)` runs for seconds and allocates gigabytes inside one, `replace()` over a
long string takes a millisecond each time; and a result of many large cells is held in memory
before it is encoded. This module bounds both, on every connection Datasette opens (the plugin's
`prepare_connection` hook):

- SQLite limits (`Connection.setlimit`): no string or blob longer than MAX_VALUE_BYTES, no SQL
  text longer than MAX_SQL_BYTES, no ATTACH, small expression depth, compound selects, function
  arguments, LIKE patterns and bound variables;
- an authorizer that denies the functions a reader never needs (DENIED_FUNCTIONS: the FTS3
  tokenizer pointer, random and zero blobs, extension loading) and hides the file column of
  `pragma_database_list` (the server's absolute path);
- `printf`/`format` replaced by a wrapper that refuses a width or precision above
  MAX_PRINTF_WIDTH and otherwise calls SQLite's own printf;
- a row factory that stops a query whose rows, as a response writes them (escaped, with the
  column names on every row), exceed MAX_RESULT_BYTES;
- the time limit kept by a watchdog thread that interrupts a query at its deadline (`time_limit`):
  precise whatever each instruction costs, and no Python call between instructions;
- full-text search bounded: FTS5 holds an iterator for every word of a query, so a search of
  15,000 words made the server grow by hundreds of megabytes. A search box (`?_search=`, and the
  canned queries' parameters that go through `escape_fts`) takes at most MAX_SEARCH_WORDS words as
  the index's tokenizer reads them, refused with 400 before any SQL runs (`refused_request`), and
  `escape_fts` itself refuses more; so does every parameter of SQL that names a full-text index; a
  blank search (spaces, a lone quote) is a phrase of no words, which matches nothing, instead of
  FTS5's syntax error;
- SQLite's heap bounded for the whole process (`PRAGMA hard_heap_limit`, MAX_SQLITE_HEAP_MB): a
  query that needs more (a MATCH of thousands of terms built in SQL of a reader's own) fails with
  SQLITE_NOMEM, answered 400; and the memory a query freed is given back to the system after the
  response (glibc keeps it in each SQL thread's arena otherwise, so the server never shrank);
- the SQL threads shared by kind of request (`SqlThreads`): SQL of the client's own making holds
  at most all of them but one, whoever sends it, and a query of the other pages that runs out of
  the shared heap while such SQL runs is run again alone.

Errors raised here are `sqlite3.OperationalError`, which Datasette answers with 400.

The ASGI wrapper (`asgi_wrapper` hook) adds a Content-Security-Policy, framing protection,
`nosniff` and a referrer policy to every response, removes the server's folder from
`/-/databases.json`, and refuses before Datasette runs them the requests `refused_request` names
(methods the read-only site does not answer, too many words, unreadable or too many facets, links
that would repeat a long query string past MAX_LINK_BYTES). `handle_exception` answers a request's
own errors with a 4xx page without printing a traceback, and turns Datasette's "Cannot sort table
by …", unreadable filter parameters, values SQLite cannot bind, a query past the time limit or
SQLite's heap, and `?_nocol=` of the sort column (500s in Datasette 0.65) into 400s; a CSV export
of a query that fails is a 400 too (`answer_csv_errors`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import contextvars
import ctypes
import ctypes.util
import hashlib
import itertools
import json
import os
import re
import sqlite3
import threading
import time
import weakref
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from markupsafe import escape

from claims.schema.presentation import FTS_TOKENIZER

# Each bound is written once here; the README quotes them and tests/test_hardening.py checks them.
MAX_VALUE_BYTES = 250_000  # longest string or blob a query may make (the longest stored text is < 1 kB)
MAX_SQL_BYTES = 100_000
MAX_RESULT_BYTES = 10_000_000  # one query's rows as a response writes them (budgeted_rows)
MAX_PRINTF_WIDTH = 1_000
MAX_SEARCH_WORDS = 64  # a search box's words; each costs FTS5 tens of kilobytes on a large build
MAX_SQLITE_HEAP_MB = 64  # SQLite's memory in the whole server (ordinary pages use a few MB)
# The server's peak resident memory under hostile and ordinary requests (at rest about 90 MB; the
# soak, with results near the budget of bytes written, peaks under 200 MB).
MAX_SERVER_RSS_MB = 300
SQL_LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: MAX_SQL_BYTES,
    sqlite3.SQLITE_LIMIT_COLUMN: 64,  # the widest view has 29 columns
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_VDBE_OP: 50_000,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 64,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1_000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 10,
    sqlite3.SQLITE_LIMIT_WORKER_THREADS: 0,
}
DENIED_FUNCTIONS = frozenset(
    {"fts3_tokenizer", "randomblob", "zeroblob", "load_extension", "readfile", "writefile", "edit", "fts5_source_id"}
)
# Datasette's own bookkeeping database is left alone: it is not reachable by readers' SQL.
UNGUARDED_DATABASES = {"_internal"}

# printf conversion: %[flags][width][.precision][length]type (https://sqlite.org/printf.html)
PRINTF_SPEC = re.compile(r"%([-+ 0#!,]*)(\*|\d+)?(?:\.(\*|\d+))?(?:ll|l)?([a-zA-Z%])")


class TooBig(sqlite3.OperationalError):
    """A request asked for more than a stated bound; Datasette answers 400."""


def harden_connection(conn: sqlite3.Connection, database: str) -> None:
    """Apply every bound of this module to one of Datasette's connections."""
    if database in UNGUARDED_DATABASES:
        return
    for limit, value in SQL_LIMITS.items():
        conn.setlimit(limit, value)
    conn.set_authorizer(_authorize)
    printf = bounded_printf()
    conn.create_function("printf", -1, printf, deterministic=True)
    conn.create_function("format", -1, printf, deterministic=True)
    conn.create_function("escape_fts", 1, bounded_escape_fts, deterministic=True)
    conn.execute(f"PRAGMA hard_heap_limit = {MAX_SQLITE_HEAP_MB << 20}")
    conn.row_factory = budgeted_rows(conn.row_factory or sqlite3.Row)


def _authorize(action, arg1, arg2, _database, _trigger):
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_READ and arg1 == "pragma_database_list" and arg2 == "file":
        return sqlite3.SQLITE_IGNORE  # reads as NULL: the server's folder is nobody's business
    return sqlite3.SQLITE_OK


# the numeric prefix SQLite reads from a text argument ("300000000abc" is 300000000)
NUMERIC_PREFIX = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _as_number(value) -> int:
    """A printf argument as SQLite takes it for `*`: numbers as they are, text by its numeric prefix."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        match = NUMERIC_PREFIX.match(value)
        value = float(match.group()) if match else 0
    try:
        return int(min(max(float(value or 0), -1e18), 1e18))
    except (TypeError, ValueError, OverflowError):
        return 0


def _as_text(value) -> str | None:
    """The format argument as SQLite reads it (a blob or a number is formatted by its text)."""
    if value is None:
        return None
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def printf_widths(fmt: str, args: tuple) -> list[int]:
    """Every width and precision `fmt` asks for, literal or taken from `args` by `*`."""
    widths, position = [], 0
    for match in PRINTF_SPEC.finditer(fmt):
        _flags, width, precision, kind = match.groups()
        if kind == "%":
            continue
        for part in (width, precision):
            if part == "*":
                widths.append(abs(_as_number(args[position] if position < len(args) else 0)))
                position += 1
            elif part:
                widths.append(int(part))
        position += 1
    return widths


def bounded_printf():
    """SQLite's printf, refusing widths or precisions above MAX_PRINTF_WIDTH (one such call can
    otherwise run for seconds inside one step, out of reach of the time limit)."""
    plain = sqlite3.connect(":memory:", check_same_thread=False)
    plain.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)

    def printf(*args):
        if not args:
            return None
        fmt = _as_text(args[0])
        if fmt is not None and any(width > MAX_PRINTF_WIDTH for width in printf_widths(fmt, args[1:])):
            raise TooBig(f"printf width or precision above {MAX_PRINTF_WIDTH}")
        marks = ", ".join("?" * len(args))
        return plain.execute(f"SELECT printf({marks})", args).fetchone()[0]

    return printf


# A word of ASCII text as FTS5's unicode61 tokenizer reads one: a run of letters and digits.
ASCII_WORD = re.compile(r"[^\W_]+")


class WordCounter(threading.local):
    """Counts the words of a text as the full-text indexes' tokenizer reads them, with that
    tokenizer (an index in memory, one per thread): outside ASCII, FTS5 (whose tables are of
    Unicode 6.1) reads words in private-use characters, in characters assigned since and in marks,
    which no regular expression of Python's Unicode tables can say."""

    def __init__(self):
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self.conn.execute(f"CREATE VIRTUAL TABLE words USING fts5(text, tokenize='{FTS_TOKENIZER}')")
        self.conn.execute("CREATE VIRTUAL TABLE counted USING fts5vocab(words, 'instance')")

    def count(self, text: str) -> int:
        if text.isascii():
            return len(ASCII_WORD.findall(text))
        self.conn.execute("BEGIN")
        try:
            self.conn.execute("INSERT INTO words (text) VALUES (?)", [text])
            return self.conn.execute("SELECT count(*) FROM counted").fetchone()[0]
        finally:
            self.conn.execute("ROLLBACK")


WORDS = WordCounter()


def search_problem(text: str) -> str | None:
    """Why a search box's text is refused (too many words), or None."""
    words = WORDS.count(text)
    if words > MAX_SEARCH_WORDS:
        return f"a search takes at most {MAX_SEARCH_WORDS} words, and this one has {words:,}: keep the words that tell"
    return None


def bounded_escape_fts(query) -> str:
    """Datasette's escape_fts (each word quoted, so that FTS5 reads no operator), refusing more than
    MAX_SEARCH_WORDS words; a search of no words is the empty phrase `""`, which matches nothing."""
    from datasette.utils import escape_fts

    text = (_as_text(query) or "").replace("\x00", "")  # SQLite ends a string at NUL: no text holds one
    problem = search_problem(text)
    if problem:
        raise TooBig(problem)
    return escape_fts(text) or '""'


def written_bytes(value) -> int:
    """The bytes `value` takes at most in a response: JSON escapes every character outside ASCII
    (six bytes, twelve outside the BMP), HTML escapes & < > " ' (up to five), a blob is base64."""
    if isinstance(value, str):
        return max(len(encode_basestring_ascii(value)), len(escape(value)))
    if isinstance(value, bytes):
        return len(value) * 4 // 3 + 40
    return 24  # a number (its longest repr) or null


def budgeted_rows(make_row):
    """A row factory that stops a query once its rows, as a response writes them, exceed
    MAX_RESULT_BYTES: each cell's value escaped, and its column's name (JSON's objects and HTML's
    cells repeat it on every row)."""
    state: dict[str, Any] = {"cursor": None, "used": 0, "names": 0}

    def factory(cursor, row):
        if state["cursor"] is None or state["cursor"]() is not cursor:
            names = sum(written_bytes(column[0]) + 4 for column in cursor.description or ())
            state.update(cursor=weakref.ref(cursor), used=0, names=names)
        state["used"] += state["names"] + sum(map(written_bytes, row))
        if state["used"] > MAX_RESULT_BYTES:
            raise TooBig(
                f"the result is larger than {MAX_RESULT_BYTES:,} bytes as written (escaped, with the column names "
                "on every row): ask for fewer rows or columns, or shorter names"
            )
        return make_row(cursor, row)

    return factory


# --- HTTP --------------------------------------------------------------------------------------


def _script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def datasette_inline_scripts() -> list[str]:
    """The inline scripts Datasette 0.65's own pages carry, read from its templates (so that an
    upgrade that changes them fails the browser tests, not silently the pages)."""
    import datasette

    templates = Path(datasette.__file__).parent / "templates"
    scripts = []
    for name in ("_codemirror_foot.html", "_close_open_menus.html"):
        scripts += re.findall(r"<script>(.*?)</script>", (templates / name).read_text(encoding="utf-8"), re.S)
    # table.html: <script>DATASETTE_ALLOW_FACET = {{ datasette_allow_facet }};</script>
    scripts += [f"DATASETTE_ALLOW_FACET = {value};" for value in ("true", "false")]
    # the "SQL Interrupted" error page (datasette/views/base.py) sizes its textarea
    scripts.append('\nlet ta = document.querySelector("textarea");\nta.style.height = ta.scrollHeight + "px";\n')
    return scripts


def content_security_policy() -> str:
    """Scripts: same origin and the hashes of Datasette's own inline scripts, nothing else (no
    'unsafe-inline', so injected markup cannot run). Styles: same origin plus inline, because
    Datasette's pages and the chart template use style attributes; a style cannot run code."""
    hashes = " ".join(sorted({_script_hash(script) for script in datasette_inline_scripts()}))
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {hashes}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers() -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy().encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


# Pages that name the database file: the server's folder is cut out of them.
PATH_PAGES = {"/-/databases", "/-/databases.json"}


SEARCH_ARGUMENT = "_search"  # a table's search box, and _search_COLUMN
READING_METHODS = {"GET", "HEAD", "OPTIONS"}
# POST is Datasette's for its own forms (sign-out, messages); no page of the site takes another method.
ANSWERED_METHODS = READING_METHODS | {"POST"}
# The facet parameters of Datasette's facet classes (column, date, array); `_facet_size` is not one.
FACET_ARGUMENTS = {"_facet", "_facet_date", "_facet_array"}
MAX_FACETS = 10  # facets one request asks for, beside the table's own (each is a query)
# A table page repeats its query string into each of its links: a sort link per column, a link per
# facet value, the next page. A request whose links could add up to more is refused.
MAX_LINK_BYTES = 8_000_000
PAGE_LINKS = 2 * 64 + 20  # two sort links per column (at most 64 columns), and the page's own
# SQL that names a full-text index (statements_fts…) can hand any of its parameters to MATCH, or to
# the index's `=` and table-valued forms: each parameter is held to the search box's bound.
FULL_TEXT_TABLE = re.compile(r"_fts\b", re.I)
# Whether a request runs SQL of the client's own making (SqlThreads): the SQL pages, a facet asked
# for, a ?_where= fragment, FTS5's own syntax. Set for each request by the ASGI wrapper.
OWN_SQL: contextvars.ContextVar[bool] = contextvars.ContextVar("claims_own_sql", default=False)


def runs_own_sql(arguments: list[tuple[str, str]]) -> bool:
    """Whether a request with these query-string arguments runs SQL of the client's own making."""
    return any(
        name in ("sql", "_where") or name in FACET_ARGUMENTS or (name, value) == ("_searchmode", "raw")
        for name, value in arguments
    )


def facet_problem(name: str, value: str) -> str | None:
    """Why a facet parameter cannot be read: it is a column's name or {"column": NAME} (also
    {"simple": NAME}), as Datasette reads it."""
    if not value.startswith("{"):
        return None
    try:
        config = json.loads(value)
    except (ValueError, RecursionError):
        config = None
    column = (config.get("column") or config.get("simple")) if isinstance(config, dict) else None
    if isinstance(column, str) and column:
        return None
    return f'?{name}= takes a column\'s name or {{"column": "NAME"}}, not {value[:80]!r}'


def facet_size(datasette, arguments: dict[str, str]) -> int:
    """How many values each facet may show (`?_facet_size=`, as Datasette reads it)."""
    most = datasette.setting("max_returned_rows")
    asked = arguments.get("_facet_size", "")
    if asked == "max":
        return most
    return min(int(asked) if asked.isdigit() else datasette.setting("default_facet_size"), most)


def refused_request(
    scope, arguments: list[tuple[str, str]], datasette, searches: dict[str, set[str]]
) -> tuple[int, str] | None:
    """(status, why) for a request refused before Datasette runs it, or None: a method the site
    does not answer; a search box with too many words, or a parameter of SQL that reads a
    full-text index; facets that cannot be read or are too many; a `?_timelimit=` that is not a
    number; a table page whose links would repeat its query string past MAX_LINK_BYTES.
    `arguments` are the query string's; `searches` names, for each canned query, its parameters
    that are searched."""
    method, path = scope.get("method"), scope.get("path", "")
    parts = path.strip("/").split("/")
    if method not in ANSWERED_METHODS or (method not in READING_METHODS and parts[0] in datasette.databases):
        # the database is immutable and no canned query writes (Datasette 0.65 answered 500)
        return 405, f"{method} is not answered here: the site is read-only, read it with GET"
    query_string = scope.get("query_string", b"")
    page = parts[-1].split(".", 1)[0]
    searched = searches.get(page, set())
    sql = next((value for name, value in arguments if name == "sql"), "")
    reads_full_text = bool(FULL_TEXT_TABLE.search(sql))
    for name, value in arguments:
        if name in searched or name == SEARCH_ARGUMENT or name.startswith(SEARCH_ARGUMENT + "_"):
            problem = search_problem(value)
        elif reads_full_text and name != "sql" and not name.startswith("_"):
            problem = search_problem(value)
            problem = problem and f"{name}: {problem} (SQL that reads a full-text index may search for it)"
        elif name in FACET_ARGUMENTS:
            problem = facet_problem(name, value)
        elif name == "_timelimit" and not value.isdigit():
            problem = f"?_timelimit= takes a number of milliseconds, not {value[:80]!r}"
        else:
            problem = None
        if problem:
            return 400, problem
    facets = sum(name in FACET_ARGUMENTS for name, _value in arguments)
    if facets > MAX_FACETS:
        return 400, f"a page takes at most {MAX_FACETS} facets (?_facet=…), and this one asks for {facets:,}"
    if len(parts) == 2 and parts[0] in datasette.databases:  # a table's page (or a view's, or a query's)
        from datasette.utils import tilde_decode

        facets += len(datasette.table_metadata(parts[0], tilde_decode(page)).get("facets", []))
        links = facets * facet_size(datasette, dict(arguments)) + PAGE_LINKS
        if links * len(query_string) > MAX_LINK_BYTES:
            return 400, (
                f"this page would repeat its query string ({len(query_string):,} bytes) in up to {links:,} links: "
                "ask for fewer facets, a smaller _facet_size, or shorter parameters"
            )
    return None


# uvicorn's list of proxies whose X-Forwarded-For and X-Forwarded-Proto it trusts.
PROXIES_VARIABLE = "FORWARDED_ALLOW_IPS"


def trust_only_configured_proxies() -> None:
    """uvicorn takes a request's X-Forwarded-For for its client (in logs and for Datasette) when it
    comes from an address in $FORWARDED_ALLOW_IPS, by default 127.0.0.1: any local process could
    then name itself anyone. The site trusts no proxy unless its deployment names one (behind a
    reverse proxy: FORWARDED_ALLOW_IPS=the proxy's address). Called before uvicorn reads it."""
    os.environ.setdefault(PROXIES_VARIABLE, "")


def wrap_asgi(app, datasette, searches: dict[str, set[str]]):
    """ASGI middleware: security headers on every response; the served folders removed from the
    pages that show database paths; a request `refused_request` refuses answered before Datasette
    runs it; whether it runs SQL of its own noted for the SQL threads' share; freed memory given back."""
    headers = security_headers()
    ours = {name for name, _ in headers}

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        scrub = scope.get("path") in PATH_PAGES
        held = {}

        async def send_hardened(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
                message = {**message, "headers": kept + headers}
                if scrub:  # held back until the body is known, to fix its length
                    held["start"] = message
                    return
            elif message["type"] == "http.response.body" and scrub:
                held["body"] = held.get("body", b"") + message.get("body", b"")
                if message.get("more_body"):
                    return
                body = held["body"]
                for folder in database_folders(datasette):
                    body = body.replace(folder.encode(), b"").replace(folder.replace("/", "\\/").encode(), b"")
                start = held["start"]
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"] + [
                    (b"content-length", str(len(body)).encode())
                ]
                await send(start)
                message = {"type": "http.response.body", "body": body}
            await send(message)

        arguments = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        OWN_SQL.set(runs_own_sql(arguments))
        try:
            refused = refused_request(scope, arguments, datasette, searches)
            if refused is None:
                await app(scope, receive, send_hardened)
                return
            from datasette.utils.asgi import BadRequest, Request, Response

            status, problem = refused
            if status == 405:
                response = Response.text(problem, status=405, headers={"Allow": ", ".join(sorted(READING_METHODS))})
                await response.asgi_send(send_hardened)
                return
            render = client_error_response(datasette, Request(scope, receive), BadRequest(problem))
            await (await render()).asgi_send(send_hardened)
        finally:
            FREED_MEMORY.give_back()

    return wrapped


class FreedMemory:
    """Gives the memory a request freed back to the system. glibc keeps what a thread frees in
    that thread's arena for its next allocations; with three SQL threads, each large query left
    its peak behind in one of them, and the server never shrank. After a response, if the server
    has grown by GROWTH_MB since it last gave memory back, malloc_trim(0) returns the free pages of
    every arena (a few milliseconds). Where the C library has no malloc_trim (not glibc), nothing
    is done."""

    GROWTH_MB = 16

    def __init__(self):
        library = ctypes.util.find_library("c")
        self.trim = getattr(ctypes.CDLL(library), "malloc_trim", None) if library else None
        self.after_last: float | None = None  # resident MB after the last trim (or at the first request)

    def give_back(self) -> None:
        """Called by the event loop after each response (one thread: no lock needed)."""
        resident = resident_mb()
        if self.trim is None or resident is None:
            return
        if self.after_last is None:
            self.after_last = resident
        if resident >= self.after_last + self.GROWTH_MB:
            self.trim(0)
            self.after_last = resident_mb()


def resident_mb() -> float | None:
    """This process's resident memory now, in MB (None where /proc is not there)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * PAGE_BYTES / (1 << 20)


PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
FREED_MEMORY = FreedMemory()


class SqlThreads:
    """How Datasette's SQL threads are shared. Queries of the client's own making (OWN_SQL: the
    SQL pages, facets asked for…) hold at most all the threads but one between them, whoever sends
    them and from whatever address: the other queries (row pages, table pages, canned queries)
    always find a thread, whatever nine slow queries of anyone do. And SQLite's heap is shared: a
    query of those others that runs out of it while queries of the client's own making run is run
    again, once, alone with the others: no such query starts until it is done, and it starts when
    those running have finished (within the time limit)."""

    def __init__(self, threads: int):
        self.own_sql_slots = max(1, threads - 1)
        self.gate = asyncio.Condition()
        self.own_sql_running = 0
        self.own_sql_started = 0
        self.reserved = False  # a query runs again alone: no query of the client's own making starts
        self.alone = asyncio.Lock()

    async def run(self, own_sql: bool, query):
        """`query()` (a coroutine function) run under this sharing."""
        if own_sql:
            async with self.gate:
                await self.gate.wait_for(lambda: self.own_sql_running < self.own_sql_slots and not self.reserved)
                self.own_sql_running += 1
                self.own_sql_started += 1
            try:
                return await query()
            finally:
                async with self.gate:
                    self.own_sql_running -= 1
                    self.gate.notify_all()
        started, running = self.own_sql_started, self.own_sql_running
        try:
            return await query()
        except MemoryError:
            if not running and not self.own_sql_running and started == self.own_sql_started:
                raise  # nothing else used the heap meanwhile: the query itself is too large
        async with self.alone:
            try:
                async with self.gate:
                    self.reserved = True
                    await self.gate.wait_for(lambda: not self.own_sql_running)
                return await query()
            finally:
                async with self.gate:
                    self.reserved = False
                    self.gate.notify_all()


def share_sql_threads(datasette) -> None:
    """Every query Datasette runs in its SQL threads is shared as SqlThreads says, by whether the
    request it answers runs SQL of its own (OWN_SQL)."""
    from datasette.database import Database

    threads = datasette.setting("num_sql_threads")
    if not threads or getattr(Database.execute_fn, "shared", False):
        return
    sharing = SqlThreads(threads)
    run = Database.execute_fn

    async def execute_fn(self, fn):
        return await sharing.run(OWN_SQL.get(), lambda: run(self, fn))

    execute_fn.shared = True  # type: ignore[attr-defined]
    Database.execute_fn = execute_fn


def keep_own_sql_errors_out_of_the_log() -> None:
    """Datasette prints every failing query to the server's log, SQL and parameters in full: for SQL
    of the client's own making (OWN_SQL), whose error the client gets in its 400, that is up to
    100 kB of log a request for anyone to write (and a log that is a pipe no one reads fills up and
    stops the server). Those are left out; errors of the site's own queries are still printed."""
    from datasette.database import Database

    if getattr(Database.execute, "keeps_own_sql_out", False):
        return
    execute = Database.execute

    async def quiet_execute(self, *args, log_sql_errors=True, **kwargs):
        return await execute(self, *args, log_sql_errors=log_sql_errors and not OWN_SQL.get(), **kwargs)

    quiet_execute.keeps_own_sql_out = True  # type: ignore[attr-defined]
    Database.execute = quiet_execute


def database_folders(datasette) -> list[str]:
    """The folders of the served database files, as given and as resolved (build/claims.db is a
    symlink), longest first so that no shorter one leaves part of a longer one behind."""
    folders = set()
    for db in datasette.databases.values():
        if db.path:
            folders |= {str(Path(db.path).absolute().parent) + "/", str(Path(db.path).resolve().parent) + "/"}
    return sorted(folders, key=len, reverse=True)


BAD_PARAMETER_ERRORS = ("Cannot sort table by", "Cannot use _sort and _sort_desc", "Invalid _through")


def raised_in(exception, *file: str) -> bool:
    """Whether the exception passed through Datasette's file `file` (its last path parts)."""
    frame = exception.__traceback__
    while frame is not None:
        if Path(frame.tb_frame.f_code.co_filename).parts[-len(file) :] == file:
            return True
        frame = frame.tb_next
    return False


def raised_parsing_filters(exception) -> bool:
    """A ValueError or KeyError from Datasette's filter parsing (`?col__in=[`, `?_through=…` that is
    not the expected JSON): the request's fault, not the server's."""
    return isinstance(exception, (ValueError, KeyError, TypeError, RecursionError)) and raised_in(
        exception, "datasette", "filters.py"
    )


HIDING_COLUMNS = ("_nocol", "_col")


def hid_the_sort_column(request, exception) -> bool:
    """Datasette 0.65 reads the next page's key from the sort column after `?_nocol=` (or `?_col=`)
    took it out of the rows: a KeyError in its table view, where the request asked to hide a column."""
    return (
        isinstance(exception, KeyError)
        and any(name in request.args for name in HIDING_COLUMNS)
        and raised_in(exception, "datasette", "views", "table.py")
    )


def client_error_response(datasette, request, exception):
    """The error page for a request's own fault (4xx), rendered like Datasette's but without the
    traceback Datasette prints for every error (with rich and local variables: a CPU cost a client
    could buy with every bad request). Datasette 0.65 answers some bad parameters with 500: those
    get 400. Every other error (a real 5xx) gets Datasette's own handler, traceback and all."""
    # imported here: Datasette loads plugins halfway through importing its own views
    from datasette.database import QueryInterrupted
    from datasette.utils.asgi import Base400, Response
    from datasette.views.base import DatasetteError
    from markupsafe import Markup

    title, info = None, {}
    if isinstance(exception, QueryInterrupted):  # a CSV export's first page: a 500 in Datasette 0.65
        status, message, title = (
            400,
            f"the query took longer than the time limit ({datasette.setting('sql_time_limit_ms'):,} ms): ask for less",
            "SQL Interrupted",
        )
    elif isinstance(exception, MemoryError) and raised_in(exception, "datasette", "database.py"):
        status, message, title = (
            400,
            f"the query needs more memory than the server gives all queries together ({MAX_SQLITE_HEAP_MB} MB): ask for less",
            "Query too large",
        )
    elif isinstance(exception, OverflowError) and raised_in(exception, "datasette", "database.py"):
        status, message, title = (
            400,
            "a number in the request is larger than SQLite's integers (at most 9,223,372,036,854,775,807)",
            "Bad parameter",
        )
    elif isinstance(exception, sqlite3.ProgrammingError) and str(exception).startswith("Error binding parameter"):
        status, message, title = (
            400,
            f'a parameter\'s value cannot be used ({exception}): give text or numbers, e.g. ?column__in=a,b or ?column__in=["a","b"]',
            "Bad parameter",
        )
    elif (
        isinstance(exception, DatasetteError)
        and exception.status == 500
        and str(exception.message).startswith(BAD_PARAMETER_ERRORS)
    ):
        status, message, title = 400, exception.message, "Bad parameter"
    elif hid_the_sort_column(request, exception):
        status, message, title = (
            400,
            f"the page is sorted by {exception.args[0] if exception.args else 'a column'}, which _nocol or _col hides: keep that column, or sort by another",
            "Bad parameter",
        )
    elif raised_parsing_filters(exception):
        status, message, title = (
            400,
            f"a filter parameter could not be read ({type(exception).__name__}: {exception})",
            "Bad parameter",
        )
    elif isinstance(exception, DatasetteError) and exception.status < 500:
        status, message, title, info = exception.status, exception.message, exception.title, dict(exception.error_dict)
        message = Markup(message) if exception.message_is_html else message
    elif isinstance(exception, Base400):
        status, message = exception.status, exception.args[0]
    else:
        from datasette.handle_exception import handle_exception

        return handle_exception(datasette, request, exception)  # a real 5xx: Datasette's page and traceback

    async def render():
        body = dict(info, ok=False, error=message, status=status, title=title)
        if request.path.split("?")[0].endswith(".json"):
            return Response.json(body, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        page = await template.render_async(
            dict(body, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: [])
        )
        return Response.html(page, status=status)

    return render


def answer_csv_errors() -> None:
    """Datasette 0.65's CSV export reads a query's first page before it starts the response, but
    where the query fails it answers 200 with an empty body (the HTML and JSON pages say 400 and
    why): a failed first page is raised here as that 400. (A later page of a streamed export fails
    after the 200 has gone out; Datasette writes the error into the body.)"""
    from datasette.views.base import DatasetteError, DataView

    if getattr(DataView.as_csv, "answers_errors", False):
        return
    export = DataView.as_csv

    async def as_csv(self, request, database):
        read = self.data

        async def first_page(request, **kwargs):
            result = await read(request, **kwargs)
            if isinstance(result, tuple) and len(result) == 4 and result[3] >= 400:
                raise DatasetteError(str(result[0].get("error") or "the query failed"), title="Invalid SQL", status=400)
            return result

        self.data = first_page  # this view object serves this request only
        return await export(self, request, database)

    as_csv.answers_errors = True  # type: ignore[attr-defined]
    DataView.as_csv = as_csv


class Watchdog:
    """One thread that interrupts each watched connection at its query's deadline
    (`sqlite3_interrupt`, which SQLite honours at its next instruction, however long each one
    takes). Datasette instead looks at the clock from a progress handler every 1,000 instructions:
    a Python call that takes the GIL from the thread answering requests, and that a query whose
    instructions are each slow (a replace() over a 240 kB string) reaches only after minutes. The
    watchdog sleeps until the next deadline, and costs nothing per instruction."""

    def __init__(self):
        self.changed = threading.Condition()
        self.deadlines: dict[int, tuple[float, sqlite3.Connection]] = {}  # watch number -> deadline, connection
        self.numbers = itertools.count()
        self.thread: threading.Thread | None = None

    def watch(self, conn: sqlite3.Connection, seconds: float) -> int:
        with self.changed:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="claims-query-watchdog", daemon=True)
                self.thread.start()
            number = next(self.numbers)
            self.deadlines[number] = (time.monotonic() + seconds, conn)
            self.changed.notify()
        return number

    def release(self, number: int) -> None:
        """Stop watching: under the lock, so that no interrupt reaches the connection's next query."""
        with self.changed:
            self.deadlines.pop(number, None)

    def _run(self) -> None:
        with self.changed:
            while True:
                now = time.monotonic()
                for number, (deadline, conn) in list(self.deadlines.items()):
                    if deadline <= now:
                        with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile: nothing to stop
                            conn.interrupt()
                        del self.deadlines[number]
                upcoming = min((deadline for deadline, _conn in self.deadlines.values()), default=None)
                self.changed.wait(None if upcoming is None else upcoming - now)


WATCHDOG = Watchdog()


@contextlib.contextmanager
def time_limit(conn: sqlite3.Connection, ms: int):
    """Datasette's sqlite_timelimit, kept by the watchdog: the query is interrupted at `ms`."""
    number = WATCHDOG.watch(conn, ms / 1000)
    try:
        yield
    finally:
        WATCHDOG.release(number)


def stop_queries_at_their_deadline() -> None:
    """Datasette's queries stop at their time limit through `time_limit`."""
    import datasette.database

    datasette.database.sqlite_timelimit = time_limit


def keep_refusals_out_of_the_log() -> None:
    """Datasette turns on sqlite3's callback tracebacks, so a refusal raised inside printf or
    escape_fts (already a 400 with its reason) printed a traceback too; refusals are left out,
    anything else a callback raises is still printed."""
    import sys

    if getattr(sys.unraisablehook, "keeps_refusals_out", False):
        return
    previous = sys.unraisablehook

    def hook(unraisable):
        if not isinstance(unraisable.exc_value, TooBig):
            previous(unraisable)

    hook.keeps_refusals_out = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


def take_over_exception_handling() -> None:
    """Datasette awaits every `handle_exception` hook, its own default included, which prints a
    traceback for each 4xx; unregister that default, since client_error_response calls it for
    real errors."""
    from datasette.plugins import pm

    if pm.get_plugin("datasette.handle_exception") is not None:
        pm.unregister(name="datasette.handle_exception")
