"""Reference solvers the allocation benchmark compares the engine against (development only).

* :func:`matching_library` — the PyPI ``matching`` library's hospital–resident solver, resident-optimal:
  the applicant-optimal stable matching the engine must reproduce when there are no siblings.
* :func:`max_placed_highs` — the most applicants that can be placed given capacities and acceptability,
  ignoring stability (a bipartite b-matching: the constraint matrix is totally unimodular, so the LP
  optimum HiGHS returns at a vertex is integral; this is checked).
* :func:`cpsat_places` — a CP-SAT model with siblings together-or-none that maximises children placed,
  or minimises blocking pairs (optionally subject to placing at least a given number).
* :func:`count_blocking_pairs` — blocking pairs of any assignment, as the ``matching`` library defines
  them: ``(c, o)`` blocks when ``c`` ranked ``o`` above what it got (or got nothing) and ``o`` has a free
  place or admitted someone it ranks below ``c``.

An offer ranks the candidates who listed it by ``(offer_priority.get(offer, 0), rank)``.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from concilia.allocation.types import Candidate

T = TypeVar("T")


def offer_key(candidate: Candidate, offer: str) -> tuple[int, int, int, str]:
    """How an offer orders the candidates who listed it: priority class, its points there, then rank."""
    return candidate.offer_key(offer)


def offer_orders(candidates: Iterable[Candidate]) -> dict[str, list[Candidate]]:
    """Per offer, the candidates who listed it, best first."""
    orders: dict[str, list[Candidate]] = {}
    for c in candidates:
        for o in c.preferences:
            orders.setdefault(o, []).append(c)
    for o, listed in orders.items():
        listed.sort(key=lambda c, o=o: offer_key(c, o))
    return orders


def count_blocking_pairs(
    candidates: Sequence[Candidate], capacities: Mapping[str, int], placed: Mapping[str, str]
) -> list[tuple[str, str]]:
    """Every ``(candidate id, offer id)`` blocking pair of ``placed`` (candidate id → offer id)."""
    by_id = {c.id: c for c in candidates}
    count: dict[str, int] = {}
    worst: dict[str, tuple[int, int]] = {}
    for cid, o in placed.items():
        count[o] = count.get(o, 0) + 1
        key = offer_key(by_id[cid], o)
        if o not in worst or key > worst[o]:
            worst[o] = key
    pairs: list[tuple[str, str]] = []
    for c in candidates:
        got = placed.get(c.id)
        for o in c.preferences:
            if o == got:
                break
            if count.get(o, 0) < capacities.get(o, 0) or (o in worst and offer_key(c, o) < worst[o]):
                pairs.append((c.id, o))
    return pairs


# --- the ``matching`` library ------------------------------------------------------------------


def matching_library(candidates: Sequence[Candidate], capacities: Mapping[str, int]) -> tuple[dict[str, str], float]:
    """Resident-optimal stable matching from ``matching.games.HospitalResident``; returns it and the time
    taken to build the game and solve it (building runs the library's input checks, part of its cost)."""
    from matching.games import HospitalResident

    resident_prefs = {c.id: list(c.preferences) for c in candidates if c.preferences}
    hospital_prefs = {o: [c.id for c in listed] for o, listed in offer_orders(candidates).items()}
    caps = {o: capacities[o] for o in hospital_prefs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, caps)
        solution = game.solve(optimal="resident")
        elapsed = time.perf_counter() - start
    placed = {r.name: h.name for h, residents in solution.items() for r in residents}
    return placed, elapsed


def _matching_child(candidates: Sequence[Candidate], capacities: Mapping[str, int], out: multiprocessing.Queue) -> None:
    # the library deep-copies linked Player objects recursively: give it a deep stack
    import threading

    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    box: list[tuple[dict[str, str], float]] = []
    worker = threading.Thread(target=lambda: box.append(matching_library(candidates, capacities)))
    worker.start()
    worker.join()
    out.put(box[0] if box else None)


def matching_library_with_limit(
    candidates: Sequence[Candidate], capacities: Mapping[str, int], limit_s: float
) -> tuple[dict[str, str], float] | None:
    """:func:`matching_library` in a forked process, killed after ``limit_s`` seconds (then ``None``)."""
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = ctx.Queue()
    proc = ctx.Process(target=_matching_child, args=(candidates, capacities, out))
    proc.start()
    try:
        result = out.get(timeout=limit_s + 5)
    except queue.Empty:
        result = None
    proc.join(timeout=1)
    if proc.is_alive():
        proc.kill()
        proc.join()
    if result is not None and result[1] > limit_s:
        return None
    return result


# --- exact maximum placement (HiGHS) -----------------------------------------------------------------


@dataclass
class SolverResult:
    placed: dict[str, str]
    seconds: float
    status: str
    objective: float | None = None
    bound: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.placed)


