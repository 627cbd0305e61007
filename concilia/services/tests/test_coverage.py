"""The care planner's computation: intervals, who is available, needs, and ranked proposals."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concilia.services.coverage import (
    Candidate,
    Carer,
    Interval,
    Person,
    Proposal,
    RankKey,
    Week,
    WeekInput,
    format_time,
    intersect,
    measure,
    needs,
    normalise,
    parse_time,
    plan,
    plan_family,
    subtract,
    unavailable,
    union,
)

I = Interval.parse  # noqa: E741


def weekdays(*texts: str) -> dict[int, list[Interval]]:
    """The same intervals Monday to Friday."""
    return {day: [I(t) for t in texts] for day in range(5)}


def days_of(week: WeekInput) -> dict[int, list[str]]:
    return {day: [str(iv) for iv in ivs] for day, ivs in week.items()}


# The family of the issue: two parents, a 4-year-old with no school, an 8-year-old at school.
MAMMA = Carer("mamma", weekdays("8:30-17:30"), travel_before=30, travel_after=30)
PAPA = Carer("papa", weekdays("9:00-18:00"), travel_before=30, travel_after=30)
ANNA = Person("anna", "Anna, 4 anni")
LUCA = Person("luca", "Luca, 8 anni", covered=weekdays("8:30-16:30"))

PRE = Candidate("pre", "Pre-scuola", weekdays("7:30-8:30"), "pre_school", distance_km=0.4, weekly_cents=1500)
POST = Candidate("post", "Post-scuola", weekdays("16:30-18:30"), "after_school", distance_km=0.4, weekly_cents=3000)
INFANZIA = Candidate(
    "infanzia", "Scuola dell'infanzia", weekdays("8:00-16:00"), "preschool", distance_km=1.2, weekly_cents=2000
)
ESTIVO = Candidate("estivo", "Centro estivo", weekdays("8:00-17:00"), "summer_camp", distance_km=2.5, weekly_cents=9000)


def summary(proposals: list[Proposal]) -> list[tuple[tuple[str, ...], int, int | None, float]]:
    return [(p.services, p.uncovered_minutes, p.weekly_cents, p.distance_km) for p in proposals]


# --- intervals ------------------------------------------------------------------------------


def test_interval_rejects_bad_input_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="must end after it starts, got 8:30–8:00"):
        Interval(510, 480)
    with pytest.raises(ValueError, match="must end after it starts"):
        Interval(480, 480)
    with pytest.raises(ValueError, match="between 0 and 1440"):
        Interval(-5, 60)
    with pytest.raises(ValueError, match="between 0 and 1440"):
        Interval(60, 1441)
    with pytest.raises(ValueError, match="integer number of minutes"):
        Interval(60.5, 120)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="like 7:30-8:30"):
        Interval.parse("7:30")
    with pytest.raises(ValueError, match="like 7:30"):
        parse_time("7")
    with pytest.raises(ValueError, match="between 0:00 and 24:00"):
        parse_time("24:30")


def test_interval_parse_and_format() -> None:
    assert Interval.parse("7:30-8:30") == Interval(450, 510)
    assert Interval.parse("07.30–24:00") == Interval(450, 1440)
    assert str(Interval(450, 1440)) == "7:30–24:00"
    assert format_time(0) == "0:00"
    assert Interval(450, 510).minutes == 60


def test_interval_lists() -> None:
    a = [I("9:00-10:00"), I("8:00-9:00"), I("12:00-13:00"), I("12:30-14:00")]
    assert normalise(a) == [I("8:00-10:00"), I("12:00-14:00")]
    assert measure(a) == 240
    assert union([I("8:00-9:00")], [I("9:30-10:00")], [I("8:30-9:30")]) == [I("8:00-10:00")]
    assert intersect(a, [I("9:30-12:30"), I("13:00-20:00")]) == [I("9:30-10:00"), I("12:00-12:30"), I("13:00-14:00")]
    assert subtract(a, [I("8:30-9:00"), I("12:00-12:15"), I("13:00-20:00")]) == [
        I("8:00-8:30"),
        I("9:00-10:00"),
        I("12:15-13:00"),
    ]
    assert subtract(a, []) == normalise(a)
    assert intersect(a, []) == []


minute_interval = st.tuples(st.integers(0, 95), st.integers(1, 30)).map(
    lambda t: Interval(t[0] * 15, min(96, t[0] + t[1]) * 15)
)


def minutes_of(intervals: list[Interval]) -> set[int]:
    return {m for iv in intervals for m in range(iv.start, iv.end)}


@given(st.lists(minute_interval, max_size=6), st.lists(minute_interval, max_size=6))
def test_interval_algebra_agrees_with_sets_of_minutes(a: list[Interval], b: list[Interval]) -> None:
    sa, sb = minutes_of(a), minutes_of(b)
    for result, expected in (
        (normalise(a), sa),
        (union(a, b), sa | sb),
        (intersect(a, b), sa & sb),
        (subtract(a, b), sa - sb),
    ):
        assert minutes_of(result) == expected
        assert all(x.end < y.start for x, y in itertools.pairwise(result))  # sorted, merged, not touching
    assert measure(a) == len(sa)


# --- who is available -----------------------------------------------------------------------


def test_carer_is_away_for_work_plus_travel_clamped_to_the_day() -> None:
    night = Carer("nonno", {0: [I("0:10-6:00"), I("22:00-24:00")], 2: [I("9:00-12:00"), I("13:00-17:00")]}, 30, 45)
    assert days_of(night.unavailable()) == {0: ["0:00–6:45", "21:30–24:00"], 2: ["8:30–17:45"]}
    with pytest.raises(ValueError, match="travel_before"):
        Carer("x", {}, travel_before=-1)
    with pytest.raises(ValueError, match="weekdays are 0"):
        Carer("x", {7: [I("8:00-9:00")]})


def test_two_parents_are_both_away_from_8_30_to_18_00() -> None:
    # mamma 8:30–17:30 → away 8:00–18:00; papà 9:00–18:00 → away 8:30–18:30
    assert days_of(unavailable([MAMMA, PAPA])) == {day: ["8:30–18:00"] for day in range(5)}


def test_a_day_with_no_need_is_left_out() -> None:
    # papà is at home on Friday and works on Saturday morning; mamma works weekdays only.
    papa = Carer("papa", {**weekdays("9:00-18:00"), 4: [], 5: [I("9:00-12:00")]}, 30, 30)
    away = unavailable([MAMMA, papa])
    assert sorted(away) == [0, 1, 2, 3]
    assert needs(ANNA, away).keys() == {0, 1, 2, 3}
    proposals = plan(needs(ANNA, away), [INFANZIA, POST])
    assert 4 not in proposals[0].need and 4 not in proposals[0].uncovered and 4 not in proposals[0].covered
    assert proposals[0].needed_minutes == 4 * 570


def test_no_carers_or_an_always_available_carer_means_no_need() -> None:
    assert unavailable([]) == {}
    assert unavailable([MAMMA, Carer("nonna")]) == {}


def test_needs_of_the_two_children() -> None:
    away = unavailable([MAMMA, PAPA])
    assert days_of(needs(ANNA, away)) == {day: ["8:30–18:00"] for day in range(5)}
    assert days_of(needs(LUCA, away)) == {day: ["16:30–18:00"] for day in range(5)}


# --- proposals: the family of the issue -------------------------------------------------------


def test_four_year_old_during_the_school_year() -> None:
    need = needs(ANNA, unavailable([MAMMA, PAPA]))  # 8:30–18:00, 570 minutes a day
    proposals = plan(need, [PRE, POST, INFANZIA])
    # Pre-scuola closes at 8:30, when the need starts: it covers nothing and is never proposed.
    assert summary(proposals) == [
        (("infanzia", "post"), 5 * 30, 5000, 1.6),  # gap 16:00–16:30
        (("infanzia",), 5 * 120, 2000, 1.2),  # gap 16:00–18:00
        (("post",), 5 * 480, 3000, 0.4),  # gap 8:30–16:30
    ]
    best = proposals[0]
    for day in range(5):
        assert days_of(best.covered[day]) == {"infanzia": ["8:30–16:00"], "post": ["16:30–18:00"]}
        assert days_of({day: best.uncovered[day]}) == {day: ["16:00–16:30"]}
    assert best.needed_minutes == 5 * 570
    assert best.covered_minutes == 5 * 540
    assert best.minutes_by_service == {"infanzia": 5 * 450, "post": 5 * 90}
    assert best.known_cents == 5000
    assert best.distance_m == 1600


def test_four_year_old_in_summer_with_every_service_on_offer() -> None:
    need = needs(ANNA, unavailable([MAMMA, PAPA]))
    proposals = plan(need, [PRE, POST, INFANZIA, ESTIVO])
    # The camp covers 8:30–17:00, the nursery only 8:30–16:00: the nursery next to the camp adds
    # nothing, so every combination holding both is dominated.
    assert summary(proposals) == [
        (("estivo", "post"), 0, 12000, 2.9),
        (("infanzia", "post"), 150, 5000, 1.6),
        (("estivo",), 300, 9000, 2.5),
        (("infanzia",), 600, 2000, 1.2),
        (("post",), 2400, 3000, 0.4),
    ]
    best = proposals[0]
    assert best.uncovered == {}
    # The camp covers more on its own, so it comes first and owns the overlap 16:30–17:00.
    assert days_of(best.covered[0]) == {"estivo": ["8:30–17:00"], "post": ["17:00–18:00"]}
    assert best.minutes_by_service == {"estivo": 5 * 510, "post": 5 * 60}


def test_eight_year_old_at_school() -> None:
    need = needs(LUCA, unavailable([MAMMA, PAPA]))  # 16:30–18:00
    proposals = plan(need, [PRE, POST, ESTIVO])
    # The camp next to the after-school adds nothing, so they are never combined.
    assert summary(proposals) == [(("post",), 0, 3000, 0.4), (("estivo",), 300, 9000, 2.5)]
    assert days_of(proposals[1].uncovered) == {day: ["17:00–18:00"] for day in range(5)}


def test_plan_family_computes_for_each_child() -> None:
    result = plan_family(
        [MAMMA, PAPA], [ANNA, LUCA], {"anna": [PRE, POST, INFANZIA], "luca": [PRE, POST]}, max_services=2, limit=2
    )
    assert list(result) == ["anna", "luca"]
    assert summary(result["anna"]) == [(("infanzia", "post"), 150, 5000, 1.6), (("infanzia",), 600, 2000, 1.2)]
    assert summary(result["luca"]) == [(("post",), 0, 3000, 0.4)]
    with pytest.raises(ValueError, match="appears twice"):
        plan_family([MAMMA], [ANNA, ANNA], {})


def test_single_parent() -> None:
    away = unavailable([MAMMA])  # 8:00–18:00
    assert days_of(away) == {day: ["8:00–18:00"] for day in range(5)}
    anna = plan(needs(ANNA, away), [PRE, POST, INFANZIA])
    # pre-scuola (8:00–8:30) next to the nursery (8:00–16:00) adds nothing: dominated.
    assert summary(anna) == [
        (("infanzia", "post"), 5 * 30, 5000, 1.6),
        (("infanzia",), 5 * 120, 2000, 1.2),
        (("post", "pre"), 5 * 480, 4500, 0.8),
        (("post",), 5 * 510, 3000, 0.4),
        (("pre",), 5 * 570, 1500, 0.4),
    ]
    luca = plan(needs(LUCA, away), [PRE, POST])  # 8:00–8:30 and 16:30–18:00
    assert summary(luca) == [(("post", "pre"), 0, 4500, 0.8), (("post",), 150, 3000, 0.4), (("pre",), 450, 1500, 0.4)]
    assert days_of(luca[0].covered[2]) == {"post": ["16:30–18:00"], "pre": ["8:00–8:30"]}


def test_overlap_goes_to_the_service_that_covers_more() -> None:
    # One parent at work 8:15–16:00 with 30 minutes of travel before: away 7:45–16:00.
    away = unavailable([Carer("mamma", weekdays("8:15-16:00"), travel_before=30)])
    best = plan(needs(ANNA, away), [PRE, INFANZIA])[0]
    assert best.services == ("infanzia", "pre")
    assert days_of(best.covered[0]) == {"infanzia": ["8:00–16:00"], "pre": ["7:45–8:00"]}


def test_elderly_relative_with_home_care_and_day_centre() -> None:
    daughter = Carer("figlia", weekdays("8:00-14:00"), travel_before=20, travel_after=20)  # away 7:40–14:20
    nonna = Person("nonna", "Nonna Pina")
    home_care = Candidate("sad", "Assistenza domiciliare", weekdays("7:30-9:30"), "home_care", 0.0, 6000)
    day_centre = Candidate("cdi", "Centro diurno integrato", weekdays("8:30-16:30"), "day_centre", 3.1, None)
    proposals = plan_family([daughter], [nonna], {"nonna": [home_care, day_centre]})["nonna"]
    assert summary(proposals) == [
        (("cdi", "sad"), 0, None, 3.1),  # the day centre's price is unknown
        (("cdi",), 5 * 50, None, 3.1),
        (("sad",), 5 * 290, 6000, 0.0),
    ]
    assert days_of(proposals[0].covered[0]) == {"cdi": ["8:30–14:20"], "sad": ["7:40–8:30"]}
    assert proposals[0].known_cents == 6000


# --- ranking ----------------------------------------------------------------------------------


def test_unknown_prices_rank_after_known_ones() -> None:
    need = weekdays("16:30-18:00")
    free_unknown = Candidate("a", "Oratorio", weekdays("16:30-18:30"), distance_km=0.1, weekly_cents=None)
    dear_known = Candidate("b", "Ludoteca", weekdays("16:30-18:30"), distance_km=5, weekly_cents=9000)
    cheap_known = Candidate("c", "Doposcuola", weekdays("16:30-18:30"), distance_km=9, weekly_cents=500)
    assert [p.services for p in plan(need, [free_unknown, dear_known, cheap_known])] == [("c",), ("b",), ("a",)]
    assert plan(need, [free_unknown])[0].weekly_cents is None


def test_ties_are_broken_by_distance_then_ids() -> None:
    need = weekdays("16:30-18:00")
    hours = weekdays("16:30-18:00")
    near = Candidate("z-near", "Near", hours, distance_km=0.5, weekly_cents=1000)
    far_a = Candidate("b-far", "Far", hours, distance_km=2, weekly_cents=1000)
    far_b = Candidate("a-far", "Far too", hours, distance_km=2, weekly_cents=1000)
    assert [p.services for p in plan(need, [far_a, near, far_b])] == [("z-near",), ("a-far",), ("b-far",)]


def test_nothing_covers_anything_gives_one_empty_proposal() -> None:
    need = needs(ANNA, unavailable([MAMMA, PAPA]))
    saturday = Candidate("sab", "Sabato insieme", {5: [I("9:00-12:00")]}, weekly_cents=1000)
    proposals = plan(need, [saturday, PRE])
    assert len(proposals) == 1
    empty = proposals[0]
    assert empty.services == ()
    assert empty.uncovered == empty.need == need
    assert (empty.covered, empty.covered_minutes, empty.uncovered_minutes) == ({}, 0, 5 * 570)
    assert (empty.weekly_cents, empty.distance_km) == (0, 0.0)
    nothing_needed = plan({}, [PRE])
    assert len(nothing_needed) == 1 and nothing_needed[0].needed_minutes == 0 and nothing_needed[0].services == ()


def test_limit_and_max_services() -> None:
    need = needs(ANNA, unavailable([MAMMA]))
    assert len(plan(need, [PRE, POST, INFANZIA], limit=2)) == 2
    assert all(len(p.services) == 1 for p in plan(need, [PRE, POST, INFANZIA], max_services=1))
    with pytest.raises(ValueError, match="max_services"):
        plan(need, [PRE], max_services=0)
    with pytest.raises(ValueError, match="limit"):
        plan(need, [PRE], limit=0)
    with pytest.raises(ValueError, match="appears twice"):
        plan(need, [PRE, PRE])


def test_candidate_validation() -> None:
    with pytest.raises(ValueError, match="distance_km"):
        Candidate("x", "X", {}, distance_km=-1)
    with pytest.raises(ValueError, match="distance_km"):
        Candidate("x", "X", {}, distance_km=float("nan"))
    with pytest.raises(ValueError, match="weekly_cents"):
        Candidate("x", "X", {}, weekly_cents=-100)
    with pytest.raises(ValueError, match="expected Interval"):
        Candidate("x", "X", {0: [(480, 600)]})  # type: ignore[list-item]


def test_determinism_whatever_the_order_of_the_candidates() -> None:
    need = needs(ANNA, unavailable([MAMMA]))
    candidates = [PRE, POST, INFANZIA, ESTIVO]
    reference = plan(need, candidates)
    rng = random.Random(7)
    for _ in range(10):
        rng.shuffle(candidates)
        assert plan(need, candidates) == reference


def test_forty_candidates_three_at_a_time_is_exact() -> None:
    """A larger case checked against brute force (timing is measured outside the tests)."""
    rng = random.Random(2024)
    need: Week = {d: [Interval(450, 600), Interval(660, 1110)] for d in range(5)}
    candidates = []
    for i in range(40):
        start = rng.randrange(420, 1080, 15)
        hours = {d: [Interval(start, min(1440, start + rng.randrange(60, 600, 15)))] for d in range(5)}
        price = None if rng.random() < 0.15 else rng.randrange(0, 20000, 500)
        candidates.append(
            Candidate(f"c{i:02d}", f"S{i}", hours, distance_km=rng.choice([0.5, 1.0, 2.0]), weekly_cents=price)
        )
    assert [p.rank_key for p in plan(need, candidates, limit=8)] == brute_force(need, candidates, 3, 8)


# --- properties -------------------------------------------------------------------------------


def brute_force(need: WeekInput, candidates: list[Candidate], max_services: int, limit: int) -> list[RankKey]:
    """Every non-dominated combination, ranked, by plain interval arithmetic."""

    def covers(group: tuple[Candidate, ...]) -> int:
        return sum(measure(intersect(union(*(c.hours.get(d, ()) for c in group)), ivs)) for d, ivs in need.items())

    needed = sum(measure(ivs) for ivs in need.values())
    useful = [c for c in candidates if covers((c,))]
    keys: list[RankKey] = []
    for size in range(1, max_services + 1):
        for group in itertools.combinations(useful, size):
            covered = covers(group)
            if any(covers(tuple(o for o in group if o is not c)) == covered for c in group) and size > 1:
                continue
            prices = [c.weekly_cents for c in group]
            keys.append(
                (
                    needed - covered,
                    None in prices,
                    sum(p for p in prices if p is not None),
                    sum(c.distance_m for c in group),
                    tuple(sorted(c.id for c in group)),
                )
            )
    if not useful:
        return [(needed, False, 0, 0, ())]
    return sorted(keys)[:limit]


grid_interval = st.tuples(st.integers(28, 83), st.integers(1, 24)).map(
    lambda t: Interval(t[0] * 15, min(84, t[0] + t[1]) * 15)
)
week = st.dictionaries(st.integers(0, 2), st.lists(grid_interval, max_size=3), max_size=3)
candidate_fields = st.tuples(
    week, st.sampled_from([0.0, 0.5, 1.0, 1.25, 2.0]), st.one_of(st.none(), st.sampled_from([0, 1000, 2500, 5000]))
)
candidate_lists = st.lists(candidate_fields, max_size=7).map(
    lambda rows: [
        Candidate(f"s{i}", f"Servizio {i}", h, distance_km=d, weekly_cents=p) for i, (h, d, p) in enumerate(rows)
    ]
)
plan_args = st.tuples(week, candidate_lists, st.integers(1, 3), st.integers(1, 6))


@settings(max_examples=300, deadline=None)
@given(plan_args)
def test_plan_matches_brute_force(args: tuple[Week, list[Candidate], int, int]) -> None:
    need, candidates, max_services, limit = args
    proposals = plan(need, candidates, max_services=max_services, limit=limit)
    assert [p.rank_key for p in proposals] == brute_force(normalise_days(need), candidates, max_services, limit)


def normalise_days(week: WeekInput) -> Week:
    return {d: normalise(ivs) for d, ivs in sorted(week.items()) if ivs}


@settings(max_examples=200, deadline=None)
@given(plan_args)
def test_every_proposal_accounts_for_the_whole_need(args: tuple[Week, list[Candidate], int, int]) -> None:
    need, candidates, max_services, limit = args
    by_id = {c.id: c for c in candidates}
    proposals = plan(need, candidates, max_services=max_services, limit=limit)
    keys = [p.rank_key for p in proposals]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for p in proposals:
        assert 1 <= len(proposals) <= limit and len(p.services) <= max_services
        assert p.need == normalise_days(need)
        assert p.covered_minutes + p.uncovered_minutes == p.needed_minutes
        assert p.covered_minutes == sum(p.minutes_by_service.values())
        for day, ivs in p.need.items():
            pieces = [iv for per in p.covered.get(day, {}).values() for iv in per] + p.uncovered.get(day, [])
            assert union(pieces) == ivs  # covered + uncovered == need
            assert sum(iv.minutes for iv in pieces) == measure(ivs)  # and no minute counted twice
            for sid, per in p.covered.get(day, {}).items():
                assert subtract(per, by_id[sid].hours.get(day, ())) == []  # only while it is open
        # No service adds nothing: without any one of them, less is covered.
        for sid in p.services:
            assert p.minutes_by_service[sid] > 0
            others = [by_id[o] for o in p.services if o != sid]
            without = sum(
                measure(intersect(union(*(c.hours.get(d, ()) for c in others)), ivs)) for d, ivs in p.need.items()
            )
            assert without < p.covered_minutes
        prices = [by_id[s].weekly_cents for s in p.services]
        assert p.weekly_cents == (None if None in prices else sum(x for x in prices if x is not None))


@settings(max_examples=200, deadline=None)
@given(plan_args, candidate_fields, st.randoms(use_true_random=False))
def test_adding_a_candidate_never_makes_the_best_worse(
    args: tuple[Week, list[Candidate], int, int], extra: tuple[Week, float, int | None], rnd: random.Random
) -> None:
    need, candidates, max_services, limit = args
    before = plan(need, candidates, max_services=max_services, limit=limit)
    hours, distance, price = extra
    more = [*candidates, Candidate("new", "Nuovo", hours, distance_km=distance, weekly_cents=price)]
    rnd.shuffle(more)
    after = plan(need, more, max_services=max_services, limit=limit)
    assert after[0].rank_key <= before[0].rank_key
    assert plan(need, more, max_services=max_services, limit=limit) == after  # deterministic


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(week, st.integers(0, 60), st.integers(0, 60)), max_size=3), week)
def test_needs_are_what_nobody_covers(carers: list[tuple[Week, int, int]], school: Week) -> None:
    people = [Carer(f"c{i}", busy, before, after) for i, (busy, before, after) in enumerate(carers)]
    away = unavailable(people)
    child = Person("k", covered=school)
    need = needs(child, away)
    for day in range(7):
        expected = set(range(1440)) if people else set()
        for carer in people:
            expected &= minutes_of(carer.unavailable().get(day, []))
        assert minutes_of(away.get(day, [])) == expected
        assert minutes_of(need.get(day, [])) == expected - minutes_of(school.get(day, []))
        assert (day in need) == bool(need.get(day))


# --- purity -----------------------------------------------------------------------------------


def test_coverage_imports_no_django() -> None:
    code = (
        "import sys\n"
        "import concilia.services.coverage, concilia.services.timeline\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
