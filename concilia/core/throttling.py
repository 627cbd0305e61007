"""Throttles shared by every server process: atomic counters in Redis, or in the database.

A throttle allows at most N requests per period for one scope (``login``, ``booking``, …) and one
client. Its counter lives where every gunicorn worker sees the same number and each hit is one atomic
operation, so four workers do not give four allowances and two simultaneous hits are never counted
once:

- with ``REDIS_URL`` set, in Redis (``SET NX`` then ``INCR`` on a key per fixed window);
- in the embedded default, in the database table ``core_ratecounter`` (one ``INSERT … ON CONFLICT
  … DO UPDATE … RETURNING``, the same statement on SQLite and PostgreSQL).

The client is its address as :func:`client_ip` reads it: ``REMOTE_ADDR``, or, behind
``TRUSTED_PROXY_COUNT`` proxies, the address the outermost trusted proxy saw — never an address the
client wrote itself in ``X-Forwarded-For``. django-axes (login lockout) reads the address through the
same function.

The rates are in ``settings.CONCILIA_THROTTLES`` (``"20/min"``, ``"30/hour"``, ``"100/day"``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from concilia.core import clock

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def client_ip(request: Any) -> str:
    """The client's address: ``REMOTE_ADDR``, or what the outermost of the trusted proxies saw.

    With ``TRUSTED_PROXY_COUNT = n`` (the proxies in front of the server, each appending the address it
    received the request from to ``X-Forwarded-For``), the client is the n-th address from the right:
    addresses further left were written by the client and are ignored. With fewer addresses than
    proxies the header is not trusted at all.
    """
    meta = request.META
    # Empty only for a request no server received (the test client's force_login): django-axes then
    # stores no address (NULL), which PostgreSQL's inet column accepts and a placeholder it would not.
    remote = meta.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < count:
        return remote
    return hops[-count]


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/min"`` → ``(20, 60)``."""
    number, _sep, period = rate.partition("/")
    return int(number), PERIODS[period.strip().lower()]


class DatabaseCounter:
    """Counters in ``core_ratecounter``: one atomic upsert per hit."""

    def hit(self, key: str, period: int, now: dt.datetime) -> tuple[int, dt.datetime]:
        from concilia.core.models import RateCounter

        table = RateCounter._meta.db_table
        ends = now + dt.timedelta(seconds=period)
        sql = (
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (key) DO UPDATE SET "
            f"count = CASE WHEN {table}.expires_at <= %s THEN 1 ELSE {table}.count + 1 END, "
            f"expires_at = CASE WHEN {table}.expires_at <= %s THEN excluded.expires_at ELSE {table}.expires_at END "
            f"RETURNING count, expires_at"
        )
        for attempt in range(100):
            try:
                with connection.cursor() as cursor:
                    cursor.execute(sql, [key, ends, now, now])
                    count, expires_at = cursor.fetchone()
                break
            except OperationalError as exc:
                # SQLite in shared-cache mode (the test database) answers "table is locked" at once
                # instead of waiting: wait a little and try again. PostgreSQL waits by itself.
                if connection.vendor != "sqlite" or "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.005)
        if isinstance(expires_at, str):  # SQLite hands back text
            expires_at = dt.datetime.fromisoformat(expires_at)
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=dt.UTC)
        return int(count), expires_at

    def purge(self, now: dt.datetime) -> int:
        from concilia.core.models import RateCounter

        return RateCounter.objects.filter(expires_at__lte=now).delete()[0]


class RedisCounter:
    """Counters in Redis: a key per fixed window, created with its expiry, then ``INCR``."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache

    def hit(self, key: str, period: int, now: dt.datetime) -> tuple[int, dt.datetime]:
        window = math.floor(now.timestamp() / period)
        ends = dt.datetime.fromtimestamp((window + 1) * period, tz=dt.UTC)
        name = f"throttle:{key}:{window}"
        for _attempt in range(3):
            self.cache.add(name, 0, timeout=period + 1)
            try:
                return int(self.cache.incr(name)), ends
            except ValueError:  # expired between add and incr
                continue
        return 1, ends

    def purge(self, now: dt.datetime) -> int:
        return 0  # Redis expires the keys itself


def counter() -> DatabaseCounter | RedisCounter:
    from django.core.cache import cache

    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        return RedisCounter(cache)
    return DatabaseCounter()


@dataclass
class Verdict:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def check(scope: str, ident: str, backend: DatabaseCounter | RedisCounter | None = None) -> Verdict:
    """Count one hit of ``ident`` (an address, a user) on ``scope`` and say whether it is within the rate."""
    limit, period = parse_rate(settings.CONCILIA_THROTTLES[scope])
    now = clock.now()
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]  # no address stored in clear
    count, ends = (backend or counter()).hit(f"{scope}:{digest}", period, now)
    retry = max(1, math.ceil((ends - now).total_seconds()))
    return Verdict(count <= limit, count, limit, retry)


def too_many(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    response = render(
        request,
        "429.html",
        {"retry_after_minutes": max(1, math.ceil(verdict.retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response


def throttle(scope: str, methods: tuple[str, ...] = ("POST",)) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator: requests of ``methods`` beyond the scope's rate from one address get a 429 page."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method in methods:
                verdict = check(scope, client_ip(request))
                if not verdict.allowed:
                    return too_many(request, verdict)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


class SharedThrottle(BaseThrottle):
    """The DRF face of :func:`check`: set ``scope`` on a subclass (or use :func:`api_throttle`)."""

    scope = ""

    def allow_request(self, request: Any, view: Any) -> bool:
        self.verdict = check(self.scope, client_ip(request))
        return self.verdict.allowed

    def wait(self) -> float | None:
        return float(self.verdict.retry_after)


def api_throttle(scope: str) -> type[SharedThrottle]:
    return type(f"{scope.title()}Throttle", (SharedThrottle,), {"scope": scope})
