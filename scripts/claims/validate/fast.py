"""The fast path of `claims validate`: the schema's rules compiled into DuckDB SQL.

The reference layers (frictionless, pydantic, Great Expectations) read rows one by one in Python,
which does not scale to millions of rows. Here the same rules run as set operations in DuckDB:

- files are checked byte by byte in chunks, then read by DuckDB's CSV reader; a file with any
  byte-level or CSV problem is read by the reference reader instead, so that its findings are
  the reference's own;
- cells of ID and free-text columns are checked with SQL predicates (the character classes are
  shared with schema/fields.py); every other column has few distinct values, and each distinct
  value is judged once by the reference itself (frictionless's cell reader, then the pydantic
  field), so that those verdicts are the reference's by construction;
- cross-field rules are SQL transcriptions of schema/tables.py and schema/rules.py, applied, as
  pydantic does, only to rows whose cells are all valid; the integrity layer is shared;
- provenance joins the archived texts in SQL; the dataset and cross-table expectation suites are
  run as SQL in the same database.

tests/test_fast_path.py runs both paths on every broken fixture and compares the findings.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import duckdb
import pyarrow as pa

from claims.findings import Finding
from claims.generate import table_schema
from claims.schema import TABLES, Row
from claims.schema.fields import CONTROL_RANGES, ID_PATTERN, INVISIBLE_RANGES, WHITESPACE_RANGES, char_class
from claims.schema.rules import edtf_bounds
from claims.tablefile import Table, read_table

CHUNK = 16 << 20
PIECE = 512  # characters per piece of an archived text
ID_SQL_PATTERN = ID_PATTERN.strip("^$")
WS = char_class(WHITESPACE_RANGES, re2=True)
INVISIBLE_SQL = char_class(INVISIBLE_RANGES, re2=True)
CONTROL_SQL = char_class(CONTROL_RANGES, re2=True)
ELISION = " […] "


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- loading ------------------------------------------------------------------------------------


def byte_scan(path: Path) -> dict:
    """One pass over the file in chunks: NUL bytes, BOM, UTF-8 validity, CRs, line count, header."""
    facts = {"nul": False, "bom": False, "utf8": True, "cr": False, "newlines": 0, "final_newline": False, "header": b"", "size": 0}
    decoder = codecs.getincrementaldecoder("utf-8")()
    last = b""
    with path.open("rb") as handle:
        first = True
        while chunk := handle.read(CHUNK):
            if first:
                facts["bom"] = chunk.startswith(b"\xef\xbb\xbf")
                facts["header"] = chunk.split(b"\n", 1)[0]
                first = False
            facts["size"] += len(chunk)
            facts["nul"] |= b"\x00" in chunk
            facts["cr"] |= b"\r" in chunk
            facts["newlines"] += chunk.count(b"\n")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                facts["utf8"] = False
            last = chunk
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        facts["utf8"] = False
    facts["final_newline"] = last.endswith(b"\n")
    return facts


def _register(con, name: str, table: Table) -> None:
    """A table read by the reference reader, into DuckDB (only for files that need it)."""
    columns = {column: pa.array([row[column] or None for row in table.rows], type=pa.string()) for column in table.columns}
    columns["_line"] = pa.array(table.lines, type=pa.int64())
    con.register("_incoming", pa.table(columns))
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def load(run, con) -> None:
    """Every table into DuckDB (text columns, empty cells NULL, `_line`); file-level findings."""
    for model in TABLES:
        name, columns = model.meta.name, model.columns()
        con.execute(f"CREATE OR REPLACE TABLE _bad_{name} (_line BIGINT)")  # lines the rows layer rejects
        path = run.data_dir / f"{name}.csv"
        shown = run.shown(path)
        table = Table(name, path, shown, columns)
        run.tables[name] = table
        clean = path.is_file()
        if clean:
            facts = byte_scan(path)
            expected_header = ",".join(columns).encode()
            clean = not (facts["nul"] or facts["bom"] or not facts["utf8"] or facts["cr"] or not facts["final_newline"]) and facts["header"] == expected_header
        if clean:
            # One column more than the schema, padding on, and no null string: a record with too
            # many cells fills `_extra`, one with too few leaves its last column NULL (an empty
            # cell reads as ''), so both are caught although DuckDB tolerates them.
            spec = ", ".join(f"{_q(c)}: 'VARCHAR'" for c in [*columns, "_extra"])
            cells = ", ".join(f"NULLIF({c}, '') AS {c}" for c in columns)
            try:
                con.execute(
                    f"CREATE OR REPLACE TABLE _raw AS SELECT * FROM read_csv({_q(str(path))}, header = true, auto_detect = false, "
                    f"columns = {{{spec}}}, delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = true, nullstr = chr(1))"
                )
                rows, odd = con.execute(f"SELECT count(*), count(*) FILTER (WHERE _extra IS NOT NULL OR {columns[-1]} IS NULL) FROM _raw").fetchone()
                # one line per record and the right number of cells: the line numbers are exact
                clean = odd == 0 and rows == facts["newlines"] - 1
                if clean:  # a base table keeps the file's order, and its rowid is the record's index
                    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {cells}, CAST(rowid + 2 AS BIGINT) AS _line FROM _raw")
                con.execute("DROP TABLE _raw")
            except duckdb.Error:
                clean = False
        if clean:
            table.loaded, table.count, table.read_by = True, rows, "duckdb"
            continue
        # anything unusual: the reference reader decides, and its findings are the reference's
        table, findings = read_table(path, model, shown)
        run.tables[name] = table
        for finding in findings:
            run.findings.add(finding)
        if table.loaded:
            _register(con, name, table)


# --- rows: cell rules and cross-field rules ------------------------------------------------------


def _kinds(model: type[Row]) -> dict[str, str]:
    """How each column's cells are checked: 'id' and 'text' in SQL, 'distinct' by value."""
    kinds = {}
    for field in table_schema(model)["fields"]:
        constraints = field.get("constraints", {})
        info = model.model_fields[field["name"]]
        text_rules = "check_cell_text" in repr(info.annotation) + repr(info.metadata)
        if constraints.get("pattern") == ID_SQL_PATTERN:
            kinds[field["name"]] = "id"
        elif field["type"] == "string" and text_rules and set(constraints) <= {"required", "minLength"} and "split_list" not in repr(info.annotation) and "check_edtf" not in repr(info.annotation):
            kinds[field["name"]] = "text"
        else:
            kinds[field["name"]] = "distinct"
    return kinds


