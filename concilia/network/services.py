"""Writes on the network register: every page, API endpoint, command and task goes through these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.core.services import object_save
from concilia.core.workflow import lock
from concilia.network.choices import JoinRequestStatus, MembershipRole, PartnerRole
from concilia.network.models import Alliance, JoinRequest, Membership, Network, Organisation, Partnership


def network_merge(*, network: Network, into: Network, on: dt.date, by: Any) -> list[Membership]:
    """Merge ``network`` into ``into`` on day ``on`` (e.g. Cremona and Mantova into Val Padana, 2017).

    The merged network ends on ``on``; its open memberships are closed that day and carried over to
    ``into`` (unless the organisation is already a member there). Returns the new memberships.
    """
    if network.pk == into.pk:
        raise ValidationError(_("A network cannot be merged into itself."))
    if into.merged_into_id:
        raise ValidationError(_("The target network has itself been merged into another one."))
    with transaction.atomic():
        locked = {n.pk: n for n in lock(Network, network.pk, into.pk)}
        network, into = locked[network.pk], locked[into.pk]
        if network.merged_into_id:
            raise ValidationError(_("This network has already been merged."))
        network.merged_into = into
        network.ended_on = on
        object_save(instance=network, by=by, reason=_("Merged into %(target)s") % {"target": into})
        already = set(
            Membership.objects.filter(network=into, left_on__isnull=True).values_list("organisation_id", flat=True)
        )
        created: list[Membership] = []
        for membership in Membership.objects.filter(network=network, left_on__isnull=True).select_related(
            "organisation"
        ):
            membership.left_on = max(on, membership.joined_on) if membership.joined_on else on
            object_save(instance=membership, by=by, reason=_("Network merged"))
            ended = membership.organisation.valid_to
            if membership.organisation_id in already or (ended is not None and ended < on):
                continue  # already there, or a body that had ceased before the merge (an ASL in 2015)
            role = MembershipRole.MEMBER if membership.role == MembershipRole.COORDINATOR else membership.role
            created.append(
                object_save(
                    instance=Membership(
                        network=into,
                        organisation=membership.organisation,
                        role=role,
                        joined_on=on,
                        carried_over_from=membership,
                    ),
                    by=by,
                    reason=_("Carried over from %(source)s") % {"source": network},
                )
            )
            already.add(membership.organisation_id)
    return created


def membership_end(*, membership: Membership, on: dt.date, by: Any) -> Membership:
    """Close a membership on day ``on`` (memberships are closed, never deleted)."""
    if membership.left_on:
        raise ValidationError(_("This membership has already ended."))
    membership.left_on = on
    return object_save(instance=membership, by=by)


def join_request_submit(*, alliance: Alliance, organisation: Organisation, message: str, by: Any) -> JoinRequest:
    """An organisation asks to join an alliance that is open to new partners."""
    if alliance.ended_on and alliance.ended_on < clock.today():
        raise ValidationError(_("This alliance has ended."))
    if not alliance.accepts_new_partners:
        raise ValidationError(_("This alliance is not open to new partners."))
    if (
        alliance.lead_id == organisation.pk
        or alliance.partnerships.filter(organisation=organisation, left_on__isnull=True).exists()
    ):
        raise ValidationError(_("This organisation is already part of the alliance."))
    if alliance.join_requests.filter(organisation=organisation, status=JoinRequestStatus.PENDING).exists():
        raise ValidationError(_("This organisation already has a pending request for this alliance."))
    return object_save(
        instance=JoinRequest(
            alliance=alliance, organisation=organisation, message=message, requested_by=by if by else None
        ),
        by=by,
    )


def join_request_decide(*, request: JoinRequest, accept: bool, reason: str, by: Any) -> JoinRequest:
    """The lead accepts (the organisation becomes a partner from today) or refuses with a reason."""
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"reason": _("A refusal needs a reason.")})
    with transaction.atomic():
        (request,) = lock(JoinRequest, request.pk)
        if request.status != JoinRequestStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        request.status = JoinRequestStatus.ACCEPTED if accept else JoinRequestStatus.REFUSED
        request.reason = reason
        request.decided_by = by
        request.decided_at = clock.now()
        object_save(instance=request, by=by)
        if accept:
            object_save(
                instance=Partnership(
                    alliance=request.alliance,
                    organisation=request.organisation,
                    role=PartnerRole.PARTNER,
                    joined_on=clock.today(),
                ),
                by=by,
                reason=_("Join request accepted"),
            )
    return request


def join_request_withdraw(*, request: JoinRequest, by: Any) -> JoinRequest:
    """The requesting organisation withdraws a pending request."""
    with transaction.atomic():
        (request,) = lock(JoinRequest, request.pk)
        if request.status != JoinRequestStatus.PENDING:
            raise ValidationError(_("This request has already been decided."))
        request.status = JoinRequestStatus.WITHDRAWN
        return object_save(instance=request, by=by)
