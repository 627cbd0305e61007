"""Eligibility, scoring, ranking and outcomes for one call.

``rank`` is deterministic: the same applications in any order give the same result. The order is
points (descending), then the call's tie-breakers, then the application id as the last resort.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Literal

from concilia.allocation import budget as budget_mod
from concilia.allocation import places as places_mod
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
    """Points of each leaf criterion, aligned with ``criteria`` (excluded applications are scored too)."""
    rank: int | None
    outcome: OutcomeKind
    offer: str | None = None
    requested_cents: int | None = None
    granted_cents: int | None = None
    criteria: tuple[str, ...] = ()
    """The call's leaf criterion ids (one shared tuple)."""
    offer_scores: Mapping[str, tuple[int, ...]] | None = None
    """Places mode with ``offer_points``: per listed offer, the points of each per-offer criterion there."""

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
    """Eligibility and points of every application, in input order.

    Every rule and criterion runs once per application, column by column (the loops over
    applications are C-level ``map`` calls): all eligibility rules are needed either way, to admit
    an application or to report every rule it fails, and excluded applications get their points
    too so their explanation shows the whole picture (they are not ranked).
    """
    apps = list(applications)
    request = call.outcome.request
    if request is not None:  # the amount asked is computed from the fields ("weeks × 100 €", capped)
        apps = [dataclasses.replace(a, requested_cents=request.amount(a.fields)) for a in apps]
    ids = [a.id for a in apps]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(x for x in ids if x in seen or seen.add(x))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate application id {dup!r}")
    fields = [a.fields for a in apps]
    empty = repeat(_EMPTY)
    passed = [list(map(r.test, fields, empty)) for r in call.eligibility]
    exclusions = [Exclusion(r.id, r.reason) for r in call.eligibility]
    columns = [list(map(c.score, fields)) for c in call.criteria]
    breakdowns = list(zip(*columns, strict=True)) if columns else [()] * len(apps)
    points = list(map(sum, breakdowns))
    if passed and not all(map(all, passed)):
        failed: list[tuple[Exclusion, ...]] = [
            () if all(row) else tuple(x for x, ok in zip(exclusions, row, strict=True) if not ok)
            for row in zip(*passed, strict=True)
        ]
    else:
        failed = [()] * len(apps)
    return list(map(_Scored, apps, failed, breakdowns, points))


def _order(call: Call, scored: list[_Scored]) -> list[_Scored]:
    """Eligible applications in ranking order (first come: in submission order)."""
    eligible = [s for s in scored if not s.failed]
    apps = [s.app for s in eligible]
    ids = [a.id for a in apps]
    if call.outcome.mode == "first_come":
        by_time = sorted(zip([_ts(a.submitted_at) for a in apps], ids, range(len(apps)), strict=True))
        return [eligible[r[2]] for r in by_time]
    # Tie-breakers after a lottery can never decide anything (the lottery orders every tie), and
    # the lottery itself is computed only for applications still tied when it is reached. Keys
    # are built column by column and compared as plain tuples, with no key function per row.
    tbs = call.tie_breakers
    cut = next((i for i, tb in enumerate(tbs) if tb.kind == "lottery"), None)
    keys = [tb.key for tb in (tbs if cut is None else tbs[:cut])]
    seed = None if cut is None else tbs[cut].seed
    columns = [[-s.points for s in eligible], *(list(map(k, apps)) for k in keys)]
    if seed is None:
        rows: list[tuple[Any, ...]] = list(zip(*columns, ids, range(len(eligible)), strict=True))
        rows.sort()
        return [eligible[r[-1]] for r in rows]
    base = list(zip(*columns, strict=True))
    order = sorted(range(len(eligible)), key=base.__getitem__)
    out: list[_Scored] = []
    n, i = len(order), 0
    while i < n:
        first = base[order[i]]
        j = i + 1
        while j < n and base[order[j]] == first:
            j += 1
        if j - i == 1:
            out.append(eligible[order[i]])
        else:
            tied = sorted(order[i:j], key=lambda x: (lottery_key(seed, ids[x]), ids[x]))
            out.extend(eligible[x] for x in tied)
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


