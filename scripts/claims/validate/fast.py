"""The fast engine of `claims validate`: the catalogue's rules compiled into DuckDB SQL.

The reference layers (frictionless, pydantic, Great Expectations) read rows one by one in Python,
which does not scale to millions of rows. Here the rules run as set operations in DuckDB, and the
SQL only *selects*; the reference still *judges*:

- files are checked byte by byte in chunks, then read by DuckDB's CSV reader; a file with any
  byte-level or CSV problem, or anything DuckDB might read otherwise than Python's csv module
  (a quote outside a well-formed quoted cell, the reader's NULL marker, a very long cell), is
  read by the reference reader instead, so that its findings are the reference's own;
- the rows layer selects the rows that may break a cell or row rule: SQL generated from the rule
  catalogue (schema/catalogue.py) for ID and free-text cells and for the row rules, and, for every
  other column (few distinct values), the reference's verdict on each distinct value. The selected
  rows, and only they, are then judged by the reference itself (frictionless, then pydantic), so
  that every finding, message and hint is the reference's by construction; the integrity layer is
  shared;
- provenance joins the archived texts in SQL; the dataset and cross-table expectation suites are
  run as SQL in the same database.

tests/test_catalogue.py generates, for every rule id, data that breaks it, and compares the two
engines finding by finding.
"""

from __future__ import annotations

import codecs
import itertools
import re
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Annotated

import annotated_types
import duckdb
import pyarrow as pa

from claims.archive import Archive
from claims.database import archived_text_lengths
from claims.expectations import cross_table_suite, suites_for
from claims.findings import internal_error
from claims.schema import TABLES, Row
from claims.schema.catalogue import CELL_MAX_CHARS, ID_PATTERN, id_cell_sql, row_rules, text_cell_sql
from claims.schema.dates import edtf_bounds
from claims.schema.derived import DUCKDB_TYPES, table_schema
from claims.schema.dialect import duckdb_read_csv, sql_string
from claims.schema.expressions import SqlScope
from claims.schema.fields import LIST_SEPARATOR, FreeText, column_metadata
from claims.schema.text import ELISION, WHITESPACE_SQL, quotations_sql
from claims.tablefile import Table, file_problem, read_table
from claims.validate import integrity
from claims.validate import rows as reference_rows
from claims.validate.expectations import cross_table_finding, summary_finding, unexpected_finding
from claims.validate.provenance import (
    SKIPPED_WITHOUT_ARCHIVE,
    date_text_finding,
    date_text_quoted,
    excerpt_findings,
    quote_findings,
    role_findings,
    source_findings,
    title_findings,
    wikidata_findings,
    wikidata_list,
    wikidata_not_checked,
)
from claims.validate.structure import _without_unique, frictionless_findings

CHUNK = 16 << 20
EXCERPT_BATCH = 100_000  # attestations per batch of the excerpt comparison
_q = sql_string
# A well-formed quoted cell, as Python's csv module and DuckDB both read it: a quote at the start of
# a cell (after a delimiter or a line break), quoted text with inner quotes doubled, and the closing
# quote before a delimiter or a line break. Any other quote is where the readers may part: a quote
# inside an unquoted cell (both accept it, but it shifts what follows), whitespace between a
# delimiter and an opening quote or between a closing quote and a delimiter (DuckDB trims it).
QUOTED_CELL = re.compile(rb'"(?<![^,\n]")[^"]*(?:""[^"]*)*"(?![^,\n])')
# A quoted cell holds at most CELL_MAX_CHARS characters of at most 4 bytes each: a chunk whose quotes
# are still open after that many more bytes has a quote out of place.
MAX_CELL_BYTES = 4 * CELL_MAX_CHARS
NULL_MARKER = "\x01"  # the fast reader's NULL string: a file that contains it is read by the reference


# --- loading ------------------------------------------------------------------------------------


def quote_out_of_place(chunk: bytes) -> bool:
    """Whether a quote of `chunk` (records that start and end outside quoted cells) is not part of a
    well-formed quoted cell: then the two CSV readers may read the file differently."""
    return b'"' in chunk and b'"' in QUOTED_CELL.sub(b"", chunk)


def _chunks(handle):
    """The file in chunks of about CHUNK bytes that end at a line break outside quoted cells (an even
    number of quotes before it), so that each chunk holds whole records; a chunk whose quotes stay
    open for more than MAX_CELL_BYTES ends there (its quotes are out of place)."""
    while chunk := handle.read(CHUNK):
        parts = [chunk] if chunk.endswith(b"\n") else [chunk, handle.readline()]
        quotes = sum(part.count(b'"') for part in parts)
        grown = 0
        while quotes % 2 and grown <= MAX_CELL_BYTES and (line := handle.readline()):
            parts.append(line)
            quotes += line.count(b'"')
            grown += len(line)
        yield b"".join(parts)


