"""Hand-checked instances for the assignment of places (deferred acceptance)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from concilia.allocation.places import assign, blocking_pairs, rerun
from concilia.allocation.types import Candidate


def cand(
    cid: str,
    rank: int,
    *prefs: str,
    group: str | None = None,
    priority: Mapping[str, int] | None = None,
) -> Candidate:
    return Candidate(id=cid, rank=rank, preferences=prefs, group=group, offer_priority=priority or {})


def serial_dictatorship(candidates: list[Candidate], capacities: dict[str, int]) -> dict[str, str]:
    left = dict(capacities)
    placed = {}
    for c in sorted(candidates, key=lambda c: (c.rank, c.id)):
        for o in c.preferences:
            if left.get(o, 0) > 0:
                left[o] -= 1
                placed[c.id] = o
                break
    return placed


def test_given_equal_priorities_when_assigning_then_best_ranked_choose_first() -> None:
    candidates = [cand("a", 1, "x", "y"), cand("b", 2, "x", "y"), cand("c", 3, "x", "y"), cand("d", 4, "y")]
    result = assign(candidates, {"x": 1, "y": 2})
    assert result.placed == {"a": "x", "b": "y", "c": "y"}
    assert result.waiting == {"x": ["b", "c"], "y": ["d"]}
    assert result.cutoff == {"x": ("a", 1), "y": ("c", 3)}


def test_given_known_stable_matching_when_priorities_differ_then_applicant_optimal() -> None:
    # x prefers b (resident), y prefers a. a wants x then y, b wants y then x.
    # Applicant-optimal stable matching: a-x, b-y (each gets the first choice; no one envies).
    candidates = [
        cand("a", 1, "x", "y", priority={"x": 1}),
        cand("b", 2, "y", "x", priority={"y": 1}),
    ]
    result = assign(candidates, {"x": 1, "y": 1})
    assert result.placed == {"a": "x", "b": "y"}
    assert blocking_pairs(candidates, {"x": 1, "y": 1}, result) == []


def test_given_resident_priority_when_offer_full_then_resident_evicts_better_ranked() -> None:
    # "b" is a resident of x's municipality: priority class 0 there, non-residents 1.
    candidates = [
        cand("a", 1, "x", "y", priority={"x": 1}),
        cand("b", 2, "x", priority={"x": 0}),
        cand("c", 3, "y"),
    ]
    result = assign(candidates, {"x": 1, "y": 1})
    assert result.placed == {"b": "x", "a": "y"}
    assert result.waiting == {"x": ["a"], "y": ["c"]}
    assert result.cutoff == {"x": ("b", 2), "y": ("a", 1)}


def test_given_textbook_instance_when_assigning_then_unique_stable_matching() -> None:
    # Three candidates, three single-seat offers with cyclic priorities.
    # x: c > a > b, y: a > b > c, z: b > c > a  (expressed as priority classes).
    prio = {
        "a": {"x": 1, "y": 0, "z": 2},
        "b": {"x": 2, "y": 1, "z": 0},
        "c": {"x": 0, "y": 2, "z": 1},
    }
    candidates = [
        cand("a", 1, "x", "y", "z", priority=prio["a"]),
        cand("b", 2, "x", "z", "y", priority=prio["b"]),
        cand("c", 3, "y", "x", "z", priority=prio["c"]),
    ]
    caps = {"x": 1, "y": 1, "z": 1}
    result = assign(candidates, caps)
    # DA trace: a->x, b->x rejected (a better) -> b->z, c->y. All first-or-second choices;
    # a has x (first), c has y (first), b has z (second, x prefers a). Stable.
    assert result.placed == {"a": "x", "b": "z", "c": "y"}
    assert blocking_pairs(candidates, caps, result) == []


def test_given_no_priorities_then_equals_serial_dictatorship() -> None:
    import random

    rnd = random.Random(7)
    offers = [f"o{i}" for i in range(8)]
    caps = {o: rnd.randint(0, 4) for o in offers}
    candidates = [cand(f"c{i}", rnd.randint(1, 30), *rnd.sample(offers, 3)) for i in range(40)]
    result = assign(candidates, caps)
    assert result.placed == serial_dictatorship(candidates, caps)


def test_unknown_offers_are_ignored_and_zero_capacity_admits_nobody() -> None:
    candidates = [cand("a", 1, "ghost", "zero", "x"), cand("b", 2, "zero")]
    result = assign(candidates, {"zero": 0, "x": 1})
    assert result.placed == {"a": "x"}
    assert result.waiting == {"zero": ["a", "b"], "x": []}
    assert result.cutoff == {"zero": None, "x": ("a", 1)}


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        assign([cand("a", 1, "x"), cand("a", 2, "x")], {"x": 1})


def test_given_fixed_placements_then_they_consume_capacity_and_never_move() -> None:
    # "c" is fixed in x although a and b are better ranked and want x.
    candidates = [cand("a", 1, "x", "y"), cand("b", 2, "x", "y"), cand("c", 3, "y")]
    result = assign(candidates, {"x": 1, "y": 2}, fixed={"c": "x"})
    assert result.placed == {"c": "x", "a": "y", "b": "y"}
    # fixed candidates are on no waiting list; the cut-off counts them
    assert result.waiting == {"x": ["a", "b"], "y": []}
    assert result.cutoff == {"x": ("c", 3), "y": ("b", 2)}


def test_fixed_candidate_unknown_to_the_list_is_kept() -> None:
    result = assign([cand("a", 1, "x")], {"x": 1}, fixed={"old": "x"})
    assert result.placed == {"old": "x"}
    assert result.waiting == {"x": ["a"]}


def test_siblings_together_get_one_offer_they_all_ranked() -> None:
    candidates = [
        cand("s1", 1, "x", "y", group="f"),
        cand("s2", 5, "y", "x", group="f"),  # the best member's order decides: x first
        cand("a", 2, "x"),
        cand("b", 3, "y"),
    ]
    result = assign(candidates, {"x": 2, "y": 2})
    # The family competes in x with s1's rank (1): it takes both seats, "a" gets nothing.
    assert result.placed == {"s1": "x", "s2": "x", "b": "y"}
    assert result.waiting["x"] == ["a"]
    assert result.cutoff["x"] == ("s2", 5)


def test_siblings_need_as_many_seats_as_members_or_none() -> None:
    candidates = [cand("s1", 1, "x", "y", group="f"), cand("s2", 2, "x", "y", group="f"), cand("a", 3, "x")]
    result = assign(candidates, {"x": 1, "y": 2})
    assert result.placed == {"s1": "y", "s2": "y", "a": "x"}


def test_siblings_that_fit_nowhere_stay_unplaced_and_do_not_block_others() -> None:
    candidates = [
        cand("s1", 1, "x", "y", group="f"),
        cand("s2", 2, "x", group="f"),  # only x is common, and x has one seat
        cand("a", 3, "x"),
        cand("b", 4, "y"),
    ]
    result = assign(candidates, {"x": 1, "y": 1})
    assert result.placed == {"a": "x", "b": "y"}
    assert result.waiting == {"x": ["s1", "s2"], "y": []}


def test_group_evicted_as_a_block_frees_seats_for_candidates_rejected_before() -> None:
    # x has 2 seats and puts "a" (a resident: class 0) before everyone else (class 1).
    # The family (rank 2, 3) takes both seats; "c" (rank 4) is turned away to y. Then "a"
    # evicts the whole family: one seat becomes free again and "c" is invited back to x,
    # releasing y. The family goes to its second joint choice z.
    candidates = [
        cand("s1", 2, "x", "z", group="f", priority={"x": 1}),
        cand("s2", 3, "x", "z", group="f", priority={"x": 1}),
        cand("c", 4, "x", "y", priority={"x": 1}),
        cand("a", 9, "x"),
        cand("e", 10, "y"),
    ]
    caps = {"x": 2, "y": 1, "z": 2}
    result = assign(candidates, caps)
    assert result.placed == {"a": "x", "c": "x", "s1": "z", "s2": "z", "e": "y"}
    # s1 and s2 out-rank c in x, but there is one seat for two: siblings-together forced it.
    assert blocking_pairs(candidates, caps, result) == [("s1", "x"), ("s2", "x")]


def test_independent_siblings_are_placed_alone() -> None:
    candidates = [cand("s1", 1, "x", "y", group="f"), cand("s2", 2, "x", "y", group="f")]
    result = assign(candidates, {"x": 1, "y": 1}, siblings="independent")
    assert result.placed == {"s1": "x", "s2": "y"}
    together = assign(candidates, {"x": 1, "y": 1})
    assert together.placed == {}


def test_blocking_pairs_finds_envy_and_waste() -> None:
    candidates = [cand("a", 1, "x", "y"), cand("b", 2, "x")]
    from concilia.allocation.types import Assignment

    bad = Assignment(placed={"a": "y", "b": "x"}, waiting={}, cutoff={})
    assert blocking_pairs(candidates, {"x": 1, "y": 1}, bad) == [("a", "x")]
    wasteful = Assignment(placed={"a": "y"}, waiting={}, cutoff={})
    assert blocking_pairs(candidates, {"x": 1, "y": 1}, wasteful) == [("a", "x"), ("b", "x")]


def test_rerun_keeps_accepted_and_pending_and_fills_freed_seats() -> None:
    candidates = [
        cand("a", 1, "x"),
        cand("b", 2, "x"),
        cand("c", 3, "x", "y"),
        cand("d", 4, "x", "y"),
        cand("e", 5, "y"),
    ]
    caps = {"x": 2, "y": 1}
    first = assign(candidates, caps)
    assert first.placed == {"a": "x", "b": "x", "c": "y"}
    # a refuses, b accepts, c says nothing yet (pending).
    second = rerun(candidates, caps, previous=first.placed, answers={"a": "refused", "b": "accepted"})
    assert second.placed == {"b": "x", "c": "y", "d": "x"}
    assert "a" not in second.waiting["x"]
    # then c's offer expires: y goes to e (d keeps x, it is pending by default).
    third = rerun(candidates, caps, previous=second.placed, answers={"a": "refused", "c": "expired"})
    assert third.placed == {"b": "x", "d": "x", "e": "y"}
    # deterministic
    assert third == rerun(candidates, caps, previous=second.placed, answers={"a": "refused", "c": "expired"})


def test_rerun_keeps_a_better_ranked_unplaced_candidate_out_of_accepted_seats() -> None:
    candidates = [cand("a", 1, "x"), cand("b", 2, "x")]
    result = rerun(candidates, {"x": 1}, previous={"b": "x"}, answers={"b": "accepted"})
    assert result.placed == {"b": "x"}
    assert result.waiting == {"x": ["a"]}


def test_siblings_without_stable_matching_terminate_and_singles_only_envy_siblings() -> None:
    # No stable outcome: c1 -> o0 frees o1 for c3, c3 leaving o0 lets the family back in,
    # which pushes c1 back to o1 and c3 to o0, and so on. The cycle guard stops it, and the
    # fallback re-seats the singles around the family so that only siblings are left out.
    candidates = [
        cand("c3", 4, "o1", "o0"),
        cand("c0", 6, "o0", group="b"),
        cand("c4", 7, "o0", group="b"),
        cand("c2", 9, "o1"),
        cand("c1", 10, "o0", "o1", priority={"o1": -1}),
    ]
    caps = {"o0": 2, "o1": 1}
    result = assign(candidates, caps)
    assert result == assign(list(reversed(candidates)), caps)
    assert set(result.placed) <= {"c3", "c1", "c0", "c4"}
    assert {result.placed.get("c0"), result.placed.get("c4")} in ({None}, {"o0"})
    for cid, _offer in blocking_pairs(candidates, caps, result):
        assert cid in {"c0", "c4"}
