"""The Spark engine of `claims validate`: the fast engine's rules, run on Spark SQL.

For data that outgrows one machine. Nothing here restates a rule: the steps are the fast engine's
own (each layer's `check_sql`, as claims.validate.fast runs them), run against `SparkConnection`, which
answers what they ask of a DuckDB connection with a Spark session. Each statement, with the
catalogue's compiled SQL in it, is transpiled from DuckDB's dialect to Spark SQL by sqlglot; the
few forms sqlglot leaves in DuckDB's vocabulary are rewritten in `spark_forms`. Tables are Spark
temporary views, materialised when written. As in the fast engine, SQL only selects the rows that
may break a rule; the rows Spark selects are collected and judged by the same Python reference code.

- structure: each file's bytes are scanned as in the fast engine (structure.byte_scan); a clean file is
  read by Spark's CSV reader as text cells with its line numbers, anything unusual by the reference
  reader (then registered in Spark), so that file-level findings are the reference's own;
- the column types of the schema are applied where the rules need them, by the catalogue's
  TRY_CASTs (a cell that is not of its type is a finding, not a failed load);
- provenance streams the attestations from Spark to compare their excerpts with the archived
  texts by Python's slicing, as the fast engine does.
"""

from __future__ import annotations

import itertools
import os
import unicodedata
from datetime import date
from pathlib import Path

import pyarrow as pa
import sqlglot
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema
from pyspark.sql.types import StringType, StructField, StructType
from sqlglot import exp

from claims.schema import TABLES
from claims.schema.catalogue import CELL_MAX_CHARS
from claims.tablefile import Table, file_problem, read_table
from claims.validate import expectations, integrity, provenance, rows, structure
from claims.validate.run import register_table, run_layers

# The master of the session `claims validate --engine spark` starts when none is running
# (`local[*]`: every core of this machine; a cluster's URL to run there).
MASTER_VARIABLE = "CLAIMS_SPARK_MASTER"


def spark_session() -> SparkSession:
    """The running Spark session, or a new one (master from $CLAIMS_SPARK_MASTER, local by default)."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    session = (
        SparkSession.builder.master(os.environ.get(MASTER_VARIABLE, "local[*]"))
        .appName("claims-validate")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # no progress bars among the findings
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


# --- DuckDB's SQL as Spark SQL -----------------------------------------------------------------------


def _literal(value) -> exp.Expression:
    """A Python parameter as an SQL literal."""
    if value is None:
        return exp.null()
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if isinstance(value, date):
        return exp.cast(exp.Literal.string(value.isoformat()), "DATE")
    if isinstance(value, (int, float)):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def _bind(tree: exp.Expression, params) -> exp.Expression:
    """`?` placeholders replaced by the parameters, in order."""
    values = iter(params or ())
    return tree.transform(lambda node: _literal(next(values)) if isinstance(node, exp.Placeholder) else node)


def _quoted(text: exp.Expression) -> exp.Expression:
    """SQL for a regex that matches `text` literally, in Java's syntax: \\Q…\\E (an \\E inside re-quoted)."""
    inner = exp.Anonymous(this="replace", expressions=[text, exp.Literal.string(r"\E"), exp.Literal.string(r"\E\\E\Q")])
    return exp.Concat(expressions=[exp.Literal.string(r"\Q"), inner, exp.Literal.string(r"\E")])


def spark_forms(node: exp.Expression) -> exp.Expression:
    """The DuckDB functions sqlglot passes through, in Spark's vocabulary (the same meaning)."""
    if isinstance(node, exp.RegexpFullMatch):
        # Java's `$` also matches before a final line break; `\z` is the very end, like RE2's
        anchored = exp.Concat(
            expressions=[exp.Literal.string("^(?:"), node.expression.transform(spark_forms), exp.Literal.string(r")\z")]
        )
        return exp.RegexpLike(this=node.this.transform(spark_forms), expression=anchored)
    if isinstance(node, exp.Anonymous):
        name, args = node.name.lower(), node.expressions
        if name in ("list_bool_or", "list_bool_and") and isinstance(args[0], exp.Transform):
            # any/all of a list mapped by a lambda: Spark's exists/forall of the lambda
            array, function = args[0].this.transform(spark_forms), args[0].expression.transform(spark_forms)
            return exp.Anonymous(this="exists" if name == "list_bool_or" else "forall", expressions=[array, function])
        if name == "regexp_escape":
            return _quoted(args[0].transform(spark_forms))
    if isinstance(node, exp.Select) and len(node.expressions) == 1 and isinstance(node.expressions[0], exp.Tuple):
        # `(a, b) IN (SELECT (a, b) ...)`: Spark compares with the subquery's columns, not a row value
        node.set("expressions", list(node.expressions[0].expressions))
    return node


