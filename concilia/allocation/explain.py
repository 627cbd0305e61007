"""Turn a :class:`~concilia.allocation.engine.Result` into plain, JSON-ready data.

``ranking_data`` is the ranking itself (what is published, and what ``rerun`` reads back);
``explanation_records`` tells each applicant why: which rule excluded them, points by criterion with
a short detail, the position, the outcome and the cut-off they were measured against. It yields a
header (the call, the order, the offers with their cut-offs or the budget) and then one record per
application, built one at a time, so a call of any size is explained without holding every record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from concilia.allocation import texts
from concilia.allocation.budget import target_amount
from concilia.allocation.engine import Cutoff, Entry, Result, offer_scores, priority_at
from concilia.allocation.rules import Call, age_in_months, lottery_key
from concilia.allocation.types import Application, Offer

LANGUAGES = ("it", "en")

RANKING_COLUMNS = [
    "rank",
    "id",
    "eligible",
    "points",
    "outcome",
    "offer",
    "requested_cents",
    "granted_cents",
    "excluded_by",
]


def _cutoff(c: Cutoff | None) -> dict[str, Any] | None:
    return None if c is None else {"application_id": c.application_id, "points": c.points, "rank": c.rank}


def entry_data(e: Entry) -> dict[str, Any]:
    """One entry as a flat dict."""
    return {
        "rank": e.rank,
        "id": e.id,
        "eligible": e.eligible,
        "points": e.points,
        "breakdown": dict(zip(e.criteria, e.scores, strict=True)) if e.scores else {},
        "outcome": e.outcome,
        "offer": e.offer,
        "requested_cents": e.requested_cents,
        "granted_cents": e.granted_cents,
        "excluded_by": [x.rule_id for x in e.exclusions],
    }


def ranking_data(result: Result, *, lazy: bool = False) -> dict[str, Any]:
    """The ranking as JSON-ready data; with ``lazy``, ``entries`` is a generator (``io.write_json`` streams it)."""
    entries = (entry_data(e) for e in result.entries)
    data: dict[str, Any] = {
        "call_id": result.call_id,
        "mode": result.mode,
        "entries": entries if lazy else list(entries),
    }
    if result.mode == "places":
        data["offers"] = _offers(result)
    else:
        data["budget"] = _budget(result)
    return data


def _offers(result: Result) -> dict[str, Any]:
    return {
        oid: {"capacity": o.capacity, "placed": o.placed, "cutoff": _cutoff(o.cutoff), "waiting": list(o.waiting)}
        for oid, o in result.offers.items()
    }


def _budget(result: Result) -> dict[str, Any]:
    return {"budget_cents": result.budget_cents, "spent_cents": result.spent_cents, "cutoff": _cutoff(result.cutoff)}


def ranking_rows(result: Result) -> list[dict[str, Any]]:
    """Rows for ``ranking.csv``."""
    rows = []
    for e in result.entries:
        d = entry_data(e)
        d["excluded_by"] = "|".join(d["excluded_by"])
        d["eligible"] = "true" if e.eligible else "false"
        rows.append(d)
    return rows


def ranking_table(result: Result) -> Iterator[list[Any]]:
    """Rows for ``ranking.csv`` as lists in the order of ``RANKING_COLUMNS``, one at a time."""
    for e in result.entries:
        yield [
            e.rank,
            e.id,
            "true" if e.eligible else "false",
            e.points,
            e.outcome,
            e.offer,
            e.requested_cents,
            e.granted_cents,
            "|".join([x.rule_id for x in e.exclusions]),
        ]


def offer_rows(result: Result) -> list[dict[str, Any]]:
    """Rows for ``offers.csv`` (places mode)."""
    return [
        {
            "id": o.id,
            "capacity": o.capacity,
            "placed": o.placed,
            "cutoff_application": o.cutoff.application_id if o.cutoff else "",
            "cutoff_points": o.cutoff.points if o.cutoff else "",
            "cutoff_rank": o.cutoff.rank if o.cutoff else "",
            "waiting": "|".join(o.waiting),
        }
        for o in result.offers.values()
    ]


@dataclass(frozen=True, slots=True)
class ExplanationContext:
    """What every application's record is measured against, computed once per call."""

    criteria: tuple[tuple[str, str, Callable[[Mapping[str, Any]], Any]], ...]
    """(criterion id, label, detail function) of each leaf criterion."""
    lottery_seed: str | None
    places: bool
    positions: Mapping[str, Mapping[str, int]]
    """Places mode: offer id → application id → position on its waiting list (from 1)."""
    budget_cutoff: dict[str, Any] | None
    header: dict[str, Any]
    """The header record: the sentences of every application read the offers' cut-offs and the order from it."""
    call: Call
    offers: Mapping[str, Offer]
    tied: Mapping[int, int]
    """Points → how many ranked applications have them (not used in ``first_come``)."""
    age_limits: Callable[[Application, Offer], int | None | bool]
    """Places mode: True when the child's age fits the offer, else its age in months (None if unknown)."""


