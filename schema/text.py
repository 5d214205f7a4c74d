"""Classes of characters and of words in text cells, each written once for Python's `re` and
`unicodedata` and for RE2 (DuckDB's regular expressions), so that both engines test the same
characters: controls, whitespace, invisible characters, whole words, quotations."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

from .dialect import sql_string

Ranges = tuple[tuple[int, int], ...]

# A direct quote joins the parts of one utterance that the source splits with this marker.
ELISION = " […] "
# The words a partial quote puts in curly quotes.
QUOTED_FRAGMENT_PATTERN = "“([^”]+)”"
QUOTED_FRAGMENT = re.compile(QUOTED_FRAGMENT_PATTERN)
# Words put in quotation marks of any kind, marks included (each mark is one character): curly
# double, straight double, single curly and guillemets. A ’ followed by a letter is an apostrophe
# inside a word (“it’s”), not the closing mark. Written once for Python and RE2 (DuckDB) alike.
QUOTATION_PATTERN = '“[^”]+”|"[^"]+"|‘(?:[^’]|’[A-Za-zÀ-ɏ])+’|«[^»]+»'
QUOTATION = re.compile(QUOTATION_PATTERN)

# Character classes as code-point ranges, so that the Python checks and the SQL of the fast
# engine test exactly the same characters.
# Unicode category Cc (C0 and C1 controls, DEL) except the line break:
CONTROL_RANGES: Ranges = ((0x00, 0x09), (0x0B, 0x1F), (0x7F, 0x9F))
# What str.isspace() counts as whitespace:
WHITESPACE_RANGES: Ranges = (
    (0x09, 0x0D),
    (0x1C, 0x20),
    (0x85, 0x85),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
)
# Zero-width joiner and non-joiner: some scripts (Persian, Indic) need them between letters.
JOINERS = ("\u200c", "\u200d")
# A character that is neither a letter, a combining mark nor a digit, in RE2's syntax (the boundary
# of whole words).
WORD_BOUNDARY_SQL = "[^\\p{L}\\p{M}\\p{N}]"


def char_class(ranges: Ranges, re2: bool = False) -> str:
    """A regex character class for the ranges, in Python re syntax or RE2 syntax."""

    def char(code: int) -> str:
        return f"\\x{{{code:x}}}" if re2 else f"\\U{code:08x}"

    return "[" + "".join(char(lo) if lo == hi else f"{char(lo)}-{char(hi)}" for lo, hi in ranges) + "]"


WHITESPACE_SQL = char_class(WHITESPACE_RANGES, re2=True)
CONTROL = re.compile(char_class(CONTROL_RANGES))


@cache
def invisible_ranges() -> Ranges:
    """Characters that render as nothing and make equal-looking text differ: every format character
    (category Cf: zero-width spaces, bidi controls and isolates, soft hyphen, tag characters, BOM),
    and the line and paragraph separators U+2028/U+2029. Read from Python's Unicode tables on first
    use (a scan of every code point, about a quarter of a second), not at import."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.category(chr(code)) == "Cf":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return tuple(sorted([(lo, hi) for lo, hi in ranges] + [(0x2028, 0x2029)]))


@cache
def invisible_pattern() -> re.Pattern[str]:
    return re.compile(char_class(invisible_ranges()))


def in_word(char: str) -> bool:
    """A letter or a combining mark (an Indic virama before a joiner is a mark)."""
    return unicodedata.category(char)[0] in "LM"


def in_word_or_digit(char: str) -> bool:
    """What may not touch whole words on either side (Unicode categories L, M and N): a letter, a
    digit, or a combining mark, which belongs to the letter before it ("Café" written with U+0301)."""
    return unicodedata.category(char)[0] in "LMN"


def has_invisible(value: str) -> bool:
    """An invisible character, except a joiner between two letters (documented exception)."""
    for found in invisible_pattern().finditer(value):
        at = found.start()
        if found.group() in JOINERS and 0 < at < len(value) - 1 and in_word(value[at - 1]) and in_word(value[at + 1]):
            continue
        return True
    return False


def has_control(value: str) -> bool:
    return CONTROL.search(value) is not None


def whole_words_in(words: str, text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether `words` stand in `text[start:end]` as whole words, code point for code point: no
    letter, combining mark or digit (Unicode categories L, M and N) of that span touches them on
    either side, so "Russia" is not in "Russian" nor "Cafe" in "Café" written with a combining
    accent, and nothing is folded: a space is not a no-break space. The integrity layer's SQL writes
    the same test with RE2's [^\\p{L}\\p{M}\\p{N}] (WORD_BOUNDARY_SQL)."""
    end = len(text) if end is None else min(end, len(text))
    at = text.find(words, start, end) if words else -1
    while at >= 0:
        after = at + len(words)
        if (at == start or not in_word_or_digit(text[at - 1])) and (after == end or not in_word_or_digit(text[after])):
            return True
        at = text.find(words, at + 1, end)
    return False


def quote_segments(text: str) -> list[str]:
    """A direct quote may join the parts of one utterance that the source splits, with ' […] '."""
    return text.split(ELISION)


def quoted_fragments(text: str) -> list[str]:
    """The words a partial quote puts in curly quotes."""
    return QUOTED_FRAGMENT.findall(text)


def quotations(text: str) -> list[str]:
    """The words a text puts in quotation marks of any kind (QUOTATION_PATTERN), without the marks."""
    return [found.group(0)[1:-1] for found in QUOTATION.finditer(text)]


def quotations_sql(column: str) -> str:
    """`quotations` in DuckDB SQL: the list of the words `column` puts in quotation marks."""
    return f"list_transform(regexp_extract_all({column}, {sql_string(QUOTATION_PATTERN)}, 0), lambda q: substr(q, 2, length(q) - 2))"
