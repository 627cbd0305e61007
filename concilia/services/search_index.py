"""An in-memory index of the published catalogue, which the search filters in Python.

Why: a search near Milano with a 20 km radius has some 7,000 services in its bounding box, and
checking periods and opening hours for each of them with correlated SQL subqueries costs 50–70 ms
on SQLite and more on PostgreSQL. The catalogue is small (tens of thousands of services) and read
far more often than written, so each server process keeps what the search filters on — position,
kind, ages, vouchers, cheapest weekly price, periods and opening hours — as numpy columns, and a
search is a few vector operations over them (a few milliseconds for 20,000 services). The database stays the only source of truth:

* :class:`~concilia.services.models.CatalogueVersion` holds a random token that every change to the
  catalogue replaces (signals on services, periods, opening hours, offers, accepted vouchers;
  :func:`catalogue_changed` after bulk writes that bypass them). A search reads the token (one
  primary-key query) and rebuilds the index when it differs from the one the index was built from.
* The token is read *before* the data, so a change committed during a rebuild makes the next search
  rebuild again: the index is never older than the token it carries.
* Without a token row (a database where nothing was ever written through the catalogue) nothing is
  cached: the index is built for that search only.

:func:`concilia.services.selectors.filtered_services` is the same filter in SQL; a property test
checks that both return the same services on random catalogues.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import Min

from concilia.core import clock
from concilia.services import models

if TYPE_CHECKING:
    from concilia.services.selectors import SearchCriteria

EARTH_RADIUS_KM = 6371.0088
TOKEN_ROW = 1


NO_AGE_MIN = -1
NO_AGE_MAX = 1 << 30
NO_PERIOD_START = -(1 << 30)
NO_PERIOD_END = 1 << 30


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


class Index:
    """The published catalogue as columns (numpy arrays, one row per service), plus its opening hours,
    periods and accepted vouchers as arrays of row numbers. Filtering is a few vector operations."""

    def __init__(self, token: uuid.UUID | None, services: list[tuple[Any, ...]]) -> None:
        self.token = token
        n = len(services)
        self.pk = np.fromiter((r[0] for r in services), dtype=np.int64, count=n)
        self.row_of = {int(pk): i for i, pk in enumerate(self.pk)}
        lat = np.array([np.nan if r[1] is None or r[2] is None else r[1] for r in services], dtype=np.float64)
        lon = np.array([np.nan if r[1] is None or r[2] is None else r[2] for r in services], dtype=np.float64)
        self.located = ~np.isnan(lat)
        self.lat_rad = np.radians(np.nan_to_num(lat))
        self.lon_rad = np.radians(np.nan_to_num(lon))
        self.cos_lat = np.cos(self.lat_rad)
        kinds = sorted({r[3] for r in services})
        self.kind_code = {k: i for i, k in enumerate(kinds)}
        self.kind = np.array([self.kind_code[r[3]] for r in services], dtype=np.int16)
        self.for_elderly = np.array([bool(r[4]) for r in services], dtype=bool)
        self.min_age = np.array([NO_AGE_MIN if r[5] is None else r[5] for r in services], dtype=np.int64)
        self.max_age = np.array([NO_AGE_MAX if r[6] is None else r[6] for r in services], dtype=np.int64)
        # Without a place, results go by name (ignoring case), then pk.
        self.by_name = np.array(
            sorted(range(n), key=lambda i: (services[i][7].casefold(), services[i][0])), dtype=np.int64
        )
        self.min_weekly = np.full(n, np.inf)
        self.has_periods = np.zeros(n, dtype=bool)
        self.period_row = self.period_start = self.period_end = np.zeros(0, dtype=np.int64)
        self.hours_row = self.hours_day = self.hours_opens = self.hours_closes = np.zeros(0, dtype=np.int64)
        self.hours_from = self.hours_to = np.zeros(0, dtype=np.int64)
        self.open_day = np.zeros((7, n), dtype=bool)
        self.voucher_rows: dict[int, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.pk)

    def mask(self, c: SearchCriteria, on: dt.date) -> np.ndarray:
        """The rows matching the criteria (all but the place)."""
        n = len(self)
        keep = np.ones(n, dtype=bool)
        if c.kinds:
            codes = [self.kind_code[k] for k in c.kinds if k in self.kind_code]
            keep &= np.isin(self.kind, codes)
        elderly = c.population_elderly
        if elderly is not None:
            keep &= self.for_elderly == elderly
        age = c.age_months
        if age is not None:
            keep &= (self.min_age <= age) & (self.max_age >= age)
        if c.voucher is not None:
            accepted = np.zeros(n, dtype=bool)
            accepted[self.voucher_rows.get(c.voucher.pk, np.zeros(0, dtype=np.int64))] = True
            keep &= accepted
        if c.max_weekly_cents is not None:
            keep &= self.min_weekly <= c.max_weekly_cents
        day = on.toordinal()
        # A service with periods runs only within them (a summer camp in summer).
        running = np.zeros(n, dtype=bool)
        running[self.period_row[(self.period_start <= day) & (self.period_end >= day)]] = True
        keep &= ~self.has_periods | running
        days = sorted(set(c.days))
        if days and c.time_from and c.time_to:
            start, end = _minutes(c.time_from), _minutes(c.time_to)
            usable = (
                (self.hours_opens <= start)
                & (self.hours_closes >= end)
                & (self.hours_from <= day)
                & (self.hours_to >= day)
            )
            for d in days:
                covered = np.zeros(n, dtype=bool)
                covered[self.hours_row[usable & (self.hours_day == d)]] = True
                keep &= covered
        else:
            for d in days:
                keep &= self.open_day[d]
        return keep


def near(index: Index, c: SearchCriteria, lat: float, lon: float, on: dt.date) -> list[tuple[float, int]]:
    """(distance in km, pk) of the matching services within the radius, nearest first."""
    p1, l1 = math.radians(lat), math.radians(lon)
    rows = np.flatnonzero(index.mask(c, on) & index.located)
    a = (
        np.sin((index.lat_rad[rows] - p1) / 2) ** 2
        + math.cos(p1) * index.cos_lat[rows] * np.sin((index.lon_rad[rows] - l1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    inside = km <= c.radius_km
    km, pks = km[inside], index.pk[rows[inside]]
    order = np.lexsort((pks, km))
    return list(zip(km[order].tolist(), pks[order].tolist(), strict=True))


def everywhere(index: Index, c: SearchCriteria, on: dt.date) -> list[int]:
    """pk of the matching services, by name."""
    keep = index.mask(c, on)
    return index.pk[index.by_name[keep[index.by_name]]].tolist()  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------------
# Building and keeping the index


def _rows(token: uuid.UUID | None) -> Index:
    published = models.Service.objects.published().order_by()
    services = list(
        published.values_list(
            "pk", "latitude", "longitude", "kind", "for_elderly", "min_age_months", "max_age_months", "name"
        )
    )
    index = Index(token, services)
    row_of = index.row_of
    periods: dict[int, tuple[int, int]] = {}
    p_row, p_start, p_end = [], [], []
    for pk, sid, a, b in (
        models.Period.objects.order_by().values_list("pk", "service_id", "start", "end").iterator(chunk_size=5000)
    ):
        periods[pk] = (a.toordinal(), b.toordinal())
        row = row_of.get(sid)
        if row is not None:
            p_row.append(row)
            p_start.append(a.toordinal())
            p_end.append(b.toordinal())
    index.period_row = np.array(p_row, dtype=np.int64)
    index.period_start = np.array(p_start, dtype=np.int64)
    index.period_end = np.array(p_end, dtype=np.int64)
    index.has_periods[index.period_row] = True
    h_row, h_day, h_opens, h_closes, h_from, h_to = [], [], [], [], [], []
    hours = models.OpeningHours.objects.order_by().values_list("service_id", "weekday", "opens", "closes", "period_id")
    for sid, day, opens, closes, period in hours.iterator(chunk_size=5000):
        row = row_of.get(sid)
        if row is None:
            continue
        a, b = periods[period] if period is not None else (NO_PERIOD_START, NO_PERIOD_END)
        h_row.append(row)
        h_day.append(day)
        h_opens.append(_minutes(opens))
        h_closes.append(_minutes(closes))
        h_from.append(a)
        h_to.append(b)
    index.hours_row = np.array(h_row, dtype=np.int64)
    index.hours_day = np.array(h_day, dtype=np.int64)
    index.hours_opens = np.array(h_opens, dtype=np.int64)
    index.hours_closes = np.array(h_closes, dtype=np.int64)
    index.hours_from = np.array(h_from, dtype=np.int64)
    index.hours_to = np.array(h_to, dtype=np.int64)
    for d in range(7):
        index.open_day[d][index.hours_row[index.hours_day == d]] = True
    by_voucher: dict[int, list[int]] = defaultdict(list)
    through = models.Service.accepted_vouchers.through
    for sid, vid in through.objects.values_list("service_id", "voucherscheme_id").iterator(chunk_size=5000):
        row = row_of.get(sid)
        if row is not None:
            by_voucher[vid].append(row)
    index.voucher_rows = {vid: np.array(rows, dtype=np.int64) for vid, rows in by_voucher.items()}
    prices = models.Offer.objects.order_by().values("service_id").annotate(m=Min("weekly_cents"))
    for sid, cents in prices.values_list("service_id", "m"):
        row = row_of.get(sid)
        if row is not None:
            index.min_weekly[row] = cents
    return index


_lock = threading.Lock()
_current: Index | None = None


def current_token() -> uuid.UUID | None:
    return models.CatalogueVersion.objects.filter(pk=TOKEN_ROW).values_list("token", flat=True).first()


def get_index() -> Index:
    """The index for the catalogue as it is now (rebuilt if the catalogue changed since)."""
    global _current
    token = current_token()
    index = _current
    if token is not None and index is not None and index.token == token:
        return index
    if token is None:
        return _rows(None)
    with _lock:
        index = _current
        if index is not None and index.token == token:
            return index
        index = _rows(token)
        _current = index
        return index


def catalogue_changed(**_kwargs: Any) -> None:
    """Record that the catalogue changed: every process rebuilds its index at its next search.

    Connected to the signals of the models the index reads; call it after writes that send no
    signal (``bulk_create``, ``QuerySet.update``, raw SQL).
    """
    if str(_kwargs.get("action", "post")).startswith("pre_"):
        return  # m2m_changed sends pre_add and post_add: one change is enough
    models.CatalogueVersion.objects.update_or_create(
        pk=TOKEN_ROW, defaults={"token": uuid.uuid4(), "changed_at": clock.now()}
    )


def iter_watched() -> Iterator[type[Any]]:
    """The models whose changes alter what the search finds."""
    yield from (models.Service, models.Period, models.OpeningHours, models.Offer, models.VoucherScheme)


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in iter_watched():
        post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
        post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}")
    m2m_changed.connect(
        catalogue_changed, sender=models.Service.accepted_vouchers.through, dispatch_uid="catalogue-vouchers"
    )
