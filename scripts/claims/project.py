"""The data repository the toolchain works on: its folders and files, named once.

The project is found as git finds its root: from the working directory upwards, the first folder
holding both datapackage.json and data/; or it is given (`claims --project DIR`, kept in the
command's click context; $CLAIMS_PROJECT). The package itself can be installed anywhere (`pip
install .`): nothing is looked for beside the code.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import click

# A folder is a claims project when it holds both of these: the package descriptor and the data folder.
DESCRIPTOR_NAME = "datapackage.json"
DATA_FOLDER = "data"


def _package_folder(package: str) -> Path:
    return Path(str(files(package)))


# The toolchain's own files, installed with the package (package data; in a checkout they are the
# folders gx/, site/ and queries/ of PACKAGE_SOURCE, which `claims generate` writes into).
PACKAGE_SOURCE = Path("scripts", "claims")
GX_DIR = _package_folder("claims.gx")
SUITES_DIR = GX_DIR / "expectations"
SITE_DIR = _package_folder("claims.site")  # Datasette templates, static files, metadata
QUERIES_DIR = _package_folder("claims.queries")
VIEWS_DIR = QUERIES_DIR / "views"  # SQL views created in every database build
DERIVED_DIR = QUERIES_DIR / "derived"  # generated columns the Datasette pages sort and facet by
CANNED_DIR = QUERIES_DIR / "canned"
# The name the published database is served under (/claims/statements/st-007).
DATABASE = "claims"
EXAMPLES_DIR = QUERIES_DIR / "examples"


class ProjectNotFound(Exception):
    """No claims project at or above the folder: the message says where it looked and what to do."""


@dataclass(frozen=True)
class Project:
    """A checkout of the claims dataset: every path the toolchain reads or writes in it."""

    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_FOLDER

    @property
    def descriptor(self) -> Path:
        return self.root / DESCRIPTOR_NAME

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def citation_file(self) -> Path:
        return self.root / "CITATION.cff"

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def requirements_lock(self) -> Path:
        return self.root / "requirements.lock"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def dist_dir(self) -> Path:
        return self.root / "dist"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def shared_archive(self) -> Path:
        """Where the archive of source texts sits by convention: ../shared/sources beside the checkout."""
        return self.root.parent / "shared" / "sources"

    def _pyproject_table(self) -> dict:
        try:
            with self.pyproject.open("rb") as handle:
                return tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ProjectNotFound(
                f"{self.pyproject}: cannot be read ({type(error).__name__}: {error}); the project's addresses are "
                "written there once: restore pyproject.toml from the repository"
            ) from None

    def repository_url(self) -> str:
        """The repository's public address, written once: pyproject.toml's [project.urls] Homepage."""
        try:
            return str(self._pyproject_table()["project"]["urls"]["Homepage"])
        except (KeyError, TypeError):
            raise ProjectNotFound(
                f"{self.pyproject}: no [project.urls] Homepage; the repository's address is written there once"
            ) from None

    def site_url(self) -> str | None:
        """The public site's base URL (pyproject.toml's [tool.claims] site-url), or None where no public
        site is configured: then stable addresses are URNs, never the host that serves a page."""
        site = str(self._pyproject_table().get("tool", {}).get("claims", {}).get("site-url") or "")
        return site.rstrip("/") or None


def is_project(folder: Path) -> bool:
    candidate = Project(folder)
    return candidate.descriptor.is_file() and candidate.data_dir.is_dir()


def find_project(start: Path | None = None) -> Project:
    """The project at or above `start` (default: the working directory), as git finds its root."""
    if start is None:
        try:
            start = Path.cwd()
        except FileNotFoundError:  # the folder was removed under the shell
            raise ProjectNotFound(
                "the working directory no longer exists: cd into a checkout of the dataset, or pass --project DIR"
            ) from None
    start = start.resolve()
    for folder in (start, *start.parents):
        if is_project(folder):
            return Project(folder)
    raise ProjectNotFound(
        f"no claims project at or above {start} (a folder with {DESCRIPTOR_NAME} and {DATA_FOLDER}/): "
        "run the command inside a checkout of the dataset, or pass --project DIR (or set $CLAIMS_PROJECT)"
    )


def at(root: Path | str) -> Project:
    """The project at `root`, which must be one."""
    folder = Path(root).resolve()
    if not is_project(folder):
        raise ProjectNotFound(
            f"{folder} is not a claims project: it needs {DESCRIPTOR_NAME} and a {DATA_FOLDER}/ folder"
        )
    return Project(folder)


def current() -> Project:
    """The project of the running command (`claims --project DIR`, kept in its click context), else
    $CLAIMS_PROJECT, else the one found from the working directory."""
    context = click.get_current_context(silent=True)
    given = context.find_object(Project) if context is not None else None
    if given is not None:
        return given
    if os.environ.get("CLAIMS_PROJECT"):
        return at(os.environ["CLAIMS_PROJECT"])
    return find_project()
