"""Requests of the site, shared by the hardening tests and the soak: an ordinary page, and the
hostile ones it must refuse or bound (each answered with a 4xx within seconds, the server under its
memory bound)."""

import urllib.parse

from claims.site import hardening

# The server's resident memory never exceeds this (VmHWM, the peak), hostile requests included.
MAX_SERVER_RSS_MB = hardening.MAX_SERVER_RSS_MB
ORDINARY_PAGE = "/claims/statements"

TWO_THOUSAND_ROWS = "(with recursive r(i) as (select 1 union all select i + 1 from r where i < 2000) select i from r)"
EXPENSIVE_STEPS = (
    "with recursive n(i, x) as (select 1, (select group_concat('aaaaaaaaaa', '') from (with recursive r(i) as "
    "(select 1 union all select i + 1 from r where i < 24000) select i from r)) union all select i + 1, x from n "
    "where i < 600) select count(*) from n where "
    + " + ".join(f"length(replace(x, 'a' || i, 'b{k}'))" for k in range(40))
    + " > 0"
)
# Each asks SQLite for seconds of work or gigabytes inside one step (measured before the
# hardening: printf 22.8 s, randomblob(4e8) a 533 MB answer and 3 GB resident).
HOSTILE_SQL = {
    "printf-precision": "select length(printf('%.*c', 300000000, 'x'))",
    "printf-width": "select length(printf('%300000000d', 1))",
    "format-precision": "select length(format('%.*c', 300000000, 'x'))",
    "printf-blob-format": "select length(printf(cast('%.*c' as blob), '300000000abc', 'x'))",
    "sort-big-cross-join": "select a.text, b.text, c.text from statements a, statements b, statements c, statements d, statements e order by random() limit 1",
    "randomblob": "select randomblob(400000000)",
    "randomblob-1e9": "select length(randomblob(1000000000))",
    "zeroblob": "select length(zeroblob(400000000))",
    "fts3-tokenizer": "select fts3_tokenizer('simple')",
    "fts3-tokenizer-register": "select fts3_tokenizer('evil', x'4141414141414141')",
    "doubling-string": "with recursive r(i, x) as (select 0, 'x' union all select i + 1, x || x from r where i < 40) select max(length(x)) from r",
    # 2,000 rows of 4 × 160 kB: 1.3 GB of cells, stopped by the result budget
    "wide-result": "with recursive r(i, x) as (select 0, 'xxxxxxxxxx' union all select i + 1, x || x from r where i < 14) select a.x, a.x, a.x, a.x from (select x from r where i = 14) a, statements, statements",
    "like-pattern": "select 'x' like (select group_concat('%a', '') from statements a, statements b)",
    "deep-expression": "select " + "1 + " * 1500 + "1",
    "runaway-recursion": "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n",
    "load-extension": "select load_extension('/lib/x86_64-linux-gnu/libc.so.6')",
    # few SQLite instructions, each slow (40 replace() over 240 kB a row): 200 after 16.9 s, when
    # the clock was looked at every 1.25 M instructions
    "expensive-steps": EXPENSIVE_STEPS,
    # 2,000 rows of 50 NULLs whose 1,548-character names JSON repeats on every row (155 MB written)
    "long-column-names": "select "
    + ", ".join(f'null as "{k:02d}{"x" * 1546}"' for k in range(50))
    + f" from {TWO_THOUSAND_ROWS}",
    # 2,000 rows of 2,400 emoji: under 5 M characters, but twelve bytes each in JSON (57 MB)
    "emoji-cells": "select (select group_concat(char(128512), '') from (with recursive r(i) as (select 1 union all "
    f"select i + 1 from r where i < 2400) select i from r)) as e from {TWO_THOUSAND_ROWS}",
}
MATCH_BUILT_IN_SQL = (
    "select count(*) as n from statements_fts where statements_fts match (select group_concat('the', ' ') from "
    "(with recursive r(i) as (select 1 union all select i + 1 from r where i < %d) select i from r))"
)
MATCH_PARAMETER = "select count(*) as n from statements_fts where statements_fts match :q"
HOSTILE_PATHS = {
    "sort-nonexistent": "/claims/statements?_sort=nonexistent",
    "sort-desc-nonexistent": "/claims/statements.json?_sort_desc=nonexistent",
    "sort-and-sort-desc": "/claims/statements?_sort=text&_sort_desc=text",
    "through-not-json": "/claims/statements?_through=notjson",
    "through-missing-keys": "/claims/statements?_through=" + urllib.parse.quote('{"table": "x"}'),
    "in-not-json": "/claims/statements.json?statement_id__in=" + urllib.parse.quote("["),
    "size-too-big": "/claims/statements.json?_size=100000",
    # a raw search is FTS5's own syntax (a search box's text is escaped: a lone quote there finds nothing)
    "fts-syntax": "/claims/statements.json?_searchmode=raw&_search=" + urllib.parse.quote('"'),
    # Datasette 0.65 answered 500 for hiding the column the page is sorted by (default or asked)
    "nocol-default-sort": "/claims/statements?_nocol=date_order",
    "nocol-asked-sort": "/claims/statements?_sort=speaker_id&_nocol=speaker_id",
    # filter values SQLite cannot bind (a 500, "type 'dict' is not supported", in Datasette 0.65)
    "in-objects": "/claims/statements.json?speaker_id__in=" + urllib.parse.quote("[{}]"),
    "in-nested-list": "/claims/statements.json?speaker_id__in=" + urllib.parse.quote("[[1]]"),
    "in-nested-5000-deep": "/claims/statements.json?speaker_id__in=" + urllib.parse.quote("[" * 5000 + "]" * 5000),
    # a CSV export of a query that fails: 200 with an empty body, or a 500 past the time limit, before
    "csv-missing-table": "/claims.csv?sql=" + urllib.parse.quote("select * from nonexistent"),
    "csv-denied-function": "/claims.csv?sql=" + urllib.parse.quote("select randomblob(3)"),
    "csv-past-the-time-limit": "/claims.csv?sql=" + urllib.parse.quote(HOSTILE_SQL["runaway-recursion"]),
    # full-text searches of 15,000 words: FTS5 holds an iterator a word (the server grew by 100 MB)
    "search-15000-words": "/claims/search.json?q=" + urllib.parse.quote("the " * 15000),
    "table-search-15000-words": "/claims/statements.json?_search=" + urllib.parse.quote("the " * 15000),
    "raw-search-15000-words": "/claims/statements.json?_searchmode=raw&_search=" + urllib.parse.quote("the " * 15000),
    # a MATCH of 40,000 terms built in SQL: past SQLite's heap bound
    "sql-match-40000-terms": "/claims.json?sql=" + urllib.parse.quote(MATCH_BUILT_IN_SQL % 40000),
    # a MATCH of 15,000 terms given as a parameter: refused before it runs, as a search box is
    "sql-match-parameter-15000-terms": "/claims.json?sql="
    + urllib.parse.quote(MATCH_PARAMETER)
    + "&q="
    + urllib.parse.quote("the " * 15000),
    # private-use characters are words to FTS5 (200 in 0.3 s when they were not counted)
    "search-private-use-1000-words": "/claims/search.json?q=" + urllib.parse.quote("\ue000 " * 1000),
    "table-search-private-use-1000-words": "/claims/statements.json?_search=" + urllib.parse.quote("\ue000 " * 1000),
    "raw-search-emoji-1000-words": "/claims/statements.json?_searchmode=raw&_search="
    + urllib.parse.quote("\U0001f970 " * 1000),
    # 1,000 facets of a text column: 102 s, a 374 MB body and 2.3 GB resident
    "facets-1000": "/claims/statements.json?" + "&".join(["_facet=text"] * 1000),
    # facet settings that are not a column's name (500s: a KeyError or TypeError in Datasette's facets)
    "facet-date-null": "/claims/statements.json?_facet=" + urllib.parse.quote('{"date": null}'),
    "facet-simple-object": "/claims/statements.json?_facet=" + urllib.parse.quote('{"simple": {}}'),
    "facet-date-of-table": "/claims/statements.json?_facet_date=" + urllib.parse.quote('{"table": 1}'),
    "facet-array-object": "/claims/statements.json?_facet_array=" + urllib.parse.quote('{"array": {}}'),
    # a 50 kB ?_next= repeated into every facet and sort link (a 2.4 MB page)
    "next-50kB-in-links": "/claims/statements?_next=" + "1" * 50_000,
    "timelimit-not-a-number": "/claims/statements.json?_timelimit=x",
    "integer-past-sqlite": "/claims/statements.json?date_order__gt=99999999999999999999",
    # another table's index matches rows of this table by rowid, silently
    "fts-table-of-another-table": "/claims/statements.json?_fts_table=actors_fts&_search=witkoff",
}


def hostile_requests() -> dict[str, str]:
    return {
        **{name: "/claims.json?sql=" + urllib.parse.quote(sql) for name, sql in HOSTILE_SQL.items()},
        **HOSTILE_PATHS,
    }
