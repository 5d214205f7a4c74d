"""Hardening of the public Datasette instance: bounded requests and security headers.

Datasette stops a query after `sql_time_limit_ms` by checking the clock between SQLite virtual
machine steps, but a single step can be huge: `printf('%.*c', 300000000, 'x')` or
`randomblob(400000000)` runs for seconds and allocates gigabytes inside one step, and a result
of many large cells is held in memory before it is encoded. This module bounds both, on every
connection Datasette opens (the plugin's `prepare_connection` hook):

- SQLite limits (`Connection.setlimit`): no string or blob longer than MAX_VALUE_BYTES, no SQL
  text longer than MAX_SQL_BYTES, no ATTACH, small expression depth, compound selects, function
  arguments, LIKE patterns and bound variables;
- an authorizer that denies the functions a reader never needs (DENIED_FUNCTIONS: the FTS3
  tokenizer pointer, random and zero blobs, extension loading) and hides the file column of
  `pragma_database_list` (the server's absolute path);
- `printf`/`format` replaced by a wrapper that refuses a width or precision above
  MAX_PRINTF_WIDTH and otherwise calls SQLite's own printf;
- a row factory that stops a query whose cells add up to more than MAX_RESULT_CHARS characters
  (strings) and bytes (blobs).

Errors raised here are `sqlite3.OperationalError`, which Datasette answers with 400.

The ASGI wrapper (`asgi_wrapper` hook) adds a Content-Security-Policy, framing protection,
`nosniff` and a referrer policy to every response, and removes the server's folder from
`/-/databases.json`. `handle_exception` answers a request's own errors with a 4xx page without
printing a traceback, and turns Datasette's "Cannot sort table by …", unreadable filter
parameters and `?_nocol=` of the sort column (500s in Datasette 0.65) into 400s.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sqlite3
import weakref
from pathlib import Path

# Each bound is written once here; the README quotes them and tests/test_hardening.py checks them.
MAX_VALUE_BYTES = 250_000  # longest string or blob a query may make (the longest stored text is < 1 kB)
MAX_SQL_BYTES = 100_000
MAX_RESULT_CHARS = 5_000_000  # characters and bytes in all cells of one query's result
MAX_PRINTF_WIDTH = 1_000
# The server's peak resident memory under hostile and ordinary requests (measured: about 90 MB;
# the rest is room for three SQL threads each holding a result at the budget, encoded).
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


def budgeted_rows(make_row):
    """A row factory that stops a query once its cells exceed MAX_RESULT_CHARS in total."""
    state = {"cursor": None, "used": 0}

    def factory(cursor, row):
        if state["cursor"] is None or state["cursor"]() is not cursor:
            state["cursor"], state["used"] = weakref.ref(cursor), 0
        state["used"] += sum(len(value) for value in row if isinstance(value, (str, bytes)))
        if state["used"] > MAX_RESULT_CHARS:
            raise TooBig(f"the result is larger than {MAX_RESULT_CHARS:,} characters: ask for fewer rows or columns")
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


def wrap_asgi(app, folders):
    """ASGI middleware: security headers on every response; `folders` (absolute, with a trailing
    slash) removed from the pages that show database paths. `folders` is a callable, because
    Datasette's databases are known only once it runs."""
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
                for folder in folders():
                    body = body.replace(folder.encode(), b"").replace(folder.replace("/", "\\/").encode(), b"")
                start = held["start"]
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"] + [
                    (b"content-length", str(len(body)).encode())
                ]
                await send(start)
                message = {"type": "http.response.body", "body": body}
            await send(message)

        await app(scope, receive, send_hardened)

    return wrapped


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
    return isinstance(exception, (ValueError, KeyError, TypeError)) and raised_in(exception, "datasette", "filters.py")


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
    from datasette.utils.asgi import Base400, Response
    from datasette.views.base import DatasetteError
    from markupsafe import Markup

    title, info = None, {}
    if (
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


def take_over_exception_handling() -> None:
    """Datasette awaits every `handle_exception` hook, its own default included, which prints a
    traceback for each 4xx; unregister that default, since client_error_response calls it for
    real errors."""
    from datasette.plugins import pm

    if pm.get_plugin("datasette.handle_exception") is not None:
        pm.unregister(name="datasette.handle_exception")
