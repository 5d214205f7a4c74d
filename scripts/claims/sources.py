"""The archived sources, as the command line asks about them: a source's row, where words occur in
its archived text, and a copy of every cited capture. Problems are `SourceProblem`s whose message
says what to pass or fix."""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from claims.archive import (
    WIKIDATA,
    Archive,
    Location,
    WikidataUnusable,
    find_all,
    read_wikidata,
    sha256_file,
    write_atomically,
)


class SourceProblem(ValueError):
    """The question cannot be answered as asked: the message says why and what to do."""


@dataclass(frozen=True)
class Span:
    """Where words occur in a source's archived text, and the source's own characters there."""

    char_start: int
    char_end: int
    excerpt: str
    in_body: bool = True  # inside the article body (sources.body_char_start/end): page furniture is not data


# The columns of data/sources.csv that these commands read.
SOURCE_COLUMNS = ("source_id", "archive_sha256")


def source_rows(data_dir: Path) -> list[dict[str, str]]:
    """The rows of data/sources.csv; a problem saying what to fix if the file cannot be read as the
    sources table (missing, not a file, not UTF-8, broken quoting, without the columns used here)."""
    sources_csv = data_dir / "sources.csv"
    shown = os.path.relpath(sources_csv)
    fix = "run `claims validate` for the details"
    try:
        if not stat.S_ISREG(sources_csv.stat().st_mode):
            raise SourceProblem(f"{shown} is not a regular file: pass --data with the folder of the CSV tables")
        raw = sources_csv.read_bytes()
    except FileNotFoundError:
        raise SourceProblem(f"{shown} does not exist: pass --data with the folder of the CSV tables") from None
    except OSError as error:
        raise SourceProblem(f"{shown} cannot be read: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceProblem(f"{shown} is not valid UTF-8 (byte offset {error.start}): {fix}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise SourceProblem(f"{shown} has broken CSV quoting ({error}): {fix}") from None
    missing = [column for column in SOURCE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise SourceProblem(f"{shown} has no column {' or '.join(missing)}: {fix}")
    return rows


def known_source(data_dir: Path, source_id: str) -> dict[str, str]:
    """The row of data/sources.csv for `source_id`; a problem naming the IDs that exist if none."""
    sources = {row["source_id"]: row for row in source_rows(data_dir)}
    if source_id not in sources:
        known = ", ".join(sorted(sources)[:5]) + (", …" if len(sources) > 5 else "")
        raise SourceProblem(
            f"{source_id!r} is not a source_id in {os.path.relpath(data_dir / 'sources.csv')}; use one that exists: {known}"
        )
    return sources[source_id]


def locate(data_dir: Path, location: Location, source_id: str, words: str) -> list[Span]:
    """Where `words` occur in the archived text of `source_id` (straight and curly quotes match
    either form); each span carries the source's own characters, ready to paste as an excerpt."""
    if not words.strip():
        raise SourceProblem(
            'WORDS is empty: give the words to find, e.g. claims locate SOURCE_ID "I\'m thinking maybe"'
        )
    text, body = archived_text(data_dir, location, source_id)
    return [
        Span(start, end, text[start:end], body[0] <= start and end <= body[1]) for start, end in find_all(text, words)
    ]


# How alike words and a passage of the source must be (difflib's ratio) for the passage to be shown
# as the closest match: below it, a passage shares too little with the words to help find them.
CLOSEST_RATIO = 0.6


def closest(text: str, body: tuple[int, int], words: str) -> Span | None:
    """The passage of the article body (`body`: start, end in `text`) most like `words`, as many
    words long, for words that are not in it verbatim: a typo, a changed word, straight quotes for
    curly ones. None where no passage is alike enough (CLOSEST_RATIO)."""
    body_start, body_end = body
    tokens = [match.span() for match in re.finditer(r"\S+", text[body_start:body_end])]
    size = min(len(words.split()), len(tokens))
    best, best_ratio = None, CLOSEST_RATIO
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(words)
    for first in range(len(tokens) - size + 1):
        start, end = body_start + tokens[first][0], body_start + tokens[first + size - 1][1]
        matcher.set_seq1(text[start:end])
        if matcher.real_quick_ratio() >= best_ratio and matcher.quick_ratio() >= best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio or (best is None and ratio == best_ratio):  # the first of equals
                blocks = [block for block in matcher.get_matching_blocks() if block.size]
                # trimmed to what matches: the words may begin or end inside a word of the text
                start, end = start + blocks[0].a, start + blocks[-1].a + blocks[-1].size
                best, best_ratio = Span(start, end, text[start:end]), ratio
    return best


def closest_said(text: str, body: tuple[int, int], words: str) -> str:
    """Where the closest passage to `words` is and where they part, in words for a message; "" where
    no passage is alike enough."""
    span = closest(text, body, words)
    if span is None:
        return ""
    at = len(os.path.commonprefix([words, span.excerpt]))
    ours = repr(words[at]) if at < len(words) else "their end"
    theirs = repr(span.excerpt[at]) if at < len(span.excerpt) else "its end"
    return (
        f"the closest passage of the article is char_start={span.char_start} char_end={span.char_end}: "
        f"{span.excerpt!r}, which parts from the words at character {at} ({ours} where it has {theirs})"
    )


def archived_text(data_dir: Path, location: Location | Archive, source_id: str) -> tuple[str, tuple[int, int]]:
    """The archived text of `source_id` and its article body (start, end); the whole text where the
    source row gives no body offsets."""
    source = known_source(data_dir, source_id)
    sha256 = source.get("archive_sha256")
    if not sha256:
        raise SourceProblem(f"source {source_id!r} has no archive_sha256: only archived sources can be quoted")
    archive = location if isinstance(location, Archive) else Archive.open(location)
    text = archive.text(sha256)
    if text is None:
        _rule, why, hint = archive.why_missing(sha256)
        raise SourceProblem(f"source {source_id!r}: {why} ({hint})")
    try:
        body = (int(source.get("body_char_start") or 0), int(source.get("body_char_end") or len(text)))
    except ValueError:  # offsets validation reports; the whole text is searched meanwhile
        body = (0, len(text))
    return text, body


@dataclass
class Pulled:
    """What `pull` copied: how many texts were wanted, which were unavailable (and why)."""

    wanted: int
    unavailable: dict[str, str] = field(default_factory=dict)  # sha256 → why, with a hint
    wikidata: bool = False  # wikidata.csv was copied
    wikidata_unusable: str | None = None  # why the archive's wikidata.csv was not copied


def pull(data_dir: Path, location: Location, folder: Path) -> Pulled:
    """Copy every archived text data/sources.csv cites (and wikidata.csv) from the archive at
    `location` into `folder`, each checked against its SHA-256 by the archive. A text already in
    `folder` is kept only if it has its hash (a file may have been damaged since it was copied);
    each copy is written whole or not at all. A folder that cannot take the copies is a problem
    saying so."""
    wanted = sorted({row["archive_sha256"] for row in source_rows(data_dir) if row["archive_sha256"]})
    opened = Archive.open(location)
    with _writing_into(folder):
        folder.mkdir(parents=True, exist_ok=True)
    pulled = Pulled(len(wanted))
    for sha256 in wanted:
        path = opened.fetch(sha256)
        if path is None:
            _rule, why, hint = opened.why_missing(sha256)
            pulled.unavailable[sha256] = f"{why} ({hint})"
        elif not _holds(folder / sha256, sha256):
            data = path.read_bytes()
            with _writing_into(folder):
                write_atomically(folder / sha256, data)
    try:
        wikidata = opened.wikidata_path()
        if wikidata is not None:
            read_wikidata(wikidata)  # a list validation cannot read is not worth a copy
            data = wikidata.read_bytes()
            with _writing_into(folder):
                write_atomically(folder / WIKIDATA, data)
            pulled.wikidata = True
    except WikidataUnusable as unusable:
        pulled.wikidata_unusable = f"the archive's {WIKIDATA} {unusable}"
    return pulled


def _holds(path: Path, sha256: str) -> bool:
    """Whether `path` is a file with this SHA-256."""
    try:
        return path.is_file() and sha256_file(path) == sha256
    except OSError:
        return False


@contextlib.contextmanager
def _writing_into(folder: Path):
    """A step of writing into `folder`: a problem naming the folder if it fails."""
    try:
        yield
    except OSError as error:
        raise SourceProblem(
            f"{folder} cannot take the copies ({error.strerror or error}): give another FOLDER"
        ) from None