def to_spark(sql: str, params=None) -> exp.Expression:
    """One DuckDB statement as a Spark SQL syntax tree."""
    return _bind(sqlglot.parse_one(sql, read="duckdb"), params).transform(spark_forms)


def _sql(tree: exp.Expression) -> str:
    # every identifier quoted: DuckDB's plain names (first, last, date) may be keywords in Spark
    return tree.sql(dialect="spark", identify=True)


class Result:
    """The rows of one statement, fetched as DuckDB's cursor gives them."""

    def __init__(self, frame: DataFrame | None):
        self.frame = frame

    def fetchall(self) -> list[tuple]:
        return [] if self.frame is None else [tuple(row) for row in self.frame.collect()]

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None

    def fetchdf(self):
        return self.frame.toPandas()

    def to_arrow_reader(self, batch_size: int):
        """The rows as Arrow record batches of `batch_size` rows, streamed from the executors."""
        if self.frame is None:
            return
        rows, names = self.frame.toLocalIterator(), self.frame.columns
        while chunk := list(itertools.islice(rows, batch_size)):
            yield pa.RecordBatch.from_pylist([dict(zip(names, row)) for row in chunk])


class SparkConnection:
    """What the fast engine asks of a DuckDB connection (execute, executemany, register,
    unregister), answered by a Spark session. Tables are temporary views of cached frames: a view
    keeps the plan it was made from, so that a table written later never changes what an earlier
    view says, and each is computed once, when first used."""

    def __init__(self, spark: SparkSession):
        self.spark = spark
        self.views: set[str] = set()
        self.cached: list[DataFrame] = []
        # Spark SQL has no Unicode normalisation function; the integrity layer's duplicate check needs NFC
        spark.udf.register(
            "nfc_normalize", lambda text: None if text is None else unicodedata.normalize("NFC", text), StringType()
        )

    def frame(self, name: str) -> DataFrame:
        return self.spark.table(name)

    def put(self, name: str, frame: DataFrame) -> None:
        """Make `frame` the table `name`, computed once."""
        self.cached.append(frame.cache())
        frame.createOrReplaceTempView(name)
        self.views.add(name)

    def query(self, tree: exp.Expression) -> DataFrame:
        return self.spark.sql(_sql(tree))

    def _append(self, name: str, frame: DataFrame) -> None:
        """Rows added to table `name`, by position, cast to its columns' types."""
        old = self.frame(name)
        new = frame.toDF(*old.columns).select(*(F.col(f.name).cast(f.dataType) for f in old.schema.fields))
        self.put(name, old.union(new))

    def execute(self, sql: str, params=None) -> Result:
        tree = to_spark(sql, params)
        if isinstance(tree, exp.Create):
            name = tree.this.find(exp.Table).name
            if tree.expression is not None:
                self.put(name, self.query(tree.expression))
            else:  # columns only: an empty table
                columns = ", ".join(column.sql(dialect="spark") for column in tree.this.expressions)
                self.put(name, self.spark.createDataFrame([], schema=columns))
            return Result(None)
        if isinstance(tree, exp.Insert):
            self._append(tree.this.find(exp.Table).name, self.query(tree.expression))
            return Result(None)
        if isinstance(tree, exp.Update):
            name = tree.this.name
            changes = {eq.this.name: eq.expression for eq in tree.expressions}
            where = tree.args["where"].this
            columns = [
                exp.alias_(exp.Case(ifs=[exp.If(this=where.copy(), true=changes[c])], default=exp.column(c)), c)
                if c in changes
                else exp.column(c)
                for c in self.frame(name).columns
            ]
            self.put(name, self.query(exp.select(*columns).from_(name)))
            return Result(None)
        if isinstance(tree, exp.Drop):
            self.unregister(tree.this.name)
            return Result(None)
        return Result(self.query(tree))

    def sql(self, sql: str) -> Result:
        """A query whose rows are read as they come (DuckDB's relation API; `to_arrow_reader`)."""
        return self.execute(sql)

    def executemany(self, sql: str, rows) -> None:
        """Only `INSERT INTO t VALUES (?, …)`: the rows added in one step."""
        tree = sqlglot.parse_one(sql, read="duckdb")
        name = tree.this.find(exp.Table).name
        self._append(name, self.spark.createDataFrame([tuple(row) for row in rows], schema=self.frame(name).schema))

    def register(self, name: str, table: pa.Table) -> None:
        schema = from_arrow_schema(table.schema)
        self.spark.createDataFrame(
            [tuple(row.values()) for row in table.to_pylist()], schema=schema
        ).createOrReplaceTempView(name)
        self.views.add(name)

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        self.views.discard(name)

    def close(self) -> None:
        for name in list(self.views):
            self.unregister(name)
        for frame in self.cached:
            frame.unpersist()