def _budget_result(
    call: Call,
    scored: list[_Scored],
    answers: Mapping[str, Answer] | None = None,
    previous: Mapping[str, int] | None = None,
) -> Result:
    """Fund down the order. On a re-run, ``previous`` (id → cents granted before) is honoured.

    Grants of applications that accepted, or have not answered yet, are kept as they were; the
    refused and expired ones give their money back; the rest of the budget goes down the same
    order to those not funded yet (and tops up partial grants), by the call's fit rule.
    """
    oc = call.outcome
    ordered = _order(call, scored)
    answers = answers or {}
    gone = {a for a, ans in answers.items() if ans in ("refused", "expired")}
    kept: dict[str, int] = {}
    if previous:
        kept = {a: int(c) for a, c in previous.items() if c and a not in gone}
    available = oc.budget_cents - sum(kept.values())
    if available < 0:
        raise ValueError("the grants kept from the previous run exceed the call's budget")
    amounts = []
    for s in ordered:
        aid = s.app.id
        if aid in gone:
            continue
        still = budget_mod.target_amount(s.app.requested_cents, oc.max_grant_cents) - kept.get(aid, 0)
        if still > 0:
            amounts.append((aid, still))
    grants = budget_mod.allocate(amounts, available, oc.fit)
    entries: list[Entry] = []
    cutoff: Cutoff | None = None
    ids = call.criterion_ids
    granted = dict(kept)
    for aid, cents in grants.granted.items():
        granted[aid] = granted.get(aid, 0) + cents
    for i, s in enumerate(ordered, start=1):
        app = s.app
        aid = app.id
        if aid in granted:
            amount = granted[aid]
            full = amount >= budget_mod.target_amount(app.requested_cents, oc.max_grant_cents)
            kind: OutcomeKind = "funded" if full else "partially_funded"
            cutoff = Cutoff(aid, s.points, i)
        else:
            kind = answers[aid] if aid in gone else "not_funded"  # type: ignore[assignment]
            amount = 0
        entries.append(Entry(aid, True, (), s.points, s.breakdown, i, kind, None, app.requested_cents, amount, ids))
    entries.extend(_excluded(call, scored))
    spent = sum(kept.values()) + grants.spent_cents
    return Result(call.id, oc.mode, tuple(entries), oc.budget_cents, spent, cutoff)


_SAFE_KEY_TYPES = frozenset({str, int, type(None), dt.date})
"""Value types whose equality implies equal behaviour in every predicate (no bool/int or float/int mix)."""


def _ranked(
    call: Call,
    ordered: Sequence[_Scored],
    offer_ids: list[str],
    offers: Mapping[str, Offer],
    ranks: Sequence[int] | None = None,
) -> places_mod.Ranked:
    """The eligible applications, in ranking order, as the integer table the assignment works on.

    Position ``g`` in ``ordered`` is the candidate's place (its rank is ``g + 1`` unless ``ranks``
    says otherwise). Each preference becomes an offer index, offers outside the child's age range
    (or unknown, or repeated) are dropped, and each remaining one gets the key
    ``priority class * n + g`` (lower is better).
    """
    oc = call.outcome
    age_field = oc.age_field
    ref_date = oc.reference_date
    priorities = oc.priorities
    default = oc.default_class
    safe = _SAFE_KEY_TYPES
    n = len(ordered)
    index = {oid: j for j, oid in enumerate(offer_ids)}
    m = len(offer_ids)
    offer_fields = [{**offers[oid].fields, "id": oid} for oid in offer_ids]  # rules may read offer.id
    # Age ranges: an offer without one admits every age, also an unknown one.
    lo = [-1] * m
    hi = [1 << 30] * m
    ranged = [False] * m
    if age_field:
        for j, oid in enumerate(offer_ids):
            o = offers[oid]
            if o.min_age_months is not None or o.max_age_months is not None:
                ranged[j] = True
                lo[j] = -1 if o.min_age_months is None else o.min_age_months
                hi[j] = (1 << 30) if o.max_age_months is None else o.max_age_months
    any_range = any(ranged)
    compute_age = bool(any_range and age_field and ref_date)

    # Priority classes are a pure function of the fields their predicates read: evaluate them once
    # per (distinct application values, distinct offer values) and look the result up afterwards.
    cacheable = bool(priorities) and all(pr.reads is not None for pr in priorities)
    app_reads: tuple[str, ...] = ()
    if cacheable:
        app_reads = tuple(sorted({x for pr in priorities for x in pr.reads[0]}))  # type: ignore[index]
        offer_reads = tuple(sorted({x for pr in priorities for x in pr.reads[1]}))  # type: ignore[index]
        classes: dict[Any, int] = {}
        oclass = []
        for j, of in enumerate(offer_fields):
            ovals = tuple([of.get(x) for x in offer_reads])
            okey: Any = ovals if all(type(v) in safe for v in ovals) else ("#", j)
            oclass.append(classes.setdefault(okey, len(classes)))
        representative = {c: j for j, c in reversed(list(enumerate(oclass)))}
        n_classes = len(classes)
    single_read = app_reads[0] if len(app_reads) == 1 else None

    def klass_of(af: Mapping[str, Any], j: int) -> int:
        of = offer_fields[j]
        for pr in priorities:
            if pr.when(af, of):
                return pr.klass
        return default

    apps = [s.app for s in ordered]
    rows: dict[Any, list[int]] = {}
    prefs: list[list[int]] = []
    keys: list[list[int] | None] = []
    p_append = prefs.append
    k_append = keys.append
    getidx = index.__getitem__
    for g, app in enumerate(apps):
        try:
            pl = list(map(getidx, app.preferences))
        except KeyError:
            pl = [index[o] for o in app.preferences if o in index]
        if len(set(pl)) != len(pl):
            pl = list(dict.fromkeys(pl))
        af = app.fields
        if compute_age:
            birth = af.get(age_field)  # type: ignore[arg-type]
            if birth is None:
                pl = [j for j in pl if not ranged[j]]
            else:
                age = age_in_months(birth, ref_date)  # type: ignore[arg-type]
                pl = [j for j in pl if lo[j] <= age <= hi[j]]
        p_append(pl)
        if not priorities:
            k_append(None if default == 0 else [default * n + g] * len(pl))
            continue
        row: list[int] | None = None
        if cacheable:
            if single_read is not None:
                akey: Any = af.get(single_read)
                ok = type(akey) in safe
            else:
                akey = tuple([af.get(x) for x in app_reads])
                ok = all(type(v) in safe for v in akey)
            if ok:
                row = rows.get(akey)
                if row is None:  # class * n of these values at every offer, computed once
                    per_class = [klass_of(af, representative[c]) * n for c in range(n_classes)]
                    row = rows[akey] = [per_class[c] for c in oclass]
        if row is None:
            k_append([klass_of(af, j) * n + g for j in pl])
        else:
            k_append([row[j] + g for j in pl])

    def priority(g: int, j: int) -> int:
        return klass_of(apps[g].fields, j) if priorities else default

    if call.offer_criteria:
        return _ranked_with_offer_points(call, ordered, offer_ids, offer_fields, prefs, ranks, priority)

    return places_mod.Ranked(
        [a.id for a in apps],
        range(1, n + 1) if ranks is None else ranks,
        [a.group for a in apps],
        prefs,
        keys,
        offer_ids,
        priority,
    )


