"""A call's rules in the engine's format, and what a proposal gives the engine to read.

A coordinator writes only the parts that are the call's choice — ``lists``, ``eligibility``,
``points`` and ``tie_breakers`` (see ``docs/call-rules.md``). Concilia adds the rest from the call
itself: ``call`` (code and title), ``fields`` (what a proposal provides, below) and ``outcome``
(``ranked_budget`` with the call's budget and maximum grant, funding down the ranking until the
budget ends). Left empty, the rules default to: co-financing at least the call's minimum, and the
points of the evaluation grid.

Fields of a proposal (integers unless said; the grant requested is the engine's standard
``requested_cents``, not a field):

* ``total_cost_cents``, ``cofinancing_cents``, ``cofinancing_percent``;
* ``partner_count`` (the proposal's partners besides the alliance's lead), ``action_count``,
  ``action_kinds`` (string: the distinct kinds, sorted and comma-separated);
* ``lead_kind`` (string: the lead organisation's kind), ``lead_municipality`` (string: ISTAT code);
* ``score_<criterion code>``: the evaluators' average for that criterion in **hundredths of a
  point**, rounded half up (18.5 points → 1850; 12.125 → 1213), missing until someone scores it.

``cofinancing_cents`` is the total cost (the proposal's budget lines) less the grant requested, and
``cofinancing_percent`` its share of the total cost, rounded down (so ``at_least`` a whole percentage
agrees with the exact check made on submission). See ``services.proposals_fields``.

**Family calls** (vouchers, places) read the fields of a family application instead, defined once in
:mod:`concilia.programming.family_fields`. Their ``outcome`` comes from the call's
:class:`~concilia.programming.models.FamilyCallTerms`:

* a voucher call funds down the ranking (``ranked_budget``), or in order of submission when it is first come,
  first served (``first_come``), with the call's budget; the amount each application asks is computed from the
  terms over the ``children`` it is for (``request: {per_item: …}``: the amount once per child, or per week of
  each child up to the maximum of weeks, capped per child and per application);
* a place call assigns places (``places``): the coordinator may add ``offer_points``, ``priorities``,
  ``default_class`` and ``siblings`` (``together`` by default); the offers and their places come from the
  call's :class:`~concilia.programming.models.CallOffer` rows (:func:`engine_offers`), and with
  ``age_reference_date`` a child is placed only in an offer whose age limits it meets on that date;
* first come, first served ranks by submission time only: such a call has no ``points`` nor
  ``tie_breakers`` (nor ``offer_points``).

A rule naming a field that is not in the contract is refused with the list of those that are, in the
user's language.
"""

from __future__ import annotations

import copy
import functools
import json
import re
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import yaml
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from concilia.allocation.rules import Call as EngineCall
from concilia.allocation.rules import CallValidationError, RuleError, parse_call
from concilia.allocation.types import Offer as EngineOffer
from concilia.programming import family_fields
from concilia.programming.choices import FAMILY_CALL_KINDS, CallKind, VoucherBasis

if TYPE_CHECKING:
    from concilia.programming.models import Call, FamilyCallTerms

USER_SECTIONS = ("lists", "eligibility", "points", "tie_breakers", "fit")
PLACES_SECTIONS = ("lists", "eligibility", "points", "offer_points", "tie_breakers", "priorities", "default_class",
                   "siblings")  # fmt: skip
#: Sections a first-come-first-served call cannot have: it ranks by submission time alone.
RANKING_SECTIONS = ("points", "offer_points", "tie_breakers")
FIT_DEFAULT = "stop"

BASE_FIELDS = {
    "total_cost_cents": "integer",
    "cofinancing_cents": "integer",
    "cofinancing_percent": "integer",
    "partner_count": "integer",
    "action_count": "integer",
    "action_kinds": "string",
    "lead_kind": "string",
    "lead_municipality": "string",
}


def criterion_codes(call: Call) -> list[tuple[str, str]]:
    if call.pk is None:
        return []
    return list(call.criteria.order_by("order", "code").values_list("code", "label"))


def fields_of(call: Call) -> dict[str, str]:
    """The fields an application to ``call`` gives the engine, with their kinds (``list`` for the children)."""
    if call.kind in FAMILY_CALL_KINDS:
        return {spec.name: spec.kind for spec in family_fields.FAMILY_FIELDS}
    return {**BASE_FIELDS, **{f"score_{code}": "integer" for code, _label in criterion_codes(call)}}


def terms_of(call: Call) -> FamilyCallTerms | None:
    """The family terms of ``call``, if it has some (a call not saved yet has none)."""
    if call.pk is None:
        return None
    try:
        return call.family_terms
    except ObjectDoesNotExist:
        return None


def first_come(call: Call) -> bool:
    terms = terms_of(call) if call.kind in FAMILY_CALL_KINDS else None
    return bool(terms and terms.first_come_first_served)


