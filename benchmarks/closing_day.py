"""Closing day of a family voucher call with 20,000 applications on PostgreSQL, then the family's area pages.

    .venv/bin/python -m benchmarks.closing_day                          # 20,000 applications, 200 requests a page
    .venv/bin/python -m benchmarks.closing_day --applications 2000 --requests 50
    .venv/bin/python -m benchmarks.closing_day --database-url postgres://postgres@127.0.0.1:5432/other --keep
    .venv/bin/python -m benchmarks.closing_day --profile --json var/bench-closing-day.json

Targets (product issue 16, "Speed"): 20,000 applications on PostgreSQL, closing day from snapshot to
published ranking with every family's explanation stored, ≤ 60 s on the 2-core machine; the family's area
page (``/famiglia/domande/<pk>/graduatoria/``) p95 ≤ 150 ms with the ranking published.

1. The scratch database of ``--database-url`` (default ``concilia_bench_closing`` on 127.0.0.1:5432) is
   dropped and created again, and migrated.
2. A child process builds, in bulk and seeded (``--seed``), what 20,000 families would have left at the
   deadline: a network with two coordinators, a plan with its funding, an open voucher call for summer
   camps (90 € a week of camp, at most 6 weeks and 540 € a child; eligibility on work, ISEE and the
   declarations; points on ISEE bands, single parents, children with a certified disability, a parent
   employed by a member of the network, weeks asked; ties broken by ISEE, then by submission time) and a
   budget that funds about a third of them; the households (one or two working parents, one to three
   children of 3–14, an ISEE) with their citizens' accounts; every application submitted, numbered, and its
   :class:`~concilia.benefits.models.ApplicationVersion` holding what
   :func:`concilia.benefits.engine_fields.snapshot` computes from the household (the same function a
   submission calls, fed by prefetched rows); employers' confirmations where a parent works for a member
   of the network. One engine run checks that every application is eligible, as ``application_submit``
   would have required. ``ANALYZE`` follows, as autovacuum would. The build is reported, not measured.
3. In this process, timed: :func:`~concilia.benefits.services.closing_day` (the call closed, the snapshot
   taken and stored, the engine, the provisional ranking and every family's explanation stored),
   :func:`~concilia.benefits.services.ranking_request` by one coordinator and
   :func:`~concilia.benefits.services.ranking_approve` by the other (publication: the call's status, a
   message in every family's area and an e-mail to each, sent once the transaction commits; the e-mail
   backend is Django's in-memory one). Each phase is printed with its SQL queries.
4. With the ranking published, Django's test client (in-process, no network; one client, so the middleware
   is loaded once, as in a server process) logged in as sampled families (``force_login`` and a first page,
   the household's, not timed: a session's first request stamps it) requests the family's ranking page,
   its application page and the citizen's personal area, ``--requests`` times each after a warm-up:
   median and 95th percentile in ms, the queries of one request of each, every response checked (200,
   the family's protocol on the page).
5. Peak RSS of the measuring process (the build runs in its own process, reported apart), the machine,
   MEETS/MISSES against the targets; the scratch database is dropped (``--keep`` keeps it).

Timings are measurements, never tests. ``--profile`` prints cProfile's top functions of the closing phases.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/concilia_bench_closing"
TARGET_CLOSING_S = 60.0
TARGET_PAGE_P95_MS = 150.0
EURO = 100
CALL_CODE = "voucher-estate-bench"
CHUNK = 2000

RULES = """\
eligibility:
  - {id: lavoro, reason: "I genitori del nucleo lavorano tutti (o lavora il genitore solo)", rule: {is_true: {field: both_parents_working}}}
  - {id: isee, reason: "ISEE fino a 40.000,00 euro, da una DSU valida", rule: {at_most: {field: isee_cents, value: 4000000}}}
  - {id: dichiarazioni, reason: "Le dichiarazioni sono state rese", rule: {is_true: {field: declaration}}}
