"""The data's version: the release records (data/releases.csv), CHANGELOG.md and, in a git
checkout, the commit.

A release is a fact recorded in the repository: `claims release` writes a row of data/releases.csv
with the version, the date of its CHANGELOG.md section, the release before it and the SHA-256 of the
data it released (`data_digest`: of the list of the SHA-256 of each CSV file of data/ but
releases.csv). Data whose digest is a release's is that release, wherever it is read — a clone
without tags, an archive of a commit, an unpacked zip; any other data is unreleased and says so
wherever a version is shown: a PEP 440 development version with the commit in machine fields
(`0.2.0.dev0+g1a2b3c4`), "unreleased data after 0.1.0 (commit 1a2b3c4)" in words. The version it
leads to is the CHANGELOG.md section above the latest release (a dated section is no release until
its record is written), else the next patch. `claims build` stamps the version into the databases
it writes (table `dataset_version`), so a served or downloaded copy knows its version without the
checkout; the toolchain's own version is the package's (pyproject.toml).

CHANGELOG.md is read strictly: every `## ` heading is `## X.Y.Z — YYYY-MM-DD` (a real date) or
`## X.Y.Z — unreleased` (optionally followed by a remark in parentheses), newest first; anything
else is a ChangelogError naming the line.
"""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
from dataclasses import asdict, dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from claims.project import Project
from claims.schema import ID_TABLES
from claims.schema.tables import VERSION_PATTERN

SEMVER = re.compile(VERSION_PATTERN)
HEADING = re.compile(r"^## (.*)$", re.M)
# The two forms a section heading takes (the version is checked against SEMVER apart, to say why).
DATED = re.compile(r"^(\S+) — ([0-9]{4}-[0-9]{2}-[0-9]{2})$")
UNDATED = re.compile(r"^(\S+) — unreleased(?: \(.*\))?$")
HEADING_FORMS = "'## X.Y.Z — YYYY-MM-DD' for a release, '## X.Y.Z — unreleased' for the next one"
PACKAGE = "claims-dataset"
# The release records, in data/; the data's digest leaves this file out (a record cannot hold its own digest).
RELEASES_FILE = "releases.csv"
SHORT_COMMIT = 7


