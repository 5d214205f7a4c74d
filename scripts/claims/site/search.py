"""Full-text search on the site, bounded: a table's search box reads the first matches only, and
each canned query's search parameters are bounded in words (claims.site.hardening)."""

from __future__ import annotations

import re
from functools import cache

from claims.project import CANNED_DIR
from claims.site.metadata import canned_queries, query_constants, sql_file


@cache
def search_candidates() -> int:
    """How many matches a table's search reads at most: as many as the canned search does (the
    `-- candidates:` of its header), read when first asked."""
    return query_constants(sql_file(CANNED_DIR / "search.sql")[0])["candidates"]


@cache
def searched_parameters() -> dict[str, set[str]]:
    """Each canned query's parameters that go to full-text search: a search box, bounded in words."""
    return {
        name: set(re.findall(r"escape_fts\(\s*:(\w+)\s*\)", query["sql"])) for name, query in canned_queries().items()
    }


def first_matches(request, database, table, datasette):
    """A table's full-text search (`?_search=`, `?_search_COLUMN=`; `?_searchmode=raw` for FTS5's
    own syntax) over the first search_candidates() matches by rowid, as the canned search reads them.
    Datasette's own search filter reads every match: on a million statements a common word matches
    hundreds of thousands, and counting them and sorting them by date took a second a page. It is
    unregistered at startup (`read_first_matches_only`); this is it with the bound."""
    from datasette.filters import FilterArguments
    from datasette.utils import escape_sqlite
    from datasette.utils.asgi import BadRequest

    async def inner():
        candidates = search_candidates()
        metadata = datasette.table_metadata(database, table)
        db = datasette.get_database(database)
        fts_table = metadata.get("fts_table") or await db.fts_table(table)
        fts_pk = metadata.get("fts_pk", "rowid")
        # the table's own index and key only: another table's index matches other rows by rowid
        for name, own in (("_fts_table", fts_table), ("_fts_pk", fts_pk)):
            if request.args.get(name, own) != own:
                raise BadRequest(
                    f"{table} is searched through its own index ({name}={own})"
                    if fts_table
                    else f"{table} has no full-text index"
                )
        searches = {key: request.args[key] for key in request.args if key == "_search" or key.startswith("_search_")}
        context = {"supports_search": bool(fts_table)}
        if not (fts_table and searches):
            return FilterArguments([], extra_context=context)
        raw = request.args.get("_searchmode", metadata.get("searchmode")) == "raw"
        fts_pk = escape_sqlite(fts_pk)
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
                f" order by rowid limit {candidates})"
            )
            params[param] = text
            what = "search" if key == "_search" else f'search column "{column}"'
            said.append(f'{what} matches "{text}" (reads at most the first {candidates:,} matches, by ID)')
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
