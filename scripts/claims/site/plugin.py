"""The Datasette plugin (the `datasette` entry point of the package): the hooks, each handing its work
to the module of its concern.

- claims.site.pages: the timeline, who spoke to whom, the data dictionary, the stylesheet, the
  download zips, the home page's facts and the page of a retired ID;
- claims.site.cards: the card of a statement, event, actor or source on its row page (templates
  site/templates/row-claims-*.html); their JSON stays Datasette's own;
- claims.site.cells: booleans read yes/no, keys link to their rows, a statement's text reads as
  claims.citation renders it;
- claims.site.parameters: the canned queries' parameters checked and explained, and their pages;
- claims.site.search: a table's full-text search, bounded;
- claims.site.hardening: bounded requests, security headers, errors answered as 4xx.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils import tilde_decode

from claims.project import DATABASE
from claims.site import cells, hardening, pages, parameters, search
from claims.site.cards import CARDS
from claims.site.metadata import READING_ORDER


@hookimpl
def register_routes():
    return [
        (r"^/-/timeline$", pages.timeline_page),
        (r"^/-/who-spoke-to-whom$", pages.who_page),
        (r"^/-/claims-static/(?P<name>[a-z0-9-]+\.css)$", pages.static_file),
        # a name with its + percent-encoded comes back from Datasette's redirect tilde-encoded (~2B)
        (r"^/-/download/(?P<name>[a-zA-Z0-9.+~-]+)$", pages.download),
        (r"^/-/data-dictionary$", pages.dictionary_page),
    ]


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/timeline"), "label": "Timeline"},
        {"href": datasette.urls.path("/-/who-spoke-to-whom"), "label": "Who spoke to whom"},
        {"href": datasette.urls.path("/-/data-dictionary"), "label": "Data dictionary"},
    ]


@hookimpl(trylast=True)  # after Datasette's own functions, whose escape_fts it replaces
def prepare_connection(conn, database):
    hardening.harden_connection(conn, database)


@hookimpl
def asgi_wrapper(datasette):
    hardening.trust_only_configured_proxies()  # `datasette serve` builds the app, then starts uvicorn
    return lambda app: hardening.wrap_asgi(app, datasette, search.searched_parameters())


@hookimpl
def startup(datasette):
    hardening.take_over_exception_handling()
    hardening.answer_csv_errors()
    hardening.keep_refusals_out_of_the_log()
    hardening.share_sql_threads(datasette)
    hardening.keep_own_sql_errors_out_of_the_log()
    hardening.stop_queries_at_their_deadline()
    search.read_first_matches_only()


@hookimpl(specname="filters_from_request")
def first_matches(request, database, table, datasette):
    return search.first_matches(request, database, table, datasette)


@hookimpl
def handle_exception(datasette, request, exception):
    retired = pages.retired_row(datasette, request, exception)
    return retired or hardening.client_error_response(datasette, request, exception)


@hookimpl
def extra_css_urls(datasette):
    stamp = int(max(path.stat().st_mtime for path in pages.STATIC_DIR.glob("*.css")))
    return [datasette.urls.path(f"/-/claims-static/claims.css?{stamp}")]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    return cells.rendered_cell(row, value, column, table, database, datasette)


@hookimpl
def register_magic_parameters(datasette):
    return [("date", parameters.date_parameter)]


@hookimpl(specname="asgi_wrapper")
def parameter_notes_in_data(datasette):
    return parameters.parameter_notes_in_data(datasette)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    """The card of a statement, event, actor or source for its row page; the home page's facts;
    the next page's link of a paged canned query (site/templates/query-claims.html)."""
    if view_name == "index" and request is not None:
        return lambda: pages.home_facts(datasette, request)
    query = (request.url_vars.get("table") if request is not None else None) or ""
    if database == DATABASE and query in parameters.canned_parameter_kinds() and request is not None:
        return lambda: parameters.query_page_vars(datasette, query, request)
    if view_name == "table" and database == DATABASE and table in READING_ORDER:
        return {"claims_reading_order": READING_ORDER[table]}
    if view_name != "row" or database != DATABASE or table not in CARDS or request is None:
        return {}

    async def card():
        key = tilde_decode(request.url_vars["pks"])
        version = await pages.served_version(datasette)
        return {"card": await CARDS[table](datasette.get_database(DATABASE), key, version)}

    return card