def byte_scan(path: Path, check_utf8: bool = True) -> dict:
    """One pass over the file in chunks of whole records: NUL bytes, BOM, UTF-8 validity (unless
    `check_utf8` is false: the reader that follows checks it), CRs, line count, header, and the
    bytes that the two CSV readers could read differently."""
    facts = {
        "nul": False,
        "bom": False,
        "utf8": True,
        "cr": False,
        "newlines": 0,
        "final_newline": False,
        "header": b"",
        "size": 0,
        "ambiguous": False,
    }
    decoder = codecs.getincrementaldecoder("utf-8")()
    last = b""
    with path.open("rb") as handle:
        for chunk in _chunks(handle):
            if not last:
                facts["bom"] = chunk.startswith(b"\xef\xbb\xbf")
                facts["header"] = chunk.split(b"\n", 1)[0]
            facts["size"] += len(chunk)
            facts["nul"] |= b"\x00" in chunk
            facts["cr"] |= b"\r" in chunk
            facts["newlines"] += chunk.count(b"\n")
            if not facts["ambiguous"]:
                facts["ambiguous"] = NULL_MARKER.encode() in chunk or quote_out_of_place(chunk)
            try:
                if check_utf8:
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


def plain_file(facts: dict | None, columns: list[str]) -> bool:
    """Whether the byte scan found a file that a fast CSV reader (DuckDB's, Spark's) reads as the
    reference does: no NUL, BOM, invalid UTF-8, CR or ambiguous quote, a final newline, the header."""
    if (
        not facts
        or facts["nul"]
        or facts["bom"]
        or not facts["utf8"]
        or facts["cr"]
        or not facts["final_newline"]
        or facts["ambiguous"]
    ):
        return False
    return facts["header"] == ",".join(columns).encode()


def _put(con, name: str, columns: dict[str, pa.Array]) -> None:
    """A table `name` made from columns of Python values (DuckDB, or the Spark engine's connection)."""
    con.register("_incoming", pa.table(columns))
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def _register(con, name: str, table: Table) -> None:
    """A table read by the reference reader, into DuckDB (only for files that need it)."""
    columns = {
        column: pa.array([row[column] or None for row in table.rows], type=pa.string()) for column in table.columns
    }
    columns["_line"] = pa.array(table.lines, type=pa.int64())
    _put(con, name, columns)


def _duckdb_read(con, path: Path, name: str, columns: list[str]) -> tuple[int, int] | None:
    """Read a file with DuckDB into `_file_{name}`: (records, odd records: too many or too few
    cells, a cell too long), or None if DuckDB cannot read it (a quote out of place, invalid UTF-8)."""
    # One column more than the schema, padding on, and a NULL string no clean file contains: a
    # record with too many cells fills `_extra`, one with too few leaves its last column NULL (an
    # empty cell reads as ''), so both are caught although DuckDB tolerates them.
    cells = ", ".join(f"NULLIF({c}, '') AS {c}" for c in columns)
    odd = " OR ".join(
        ["_extra IS NOT NULL", f"{columns[-1]} IS NULL"] + [f"strlen({c}) > {CELL_MAX_CHARS}" for c in columns]
    )  # strlen counts bytes, never fewer than the characters
    reader = duckdb_read_csv(path, [*columns, "_extra"], null_padding="true", nullstr=_q(NULL_MARKER))
    try:
        con.execute(f"CREATE OR REPLACE TABLE _file_{name} AS SELECT {cells}, {odd} AS _odd FROM {reader}")
        return con.execute(f"SELECT count(*), count(*) FILTER (WHERE _odd) FROM _file_{name}").fetchone()
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS _file_{name}")
        return None


def _scan_and_read(con, scanner, path: Path, name: str, columns: list[str]) -> int | None:
    """Table `name` read by DuckDB, if the byte scan finds a plain file and DuckDB read one line
    per record with the right cells; its row count, or None if the reference reader must read it.

    The bytes are scanned (Python, in `scanner`'s thread) while DuckDB reads the file (which lets
    go of the GIL): a read the scan disowns is dropped. DuckDB keeps the file in `_file_{name}`,
    and `name` is a view of it with `_line`, the record's index in the file (a base table's rowid,
    in the file's order) plus 2 for the header and the 1-based count."""
    # DuckDB's reader rejects invalid UTF-8 in every cell it reads (the header is compared byte
    # for byte), so the scan leaves UTF-8 to it
    scan = scanner.submit(byte_scan, path, False)
    counts = _duckdb_read(con, path, name, columns)
    try:
        facts = scan.result()
    except OSError:  # vanished or unreadable since: the reference reader says why
        facts = None
    # one line per record, the right number of cells, no long cell: the line numbers are exact
    if counts is None or not plain_file(facts, columns) or counts[1] or counts[0] != facts["newlines"] - 1:
        con.execute(f"DROP TABLE IF EXISTS _file_{name}")
        return None
    con.execute(
        f"CREATE OR REPLACE VIEW {name} AS SELECT {', '.join(columns)}, CAST(rowid + 2 AS BIGINT) AS _line FROM _file_{name}"
    )
    return counts[0]


