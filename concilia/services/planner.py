"""The care planner, Django side: build the week's inputs, find candidate services, call ``coverage``.

``coverage`` (pure Python) computes when nobody can look after each person and ranks combinations of
services; this module turns the family's answers into its inputs and the catalogue into candidates:
for each person, the published services within the radius that take that age (or elderly people),
that run in the chosen week, with their opening hours that week and their lowest weekly price.
A constant number of queries whatever the number of services: one for the services in the
radius's bounding box, one for their opening hours, one for their offers, one for their periods.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q

from concilia.services import coverage, models, timeline
from concilia.services.selectors import age_in_months, distance_km
from concilia.territory.models import Municipality

MAX_CANDIDATES = 40
"""Nearest services considered per person (after keeping only those that cover a needed minute)."""


@dataclass(frozen=True)
class CarerInput:
    label: str
    hours: list[tuple[int, dt.time, dt.time]]
    travel_minutes: int = 0


@dataclass(frozen=True)
class PersonInput:
    label: str
    birth_date: dt.date | None = None
    """A child's date of birth; ``None`` for an elderly relative."""
    covered: list[tuple[int, dt.time, dt.time]] = field(default_factory=list)
    """School hours (or other hours when someone else is there)."""

    @property
    def elderly(self) -> bool:
        return self.birth_date is None


@dataclass(frozen=True)
class PlanRequest:
    municipality: Municipality
    week: dt.date
    """Any day of the week to plan; the plan is for the Monday–Sunday week containing it."""
    carers: Sequence[CarerInput]
    persons: Sequence[PersonInput]
    radius_km: float = 10.0


@dataclass
class PersonPlan:
    id: str
    person: PersonInput
    age_months: int | None
    need: coverage.Week
    needed_minutes: int
    proposals: list[coverage.Proposal]
    services: dict[str, models.Service]
    distances: dict[str, float]
    svgs: list[str]
    babysitters: list[Any] = field(default_factory=list)
    """Listed babysitters of the registry serving the municipality, for the hours the first proposal leaves uncovered."""


@dataclass
class PlanResult:
    request: PlanRequest
    monday: dt.date
    origin: tuple[float, float] | None
    unavailable: coverage.Week
    people: list[PersonPlan]


def _minutes(t: dt.time) -> int:
    return 1440 if (t.hour, t.minute) == (23, 59) else t.hour * 60 + t.minute


def week_of(rows: Sequence[tuple[int, dt.time, dt.time]]) -> dict[int, list[coverage.Interval]]:
    out: dict[int, list[coverage.Interval]] = defaultdict(list)
    for day, a, b in rows:
        out[day].append(coverage.Interval(_minutes(a), _minutes(b)))
    return {d: coverage.normalise(v) for d, v in out.items()}


@dataclass(frozen=True)
class _Near:
    """What choosing candidates needs of a service, read as plain values (no model instances)."""

    pk: int
    name: str
    kind: str
    for_elderly: bool
    min_age_months: int | None
    max_age_months: int | None
    distance_km: float

    def accepts_age(self, months: int) -> bool:
        lo, hi = self.min_age_months, self.max_age_months
        return (lo is None or months >= lo) and (hi is None or months <= hi)


def _audience(ages: Sequence[int | None]) -> Q:
    """Services for at least one of the persons: elderly services for ``None``, else those taking the age."""
    q = Q(pk__in=[])
    for age in set(ages):
        if age is None:
            q |= Q(for_elderly=True)
        else:
            q |= (
                Q(for_elderly=False)
                & (Q(min_age_months__isnull=True) | Q(min_age_months__lte=age))
                & (Q(max_age_months__isnull=True) | Q(max_age_months__gte=age))
            )
    return q


def _services_near(
    origin: tuple[float, float], radius_km: float, monday: dt.date, ages: Sequence[int | None]
) -> list[_Near]:
    """Services within the radius for one of the persons and running that week, nearest first (1 query)."""
    lat, lon = origin
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(0.01, math.cos(math.radians(lat))))
    sunday = monday + dt.timedelta(days=6)
    rows = (
        models.Service.objects.published()
        .filter(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon))
        .filter(_audience(ages))
        .filter(
            ~Exists(models.Period.objects.filter(service=OuterRef("pk")))
            | Exists(models.Period.objects.filter(service=OuterRef("pk"), start__lte=sunday, end__gte=monday))
        )
        .order_by()
        .values_list("pk", "name", "kind", "for_elderly", "min_age_months", "max_age_months", "latitude", "longitude")
    )
    found = []
    for pk, name, kind, elderly, lo, hi, la, lo_ in rows:
        d = distance_km(lat, lon, la, lo_)  # type: ignore[arg-type]
        if d <= radius_km:
            found.append(_Near(pk, name, kind, elderly, lo, hi, d))
    found.sort(key=lambda n: (n.distance_km, n.pk))
    return found


def _week_hours(ids: Sequence[int], monday: dt.date) -> dict[int, dict[int, list[coverage.Interval]]]:
    """The opening hours of these services that week, as weeks of intervals (1 query)."""
    sunday = monday + dt.timedelta(days=6)
    in_week = Q(period__isnull=True) | Q(period__start__lte=sunday, period__end__gte=monday)
    raw: dict[int, list[tuple[int, dt.time, dt.time]]] = defaultdict(list)
    rows = models.OpeningHours.objects.filter(in_week, service_id__in=ids).order_by()
    for sid, day, opens, closes in rows.values_list("service_id", "weekday", "opens", "closes"):
        raw[sid].append((day, opens, closes))
    return {sid: week_of(r) for sid, r in raw.items()}


FIRST_READ = 400
"""Hours are read for the nearest services first; the rest only if someone still lacks candidates."""