def _tie_positions(call: Call, ordered: Sequence[_Scored]) -> list[int]:
    """Each application's position in the order of the call's tie-breakers alone (then id), points left out.

    An offer with points of its own orders its applicants by their points there, and a tie there is
    broken as the call breaks ties: by these positions.
    """
    apps = [s.app for s in ordered]
    tbs = call.tie_breakers
    cut = next((i for i, tb in enumerate(tbs) if tb.kind == "lottery"), None)
    columns = [list(map(tb.key, apps)) for tb in (tbs if cut is None else tbs[:cut])]
    if cut is not None:
        seed = tbs[cut].seed or ""
        columns.append([lottery_key(seed, a.id) for a in apps])
    rows = sorted(zip(*columns, [a.id for a in apps], range(len(apps)), strict=True))
    ties = [0] * len(apps)
    for t, row in enumerate(rows):
        ties[row[-1]] = t
    return ties


def _ranked_with_offer_points(
    call: Call,
    ordered: Sequence[_Scored],
    offer_ids: list[str],
    offer_fields: Sequence[Mapping[str, Any]],
    prefs: list[list[int]],
    ranks: Sequence[int] | None,
    priority: Any,
) -> places_mod.Ranked:
    """The table when offers add points of their own: each offer orders by (class, points there, tie-breakers)."""
    n = len(ordered)
    crits = call.offer_criteria

    def bonus(g: int, j: int) -> int:
        af, of = ordered[g].app.fields, offer_fields[j]
        return sum(c.score(af, of) for c in crits)

    return places_mod.wide_ranked(
        [s.app.id for s in ordered],
        range(1, n + 1) if ranks is None else ranks,
        [s.app.group for s in ordered],
        prefs,
        offer_ids,
        priority,
        [s.points for s in ordered],
        bonus,
        _tie_positions(call, ordered),
    )


def priority_at(call: Call, app: Application, offer: Offer) -> tuple[int, str | None]:
    """The application's priority class at ``offer`` and the label of the priority rule that gave it (None
    for the default class): what put a child above applicants with more points at that offer."""
    for pr in call.outcome.priorities:
        if pr.when(app.fields, {**offer.fields, "id": offer.id}):
            return pr.klass, pr.label
    return call.outcome.default_class, None