def reference_verdict(value: str | None, read_cell, adapter) -> str | None:
    """The rule the reference layers report first for this cell value, or None if it is valid:
    frictionless's cell reader first (layer 1), then the pydantic field (layer 2)."""
    from pydantic import ValidationError

    from claims.validate.rows import rule_of as pydantic_rule
    from claims.validate.structure import rule_of as frictionless_rule

    _cell, notes = read_cell(value)
    if notes:
        return frictionless_rule(notes)
    try:
        adapter.validate_python(value)
    except ValidationError as error:
        return pydantic_rule(error.errors()[0])
    return None


def _cell_rule_sql(column: str, kind: str, required: bool) -> str:
    """CASE expression giving the first rule a cell breaks, for SQL-checked kinds."""
    whens = [f"WHEN {column} IS NULL THEN {_q('required') if required else 'NULL'}"]
    if kind == "id":
        whens += [f"WHEN NOT regexp_full_match({column}, {_q(ID_SQL_PATTERN)}) THEN 'pattern'", f"WHEN length({column}) > 80 THEN 'maxLength'"]
    else:
        whens += [
            f"WHEN left({column}, 1) IN ('=', '+', '@', chr(9)) THEN 'formula-injection'",
            f"WHEN regexp_matches({column}, {_q('^' + WS + '|' + WS + '$')}) THEN 'padding'",
            f"WHEN regexp_matches({column}, {_q(INVISIBLE_SQL)}) THEN 'invisible-character'",
            f"WHEN regexp_matches({column}, {_q(CONTROL_SQL)}) THEN 'control-character'",
        ]
    return "CASE " + " ".join(whens) + " ELSE NULL END"