def _tie_breakers(call: Call) -> list[dict[str, Any]]:
    out = []
    for tb in call.tie_breakers:
        d: dict[str, Any] = {"kind": tb.kind, "description": tb.description}
        if tb.field is not None:
            d["field"] = tb.field
            label = call.field_labels.get(tb.field)
            if label:
                d["label"] = label
            d["descending"] = tb.descending
            d["date"] = call.fields.get(tb.field) == "date"
        if tb.seed is not None:
            d["seed"] = tb.seed
        out.append(d)
    return out


def _offer_name(call: Call, offer: Offer | None) -> str | None:
    if offer is None or "name" not in call.offer_fields:
        return None
    name = offer.fields.get("name")
    return str(name) if name else None


def explanation_header(
    call: Call,
    result: Result,
    offers: Iterable[Offer] = (),
    applications: Mapping[str, Application] | None = None,
) -> dict[str, Any]:
    """The first record: the call, the order applied, the offers (with cut-offs and waiting lists) or the budget,
    and the same in words (``text``: Italian and English sentences).

    In places mode each offer's cut-off also carries, when the call has priority classes or per-offer points,
    the last admitted's class there (and the rule that gave it) and its points there: what a child with a worse
    rank who was still placed is measured against."""
    header: dict[str, Any] = {
        "call_id": call.id,
        "title": call.title,
        "mode": result.mode,
        "order": ["points (descending)", *(tb.description for tb in call.tie_breakers), "application id"]
        if result.mode != "first_come"
        else ["submission time", "application id"],
        "tie_breakers": _tie_breakers(call),
    }
    if result.mode == "places":
        offer_map = {o.id: o for o in offers}
        header["offers"] = data = _offers(result)
        for oid, d in data.items():
            o = offer_map.get(oid)
            if o is None:
                continue
            name = _offer_name(call, o)
            if name:
                d["name"] = name
            if o.min_age_months is not None:
                d["min_age_months"] = o.min_age_months
            if o.max_age_months is not None:
                d["max_age_months"] = o.max_age_months
            cut, app = d["cutoff"], (applications or {}).get(d["cutoff"]["application_id"]) if d["cutoff"] else None
            if cut is None or app is None:
                continue
            if call.outcome.priorities:
                cut["class"], cut["priority"] = priority_at(call, app, o)
            if call.offer_criteria:
                cut["points_here"] = cut["points"] + sum(offer_scores(call, app, {oid: o}).get(oid, ()))
    else:
        header["budget"] = _budget(result)
        header["max_grant_cents"] = call.outcome.max_grant_cents
        header["fit"] = call.outcome.fit
    header["text"] = {lang: texts.header_lines(header, lang) for lang in LANGUAGES}
    return header


def explanation_context(
    call: Call,
    result: Result,
    offers: Iterable[Offer] = (),
    applications: Mapping[str, Application] | None = None,
) -> ExplanationContext:
    """The per-call part of the explanations (criteria, lottery seed, waiting positions, budget cut-off)."""
    lotteries = [tb for tb in call.tie_breakers if tb.kind == "lottery"]
    places = result.mode == "places"
    offer_map = {o.id: o for o in offers}
    oc = call.outcome
    age_field, ref_date = oc.age_field, oc.reference_date

    def age_limits(app: Application, o: Offer) -> int | None | bool:
        # As the engine filters preferences: only offers with an age range, only with an age field and date.
        if not age_field or ref_date is None or (o.min_age_months is None and o.max_age_months is None):
            return True
        birth = app.fields.get(age_field)
        if birth is None:
            return None
        age = age_in_months(birth, ref_date)
        lo = -1 if o.min_age_months is None else o.min_age_months
        hi = (1 << 30) if o.max_age_months is None else o.max_age_months
        return True if lo <= age <= hi else age

    return ExplanationContext(
        criteria=tuple((c.id, c.label, c.explain) for c in call.criteria),
        lottery_seed=(lotteries[0].seed or "") if lotteries else None,
        places=places,
        # Computed once per offer, not once per application that ranked it.
        positions={oid: {aid: i for i, aid in enumerate(o.waiting, start=1)} for oid, o in result.offers.items()}
        if places
        else {},
        budget_cutoff=None if places else _cutoff(result.cutoff),
        header=explanation_header(call, result, offer_map.values(), applications),
        call=call,
        offers=offer_map,
        tied=Counter(e.points for e in result.entries if e.eligible) if result.mode != "first_come" else {},
        age_limits=age_limits,
    )