def offer_scores(call: Call, app: Application, offers: Mapping[str, Offer]) -> dict[str, tuple[int, ...]]:
    """The points of each per-offer criterion at each offer the application listed (known offers only)."""
    out: dict[str, tuple[int, ...]] = {}
    for oid in app.preferences:
        o = offers.get(oid)
        if o is not None and oid not in out:
            of = {**o.fields, "id": oid}
            out[oid] = tuple(c.score(app.fields, of) for c in call.offer_criteria)
    return out


def _candidates(call: Call, ordered: list[_Scored], offers: Mapping[str, Offer]) -> list[Candidate]:
    """The eligible applications as :class:`Candidate` objects (for tests and benchmarks)."""
    return _ranked(call, ordered, sorted(offers), offers).candidates()


def _places_result(
    call: Call,
    scored: list[_Scored],
    offers: Sequence[Offer],
    previous: Mapping[str, str] | None = None,
    answers: Mapping[str, Answer] | None = None,
) -> Result:
    oc = call.outcome
    offer_map: dict[str, Offer] = {}
    for o in offers:
        if o.id in offer_map:
            raise ValueError(f"duplicate offer id {o.id!r}")
        offer_map[o.id] = o
    ordered = _order(call, scored)
    offer_ids = sorted(offer_map)
    capacities = [offer_map[oid].capacity for oid in offer_ids]
    if previous is None:
        table = _ranked(call, ordered, offer_ids, offer_map)
        assignment = places_mod.assign_ranked(table, capacities, siblings=oc.siblings)
    else:
        fixed, dropped = places_mod.split_answers(previous, answers or {})
        staying = [(i, s) for i, s in enumerate(ordered, start=1) if s.app.id not in dropped]
        table = _ranked(call, [s for _, s in staying], offer_ids, offer_map, ranks=[i for i, _ in staying])
        assignment = places_mod.assign_ranked(table, capacities, siblings=oc.siblings, fixed=fixed)
    answers = answers or {}
    placed = assignment.placed
    gone = {a: ans for a, ans in answers.items() if ans in ("refused", "expired")} if previous is not None else {}
    apps = [s.app for s in ordered]
    app_ids = [a.id for a in apps]
    offer_of = list(map(placed.get, app_ids))
    outcomes: list[OutcomeKind] = ["waiting" if o is None else "placed" for o in offer_of]
    for i, aid in enumerate(app_ids):
        if aid in gone:
            outcomes[i] = gone[aid]  # type: ignore[assignment]
            offer_of[i] = None
    n = len(ordered)
    entries = list(
        map(
            Entry,
            app_ids,
            repeat(True, n),
            repeat((), n),
            [s.points for s in ordered],
            [s.breakdown for s in ordered],
            range(1, n + 1),
            outcomes,
            offer_of,
            [a.requested_cents for a in apps],
            repeat(None, n),
            repeat(call.criterion_ids, n),
        )
    )
    if call.offer_criteria:
        for e, a in zip(entries, apps, strict=True):
            e.offer_scores = offer_scores(call, a, offer_map)
    entries.extend(_excluded(call, scored))
    results: dict[str, OfferResult] = {}
    placed_count = Counter(placed.values())
    for oid, cap in zip(offer_ids, capacities, strict=True):
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
    previous: Mapping[str, str] | Mapping[str, int],
    answers: Mapping[str, Answer],
) -> Result:
    """Run again after the answers ("scorrimento"); deterministic.

    ``previous`` is what the previous run gave: application id → offer id in places mode, id →
    cents granted in the budget modes (see ``io.read_previous``). Places mode: accepted and pending
    placements are kept, refused and expired applicants leave, and freed places go down the
    waiting lists. Budget modes: accepted and pending grants are kept as they were, refused and
    expired ones give their money back, which goes down the same order to the applications not
    funded yet (and tops up a partial grant). Nobody loses what they were given. With an empty
    ``previous`` the budget is simply distributed again without the refused and expired ones.
    """
    with _GcPaused():
        return _rerun(call, applications, offers, previous, answers)


def _rerun(
    call: Call,
    applications: Iterable[Application],
    offers: Sequence[Offer],
    previous: Mapping[str, str] | Mapping[str, int],
    answers: Mapping[str, Answer],
) -> Result:
    scored = _score(call, applications)
    if call.outcome.mode == "places":
        return _places_result(call, scored, offers, previous=previous, answers=answers)  # type: ignore[arg-type]
    return _budget_result(call, scored, answers, previous)  # type: ignore[arg-type]
