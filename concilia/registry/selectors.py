"""Reads of the babysitter registry: the public search shows only what families need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from concilia.core import clock
from concilia.registry.models import Availability, Babysitter

# The only fields of a babysitter that families (and the public API) ever see.
PUBLIC_FIELDS = ("id", "first_name", "areas", "availability", "languages", "course", "first_aid_valid",
                 "experience", "bio", "vouchers", "registry")  # fmt: skip


def public_babysitters(
    *,
    today: dt.date | None = None,
    municipality: Any = None,
    weekday: int | None = None,
    start: dt.time | None = None,
    end: dt.time | None = None,
    language: str = "",
    voucher: Any = None,
    registry: Any = None,
) -> QuerySet[Babysitter]:
    """Listed, non-expired babysitters matching the filters (availability must cover the whole range)."""
    today = today or clock.today()
    qs = Babysitter.objects.public(today)
    if registry is not None:
        qs = qs.filter(registry=registry)
    if municipality is not None:
        qs = qs.filter(areas=municipality)
    if language:
        qs = qs.filter(languages__regex=rf"(^|,){language}(,|$)")
    if voucher is not None:
        qs = qs.filter(accepted_vouchers=voucher)
    if weekday is not None or start is not None or end is not None:
        slots = Availability.objects.filter(babysitter=OuterRef("pk"))
        if weekday is not None:
            slots = slots.filter(weekday=weekday)
        if start is not None:
            slots = slots.filter(starts_at__lte=start)
        if end is not None:
            slots = slots.filter(ends_at__gte=end)
        qs = qs.filter(Exists(slots))
    return (
        qs.distinct()
        .select_related("course", "registry")
        .prefetch_related(
            "areas",
            "accepted_vouchers",
            Prefetch("availability", queryset=Availability.objects.order_by("weekday", "starts_at")),
        )
        .order_by("first_name", "pk")
    )


@dataclass
class PublicProfile:
    """What a family sees of a babysitter: never the surname, tax code, e-mail, phone or documents."""

    id: int
    first_name: str
    registry: str
    areas: list[str]
    availability: list[str]
    languages: list[str]
    course: str
    course_hours: int
    first_aid_valid: bool
    experience: str
    bio: str
    vouchers: list[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def public_profile(b: Babysitter, *, today: dt.date | None = None) -> PublicProfile:
    today = today or clock.today()
    return PublicProfile(
        id=b.pk,
        first_name=b.first_name,
        registry=b.registry.name,
        areas=[m.name for m in b.areas.all()],
        availability=[str(s) for s in b.availability.all()],
        languages=b.language_names,
        course=b.course.title,
        course_hours=b.course.hours,
        first_aid_valid=b.first_aid_expires_on >= today,
        experience=b.experience,
        bio=b.bio,
        vouchers=[v.name for v in b.accepted_vouchers.all()],
    )


@dataclass
class PlannerOffer:
    """A listed babysitter the care planner proposes for hours no service covers."""

    id: int
    first_name: str
    covered_minutes: int
    covered: dict[int, list[Any]]
    vouchers: list[str]

    @property
    def covered_hours(self) -> float:
        return round(self.covered_minutes / 60, 1)


def planner_offers(*, municipality: Any, gaps: dict[int, list[Any]], today: dt.date | None = None,
                   limit: int = 3) -> list[PlannerOffer]:  # fmt: skip
    """Listed babysitters serving ``municipality`` whose weekly availability covers part of ``gaps``.

    ``gaps`` is the care planner's week of uncovered intervals (``coverage.Week``); the offers come
    most minutes first, with the vouchers each accepts (two queries whatever the number of babysitters).
    """
    from concilia.services import coverage
    from concilia.services.planner import week_of

    if not gaps or municipality is None:
        return []
    offers = []
    for b in public_babysitters(today=today, municipality=municipality):
        available = week_of([(s.weekday, s.starts_at, s.ends_at) for s in b.availability.all()])
        covered = {day: coverage.intersect(ivs, available.get(day, ())) for day, ivs in gaps.items()}
        covered = {day: ivs for day, ivs in covered.items() if ivs}
        minutes = sum(coverage.measure(ivs) for ivs in covered.values())
        if minutes:
            offers.append(
                PlannerOffer(b.pk, b.first_name, minutes, covered, [v.name for v in b.accepted_vouchers.all()])
            )
    offers.sort(key=lambda o: (-o.covered_minutes, o.first_name, o.id))
    return offers[:limit]
