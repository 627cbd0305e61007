"""The allocation benchmark at a tiny size: correctness facts only, never timings."""

from __future__ import annotations

import random

import pytest

pytest.importorskip("matching")
pytest.importorskip("ortools")
pytest.importorskip("highspy")

from benchmarks import allocation as bench  # noqa: E402
from benchmarks import allocation_models as models  # noqa: E402
from concilia.allocation import places  # noqa: E402
from concilia.allocation.types import Candidate  # noqa: E402

N = 50


def test_generator_is_seeded_and_realistic() -> None:
    inst = bench.generate(1_000)
    again = bench.generate(1_000)
    assert [a.preferences for a in inst.applications] == [a.preferences for a in again.applications]
    assert inst.n == 1_000 and inst.m == 20
    assert 0.80 <= sum(inst.capacities.values()) / inst.n <= 0.90
    assert all(len(set(a.preferences)) == len(a.preferences) == 5 for a in inst.applications)
    grouped = [a for a in inst.applications if a.group is not None]
    assert 0.09 <= len(grouped) / inst.n <= 0.11
    sizes: dict[str, int] = {}
    for a in grouped:
        sizes[a.group] = sizes.get(a.group, 0) + 1  # type: ignore[index]
    assert set(sizes.values()) <= {2, 3}


def test_engine_ranking_equals_the_reference_ranking() -> None:
    from concilia.allocation import engine, rules

    inst = bench.generate(300)
    call = rules.parse_call(bench.call_yaml(inst.district), "bench.yaml")
    ordered = engine._order(call, engine._score(call, inst.applications))
    got = engine._candidates(call, ordered, {o.id: o for o in inst.offers})
    want = bench.reference_candidates(inst)
    assert [(c.id, c.rank, c.preferences, c.group, dict(c.offer_priority)) for c in got] == [
        (c.id, c.rank, c.preferences, c.group, dict(c.offer_priority)) for c in want
    ]


def test_engine_matching_equals_the_matching_library() -> None:
    for seed in range(5):
        inst = bench.generate(N, sibling_share=0.0, seed=seed)
        cands = bench.reference_candidates(inst, siblings="independent")
        lib, _ = models.matching_library(cands, inst.capacities)
        assert places.assign(cands, inst.capacities, siblings="independent").placed == lib


def test_with_per_offer_points_the_matching_equals_the_matching_library() -> None:
    """Each offer ranks by its own score (global points + its own points): still the applicant-optimal
    stable matching the ``matching`` library finds, on instances without groups."""
    for seed in range(5):
        inst = bench.generate(N, sibling_share=0.0, seed=seed)
        rnd = random.Random(seed)
        cands = [
            Candidate(
                c.id,
                c.rank,
                c.preferences,
                None,
                c.offer_priority,
                points=-c.rank,
                offer_points={o: rnd.choice((0, 0, 5, 20)) for o in c.preferences},
                tie=c.rank,
            )
            for c in bench.reference_candidates(inst, siblings="independent")
        ]
        assert any(c.offer_points[o] for c in cands for o in c.preferences)
        lib, _ = models.matching_library(cands, inst.capacities)
        got = places.assign(cands, inst.capacities, siblings="independent")
        assert got.placed == lib
        assert places.blocking_pairs(cands, inst.capacities, got) == []
        plain = places.assign(
            [Candidate(c.id, c.rank, c.preferences, None, c.offer_priority) for c in cands], inst.capacities
        )
        assert plain.placed != got.placed  # the offers' own points changed who is placed


def test_exact_optimum_places_at_least_as_many_as_the_engine() -> None:
    for seed in range(3):
        inst = bench.generate(N, sibling_share=0.0, seed=seed)
        cands = bench.reference_candidates(inst, siblings="independent")
        engine_placed = len(places.assign(cands, inst.capacities, siblings="independent").placed)
        highs = models.max_placed_highs(cands, inst.capacities)
        cpsat = models.cpsat_places(cands, inst.capacities, objective="placed", time_limit_s=20)
        assert cpsat.status == "OPTIMAL" and not highs.notes
        assert highs.count == cpsat.count >= engine_placed
        _assert_feasible(cands, inst.capacities, cpsat.placed)


def test_cpsat_with_siblings_keeps_families_together() -> None:
    inst = bench.generate(N, seed=7)
    cands = bench.reference_candidates(inst, siblings="together")
    assert any(c.group for c in cands)
    engine = places.assign(cands, inst.capacities, siblings="together")
    best = models.cpsat_places(cands, inst.capacities, objective="placed", hint=engine.placed, time_limit_s=20)
    assert best.status == "OPTIMAL" and best.count >= len(engine.placed)
    fewest = models.cpsat_places(
        cands, inst.capacities, objective="blocking", min_placed=best.count, hint=best.placed, time_limit_s=20
    )
    assert fewest.count >= best.count
    assert fewest.objective == len(models.count_blocking_pairs(cands, inst.capacities, fewest.placed))
    for result in (best.placed, fewest.placed):
        _assert_feasible(cands, inst.capacities, result)
        groups: dict[str, set[str | None]] = {}
        for c in cands:
            if c.group:
                groups.setdefault(c.group, set()).add(result.get(c.id))
        assert all(len(offers) == 1 for offers in groups.values())


