"""Eligibility, scoring, ranking and outcomes for one call.

``rank`` is deterministic: the same applications in any order give the same result. The order is
points (descending), then the call's tie-breakers, then the application id as the last resort.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from concilia.allocation import budget as budget_mod
from concilia.allocation.rules import Call, _ts, age_in_months, load_call, lottery_key, parse_call
from concilia.allocation.types import Answer, Application, Candidate, Offer

__all__ = ["Cutoff", "Entry", "OfferResult", "Result", "load_call", "parse_call", "rank", "rerun"]

OutcomeKind = Literal["funded", "partially_funded", "not_funded", "placed", "waiting", "excluded", "refused", "expired"]
_EMPTY: Mapping[str, Any] = {}


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A failed eligibility rule and the reason shown to the applicant."""

    rule_id: str
    reason: str


@dataclass(slots=True)
class Entry:
    """One application's result (treat as read-only)."""

    id: str
    eligible: bool
    exclusions: tuple[Exclusion, ...]
    points: int
    scores: tuple[int, ...]
    """Points of each leaf criterion, aligned with ``criteria``; empty for excluded applications."""
    rank: int | None
    outcome: OutcomeKind
    offer: str | None = None
    requested_cents: int | None = None
    granted_cents: int | None = None
    criteria: tuple[str, ...] = ()
    """The call's leaf criterion ids (one shared tuple)."""

    @property
    def breakdown(self) -> tuple[tuple[str, int], ...]:
        """(criterion id, points) for each leaf criterion; adds up exactly to ``points``."""
        return tuple(zip(self.criteria, self.scores, strict=True)) if self.scores else ()


@dataclass(frozen=True, slots=True)
class Cutoff:
    """The last admitted (placed or funded) application: its id, points and rank."""

    application_id: str
    points: int
    rank: int


@dataclass(frozen=True, slots=True)
class OfferResult:
    """Places mode: one offer's capacity, fill, cut-off and waiting list."""

    id: str
    capacity: int
    placed: int
    cutoff: Cutoff | None
    waiting: tuple[str, ...]


@dataclass(frozen=True)
class Result:
    """The ranking ("graduatoria") with outcomes; ``entries`` are ranked ones first, then the excluded by id."""

    call_id: str
    mode: str
    entries: tuple[Entry, ...]
    budget_cents: int | None = None
    spent_cents: int | None = None
    cutoff: Cutoff | None = None
    offers: dict[str, OfferResult] = field(default_factory=dict)

    def by_id(self) -> dict[str, Entry]:
        """Entries indexed by application id."""
        return {e.id: e for e in self.entries}


# ------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Scored:
    app: Application
    failed: tuple[Exclusion, ...]
    breakdown: tuple[int, ...]
    points: int


def _score(call: Call, applications: Iterable[Application]) -> list[_Scored]:
    # Every rule is evaluated once per application: all of them are needed either way (to admit
    # it, or to report every rule it fails). Exclusions are built once per rule and shared.
    checks = tuple((r.test, Exclusion(r.id, r.reason)) for r in call.eligibility)
    tests = tuple(t for t, _ in checks)
    scorers = tuple(c.score for c in call.criteria)
    out: list[_Scored] = []
    append = out.append
    seen: set[str] = set()
    seen_add = seen.add
    for n_seen, app in enumerate(applications, start=1):
        seen_add(app.id)
        if len(seen) != n_seen:
            raise ValueError(f"duplicate application id {app.id!r}")
        f = app.fields
        for i, test in enumerate(tests):
            if not test(f, _EMPTY):
                failed = [checks[i][1]]
                failed.extend([x for t, x in checks[i + 1 :] if not t(f, _EMPTY)])
                append(_Scored(app, tuple(failed), (), 0))
                break
        else:
            bd = tuple([sc(f) for sc in scorers])
            append(_Scored(app, (), bd, sum(bd)))
    return out