# --- loading ------------------------------------------------------------------------------------------


def _spark_read(con: SparkConnection, path: Path, name: str, columns: list[str], facts: dict) -> int | None:
    """Read a clean file with Spark's CSV reader into table `name`; its row count, or None if the
    reference reader must read it (a record Spark reads otherwise, a cell too long)."""
    # As in structure.duckdb_read: one column more than the schema catches a record with too many
    # cells, an empty last column one with too few, and a quote out of place fails the read.
    schema = StructType([StructField(c, StringType()) for c in [*columns, "_extra", "_corrupt"]])
    raw = con.spark.read.csv(
        str(path),
        schema=schema,
        header=True,
        enforceSchema=True,
        multiLine=True,
        quote='"',
        escape='"',
        encoding="UTF-8",
        mode="PERMISSIVE",
        columnNameOfCorruptRecord="_corrupt",
        unescapedQuoteHandling="RAISE_ERROR",
        maxCharsPerColumn=-1,
        ignoreLeadingWhiteSpace=False,
        ignoreTrailingWhiteSpace=False,
        nullValue=structure.NULL_MARKER,
    )
    # a file read whole is one partition, in file order: the record's index gives its line
    cells = [F.expr(f"NULLIF({c}, '')").alias(c) for c in columns]
    frame = raw.select(*cells, "_extra", "_corrupt", (F.monotonically_increasing_id() + 2).alias("_line"))
    too_long = " OR ".join(f"length({c}) > {CELL_MAX_CHARS}" for c in columns)
    try:
        frame = frame.cache()
        con.cached.append(frame)
        rows, odd, last = frame.selectExpr(
            "count(*)",
            f"count_if(_extra IS NOT NULL OR _corrupt IS NOT NULL OR {columns[-1]} IS NULL OR {too_long})",
            "max(_line)",
        ).first()
    except Exception:  # Spark refused the file: the reference reader says why
        return None
    if not (odd == 0 and rows == facts["newlines"] - 1 and (rows == 0 or last == rows + 1)):
        return None
    con.put(name, frame.select(*columns, "_line"))
    return rows


def load(run, con: SparkConnection) -> None:
    """Every table into Spark (text columns, empty cells NULL, `_line`); file-level findings."""
    for model in TABLES:
        name, columns = model.meta.name, model.columns()
        con.execute(f"CREATE OR REPLACE TABLE _bad_{name} (_line BIGINT)")  # lines the rows layer rejects
        path = run.data_dir / f"{name}.csv"
        table = Table(name, path, run.shown(path), columns)
        run.tables[name] = table
        rows = None
        if path.exists() and file_problem(path) is None:
            try:
                facts = structure.byte_scan(path)
            except OSError:  # vanished or unreadable since: the reference reader says why
                facts = None
            if structure.plain_file(facts, columns):
                rows = _spark_read(con, path, name, columns, facts)
        if rows is not None:
            table.loaded, table.count, table.read_by = True, rows, "spark"
            continue
        table, findings = read_table(path, model, table.shown)
        run.tables[name] = table
        for finding in findings:
            run.findings.add(finding)
        if table.loaded:
            register_table(con, name, table)


# --- the whole Spark path ------------------------------------------------------------------------------


def validate_spark(run, layers, progress=None, spark: SparkSession | None = None) -> None:
    """Run the layers on `run` (a claims.validate.Run) with Spark, timing each: the fast engine's
    steps, each statement transpiled to Spark SQL; `progress` is told each layer's name as it starts."""
    con = SparkConnection(spark or spark_session())
    steps = {
        "structure": lambda: load(run, con),
        "rows": lambda: rows.check_sql(run, con),
        "integrity": lambda: integrity.check_sql(run, con),
        "provenance": lambda: provenance.check_sql(run, con),
        "expectations": lambda: expectations.check_sql(run, con),
    }
    try:
        run_layers(run, [(name, step) for name, step in steps.items() if name in layers], progress)
    finally:
        con.close()
