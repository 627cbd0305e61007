"""An alliance's proposal to a call: drafted with its actions, partners and budget, submitted with a protocol number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.core.services import object_delete, object_save
from concilia.core.workflow import next_protocol_number, relock
from concilia.network.models import Alliance, Organisation
from concilia.programming.choices import CallStatus, PartnerRole, ProposalStatus
from concilia.programming.models import (
    Call,
    Proposal,
    ProposalAction,
    ProposalBudgetLine,
    ProposalPartner,
    ProtocolCounter,
)
from concilia.programming.selectors import proposal_total_cost
from concilia.programming.services.common import euro, require_lead


def _require_draft(proposal: Proposal, by: Any) -> None:
    require_lead(proposal.alliance, by)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("Only a draft proposal can be changed."))


def _require_accepting(call: Call, now: dt.datetime) -> None:
    if call.status != CallStatus.OPEN:
        raise ValidationError(_("The call is not open."))
    if now < call.opens_at:
        raise ValidationError(
            _("The call opens at %(time)s.") % {"time": timezone.localtime(call.opens_at).strftime("%d/%m/%Y %H:%M:%S")}
        )
    if now >= call.closes_at:
        raise ValidationError(
            _("The call closed at %(time)s.")
            % {"time": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")}
        )


def proposal_create(
    *,
    call: Call,
    alliance: Alliance,
    title: str,
    by: Any,
    summary: str = "",
    requested_cents: int = 0,
    now: dt.datetime | None = None,
) -> Proposal:
    """The alliance's lead drafts a proposal to an open call; the lead is its first partner."""
    require_lead(alliance, by)
    _require_accepting(call, now or clock.now())
    if alliance.network_id is not None and alliance.network_id != call.network_id:
        raise ValidationError(_("The alliance belongs to another network than the call."))
    with transaction.atomic():
        proposal = object_save(
            instance=Proposal(
                call=call, alliance=alliance, title=title, summary=summary, requested_cents=requested_cents
            ),
            by=by,
        )
        object_save(
            instance=ProposalPartner(proposal=proposal, organisation=alliance.lead, role=PartnerRole.LEAD), by=by
        )
    return proposal


PROPOSAL_EDITABLE = ("title", "summary", "requested_cents")