# Cross-field rules: (column, rule, SQL condition), in the order schema/tables.py raises them.
def _date_rules() -> list[tuple[str, str, str]]:
    missing = [(c, "date-missing", f"date IS NULL AND {c} IS NOT NULL") for c in ("date_text", "date_min", "date_max", "date_resolved_against")]
    dmin, dmax = "CAST(date_min AS DATE)", "CAST(date_max AS DATE)"
    # an open end of the EDTF value (_lo or _hi NULL) needs no bound; NULL comparisons are false
    min_missing, max_missing = "(date_min IS NULL AND _lo IS NOT NULL)", "(date_max IS NULL AND _hi IS NOT NULL)"
    bounded = f"date IS NOT NULL AND NOT {min_missing} AND NOT {max_missing}"
    return missing + [
        ("date_text", "date-wording", "date IS NOT NULL AND date_text IS NULL"),
        ("date_resolved_against", "date-wording", "date IS NOT NULL AND date_resolved_against IS NULL"),
        ("date_min", "date-bounds", f"date IS NOT NULL AND {min_missing}"),
        ("date_max", "date-bounds", f"date IS NOT NULL AND NOT {min_missing} AND {max_missing}"),
        ("date_max", "date-bounds", f"{bounded} AND {dmin} > {dmax}"),
        ("date_min", "date-bounds", f"{bounded} AND ({dmin} < _lo OR {dmin} > _hi)"),
        ("date_max", "date-bounds", f"{bounded} AND ({dmax} > _hi OR {dmax} < _lo)"),
    ]


def _blank(expression: str) -> str:
    return f"regexp_full_match({expression}, {_q(WS + '*')})"


CROSS_RULES: dict[str, list[tuple[str, str, str]]] = {
    "actors": [
        ("role_source_id", "role-source", "role IS NOT NULL AND role_source_id IS NULL"),
        ("role", "role-source", "role IS NULL AND role_source_id IS NOT NULL"),
        ("affiliation_id", "self-reference", "affiliation_id = actor_id"),
    ],
    "sources": [
        ("body_char_end", "body-span", "body_char_start IS NOT NULL AND body_char_end IS NULL"),
        ("body_char_start", "body-span", "body_char_start IS NULL AND body_char_end IS NOT NULL"),
        ("body_char_end", "body-span", "body_char_start IS NOT NULL AND body_char_end IS NOT NULL AND CAST(body_char_end AS BIGINT) <= CAST(body_char_start AS BIGINT)"),
        ("archive_sha256", "body-span", "body_char_start IS NOT NULL AND archive_sha256 IS NULL"),
        ("republishes_id", "self-reference", "republishes_id = source_id"),
        ("derived_from_id", "self-reference", "derived_from_id = source_id"),
    ],
    "positions": [("organization_id", "self-reference", "organization_id = actor_id")],
    "places": [("part_of_id", "self-reference", "part_of_id = place_id")],
    "events": _date_rules(),
    "statements": _date_rules()
    + [
        ("addressee_id", "speaker-is-addressee", "addressee_id IS NOT NULL AND addressee_id = speaker_id"),
        ("language", "translation-language", "translated = 'true' AND language IS NULL"),
        # schema/rules.py language_basis_rule: one finding at most, in the reference's order
        ("language_basis", "language-basis", "language IS NOT NULL AND language_basis IS NULL"),
        ("language", "language-basis", "language IS NULL AND language_basis IS NOT NULL"),
        ("language_basis", "language-basis", "language IS NOT NULL AND language_basis = 'evident_from_quote' AND statement_type <> 'direct_quote'"),
        ("translated", "language-basis", "language IS NOT NULL AND language_basis = 'evident_from_quote' AND statement_type = 'direct_quote' AND translated = 'true'"),
        ("text", "quote-shape", f"statement_type = 'direct_quote' AND list_bool_or(list_transform(string_split(text, {_q(ELISION)}), lambda x: {_blank('x')}))"),
        ("text", "quote-shape", "statement_type = 'partial_quote' AND NOT regexp_matches(text, '“[^”]+”')"),
    ],
    "attestations": [
        ("statement_id", "attests-one", "(statement_id IS NULL) = (event_id IS NULL)"),
        ("char_end", "offsets", "CAST(char_end AS BIGINT) <= CAST(char_start AS BIGINT)"),
        ("char_end", "offsets", "CAST(char_end AS BIGINT) > CAST(char_start AS BIGINT) AND CAST(char_end AS BIGINT) - CAST(char_start AS BIGINT) <> length(excerpt)"),
        ("via_source_id", "self-reference", "via_source_id IS NOT NULL AND via_source_id = source_id"),
    ],
    "statement_relations": [("object_statement_id", "self-reference", "statement_id = object_statement_id")],
    "retired_ids": [("replaced_by", "self-reference", "replaced_by = id")],
}
HINTS = {
    "required": "fill in the cell",
    "pattern": "see the column's pattern in datapackage.json",
    "formula-injection": "reword so the cell does not start with '=', '+', '@' or a tab",
    "padding": "remove the leading or trailing whitespace",
    "invisible-character": "delete the invisible character",
    "control-character": "only line breaks are allowed in text",
}