def _quiet(fn: Callable[[], T]) -> T:
    """Call ``fn`` with file descriptor 1 pointed at /dev/null."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        return fn()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def max_placed_highs(candidates: Sequence[Candidate], capacities: Mapping[str, int]) -> SolverResult:
    """Most candidates placed (one offer each, capacities respected), no stability: LP on HiGHS."""
    import highspy
    import numpy as np

    offers = sorted({o for c in candidates for o in c.preferences})
    orow = {o: len(candidates) + i for i, o in enumerate(offers)}
    pairs = [(i, o) for i, c in enumerate(candidates) for o in c.preferences]
    n = len(pairs)
    start = time.perf_counter()
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(candidates) + len(offers)
    lp.col_cost_ = np.ones(n)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.zeros(lp.num_row_)
    lp.row_upper_ = np.array([1.0] * len(candidates) + [float(capacities[o]) for o in offers])
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 2 * n + 1, 2, dtype=np.int32)
    index = np.empty(2 * n, dtype=np.int32)
    index[0::2] = [i for i, _ in pairs]
    index[1::2] = [orow[o] for _, o in pairs]
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = np.ones(2 * n)
    h = _quiet(highspy.Highs)  # the constructor prints a banner on the C++ stdout
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", "simplex")
    h.passModel(lp)
    h.run()
    values = h.getSolution().col_value
    elapsed = time.perf_counter() - start
    status = h.modelStatusToString(h.getModelStatus())
    notes = []
    if any(1e-6 < v < 1 - 1e-6 for v in values):
        notes.append("LP solution not integral")
    placed = {candidates[i].id: o for (i, o), v in zip(pairs, values, strict=True) if v > 0.5}
    return SolverResult(placed, elapsed, status, objective=h.getInfo().objective_function_value, notes=notes)


# --- CP-SAT with siblings ---------------------------------------------------------------------------


def cpsat_places(
    candidates: Sequence[Candidate],
    capacities: Mapping[str, int],
    *,
    objective: str = "placed",
    min_placed: int | None = None,
    hint: Mapping[str, str] | None = None,
    time_limit_s: float = 60.0,
    workers: int = 2,
) -> SolverResult:
    """CP-SAT: ``x[c, o]`` for each acceptable pair; each child at most one offer; capacities; siblings
    (candidates sharing ``group``) all in the same offer or none, which must be one they all listed.

    ``objective="placed"`` maximises children placed. ``objective="blocking"`` minimises blocking pairs
    (``b[c, o]`` is forced to 1 when ``c`` is not at ``o`` or better while ``o`` has a free place or admits
    someone it ranks below ``c``), subject to placing at least ``min_placed`` children when given.
    """
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x: dict[tuple[str, str], cp_model.IntVar] = {}
    for c in candidates:
        for o in c.preferences:
            x[c.id, o] = model.new_bool_var("")
        model.add_at_most_one(x[c.id, o] for o in c.preferences)
    orders = offer_orders(candidates)
    for o, listed in orders.items():
        model.add(sum(x[c.id, o] for c in listed) <= capacities[o])
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.group is not None:
            groups.setdefault(c.group, []).append(c)
    for members in groups.values():
        if len(members) < 2:
            continue
        shared = set(members[0].preferences).intersection(*(m.preferences for m in members[1:]))
        first = members[0]
        for m in members:
            for o in m.preferences:
                if o not in shared:
                    model.add(x[m.id, o] == 0)
        for o in shared:
            for m in members[1:]:
                model.add(x[m.id, o] == x[first.id, o])
    placed_expr = sum(x.values())
    if objective == "placed":
        model.maximize(placed_expr)
    elif objective == "blocking":
        if min_placed is not None:
            model.add(placed_expr >= min_placed)
        blocking = []
        for o, listed in orders.items():
            cap = capacities[o]
            before = 0  # children admitted at o among those o ranks above the current one
            before_hint = 0
            for c in listed:
                pos = c.preferences.index(o)
                at_o_or_better = sum(x[c.id, p] for p in c.preferences[: pos + 1])
                b = model.new_bool_var("")
                blocking.append(b)
                model.add(cap * (1 - at_o_or_better) <= before + cap * b)
                prefix = model.new_int_var(0, cap, "")
                model.add(prefix == before + x[c.id, o])
                before = prefix
                if hint is not None:  # complete the hint so that it is a full feasible solution
                    better = hint.get(c.id) in c.preferences[: pos + 1]
                    model.add_hint(b, not better and before_hint < cap)
                    before_hint += hint.get(c.id) == o
                    model.add_hint(prefix, before_hint)
        model.minimize(sum(blocking))
    else:
        raise ValueError(objective)
    if hint:
        for (cid, o), var in x.items():
            model.add_hint(var, hint.get(cid) == o)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    start = time.perf_counter()
    status = solver.solve(model)
    elapsed = time.perf_counter() - start
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SolverResult({}, elapsed, name)
    placed = {cid: o for (cid, o), var in x.items() if solver.boolean_value(var)}
    return SolverResult(placed, elapsed, name, objective=solver.objective_value, bound=solver.best_objective_bound)
