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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from concilia.allocation.rules import Call as EngineCall
from concilia.allocation.rules import CallValidationError, parse_call

if TYPE_CHECKING:
    from concilia.programming.models import Call

USER_SECTIONS = ("lists", "eligibility", "points", "tie_breakers", "fit")
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
    return {**BASE_FIELDS, **{f"score_{code}": "integer" for code, _label in criterion_codes(call)}}


def default_rules(call: Call) -> dict[str, Any]:
    """What a call's rules are when the coordinator leaves them empty."""
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


def user_rules(call: Call) -> dict[str, Any]:
    """The coordinator's part of the rules, parsed (or the defaults when empty)."""
    text = (call.rules or "").strip()
    if not text:
        return default_rules(call)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark is not None else ""
        raise ValidationError({"rules": _("The rules are not valid YAML (%(where)s).") % {"where": where}}) from exc
    if not isinstance(data, dict):
        raise ValidationError({"rules": _("The rules must be a mapping of sections (eligibility, points…).")})
    unknown = sorted(set(data) - set(USER_SECTIONS))
    if unknown:
        raise ValidationError(
            {
                "rules": _("Unknown sections: %(names)s. Allowed: %(allowed)s.")
                % {"names": ", ".join(map(str, unknown)), "allowed": ", ".join(USER_SECTIONS)}
            }
        )
    return data


def engine_document(call: Call) -> dict[str, Any]:
    """The whole call file the engine reads."""
    rules = user_rules(call)
    fit = rules.get("fit", FIT_DEFAULT)
    outcome: dict[str, Any] = {"mode": "ranked_budget", "budget_cents": int(call.budget_cents or 0), "fit": fit}
    if call.max_grant_cents:
        outcome["max_grant_cents"] = int(call.max_grant_cents)
    doc: dict[str, Any] = {
        "call": {"id": call.code or "call", "title": call.title or call.code or "call"},
        "fields": fields_of(call),
    }
    doc.update({k: v for k, v in rules.items() if k != "fit"})
    doc["outcome"] = outcome
    return doc


def engine_call(call: Call) -> EngineCall:
    """The call compiled by the engine; :class:`ValidationError` on the ``rules`` field otherwise."""
    doc = engine_document(call)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    try:
        return parse_call(text, filename="rules")
    except CallValidationError as exc:
        messages = [f"{e.path}: {e.message}" if e.path else e.message for e in getattr(exc, "errors", ())] or [str(exc)]
        raise ValidationError({"rules": messages}) from exc


def validate_rules(call: Call) -> None:
    engine_call(call)