def _choices(e: Entry, app: Application, ctx: ExplanationContext) -> list[dict[str, Any]]:
    """Each offer the application listed, in its order: placed, waiting (and where), not needed (an earlier
    choice was given), outside the age range, or unknown; with its class and points there when the call has them."""
    call, positions = ctx.call, ctx.positions
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    reached = True
    for k, oid in enumerate(app.preferences, start=1):
        if oid in seen:
            continue
        seen.add(oid)
        c: dict[str, Any] = {"offer": oid, "choice": k}
        out.append(c)
        o = ctx.offers.get(oid)
        if o is None:
            c["status"] = "unknown"
            continue
        fits = ctx.age_limits(app, o)
        if fits is not True:
            c["status"], c["age_months"] = "age", fits
            continue
        if not reached:
            c["status"] = "not_needed"
            continue
        if oid == e.offer:
            c["status"] = "placed"
            reached = False
        elif e.id in positions.get(oid, {}):
            c["status"], c["position"] = "waiting", positions[oid][e.id]
        else:
            c["status"] = "not_placed"
        if call.outcome.priorities:
            c["class"], c["priority"] = priority_at(call, app, o)
        if call.offer_criteria:
            of = {**o.fields, "id": oid}
            scores = [oc.score(app.fields, of) for oc in call.offer_criteria]
            c["offer_breakdown"] = [
                {"criterion": oc.id, "label": oc.label, "points": pts, "detail": oc.explain(app.fields, of)}
                for oc, pts in zip(call.offer_criteria, scores, strict=True)
            ]
            c["points"] = e.points + sum(scores)
    return out


def application_record(
    e: Entry,
    app: Application,
    ctx: ExplanationContext,
    *,
    remaining_cents: int | None = None,
    stopped_at: int | None = None,
) -> dict[str, Any]:
    """One application's explanation: exclusions with reasons, points by criterion with details, rank,
    outcome; in places mode its offer, preferences and each choice's status (waiting: the position) (the offers'
    cut-offs are in the header), in the budget modes the amounts, how the request was computed and the budget
    left at its turn. :func:`record_text` says it in sentences."""
    fields = app.fields
    item: dict[str, Any] = {
        "id": e.id,
        "eligible": e.eligible,
        "excluded_by": [{"rule": x.rule_id, "reason": x.reason} for x in e.exclusions],
        "points": e.points,
        "breakdown": [
            {"criterion": cid, "label": label, "points": pts, "detail": detail(fields)}
            for (cid, label, detail), pts in zip(ctx.criteria, e.scores, strict=True)
        ]
        if e.scores
        else [],
        "rank": e.rank,
        "outcome": e.outcome,
    }
    if ctx.lottery_seed is not None and e.eligible:
        item["lottery_key"] = lottery_key(ctx.lottery_seed, e.id)
    if e.eligible and ctx.tied.get(e.points, 0) > 1:
        item["tied_with"] = ctx.tied[e.points] - 1
    if ctx.places:
        item["offer"] = e.offer
        item["preferences"] = list(app.preferences)
        if e.eligible:
            item["choices"] = _choices(e, app, ctx)
    else:
        oc = ctx.call.outcome
        if oc.mode == "first_come":
            item["submitted_at"] = app.submitted_at.isoformat()
        item["requested_cents"] = e.requested_cents
        item["granted_cents"] = e.granted_cents
        item["cutoff"] = ctx.budget_cutoff
        if oc.request is not None:
            item["request"] = oc.request.explain(fields)
        if e.eligible:
            if e.requested_cents is not None or oc.max_grant_cents is not None:
                item["target_cents"] = target_amount(e.requested_cents, oc.max_grant_cents)
            item["remaining_cents"] = remaining_cents
            if stopped_at is not None:
                item["stopped_at"] = stopped_at
    return item


def record_text(record: Mapping[str, Any], header: Mapping[str, Any]) -> dict[str, list[str]]:
    """An application's explanation in sentences, Italian and English, from its record and the header.

    The sentences are not stored in ``explanation.jsonl`` (they would make it several times larger and
    slower to write): they are a pure function of the stored facts, rendered when someone reads them
    (``python -m concilia.allocation explain``, the pages)."""
    return {lang: texts.record_lines(dict(record), dict(header), lang) for lang in LANGUAGES}


def explanation_records(
    call: Call, result: Result, applications: Iterable[Application], offers: Iterable[Offer] = ()
) -> Iterator[dict[str, Any]]:
    """The header (see :func:`explanation_header`), then one record per application in ranking order."""
    apps = {a.id: a for a in applications}
    ctx = explanation_context(call, result, offers, apps)
    yield ctx.header
    if ctx.places:
        for e in result.entries:
            yield application_record(e, apps[e.id], ctx)
        return
    # Budget modes: the entries come in funding order; say what was left at each one's turn.
    left = result.budget_cents or 0
    stopped: int | None = None
    for e in result.entries:
        if not e.eligible:
            yield application_record(e, apps[e.id], ctx)
            continue
        yield application_record(e, apps[e.id], ctx, remaining_cents=left, stopped_at=stopped)
        left -= e.granted_cents or 0
        if stopped is None and e.outcome in ("not_funded", "partially_funded") and call.outcome.fit != "skip":
            stopped = e.rank
