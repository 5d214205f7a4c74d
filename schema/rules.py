"""Cross-field rules: checks that look at more than one cell of a row.

A rule that fails names the column to fix and a short rule id, so that `claims validate` can print
`data/FILE.csv:LINE: column: [rule] message`. All failures of a row are raised together.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache


@dataclass(frozen=True)
class Broken:
    column: str
    rule: str
    message: str
    hint: str = ""


class RuleErrors(ValueError):
    """Raised from a model validator; pydantic keeps it in the error's context."""

    def __init__(self, broken: list[Broken]):
        self.broken = broken
        super().__init__("; ".join(f"{b.column}: {b.message}" for b in broken))


def raise_if(broken: list[Broken]) -> None:
    if broken:
        raise RuleErrors(broken)


CALENDAR_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@lru_cache(maxsize=65536)
def edtf_bounds(value: str) -> tuple[date | None, date | None] | None:
    """The strict lower and upper calendar bounds of an EDTF value, or None if it is not EDTF.

    An open end (`[..2025-10-13]`: on or before 13 October) has no calendar bound: None."""
    if CALENDAR_DAY.fullmatch(value):
        # the commonest form, without the EDTF grammar (about 10 ms a value): a plain calendar day
        # is its own bounds; what is not a real date goes to the library, which decides
        try:
            day = date.fromisoformat(value)
            return day, day
        except ValueError:
            pass
    from edtf import parse_edtf

    try:
        # the library prints "trying to …" to stdout on some inputs; findings go to stdout too
        with contextlib.redirect_stdout(io.StringIO()):
            parsed = parse_edtf(value)
        low, high = parsed.lower_strict(), parsed.upper_strict()
        if isinstance(low, float) and isinstance(high, float):  # open at both ends: no date at all
            return None
        return (None if isinstance(low, float) else date(*low[:3])), (None if isinstance(high, float) else date(*high[:3]))
    except Exception:
        return None


def date_rules(row) -> list[Broken]:
    """The dated-row rules shared by events and statements.

    `date` is the EDTF reading of `date_text`; `date_min`/`date_max` are its calendar bounds,
    which may be narrower than the EDTF value's (e.g. "this month" cannot end after the article).
    An open end of the EDTF value (`[..2025-10-13]`) has no bound, so its cell may stay empty.
    """
    broken: list[Broken] = []
    if row.date is None:
        for column in ("date_text", "date_min", "date_max", "date_resolved_against"):
            if getattr(row, column) is not None:
                broken.append(Broken(column, "date-missing", "is set but `date` is empty", "add the EDTF `date` or clear this cell"))
        return broken
    if row.date_text is None:
        broken.append(Broken("date_text", "date-wording", "is empty: keep the source's own words for the date", 'copy the wording, e.g. "two days later"'))
    if row.date_resolved_against is None:
        broken.append(Broken("date_resolved_against", "date-wording", "is empty: say what the date was resolved against", 'e.g. "article date 2025-11-25 (Tuesday)"'))
    bounds = edtf_bounds(row.date)
    if bounds is None:
        return broken
    low, high = bounds
    missing = [column for column, bound in (("date_min", low), ("date_max", high)) if bound is not None and getattr(row, column) is None]
    if missing:
        broken.append(Broken(missing[0], "date-bounds", "is empty but `date` is set", f"set date_min={low or ''} and date_max={high or ''} (the EDTF bounds) or narrower"))
        return broken
    span = f"{low or '..'}..{high or '..'}"
    if row.date_min is not None and row.date_max is not None and row.date_min > row.date_max:
        broken.append(Broken("date_max", "date-bounds", f"{row.date_max} is before date_min {row.date_min}", "swap or correct the bounds"))
    if row.date_min is not None and ((low is not None and row.date_min < low) or (high is not None and row.date_min > high)):
        broken.append(Broken("date_min", "date-bounds", f"{row.date_min} lies outside the EDTF value {row.date} ({span})", f"use a date within {span}"))
    if row.date_max is not None and ((high is not None and row.date_max > high) or (low is not None and row.date_max < low)):
        broken.append(Broken("date_max", "date-bounds", f"{row.date_max} lies outside the EDTF value {row.date} ({span})", f"use a date within {span}"))
    return broken


QUOTED_FRAGMENT = re.compile(r"“([^”]+)”")
ELISION = " […] "


def quote_segments(text: str) -> list[str]:
    """A direct quote may join the parts of one utterance that the source splits, with ' […] '."""
    return [part for part in text.split(ELISION)]


def quoted_fragments(text: str) -> list[str]:
    """The words a partial quote puts in curly quotes."""
    return QUOTED_FRAGMENT.findall(text)


def language_basis_rule(row) -> list[Broken]:
    """A statement's language is given only with its basis: the source states it, or a direct
    quote makes it evident (a quote in its evident language is not a translation)."""
    if row.language is not None and row.language_basis is None:
        return [Broken("language_basis", "language-basis", "is empty but `language` is given", "say how the language is known (stated_by_source, evident_from_quote), or clear `language`")]
    if row.language is None and row.language_basis is not None:
        return [Broken("language", "language-basis", "is empty but `language_basis` is set", "give the language, or clear `language_basis`")]
    if row.language_basis == "evident_from_quote" and row.statement_type != "direct_quote":
        return [Broken("language_basis", "language-basis", "evident_from_quote is only for direct quotes", "use stated_by_source where the source names the language, or clear both cells")]
    if row.language_basis == "evident_from_quote" and row.translated:
        return [Broken("translated", "language-basis", "is true but the language is evident from the quote's own words", "set translated to false, or use stated_by_source")]
    return []