def load(run, con) -> None:
    """Every table into DuckDB (text columns, empty cells NULL, `_line`); file-level findings."""
    with ThreadPoolExecutor(1) as scanner:
        for model in TABLES:
            name, columns = model.meta.name, model.columns()
            con.execute(f"CREATE OR REPLACE TABLE _bad_{name} (_line BIGINT)")  # lines the rows layer rejects
            path = run.data_dir / f"{name}.csv"
            shown = run.shown(path)
            table = Table(name, path, shown, columns)
            run.tables[name] = table
            rows = None
            if path.exists() and file_problem(path) is None:
                rows = _scan_and_read(con, scanner, path, name, columns)
            if rows is not None:
                table.loaded, table.count, table.read_by = True, rows, "duckdb"
                continue
            # anything unusual: the reference reader decides, and its findings are the reference's
            table, findings = read_table(path, model, shown)
            run.tables[name] = table
            for finding in findings:
                run.findings.add(finding)
            if table.loaded:
                _register(con, name, table)


# --- rows: select with SQL from the catalogue, judge with the reference ----------------------------


def bounded_int(info) -> bool:
    """Whether a pydantic field is `int` (or None) with bounds only (annotated_types Ge, Le, Gt,
    Lt): lax validation then accepts every canonical decimal within the bounds."""
    annotation, metadata = column_metadata(info)
    return annotation is int and all(
        isinstance(m, (annotated_types.Ge, annotated_types.Le, annotated_types.Gt, annotated_types.Lt))
        for m in metadata
    )


def selection_kinds(model: type[Row]) -> dict[str, str]:
    """How each column's cells are selected: 'id' and 'text' (a FreeText column) by the catalogue's
    SQL, 'integer' (bounded, nothing else) by canonical form and bounds, 'distinct' by the
    reference's verdict on each distinct value."""
    kinds = {}
    for field in table_schema(model)["fields"]:
        constraints = field.get("constraints", {})
        info = model.model_fields[field["name"]]
        _annotation, metadata = column_metadata(info)
        if constraints.get("pattern") == ID_PATTERN.strip("^$"):
            kinds[field["name"]] = "id"
        elif (
            field["type"] == "integer" and set(constraints) <= {"required", "minimum", "maximum"} and bounded_int(info)
        ):
            kinds[field["name"]] = "integer"
        elif (
            field["type"] == "string"
            and any(isinstance(m, FreeText) for m in metadata)
            and set(constraints) <= {"required", "minLength"}
        ):
            kinds[field["name"]] = "text"
        else:
            kinds[field["name"]] = "distinct"
    return kinds


def reference_rejects(value: str | None, read_cell, adapter) -> bool:
    """Whether the reference layers reject this cell value: frictionless's cell reader (layer 1)
    or the pydantic field (layer 2)."""
    from pydantic import ValidationError

    _cell, notes = read_cell(value)
    if notes:
        return True
    try:
        adapter.validate_python(value)
    except ValidationError:
        return True
    return False


# The canonical decimal form of an integer that fits in a BIGINT: what frictionless's integer
# reader and pydantic's lax int both read (anything else goes to them).
CANONICAL_INTEGER = "0|[1-9][0-9]{0,17}"


def cell_selector(column: str, kind: str, required: bool, constraints: dict) -> str:
    """SQL that is TRUE whenever the reference may reject the cell (ID, text and integer columns)."""
    if required:
        empty = f"{column} IS NULL"
    else:
        empty = "FALSE"
    if kind == "id":
        rules = id_cell_sql(column)
    elif kind == "text":
        rules = text_cell_sql(column)
    else:
        bounds = [f"TRY_CAST({column} AS BIGINT) >= {constraints['minimum']}"] if "minimum" in constraints else []
        bounds += [f"TRY_CAST({column} AS BIGINT) <= {constraints['maximum']}"] if "maximum" in constraints else []
        rules = f"NOT ({' AND '.join([f'regexp_full_match({column}, {_q(CANONICAL_INTEGER)})', *bounds])})"
    return f"({empty} OR coalesce({rules}, FALSE))"


@cache
def cell_judges(model: type[Row], column: str):
    """frictionless's cell reader and a pydantic validator for one column, built once."""
    from frictionless import Field
    from pydantic import TypeAdapter

    info = model.model_fields[column]
    descriptor = next(f for f in table_schema(model)["fields"] if f["name"] == column)
    return Field.from_descriptor(_without_unique(descriptor)).create_cell_reader(), TypeAdapter(
        Annotated[info.annotation, info]
    )


def row_selector(model: type[Row], edtf_low: str | None = None, edtf_high: str | None = None) -> str:
    """SQL that is TRUE whenever a row rule of the catalogue may fire (generated from its conditions);
    `edtf_low` and `edtf_high` are the query's SQL for the bounds of the row's EDTF `date`."""
    types = {f["name"]: DUCKDB_TYPES[f["type"]] for f in table_schema(model)["fields"]}
    scope = SqlScope(types, edtf_low, edtf_high)
    conditions = [f"coalesce({rule.when.sql(scope)}, FALSE)" for rule in row_rules(model.meta.name)]
    return " OR ".join(conditions) or "FALSE"


