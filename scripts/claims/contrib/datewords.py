"""Date words in a source's text ("Oct. 14", "Tuesday", "two days later", "this month"), and what
they resolve to against the source's date or a named event's: rule 3, dates keep their wording.

A resolution is an EDTF value (checked and bounded by the edtf library, claims.schema.dates), its
calendar bounds, the words themselves and what they were resolved against. Words that need an
anchor the caller did not give ("two days later" without the event it counts from), that point
both ways (a weekday counted from an event: the one before or the one after?), or that look back or
ahead by the tense of their clause ("said Thursday", "will meet on Thursday") where the caller does
not know it, are not resolved: `resolve` says why instead of guessing. Where expressions overlap,
the longest counts, in the source's own case ("Earlier this month", "Nov. 1–3").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from claims.schema.dates import MONTHS, edtf_bounds

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def _month(group: str) -> str:
    """A month's name as written: "October", "Oct." or "Oct"; "Sept." too."""
    return rf"(?P<{group}>" + "|".join(f"{m[:3]}(?:{m[3:]}|\\.|t\\.)?" for m in MONTHS) + r")"


_DAY = r"(?P<day>[0-3]?[0-9])(?![0-9])"
_YEAR = r"(?P<year>[12][0-9]{3})\b"
_COUNT = r"(?P<count>[0-9]+|" + "|".join(NUMBERS) + r")"
# Month and weekday names are capitalised in English ("may" is not May); the other words may begin
# a sentence, so they are read in any case ("Two days later", "The day before").
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("full", rf"\b{_month('month')} {_DAY}, {_YEAR}"),
        (
            "range",
            rf"\b{_month('month')} {_DAY} ?[–—-] ?(?:{_month('month2')} )?(?P<day2>[0-3]?[0-9])(?![0-9])(?:, {_YEAR})?",
        ),
        ("month-day", rf"\b{_month('month')} {_DAY}"),
        ("month", rf"\b(?:[Ii]n|[Dd]uring) {_month('month')}(?: {_YEAR})?(?! ?[0-9])"),
        ("this-month", r"(?i:\b(?P<part>earlier |later )?this month\b)"),
        ("last-month", r"(?i:\blast month\b)"),
        ("this-week", r"(?i:\b(?P<part>earlier |later )?this week\b)"),
        ("last-week", r"(?i:\blast week\b)"),
        ("this-year", r"(?i:\b(?P<part>earlier |later )?this year\b)"),
        ("last-year", r"(?i:\blast year\b)"),
        ("weekday", r"\b(?P<weekday>" + "|".join(WEEKDAYS) + r")\b"),
        ("today", r"(?i:\b(?:today|yesterday)\b)"),
        ("days-from", rf"(?i:\b{_COUNT} days? (?P<way>later|earlier|before|after)\b)"),
        ("day-around", r"(?i:\b(?:the )?(?:day before|next day|day after|same day)\b)"),
        ("that-week", r"(?i:\b(?P<part>later|earlier) that week\b)"),
    )
)
# Words whose day depends on whether they look back or ahead from the source's date: "Thursday" is
# the one before a report of what happened, the one after in "will meet on Thursday"; "Oct. 14"
# without a year is this year's or, ahead, next year's. They are resolved only for what the
# caller knows had happened by the source's date (`past`).
TENSED = {"range", "month-day", "month", "weekday"}
# Words that count from another day than the source's: they need the event they count from.
RELATIVE = {"days-from", "day-around", "that-week"}
# The date line of an article: "November 25, 2025, 5:04 PM ET"
DATELINE = re.compile(rf"\b{_month('month')} {_DAY}, {_YEAR}(?:, [0-9]{{1,2}}:[0-9]{{2}} ?[AP]M(?: [A-Z]{{2,4}})?)?")
# What an outlet's own statements are dated by (the README's convention, as the curated rows say it).
DATELINE_RESOLUTION = "the dateline of the article (outlet statements are dated when published: the day only; the time may be a republisher’s)"


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


@dataclass(frozen=True)
class Found:
    """Date words in a text: where they stand, what kind they are, and their parts."""

    start: int
    end: int
    kind: str
    words: str
    groups: dict[str, str | None]


