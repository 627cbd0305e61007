"""The call-rules format: parse, validate (with line numbers) and compile into closures.

A call file is YAML (JSON is accepted too: it is parsed by the same YAML composer, so errors in
JSON files also carry line numbers). The rule kinds form a closed set — there is no ``eval`` and no
user-written Python. ``docs/call-rules.md`` documents the format with complete examples.

Compilation happens once, when the call is loaded: every predicate and criterion becomes a small
closure, so scoring 100,000 applications is a tight loop over pre-built functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml

from concilia.allocation.units import Duration, parse_duration, parse_money

FieldType = Literal["string", "integer", "date", "boolean", "money"]
FIELD_TYPES: tuple[str, ...] = ("string", "integer", "date", "boolean", "money")
"""``money``: euros in the files (``12.345,67``), integer cents in the engine; rule values in euros too."""
FitRule = Literal["stop", "skip", "partial"]

Values = Mapping[str, Any]
Predicate = Callable[[Values, Values], bool]
"""(application fields, offer fields) → bool. Eligibility predicates get an empty offer mapping."""
Scorer = Callable[[Values], int]
OfferScorer = Callable[[Values, Values], int]
"""(application fields, offer fields) → points at that offer."""

_EMPTY: Mapping[str, Any] = {}
_ROME = ZoneInfo("Europe/Rome")

PathElem = str | int


# --------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True, slots=True)
class RuleError:
    """One problem in a call file, located by line/column (1-based) and by path."""

    path: str
    line: int
    column: int
    message: str

    def format(self, filename: str) -> str:
        where = f"{filename}:{self.line}:{self.column}" if self.line else filename
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class CallValidationError(ValueError):
    """Raised by :func:`parse_call` with every problem found, not just the first."""

    def __init__(self, filename: str, errors: Sequence[RuleError]) -> None:
        self.filename = filename
        self.errors = list(errors)
        super().__init__("\n".join(e.format(filename) for e in self.errors))


def format_path(path: Sequence[PathElem]) -> str:
    """``("points", 2, "bands")`` → ``points[2].bands``."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + p
    return out


# --------------------------------------------------------------------------------------------
# YAML with marks


def _load_with_marks(text: str, errors: list[RuleError]) -> tuple[Any, dict[tuple[PathElem, ...], tuple[int, int]]]:
    """Parse YAML/JSON into plain data plus a map path → (line, column) of every node."""
    marks: dict[tuple[PathElem, ...], tuple[int, int]] = {}
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        errors.append(RuleError("", line, col, f"not valid YAML/JSON: {exc.problem or exc}"))
        return None, marks
    finally:
        loader.dispose()
    if node is None:
        return None, marks

    def walk(n: yaml.Node, path: tuple[PathElem, ...]) -> Any:
        marks[path] = (n.start_mark.line + 1, n.start_mark.column + 1)
        if isinstance(n, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for knode, vnode in n.value:
                key = walk(knode, (*path, "<key>"))
                if not isinstance(key, str | int | bool) or isinstance(key, bool):
                    key = str(key)
                if key in out:
                    errors.append(
                        RuleError(
                            format_path((*path, key)),
                            knode.start_mark.line + 1,
                            knode.start_mark.column + 1,
                            "duplicate key",
                        )
                    )
                out[key] = walk(vnode, (*path, key))
                marks[(*path, key)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            return out
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, (*path, i)) for i, v in enumerate(n.value)]
        return yaml.SafeLoader("").construct_object(n, deep=True)

    return walk(node, ()), marks


# --------------------------------------------------------------------------------------------
# The compiled call


@dataclass(frozen=True, slots=True)
class Rule:
    """An eligibility rule: its id, the reason shown on exclusion, and the compiled predicate."""

    id: str
    reason: str
    test: Predicate
    spec: Any


@dataclass(frozen=True, slots=True)
class Criterion:
    """A leaf points criterion (``sum`` criteria are flattened into ``parent.child`` leaves)."""

    id: str
    label: str
    kind: str
    score: Scorer
    spec: Any
    explain: Callable[[Values], dict[str, Any]]
    """A structured detail (``concilia.allocation.texts`` turns it into sentences in Italian and English)."""


@dataclass(frozen=True, slots=True)
class ListField:
    """A field holding a list of items (the children of a family), each with typed fields of its own."""

    item_fields: dict[str, str]
    max_items: int
    """More items than this in an application is an error, never silently cut."""


