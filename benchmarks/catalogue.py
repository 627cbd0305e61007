"""Catalogue benchmark: the search and the care planner through the HTTP server, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.catalogue                    # 20,000 services, 200,000 offers, both backends
    .venv/bin/python -m benchmarks.catalogue --quick            # 2,000 / 20,000 and fewer requests
    .venv/bin/python -m benchmarks.catalogue --backends sqlite --services 5000 --offers 50000 --requests 100
    .venv/bin/python -m benchmarks.catalogue --json var/bench-catalogue.json --profile

Targets (product issue): with 20,000 services and 200,000 offers across Lombardy, search p95 ≤ 100 ms
and care planner p95 ≤ 300 ms for a two-child family, measured through the HTTP server.

For each backend, in a child process of its own (so that each has its own ``DATABASE_URL``):

1. a fresh database (SQLite in a temporary folder; PostgreSQL ``bench_catalogue`` on 127.0.0.1:5432,
   dropped and recreated — if PostgreSQL cannot be reached the script says so and goes on with
   SQLite), ``migrate``, ``load_territory``, then the seeded catalogue of ``benchmarks/catalogue_data.py``
   (services spread over Lombardy by residents aged 0–14). These times are reported, not measured
   against anything. PostgreSQL gets ``ANALYZE`` after the bulk load, as autovacuum would do shortly;
   SQLite does not (nothing in Concilia runs it), unless ``--sqlite-analyze``.
2. the production WSGI server, gunicorn, on a free port: one worker with one thread, since the
   client sends one request at a time; the search's in-memory index
   (``concilia/services/search_index.py``) is built in the server by the first warm-up search, and
   its build time is measured here in-process and reported with the setup;
3. after warm-up requests, N requests per endpoint with random realistic parameters (a Lombard
   municipality weighted by residents, radius 5/10/20 km, a child of 0–10, some weekdays and hours,
   sometimes a kind; the planner: two working parents with 0–45 min of travel, a 4- and an
   8-year-old with school hours, sometimes a summer week), timed on the client with one keep-alive
   connection: the search page, the search page as first opened (no criteria: the whole catalogue
   by name), the search API and the planner page (and the planner API when it exists). Every
   response must be 200 and well formed (the API's hits within the radius, nearest first, of the
   child's age and kind). ``--budget`` seconds per endpoint at most (a pathological plan would
   otherwise run for hours): the table marks an endpoint cut short;
4. in-process, the SQL queries of a search page (and of a planner page) with a small and a large
   result set: the counts must be equal.

Then a table, MEETS/MISSES against the targets, the machine, and with ``--json FILE`` the figures.
``--profile`` adds, in-process, cProfile of the slowest pages and the plan of the search query.
Timings are measurements, never tests; ``concilia/services/tests/test_benchmark_smoke.py`` runs the
generator and one request of each kind at a tiny size.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SEARCH_PAGE = "/catalogo/cerca/"
SEARCH_API = "/api/services/search/"
PLANNER_PAGE = "/catalogo/pianificatore/"
PLANNER_API = "/api/services/plan/"
PAGE_SIZE = 20
TARGETS_MS = {"search": 100.0, "search_all": 100.0, "search_api": 100.0, "planner": 300.0, "planner_api": 300.0}
ENDPOINT_LABELS = {
    "search": "search page",
    "search_all": "search, empty",
    "search_api": "search API",
    "planner": "planner page",
    "planner_api": "planner API",
}
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/bench_catalogue"
SEARCH_WINDOWS = (("07:30", "08:30"), ("08:30", "16:00"), ("16:30", "18:00"), ("09:00", "12:00"), ("08:00", "13:00"))
KINDS_BY_AGE = (
    (36, ("nido", "micronido", "nido_famiglia", "centro_prima_infanzia")),
    (72, ("scuola_infanzia", "pre_scuola", "post_scuola", "centro_estivo", "ludoteca")),
    (999, ("pre_scuola", "post_scuola", "spazio_compiti", "centro_estivo", "ludoteca", "giochi_serali")),
)


# --- the requests -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Town:
    """A municipality as a family types it: its name, or its ISTAT code when the name is not unique."""

    typed: str
    residents: int


@dataclass(frozen=True)
class Call:
    endpoint: str
    method: str
    path: str
    fields: tuple[tuple[str, str], ...] = ()
    radius_km: int = 0
    age_months: int | None = None
    kinds: tuple[str, ...] = ()
    page: int = 1
    children: int = 0

    @property
    def url(self) -> str:
        return f"{self.path}?{urlencode(self.fields)}" if self.method == "GET" and self.fields else self.path


def region_towns(region: str) -> list[Town]:
    """The region's municipalities with a point, typed as in the forms, weighted by residents."""
    from benchmarks.catalogue_data import region_places
    from concilia.territory.models import Municipality

    names = Counter(
        n.lower()
        for n in Municipality.objects.current().filter(province__region__code=region).values_list("name", flat=True)
    )
    return [
        Town(p.name if names[p.name.lower()] == 1 else p.istat_code, max(p.residents, 1)) for p in region_places(region)
    ]


