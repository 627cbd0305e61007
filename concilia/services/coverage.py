"""The care planner: when nobody can look after a child (or an elderly relative), and which services fill in.

Pure Python, no Django: the Django side loads the family's hours and the candidate services (already
filtered by the person's age, by the period and by the radius), calls :func:`plan_family` (or
:func:`unavailable`, :func:`needs` and :func:`plan`) and shows the proposals, drawn with
:mod:`concilia.services.timeline`.

Time
----
Times are integer minutes since midnight (0..1440); weekdays are ``0`` = Monday .. ``6`` = Sunday.
An :class:`Interval` is half-open, ``[start, end)``. A *week* is a mapping weekday → intervals; the
functions here return weeks *normalised*: intervals sorted and merged (touching ones too), and
weekdays with nothing left out. A night shift crossing midnight is entered as two intervals on two
days.

From hours to needs
-------------------
A :class:`Carer` (a parent or another adult) is unavailable during each busy interval widened by the
travel time before and after it (clamped to the day). :func:`unavailable` is the intersection over
all carers: the times when *nobody* is available. With no carer at all it returns an empty week (the
planner has nothing to go on, so it needs nothing; the page asks for the hours instead).

A :class:`Person` has ``covered`` intervals that need no service (a child's school hours; empty in
summer or for an elderly relative who stays at home). :func:`needs` is what is unavailable minus what
is covered.

Proposals
---------
A :class:`Candidate` service covers, on each day, the part of the need that falls inside its opening
hours (a child may stay for any part of them); a combination covers the union. Transfers between
services (taking the child from the pre-school to the day centre) are not modelled: two services
that meet at 8:30 cover 8:30 seamlessly.

:func:`plan` proposes combinations of at most ``max_services`` candidates, ranked by the key
(see :attr:`Proposal.rank_key`)::

    (uncovered minutes over the week,
     price unknown?   (a combination with any unknown price comes after every known one),
     sum of the known weekly prices in cents,
     total distance in whole metres,
     the candidate ids, sorted)                     # all ascending

Only candidates that cover at least one needed minute are considered, and a combination in which a
service adds nothing beyond the others is *dominated* and never proposed (the same proposal without
that service is cheaper and nearer, or it is already on the list). When no candidate covers anything
(or nothing is needed), the answer is a single proposal with no services and every need uncovered, so
the page can say so plainly.

Attribution. Within a proposal the services are ordered by the minutes of need each would cover on
its own, most first (ties by id); a minute covered by several services is attributed to the first of
them in that order. So the "main" service (the nursery, the summer camp) shows as one block and the
others (pre-school, after-school) only with what they add: pre-school 7:30–8:00, nursery 8:00–16:00,
rather than pre-school 7:30–8:30 and a nursery that starts at 8:30. Every service in a proposal has at
least one attributed minute, since none is redundant.

Search. Exact branch and bound over combinations, with the needed minutes of the week as bits of a
Python integer (one bit per needed minute, so a union is ``|`` and a measure is ``int.bit_count``).
Candidates are visited best-alone first (most needed minutes covered first); a branch is cut when a
member became redundant (every superset is dominated too) or when it cannot beat the ``limit``-th
proposal found so far: uncovered minutes can fall at most by what the candidates still to come cover
together, and by at most the coverage of the next candidate for each free slot, while price and
distance only grow as services are added. On 40 useful candidates with ``max_services=3`` and
``limit=5`` this takes a few milliseconds of CPU (about 3 ms on random weeks, 4 ms when the 40
services cover disjoint slivers so that no combination is dominated). The result is the exact top
``limit`` under the key above: adding a candidate can never make the best proposal worse, and the
order of the candidates given does not matter.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MINUTES_PER_DAY = 1440
WEEKDAYS = range(7)


def format_time(minutes: int) -> str:
    """``450`` → ``"7:30"`` (``1440`` → ``"24:00"``)."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def parse_time(text: str) -> int:
    """``"7:30"`` (or ``"07.30"``) → ``450``; raise ``ValueError`` on anything else."""
    cleaned = text.strip().replace(".", ":")
    hours, sep, mins = cleaned.partition(":")
    if not sep or not hours.isdigit() or not mins.isdigit() or len(mins) != 2:
        raise ValueError(f"a time must look like 7:30, got {text!r}")
    value = int(hours) * 60 + int(mins)
    if int(mins) >= 60 or value > MINUTES_PER_DAY:
        raise ValueError(f"a time must be between 0:00 and 24:00, got {text!r}")
    return value


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open interval of minutes since midnight, ``[start, end)``, within one day."""

    start: int
    end: int

    def __post_init__(self) -> None:
        for name, value in (("start", self.start), ("end", self.end)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"interval {name} must be an integer number of minutes, got {value!r}")
            if not 0 <= value <= MINUTES_PER_DAY:
                raise ValueError(
                    f"interval {name} must be between 0 and {MINUTES_PER_DAY} minutes (0:00–24:00), got {value}"
                )
        if self.end <= self.start:
            raise ValueError(
                f"an interval must end after it starts, got {format_time(self.start)}–{format_time(self.end)}"
            )

    @classmethod
    def parse(cls, text: str) -> Interval:
        """``"7:30-8:30"`` (hyphen or en dash) → ``Interval(450, 510)``."""
        start, sep, end = text.replace("–", "-").partition("-")
        if not sep:
            raise ValueError(f"an interval must look like 7:30-8:30, got {text!r}")
        return cls(parse_time(start), parse_time(end))

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{format_time(self.start)}–{format_time(self.end)}"


Week = dict[int, list[Interval]]
"""Weekday → normalised intervals; weekdays with no interval are absent."""
WeekInput = Mapping[int, Sequence[Interval]]
"""What callers pass: weekday → intervals in any order, possibly overlapping or empty."""


# --- interval lists -------------------------------------------------------------------------


def normalise(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and merge overlapping or touching intervals."""
    merged: list[Interval] = []
    for iv in sorted(intervals):
        if merged and iv.start <= merged[-1].end:
            if iv.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, iv.end)
        else:
            merged.append(iv)
    return merged