def check_rows(run, con) -> None:
    """Select the rows that may break a cell or row rule; the reference judges them."""
    edtf_values = set()
    for model in TABLES:
        if run.tables[model.meta.name].loaded and "date" in model.columns():
            edtf_values |= {
                v
                for (v,) in con.execute(
                    f"SELECT DISTINCT date FROM {model.meta.name} WHERE date IS NOT NULL"
                ).fetchall()
            }
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
        joins, selectors = [], []
        for index, (column, kind) in enumerate(selection_kinds(model).items()):
            if kind == "distinct":
                read_cell, adapter = cell_judges(model, column)
                rejected = [
                    (value,)
                    for (value,) in con.execute(f"SELECT DISTINCT {column} FROM {name}").fetchall()
                    if reference_rejects(value, read_cell, adapter)
                ]
                con.execute(f"CREATE OR REPLACE TABLE _v{index} (value VARCHAR)")
                if rejected:
                    con.executemany(f"INSERT INTO _v{index} VALUES (?)", rejected)
                    joins.append(
                        f"LEFT JOIN (SELECT value, TRUE AS bad FROM _v{index}) _v{index} ON _v{index}.value IS NOT DISTINCT FROM t.{column}"
                    )
                    selectors.append(f"_v{index}.bad IS NOT NULL")
            else:
                constraints = schema[column].get("constraints", {})
                selectors.append(cell_selector(f"t.{column}", kind, bool(constraints.get("required")), constraints))
        edtf_join = "LEFT JOIN _edtf ON _edtf.value = t.date" if "date" in schema else ""
        bounds_columns = ", _edtf.lo AS _date_low, _edtf.hi AS _date_high" if edtf_join else ""
        columns = model.columns()
        query = (
            f"WITH c AS (SELECT t.* {bounds_columns}, {' OR '.join(selectors) or 'FALSE'} AS _cells FROM {name} t {' '.join(joins)} {edtf_join}) "
            f"SELECT _line, {', '.join(columns)} FROM c WHERE _cells OR {row_selector(model, '_date_low', '_date_high')} ORDER BY _line"
        )
        selected = con.execute(query).fetchall()
        if not selected:
            continue
        suspects = Table(name, table.path, table.shown, columns, loaded=True)
        suspects.rows = [{column: value or "" for column, value in zip(columns, row[1:])} for row in selected]
        suspects.lines = [row[0] for row in selected]
        for finding in frictionless_findings(model, suspects):
            run.findings.add(finding)
        valid, findings = reference_rows.judge(model, suspects)
        for finding in findings:
            run.findings.add(finding)
        valid_lines = {line for _model, line in valid}
        bad_lines = [(line,) for line in suspects.lines if line not in valid_lines]
        if bad_lines:
            con.executemany(f"INSERT INTO _bad_{name} VALUES (?)", bad_lines)


# --- provenance ----------------------------------------------------------------------------------


def _excerpt_mismatches(con, archive: Archive) -> tuple[list[tuple[int, str]], dict[str, int]]:
    """(line, archive hash) of the attestations in `_cited` whose excerpt is not the archived text
    at their offsets: the reference's own comparison (Python slicing, O(1) per code point), each
    text decoded once, the attestations streamed in batches in order of text; and the length in
    characters of each text read."""
    mismatches, lengths = [], {}
    current, text = None, ""
    reader = con.sql("SELECT _line, sha, cs, ce, excerpt FROM _cited ORDER BY sha, _line").to_arrow_reader(
        EXCERPT_BATCH
    )
    for batch in reader:
        lines, shas, starts, ends, excerpts = (batch.column(i).to_pylist() for i in range(5))
        for line, sha, start, end, excerpt in zip(lines, shas, starts, ends, excerpts):
            if sha != current:
                current, text = sha, archive.text(sha, keep=False)
                if text is not None:  # else gone since the archive was indexed: its source is reported
                    lengths[sha] = len(text)
            if text is not None and text[start:end] != excerpt:
                mismatches.append((line, sha))
    return mismatches, lengths


def _offset(column: str) -> str:
    """SQL: an integer cell the rows layer accepted, as a BIGINT. The reference reads it with
    Python's int(), which also strips Unicode whitespace (a no-break space, say) that DuckDB's
    cast rejects; a cell that still does not convert is NULL, never an error."""
    return f"coalesce(TRY_CAST({column} AS BIGINT), TRY_CAST(regexp_replace({column}, {_q('^' + WHITESPACE_SQL + '+|' + WHITESPACE_SQL + '+$')}, '', 'g') AS BIGINT))"


