"""The archive of captured source texts, content-addressed by the SHA-256 of each file's bytes.

An archive is either a local folder (file names carry no meaning: files are found by hash) or the
base URL of an HTTP(S) content-addressed store that serves each file at BASE/<sha256> (and the
confirmed Wikidata IDs at BASE/wikidata.csv), read with an optional bearer token from
$CLAIMS_ARCHIVE_TOKEN. Every file fetched from a store is checked against its SHA-256 before use
and kept in a local cache ($CLAIMS_CACHE, else ~/.cache/claims/archive), itself content-addressed.
Whatever goes wrong while fetching (missing file, refused token, timeout, altered file) is kept as
a (rule, message, hint) triple that validation reports as a finding: `Archive.why_missing(sha)`.

Offsets into an archived text count Unicode code points of the UTF-8-decoded file, from 0.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import http.client
import io
import math
import os
import secrets
import shutil
import stat
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from claims import project

# Characters a curator may type in place of the source's typographic ones: quote marks, and the
# no-break spaces that web pages scatter between words.
QUOTE_EQUIVALENTS: dict[str, str | int | None] = {
    "“": '"',
    "”": '"',
    "„": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "\u00a0": " ",
}
TOKEN_VARIABLE = "CLAIMS_ARCHIVE_TOKEN"
TIMEOUT_VARIABLE = "CLAIMS_ARCHIVE_TIMEOUT"
DEFAULT_TIMEOUT = 30.0  # seconds for one whole file, not per read
MAX_FILE_BYTES = 256 << 20  # a capture larger than this is not one: the store is misbehaving
WIKIDATA = "wikidata.csv"
WIKIDATA_COLUMNS = ("name", "wikidata_id")
PUBLISH_HINT = "a maintainer publishes the capture to the store (CONTRIBUTING.md, 'Publish a capture')"

Location = Path | str  # a local folder, or the base URL of a store


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_url(location) -> bool:
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


class LocationError(ValueError):
    """An archive location or store setting that cannot be used; the command line makes it a usage error."""


def parse_location(value) -> Location | None:
    """A folder as a Path, a store's base URL as a string without its trailing slash; None stays None.
    A URL that does not parse, or an unusable $CLAIMS_ARCHIVE_TIMEOUT, raises LocationError."""
    if value is None or value == "":
        return None
    if is_url(str(value)):
        try:
            parts = urllib.parse.urlsplit(str(value))
            parts.port  # noqa: B018 - parsing the port is the check
        except ValueError as error:
            raise LocationError(
                f"archive URL {str(value)!r} does not parse ({error}): give the store's base URL, e.g. https://store.example/claims"
            ) from None
        if not parts.hostname:
            raise LocationError(
                f"archive URL {str(value)!r} names no host: give the store's base URL, e.g. https://store.example/claims"
            )
        store_timeout()
        return str(value).rstrip("/")
    return Path(value)


def store_timeout() -> float:
    """$CLAIMS_ARCHIVE_TIMEOUT (seconds for one whole file), a finite number above 0; 30 by default."""
    raw = os.environ.get(TIMEOUT_VARIABLE)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise LocationError(
            f"${TIMEOUT_VARIABLE}={raw!r} is not a number of seconds above 0: set it to e.g. 30, or unset it"
        )
    return seconds


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a store's redirects, only to http(s) (urllib alone follows one to ftp://), and never
    carry its bearer token to another origin (scheme, host, port): urllib alone copies the
    Authorization header to wherever a redirect points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise _RedirectRefused(f"{req.full_url} redirected to {newurl}, which is not an http(s) address")
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            old, to = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
            if (old.scheme, old.hostname, old.port) != (to.scheme, to.hostname, to.port):
                new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_SameOriginRedirects)


def default_archive() -> Location | None:
    """$CLAIMS_ARCHIVE (a folder or a store's http(s) base URL), else ../shared/sources beside the
    current project, if both exist."""
    if os.environ.get("CLAIMS_ARCHIVE"):
        return parse_location(os.environ["CLAIMS_ARCHIVE"])
    try:
        candidate = project.current().shared_archive
    except project.ProjectNotFound:
        return None
    return candidate if candidate.is_dir() else None


def default_cache() -> Path:
    if os.environ.get("CLAIMS_CACHE"):
        return Path(os.environ["CLAIMS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "claims" / "archive"


@dataclass
class Archive:
    """A local folder of captured texts. `Archive.open(location)` gives a `StoreArchive` for a URL."""

    root: Path
    by_hash: dict[str, Path] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, location: Location) -> Archive:
        if is_url(location):
            return StoreArchive.connect(str(location))
        archive = Archive(Path(location))
        archive.index(archive.root)
        return archive

    def index(self, folder: Path) -> None:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and path.suffix != ".md" and path.name != WIKIDATA and not path.name.startswith("."):
                    self.by_hash.setdefault(sha256_file(path), path)

    def __str__(self) -> str:
        return str(self.root)

    def fetch(self, sha256: str) -> Path | None:
        """The local file with this hash, or None."""
        return self.by_hash.get(sha256)

    def text(self, sha256: str, keep: bool = True) -> str | None:
        """The decoded text of the archived file with this hash, or None if it is not available
        (`why_missing` says why). `keep=False` reads it again next time instead of holding it."""
        if sha256 in self._texts:
            return self._texts[sha256]
        path = self.fetch(sha256)
        if path is None:
            return None
        text = path.read_bytes().decode("utf-8")
        if keep:
            self._texts[sha256] = text
        return text

    def why_missing(self, sha256: str) -> tuple[str, str, str]:
        """(rule, message, hint) for a file `text` could not give."""
        return (
            "archive-missing",
            f"no file in {self} has SHA-256 {sha256}",
            "put the capture in the archive (`claims archive add FILE`), or correct the hash (sha256sum FILE)",
        )

    def wikidata_path(self) -> Path | None:
        """The archive's list of confirmed Wikidata IDs, or None if it has none (a folder or a
        broken link of that name is there: `read_wikidata` says why it cannot be used)."""
        path = self.root / WIKIDATA
        return path if path.exists() or path.is_symlink() else None


@dataclass
class StoreArchive(Archive):
    """An HTTP(S) content-addressed store, read through a local cache. `by_hash` holds the files
    fetched (or found in the cache) so far."""

    base_url: str = ""
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    problems: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    store_problem: tuple[str, str, str] | None = None  # refused token or unreachable store: no use asking again

    @classmethod
    def connect(
        cls, base_url: str, cache: Path | None = None, token: str | None = None, timeout: float | None = None
    ) -> StoreArchive:
        cache = cache or default_cache()
        token = token if token is not None else (os.environ.get(TOKEN_VARIABLE) or None)
        timeout = timeout if timeout is not None else store_timeout()
        return cls(root=cache, base_url=base_url.rstrip("/"), token=token, timeout=timeout)

    def __str__(self) -> str:
        return self.base_url

    def fetch(self, sha256: str) -> Path | None:
        if sha256 in self.by_hash:
            return self.by_hash[sha256]
        cached = self.root / sha256
        if cached.is_file() and sha256_file(cached) == sha256:  # a damaged cache file is fetched again
            self.by_hash[sha256] = cached
            return cached
        data = self._get(sha256, sha256)
        if data is None:
            return None
        got = sha256_bytes(data)
        if got != sha256:
            self.problems[sha256] = (
                "archive-hash-mismatch",
                f"{self.base_url}/{sha256} has SHA-256 {got}, not the hash it is stored under",
                f"the store holds an altered or damaged file: nothing of it was used; {PUBLISH_HINT} again",
            )
            return None
        self.by_hash[sha256] = write_atomically(self.root / sha256, data)
        return self.by_hash[sha256]

    def why_missing(self, sha256: str) -> tuple[str, str, str]:
        return self.problems.get(sha256) or self.store_problem or super().why_missing(sha256)

    def wikidata_path(self) -> Path | None:
        """BASE/wikidata.csv, fetched afresh into the cache (it is a list, not a capture: no hash to
        check); None if the store has none (404). A list the store failed to send whole is unusable."""
        failing_before = self.store_problem
        data = self._get(WIKIDATA, None)
        if data is None and self.store_problem and not failing_before:
            raise WikidataUnusable(f"could not be fetched whole: {self.store_problem[1]}")
        return None if data is None else write_atomically(self.root / WIKIDATA, data)

    def _get(self, name: str, sha256: str | None) -> bytes | None:
        """GET BASE/name; on failure record why (under `sha256`, or for the whole store) and return None."""
        if self.store_problem:
            return None
        url = f"{self.base_url}/{name}"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.token}"} if self.token else {})
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                return self._read_bounded(response, url)
        except _RedirectRefused as problem:
            self.store_problem = (
                "archive-unreachable",
                str(problem),
                "a store is read over http(s) only: check its redirects, or its address in $CLAIMS_ARCHIVE",
            )
        except _TooSlowOrTooBig as problem:
            self.store_problem = (
                "archive-unreachable",
                str(problem),
                f"check the store's address in $CLAIMS_ARCHIVE; ${TIMEOUT_VARIABLE}=SECONDS waits longer",
            )
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                given = f"the token in ${TOKEN_VARIABLE}" if self.token else f"no token (${TOKEN_VARIABLE} is not set)"
                self.store_problem = (
                    "archive-access-refused",
                    f"{self.base_url} refused access with {given}: HTTP {error.code} {error.reason}",
                    f"set ${TOKEN_VARIABLE} to a valid read token for the store",
                )
            elif error.code == 404 and sha256:
                self.problems[sha256] = (
                    "archive-missing",
                    f"{url} is not in the store (HTTP 404)",
                    f"correct the hash, or {PUBLISH_HINT}",
                )
            elif error.code != 404:
                self.store_problem = (
                    "archive-unreachable",
                    f"{url} answered HTTP {error.code} {error.reason}",
                    "try again later, or check the store's address in $CLAIMS_ARCHIVE",
                )
        except TimeoutError:
            self.store_problem = (
                "archive-unreachable",
                f"{self.base_url} did not answer within {self.timeout:g} s",
                f"check the network and the store's address; ${TIMEOUT_VARIABLE}=SECONDS waits longer",
            )
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            self.store_problem = (
                "archive-unreachable",
                f"cannot reach {self.base_url}: {reason}",
                "check the network and the store's address in $CLAIMS_ARCHIVE",
            )
        except (http.client.HTTPException, ValueError) as error:  # a broken answer, or a redirect that does not parse
            self.store_problem = (
                "archive-unreachable",
                f"{url} did not answer in HTTP that can be read ({type(error).__name__}: {str(error)[:200] or 'no details'})",
                "the store or a proxy before it is misbehaving: try again later, or check the store's address in $CLAIMS_ARCHIVE",
            )
        return None

    def _read_bounded(self, response, url: str) -> bytes:
        """The body, read within `timeout` seconds in all (a store that trickles bytes cannot hold
        a run forever) and at most MAX_FILE_BYTES (nor fill the memory)."""
        deadline, chunks, size = time.monotonic() + self.timeout, [], 0
        while chunk := response.read1(1 << 16):  # what has arrived, not a full 64 KiB
            size += len(chunk)
            if size > MAX_FILE_BYTES:
                raise _TooSlowOrTooBig(f"{url} sent more than {MAX_FILE_BYTES >> 20} MiB: no capture is that large")
            if time.monotonic() > deadline:
                raise _TooSlowOrTooBig(f"{url} did not send the whole file within {self.timeout:g} s")
            chunks.append(chunk)
        if getattr(response, "length", None):  # the connection closed before the Content-Length it announced
            raise _TooSlowOrTooBig(f"{url} sent {size:,} bytes of the {size + response.length:,} it announced")
        return b"".join(chunks)


class _TooSlowOrTooBig(Exception):
    pass


class _RedirectRefused(Exception):
    pass


def write_atomically(path: Path, data: bytes) -> Path:
    """Write `path` whole or not at all, so that a reader never sees half a file (nor an interrupted
    write leaves one): a temporary file beside it, renamed over it. A file that was there keeps its
    permissions; a new one gets those open() gives."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".partial-{path.name}-{secrets.token_hex(8)}")
    try:
        with temporary.open("xb") as out:
            out.write(data)
        if path.exists():
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return path