def toolchain_version() -> str:
    """The `claims` toolchain's version: the installed package's (pyproject.toml's [project] version)."""
    try:
        return package_version(PACKAGE)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def semver(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def next_patch(release: str) -> str:
    major, minor, patch = semver(release)
    return f"{major}.{minor}.{patch + 1}"


# --- CHANGELOG.md --------------------------------------------------------------------------------


class ChangelogError(Exception):
    """CHANGELOG.md's sections cannot be read as releases: the message names the line and the form."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Section:
    """One `## X.Y.Z — …` section of CHANGELOG.md."""

    version: str
    date: str | None  # the date its heading gives; None while it waits to be released
    text: str  # the section, heading included
    line: int  # of its heading


def changelog_sections(where: Project) -> list[Section]:
    """The sections of CHANGELOG.md, newest first (none where there is no CHANGELOG.md). Raises
    ChangelogError for a heading of another form, a date that is no calendar day, or sections out of order."""
    try:
        text = where.changelog.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    headings = list(HEADING.finditer(text))
    sections: list[Section] = []
    for index, heading in enumerate(headings):
        line = text.count("\n", 0, heading.start()) + 1
        try:
            version, dated = _heading(heading.group(1).strip(), sections[-1] if sections else None)
        except ValueError as problem:
            raise ChangelogError(f"{where.changelog.name} line {line}: {problem}", line) from None
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        sections.append(Section(version, dated, text[heading.start() : end].strip(), line))
    return sections


def _heading(title: str, above: Section | None) -> tuple[str, str | None]:
    """(version, date or None) of a section heading below the section `above`; ValueError saying
    what is wrong with it."""
    found = DATED.match(title) or UNDATED.match(title)
    if not found:
        raise ValueError(f"the heading '## {title}' is not a section heading: write {HEADING_FORMS}")
    version, dated = found.group(1), (found.group(2) if found.re is DATED else None)
    if not SEMVER.match(version):
        raise ValueError(
            f"{version!r} is not a release version X.Y.Z (numbers only: no 'v', pre-release or build part)"
        )
    if dated is not None:
        try:
            date.fromisoformat(dated)
        except ValueError:
            raise ValueError(f"{dated} is not a calendar date (YYYY-MM-DD)") from None
    if above is None:
        return version, dated
    if dated is None:
        raise ValueError(f"{version} is not dated, below {above.version}: only the newest section waits to be released")
    if semver(version) >= semver(above.version):
        raise ValueError(f"{version} is below {above.version} but not an older version: the newest section comes first")
    if above.date and dated > above.date:
        raise ValueError(f"{version} is dated {dated}, after {above.version} above it ({above.date})")
    return version, dated


def changelog_section(where: Project, version: str) -> Section | None:
    return next((section for section in changelog_sections(where) if section.version == version), None)


# --- the release records -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseRecord:
    """A row of data/releases.csv."""

    version: str
    released_on: str
    data_sha256: str
    previous_version: str | None = None
    git_commit: str | None = None
    notes: str | None = None

    def as_row(self) -> dict[str, str]:
        return {key: value or "" for key, value in asdict(self).items()}


def release_records(data_dir: Path) -> list[ReleaseRecord]:
    """The releases data/releases.csv records, newest first (none where the file is missing; rows
    that validation rejects for their version are left out here)."""
    try:
        with (data_dir / RELEASES_FILE).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        return []
    records = [
        ReleaseRecord(
            row["version"],
            row.get("released_on") or "",
            row.get("data_sha256") or "",
            row.get("previous_version") or None,
            row.get("git_commit") or None,
            row.get("notes") or None,
        )
        for row in rows
        if SEMVER.match(row.get("version") or "")
    ]
    return sorted(records, key=lambda record: semver(record.version), reverse=True)


def latest_release(data_dir: Path) -> ReleaseRecord | None:
    records = release_records(data_dir)
    return records[0] if records else None


def listing_digest(sums: dict[str, str]) -> str:
    """The SHA-256 of the data from each file's SHA-256 (file name → hex digest): of their list in
    name order, one `DIGEST  NAME` line each, as `sha256sum` prints it; releases.csv left out."""
    listing = "".join(f"{sums[name]}  {name}\n" for name in sorted(sums) if name != RELEASES_FILE)
    return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def data_digest(data_dir: Path) -> str:
    """The SHA-256 of the data in `data_dir`: in data/, `LC_ALL=C sha256sum $(ls *.csv | grep -vx
    releases.csv) | sha256sum` gives the same."""
    sums = {}
    for path in data_dir.glob("*.csv"):
        if path.is_file():
            with path.open("rb") as handle:
                sums[path.name] = hashlib.file_digest(handle, "sha256").hexdigest()
    return listing_digest(sums)


def history_problems(where: Project, data_dir: Path | None = None) -> list[tuple[int, str]]:
    """(line of CHANGELOG.md, what is wrong) wherever CHANGELOG.md and the release records disagree:
    each recorded release has its section, dated as recorded; a dated section is recorded, but for
    the newest one above the latest release (dated to be released next)."""
    try:
        sections = changelog_sections(where)
    except ChangelogError as error:
        return [(error.line, str(error))]
    records = release_records(data_dir or where.data_dir)
    by_version = {section.version: section for section in sections}
    problems = []
    for record in records:
        section = by_version.get(record.version)
        if section is None or section.date != record.released_on:
            said = f"dates it {section.date}" if section and section.date else "has no dated section for it"
            problems.append(
                (
                    section.line if section else 1,
                    f"data/{RELEASES_FILE} records release {record.version} on {record.released_on}, but CHANGELOG.md {said}: make them agree",
                )
            )
    recorded = {record.version for record in records}
    latest = records[0] if records else None
    for index, section in enumerate(sections):
        waiting = index == 0 and (latest is None or semver(section.version) > semver(latest.version))
        if section.date and section.version not in recorded and not waiting:
            problems.append(
                (
                    section.line,
                    f"CHANGELOG.md dates {section.version}, which data/{RELEASES_FILE} does not record as released: date a section only to release it with `claims release`, newest first",
                )
            )
    return problems


# --- git -------------------------------------------------------------------------------------------


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


def tagged_versions(where: Project) -> list[str]:
    """The versions the checkout's tags vX.Y.Z name."""
    tags = (git_output(where, "tag", "--list", "v*") or "").split()
    return [tag[1:] for tag in tags if SEMVER.match(tag[1:])]


def _is_checkout_root(where: Project) -> bool:
    # a copy inside another repository is not that repository's data
    top = git_output(where, "rev-parse", "--show-toplevel")
    return top is not None and where.root.resolve() == Path(top).resolve()


def _checkout(where: Project) -> tuple[str | None, str | None, bool]:
    """(abbreviated commit, its date, whether data/ or CHANGELOG.md differ from it), or Nones
    outside a git checkout whose root is the project."""
    if not _is_checkout_root(where):
        return None, None, False
    commit = git_output(where, "rev-parse", f"--short={SHORT_COMMIT}", "HEAD")
    if not commit:
        return None, None, False
    date = git_output(where, "log", "-1", "--format=%cs", "HEAD")
    status = git_output(where, "status", "--porcelain", "--untracked-files=all", "--", "data", "CHANGELOG.md")
    return commit, date or None, bool(status)


def _blob_digests(where: Project, blobs: set[str], known: dict[str, str]) -> None:
    """The SHA-256 of each git blob of `blobs` not in `known` yet, added to it (one `git cat-file`)."""
    wanted = sorted(blobs - known.keys())
    if not wanted:
        return
    result = subprocess.run(
        ["git", "-C", str(where.root), "cat-file", "--batch"],
        input=("\n".join(wanted) + "\n").encode(),
        capture_output=True,
        timeout=600,
    )
    output, position = result.stdout, 0
    for blob in wanted:
        end = output.index(b"\n", position)
        size = int(output[position:end].split()[2])
        known[blob] = hashlib.sha256(output[end + 1 : end + 1 + size]).hexdigest()
        position = end + 1 + size + 1


def data_digest_at(where: Project, commit: str, known: dict[str, str] | None = None) -> str | None:
    """The data's digest at `commit` (as data_digest computes it for a folder); None where git does
    not know the commit. `known` caches blob digests across commits."""
    listing = git_output(where, "ls-tree", "-z", f"{commit}^{{commit}}", "--", "data/")
    if listing is None:
        return None
    blobs = {}
    for entry in listing.split("\0"):
        meta, _, path = entry.partition("\t")
        name = path.removeprefix("data/")
        if meta.split()[1:2] == ["blob"] and name.endswith(".csv"):
            blobs[name] = meta.split()[2]
    known = {} if known is None else known
    _blob_digests(where, set(blobs.values()), known)
    return listing_digest({name: known[blob] for name, blob in blobs.items()})


def release_commit(where: Project, record: ReleaseRecord) -> str | None:
    """A commit of the checkout's history whose data/ is the release's data (by its digest): the
    record's commit where it names one, else the commits that changed data/, newest first; None
    where the history holds no such commit (a shallow clone, an archive)."""
    if not _is_checkout_root(where):
        return None
    candidates = [record.git_commit] if record.git_commit else []
    candidates += (git_output(where, "log", "--format=%H", "--", "data") or "").split()
    known: dict[str, str] = {}
    return next((c for c in candidates if data_digest_at(where, c, known) == record.data_sha256), None)


# --- the data's version --------------------------------------------------------------------------


@dataclass(frozen=True)
class DataVersion:
    """Which data this is: a release, or unreleased data after one, at a commit."""

    version: str  # PEP 440: "0.1.0", or "0.2.0.dev0+g1a2b3c4" for unreleased data
    release: str | None  # the release this data is; None for unreleased data
    after: str | None  # for unreleased data: the latest release before it (None before the first)
    commit: str | None  # abbreviated commit of the checkout, where there is one
    date: str | None  # the release's date, or the commit's date for unreleased data (ISO)
    uncommitted: bool = False  # the data differs from the commit

    @classmethod
    def of_release(cls, version: str, released_on: str) -> DataVersion:
        """The version stamped into the files of a release. It names no commit: a release is its
        data (its record names the digest), and its files are the same whichever commit builds them."""
        return cls(version, version, None, None, released_on)

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
    def label_and_version(self) -> str:
        """The label with the version number where the label does not already give it: "version
        0.1.0"; "unreleased data after 0.1.0 (commit 1a2b3c4) (0.2.0.dev0+g1a2b3c4)"."""
        return self.label if self.release else f"{self.label} ({self.version})"

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


def upcoming_version(where: Project, latest: str | None) -> str:
    """The version unreleased data after release `latest` leads to: the CHANGELOG.md section above
    it, else the next patch (0.1.0 before the first release)."""
    newest = next(iter(changelog_sections(where)), None)
    if newest and (latest is None or semver(newest.version) > semver(latest)):
        return newest.version
    return next_patch(latest) if latest else "0.1.0"


def data_version(where: Project, data_dir: Path | None = None) -> DataVersion:
    """The version of the data in `data_dir` (default: the project's data/) as it is now."""
    data_dir = data_dir or where.data_dir
    records = release_records(data_dir)
    digest = data_digest(data_dir)
    matched = next((record for record in records if record.data_sha256 == digest), None)
    if matched:
        return DataVersion.of_release(matched.version, matched.released_on)
    latest = records[0].version if records else None
    if latest is None and not (data_dir / RELEASES_FILE).exists():
        # data from before releases were recorded: after the newest release CHANGELOG.md dates
        latest = next((section.version for section in changelog_sections(where) if section.date), None)
    own = data_dir.resolve() == where.data_dir.resolve()  # other data is not the checkout's commit
    commit, commit_date, uncommitted = _checkout(where) if own else (None, None, False)
    local = f"+g{commit}{'.dirty' if uncommitted else ''}" if commit else ""
    return DataVersion(f"{upcoming_version(where, latest)}.dev0{local}", None, latest, commit, commit_date, uncommitted)


# --- the ID history ------------------------------------------------------------------------------


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