def find(text: str) -> list[Found]:
    """Every date expression in `text`, in order; where expressions overlap, the longest counts
    ("Oct. 14, 2025" over "Oct. 14", "Nov. 1–3" over "Nov. 1", "Two days later" over "days")."""
    candidates = [
        Found(match.start(), match.end(), kind, match.group(), match.groupdict())
        for kind, pattern in PATTERNS
        for match in pattern.finditer(text)
    ]
    chosen: list[Found] = []
    for candidate in sorted(candidates, key=lambda found: (found.start - found.end, found.start)):
        if not any(candidate.start < other.end and other.start < candidate.end for other in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda found: found.start)


def _month_number(name: str) -> int:
    return next(index for index, month in enumerate(MONTHS, start=1) if month.startswith(name[:3]))


def _day(edtf: str, words: str, against: str, latest: date | None = None, earliest: date | None = None) -> Resolved:
    """A resolution whose EDTF value the edtf library bounds; `latest` and `earliest` narrow the bounds."""
    bounds = edtf_bounds(edtf)
    if bounds is None:
        raise ValueError(f"{edtf!r} is not EDTF")
    low, high = bounds
    if latest is not None and high is not None and latest < high:
        high = latest
    if earliest is not None and low is not None and earliest > low:
        low = earliest
    return Resolved(words, edtf, low.isoformat() if low else "", high.isoformat() if high else "", against)


def _span(first: date, last: date, words: str, against: str) -> Resolved | str:
    """One day between `first` and `last` (EDTF `[first..last]`), or that day alone."""
    if last < first:
        return f"{words!r} leaves no day between {first} and {last}"
    if first == last:
        return _day(first.isoformat(), words, against)
    return _day(f"[{first.isoformat()}..{last.isoformat()}]", words, against)


def _in_year_before(month: int, day: int, source: date) -> date:
    """The day `month`/`day` on or before `source`: this year's, or last year's if this year's is later."""
    this_year = date(source.year, month, day)
    return this_year if this_year <= source else date(source.year - 1, month, day)


def resolve(found: Found, source: Anchor, anchor: Anchor | None, past: bool = False) -> Resolved | str:
    """What the words `found` mean, against `anchor` (a named event) if given, else the source's
    date; or why they cannot be resolved without a guess. `past`: the words date something that had
    happened by the source's date (a statement the source reports), which decides the tense-bound
    words (TENSED)."""
    groups = found.groups
    try:  # "Feb. 30", "Oct. 35": not a day in any year (2000 was a leap year)
        if groups.get("day"):
            date(2000, _month_number(groups["month"] or ""), int(groups["day"] or 0))
        if groups.get("day2"):
            date(2000, _month_number(groups["month2"] or groups["month"] or ""), int(groups["day2"] or 0))
        return _resolve(found, source, anchor, past)
    except ValueError:  # and Feb. 29 of a year that has none
        return f"{found.words!r} is not a day of the calendar: check the words, or give the date columns"


