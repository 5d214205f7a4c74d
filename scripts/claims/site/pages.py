"""The site's own pages and answers: the charts' pages, the data dictionary, the stylesheet, the
download zips, the home page's facts, and the page of a retired ID.

- /-/timeline and /-/who-spoke-to-whom: the pictures of claims.site.charts in the chart template;
- /-/data-dictionary: every table, column and vocabulary term (claims.dictionary);
- /-/claims-static/claims.css: the project's stylesheet (a file, so that no inline style is needed);
- /-/download/…-csv.zip and …-parquet.zip (claims.site.downloads), named with the served data's
  version (the `dataset_version` table `claims build` writes);
- the home page's facts: what this is, how big, downloads, citation, where to start;
- a retired ID's page answers "retired on DATE: REASON", with a 301 to its replacement where there
  is one (HTML, JSON and CSV), and links the rows of its table that its reason names (the rows a
  split ID became).
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import sqlite3
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from datasette.utils import await_me_maybe, tilde_decode
from datasette.utils.asgi import NotFound, Response

from claims import dictionary, project
from claims.citation import dataset_address, dataset_bibtex, dataset_plain, stable_address
from claims.project import CANNED_DIR, DATABASE, EXAMPLES_DIR, SITE_DIR
from claims.schema import HISTORY_TABLES, ID_TABLES, TABLES
from claims.schema.package import PACKAGE_META
from claims.schema.presentation import VERSION_TABLE
from claims.site import downloads, hardening
from claims.site.charts import TYPE_COLOURS, is_drawn, matrix_svg, timeline_svg
from claims.site.metadata import canned_queries, example_queries, example_values, sql_file
from claims.version import DataVersion, data_version

STATIC_DIR = SITE_DIR / "static"


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
    undated = sum(1 for r in events + statements if not r["date"] and not is_drawn(r))
    unbounded = sum(1 for r in events + statements if r["date"] and not is_drawn(r))
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


async def dictionary_page(datasette, request):
    """The data dictionary (claims.dictionary), the same words as docs/data-dictionary.md."""
    html = await datasette.render_template(
        "claims_dictionary.html",
        {
            "tables": dictionary.tables(),
            "vocabularies": dictionary.vocabularies(),
            "conventions": dictionary.CONVENTIONS,
            "databases": dictionary.DATABASES,
            "generated_columns": dictionary.generated_columns(),
            "build_tables": dictionary.build_tables(),
            "views": dictionary.views(),
            "database": DATABASE,
        },
        request=request,
    )
    return Response.html(html)


async def static_file(request):
    """A file of site/static/ (the stylesheet); nothing else is served from there."""
    name = request.url_vars["name"]
    path = STATIC_DIR / name
    if not path.is_file() or path.parent != STATIC_DIR:
        raise NotFound(f"no static file {name}")
    return Response(
        path.read_text(encoding="utf-8"),
        content_type="text/css; charset=utf-8",
        headers={"Cache-Control": "max-age=3600"},
    )


def database_file(datasette) -> Path:
    return Path(datasette.get_database(DATABASE).path)


async def served_version(datasette) -> DataVersion:
    """The version of the served data (read in a thread, once per database file)."""
    database = database_file(datasette)
    return await asyncio.to_thread(stored_version, database, database.stat().st_mtime)


# The served database is immutable: what is read from it is read once per file (and modification time).
@lru_cache(maxsize=4)
def stored_version(database: Path, _mtime: float) -> DataVersion:
    """The `dataset_version` row `claims build` wrote into `database`; for a database built
    without one, the project's data as it is now."""
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        stamped = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [VERSION_TABLE]
        ).fetchone()
        row = con.execute(f"SELECT * FROM {VERSION_TABLE}").fetchone() if stamped else None
    finally:
        con.close()
    return DataVersion.from_row(dict(row)) if row is not None else data_version(project.current())


async def download(request, datasette):
    """The CSV tables or the Parquet files of the served build, as one zip each."""
    name, database = request.url_vars["name"], database_file(datasette)
    if "~" in name:  # tilde-encoded by Datasette's redirect (tilde_decode would read a bare + as a space)
        name = tilde_decode(name)
    folder = database.parent / "parquet"
    version = await served_version(datasette)
    # made in a thread (once per file, then cached): the server goes on answering meanwhile
    body: bytes | None
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
    data apart from the history of IDs and releases), the downloads, the citation and where to start."""
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
    folder = database_file(datasette).parent / "parquet"
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
    """How many actors speak (counted in a thread, once per database file)."""
    database = database_file(datasette)
    return await asyncio.to_thread(speaker_count, database, database.stat().st_mtime)


@lru_cache(maxsize=4)
def speaker_count(database: Path, _mtime: float) -> int:
    con = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(DISTINCT speaker_id) FROM statements").fetchone()[0]
    finally:
        con.close()


# A word of a reason that could be an ID: the schema's ID pattern with at least one hyphen (a one-word
# ID reads like any other word), bounded by anything but ID characters.
ID_WORD = re.compile(r"(?<![a-z0-9-])[a-z0-9]+(?:-[a-z0-9]+)+(?![a-z0-9-])")


async def named_rows(datasette, table: str, key: str, *texts: str | None) -> list[str]:
    """The IDs of rows of `table` that the texts name (other than `key`), in the order they are
    named: where a retired ID was split, the rows it became, which its reason names."""
    words = [w for text in texts if text for w in ID_WORD.findall(text) if w != key]
    candidates = list(dict.fromkeys(words))
    if not candidates:
        return []
    id_column = ID_TABLES[table]
    marks = ", ".join("?" for _ in candidates)
    found = await datasette.get_database(DATABASE).execute(
        f'SELECT "{id_column}" FROM "{table}" WHERE "{id_column}" IN ({marks})', candidates
    )
    live = {row[0] for row in found.rows}
    return [word for word in candidates if word in live]


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
        wanted = variables.get("format")  # json, csv: the replacement is asked for in the same form
        replacement = (
            datasette.urls.row(DATABASE, table, row["replaced_by"])
            + (f".{wanted}" if wanted else "")
            + (f"?{request.query_string}" if request.query_string else "")
            if row["replaced_by"]
            else None
        )
        status, headers = (301, {"Location": replacement}) if replacement else (410, {})
        facts = {"table": table, "id": key, "retired": True, **row, "replaced_by_url": replacement}
        facts["address"] = stable_address(table, key).urn
        facts["named_rows"] = await named_rows(datasette, table, key, row["reason"], row["notes"])
        if wanted == "json":
            return Response.json(facts, status=status, headers=headers)
        if wanted == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, list(facts), lineterminator="\n")
            writer.writeheader()
            writer.writerow({**facts, "named_rows": "|".join(facts["named_rows"])})
            return Response(out.getvalue(), status=status, headers=headers, content_type="text/csv; charset=utf-8")
        html = await datasette.render_template(
            "claims_retired.html", {"retired": facts, "database": DATABASE}, request=request
        )
        return Response.html(html, status=status, headers=headers)

    return answer
