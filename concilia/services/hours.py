"""Weekly opening hours written as text, e.g. ``lun-ven 07:30-08:30, 16:30-18:30; sab 08:00-12:00``.

Used by the CSV/XLSX import (an ``hours`` column) and shown back in the same form. Day names in
Italian (lun mar mer gio ven sab dom) or English (mon … sun); ranges of days with ``-``, lists with
``,``; several time ranges per group separated by ``,``; groups separated by ``;``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DAY_NAMES = {
    **{n: i for i, n in enumerate(("lun", "mar", "mer", "gio", "ven", "sab", "dom"))},
    **{n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
}
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_SHORT_IT = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")


def _time(text: str) -> dt.time:
    m = _TIME.match(text.strip())
    if not m or int(m[1]) > 24 or int(m[2]) > 59 or (int(m[1]) == 24 and int(m[2])):
        raise ValidationError(_("“%(value)s” is not a time like 07:30.") % {"value": text.strip()})
    hour, minute = int(m[1]), int(m[2])
    return dt.time(23, 59) if hour == 24 else dt.time(hour, minute)


def _days(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split("+"):
        part = part.strip().lower()
        if "-" in part:
            a, b = (x.strip()[:3] for x in part.split("-", 1))
            if a not in DAY_NAMES or b not in DAY_NAMES or DAY_NAMES[b] < DAY_NAMES[a]:
                raise ValidationError(_("“%(value)s” is not a range of days like lun-ven.") % {"value": part})
            out.extend(range(DAY_NAMES[a], DAY_NAMES[b] + 1))
        else:
            if part[:3] not in DAY_NAMES:
                raise ValidationError(
                    _("“%(value)s” is not a day (lun, mar, mer, gio, ven, sab, dom).") % {"value": part}
                )
            out.append(DAY_NAMES[part[:3]])
    return sorted(set(out))


def parse_weekly_hours(text: str) -> list[tuple[int, dt.time, dt.time]]:
    """``lun-ven 07:30-08:30, 16:30-18:30; sab 08:00-12:00`` → [(weekday, opens, closes), …]."""
    rows: list[tuple[int, dt.time, dt.time]] = []
    for group in filter(None, (g.strip() for g in text.split(";"))):
        head, _sep, rest = group.partition(" ")
        if not rest.strip():
            raise ValidationError(
                _("“%(value)s”: write the days, then the times (lun-ven 08:00-16:00).") % {"value": group}
            )
        days = _days(head)
        for rng in filter(None, (r.strip() for r in rest.split(","))):
            if "-" not in rng:
                raise ValidationError(_("“%(value)s” is not a time range like 08:00-16:00.") % {"value": rng})
            a, b = rng.split("-", 1)
            opens, closes = _time(a), _time(b)
            if closes <= opens:
                raise ValidationError(
                    _("In “%(value)s” the closing time does not follow the opening time.") % {"value": rng}
                )
            rows.extend((d, opens, closes) for d in days)
    return sorted(rows)


def format_weekly_hours(rows: list[tuple[int, dt.time, dt.time]], day_names: Sequence[str] = _SHORT_IT) -> str:
    """The inverse of :func:`parse_weekly_hours` (days with the same times are grouped).

    ``day_names`` (Monday first) lets a page show the days in its language; the default is the
    Italian abbreviations that :func:`parse_weekly_hours` reads back.
    """
    by_day: dict[int, list[str]] = {}
    for day, opens, closes in sorted(rows):
        by_day.setdefault(day, []).append(f"{opens:%H:%M}-{closes:%H:%M}")
    groups: list[tuple[list[int], str]] = []
    for day in sorted(by_day):
        times = ", ".join(by_day[day])
        if groups and groups[-1][1] == times and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], times))
    parts = []
    for days, times in groups:
        name = day_names[days[0]] if len(days) == 1 else f"{day_names[days[0]]}-{day_names[days[-1]]}"
        parts.append(f"{name} {times}")
    return "; ".join(parts)
