"""Who may see and change what at the family–work help desks.

- the public sees published desks with their hours and closures (and, through the booking pages,
  the free slots): never appointments, cases or referrals;
- a desk operator (the DESK_OPERATOR role at the organisation that runs the desk, or a user listed
  among the desk's operators) keeps the desk, its hours and closures, logs its cases with their
  referrals and handles its appointments (attended, no-show, cancelled); a DESK_OPERATOR may add
  desks for its organisation;
- the coordinator of the desk's network sees its desks (also unpublished) and their statistics,
  but not the cases, referrals or appointments: those hold citizens' names, contacts and needs
  (care of a disabled relative, say), which the network does not need to coordinate — the
  statistics give it the figures, with no personal data (GDPR data minimisation, art. 5.1.c);
- appointments are booked and cancelled only through the booking service (public pages and
  API), never through the registers' CRUD;
- the platform administrator may do everything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from concilia.accounts.choices import Role
from concilia.core.permissions import EVERYTHING, NOTHING, Policy, register, scope_of
from concilia.helpdesk import models


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def operator_organisations(user: Any) -> set[int]:
    return scope_of(user).organisation_ids(Role.DESK_OPERATOR)


def managed_desks_q(user: Any) -> Q:
    """The desks ``user`` operates (by role at the running organisation, or listed as operator)."""
    if not _signed_in(user):
        return NOTHING
    q = Q(operators=user)
    orgs = operator_organisations(user)
    return q | Q(organisation__in=orgs) if orgs else q


def may_operate_some_desk(user: Any) -> bool:
    if not _signed_in(user):
        return False
    s = scope_of(user)
    return s.is_admin or bool(operator_organisations(user)) or models.Desk.objects.filter(operators=user).exists()


def _desk_view(user: Any) -> Q:
    q = Q(is_published=True)
    if not _signed_in(user):
        return q
    nets = scope_of(user).coordinated_network_ids
    q |= managed_desks_q(user)
    return q | Q(network__in=nets) if nets else q


def _desk_statistics(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    nets = scope_of(user).coordinated_network_ids
    q = managed_desks_q(user)
    return q | Q(network__in=nets) if nets else q


def _desk_delete(user: Any) -> Q:
    orgs = operator_organisations(user)
    return Q(organisation__in=orgs) if orgs else NOTHING


def _under(prefix: str, q: Q) -> Q:
    if q in (EVERYTHING, NOTHING):
        return q
    return Q(**{f"{prefix}__in": models.Desk.objects.filter(q).values("pk")})


def _may_add_desk(user: Any) -> bool:
    return bool(operator_organisations(user))


register(
    models.Desk,
    Policy(
        view=_desk_view,
        add=_may_add_desk,
        change=managed_desks_q,
        delete=_desk_delete,
        extra={"statistics": _desk_statistics},
    ),
)
for _model in (models.DeskHours, models.DeskClosure):
    register(
        _model,
        Policy(
            view=lambda user: _under("desk", _desk_view(user)),
            add=may_operate_some_desk,
            change=lambda user: _under("desk", managed_desks_q(user)),
            delete=lambda user: _under("desk", managed_desks_q(user)),
        ),
    )


def _private(prefix: str) -> Policy:
    """Records with citizens' data: only the desk's operators (and the administrator)."""

    def q(user: Any) -> Q:
        return _under(prefix, managed_desks_q(user))

    return Policy(view=q, add=may_operate_some_desk, change=q, delete=q)


register(models.Case, _private("desk"))
register(models.Referral, _private("case__desk"))
_appointments = _private("desk")
_appointments.add = lambda user: False  # booked only through the booking service
_appointments.delete = lambda user: NOTHING  # cancelled, never deleted: the figures keep it
register(models.Appointment, _appointments)
