"""A call's rules in plain words, for its public page: who may apply, how points are given, ties, funding.

It reads the same document the engine compiles (:func:`concilia.programming.rules.engine_document`),
so the page can never say something the engine does not do. The words come from gettext: Italian on
the Italian page, English on the English one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from concilia.programming import family_fields
from concilia.programming.choices import VoucherBasis
from concilia.programming.rules import engine_document, engine_offers, terms_of
from concilia.services.tables import euro

if TYPE_CHECKING:
    from concilia.programming.models import Call


@dataclass
class PlainRules:
    eligibility: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    tie_breakers: list[str] = field(default_factory=list)
    outcome: list[str] = field(default_factory=list)


def _field_labels(call: Call) -> dict[str, str]:
    if call.is_family:
        return family_fields.labels()
    labels = {
        "requested_cents": _("the grant requested"),
        "total_cost_cents": _("the total cost of the project"),
        "cofinancing_cents": _("the partners' co-financing"),
        "cofinancing_percent": _("the co-financing share of the total cost (%)"),
        "partner_count": _("the number of partners"),
        "action_count": _("the number of actions"),
        "action_kinds": _("the kinds of action"),
        "lead_kind": _("the kind of lead organisation"),
        "lead_municipality": _("the lead organisation's municipality"),
    }
    if call.pk is not None:
        for code, label in call.criteria.values_list("code", "label"):
            labels[f"score_{code}"] = _("the evaluators' average for “%(label)s” (in hundredths of a point)") % {
                "label": label
            }
    return labels


class _Describer:
    def __init__(self, call: Call, doc: dict[str, Any]) -> None:
        self.labels = _field_labels(call)
        self.offer_labels = family_fields.offer_labels() if call.is_family else {}
        self.family = call.is_family
        # score_<code> → the criterion's maximum points (the grid's fields, in hundredths of a point)
        self.grid: dict[str, int] = (
            {f"score_{code}": m for code, m in call.criteria.values_list("code", "max_points")} if call.pk else {}
        )
        self.lists: dict[str, list[Any]] = doc.get("lists") or {}

    def name(self, ref: Any) -> str:
        ref = str(ref)
        if ref.startswith("offer."):
            ref = ref[len("offer.") :]
            return self.offer_labels.get(ref, ref)
        ref = ref.removeprefix("application.")
        return self.labels.get(ref, ref)

    def bounds(self, arg: dict[str, Any], unit: str = "") -> str:
        parts = []
        for key, text in (("min", _("at least %(value)s")), ("max", _("at most %(value)s")),
                          ("under", _("under %(value)s"))):  # fmt: skip
            if arg.get(key) is not None:
                parts.append(text % {"value": f"{arg[key]}{unit}"})
        return _(" and ").join(parts)

    def value(self, ref: Any, value: Any) -> str:
        if str(ref).endswith("_cents") and isinstance(value, int) and not isinstance(value, bool):
            return euro(value)
        return str(value)

    def predicate(self, spec: Any) -> str:
        if not isinstance(spec, dict) or len(spec) != 1:
            return str(spec)
        ((kind, arg),) = spec.items()
        if kind == "at_most":
            return _("%(field)s is at most %(value)s") % {
                "field": self.name(arg["field"]),
                "value": self.value(arg["field"], arg["value"]),
            }
        if kind == "at_least":
            return _("%(field)s is at least %(value)s") % {
                "field": self.name(arg["field"]),
                "value": self.value(arg["field"], arg["value"]),
            }
        if kind == "in_list":
            values = arg.get("values") or self.lists.get(arg.get("list", ""), [])
            shown = ", ".join(map(str, values[:12])) + (" …" if len(values) > 12 else "")
            return _("%(field)s is one of: %(values)s") % {"field": self.name(arg["field"]), "values": shown}
        if kind == "is_true":
            name = arg["field"] if isinstance(arg, dict) else arg
            return _("%(field)s is declared") % {"field": self.name(name)}
        if kind == "same":
            a, b = arg
            return _("%(a)s is the same as %(b)s") % {"a": self.name(a), "b": self.name(b)}
        if kind == "age_months":
            parts = []
            if arg.get("min") is not None:
                parts.append(_("at least %(n)s months") % {"n": arg["min"]})
            if arg.get("max") is not None:
                parts.append(_("at most %(n)s months") % {"n": arg["max"]})
            return _("the age from %(field)s on %(date)s is %(range)s") % {
                "field": self.name(arg["field"]),
                "date": arg.get("reference_date", ""),
                "range": _(" and ").join(parts),
            }
        if kind == "age":
            return _("the age from %(field)s on %(date)s is %(range)s") % {
                "field": self.name(arg["field"]),
                "date": arg.get("reference_date", ""),
                "range": self.bounds(arg),
            }
        if kind == "count":
            return _("the %(items)s%(where)s are %(range)s") % {
                "items": self.name(arg.get("list", "")),
                "where": self.where(arg),
                "range": self.bounds(arg),
            }
        if kind == "all":
            return _(" and ").join(self.predicate(p) for p in arg)
        if kind == "any":
            return _(" or ").join(self.predicate(p) for p in arg)
        if kind == "not":
            return _("it is not true that %(condition)s") % {"condition": self.predicate(arg)}
        return str(spec)

    def where(self, arg: dict[str, Any]) -> str:
        """`` for which <condition>`` of a ``count``/``per_item`` (empty: every item)."""
        if "where" not in arg:
            return ""
        return _(" for which %(condition)s") % {"condition": self.predicate(arg["where"])}

    def criterion(self, c: dict[str, Any]) -> list[str]:
        label = c.get("label") or c.get("id", "")
        if "condition" in c:
            return [
                _("%(label)s: %(points)s points if %(condition)s.")
                % {"label": label, "points": c.get("points", 0), "condition": self.predicate(c["condition"])}
            ]
        if "one_of" in c:
            spec = c["one_of"]
            options = [
                _("%(points)s points if %(condition)s")
                % {"points": a.get("points", 0), "condition": self.predicate(a["when"])}
                for a in spec.get("alternatives", [])
            ]
            options.append(_("otherwise %(points)s") % {"points": spec.get("otherwise", 0)})
            return [_("%(label)s: %(options)s.") % {"label": label, "options": "; ".join(options)}]
        if "per_unit" in c:
            spec = c["per_unit"]
            grid = self.grid.get(str(spec["field"]))
            if grid is not None and spec.get("points") == 1 and spec.get("max_units") is None:
                return [
                    _("%(label)s: the evaluators' average, from 0 to %(max)s points.") % {"label": label, "max": grid}
                ]
            text = _("%(label)s: %(points)s points for each unit of %(field)s") % {
                "label": label,
                "points": spec.get("points", 0),
                "field": self.name(spec["field"]),
            }
            if spec.get("max_units") is not None:
                text += _(", up to %(n)s units") % {"n": spec["max_units"]}
            return [text + "."]
        if "per_item" in c:
            spec = c["per_item"]
            text = _("%(label)s: %(points)s points for each of the %(items)s%(where)s") % {
                "label": label,
                "points": spec.get("points", 0),
                "items": self.name(spec.get("list", "")),
                "where": self.where(spec),
            }
            if spec.get("max_items") is not None:
                text += _(", up to %(n)s units") % {"n": spec["max_items"]}
            return [text + "."]
        if "bands" in c:
            spec = c["bands"]
            bands = []
            for r in spec.get("ranges", []):
                lo, hi = r.get("min"), r.get("max")
                f = spec["field"]
                if lo is not None and hi is not None:
                    where = _("from %(lo)s to %(hi)s") % {"lo": self.value(f, lo), "hi": self.value(f, hi)}
                elif lo is not None:
                    where = _("from %(lo)s") % {"lo": self.value(f, lo)}
                else:
                    where = _("up to %(hi)s") % {"hi": self.value(f, hi)}
                bands.append(_("%(where)s: %(points)s points") % {"where": where, "points": r.get("points", 0)})
            return [
                _("%(label)s, by %(field)s: %(bands)s.")
                % {"label": label, "field": self.name(spec["field"]), "bands": "; ".join(bands)}
            ]
        if "sum" in c:
            out: list[str] = []
            for child in c["sum"]:
                out += self.criterion(child)
            return out
        return [str(label)]

    def tie_breaker(self, t: Any) -> str:
        if t == "earlier_submission":
            if self.family:
                return _("the application submitted first comes first")
            return _("the proposal submitted first comes first")
        if isinstance(t, dict) and "lottery" in t:
            return _("a public draw (seed “%(seed)s”)") % {"seed": t["lottery"].get("seed", "")}
        if isinstance(t, dict) and "older_child_first" in t:
            return _("the older child comes first")
        if isinstance(t, dict) and "field" in t:
            if t.get("order", "asc") == "asc":
                return _("the lower %(field)s comes first") % {"field": self.name(t["field"])}
            return _("the higher %(field)s comes first") % {"field": self.name(t["field"])}
        return str(t)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(call: Call) -> PlainRules:
    """The call's rules in sentences (the rules must be valid: the call was validated on save)."""
    doc = engine_document(call)
    d = _Describer(call, doc)
    out = PlainRules()
    for rule in doc.get("eligibility") or []:
        out.eligibility.append(
            _cap(
                _("%(condition)s (otherwise: “%(reason)s”).")
                % {"condition": d.predicate(rule["rule"]), "reason": rule.get("reason", "")}
            )
        )
    for criterion in doc.get("points") or []:
        out.points += d.criterion(criterion)
    out.tie_breakers = [_cap(d.tie_breaker(t)) + "." for t in doc.get("tie_breakers") or []]
    outcome = doc["outcome"]
    if call.is_family:
        out.outcome = _family_outcome(call, outcome, d)
        return out
    out.outcome.append(
        _(
            "Proposals are funded down the ranking, each with the grant it requests, until the budget of %(budget)s ends."
        )
        % {"budget": euro(outcome.get("budget_cents", 0))}
    )
    if outcome.get("max_grant_cents"):
        out.outcome.append(_("No grant exceeds %(max)s.") % {"max": euro(outcome["max_grant_cents"])})
    fit = outcome.get("fit", "stop")
    out.outcome.append(
        {
            "stop": _("When a proposal no longer fits in what is left, funding stops there."),
            "skip": _("A proposal that no longer fits is skipped, and later smaller ones that fit are funded."),
            "partial": _("The first proposal that no longer fits receives what is left; then funding stops."),
        }.get(fit, str(fit))
    )
    return out