def _order(call: Call, scored: list[_Scored]) -> list[_Scored]:
    eligible = [s for s in scored if not s.failed]
    if call.outcome.mode == "first_come":
        eligible.sort(key=lambda s: (_ts(s.app.submitted_at), s.app.id))
        return eligible
    # Tie-breakers after a lottery can never decide anything (the lottery orders every tie), and
    # the lottery itself is computed only for applications still tied when it is reached.
    tbs = call.tie_breakers
    cut = next((i for i, tb in enumerate(tbs) if tb.kind == "lottery"), None)
    keys = tuple(tb.key for tb in (tbs if cut is None else tbs[:cut]))
    seed = None if cut is None else tbs[cut].seed
    if not keys:
        base: Callable[[_Scored], Any] = lambda s: -s.points  # noqa: E731
    elif len(keys) == 1:
        (k0,) = keys
        base = lambda s: (-s.points, k0(s.app))  # noqa: E731
    elif len(keys) == 2:
        k0, k1 = keys
        base = lambda s: (-s.points, k0(s.app), k1(s.app))  # noqa: E731
    else:
        base = lambda s: (-s.points, *[k(s.app) for k in keys])  # noqa: E731
    if seed is None:
        eligible.sort(key=lambda s: (base(s), s.app.id))
        return eligible
    decorated = [(base(s), s) for s in eligible]
    decorated.sort(key=lambda d: d[0])
    out: list[_Scored] = []
    n, i = len(decorated), 0
    while i < n:
        j = i + 1
        first = decorated[i][0]
        while j < n and decorated[j][0] == first:
            j += 1
        if j - i == 1:
            out.append(decorated[i][1])
        else:
            out.extend(sorted((d[1] for d in decorated[i:j]), key=lambda s: (lottery_key(seed, s.app.id), s.app.id)))
        i = j
    return out


def _entry(
    s: _Scored,
    call: Call,
    rank: int | None,
    outcome: OutcomeKind,
    offer: str | None = None,
    granted_cents: int | None = None,
) -> Entry:
    app = s.app
    return Entry(
        app.id,
        not s.failed,
        s.failed,
        s.points,
        s.breakdown,
        rank,
        outcome,
        offer,
        app.requested_cents,
        granted_cents,
        call.criterion_ids,
    )


def _excluded(call: Call, scored: list[_Scored]) -> list[Entry]:
    return [_entry(s, call, None, "excluded") for s in sorted((s for s in scored if s.failed), key=lambda s: s.app.id)]


def _budget_result(call: Call, scored: list[_Scored], answers: Mapping[str, Answer] | None = None) -> Result:
    oc = call.outcome
    ordered = _order(call, scored)
    answers = answers or {}
    gone = {a for a, ans in answers.items() if ans in ("refused", "expired")}
    amounts = [
        (s.app.id, budget_mod.target_amount(s.app.requested_cents, oc.max_grant_cents))
        for s in ordered
        if s.app.id not in gone
    ]
    grants = budget_mod.allocate(amounts, oc.budget_cents, oc.fit)
    entries: list[Entry] = []
    cutoff: Cutoff | None = None
    ids = call.criterion_ids
    granted, partial = grants.granted, grants.partial
    for i, s in enumerate(ordered, start=1):
        app = s.app
        aid = app.id
        if aid in granted:
            kind: OutcomeKind = "partially_funded" if aid in partial else "funded"
            amount = granted[aid]
            cutoff = Cutoff(aid, s.points, i)
        else:
            kind = answers[aid] if aid in gone else "not_funded"  # type: ignore[assignment]
            amount = 0
        entries.append(Entry(aid, True, (), s.points, s.breakdown, i, kind, None, app.requested_cents, amount, ids))
    entries.extend(_excluded(call, scored))
    return Result(call.id, oc.mode, tuple(entries), oc.budget_cents, grants.spent_cents, cutoff)


