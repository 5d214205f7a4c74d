"""The `claims` command line: a thin layer over the Python API. Each command parses its options,
calls one function of the package and prints what it returns; the work is done below.

Every option that several commands take (--data, --archive, --no-archive, --out) is defined once
here and reused. The project (the data repository) is found from the working directory as git
finds its root, or given with `claims --project DIR`.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import click
from rich.console import Console
from rich.table import Table

from claims import coverage, generate, project
from claims.archive import Location, LocationError, default_archive, default_cache, is_url, parse_location
from claims.archive import add as archive_capture
from claims.bench import benchmark
from claims.bench import report as bench_report
from claims.bench.synth import synth
from claims.build.outputs import BuildRefused, build
from claims.build.versions import OutputUnusable
from claims.check import check
from claims.contrib import add, report, review
from claims.contrib.diff import RevisionError, UnreadableTable, diff, lost_ids, markdown, summary_line
from claims.contrib.fmt import format_tables
from claims.docs import build_docs, engines_disagree
from claims.progress import progress
from claims.release.records import ReleaseRefused, next_steps
from claims.release.release import release
from claims.schema import HISTORY_TABLES, TABLES_BY_NAME
from claims.site.publish import publish
from claims.site.serve import datasette_command, free_port, port_is_free
from claims.sources import SourceProblem, archived_text, closest_said, known_source, locate, pull
from claims.stats import TablesMissing, stats
from claims.validate import ENGINE_NAMES, LAYER_NAMES, Run, validate
from claims.vendor import VendorMissing
from claims.version import ChangelogError, data_version, toolchain_version

Decorated = TypeVar("Decorated", bound=Callable[..., Any])


class ArchiveLocation(click.ParamType):
    """--archive: a local folder, or the base URL of a content-addressed store (BASE/<sha256>)."""

    name = "DIR|URL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Location | None:
        try:
            return parse_location(value)
        except LocationError as error:
            self.fail(str(error), param, ctx)


ARCHIVE_HELP = "Archive of source texts: a folder, or an http(s) store's base URL (token in $CLAIMS_ARCHIVE_TOKEN). Default: $CLAIMS_ARCHIVE or ../shared/sources."
FOLDER = click.Path(file_okay=False, path_type=Path)

# The options several commands share, each defined once.
data_option = click.option(
    "--data",
    "data_dir",
    type=FOLDER,
    default=None,
    show_default="the project's data/",
    help="Folder with the CSV tables.",
)
archive_option = click.option("--archive", "archive_location", type=ArchiveLocation(), default=None, help=ARCHIVE_HELP)


def no_archive_option(help: str) -> Callable[[Decorated], Decorated]:
    return click.option("--no-archive", is_flag=True, help=help)


def out_option(default: str, help: str) -> Callable[[Decorated], Decorated]:
    """--out FOLDER, default `default` under the project (resolved when the command runs)."""
    return click.option("--out", "out_dir", type=FOLDER, default=None, show_default=f"{default}/", help=help)


def _data_dir(data_dir: Path | None) -> Path:
    """--data, else the project's data/; a usage error if it is not a folder."""
    folder = data_dir if data_dir is not None else project.current().data_dir
    if not folder.is_dir():
        raise click.UsageError(f"--data {folder}: no such folder")
    return folder


def _under_project(out_dir: Path | None, *parts: str) -> Path:
    return out_dir if out_dir is not None else project.current().root.joinpath(*parts)


def _choose_project(context: click.Context, _param: click.Parameter, folder: Path | None) -> Path | None:
    """--project: the project is kept in the command's click context, where project.current() finds it."""
    if folder is not None:
        try:
            context.obj = project.at(folder)
        except project.ProjectNotFound as error:
            raise click.BadParameter(str(error), param_hint="--project") from None
    return folder


def project_option() -> click.Option:
    return click.Option(
        ["--project"],
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        envvar="CLAIMS_PROJECT",
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_choose_project,
        help=f"The data repository to work on (a folder with {project.DESCRIPTOR_NAME} and {project.DATA_FOLDER}/). Default: $CLAIMS_PROJECT, else found from the working directory upwards.",
    )


# Accepted before the command (`claims --project DIR validate`) and after it (`claims validate
# --project DIR`): every command and group is of these classes, which declare the option.
class ProjectCommand(click.Command):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(project_option())


class ProjectGroup(click.Group):
    command_class = ProjectCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(project_option())


class ClaimsGroup(ProjectGroup):
    """Turns an unexpected error into one clear line (exit 3) instead of a traceback;
    CLAIMS_DEBUG=1 shows the traceback."""

    group_class = ProjectGroup

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (
            click.exceptions.ClickException,
            click.exceptions.Exit,
            click.exceptions.Abort,
            SystemExit,
            KeyboardInterrupt,
        ):
            raise
        except (
            LocationError,
            project.ProjectNotFound,
        ) as error:  # $CLAIMS_ARCHIVE, no project: a usage error, not a bug
            raise click.UsageError(str(error), ctx) from None
        except ChangelogError as error:  # the project's CHANGELOG.md, not claims, is to be fixed
            click.echo(f"claims: error: {error}", err=True)
            ctx.exit(1)
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
            click.echo(
                f"claims: error: {type(error).__name__}: {error} (this is a bug in claims; CLAIMS_DEBUG=1 shows the details)",
                err=True,
            )
            ctx.exit(3)


# Errors of the machine, not of claims: what the message says, and what to do about it.
FULL_DISK = ("No space left on device", "database or disk is full", "Disk quota exceeded")
READ_ONLY = ("Read-only file system", "Permission denied", "attempt to write a readonly database")


def environment_problem(error: BaseException | None) -> str | None:
    """One line saying what to do, if `error` (or what caused it) is a full disk or a folder that
    cannot be written; None for anything else (a bug)."""
    while error is not None:
        if isinstance(error, OutputUnusable):
            return str(error)
        text = str(error)
        where = f" ({error.filename})" if isinstance(error, OSError) and error.filename else ""
        if (isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)) or any(
            s in text for s in FULL_DISK
        ):
            return f"the disk is full{where}: free some space (or choose another folder with --out) and run again"
        if (isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)) or any(
            s in text for s in READ_ONLY
        ):
            return f"cannot write{where}: {text}; make the folder writable or choose another with --out"
        error = error.__cause__ or error.__context__
    return None