@lru_cache(maxsize=None)
def _judges(model: type[Row], column: str):
    """frictionless's cell reader and a pydantic validator for one column, built once."""
    from frictionless import Field
    from pydantic import TypeAdapter

    info = model.model_fields[column]
    descriptor = next(f for f in table_schema(model)["fields"] if f["name"] == column)
    from claims.validate.structure import _without_unique

    return Field.from_descriptor(_without_unique(descriptor)).create_cell_reader(), TypeAdapter(Annotated[info.annotation, info])


def check_rows(run, con) -> None:
    """Cell and cross-field rules for every loaded table, in SQL; `_bad_<table>` keeps failing lines."""
    edtf_values = set()
    for model in TABLES:
        if run.tables[model.meta.name].loaded and "date" in model.columns():
            edtf_values |= {v for (v,) in con.execute(f"SELECT DISTINCT date FROM {model.meta.name} WHERE date IS NOT NULL").fetchall()}
    bounds = [(v, *(edtf_bounds(v) or (None, None))) for v in sorted(edtf_values)]
    con.execute("CREATE OR REPLACE TABLE _edtf (value VARCHAR, lo DATE, hi DATE)")
    if bounds:
        con.executemany("INSERT INTO _edtf VALUES (?, ?, ?)", bounds)

    for model in TABLES:
        name = model.meta.name
        table = run.tables[name]
        if not table.loaded:
            continue
        schema = {f["name"]: f for f in table_schema(model)["fields"]}
        kinds = _kinds(model)
        joins, rule_columns = [], []
        for index, (column, kind) in enumerate(kinds.items()):
            required = bool(schema[column].get("constraints", {}).get("required"))
            if kind == "distinct":
                read_cell, adapter = _judges(model, column)
                verdicts = []
                for (value,) in con.execute(f"SELECT DISTINCT {column} FROM {name}").fetchall():
                    rule = reference_verdict(value, read_cell, adapter)
                    if rule:
                        verdicts.append((value, rule))
                con.execute(f"CREATE OR REPLACE TABLE _v{index} (value VARCHAR, rule VARCHAR)")
                if verdicts:
                    con.executemany(f"INSERT INTO _v{index} VALUES (?, ?)", verdicts)
                joins.append(f"LEFT JOIN _v{index} ON _v{index}.value IS NOT DISTINCT FROM t.{column}")
                rule_columns.append(f"_v{index}.rule AS \"r:{column}\"")
            else:
                rule_columns.append(f"{_cell_rule_sql('t.' + column, kind, required)} AS \"r:{column}\"")
        cross = CROSS_RULES.get(name, [])
        cells_ok = " AND ".join(f'"r:{c}" IS NULL' for c in kinds)
        cross_columns = [f"CASE WHEN {cells_ok} AND ({condition}) THEN TRUE ELSE FALSE END AS \"x{i}\"" for i, (_c, _r, condition) in enumerate(cross)]
        edtf_join = "LEFT JOIN _edtf ON _edtf.value = t.date" if "date" in kinds else ""
        bounds_columns = ", _edtf.lo AS _lo, _edtf.hi AS _hi" if edtf_join else ""
        any_cross = " OR ".join(f'"x{i}"' for i in range(len(cross))) or "FALSE"
        selected = ["_line"] + [f'"r:{c}"' for c in kinds] + [f'"x{i}"' for i in range(len(cross))]
        query = (
            f"WITH c AS (SELECT t.* {bounds_columns}, {', '.join(rule_columns)} FROM {name} t {' '.join(joins)} {edtf_join}), "
            f"x AS (SELECT * {''.join(', ' + column for column in cross_columns)} FROM c) "
            f"SELECT {', '.join(selected)} FROM x WHERE NOT ({cells_ok}) OR {any_cross} ORDER BY _line"
        )
        bad_lines = []
        for row in con.execute(query).fetchall():
            line, cells, flags = row[0], row[1 : 1 + len(kinds)], row[1 + len(kinds) :]
            bad_lines.append((line,))
            for column, rule in zip(kinds, cells):
                if rule:
                    run.findings.add(Finding(table.shown, line, column, rule, f"breaks the {rule} rule", HINTS.get(rule, "see datapackage.json and schema/tables.py"), "rows"))
            for (column, rule, _condition), fired in zip(cross, flags):
                if fired:
                    run.findings.add(Finding(table.shown, line, column, rule, f"breaks the {rule} rule", "see schema/tables.py", "rows"))
        if bad_lines:
            con.executemany(f"INSERT INTO _bad_{name} VALUES (?)", bad_lines)


