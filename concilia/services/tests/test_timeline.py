"""The weekly timeline picture: accessible, escaped, deterministic SVG."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concilia.services.coverage import Candidate, Carer, Interval, Person, needs, plan, unavailable
from concilia.services.timeline import BACKGROUND, DayRow, Labels, rows_for, week_svg

SVG = "{http://www.w3.org/2000/svg}"
I = Interval.parse  # noqa: E741


def weekdays(*texts: str) -> dict[int, list[Interval]]:
    return {day: [I(t) for t in texts] for day in range(5)}


MAMMA = Carer("mamma", weekdays("8:30-17:30"), 30, 30)
PAPA = Carer("papa", weekdays("9:00-18:00"), 30, 30)
ANNA = Person("anna", "Anna")
LUCA = Person("luca", "Luca", covered=weekdays("8:30-16:30"))
INFANZIA = Candidate("infanzia", "Scuola dell'infanzia", weekdays("8:00-16:00"), weekly_cents=2000)
POST = Candidate("post", "Post-scuola", weekdays("16:30-18:30"), weekly_cents=3000)
NAMES = {"infanzia": "Scuola dell'infanzia", "post": "Post-scuola"}


def anna_svg(**kwargs: object) -> str:
    away = unavailable([MAMMA, PAPA])
    best = plan(needs(ANNA, away), [INFANZIA, POST])[0]
    return week_svg(rows_for(best, away, ANNA.covered), names=NAMES, **kwargs)  # type: ignore[arg-type]


def luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def texts_with_fill(root: ET.Element) -> list[tuple[str, str]]:
    """Every <text> with the fill it is painted with (its own or the nearest ancestor's)."""
    found: list[tuple[str, str]] = []

    def walk(el: ET.Element, fill: str) -> None:
        fill = el.get("fill", fill)
        if el.tag == SVG + "text":
            found.append(("".join(el.itertext()), fill))
        for child in el:
            walk(child, fill)

    walk(root, "#000000")
    return found


def test_the_picture_is_an_accessible_svg() -> None:
    svg = anna_svg()
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Settimana tipo: chi si prende cura e quando"
    # The description says everything in words, day by day.
    assert desc.text is not None
    assert desc.text.startswith(
        "Lunedì: Nessun adulto disponibile 8:30–18:00; Scuola dell'infanzia 8:30–16:00; Post-scuola 16:30–18:00; "
        "Ore scoperte 16:00–16:30."
    )
    assert desc.text.count("Ore scoperte 16:00–16:30") == 5
    assert "<script" not in svg and not re.search(r"\son[a-z]+=", svg)


def test_one_row_per_weekday_with_hour_gridlines() -> None:
    root = ET.fromstring(anna_svg())
    rows = [g for g in root.iter(SVG + "g") if g.get("class") == "day"]
    assert [g.get("data-weekday") for g in rows] == ["0", "1", "2", "3", "4"]
    day_names = [t for t, _ in texts_with_fill(root) if t in Labels().days]
    assert day_names == ["Lunedì", "Martedì", "Mercoledì", "Giovedì", "Venerdì"]
    hours = [t for t, _ in texts_with_fill(root) if re.fullmatch(r"\d+:00", t)]
    assert hours == [f"{h}:00" for h in range(6, 22)]
    assert len(root.findall(f".//{SVG}line")) == 16


def test_gaps_are_hatched_and_outlined_not_only_coloured() -> None:
    svg = anna_svg(id_prefix="anna")
    root = ET.fromstring(svg)
    pattern = root.find(f".//{SVG}pattern")
    assert pattern is not None and pattern.get("id") == "anna-gap"
    assert len(pattern.findall(SVG + "rect")) == 2  # a strong background and white stripes
    gaps = [r for r in root.iter(SVG + "rect") if r.get("fill") == "url(#anna-gap)"]
    assert len(gaps) == 5 + 1  # one per day, and the legend's swatch
    assert all(r.get("stroke") for r in gaps)
    monday_gap = gaps[0]
    # 16:00–16:30 on a 6:00–21:00 track of 640 px starting at x=104
    assert (monday_gap.get("x"), monday_gap.get("width")) == ("530.67", "21.33")
    tooltip = monday_gap.find(SVG + "title")
    assert tooltip is not None and tooltip.text == "Ore scoperte 16:00–16:30"


def test_one_colour_per_service_named_in_the_legend() -> None:
    root = ET.fromstring(anna_svg())
    fills: dict[str, set[str]] = {}
    for rect in root.iter(SVG + "rect"):
        tip = rect.find(SVG + "title")
        if tip is not None and tip.text:
            fills.setdefault(tip.text.rsplit(" ", 1)[0], set()).add(rect.get("fill", ""))
    assert len(fills["Scuola dell'infanzia"]) == len(fills["Post-scuola"]) == 1
    assert fills["Scuola dell'infanzia"] != fills["Post-scuola"]
    legend = next(g for g in root.iter(SVG + "g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(SVG + "text")] == [
        "Nessun adulto disponibile",
        "Scuola dell'infanzia",
        "Post-scuola",
        "Ore scoperte",
    ]
    swatches = [r.get("fill") for r in legend.iter(SVG + "rect")]
    assert swatches[1:3] == [*fills["Scuola dell'infanzia"], *fills["Post-scuola"]]


def test_school_hours_are_drawn_and_named() -> None:
    away = unavailable([MAMMA, PAPA])
    best = plan(needs(LUCA, away), [POST])[0]
    svg = week_svg(rows_for(best, away, LUCA.covered), names=NAMES)
    root = ET.fromstring(svg)
    desc = root.find(SVG + "desc")
    assert desc is not None and desc.text is not None
    assert desc.text.startswith(
        "Lunedì: Nessun adulto disponibile 8:30–18:00; Scuola 8:30–16:30; Post-scuola 16:30–18:00; "
        "nessuna ora scoperta."
    )
    legend = next(g for g in root.iter(SVG + "g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(SVG + "text")] == [
        "Nessun adulto disponibile",
        "Scuola",
        "Post-scuola",
        "Ore scoperte",
    ]


def test_all_text_has_enough_contrast() -> None:
    root = ET.fromstring(anna_svg())
    texts = texts_with_fill(root)
    assert texts
    for text, fill in texts:
        assert contrast(fill, BACKGROUND) >= 4.5, (text, fill)


def test_labels_are_parameters() -> None:
    english = Labels(
        days=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        title="A typical week",
        unavailable="No adult available",
        covered="School",
        gap="Uncovered",
        no_gaps="no uncovered time",
        nothing="nothing needed",
    )
    svg = anna_svg(labels=english)
    assert "Monday: No adult available 8:30–18:00" in svg
    assert '<title id="timeline-title">A typical week</title>' in svg
    assert "Lunedì" not in svg and "Ore scoperte" not in svg
    with pytest.raises(ValueError, match="7 weekdays"):
        Labels(days=("Mon", "Tue"))


def test_every_text_is_escaped() -> None:
    nasty = 'Cà <b>"Il & Sole"</b>'
    rows = [DayRow(0, unavailable=[I("8:00-12:00")], services={"x": [I("8:00-10:00")]}, gaps=[I("10:00-12:00")])]
    labels = Labels(days=("<Lun>", "Mar", "Mer", "Gio", "Ven", "Sab", "Dom"), title="A & B", gap="<gap>")
    svg = week_svg(rows, names={"x": nasty}, labels=labels)
    root = ET.fromstring(svg)  # well-formed
    assert "<b>" not in svg and "<Lun>" not in svg and "<gap>" not in svg
    assert nasty in {t for t, _ in texts_with_fill(root)}
    desc = root.find(SVG + "desc")
    assert (
        desc is not None
        and desc.text == f"<Lun>: Nessun adulto disponibile 8:00–12:00; {nasty} 8:00–10:00; <gap> 10:00–12:00."
    )


def test_same_input_same_string() -> None:
    assert anna_svg() == anna_svg()


def test_window_widens_to_show_everything() -> None:
    rows = [DayRow(5, unavailable=[I("5:30-6:30"), I("20:00-22:15")], gaps=[I("5:30-6:30")])]
    root = ET.fromstring(week_svg(rows))
    hours = [t for t, _ in texts_with_fill(root) if re.fullmatch(r"\d+:00", t)]
    # 5:00–23:00 is 18 hours: labels every two hours
    assert hours == [f"{h}:00" for h in range(6, 24, 2)]
    assert root.find(SVG + "desc") is not None
    desc = root.find(SVG + "desc")
    assert (
        desc is not None
        and desc.text == "Sabato: Nessun adulto disponibile 5:30–6:30, 20:00–22:15; Ore scoperte 5:30–6:30."
    )


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        week_svg([], id_prefix='x" onload="alert(1)')
    with pytest.raises(ValueError, match="window"):
        week_svg([], start=600, end=600)
    with pytest.raises(ValueError, match="weekday"):
        DayRow(7)


def test_rows_for_shows_weekdays_and_busy_weekend_days() -> None:
    mamma = Carer("mamma", {**weekdays("8:30-17:30"), 5: [I("9:00-13:00")]})
    away = unavailable([mamma])
    best = plan(needs(ANNA, away), [INFANZIA])[0]
    rows = rows_for(best, away)
    assert [r.weekday for r in rows] == [0, 1, 2, 3, 4, 5]
    assert rows[5].gaps == [I("9:00-13:00")] and rows[5].services == {}
    assert rows[0].services == {"infanzia": [I("8:30-16:00")]}
    nothing = rows_for(best, {}, days=[6])
    svg = week_svg(nothing)
    assert "Domenica: nessuna necessità." in svg


interval = st.tuples(st.integers(0, 95), st.integers(1, 12)).map(
    lambda t: Interval(t[0] * 15, min(96, t[0] + t[1]) * 15)
)
words = st.text(max_size=12)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            DayRow,
            weekday=st.integers(0, 6),
            unavailable=st.lists(interval, max_size=3),
            covered=st.lists(interval, max_size=2),
            services=st.dictionaries(st.sampled_from(["a", "b", "c"]), st.lists(interval, max_size=2), max_size=3),
            gaps=st.lists(interval, max_size=2),
        ),
        max_size=7,
    ),
    st.dictionaries(st.sampled_from(["a", "b"]), words),
)
def test_always_well_formed(rows: list[DayRow], names: dict[str, str]) -> None:
    svg = week_svg(rows, names=names)
    root = ET.fromstring(svg)
    assert len([g for g in root.iter(SVG + "g") if g.get("class") == "day"]) == len(rows)
    assert svg == week_svg(rows, names=names)


def test_characters_xml_cannot_hold_are_dropped() -> None:
    rows = [DayRow(0, services={"x": [I("8:00-9:00")]})]
    root = ET.fromstring(week_svg(rows, names={"x": "Nido\x00\x1b Arcobaleno\ufffe"}))
    assert "Nido Arcobaleno" in {t for t, _ in texts_with_fill(root)}


def test_timeline_imports_no_django() -> None:
    code = (
        "import sys\n"
        "import concilia.services.timeline\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