def _resolve(found: Found, source: Anchor, anchor: Anchor | None, past: bool) -> Resolved | str:
    groups, words, kind = found.groups, found.words, found.kind
    base = anchor or source
    today = source.day
    if kind in TENSED and not groups.get("year") and not past:
        return (
            f"{words!r} may be still to come or gone by (the words alone do not say which): they are "
            "resolved only for what the source reports as past"
        )
    if kind == "full":
        day = date(int(groups["year"] or 0), _month_number(groups["month"] or ""), int(groups["day"] or 0))
        return _day(day.isoformat(), words, "the date as the article gives it")
    if kind == "range":
        first_month = _month_number(groups["month"] or "")
        last_month = _month_number(groups["month2"] or groups["month"] or "")
        first_day, last_day = int(groups["day"] or 0), int(groups["day2"] or 0)
        if groups.get("year"):
            last = date(int(groups["year"] or 0), last_month, last_day)
            against = "the date as the article gives it"
        else:
            last = _in_year_before(last_month, last_day, today)
            against = f"year from the {source.described}"
        first = date(last.year, first_month, first_day)
        if first > last:  # "Dec. 30–Jan. 2"
            first = date(last.year - 1, first_month, first_day)
        if first == last:
            return _day(first.isoformat(), words, against)
        return _day(f"{first.isoformat()}/{last.isoformat()}", words, against)
    if kind == "month-day":
        day = _in_year_before(_month_number(groups["month"] or ""), int(groups["day"] or 0), today)
        return _day(day.isoformat(), words, f"year from the {source.described}")
    if kind == "month":
        month = _month_number(groups["month"] or "")
        if groups.get("year"):
            return _day(f"{groups['year']}-{month:02d}", words, "the month as the article gives it")
        year = today.year if month <= today.month else today.year - 1
        return _day(
            f"{year}-{month:02d}",
            words,
            f"year from the {source.described}"
            + (", not after it" if (year, month) == (today.year, today.month) else ""),
            today,
        )
    if kind in {"this-month", "last-month", "this-week", "last-week", "this-year", "last-year"}:
        if not base.is_source:
            return f"{words!r} counts from when it was written: resolve it against the source, not an event"
        return _calendar(kind, (groups.get("part") or "").strip().lower(), words, source, past)
    if kind == "weekday":
        if not base.is_source:
            return f"{words!r} from {base.described} may be the {words} before or after it: give the date columns"
        back = (today.weekday() - WEEKDAYS.index(groups["weekday"] or "")) % 7
        return _day(
            (today - timedelta(days=back)).isoformat(), words, f"the {words} on or before the {source.described}"
        )
    if kind == "today":
        day = today - timedelta(days=1 if words.lower() == "yesterday" else 0)
        return _day(day.isoformat(), words, source.described)
    if anchor is None:
        return f"{words!r} counts from another day: pass --date-against EVENT_ID with the event it counts from"
    counted = f"counted from {anchor.described}"
    if kind == "days-from":
        count_words = (groups["count"] or "").lower()
        count = int(count_words) if count_words.isdigit() else NUMBERS[count_words]
        sign = 1 if (groups["way"] or "").lower() in {"later", "after"} else -1
        return _day((anchor.day + timedelta(days=sign * count)).isoformat(), words, counted)
    if kind == "that-week":
        monday = anchor.day - timedelta(days=anchor.day.weekday())
        if (groups["part"] or "").lower() == "later":
            return _span(anchor.day + timedelta(days=1), monday + timedelta(days=6), words, counted)
        return _span(monday, anchor.day - timedelta(days=1), words, counted)
    step = {"day before": -1, "next day": 1, "day after": 1, "same day": 0}
    offset = next(value for key, value in step.items() if key in words.lower())
    return _day((anchor.day + timedelta(days=offset)).isoformat(), words, counted)


def _calendar(kind: str, part: str, words: str, source: Anchor, past: bool) -> Resolved | str:
    """This or last month, week or year, counted from the source's date. What is reported as past
    lies on or before that date; "later this month" is still to come there."""
    today = source.day
    if part == "later" and past:
        return f"{words!r} was still to come when the source was written: it cannot date what the source reports"
    if kind in {"last-month", "last-year"}:
        if kind == "last-year":
            return _day(str(today.year - 1), words, f'{source.described} ("{words}" = {today.year - 1})')
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        return _day(f"{first:%Y-%m}", words, f'{source.described} ("{words}" = {first:%B %Y})')
    if kind in {"this-week", "last-week"}:
        monday = today - timedelta(days=today.weekday()) - timedelta(days=7 if kind == "last-week" else 0)
        sunday = monday + timedelta(days=6)
        against = f'{source.described} ("{words}" = the week of Monday {monday})'
        if part == "later":
            return _span(today + timedelta(days=1), sunday, words, against)
        if part == "earlier":
            return _span(monday, today - timedelta(days=1), words, against)
        return _span(monday, today if past and kind == "this-week" else sunday, words, against)
    period = f"{today:%Y-%m}" if kind == "this-month" else str(today.year)
    named = f"{today:%B %Y}" if kind == "this-month" else str(today.year)
    if part == "later":
        return _day(
            period,
            words,
            f'{source.described} ("{words}" = {named}, after the article)',
            earliest=today + timedelta(days=1),
        )
    if part == "earlier" or past:
        return _day(period, words, f'{source.described} ("{words}" = {named}, not after the article)', today)
    return _day(period, words, f'{source.described} ("{words}" = {named})')


def resolutions(
    text: str, source: Anchor, anchor: Anchor | None, only: str | None = None, past: bool = False
) -> list[Resolved | str]:
    """Every date expression of `text` (or only the words `only`), resolved or with why not."""
    return [resolve(found, source, anchor, past) for found in find(text) if only is None or found.words == only]


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