def test_blocking_pairs_by_hand() -> None:
    cands = [
        Candidate("a", 1, ("X", "Y"), offer_priority={"Y": 1}),
        Candidate("b", 2, ("X",)),
        Candidate("c", 3, ("Y", "X"), offer_priority={"Y": 0, "X": 1}),
    ]
    caps = {"X": 1, "Y": 1}
    # a at Y, c at X: a envies X (X admitted c, whom it ranks below a); b envies X likewise;
    # c envies Y (Y puts c first, above a).
    assert sorted(models.count_blocking_pairs(cands, caps, {"a": "Y", "c": "X"})) == [
        ("a", "X"),
        ("b", "X"),
        ("c", "Y"),
    ]
    # nobody placed: every acceptable pair blocks (free places)
    assert len(models.count_blocking_pairs(cands, caps, {})) == 5
    # the stable matching has none
    stable = places.assign(cands, caps, siblings="independent").placed
    assert stable == {"a": "X", "c": "Y"}
    assert models.count_blocking_pairs(cands, caps, stable) == []


def test_blocking_pairs_agree_with_the_engine_on_perturbed_assignments() -> None:
    inst = bench.generate(200, seed=3)
    cands = bench.reference_candidates(inst, siblings="together")
    assignment = places.assign(cands, inst.capacities, siblings="together")
    rng = random.Random(0)
    for _ in range(5):
        placed = dict(assignment.placed)
        for cid in rng.sample(sorted(placed), 20):
            del placed[cid]
        assignment.placed = placed
        mine = models.count_blocking_pairs(cands, inst.capacities, placed)
        theirs = places.blocking_pairs(cands, inst.capacities, assignment)
        assert sorted(mine) == sorted(theirs) and mine


def test_each_comparison_runs_at_a_tiny_size(capsys: pytest.CaptureFixture[str]) -> None:
    report = bench.Report()
    bench.stable_matching(report, 30.0, (N,), 5)
    bench.price_of_stability(report, [(N, 10)], 5)
    bench.siblings(report, (N,), 5, 5.0)
    data = report.data
    assert data["stable_matching"]["same"] is True
    assert data["stable_matching"]["engine_blocking_pairs"] == 0
    (row,) = data["price_of_stability"]
    assert row["optimum"] >= row["engine"] and row["more"] == row["optimum"] - row["engine"]
    (sib,) = data["siblings"]
    assert sib["cpsat_max_placed"]["placed"] >= sib["engine"]["placed"]
    assert "same applicant-optimal stable matching: YES" in capsys.readouterr().out


def _assert_feasible(cands: list[Candidate], caps: dict[str, int], placed: dict[str, str]) -> None:
    prefs = {c.id: c.preferences for c in cands}
    assert all(o in prefs[cid] for cid, o in placed.items())
    load: dict[str, int] = {}
    for o in placed.values():
        load[o] = load.get(o, 0) + 1
    assert all(load[o] <= caps[o] for o in load)


def test_engine_with_per_offer_points_equals_the_matching_library() -> None:
    """The benchmark's call with ``offer_points`` (+20 where a sibling already attends, +10 at the nursery
    nearest the parent's work): the engine's placements are the applicant-optimal stable matching."""
    import dataclasses

    from concilia.allocation import engine, rules

    offer_points = (
        "offer_points:\n"
        "  - {id: sibling_there, label: Sibling attends, condition: {same: [sibling_at, offer.id]}, points: 20}\n"
        "  - {id: near_work, label: Nearest to work, condition: {same: [nearest_to_work, offer.id]}, points: 10}\n"
    )
    for seed in range(3):
        inst = bench.generate(N * 4, sibling_share=0.0, seed=seed)
        rnd = random.Random(seed)
        apps = [
            dataclasses.replace(
                a,
                fields={
                    **a.fields,
                    "sibling_at": rnd.choice(a.preferences) if rnd.random() < 0.3 else None,
                    "nearest_to_work": rnd.choice(a.preferences) if rnd.random() < 0.3 else None,
                },
            )
            for a in inst.applications
        ]
        text = bench.call_yaml(inst.district, siblings="independent")
        text = text.replace("fields:\n", "fields:\n  sibling_at: string\n  nearest_to_work: string\n", 1)
        call = rules.parse_call(text.replace("tie_breakers:", offer_points + "tie_breakers:"), "bench.yaml")
        result = engine.rank(call, apps, inst.offers)
        ordered = engine._order(call, engine._score(call, apps))
        cands = engine._candidates(call, ordered, {o.id: o for o in inst.offers})
        assert any(c.offer_points for c in cands)
        got = {e.id: e.offer for e in result.entries if e.offer}
        lib, _ = models.matching_library(cands, inst.capacities)
        assert got == lib
        assert places.blocking_pairs(cands, inst.capacities, places.assign(cands, inst.capacities)) == []


def test_end_to_end_runs_the_command_line_at_a_tiny_size() -> None:
    report = bench.Report()
    bench.end_to_end(report, 200, 10, 3, repeat=1)
    data = report.data["end_to_end"]
    assert "failed" not in data
    assert set(data["files"]) == {"ranking.json", "ranking.csv", "explanation.jsonl", "offers.csv"}
    assert all(size > 0 for size in data["files"].values())
    (run,) = data["runs"]
    assert run["returncode"] == 0 and run["maxrss_mb"] > 0 and run["cpu_seconds"] > 0
    assert list(data["steps"]) == ["load call", "read applications", "read offers", "rank", "ranking.json",
                                   "ranking.csv", "explanation.jsonl"]  # fmt: skip