@dataclass
class Added:
    sha256: str
    path: Path
    new: bool  # False when the archive already held this file
    length: int  # characters of the decoded text
    body: tuple[int, int] | None  # suggested body_char_start, body_char_end


def add(capture: Path, folder: Path, body_from: str | None = None, body_to: str | None = None) -> Added:
    """Put `capture` into the local archive `folder` as folder/<sha256> (unless a file with that
    hash is there already) and suggest the body offsets: where `body_from` starts and `body_to` ends.
    Raises ValueError with what to do if the capture is not a file of UTF-8 text or the words are not found."""
    if not stat.S_ISREG(capture.stat().st_mode):  # a FIFO or device would block or never end
        raise ValueError(f"{capture} is not a regular file: save the capture to a file first")
    data = capture.read_bytes()
    if not data.strip():
        raise ValueError(f"{capture} is empty: capture the page's text again")
    if b"\x00" in data:
        raise ValueError(f"{capture} contains NUL bytes, so it is not a text capture: save the page's text as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{capture} is not UTF-8 text (byte {error.start}): save the capture as UTF-8") from None
    body = None
    if body_from or body_to:
        starts = find_all(text, body_from) if body_from else [(0, 0)]
        ends = find_all(text, body_to) if body_to else [(len(text), len(text))]
        if not starts or not ends:
            missing = body_from if not starts else body_to
            raise ValueError(f"{missing!r} is not in {capture}: copy the words from the capture")
        body = (starts[0][0], ends[-1][1])
    sha256 = sha256_bytes(data)
    existing = Archive.open(folder).by_hash.get(sha256) if folder.is_dir() else None
    if existing is not None:
        return Added(sha256, existing, False, len(text), body)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / sha256
    shutil.copyfile(capture, target)
    return Added(sha256, target, True, len(text), body)