_SAFE_KEY_TYPES = frozenset({str, int, type(None), dt.date})
"""Value types whose equality implies equal behaviour in every predicate (no bool/int or float/int mix)."""


def _candidates(call: Call, ordered: list[_Scored], offers: Mapping[str, Offer]) -> list[Candidate]:
    oc = call.outcome
    age_field = oc.age_field
    ref_date = oc.reference_date
    priorities = oc.priorities
    default = oc.default_class
    safe = _SAFE_KEY_TYPES
    # Priority classes are a pure function of the fields their predicates read: evaluate them once
    # per (distinct application values, distinct offer values) and look the result up afterwards.
    app_reads: tuple[str, ...] = ()
    cacheable = bool(priorities) and all(pr.reads is not None for pr in priorities)
    offer_reads: tuple[str, ...] = ()
    if cacheable:
        app_reads = tuple(sorted({n for pr in priorities for n in pr.reads[0]}))  # type: ignore[index]
        offer_reads = tuple(sorted({n for pr in priorities for n in pr.reads[1]}))  # type: ignore[index]
    # Per offer: (age range or None, offer fields, index of its class of equal read values).
    info: dict[str, tuple[tuple[int | None, int | None] | None, Mapping[str, Any], int]] = {}
    offer_class: dict[Any, int] = {}
    any_range = False
    for oid, offer in offers.items():
        lo, hi = offer.min_age_months, offer.max_age_months
        rng = (lo, hi) if age_field and (lo is not None or hi is not None) else None
        any_range = any_range or rng is not None
        of = offer.fields
        okey: Any = ("#", oid)
        if cacheable:
            ovals = tuple([of.get(x) for x in offer_reads])
            if all(type(v) in safe for v in ovals):
                okey = ovals
        info[oid] = (rng, of, offer_class.setdefault(okey, len(offer_class)))
    cache: dict[Any, dict[int, int]] = {}
    no_row: dict[int, int] = {}
    single_read = app_reads[0] if len(app_reads) == 1 else None
    get_info = info.get
    compute_age = bool(any_range and age_field and ref_date)
    cands: list[Candidate] = []
    append = cands.append
    for i, s in enumerate(ordered, start=1):
        app = s.app
        af = app.fields
        age: int | None = None
        if compute_age:
            birth = af.get(age_field)  # type: ignore[arg-type]
            age = age_in_months(birth, ref_date) if birth is not None else None  # type: ignore[arg-type]
        row = no_row
        if cacheable:
            if single_read is not None:
                akey: Any = af.get(single_read)
                ok = type(akey) in safe
            else:
                akey = tuple([af.get(x) for x in app_reads])
                ok = all(type(v) in safe for v in akey)
            if ok:
                row = cache.get(akey)  # type: ignore[assignment]
                if row is None:
                    row = cache[akey] = {}
        prefs: list[str] = []
        prio: dict[str, int] = {}
        for oid in app.preferences:
            inf = get_info(oid)
            if inf is None or oid in prio:
                continue
            rng, of, og = inf
            if rng is not None:
                if age is None:
                    continue
                lo, hi = rng
                if lo is not None and age < lo:
                    continue
                if hi is not None and age > hi:
                    continue
            klass = row.get(og)
            if klass is None:
                klass = default
                for pr in priorities:
                    if pr.when(af, of):
                        klass = pr.klass
                        break
                if row is not no_row:
                    row[og] = klass
            prefs.append(oid)
            prio[oid] = klass
        append(Candidate(app.id, i, tuple(prefs), app.group, prio))
    return cands


