"""The archive of captured source texts, content-addressed by the SHA-256 of each file's bytes.

Offsets into an archived text count Unicode code points of the UTF-8-decoded file, from 0.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

# Characters a curator may type in place of the source's typographic ones: quote marks, and the
# no-break spaces that web pages scatter between words.
QUOTE_EQUIVALENTS = {"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "\u00a0": " "}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Archive:
    root: Path
    by_hash: dict[str, Path] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path) -> "Archive":
        archive = cls(root)
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix != ".md":
                archive.by_hash[sha256_file(path)] = path
        return archive

    def text(self, sha256: str, keep: bool = True) -> str | None:
        """The decoded text of the archived file with this hash, or None if it is not archived.
        `keep=False` reads it again next time instead of holding it in memory."""
        if sha256 in self._texts:
            return self._texts[sha256]
        path = self.by_hash.get(sha256)
        if path is None:
            return None
        text = path.read_bytes().decode("utf-8")
        if keep:
            self._texts[sha256] = text
        return text


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
