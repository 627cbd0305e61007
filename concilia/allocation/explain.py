"""Turn a :class:`~concilia.allocation.engine.Result` into plain, JSON-ready data.

``ranking_data`` is the ranking itself (what is published, and what ``rerun`` reads back);
``explanation_data`` tells each applicant why: which rule excluded them, points by criterion with
a short detail, the position, the outcome and the cut-off they were measured against.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def ranking_data(result: Result) -> dict[str, Any]:
    """The ranking as JSON-ready data."""
    data: dict[str, Any] = {
        "call_id": result.call_id,
        "mode": result.mode,
        "entries": [entry_data(e) for e in result.entries],
    }
    if result.mode == "places":
        data["offers"] = {
            oid: {
                "capacity": o.capacity,
                "placed": o.placed,
                "cutoff": _cutoff(o.cutoff),
                "waiting": list(o.waiting),
            }
            for oid, o in result.offers.items()
        }
    else:
        data["budget"] = {
            "budget_cents": result.budget_cents,
            "spent_cents": result.spent_cents,
            "cutoff": _cutoff(result.cutoff),
        }
    return data


def ranking_rows(result: Result) -> list[dict[str, Any]]:
    """Rows for ``ranking.csv``."""
    rows = []
    for e in result.entries:
        d = entry_data(e)
        d["excluded_by"] = "|".join(d["excluded_by"])
        d["eligible"] = "true" if e.eligible else "false"
        rows.append(d)
    return rows


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


def explanation_data(call: Call, result: Result, applications: Iterable[Application]) -> dict[str, Any]:
    """Per application: exclusions with reasons, points by criterion with details, rank, outcome, cut-off."""
    apps = {a.id: a for a in applications}
    crit = [(c.id, c.label, c.explain) for c in call.criteria]
    lotteries = [tb for tb in call.tie_breakers if tb.kind == "lottery"]
    seed = (lotteries[0].seed or "") if lotteries else None
    data = ranking_data(result)
    out: dict[str, Any] = {
        "call_id": call.id,
        "title": call.title,
        "mode": result.mode,
        "order": ["points (descending)", *(tb.description for tb in call.tie_breakers), "application id"]
        if result.mode != "first_come"
        else ["submission time", "application id"],
        "applications": {},
    }
    places = result.mode == "places"
    if places:
        out["offers"] = data["offers"]
        # Computed once per offer, not once per application that ranked it.
        positions = {oid: {aid: i for i, aid in enumerate(o.waiting, start=1)} for oid, o in result.offers.items()}
        cutoffs = {oid: _cutoff(o.cutoff) for oid, o in result.offers.items()}
    else:
        out["budget"] = data["budget"]
        budget_cutoff = _cutoff(result.cutoff)
    items = out["applications"]
    for e in result.entries:
        app = apps[e.id]
        fields = app.fields
        item: dict[str, Any] = {
            "eligible": e.eligible,
            "excluded_by": [{"rule": x.rule_id, "reason": x.reason} for x in e.exclusions],
            "points": e.points,
            "breakdown": [
                {"criterion": cid, "label": label, "points": pts, "detail": detail(fields)}
                for (cid, label, detail), pts in zip(crit, e.scores, strict=True)
            ]
            if e.scores
            else [],
            "rank": e.rank,
            "outcome": e.outcome,
        }
        if seed is not None and e.eligible:
            item["lottery_key"] = lottery_key(seed, e.id)
        if places:
            item["offer"] = e.offer
            item["preferences"] = list(app.preferences)
            wanted = [oid for oid in app.preferences if oid in cutoffs]
            item["waiting_positions"] = {oid: positions[oid][e.id] for oid in wanted if e.id in positions[oid]}
            item["cutoffs_of_preferences"] = {oid: cutoffs[oid] for oid in wanted}
        else:
            item["requested_cents"] = e.requested_cents
            item["granted_cents"] = e.granted_cents
            item["cutoff"] = budget_cutoff
        items[e.id] = item
    return out
