"""Allocation engine benchmark (issue 3): speed, memory, and comparisons with reference solvers.

    .venv/bin/python -m benchmarks.allocation            # full run (about 10 minutes on 2 cores)
    .venv/bin/python -m benchmarks.allocation --quick    # small sizes, a minute or so
    .venv/bin/python -m benchmarks.allocation --json var/bench-allocation.json

1. Generates a seeded, realistic places call: N applications, M offers, K preferences drawn from a
   Mallows model around a per-municipality central ranking (nearby and popular offers first), 10% of
   the children in sibling groups of 2–3 applying together, points as in a municipal admission table
   (residence 20,000 / works in the district 10,000 / neither 0; disability 600; 22 per child under
   11; 18 per year on the waiting list; ISEE bands) and offer priorities (municipal services admit
   their own residents first).
2. Times the engine per phase — scoring and ranking (``engine.rank``), assigning places
   (``places.assign``) — with wall time and peak memory (tracemalloc, in a second traced run, and
   the process's maximum resident set size). Target: 100,000 × 2,000 × 5 in ≤ 2 s and ≤ 500 MB.
3. Without siblings, finds the largest size at which the ``matching`` library's resident-optimal
   hospital–resident solver finishes within the time limit, checks the engine returns the same
   matching there, and reports the time ratio.
4. Compares with the most applicants any assignment can place (HiGHS LP, exact): the price of
   stability.
5. With siblings (100, 1,600, 5,000 children): the engine's placed children, blocking pairs and time
   against CP-SAT models (most children placed; fewest blocking pairs among those) with a time limit.
6. End to end (``--end-to-end`` runs only this): writes the instance of 2. as CSV files, runs
   ``python -m concilia.allocation rank`` on them as a child process ``--repeat`` times, and reports the
   median wall time, the child's peak resident set size (its own counter, from ``os.wait4``) and the
   size of every file written; then one in-process run timed step by step (reading, ranking, writing).
   Target: 100,000 × 2,000 × 5 in ≤ 10 s and ≤ 1 GB.

Timings are measurements, never tests; ``concilia/allocation/tests/test_benchmark_smoke.py`` checks
the correctness facts at a tiny size.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import hashlib
import importlib
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from benchmarks import allocation_models as models
from concilia.allocation.types import Application, Assignment, Candidate, Offer

SEED = 20250901
REFERENCE_DATE = dt.date(2025, 9, 1)
LOTTERY_SEED = "bench-2025"
T = TypeVar("T")

# --- the call ---------------------------------------------------------------------------------

CALL_YAML = """\
call:
  id: bench-nidi-2025
  title: Benchmark — asili nido del distretto, a.e. 2025/26
fields:
  municipality: string
  work_municipality: string
  child_birth_date: date
  isee_cents: integer
  disability: boolean
  children_under_11: integer
  waiting_years: integer
offer_fields:
  municipality: string
  municipal: boolean
lists:
  district: [{district}]
eligibility:
  - id: age
    reason: the child must be 3 to 36 months old on 1 September 2025
    rule: {{age_months: {{field: child_birth_date, reference_date: 2025-09-01, min: 3, max: 36}}}}
  - id: isee
    reason: ISEE over 100,000 euro
    rule: {{any: [{{not: {{at_least: {{field: isee_cents, value: 0}}}}}}, {{at_most: {{field: isee_cents, value: 10000000}}}}]}}
points:
  - id: residence
    label: Residence
    one_of:
      alternatives:
        - {{id: resident, when: {{in_list: {{field: municipality, list: district}}}}, points: 20000}}
        - {{id: works_here, when: {{in_list: {{field: work_municipality, list: district}}}}, points: 10000}}
      otherwise: 0
  - id: disability
    label: Certified disability
    condition: {{is_true: disability}}
    points: 600
  - id: children
    label: Children under 11
    per_unit: {{field: children_under_11, points: 22}}
  - id: waiting
    label: Years on the waiting list
    per_unit: {{field: waiting_years, points: 18, max_units: 3}}
  - id: isee_band
    label: ISEE band
    bands:
      field: isee_cents
      missing: 0
      ranges:
        - {{max: 800000, points: 400}}
        - {{min: 800001, max: 1500000, points: 300}}
        - {{min: 1500001, max: 2500000, points: 200}}
        - {{min: 2500001, max: 4000000, points: 100}}
tie_breakers:
  - {{field: isee_cents, order: asc, missing: last}}
  - {{older_child_first: child_birth_date}}
  - earlier_submission
  - {{lottery: {{seed: {lottery}}}}}