def check_provenance(run, con, archive: Archive | None = None) -> None:
    """The provenance layer's rules on the rows that passed the rows layer: SQL and a streamed
    excerpt comparison select, the reference's checks (claims.validate.provenance) judge."""
    if run.archive_dir is None:
        run.skipped["provenance"] = SKIPPED_WITHOUT_ARCHIVE
        return
    needed = {"sources", "attestations", "statements", "actors"}
    if any(not run.tables[t].loaded for t in needed):
        return
    for table in needed:
        con.execute(
            f"CREATE OR REPLACE VIEW _ok_{table} AS SELECT * FROM {table} WHERE _line NOT IN (SELECT _line FROM _bad_{table})"
        )
    archive = archive or Archive.open(run.archive_dir)
    add = run.findings.add
    shown = {t: run.tables[t].shown for t in needed}
    sources = con.execute(
        f"SELECT _line, archive_sha256, {_offset('body_char_end')} FROM _ok_sources WHERE archive_sha256 IS NOT NULL ORDER BY _line"
    ).fetchall()
    available = sorted({sha for _line, sha, _end in sources if archive.fetch(sha) is not None})
    _put(con, "_available", {"sha": pa.array(available, pa.string())})
    con.execute(
        f"""CREATE OR REPLACE TABLE _cited AS
           SELECT a._line, a.statement_id, a.event_id, a.source_id, a.excerpt, {_offset("a.char_start")} AS cs, {_offset("a.char_end")} AS ce,
                  {_offset("s.body_char_start")} AS bs, {_offset("s.body_char_end")} AS be, s.archive_sha256 AS sha
           FROM _ok_attestations a JOIN _ok_sources s ON s.source_id = a.source_id
           WHERE s.archive_sha256 IN (SELECT sha FROM _available)"""
    )
    # each text is read once: by the excerpt comparison, or here if no attestation quotes it
    mismatches, lengths = _excerpt_mismatches(con, archive)
    for sha in available:
        if sha not in lengths and (text := archive.text(sha, keep=False)) is not None:
            lengths[sha] = len(text)
    for line, sha, body_end in sources:
        for finding in source_findings(shown["sources"], line, sha, body_end, lengths.get(sha), archive):
            add(finding)
    _put(
        con,
        "_lengths",
        {"sha": pa.array(list(lengths), pa.string()), "length": pa.array(list(lengths.values()), pa.int64())},
    )
    # what the cross-table expectations check offsets against, made before any row is judged
    con.execute(
        "CREATE OR REPLACE TABLE archived_texts AS SELECT sha AS archive_sha256, length AS char_length FROM _lengths"
    )
    mismatched = sorted(set(mismatches))  # a (line, text) pair twice if two sources share a key and a text
    _put(
        con,
        "_mismatched",
        {
            "_line": pa.array([m[0] for m in mismatched], pa.int64()),
            "sha": pa.array([m[1] for m in mismatched], pa.string()),
        },
    )
    # a view: the attestations' excerpts are held once, in _cited
    con.execute(
        """CREATE OR REPLACE VIEW _evidence AS
           SELECT c.*, m._line IS NULL AS matches
           FROM _cited c LEFT JOIN _mismatched m ON m._line = c._line AND m.sha = c.sha"""
    )
    # SQL selects the attestations that may break a rule; the reference's checks judge them
    for line, excerpt, start, end, body_start, body_end, sha in con.execute(
        "SELECT _line, excerpt, cs, ce, bs, be, sha FROM _evidence WHERE NOT matches OR (bs IS NOT NULL AND NOT (bs <= cs AND ce <= be)) ORDER BY _line"
    ).fetchall():
        for finding in excerpt_findings(
            shown["attestations"], line, excerpt, start, end, body_start, body_end, archive.text(sha, keep=False)
        ):
            add(finding)
    suspects = con.execute(
        f"""SELECT DISTINCT s._line, s.statement_id, s.statement_type, s.text FROM _ok_statements s JOIN _evidence e ON e.statement_id = s.statement_id AND e.matches
            WHERE NOT list_bool_and(list_transform(
                    CASE WHEN s.statement_type = 'direct_quote' THEN string_split(s.text, {_q(ELISION)}) ELSE {quotations_sql("s.text")} END,
                    lambda f: contains(e.excerpt, f)))
            ORDER BY s._line"""
    ).fetchall()
    if suspects:
        con.register("_suspects", pa.table({"statement_id": [row[1] for row in suspects]}))
        excerpts: dict[str, list[tuple[str, int]]] = {}
        for statement_id, excerpt, line in con.execute(
            "SELECT statement_id, excerpt, _line FROM _evidence WHERE matches AND statement_id IN (SELECT statement_id FROM _suspects) ORDER BY _line"
        ).fetchall():
            excerpts.setdefault(statement_id, []).append((excerpt, line))
        con.unregister("_suspects")
        for line, statement_id, statement_type, text in suspects:
            for finding in quote_findings(
                shown["statements"], line, statement_type, text, excerpts.get(statement_id, []), shown["attestations"]
            ):
                add(finding)
    roles = con.execute(
        f"""SELECT a._line, a.role, a.role_source_id, s.archive_sha256, {_offset("s.body_char_start")}, {_offset("s.body_char_end")}
           FROM _ok_actors a JOIN _ok_sources s ON s.source_id = a.role_source_id
           WHERE a.role IS NOT NULL AND s.archive_sha256 IN (SELECT sha FROM _lengths) ORDER BY s.archive_sha256, a._line"""
    ).fetchall()
    for line, role, source_id, sha, body_start, body_end in roles:  # grouped by text: each is read once
        for finding in role_findings(
            shown["actors"], line, role, source_id, archive.text(sha, keep=False), body_start, body_end
        ):
            add(finding)
    if run.tables["positions"].loaded:
        _titles(run, con, archive)
    _date_texts(run, con, archive)
    wikidata = wikidata_list(archive)
    if not wikidata.given:
        run.notes.append(wikidata_not_checked(run.archive_dir))
    else:
        for line, wikidata_id, name, aliases in con.execute(
            "SELECT _line, wikidata_id, name, aliases FROM _ok_actors WHERE wikidata_id IS NOT NULL ORDER BY _line"
        ).fetchall():
            for finding in wikidata_findings(
                shown["actors"],
                line,
                wikidata_id,
                {name, *(aliases.split(LIST_SEPARATOR) if aliases else ())},
                wikidata,
            ):
                add(finding)