@dataclass(frozen=True, slots=True)
class OfferCriterion:
    """Places mode: points that count at one offer only, evaluated on the (application, offer) pair."""

    id: str
    label: str
    kind: str
    score: OfferScorer
    spec: Any
    explain: Callable[[Values, Values], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class TieBreaker:
    """An ordered tie-breaker; ``key`` maps an application to a comparable value (smaller first)."""

    kind: str
    description: str
    key: Callable[[Any], Any]
    seed: str | None = None
    field: str | None = None
    """The field compared (``field`` and ``older_child_first``)."""
    descending: bool = False
    money: bool = False


@dataclass(frozen=True, slots=True)
class PriorityRule:
    """Places mode: applications matching ``when`` for an offer get priority class ``klass``."""

    id: str
    label: str
    klass: int
    when: Predicate
    reads: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    """(application fields, offer fields) that ``when`` reads, or None when unknown: ``when`` is a
    pure function of them, so the engine may evaluate it once per distinct combination of values."""


@dataclass(frozen=True, slots=True)
class Request:
    """Budget modes: the amount an application asks, computed from its fields, and how it was computed."""

    amount: Scorer
    explain: Callable[[Values], dict[str, Any]]
    """``{"kind": "per_unit", "units": 12, "each": 10000, "amount": 80000, "before_cap": 120000, "cap": 80000}``."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """How the ranking turns into money or places."""

    mode: Literal["ranked_budget", "first_come", "places"]
    budget_cents: int = 0
    max_grant_cents: int | None = None
    fit: FitRule = "stop"
    siblings: Literal["together", "independent"] = "together"
    priorities: tuple[PriorityRule, ...] = ()
    default_class: int = 0
    age_field: str | None = None
    reference_date: dt.date | None = None
    request: Request | None = None
    """Budget modes: the amount asked, computed from the application's fields (cents), instead of ``requested_cents``."""


@dataclass(frozen=True)
class Call:
    """A validated, compiled call."""

    id: str
    title: str
    fields: dict[str, str]
    offer_fields: dict[str, str]
    lists: dict[str, tuple[Any, ...]]
    eligibility: tuple[Rule, ...]
    criteria: tuple[Criterion, ...]
    tie_breakers: tuple[TieBreaker, ...]
    outcome: Outcome
    source: dict[str, Any] = field(default_factory=dict, repr=False)
    list_fields: dict[str, ListField] = field(default_factory=dict)
    """The fields of type list (``fields[name] == "list"``): their items' fields and maximum length."""
    offer_criteria: tuple[OfferCriterion, ...] = ()
    """``offer_points:`` (places mode): each offer adds these to the points of the applicants who listed it."""
    field_labels: dict[str, str] = field(default_factory=dict)
    """What the explanations call a field (``{type: money, label: ISEE}``); fields without one are not named."""

    @cached_property
    def criterion_ids(self) -> tuple[str, ...]:
        """Ids of the leaf criteria, in breakdown order."""
        return tuple(c.id for c in self.criteria)


# --------------------------------------------------------------------------------------------
# Helpers used by compiled closures


def age_in_months(birth: dt.date, reference: dt.date) -> int:
    """Completed months between ``birth`` and ``reference`` (negative if born after it)."""
    months = (reference.year - birth.year) * 12 + (reference.month - birth.month)
    if reference.day < birth.day:
        months -= 1
    return months


def lottery_key(seed: str, application_id: str) -> str:
    """The public lottery key: ``sha256(f"{seed}:{application_id}")`` as hex; smaller draws first."""
    return hashlib.sha256(f"{seed}:{application_id}".encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# Compiler


_PREDICATE_KINDS = (
    "age",
    "age_months",
    "count",
    "at_most",
    "at_least",
    "in_list",
    "is_true",
    "same",
    "all",
    "any",
    "not",
)
_CRITERION_KINDS = ("condition", "one_of", "per_unit", "per_item", "bands", "sum")


class _Compiler:
    def __init__(self, marks: dict[tuple[PathElem, ...], tuple[int, int]]) -> None:
        self.marks = marks
        self.errors: list[RuleError] = []
        self.fields: dict[str, str] = {}
        self.offer_fields: dict[str, str] = {}
        self.lists: dict[str, tuple[Any, ...]] = {}
        self.list_fields: dict[str, ListField] = {}
        self.field_labels: dict[str, str] = {}

    # -- reporting ------------------------------------------------------------------------
    def err(self, path: Sequence[PathElem], message: str) -> None:
        p = tuple(path)
        while p and p not in self.marks:
            p = p[:-1]
        line, col = self.marks.get(p, (0, 0))
        self.errors.append(RuleError(format_path(path), line, col, message))

    def mapping(self, value: Any, path: Sequence[PathElem], what: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.err(path, f"{what} must be a mapping")
            return None
        return value

    def require(
        self, m: Mapping[str, Any], key: str, path: Sequence[PathElem], kind: type | tuple[type, ...], what: str
    ) -> Any:
        if key not in m:
            self.err(path, f"missing '{key}'")
            return None
        v = m[key]
        if isinstance(v, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.err((*path, key), f"'{key}' must be {what}")
            return None
        if not isinstance(v, kind):
            self.err((*path, key), f"'{key}' must be {what}")
            return None
        return v

    def unknown_keys(self, m: Mapping[str, Any], allowed: Sequence[str], path: Sequence[PathElem]) -> None:
        for k in m:
            if k not in allowed:
                self.err((*path, k), f"unknown key '{k}' (allowed: {', '.join(allowed)})")

    def text(self, m: Mapping[str, Any], key: str, path: Sequence[PathElem]) -> str:
        v = self.require(m, key, path, str, "a non-empty text")
        if isinstance(v, str) and not v.strip():
            self.err((*path, key), f"'{key}' must be a non-empty text")
        return v if isinstance(v, str) else ""

    def integer(self, m: Mapping[str, Any], key: str, path: Sequence[PathElem], *, minimum: int | None = None) -> int:
        v = self.require(m, key, path, int, "an integer")
        if isinstance(v, int) and minimum is not None and v < minimum:
            self.err((*path, key), f"'{key}' must be at least {minimum}")
        return v if isinstance(v, int) else 0

    # -- fields ---------------------------------------------------------------------------
    def field_ref(
        self, ref: Any, path: Sequence[PathElem], *, offers: bool, types: Sequence[str] | None = None
    ) -> tuple[str, str, str] | None:
        """Resolve a field reference → (scope 'a'|'o', name, type)."""
        if not isinstance(ref, str) or not ref:
            self.err(path, "a field name is required")
            return None
        scope, name = "a", ref
        if ref.startswith("application."):
            name = ref[len("application.") :]
        elif ref.startswith("offer."):
            if not offers:
                self.err(path, f"'{ref}': offer fields can be read only by places priority rules")
                return None
            scope, name = "o", ref[len("offer.") :]
        declared = self.fields if scope == "a" else self.offer_fields
        if scope == "o" and name == "id" and "id" not in declared:
            declared = {**declared, "id": "string"}  # every offer has its id (``offer.id``)
        if name not in declared:
            section = "fields" if scope == "a" else "offer_fields"
            self.err(path, f"unknown field '{name}' (declare it under '{section}:')")
            return None
        ftype = declared[name]
        if types is not None and ftype not in types:
            self.err(path, f"field '{name}' is {ftype}; expected {' or '.join(types)}")
            return None
        return scope, name, ftype

    def money(self, value: Any, path: Sequence[PathElem]) -> int | None:
        """A rule's amount in euros (``"30.000 €"``, ``30000``, ``1234.5``) as cents; None after an error."""
        try:
            return parse_money(value)
        except ValueError as exc:
            self.err(path, str(exc))
            return None

    def check_value(self, value: Any, ftype: str, path: Sequence[PathElem]) -> bool:
        if ftype == "money":
            return self.money(value, path) is not None
        ok = {
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "date": isinstance(value, dt.date) and not isinstance(value, dt.datetime),
            "string": isinstance(value, str | int) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
        }[ftype]
        if not ok:
            self.err(path, f"{value!r} is not a valid {ftype}")
        return ok

    def list_field(self, spec: dict[str, Any], path: tuple[PathElem, ...]) -> ListField | None:
        """``{list: {birth_date: date, shared_custody: boolean}, max_items: 8, label: Figli}``."""
        self.unknown_keys(spec, ("list", "max_items", "label"), path)
        label = spec.get("label")
        if label is not None:
            if isinstance(label, str) and label.strip():
                self.field_labels[str(path[-1])] = label.strip()
            else:
                self.err((*path, "label"), "'label' must be a non-empty text")
        items = spec.get("list")
        if not isinstance(items, dict) or not items:
            self.err((*path, "list"), "'list' must map the item's field names to types")
            return None
        item_fields: dict[str, str] = {}
        for name, ftype in items.items():
            if not isinstance(name, str) or not name.isidentifier():
                self.err((*path, "list", name), f"field name '{name}' must be a plain identifier")
            elif ftype not in FIELD_TYPES:
                self.err((*path, "list", name), f"type '{ftype}' unknown (allowed: {', '.join(FIELD_TYPES)})")
            else:
                item_fields[name] = ftype
        cap = self.integer(spec, "max_items", path, minimum=1)
        return ListField(item_fields, cap) if cap else None

    def list_ref(self, m: Mapping[str, Any], path: tuple[PathElem, ...]) -> tuple[str, Predicate | None] | None:
        """The ``list`` a ``count``/``per_item`` reads and its ``where`` predicate over one item's fields."""
        name = m.get("list")
        if not isinstance(name, str) or name not in self.list_fields:
            self.err((*path, "list"), f"unknown list field '{name}' (declare it under 'fields:' with 'list:')")
            return None
        where = None
        if "where" in m:
            saved = self.fields
            self.fields = dict(self.list_fields[name].item_fields)  # inside 'where', names are the item's fields
            try:
                where = self.predicate(m["where"], (*path, "where"))
            finally:
                self.fields = saved
        return name, where

    def counter(self, m: Mapping[str, Any], path: tuple[PathElem, ...]) -> Callable[[Values], int] | None:
        ref = self.list_ref(m, path)
        if ref is None:
            return None
        name, where = ref
        if where is None:
            return lambda a: len(a.get(name) or ())
        test = where
        return lambda a: sum(1 for item in a.get(name) or () if test(item, _EMPTY))

    def facts(self, spec: Any) -> Callable[[Values, Values], list[dict[str, Any]]]:
        """What a predicate looked at, for an explanation: each leaf's field, the application's value and the
        rule's bound (``{"kind": "at_least", "field": "children", "value": 2, "limit": 4}``). Read from a
        valid spec; the truth of each leaf is not re-evaluated (the criterion's result says it)."""
        leaves: list[tuple[str, dict[str, Any]]] = []

        def walk(sp: Any) -> None:
            if not isinstance(sp, dict) or len(sp) != 1:
                return
            ((kind, arg),) = sp.items()
            if kind in ("all", "any") and isinstance(arg, list):
                for x in arg:
                    walk(x)
            elif kind == "not":
                walk(arg)
            elif kind == "is_true":
                leaves.append((kind, {"field": arg if isinstance(arg, str) else (arg or {}).get("field")}))
            elif kind == "same" and isinstance(arg, list):
                leaves.append((kind, {"fields": [str(x) for x in arg]}))
            elif isinstance(arg, dict):
                leaves.append((kind, dict(arg)))

        walk(spec)
        money = {n for n, t in self.fields.items() if t == "money" or n.endswith("_cents")}
        labels = dict(self.field_labels)
        counters: dict[int, Callable[[Values], int]] = {}
        for i, (kind, arg) in enumerate(leaves):
            if kind == "count" and "where" in arg:
                counted = self.counter(arg, ())  # a valid spec: compiles again without errors
                if counted is not None:
                    counters[i] = counted

        def value_of(ref: Any, a: Values, o: Values) -> Any:
            if not isinstance(ref, str):
                return None
            if ref.startswith("offer."):
                return o.get(ref[len("offer.") :])
            return a.get(ref[len("application.") :] if ref.startswith("application.") else ref)

        def facts(a: Values, o: Values) -> list[dict[str, Any]]:
            out: list[dict[str, Any]] = []
            for i, (kind, arg) in enumerate(leaves):
                fact: dict[str, Any] = {"kind": kind}
                if kind == "same":
                    fact["values"] = [value_of(r, a, o) for r in arg["fields"]]
                elif kind == "count":
                    listed = str(arg.get("list"))
                    # With 'where', the items that match it (the rule's count), not every item given.
                    n = counters[i](a) if i in counters else len(a.get(listed) or ())
                    fact.update(list=listed, value=n, min=arg.get("min"), max=arg.get("max"), where=i in counters)
                    if listed in labels:
                        fact["label"] = labels[listed]
                else:
                    ref = arg.get("field")
                    fact.update(field=ref, value=value_of(ref, a, o), money=ref in money)
                    if isinstance(ref, str) and ref in labels:
                        fact["label"] = labels[ref]
                    for k in ("value", "min", "max", "under", "values", "list"):
                        if k in arg and k != "value":
                            fact[k] = arg[k]
                    if "value" in arg:
                        is_money_field = self.fields.get(str(ref)) == "money"
                        fact["limit"] = parse_money(arg["value"]) if is_money_field else arg["value"]
                out.append(fact)
            return out

        return facts

    # -- predicates -----------------------------------------------------------------------
    def predicate(self, spec: Any, path: tuple[PathElem, ...], *, offers: bool = False) -> Predicate:
        never: Predicate = lambda a, o: False  # noqa: E731
        if isinstance(spec, dict) and len(spec) == 1:
            ((kind, arg),) = spec.items()
        else:
            self.err(path, f"a predicate must be a mapping with exactly one of: {', '.join(_PREDICATE_KINDS)}")
            return never
        p = (*path, kind)
        if kind not in _PREDICATE_KINDS:
            self.err(p, f"unknown predicate '{kind}' (allowed: {', '.join(_PREDICATE_KINDS)})")
            return never
        if kind in ("all", "any"):
            if not isinstance(arg, list) or not arg:
                self.err(p, f"'{kind}' needs a non-empty list of predicates")
                return never
            subs = tuple(self.predicate(s, (*p, i), offers=offers) for i, s in enumerate(arg))
            if kind == "all":

                def all_of(a: Values, o: Values) -> bool:
                    for sub in subs:  # noqa: SIM110 (a loop avoids a generator per call)
                        if not sub(a, o):
                            return False
                    return True

                return all_of

            def any_of(a: Values, o: Values) -> bool:
                for sub in subs:  # noqa: SIM110 (a loop avoids a generator per call)
                    if sub(a, o):
                        return True
                return False

            return any_of
        if kind == "not":
            sub = self.predicate(arg, p, offers=offers)
            return lambda a, o: not sub(a, o)
        if kind == "same":
            if not isinstance(arg, list) or len(arg) != 2:
                self.err(p, "'same' needs a list of two field references")
                return never
            r1 = self.field_ref(arg[0], (*p, 0), offers=offers)
            r2 = self.field_ref(arg[1], (*p, 1), offers=offers)
            if r1 is None or r2 is None:
                return never
            (s1, n1, _), (s2, n2, _) = r1, r2
            if (s1, s2) == ("a", "o"):
                return lambda a, o: (v := a.get(n1)) is not None and v == o.get(n2)
            if (s1, s2) == ("o", "a"):
                return lambda a, o: (v := o.get(n1)) is not None and v == a.get(n2)
            g1, g2 = _getter(r1), _getter(r2)
            return lambda a, o: (v := g1(a, o)) is not None and v == g2(a, o)
        if kind == "is_true":
            if isinstance(arg, str):
                arg = {"field": arg}
            m = self.mapping(arg, p, "'is_true'")
            if m is None:
                return never
            self.unknown_keys(m, ("field",), p)
            ref = self.field_ref(m.get("field"), (*p, "field"), offers=offers, types=("boolean",))
            if ref is None:
                return never
            name = ref[1]
            if ref[0] == "a":
                return lambda a, o: a.get(name) is True
            return lambda a, o: o.get(name) is True
        m = self.mapping(arg, p, f"'{kind}'")
        if m is None:
            return never
        if kind == "count":
            self.unknown_keys(m, ("list", "where", "min", "max"), p)
            count = self.counter(m, p)
            lo, hi = m.get("min"), m.get("max")
            for k, v in (("min", lo), ("max", hi)):
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    self.err((*p, k), f"'{k}' must be a whole number")
                    return never
            if lo is None and hi is None:
                self.err(p, "'count' needs 'min', 'max' or both")
            if count is None:
                return never
            lo_c = lo if lo is not None else 0
            hi_c = hi if hi is not None else 10**9
            counted = count
            return lambda a, o: lo_c <= counted(a) <= hi_c
        if kind == "age":
            self.unknown_keys(m, ("field", "reference_date", "min", "max", "under"), p)
            ref = self.field_ref(m.get("field"), (*p, "field"), offers=offers, types=("date",))
            refdate = m.get("reference_date")
            if not isinstance(refdate, dt.date) or isinstance(refdate, dt.datetime):
                self.err((*p, "reference_date"), "'reference_date' must be a date (YYYY-MM-DD)")
                refdate = None
            bounds: dict[str, Duration] = {}
            for k in ("min", "max", "under"):
                if k in m:
                    try:
                        bounds[k] = parse_duration(m[k])
                    except ValueError as exc:
                        self.err((*p, k), str(exc))
            if not bounds and not any(k in m for k in ("min", "max", "under")):
                self.err(p, "'age' needs 'min', 'max' or 'under' (e.g. max: 13 years, under: 11 years)")
            if "max" in m and "under" in m:
                self.err(p, "'age' takes 'max' or 'under', not both")
            # In months: min "3 years" = 36; max "13 years" = up to 13 years and 11 months (167); max "30 months"
            # = 30; under "11 years" = less than 132.
            lo_m = bounds["min"].months if "min" in bounds else -(10**9)
            hi_m = 10**9
            if "max" in bounds:
                b = bounds["max"]
                hi_m = b.months + 11 if b.years_only else b.months
            elif "under" in bounds:
                hi_m = bounds["under"].months - 1
            if lo_m > hi_m:
                self.err(p, "the minimum age is above the maximum")
            if ref is None or refdate is None or len(bounds) != sum(k in m for k in ("min", "max", "under")):
                return never
            ga = _getter(ref)
            ay, am_, aday = refdate.year, refdate.month, refdate.day

            def age_in(a: Values, o: Values) -> bool:
                b = ga(a, o)
                if b is None:
                    return False
                months = (ay - b.year) * 12 + (am_ - b.month) - (aday < b.day)
                return lo_m <= months <= hi_m

            return age_in
        if kind == "age_months":
            self.unknown_keys(m, ("field", "reference_date", "min", "max"), p)
            ref = self.field_ref(m.get("field"), (*p, "field"), offers=offers, types=("date",))
            refdate = m.get("reference_date")
            if not isinstance(refdate, dt.date) or isinstance(refdate, dt.datetime):
                self.err((*p, "reference_date"), "'reference_date' must be a date (YYYY-MM-DD)")
                refdate = None
            lo, hi = m.get("min"), m.get("max")
            for k, v in (("min", lo), ("max", hi)):
                if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
                    self.err((*p, k), f"'{k}' must be a whole number of months")
                    return never
            if lo is None and hi is None:
                self.err(p, "'age_months' needs 'min', 'max' or both")
            elif lo is not None and hi is not None and lo > hi:
                self.err(p, f"'min' ({lo}) is greater than 'max' ({hi})")
            if ref is None or refdate is None:
                return never
            g = _getter(ref)
            lo_i = lo if lo is not None else -(10**9)
            hi_i = hi if hi is not None else 10**9
            ry, rm, rday = refdate.year, refdate.month, refdate.day

            def age_ok(a: Values, o: Values) -> bool:
                b = g(a, o)
                if b is None:
                    return False
                months = (ry - b.year) * 12 + (rm - b.month) - (rday < b.day)  # as age_in_months
                return lo_i <= months <= hi_i

            return age_ok
        if kind in ("at_most", "at_least"):
            self.unknown_keys(m, ("field", "value"), p)
            ref = self.field_ref(m.get("field"), (*p, "field"), offers=offers, types=("integer", "date", "money"))
            if "value" not in m:
                self.err(p, "missing 'value'")
                return never
            if ref is None or not self.check_value(m["value"], ref[2], (*p, "value")):
                return never
            name, limit = ref[1], m["value"]
            if ref[2] == "money":
                limit = parse_money(limit)
            src = 0 if ref[0] == "a" else 1
            if kind == "at_most":
                if src == 0:
                    return lambda a, o: (v := a.get(name)) is not None and v <= limit
                return lambda a, o: (v := o.get(name)) is not None and v <= limit
            if src == 0:
                return lambda a, o: (v := a.get(name)) is not None and v >= limit
            return lambda a, o: (v := o.get(name)) is not None and v >= limit
        if kind == "in_list":
            self.unknown_keys(m, ("field", "values", "list"), p)
            ref = self.field_ref(m.get("field"), (*p, "field"), offers=offers, types=("string", "integer"))
            if ("values" in m) == ("list" in m):
                self.err(p, "'in_list' needs exactly one of 'values' (inline) or 'list' (a name under 'lists:')")
                return never
            if "list" in m:
                name = m["list"]
                if name not in self.lists:
                    self.err((*p, "list"), f"unknown list '{name}' (define it under 'lists:')")
                    return never
                values = self.lists[name]
            else:
                raw = m["values"]
                if not isinstance(raw, list) or not raw:
                    self.err((*p, "values"), "'values' must be a non-empty list")
                    return never
                values = tuple(raw)
            if ref is None:
                return never
            where = (*p, "list") if "list" in m else (*p, "values")
            for v in values:
                if ref[2] == "string" and not isinstance(v, str):
                    self.err(where, f"{v!r} is not text: quote codes (e.g. '015146') so YAML keeps leading zeros")
                    return never
                if ref[2] == "integer" and (not isinstance(v, int) or isinstance(v, bool)):
                    self.err(where, f"{v!r} is not an integer")
                    return never
            name = ref[1]
            allowed = frozenset(values)
            if ref[0] == "a":
                return lambda a, o: a.get(name) in allowed
            return lambda a, o: o.get(name) in allowed
        self.err(path, f"unknown predicate '{kind}' (allowed: {', '.join(_PREDICATE_KINDS)})")
        return never

    # -- criteria -------------------------------------------------------------------------
    def criterion(self, spec: Any, path: tuple[PathElem, ...], prefix: str = "") -> list[Criterion]:
        m = self.mapping(spec, path, "a points criterion")
        if m is None:
            return []
        cid = self.text(m, "id", path)
        label = self.text(m, "label", path)
        kinds = [k for k in _CRITERION_KINDS if k in m]
        if len(kinds) != 1:
            self.err(path, f"a criterion needs exactly one of: {', '.join(_CRITERION_KINDS)}")
            return []
        kind = kinds[0]
        allowed = ["id", "label", kind] + (["points"] if kind == "condition" else [])
        self.unknown_keys(m, allowed, path)
        full_id = f"{prefix}{cid}"
        p = (*path, kind)
        arg = m[kind]
        if kind == "sum":
            if not isinstance(arg, list) or not arg:
                self.err(p, "'sum' needs a non-empty list of criteria")
                return []
            out: list[Criterion] = []
            for i, sub in enumerate(arg):
                out.extend(self.criterion(sub, (*p, i), prefix=f"{full_id}."))
            return out
        if kind == "condition":
            pts = self.integer(m, "points", path)
            pred = self.predicate(arg, p)
            why = self.facts(arg)

            def cond_score(a: Values) -> int:
                return pts if pred(a, _EMPTY) else 0

            return [
                Criterion(
                    full_id,
                    label,
                    kind,
                    cond_score,
                    m,
                    lambda a: {"met": True} if pred(a, _EMPTY) else {"met": False, "why": why(a, _EMPTY)},
                )
            ]
        if kind == "one_of":
            parsed = self.alternatives(arg, p, offers=False)
            if parsed is None:
                return []
            alts_t, alt_labels, other = parsed

            def one_of_score(a: Values) -> int:
                for _, pred, pts in alts_t:
                    if pred(a, _EMPTY):
                        return pts
                return other

            def one_of_explain(a: Values) -> dict[str, Any]:
                for aid, pred, _ in alts_t:
                    if pred(a, _EMPTY):
                        return {"alternative": aid, "label": alt_labels.get(aid, aid)}
                return {"alternative": None}

            return [Criterion(full_id, label, kind, one_of_score, m, one_of_explain)]
        if kind == "per_item":
            am = self.mapping(arg, p, "'per_item'")
            if am is None:
                return []
            self.unknown_keys(am, ("list", "where", "points", "max_items"), p)
            count = self.counter(am, p)
            pts = self.integer(am, "points", p)
            cap = am.get("max_items")
            if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 0):
                self.err((*p, "max_items"), "'max_items' must be a non-negative integer")
                cap = None
            if count is None:
                return []
            cap_n = cap if cap is not None else 10**9
            counted = count

            def item_score(a: Values) -> int:
                return min(counted(a), cap_n) * pts

            def item_explain(a: Values) -> dict[str, Any]:
                n = counted(a)
                return {"items": n, "counted": min(n, cap_n), "each": pts, "cap": cap}

            return [Criterion(full_id, label, kind, item_score, am, item_explain)]
        if kind == "per_unit":
            am = self.mapping(arg, p, "'per_unit'")
            if am is None:
                return []
            self.unknown_keys(am, ("field", "points", "max_units"), p)
            ref = self.field_ref(am.get("field"), (*p, "field"), offers=False, types=("integer",))
            pts = self.integer(am, "points", p)
            cap = am.get("max_units")
            if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 0):
                self.err((*p, "max_units"), "'max_units' must be a non-negative integer")
                cap = None
            if ref is None:
                return []
            name = ref[1]
            cap_i = cap if cap is not None else 10**12

            def units(a: Values) -> int:
                v = a.get(name)
                return 0 if v is None or v < 0 else min(v, cap_i)

            def unit_score(a: Values) -> int:
                v = a.get(name)
                return 0 if v is None or v < 0 else (v if v < cap_i else cap_i) * pts

            def unit_explain(a: Values) -> dict[str, Any]:
                return {"value": a.get(name), "counted": units(a), "each": pts, "cap": cap}

            return [Criterion(full_id, label, kind, unit_score, am, unit_explain)]
        # bands
        am = self.mapping(arg, p, "'bands'")
        if am is None:
            return []
        self.unknown_keys(am, ("field", "ranges", "missing"), p)
        ref = self.field_ref(am.get("field"), (*p, "field"), offers=False, types=("integer", "money"))
        is_money = ref is not None and ref[2] == "money"
        missing = am.get("missing", 0)
        if not isinstance(missing, int) or isinstance(missing, bool):
            self.err((*p, "missing"), "'missing' must be an integer (points when the field is empty)")
            missing = 0
        ranges = am.get("ranges")
        if not isinstance(ranges, list) or not ranges:
            self.err((*p, "ranges"), "'ranges' must be a non-empty list of {min, max, points}")
            return []
        bands: list[tuple[int, int, int, int]] = []  # (lo, hi, points, index)
        for i, r in enumerate(ranges):
            rp = (*p, "ranges", i)
            rm = self.mapping(r, rp, "a band")
            if rm is None:
                continue
            self.unknown_keys(rm, ("min", "max", "points"), rp)
            lo, hi = rm.get("min"), rm.get("max")
            if is_money:  # bands of an amount are written in euros: "15.000 €", or 15000, 15000.01
                lo = None if lo is None else self.money(lo, (*rp, "min"))
                hi = None if hi is None else self.money(hi, (*rp, "max"))
                if (lo is None and "min" in rm) or (hi is None and "max" in rm):
                    continue
            for k, v in (("min", lo), ("max", hi)):
                if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                    self.err((*rp, k), f"'{k}' must be an integer")
                    continue
            if lo is None and hi is None:
                self.err(rp, "a band needs 'min', 'max' or both (both inclusive)")
                continue
            lo_i = lo if isinstance(lo, int) else -(10**18)
            hi_i = hi if isinstance(hi, int) else 10**18
            if lo_i > hi_i:
                self.err(rp, f"'min' ({lo}) is greater than 'max' ({hi})")
                continue
            pts = self.integer(rm, "points", rp)
            bands.append((lo_i, hi_i, pts, i))
        ordered = sorted(bands)
        reach: int | None = None  # the highest 'max' among the bands seen so far
        for lo2, hi2, _, i2 in ordered:
            if reach is not None and lo2 <= reach:
                self.err(p, f"bands overlap at {lo2} (ranges[{i2}] starts inside an earlier band ending at {reach})")
            reach = hi2 if reach is None else max(reach, hi2)
        if ref is None:
            return []
        name = ref[1]
        bands_t = tuple(ordered)
        miss: int = missing

        def band_of(v: int) -> tuple[int, int, int, int] | None:
            for b in bands_t:
                if b[0] <= v <= b[1]:
                    return b
            return None

        def band_score(a: Values) -> int:
            v = a.get(name)
            if v is None:
                return miss
            b = band_of(v)
            return b[2] if b else 0

        shown_as_money = is_money or name.endswith("_cents")  # an integer amount in cents reads as euros

        def band_explain(a: Values) -> dict[str, Any]:
            v = a.get(name)
            if v is None:
                return {"field": name, "value": None, "money": shown_as_money}
            b = band_of(v)
            if b is None:
                return {"field": name, "value": v, "money": shown_as_money, "band": None}
            lo_b = None if b[0] == -(10**18) else b[0]
            hi_b = None if b[1] == 10**18 else b[1]
            return {"field": name, "value": v, "money": shown_as_money, "band": [lo_b, hi_b]}

        return [Criterion(full_id, label, kind, band_score, am, band_explain)]

    def alternatives(
        self, arg: Any, p: tuple[PathElem, ...], *, offers: bool
    ) -> tuple[tuple[tuple[str, Predicate, int], ...], dict[str, str], int] | None:
        """A ``one_of``'s alternatives (id, compiled ``when``, points), their labels and ``otherwise``."""
        am = self.mapping(arg, p, "'one_of'")
        if am is None:
            return None
        self.unknown_keys(am, ("alternatives", "otherwise"), p)
        alts = am.get("alternatives")
        if not isinstance(alts, list) or not alts:
            self.err((*p, "alternatives"), "'alternatives' must be a non-empty list")
            return None
        compiled: list[tuple[str, Predicate, int]] = []
        labels: dict[str, str] = {}
        for i, alt in enumerate(alts):
            ap = (*p, "alternatives", i)
            alt_m = self.mapping(alt, ap, "an alternative")
            if alt_m is None:
                continue
            self.unknown_keys(alt_m, ("id", "label", "when", "points"), ap)
            aid = self.text(alt_m, "id", ap)
            if aid in labels:
                self.err((*ap, "id"), f"duplicate alternative id '{aid}'")
            labels[aid] = str(alt_m.get("label", aid))
            pts = self.integer(alt_m, "points", ap)
            if "when" not in alt_m:
                self.err(ap, "missing 'when'")
                continue
            compiled.append((aid, self.predicate(alt_m["when"], (*ap, "when"), offers=offers), pts))
        otherwise = am.get("otherwise", 0)
        if not isinstance(otherwise, int) or isinstance(otherwise, bool):
            self.err((*p, "otherwise"), "'otherwise' must be an integer")
            otherwise = 0
        return tuple(compiled), labels, otherwise

    def offer_criterion(self, spec: Any, path: tuple[PathElem, ...], prefix: str = "") -> list[OfferCriterion]:
        """An ``offer_points:`` criterion: ``condition``, ``one_of`` or ``sum``, whose predicates may read
        ``offer.`` fields (and ``offer.id``)."""
        m = self.mapping(spec, path, "a per-offer points criterion")
        if m is None:
            return []
        cid = self.text(m, "id", path)
        label = self.text(m, "label", path)
        kinds = [k for k in ("condition", "one_of", "sum") if k in m]
        if len(kinds) != 1:
            self.err(path, "a per-offer criterion needs exactly one of: condition, one_of, sum")
            return []
        kind = kinds[0]
        self.unknown_keys(m, ["id", "label", kind] + (["points"] if kind == "condition" else []), path)
        full_id = f"{prefix}{cid}"
        p = (*path, kind)
        arg = m[kind]
        if kind == "sum":
            if not isinstance(arg, list) or not arg:
                self.err(p, "'sum' needs a non-empty list of criteria")
                return []
            out: list[OfferCriterion] = []
            for i, sub in enumerate(arg):
                out.extend(self.offer_criterion(sub, (*p, i), prefix=f"{full_id}."))
            return out
        if kind == "condition":
            pts = self.integer(m, "points", path)
            pred = self.predicate(arg, p, offers=True)
            why = self.facts(arg)

            def cond_score(a: Values, o: Values) -> int:
                return pts if pred(a, o) else 0

            def cond_explain(a: Values, o: Values) -> dict[str, Any]:
                return {"met": True} if pred(a, o) else {"met": False, "why": why(a, o)}

            return [OfferCriterion(full_id, label, kind, cond_score, m, cond_explain)]
        parsed = self.alternatives(arg, p, offers=True)
        if parsed is None:
            return []
        alts_t, alt_labels, other = parsed

        def one_score(a: Values, o: Values) -> int:
            for _, pred, pts in alts_t:
                if pred(a, o):
                    return pts
            return other

        def one_explain(a: Values, o: Values) -> dict[str, Any]:
            for aid, pred, _ in alts_t:
                if pred(a, o):
                    return {"alternative": aid, "label": alt_labels.get(aid, aid)}
            return {"alternative": None}

        return [OfferCriterion(full_id, label, kind, one_score, m, one_explain)]

    # -- tie-breakers ---------------------------------------------------------------------
    def tie_breaker(self, spec: Any, path: tuple[PathElem, ...]) -> TieBreaker | None:
        if spec == "earlier_submission":
            return TieBreaker("earlier_submission", "earlier submission first", lambda app: _ts(app.submitted_at))
        if not isinstance(spec, dict):
            self.err(path, "a tie-breaker is 'earlier_submission' or a mapping (field, older_child_first, lottery)")
            return None
        if "field" in spec:
            self.unknown_keys(spec, ("field", "order", "missing"), path)
            ref = self.field_ref(spec["field"], (*path, "field"), offers=False, types=("integer", "date", "money"))
            order = spec.get("order", "asc")
            missing = spec.get("missing", "last")
            if order not in ("asc", "desc"):
                self.err((*path, "order"), "'order' must be 'asc' or 'desc'")
            if missing not in ("last", "first"):
                self.err((*path, "missing"), "'missing' must be 'last' or 'first'")
            if ref is None:
                return None
            return TieBreaker(
                "field",
                f"{ref[1]} {order}, missing {missing}",
                _field_key(ref[1], order == "desc", missing == "last", ref[2] == "date"),
                field=ref[1],
                descending=order == "desc",
                money=ref[2] == "money" or ref[1].endswith("_cents"),
            )
        if "older_child_first" in spec:
            self.unknown_keys(spec, ("older_child_first",), path)
            arg = spec["older_child_first"]
            ref_name = arg.get("field") if isinstance(arg, dict) else arg
            ref = self.field_ref(ref_name, (*path, "older_child_first"), offers=False, types=("date",))
            if ref is None:
                return None
            return TieBreaker(
                "older_child_first",
                f"older child first ({ref[1]})",
                _field_key(ref[1], False, True, True),
                field=ref[1],
            )
        if "lottery" in spec:
            self.unknown_keys(spec, ("lottery",), path)
            arg = spec["lottery"]
            seed = arg.get("seed") if isinstance(arg, dict) else None
            if not isinstance(seed, str | int) or isinstance(seed, bool) or seed == "":
                self.err((*path, "lottery"), "'lottery' needs a 'seed' (text or integer), published with the call")
                return None
            s = str(seed)
            return TieBreaker("lottery", f"lottery sha256('{s}:<id>')", lambda app: lottery_key(s, app.id), s)
        self.err(path, "unknown tie-breaker (allowed: field, older_child_first, earlier_submission, lottery)")
        return None

    def request(self, spec: Any, path: tuple[PathElem, ...]) -> Request | None:
        """The amount asked, from the fields: ``{field: cost}`` (a money field), ``{per_unit: {field: weeks,
        amount: "100 €"}}``, or ``{sum: [...]}`` of those, each with an optional ``max`` in euros."""
        m = self.mapping(spec, path, "'request'")
        if m is None:
            return None
        kinds = [k for k in ("field", "per_unit", "per_item", "sum") if k in m]
        if len(kinds) != 1:
            self.err(path, "'request' needs exactly one of: field (an amount), per_unit, per_item, sum")
            return None
        self.unknown_keys(m, (kinds[0], "max"), path)
        cap = self.money(m["max"], (*path, "max")) if "max" in m else None
        part: Request | None = None
        if kinds[0] == "field":
            ref = self.field_ref(m["field"], (*path, "field"), offers=False, types=("money",))
            if ref is not None:
                name, label = ref[1], self.field_labels.get(ref[1])

                def amount(a: Values) -> int:
                    v = a.get(name)
                    return 0 if v is None else v

                def field_explain(a: Values) -> dict[str, Any]:
                    return {"kind": "field", "label": label, "value": a.get(name), "amount": amount(a)}

                part = Request(amount, field_explain)
        elif kinds[0] == "per_unit":
            pm = self.mapping(m["per_unit"], (*path, "per_unit"), "'per_unit'")
            if pm is not None:
                self.unknown_keys(pm, ("field", "amount"), (*path, "per_unit"))
                ref = self.field_ref(pm.get("field"), (*path, "per_unit", "field"), offers=False, types=("integer",))
                each = self.money(pm.get("amount"), (*path, "per_unit", "amount"))
                if ref is not None and each is not None:
                    name, unit, label = ref[1], each, self.field_labels.get(ref[1])

                    def units_amount(a: Values) -> int:
                        v = a.get(name)
                        return 0 if v is None or v < 0 else v * unit

                    def units_explain(a: Values) -> dict[str, Any]:
                        v = a.get(name)
                        return {"kind": "per_unit", "label": label, "units": v, "each": unit, "amount": units_amount(a)}

                    part = Request(units_amount, units_explain)
        elif kinds[0] == "per_item":
            part = self.request_per_item(m["per_item"], (*path, "per_item"))
        else:
            items = m["sum"]
            if not isinstance(items, list) or not items:
                self.err((*path, "sum"), "'sum' needs a non-empty list")
                return None
            parts = [self.request(x, (*path, "sum", i)) for i, x in enumerate(items)]
            if all(x is not None for x in parts):
                compiled = tuple(x for x in parts if x is not None)

                def sum_amount(a: Values) -> int:
                    return sum(x.amount(a) for x in compiled)

                def sum_explain(a: Values) -> dict[str, Any]:
                    return {"kind": "sum", "parts": [x.explain(a) for x in compiled], "amount": sum_amount(a)}

                part = Request(sum_amount, sum_explain)
        if part is None:
            return None
        if cap is None:
            return part
        limit, inner = cap, part

        def capped(a: Values) -> int:
            return min(inner.amount(a), limit)

        def capped_explain(a: Values) -> dict[str, Any]:
            d = inner.explain(a)
            if d["amount"] > limit:
                d = {**d, "before_cap": d["amount"], "amount": limit}
            return {**d, "cap": limit}

        return Request(capped, capped_explain)

    def request_per_item(self, spec: Any, path: tuple[PathElem, ...]) -> Request | None:
        """``{list: children, where: P, units: weeks, max_units: 6, amount: "90 €", max: "540 €"}``: for each item
        of a list field that satisfies ``where`` (every item without it), ``amount`` once, or per unit of the
        item's integer field ``units`` (counted up to ``max_units``), each item capped at ``max`` (euros)."""
        pm = self.mapping(spec, path, "'per_item'")
        if pm is None:
            return None
        self.unknown_keys(pm, ("list", "where", "units", "max_units", "amount", "max"), path)
        ref = self.list_ref(pm, path)
        each = self.money(pm.get("amount"), (*path, "amount"))
        item_cap = self.money(pm["max"], (*path, "max")) if "max" in pm else None
        max_units = self.integer(pm, "max_units", path, minimum=1) if "max_units" in pm else None
        units: str | None = None
        if "units" in pm:
            units = pm["units"] if isinstance(pm["units"], str) else None
            item_fields = self.list_fields[ref[0]].item_fields if ref is not None else {}
            if units is None or (ref is not None and units not in item_fields):
                self.err((*path, "units"), f"unknown item field '{pm['units']}' (an integer field of the list's items)")
                units = None
            elif ref is not None and item_fields[units] != "integer":
                self.err((*path, "units"), f"field '{units}' is {item_fields[units]}; expected integer")
                units = None
        elif max_units is not None:
            self.err((*path, "max_units"), "'max_units' needs 'units' (the item field counted)")
        if ref is None or each is None or ("units" in pm and units is None):
            return None
        name, where = ref
        unit_field, amount_each, cap, most = units, each, item_cap, max_units
        label = self.field_labels.get(name)

        def item_parts(a: Values) -> list[dict[str, Any]]:
            parts = []
            for item in a.get(name) or ():
                if where is not None and not where(item, _EMPTY):
                    continue
                given = 1 if unit_field is None else item.get(unit_field)
                counted = 0 if given is None or given < 0 else given
                if most is not None:
                    counted = min(counted, most)
                value = counted * amount_each
                part: dict[str, Any] = {"units": given, "counted": counted, "amount": value}
                if cap is not None and value > cap:
                    part = {**part, "before_cap": value, "amount": cap}
                parts.append(part)
            return parts

        def items_amount(a: Values) -> int:
            return sum(p["amount"] for p in item_parts(a))

        def items_explain(a: Values) -> dict[str, Any]:
            parts = item_parts(a)
            detail: dict[str, Any] = {"kind": "per_item", "label": label, "each": amount_each, "items": parts,
                                      "amount": sum(p["amount"] for p in parts), "per_unit": unit_field is not None}  # fmt: skip
            if cap is not None:
                detail["item_cap"] = cap
            if most is not None:
                detail["max_units"] = most
            return detail

        return Request(items_amount, items_explain)

    # -- outcome --------------------------------------------------------------------------
    def outcome(self, spec: Any, path: tuple[PathElem, ...]) -> Outcome:
        m = self.mapping(spec, path, "'outcome'")
        if m is None:
            return Outcome("ranked_budget")
        mode = m.get("mode")
        if mode in ("ranked_budget", "first_come"):
            self.unknown_keys(m, ("mode", "budget_cents", "max_grant_cents", "fit", "request"), path)
            request = self.request(m["request"], (*path, "request")) if "request" in m else None
            budget = self.integer(m, "budget_cents", path, minimum=0)
            cap = m.get("max_grant_cents")
            if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 0):
                self.err((*path, "max_grant_cents"), "'max_grant_cents' must be a non-negative integer")
                cap = None
            fit = m.get("fit", "stop")
            if fit not in ("stop", "skip", "partial"):
                self.err((*path, "fit"), "'fit' must be 'stop', 'skip' or 'partial'")
                fit = "stop"
            return Outcome(mode, budget_cents=budget, max_grant_cents=cap, fit=fit, request=request)
        if mode == "places":
            self.unknown_keys(m, ("mode", "siblings", "priorities", "default_class", "age", "reference_date"), path)
            siblings = m.get("siblings", "together")
            if siblings not in ("together", "independent"):
                self.err((*path, "siblings"), "'siblings' must be 'together' or 'independent'")
                siblings = "together"
            prios: list[PriorityRule] = []
            raw = m.get("priorities", [])
            if not isinstance(raw, list):
                self.err((*path, "priorities"), "'priorities' must be a list")
                raw = []
            for i, pr in enumerate(raw):
                pp = (*path, "priorities", i)
                pm = self.mapping(pr, pp, "a priority rule")
                if pm is None:
                    continue
                self.unknown_keys(pm, ("id", "label", "class", "when"), pp)
                pid = self.text(pm, "id", pp)
                plabel = self.text(pm, "label", pp)
                klass = self.integer(pm, "class", pp, minimum=0)
                if "when" not in pm:
                    self.err(pp, "missing 'when'")
                    continue
                when = self.predicate(pm["when"], (*pp, "when"), offers=True)
                prios.append(PriorityRule(pid, plabel, klass, when, _predicate_reads(pm["when"])))
            default = m.get("default_class", max((p.klass for p in prios), default=-1) + 1)
            if not isinstance(default, int) or isinstance(default, bool) or default < 0:
                self.err((*path, "default_class"), "'default_class' must be a non-negative integer")
                default = 0
            age_field: str | None = None
            ref_date: dt.date | None = None
            if "age" in m:
                ref = self.field_ref(m["age"], (*path, "age"), offers=False, types=("date",))
                age_field = ref[1] if ref else None
                rd = m.get("reference_date")
                if not isinstance(rd, dt.date) or isinstance(rd, dt.datetime):
                    self.err((*path, "reference_date"), "'reference_date' (YYYY-MM-DD) is required with 'age'")
                else:
                    ref_date = rd
            return Outcome(
                "places",
                siblings=siblings,
                priorities=tuple(prios),
                default_class=default,
                age_field=age_field,
                reference_date=ref_date,
            )
        self.err((*path, "mode"), "'mode' must be 'ranked_budget', 'first_come' or 'places'")
        return Outcome("ranked_budget")

    # -- whole call -----------------------------------------------------------------------
    def call(self, data: Any) -> Call | None:
        m = self.mapping(data, (), "the call file")
        if m is None:
            return None
        top = ("call", "fields", "offer_fields", "lists", "eligibility", "points", "offer_points", "tie_breakers",
               "outcome")  # fmt: skip
        self.unknown_keys(m, top, ())
        head = self.mapping(m.get("call", {}), ("call",), "'call'") or {}
        cid = self.text(head, "id", ("call",)) if "call" in m else ""
        if "call" not in m:
            self.err((), "missing 'call' (with 'id' and 'title')")
        title = head.get("title", "")
        title = title if isinstance(title, str) else str(title)
        for section, target in (("fields", self.fields), ("offer_fields", self.offer_fields)):
            sm = m.get(section, {})
            if not isinstance(sm, dict):
                self.err((section,), f"'{section}' must map field names to types")
                continue
            for name, ftype in sm.items():
                if not isinstance(name, str) or not name.isidentifier():
                    self.err((section, name), f"field name '{name}' must be a plain identifier")
                elif name in ("id", "submitted_at", "preferences", "group", "requested_cents", "capacity"):
                    self.err((section, name), f"'{name}' is a standard column; do not declare it")
                elif isinstance(ftype, dict) and "type" in ftype:
                    self.unknown_keys(ftype, ("type", "label"), (section, name))
                    label = ftype.get("label")
                    if ftype["type"] not in FIELD_TYPES:
                        self.err(
                            (section, name, "type"),
                            f"type '{ftype['type']}' unknown (allowed: {', '.join(FIELD_TYPES)})",
                        )
                    elif label is not None and (not isinstance(label, str) or not label.strip()):
                        self.err((section, name, "label"), "'label' must be a non-empty text")
                    else:
                        target[name] = ftype["type"]
                        if label is not None and section == "fields":
                            self.field_labels[name] = label.strip()
                elif isinstance(ftype, dict) and section == "fields":
                    declared = self.list_field(ftype, (section, name))
                    if declared is not None:
                        target[name] = "list"
                        self.list_fields[name] = declared
                elif ftype not in FIELD_TYPES:
                    self.err((section, name), f"type '{ftype}' unknown (allowed: {', '.join(FIELD_TYPES)}, or a list)")
                else:
                    target[name] = ftype
        lists = m.get("lists", {})
        if not isinstance(lists, dict):
            self.err(("lists",), "'lists' must map list names to lists of values")
        else:
            for name, vals in lists.items():
                if not isinstance(vals, list) or not vals:
                    self.err(("lists", name), "a list must be a non-empty list of values")
                else:
                    self.lists[str(name)] = tuple(vals)

        rules: list[Rule] = []
        elig = m.get("eligibility", [])
        if not isinstance(elig, list):
            self.err(("eligibility",), "'eligibility' must be a list of rules")
            elig = []
        ids: set[str] = set()
        for i, r in enumerate(elig):
            p: tuple[PathElem, ...] = ("eligibility", i)
            rm = self.mapping(r, p, "an eligibility rule")
            if rm is None:
                continue
            self.unknown_keys(rm, ("id", "reason", "rule"), p)
            rid = self.text(rm, "id", p)
            reason = self.text(rm, "reason", p)
            if rid in ids:
                self.err((*p, "id"), f"duplicate rule id '{rid}'")
            ids.add(rid)
            if "rule" not in rm:
                self.err(p, "missing 'rule'")
                continue
            rules.append(Rule(rid, reason, self.predicate(rm["rule"], (*p, "rule")), rm["rule"]))

        criteria: list[Criterion] = []
        pts = m.get("points", [])
        if not isinstance(pts, list):
            self.err(("points",), "'points' must be a list of criteria")
            pts = []
        for i, c in enumerate(pts):
            criteria.extend(self.criterion(c, ("points", i)))
        seen: set[str] = set()
        for c in criteria:
            if c.id in seen:
                self.err(("points",), f"duplicate criterion id '{c.id}'")
            seen.add(c.id)

        offer_criteria: list[OfferCriterion] = []
        ops = m.get("offer_points", [])
        if not isinstance(ops, list):
            self.err(("offer_points",), "'offer_points' must be a list of criteria")
            ops = []
        for i, c in enumerate(ops):
            offer_criteria.extend(self.offer_criterion(c, ("offer_points", i)))
        for c in offer_criteria:
            if c.id in seen:
                self.err(("offer_points",), f"duplicate criterion id '{c.id}'")
            seen.add(c.id)

        tbs: list[TieBreaker] = []
        raw_tb = m.get("tie_breakers", [])
        if not isinstance(raw_tb, list):
            self.err(("tie_breakers",), "'tie_breakers' must be a list")
            raw_tb = []
        for i, t in enumerate(raw_tb):
            tb = self.tie_breaker(t, ("tie_breakers", i))
            if tb is not None:
                tbs.append(tb)

        if "outcome" not in m:
            self.err((), "missing 'outcome' (mode: ranked_budget, first_come or places)")
        outcome = self.outcome(m.get("outcome"), ("outcome",)) if "outcome" in m else Outcome("ranked_budget")
        if offer_criteria and outcome.mode != "places":
            self.err(("offer_points",), "'offer_points' count at one offer only: they need 'mode: places'")
        if self.errors:
            return None
        return Call(
            id=cid,
            title=title,
            fields=dict(self.fields),
            offer_fields=dict(self.offer_fields),
            lists=dict(self.lists),
            eligibility=tuple(rules),
            criteria=tuple(criteria),
            tie_breakers=tuple(tbs),
            outcome=outcome,
            source=m,
            offer_criteria=tuple(offer_criteria),
            list_fields=dict(self.list_fields),
            field_labels=dict(self.field_labels),
        )


def _predicate_reads(spec: Any) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The (application, offer) field names a valid predicate ``spec`` reads; None if unsure."""
    app: set[str] = set()
    off: set[str] = set()

    def ref(r: Any) -> bool:
        if not isinstance(r, str) or not r:
            return False
        if r.startswith("offer."):
            off.add(r[len("offer.") :])
        else:
            app.add(r[len("application.") :] if r.startswith("application.") else r)
        return True

    def walk(sp: Any) -> bool:
        if not isinstance(sp, dict) or len(sp) != 1:
            return False
        ((kind, arg),) = sp.items()
        if kind in ("all", "any"):
            return isinstance(arg, list) and all(walk(x) for x in arg)
        if kind == "not":
            return walk(arg)
        if kind == "same":
            return isinstance(arg, list) and all(ref(x) for x in arg)
        if kind == "is_true" and isinstance(arg, str):
            return ref(arg)
        if kind in ("is_true", "age", "age_months", "at_most", "at_least", "in_list") and isinstance(arg, dict):
            return ref(arg.get("field"))
        return False

    if not walk(spec):
        return None
    return tuple(sorted(app)), tuple(sorted(off))


def _getter(ref: tuple[str, str, str]) -> Callable[[Values, Values], Any]:
    scope, name, _ = ref
    if scope == "o":
        return lambda a, o: o.get(name)
    return lambda a, o: a.get(name)


def _ts(value: dt.datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=_ROME)
    return value.timestamp()


def _field_key(name: str, desc: bool, missing_last: bool, is_date: bool) -> Callable[[Any], Any]:
    """A numeric sort key (smaller first): dates as ordinals, missing values as ±infinity."""
    miss = math.inf if missing_last else -math.inf
    sign = -1 if desc else 1
    if is_date:

        def date_key(app: Any) -> float:
            v = app.fields.get(name)
            return miss if v is None else sign * v.toordinal()

        return date_key

    def int_key(app: Any) -> float:
        v = app.fields.get(name)
        return miss if v is None else sign * v

    return int_key


def parse_call(text: str, filename: str = "<call>") -> Call:
    """Parse and validate a call file's text; raise :class:`CallValidationError` listing every problem."""
    errors: list[RuleError] = []
    data, marks = _load_with_marks(text, errors)
    if errors:
        raise CallValidationError(filename, errors)
    compiler = _Compiler(marks)
    call = compiler.call(data)
    if call is None:
        errs = sorted(compiler.errors, key=lambda e: (e.line, e.column))
        raise CallValidationError(filename, errs)
    return call


def load_call(path: str | Path) -> Call:
    """Read, validate and compile a call file (YAML or JSON)."""
    p = Path(path)
    return parse_call(p.read_text(encoding="utf-8"), p.name)
