"""The two pictures of the site, drawn on the server as SVG (no JavaScript, nothing fetched from
elsewhere): the timeline of events and statements, one lane per speaker, and the speaker × addressee
matrix. Every mark links to its row or to the filtered table; all text is escaped.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape
from urllib.parse import urlencode

from claims.citation import render_statement
from claims.project import DATABASE

TYPE_COLOURS = {
    "direct_quote": "#c0392b",
    "partial_quote": "#e67e22",
    "paraphrase": "#2980b9",
    "outlet_claim": "#7f8c8d",
    "no_comment": "#8e44ad",
    "no_response": "#8e44ad",
    "event": "#27ae60",
    "mixed": "#34495e",
}


def _day(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


FONT = 14  # px at the chart's natural width; the SVG scales with the page, never below 60em (claims.css)


def _bounds(row: dict) -> tuple[date | None, date | None]:
    """The row's earliest and latest day; None at an open end ([..2025-10-13] has no earliest day)."""
    return _day(row["date_min"]), _day(row["date_max"])


def is_drawn(row: dict) -> bool:
    """A row is drawn when it has a bound: an undated row has no date and no bound."""
    return any(_bounds(row))


def _groups(rows: list[dict]) -> dict[tuple, list[dict]]:
    """Rows with the same lane and the same bounds (open ends included), in date order: one mark each."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        if is_drawn(row):
            groups.setdefault((row.get("speaker_id") or "", *_bounds(row)), []).append(row)
    return groups


def timeline_svg(events: list[dict], statements: list[dict], width: int = 1300) -> str:
    """SVG of events (top lane) and statements (a lane per speaker) that have a date bound. Rows with
    the same lane and bounds are one mark whose area grows with their number, labelled with it; a
    range is a bar between its bounds, and a range open at one end runs to the edge of the axis with
    an arrow there. Rows with no date and no bound are left out."""
    drawn = [r for r in events + statements if is_drawn(r)]
    if not drawn:
        return "<p>No dated rows.</p>"
    days = [day for row in drawn for day in _bounds(row) if day is not None]
    start, end = min(days) - timedelta(days=3), max(days) + timedelta(days=3)
    speakers = {r["speaker_id"]: r["speaker"] for r in statements if is_drawn(r)}
    lanes = [("", "Events")] + sorted(speakers.items(), key=lambda item: item[1])
    lane_of = {key: index for index, (key, _name) in enumerate(lanes)}
    event_groups = _groups([{**r, "speaker_id": ""} for r in events])
    statement_groups = _groups(statements)
    biggest = max(len(g) for g in [*event_groups.values(), *statement_groups.values()])
    left, top, lane_height = 230, 20, 44
    height = top + lane_height * len(lanes) + 50
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return left + (width - left - 30) * (day - start).days / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Timeline of events and statements" viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="claims-chart claims-timeline" font-family="sans-serif">'
    ]
    for index, (_key, lane) in enumerate(lanes):
        y = top + index * lane_height + lane_height / 2
        parts.append(
            f'<text x="{left - 10}" y="{y + 5:.1f}" text-anchor="end" font-size="{FONT}">{escape(lane)}</text>'
        )
        parts.append(f'<line x1="{left}" x2="{width - 20}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e4e4"/>')
    axis = height - 22
    month = date(start.year, start.month, 1)
    parts.append(f'<text x="{left:.1f}" y="{axis}" font-size="{FONT}" class="claims-axis">{start:%-d %b %Y}</text>')
    while month <= end:
        if month > start + timedelta(days=12):  # keep clear of the start label
            parts.append(
                f'<line x1="{x(month):.1f}" x2="{x(month):.1f}" y1="{top - 5}" y2="{axis - 16}" stroke="#ccc"/>'
            )
            parts.append(
                f'<text x="{x(month) + 3:.1f}" y="{axis}" font-size="{FONT}" class="claims-axis">{month:%b %Y}</text>'
            )
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    axis_ends = (start, end)
    marks = []  # (drawing order, svg): ranges under days, larger marks under smaller ones, so none is hidden
    for (_key, low, high), rows in event_groups.items():
        marks.append(
            (
                (low == high, -len(rows)),
                _mark(rows, low, high, 0, "Events", x, axis_ends, top, lane_height, biggest, "events", "event"),
            )
        )
    for (key, low, high), rows in statement_groups.items():
        kind = rows[0]["type"] if len({r["type"] for r in rows}) == 1 else "mixed"
        marks.append(
            (
                (low == high, -len(rows)),
                _mark(
                    rows,
                    low,
                    high,
                    lane_of[key],
                    speakers[key],
                    x,
                    axis_ends,
                    top,
                    lane_height,
                    biggest,
                    "statements",
                    kind,
                ),
            )
        )
    parts += [svg for _order, svg in sorted(marks, key=lambda mark: mark[0])]
    parts.append("</svg>")
    return "\n".join(parts)


def _days_label(low: date | None, high: date | None) -> str:
    if low is None:
        return f"on or before {high.isoformat()}" if high else ""
    if high is None:
        return f"on or after {low.isoformat()}"
    return low.isoformat() if low == high else f"{low.isoformat()} to {high.isoformat()}"


def _mark(
    rows: list[dict],
    low: date | None,
    high: date | None,
    lane: int,
    lane_name: str,
    x,
    axis_ends: tuple[date, date],
    top: int,
    lane_height: int,
    biggest: int,
    table: str,
    kind: str,
) -> str:
    """One mark for the rows of a lane with the same bounds: a dot (one day) or a bar (a range; an
    open end runs to the axis's edge, with an arrow), larger with more rows and labelled with their
    number; it links to the row, or to the rows."""
    y = top + lane * lane_height + lane_height / 2
    colour = TYPE_COLOURS.get(kind, "#34495e")
    count = len(rows)
    days = _days_label(low, high)
    if count == 1:
        href = f"/{DATABASE}/{table}/{rows[0]['id']}"
        what = (
            render_statement(rows[0]["type"], rows[0]["title_or_text"], 180).line
            if table == "statements"
            else rows[0]["title_or_text"]
        )
        label = f"{days}: {what}"
    else:
        query = {
            **({"date_min": low.isoformat()} if low else {"date_min__isnull": "1"}),
            **({"date_max": high.isoformat()} if high else {"date_max__isnull": "1"}),
        }
        if table == "statements":
            query = {"speaker_id": rows[0]["speaker_id"], **query}
        href = f"/{DATABASE}/{table}?{urlencode(query)}"
        label = f"{count} {table} of {lane_name}, {days}" if table == "statements" else f"{count} events, {days}"
    radius = 6 + 12 * ((count - 1) / max(biggest - 1, 1)) ** 0.5
    tooltip = f"<title>{escape(label)}</title>"
    if low is not None and low == high:
        shape = f'<circle cx="{x(low):.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" fill-opacity="0.8"/>'
        centre = x(low)
    else:
        first, last = x(low or axis_ends[0]), x(high or axis_ends[1])
        bar_width, bar_height = max(last - first, 6), 2 * radius
        shape = f'<rect x="{first:.1f}" y="{y - bar_height / 2:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}" rx="4" fill="{colour}" fill-opacity="{0.55 if low and high else 0.3}"/>'
        if low is None:  # open start: an arrow pointing left at the axis's start
            shape += f'<path d="M{first - 8:.1f},{y:.1f} L{first:.1f},{y - radius:.1f} L{first:.1f},{y + radius:.1f} Z" fill="{colour}" class="claims-open-end"/>'
        if high is None:  # open end: an arrow pointing right at the axis's end
            shape += f'<path d="M{first + bar_width + 8:.1f},{y:.1f} L{first + bar_width:.1f},{y - radius:.1f} L{first + bar_width:.1f},{y + radius:.1f} Z" fill="{colour}" class="claims-open-end"/>'
        if low is None:
            centre = last - 12  # beside the known end
        elif high is None:
            centre = first + 12
        else:
            centre = first + bar_width / 2
    number = (
        f'<text x="{centre:.1f}" y="{y + 5:.1f}" text-anchor="middle" font-size="{FONT}" font-weight="bold" fill="#fff">{count}</text>'
        if count > 1
        else ""
    )
    day = (low or high or axis_ends[0]).isoformat()
    return f'<a href="{escape(href)}" class="claims-mark" data-count="{count}" data-lane="{escape(lane_name)}" data-day="{day}" data-bounds="{escape(days)}">{shape}{number}{tooltip}</a>'


def matrix_svg(pairs: list[dict]) -> str:
    """SVG matrix of speaker × addressee with circle area proportional to the number of statements."""
    if not pairs:
        return "<p>No statements.</p>"
    speakers = sorted({p["speaker"] for p in pairs})
    addressees = sorted({p["addressee"] or "(no addressee named)" for p in pairs})
    left, top, cell = 240, 190, 56
    # room on the right for the last column's slanted label
    width, height = left + cell * len(addressees) + 160, top + cell * len(speakers) + 20
    biggest = max(p["statements"] for p in pairs)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Who spoke to whom" viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="claims-chart claims-matrix" font-family="sans-serif">'
    ]
    for column, name in enumerate(addressees):
        cx = left + column * cell + cell / 2
        parts.append(
            f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{top}" y2="{top + cell * len(speakers)}" stroke="#f0f0f0"/>'
        )
        parts.append(
            f'<text transform="translate({cx + 4:.1f},{top - 8}) rotate(-45)" font-size="{FONT}">{escape(name)}</text>'
        )
    for row, name in enumerate(speakers):
        cy = top + row * cell + cell / 2
        parts.append(
            f'<text x="{left - 10}" y="{cy + 5:.1f}" text-anchor="end" font-size="{FONT}">{escape(name)}</text>'
        )
        parts.append(
            f'<line x1="{left}" x2="{left + cell * len(addressees)}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="#f0f0f0"/>'
        )
    for pair in pairs:
        addressee = pair["addressee"] or "(no addressee named)"
        cx = left + addressees.index(addressee) * cell + cell / 2
        cy = top + speakers.index(pair["speaker"]) * cell + cell / 2
        radius = 9 + 16 * (pair["statements"] / biggest) ** 0.5
        query = {"speaker_id": pair["speaker_id"]}
        query.update({"addressee_id": pair["addressee_id"]} if pair["addressee_id"] else {"addressee_id__isnull": "1"})
        href = f"/{DATABASE}/statements?{urlencode(query)}"
        tooltip = f"{pair['speaker']} → {addressee}: {pair['statements']} statement(s)"
        parts.append(
            f'<a href="{escape(href)}" class="claims-mark" data-count="{pair["statements"]}" data-lane="{escape(pair["speaker"])}" data-addressee="{escape(addressee)}">'
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius:.1f}" fill="#2980b9" fill-opacity="0.75"/>'
            f'<text x="{cx:.1f}" y="{cy + 5:.1f}" text-anchor="middle" font-size="{FONT}" font-weight="bold" fill="#fff">{pair["statements"]}</text>'
            f"<title>{escape(tooltip)}</title></a>"
        )
    parts.append("</svg>")
    return "\n".join(parts)
