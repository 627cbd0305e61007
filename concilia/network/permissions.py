"""Who may see and change what in the network register.

- the public reads networks, agreements, memberships, alliances and partnerships, and the
  organisations and contacts marked as public;
- a network coordinator changes its network, its agreements and memberships, and the alliances
  of its network with their partners;
- an alliance lead changes the alliances its organisation leads, their partners, and decides their
  join requests;
- a provider, company HR or desk operator changes its own organisation and its contacts;
- any user acting for an organisation may ask to join an alliance.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from concilia.core.permissions import EVERYTHING, NOTHING, Policy, register, scope_of
from concilia.network import models


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _networks(user: Any) -> set[int]:
    return scope_of(user).coordinated_network_ids


def _organisation_view(user: Any) -> Q:
    s = scope_of(user)
    if s.coordinated_network_ids:
        return EVERYTHING
    return Q(is_public=True) | Q(pk__in=s.organisation_ids())


def _added_and_unattached(user: Any) -> Q:
    """Organisations the user added itself (the first record of their history names it) that are not yet
    a member of any network: so who adds an organisation can correct it before a network takes it in."""
    added = models.Organisation.history.filter(history_type="+", history_user_id=user.pk).values("id")
    return Q(pk__in=added) & ~Q(pk__in=models.Membership.objects.values("organisation_id"))


def _organisation_change(user: Any) -> Q:
    """Its own organisations; for a coordinator, the current members of its networks; for a coordinator
    or a lead (who may add organisations), those it added that are in no network yet. Never every
    organisation in no network: those belong to whoever added them."""
    s = scope_of(user)
    q = Q(pk__in=s.organisation_ids())
    if s.coordinated_network_ids:
        q |= Q(memberships__network__in=s.coordinated_network_ids, memberships__left_on__isnull=True)
    if _may_add_organisation(user):
        q |= _added_and_unattached(user)
    return q


def _contact_view(user: Any) -> Q:
    s = scope_of(user)
    if s.coordinated_network_ids:
        return EVERYTHING
    return Q(is_public=True, organisation__is_public=True) | Q(organisation__in=s.organisation_ids())


def _may_add_organisation(user: Any) -> bool:
    s = scope_of(user)
    return bool(s.coordinated_network_ids or s.lead_organisation_ids)


def _alliance_change(user: Any) -> Q:
    s = scope_of(user)
    return Q(lead__in=s.lead_organisation_ids) | Q(network__in=s.coordinated_network_ids)


def _join_request_view(user: Any) -> Q:
    s = scope_of(user)
    if not _signed_in(user):
        return NOTHING
    return (
        Q(organisation__in=s.organisation_ids())
        | Q(alliance__lead__in=s.lead_organisation_ids)
        | Q(alliance__network__in=s.coordinated_network_ids)
    )


def _join_request_decide(user: Any) -> Q:
    s = scope_of(user)
    return Q(alliance__lead__in=s.lead_organisation_ids) | Q(alliance__network__in=s.coordinated_network_ids)


register(
    models.Organisation,
    Policy(view=_organisation_view, add=_may_add_organisation, change=_organisation_change),
)
register(
    models.Contact,
    Policy(
        view=_contact_view,
        add=lambda u: bool(scope_of(u).organisation_ids() or _networks(u)),
        change=lambda u: (
            Q(organisation__in=scope_of(u).organisation_ids()) | Q(organisation__memberships__network__in=_networks(u))
        ),
        delete=lambda u: (
            Q(organisation__in=scope_of(u).organisation_ids()) | Q(organisation__memberships__network__in=_networks(u))
        ),
    ),
)
register(models.Network, Policy(change=lambda u: Q(pk__in=_networks(u))))
register(
    models.Agreement,
    Policy(
        add=lambda u: bool(_networks(u)),
        change=lambda u: Q(network__in=_networks(u)),
        delete=lambda u: Q(network__in=_networks(u)),
    ),
)
register(
    models.Membership,
    Policy(
        add=lambda u: bool(_networks(u)),
        change=lambda u: Q(network__in=_networks(u)),
        delete=lambda u: Q(network__in=_networks(u)),
    ),
)
register(
    models.Alliance,
    Policy(
        add=lambda u: bool(_networks(u) or scope_of(u).lead_organisation_ids),
        change=_alliance_change,
    ),
)
register(
    models.Partnership,
    Policy(
        add=lambda u: bool(_networks(u) or scope_of(u).lead_organisation_ids),
        change=lambda u: Q(alliance__in=models.Alliance.objects.filter(_alliance_change(u)).values("pk")),
        delete=lambda u: Q(alliance__in=models.Alliance.objects.filter(_alliance_change(u)).values("pk")),
    ),
)
register(
    models.JoinRequest,
    Policy(
        view=_join_request_view,
        add=lambda u: bool(scope_of(u).organisation_ids()),
        change=_join_request_decide,
        delete=lambda u: NOTHING,
        extra={"decide": _join_request_decide},
    ),
)
