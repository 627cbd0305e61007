"""A weekly timeline of a care plan, drawn as a self-contained, accessible SVG string.

One row per weekday. Each row has a thin upper lane with the times when no carer is available and a
main lane with what happens then: the times already covered (school), each service's attributed
minutes (one colour per service, named in the legend) and the gaps that remain, in a strong colour
*and* a hatched pattern, so that they do not rely on colour alone.

The picture is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says everything in
words (day by day: when nobody is available, what covers what, which gaps remain), hour gridlines with
labels, every text dark on white (contrast above 4.5:1), no script, and every text escaped. The same
input always gives the same string. Day names and legend texts are parameters (:class:`Labels`,
Italian by default) so that the Django side can pass translated strings.

Pure Python, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from concilia.services.coverage import WEEKDAYS, Interval, Proposal, WeekInput, format_time, normalise

BACKGROUND = "#ffffff"
TEXT = "#1a1a1a"
"""Every text is drawn in this colour on ``BACKGROUND`` (contrast about 17:1)."""
GRID = "#c9d1d9"
UNAVAILABLE = "#3d4f61"
COVERED = "#a7b3bf"
GAP = "#c0262d"
GAP_STRIPE = "#ffffff"
GAP_OUTLINE = "#6e0f14"
SERVICE_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#f0e442", "#6a3d9a", "#8c564b")
"""Okabe–Ito (colour-blind safe) first, then two more; services beyond eight reuse them in order."""

WIDTH = 760
LEFT = 104  # the day-name column
RIGHT = 16
AXIS = 24  # room for the hour labels above the rows
ROW = 40
LANE_UNAVAILABLE = (6, 6)  # (offset from the row's top, height)
LANE_MAIN = (14, 20)
LEGEND_ROW = 22
SWATCH = 14
FONT = "font-family=\"'Titillium Web', Geneva, Tahoma, sans-serif\""
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True, slots=True)
class Labels:
    """The words in the picture; Italian by default, pass translations from the Django side."""

    days: tuple[str, ...] = ("Lunedì", "Martedì", "Mercoledì", "Giovedì", "Venerdì", "Sabato", "Domenica")
    title: str = "Settimana tipo: chi si prende cura e quando"
    unavailable: str = "Nessun adulto disponibile"
    covered: str = "Scuola"
    gap: str = "Ore scoperte"
    no_gaps: str = "nessuna ora scoperta"
    nothing: str = "nessuna necessità"

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError(f"labels.days must name the 7 weekdays from Monday, got {len(self.days)}")


@dataclass(frozen=True, slots=True)
class DayRow:
    """What one weekday's row shows. ``services`` maps a service id to its attributed intervals."""

    weekday: int
    unavailable: Sequence[Interval] = ()
    covered: Sequence[Interval] = ()
    services: Mapping[str, Sequence[Interval]] = field(default_factory=dict)
    gaps: Sequence[Interval] = ()

    def __post_init__(self) -> None:
        if isinstance(self.weekday, bool) or self.weekday not in WEEKDAYS:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday!r}")

    def intervals(self) -> list[Interval]:
        return [*self.unavailable, *self.covered, *(iv for ivs in self.services.values() for iv in ivs), *self.gaps]


def rows_for(
    proposal: Proposal,
    unavailable: WeekInput,
    covered: WeekInput | None = None,
    *,
    days: Iterable[int] | None = None,
) -> list[DayRow]:
    """The rows for one proposal: ``unavailable`` from :func:`~concilia.services.coverage.unavailable`,
    ``covered`` the person's covered hours (school).

    By default Monday to Friday, plus Saturday and Sunday when something happens on them.
    """
    covered = covered or {}
    if days is None:
        days = [d for d in WEEKDAYS if d < 5 or unavailable.get(d) or covered.get(d) or d in proposal.need]
    return [
        DayRow(
            weekday=d,
            unavailable=normalise(unavailable.get(d, ())),
            covered=normalise(covered.get(d, ())),
            services={sid: list(ivs) for sid, ivs in proposal.covered.get(d, {}).items()},
            gaps=list(proposal.uncovered.get(d, ())),
        )
        for d in days
    ]


def _num(value: float) -> str:
    """Coordinates with at most two decimals and no trailing zeros, so the output is stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Escape a text for XML, dropping the characters XML 1.0 cannot hold (control characters)."""
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def _ranges(intervals: Iterable[Interval]) -> str:
    return ", ".join(str(iv) for iv in normalise(intervals))


def _describe(rows: Sequence[DayRow], names: Mapping[str, str], labels: Labels) -> str:
    sentences = []
    for row in rows:
        parts = []
        if row.unavailable:
            parts.append(f"{labels.unavailable} {_ranges(row.unavailable)}")
        if row.covered:
            parts.append(f"{labels.covered} {_ranges(row.covered)}")
        parts.extend(f"{names[sid]} {_ranges(ivs)}" for sid, ivs in row.services.items() if ivs)
        if row.gaps:
            parts.append(f"{labels.gap} {_ranges(row.gaps)}")
        elif row.unavailable or row.services:
            parts.append(labels.no_gaps)
        sentences.append(f"{labels.days[row.weekday]}: {'; '.join(parts) if parts else labels.nothing}.")
    return " ".join(sentences)