def _family_outcome(call: Call, outcome: dict[str, Any], d: _Describer) -> list[str]:
    """How a family call gives its vouchers or places, in sentences."""
    terms = terms_of(call)
    lines: list[str] = []
    if outcome.get("mode") == "places":
        offers = engine_offers(call)
        lines.append(
            _(
                "Places are assigned down the ranking, each child to the first service of its family's preferences "
                "that still has room: %(places)s places in %(offers)s services."
            )
            % {"places": sum(o.capacity for o in offers), "offers": len(offers)}
        )
        if outcome.get("siblings", "together") == "together":
            lines.append(_("Siblings applying together are placed in the same service, or not at all."))
        for rule in outcome.get("priorities") or []:
            lines.append(
                _("At each service, priority %(klass)s to whom %(condition)s (“%(label)s”).")
                % {
                    "klass": rule.get("class", 0),
                    "condition": d.predicate(rule.get("when")),
                    "label": rule.get("label"),
                }
            )
        if outcome.get("reference_date"):
            lines.append(
                _("A child is placed only in a service whose ages it meets on %(date)s.")
                % {"date": outcome["reference_date"]}
            )
        if terms is not None and terms.first_come_first_served:
            lines.append(_("First come, first served: applications are ranked by the time they were submitted."))
        return lines
    if terms is not None and terms.amount_cents:
        if terms.basis == VoucherBasis.PER_WEEK:
            text = _("The voucher is %(amount)s for each week of care of each child applying") % {
                "amount": euro(terms.amount_cents)
            }
            if terms.max_weeks:
                text += _(", up to %(weeks)s weeks per child") % {"weeks": terms.max_weeks}
            if terms.max_per_child_cents:
                text += _(", at most %(amount)s per child") % {"amount": euro(terms.max_per_child_cents)}
        else:
            text = _("The voucher is %(amount)s for each child applying") % {"amount": euro(terms.amount_cents)}
        if terms.max_per_household_cents:
            text += _(", at most %(amount)s per application") % {"amount": euro(terms.max_per_household_cents)}
        lines.append(text + ".")
    if outcome.get("mode") == "first_come":
        lines.append(
            _(
                "First come, first served: vouchers are granted in the order applications were submitted, until the budget of %(budget)s ends."
            )
            % {"budget": euro(outcome.get("budget_cents", 0))}
        )
    else:
        lines.append(
            _("Vouchers are granted down the ranking until the budget of %(budget)s ends.")
            % {"budget": euro(outcome.get("budget_cents", 0))}
        )
    if outcome.get("max_grant_cents"):
        lines.append(_("No voucher exceeds %(max)s.") % {"max": euro(outcome["max_grant_cents"])})
    return lines
