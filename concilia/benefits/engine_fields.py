"""A family application as the allocation engine reads it: the fields of ``programming/family_fields.py``.

:func:`application_fields` computes them from the household as it stands (at submission, and so in
each :class:`~concilia.benefits.models.ApplicationVersion`); :func:`snapshot` is what a version stores
(JSON: dates as ISO text) and :func:`engine_application` turns a stored snapshot back into the engine's
:class:`~concilia.allocation.types.Application`, so a ranking can be recomputed from its snapshot years
later without reading the household again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from concilia.allocation.types import Application as EngineApplication
from concilia.benefits.choices import AdultRole, Employment
from concilia.benefits.models import Application, ConfirmationStatus
from concilia.programming.family_fields import BY_NAME, CHILD_FIELDS, MAX_CHILDREN

WORKING = (Employment.EMPLOYEE, Employment.SELF_EMPLOYED)


def _age_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def application_fields(application: Application, *, on: dt.date) -> dict[str, Any]:
    """The engine's fields of ``application`` on day ``on`` (the day of submission); ``None`` = missing."""
    from concilia.network.models import Membership

    household = application.household
    adults = list(household.adults.all())
    parents = [a for a in adults if a.role == AdultRole.PARENT]
    working = [a for a in parents if a.employment in WORKING]
    children = sorted(
        (c for c in household.children.all() if _age_years(c.birth_date, on) < 18), key=lambda c: (c.birth_date, c.pk)
    )
    applying = {row.child_id: row.weeks for row in application.children.all()}
    if application.child_id is not None:
        applying.setdefault(application.child_id, 0)
    isee = getattr(household, "isee", None)  # the reverse one-to-one: None when there is none
    employers = {a.employer_id for a in parents if a.employer_id}
    in_network = (
        Membership.objects.current_on(on)
        .filter(network_id=application.call.network_id, organisation_id__in=employers)
        .exists()
        if employers
        else False
    )
    confirmations = list(application.confirmations.all())
    chosen = [c for c in children if c.pk in applying]
    fields: dict[str, Any] = {
        "isee_cents": isee.value_cents if isee is not None and isee.expires_on >= on else None,
        "municipality": household.municipality.istat_code if household.municipality is not None else None,
        "adults": len(adults),
        "parents": len(parents),
        "single_parent": len(parents) == 1 and bool(children),
        "working_parents": len(working),
        "both_parents_working": bool(parents) and len(working) == len(parents),
        "weekly_hours": sum(a.weekly_hours or 0 for a in working),
        "min_weekly_hours": min((a.weekly_hours or 0) if a in working else 0 for a in parents) if parents else 0,
        "employer_in_network": in_network,
        "employment_confirmed": bool(confirmations)
        and all(c.status == ConfirmationStatus.CONFIRMED for c in confirmations),
        "children_count": len(children),
        "children_with_disability": sum(1 for c in children if c.certified_disability),
        "disability_in_household": any(c.certified_disability for c in children),
        "elderly_dependants": sum(1 for d in household.dependants.all() if d.non_self_sufficient),
        "children": [
            {
                "birth_date": c.birth_date,
                "disability": c.certified_disability,
                "applying": c.pk in applying,
                "weeks": applying.get(c.pk) or None,
            }
            for c in children[:MAX_CHILDREN]
        ],
        "children_applying": len(chosen),
        "weeks_requested": sum(applying.values()),
        "child_birth_date": chosen[0].birth_date if len(chosen) == 1 else None,
        "child_disability": chosen[0].certified_disability if len(chosen) == 1 else None,
        "declaration": bool(application.declarations),
    }
    unknown = set(fields) - set(BY_NAME)
    assert not unknown, f"fields outside the contract: {unknown}"
    return fields


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [{k: _to_json(v) for k, v in item.items()} for item in value]
    return value


def _from_json(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "date":
        return dt.date.fromisoformat(value)
    return value


def snapshot(application: Application, *, on: dt.date) -> dict[str, Any]:
    """What a submission freezes: the engine's fields (JSON), the preferences in order and the group."""
    fields = application_fields(application, on=on)
    return {
        "fields": {name: _to_json(value) for name, value in fields.items()},
        "preferences": [str(p.offer_id) for p in sorted(application.preferences.all(), key=lambda p: p.rank)],
        "group": f"household-{application.household_id}" if application.child_id is not None else None,
    }


def engine_application(*, protocol: str, submitted_at: dt.datetime, data: dict[str, Any]) -> EngineApplication:
    """The engine's application from a stored :func:`snapshot`."""
    items = {spec.name: spec.kind for spec in CHILD_FIELDS}
    fields: dict[str, Any] = {}
    for name, value in data["fields"].items():
        kind = BY_NAME[name].kind
        if kind == "list":
            fields[name] = [{k: _from_json(items[k], v) for k, v in item.items()} for item in value or []]
        else:
            fields[name] = _from_json(kind, value)
    return EngineApplication(
        id=protocol,
        submitted_at=submitted_at,
        fields={k: v for k, v in fields.items() if v is not None},
        preferences=tuple(data.get("preferences") or ()),
        group=data.get("group"),
    )