class Workload:
    """Random, realistic requests (seeded): what families ask the search and the planner."""

    def __init__(self, towns: Sequence[Town], today: dt.date, seed: int) -> None:
        from benchmarks.catalogue_data import Calendar

        self.towns = list(towns)
        self.weights = [t.residents for t in towns]
        self.cal = Calendar.around(today)
        self.rng = random.Random(seed)

    def _day(self, summer: bool) -> dt.date:
        rng, cal = self.rng, self.cal
        if summer:
            return rng.choice(cal.summer_mondays[:8]) + dt.timedelta(days=rng.randrange(5))
        first = max(cal.today, cal.school_start) + dt.timedelta(days=1)
        return min(cal.school_end, first + dt.timedelta(days=rng.randrange(90)))

    def search(self, endpoint: str = "search") -> Call:
        from concilia.services.selectors import age_in_months

        rng = self.rng
        town = rng.choices(self.towns, weights=self.weights)[0]
        radius = rng.choice((5, 10, 20))
        on = self._day(summer=rng.random() < 0.15)
        birth = on - dt.timedelta(days=rng.randrange(0, 3653))
        age = age_in_months(birth, on)
        fields = [("comune", town.typed), ("raggio", str(radius)), ("nascita", f"{birth}"), ("dal", f"{on}")]
        r = rng.random()
        days = [0, 1, 2, 3, 4] if r < 0.5 else sorted(rng.sample(range(5), rng.randint(1, 4))) if r < 0.9 else []
        fields += [("giorni", str(d)) for d in days]
        if days and rng.random() < 0.65:
            a, b = rng.choice(SEARCH_WINDOWS)
            fields += [("dalle", a), ("alle", b)]
        kinds: tuple[str, ...] = ()
        if rng.random() < 0.3:
            choices = next(ks for limit, ks in KINDS_BY_AGE if age < limit)
            kinds = tuple(sorted(rng.sample(choices, rng.randint(1, 2))))
            fields += [("tipo", k) for k in kinds]
        page = 2 if rng.random() < 0.1 else 1
        if page > 1:
            fields.append(("pagina", str(page)))
        path = SEARCH_API if endpoint == "search_api" else SEARCH_PAGE
        return Call(endpoint, "GET", path, tuple(fields), radius, age, kinds, page)

    def landing(self, endpoint: str = "search_all") -> Call:
        """The search page as a family opens it, before any criterion: the whole catalogue by name."""
        return Call(endpoint, "GET", SEARCH_PAGE)

    def _parent(self, part_time: bool) -> str:
        rng = self.rng
        start = rng.randrange(7 * 60 + 30, 9 * 60 + 31, 15)
        if part_time:
            shape = rng.random()
            if shape < 0.6:
                return f"lun-ven {_hhmm(start)}-{_hhmm(start + rng.choice((240, 270, 300)))}"
            return f"lun+mer+ven {_hhmm(start)}-{_hhmm(start + 8 * 60 + 30)}"
        end = start + rng.choice((480, 510, 540, 570))
        if rng.random() < 0.2:
            return f"lun-gio {_hhmm(start)}-{_hhmm(end)}; ven {_hhmm(start)}-{_hhmm(start + 300)}"
        return f"lun-ven {_hhmm(start)}-{_hhmm(end)}"

    def planner(self, endpoint: str = "planner") -> Call:
        rng = self.rng
        town = rng.choices(self.towns, weights=self.weights)[0]
        radius = rng.choice((5, 5, 5, 10))
        summer = rng.random() < 0.15
        day = self._day(summer)
        monday = day - dt.timedelta(days=day.weekday())
        young = monday - dt.timedelta(days=4 * 365 + 1 + rng.randrange(360))
        older = monday - dt.timedelta(days=8 * 365 + 2 + rng.randrange(360))
        fields = [
            ("comune", town.typed),
            ("raggio", str(radius)),
            ("settimana", f"{day}"),
            ("genitore1_orari", self._parent(part_time=False)),
            ("genitore1_viaggio", str(rng.randrange(0, 46, 5))),
            ("genitore2_orari", self._parent(part_time=rng.random() < 0.4)),
            ("genitore2_viaggio", str(rng.randrange(0, 46, 5))),
            ("figlio1_nascita", f"{young}"),
            (
                "figlio1_scuola",
                "" if summer else f"lun-ven {rng.choice(('08:00', '08:30'))}-{rng.choice(('15:30', '16:00', '16:30'))}",
            ),
            ("figlio2_nascita", f"{older}"),
            (
                "figlio2_scuola",
                ""
                if summer
                else rng.choice(
                    (
                        "lun-ven 08:30-16:30",
                        "lun-ven 08:30-16:30",
                        "lun-ven 08:00-13:00",
                        "lun-ven 08:15-13:15; mar+gio 14:15-16:15",
                    )
                ),
            ),
        ]
        path = PLANNER_API if endpoint == "planner_api" else PLANNER_PAGE
        return Call(endpoint, "POST", path, tuple(fields), radius, children=2)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# --- sending and checking -----------------------------------------------------------------------