def sections_of(call: Call) -> tuple[str, ...]:
    """The sections the coordinator may write for ``call``."""
    sections: tuple[str, ...] = PLACES_SECTIONS if call.kind == CallKind.FAMILY_PLACES else USER_SECTIONS
    if first_come(call):
        sections = tuple(s for s in sections if s not in RANKING_SECTIONS)
    return sections


def default_rules(call: Call) -> dict[str, Any]:
    """What a call's rules are when the coordinator leaves them empty."""
    if call.kind in FAMILY_CALL_KINDS:
        return {} if first_come(call) else {"tie_breakers": ["earlier_submission"]}
    rules: dict[str, Any] = {}
    if call.min_cofinancing_percent:
        rules["eligibility"] = [
            {
                "id": "min_cofinancing",
                "reason": _("Co-financing below %(percent)s%% of the total cost")
                % {"percent": call.min_cofinancing_percent},
                "rule": {"at_least": {"field": "cofinancing_percent", "value": call.min_cofinancing_percent}},
            }
        ]
    points = [
        {"id": code, "label": label, "per_unit": {"field": f"score_{code}", "points": 1}}
        for code, label in criterion_codes(call)
    ]
    if points:
        rules["points"] = points
    rules["tie_breakers"] = ["earlier_submission"]
    return rules


@functools.lru_cache(maxsize=64)
def _parsed_yaml(text: str) -> Any:
    return yaml.safe_load(text)


def user_rules(call: Call) -> dict[str, Any]:
    """The coordinator's part of the rules, parsed (or the defaults when empty)."""
    text = (call.rules or "").strip()
    if not text:
        return default_rules(call)
    try:
        data = copy.deepcopy(_parsed_yaml(text))  # a copy: the callers build on it
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark is not None else ""
        raise ValidationError({"rules": _("The rules are not valid YAML (%(where)s).") % {"where": where}}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"rules": _("The rules must be a mapping of sections (eligibility, points…).")})
    if first_come(call):
        ranking = sorted(set(data) & set(RANKING_SECTIONS))
        if ranking:
            raise ValidationError(
                {
                    "rules": _(
                        "A first-come-first-served call ranks applications by submission time: remove %(names)s."
                    )
                    % {"names": ", ".join(ranking)}
                }
            )
    allowed = sections_of(call)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError(
            {
                "rules": _("Unknown sections: %(names)s. Allowed: %(allowed)s.")
                % {"names": ", ".join(map(str, unknown)), "allowed": ", ".join(allowed)}
            }
        )
    return data


def euros(cents: int) -> str:
    """An amount for the engine's rules, in euros the Italian way (``9000`` → ``"90,00"``)."""
    return f"{cents // 100},{cents % 100:02d}"


def voucher_request(terms: FamilyCallTerms) -> dict[str, Any] | None:
    """The amount a voucher application asks, in the engine's ``request`` format, from the call's terms."""
    if not terms.basis or not terms.amount_cents:
        return None
    item: dict[str, Any] = {
        "list": "children",
        "where": {"is_true": {"field": "applying"}},
        "amount": euros(terms.amount_cents),
    }
    if terms.basis == VoucherBasis.PER_WEEK:
        item["units"] = "weeks"
        if terms.max_weeks:
            item["max_units"] = terms.max_weeks
        if terms.max_per_child_cents:
            item["max"] = euros(terms.max_per_child_cents)
    request: dict[str, Any] = {"per_item": item}
    if terms.max_per_household_cents:
        request["max"] = euros(terms.max_per_household_cents)
    return request


def _family_outcome(call: Call, rules: dict[str, Any]) -> dict[str, Any]:
    terms = terms_of(call)
    if call.kind == CallKind.FAMILY_PLACES:
        outcome: dict[str, Any] = {"mode": "places", "siblings": rules.get("siblings", "together")}
        for key in ("priorities", "default_class"):
            if key in rules:
                outcome[key] = rules[key]
        if terms is not None and terms.age_reference_date:
            outcome["age"] = "child_birth_date"
            outcome["reference_date"] = terms.age_reference_date
        return outcome
    outcome = {
        "mode": "first_come" if first_come(call) else "ranked_budget",
        "budget_cents": int(call.budget_cents or 0),
        "fit": rules.get("fit", FIT_DEFAULT),
    }
    if call.max_grant_cents:
        outcome["max_grant_cents"] = int(call.max_grant_cents)
    request = voucher_request(terms) if terms is not None else None
    if request is not None:
        outcome["request"] = request
    return outcome


