"""Date words in a source's text ("Oct. 14", "Tuesday", "two days later", "this month"), and what
they resolve to against the source's date or a named event's: rule 3, dates keep their wording.

A resolution is an EDTF value (checked and bounded by the edtf library, claims.schema.rules), its
calendar bounds, the words themselves and what they were resolved against. Words that need an
anchor the caller did not give ("two days later" without the event it counts from), or that point
both ways (a weekday counted from an event: the one before or the one after?), are not resolved:
`resolve` says why instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from claims.schema.rules import edtf_bounds

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
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
# "Oct." and "Oct" as well as "October"; "Sept." too
_MONTH = r"(?P<month>" + "|".join(f"{m[:3]}(?:{m[3:]}|\\.|t\\.)?" for m in MONTHS) + r")"
_DAY = r"(?P<day>[0-3]?[0-9])"
_COUNT = r"(?P<count>[0-9]+|" + "|".join(NUMBERS) + r")"
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("full", rf"\b{_MONTH} {_DAY}, (?P<year>[12][0-9]{{3}})\b"),
        ("month-day", rf"\b{_MONTH} {_DAY}\b(?!,? [12][0-9]{{3}})"),
        ("this-month", r"\b(?:earlier |later )?this month\b"),
        ("last-month", r"\blast month\b"),
        ("weekday", r"\b(?P<weekday>" + "|".join(WEEKDAYS) + r")\b"),
        ("today", r"\b(?:today|yesterday)\b"),
        ("days-from", rf"\b{_COUNT} days? (?P<way>later|earlier|before|after)\b"),
        ("day-around", r"\b(?:the )?(?:day before|next day|day after|same day)\b"),
    )
)
# The date line of an article: "November 25, 2025, 5:04 PM ET"
DATELINE = re.compile(
    rf"\b{_MONTH} {_DAY}, (?P<year>[12][0-9]{{3}})(?:, [0-9]{{1,2}}:[0-9]{{2}} ?[AP]M(?: [A-Z]{{2,4}})?)?"
)
# What an outlet's own statements are dated by (the README's convention, as the curated rows say it).
DATELINE_RESOLUTION = "the dateline of the article (outlet statements are dated when published)"


@dataclass(frozen=True)
class Anchor:
    """What relative words count from: the source's date, or a named event's day."""

    day: date
    described: str  # e.g. "article date 2025-11-25 (Tuesday)" or "the event phone-call-2025-10-14-witkoff-ushakov of 2025-10-14"
    is_source: bool


@dataclass(frozen=True)
class Resolved:
    words: str  # date_text: the source's own words
    edtf: str  # date
    date_min: str  # "" at an open end
    date_max: str
    against: str  # date_resolved_against


def find(text: str) -> list[tuple[int, str, str]]:
    """(position, kind, words) of every date expression in `text`, in order; an expression inside a
    longer one ("Oct. 14" in "Oct. 14, 2025") counts once."""
    found: list[tuple[int, int, str, str]] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(text):
            if not any(start <= match.start() and match.end() <= end for start, end, _k, _w in found):
                found.append((match.start(), match.end(), kind, match.group()))
    return [(start, kind, words) for start, _end, kind, words in sorted(found)]


def _month_number(name: str) -> int:
    return next(index for index, month in enumerate(MONTHS, start=1) if month.startswith(name[:3]))


def _day(edtf: str, words: str, against: str, latest: date | None = None) -> Resolved:
    """A resolution whose EDTF value the edtf library bounds; `latest` narrows the upper bound."""
    bounds = edtf_bounds(edtf)
    if bounds is None:
        raise ValueError(f"{edtf!r} is not EDTF")
    low, high = bounds
    if latest is not None and high is not None and latest < high:
        high = latest
    return Resolved(words, edtf, low.isoformat() if low else "", high.isoformat() if high else "", against)


def resolve(
    kind: str, words: str, match: re.Match[str] | None, source: Anchor, anchor: Anchor | None
) -> Resolved | str:
    """What `words` (found as `kind`) mean, against `anchor` (a named event) if given, else the
    source's date; or why they cannot be resolved without a guess."""
    groups = match.groupdict() if match else {}
    base = anchor or source
    if kind == "full":
        day = date(int(groups["year"]), _month_number(groups["month"]), int(groups["day"]))
        return _day(day.isoformat(), words, "the date as the article gives it")
    if kind == "month-day":
        year = source.day.year
        day = date(year, _month_number(groups["month"]), int(groups["day"]))
        if day > source.day:  # a source reports what has happened: the year before
            day = date(year - 1, day.month, day.day)
        return _day(day.isoformat(), words, f"year from the {source.described}")
    if kind in {"this-month", "last-month"}:
        if not base.is_source:
            return f"{words!r} counts from when it was written: resolve it against the source, not an event"
        first = source.day.replace(day=1)
        if kind == "last-month":
            first = (first - timedelta(days=1)).replace(day=1)
            return _day(f"{first:%Y-%m}", words, f'{source.described} ("{words}" = {first:%B %Y})')
        return _day(
            f"{first:%Y-%m}",
            words,
            f'{source.described} ("{words}" = {first:%B %Y}, not after the article)',
            source.day,
        )
    if kind == "weekday":
        if not base.is_source:
            return f"{words!r} from {base.described} may be the {words} before or after it: give the date columns"
        back = (source.day.weekday() - WEEKDAYS.index(groups["weekday"])) % 7
        day = source.day - timedelta(days=back)
        return _day(day.isoformat(), words, f"the {words} on or before the {source.described}")
    if kind == "today":
        day = source.day - timedelta(days=1 if words.lower() == "yesterday" else 0)
        return _day(day.isoformat(), words, source.described)
    if anchor is None:
        return f"{words!r} counts from another day: pass --date-against EVENT_ID with the event it counts from"
    if kind == "days-from":
        count = int(groups["count"]) if groups["count"].isdigit() else NUMBERS[groups["count"]]
        sign = 1 if groups["way"] in {"later", "after"} else -1
        return _day((anchor.day + timedelta(days=sign * count)).isoformat(), words, f"counted from {anchor.described}")
    step = {"day before": -1, "next day": 1, "day after": 1, "same day": 0}
    offset = next(value for key, value in step.items() if key in words.lower())
    return _day((anchor.day + timedelta(days=offset)).isoformat(), words, f"counted from {anchor.described}")


def resolutions(text: str, source: Anchor, anchor: Anchor | None, only: str | None = None) -> list[Resolved | str]:
    """Every date expression of `text` (or only the words `only`), resolved or with why not."""
    found = []
    for _position, kind, words in find(text):
        if only is not None and words != only:
            continue
        match = dict(PATTERNS)[kind].search(words)
        found.append(resolve(kind, words, match, source, anchor))
    return found


def dateline(text: str, day: date) -> str | None:
    """The words of the article's date line for `day` ("November 25, 2025, 5:04 PM ET"), if the text has one."""
    for match in DATELINE.finditer(text):
        groups = match.groupdict()
        if date(int(groups["year"]), _month_number(groups["month"]), int(groups["day"])) == day:
            return match.group()
    return None


def source_anchor(source_id: str, day: date) -> Anchor:
    return Anchor(day, f"article date {day.isoformat()} ({WEEKDAYS[day.weekday()]})", True)


def event_anchor(event_id: str, day: date) -> Anchor:
    return Anchor(day, f"the event {event_id} of {day.isoformat()}", False)