def union(*lists: Iterable[Interval]) -> list[Interval]:
    """The normalised union of any number of interval lists."""
    return normalise(iv for intervals in lists for iv in intervals)


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The minutes in both ``a`` and ``b``, normalised."""
    left, right = normalise(a), normalise(b)
    out: list[Interval] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            out.append(Interval(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return out


def subtract(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The minutes in ``a`` and not in ``b``, normalised."""
    removed = normalise(b)
    out: list[Interval] = []
    j = 0
    for iv in normalise(a):
        start = iv.start
        while j < len(removed) and removed[j].end <= start:
            j += 1
        k = j
        while k < len(removed) and removed[k].start < iv.end:
            if removed[k].start > start:
                out.append(Interval(start, removed[k].start))
            start = max(start, removed[k].end)
            k += 1
        if start < iv.end:
            out.append(Interval(start, iv.end))
    return out


def measure(intervals: Iterable[Interval]) -> int:
    """Minutes in the union of ``intervals`` (overlaps counted once)."""
    return sum(iv.minutes for iv in normalise(intervals))


def _check_week(week: WeekInput, what: str) -> None:
    for day, intervals in week.items():
        if isinstance(day, bool) or not isinstance(day, int) or day not in WEEKDAYS:
            raise ValueError(f"{what}: weekdays are 0 (Monday) to 6 (Sunday), got {day!r}")
        for iv in intervals:
            if not isinstance(iv, Interval):
                raise ValueError(f"{what}: expected Interval values, got {iv!r}")


def normalise_week(week: WeekInput) -> Week:
    """Normalise every day, in weekday order, dropping empty days."""
    _check_week(week, "week")
    out: Week = {}
    for day in sorted(week):
        intervals = normalise(week[day])
        if intervals:
            out[day] = intervals
    return out


def week_minutes(week: WeekInput) -> int:
    """Minutes over the whole week."""
    return sum(measure(intervals) for intervals in week.values())


# --- who is available -----------------------------------------------------------------------