def _places_result(
    call: Call,
    scored: list[_Scored],
    offers: Sequence[Offer],
    previous: Mapping[str, str] | None = None,
    answers: Mapping[str, Answer] | None = None,
) -> Result:
    from concilia.allocation import places  # imported lazily: written alongside this module

    oc = call.outcome
    offer_map: dict[str, Offer] = {}
    for o in offers:
        if o.id in offer_map:
            raise ValueError(f"duplicate offer id {o.id!r}")
        offer_map[o.id] = o
    ordered = _order(call, scored)
    cands = _candidates(call, ordered, offer_map)
    capacities = {o.id: o.capacity for o in sorted(offer_map.values(), key=lambda o: o.id)}
    if previous is None:
        assignment = places.assign(cands, capacities, siblings=oc.siblings)
    else:
        assignment = places.rerun(cands, capacities, previous=previous, answers=answers or {}, siblings=oc.siblings)
    answers = answers or {}
    entries: list[Entry] = []
    append = entries.append
    placed = assignment.placed
    get_placed = placed.get
    ids = call.criterion_ids
    gone = {a: ans for a, ans in answers.items() if ans in ("refused", "expired")} if previous is not None else {}
    for i, s in enumerate(ordered, start=1):
        app = s.app
        aid = app.id
        if gone and aid in gone:
            append(Entry(aid, True, (), s.points, s.breakdown, i, gone[aid], None, app.requested_cents, None, ids))  # type: ignore[arg-type]
            continue
        oid = get_placed(aid)
        append(
            Entry(
                aid,
                True,
                (),
                s.points,
                s.breakdown,
                i,
                "waiting" if oid is None else "placed",
                oid,
                app.requested_cents,
                None,
                ids,
            )
        )
    entries.extend(_excluded(call, scored))
    results: dict[str, OfferResult] = {}
    placed_count = Counter(placed.values())
    for oid, cap in capacities.items():
        cut = assignment.cutoff.get(oid)
        cutoff = None
        if cut is not None:
            s = ordered[cut[1] - 1]  # the cut-off's rank is its position in ``ordered``
            cutoff = Cutoff(cut[0], s.points, cut[1])
        results[oid] = OfferResult(oid, cap, placed_count[oid], cutoff, tuple(assignment.waiting.get(oid, ())))
    return Result(call.id, oc.mode, tuple(entries), offers=results)


class _GcPaused:
    """Pause the cyclic garbage collector while a ranking builds its (acyclic) objects.

    A ranking allocates several objects per application and keeps them all alive, so automatic
    collections would repeatedly walk a growing heap without freeing anything. Reference counting
    still frees everything as usual; the collector is re-enabled (if it was on) on the way out.
    """

    __slots__ = ("was_enabled",)

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


def rank(call: Call, applications: Iterable[Application], offers: Sequence[Offer] = ()) -> Result:
    """Check eligibility, score, order and allocate (money or places) for every application."""
    with _GcPaused():
        return _rank(call, applications, offers)


def _rank(call: Call, applications: Iterable[Application], offers: Sequence[Offer]) -> Result:
    scored = _score(call, applications)
    if call.outcome.mode == "places":
        return _places_result(call, scored, offers)
    return _budget_result(call, scored)


def rerun(
    call: Call,
    applications: Iterable[Application],
    offers: Sequence[Offer],
    previous: Mapping[str, str],
    answers: Mapping[str, Answer],
) -> Result:
    """Run again after the answers ("scorrimento").

    Places mode: accepted and pending placements are kept, refused and expired applicants leave, and
    freed places go down the waiting lists. Budget modes: refused and expired applications give back
    their grant, which goes down the same order (nobody funded before loses funding, because every
    later application meets at least as much remaining budget as before). ``previous`` maps
    application id → offer id and is only read in places mode.
    """
    with _GcPaused():
        return _rerun(call, applications, offers, previous, answers)


def _rerun(
    call: Call,
    applications: Iterable[Application],
    offers: Sequence[Offer],
    previous: Mapping[str, str],
    answers: Mapping[str, Answer],
) -> Result:
    scored = _score(call, applications)
    if call.outcome.mode == "places":
        return _places_result(call, scored, offers, previous=previous, answers=answers)
    return _budget_result(call, scored, answers)