def engine_document(call: Call) -> dict[str, Any]:
    """The whole call file the engine reads."""
    rules = user_rules(call)
    doc: dict[str, Any] = {"call": {"id": call.code or "call", "title": call.title or call.code or "call"}}
    if call.kind in FAMILY_CALL_KINDS:
        doc["fields"] = family_fields.engine_fields()
        if call.kind == CallKind.FAMILY_PLACES:
            doc["offer_fields"] = family_fields.engine_offer_fields()
        outcome_keys = ("fit", "priorities", "default_class", "siblings")
        doc.update({k: v for k, v in rules.items() if k not in outcome_keys})
        if first_come(call) and call.kind == CallKind.FAMILY_PLACES:
            doc["tie_breakers"] = ["earlier_submission"]  # places in order of submission
        doc["outcome"] = _family_outcome(call, rules)
        return doc
    fit = rules.get("fit", FIT_DEFAULT)
    outcome: dict[str, Any] = {"mode": "ranked_budget", "budget_cents": int(call.budget_cents or 0), "fit": fit}
    if call.max_grant_cents:
        outcome["max_grant_cents"] = int(call.max_grant_cents)
    doc["fields"] = fields_of(call)
    doc.update({k: v for k, v in rules.items() if k != "fit"})
    doc["outcome"] = outcome
    return doc


_UNKNOWN_FIELD = re.compile(r"^unknown (?:list )?field '([^']*)'")


def _message(call: Call, error: RuleError) -> str:
    """The engine's message, or in the user's language when a rule names a field the application does not give."""
    found = _UNKNOWN_FIELD.match(error.message)
    if found is None:
        return f"{error.path}: {error.message}" if error.path else error.message
    if "offer_fields" in error.message:  # read as offer.<name>
        offer_names = ["id", *(spec.name for spec in family_fields.OFFER_FIELDS)]
        message = _("Unknown field “%(name)s”: the fields of an offer are %(fields)s.") % {
            "name": found.group(1),
            "fields": ", ".join(offer_names),
        }
        return f"{error.path}: {message}" if error.path else message
    if call.kind in FAMILY_CALL_KINDS:
        available = family_fields.names(items="where" in error.path.split("."))
    else:
        available = list(fields_of(call))
    message = _("Unknown field “%(name)s”: the fields an application gives are %(fields)s.") % {
        "name": found.group(1),
        "fields": ", ".join(available),
    }
    return f"{error.path}: {message}" if error.path else message


#: The calls the engine compiled lately, by their document (a family call is compiled at every step of every
#: application: parsing its YAML each time was most of a submission's time). The document decides the result.
_COMPILED: OrderedDict[str, EngineCall] = OrderedDict()
_COMPILED_SIZE = 64
_COMPILED_LOCK = threading.Lock()


def engine_call(call: Call) -> EngineCall:
    """The call compiled by the engine; :class:`ValidationError` on the ``rules`` field otherwise."""
    doc = engine_document(call)
    key = json.dumps(doc, sort_keys=True, default=repr)
    with _COMPILED_LOCK:
        compiled = _COMPILED.get(key)
        if compiled is not None:
            _COMPILED.move_to_end(key)
            return compiled
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    try:
        compiled = parse_call(text, filename="rules")
    except CallValidationError as exc:
        messages = [_message(call, e) for e in getattr(exc, "errors", ())] or [str(exc)]
        raise ValidationError({"rules": messages}) from exc
    with _COMPILED_LOCK:
        _COMPILED[key] = compiled
        while len(_COMPILED) > _COMPILED_SIZE:
            _COMPILED.popitem(last=False)
    return compiled


def engine_offers(call: Call) -> list[EngineOffer]:
    """The offers a place call assigns, as the engine reads them: each catalogue offer (its primary key as the
    id, which the applications' preferences name) with the places it gives to the call, its age limits (the
    offer's, else its service's, else the usual ones of its kind) and the fields of
    :data:`~concilia.programming.family_fields.OFFER_FIELDS`."""
    from concilia.programming.models import CallOffer
    from concilia.services.choices import DEFAULT_AGES

    if call.pk is None or call.kind != CallKind.FAMILY_PLACES:
        return []
    rows = CallOffer.objects.filter(call=call).select_related("offer__service__municipality").order_by("offer_id")
    offers = []
    for row in rows:
        offer, service = row.offer, row.offer.service
        default_min, default_max = DEFAULT_AGES.get(service.kind, (None, None))
        lo = next((v for v in (offer.min_age_months, service.min_age_months, default_min) if v is not None), None)
        hi = next((v for v in (offer.max_age_months, service.max_age_months, default_max) if v is not None), None)
        municipality = service.municipality
        offers.append(
            EngineOffer(
                id=str(offer.pk),
                capacity=row.places,
                min_age_months=lo,
                max_age_months=hi,
                fields={
                    "name": f"{service.name} – {offer.label}" if offer.label else service.name,
                    "municipality": municipality.istat_code if municipality is not None else None,
                    "service_kind": service.kind,
                    "provider": str(service.provider_id),
                },
            )
        )
    return offers


def validate_rules(call: Call) -> None:
    engine_call(call)