class WikidataUnusable(ValueError):
    """The archive's wikidata.csv is there but cannot be read as the list of confirmed IDs; the
    message says why, as a predicate of the file ("is not valid UTF-8 …")."""


def read_wikidata(path: Path) -> dict[str, str]:
    """The confirmed Wikidata IDs listed at `path` (a UTF-8 CSV with the columns name and
    wikidata_id), each with the name it is confirmed for."""
    try:
        if path.is_symlink() and path.resolve(strict=True).parent != path.parent.resolve():
            raise WikidataUnusable("is a link out of the archive's folder; it must be the list itself")
        if not stat.S_ISREG(path.stat().st_mode):
            raise WikidataUnusable("is not a regular file (a folder, a device or a pipe)")
        raw = path.read_bytes()
    except RuntimeError:  # Python before 3.13 reports a link loop so
        raise WikidataUnusable("cannot be read: too many levels of symbolic links") from None
    except OSError as error:
        raise WikidataUnusable(f"cannot be read: {error.strerror or error}") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise WikidataUnusable(f"contains a NUL byte (at offset {nul}), so it is binary or corrupt")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WikidataUnusable(f"is not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})") from None
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, [])
        missing = [name for name in WIKIDATA_COLUMNS if name not in header]
        if missing:
            raise WikidataUnusable(
                f"has no column {' or '.join(missing)} (its header is {','.join(header)!r}; it needs {','.join(WIKIDATA_COLUMNS)})"
            )
        name, wikidata_id = (header.index(column) for column in WIKIDATA_COLUMNS)
        confirmed = {}
        for record in reader:
            if record and len(record) != len(header):
                raise WikidataUnusable(
                    f"has a record of {len(record)} cells for {len(header)} columns (line {reader.line_num})"
                )
            if record:
                confirmed[record[wikidata_id]] = record[name]
    except csv.Error as error:
        raise WikidataUnusable(f"has broken CSV quoting ({error}, line {reader.line_num})") from None
    return confirmed


def straighten(text: str) -> str:
    return text.translate(str.maketrans(QUOTE_EQUIVALENTS))


def find_all(text: str, words: str) -> list[tuple[int, int]]:
    """Every (start, end) where `words` occurs in `text`, treating curly and straight quotes alike.

    The replacement is one character for one, so offsets in the straightened text are offsets
    in the original.
    """
    haystack, needle = straighten(text), straighten(words)
    spans, start = [], haystack.find(needle)
    while needle and start != -1:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return spans