def _full_services(ids: set[int]) -> dict[int, models.Service]:
    """The chosen candidates, for the page and the API (1 query)."""
    return {s.pk: s for s in models.Service.objects.filter(pk__in=ids).select_related("municipality", "provider")}


Prices = dict[int, tuple[list[tuple[int, int | None, int | None]], list[int]]]


def _prices(ids: set[int], monday: dt.date) -> Prices:
    """Each service's offers that week (weekly price, ages) and fees (weekly), as plain values (2 queries).

    No ordering (the models' default one joins the services to sort by name) and the week's periods of
    these services as a subquery (a join would read the whole period table).
    """
    sunday = monday + dt.timedelta(days=6)
    week_periods = models.Period.objects.filter(service_id__in=ids, start__lte=sunday, end__gte=monday)
    out: Prices = {sid: ([], []) for sid in ids}
    offers = models.Offer.objects.filter(Q(period__isnull=True) | Q(period__in=week_periods), service_id__in=ids)
    for sid, cents, lo, hi in offers.order_by().values_list(
        "service_id", "weekly_cents", "min_age_months", "max_age_months"
    ):
        out[sid][0].append((cents, lo, hi))
    for sid, amount, unit in (
        models.Fee.objects.filter(service_id__in=ids).order_by().values_list("service_id", "amount_cents", "unit")
    ):
        out[sid][1].append(models.weekly_cents(amount, unit, 5, 8, 1))
    return out


def _weekly_price(prices: tuple[list[tuple[int, int | None, int | None]], list[int]], age: int | None) -> int | None:
    """The lowest weekly price of an offer that takes this age; else of a fee; else unknown."""
    offers, fees = prices
    fitting = [c for c, lo, hi in offers if age is None or ((lo is None or lo <= age) and (hi is None or hi >= age))]
    if fitting:
        return min(fitting)
    return min(fees) if fees else None


def plan(req: PlanRequest) -> PlanResult:
    """Plan the week for every person of the family."""
    monday = req.week - dt.timedelta(days=req.week.weekday())
    carers = [
        coverage.Carer(f"c{i}", week_of(c.hours), c.travel_minutes, c.travel_minutes, c.label)
        for i, c in enumerate(req.carers)
    ]
    away = coverage.unavailable(carers)
    m = req.municipality
    origin = (m.latitude, m.longitude) if m.latitude is not None and m.longitude is not None else None
    ages = [None if p.elderly else age_in_months(p.birth_date, monday) for p in req.persons]  # type: ignore[arg-type]
    near = _services_near(origin, req.radius_km, monday, ages) if origin else []
    needs = [
        coverage.needs(coverage.Person(f"p{i}", p.label, week_of(p.covered)), away) for i, p in enumerate(req.persons)
    ]
    picks: list[list[_Near]] = [[] for _p in req.persons]
    hours_of: dict[int, dict[int, list[coverage.Interval]]] = {}
    for chunk in (near[:FIRST_READ], near[FIRST_READ:]):  # at most two reads of hours
        if not chunk or all(len(picked) >= MAX_CANDIDATES for picked in picks):
            break
        hours_of.update(_week_hours([n.pk for n in chunk], monday))
        for p, age, need, picked in zip(req.persons, ages, needs, picks, strict=True):
            for n in chunk:
                if len(picked) >= MAX_CANDIDATES:
                    break
                if p.elderly != n.for_elderly or (age is not None and not n.accepts_age(age)):
                    continue
                hours = hours_of.get(n.pk, {})
                if any(coverage.intersect(need.get(day, ()), ivs) for day, ivs in hours.items()):
                    picked.append(n)
    chosen = list(zip(needs, picks, strict=True))
    ids = {n.pk for _need, picked in chosen for n in picked}
    full = _full_services(ids) if ids else {}
    prices = _prices(ids, monday) if ids else {}
    people = []
    for i, (p, age, (need, picked)) in enumerate(zip(req.persons, ages, chosen, strict=True)):
        services = {str(n.pk): full[n.pk] for n in picked}
        cands = [
            coverage.Candidate(
                str(n.pk), n.name, hours_of[n.pk], n.kind, round(n.distance_km, 3), _weekly_price(prices[n.pk], age)
            )
            for n in picked
        ]
        proposals = coverage.plan(need, cands, max_services=3, limit=3)
        gaps = proposals[0].uncovered if proposals else need
        people.append(
            PersonPlan(
                f"p{i}",
                p,
                age,
                need,
                coverage.week_minutes(need),
                proposals,
                services,
                {c.id: c.distance_km for c in cands},
                [],
                _babysitters(req.municipality, gaps) if not p.elderly else [],
            )
        )
    return PlanResult(req, monday, origin, away, people)


def _babysitters(municipality: Municipality, gaps: coverage.Week) -> list[Any]:
    """The babysitter registry's offers for ``gaps`` (none when the registry app is not installed)."""
    from django.apps import apps

    if not gaps or not apps.is_installed("concilia.registry"):
        return []
    from concilia.registry.selectors import planner_offers

    return planner_offers(municipality=municipality, gaps=gaps)


def render_svgs(result: PlanResult, labels: timeline.Labels) -> None:
    """Draw each proposal's week (fills ``PersonPlan.svgs``)."""
    for pp in result.people:
        covered = week_of(pp.person.covered)
        for k, proposal in enumerate(pp.proposals):
            rows = timeline.rows_for(proposal, result.unavailable, covered)
            names = {sid: pp.services[sid].name for sid in proposal.services}
            pp.svgs.append(timeline.week_svg(rows, names=names, labels=labels, id_prefix=f"tl-{pp.id}-{k}"))