class Transport(Protocol):
    def send(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]: ...


class HttpTransport:
    """One keep-alive HTTP/1.1 connection with a cookie jar (enough for Django's CSRF cookie)."""

    def __init__(self, host: str, port: int, timeout: float = 60.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.reconnects = 0

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (
                http.client.RemoteDisconnected,
                ConnectionResetError,
                BrokenPipeError,
                http.client.CannotSendRequest,
            ):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                self.reconnects += 1
                if attempt == 2:
                    raise
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.reconnects += 1
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def close(self) -> None:
        self.conn.close()


class InProcessTransport:
    """Django's test client behind the same interface (CSRF enforced, as a real browser meets it)."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        content_type = (headers or {}).get("Content-Type", "application/octet-stream")
        resp = self.client.generic(method, path, data=body or b"", content_type=content_type)
        return resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, resp.content


class BadResponse(Exception):
    """A response that is not 200 or not well formed."""


_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_PROPOSED = re.compile(rb'<li><a href="[^"]*">[^<]*</a> \(')  # a service in a proposal: name, then (kind, km)
_TOTAL = re.compile(rb'id="results-heading"[^>]*>\s*([\d.,\s\xc2\xa0]+)')


class Session:
    """Sends :class:`Call`s through a transport, checks the answers and times them on the client."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.csrf: str | None = None

    def _token(self) -> str:
        if self.csrf is None:
            status, _h, body = self.transport.send("GET", PLANNER_PAGE)
            found = _TOKEN.search(body)
            if status != 200 or not found:
                raise BadResponse(f"GET {PLANNER_PAGE}: status {status}, no CSRF token")
            self.csrf = found[1].decode()
        return self.csrf

    def call(self, call: Call) -> tuple[float, dict[str, int]]:
        """Send ``call``; return the client-side seconds and the figures of a well-formed answer."""
        headers: dict[str, str] = {}
        body = None
        if call.endpoint == "planner":
            body = urlencode((*call.fields, ("csrfmiddlewaretoken", self._token()))).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif call.endpoint == "planner_api":
            body = json.dumps(dict(call.fields)).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        status, resp_headers, content = self.transport.send(call.method, call.url, body, headers)
        elapsed = time.perf_counter() - started
        if status != 200:
            raise BadResponse(f"{call.method} {call.url}: status {status}: {content[:300]!r}")
        return elapsed, check(call, resp_headers, content)


def _expected_hits(total: int, page: int) -> int:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    return max(0, min(PAGE_SIZE, total - (page - 1) * PAGE_SIZE))


def check(call: Call, headers: dict[str, str], content: bytes) -> dict[str, int]:
    """A well-formed answer for ``call``, or :class:`BadResponse`; returns its counts."""
    where = f"{call.method} {call.url}"
    if call.endpoint in ("search", "search_all", "planner"):
        if not headers.get("content-type", "").startswith("text/html"):
            raise BadResponse(f"{where}: not HTML")
        if b"is-invalid" in content or b'class="alert alert-danger"' in content:
            raise BadResponse(f"{where}: the form was refused")
    if call.endpoint in ("search", "search_all"):
        found = _TOTAL.search(content)
        if not found:
            raise BadResponse(f"{where}: no results heading")
        total = int(re.sub(rb"\D", b"", found[1]) or b"0")
        hits = content.count(b'<li class="card card-bg mb-3">')
        if hits != _expected_hits(total, call.page):
            raise BadResponse(f"{where}: {hits} results shown for {total} found")
        return {"total": total, "shown": hits}
    if call.endpoint == "search_api":
        data = json.loads(content)
        total, results = data["count"], data["results"]
        if len(results) != _expected_hits(total, call.page):
            raise BadResponse(f"{where}: {len(results)} results for count {total}")
        last = 0.0
        for r in results:
            d = r["distance_km"]
            if d is None or d > call.radius_km + 1e-6 or d < last:
                raise BadResponse(f"{where}: distance {d} out of order or beyond {call.radius_km} km")
            last = d
            lo, hi, age = r["min_age_months"], r["max_age_months"], call.age_months
            if age is not None and ((lo is not None and age < lo) or (hi is not None and age > hi)):
                raise BadResponse(f"{where}: {r['name']} does not take {age} months")
            if call.kinds and r["kind"] not in call.kinds:
                raise BadResponse(f"{where}: kind {r['kind']} not asked")
        return {"total": total, "shown": len(results)}
    if call.endpoint == "planner":
        start = content.find(b'id="plan-heading"')
        if start < 0:
            raise BadResponse(f"{where}: no plan")
        for i in range(call.children):
            if f'id="person-p{i}"'.encode() not in content:
                raise BadResponse(f"{where}: no plan for child {i + 1}")
        plan = content[start:]
        return {"total": plan.count(b'id="prop-'), "shown": len(_PROPOSED.findall(plan))}
    data = json.loads(content)  # planner_api: the shape is the API's; count what a family would see
    people = data.get("people", []) if isinstance(data, dict) else []
    if len(people) != call.children:
        raise BadResponse(f"{where}: {len(people)} people planned, {call.children} asked")
    proposals = [p for person in people for p in person.get("proposals", [])]
    return {"total": len(proposals), "shown": sum(len(p.get("services", [])) for p in proposals)}


# --- figures ------------------------------------------------------------------------------------


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted ``samples``."""
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


@dataclass
class EndpointFigures:
    endpoint: str
    requests: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    results_median: float
    results_max: int
    empty: int
    shown_mean: float
    errors: list[str] = field(default_factory=list)
    planned: int = 0
    """Requests asked for; more than ``requests`` when the time budget ran out first."""
    slowest: list[str] = field(default_factory=list)
    """The slowest requests, for a closer look (milliseconds, results, what was asked)."""

    @classmethod
    def of(
        cls,
        endpoint: str,
        seconds: list[float],
        counts: list[dict[str, int]],
        errors: list[str],
        planned: int,
        calls: Sequence[Call] = (),
    ) -> EndpointFigures:
        ms = [s * 1000 for s in seconds] or [math.nan]
        totals = [c["total"] for c in counts] or [0]
        return cls(
            endpoint,
            len(seconds),
            round(statistics.median(ms), 1),
            round(percentile(ms, 95), 1),
            round(percentile(ms, 99), 1),
            round(max(ms), 1),
            round(statistics.fmean(ms), 1),
            statistics.median(totals),
            max(totals),
            sum(1 for t in totals if t == 0),
            round(statistics.fmean([c["shown"] for c in counts] or [0]), 1),
            errors,
            planned,
            [
                f"{seconds[i] * 1000:.0f} ms, {counts[i]['total']} results: {calls[i].method} {calls[i].path} "
                + urlencode(calls[i].fields)
                for i in sorted(range(len(calls)), key=lambda i: -seconds[i])[:5]
            ],
        )


def measure(
    session: Session,
    make: Callable[[], Call],
    requests: int,
    warmup: int,
    *,
    budget_s: float = math.inf,
    max_errors: int = 20,
) -> EndpointFigures:
    """``warmup`` unmeasured calls, then ``requests`` timed ones (fewer if ``budget_s`` runs out); all checked."""
    seconds: list[float] = []
    counts: list[dict[str, int]] = []
    errors: list[str] = []
    calls: list[Call] = []
    endpoint = ""
    deadline = time.monotonic() + budget_s
    for i in range(warmup + requests):
        if time.monotonic() > deadline:
            break
        call = make()
        endpoint = call.endpoint
        try:
            elapsed, figures = session.call(call)
        except (BadResponse, ValueError, KeyError, OSError) as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:400])
            if len(errors) >= max_errors:
                break
            continue
        if i >= warmup:
            seconds.append(elapsed)
            counts.append(figures)
            calls.append(call)
    return EndpointFigures.of(endpoint, seconds, counts, errors, requests, calls)


# --- the worker: one backend ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def start_server(log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    log = log_path.open("wb")
    proc = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "concilia.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",  # the client sends one request at a time
            "--worker-class=gthread",  # keeps connections alive, as a browser's
            "--threads=1",
            "--keep-alive=60",
            "--access-logfile=-",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode}): {log_path.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"the server did not answer within 90 s: {log_path.read_text()[-2000:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _family(place: str, radius: int, on: dt.date) -> tuple[tuple[str, str], ...]:
    return (
        ("comune", place),
        ("raggio", str(radius)),
        ("settimana", f"{on}"),
        ("genitore1_orari", "lun-ven 08:00-17:30"),
        ("genitore1_viaggio", "30"),
        ("genitore2_orari", "lun-ven 08:30-17:00"),
        ("genitore2_viaggio", "20"),
        ("figlio1_nascita", f"{on - dt.timedelta(days=4 * 365 + 100)}"),
        ("figlio1_scuola", "lun-ven 08:30-16:00"),
        ("figlio2_nascita", f"{on - dt.timedelta(days=8 * 365 + 100)}"),
        ("figlio2_scuola", "lun-ven 08:30-16:30"),
    )


def query_counts(region: str, today: dt.date, tries: int = 300) -> dict[str, Any]:
    """SQL queries of a search page, the search API and a planner page, for a small and a large result set.

    Small: the least populated municipality whose 2 km search (nurseries for a one-year-old) finds 1 to
    19 services, and whose 2 km planner proposes at least one service; large: the most populated one
    at 20 km. An empty answer would not count: with no service at all some queries are skipped.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.catalogue_data import region_places
    from concilia.services import selectors

    places = sorted(region_places(region), key=lambda p: (p.residents, p.istat_code))
    on = today + dt.timedelta(days=14)
    birth = on - dt.timedelta(days=400)
    session = Session(InProcessTransport())
    session._token()

    def search_fields(code: str, radius: int, kinds: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        base = (("comune", code), ("raggio", str(radius)), ("nascita", f"{birth}"), ("dal", f"{on}"))
        return base + tuple(("tipo", k) for k in kinds)

    def measured(call: Call, where: str) -> dict[str, Any]:
        with CaptureQueriesContext(connection) as ctx:
            _s, figures = session.call(call)
        key = "shown" if call.endpoint == "planner" else "total"
        return {"queries": len(ctx.captured_queries), "results": figures[key], "where": where}

    age = selectors.age_in_months(birth, on)
    out: dict[str, Any] = {"small": {}, "large": {}}
    for p in places[:tries]:
        call = Call("search_api", "GET", SEARCH_API, search_fields(p.istat_code, 2, ("nido",)), 2, age, ("nido",))
        if 1 <= session.call(call)[1]["total"] < PAGE_SIZE:
            for endpoint, path in (("search", SEARCH_PAGE), ("search_api", SEARCH_API)):
                fields = search_fields(p.istat_code, 2, ("nido",))
                out["small"][endpoint] = measured(
                    Call(endpoint, "GET", path, fields, 2, age, ("nido",)), f"{p.name} 2 km"
                )
            break
    for p in places[:tries]:
        call = Call("planner", "POST", PLANNER_PAGE, _family(p.istat_code, 2, on), 2, children=2)
        if session.call(call)[1]["shown"] >= 1:
            out["small"]["planner"] = measured(call, f"{p.name} 2 km")
            break
    large = places[-1]
    for endpoint, path in (("search", SEARCH_PAGE), ("search_api", SEARCH_API)):
        call = Call(endpoint, "GET", path, search_fields(large.istat_code, 20, ()), 20, age)
        out["large"][endpoint] = measured(call, f"{large.name} 20 km")
    call = Call("planner", "POST", PLANNER_PAGE, _family(large.istat_code, 20, on), 20, children=2)
    out["large"]["planner"] = measured(call, f"{large.name} 20 km")
    return out


def profile(region: str, today: dt.date, top: int = 25) -> str:
    """cProfile of a large search page and a Milan planner page, in-process, and the search query's plan."""
    import cProfile
    import io
    import pstats

    from django.db import connection

    from concilia.services import selectors
    from concilia.territory.models import Municipality

    milan = Municipality.objects.get(istat_code="015146")
    on = today + dt.timedelta(days=14)
    birth = on - dt.timedelta(days=5 * 365)
    session = Session(InProcessTransport())
    out = io.StringIO()
    search = Call(
        "search",
        "GET",
        SEARCH_PAGE,
        (("comune", "Milano"), ("raggio", "20"), ("nascita", f"{birth}"), ("dal", f"{on}"))
        + tuple(("giorni", str(d)) for d in range(5))
        + (("dalle", "08:30"), ("alle", "16:00")),
        20,
    )
    planner = Call(
        "planner",
        "POST",
        PLANNER_PAGE,
        (
            ("comune", "Milano"),
            ("raggio", "10"),
            ("settimana", f"{on}"),
            ("genitore1_orari", "lun-ven 08:00-17:30"),
            ("genitore1_viaggio", "30"),
            ("genitore2_orari", "lun-ven 08:30-17:00"),
            ("genitore2_viaggio", "20"),
            ("figlio1_nascita", f"{on - dt.timedelta(days=4 * 365 + 100)}"),
            ("figlio1_scuola", "lun-ven 08:30-16:00"),
            ("figlio2_nascita", f"{on - dt.timedelta(days=8 * 365 + 100)}"),
            ("figlio2_scuola", "lun-ven 08:30-16:30"),
        ),
        10,
        children=2,
    )
    session._token()
    for call in (search, planner):
        session.call(call)  # warm
        prof = cProfile.Profile()
        prof.enable()
        elapsed, figures = session.call(call)
        prof.disable()
        out.write(
            f"\n--- cProfile, {call.endpoint} (Milano, {call.radius_km} km): {elapsed * 1000:.0f} ms, {figures}\n"
        )
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    c = selectors.SearchCriteria(
        birth_date=birth,
        needed_on=on,
        municipality=milan,
        radius_km=20,
        days=range(5),
        time_from=dt.time(8, 30),
        time_to=dt.time(16),
    )
    lat, lon = c.origin  # type: ignore[misc]
    dlat, dlon = 20 / 111.0, 20 / (111.0 * math.cos(math.radians(lat)))
    qs = (
        selectors.filtered_services(c)
        .filter(latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon))
        .values_list("pk", "latitude", "longitude")
    )
    started = time.perf_counter()
    rows = len(list(qs))
    out.write(
        f"\n--- search filter query (Milano, 20 km): {rows} rows in {(time.perf_counter() - started) * 1000:.0f} ms\n"
    )
    out.write((qs.explain(analyze=True) if connection.vendor == "postgresql" else qs.explain()) + "\n")
    return out.getvalue()


def worker(args: argparse.Namespace) -> None:
    """One backend, in its own process: ``DATABASE_URL`` is already set by the parent."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.catalogue_data import generate

    quiet = open(os.devnull, "w")  # noqa: SIM115
    backend = args.worker
    today = dt.date.fromisoformat(args.today)
    result: dict[str, Any] = {"backend": backend, "vendor": connection.vendor}
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            result["database_version"] = f"PostgreSQL {cur.fetchone()[0]}"
        else:
            cur.execute("select sqlite_version()")
            result["database_version"] = f"SQLite {cur.fetchone()[0]}"
    print(f"[{backend}] {result['database_version']}", flush=True)
    setup: dict[str, Any] = {}
    setup["migrate_s"] = round(_timed(lambda: call_command("migrate", stdout=quiet, verbosity=0)), 2)
    setup["load_territory_s"] = round(_timed(lambda: call_command("load_territory", stdout=quiet)), 2)
    print(f"[{backend}] migrate {setup['migrate_s']} s, load_territory {setup['load_territory_s']} s", flush=True)
    gen = generate(
        services=args.services,
        offers=args.offers,
        seed=args.seed,
        region=args.region,
        today=today,
        progress=lambda text: print(f"[{backend}] {text}", flush=True) if args.verbose else None,
    )
    setup["generation"] = asdict(gen)
    if connection.vendor == "postgresql" or args.sqlite_analyze:
        setup["analyze_s"] = round(_timed(lambda: connection.cursor().execute("ANALYZE")), 2)
    from concilia.services import search_index

    setup["search_index_s"] = round(_timed(search_index.get_index), 2)
    print(
        f"[{backend}] generated {gen.services:,} services, {gen.offers:,} offers, {gen.opening_hours:,} opening hours, "
        f"{gen.periods:,} periods, {gen.fees:,} fees, {gen.providers:,} providers in {gen.seconds:.1f} s",
        flush=True,
    )
    result["setup"] = setup
    towns = region_towns(args.region)
    connection.close()

    log_path = Path(os.environ["CONCILIA_DATA_DIR"]) / "server.log"
    proc, port = start_server(log_path)
    print(f"[{backend}] gunicorn on 127.0.0.1:{port}", flush=True)
    endpoints: dict[str, Any] = {}
    transport = HttpTransport("127.0.0.1", port)
    try:
        session = Session(transport)
        plan: list[tuple[str, int]] = [
            ("search", args.requests),
            ("search_all", max(10, args.requests // 10)),
            ("search_api", args.requests),
            ("planner", args.planner_requests),
        ]
        status, _h, _b = transport.send("OPTIONS", PLANNER_API)
        if status != 404:
            plan.append(("planner_api", args.planner_requests))
        else:
            print(f"[{backend}] {PLANNER_API} does not exist: planner measured on the page only", flush=True)
        for n, (endpoint, count) in enumerate(plan):
            load = Workload(towns, today, args.seed + 1 + n)
            make = {"search_all": load.landing}.get(endpoint) or (
                load.search if endpoint.startswith("search") else load.planner
            )
            started = time.perf_counter()
            figures = measure(session, lambda m=make, e=endpoint: m(e), count, args.warmup, budget_s=args.budget)  # type: ignore[misc]
            endpoints[endpoint] = asdict(figures)
            print(
                f"[{backend}] {ENDPOINT_LABELS[endpoint]:13} {figures.requests} requests in {time.perf_counter() - started:.1f} s: "
                f"median {figures.median_ms} ms, p95 {figures.p95_ms} ms"
                + (f", {len(figures.errors)} ERRORS, first: {figures.errors[0]}" if figures.errors else ""),
                flush=True,
            )
    finally:
        transport.close()
        stop_server(proc)
    result["endpoints"] = endpoints
    result["reconnects"] = transport.reconnects
    result["queries"] = query_counts(args.region, today)
    if args.profile:
        text = profile(args.region, today)
        result["profile"] = text
        print(text, flush=True)
    Path(args.result).write_text(json.dumps(result, indent=2, default=str))


# --- the parent: backends, table, verdicts -------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    with contextlib.suppress(OSError, TypeError):  # not Linux: the figures just lack these lines
        meminfo = Path("/proc/meminfo").read_text()
        info["ram_gib"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo)[1]) / 1024**2, 1)  # type: ignore[index]
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = re.search(r"model name\s*:\s*(.+)", cpuinfo)[1]  # type: ignore[index]
    return info


def prepare_postgres(url: str) -> str | None:
    """Drop and recreate the benchmark database; ``None`` if done, else why not."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        return f"refusing the database name {name!r}"
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]
    return None


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    data_dir = workdir / backend
    data_dir.mkdir(parents=True, exist_ok=True)
    env = os.environ.copy()
    env.update(
        {"CONCILIA_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "concilia.settings.dev", "DEBUG": "false"}
    )
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'catalogue.sqlite3'}"
    else:
        why = prepare_postgres(args.postgres)
        if why:
            print(
                f"PostgreSQL: cannot use {args.postgres} ({why}); skipped, going on with the other backends.",
                flush=True,
            )
            return {"backend": backend, "skipped": why}
        env["DATABASE_URL"] = args.postgres
    result_path = data_dir / "result.json"
    cmd = [sys.executable, "-m", "benchmarks.catalogue", "--worker", backend, "--result", str(result_path)]
    cmd += ["--services", str(args.services), "--offers", str(args.offers), "--requests", str(args.requests)]
    cmd += ["--planner-requests", str(args.planner_requests), "--warmup", str(args.warmup), "--seed", str(args.seed)]
    cmd += ["--today", args.today, "--region", args.region]
    cmd += ["--budget", str(args.budget)] + ["--sqlite-analyze"] * args.sqlite_analyze
    cmd += ["--profile"] * args.profile + ["--verbose"] * args.verbose
    proc = subprocess.run(cmd, cwd=ROOT, env=env, check=False)  # noqa: S603
    if proc.returncode != 0 or not result_path.exists():
        return {"backend": backend, "failed": f"the worker exited with {proc.returncode}"}
    return json.loads(result_path.read_text())