def _check_minutes(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(f"{what} must be a whole number of minutes between 0 and {MINUTES_PER_DAY}, got {value!r}")


@dataclass(frozen=True, slots=True)
class Carer:
    """An adult who can look after the person when not busy (a parent, a grandparent…).

    ``busy`` holds the working hours per weekday; the carer is also away ``travel_before`` minutes
    before and ``travel_after`` minutes after each busy interval.
    """

    id: str
    busy: WeekInput = field(default_factory=dict)
    travel_before: int = 0
    travel_after: int = 0
    label: str = ""

    def __post_init__(self) -> None:
        _check_week(self.busy, f"carer {self.id!r}")
        _check_minutes(self.travel_before, f"carer {self.id!r}: travel_before")
        _check_minutes(self.travel_after, f"carer {self.id!r}: travel_after")

    def unavailable(self) -> Week:
        """Busy intervals widened by travel, clamped to the day, normalised."""
        out: Week = {}
        for day in sorted(self.busy):
            widened = normalise(
                Interval(max(0, iv.start - self.travel_before), min(MINUTES_PER_DAY, iv.end + self.travel_after))
                for iv in self.busy[day]
            )
            if widened:
                out[day] = widened
        return out


def unavailable(carers: Iterable[Carer]) -> Week:
    """When no carer is available: the intersection of every carer's unavailability.

    Only weekdays on which every carer is away at some time appear. With no carers the result is
    empty (there is nobody to plan around, so nothing is needed).
    """
    result: Week | None = None
    for carer in carers:
        away = carer.unavailable()
        if result is None:
            result = away
        else:
            result = {
                day: both for day in sorted(result) if day in away and (both := intersect(result[day], away[day]))
            }
        if not result:
            return {}
    return result or {}


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who needs looking after: a child or an elderly relative.

    ``covered`` holds, per weekday, the times already taken care of without a service (a child's
    school hours); it may be empty (summer, a 4-year-old not at school, a relative at home).
    """

    id: str
    label: str = ""
    covered: WeekInput = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_week(self.covered, f"person {self.id!r}")


def needs(person: Person, unavailable: WeekInput) -> Week:
    """The windows when nobody can look after ``person``: unavailable minus covered."""
    out: Week = {}
    for day, intervals in normalise_week(unavailable).items():
        left = subtract(intervals, person.covered.get(day, ()))
        if left:
            out[day] = left
    return out


# --- services and proposals -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A service that could look after the person, already filtered by age, period and radius.

    ``weekly_cents`` is the weekly price in euro cents, ``None`` when unknown; ``hours`` the opening
    hours per weekday. Distances are counted in whole metres when ranking.
    """

    id: str
    name: str
    hours: WeekInput
    kind: str = ""
    distance_km: float = 0.0
    weekly_cents: int | None = None

    def __post_init__(self) -> None:
        _check_week(self.hours, f"service {self.id!r}")
        if not isinstance(self.distance_km, int | float) or not self.distance_km >= 0:  # also rejects NaN
            raise ValueError(f"service {self.id!r}: distance_km must be a number >= 0, got {self.distance_km!r}")
        if self.distance_km == float("inf"):
            raise ValueError(f"service {self.id!r}: distance_km must be finite")
        cents = self.weekly_cents
        if cents is not None and (isinstance(cents, bool) or not isinstance(cents, int) or cents < 0):
            raise ValueError(f"service {self.id!r}: weekly_cents must be an integer >= 0 or None, got {cents!r}")

    @property
    def distance_m(self) -> int:
        return round(self.distance_km * 1000)


RankKey = tuple[int, bool, int, int, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Proposal:
    """One combination of services and what it leaves uncovered.

    ``services`` are candidate ids ordered by the minutes each would cover alone (most first, ties by
    id); ``covered[weekday][service id]`` the minutes attributed to that service (a minute covered by
    several goes to the first in ``services``); ``uncovered`` the gaps that remain. Days and services
    with nothing are left out of both.
    """

    services: tuple[str, ...]
    need: Week
    covered: dict[int, dict[str, list[Interval]]]
    uncovered: Week
    needed_minutes: int
    covered_minutes: int
    uncovered_minutes: int
    minutes_by_service: dict[str, int]
    """Minutes attributed to each service over the week, in ``services`` order."""
    weekly_cents: int | None
    """Total weekly price; ``None`` if any chosen service has an unknown price."""
    known_cents: int
    """Sum of the known prices (equals ``weekly_cents`` when every price is known)."""
    distance_m: int
    """Sum of the services' distances from home, in whole metres."""

    @property
    def distance_km(self) -> float:
        return self.distance_m / 1000

    @property
    def rank_key(self) -> RankKey:
        """Lower is better; see the module docstring."""
        return (
            self.uncovered_minutes,
            self.weekly_cents is None,
            self.known_cents,
            self.distance_m,
            tuple(sorted(self.services)),
        )


class _NeedBits:
    """Numbers every needed minute of the week, so that a set of minutes is an ``int`` bit mask."""

    __slots__ = ("need", "starts", "bases", "total")

    def __init__(self, need: Week) -> None:
        self.need = need
        self.starts: dict[int, list[int]] = {}
        self.bases: dict[int, list[int]] = {}
        base = 0
        for day, intervals in need.items():
            self.starts[day] = [iv.start for iv in intervals]
            self.bases[day] = []
            for iv in intervals:
                self.bases[day].append(base)
                base += iv.minutes
        self.total = base

    def mask(self, hours: WeekInput) -> int:
        bits = 0
        for day, intervals in self.need.items():
            opening = hours.get(day)
            if not opening:
                continue
            starts, bases = self.starts[day], self.bases[day]
            for piece in intersect(opening, intervals):
                k = bisect.bisect_right(starts, piece.start) - 1  # the need interval holding the piece
                bits |= ((1 << piece.minutes) - 1) << (bases[k] + piece.start - starts[k])
        return bits


def _proposal(need: Week, chosen: Sequence[tuple[Candidate, int]]) -> Proposal:
    """Build a proposal from (candidate, coverage mask) pairs."""
    ordered = sorted(chosen, key=lambda cm: (-cm[1].bit_count(), cm[0].id))
    covered: dict[int, dict[str, list[Interval]]] = {}
    uncovered: Week = {}
    by_service = {c.id: 0 for c, _ in ordered}
    for day, intervals in need.items():
        taken: list[Interval] = []
        for cand, _ in ordered:
            mine = subtract(intersect(cand.hours.get(day, ()), intervals), taken)
            if mine:
                covered.setdefault(day, {})[cand.id] = mine
                by_service[cand.id] += sum(iv.minutes for iv in mine)
                taken = union(taken, mine)
        gaps = subtract(intervals, taken)
        if gaps:
            uncovered[day] = gaps
    needed = week_minutes(need)
    missing = week_minutes(uncovered)
    prices = [c.weekly_cents for c, _ in ordered]
    known = sum(p for p in prices if p is not None)
    return Proposal(
        services=tuple(c.id for c, _ in ordered),
        need=need,
        covered=covered,
        uncovered=uncovered,
        needed_minutes=needed,
        covered_minutes=needed - missing,
        uncovered_minutes=missing,
        minutes_by_service=by_service,
        weekly_cents=None if None in prices else known,
        known_cents=known,
        distance_m=sum(c.distance_m for c, _ in ordered),
    )


def plan(needs: WeekInput, candidates: Iterable[Candidate], *, max_services: int = 3, limit: int = 5) -> list[Proposal]:
    """The best ``limit`` combinations of at most ``max_services`` candidates for ``needs``, best first.

    Exact (see the module docstring for the key, the dominance rule and the search). Returns a single
    proposal with no services when no candidate covers any needed minute.
    """
    if isinstance(max_services, bool) or not isinstance(max_services, int) or max_services < 1:
        raise ValueError(f"max_services must be an integer >= 1, got {max_services!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be an integer >= 1, got {limit!r}")
    need = normalise_week(needs)
    bits = _NeedBits(need)
    total = bits.total

    seen: set[str] = set()
    useful: list[tuple[Candidate, int]] = []
    for cand in candidates:
        if cand.id in seen:
            raise ValueError(f"service id {cand.id!r} appears twice among the candidates")
        seen.add(cand.id)
        mask = bits.mask(cand.hours)
        if mask:
            useful.append((cand, mask))
    if not useful:
        return [_proposal(need, ())]

    # Best alone first, so that good combinations are found early and the bound cuts sooner.
    useful.sort(
        key=lambda cm: (
            total - cm[1].bit_count(),
            cm[0].weekly_cents is None,
            cm[0].weekly_cents or 0,
            cm[0].distance_m,
            cm[0].id,
        )
    )
    n = len(useful)
    masks = [m for _, m in useful]
    ids = [c.id for c, _ in useful]
    unknown = [c.weekly_cents is None for c, _ in useful]
    cents = [c.weekly_cents or 0 for c, _ in useful]
    metres = [c.distance_m for c, _ in useful]
    suffix = [0] * (n + 1)  # suffix[i] = union of masks[i:]
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] | masks[i]

    pops = [m.bit_count() for m in masks]
    best: list[tuple[RankKey, tuple[int, ...]]] = []  # sorted, at most `limit`

    def offer(unc: int, unk: bool, price: int, dist: int, chosen: tuple[int, ...]) -> None:
        key: RankKey = (unc, unk, price, dist, tuple(sorted(ids[i] for i in chosen)))
        if len(best) == limit:
            if key >= best[-1][0]:
                return
            best.pop()
        bisect.insort(best, (key, chosen))

    def visit(
        start: int, members: tuple[int, ...], covered: int, uniques: list[int], unk: bool, price: int, dist: int
    ) -> None:
        more = max_services - len(members) - 1  # services that may still follow the one added here
        missing = total - covered.bit_count()
        for j in range(start, n):
            full = len(best) == limit
            if full and missing - (1 + more) * pops[j] > best[-1][0][0]:
                break  # candidates are sorted by pops, so no later j (with followers) can do better
            m = masks[j]
            joined = covered | m
            if joined == covered:
                continue  # j would add nothing, in this set and in every superset
            if any(not u & ~m for u in uniques):
                continue  # j makes a member redundant, and so in every superset
            unc = total - joined.bit_count()
            unk_j, price_j, dist_j = unk or unknown[j], price + cents[j], dist + metres[j]
            chosen = (*members, j)
            if not full or (unc, unk_j, price_j, dist_j) <= best[-1][0][:4]:
                offer(unc, unk_j, price_j, dist_j, chosen)
            if not more or j + 1 == n:
                continue
            if len(best) == limit:
                gain = min((suffix[j + 1] & ~joined).bit_count(), more * pops[j + 1])
                if (unc - gain, unk_j, price_j, dist_j) > best[-1][0][:4]:
                    continue  # no extension can enter the list: uncovered falls by at most `gain`,
                    # price and distance only grow
            visit(j + 1, chosen, joined, [*(u & ~m for u in uniques), m & ~covered], unk_j, price_j, dist_j)

    visit(0, (), 0, [], False, 0, 0)
    return [_proposal(need, [useful[i] for i in chosen]) for _, chosen in best]


def plan_family(
    carers: Iterable[Carer],
    persons: Iterable[Person],
    candidates_by_person: Mapping[str, Iterable[Candidate]],
    *,
    max_services: int = 3,
    limit: int = 5,
) -> dict[str, list[Proposal]]:
    """Plan for every person of a family: compute when nobody is available once, then :func:`plan` each.

    ``candidates_by_person`` maps a person id to the services open to that person (by age, period and
    radius); a person missing from it gets the single "nothing covers it" proposal.
    """
    away = unavailable(carers)
    out: dict[str, list[Proposal]] = {}
    for person in persons:
        if person.id in out:
            raise ValueError(f"person id {person.id!r} appears twice")
        out[person.id] = plan(
            needs(person, away), candidates_by_person.get(person.id, ()), max_services=max_services, limit=limit
        )
    return out
