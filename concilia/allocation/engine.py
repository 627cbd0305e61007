"""Eligibility, scoring, ranking and outcomes for one call.

``rank`` is deterministic: the same applications in any order give the same result. The order is
points (descending), then the call's tie-breakers, then the application id as the last resort.
"""

from __future__ import annotations

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
    scorers = tuple(c.score for c in call.criteria)
    out: list[_Scored] = []
    seen: set[str] = set()
    for app in applications:
        if app.id in seen:
            raise ValueError(f"duplicate application id {app.id!r}")
        seen.add(app.id)
        f = app.fields
        failed = [x for test, x in checks if not test(f, _EMPTY)]
        if failed:
            out.append(_Scored(app, tuple(failed), (), 0))
        else:
            bd = tuple([s(f) for s in scorers])
            out.append(_Scored(app, (), bd, sum(bd)))
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


def _candidates(call: Call, ordered: list[_Scored], offers: Mapping[str, Offer]) -> list[Candidate]:
    oc = call.outcome
    cands: list[Candidate] = []
    for i, s in enumerate(ordered, start=1):
        app = s.app
        age: int | None = None
        if oc.age_field and oc.reference_date:
            birth = app.fields.get(oc.age_field)
            age = age_in_months(birth, oc.reference_date) if birth is not None else None
        prefs: list[str] = []
        prio: dict[str, int] = {}
        for oid in app.preferences:
            offer = offers.get(oid)
            if offer is None or oid in prio:
                continue
            if oc.age_field and (offer.min_age_months is not None or offer.max_age_months is not None):
                if age is None:
                    continue
                if offer.min_age_months is not None and age < offer.min_age_months:
                    continue
                if offer.max_age_months is not None and age > offer.max_age_months:
                    continue
            klass = oc.default_class
            for pr in oc.priorities:
                if pr.when(app.fields, offer.fields):
                    klass = pr.klass
                    break
            prefs.append(oid)
            prio[oid] = klass
        cands.append(Candidate(app.id, i, tuple(prefs), app.group, prio))
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
    by_id = {s.app.id: (i, s) for i, s in enumerate(ordered, start=1)}
    entries: list[Entry] = []
    for i, s in enumerate(ordered, start=1):
        aid = s.app.id
        ans = answers.get(aid)
        if previous is not None and ans in ("refused", "expired"):
            entries.append(_entry(s, call, i, ans))  # type: ignore[arg-type]
        elif aid in assignment.placed:
            entries.append(_entry(s, call, i, "placed", offer=assignment.placed[aid]))
        else:
            entries.append(_entry(s, call, i, "waiting"))
    entries.extend(_excluded(call, scored))
    results: dict[str, OfferResult] = {}
    placed_count = Counter(assignment.placed.values())
    for oid, cap in capacities.items():
        cut = assignment.cutoff.get(oid)
        cutoff = None
        if cut is not None:
            r, s = by_id[cut[0]]
            cutoff = Cutoff(cut[0], s.points, r)
        results[oid] = OfferResult(oid, cap, placed_count[oid], cutoff, tuple(assignment.waiting.get(oid, ())))
    return Result(call.id, oc.mode, tuple(entries), offers=results)


def rank(call: Call, applications: Iterable[Application], offers: Sequence[Offer] = ()) -> Result:
    """Check eligibility, score, order and allocate (money or places) for every application."""
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
    scored = _score(call, applications)
    if call.outcome.mode == "places":
        return _places_result(call, scored, offers, previous=previous, answers=answers)
    return _budget_result(call, scored, answers)
