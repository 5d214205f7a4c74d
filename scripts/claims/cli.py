"""The `claims` command line. Each command mirrors a function of the Python API."""

from __future__ import annotations

import errno
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import click

from claims import __version__
from claims.archive import Location, LocationError, is_url, parse_location
from claims.progress import progress

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO / "data"


def default_archive() -> Location | None:
    """$CLAIMS_ARCHIVE (a folder or a store's http(s) base URL), else ../shared/sources beside the
    repository, if it exists."""
    if os.environ.get("CLAIMS_ARCHIVE"):
        return parse_location(os.environ["CLAIMS_ARCHIVE"])
    candidate = REPO.parent / "shared" / "sources"
    return candidate if candidate.is_dir() else None


class ArchiveLocation(click.ParamType):
    """--archive: a local folder, or the base URL of a content-addressed store (BASE/<sha256>)."""

    name = "DIR|URL"

    def convert(self, value, param, ctx):
        try:
            return parse_location(value)
        except LocationError as error:
            self.fail(str(error), param, ctx)


ARCHIVE = ArchiveLocation()
ARCHIVE_HELP = "Archive of source texts: a folder, or an http(s) store's base URL (token in $CLAIMS_ARCHIVE_TOKEN). Default: $CLAIMS_ARCHIVE or ../shared/sources."