def _titles(run, con, archive) -> None:
    """Positions' titles quoted verbatim from the article body of their source (the reference's check, on the rows SQL selects)."""
    con.execute(
        "CREATE OR REPLACE VIEW _ok_positions AS SELECT * FROM positions WHERE _line NOT IN (SELECT _line FROM _bad_positions)"
    )
    titles = con.execute(
        f"""SELECT p._line, p.title, p.source_id, s.archive_sha256, {_offset("s.body_char_start")}, {_offset("s.body_char_end")}
           FROM _ok_positions p JOIN _ok_sources s ON s.source_id = p.source_id
           WHERE s.archive_sha256 IN (SELECT sha FROM _lengths) ORDER BY s.archive_sha256, p._line"""
    ).fetchall()
    for line, title, source_id, sha, body_start, body_end in titles:  # grouped by text: each is read once
        for finding in title_findings(
            run.tables["positions"].shown, line, title, source_id, archive.text(sha, keep=False), body_start, body_end
        ):
            run.findings.add(finding)


# Neighbours that make words whole words wherever they stand (the commonest around a date's words).
PLAIN_NEIGHBOURS = ((" ", " "), (" ", "."), (" ", ","))


def _date_texts(run, con, archive) -> None:
    """Date wording quoted from the article body of a source attesting the row (the reference's
    test, date_text_quoted, on what SQL cannot settle). A row is settled in SQL when one of its
    excerpts, matching its archived text inside the body, holds the wording with a space before it
    and a space, comma or full stop after it (PLAIN_NEIGHBOURS: then it is whole words in the body
    too; at the excerpt's ends its neighbours in the text are unknown here). For the other rows each
    distinct (text, body, wording) is judged once, each text read once; a row none of whose sources
    holds its wording is reported with the reference's finding."""
    # substring tests, not Unicode classes or code-point arithmetic (several times slower a row)
    settled = " OR ".join(
        f"contains(e.excerpt, {_q(left)} || t.date_text || {_q(right)})" for left, right in PLAIN_NEIGHBOURS
    )
    dated = []
    for table, key in (("statements", "statement_id"), ("events", "event_id")):
        if table == "events":
            if not run.tables["events"].loaded:
                continue
            con.execute(
                "CREATE OR REPLACE VIEW _ok_events AS SELECT * FROM events WHERE _line NOT IN (SELECT _line FROM _bad_events)"
            )
        dated.append(
            f"""SELECT '{table}' AS tbl, t._line, t.date_text, e.source_id, e.sha, e.bs, e.be,
                  e.matches AND (e.bs IS NULL OR (e.bs <= e.cs AND e.ce <= e.be)) AND ({settled}) AS settled
               FROM _ok_{table} t JOIN _evidence e ON e.{key} = t.{key} WHERE t.date_text IS NOT NULL"""
        )
    con.execute(
        f"""CREATE OR REPLACE TABLE _dated AS
           WITH attested AS ({" UNION ALL ".join(dated)})
           SELECT * FROM attested WHERE (tbl, _line) NOT IN (SELECT (tbl, _line) FROM attested WHERE settled)"""
    )
    quoted = []
    current, text = None, None
    for sha, body_start, body_end, words in con.execute(
        "SELECT DISTINCT sha, bs, be, date_text FROM _dated ORDER BY sha"
    ).fetchall():
        if sha != current:
            current, text = sha, archive.text(sha, keep=False)
        if text is not None and date_text_quoted(words, text, body_start, body_end):
            quoted.append((sha, body_start, body_end, words))
    _put(
        con,
        "_quoted_dates",
        {
            "sha": pa.array([q[0] for q in quoted], pa.string()),
            "bs": pa.array([q[1] for q in quoted], pa.int64()),
            "be": pa.array([q[2] for q in quoted], pa.int64()),
            "date_text": pa.array([q[3] for q in quoted], pa.string()),
        },
    )
    unquoted = con.execute(
        """WITH judged AS (
             SELECT d.tbl, d._line, d.date_text, d.source_id, q.sha IS NOT NULL AS quoted FROM _dated d
             LEFT JOIN _quoted_dates q ON q.sha = d.sha AND q.date_text = d.date_text
               AND q.bs IS NOT DISTINCT FROM d.bs AND q.be IS NOT DISTINCT FROM d.be)
           SELECT DISTINCT tbl, _line, date_text, source_id FROM judged
           WHERE (tbl, _line) NOT IN (SELECT (tbl, _line) FROM judged WHERE quoted)
           ORDER BY tbl, _line, source_id"""
    ).fetchall()
    for (table, line, words), group in itertools.groupby(unquoted, key=lambda row: row[:3]):
        run.findings.add(date_text_finding(run.tables[table].shown, line, words, [row[3] for row in group]))


# --- expectations, compiled ------------------------------------------------------------------------


