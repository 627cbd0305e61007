"""The days a help desk is closed: Italian national holidays and the desk's own closures.

National holidays come from the ``holidays`` package's Italian calendar (1 January, Epiphany, Easter
Monday, 25 April, 1 May, 2 June, 15 August, 4 October from 2026, 1 November, 8, 25 and 26 December);
local holidays (a municipality's patron saint) and one-off closures are ``DeskClosure`` rows of the
desk — yearly ones repeat on the same days every year.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
from django.utils.translation import get_language

from concilia.helpdesk.models import Desk, DeskClosure


@cache
def _national(year: int, language: str) -> dict[dt.date, str]:
    calendar = holidays.country_holidays("IT", years=year, language=language)
    return dict(calendar.items())


def national_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The Italian national holidays between two days, named in the current language."""
    language = "it_IT" if (get_language() or "it").startswith("it") else "en_US"
    out: dict[dt.date, str] = {}
    for year in range(start.year, end.year + 1):
        out.update({d: n for d, n in _national(year, language).items() if start <= d <= end})
    return out


def _yearly_days(closure: DeskClosure, start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    for year in range(start.year, end.year + 1):
        try:
            first = closure.start.replace(year=year)
            last = closure.end.replace(year=year + (closure.end.year - closure.start.year))
        except ValueError:  # 29 February in a common year
            continue
        day = first
        while day <= last:
            if start <= day <= end:
                days.append(day)
            day += dt.timedelta(days=1)
    return days


def closed_days(desk: Desk, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Each day between ``start`` and ``end`` (included) the desk is closed, with the reason."""
    out = national_holidays(start, end)
    for closure in DeskClosure.objects.filter(desk=desk).order_by("start"):
        if closure.every_year:
            days = _yearly_days(closure, start, end)
        else:
            days = []
            day = max(closure.start, start)
            while day <= min(closure.end, end):
                days.append(day)
                day += dt.timedelta(days=1)
        for day in days:
            out.setdefault(day, closure.reason)
    return dict(sorted(out.items()))