# --- provenance ----------------------------------------------------------------------------------


def check_provenance(run, con) -> None:
    from claims.archive import Archive, find_all
    from claims.validate.provenance import SKIPPED_WITHOUT_ARCHIVE, wikidata_not_checked

    if run.archive_dir is None:
        run.skipped["provenance"] = SKIPPED_WITHOUT_ARCHIVE
        return
    needed = {"sources", "attestations", "statements", "actors"}
    if any(not run.tables[t].loaded for t in needed):
        return
    for table in needed:
        con.execute(f"CREATE OR REPLACE VIEW _ok_{table} AS SELECT * FROM {table} WHERE _line NOT IN (SELECT _line FROM _bad_{table})")
    archive = Archive.open(run.archive_dir)
    add = run.findings.add
    shown = {t: run.tables[t].shown for t in needed}
    # Archived texts go into DuckDB a batch at a time, cut into pieces: DuckDB counts characters
    # from the start of a string, so taking an excerpt from a short piece is much cheaper than
    # from the whole text; and a batch bounds the memory, whatever the size of the archive.
    con.execute("CREATE OR REPLACE TABLE _lengths (sha VARCHAR, length BIGINT)")
    con.execute(
        "CREATE OR REPLACE TABLE _evidence (_line BIGINT, statement_id VARCHAR, excerpt VARCHAR, cs BIGINT, ce BIGINT, bs BIGINT, be BIGINT, sha VARCHAR, matches BOOLEAN)"
    )
    batch: list[tuple[str, int, str]] = []
    batch_shas: list[str] = []
    seen: set[str] = set()

    def flush() -> None:
        if not batch_shas:
            return
        con.register("_batch", pa.table({"sha": [b[0] for b in batch], "no": pa.array([b[1] for b in batch], pa.int64()), "piece": [b[2] for b in batch]}))
        con.execute("CREATE OR REPLACE TABLE _pieces AS SELECT * FROM _batch")
        con.unregister("_batch")
        con.register("_batch_shas", pa.table({"sha": batch_shas}))
        con.execute(
            f"""INSERT INTO _evidence
               WITH a AS (
                 SELECT a._line, a.statement_id, a.excerpt, CAST(a.char_start AS BIGINT) AS cs, CAST(a.char_end AS BIGINT) AS ce,
                        CAST(s.body_char_start AS BIGINT) AS bs, CAST(s.body_char_end AS BIGINT) AS be, s.archive_sha256 AS sha
                 FROM _ok_attestations a JOIN _ok_sources s ON s.source_id = a.source_id
                 WHERE s.archive_sha256 IN (SELECT sha FROM _batch_shas))
               SELECT a.*, CASE WHEN a.ce - a.cs <= {PIECE} THEN coalesce(substring(first.piece || coalesce(CASE WHEN last.no <> first.no THEN last.piece END, ''),
                                                                   a.cs - first.no * {PIECE} + 1, a.ce - a.cs) = a.excerpt, FALSE) END
               FROM a LEFT JOIN _pieces first ON first.sha = a.sha AND first.no = a.cs // {PIECE}
                      LEFT JOIN _pieces last ON last.sha = a.sha AND last.no = (a.ce - 1) // {PIECE}"""
        )
        con.unregister("_batch_shas")
        batch.clear()
        batch_shas.clear()

    lengths: list[tuple[str, int]] = []
    for line, sha, body_end in con.execute("SELECT _line, archive_sha256, CAST(body_char_end AS BIGINT) FROM _ok_sources WHERE archive_sha256 IS NOT NULL ORDER BY _line").fetchall():
        text = archive.text(sha, keep=False)
        if text is None:
            add(Finding(shown["sources"], line, "archive_sha256", *archive.why_missing(sha), "provenance"))
            continue
        if body_end is not None and body_end > len(text):
            add(Finding(shown["sources"], line, "body_char_end", "body-span", f"{body_end} is past the end of the archived text ({len(text)} characters)", "check the offsets with `claims locate`", "provenance"))
        if sha in seen:
            continue
        seen.add(sha)
        lengths.append((sha, len(text)))
        batch_shas.append(sha)
        batch.extend((sha, start // PIECE, text[start : start + PIECE]) for start in range(0, len(text), PIECE))
        if len(batch) > 60_000:  # about 30 MB of text
            flush()
    flush()
    if lengths:
        con.register("_batch", pa.table({"sha": [x[0] for x in lengths], "length": pa.array([x[1] for x in lengths], pa.int64())}))
        con.execute("INSERT INTO _lengths SELECT * FROM _batch")
        con.unregister("_batch")
    # excerpts longer than a piece (rare) are compared in Python
    long = con.execute("SELECT _line, sha, cs, ce, excerpt FROM _evidence WHERE matches IS NULL").fetchall()
    for line, sha, start, end, excerpt in long:
        con.execute("UPDATE _evidence SET matches = ? WHERE _line = ?", [archive.text(sha, keep=False)[start:end] == excerpt, line])
    for line, excerpt, start, end, sha in con.execute("SELECT _line, excerpt, cs, ce, sha FROM _evidence WHERE NOT matches ORDER BY _line").fetchall():
        spans = find_all(archive.text(sha, keep=False), excerpt)
        hint = ("the excerpt is at " + ", ".join(f"char_start={s} char_end={e}" for s, e in spans[:3])) if spans else "the excerpt is not in the archived text: copy it verbatim (`claims locate` finds it)"
        add(Finding(shown["attestations"], line, "excerpt", "excerpt-mismatch", f"archived text at {start}:{end} is not the excerpt", hint, "provenance"))
    for (line,) in con.execute("SELECT _line FROM _evidence WHERE matches AND bs IS NOT NULL AND NOT (bs <= cs AND ce <= be) ORDER BY _line").fetchall():
        add(Finding(shown["attestations"], line, "char_start", "outside-article", "the excerpt lies outside the article body: navigation, ads and side-bars are not data", "quote the article's own text", "provenance"))
    for (line,) in con.execute(
        f"""SELECT DISTINCT s._line FROM _ok_statements s JOIN _evidence e ON e.statement_id = s.statement_id AND e.matches
            WHERE s.statement_type IN ('direct_quote', 'partial_quote')
              AND NOT list_bool_and(list_transform(
                    CASE WHEN s.statement_type = 'direct_quote' THEN string_split(s.text, {_q(ELISION)}) ELSE regexp_extract_all(s.text, '“([^”]+)”', 1) END,
                    lambda f: contains(e.excerpt, f)))
            ORDER BY s._line"""
    ).fetchall():
        add(Finding(shown["statements"], line, "text", "quote-outside-excerpt", "quoted words are not inside the excerpt that attests them", "quote the source's words exactly (same quote marks and apostrophes), or widen the excerpt", "provenance"))
    roles = con.execute(
        """SELECT a._line, a.role, s.archive_sha256, CAST(s.body_char_start AS BIGINT), CAST(s.body_char_end AS BIGINT)
           FROM _ok_actors a JOIN _ok_sources s ON s.source_id = a.role_source_id
           WHERE a.role IS NOT NULL AND s.archive_sha256 IN (SELECT sha FROM _lengths) ORDER BY s.archive_sha256, a._line"""
    ).fetchall()
    unquoted = []
    for line, role, sha, body_start, body_end in roles:  # as the reference does, on the body's text
        text = archive.text(sha, keep=False)
        if role not in (text[body_start:body_end] if body_start is not None else text):
            unquoted.append(line)
    for line in sorted(unquoted):
        add(Finding(shown["actors"], line, "role", "role-not-quoted", "the role is not in the text of its source", "copy the role verbatim from the article", "provenance"))
    if run.tables["positions"].loaded:
        _titles(run, con, archive)
    wikidata = archive.wikidata_path()
    if wikidata is None:
        run.notes.append(wikidata_not_checked(run.archive_dir))
    else:
        con.execute(f"CREATE OR REPLACE TABLE _wikidata AS SELECT * FROM read_csv({_q(str(wikidata))}, header = true, all_varchar = true)")
        for line, unknown in con.execute(
            """SELECT a._line, w.wikidata_id IS NULL FROM _ok_actors a LEFT JOIN _wikidata w ON w.wikidata_id = a.wikidata_id
               WHERE a.wikidata_id IS NOT NULL AND (w.wikidata_id IS NULL OR NOT (w.name = a.name OR list_contains(string_split(coalesce(a.aliases, ''), '|'), w.name)))
               ORDER BY a._line"""
        ).fetchall():
            message = "the Wikidata ID is not in the archive's wikidata.csv" if unknown else "the Wikidata ID is confirmed for another name"
            add(Finding(shown["actors"], line, "wikidata_id", "wikidata-unconfirmed", message, "leave wikidata_id empty unless the ID is confirmed", "provenance"))
    con.execute("CREATE OR REPLACE TABLE archived_texts AS SELECT sha AS archive_sha256, length AS char_length FROM _lengths")


def _titles(run, con, archive) -> None:
    """Positions' titles quoted verbatim from the article body of their source, as the reference checks."""
    con.execute("CREATE OR REPLACE VIEW _ok_positions AS SELECT * FROM positions WHERE _line NOT IN (SELECT _line FROM _bad_positions)")
    titles = con.execute(
        """SELECT p._line, p.title, s.archive_sha256, CAST(s.body_char_start AS BIGINT), CAST(s.body_char_end AS BIGINT)
           FROM _ok_positions p JOIN _ok_sources s ON s.source_id = p.source_id
           WHERE s.archive_sha256 IN (SELECT sha FROM _lengths) ORDER BY s.archive_sha256, p._line"""
    ).fetchall()
    unquoted = []
    for line, title, sha, body_start, body_end in titles:
        text = archive.text(sha, keep=False)
        if title not in (text[body_start:body_end] if body_start is not None else text):
            unquoted.append(line)
    for line in sorted(unquoted):
        run.findings.add(Finding(run.tables["positions"].shown, line, "title", "title-not-quoted", "the title is not in the text of its source", "copy the title verbatim from the article", "provenance"))


# --- expectations, compiled ------------------------------------------------------------------------


def check_expectations(run, con) -> None:
    """The hand-written suites as SQL: row counts, fill rates, and the cross-table queries."""
    from claims.expectations import cross_table_suite, suites_for

    for model in TABLES:
        name = model.meta.name
        table = run.tables[name]
        if not table.loaded:
            continue
        for suite in suites_for(name):
            for item in suite["expectations"]:
                kind, kwargs, meta = item["type"], item["kwargs"], item.get("meta", {})
                if kind == "expect_table_row_count_to_be_between":
                    count = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                    if (kwargs.get("min_value") is not None and count < kwargs["min_value"]) or (kwargs.get("max_value") is not None and count > kwargs["max_value"]):
                        run.findings.add(Finding(table.shown, 1, "-", meta.get("rule", "row-count"), f"{count} rows; expected {kwargs}", meta.get("hint", ""), "expectations"))
                elif kind == "expect_column_values_to_not_be_null" and kwargs.get("mostly"):
                    total, filled = con.execute(f"SELECT count(*), count({kwargs['column']}) FROM {name}").fetchone()
                    if total and filled / total < kwargs["mostly"]:
                        run.findings.add(Finding(table.shown, 1, kwargs["column"], meta.get("rule", "fill-rate"), f"only {filled / total:.0%} of rows are filled; at least {kwargs['mostly']:.0%} expected", meta.get("hint", ""), "expectations"))
    if any(f.layer in {"structure", "rows", "integrity"} for f in run.findings):
        run.skipped["expectations (cross-table)"] = "the data has findings in earlier layers"
        return
    for item in cross_table_suite()["expectations"]:
        meta = item["meta"]
        if meta.get("needs") == "archived_texts" and run.archive_dir is None:
            continue
        table = meta["table"]
        query = item["kwargs"]["unexpected_rows_query"].replace("{batch}", table)
        keys = ", ".join(meta["key"])
        for line, *key in con.execute(f"SELECT t._line, {', '.join('t.' + k for k in meta['key'])} FROM {table} t WHERE ({keys}) IN ({query}) ORDER BY t._line").fetchall():
            run.findings.add(Finding(run.tables[table].shown, line, meta["column"], meta["rule"], f"{', '.join(map(str, key))}: fails “{item['description']}”", meta["hint"], "expectations"))


# --- the whole fast path ---------------------------------------------------------------------------


def validate_fast(run, layers) -> None:
    """Run the fast path's layers on `run` (a claims.validate.Run), timing each."""
    import time

    from claims.validate import integrity

    with tempfile.TemporaryDirectory(prefix="claims-fast-") as folder:
        con = duckdb.connect(os.path.join(folder, "work.duckdb"))
        con.execute("SET memory_limit = '1400MB'")
        con.execute(f"SET temp_directory = {_q(folder)}")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        run.con = con
        steps = [
            ("structure", lambda: load(run, con)),
            ("rows", lambda: check_rows(run, con)),
            ("integrity", lambda: integrity.check(con, run)),
            ("provenance", lambda: check_provenance(run, con)),
            ("expectations", lambda: check_expectations(run, con)),
        ]
        for name, step in steps:
            if name not in layers:
                continue
            before, started = len(run.findings), time.perf_counter()
            step()
            run.timings[name] = time.perf_counter() - started
            run.counts[name] = len(run.findings) - before
        run.con = None
        con.close()