def _unexpected_by_value(con, name: str, column: str, fails) -> list[tuple[int, object]]:
    """(line, value) of the cells whose distinct value `fails` (a Python test, as GX runs it on pandas)."""
    bad = [
        value
        for (value,) in con.execute(f"SELECT DISTINCT {column} FROM {name} WHERE {column} IS NOT NULL").fetchall()
        if fails(value)
    ]
    if not bad:
        return []
    con.register("_unexpected", pa.table({"value": pa.array(bad, pa.string())}))
    rows = con.execute(
        f"SELECT _line, {column} FROM {name} WHERE {column} IN (SELECT value FROM _unexpected) ORDER BY _line"
    ).fetchall()
    con.unregister("_unexpected")
    return rows


def _strptime_fails(fmt: str):
    from datetime import datetime

    def fails(value: str) -> bool:
        try:
            datetime.strptime(value, fmt)
        except ValueError:
            return True
        return False

    return fails


def _length_outside(kwargs: dict) -> str:
    """SQL: the cell's length in characters is outside the expectation's bounds (either may be
    absent). Each cell's length is computed once: it walks the whole text."""
    column, low, high = kwargs["column"], kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        return f"length({column}) NOT BETWEEN {low} AND {high}"
    if low is not None:
        return f"length({column}) < {low}"
    return f"length({column}) > {high}" if high is not None else "FALSE"


# Each expectation kind the suites use, compiled: a function of (connection, table, kwargs) that
# returns the unexpected (line, value) pairs of a map expectation, or ("observed", value, passed).
COMPILED_EXPECTATIONS = {
    "expect_column_values_to_not_be_null": lambda con, t, k: con.execute(
        f"SELECT _line, NULL FROM {t} WHERE {k['column']} IS NULL ORDER BY _line"
    ).fetchall(),
    # selected in SQL, confirmed with Python's re as GX does on pandas
    "expect_column_values_to_match_regex": lambda con, t, k: [
        (line, value)
        for line, value in con.execute(
            f"SELECT _line, {k['column']} FROM {t} WHERE NOT regexp_matches({k['column']}, {_q(k['regex'])}) ORDER BY _line"
        ).fetchall()
        if not re.search(k["regex"], value)
    ],
    "expect_column_values_to_be_in_set": lambda con, t, k: con.execute(
        f"SELECT _line, {k['column']} FROM {t} WHERE {k['column']} NOT IN ({', '.join(_q(v) for v in k['value_set'])}) ORDER BY _line"
    ).fetchall(),
    "expect_column_value_lengths_to_be_between": lambda con, t, k: con.execute(
        f"SELECT _line, {k['column']} FROM {t} WHERE {_length_outside(k)} ORDER BY _line"
    ).fetchall(),
    "expect_column_values_to_match_strftime_format": lambda con, t, k: _unexpected_by_value(
        con, t, k["column"], _strptime_fails(k["strftime_format"])
    ),
    "expect_column_values_to_be_unique": lambda con, t, k: con.execute(
        f"SELECT _line, {k['column']} FROM {t} WHERE {k['column']} IN (SELECT {k['column']} FROM {t} GROUP BY ALL HAVING count(*) > 1) ORDER BY _line"
    ).fetchall(),
    "expect_compound_columns_to_be_unique": lambda con, t, k: [
        (row[0], dict(zip(k["column_list"], row[1:])))
        for row in con.execute(
            f"SELECT _line, {', '.join(k['column_list'])} FROM {t} WHERE ({', '.join(k['column_list'])}) IN "
            f"(SELECT ({', '.join(k['column_list'])}) FROM {t} GROUP BY ALL HAVING count(*) > 1) ORDER BY _line"
        ).fetchall()
    ],
    "expect_table_row_count_to_be_between": lambda con, t, k: (
        "observed",
        (count := con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]),
        (k.get("min_value") is None or count >= k["min_value"])
        and (k.get("max_value") is None or count <= k["max_value"]),
    ),
    "expect_table_columns_to_match_ordered_list": lambda con, t, k: (
        "observed",
        (columns := [c for c in con.execute(f"SELECT * FROM {t} LIMIT 0").fetchdf().columns if c != "_line"]),
        columns == list(k["column_list"]),
    ),
}


# For the map expectations a table has many of: an SQL count that is 0 only when the expectation
# passes, so that one scan of the table tells which expectations need their rows fetched.
MAY_FAIL = {
    "expect_column_values_to_not_be_null": lambda k: f"count(*) FILTER (WHERE {k['column']} IS NULL)",
    "expect_column_values_to_match_regex": lambda k: (
        f"count(*) FILTER (WHERE NOT regexp_matches({k['column']}, {_q(k['regex'])}))"
    ),
    "expect_column_values_to_be_in_set": lambda k: (
        f"count(*) FILTER (WHERE {k['column']} NOT IN ({', '.join(_q(v) for v in k['value_set'])}))"
    ),
    "expect_column_value_lengths_to_be_between": lambda k: f"count(*) FILTER (WHERE {_length_outside(k)})",
    "expect_column_values_to_be_unique": lambda k: f"count({k['column']}) - count(DISTINCT {k['column']})",
}


