"""Property tests for the assignment of places on random small instances."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from concilia.allocation.places import assign, blocking_pairs, rerun
from concilia.allocation.tests.test_places import serial_dictatorship
from concilia.allocation.types import Answer, Assignment, Candidate

OFFERS = ["o0", "o1", "o2", "o3", "o4"]


@st.composite
def instances(
    draw: st.DrawFn, *, groups: bool = True, priorities: bool = True, offer_points: bool | None = None
) -> tuple[list[Candidate], dict[str, int]]:
    """Random small instances; with ``offer_points`` (drawn when None) offers order by their own points too."""
    if offer_points is None:
        offer_points = priorities and draw(st.booleans())
    n_offers = draw(st.integers(1, len(OFFERS)))
    offers = OFFERS[:n_offers]
    caps = {o: draw(st.integers(0, 3)) for o in offers}
    n = draw(st.integers(0, 12))
    candidates = []
    for i in range(n):
        prefs = draw(st.lists(st.sampled_from([*offers, "unknown"]), max_size=4, unique=True))
        prio = draw(st.dictionaries(st.sampled_from(offers), st.integers(-1, 2), max_size=2)) if priorities else {}
        group = draw(st.one_of(st.none(), st.sampled_from(["f1", "f2", "f3"]))) if groups else None
        extra: dict = {}
        if offer_points:  # global points, a tie-breaker position and points at some offers only
            extra = {
                "points": draw(st.integers(0, 30)),
                "tie": draw(st.integers(1, 8)),
                "offer_points": draw(st.dictionaries(st.sampled_from(offers), st.integers(-5, 25), max_size=3)),
            }
        candidates.append(
            Candidate(
                id=f"c{i}",
                rank=draw(st.integers(1, 8)),  # ties in rank are broken by id
                preferences=tuple(prefs),
                group=group,
                offer_priority=prio,
                **extra,
            )
        )
    return candidates, caps


def offer_key(c: Candidate, offer: str) -> tuple[int, int, int, str]:
    return c.offer_key(offer)


def check_feasible(candidates: list[Candidate], caps: dict[str, int], result: Assignment) -> None:
    by_id = {c.id: c for c in candidates}
    counts = Counter(result.placed.values())
    for offer, count in counts.items():
        assert count <= caps[offer]
    for cid, offer in result.placed.items():
        assert offer in by_id[cid].preferences


def effective_groups(candidates: list[Candidate]) -> dict[str, list[Candidate]]:
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.group is not None:
            groups.setdefault(c.group, []).append(c)
    return {g: m for g, m in groups.items() if len(m) > 1}


@settings(max_examples=300, deadline=None)
@given(instances(groups=False, offer_points=True))
def test_offers_order_by_their_own_points_and_the_matching_stays_stable(
    inst: tuple[list[Candidate], dict[str, int]],
) -> None:
    """Per-offer points: each offer ranks by its own score; still no justified envy (no blocking pair)."""
    candidates, caps = inst
    result = assign(candidates, caps)
    check_feasible(candidates, caps, result)
    assert blocking_pairs(candidates, caps, result) == []
    for offer, waiting in result.waiting.items():
        keys = [next(c for c in candidates if c.id == w).offer_key(offer) for w in waiting]
        assert keys == sorted(keys)


@settings(max_examples=300, deadline=None)
@given(instances(groups=False))
def test_without_groups_the_matching_is_feasible_and_stable(inst: tuple[list[Candidate], dict[str, int]]) -> None:
    candidates, caps = inst
    result = assign(candidates, caps)
    check_feasible(candidates, caps, result)
    assert blocking_pairs(candidates, caps, result) == []


@settings(max_examples=300, deadline=None)
@given(instances(groups=True))
def test_independent_siblings_are_ordinary_candidates(inst: tuple[list[Candidate], dict[str, int]]) -> None:
    candidates, caps = inst
    result = assign(candidates, caps, siblings="independent")
    check_feasible(candidates, caps, result)
    assert blocking_pairs(candidates, caps, result) == []


@settings(max_examples=300, deadline=None)
@given(instances(groups=False, priorities=False))
def test_equal_priorities_give_serial_dictatorship(inst: tuple[list[Candidate], dict[str, int]]) -> None:
    candidates, caps = inst
    assert assign(candidates, caps).placed == serial_dictatorship(candidates, caps)


@settings(max_examples=400, deadline=None)
@given(instances(groups=True))
def test_siblings_together_or_none_and_envy_only_from_groups(
    inst: tuple[list[Candidate], dict[str, int]],
) -> None:
    candidates, caps = inst
    result = assign(candidates, caps)
    check_feasible(candidates, caps, result)
    groups = effective_groups(candidates)
    for members in groups.values():
        offers = {result.placed.get(c.id) for c in members}
        assert len(offers) == 1  # all in the same offer, or all unplaced (None)
    by_id = {c.id: c for c in candidates}
    grouped = {c.id for members in groups.values() for c in members}
    for cid, offer in blocking_pairs(candidates, caps, result):
        if cid in grouped:
            continue
        # A single candidate may only envy a sibling admitted with the group's best member.
        me = offer_key(by_id[cid], offer)
        assert any(
            other in grouped and placed == offer and offer_key(by_id[other], offer) > me
            for other, placed in result.placed.items()
        ), (cid, offer)


@settings(max_examples=300, deadline=None)
@given(instances(groups=True), st.sampled_from(["together", "independent"]), st.randoms(use_true_random=False))
def test_order_of_candidates_does_not_matter(
    inst: tuple[list[Candidate], dict[str, int]], siblings: str, rnd: random.Random
) -> None:
    candidates, caps = inst
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    policy = "together" if siblings == "together" else "independent"
    assert assign(candidates, caps, siblings=policy) == assign(shuffled, caps, siblings=policy)


@settings(max_examples=300, deadline=None)
@given(instances(groups=False), st.data())
def test_waiting_lists_hold_who_wanted_more_in_offer_order(
    inst: tuple[list[Candidate], dict[str, int]], data: st.DataObject
) -> None:
    candidates, caps = inst
    result = assign(candidates, caps)
    for offer, waiting in result.waiting.items():
        expected = [
            c
            for c in candidates
            if offer in c.preferences
            and (c.id not in result.placed or c.preferences.index(offer) < c.preferences.index(result.placed[c.id]))
        ]
        expected.sort(key=lambda c: offer_key(c, offer))
        assert waiting == [c.id for c in expected]
        admitted = [c for c in candidates if result.placed.get(c.id) == offer]
        if admitted:
            last = max(admitted, key=lambda c: offer_key(c, offer))
            assert result.cutoff[offer] == (last.id, last.rank)
        else:
            assert result.cutoff[offer] is None


ANSWERS: list[Answer] = ["accepted", "refused", "expired", "pending"]


@settings(max_examples=300, deadline=None)
@given(instances(groups=True), st.data())
def test_rerun_keeps_accepted_and_drops_refused(
    inst: tuple[list[Candidate], dict[str, int]], data: st.DataObject
) -> None:
    candidates, caps = inst
    first = assign(candidates, caps)
    answers: dict[str, Answer] = {
        cid: data.draw(st.sampled_from(ANSWERS)) for cid in first.placed if data.draw(st.booleans())
    }
    second = rerun(candidates, caps, previous=first.placed, answers=answers)
    check_feasible(candidates, caps, second)
    for cid, offer in first.placed.items():
        answer = answers.get(cid, "pending")
        if answer in ("accepted", "pending"):
            assert second.placed[cid] == offer
        else:
            assert cid not in second.placed
            assert all(cid not in w for w in second.waiting.values())
    assert second == rerun(list(reversed(candidates)), caps, previous=first.placed, answers=answers)
    # Nobody who was placed before loses a seat, and without new answers nothing changes.
    assert rerun(candidates, caps, previous=first.placed, answers={}).placed == first.placed
