"""Territory reads: municipalities in force on a day, agencies' territories, population by age.

Territory is public reference data (see ``permissions.py``), so these selectors take no user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet, Sum

from concilia.territory.models import MAX_AGE, HealthAgency, Municipality, Population

DEFAULT_POPULATION_YEAR = 2023


def municipality_list(
    *, region_code: str | None = None, province_code: str | None = None, on: dt.date | None = None
) -> QuerySet[Municipality]:
    """Municipalities in force on ``on`` (today by default), optionally of one region or province (ISTAT codes)."""
    queryset = Municipality.objects.valid_on(on).select_related("province")
    if region_code is not None:
        queryset = queryset.filter(province__region__code=region_code)
    if province_code is not None:
        queryset = queryset.filter(province__code=province_code)
    return queryset


def municipalities_of_agency(agency: HealthAgency, on: dt.date | None = None) -> QuerySet[Municipality]:
    """The municipalities ``agency`` covers that are in force on ``on`` (today by default)."""
    return agency.municipalities.valid_on(on).select_related("province")


def agencies_of_municipality(
    municipality: Municipality, *, on: dt.date | None = None, kind: str | None = None
) -> QuerySet[HealthAgency]:
    """The health agencies covering ``municipality`` on ``on`` (today by default), optionally of one kind."""
    queryset = municipality.health_agencies.valid_on(on)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset


def _population_queryset(
    *,
    region_code: str | None,
    province_code: str | None,
    municipality_ids: Iterable[int] | None,
    year: int,
) -> QuerySet[Population]:
    filters = Q(year=year)
    if region_code is not None:
        filters &= Q(municipality__province__region__code=region_code)
    if province_code is not None:
        filters &= Q(municipality__province__code=province_code)
    if municipality_ids is not None:
        filters &= Q(municipality_id__in=list(municipality_ids))
    return Population.objects.filter(filters)


def population_by_age(
    *,
    region_code: str | None = None,
    province_code: str | None = None,
    municipality_ids: Iterable[int] | None = None,
    low: int = 0,
    high: int = MAX_AGE,
    year: int = DEFAULT_POPULATION_YEAR,
) -> int:
    """Residents aged ``low`` to ``high`` inclusive (100 = "100 and over") on 1 January of ``year``.

    Filters combine (region and province by ISTAT code, municipalities by primary key). All
    municipalities with a population that year count, closed ones included: a municipality merged
    after 1 January still had its residents then.
    """
    if not 0 <= low <= high <= MAX_AGE:
        raise ValueError(f"Ages must satisfy 0 <= low <= high <= {MAX_AGE}, not {low}..{high}.")
    queryset = _population_queryset(
        region_code=region_code, province_code=province_code, municipality_ids=municipality_ids, year=year
    )
    if low == 0 and high == MAX_AGE:
        return queryset.aggregate(total=Sum("total"))["total"] or 0
    # JSON slicing differs between SQLite and PostgreSQL: sum the slices here (a region is ~1,500 rows).
    return sum(sum(by_age[low : high + 1]) for by_age in queryset.values_list("by_age", flat=True).iterator(2000))