def report(results: list[dict[str, Any]], info: dict[str, Any], args: argparse.Namespace) -> list[str]:
    print(
        f"\nCatalogue: {args.services:,} services, {args.offers:,} offers (seed {args.seed}, reference day {args.today})"
    )
    print(
        f"Requests: {args.requests} per search endpoint, {args.planner_requests} per planner endpoint, after {args.warmup} warm-up each"
    )
    print(
        f"\n{'backend':10} {'endpoint':13} {'n':>5} {'median':>7} {'p95':>7} {'p99':>7} {'max':>7}  {'results (median / max / none)':30} {'errors':>6}"
    )
    for r in results:
        if "endpoints" not in r:
            print(f"{r['backend']:10} {'—':13} {r.get('skipped') or r.get('failed')}")
            continue
        for endpoint, f in r["endpoints"].items():
            res = f"{f['results_median']:g} / {f['results_max']} / {f['empty']}"
            n = f"{f['requests']}{'*' if f['requests'] + len(f['errors']) < f['planned'] else ''}"
            print(
                f"{r['backend']:10} {ENDPOINT_LABELS[endpoint]:13} {n:>5} {f['median_ms']:7.1f} {f['p95_ms']:7.1f} "
                f"{f['p99_ms']:7.1f} {f['max_ms']:7.1f}  {res:30} {len(f['errors']):6}"
            )
    print("(times in ms, client-side; results: services found for searches, proposals for the planner)")
    if any(f["requests"] + len(f["errors"]) < f["planned"] for r in results for f in r.get("endpoints", {}).values()):
        print(f"* stopped when the endpoint's time budget ({args.budget:.0f} s) ran out")
    print("\nSetup (not measured against the targets):")
    for r in results:
        if "setup" in r:
            s, g = r["setup"], r["setup"]["generation"]
            extra = f", ANALYZE {s['analyze_s']} s" if "analyze_s" in s else ", no ANALYZE"
            extra += f"; search index built in {s['search_index_s']} s" if "search_index_s" in s else ""
            print(
                f"  {r['backend']:8} migrate {s['migrate_s']} s, load_territory {s['load_territory_s']} s, "
                f"catalogue {g['seconds']:.1f} s ({g['services']:,} services, {g['offers']:,} offers, "
                f"{g['opening_hours']:,} opening hours, {g['periods']:,} periods, {g['fees']:,} fees){extra}"
            )
    print("\nSQL queries per page, small vs large result set (in-process):")
    problems: list[str] = []
    for r in results:
        counts = r.get("queries") or {}
        for endpoint in ("search", "search_api", "planner"):
            a, b = counts.get("small", {}).get(endpoint), counts.get("large", {}).get(endpoint)
            if not a or not b:
                print(f"  {r['backend']:8} {ENDPOINT_LABELS[endpoint]:13} no small case found")
                continue
            same = a["queries"] == b["queries"]
            print(
                f"  {r['backend']:8} {ENDPOINT_LABELS[endpoint]:13} {a['queries']} queries ({a['results']} results, "
                f"{a['where']}) vs {b['queries']} queries ({b['results']} results, {b['where']}): "
                + ("equal" if same else "DIFFERENT")
            )
            if not same:
                problems.append(f"{r['backend']} {endpoint}: query count grows with the results")
    print("\nTargets:")
    for r in results:
        for endpoint, f in r.get("endpoints", {}).items():
            target = TARGETS_MS[endpoint]
            verdict = "MEETS" if f["p95_ms"] <= target and not f["errors"] else "MISSES"
            print(
                f"  {r['backend']:8} {ENDPOINT_LABELS[endpoint]:13} p95 {f['p95_ms']:7.1f} ms ≤ {target:.0f} ms: {verdict}"
            )
            if f["errors"]:
                problems.append(f"{r['backend']} {endpoint}: {len(f['errors'])} bad responses, first: {f['errors'][0]}")
    print("\nSlowest requests (all in --json):")
    for r in results:
        for endpoint, f in r.get("endpoints", {}).items():
            for line in f.get("slowest", [])[:2]:
                print(f"  {r['backend']:8} {ENDPOINT_LABELS[endpoint]:13} {line[:160]}")
    print("\nMachine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print("Databases: " + ", ".join(r["database_version"] for r in results if "database_version" in r))
    for p in problems:
        print(f"PROBLEM: {p}")
    return problems


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 services, 20,000 offers, 60/20 requests")
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgres"), default=["sqlite", "postgres"])
    parser.add_argument("--services", type=int, help="services to generate (default 20,000)")
    parser.add_argument("--offers", type=int, help="offers to generate (default 200,000)")
    parser.add_argument("--requests", type=int, help="measured requests per search endpoint (default 300)")
    parser.add_argument("--planner-requests", type=int, help="measured requests per planner endpoint (default 100)")
    parser.add_argument("--warmup", type=int, help="unmeasured requests per endpoint first (default 20)")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--today", default="2026-11-23", help="reference day of the catalogue's dates (ISO)")
    parser.add_argument("--region", default="03", help="ISTAT region code (default 03, Lombardia)")
    parser.add_argument("--postgres", default=PG_DEFAULT, help=f"database dropped and recreated (default {PG_DEFAULT})")
    parser.add_argument("--json", type=Path, help="save the figures to this file")
    parser.add_argument("--profile", action="store_true", help="cProfile and query plan of the slowest pages")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (SQLite database, server logs)")
    parser.add_argument(
        "--budget", type=float, default=600, help="seconds per endpoint; stop measuring it then (default 600)"
    )
    parser.add_argument(
        "--sqlite-analyze",
        action="store_true",
        help="run ANALYZE on SQLite after the load too (PostgreSQL always gets it, as autovacuum would)",
    )
    parser.add_argument("--verbose", action="store_true", help="print the generator's progress")
    parser.add_argument("--worker", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    quick = args.quick
    for name, full, small in (
        ("services", 20_000, 2_000),
        ("offers", 200_000, 20_000),
        ("requests", 300, 60),
        ("planner_requests", 100, 20),
        ("warmup", 20, 5),
    ):
        if getattr(args, name) is None:
            setattr(args, name, small if quick else full)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        worker(args)
        return 0
    info = machine()
    workdir = Path(tempfile.mkdtemp(prefix="concilia-bench-catalogue-"))
    started = time.perf_counter()
    try:
        results = [run_backend(b, args, workdir) for b in args.backends]
        info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        problems = report(results, info, args)
        print(f"\nTotal {time.perf_counter() - started:.0f} s" + (f"; files in {workdir}" if args.keep else ""))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        config = {k: v for k, v in vars(args).items() if k not in ("worker", "result", "json")}
        payload = {
            "config": config,
            "machine": info,
            "targets_ms": TARGETS_MS,
            "results": results,
            "problems": problems,
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
        print(f"Figures saved to {args.json}")
    return 1 if problems and any("bad responses" in p or "query count" in p for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
