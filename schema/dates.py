"""The calendar bounds of an EDTF value, as the date rules (catalogue.py) and the tools read them."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import date
from functools import lru_cache

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
        return (None if isinstance(low, float) else date(*low[:3])), (
            None if isinstance(high, float) else date(*high[:3])
        )
    except Exception:
        return None


# The months in English, as the sources and the citations write them (not the locale's names).
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
