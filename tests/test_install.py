"""The package installs normally (`pip install .`, not only editable) and works against any checkout:
the project is found from the working directory or given with --project; the toolchain's own files
(GX suites, Datasette templates, SQL views) come with the package.

Offline: the wheel is built without build isolation, and the fresh environment takes the
dependencies from this project's .venv through a path file (not its site directory, so that the
editable install there is not seen)."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with the package installed from a wheel; its bin/ folder."""
    work = tmp_path_factory.mktemp("install")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(work / "wheels"),
            str(REPO),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    (work / "wheel-build.log").write_text(built.stdout + built.stderr, encoding="utf-8")
    base_python = Path(getattr(sys, "_base_executable", sys.executable))
    subprocess.run([str(base_python), "-m", "venv", "--without-pip", str(work / "venv")], check=True)
    venv_python = work / "venv" / "bin" / "python"
    site = subprocess.run(
        [str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the dependencies, from this project's environment (its .pth files, the editable claims among them, are not run)
    (Path(site) / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    wheel = next((work / "wheels").glob("claims_dataset-*.whl"))
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", site, str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    # the console script, as pip would write it for the environment
    script = work / "venv" / "bin" / "claims"
    script.write_text(f"#!{venv_python}\nimport sys\nfrom claims.cli import cli\nsys.exit(cli())\n", encoding="utf-8")
    script.chmod(0o755)
    return work / "venv" / "bin"


def test_the_build_declares_every_folder_it_packages(installed):
    """setuptools warns, at every install, of a folder it packages that is not declared as a package
    (package data in a folder Python could import): the configuration declares them all."""
    log = (installed.parents[1] / "wheel-build.log").read_text(encoding="utf-8")
    assert "Warning" not in log, log[:3000]


def run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in {"CLAIMS_PROJECT", "PYTHONPATH"}}
    return subprocess.run(
        [str(bin_dir / "claims"), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=900
    )


def test_the_installed_package_is_not_the_checkout(installed):
    where = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import claims, claims.project as p; print(claims.__file__); print(p.SUITES_DIR); print(p.VIEWS_DIR)",
        ],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert where.returncode == 0, where.stderr
    for line in where.stdout.splitlines():
        assert str(REPO) not in line and "site-packages" in line, line
    suites = Path(where.stdout.splitlines()[1])
    assert (suites / "cross_table.json").is_file() and list(suites.glob("columns.*.json"))


@pytest.mark.parametrize("where", ["before the command", "after the command"])
def test_validate_with_project_from_elsewhere(installed, tmp_path, where):
    project_args, command = (
        ["--project", str(REPO)],
        ["validate", "--no-archive", "--layers", "structure,rows,integrity"],
    )
    args = [*project_args, *command] if where == "before the command" else [*command, *project_args]
    result = run(installed, *args, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "valid" in result.stderr


def test_validate_inside_the_checkout(installed):
    """Every layer, the GX suites from the package data among them, found from the working directory."""
    result = run(installed, "validate", "--no-archive", cwd=REPO / "data")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "expectations" in result.stderr


def test_outside_any_project_the_error_says_what_to_do(installed, tmp_path):
    result = run(installed, "stats", cwd=tmp_path)
    assert result.returncode == 2
    assert "no claims project" in result.stderr and "--project" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_site_and_the_schema_come_with_the_package(installed):
    """The wheel holds the schema (linked into the package from the top-level schema/), the site's
    templates, styles and metadata, and the plugin Datasette finds by its entry point."""
    shown = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "from importlib.metadata import entry_points; import claims.schema.tables as t, claims.project as p; "
            "(plugin,) = entry_points(group='datasette', name='claims'); plugin.load(); "
            "print(t.__file__); print(p.SITE_DIR); print(plugin.value)",
        ],
        capture_output=True,
        text=True,
        cwd="/",
    )
    assert shown.returncode == 0, shown.stderr
    tables, site, plugin = shown.stdout.splitlines()
    assert "site-packages" in tables and str(REPO) not in tables and plugin == "claims.site.plugin"
    assert {"metadata.json", "templates/index.html", "static/claims.css"} <= {
        path.relative_to(site).as_posix() for path in Path(site).rglob("*") if path.is_file()
    }