points:
  - id: isee
    label: "Fasce ISEE"
    bands:
      field: isee_cents
      missing: 0
      ranges:
        - {min: 0, max: 1000000, points: 40}
        - {min: 1000001, max: 1500000, points: 30}
        - {min: 1500001, max: 2500000, points: 20}
        - {min: 2500001, points: 10}
  - {id: solo, label: "Genitore solo che lavora", condition: {is_true: {field: single_parent}}, points: 15}
  - {id: disabilita, label: "Figli con disabilità certificata", per_unit: {field: children_with_disability, points: 10, max_units: 3}}
  - {id: rete, label: "Un genitore lavora per un'organizzazione della rete", condition: {is_true: {field: employer_in_network}}, points: 5}
  - {id: orario, label: "Entrambi i genitori a tempo pieno", condition: {at_least: {field: min_weekly_hours, value: 36}}, points: 5}
tie_breakers:
  - {field: isee_cents, order: asc, missing: last}
  - earlier_submission
"""

FIRST_NAMES = ("Giulia", "Marco", "Sara", "Luca", "Chiara", "Andrea", "Francesca", "Matteo", "Elena", "Davide",
               "Valentina", "Simone", "Martina", "Alessandro", "Federica", "Paolo", "Silvia", "Stefano", "Laura",
               "Giorgio", "Anna", "Fabio", "Ilaria", "Roberto")  # fmt: skip
LAST_NAMES = ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
              "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
              "Barbieri", "Fontana", "Santoro", "Mariani")  # fmt: skip
CHILD_NAMES = ("Bea", "Leo", "Sofia", "Tommaso", "Aurora", "Edoardo", "Giada", "Pietro", "Alice", "Lorenzo", "Emma",
               "Filippo", "Greta", "Riccardo", "Nina", "Gabriele")  # fmt: skip


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def percentile(samples: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered))) - 1))]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


# --- the scratch database ------------------------------------------------------------------------


def _admin_connection(url: str) -> Any:
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password, dbname="postgres", autocommit=True, connect_timeout=5,
    )  # fmt: skip


def _database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"refusing the database name {name!r}: a scratch database is dropped and recreated")
    if name in ("postgres", "template0", "template1"):
        raise SystemExit(f"refusing to drop {name!r}")
    return name


def create_database(url: str) -> None:
    name = _database_name(url)
    with _admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def drop_database(url: str) -> None:
    with _admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {_database_name(url)} WITH (FORCE)")


# --- the build (a child process) -----------------------------------------------------------------


def build(n: int, seed: int) -> dict[str, Any]:
    """The call, its network and ``n`` households with their submitted applications, in bulk."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from concilia.accounts.choices import Role
    from concilia.accounts.models import RoleAssignment, User
    from concilia.allocation.engine import rank
    from concilia.benefits import engine_fields
    from concilia.benefits.choices import AdultRole, ApplicationStatus, ConfirmationStatus, Employment
    from concilia.benefits.models import (
        Adult,
        Application,
        ApplicationChild,
        ApplicationVersion,
        Child,
        EmploymentConfirmation,
        Household,
        Isee,
    )
    from concilia.citizens.models import Citizen
    from concilia.core import clock
    from concilia.network.choices import OrganisationKind
    from concilia.network.models import Membership, Network, Organisation
    from concilia.programming.choices import ApplicationUnit, CallKind, CallStatus, FundingKind, VoucherBasis
    from concilia.programming.models import Call, FamilyCallTerms, FundingSource, Plan, ProtocolCounter
    from concilia.programming.rules import engine_call
    from concilia.programming.services import call_transition

    rng = random.Random(seed)
    now = clock.now()
    today = timezone.localtime(now).date()
    figures: dict[str, Any] = {}
    started = time.perf_counter()

    # The network, its coordinators, a plan with its money, the call (open until an hour ago).
    agency = Organisation.objects.create(name="ATS di prova (benchmark)", kind=OrganisationKind.HEALTH_AGENCY)
    network = Network.objects.create(
        name="Rete di prova (benchmark)", coordinator=agency, founded_on=dt.date(2011, 1, 1)
    )
    municipality_org = Organisation.objects.create(
        name="Comune capofila (benchmark)", kind=OrganisationKind.MUNICIPALITY
    )
    employers = [
        Organisation.objects.create(
            name=f"Azienda della rete {i} (benchmark)", kind=OrganisationKind.COMPANY, employees=200
        )
        for i in range(10)
    ]
    for org in (agency, municipality_org, *employers):
        Membership.objects.create(network=network, organisation=org, joined_on=dt.date(2012, 1, 1))
    coordinators = []
    for username in ("coordinatore.bench", "coordinatrice.bench"):
        user = User.objects.create(username=username, first_name="Coordinamento", last_name="Benchmark")
        RoleAssignment.objects.create(user=user, role=Role.NETWORK_COORDINATOR, network=network)
        coordinators.append(user)
    plan = Plan.objects.create(network=network, title="Piano di prova (benchmark)", start_year=today.year,
                               end_year=today.year + 1)  # fmt: skip
    budget = n * 170 * EURO  # about a third of what the families ask
    FundingSource.objects.create(plan=plan, kind=FundingKind.REGIONAL, amount_cents=budget * 2)
    closes = now - dt.timedelta(hours=1)
    opens = closes - dt.timedelta(days=30)
    call = Call.objects.create(
        code=CALL_CODE, title="Voucher centri estivi (benchmark)", kind=CallKind.FAMILY_VOUCHERS, plan=plan,
        network=network, publisher=municipality_org, opens_at=opens, closes_at=closes, budget_cents=budget,
        max_grant_cents=None, rules=RULES, objections_days=15, summary="Bando inventato per il benchmark.",
    )  # fmt: skip
    FamilyCallTerms.objects.create(
        call=call, application_unit=ApplicationUnit.HOUSEHOLD, basis=VoucherBasis.PER_WEEK, amount_cents=90 * EURO,
        max_weeks=6, max_per_child_cents=540 * EURO,
    )  # fmt: skip
    call_transition(call=call, to=CallStatus.OPEN, by=coordinators[0], now=opens + dt.timedelta(minutes=5))

    # Accounts (citizens), households, adults, children, ISEE: eligible families, as submission requires.
    unusable = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(username=f"bench.famiglia.{i:05d}", first_name=rng.choice(FIRST_NAMES),
                     last_name=rng.choice(LAST_NAMES), email=f"famiglia.{i:05d}@example.org", password=unusable)
                for i in range(n)
            ],
            batch_size=CHUNK,
        )  # fmt: skip
        Citizen.objects.bulk_create([Citizen(user=u, email_verified_at=opens) for u in users], batch_size=CHUNK)
        households = Household.objects.bulk_create(
            [Household(owner=u, address=f"Via Esempio {i % 200 + 1}") for i, u in enumerate(users)], batch_size=CHUNK
        )
        adults: list[Adult] = []
        children: list[Child] = []
        isees: list[Isee] = []
        register_employed: list[int] = []  # indexes in ``adults`` of employees of the network's members
        for household, owner in zip(households, users, strict=True):
            single = rng.random() < 0.15
            for k in range(1 if single else 2):
                employment = Employment.EMPLOYEE if rng.random() < 0.7 else Employment.SELF_EMPLOYED
                in_register = employment == Employment.EMPLOYEE and rng.random() < 0.2
                if in_register:
                    register_employed.append(len(adults))
                adults.append(
                    Adult(
                        household=household, first_name=owner.first_name if k == 0 else rng.choice(FIRST_NAMES),
                        last_name=owner.last_name, role=AdultRole.PARENT,
                        birth_date=today - dt.timedelta(days=rng.randint(26 * 365, 50 * 365)), employment=employment,
                        employer=rng.choice(employers) if in_register else None,
                        employer_other="Esempio S.r.l." if employment == Employment.EMPLOYEE and not in_register else "",
                        weekly_hours=rng.choice((18, 20, 25, 30, 36, 38, 40)),
                    )
                )  # fmt: skip
            kids = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
            for _ in range(kids):
                children.append(
                    Child(
                        household=household, first_name=rng.choice(CHILD_NAMES), last_name=owner.last_name,
                        birth_date=today - dt.timedelta(days=rng.randint(3 * 365, 14 * 365)),
                        certified_disability=rng.random() < 0.04,
                    )
                )  # fmt: skip
            isees.append(
                Isee(
                    household=household, value_cents=int(min(4_000_000, rng.lognormvariate(14.3, 0.55))),
                    dsu_number=f"INPS-ISEE-{today.year}-{rng.randint(0, 99_999_999):08d}A-00",
                    expires_on=dt.date(today.year + 1, 12, 31),
                )
            )  # fmt: skip
        adults = Adult.objects.bulk_create(adults, batch_size=CHUNK)
        children = Child.objects.bulk_create(children, batch_size=CHUNK)
        Isee.objects.bulk_create(isees, batch_size=CHUNK)

        # The applications, submitted in order over the month the call was open, each with its children.
        times = sorted(opens + dt.timedelta(seconds=rng.randint(600, 30 * 86_400 - 600)) for _ in range(n))
        order = list(range(n))
        rng.shuffle(order)
        declarations = ["truthful", "checks", "notice"]
        applications = Application.objects.bulk_create(
            [
                Application(call=call, household=households[h], status=ApplicationStatus.SUBMITTED,
                            protocol_number=number, submitted_at=times[number - 1], declarations=declarations)
                for number, h in enumerate(order, start=1)
            ],
            batch_size=CHUNK,
        )  # fmt: skip
        ProtocolCounter.objects.filter(call=call).update(last=n)
        by_household = {a.household_id: a for a in applications}
        ApplicationChild.objects.bulk_create(
            [ApplicationChild(application=by_household[c.household_id], child=c, weeks=rng.randint(1, 6)) for c in children],
            batch_size=CHUNK,
        )  # fmt: skip
        EmploymentConfirmation.objects.bulk_create(
            [
                EmploymentConfirmation(
                    application=by_household[adults[i].household_id], adult=adults[i], employer=adults[i].employer,
                    status=ConfirmationStatus.CONFIRMED if rng.random() < 0.8 else ConfirmationStatus.PENDING,
                )
                for i in register_employed
            ],
            batch_size=CHUNK,
        )  # fmt: skip
    figures["rows_s"] = round(time.perf_counter() - started, 1)
    figures.update(households=n, adults=len(adults), children=len(children), confirmations=len(register_employed))

    # What each submission froze: engine_fields.snapshot on the household, fed by prefetched rows.
    started = time.perf_counter()
    owners = {h.pk: h.owner_id for h in households}
    versions = 0
    pks = sorted(a.pk for a in applications)
    for start in range(0, n, CHUNK):
        batch = (
            Application.objects.filter(pk__in=pks[start : start + CHUNK])
            .select_related("call", "household__isee", "household__municipality")
            .prefetch_related("household__adults", "household__children", "household__dependants", "children",
                              "confirmations", "preferences")
        )  # fmt: skip
        rows = []
        for application in batch:
            assert application.submitted_at is not None
            on = timezone.localtime(application.submitted_at).date()
            rows.append(
                ApplicationVersion(
                    application=application, number=1, submitted_at=application.submitted_at,
                    by_id=owners[application.household_id], data=engine_fields.snapshot(application, on=on),
                )
            )  # fmt: skip
        ApplicationVersion.objects.bulk_create(rows)
        versions += len(rows)
    figures["snapshots_s"] = round(time.perf_counter() - started, 1)

    # Every application is eligible, as application_submit requires: one engine run says so.
    started = time.perf_counter()
    code = call.code.upper()
    candidates = [
        engine_fields.engine_application(protocol=f"{code}/{number:04d}", submitted_at=at, data=data)
        for number, at, data in ApplicationVersion.objects.filter(application__call=call).values_list(
            "application__protocol_number", "submitted_at", "data"
        )
    ]
    result = rank(engine_call(call), candidates)
    excluded = sum(1 for e in result.entries if e.exclusions)
    if excluded:
        raise SystemExit(f"{excluded} generated applications are not eligible: the generator is wrong")
    figures["eligibility_check_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    figures["analyze_s"] = round(time.perf_counter() - started, 1)
    figures.update(applications=versions, call=call.pk, budget_cents=budget)
    return figures


# --- the measurement (this process) ----------------------------------------------------------------


class Queries:
    """Counts the SQL statements run while active (``connection.execute_wrapper``)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextlib.contextmanager
def counted() -> Iterator[Queries]:
    from django.db import connection

    queries = Queries()
    with connection.execute_wrapper(queries):
        yield queries


class Spans:
    """Time spent inside chosen functions (wrapped for the duration) and in the on-commit callbacks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            with counted() as q:
                start = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - start
                    self.queries[label] = self.queries.get(label, 0) + q.count

        own = name in vars(owner)
        setattr(owner, name, timed)
        self._undo.append(lambda: setattr(owner, name, original) if own else delattr(owner, name))

    def undo(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()


def close_and_publish(call_id: int, profile: bool) -> dict[str, Any]:
    """closing_day, ranking_request, ranking_approve, timed phase by phase."""
    import cProfile
    import io
    import pstats

    from django.core import mail
    from django.db import connections

    from concilia.accounts.models import User
    from concilia.benefits import services
    from concilia.benefits.models import Explanation
    from concilia.benefits.services import closing
    from concilia.core import clock
    from concilia.core.models import Notification
    from concilia.programming.models import Call

    call = Call.objects.get(pk=call_id)
    first, second = User.objects.filter(username__in=("coordinatore.bench", "coordinatrice.bench")).order_by(
        "-username"
    )
    mail.outbox = []
    spans = Spans()
    spans.wrap(closing, "take_snapshot", "snapshot")
    spans.wrap(closing, "recompute", "engine")
    spans.wrap(closing, "_create_ranking", "create")
    spans.wrap(closing, "_store_explanations", "store")
    spans.wrap(closing, "_tell_families", "tell")
    spans.wrap(connections["default"], "run_and_clear_commit_hooks", "on_commit")
    profiler = cProfile.Profile() if profile else None
    phases: dict[str, Any] = {}
    try:
        if profiler:
            profiler.enable()
        with counted() as q:
            t, ranking = _timed(lambda: services.closing_day(call=call, by=first, now=clock.now()))
        phases["closing_day"] = {"s": t, "queries": q.count}
        with counted() as q:
            t, ranking = _timed(lambda: services.ranking_request(ranking=ranking, by=first))
        phases["ranking_request"] = {"s": t, "queries": q.count}
        spans.seconds.pop("on_commit", None)
        spans.queries.pop("on_commit", None)
        with counted() as q:
            t, ranking = _timed(lambda: services.ranking_approve(ranking=ranking, by=second))
        phases["ranking_approve"] = {"s": t, "queries": q.count}
        if profiler:
            profiler.disable()
    finally:
        spans.undo()
    s, n = spans.seconds, spans.queries
    phases["of_closing_day"] = {
        "snapshot (read the versions, store the snapshot)": (s["snapshot"], n["snapshot"]),
        "engine (rank, explanation records)": (s["engine"], n["engine"]),
        "ranking stored": (s["create"] - s["engine"], n["create"] - n["engine"]),
        "explanations stored (chunks, each with the progress)": (s["store"], n["store"]),
        "closing the call, progress, locks": (
            phases["closing_day"]["s"] - s["create"] - s["store"] - s["snapshot"],
            phases["closing_day"]["queries"] - n["create"] - n["store"] - n["snapshot"],
        ),
    }
    phases["of_ranking_approve"] = {
        "messages in the families' areas": (s["tell"], n["tell"]),
        "e-mails, after the commit": (s.get("on_commit", 0.0), n.get("on_commit", 0)),
        "publication (locks, status, commit)": (
            phases["ranking_approve"]["s"] - s["tell"] - s.get("on_commit", 0.0),
            phases["ranking_approve"]["queries"] - n["tell"] - n.get("on_commit", 0),
        ),
    }
    phases["total_s"] = sum(phases[k]["s"] for k in ("closing_day", "ranking_request", "ranking_approve"))
    ranking.refresh_from_db()
    checks = {
        "explanations": Explanation.objects.filter(ranking=ranking).count(),
        "notifications": Notification.objects.filter(link__endswith="/graduatoria/").count(),
        "emailed": Notification.objects.filter(link__endswith="/graduatoria/", emailed=True).count(),
        "emails": len(mail.outbox),
        "published": ranking.published_at is not None,
        "ranked": len(ranking.entries),
        "funded": sum(1 for e in ranking.entries if e["outcome"] == "funded"),
    }
    phases["checks"] = checks
    phases["ranking"] = ranking.pk
    mail.outbox = []
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        phases["profile"] = out.getvalue()
    return phases


def measure_pages(call_id: int, requests: int, warmup: int, seed: int) -> dict[str, Any]:
    """The family's pages through Django's test client, logged in as sampled families."""
    from http.cookies import SimpleCookie

    from django.test import Client
    from django.urls import reverse

    from concilia.benefits.models import Application

    rng = random.Random(seed)
    applications = list(
        Application.objects.filter(call_id=call_id).select_related("household__owner", "call").order_by("pk")
    )
    pages: dict[str, Callable[[Application], str]] = {
        "ranking": lambda a: reverse("benefits:application_ranking", args=[a.pk]),
        "application": lambda a: reverse("benefits:application", args=[a.pk]),
        "area": lambda a: reverse("citizens:area"),
    }
    sample = rng.sample(applications, min(len(applications), requests + warmup))
    # One client, as one server process: its handler loads the middleware once (a new Client per family
    # would load it, WhiteNoise's scan of the static files included, on each one's first request).
    client = Client(HTTP_HOST="127.0.0.1")
    cookies: dict[int, Any] = {}
    for application in sample:  # log every family in, and land on its household page, before timing anything
        client.cookies = SimpleCookie()
        client.force_login(application.household.owner)
        client.get(reverse("benefits:household"))  # the session's first request stamps it (a save)
        cookies[application.pk] = client.cookies

    def client_of(application: Application) -> Client:
        client.cookies = cookies[application.pk]
        return client

    results: dict[str, Any] = {}
    for page, url_of in pages.items():
        samples: list[float] = []
        errors: list[str] = []
        for i, application in enumerate(sample):
            client, url = client_of(application), url_of(application)
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            if response.status_code != 200 or application.protocol not in response.content.decode():
                errors.append(f"{url}: {response.status_code}")
            if i >= warmup:
                samples.append(elapsed)
        with counted() as q:
            client_of(sample[0]).get(url_of(sample[0]))
        results[page] = {
            "url": url_of(sample[0]),
            "requests": len(samples),
            "median_ms": round(statistics.median(samples), 1),
            "p95_ms": round(percentile(samples, 95), 1),
            "max_ms": round(max(samples), 1),
            "queries": q.count,
            "errors": errors[:5],
            "error_count": len(errors),
        }
    return results


def machine() -> dict[str, Any]:
    from benchmarks.catalogue import machine as catalogue_machine

    return catalogue_machine()


def report(
    build_figures: dict[str, Any], phases: dict[str, Any], pages: dict[str, Any], info: dict[str, Any]
) -> list[str]:
    """Print the figures; return the targets missed."""
    n = build_figures["applications"]
    print(f"\nClosing day of a voucher call with {n:,} submitted applications (PostgreSQL {info.get('database', '')})")
    print(f"{'phase':58} {'seconds':>8} {'queries':>8}")
    for key, label in (
        ("closing_day", "closing_day"),
        ("ranking_request", "ranking_request"),
        ("ranking_approve", "ranking_approve"),
    ):
        print(f"{label:58} {phases[key]['s']:8.2f} {phases[key]['queries']:8}")
        for sub, (s, q) in phases.get(f"of_{key}", {}).items():
            print(f"  {sub:56} {s:8.2f} {q:8}")
    total = phases["total_s"]
    print(f"{'total, snapshot to published ranking':58} {total:8.2f}")
    c = phases["checks"]
    print(
        f"\n{c['ranked']:,} ranked, {c['funded']:,} funded; {c['explanations']:,} explanations stored; "
        f"{c['notifications']:,} messages in the families' areas, {c['emailed']:,} marked e-mailed, "
        f"{c['emails']:,} e-mails sent"
    )
    print(f"\n{'page (ranking published)':40} {'n':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    labels = {
        "ranking": "family's ranking page",
        "application": "family's application page",
        "area": "citizen's personal area",
    }
    for page, r in pages.items():
        print(
            f"{labels[page]:40} {r['requests']:5} {r['median_ms']:10.1f} {r['p95_ms']:8.1f} {r['max_ms']:8.1f} {r['queries']:8}"
            + (f"  {r['error_count']} BAD RESPONSES, first: {r['errors'][0]}" if r["error_count"] else "")
        )
    print(
        f"\npeak RSS: measuring process {info['peak_rss_mb']:.0f} MB; build process {info['build_peak_rss_mb']:.0f} MB"
    )
    print(
        f"machine: {info.get('cpu', '?')}, {info['cpus']} CPUs, {info.get('ram_gib', '?')} GiB, Python {info['python']}, "
        f"load average before {info['load_average']}"
    )
    problems = []
    if total > TARGET_CLOSING_S:
        problems.append(f"closing day to published ranking {total:.1f} s > {TARGET_CLOSING_S:.0f} s")
    if pages["ranking"]["p95_ms"] > TARGET_PAGE_P95_MS:
        problems.append(f"ranking page p95 {pages['ranking']['p95_ms']} ms > {TARGET_PAGE_P95_MS:.0f} ms")
    bad = sum(r["error_count"] for r in pages.values())
    if bad:
        problems.append(f"{bad} bad responses")
    if not (c["explanations"] == c["notifications"] == c["emails"] == c["emailed"] == n and c["published"]):
        problems.append("not every family has its explanation, its message and its e-mail")
    verdict = "MISSES" if problems else "MEETS"
    print(
        f"\n{verdict}: closing day ≤ {TARGET_CLOSING_S:.0f} s ({total:.1f} s), family's ranking page p95 ≤ "
        f"{TARGET_PAGE_P95_MS:.0f} ms ({pages['ranking']['p95_ms']} ms)"
        + ("".join(f"\n  - {p}" for p in problems) if problems else "")
    )
    return problems


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=20_000, help="submitted applications (default 20,000)")
    parser.add_argument(
        "--database-url",
        default=PG_DEFAULT,
        help=f"scratch PostgreSQL database, dropped and recreated (default {PG_DEFAULT})",
    )
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests per page first (default 10)")
    parser.add_argument("--seed", type=int, default=20261216)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions of the closing phases")
    parser.add_argument("--json", type=Path, help="save the figures to this file")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _setup(args: argparse.Namespace) -> None:
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concilia.settings.dev")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("CONCILIA_DATA_DIR", tempfile.mkdtemp(prefix="concilia-bench-closing-"))
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("this benchmark runs on PostgreSQL: give --database-url postgres://…")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.build_only:  # the child process
        _setup(args)
        figures = build(args.applications, args.seed)
        figures["peak_rss_mb"] = peak_rss_mb()
        args.result.write_text(json.dumps(figures))
        return 0

    info = machine()
    create_database(args.database_url)
    workdir = Path(tempfile.mkdtemp(prefix="concilia-bench-closing-"))
    os.environ["CONCILIA_DATA_DIR"] = str(workdir)
    try:
        _setup(args)
        import logging

        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)  # one line per e-mail batch otherwise
        from django.core.management import call_command
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            info["database"] = cur.fetchone()[0]
        t, _ = _timed(lambda: call_command("migrate", verbosity=0))
        print(f"migrate {t:.1f} s", flush=True)
        connection.close()
        result = workdir / "build.json"
        cmd = [sys.executable, "-m", "benchmarks.closing_day", "--build-only", "--result", str(result)]
        cmd += ["--applications", str(args.applications), "--seed", str(args.seed), "--database-url", args.database_url]
        t, proc = _timed(lambda: subprocess.run(cmd, cwd=ROOT, env=os.environ.copy(), check=False))  # noqa: S603
        if proc.returncode != 0:
            raise SystemExit(f"the build failed (exit {proc.returncode})")
        build_figures = json.loads(result.read_text())
        print(
            f"build {t:.1f} s: {build_figures['applications']:,} households and applications "
            f"({build_figures['adults']:,} adults, {build_figures['children']:,} children, "
            f"{build_figures['confirmations']:,} employers' confirmations): rows {build_figures['rows_s']} s, "
            f"snapshots {build_figures['snapshots_s']} s, eligibility check {build_figures['eligibility_check_s']} s, "
            f"ANALYZE {build_figures['analyze_s']} s",
            flush=True,
        )
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
        print("closing day, publication…", flush=True)
        phases = close_and_publish(build_figures["call"], args.profile)
        print(f"pages, {args.requests} requests each…", flush=True)
        pages = measure_pages(build_figures["call"], args.requests, args.warmup, args.seed)
        info["peak_rss_mb"] = round(peak_rss_mb(), 1)
        info["build_peak_rss_mb"] = round(build_figures["peak_rss_mb"], 1)
        info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        problems = report(build_figures, phases, pages, info)
        if args.profile:
            print("\n" + phases["profile"])
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            payload = {"config": {k: str(v) for k, v in vars(args).items()}, "machine": info, "build": build_figures,
                       "phases": {k: v for k, v in phases.items() if k != "profile"}, "pages": pages,
                       "problems": problems}  # fmt: skip
            args.json.write_text(json.dumps(payload, indent=2, default=str))
            print(f"figures saved to {args.json}")
        connection.close()
    finally:
        if not args.keep:
            drop_database(args.database_url)
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