def week_svg(
    rows: Sequence[DayRow],
    *,
    names: Mapping[str, str] | None = None,
    start: int = 6 * 60,
    end: int = 21 * 60,
    labels: Labels | None = None,
    id_prefix: str = "timeline",
) -> str:
    """Draw ``rows`` (one per weekday, in the given order) as an SVG document fragment.

    ``names`` maps service ids to the names shown in the legend, in legend (and colour) order; only
    services drawn in some row appear, and ids missing from ``names`` are named by their id, last. The window
    ``[start, end)`` widens to whole hours if anything falls outside it. ``id_prefix`` keeps the
    element ids unique when a page shows several pictures (one per child).
    """
    labels = labels or Labels()
    if not _ID.match(id_prefix):
        raise ValueError(
            f"id_prefix must start with a letter and hold only letters, digits, - and _, got {id_prefix!r}"
        )
    if not 0 <= start < end <= 24 * 60:
        raise ValueError(f"the window must satisfy 0 <= start < end <= 1440, got {start}–{end}")
    everything = [iv for row in rows for iv in row.intervals()]
    if everything:
        start = min(start, min(iv.start for iv in everything) // 60 * 60)
        end = max(end, -(-max(iv.end for iv in everything) // 60) * 60)

    shown = {sid for row in rows for sid, ivs in row.services.items() if ivs}
    legend_names = {sid: name for sid, name in (names or {}).items() if sid in shown}
    for row in rows:
        for sid in row.services:
            legend_names.setdefault(sid, sid)
    colours = {sid: SERVICE_COLOURS[i % len(SERVICE_COLOURS)] for i, sid in enumerate(legend_names)}

    track = WIDTH - LEFT - RIGHT
    scale = track / (end - start)

    def x(minutes: int) -> str:
        return _num(LEFT + (minutes - start) * scale)

    def bar(iv: Interval, top: float, lane: tuple[int, int], fill: str, what: str, extra: str = "") -> str:
        y = top + lane[0]
        return (
            f'<rect x="{x(iv.start)}" y="{_num(y)}" width="{_num(iv.minutes * scale)}" height="{lane[1]}" '
            f'fill="{fill}"{extra}><title>{_text(what)} {_text(str(iv))}</title></rect>'
        )

    # Legend entries, laid out left to right and wrapped.
    entries: list[tuple[str, str]] = [(UNAVAILABLE, labels.unavailable)]
    if any(row.covered for row in rows):
        entries.append((COVERED, labels.covered))
    entries.extend((colours[sid], name) for sid, name in legend_names.items())
    entries.append((f"url(#{id_prefix}-gap)", labels.gap))
    legend: list[tuple[float, int, str, str]] = []  # (x, line, fill, text)
    lx, line = float(LEFT), 0
    for fill, text in entries:
        width = SWATCH + 6 + 7.5 * len(text) + 18  # a generous estimate of the text's width
        if lx > LEFT and lx + width > WIDTH - RIGHT:
            lx, line = float(LEFT), line + 1
        legend.append((lx, line, fill, text))
        lx += width

    rows_bottom = AXIS + ROW * len(rows)
    height = rows_bottom + 12 + LEGEND_ROW * (line + 1)
    t_id, d_id = f"{id_prefix}-title", f"{id_prefix}-desc"

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="{t_id} {d_id}" style="max-width:100%;height:auto" {FONT} font-size="12">',
        f'<title id="{t_id}">{_text(labels.title)}</title>',
        f'<desc id="{d_id}">{_text(_describe(rows, legend_names, labels))}</desc>',
        "<defs>",
        f'<pattern id="{id_prefix}-gap" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{GAP}"/>'
        f'<rect width="2" height="6" fill="{GAP_STRIPE}"/></pattern>',
        "</defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="{BACKGROUND}"/>',
    ]

    # Hour gridlines with labels.
    step = 60 if end - start <= 16 * 60 else 120
    out.append(f'<g aria-hidden="true" fill="{TEXT}" text-anchor="middle">')
    for hour in range(-(-start // step) * step, end + 1, step):
        out.append(f'<line x1="{x(hour)}" y1="{AXIS - 4}" x2="{x(hour)}" y2="{rows_bottom}" stroke="{GRID}"/>')
        out.append(f'<text x="{x(hour)}" y="{AXIS - 8}">{format_time(hour)}</text>')
    out.append("</g>")

    for n, row in enumerate(rows):
        top = AXIS + ROW * n
        out.append(f'<g class="day" data-weekday="{row.weekday}">')
        out.append(
            f'<text x="{LEFT - 8}" y="{_num(top + LANE_MAIN[0] + 14)}" fill="{TEXT}" text-anchor="end">'
            f"{_text(labels.days[row.weekday])}</text>"
        )
        out.extend(bar(iv, top, LANE_UNAVAILABLE, UNAVAILABLE, labels.unavailable) for iv in normalise(row.unavailable))
        out.extend(bar(iv, top, LANE_MAIN, COVERED, labels.covered) for iv in normalise(row.covered))
        for sid, intervals in row.services.items():
            out.extend(bar(iv, top, LANE_MAIN, colours[sid], legend_names[sid]) for iv in normalise(intervals))
        outline = f' stroke="{GAP_OUTLINE}" stroke-width="1"'
        out.extend(bar(iv, top, LANE_MAIN, f"url(#{id_prefix}-gap)", labels.gap, outline) for iv in normalise(row.gaps))
        out.append("</g>")

    out.append('<g class="legend">')
    for lx, line_no, fill, text in legend:
        y = rows_bottom + 12 + LEGEND_ROW * line_no
        stroke = f' stroke="{GAP_OUTLINE}"' if fill.startswith("url(") else ""
        out.append(
            f'<rect x="{_num(lx)}" y="{y}" width="{SWATCH}" height="{SWATCH}" fill="{_attr(fill)}"{stroke}/>'
            f'<text x="{_num(lx + SWATCH + 6)}" y="{y + 12}" fill="{TEXT}">{_text(text)}</text>'
        )
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)
