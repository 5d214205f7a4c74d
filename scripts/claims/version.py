"""The data's version, derived from CHANGELOG.md (and, in a git checkout, the commit).

A release is the newest dated section of CHANGELOG.md (`## 0.1.0 — 2026-11-29`). Data that is not
exactly a release says so wherever a version is shown: a PEP 440 development version with the
commit in machine fields (`0.2.0.dev0+g1a2b3c4`), and "unreleased data after 0.1.0 (commit
1a2b3c4)" in words. The data is a release when no section is waiting to be dated, and git (where
there is a checkout) shows no change to data/ since the release's tag `vX.Y.Z` (or, without the
tag, every ID in the data is recorded as published). `claims build` stamps the version into the
databases it writes (table `dataset_version`), so a served or downloaded copy knows its version
without the checkout; the toolchain's own version is the package's (pyproject.toml).
"""

from __future__ import annotations

import csv
import re
import subprocess
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from claims.project import Project
from claims.schema import ID_TABLES

# `## 0.2.0 — unreleased (dated when released)` or `## 0.1.0 — 2026-11-29`
SECTION = re.compile(r"^## ([0-9]+\.[0-9]+\.[0-9]+)\b(.*)$", re.M)
ISO_DATE = re.compile(r"\b([0-9]{4}-[0-9]{2}-[0-9]{2})\b")
SEMVER = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")
PACKAGE = "claims-dataset"
# The one-row table of every database `claims build` writes that says which data it holds: a served
# or downloaded copy knows its version without the checkout it was built from.
VERSION_TABLE = "dataset_version"
SHORT_COMMIT = 7


def toolchain_version() -> str:
    """The `claims` toolchain's version: the installed package's (pyproject.toml's [project] version)."""
    try:
        return package_version(PACKAGE)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


@dataclass(frozen=True)
class Section:
    """One `## X.Y.Z — …` section of CHANGELOG.md."""

    version: str
    date: str | None  # the release date; None while the section waits to be released
    text: str  # the section, heading included


def changelog_sections(where: Project) -> list[Section]:
    """The sections of CHANGELOG.md, newest first (the order the file keeps)."""
    text = where.changelog.read_text(encoding="utf-8")
    headings = list(SECTION.finditer(text))
    sections = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        dated = ISO_DATE.search(heading.group(2))
        sections.append(
            Section(heading.group(1), dated.group(1) if dated else None, text[heading.start() : end].strip())
        )
    return sections


def last_release(where: Project) -> Section | None:
    """The newest dated section of CHANGELOG.md: the latest release, or None before the first."""
    return next((section for section in changelog_sections(where) if section.date), None)


def pending_section(where: Project) -> Section | None:
    """The undated section above the latest release, which collects the next release's changes."""
    for section in changelog_sections(where):
        if section.date:
            return None
        return section
    return None


@dataclass(frozen=True)
class DataVersion:
    """Which data this is: a release, or unreleased data after one, at a commit."""

    version: str  # PEP 440: "0.1.0", or "0.2.0.dev0+g1a2b3c4" for unreleased data
    release: str | None  # the release this data is; None for unreleased data
    after: str | None  # for unreleased data: the latest release before it (None before the first)
    commit: str | None  # abbreviated commit of the checkout, where there is one
    date: str | None  # the release's date, or the commit's date for unreleased data (ISO)
    uncommitted: bool = False  # the data differs from the commit

    @property
    def label(self) -> str:
        """In words, for citations and pages: "version 0.1.0", "unreleased data after 0.1.0 (commit 1a2b3c4)"."""
        if self.release:
            return f"version {self.release}"
        since = f" after {self.after}" if self.after else ", before the first release"
        commit = ""
        if self.commit:
            commit = f" (commit {self.commit}{', with uncommitted changes' if self.uncommitted else ''})"
        return f"unreleased data{since}{commit}"

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date else None

    def as_row(self) -> dict[str, str | None]:
        """The row of the databases' `dataset_version` table."""
        return {**asdict(self), "uncommitted": "true" if self.uncommitted else "false", "label": self.label}

    @classmethod
    def from_row(cls, row: dict) -> DataVersion:
        return cls(
            row["version"],
            row["release"],
            row["after"],
            row["commit"],
            row["date"],
            str(row["uncommitted"]).lower() in {"true", "1"},
        )


def git_output(where: Project, *args: str) -> str | None:
    """git's output in the project's folder; None where git or a checkout is missing, or git fails."""
    try:
        result = subprocess.run(["git", "-C", str(where.root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def tag_exists(where: Project, release: str) -> bool:
    """Whether the checkout has the release's tag vX.Y.Z."""
    return git_output(where, "rev-parse", "--verify", "--quiet", f"refs/tags/v{release}") is not None


def _checkout(where: Project) -> tuple[str | None, str | None, bool]:
    """(abbreviated commit, its date, whether data/ or CHANGELOG.md differ from it), or Nones
    outside a git checkout."""
    # the project must be the checkout's root: a copy inside another repository is not that repository's data
    top = git_output(where, "rev-parse", "--show-toplevel")
    if top is None or where.root.resolve() != Path(top).resolve():
        return None, None, False
    commit = git_output(where, "rev-parse", f"--short={SHORT_COMMIT}", "HEAD")
    if not commit:
        return None, None, False
    date = git_output(where, "log", "-1", "--format=%cs", "HEAD")
    status = git_output(where, "status", "--porcelain", "--untracked-files=all", "--", "data", "CHANGELOG.md")
    return commit, date or None, bool(status)


def published_rows(data_dir: Path) -> list[dict[str, str]]:
    """The rows of data/published_ids.csv: every ID a release published, with the first release that did."""
    with (data_dir / "published_ids.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def unpublished_ids(data_dir: Path) -> list[tuple[str, str]]:
    """(table, ID) of every ID in the data that published_ids.csv does not record yet."""
    known = {(row["table_name"], row["id"]) for row in published_rows(data_dir)}
    found = []
    for table, key in ID_TABLES.items():
        path = data_dir / f"{table}.csv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                found += [(table, row[key]) for row in csv.DictReader(handle) if (table, row[key]) not in known]
    return found


def _changed_since_tag(where: Project, release: str) -> bool | None:
    """Whether data/ changed since the tag vRELEASE (None: no such tag here)."""
    if not tag_exists(where, release):
        return None
    return git_output(where, "diff", "--quiet", f"v{release}^{{commit}}", "HEAD", "--", "data") is None


def next_patch(release: str) -> str:
    major, minor, patch = (int(part) for part in release.split("."))
    return f"{major}.{minor}.{patch + 1}"


def data_version(where: Project) -> DataVersion:
    """The version of the project's data as it is now."""
    released, pending = last_release(where), pending_section(where)
    commit, commit_date, uncommitted = _checkout(where)
    if released and pending is None and not uncommitted:
        changed = _changed_since_tag(where, released.version) if commit else None
        if changed is False or (changed is None and not unpublished_ids(where.data_dir)):
            return release_version(where, released.version)
    upcoming = pending.version if pending else (next_patch(released.version) if released else "0.1.0")
    local = f"+g{commit}{'.dirty' if uncommitted else ''}" if commit else ""
    return DataVersion(
        f"{upcoming}.dev0{local}", None, released.version if released else None, commit, commit_date, uncommitted
    )


def release_version(where: Project, release: str) -> DataVersion:
    """The version stamped into the files of release `release`. It names no commit: a release is
    its version (its tag names the commit), and its files are the same whichever commit builds them."""
    section = next((s for s in changelog_sections(where) if s.version == release), None)
    return DataVersion(release, release, None, None, section.date if section else None)
