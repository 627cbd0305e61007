"""Who may see and change what in the services catalogue.

- the public sees published services with their hours, periods, closures, fees and offers, the
  providers' authorisations and the voucher schemes;
- a service provider (a user acting for the provider organisation) adds services and changes only
  its own services and everything attached to them, published or not;
- a network coordinator sees every service (also unpublished) and keeps the voucher schemes of the
  networks it coordinates; it does not edit providers' services;
- the platform administrator may do everything.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from concilia.accounts.choices import Role
from concilia.core.permissions import EVERYTHING, NOTHING, Policy, register, scope_of
from concilia.services import models

PROVIDER_ROLES = (Role.SERVICE_PROVIDER,)


def _own_organisations(user: Any) -> set[int]:
    return scope_of(user).organisation_ids(*PROVIDER_ROLES)


def _service_view(user: Any) -> Q:
    s = scope_of(user)
    if s.coordinated_network_ids:
        return EVERYTHING
    q = Q(is_published=True)
    own = _own_organisations(user)
    return q | Q(provider__in=own) if own else q


def _service_change(user: Any) -> Q:
    own = _own_organisations(user)
    return Q(provider__in=own) if own else NOTHING


def _may_add_service(user: Any) -> bool:
    return bool(_own_organisations(user))


def _child(view: Any, change: Any) -> Policy:
    """Records that belong to a service follow the service's rules."""

    def v(user: Any) -> Q:
        q = view(user)
        return q if q in (EVERYTHING, NOTHING) else Q(service__in=models.Service.objects.filter(q).values("pk"))

    def c(user: Any) -> Q:
        q = change(user)
        return q if q in (EVERYTHING, NOTHING) else Q(service__in=models.Service.objects.filter(q).values("pk"))

    return Policy(view=v, add=_may_add_service, change=c, delete=c)


def _authorisation_change(user: Any) -> Q:
    own = _own_organisations(user)
    return Q(organisation__in=own) if own else NOTHING


def _voucher_change(user: Any) -> Q:
    nets = scope_of(user).coordinated_network_ids
    return Q(network__in=nets) if nets else NOTHING


register(
    models.Service, Policy(view=_service_view, add=_may_add_service, change=_service_change, delete=_service_change)
)
for _model in (models.Offer, models.Period, models.OpeningHours, models.Closure, models.Fee):
    register(_model, _child(_service_view, _service_change))
register(
    models.Authorisation,
    Policy(add=_may_add_service, change=_authorisation_change, delete=_authorisation_change),
)
register(
    models.VoucherScheme,
    Policy(
        add=lambda user: bool(scope_of(user).coordinated_network_ids),
        change=_voucher_change,
        delete=_voucher_change,
    ),
)
