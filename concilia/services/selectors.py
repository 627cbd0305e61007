"""Reads of the catalogue: the search, a service's weekly schedule, candidates for the planner.

The search runs a constant number of SQL queries whatever the number of results: one reads the
catalogue's version token, the in-memory index (:mod:`concilia.services.search_index`) filters by
kind, age, voucher, price, period, hours and distance, then one query loads the page's services
with their provider and municipality, and one their opening hours. :func:`filtered_services` is the
same filter in SQL (the reference the index is tested against, and a queryset for other reads).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from concilia.core import clock
from concilia.services import models
from concilia.services.choices import WEEKDAYS, ServiceKind
from concilia.territory.models import Municipality

EARTH_RADIUS_KM = 6371.0088
# From this age (18 years) a person is no longer served by childcare: an age picks the population a
# search is for, so services without age limits (home care, day centres) never reach a child and
# children's services never reach an elderly person.
ADULT_AGE_MONTHS = 18 * 12
PAGE_SIZE = 20


def age_in_months(birth: dt.date, on: dt.date) -> int:
    """Completed months of age on ``on`` (0 in the month of birth)."""
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    if on.day < birth.day:
        months -= 1
    return max(months, -1)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class SearchCriteria:
    """What a family asks for; every field is optional."""

    birth_date: dt.date | None = None
    needed_on: dt.date | None = None
    municipality: Municipality | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = 10.0
    days: Sequence[int] = ()
    time_from: dt.time | None = None
    time_to: dt.time | None = None
    kinds: Sequence[str] = ()
    max_weekly_cents: int | None = None
    voucher: models.VoucherScheme | None = None
    for_elderly: bool | None = None

    @property
    def origin(self) -> tuple[float, float] | None:
        if self.latitude is not None and self.longitude is not None:
            return self.latitude, self.longitude
        m = self.municipality
        if m is not None and m.latitude is not None and m.longitude is not None:
            return m.latitude, m.longitude
        return None

    @property
    def age_months(self) -> int | None:
        if self.birth_date is None:
            return None
        return age_in_months(self.birth_date, self.needed_on or clock.today())

    @property
    def population_elderly(self) -> bool | None:
        """Whether the search is for elderly people (True), children (False) or either (None).

        Chosen explicitly, or implied by the age: an age limits the results to its population.
        """
        if self.for_elderly is not None:
            return self.for_elderly
        age = self.age_months
        return None if age is None else age >= ADULT_AGE_MONTHS


@dataclass
class Hit:
    service: models.Service
    distance_km: float | None

    def hours_text(self, day_names: Sequence[str]) -> str:
        """The all-year weekly hours in one line, e.g. “Mon-Fri 07:30-08:30” (prefetched rows)."""
        from concilia.services.hours import format_weekly_hours

        return format_weekly_hours(
            [(h.weekday, h.opens, h.closes) for h in self.service.opening_hours.all()], day_names
        )


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    origin: tuple[float, float] | None
    age_months: int | None
    notes: list[str] = field(default_factory=list)


def _covering_hours(day: int, start: dt.time, end: dt.time, on: dt.date) -> Exists:
    hours = models.OpeningHours.objects.filter(
        service=OuterRef("pk"), weekday=day, opens__lte=start, closes__gte=end
    ).filter(Q(period__isnull=True) | Q(period__start__lte=on, period__end__gte=on))
    return Exists(hours)


def filtered_services(c: SearchCriteria) -> QuerySet[models.Service]:
    """Published services that satisfy everything but the distance."""
    qs = models.Service.objects.published()
    on = c.needed_on or clock.today()
    if c.kinds:
        qs = qs.filter(kind__in=list(c.kinds))
    if c.population_elderly is not None:
        qs = qs.filter(for_elderly=c.population_elderly)
    age = c.age_months
    if age is not None:
        qs = qs.filter(Q(min_age_months__isnull=True) | Q(min_age_months__lte=age)).filter(
            Q(max_age_months__isnull=True) | Q(max_age_months__gte=age)
        )
    if c.voucher is not None:
        qs = qs.filter(accepted_vouchers=c.voucher)
    if c.max_weekly_cents is not None:
        qs = qs.filter(
            Exists(models.Offer.objects.filter(service=OuterRef("pk"), weekly_cents__lte=c.max_weekly_cents))
        )
    # A service with periods runs only within them (a summer camp in summer).
    qs = qs.filter(
        ~Exists(models.Period.objects.filter(service=OuterRef("pk")))
        | Exists(models.Period.objects.filter(service=OuterRef("pk"), start__lte=on, end__gte=on))
    )
    if c.days and c.time_from and c.time_to:
        for day in sorted(set(c.days)):
            qs = qs.filter(_covering_hours(day, c.time_from, c.time_to, on))
    elif c.days:
        for day in sorted(set(c.days)):
            qs = qs.filter(Exists(models.OpeningHours.objects.filter(service=OuterRef("pk"), weekday=day)))
    return qs


def _page_services(ids: list[int]) -> dict[int, models.Service]:
    qs = models.Service.objects.filter(pk__in=ids).select_related("provider", "municipality__province")
    qs = qs.prefetch_related(
        Prefetch(
            "opening_hours",
            queryset=models.OpeningHours.objects.filter(period__isnull=True).order_by("weekday", "opens"),
        )
    )
    return {s.pk: s for s in qs}


def search_services(c: SearchCriteria, page: int = 1, page_size: int = PAGE_SIZE) -> SearchResult:
    """Services matching ``c``, nearest first when a place is given (else by name), one page of them.

    The filtering runs on the in-memory index (:mod:`concilia.services.search_index`); the page's
    services are then loaded from the database.
    """
    from concilia.services import search_index

    index = search_index.get_index()
    on = c.needed_on or clock.today()
    origin = c.origin
    notes: list[str] = []
    if origin is None:
        ids = search_index.everywhere(index, c, on)
        total = len(ids)
        pages = max(1, math.ceil(total / page_size))
        page = min(max(1, page), pages)
        chosen_ids = ids[(page - 1) * page_size : page * page_size]
        by_id = _page_services(chosen_ids)
        hits = [Hit(by_id[i], None) for i in chosen_ids if i in by_id]
        return SearchResult(hits, total, page, pages, None, c.age_months, notes)
    found = search_index.near(index, c, origin[0], origin[1], on)
    total = len(found)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    chosen = found[(page - 1) * page_size : page * page_size]
    by_id = _page_services([pk for _d, pk in chosen])
    hits = [Hit(by_id[pk], round(d, 2)) for d, pk in chosen if pk in by_id]
    return SearchResult(hits, total, page, pages, origin, c.age_months, notes)


def weekly_schedule(service: models.Service) -> list[dict[str, Any]]:
    """One row per weekday: its opening ranges (all-year ones, then those of each period)."""
    by_day: dict[int, list[str]] = {d: [] for d, _label in WEEKDAYS}
    hours: Iterable[models.OpeningHours] = service.opening_hours.select_related("period").order_by("weekday", "opens")
    for h in hours:
        text = f"{h.opens:%H:%M}–{h.closes:%H:%M}"
        if h.period is not None:
            text += f" ({h.period.name})"
        by_day[h.weekday].append(text)
    return [{"weekday": d, "label": label, "ranges": by_day[d]} for d, label in WEEKDAYS]


KIND_GROUPS: dict[str, list[str]] = {
    "children": [k for k in ServiceKind.values if k not in ("assistenza_domiciliare", "centro_diurno_anziani")],
    "elderly": ["assistenza_domiciliare", "centro_diurno_anziani"],
}