def proposal_update(*, proposal: Proposal, by: Any, **changes: Any) -> Proposal:
    """Change a draft's title, summary or grant requested."""
    unknown = set(changes) - set(PROPOSAL_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    _require_draft(proposal, by)
    for name, value in changes.items():
        setattr(proposal, name, value)
    return object_save(instance=proposal, by=by)


def proposal_action_add(
    *,
    proposal: Proposal,
    kind: str,
    title: str,
    by: Any,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    budget_cents: int = 0,
) -> ProposalAction:
    _require_draft(proposal, by)
    return object_save(
        instance=ProposalAction(
            proposal=proposal,
            kind=kind,
            title=title,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            budget_cents=budget_cents,
        ),
        by=by,
    )


def proposal_partner_add(
    *,
    proposal: Proposal,
    organisation: Organisation,
    by: Any,
    role: str = PartnerRole.PARTNER,
    cofinancing_cents: int = 0,
) -> ProposalPartner:
    _require_draft(proposal, by)
    return object_save(
        instance=ProposalPartner(
            proposal=proposal, organisation=organisation, role=role, cofinancing_cents=cofinancing_cents
        ),
        by=by,
    )


def proposal_budget_line_add(
    *, proposal: Proposal, category: str, amount_cents: int, by: Any, description: str = ""
) -> ProposalBudgetLine:
    _require_draft(proposal, by)
    return object_save(
        instance=ProposalBudgetLine(
            proposal=proposal, category=category, amount_cents=amount_cents, description=description
        ),
        by=by,
    )


def proposal_delete(*, proposal: Proposal, by: Any) -> None:
    """The lead deletes a draft (a submitted proposal is withdrawn instead: it keeps its protocol number)."""
    _require_draft(proposal, by)
    with transaction.atomic():
        for item in (*proposal.actions.all(), *proposal.partners.all(), *proposal.budget_lines.all()):
            item.delete()
        object_delete(instance=proposal, by=by)


def proposal_item_save(*, item: ProposalAction | ProposalPartner | ProposalBudgetLine, by: Any) -> Any:
    """Add or change an action, partner or budget line of a draft (moved, both proposals must be drafts)."""
    proposal = Proposal.objects.select_related("alliance").get(pk=item.proposal_id)
    _require_draft(proposal, by)
    if item.pk is not None:
        before = type(item).objects.select_related("proposal__alliance").get(pk=item.pk)
        if before.proposal_id != item.proposal_id:
            _require_draft(before.proposal, by)
        if (
            isinstance(before, ProposalPartner)
            and before.organisation_id == before.proposal.alliance.lead_id
            and (before.organisation_id, before.proposal_id) != (item.organisation_id, item.proposal_id)  # type: ignore[union-attr]
        ):
            raise ValidationError(_("The lead of the alliance cannot be removed from its proposal."))
    return object_save(instance=item, by=by)


def proposal_item_remove(*, item: ProposalAction | ProposalPartner | ProposalBudgetLine, by: Any) -> None:
    """Remove an action, partner or budget line from a draft (the lead itself stays)."""
    _require_draft(item.proposal, by)
    if isinstance(item, ProposalPartner) and item.organisation_id == item.proposal.alliance.lead_id:
        raise ValidationError(_("The lead of the alliance cannot be removed from its proposal."))
    item.delete()


def _submission_errors(proposal: Proposal, call: Call) -> list[str]:
    errors: list[str] = []
    requested = int(proposal.requested_cents or 0)
    total = proposal_total_cost(proposal)
    if not proposal.actions.exists():
        errors.append(_("The proposal needs at least one action."))
    if total <= 0:
        errors.append(_("The proposal needs at least one budget line."))
    if requested <= 0:
        errors.append(_("The proposal must request a grant."))
    if call.max_grant_cents is not None and requested > call.max_grant_cents:
        errors.append(
            _("The grant requested (%(requested)s) exceeds the call's maximum of %(max)s.")
            % {"requested": euro(requested), "max": euro(call.max_grant_cents)}
        )
    if total > 0 and requested > total:
        errors.append(_("The grant requested exceeds the total cost of the proposal."))
    elif total > 0 and (total - requested) * 100 < call.min_cofinancing_percent * total:
        errors.append(
            _("Co-financing is %(share)s%% of the total cost; the call requires at least %(min)s%%.")
            % {"share": (total - requested) * 100 // total, "min": call.min_cofinancing_percent}
        )
    return errors


def proposal_submit(*, proposal: Proposal, by: Any, now: dt.datetime | None = None) -> Proposal:
    """Submit a draft before the deadline; it gets the call's next protocol number.

    The window is ``opens_at <= now < closes_at`` in server time: at ``closes_at`` itself the call
    is closed. The protocol number comes from the call's :class:`ProtocolCounter` row, locked and
    incremented in the same transaction, so numbers are unique and gapless under concurrency.
    """
    now = now or clock.now()
    require_lead(proposal.alliance, by)
    with transaction.atomic():
        call = relock(proposal.call)  # closing the call waits for the submissions in flight
        _require_accepting(call, now)
        proposal = relock(proposal)
        if proposal.status != ProposalStatus.DRAFT:
            raise ValidationError(_("This proposal has already been submitted or withdrawn."))
        errors = _submission_errors(proposal, call)
        if errors:
            raise ValidationError(errors)
        proposal.call = call
        proposal.protocol_number = next_protocol_number(ProtocolCounter, call_id=call.pk)
        proposal.status = ProposalStatus.SUBMITTED
        proposal.submitted_at = now
        proposal.submitted_by = by
        object_save(instance=proposal, by=by, reason=_("Submitted"))
    return proposal


def proposal_withdraw(*, proposal: Proposal, by: Any, now: dt.datetime | None = None) -> Proposal:
    """Withdraw a submitted proposal before the deadline; it keeps its protocol number."""
    now = now or clock.now()
    require_lead(proposal.alliance, by)
    with transaction.atomic():
        call = relock(proposal.call)
        proposal = relock(proposal)
        if proposal.status != ProposalStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted proposal can be withdrawn."))
        if call.status != CallStatus.OPEN or now >= call.closes_at:
            raise ValidationError(_("The call has closed: the proposal can no longer be withdrawn."))
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.withdrawn_at = now
        object_save(instance=proposal, by=by, reason=_("Withdrawn"))
    return proposal
