"""Writes of a household: the family declares itself; every page, API call and import goes through these.

``by`` is the account acting. Only the household's own account changes it (``PermissionDenied``
otherwise); ``by=None`` is the system (demo data). Each write is validated (``full_clean``) and kept in
the record's history with its author.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from concilia.benefits.models import Adult, Child, Consent, Dependant, Household, Isee
from concilia.core import clock
from concilia.core.privacy_notices import notice_for
from concilia.core.services import object_delete, object_save
from concilia.core.workflow import relock

Member = Adult | Child | Dependant
M = TypeVar("M", Adult, Child, Dependant)


def _require_owner(household: Household, by: Any) -> None:
    if by is not None and household.owner_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the family can change its household."))


def household_save(*, owner: Any, by: Any, municipality: Any = None, address: str = "") -> Household:
    """Create the account's household, or change where it lives (one household per account)."""
    if by is not None and getattr(by, "pk", None) != owner.pk:
        raise PermissionDenied(_("Only the family can change its household."))
    with transaction.atomic():
        household = Household.objects.select_for_update().filter(owner=owner).first() or Household(owner=owner)
        household.municipality = municipality
        household.address = address
        return object_save(instance=household, by=by)


def member_save(*, member: M, by: Any) -> M:
    """Add or change an adult, a child or an elderly dependant of the household."""
    household = Household.objects.get(pk=member.household_id)
    _require_owner(household, by)
    if member.pk is not None:
        before = type(member).objects.get(pk=member.pk)
        if before.household_id != member.household_id:
            raise PermissionDenied(_("Only the family can change its household."))
    return object_save(instance=member, by=by)


def member_remove(*, member: Member, by: Any) -> None:
    """Remove a person from the household (its history keeps the record)."""
    _require_owner(member.household, by)
    try:
        with transaction.atomic():
            object_delete(instance=member, by=by)
    except ProtectedError as exc:
        raise ValidationError(
            _("%(name)s is named in an application: change or withdraw the application first.") % {"name": member}
        ) from exc


def isee_save(*, household: Household, value_cents: int, dsu_number: str, expires_on: dt.date, by: Any) -> Isee:
    """Record or replace the household's ISEE certificate; an expired one is refused."""
    _require_owner(household, by)
    if expires_on < clock.today():
        raise ValidationError({"expires_on": _("This ISEE has expired: ask for a new one and enter it.")})
    with transaction.atomic():
        household = relock(household)
        isee = Isee.objects.filter(household=household).first() or Isee(household=household)
        isee.value_cents, isee.dsu_number, isee.expires_on = value_cents, dsu_number.strip().upper(), expires_on
        return object_save(instance=isee, by=by)


def consent_give(*, household: Household, notice: str, by: Any, now: dt.datetime | None = None) -> Consent:
    """The family consents to a purpose, having read the notice in its current version."""
    _require_owner(household, by)
    found = notice_for(notice)
    if found is None:
        raise ValidationError(_("Unknown privacy notice."))
    version = str(getattr(found, "version", "1"))
    with transaction.atomic():
        household = relock(household)
        if household.consents.filter(notice=notice, version=version, withdrawn_at__isnull=True).exists():
            raise ValidationError(_("This consent has already been given."))
        return object_save(
            instance=Consent(household=household, notice=notice, version=version, given_at=now or clock.now()), by=by
        )


def consent_withdraw(*, consent: Consent, by: Any, now: dt.datetime | None = None) -> Consent:
    """Withdraw a consent: it stays recorded, with when it was withdrawn."""
    _require_owner(consent.household, by)
    with transaction.atomic():
        consent = relock(consent)
        if consent.withdrawn_at is not None:
            raise ValidationError(_("This consent has already been withdrawn."))
        consent.withdrawn_at = now or clock.now()
        return object_save(instance=consent, by=by)
