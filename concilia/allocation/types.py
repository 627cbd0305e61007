"""Plain data exchanged with the engine. Money is integer euro cents; points are integers.

These types are the contract between the modules: ``rules``/``engine`` (eligibility, points,
ranking, budget, explanation), ``places`` (assignment of offers) and the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SiblingPolicy = Literal["together", "independent"]
Answer = Literal["accepted", "refused", "expired", "pending"]


@dataclass(frozen=True, slots=True)
class Application:
    """One application ("domanda") as the engine sees it.

    ``fields`` holds the values the call's rules read, by name (e.g. ``isee_cents``,
    ``municipality``, ``child_birth_date``, ``disability``, ``children_under_11``).
    """

    id: str
    submitted_at: dt.datetime
    fields: Mapping[str, Any] = field(default_factory=dict)
    preferences: tuple[str, ...] = ()
    """Offer ids, most wanted first (places mode)."""
    group: str | None = None
    """Siblings applying together share a group id."""
    requested_cents: int | None = None
    """Amount asked (budget modes)."""


@dataclass(frozen=True, slots=True)
class Offer:
    """A bookable unit (service × period × time slot × age group) with a capacity."""

    id: str
    capacity: int
    min_age_months: int | None = None
    max_age_months: int | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)
    """Values the offer's own priority rules read (e.g. its ``municipality``)."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """An eligible, ranked application as the assignment of places sees it."""

    id: str
    rank: int
    """Global position in the ranking, 1 = best."""
    preferences: tuple[str, ...]
    """Acceptable offers, most wanted first (already filtered by age range)."""
    group: str | None = None
    offer_priority: Mapping[str, int] = field(default_factory=dict)
    """Per offer, a priority class (lower comes first, default 0); ties broken by ``rank``."""
    points: int = 0
    """The global points (what ``rank`` was computed from); only read when some offer gives points of its own."""
    offer_points: Mapping[str, int] = field(default_factory=dict)
    """Per offer, points that count at that offer only (a sibling attends it, it is the nearest to home)."""
    tie: int | None = None
    """Position in the order of the call's tie-breakers alone (no points), default ``rank``."""

    def offer_key(self, offer: str) -> tuple[int, int, int, str]:
        """How ``offer`` orders its applicants (lower first): priority class, then the points at that offer
        (global and the offer's own, highest first), then the tie-breakers, then the id. Without per-offer
        points this is the order of (class, rank, id)."""
        own = self.offer_points.get(offer, 0)
        return (
            self.offer_priority.get(offer, 0),
            -(self.points + own),
            self.rank if self.tie is None else self.tie,
            self.id,
        )


@dataclass(slots=True)
class Assignment:
    """The outcome of assigning places."""

    placed: dict[str, str]
    """Candidate id → offer id."""
    waiting: dict[str, list[str]]
    """Offer id → candidates who wanted it more than what they got (or got nothing), in the offer's order."""
    cutoff: dict[str, tuple[str, int] | None]
    """Offer id → (last admitted candidate id, its global rank), or None when nobody was admitted."""
