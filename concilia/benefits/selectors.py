"""Reads of households: the family's own, and staff reads that record what sensitive data they showed."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from concilia.benefits.models import Adult, Child, Consent, Dependant, Household, Isee
from concilia.core.audit import record_sensitive_read
from concilia.core.permissions import restrict


def _full(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("owner", "municipality").prefetch_related(
        Prefetch("adults", queryset=Adult.objects.select_related("employer")),
        Prefetch("children", queryset=Child.objects.select_related("school")),
        Prefetch("dependants", queryset=Dependant.objects.all()),
        Prefetch("consents", queryset=Consent.objects.all()),
    )


def household_of(user: Any) -> Household | None:
    """The account's own household, with its people (``None`` until the family creates it)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return _full(Household.objects.filter(owner=user)).first()


def isee_of(household: Household) -> Isee | None:
    return Isee.objects.filter(household=household).first()


def household_for_staff(*, pk: int, user: Any, where: str) -> Household:
    """A household a member of staff may see, with its sensitive records; the read is recorded.

    ``Household.DoesNotExist`` when the user may not see it (the page answers 404).
    """
    household = _full(restrict(Household.objects.all(), user, "view")).get(pk=pk)
    if household.owner_id != user.pk:
        shown: list[Any] = [*household.children.all(), *household.dependants.all()]
        isee = isee_of(household)
        if isee is not None:
            shown.append(isee)
        record_sensitive_read(user=user, objects=shown, where=where)
    return household


def households_by_tax_code(tax_code: str) -> QuerySet[Household]:
    """The households with an adult of ``tax_code`` (a help-desk operator's search before filing for a family).

    Only the names of the people are shown from them (no ISEE, disability or health data).
    """
    code = tax_code.strip().upper().replace(" ", "")
    return (
        Household.objects.filter(adults__tax_code=code)
        .select_related("owner", "municipality")
        .prefetch_related("children")
        .distinct()
        .order_by("pk")
    )


def published_place(application: Any, *, user: Any, where: str) -> Any:
    """The application's explanation in the last published ranking of its call (``None`` before one).

    Read by anybody but the family (the operator who filed it), the read is recorded: the points' facts
    include the household's ISEE and disability.
    """
    from concilia.benefits.models import Explanation

    explanation = (
        Explanation.objects.filter(
            application=application, ranking__call=application.call_id, ranking__published_at__isnull=False
        )
        .select_related("ranking")
        .defer("ranking__entries", "ranking__result")  # the whole list and the engine's result: not read here
        .order_by("-ranking__version")
        .first()
    )
    if explanation is not None and application.household.owner_id != getattr(user, "pk", None):
        record_sensitive_read(user=user, objects=[application], where=where)
    return explanation


def may_object(application: Any, ranking: Any, user: Any) -> bool:
    """Whether ``user`` may file an objection now: the family, to a provisional ranking, before the deadline."""
    from concilia.core import clock

    return bool(
        ranking.status == "provisional"
        and ranking.objections_until is not None
        and clock.now() < ranking.objections_until
        and application.household.owner_id == getattr(user, "pk", None)
    )
