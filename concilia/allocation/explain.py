"""Turn a :class:`~concilia.allocation.engine.Result` into plain, JSON-ready data.

``ranking_data`` is the ranking itself (what is published, and what ``rerun`` reads back);
``explanation_records`` tells each applicant why: which rule excluded them, points by criterion with
a short detail, the position, the outcome and the cut-off they were measured against. It yields a
header (the call, the order, the offers with their cut-offs or the budget) and then one record per
application, built one at a time, so a call of any size is explained without holding every record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from concilia.allocation.engine import Cutoff, Entry, Result
from concilia.allocation.rules import Call, lottery_key
from concilia.allocation.types import Application

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


def explanation_header(call: Call, result: Result) -> dict[str, Any]:
    """The first record: the call, the order applied, the offers (with cut-offs and waiting lists) or the budget."""
    header: dict[str, Any] = {
        "call_id": call.id,
        "title": call.title,
        "mode": result.mode,
        "order": ["points (descending)", *(tb.description for tb in call.tie_breakers), "application id"]
        if result.mode != "first_come"
        else ["submission time", "application id"],
    }
    if result.mode == "places":
        header["offers"] = _offers(result)
    else:
        header["budget"] = _budget(result)
    return header


def explanation_context(call: Call, result: Result) -> ExplanationContext:
    """The per-call part of the explanations (criteria, lottery seed, waiting positions, budget cut-off)."""
    lotteries = [tb for tb in call.tie_breakers if tb.kind == "lottery"]
    places = result.mode == "places"
    return ExplanationContext(
        criteria=tuple((c.id, c.label, c.explain) for c in call.criteria),
        lottery_seed=(lotteries[0].seed or "") if lotteries else None,
        places=places,
        # Computed once per offer, not once per application that ranked it.
        positions={oid: {aid: i for i, aid in enumerate(o.waiting, start=1)} for oid, o in result.offers.items()}
        if places
        else {},
        budget_cutoff=None if places else _cutoff(result.cutoff),
    )


def application_record(e: Entry, app: Application, ctx: ExplanationContext) -> dict[str, Any]:
    """One application's explanation: exclusions with reasons, points by criterion with details, rank,
    outcome; in places mode its offer, preferences and waiting positions (the offers' cut-offs are in
    the header), in the budget modes the amounts and the cut-off."""
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
    if ctx.places:
        positions = ctx.positions
        item["offer"] = e.offer
        item["preferences"] = list(app.preferences)
        item["waiting_positions"] = {
            oid: positions[oid][e.id] for oid in app.preferences if oid in positions and e.id in positions[oid]
        }
    else:
        item["requested_cents"] = e.requested_cents
        item["granted_cents"] = e.granted_cents
        item["cutoff"] = ctx.budget_cutoff
    return item


def explanation_records(call: Call, result: Result, applications: Iterable[Application]) -> Iterator[dict[str, Any]]:
    """The header (see :func:`explanation_header`), then one record per application in ranking order."""
    yield explanation_header(call, result)
    apps = {a.id: a for a in applications}
    ctx = explanation_context(call, result)
    for e in result.entries:
        yield application_record(e, apps[e.id], ctx)