def _may_fail(con, name: str, items: list[dict]) -> list[bool]:
    """For each expectation of a table, whether it may fail: one scan for all of them."""
    counts = [
        MAY_FAIL[item["type"]](item["kwargs"])
        for item in items
        if item["type"] in MAY_FAIL and not item["kwargs"].get("mostly")
    ]
    found = iter(con.execute(f"SELECT {', '.join(counts)} FROM {name}").fetchone() if counts else ())
    return [
        next(found) > 0 if item["type"] in MAY_FAIL and not item["kwargs"].get("mostly") else True for item in items
    ]


def check_expectations(run, con) -> None:
    """Every suite as SQL: each expectation kind compiled (COMPILED_EXPECTATIONS), its findings
    worded by the reference layer's functions; then the cross-table queries."""
    for model in TABLES:
        name = model.meta.name
        table = run.tables[name]
        if not table.loaded:
            continue
        for suite in suites_for(name):
            for item, may_fail in zip(suite["expectations"], _may_fail(con, name, suite["expectations"])):
                kind, kwargs, meta = item["type"], item["kwargs"], item.get("meta") or {}
                if not may_fail:
                    continue
                if kind not in COMPILED_EXPECTATIONS:
                    raise NotImplementedError(
                        f"expectation kind {kind} has no compiled form in claims/validate/fast.py"
                    )
                if kind == "expect_column_values_to_not_be_null" and kwargs.get("mostly"):
                    total, filled = con.execute(f"SELECT count(*), count({kwargs['column']}) FROM {name}").fetchone()
                    if total and filled / total < kwargs["mostly"]:
                        run.findings.add(summary_finding(table.shown, kind, kwargs, meta, filled=filled / total))
                    continue
                outcome = COMPILED_EXPECTATIONS[kind](con, name, kwargs)
                if isinstance(outcome, tuple):
                    _observed, observed, passed = outcome
                    if not passed:
                        run.findings.add(summary_finding(table.shown, kind, kwargs, meta, observed=observed))
                    continue
                for line, value in outcome:
                    run.findings.add(unexpected_finding(table.shown, kind, kwargs, meta, line, value))
    if any(f.layer in {"structure", "rows", "integrity"} for f in run.findings):
        run.skipped["expectations (cross-table)"] = "the data has findings in earlier layers"
        return
    if run.archive_dir is not None and "provenance" not in run.timings:
        _archived_lengths(run, con)  # the provenance layer, which writes them, did not run
    for item in cross_table_suite()["expectations"]:
        meta = item["meta"]
        if meta.get("needs") == "archived_texts" and run.archive_dir is None:
            continue
        table = meta["table"]
        query = item["kwargs"]["unexpected_rows_query"].replace("{batch}", table)
        keys = ", ".join(meta["key"])
        for line, *key in con.execute(
            f"SELECT t._line, {', '.join('t.' + k for k in meta['key'])} FROM {table} t WHERE ({keys}) IN ({query}) ORDER BY t._line"
        ).fetchall():
            run.findings.add(cross_table_finding(run.tables[table].shown, line, meta, key, item["description"]))


def _archived_lengths(run, con) -> None:
    """archived_texts: the length of each archived text the sources cite (what the cross-table
    suite checks offsets against), as the published database has it (claims.database)."""
    lengths = archived_text_lengths(con, run.archive_dir)
    con.execute("CREATE OR REPLACE TABLE archived_texts (archive_sha256 VARCHAR, char_length BIGINT)")
    if lengths:
        con.executemany("INSERT INTO archived_texts VALUES (?, ?)", lengths)


# --- the whole fast path ---------------------------------------------------------------------------


def validate_fast(run, layers, progress=None) -> None:
    """Run the fast path's layers on `run` (a claims.validate.Run), timing each; `progress` is
    told each layer's name as it starts."""
    with tempfile.TemporaryDirectory(prefix="claims-fast-") as folder, ThreadPoolExecutor(1) as background:
        con = duckdb.connect(":memory:")  # tables spill to temp_directory past the memory limit
        con.execute("SET memory_limit = '1400MB'")
        con.execute(f"SET temp_directory = {_q(folder)}")
        con.execute("SET preserve_insertion_order = true")
        con.execute("SET enable_progress_bar = false")
        run.con = con
        # Hashing the archive's files (to find texts by hash) is reading and hashlib, which let
        # go of the GIL: it runs beside the first layers, on the core their Python leaves idle.
        archive = None
        if run.archive_dir is not None and "provenance" in layers:
            archive = background.submit(Archive.open, run.archive_dir)
        steps = [
            ("structure", lambda: load(run, con)),
            ("rows", lambda: check_rows(run, con)),
            ("integrity", lambda: integrity.check_tables(run, con)),
            ("provenance", lambda: check_provenance(run, con, archive.result() if archive else None)),
            ("expectations", lambda: check_expectations(run, con)),
        ]
        for name, step in steps:
            if name not in layers:
                continue
            before, started = len(run.findings), time.perf_counter()
            if progress:
                progress(name)
            try:
                step()
            except Exception as error:  # as in the reference: a bug ends in a finding, not exit 3
                run.findings.add(internal_error(name, error))
            run.timings[name] = time.perf_counter() - started
            run.counts[name] = len(run.findings) - before
        run.con = None
        con.close()
