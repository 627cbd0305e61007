"""Funding down an ordered list until the budget ends.

Used by both budget modes: ``ranked_budget`` (the order is the ranking) and ``first_come`` (the
order is submission time). The rule for the first application that no longer fits is the call's
``fit``: ``stop`` (nobody after it is funded), ``skip`` (go on to later, smaller ones that still
fit) or ``partial`` (fund it with what is left, then stop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

FitRule = Literal["stop", "skip", "partial"]


@dataclass(frozen=True, slots=True)
class Grants:
    """What each application receives, in cents; only funded ones appear in ``granted``."""

    granted: dict[str, int]
    partial: frozenset[str]
    spent_cents: int
    last_funded: str | None


def target_amount(requested_cents: int | None, max_grant_cents: int | None) -> int:
    """The amount an application may receive in full: its request capped by the call's maximum.

    An application without a request asks for the maximum grant.
    """
    if requested_cents is None:
        if max_grant_cents is None:
            raise ValueError("an application has no requested_cents and the call has no max_grant_cents")
        return max_grant_cents
    if requested_cents < 0:
        raise ValueError("requested_cents must not be negative")
    return requested_cents if max_grant_cents is None else min(requested_cents, max_grant_cents)


def allocate(order: Sequence[tuple[str, int]], budget_cents: int, fit: FitRule) -> Grants:
    """Fund ``(application id, amount)`` pairs in the given order within ``budget_cents``."""
    remaining = budget_cents
    granted: dict[str, int] = {}
    partial: set[str] = set()
    last: str | None = None
    for app_id, amount in order:
        if amount <= remaining:
            granted[app_id] = amount
            remaining -= amount
            last = app_id
            continue
        if fit == "skip":
            continue
        if fit == "partial" and remaining > 0:
            granted[app_id] = remaining
            partial.add(app_id)
            remaining = 0
            last = app_id
        break
    return Grants(granted, frozenset(partial), budget_cents - remaining, last)