outcome:
  mode: places
  siblings: {siblings}
  priorities:
    - id: own_residents
      label: Municipal services admit their own residents first
      class: 0
      when: {{all: [{{is_true: offer.municipal}}, {{same: [municipality, offer.municipality]}}]}}
  default_class: 1
"""


def call_yaml(district: Sequence[str], siblings: str = "together") -> str:
    return CALL_YAML.format(district=", ".join(district), lottery=LOTTERY_SEED, siblings=siblings)


BUDGET_OUTCOME = """\
outcome: {{mode: ranked_budget, budget_cents: {budget}, max_grant_cents: 150000, fit: {fit}}}
"""


def budget_call_yaml(district: Sequence[str], budget_cents: int = 50_000_000, fit: str = "partial") -> str:
    """The same eligibility, points and tie-breakers as :func:`call_yaml`, funding down the ranking instead."""
    head = CALL_YAML[: CALL_YAML.index("outcome:")]
    text = head.format(district=", ".join(district), lottery=LOTTERY_SEED) + BUDGET_OUTCOME.format(
        budget=budget_cents, fit=fit
    )
    return text.replace("offer_fields:\n  municipality: string\n  municipal: boolean\n", "")


# --- the instance -----------------------------------------------------------------------------


@dataclass
class Instance:
    applications: list[Application]
    offers: list[Offer]
    district: list[str]
    k: int
    sibling_share: float
    seed: int
    capacities: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.capacities = {o.id: o.capacity for o in self.offers}

    @property
    def n(self) -> int:
        return len(self.applications)

    @property
    def m(self) -> int:
        return len(self.offers)

    def describe(self) -> str:
        grouped = sum(1 for a in self.applications if a.group is not None)
        places = sum(self.capacities.values())
        return (
            f"{self.n:,} applications × {self.m:,} offers × {self.k} preferences, "
            f"{places:,} places ({places / self.n:.0%} of N), {grouped:,} children in sibling groups "
            f"({grouped / self.n:.1%}), seed {self.seed}"
        )


def _mallows_top_k(rng: random.Random, central: Sequence[int], k: int, phi: float) -> list[int]:
    """The first ``k`` items of a Mallows(φ) permutation around ``central`` (repeated insertion view:
    each next item is the j-th of the remaining ones in the central order with probability ∝ φ^j)."""
    chosen: list[int] = []  # positions in ``central``, in choice order
    log_phi = math.log(phi)
    remaining = len(central)
    for _ in range(min(k, remaining)):
        # truncated geometric on 0..remaining-1
        u = rng.random() * (1 - phi**remaining)
        j = min(int(math.log1p(-u) / log_phi), remaining - 1)
        pos = j
        for c in sorted(chosen):
            if c <= pos:
                pos += 1
        chosen.append(pos)
        remaining -= 1
    return [central[p] for p in chosen]


def generate(
    n: int,
    m: int | None = None,
    k: int = 5,
    *,
    sibling_share: float = 0.10,
    capacity_ratio: float = 0.85,
    phi: float = 0.8,
    seed: int = SEED,
) -> Instance:
    """A seeded places call with ``n`` applications (children) and ``m`` offers (default ``n / 50``)."""
    rng = random.Random(seed)
    m = m if m is not None else max(2 * k, round(n / 50))
    # geography: neighbourhoods ("zones", ~10 offers each) grouped into municipalities (~50 offers each)
    n_zone = max(2, round(m / 10))
    n_muni = max(3, round(m / 50))
    district = [f"M{i:03d}" for i in range(n_muni)]
    zone_xy = [(rng.random(), rng.random()) for _ in range(n_zone)]
    muni_xy = [(rng.random(), rng.random()) for _ in range(n_muni)]
    zone_muni = [min(range(n_muni), key=lambda i, z=z: math.dist(zone_xy[z], muni_xy[i])) for z in range(n_zone)]

    # offers: spread over zones; sizes lognormal, scaled so places ≈ capacity_ratio × n; 60% municipal
    offer_zone = [j if j < n_zone else rng.randrange(n_zone) for j in range(m)]
    popularity = [rng.lognormvariate(0, 0.5) for _ in range(m)]
    size = [rng.lognormvariate(0, 0.45) for _ in range(m)]
    scale = capacity_ratio * n / sum(size)
    capacity = [max(1, round(s * scale)) for s in size]
    offers = [
        Offer(
            id=f"O{j:05d}",
            capacity=capacity[j],
            fields={"municipality": district[zone_muni[offer_zone[j]]], "municipal": rng.random() < 0.6},
        )
        for j in range(m)
    ]
    # demand follows supply with noise: a zone's families ∝ its places × lognormal pressure
    zone_places = [0] * n_zone
    for j in range(m):
        zone_places[offer_zone[j]] += capacity[j]
    zone_weight = [max(1, p) * rng.lognormvariate(0, 0.3) for p in zone_places]

    # per zone, the central ranking of the Mallows model: near and popular first
    def central_for(z: int) -> list[int]:
        def cost(j: int) -> float:
            return 25 * math.dist(zone_xy[z], zone_xy[offer_zone[j]]) - math.log(popularity[j]) + 0.3 * rng.random()

        return sorted(range(m), key=cost)

    centrals = [central_for(z) for z in range(n_zone)]

    # families: groups of 2 (75%) or 3 (25%) until sibling_share of the children, then singletons
    sizes: list[int] = []
    target = round(sibling_share * n)
    grouped = 0
    while grouped < target and n - grouped >= 2:
        s = 2 if rng.random() < 0.75 or target - grouped < 3 else 3
        if target - grouped == 1:
            break
        sizes.append(s)
        grouped += s
    sizes += [1] * (n - grouped)
    rng.shuffle(sizes)

    window = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    apps: list[Application] = []
    n_groups = 0
    for size_f in sizes:
        home = rng.choices(range(n_zone), zone_weight)[0]
        town = district[zone_muni[home]]
        r = rng.random()
        if r < 0.80:
            municipality, work = town, town if rng.random() < 0.5 else "X-OUT"
        elif r < 0.92:
            municipality, work = f"X{rng.randrange(100):03d}", town
        else:
            municipality, work = f"X{rng.randrange(100):03d}", "X-OUT"
        isee = None if rng.random() < 0.15 else round(rng.lognormvariate(math.log(1_800_000), 0.7))
        children = max(size_f, 1 + (rng.random() < 0.55) + (rng.random() < 0.25) + (rng.random() < 0.08))
        waiting = rng.choices((0, 1, 2), (0.8, 0.15, 0.05))[0]
        prefs = tuple(offers[j].id for j in _mallows_top_k(rng, centrals[home], k, phi))
        submitted = window + dt.timedelta(seconds=rng.randrange(30 * 24 * 3600))
        group = None
        if size_f > 1:
            group = f"G{n_groups:06d}"
            n_groups += 1
        first_birth = REFERENCE_DATE - dt.timedelta(days=rng.randrange(60, 1150))
        twins = rng.random() < 0.5
        for c in range(size_f):
            birth = first_birth if twins or c == 0 else first_birth + dt.timedelta(days=rng.randrange(300, 500))
            fields: dict[str, Any] = {
                "municipality": municipality,
                "work_municipality": work,
                "child_birth_date": birth,
                "isee_cents": isee,
                "disability": rng.random() < 0.02,
                "children_under_11": children,
                "waiting_years": waiting,
            }
            apps.append(Application(f"A{len(apps):07d}", submitted, fields, prefs, group))
    return Instance(apps, offers, district, k, sibling_share, seed)


def write_instance(instance: Instance, directory: Path) -> tuple[Path, Path]:
    """The instance as the command line reads it: ``applications.csv`` and ``offers.csv`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    apps, offers = directory / "applications.csv", directory / "offers.csv"
    names = list(instance.applications[0].fields) if instance.applications else []

    def cell(v: Any) -> str:
        return "" if v is None else ("true" if v is True else "false" if v is False else str(v))

    with apps.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "submitted_at", "preferences", "group", *names])
        for a in instance.applications:
            row = [a.id, a.submitted_at.isoformat(), "|".join(a.preferences), a.group or ""]
            w.writerow(row + [cell(a.fields.get(x)) for x in names])
    with offers.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "capacity", "min_age_months", "max_age_months", "municipality", "municipal"])
        for o in instance.offers:
            w.writerow([o.id, o.capacity, cell(o.min_age_months), cell(o.max_age_months),
                        o.fields["municipality"], cell(o.fields["municipal"])])  # fmt: skip
    return apps, offers


# --- reference scoring and ranking (used for the comparisons, and as the fallback) -----------------

ISEE_BANDS = ((800_000, 400), (1_500_000, 300), (2_500_000, 200), (4_000_000, 100))


def _months(birth: dt.date, ref: dt.date) -> int:
    months = (ref.year - birth.year) * 12 + (ref.month - birth.month)
    return months - 1 if ref.day < birth.day else months


def reference_points(a: Application, district: frozenset[str]) -> int:
    f = a.fields
    pts = 20000 if f["municipality"] in district else 10000 if f["work_municipality"] in district else 0
    pts += 600 if f["disability"] else 0
    pts += 22 * f["children_under_11"] + 18 * min(f["waiting_years"], 3)
    isee = f["isee_cents"]
    if isee is not None:
        pts += next((p for limit, p in ISEE_BANDS if isee <= limit), 0)
    return pts


def reference_candidates(instance: Instance, siblings: str = "together") -> list[Candidate]:
    """Eligibility, points, ranking and offer priorities computed directly (the call above, by hand)."""
    district = frozenset(instance.district)
    offer_fields = {o.id: o.fields for o in instance.offers}
    scored = []
    for a in instance.applications:
        f = a.fields
        if not 3 <= _months(f["child_birth_date"], REFERENCE_DATE) <= 36:
            continue
        isee = f["isee_cents"]
        if isee is not None and isee > 10_000_000:
            continue
        lottery = hashlib.sha256(f"{LOTTERY_SEED}:{a.id}".encode()).hexdigest()
        key = (
            -reference_points(a, district),
            (1, 0) if isee is None else (0, isee),
            f["child_birth_date"].toordinal(),
            a.submitted_at.timestamp(),
            lottery,
        )
        scored.append((key, a))
    scored.sort(key=lambda t: t[0])
    out = []
    for rank, (_, a) in enumerate(scored, start=1):
        prio = {
            o: 0 if offer_fields[o]["municipal"] and offer_fields[o]["municipality"] == a.fields["municipality"] else 1
            for o in a.preferences
        }
        out.append(Candidate(a.id, rank, a.preferences, a.group if siblings == "together" else None, prio))
    return out


# --- engine access ------------------------------------------------------------------------------


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(f"concilia.allocation.{name}")
    except ImportError:
        return None


def assign(candidates: Sequence[Candidate], capacities: dict[str, int], siblings: str) -> Assignment:
    places = _module("places")
    if places is None:
        raise RuntimeError("concilia/allocation/places.py is not available yet")
    return places.assign(list(candidates), capacities, siblings=siblings)


# --- measuring ----------------------------------------------------------------------------------


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Phase:
    name: str
    seconds: float
    traced_peak_mb: float | None
    maxrss_mb: float
    note: str = ""


def measure(name: str, fn: Callable[[], T], *, trace: bool = True, note: str = "", repeat: int = 1) -> tuple[T, Phase]:
    """Run ``fn`` ``repeat`` times for wall time (the median is kept, every run is in the note),
    then (if ``trace``) once more under tracemalloc for its peak."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if len(times) < repeat:
            del result
    seconds = statistics.median(times)
    if repeat > 1:
        runs = ", ".join(f"{t:.2f}" for t in times)
        note = f"median of {repeat} runs ({runs} s)" + (f"; {note}" if note else "")
    peak = None
    if trace:
        del result
        gc.collect()
        tracemalloc.start()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, Phase(name, seconds, peak, maxrss_mb(), note)


# --- the report ---------------------------------------------------------------------------------


class Report:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def print(self, text: str = "") -> None:
        print(text, flush=True)

    def section(self, title: str) -> None:
        self.print()
        self.print(title)
        self.print("-" * len(title))


def speed(report: Report, n: int, m: int, k: int, repeat: int = 5) -> None:
    report.section(f"1–2. Speed and memory: {n:,} × {m:,} × {k}")
    start = time.perf_counter()
    inst = generate(n, m, k)
    report.print(f"instance: {inst.describe()} (generated in {time.perf_counter() - start:.1f} s, not counted)")
    report.print(f"process max RSS after generation: {maxrss_mb():.0f} MB")
    phases: list[Phase] = []
    details: list[Phase] = []
    engine, rules, places, explain = (_module(x) for x in ("engine", "rules", "places", "explain"))
    out: dict[str, Any] = {"instance": inst.describe()}
    if engine is not None and rules is not None and places is not None:
        call = rules.parse_call(call_yaml(inst.district), "bench.yaml")
        result, ph = measure(
            "engine.rank: eligibility, points, ranking, places",
            lambda: engine.rank(call, inst.applications, inst.offers),
            repeat=repeat,
        )
        phases.append(ph)
        placed = sum(1 for e in result.entries if e.outcome == "placed")
        eligible = sum(1 for e in result.entries if e.eligible)
        report.print(f"engine.rank: {eligible:,} eligible, {placed:,} placed")
        out.update(eligible=eligible, placed=placed)
        if explain is not None:
            _, ph = measure(
                "explanation records + ranking rows, built one at a time",
                lambda: (
                    deque(explain.explanation_records(call, result, inst.applications, inst.offers), maxlen=0),
                    deque(explain.ranking_table(result), maxlen=0),
                ),
            )
            phases.append(ph)
        # the same pipeline split by step (engine internals, for where the time goes), with the
        # cyclic garbage collector paused as engine.rank does
        paused = engine._GcPaused()
        paused.__enter__()
        scored, ph = measure("  of which scoring (engine._score)", lambda: engine._score(call, inst.applications))
        details.append(ph)
        ordered, ph = measure("  of which ordering (engine._order)", lambda: engine._order(call, scored))
        details.append(ph)
        offer_map = {o.id: o for o in inst.offers}
        offer_ids = sorted(offer_map)
        table, ph = measure(
            "  of which candidate table/priorities (engine._ranked)",
            lambda: engine._ranked(call, ordered, offer_ids, offer_map),
        )
        details.append(ph)
        caps = [offer_map[o].capacity for o in offer_ids]
        _, ph = measure(
            "  of which places.assign_ranked (siblings together)",
            lambda: places.assign_ranked(table, caps, siblings="together"),
        )
        details.append(ph)
        paused.__exit__()
        cands = table.candidates()
        reference = reference_candidates(inst)
        same = [(c.id, c.rank, c.preferences, c.group, dict(c.offer_priority)) for c in cands] == [
            (c.id, c.rank, c.preferences, c.group, dict(c.offer_priority)) for c in reference
        ]
        report.print(f"engine ranking and priorities equal this script's hand-computed ones: {'YES' if same else 'NO'}")
        out["engine_equals_reference"] = same
        del result, scored, ordered, cands, table
    else:
        missing = ", ".join(
            x for x, mod in (("engine.py", engine), ("rules.py", rules), ("places.py", places)) if not mod
        )
        note = f"FALLBACK: {missing} not available — reference scoring in this script, not the engine"
        cands, ph = measure("scoring + ranking (fallback)", lambda: reference_candidates(inst), note=note)
        phases.append(ph)
        if places is not None:
            _, ph = measure("places.assign (siblings together)", lambda: assign(cands, inst.capacities, "together"))
            phases.append(ph)
    report.print()
    report.print(f"{'phase':<58} {'wall s':>7} {'traced peak MB':>15} {'max RSS MB':>11}")
    for ph in phases + details:
        peak = f"{ph.traced_peak_mb:.0f}" if ph.traced_peak_mb is not None else "-"
        report.print(f"{ph.name:<58} {ph.seconds:>7.2f} {peak:>15} {ph.maxrss_mb:>11.0f}")
        if ph.note:
            report.print(f"  {ph.note}")
    ranked = phases[0]
    verdict = "MEETS" if ranked.seconds <= 2.0 and (ranked.traced_peak_mb or 0) <= 500 else "MISSES"
    report.print(
        f"ranked and assigned: {ranked.seconds:.2f} s, {ranked.traced_peak_mb:.0f} MB allocated at peak → {verdict} "
        "the target (≤ 2 s, ≤ 500 MB)"
    )
    report.print(
        "(traced peak = Python allocations during the phase, measured in a second run under tracemalloc; "
        "max RSS = whole process so far, instance included)"
    )
    out.update(phases=[ph.__dict__ for ph in phases + details], target_met=verdict == "MEETS")
    report.data["speed"] = out


def stable_matching(report: Report, limit_s: float, sizes: Sequence[int], k: int) -> None:
    report.section(f"3. Same stable matching as the `matching` library (no siblings, limit {limit_s:.0f} s)")
    best: tuple[int, Instance, list[Candidate], dict[str, str], float] | None = None
    tried = []
    for n in sizes:
        inst = generate(n, k=k, sibling_share=0.0)
        cands = reference_candidates(inst, siblings="independent")
        res = models.matching_library_with_limit(cands, inst.capacities, limit_s)
        if res is None:
            tried.append((n, None))
            report.print(f"  n={n:>7,} m={inst.m:>5,}: matching did not finish within {limit_s:.0f} s")
            break
        placed, secs = res
        tried.append((n, secs))
        report.print(f"  n={n:>7,} m={inst.m:>5,}: matching finished in {secs:.2f} s")
        best = (n, inst, cands, placed, secs)
    if best is None:
        report.print("no size finished in time")
        return
    n, inst, cands, lib_placed, lib_s = best
    report.print(f"largest size within the limit: {inst.describe()}")
    out: dict[str, Any] = {"size": n, "offers": inst.m, "tried": tried, "matching_seconds": lib_s}
    if _module("places") is None:
        report.print("engine: NOT AVAILABLE (places.py missing) — no comparison")
    else:
        start = time.perf_counter()
        a = assign(cands, inst.capacities, "independent")
        eng_s = time.perf_counter() - start
        same = a.placed == lib_placed
        bp = len(models.count_blocking_pairs(cands, inst.capacities, a.placed))
        report.print(
            f"engine: {eng_s:.3f} s, placed {len(a.placed):,}; matching: {lib_s:.2f} s, placed {len(lib_placed):,}"
        )
        report.print(
            f"same applicant-optimal stable matching: {'YES' if same else 'NO'}; engine blocking pairs: {bp}; "
            f"time ratio matching/engine: {lib_s / eng_s:,.0f}×"
        )
        if not same:
            diff = sum(1 for c in cands if a.placed.get(c.id) != lib_placed.get(c.id))
            report.print(f"  {diff} candidates placed differently")
        out.update(engine_seconds=eng_s, same=same, engine_blocking_pairs=bp, ratio=lib_s / eng_s)
    report.data["stable_matching"] = out


def price_of_stability(report: Report, sizes: Sequence[tuple[int, int]], k: int) -> None:
    report.section("4. Price of stability: exact maximum placement (HiGHS LP, ignores stability), no siblings")
    rows = []
    for n, m in sizes:
        inst = generate(n, m, k, sibling_share=0.0)
        cands = reference_candidates(inst, siblings="independent")
        opt = models.max_placed_highs(cands, inst.capacities)
        row: dict[str, Any] = {"n": n, "m": m, "optimum": opt.count, "highs_seconds": opt.seconds, "status": opt.status}
        line = f"  {n:>7,} × {m:>5,}: optimum places {opt.count:,} ({opt.status}, {opt.seconds:.1f} s)"
        if opt.notes:
            line += f" [{'; '.join(opt.notes)}]"
        if _module("places") is not None:
            start = time.perf_counter()
            a = assign(cands, inst.capacities, "independent")
            secs = time.perf_counter() - start
            extra = opt.count - len(a.placed)
            line += f"; engine {len(a.placed):,} ({secs:.2f} s) → {extra:,} more ({extra / max(1, len(a.placed)):.2%})"
            row.update(engine=len(a.placed), engine_seconds=secs, more=extra)
        else:
            line += "; engine NOT AVAILABLE"
        report.print(line)
        rows.append(row)
    report.data["price_of_stability"] = rows


def siblings(report: Report, sizes: Sequence[int], k: int, limit_s: float) -> None:
    report.section(
        f"5. Siblings together-or-none (10% of children in families), CP-SAT limit {limit_s:.0f} s per model"
    )
    report.print("  CP-SAT A: maximise children placed (siblings all in one offer they listed, or none)")
    report.print("  CP-SAT B: minimise blocking pairs subject to placing as many as A found")
    report.print("  blocking pair (c, o): c listed o above its placement (or is unplaced) and o has a free place")
    report.print("  or admitted someone it ranks below c (siblings' joint moves are not counted separately)")
    rows = []
    head = f"  {'children':>8} {'offers':>6} {'solver':<10} {'placed':>7} {'blocking':>8} {'seconds':>8}  status"
    report.print(head)
    for n in sizes:
        inst = generate(n, k=k, sibling_share=0.10, seed=SEED + n)
        cands = reference_candidates(inst, siblings="together")
        caps = inst.capacities
        entry: dict[str, Any] = {"children": n, "offers": inst.m}

        def line(name: str, placed: int, bp: int, secs: float, status: str, n: int = n, m: int = inst.m) -> None:
            report.print(f"  {n:>8,} {m:>6,} {name:<10} {placed:>7,} {bp:>8,} {secs:>8.2f}  {status}")

        hint: dict[str, str] | None = None
        if _module("places") is not None:
            start = time.perf_counter()
            a = assign(cands, caps, "together")
            secs = time.perf_counter() - start
            bp = len(models.count_blocking_pairs(cands, caps, a.placed))
            line("engine", len(a.placed), bp, secs, "")
            entry["engine"] = {"placed": len(a.placed), "blocking": bp, "seconds": secs}
            hint = a.placed
        else:
            report.print(f"  {n:>8,} {inst.m:>6,} engine     NOT AVAILABLE")
        ra = models.cpsat_places(cands, caps, objective="placed", hint=hint, time_limit_s=limit_s)
        bpa = len(models.count_blocking_pairs(cands, caps, ra.placed))
        line("CP-SAT A", ra.count, bpa, ra.seconds, f"{ra.status} (bound {ra.bound:.0f})" if ra.bound else ra.status)
        entry["cpsat_max_placed"] = {"placed": ra.count, "blocking": bpa, "seconds": ra.seconds, "status": ra.status}
        rb = models.cpsat_places(
            cands, caps, objective="blocking", min_placed=ra.count, hint=ra.placed, time_limit_s=limit_s
        )
        bpb = len(models.count_blocking_pairs(cands, caps, rb.placed)) if rb.placed else -1
        status = f"{rb.status} (bound {rb.bound:.0f})" if rb.bound is not None else rb.status
        line("CP-SAT B", rb.count, bpb, rb.seconds, status)
        entry["cpsat_min_blocking"] = {"placed": rb.count, "blocking": bpb, "seconds": rb.seconds, "status": rb.status}
        rows.append(entry)
    report.data["siblings"] = rows


@dataclass
class ChildRun:
    """One run of a command as a child process: wall time, the child's own CPU time and peak RSS."""

    seconds: float
    cpu_seconds: float
    maxrss_mb: float
    returncode: int
    stderr: str


ROOT = Path(__file__).resolve().parents[1]


def run_child(cmd: Sequence[str]) -> ChildRun:
    """Run ``cmd`` from the repository root; its resource usage is the kernel's for that child (``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=ROOT, stdout=out, stderr=err)  # noqa: S603 - our own interpreter
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return ChildRun(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode, stderr)


def end_to_end(report: Report, n: int, m: int, k: int, repeat: int = 5) -> None:
    report.section(
        f"6. End to end: `python -m concilia.allocation rank` on {n:,} × {m:,} × {k}, CSV in, every file out"
    )
    start = time.perf_counter()
    inst = generate(n, m, k)
    out: dict[str, Any] = {"instance": inst.describe(), "repeat": repeat}
    with tempfile.TemporaryDirectory(prefix="concilia-e2e-") as tmp:
        folder = Path(tmp)
        call = folder / "call.yaml"
        call.write_text(call_yaml(inst.district), encoding="utf-8")
        apps, offers = write_instance(inst, folder)
        del inst
        gc.collect()
        report.print(f"instance written in {time.perf_counter() - start:.1f} s (not counted): "
                     f"{apps.name} {_mb(apps):.1f} MB, {offers.name} {_mb(offers):.2f} MB")  # fmt: skip
        result_dir = folder / "out"
        cmd = [sys.executable, "-m", "concilia.allocation", "rank", str(call), str(apps),
               "--offers", str(offers), "--out", str(result_dir)]  # fmt: skip
        report.print(
            "command: python -m concilia.allocation rank call.yaml applications.csv --offers offers.csv --out out"
        )
        runs = []
        for i in range(repeat):
            r = run_child(cmd)
            if r.returncode != 0:
                report.print(f"  run {i + 1}: FAILED (exit {r.returncode})\n{r.stderr}")
                out["failed"] = r.stderr
                report.data["end_to_end"] = out
                return
            report.print(
                f"  run {i + 1}: {r.seconds:.2f} s wall, {r.cpu_seconds:.2f} s CPU, peak RSS {r.maxrss_mb:.0f} MB"
            )
            runs.append(r)
        files = {p.name: p.stat().st_size for p in sorted(result_dir.iterdir())}
        seconds = statistics.median(r.seconds for r in runs)
        peak = max(r.maxrss_mb for r in runs)
        verdict = "MEETS" if seconds <= 10 and peak <= 1024 else "MISSES"
        report.print(
            f"median of {repeat}: {seconds:.2f} s wall, peak RSS {peak:.0f} MB (highest of the runs) → {verdict} "
            "the target (≤ 10 s, ≤ 1 GB)"
        )
        report.print("files: " + ", ".join(f"{name} {size / 2**20:.1f} MB" for name, size in files.items()))
        steps = _steps(call, apps, offers, folder / "steps")
        report.print("one in-process run, step by step: " + ", ".join(f"{name} {s:.2f} s" for name, s in steps.items()))
    out.update(
        runs=[r.__dict__ | {"stderr": None} for r in runs],
        median_seconds=seconds,
        peak_rss_mb=peak,
        files=files,
        steps=steps,
        target_met=verdict == "MEETS",
    )
    report.data["end_to_end"] = out


def _mb(path: Path) -> float:
    return path.stat().st_size / 2**20


def _steps(call_path: Path, apps: Path, offers: Path, out: Path) -> dict[str, float]:
    """Where the command's time goes: its steps, each timed once in this process."""
    from concilia.allocation import engine, explain, rules
    from concilia.allocation import io as aio

    out.mkdir()
    steps: dict[str, float] = {}

    def step(name: str, fn: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = fn()
        steps[name] = time.perf_counter() - start
        return value

    call = step("load call", lambda: rules.load_call(call_path))
    applications = step("read applications", lambda: aio.read_applications(apps, call))
    offer_list = step("read offers", lambda: aio.read_offers(offers, call))
    result = step("rank", lambda: engine.rank(call, applications, offer_list))
    step("ranking.json", lambda: aio.write_json(out / "ranking.json", explain.ranking_data(result, lazy=True)))
    step("ranking.csv", lambda: aio.write_csv_rows(out / "ranking.csv", explain.RANKING_COLUMNS,
                                                   explain.ranking_table(result)))  # fmt: skip
    step("explanation.jsonl", lambda: aio.write_jsonl(out / "explanation.jsonl",
                                                      explain.explanation_records(call, result, applications, offer_list)))  # fmt: skip
    return steps


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and short limits")
    parser.add_argument("--json", metavar="FILE", help="also save the figures as JSON")
    parser.add_argument("-n", type=int, default=100_000, help="applications (default 100,000)")
    parser.add_argument("-m", type=int, default=2_000, help="offers (default 2,000)")
    parser.add_argument("-k", type=int, default=5, help="preferences each (default 5)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="timed runs of engine.rank and of the command line (the median is reported)",
    )
    parser.add_argument("--matching-limit", type=float, default=60.0, help="seconds for the matching library")
    parser.add_argument("--cpsat-limit", type=float, default=60.0, help="seconds per CP-SAT model and instance")
    sections = ("speed", "matching", "optimum", "siblings", "end-to-end")
    parser.add_argument("--skip", nargs="*", default=(), choices=sections)
    parser.add_argument("--end-to-end", action="store_true", help="only the command line end to end (section 6)")
    args = parser.parse_args(argv)
    if args.end_to_end:
        args.skip = [x for x in sections if x != "end-to-end"]
    if args.quick:
        args.n, args.m = min(args.n, 10_000), min(args.m, 200)
        args.matching_limit = min(args.matching_limit, 5.0)
        args.cpsat_limit = min(args.cpsat_limit, 10.0)
    report = Report()
    report.print(f"Concilia allocation benchmark — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")  # noqa: TID251 - the real time the report was made
    report.print(
        f"python {platform.python_version()} on {platform.machine()}, {_cpus()} CPU(s), {_mem_gib():.0f} GiB RAM"
    )
    report.print(
        "engine modules: "
        + ", ".join(f"{x} {'present' if _module(x) else 'MISSING'}" for x in ("rules", "engine", "places"))
    )
    report.data["machine"] = {"cpus": _cpus(), "mem_gib": _mem_gib(), "python": platform.python_version()}
    report.data["args"] = vars(args) | {"skip": list(args.skip)}
    started = time.perf_counter()
    if "speed" not in args.skip:
        speed(report, args.n, args.m, args.k, repeat=args.repeat)
    if "matching" not in args.skip:
        sizes = (500, 1_000, 2_000) if args.quick else (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
        stable_matching(report, args.matching_limit, sizes, args.k)
    if "optimum" not in args.skip:
        opt_sizes = [(2_000, 40), (args.n, args.m)] if args.quick else [(10_000, 200), (args.n, args.m)]
        price_of_stability(report, opt_sizes, args.k)
    if "siblings" not in args.skip:
        siblings(report, (100, 1_600) if args.quick else (100, 1_600, 5_000), args.k, args.cpsat_limit)
    if "end-to-end" not in args.skip:
        end_to_end(report, args.n, args.m, args.k, repeat=args.repeat)
    total = time.perf_counter() - started
    report.print()
    report.print(f"benchmark wall time: {total:.0f} s; process max RSS {maxrss_mb():.0f} MB")
    report.data["wall_seconds"] = total
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report.data, fh, indent=2, default=str)
        report.print(f"saved {args.json}")


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _mem_gib() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            kb = int(fh.readline().split()[1])
        return kb / 2**20
    except (OSError, ValueError, IndexError):
        return float("nan")


if __name__ == "__main__":
    main(sys.argv[1:])