class ClaimsGroup(click.Group):
    """Turns an unexpected error into one clear line (exit 3) instead of a traceback;
    CLAIMS_DEBUG=1 shows the traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit, KeyboardInterrupt):
            raise
        except LocationError as error:  # $CLAIMS_ARCHIVE or $CLAIMS_ARCHIVE_TIMEOUT: a usage error, not a bug
            raise click.UsageError(str(error), ctx) from None
        except BrokenPipeError:
            # the reader went away (`claims locate … | head`): nothing more to say, to anyone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except Exception as error:
            if os.environ.get("CLAIMS_DEBUG"):
                raise
            advice = environment_problem(error)
            if advice:
                click.echo(f"claims: error: {advice}", err=True)
                ctx.exit(1)
            click.echo(f"claims: error: {type(error).__name__}: {error} (this is a bug in claims; CLAIMS_DEBUG=1 shows the details)", err=True)
            ctx.exit(3)


# Errors of the machine, not of claims: what the message says, and what to do about it.
FULL_DISK = ("No space left on device", "database or disk is full", "Disk quota exceeded")
READ_ONLY = ("Read-only file system", "Permission denied", "attempt to write a readonly database")


def environment_problem(error: BaseException) -> str | None:
    """One line saying what to do, if `error` (or what caused it) is a full disk or a folder that
    cannot be written; None for anything else (a bug)."""
    from claims.build import OutputUnusable

    while error is not None:
        if isinstance(error, OutputUnusable):
            return str(error)
        text = str(error)
        where = f" ({error.filename})" if isinstance(error, OSError) and error.filename else ""
        if (isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)) or any(s in text for s in FULL_DISK):
            return f"the disk is full{where}: free some space (or choose another folder with --out) and run again"
        if (isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)) or any(s in text for s in READ_ONLY):
            return f"cannot write{where}: {text}; make the folder writable or choose another with --out"
        error = error.__cause__ or error.__context__
    return None


@click.group(cls=ClaimsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claims")
def cli() -> None:
    """Validate, build and publish the source-anchored claims dataset."""


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
@click.option("--no-archive", is_flag=True, help="Skip the provenance layer even if an archive is found.")
@click.option("--layers", default=None, metavar="NAMES", help="Comma-separated layers to run, with the layers they need (provenance needs rows; expectations need rows and integrity; all need structure): structure,rows,integrity,provenance,expectations. Default: all.")
@click.option("--engine", type=click.Choice(["fast", "reference", "spark"]), default="fast", show_default=True, help="fast: the rules and suites compiled to DuckDB SQL, at every size; reference: frictionless, pydantic and Great Expectations row by row (what the fast engine is proved equal to; slower to start); spark: the fast engine's SQL transpiled to Spark SQL, on a local session or $CLAIMS_SPARK_MASTER, for data beyond one machine (needs pyspark and Java 17).")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
def validate(data_dir: Path, archive_dir: Path | None, no_archive: bool, layers: str | None, engine: str, quiet: bool) -> None:
    """Check the CSV tables in layers: structure, rows, integrity, provenance.

    Prints every finding as FILE:LINE: column: [rule] message, with a hint. Exits 0 when the data
    is clean, 1 when there are findings, 2 on usage errors. Never modifies a file.
    """
    from claims.validate import LAYER_NAMES
    from claims.validate import validate as run_validation

    chosen = tuple(name.strip() for name in layers.split(",")) if layers else None
    unknown = set(chosen or ()) - set(LAYER_NAMES)
    if unknown:
        raise click.UsageError(f"--layers: unknown layer(s) {', '.join(sorted(unknown))}; choose from {', '.join(LAYER_NAMES)}")
    if not data_dir.is_dir():
        raise click.UsageError(f"--data {data_dir}: no such folder")
    if engine == "spark" and (importlib.util.find_spec("pyspark") is None or not (shutil.which("java") or os.environ.get("JAVA_HOME"))):
        raise click.UsageError("--engine spark needs pyspark and a Java 17 runtime: pip install 'pyspark>=4.0,<4.1' and install Java 17 (or set JAVA_HOME)")
    archive = _archive_option(archive_dir, no_archive)
    with progress("claims validate") as step:
        run = run_validation(data_dir, archive, progress=lambda layer: step(f"{layer} layer"), layers=chosen, engine=engine)
    for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
        click.echo(finding.format())
    if not quiet:
        _summary(run)
    sys.exit(0 if run.ok else 1)


def _summary(run) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=True, highlight=False)
    table = Table(title="claims validate", title_justify="left")
    for column in ("layer", "findings", "seconds", "status"):
        table.add_column(column, justify="right" if column in {"findings", "seconds"} else "left")
    for layer, seconds in run.timings.items():
        status = "skipped" if layer in run.skipped else ("ok" if run.counts[layer] == 0 else "failed")
        table.add_row(layer, str(run.counts[layer]), f"{seconds:.2f}", status)
    console.print(table)
    for layer, why in run.skipped.items():
        console.print(f"[yellow]{layer} layer skipped:[/] {why}")
    for note in run.notes:
        console.print(f"[yellow]note:[/] {note}")
    rows = sum(t.count for t in run.tables.values())
    verdict = "[green]valid[/]" if run.ok else f"[red]{len(run.findings)} finding(s)[/]"
    console.print(f"{len(run.tables)} tables, {rows} rows in {run.data_dir} ({run.engine} engine): {verdict}")


def _archive_option(archive_dir: Location | None, no_archive: bool = False) -> Location | None:
    """The archive to use: --archive, else $CLAIMS_ARCHIVE or ../shared/sources; a folder is checked to exist."""
    archive = None if no_archive else (archive_dir or default_archive())
    if archive is not None and not is_url(archive) and not Path(archive).is_dir():
        raise click.UsageError(f"archive folder {archive}: no such folder")
    return archive


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=REPO / "build", show_default="build/", help="Folder to write the outputs to.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
@click.option("--no-archive", is_flag=True, help="Build without the archive (skips the provenance layer and archived_texts).")
def build(data_dir: Path, out_dir: Path, archive_dir: Path | None, no_archive: bool) -> None:
    """Validate the CSVs, then write build/claims.duckdb, build/parquet/*.parquet and build/claims.db.

    Refuses to build (exit 1, with the findings) from data that does not validate, and (exit 1,
    before validating) into a folder that is read-only, short of space or held by another build.
    Outputs are written to a new folder under build/.versions/ and made current together by one
    symlink switch (build/current), so an interrupted build leaves the previous one intact.
    """
    from rich.console import Console

    from claims.build import BuildRefused
    from claims.build import build as run_build

    if not data_dir.is_dir():
        raise click.UsageError(f"--data {data_dir}: no such folder")
    archive = _archive_option(archive_dir, no_archive)
    console = Console(stderr=True, highlight=False)
    try:
        with progress("claims build", console) as step:
            step("validating")
            _run, result = run_build(data_dir, out_dir, archive, progress=lambda output: step(f"building {output}"), validation_progress=lambda layer: step(f"validating: {layer} layer"))
    except BuildRefused as refused:
        for finding in sorted(refused.args[0].findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
            click.echo(finding.format())
        console.print(f"[red]not built:[/] the data has {len(refused.args[0].findings)} finding(s); fix them and build again")
        sys.exit(1)
    for path in result.outputs:
        console.print(f"wrote {os.path.relpath(path)}")
    console.print(f"{sum(result.rows.values())} rows in {len(result.rows)} tables")


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=REPO / "build", show_default="build/", help="Folder to build into.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--no-build", is_flag=True, help="Serve the existing build/claims.db without rebuilding.")
def serve(data_dir: Path, out_dir: Path, archive_dir: Path | None, port: int, no_build: bool) -> None:
    """Validate, build and serve the data with Datasette on 127.0.0.1, read-only.

    The database is served immutable, with a SQL time limit and a cap on returned rows; downloads
    of the database and CSV export stay on. Stop with Ctrl-C.
    """
    from claims.publish import free_port, port_is_free, serve_command

    if port and not port_is_free(port):  # before building: say so at once, not after a minute
        raise click.UsageError(f"port {port} on 127.0.0.1 is in use: choose another with --port N (make serve PORT=N), or --port 0 for a free one")
    if not no_build:
        ctx = click.get_current_context()
        ctx.invoke(build, data_dir=data_dir, out_dir=out_dir, archive_dir=archive_dir, no_archive=False)
    database = out_dir / "claims.db"
    if not database.is_file():
        raise click.UsageError(f"{database} does not exist: run `claims build` first")
    port = port or free_port()
    if not port_is_free(port):
        raise click.UsageError(f"port {port} on 127.0.0.1 was taken while building: choose another with --port N, or --port 0 for a free one")
    with progress("claims serve") as step:
        step("starting Datasette")
        command = serve_command(database, port)
    click.echo(f"serving {os.path.relpath(database)} at http://127.0.0.1:{port}/  (Ctrl-C to stop)", err=True)
    os.execv(command[0], command)


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=REPO / "dist" / "site", show_default="dist/site/", help="Folder to write (replaced whole).")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
def publish(data_dir: Path, out_dir: Path, archive_dir: Path | None) -> None:
    """Write a folder a hosting service can serve: the immutable database, metadata, settings,
    templates, the project source with its plugin (installed editable), pinned requirements, a
    Dockerfile and serve.sh.

    Validates first and refuses (exit 1) data with findings. Serve the folder with
    `datasette serve FOLDER` (or `FOLDER/serve.sh`, or `docker build FOLDER`): the same hardened
    settings as `claims serve`.
    """
    from claims.deploy import publish as write_site
    from claims.validate import validate as run_validation

    if not data_dir.is_dir():
        raise click.UsageError(f"--data {data_dir}: no such folder")
    archive = _archive_option(archive_dir)
    run = run_validation(data_dir, archive)
    if not run.ok:
        click.echo(f"claims publish: the data has {len(run.findings)} finding(s): run `claims validate` and fix them", err=True)
        sys.exit(1)
    files = write_site(data_dir, out_dir, archive)
    for path in files:
        click.echo(f"wrote {os.path.relpath(path)}")
    click.echo(f"serve it with: datasette serve {os.path.relpath(out_dir)}   (or docker build {os.path.relpath(out_dir)})", err=True)


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=REPO / "build", show_default="build/", help="Folder to write data_docs/ into.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
def docs(data_dir: Path, out_dir: Path, archive_dir: Path | None) -> None:
    """Build Great Expectations Data Docs (HTML) into build/data_docs/ for the current data, and
    check that the fast engine (the suites compiled to SQL, what `claims validate` runs) and the
    reference (frictionless, pydantic, Great Expectations) report the same findings on it.

    The pages load nothing from third parties: their scripts, styles and fonts are copies that
    `make setup` vendored from the npm registry (pinned versions, checked hashes). Exits 1 if the
    engines disagree.
    """
    from claims.docs import build_docs, engines_disagree
    from claims.vendor import VendorMissing

    if not data_dir.is_dir():
        raise click.UsageError(f"--data {data_dir}: no such folder")
    archive = _archive_option(archive_dir)
    try:
        index = build_docs(data_dir, out_dir, archive)
    except VendorMissing as missing:
        raise click.ClickException(str(missing)) from None
    click.echo(f"wrote {os.path.relpath(index)}")
    count, disagreements = engines_disagree(data_dir, archive)
    if disagreements:
        for line in disagreements:
            click.echo(line, err=True)
        raise click.ClickException(f"the engines disagree on {len(disagreements)} finding(s): a bug in the rule catalogue or the compiled suites (schema/catalogue.py, claims/validate/fast.py)")
    click.echo(f"the fast engine and the reference (Great Expectations) agree: {count} finding(s) each")


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
def fmt(data_dir: Path, check: bool) -> None:
    """Rewrite the CSV tables in canonical form: schema column order, rows sorted by key, LF,
    minimal quoting, NFC text, no whitespace around IDs. Lossless and idempotent."""
    from claims.fmt import format_tables

    if not data_dir.is_dir():
        raise click.UsageError(f"--data {data_dir}: no such folder")
    changed, errors = format_tables(data_dir, check=check)
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {os.path.relpath(path)}")
    for path, why in errors.items():
        click.echo(f"{os.path.relpath(path)}: cannot format: {why}", err=True)
    if check and changed:
        click.echo("run `claims fmt` to put the tables in canonical form", err=True)
    sys.exit(1 if errors or (check and changed) else 0)


@cli.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=REPO, show_default="this repository", help="The git repository.")
@click.option("--summary", is_flag=True, help="Print only the one-line summary.")
@click.option("--strict-ids", is_flag=True, help="Exit 1 if a row of published_ids or retired_ids was removed or changed (the ID history only grows).")
def diff(base: str, head: str | None, repo: Path, summary: bool, strict_ids: bool) -> None:
    """Show the data changes from git revision BASE to HEAD (default: the working tree), as Markdown.

    Per table: rows added, removed and changed (matched by primary key), with changed columns
    as old → new. The pull-request workflow writes this to the job summary.
    """
    from claims.diff import RevisionError, markdown, summary_line
    from claims.diff import diff as run_diff

    try:
        diffs = run_diff(repo, base, head)
    except RevisionError as error:
        raise click.UsageError(str(error)) from None
    click.echo(summary_line(diffs) if summary else markdown(diffs, base, head), nl=summary)
    from claims.diff import lost_ids

    lost = lost_ids(diffs)
    if lost and strict_ids:
        for item in lost:
            click.echo(f"claims diff: the ID history lost {item}: published and retired IDs are never removed", err=True)
        sys.exit(1)


@cli.command()
@click.argument("version")
@click.option("--dist", "dist_dir", type=click.Path(file_okay=False, path_type=Path), default=REPO / "dist", show_default="dist/", help="Folder to write the bundle into.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
def release(version: str, dist_dir: Path, archive_dir: Path | None) -> None:
    """Make the versioned bundle dist/peace-plan-claims-VERSION/ (zip of CSVs and datapackage.json,
    Parquet, DuckDB, SQLite, JSON-LD and PROV exports, release notes, SHA256SUMS).

    VERSION must be the newest section of CHANGELOG.md. Records the IDs it publishes in
    data/published_ids.csv: commit that file with the release.
    """
    from claims.release import ReleaseRefused
    from claims.release import release as make_release

    try:
        with progress("claims release") as step:
            bundle = make_release(version, dist_dir=dist_dir, archive_dir=_archive_option(archive_dir), progress=step)
    except ReleaseRefused as refused:
        click.echo(f"claims release: {refused}", err=True)
        sys.exit(1)
    for line in (bundle / "SHA256SUMS").read_text().splitlines():
        click.echo(line)
    click.echo(f"released {os.path.relpath(bundle)}; commit data/published_ids.csv", err=True)


@cli.command()
@click.option("--statements", "-n", type=click.IntRange(50, None), required=True, help="Number of statements (other tables in proportion).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write datapackage.json, data/ and archive/ into.")
@click.option("--seed", default=2025, show_default=True, help="Random seed: the same seed gives the same files.")
def synth(statements: int, out_dir: Path, seed: int) -> None:
    """Write a schema-valid synthetic dataset: OUT/datapackage.json, OUT/data/*.csv, OUT/archive/.

    `claims validate --data OUT/data --archive OUT/archive` passes on it.
    """
    from claims.synth import synth as make

    with progress("claims synth") as step:
        counts = make(statements, out_dir, seed, progress=step)
    click.echo(f"wrote {sum(counts.values())} rows in {len(counts)} tables to {os.path.relpath(out_dir)}")


@cli.command()
@click.option("--sizes", default="10000,100000,1000000", show_default=True, help="Comma-separated numbers of statements.")
@click.option("--work", "work_dir", type=click.Path(file_okay=False, path_type=Path), default=REPO / "build" / "bench", show_default="build/bench/", help="Folder for the synthetic datasets (reused between runs).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=REPO / "docs", show_default="docs/", help="Where benchmark.md and benchmark.svg go.")
@click.option("--frictionless-budget", default=300.0, show_default=True, help="Seconds frictionless may take at one size; beyond, it is stopped and extrapolated (0 skips it).")
@click.option("--step-budget", default=1800.0, show_default=True, help="Seconds any other step may take.")
@click.option("--no-datasette", is_flag=True, help="Skip the Datasette response times.")
def bench(sizes: str, work_dir: Path, out_dir: Path, frictionless_budget: float, step_budget: float, no_datasette: bool) -> None:
    """Measure validate, frictionless, the honest floor, build and Datasette at several sizes.

    Prints a Markdown table (wall time, peak memory, ratios to the honest floor, the bare scan and
    frictionless; each layer and each build output; Datasette p50/p95 and a load test of 200
    requests, 8 at a time) and issue 12's targets, met or missed by how much; writes
    OUT/benchmark.md and a log-log plot OUT/benchmark.svg. Datasets in WORK are reused.
    """
    from rich.console import Console

    from claims import bench as benchmark

    numbers = [int(size) for size in sizes.split(",")]
    console = Console(stderr=True)
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with progress("claims bench", console) as step:
        results = benchmark.bench(numbers, work_dir, frictionless_budget, step_budget, datasette=not no_datasette, progress=step)
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    table = benchmark.markdown(results)
    goals = "\n".join(benchmark.targets(results))
    click.echo(table)
    click.echo(goals)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "benchmark.md").write_text(
        f"# Benchmark\n\nMeasured by `claims bench --sizes {sizes}` on this machine ({os.cpu_count()} cores). "
        f"Wall time and peak resident memory of each step, each in its own process (spawned by a small launcher, so that "
        f"no step inherits the bench's own peak); load average before the run: {load_before}, after: {load_after}. "
        f"The honest floor is the least work any correct validator must do: DuckDB reads every table with the schema's column types, "
        f"one query per declared primary and foreign key, and every excerpt is compared with its archived text by slicing the decoded text. "
        f"Datasette rows give the p95 latency of 30 requests one at a time; the load test sends 200 mixed requests (table pages, searches, "
        f"canned queries), 8 at a time.\n\n"
        f"![time against rows, log-log](benchmark.svg)\n\n{table}\n## Targets\n\n{goals}\n",
        encoding="utf-8",
    )
    (out_dir / "benchmark.svg").write_text(benchmark.plot_svg(results), encoding="utf-8")
    console.print(f"wrote {os.path.relpath(out_dir / 'benchmark.md')} and benchmark.svg")


@cli.command()
@click.option("--check", is_flag=True, help="Exit 1 if a generated file differs from what the schema generates; write nothing.")
def generate(check: bool) -> None:
    """Regenerate everything derived from the schema: datapackage.json, schema/ddl.sql, the generated
    GX suites, publish/metadata.json and docs/cli.md."""
    from claims import generate as gen

    changed = gen.drifted() if check else gen.write()
    for path in changed:
        click.echo(f"{'drifted' if check else 'wrote'}: {os.path.relpath(path)}")
    if check and changed:
        click.echo("generated files are out of date: run `claims generate` and commit the result", err=True)
        sys.exit(1)


@cli.command()
@click.argument("source_id")
@click.argument("words")
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
def locate(source_id: str, words: str, data_dir: Path, archive_dir: Path | None) -> None:
    """Print where WORDS occur in the archived text of SOURCE_ID: offsets and the exact excerpt.

    Straight and curly quotes in WORDS match either form in the source; the excerpt printed is
    the source's own characters, ready to paste into data/attestations.csv.
    """
    import json

    from claims.archive import Archive, find_all

    if not words.strip():
        raise click.UsageError("WORDS is empty: give the words to find, e.g. claims locate SOURCE_ID \"I'm thinking maybe\"")
    archive_dir = _archive_option(archive_dir)
    if archive_dir is None:
        raise click.UsageError("no archive: pass --archive DIR|URL or set CLAIMS_ARCHIVE")
    sha256 = _known_source(data_dir, source_id).get("archive_sha256")
    if not sha256:
        raise click.UsageError(f"source {source_id!r} has no archive_sha256: only archived sources can be quoted")
    archive = Archive.open(archive_dir)
    text = archive.text(sha256)
    if text is None:
        _rule, why, hint = archive.why_missing(sha256)
        raise click.UsageError(f"source {source_id!r}: {why} ({hint})")
    spans = find_all(text, words)
    if not spans:
        click.echo(f"not found in {source_id}: {words!r}", err=True)
        sys.exit(1)
    for start, end in spans:
        click.echo(json.dumps({"char_start": start, "char_end": end, "excerpt": text[start:end]}, ensure_ascii=False))


def _known_source(data_dir: Path, source_id: str) -> dict[str, str]:
    """The row of data/sources.csv for `source_id`; a usage error naming the IDs that exist if none."""
    import csv as csvlib

    sources_csv = data_dir / "sources.csv"
    if not sources_csv.is_file():
        raise click.UsageError(f"{sources_csv} does not exist: pass --data with the folder of the CSV tables")
    with sources_csv.open(encoding="utf-8", newline="") as handle:
        sources = {row["source_id"]: row for row in csvlib.DictReader(handle)}
    if source_id not in sources:
        known = ", ".join(sorted(sources)[:5]) + (", …" if len(sources) > 5 else "")
        raise click.UsageError(f"{source_id!r} is not a source_id in {os.path.relpath(sources_csv)}; use one that exists: {known}")
    return sources[source_id]


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
def stats(data_dir: Path) -> None:
    """Print row counts per table and statements by type."""
    import csv as csvlib
    from collections import Counter

    from rich.console import Console
    from rich.table import Table

    from claims.schema import TABLES

    if not data_dir.is_dir():
        raise click.UsageError(f"--data {data_dir}: no such folder")
    missing = [model.meta.name for model in TABLES if not (data_dir / f"{model.meta.name}.csv").is_file()]
    if missing:
        raise click.UsageError(f"--data {data_dir}: no {', '.join(m + '.csv' for m in missing)}; pass the folder of the CSV tables")
    console = Console()
    counts = Table(title="tables", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    statement_types: Counter[str] = Counter()
    for model in TABLES:
        path = data_dir / f"{model.meta.name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csvlib.DictReader(handle))
        counts.add_row(model.meta.name, str(len(rows)))
        if model.meta.name == "statements":
            statement_types.update(row["statement_type"] for row in rows)
    console.print(counts)
    by_type = Table(title="statements by type", title_justify="left")
    by_type.add_column("statement_type")
    by_type.add_column("rows", justify="right")
    for name, count in statement_types.most_common():
        by_type.add_row(name, str(count))
    console.print(by_type)


@cli.command()
@click.argument("source_id", required=False)
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
@click.option("--write", is_flag=True, help="Regenerate the row lists of DATA/COVERAGE.md from the data, keeping the notes.")
def coverage(source_id: str | None, data_dir: Path, archive_dir: Location | None, write: bool) -> None:
    """List each paragraph of SOURCE_ID's article body with the statements and events it attests.

    With --write, regenerate the row lists of data/COVERAGE.md for every archived source instead
    (the notes, written by hand, are kept; a new source gets a section whose notes you fill in for
    each paragraph without rows). `claims check` reports a checklist out of step with the data.
    """
    from claims import coverage as checklist

    archive = _archive_option(archive_dir)
    if archive is None:
        raise click.UsageError("no archive: pass --archive DIR|URL or set CLAIMS_ARCHIVE")
    try:
        if write:
            changed = checklist.write(data_dir, archive)
            click.echo(f"{'updated' if changed else 'unchanged'}: {os.path.relpath(data_dir / checklist.CHECKLIST_NAME)}")
            for finding in checklist.check(data_dir, archive, os.path.relpath(data_dir / checklist.CHECKLIST_NAME)):
                click.echo(finding.format())
            return
        if source_id is None:
            raise click.UsageError("give a SOURCE_ID, or --write to regenerate data/COVERAGE.md")
        _known_source(data_dir, source_id)
        found = checklist.paragraphs(data_dir, archive, source_id)
    except checklist.CoverageError as error:
        raise click.UsageError(str(error)) from None
    path = data_dir / checklist.CHECKLIST_NAME
    listed = checklist.read_checklists(path.read_text(encoding="utf-8")).get(source_id, []) if path.exists() else []
    notes = {row.line: row.notes for row in listed}
    for paragraph in found:
        click.echo(checklist.render_row(paragraph, notes.get(paragraph.line) or ("" if paragraph.rows else "(no rows: give the reason)")))


@cli.command()
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
@click.option("--no-archive", is_flag=True, help="Do not check provenance and coverage (the summary line says so).")
def check(data_dir: Path, archive_dir: Location | None, no_archive: bool) -> None:
    """Run every check the pull-request workflow runs on the data: canonical form (fmt --check),
    generated files (generate --check), validation (every layer), coverage (data/COVERAGE.md).

    Lists each problem, then ends with one summary line that also says whether provenance was
    checked. Exits 0 when everything passes, 1 otherwise.
    """
    from claims.check import check as run_check

    if not data_dir.is_dir():
        raise click.UsageError(f"--data {data_dir}: no such folder")
    result = run_check(data_dir, _archive_option(archive_dir, no_archive))
    for step in result.steps:
        for problem in step.problems:
            click.echo(f"[{step.name}] {problem}")
    click.echo(result.summary())
    sys.exit(0 if result.ok else 1)


@cli.group()
def archive() -> None:
    """Put captures into a local archive, or copy a store's captures into a folder."""


@archive.command("add")
@click.argument("capture", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--archive", "archive_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Local archive folder (default: $CLAIMS_ARCHIVE if it is a folder, the local cache if it is a store's URL, else ../shared/sources).")
@click.option("--body-from", metavar="WORDS", default=None, help="First words of the article body (the headline): gives body_char_start.")
@click.option("--body-to", metavar="WORDS", default=None, help="Last words of the article body: gives body_char_end.")
def archive_add(capture: Path, archive_dir: Path | None, body_from: str | None, body_to: str | None) -> None:
    """Store CAPTURE (a UTF-8 text capture of a source) in a local archive under its SHA-256, and
    print the archive_sha256 and body offsets for its row in data/sources.csv.

    A maintainer then publishes the file to the store (CONTRIBUTING.md, 'Publish a capture').
    """
    from claims.archive import add, default_cache

    folder = archive_dir
    if folder is None:
        configured = default_archive()
        folder = default_cache() if is_url(configured) else (configured or REPO.parent / "shared" / "sources")
    try:
        added = add(capture, Path(folder), body_from, body_to)
    except (ValueError, OSError) as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"archive_sha256: {added.sha256}")
    if added.body:
        click.echo(f"body_char_start: {added.body[0]}")
        click.echo(f"body_char_end: {added.body[1]}")
    else:
        click.echo(f"body offsets: the text has {added.length} characters; give --body-from \"first words of the headline\" --body-to \"last words of the article\", or after adding the source row use `claims locate SOURCE_ID \"words\"`", err=True)
    click.echo(f"{'stored' if added.new else 'already archived'}: {added.path}", err=True)


@archive.command("pull")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_DATA, show_default="data/", help="Folder with the CSV tables.")
@click.option("--archive", "archive_dir", type=ARCHIVE, default=None, help=ARCHIVE_HELP)
def archive_pull(folder: Path, data_dir: Path, archive_dir: Location | None) -> None:
    """Copy every archived text that data/sources.csv cites (and wikidata.csv) from the archive
    (e.g. a store's URL) into FOLDER, each checked against its SHA-256. Exits 1 if one is unavailable."""
    import csv as csvlib

    from claims.archive import Archive

    location = _archive_option(archive_dir)
    if location is None:
        raise click.UsageError("no archive: pass --archive DIR|URL or set CLAIMS_ARCHIVE")
    opened = Archive.open(location)
    folder.mkdir(parents=True, exist_ok=True)
    with (data_dir / "sources.csv").open(encoding="utf-8", newline="") as handle:
        wanted = sorted({row["archive_sha256"] for row in csvlib.DictReader(handle) if row["archive_sha256"]})
    failed = 0
    for sha256 in wanted:
        path = opened.fetch(sha256)
        if path is None:
            _rule, why, hint = opened.why_missing(sha256)
            click.echo(f"{sha256}: {why} ({hint})", err=True)
            failed += 1
        elif not (folder / sha256).exists():
            shutil.copyfile(path, folder / sha256)
    wikidata = opened.wikidata_path()
    if wikidata is not None:
        shutil.copyfile(wikidata, folder / "wikidata.csv")
    click.echo(f"{len(wanted) - failed} of {len(wanted)} archived texts in {folder}" + ("" if wikidata else " (no wikidata.csv)"))
    sys.exit(1 if failed else 0)

def main() -> None:
    cli()
