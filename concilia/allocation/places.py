"""Assignment of places: applicant-proposing deferred acceptance with capacities and siblings.

The problem is the hospitals/residents problem. Each candidate ranks a few offers (most wanted
first); each offer has a capacity and orders candidates by the key::

    (candidate.offer_priority.get(offer, 0), candidate.rank, candidate.id)   # lower is better

so an offer may put its own priority class first (residents of its municipality, a sibling
already attending) and fall back on the global ranking.

Algorithm (no sibling groups)
-----------------------------
Gale–Shapley deferred acceptance, applicant-proposing, which yields the applicant-optimal stable
matching. Candidates are numbered ``g = 0..n-1`` in ranking order ``(rank, id)`` and an offer's
key for a candidate is the integer ``priority * n + g`` (``g`` is recovered as ``key % n``). Every
offer keeps its tentatively admitted candidates in a max-heap of keys (stored negated in a
``heapq``), so admitting, or admitting and evicting the worst, costs ``O(log capacity)`` with no
object allocation. Candidates start proposing in ranking order: when all priorities are equal,
no eviction ever happens and the algorithm *is* serial dictatorship in ranking order (the unique
stable matching in that case); with priorities, evictions are few.

Offers missing from ``capacities`` are ignored in preferences (so are repeated entries); offers
with capacity 0 admit nobody. ``fixed`` placements are taken out of the competition first: they
consume their offer's capacity and never move (an offer may end up over-full if the caller fixes
more candidates than it has seats; the engine then admits nobody else there).

Siblings (``siblings="together"``)
----------------------------------
Candidates sharing a non-``None`` ``group`` form a *unit* that is placed in one offer, all
together, or not at all:

* the unit's preference list is the preference list of its best-ranked member (smallest
  ``(rank, id)``), restricted to the offers that *every* member ranked — the family states one
  order; we do not average positions, which would invent an order nobody wrote;
* in each offer the unit competes with the key of its best member there (minimum key over the
  members), and needs as many free seats as it has members;
* a unit proposing to a full offer evicts admitted units strictly worse than itself, worst first,
  until it fits; if even evicting all worse units would not make room, the offer rejects it and
  nobody is evicted.

With groups a stable matching may not exist (couples/daycare matching, e.g. Sun et al., AAAI
2023). Evicting a group to seat one child leaves seats free, which could be given to candidates
rejected earlier. So every offer remembers the units it rejected or evicted, and whenever seats
become free there (surplus after an eviction, or a unit leaving for a better offer) those units
that now hold something worse are invited to propose again; a unit that moves up releases its
old seats, which may cascade. When the process ends normally, every blocking pair involves a
sibling: a single candidate can only envy a sibling admitted on the strength of the group's best
member (see ``blocking_pairs``).

Such re-proposals can cycle (no stable matching exists), so they are bounded: a unit is invited
back at most ``_MAX_INVITATIONS`` times, and invitations stop after ``8 * (total preference
entries) + 1,000`` proposals; after that every unit only moves down its list, so the loop ends.
If an invitation had to be refused, the fallback keeps the groups where they are and re-assigns
all single candidates by plain deferred acceptance on the remaining seats, which restores the
guarantee above. Every step is taken in a fixed order, so the result is deterministic.

With ``siblings="independent"`` groups are ignored and each member is an ordinary candidate.

Waiting lists and cut-offs
--------------------------
For each offer, the waiting list holds the candidates who ranked it above the offer they got (or
got nothing), in the offer's order; for sibling groups, "ranked" means in the group's joint
list (the only offers the group can get). Fixed candidates never move, so they are on no waiting
list. The cut-off of an offer is the worst admitted candidate in the offer's order (fixed ones
included), as ``(id, rank)``, or ``None`` when the offer admitted nobody.

The result does not depend on the order of ``candidates``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from heapq import heappop, heappush, heapreplace
from operator import attrgetter

from concilia.allocation.types import Answer, Assignment, Candidate, SiblingPolicy

__all__ = ["Ranked", "assign", "assign_ranked", "blocking_pairs", "from_candidates", "rerun", "split_answers"]

_STAMP_MASK = (1 << 32) - 1
_MAX_INVITATIONS = 4
"""How many times one unit may be invited back by offers whose seats became free."""
_KEPT_ANSWERS = frozenset({"accepted", "pending"})
_DROPPED_ANSWERS = frozenset({"refused", "expired"})


class _Instance:
    """Candidates and offers turned into integer indices.

    ``ids[g]``, ``ranks[g]``, ``groups[g]``: the candidate at position ``g`` of the ranking order
    ``(rank, id)``; ``prefs[g]``: offer indices in the candidate's order (unknown and repeated
    offers dropped); ``keys[g]``: the matching offer keys, or ``None`` when the candidate has no
    priority anywhere (the key is then ``g`` itself); ``priority(g, o)``: the class of candidate
    ``g`` at offer ``o``, also for offers outside its list (fixed placements).
    """

    __slots__ = (
        "any_priority",
        "groups",
        "id_to_g",
        "ids",
        "keys",
        "n",
        "offer_ids",
        "offer_index",
        "prefs",
        "key_of",
        "priority",
        "ranks",
    )

    def __init__(self, table: Ranked) -> None:
        self.offer_ids: list[str] = table.offer_ids
        self.offer_index: dict[str, int] = {o: i for i, o in enumerate(self.offer_ids)}
        self.ids: list[str] = table.ids
        self.ranks: Sequence[int] = table.ranks
        self.groups: Sequence[str | None] = table.groups
        self.prefs: list[list[int]] = table.prefs
        self.keys: list[list[int] | None] = table.keys
        self.priority: Callable[[int, int], int] = table.priority
        self.key_of: Callable[[int, int], int] | None = table.key_of
        n = len(self.ids)
        self.n = n
        self.id_to_g: dict[str, int] = dict(zip(self.ids, range(n), strict=True))
        if len(self.id_to_g) != n:
            raise ValueError("candidate ids must be unique")
        self.any_priority = any(k is not None for k in self.keys)

    def key(self, g: int, offer: int) -> int:
        """The key of candidate ``g`` in ``offer`` (lower is better)."""
        pl = self.prefs[g]
        if offer in pl:
            kl = self.keys[g]
            return g if kl is None else kl[pl.index(offer)]
        if self.key_of is not None:
            return self.key_of(g, offer)
        return self.priority(g, offer) * self.n + g


@dataclass(slots=True)
class Ranked:
    """Candidates already in ranking order, as integer arrays: what ``assign`` works on.

    Position ``g`` (0-based) is the candidate with the ``g``-th best ``(rank, id)``. ``prefs[g]``
    holds indices into ``offer_ids`` (acceptable offers, most wanted first, no repeats);
    ``keys[g][i]`` is ``priority * n + g`` for ``prefs[g][i]`` (or ``None`` when every priority of
    the candidate is 0); ``priority(g, o)`` gives the class of ``g`` at any offer index ``o``.
    The engine builds this directly (see ``engine._ranked``); :func:`from_candidates` builds it
    from :class:`Candidate` objects.
    """

    ids: list[str]
    ranks: Sequence[int]
    groups: Sequence[str | None]
    prefs: list[list[int]]
    keys: list[list[int] | None]
    offer_ids: list[str]
    priority: Callable[[int, int], int]
    key_of: Callable[[int, int], int] | None = None
    """With per-offer points: the key of candidate ``g`` at any offer index (see :func:`wide_key`)."""
    points: Sequence[int] | None = None
    offer_points: Callable[[int, int], int] | None = None
    ties: Sequence[int] | None = None

    def candidates(self) -> list[Candidate]:
        """The same candidates as :class:`Candidate` objects (for tests and comparisons)."""
        n = len(self.ids)
        out = []
        for g, cid in enumerate(self.ids):
            kl = self.keys[g]
            prio = (
                {} if kl is None else {self.offer_ids[o]: (k - g) // n for o, k in zip(self.prefs[g], kl, strict=True)}
            )
            if self.key_of is not None:
                prio = {self.offer_ids[o]: self.priority(g, o) for o in self.prefs[g]}
            cand = Candidate(cid, self.ranks[g], tuple(self.offer_ids[o] for o in self.prefs[g]), self.groups[g], prio)
            if self.points is not None and self.ties is not None and self.offer_points is not None:
                bonus = self.offer_points
                own = {self.offer_ids[o]: b for o in self.prefs[g] if (b := bonus(g, o))}
                cand = Candidate(
                    cand.id, cand.rank, cand.preferences, cand.group, prio, self.points[g], own, self.ties[g]
                )
            out.append(cand)
        return out


def wide_key(klass: int, total: int, tie: int, g: int, top: int, span: int, n: int) -> int:
    """The integer key of (priority class, points at the offer, tie-breaker position) for candidate ``g``.

    Lower is better: class ascending, then ``total`` descending, then ``tie`` ascending; ``key % n`` is
    still ``g`` (``top`` is the highest total, ``span`` exceeds every ``top - total``, ``tie`` < ``n``).
    """
    return ((klass * span + (top - total)) * n + tie) * n + g


def from_candidates(candidates: Sequence[Candidate], capacities: Mapping[str, int]) -> Ranked:
    """Index ``candidates`` against the offers of ``capacities`` (in that mapping's order)."""
    offer_ids = list(capacities)
    index = {o: i for i, o in enumerate(offer_ids)}
    by_rank = sorted(candidates, key=attrgetter("rank", "id"))
    n = len(by_rank)
    getitem = index.__getitem__
    clean = True  # prefs[g] maps c.preferences one to one
    try:  # the common case, every preference is a known offer: C-level loops only
        prefs = [list(map(getitem, c.preferences)) for c in by_rank]
    except KeyError:
        clean = False
        prefs = [[index[o] for o in c.preferences if o in index] for c in by_rank]
    if list(map(len, prefs)) != list(map(len, map(set, prefs))):
        clean = False
        prefs = [pl if len(set(pl)) == len(pl) else list(dict.fromkeys(pl)) for pl in prefs]
    if any(c.offer_points or c.points or c.tie is not None for c in by_rank):
        return _wide_from_candidates(by_rank, offer_ids, prefs)
    keys: list[list[int] | None] = [None] * n
    for g, c in enumerate(by_rank):
        pr = c.offer_priority
        if pr:
            get = pr.get
            if clean:
                keys[g] = [get(o, 0) * n + g for o in c.preferences]
            else:
                keys[g] = [get(offer_ids[j], 0) * n + g for j in prefs[g]]

    def priority(g: int, o: int) -> int:
        return by_rank[g].offer_priority.get(offer_ids[o], 0)

    return Ranked(
        [c.id for c in by_rank],
        [c.rank for c in by_rank],
        [c.group for c in by_rank],
        prefs,
        keys,
        offer_ids,
        priority,
    )


def wide_ranked(
    ids: list[str],
    ranks: Sequence[int],
    groups: Sequence[str | None],
    prefs: list[list[int]],
    offer_ids: list[str],
    priority: Callable[[int, int], int],
    points: Sequence[int],
    bonus: Callable[[int, int], int],
    ties: Sequence[int],
) -> Ranked:
    """The table when offers order by their own points: at offer ``o`` candidate ``g`` has the key of
    (``priority(g, o)``, ``points[g] + bonus(g, o)`` highest first, ``ties[g]``) — see :func:`wide_key`.

    The range of totals is taken over the listed offers; a total at an offer outside a candidate's list (a
    kept placement) is clamped into it.
    """
    n = len(ids)
    bonuses = [[bonus(g, o) for o in pl] for g, pl in enumerate(prefs)]
    totals = [p + b for p, bl in zip(points, bonuses, strict=True) for b in (0, *bl)]
    top, bottom = max(totals, default=0), min(totals, default=0)
    span = top - bottom + 1

    def key_of(g: int, o: int) -> int:
        total = min(top, max(bottom, points[g] + bonus(g, o)))
        return wide_key(priority(g, o), total, ties[g], g, top, span, n)

    keys: list[list[int] | None] = [
        [wide_key(priority(g, o), points[g] + b, ties[g], g, top, span, n) for o, b in zip(pl, bl, strict=True)]
        for g, (pl, bl) in enumerate(zip(prefs, bonuses, strict=True))
    ]
    return Ranked(ids, ranks, groups, prefs, keys, offer_ids, priority, key_of, points, bonus, ties)


def _wide_from_candidates(by_rank: list[Candidate], offer_ids: list[str], prefs: list[list[int]]) -> Ranked:
    """:func:`from_candidates` when offers order by their own points (:meth:`Candidate.offer_key`)."""
    n = len(by_rank)
    tie_order = sorted(range(n), key=lambda g: (by_rank[g].rank if by_rank[g].tie is None else by_rank[g].tie,
                                                by_rank[g].id))  # fmt: skip
    ties = [0] * n
    for t, g in enumerate(tie_order):
        ties[g] = t

    def bonus(g: int, o: int) -> int:
        return by_rank[g].offer_points.get(offer_ids[o], 0)

    def priority(g: int, o: int) -> int:
        return by_rank[g].offer_priority.get(offer_ids[o], 0)

    return wide_ranked(
        [c.id for c in by_rank],
        [c.rank for c in by_rank],
        [c.group for c in by_rank],
        prefs,
        offer_ids,
        priority,
        [c.points for c in by_rank],
        bonus,
        ties,
    )


def assign(
    candidates: Sequence[Candidate],
    capacities: Mapping[str, int],
    *,
    siblings: SiblingPolicy = "together",
    fixed: Mapping[str, str] | None = None,
) -> Assignment:
    """Assign offers to candidates by deferred acceptance (see the module docstring).

    ``fixed`` maps candidate ids to offers they keep whatever happens (placements already
    accepted); they are reported in ``placed`` even if absent from ``candidates``.
    """
    return assign_ranked(
        from_candidates(candidates, capacities), list(capacities.values()), siblings=siblings, fixed=fixed
    )


def assign_ranked(
    table: Ranked,
    capacities: Sequence[int],
    *,
    siblings: SiblingPolicy = "together",
    fixed: Mapping[str, str] | None = None,
) -> Assignment:
    """:func:`assign` on candidates already indexed; ``capacities`` aligned with ``table.offer_ids``."""
    inst = _Instance(table)
    n = inst.n
    m = len(inst.offer_ids)
    if len(capacities) != m:
        raise ValueError("one capacity per offer is needed")
    fixed = fixed or {}
    id_to_g = inst.id_to_g

    # Fixed placements consume capacity first.
    used = [0] * m
    fixed_g: dict[int, int] = {}  # g -> offer index (-1: offer unknown to capacities)
    for cid, oid in fixed.items():
        j = inst.offer_index.get(oid, -1)
        if j >= 0:
            used[j] += 1
        g = id_to_g.get(cid)
        if g is not None:
            fixed_g[g] = j
    free = [max(0, inst_cap - u) for inst_cap, u in zip(capacities, used, strict=True)]

    # match[g]: position in the candidate's (or its group's) preference list, -1 when unplaced.
    match = [-1] * n
    # For group members, the joint list they were placed from (for the waiting lists).
    unit_prefs_of: dict[int, list[int]] = {}
    unit_keys_of: dict[int, list[int]] = {}

    groups: dict[str, list[int]] = {}
    if siblings == "together":
        for g, grp in enumerate(inst.groups):
            if grp is not None and g not in fixed_g:
                groups.setdefault(grp, []).append(g)
        groups = {k: v for k, v in groups.items() if len(v) > 1}

    if not groups:
        active = [g for g in range(n) if g not in fixed_g] if fixed_g else range(n)
        _deferred_acceptance_singles(inst.prefs, inst.keys, free, n, active, match)
    else:
        _deferred_acceptance_units(inst, free, fixed_g, groups, match, unit_prefs_of, unit_keys_of)

    return _build_assignment(inst, fixed, fixed_g, match, unit_prefs_of, unit_keys_of)


def _deferred_acceptance_singles(
    prefs: list[list[int]],
    keys: list[list[int] | None],
    free: list[int],
    n: int,
    active: Sequence[int] | range,
    match: list[int],
) -> None:
    """Plain many-to-one deferred acceptance; fills ``match`` in place.

    Each offer's admitted candidates are a heap of negated keys. A proposer takes a free seat, or
    replaces the worst admitted candidate if it is better, and the evicted one resumes proposing
    from its next choice. Proposing in ranking order makes evictions rare.
    """
    m = len(free)
    heaps: list[list[int]] = [[] for _ in range(m)]
    nxt = [0] * n
    for start in active:
        u = start
        while u >= 0:
            pl = prefs[u]
            kl = keys[u]
            p = nxt[u]
            length = len(pl)
            v = -1
            while p < length:
                o = pl[p]
                k = u if kl is None else kl[p]
                h = heaps[o]
                if len(h) < free[o]:
                    heappush(h, -k)
                    match[u] = p
                    break
                if h and -h[0] > k:
                    v = (-heapreplace(h, -k)) % n
                    match[u] = p
                    match[v] = -1
                    nxt[v] += 1
                    break
                p += 1
            nxt[u] = p
            u = v


def _deferred_acceptance_units(
    inst: _Instance,
    free: list[int],
    fixed_g: Mapping[int, int],
    groups: Mapping[str, list[int]],
    match: list[int],
    unit_prefs_of: dict[int, list[int]],
    unit_keys_of: dict[int, list[int]],
) -> None:
    """Deferred acceptance where sibling groups propose and are evicted as blocks.

    Fills ``match`` (and, for group members, ``unit_prefs_of``/``unit_keys_of``) in place.
    """
    n = inst.n
    m = len(free)
    grouped: dict[int, list[int]] = {}
    for members in groups.values():
        grouped[members[0]] = members  # members are in ranking order: [0] is the best
    in_group = {g for members in groups.values() for g in members}

    # Units in order of their best member.
    unit_members: list[list[int]] = []
    unit_prefs: list[list[int]] = []
    unit_keys: list[list[int]] = []
    for g in range(n):
        if fixed_g and g in fixed_g:
            continue
        if g not in in_group:
            pl = inst.prefs[g]
            kl0 = inst.keys[g]
            unit_members.append([g])
            unit_prefs.append(pl)
            unit_keys.append([g] * len(pl) if kl0 is None else kl0)
            continue
        if g in grouped:
            members = grouped[g]
            common = set(inst.prefs[members[0]])
            for x in members[1:]:
                common.intersection_update(inst.prefs[x])
            pl = [o for o in inst.prefs[members[0]] if o in common]
            kl = [min(inst.key(x, o) for x in members) for o in pl]
            for x in members:
                unit_prefs_of[x] = pl
                unit_keys_of[x] = [inst.key(x, o) for o in pl]
        elif g in in_group:
            continue
        else:
            members = [g]
            pl = inst.prefs[g]
            kl0 = inst.keys[g]
            kl = [g] * len(pl) if kl0 is None else kl0
        unit_members.append(members)
        unit_prefs.append(pl)
        unit_keys.append(kl)

    n_units = len(unit_members)
    size = [len(x) for x in unit_members]
    held = [-1] * n_units  # position where the unit is admitted, -1 when not
    ptr = [0] * n_units  # next position to propose to
    token = [0] * n_units  # admission stamp; heap entries with another stamp are stale
    # Heap entries are single ints -(key << 32 | stamp): no tuple per admission.
    heaps: list[list[int]] = [[] for _ in range(m)]
    stamp_unit = [0]  # stamp -> unit
    rejected: list[list[int]] = [[] for _ in range(m)]
    queue: deque[int] = deque(range(n_units))
    budget = 8 * sum(len(p) for p in unit_prefs) + 1000
    proposals = 0
    stamp = 0

    invited = [0] * n_units
    incomplete = [False]  # set when a re-invitation had to be refused (cycle guard)
    start_free = list(free)

    def invite(o: int) -> None:
        """Seats became free at ``o``: units it turned away that now hold worse may re-apply."""
        waiting = rejected[o]
        if not waiting:
            return
        if proposals > budget:
            incomplete[0] = True
            return
        rejected[o] = []
        for v in sorted(set(waiting)):
            pos = unit_prefs[v].index(o)
            hv = held[v]
            if (hv > pos) or (hv < 0 and ptr[v] > pos):
                if invited[v] >= _MAX_INVITATIONS:
                    incomplete[0] = True
                    continue
                invited[v] += 1
                ptr[v] = pos
                queue.append(v)

    while queue:
        u = queue.popleft()
        pl = unit_prefs[u]
        kl = unit_keys[u]
        s = size[u]
        while True:
            p = ptr[u]
            hu = held[u]
            if p >= (hu if hu >= 0 else len(pl)):
                break
            o = pl[p]
            k = kl[p]
            proposals += 1
            admitted = False
            if free[o] >= s:
                free[o] -= s
                admitted = True
            else:
                # Evict strictly worse units, worst first, only if that makes enough room.
                h = heaps[o]
                need = s - free[o]
                popped: list[int] = []
                got = 0
                while got < need and h:
                    entry = -h[0]
                    st = entry & _STAMP_MASK
                    v = stamp_unit[st]
                    if token[v] != st:
                        heappop(h)
                        continue
                    if (entry >> 32) < k:
                        break
                    heappop(h)
                    popped.append(v)
                    got += size[v]
                if got < need:
                    for v in popped:
                        heappush(h, -((unit_keys[v][held[v]] << 32) + token[v]))
                else:
                    for v in popped:
                        hv = held[v]
                        held[v] = -1
                        token[v] = 0
                        if ptr[v] >= hv:
                            ptr[v] = hv + 1
                        rejected[o].append(v)
                        queue.append(v)
                    free[o] += got - s
                    admitted = True
                    if got > need:  # a group left more seats than needed
                        invite(o)
            if admitted:
                stamp += 1
                token[u] = stamp
                stamp_unit.append(u)
                heappush(heaps[o], -((k << 32) + stamp))
                if hu >= 0:  # moving up: release the old seats
                    old = pl[hu]
                    free[old] += s
                    invite(old)
                held[u] = p
                break
            rejected[o].append(u)
            ptr[u] = p + 1

    for u in range(n_units):
        if held[u] >= 0:
            for g in unit_members[u]:
                match[g] = held[u]

    if incomplete[0]:
        # Fallback: the repairs were cut short (a cycle, possible only with groups). Keep the
        # groups where they are and re-assign every single candidate by plain deferred
        # acceptance around them: singles then envy nobody but siblings.
        singles = []
        for u in range(n_units):
            members = unit_members[u]
            if len(members) == 1 and members[0] not in unit_prefs_of:
                singles.append(members[0])
                match[members[0]] = -1
            elif held[u] >= 0:
                start_free[unit_prefs[u][held[u]]] -= size[u]
        _deferred_acceptance_singles(inst.prefs, inst.keys, start_free, n, singles, match)


def _build_assignment(
    inst: _Instance,
    fixed: Mapping[str, str],
    fixed_g: Mapping[int, int],
    match: list[int],
    unit_prefs_of: Mapping[int, list[int]],
    unit_keys_of: Mapping[int, list[int]],
) -> Assignment:
    """Turn the index-level result into ids, waiting lists and cut-offs."""
    n = inst.n
    offer_ids = inst.offer_ids
    m = len(offer_ids)
    ids = inst.ids
    prefs = inst.prefs
    keys = inst.keys
    if unit_prefs_of:
        prefs = list(prefs)
        keys = list(keys)
        for g, pl in unit_prefs_of.items():
            prefs[g] = pl
            keys[g] = unit_keys_of[g]
    worst: list[int | None] = [None] * m
    waits: list[list[int]] = [[] for _ in range(m)]
    placed: dict[str, str] = {}
    for g, p in enumerate(match):
        if p < 0:
            if fixed_g and g in fixed_g:
                continue
            pl = prefs[g]
            kl = keys[g]
            if kl is None:
                for o in pl:
                    waits[o].append(g)
            else:
                for o, k in zip(pl, kl, strict=True):
                    waits[o].append(k)
            continue
        pl = prefs[g]
        kl = keys[g]
        o = pl[p]
        placed[ids[g]] = offer_ids[o]
        k = g if kl is None else kl[p]
        w = worst[o]
        if w is None or k > w:
            worst[o] = k
        if p:
            if kl is None:
                for o in pl[:p]:
                    waits[o].append(g)
            else:
                for o, k in zip(pl[:p], kl[:p], strict=True):
                    waits[o].append(k)
    # Fixed placements, also of candidates unknown to ``candidates``, are kept as given.
    for cid, oid in fixed.items():
        placed[cid] = oid
    for g, o in fixed_g.items():
        if o >= 0:
            k = inst.key(g, o)
            w = worst[o]
            if w is None or k > w:
                worst[o] = k
    waiting: dict[str, list[str]] = {}
    cutoff: dict[str, tuple[str, int] | None] = {}
    ranks = inst.ranks
    get_id = ids.__getitem__
    for o, oid in enumerate(offer_ids):
        wl = waits[o]
        wl.sort()
        waiting[oid] = list(map(get_id, wl)) if not inst.any_priority else [ids[k % n] for k in wl]
        w = worst[o]
        if w is None:
            cutoff[oid] = None
        else:
            g = w % n
            cutoff[oid] = (ids[g], ranks[g])
    return Assignment(placed=placed, waiting=waiting, cutoff=cutoff)


def rerun(
    candidates: Sequence[Candidate],
    capacities: Mapping[str, int],
    *,
    previous: Mapping[str, str],
    answers: Mapping[str, Answer],
    siblings: SiblingPolicy = "together",
) -> Assignment:
    """Re-run after the families answered ("scorrimento").

    Placements in ``previous`` answered ``"accepted"`` or ``"pending"`` (or not answered yet) are
    kept as fixed; candidates who answered ``"refused"`` or whose offer ``"expired"`` leave the
    competition (whether or not they held a place); everybody else competes for the freed seats
    with the same algorithm as ``assign``. Deterministic.
    """
    fixed, dropped = split_answers(previous, answers)
    remaining = [c for c in candidates if c.id not in dropped]
    return assign(remaining, capacities, siblings=siblings, fixed=fixed)


def split_answers(previous: Mapping[str, str], answers: Mapping[str, Answer]) -> tuple[dict[str, str], set[str]]:
    """The placements kept as fixed (accepted, pending or unanswered) and the ids that leave (refused, expired)."""
    fixed = {cid: oid for cid, oid in previous.items() if answers.get(cid, "pending") in _KEPT_ANSWERS}
    dropped = {cid for cid, answer in answers.items() if answer in _DROPPED_ANSWERS}
    return fixed, dropped


def blocking_pairs(
    candidates: Sequence[Candidate],
    capacities: Mapping[str, int],
    assignment: Assignment,
) -> list[tuple[str, str]]:
    """The ``(candidate, offer)`` pairs that would both rather be matched together.

    The candidate ranked the offer above what it got (or got nothing), and the offer has a free
    seat or admitted someone it orders after the candidate. Groups are ignored: each member is
    judged alone, so with siblings together some pairs are expected. Pairs come in ranking order,
    then preference order. Used by tests and benchmarks.
    """
    inst = _Instance(from_candidates(candidates, capacities))
    m = len(inst.offer_ids)
    id_to_g = inst.id_to_g
    count = [0] * m
    worst: list[int | None] = [None] * m
    for cid, oid in assignment.placed.items():
        o = inst.offer_index.get(oid)
        if o is None:
            continue
        count[o] += 1
        g = id_to_g.get(cid)
        if g is not None:
            k = inst.key(g, o)
            w = worst[o]
            worst[o] = k if w is None else max(w, k)
    caps = list(capacities.values())
    pairs: list[tuple[str, str]] = []
    for g in range(inst.n):
        cid = inst.ids[g]
        pl = inst.prefs[g]
        kl = inst.keys[g]
        got = inst.offer_index.get(assignment.placed.get(cid, ""), -1)
        for q, o in enumerate(pl):
            if o == got:
                break
            k = g if kl is None else kl[q]
            w = worst[o]
            if count[o] < caps[o] or (w is not None and w > k):
                pairs.append((cid, inst.offer_ids[o]))
    return pairs