def _print_versions(context: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version: the toolchain's version and, apart, the version of the project's data."""
    if not value or context.resilient_parsing:
        return
    click.echo(f"claims {toolchain_version()} (the toolchain)")
    try:
        where = project.current()
    except project.ProjectNotFound:
        click.echo("data: no claims project here (run inside a checkout of the dataset, or pass --project DIR)")
    else:
        try:
            version = data_version(where)
        except ChangelogError as error:
            click.echo(f"data: unknown, in {where.root}: {error}")
            context.exit(1)
        click.echo(f"data {version.version}: {version.label}, in {where.root}")
    context.exit()


@click.group(cls=ClaimsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_versions,
    help="Show the toolchain's version and the version of the project's data (a release, or unreleased data after one, with its commit), and exit.",
)
def cli() -> None:
    """Validate, build and publish the source-anchored claims dataset."""


@cli.command("validate")
@data_option
@archive_option
@no_archive_option("Skip the provenance layer even if an archive is found.")
@click.option(
    "--layers",
    default=None,
    metavar="NAMES",
    help="Comma-separated layers to run, with the layers they need (provenance needs rows; expectations need rows and integrity; all need structure): structure,rows,integrity,provenance,expectations. Default: all.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="fast",
    show_default=True,
    help="fast: the rules and suites compiled to DuckDB SQL, at every size; reference: frictionless, pydantic and Great Expectations row by row (what the fast engine is proved equal to; slower to start); spark: the fast engine's SQL transpiled to Spark SQL, on a local session or $CLAIMS_SPARK_MASTER, for data beyond one machine (needs pyspark and Java 17).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
def validate_command(
    data_dir: Path | None,
    archive_location: Location | None,
    no_archive: bool,
    layers: str | None,
    engine: str,
    quiet: bool,
) -> None:
    """Check the CSV tables in layers: structure, rows, integrity, provenance.

    Prints every finding as FILE:LINE: column: [rule] message, with a hint. Exits 0 when the data
    is clean, 1 when there are findings, 2 on usage errors. Never modifies a file.
    """
    chosen = tuple(name.strip() for name in layers.split(",")) if layers else None
    unknown = set(chosen or ()) - set(LAYER_NAMES)
    if unknown:
        raise click.UsageError(
            f"--layers: unknown layer(s) {', '.join(sorted(unknown))}; choose from {', '.join(LAYER_NAMES)}"
        )
    data_dir = _data_dir(data_dir)
    archive = _archive(archive_location, no_archive)
    java_home = os.environ.get("JAVA_HOME")
    if engine == "spark" and (
        importlib.util.find_spec("pyspark") is None
        or not (Path(java_home, "bin", "java").is_file() if java_home else shutil.which("java"))
    ):
        raise click.UsageError(
            "--engine spark needs pyspark and a Java 17 runtime: pip install 'pyspark>=4.0,<4.1' and install Java 17 (or set JAVA_HOME to a folder holding bin/java)"
        )
    with progress("claims validate") as step:
        run = validate(data_dir, archive, progress=lambda layer: step(f"{layer} layer"), layers=chosen, engine=engine)
    for finding in sorted(run.findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
        click.echo(finding.format())
    if not quiet:
        _summary(run)
    sys.exit(0 if run.ok else 1)


def _summary(run: Run) -> None:
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


def _archive(archive_location: Location | None, no_archive: bool = False) -> Location | None:
    """The archive to use: --archive, else $CLAIMS_ARCHIVE or ../shared/sources; a folder is checked to exist."""
    archive = None if no_archive else (archive_location or default_archive())
    if archive is not None and not is_url(archive) and not Path(archive).is_dir():
        raise click.UsageError(f"archive folder {archive}: no such folder")
    return archive


@cli.command("build")
@data_option
@out_option("build", "Folder to write the outputs to.")
@archive_option
@no_archive_option("Build without the archive (skips the provenance layer and archived_texts).")
def build_command(
    data_dir: Path | None, out_dir: Path | None, archive_location: Location | None, no_archive: bool
) -> None:
    """Validate the CSVs, then write build/claims.duckdb, build/parquet/*.parquet and build/claims.db.

    Refuses to build (exit 1, with the findings) from data that does not validate, and (exit 1,
    before validating) into a folder that is read-only, short of space or held by another build.
    Outputs are written to a new folder under build/.versions/ and made current together by one
    symlink switch (build/current), so an interrupted build leaves the previous one intact.
    """
    data_dir, out_dir = _data_dir(data_dir), _under_project(out_dir, "build")
    archive = _archive(archive_location, no_archive)
    console = Console(stderr=True, highlight=False)
    try:
        with progress("claims build", console) as step:
            step("validating")
            run, result = build(
                data_dir,
                out_dir,
                archive,
                progress=lambda output: step(f"building {output}"),
                validation_progress=lambda layer: step(f"validating: {layer} layer"),
            )
    except BuildRefused as refused:
        for finding in sorted(refused.args[0].findings, key=lambda f: (f.path, f.line, f.column, f.rule)):
            click.echo(finding.format())
        console.print(
            f"[red]not built:[/] the data has {len(refused.args[0].findings)} finding(s); fix them and build again"
        )
        sys.exit(1)
    for path in result.outputs:
        console.print(f"wrote {os.path.relpath(path)}")
    if "provenance" in run.skipped:  # as `claims check` says it
        click.echo(f"provenance NOT checked: {run.skipped['provenance']}", err=True)
    data = {name: count for name, count in result.rows.items() if name not in HISTORY_TABLES}
    history = {name: result.rows[name] for name in HISTORY_TABLES if name in result.rows}
    console.print(
        f"{sum(data.values())} data rows in {len(data)} tables, and {sum(history.values())} rows of history "
        f"({', '.join(f'{name}: {count}' for name, count in history.items())})"
    )


@cli.command("serve")
@data_option
@out_option("build", "Folder to build into.")
@archive_option
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option("--no-build", is_flag=True, help="Serve the existing build/claims.db without rebuilding.")
def serve_command(
    data_dir: Path | None, out_dir: Path | None, archive_location: Location | None, port: int, no_build: bool
) -> None:
    """Validate, build and serve the data with Datasette on 127.0.0.1, read-only.

    The database is served immutable, with a SQL time limit and a cap on returned rows; downloads
    of the database and CSV export stay on. Stop with Ctrl-C.
    """
    out_dir = _under_project(out_dir, "build")
    if port and not port_is_free(port):  # before building: say so at once, not after a minute
        raise click.UsageError(
            f"port {port} on 127.0.0.1 is in use: choose another with --port N (make serve PORT=N), or --port 0 for a free one"
        )
    if not no_build:
        ctx = click.get_current_context()
        ctx.invoke(
            build_command, data_dir=data_dir, out_dir=out_dir, archive_location=archive_location, no_archive=False
        )
    database = out_dir / "claims.db"
    if not database.is_file():
        raise click.UsageError(f"{database} does not exist: run `claims build` first")
    port = port or free_port()
    if not port_is_free(port):
        raise click.UsageError(
            f"port {port} on 127.0.0.1 was taken while building: choose another with --port N, or --port 0 for a free one"
        )
    with progress("claims serve") as step:
        step("starting Datasette")
        command = datasette_command(database, port)
    # The plugin finds the project as every claims process does, from $CLAIMS_PROJECT, which the
    # Datasette process is given here (as the published folder's serve.sh gives it), wherever it runs.
    served = {**os.environ, "CLAIMS_PROJECT": str(project.current().root)}
    click.echo(f"serving {os.path.relpath(database)} at http://127.0.0.1:{port}/  (Ctrl-C to stop)", err=True)
    os.execve(command[0], command, served)


@cli.command("publish")
@data_option
@out_option("dist/site", "Folder to write (replaced whole).")
@archive_option
def publish_command(data_dir: Path | None, out_dir: Path | None, archive_location: Location | None) -> None:
    """Write a folder a hosting service can serve: the immutable database, metadata, settings,
    templates, the project source with its plugin (installed editable), pinned requirements, a
    Dockerfile and serve.sh.

    Validates first and refuses (exit 1) data with findings. Serve the folder with
    `datasette serve FOLDER` (or `FOLDER/serve.sh`, or `docker build FOLDER`): the same hardened
    settings as `claims serve`.
    """
    data_dir, out_dir = _data_dir(data_dir), _under_project(out_dir, "dist", "site")
    archive = _archive(archive_location)
    run = validate(data_dir, archive, keep_cells=True)
    if not run.ok:
        click.echo(
            f"claims publish: the data has {len(run.findings)} finding(s): run `claims validate` and fix them", err=True
        )
        sys.exit(1)
    files = publish(data_dir, out_dir, archive, tables=run)
    for path in files:
        click.echo(f"wrote {os.path.relpath(path)}")
    click.echo(
        f"serve it with: datasette serve {os.path.relpath(out_dir)}   (or docker build {os.path.relpath(out_dir)})",
        err=True,
    )


@cli.command("docs")
@data_option
@out_option("build", "Folder to write data_docs/ into.")
@archive_option
def docs_command(data_dir: Path | None, out_dir: Path | None, archive_location: Location | None) -> None:
    """Build Great Expectations Data Docs (HTML) into build/data_docs/ for the current data, and
    check that the fast engine (the suites compiled to SQL, what `claims validate` runs) and the
    reference (frictionless, pydantic, Great Expectations) report the same findings on it.

    The pages load nothing from third parties: their scripts, styles and fonts are copies that
    `make setup` vendored from the npm registry (pinned versions, checked hashes). Exits 1 if the
    engines disagree.
    """
    data_dir, out_dir = _data_dir(data_dir), _under_project(out_dir, "build")
    archive = _archive(archive_location)
    try:
        index = build_docs(data_dir, out_dir, archive)
    except VendorMissing as missing:
        raise click.ClickException(str(missing)) from None
    click.echo(f"wrote {os.path.relpath(index)}")
    count, disagreements = engines_disagree(data_dir, archive)
    if disagreements:
        for line in disagreements:
            click.echo(line, err=True)
        raise click.ClickException(
            f"the engines disagree on {len(disagreements)} finding(s): a bug in the rule catalogue or the compiled suites (schema/catalogue.py, the layer modules of claims/validate/)"
        )
    click.echo(f"the fast engine and the reference (Great Expectations) agree: {count} finding(s) each")


@cli.command("fmt")
@data_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the files that would change.")
def fmt_command(data_dir: Path | None, check: bool) -> None:
    """Rewrite the CSV tables in canonical form: schema column order, rows sorted by key, LF,
    minimal quoting, no whitespace around IDs. Text keeps every character (no Unicode
    normalisation: quotes and titles must stay as the archived text has them). Lossless and
    idempotent.

    Says, for each file it changes (or would change, with --check), what it changed."""
    changed, errors = format_tables(_data_dir(data_dir), check=check)
    for path, what in changed.items():
        click.echo(f"{'would reformat' if check else 'reformatted'} {os.path.relpath(path)}: {'; '.join(what)}")
    for path, why in errors.items():
        click.echo(f"{os.path.relpath(path)}: cannot format: {why}", err=True)
    if check and changed:
        click.echo("run `claims fmt` to put the tables in canonical form", err=True)
    sys.exit(1 if errors or (check and changed) else 0)


@cli.command("diff")
@click.argument("base")
@click.argument("head", required=False)
@click.option("--repo", type=FOLDER, default=None, show_default="the project", help="The git repository.")
@click.option("--summary", is_flag=True, help="Print only the one-line summary.")
@click.option(
    "--strict-ids",
    is_flag=True,
    help="Exit 1 if a row of published_ids, retired_ids or releases was removed or changed (the history only grows).",
)
def diff_command(base: str, head: str | None, repo: Path | None, summary: bool, strict_ids: bool) -> None:
    """Show the data changes from git revision BASE to HEAD (default: the working tree), as Markdown.

    Per table: rows added, removed and changed (matched by primary key), with changed columns
    as old → new; a row whose key is repeated shows as added. Exits 1 if a table file cannot be
    read. The pull-request workflow writes this to the job summary.
    """
    try:
        diffs = diff(repo if repo is not None else project.current().root, base, head)
    except RevisionError as error:
        raise click.UsageError(str(error)) from None
    except UnreadableTable as error:
        click.echo(f"claims diff: {error}", err=True)
        sys.exit(1)
    click.echo(summary_line(diffs) if summary else markdown(diffs, base, head), nl=summary)
    lost = lost_ids(diffs)
    if lost and strict_ids:
        for item in lost:
            click.echo(
                f"claims diff: the history lost {item}: published and retired IDs and releases are never removed or changed",
                err=True,
            )
        sys.exit(1)


@cli.command("release")
@click.argument("version")
@click.option(
    "--dist", "dist_dir", type=FOLDER, default=None, show_default="dist/", help="Folder to write the bundle into."
)
@archive_option
@click.option(
    "--rebuild",
    is_flag=True,
    help="Write the bundle of the release this checkout's data is (by its digest in data/releases.csv; the release workflow, on the tag); writes nothing in data/.",
)
def release_command(version: str, dist_dir: Path | None, archive_location: Location | None, rebuild: bool) -> None:
    """Make release VERSION: dist/peace-plan-claims-VERSION/ (the CSV zip with datapackage.json, the
    data dictionary, CITATION.cff and the licence; a Parquet file per table; DuckDB, SQLite; JSON-LD
    and PROV exports; delta.json and the release notes written from it; SHA256SUMS, by the names the
    files have as release assets) and dist/peace-plan-claims-VERSION.zip with all of them. Prints the
    files a GitHub release attaches.

    A release never changes: VERSION must be the newest CHANGELOG.md section, dated, above every
    release data/releases.csv records and every tag vX.Y.Z, and the data must differ from every
    release; otherwise the command says why in one line and writes nothing. It records the release
    (data/releases.csv: version, date, the release before it, the SHA-256 of its data), the IDs it
    publishes first (data/published_ids.csv), and its version and date in CITATION.cff and
    .zenodo.json; then it prints the commands that commit those files with CHANGELOG.md, tag the
    commit vVERSION and push the tag. The previous release's data, for
    delta.json, is found in the git history by its digest.
    """
    try:
        with progress("claims release") as step:
            assets = release(
                version, dist_dir=dist_dir, archive_dir=_archive(archive_location), progress=step, rebuild=rebuild
            )
    except ReleaseRefused as refused:
        click.echo(f"claims release: {refused}", err=True)
        sys.exit(1)
    for path in assets:
        click.echo(os.path.relpath(path))
    if not rebuild:
        steps = "\n".join(f"  {number}. {step}" for number, step in enumerate(next_steps(version), 3))
        click.echo(f'released {version}; next (docs/maintaining.md, "Releases"):\n{steps}', err=True)


@cli.command("synth")
@click.option(
    "--statements",
    "-n",
    type=click.IntRange(50, None),
    required=True,
    help="Number of statements (other tables in proportion).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write datapackage.json, data/ and archive/ into.",
)
@click.option("--seed", default=2025, show_default=True, help="Random seed: the same seed gives the same files.")
def synth_command(statements: int, out_dir: Path, seed: int) -> None:
    """Write a schema-valid synthetic dataset: OUT/datapackage.json, OUT/data/*.csv, OUT/archive/.

    `claims validate --data OUT/data --archive OUT/archive` passes on it.
    """
    with progress("claims synth") as step:
        counts = synth(statements, out_dir, seed, progress=step)
    click.echo(f"wrote {sum(counts.values())} rows in {len(counts)} tables to {os.path.relpath(out_dir)}")


@cli.command("bench")
@click.option(
    "--sizes", default="10000,100000,1000000", show_default=True, help="Comma-separated numbers of statements."
)
@click.option(
    "--work",
    "work_dir",
    type=FOLDER,
    default=None,
    show_default="build/bench/",
    help="Folder for the synthetic datasets (reused between runs).",
)
@out_option("docs", "Where benchmark.md and benchmark.svg go.")
@click.option(
    "--frictionless-budget",
    default=300.0,
    show_default=True,
    help="Seconds frictionless may take at one size; beyond, it is stopped and extrapolated (0 skips it).",
)
@click.option("--step-budget", default=1800.0, show_default=True, help="Seconds any other step may take.")
@click.option("--no-datasette", is_flag=True, help="Skip the Datasette response times.")
def bench_command(
    sizes: str,
    work_dir: Path | None,
    out_dir: Path | None,
    frictionless_budget: float,
    step_budget: float,
    no_datasette: bool,
) -> None:
    """Measure validate, frictionless, the honest floor, build and Datasette at several sizes.

    Prints a Markdown table (wall time, peak memory, ratios to the honest floor, the bare scan and
    frictionless; each layer and each build output; Datasette p50/p95 and a load test of 200
    requests, 8 at a time) and the speed targets, met or missed by how much; writes
    OUT/benchmark.md and a log-log plot OUT/benchmark.svg. Datasets in WORK are reused.
    """
    numbers = [int(size) for size in sizes.split(",")]
    work_dir, out_dir = _under_project(work_dir, "build", "bench"), _under_project(out_dir, "docs")
    console = Console(stderr=True)
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with progress("claims bench", console) as step:
        results = benchmark.bench(
            numbers, work_dir, frictionless_budget, step_budget, datasette=not no_datasette, progress=step
        )
    load_after = " ".join(f"{x:.2f}" for x in os.getloadavg())
    table = bench_report.markdown(results)
    goals = "\n".join(bench_report.targets(results))
    click.echo(table)
    click.echo(goals)
    written = bench_report.write_report(results, out_dir, sizes, load_before, load_after)
    console.print(f"wrote {os.path.relpath(written)} and {written.with_suffix('.svg').name}")


@cli.command("generate")
@click.option(
    "--check", is_flag=True, help="Exit 1 if a generated file differs from what the schema generates; write nothing."
)
def generate_command(check: bool) -> None:
    """Regenerate everything derived from the schema and the release records: datapackage.json,
    schema/ddl.sql, the generated GX suites, scripts/claims/site/metadata.json, docs/data-dictionary.md,
    docs/rules.md (from the rule catalogue), docs/cli.md, and CITATION.cff's version and date (the latest release in data/releases.csv) with
    .zenodo.json from it."""
    changed = (
        generate.drifted(cli_reference=cli_reference()) if check else generate.write(cli_reference=cli_reference())
    )
    for path in changed:
        click.echo(f"{'drifted' if check else 'wrote'}: {os.path.relpath(path)}")
    if check and changed:
        click.echo("generated files are out of date: run `claims generate` and commit the result", err=True)
        sys.exit(1)


@cli.command("locate")
@click.argument("source_id")
@click.argument("words")
@data_option
@archive_option
def locate_command(source_id: str, words: str, data_dir: Path | None, archive_location: Location | None) -> None:
    """Print where WORDS occur in the archived text of SOURCE_ID: offsets and the exact excerpt.

    Straight and curly quotes in WORDS match either form in the source; the excerpt printed is
    the source's own characters, ready to paste into data/attestations.csv. A match outside the
    article body (page furniture) is marked "outside_article_body", with a warning.
    """
    if not words.strip():  # before looking for an archive: the first thing to fix
        raise click.UsageError(
            'WORDS is empty: give the words to find, e.g. claims locate SOURCE_ID "I\'m thinking maybe"'
        )
    location = _required_archive(archive_location)
    try:
        spans = locate(_data_dir(data_dir), location, source_id, words)
    except SourceProblem as problem:
        raise click.UsageError(str(problem)) from None
    if not spans:
        text, body = archived_text(_data_dir(data_dir), location, source_id)
        nearest = closest_said(text, body, words)
        click.echo(f"not found in {source_id}: {words!r}" + (f"; {nearest}" if nearest else ""), err=True)
        sys.exit(1)
    for span in spans:
        found = {"char_start": span.char_start, "char_end": span.char_end, "excerpt": span.excerpt}
        click.echo(json.dumps(found if span.in_body else {**found, "outside_article_body": True}, ensure_ascii=False))
    outside = sum(not span.in_body for span in spans)
    if outside:
        click.echo(
            f"warning: {outside} of the {len(spans)} match(es) lie outside the article body of {source_id} (marked "
            '"outside_article_body"): navigation, ads and side-bars are not data; quote the article\'s own text',
            err=True,
        )


def _required_archive(archive_location: Location | None) -> Location:
    location = _archive(archive_location)
    if location is None:
        raise click.UsageError("no archive: pass --archive DIR|URL or set CLAIMS_ARCHIVE")
    return location


@cli.command("stats")
@data_option
def stats_command(data_dir: Path | None) -> None:
    """Print row counts per table and statements by type."""
    try:
        counted = stats(_data_dir(data_dir))
    except TablesMissing as missing:
        raise click.UsageError(str(missing)) from None
    console = Console()
    counts = Table(title="tables", title_justify="left")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, rows in counted.rows.items():
        counts.add_row(name, str(rows))
    console.print(counts)
    by_type = Table(title="statements by type", title_justify="left")
    by_type.add_column("statement_type")
    by_type.add_column("rows", justify="right")
    for name, count in counted.statement_types.most_common():
        by_type.add_row(name, str(count))
    console.print(by_type)


@cli.command("coverage")
@click.argument("source_id", required=False)
@data_option
@archive_option
@click.option(
    "--write", is_flag=True, help="Regenerate the row lists of DATA/COVERAGE.md from the data, keeping the notes."
)
def coverage_command(
    source_id: str | None, data_dir: Path | None, archive_location: Location | None, write: bool
) -> None:
    """List each paragraph of SOURCE_ID's article body with the statements and events it attests.

    With --write, regenerate the row lists of data/COVERAGE.md for every archived source instead
    (the notes, written by hand, are kept; a new source gets a section whose notes you fill in for
    each paragraph without rows). `claims check` reports a checklist out of step with the data.
    """
    archive = _required_archive(archive_location)
    data_dir = data_dir if data_dir is not None else project.current().data_dir
    try:
        if write:
            changed = coverage.write(data_dir, archive)
            click.echo(
                f"{'updated' if changed else 'unchanged'}: {os.path.relpath(data_dir / coverage.CHECKLIST_NAME)}"
            )
            for finding in coverage.check(data_dir, archive, os.path.relpath(data_dir / coverage.CHECKLIST_NAME)):
                click.echo(finding.format())
            return
        if source_id is None:
            raise click.UsageError("give a SOURCE_ID, or --write to regenerate data/COVERAGE.md")
        known_source(data_dir, source_id)
        found = coverage.paragraphs(data_dir, archive, source_id)
    except (coverage.CoverageError, SourceProblem) as error:
        raise click.UsageError(str(error)) from None
    path = data_dir / coverage.CHECKLIST_NAME
    listed = coverage.read_checklists(path.read_text(encoding="utf-8")).get(source_id, []) if path.exists() else []
    notes = {row.line: row.notes for row in listed}
    for paragraph in found:
        click.echo(
            coverage.render_row(
                paragraph, notes.get(paragraph.line) or ("" if paragraph.rows else "(no rows: give the reason)")
            )
        )


@cli.command("check")
@data_option
@archive_option
@no_archive_option("Do not check provenance and coverage (the summary line says so).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "github", "sarif"]),
    default="text",
    show_default=True,
    help=f"text: each problem as FILE:LINE: column: [rule] message, with a hint; github: each as a GitHub workflow annotation on its file and line (::error file=…,line=…,title=[rule]::…), the first {report.ANNOTATIONS_PER_STEP} only (GitHub shows no more a step), the rest as plain lines and a warning that counts them; sarif: one SARIF 2.1.0 log on standard output, for code scanning (the summary line goes to standard error).",
)
@click.option(
    "--changed-since",
    "base",
    metavar="REF",
    default=None,
    help="List first the findings on the lines changed since this git revision (a pull request's base), then those in the files changed, then the rest.",
)
@click.option(
    "--summary",
    "summary_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also append every finding, how many were annotated, and the summary line to this file, in Markdown (a workflow's $GITHUB_STEP_SUMMARY).",
)
def check_command(
    data_dir: Path | None,
    archive_location: Location | None,
    no_archive: bool,
    output_format: str,
    base: str | None,
    summary_file: Path | None,
) -> None:
    """Run every check the pull-request workflow runs on the data: canonical form (fmt --check),
    generated files (generate --check), releases (CHANGELOG.md and data/releases.csv agree),
    validation (every layer), coverage (data/COVERAGE.md).

    Lists each problem, then ends with one summary line that also says whether provenance was
    checked. Exits 0 when everything passes, 1 otherwise.
    """
    root = project.current().root
    try:
        changed = report.changed_lines(root, base) if base else {}
    except report.RevisionUnknown as unknown:
        raise click.BadParameter(str(unknown), param_hint="--changed-since") from None
    result = check(_data_dir(data_dir), _archive(archive_location, no_archive), cli_reference=cli_reference())
    steps = {id(finding): step.name for step in result.steps for finding in step.findings}
    findings = report.pull_request_order(result.findings, root, changed)
    if output_format == "sarif":
        click.echo(json.dumps(report.sarif(findings, root), ensure_ascii=False, indent=1))
    elif output_format == "github":
        for line in report.github_annotations(findings, root):
            click.echo(line)
    else:
        for finding in findings:
            click.echo(f"[{steps[id(finding)]}] {finding.format()}")
    if summary_file is not None:
        try:
            with summary_file.open("a", encoding="utf-8") as summary:
                summary.write(report.job_summary(findings, root, result.summary()))
        except OSError as error:
            raise click.BadParameter(f"cannot write {summary_file}: {error.strerror}", param_hint="--summary") from None
    click.echo(result.summary(), err=output_format == "sarif")
    sys.exit(0 if result.ok else 1)


# --- claims add: options for every column, derived from the schema -----------------------------------


class ColumnValue(click.ParamType):
    """A value for one column, checked as the schema's field checks it (enums, lists, patterns)."""

    def __init__(self, table: str, column: str):
        from pydantic import TypeAdapter

        info = TABLES_BY_NAME[table].model_fields[column]
        self.adapter: TypeAdapter[Any] = TypeAdapter(cast(Any, Annotated)[info.annotation, info])
        self.name = column

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from pydantic import ValidationError

        if value == "":  # not given
            return value
        try:
            self.adapter.validate_python(value)
        except ValidationError as error:
            self.fail(f"{value!r}: {error.errors()[0]['msg']}", param, ctx)
        return value


def column_options(
    table: str, skip: set[str], beside: str | None = None, key: str = "--id"
) -> Callable[[Decorated], Decorated]:
    """An option for each column of `table` but `skip`: --COLUMN (a foreign key's without `_id`,
    taking an ID or, for actors, a name), the table's key as `key`, and `table-` before the name
    of a column that the table `beside` has too. Help and checks come from the schema."""
    model = TABLES_BY_NAME[table]
    keys = {k.fields[0]: k.table for k in model.foreign_keys()}
    shared = set(TABLES_BY_NAME[beside].columns()) if beside else set()
    prefix = table.removesuffix("s") + "-"

    def decorate(function: Decorated) -> Decorated:
        for column in reversed(model.columns()):
            if column in skip:
                continue
            if column == model.meta.primary_key[0]:
                name = key
            else:
                name = (
                    "--"
                    + (prefix if column in shared else "")
                    + (column.removesuffix("_id") if column in keys else column).replace("_", "-")
                )
            info = model.model_fields[column]
            allowed = add.allowed_values(table, column)
            help_text = (info.description or "") + (f" One of: {', '.join(allowed)}." if allowed else "")
            function = click.option(
                name,
                f"{table}__{column}",
                default="",
                metavar=("ID|NAME" if keys[column] == "actors" else "ID") if column in keys else "TEXT",
                type=str if column in keys else ColumnValue(table, column),
                help=help_text,
            )(function)
        return function

    return decorate


def _given(columns: dict[str, str]) -> dict[str, dict[str, str]]:
    """The column options' values by table and column (from their `table__column` names)."""
    given: dict[str, dict[str, str]] = {}
    for name, value in columns.items():
        table, column = name.split("__", 1)
        given.setdefault(table, {})[column] = value
    return given


def _asker(no_input: bool) -> add.Ask | None:
    """Questions on a terminal (both ends of it), none in a pipe or with --no-input."""
    if no_input or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None

    def ask(column: str, question: str, choices: list[str] | None, suggested: str) -> str:
        if choices:  # a type or a basis: one of the schema's values, asked for until given
            return click.prompt(f"{column}: {question}", type=click.Choice(choices), default=suggested or None)
        return click.prompt(f"{column}: {question}", default=suggested, show_default=bool(suggested))

    return ask


def _chars(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    start, _colon, end = value.partition(":")
    if not (start.isdigit() and end.isdigit()):
        raise click.BadParameter(f"{value!r}: write START:END, e.g. 5009:5076", param_hint="--chars")
    return int(start), int(end)


def _add(draft_rows: Callable[[], add.Draft], data_dir: Path, archive: Location | None, dry_run: bool) -> None:
    """Draft the rows (`draft_rows`) and print them with the notes; unless a dry run, write them —
    drafted and written under the data folder's lock, so that concurrent runs take different IDs —
    and print the checks' findings on them. Exits 1 if there are findings on the rows written, 2
    (one line saying what to fix) if the rows cannot be drafted or written."""
    try:
        if dry_run:
            draft, written = draft_rows(), None
        else:
            with add.locked(data_dir):
                draft = draft_rows()
                written = add.write(data_dir, archive, draft)
    except add.AddProblem as problem:
        raise click.UsageError(str(problem)) from None
    for note in draft.notes:
        click.echo(f"note: {note}", err=True)
    if written is None:
        for table, new in draft.rows.items():
            for row in new:
                click.echo(f"{os.path.relpath(data_dir / f'{table}.csv')}: {add.csv_line(row)}")
        return
    for table, new in draft.rows.items():
        path = os.path.relpath(data_dir / f"{table}.csv")
        for row, line in zip(new, written.rows[table]):
            click.echo(f"{path}:{line}: {add.csv_line(row)}")
    for changed, what in written.reformatted.items():
        click.echo(f"reformatted {os.path.relpath(changed)}: {'; '.join(what)}", err=True)
    for unchanged, why in written.not_written.items():
        click.echo(f"left as it was {os.path.relpath(unchanged)}: {why}", err=True)
    if written.coverage_updated:
        click.echo(f"updated {os.path.relpath(data_dir / coverage.CHECKLIST_NAME)}", err=True)
    for finding in written.findings:
        click.echo(finding.format())
    elsewhere = (
        f"; {written.elsewhere} finding(s) on other rows (`claims check` lists them)" if written.elsewhere else ""
    )
    verdict = f"{len(written.findings)} finding(s)" if written.findings else "no findings"
    click.echo(f"checked the rows written: {verdict}{elsewhere}", err=True)
    sys.exit(1 if written.findings else 0)


@cli.group("add")
def add_group() -> None:
    """Draft rows from the source's own words: the excerpt and its offsets, the next free IDs,
    names and dates found in it. Options give any column; what the words do not decide beyond
    doubt is left empty and said (asked for on a terminal): date words that may date another
    clause, a name known only from context. Every file is checked before any is written, and all
    are written or none (one claims add at a time per data folder; another waits). Then the tables
    are in canonical form, the coverage checklist is up to date, and the checks of the rows
    written are printed (exit 1 if they have findings; exit 2, one line, if the rows cannot be
    drafted or written)."""


def _source_words_command(name: str, table: str, help_text: str):
    """`claims add statement|event SOURCE_ID [WORDS]`: the options they share."""

    def decorate(function):
        for option in reversed(
            [
                click.argument("source_id"),
                click.argument("words", required=False),
                click.option(
                    "--chars",
                    default=None,
                    metavar="START:END",
                    help="The excerpt by its offsets: instead of WORDS, or with them where they occur more than once (they must be the words there).",
                ),
                click.option(
                    "--date-against",
                    default=None,
                    metavar="EVENT_ID",
                    help="Resolve the date words that count from an event (two days later, the day before, later that week) against this event's day; refused where there are none.",
                ),
                click.option("--dry-run", is_flag=True, help="Print the rows; write and check nothing."),
                click.option("--no-input", is_flag=True, help="Never ask, even on a terminal."),
                data_option,
                archive_option,
                column_options(table, set()),
                column_options(
                    "attestations",
                    {"statement_id", "event_id", "source_id", "excerpt", "char_start", "char_end"},
                    beside=table,
                    key="--attestation-id",
                ),
            ]
        ):
            function = option(function)
        return add_group.command(name, help=help_text)(function)

    return decorate


@_source_words_command(
    "statement",
    "statements",
    """Draft a statement quoting WORDS (or --chars) of SOURCE_ID's article body: the statement,
    its attestation (excerpt, offsets) and its mentions, under the next free IDs.

    The speaker of an outlet_claim is the source's author, its date the article's date line; a
    direct quote's text is the excerpt's quoted words joined with ' […] '. The date comes from the
    date words that date the statement itself: next to its speech verb (said Tuesday, told
    reporters Oct. 14) or opening its one sentence (On Oct. 29, …; Two days later, … with
    --date-against); never words in a quotation. Other date words are offered (--date-text WORDS
    takes them); without any, the statement is bounded by the source that reports it. Entities
    the text and the excerpt name by name or alias are mentioned, with their words; one named only
    by a role or a position's title is offered (--mention).""",
)
@click.option(
    "--mention",
    "mentions",
    multiple=True,
    metavar="TYPE:ID=WORDS",
    help="Also mention this entity, named by WORDS of the text (e.g. event:phone-call-2025-10-16-trump-putin=their call). Repeatable.",
)
@click.option("--no-suggested-mentions", is_flag=True, help="Mention only what --mention gives.")
def add_statement_command(
    source_id: str,
    words: str | None,
    chars: str | None,
    date_against: str | None,
    dry_run: bool,
    no_input: bool,
    data_dir: Path | None,
    archive_location: Location | None,
    mentions: tuple[str, ...],
    no_suggested_mentions: bool,
    **columns: str,
) -> None:
    data_dir = _data_dir(data_dir)
    archive = _required_archive(archive_location)
    _add(
        lambda: add.draft_statement(
            data_dir,
            archive,
            source_id,
            words,
            _chars(chars),
            _given(columns),
            list(mentions),
            not no_suggested_mentions,
            date_against,
            _asker(no_input),
        ),
        data_dir,
        archive,
        dry_run,
    )


@_source_words_command(
    "event",
    "events",
    """Draft an event attested by WORDS (or --chars) of SOURCE_ID's article body: the event and its
    attestation. Its ID is made from its type, date and title unless --id gives one; its date
    from the date words that open the excerpt's sentence or name the event (an Oct. 14 phone
    call), not where the excerpt says it is still to come; the actors the excerpt names are
    listed for data/event_participants.csv.""",
)
def add_event_command(
    source_id: str,
    words: str | None,
    chars: str | None,
    date_against: str | None,
    dry_run: bool,
    no_input: bool,
    data_dir: Path | None,
    archive_location: Location | None,
    **columns: str,
) -> None:
    data_dir = _data_dir(data_dir)
    archive = _required_archive(archive_location)
    _add(
        lambda: add.draft_event(
            data_dir, archive, source_id, words, _chars(chars), _given(columns), date_against, _asker(no_input)
        ),
        data_dir,
        archive,
        dry_run,
    )


@add_group.command("actor")
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Print the row; write and check nothing.")
@click.option("--no-input", is_flag=True, help="Never ask, even on a terminal.")
@data_option
@archive_option
@column_options("actors", {"name"})
def add_actor_command(
    name: str, dry_run: bool, no_input: bool, data_dir: Path | None, archive_location: Location | None, **columns: str
) -> None:
    """Draft the actor NAME: its ID from the name unless --id gives one (a name already an actor's
    name or alias, or without Latin letters, needs one); a --role is quoted, with the source's own
    characters, from the article body of --role-source."""
    data_dir = _data_dir(data_dir)
    archive = _archive(archive_location)
    _add(
        lambda: add.draft_actor(data_dir, archive, name, _given(columns), _asker(no_input)), data_dir, archive, dry_run
    )


@cli.command("review")
@click.argument("source_id")
@click.option("--since", metavar="REF", default=None, help="Mark the rows added since this git revision (e.g. main).")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    show_default="build/review/SOURCE_ID.html",
    help="The page to write.",
)
@data_option
@archive_option
def review_command(
    source_id: str, since: str | None, out_file: Path | None, data_dir: Path | None, archive_location: Location | None
) -> None:
    """Write a local HTML page of SOURCE_ID's archived article: each paragraph of the body with its
    excerpts highlighted and linked to the rows they back, paragraphs without rows marked (with the
    checklist's reason), the page furniture greyed; with --since, the rows a pull request adds.

    The page holds the full archived text: it is for contributors and maintainers, made from the
    local archive, and never part of the published site."""
    out_file = out_file or _under_project(None, "build", "review", f"{source_id}.html")
    try:
        written = review.write(
            _data_dir(data_dir), _required_archive(archive_location), source_id, out_file, since, project.current().root
        )
    except review.ReviewError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"wrote {os.path.relpath(written)}")


@cli.group("archive")
def archive_group() -> None:
    """Put captures into a local archive, or copy a store's captures into a folder."""


@archive_group.command("add")
@click.argument("capture", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--archive",
    "archive_dir",
    type=FOLDER,
    default=None,
    help="Local archive folder (default: $CLAIMS_ARCHIVE if it is a folder, the local cache if it is a store's URL, else ../shared/sources).",
)
@click.option(
    "--body-from",
    metavar="WORDS",
    default=None,
    help="First words of the article body (the headline): gives body_char_start.",
)
@click.option("--body-to", metavar="WORDS", default=None, help="Last words of the article body: gives body_char_end.")
def archive_add(capture: Path, archive_dir: Path | None, body_from: str | None, body_to: str | None) -> None:
    """Store CAPTURE (a UTF-8 text capture of a source) in a local archive under its SHA-256, and
    print the archive_sha256 and body offsets for its row in data/sources.csv.

    A maintainer then publishes the file to the store (CONTRIBUTING.md, 'Publish a capture').
    """
    folder: Location | None = archive_dir
    if folder is None:
        configured = default_archive()
        folder = default_cache() if is_url(configured) else (configured or project.current().shared_archive)
    try:
        added = archive_capture(capture, Path(folder), body_from, body_to)
    except (ValueError, OSError) as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"archive_sha256: {added.sha256}")
    if added.body:
        click.echo(f"body_char_start: {added.body[0]}")
        click.echo(f"body_char_end: {added.body[1]}")
    else:
        click.echo(
            f'body offsets: the text has {added.length} characters; give --body-from "first words of the headline" --body-to "last words of the article", or after adding the source row use `claims locate SOURCE_ID "words"`',
            err=True,
        )
    click.echo(f"{'stored' if added.new else 'already archived'}: {added.path}", err=True)


@archive_group.command("pull")
@click.argument("folder", type=FOLDER)
@data_option
@archive_option
def archive_pull(folder: Path, data_dir: Path | None, archive_location: Location | None) -> None:
    """Copy every archived text that data/sources.csv cites (and wikidata.csv) from the archive
    (e.g. a store's URL) into FOLDER, each checked against its SHA-256. Exits 1 if one is
    unavailable or wikidata.csv cannot be read, 2 if data/sources.csv cannot be read or FOLDER cannot
    take the copies. A text already in FOLDER is kept only if it has its hash."""
    try:
        pulled = pull(
            data_dir if data_dir is not None else project.current().data_dir,
            _required_archive(archive_location),
            folder,
        )
    except SourceProblem as problem:
        raise click.UsageError(str(problem)) from None
    for sha256, why in pulled.unavailable.items():
        click.echo(f"{sha256}: {why}", err=True)
    if pulled.wikidata_unusable:
        click.echo(f"{pulled.wikidata_unusable}: not copied", err=True)
    got = pulled.wanted - len(pulled.unavailable)
    click.echo(
        f"{got} of {pulled.wanted} archived texts in {folder}" + ("" if pulled.wikidata else " (no wikidata.csv)")
    )
    sys.exit(1 if pulled.unavailable or pulled.wikidata_unusable else 0)


def cli_reference() -> str:
    """docs/cli.md: every command's --help, so that the reference cannot drift from the code."""
    parts = [
        "# `claims` command reference",
        "",
        "Generated from `claims COMMAND --help` by `claims generate`. Do not edit.",
        "",
    ]
    with click.Context(
        cli, info_name="claims", terminal_width=100, max_content_width=100, **cli.context_settings
    ) as root:
        parts += ["```", cli.get_help(root), "```", ""]
        for name in sorted(cli.commands):
            command = cli.commands[name]
            with click.Context(command, parent=root, info_name=name, terminal_width=100) as context:
                parts += [f"## claims {name}", "", "```", command.get_help(context), "```", ""]
                for sub_name in sorted(getattr(command, "commands", {})):  # a group's own commands
                    sub = command.commands[sub_name]  # type: ignore[attr-defined]
                    with click.Context(sub, parent=context, info_name=sub_name, terminal_width=100) as sub_context:
                        parts += [f"### claims {name} {sub_name}", "", "```", sub.get_help(sub_context), "```", ""]
    return "\n".join(parts)
