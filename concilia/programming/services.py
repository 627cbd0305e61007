"""Writes of the programming cycle: every page, API endpoint, command and task goes through these.

Calls move only along ``CALL_TRANSITIONS``, each move recorded as a :class:`CallEvent`; the moves to
the ranking statuses happen only by publishing a ranking (:func:`ranking_publish`), so a call in
"final ranking" always has its projects. Money is committed only under row locks, taken parents
first — plan, then call, then the call's protocol counter or a proposal, then a project — so that
concurrent writers queue up instead of deadlocking, and no level ever commits more than it has.

``by`` is the user acting. ``by=None`` is the system itself (management commands, demo data), which
passes the permission checks; pages and the API always pass ``request.user``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, TypeVar

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.accounts.models import RoleAssignment
from concilia.allocation.engine import Result, rank
from concilia.allocation.explain import ranking_data
from concilia.allocation.types import Application
from concilia.core import clock
from concilia.core.permissions import scope_of
from concilia.core.services import lock, object_delete, object_save
from concilia.network.models import Alliance, Organisation
from concilia.programming import budget
from concilia.programming.choices import (
    CALL_TRANSITIONS,
    Admissibility,
    CallStatus,
    PartnerRole,
    ProjectStatus,
    ProposalStatus,
    RankingStatus,
    ReportStatus,
)
from concilia.programming.models import (
    Call,
    CallEvent,
    ConflictOfInterest,
    EvaluationCriterion,
    Evaluator,
    ExpenseLine,
    ExpenseReport,
    Plan,
    Project,
    ProjectAction,
    ProjectPartner,
    Proposal,
    ProposalAction,
    ProposalBudgetLine,
    ProposalPartner,
    ProtocolCounter,
    Ranking,
    Score,
)
from concilia.programming.rules import engine_call, engine_document

M = TypeVar("M", bound=Model)

# Statuses reached only by publishing a ranking.
RANKING_STATUSES: dict[str, str] = {
    RankingStatus.PROVISIONAL: CallStatus.PROVISIONAL_RANKING,
    RankingStatus.FINAL: CallStatus.FINAL_RANKING,
}
# When admissibility may be checked or decided by hand (objections may change it after the provisional ranking).
ADMISSIBILITY_STATUSES = (CallStatus.CLOSED, CallStatus.EVALUATION, CallStatus.PROVISIONAL_RANKING)


def relock(instance: M) -> M:
    """Lock ``instance``'s row (``SELECT … FOR UPDATE``) and reload it in place, so the caller's object is current."""
    instance.refresh_from_db(from_queryset=type(instance)._default_manager.select_for_update())
    return instance


# -- permissions -------------------------------------------------------------------------------


def _is_coordinator(network_id: int | None, by: Any) -> bool:
    if by is None:
        return True
    scope = scope_of(by)
    return scope.is_admin or (network_id is not None and network_id in scope.coordinated_network_ids)


def _require_coordinator(call: Call, by: Any) -> None:
    if not _is_coordinator(call.network_id, by):
        raise PermissionDenied(_("Only the coordinators of the call's network may do this."))


def _is_lead_of(organisation_id: int | None, by: Any) -> bool:
    if by is None:
        return True
    scope = scope_of(by)
    return scope.is_admin or (organisation_id is not None and organisation_id in scope.lead_organisation_ids)


def _require_lead(alliance: Alliance, by: Any) -> None:
    if not _is_lead_of(alliance.lead_id, by):
        raise PermissionDenied(_("Only the users of the alliance's lead organisation may do this."))


# -- calls -------------------------------------------------------------------------------------


def _record_transition(*, call: Call, to: str, by: Any, note: str, now: dt.datetime) -> CallEvent:
    event = CallEvent.objects.create(
        call=call, from_status=call.status, to_status=to, at=now, by=by if by is not None else None, note=note
    )
    call.status = to
    object_save(instance=call, by=by, reason=note or _("Status changed"))
    return event


def _check_allowed(call: Call, to: str) -> None:
    if to not in CALL_TRANSITIONS.get(call.status, ()):
        raise ValidationError(
            _("A call cannot go from “%(from)s” to “%(to)s”.")
            % {"from": CallStatus(call.status).label, "to": CallStatus(to).label if to in CallStatus.values else to}
        )


def call_transition(*, call: Call, to: str, by: Any, note: str = "", now: dt.datetime | None = None) -> Call:
    """Move ``call`` to status ``to`` along an allowed transition, recorded with who, when and why.

    Opening checks that the rules compile, that the call has not closed already and that the plan's
    residual covers the whole budget (which the call then reserves); closing is refused before
    ``closes_at``; entering evaluation runs the automatic admissibility check. The ranking statuses
    are reached by :func:`ranking_publish`, never directly.
    """
    now = now or clock.now()
    _require_coordinator(call, by)
    if to in RANKING_STATUSES.values():
        _check_allowed(call, to)
        raise ValidationError(_("A call reaches this status when its ranking is published."))
    with transaction.atomic():
        plan_id = call.plan_id
        if to == CallStatus.OPEN and plan_id is not None:
            lock(Plan, plan_id)  # parents first: whoever commits money on this plan waits for us
        call = relock(call)
        if call.plan_id != plan_id:
            raise ValidationError(_("The call's plan changed meanwhile: try again."))
        _check_allowed(call, to)
        if to == CallStatus.OPEN:
            if now >= call.closes_at:
                raise ValidationError(_("The call's closing time has passed: it cannot be opened."))
            engine_call(call)  # ValidationError on "rules" when they do not compile
            if call.plan is not None:
                residual = budget.plan_figures(call.plan).residual
                if call.budget_cents > residual:
                    raise ValidationError(
                        _("The plan has %(residual)s available, less than the call's budget of %(budget)s.")
                        % {"residual": _euro(residual), "budget": _euro(call.budget_cents)}
                    )
            ProtocolCounter.objects.get_or_create(call=call)
        elif to == CallStatus.CLOSED and now < call.closes_at:
            raise ValidationError(
                _("The call closes at %(time)s: it cannot be closed before.")
                % {"time": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")}
            )
        _record_transition(call=call, to=to, by=by, note=note, now=now)
        if to == CallStatus.EVALUATION:
            _admissibility_check(call, by)
    return call


def _euro(cents: int) -> str:
    from concilia.programming.receipts import euro

    return euro(cents)


# -- proposals ---------------------------------------------------------------------------------


def _require_draft(proposal: Proposal, by: Any) -> None:
    _require_lead(proposal.alliance, by)
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
    _require_lead(alliance, by)
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


def proposal_total_cost(proposal: Proposal) -> int:
    return int(proposal.budget_lines.aggregate(t=Sum("amount_cents"))["t"] or 0)


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
            % {"requested": _euro(requested), "max": _euro(call.max_grant_cents)}
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
    _require_lead(proposal.alliance, by)
    with transaction.atomic():
        call = relock(proposal.call)  # closing the call waits for the submissions in flight
        _require_accepting(call, now)
        proposal = relock(proposal)
        if proposal.status != ProposalStatus.DRAFT:
            raise ValidationError(_("This proposal has already been submitted or withdrawn."))
        errors = _submission_errors(proposal, call)
        if errors:
            raise ValidationError(errors)
        ProtocolCounter.objects.get_or_create(call_id=call.pk)
        (counter,) = lock(ProtocolCounter, call.pk)
        counter.last += 1
        counter.save(update_fields=["last"])
        proposal.call = call
        proposal.protocol_number = counter.last
        proposal.status = ProposalStatus.SUBMITTED
        proposal.submitted_at = now
        proposal.submitted_by = by
        object_save(instance=proposal, by=by, reason=_("Submitted"))
    return proposal


def proposal_withdraw(*, proposal: Proposal, by: Any, now: dt.datetime | None = None) -> Proposal:
    """Withdraw a submitted proposal before the deadline; it keeps its protocol number."""
    now = now or clock.now()
    _require_lead(proposal.alliance, by)
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


# -- what the engine reads ---------------------------------------------------------------------


def _half_up_hundredths(total: int, count: int) -> int:
    """``total / count`` in hundredths, rounded half up (18.505 → 1851)."""
    return (2 * 100 * total + count) // (2 * count)


def proposals_fields(proposals: Iterable[Proposal]) -> dict[int, dict[str, Any]]:
    """The engine fields of each proposal (see :mod:`concilia.programming.rules`), in a fixed number of queries."""
    items = list(proposals)
    ids = [p.pk for p in items]
    totals = dict(
        ProposalBudgetLine.objects.filter(proposal_id__in=ids)
        .order_by()
        .values("proposal_id")
        .annotate(total=Sum("amount_cents"))
        .values_list("proposal_id", "total")
    )
    kinds: dict[int, list[str]] = defaultdict(list)
    for pid, kind in ProposalAction.objects.filter(proposal_id__in=ids).order_by().values_list("proposal_id", "kind"):
        kinds[pid].append(kind)
    partners: dict[int, set[int]] = defaultdict(set)
    for pid, org in (
        ProposalPartner.objects.filter(proposal_id__in=ids).order_by().values_list("proposal_id", "organisation_id")
    ):
        partners[pid].add(org)
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Score.objects.exclude(Score.conflicted())  # a score given under a conflict does not count
        .filter(proposal_id__in=ids)
        .order_by()
        .values("proposal_id", "criterion__code")
        .annotate(total=Sum("points"), n=Count("evaluator_id", distinct=True))
    ):
        scores[row["proposal_id"]][f"score_{row['criterion__code']}"] = _half_up_hundredths(row["total"], row["n"])
    leads = {
        a.pk: a.lead
        for a in Alliance.objects.filter(pk__in={p.alliance_id for p in items}).select_related("lead__municipality")
    }
    out: dict[int, dict[str, Any]] = {}
    for p in items:
        total = int(totals.get(p.pk) or 0)
        cofinancing = max(total - int(p.requested_cents or 0), 0)
        lead = leads[p.alliance_id]
        fields: dict[str, Any] = {
            "total_cost_cents": total,
            "cofinancing_cents": cofinancing,
            "cofinancing_percent": cofinancing * 100 // total if total else 0,
            "partner_count": len(partners[p.pk] - {lead.pk}),
            "action_count": len(kinds[p.pk]),
            "action_kinds": ",".join(sorted(set(kinds[p.pk]))),
            "lead_kind": lead.kind or None,
            "lead_municipality": lead.municipality.istat_code if lead.municipality_id else None,
        }
        fields.update(scores[p.pk])
        out[p.pk] = {k: v for k, v in fields.items() if v is not None}
    return out


def proposal_fields(proposal: Proposal) -> dict[str, Any]:
    """The engine fields of one proposal."""
    return proposals_fields([proposal])[proposal.pk]


def _applications(proposals: list[Proposal]) -> list[Application]:
    fields = proposals_fields(proposals)
    return [
        Application(
            id=str(p.pk),
            submitted_at=p.submitted_at or p.created_at,
            fields=fields[p.pk],
            requested_cents=int(p.requested_cents or 0),
        )
        for p in proposals
    ]


# -- admissibility -----------------------------------------------------------------------------


def _admissibility_check(call: Call, by: Any) -> int:
    proposals = list(call.proposals.filter(status=ProposalStatus.SUBMITTED, admissibility_manual=False).order_by("pk"))
    if not proposals:
        return 0
    result = rank(engine_call(call), _applications(proposals))
    entries = result.by_id()
    for p in proposals:
        entry = entries[str(p.pk)]
        p.admissibility = Admissibility.ADMISSIBLE if entry.eligible else Admissibility.NOT_ADMISSIBLE
        p.admissibility_reasons = [x.reason for x in entry.exclusions]
        object_save(instance=p, by=by, reason=_("Automatic admissibility check"))
    return len(proposals)


def admissibility_check(*, call: Call, by: Any) -> int:
    """Check every submitted proposal against the call's eligibility rules; returns how many were checked.

    Decisions taken by hand (:func:`admissibility_set`) are kept.
    """
    _require_coordinator(call, by)
    with transaction.atomic():
        call = relock(call)
        if call.status not in ADMISSIBILITY_STATUSES:
            raise ValidationError(_("Admissibility is checked after the call has closed."))
        return _admissibility_check(call, by)


def admissibility_set(*, proposal: Proposal, admissible: bool, reason: str, by: Any) -> Proposal:
    """Decide a proposal's admissibility by hand, with a mandatory reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A decision on admissibility needs a reason.")})
    _require_coordinator(proposal.call, by)
    with transaction.atomic():
        call = relock(proposal.call)
        proposal = relock(proposal)
        if call.status not in ADMISSIBILITY_STATUSES:
            raise ValidationError(_("Admissibility is decided after the call has closed."))
        if proposal.status != ProposalStatus.SUBMITTED:
            raise ValidationError(_("Only submitted proposals are assessed."))
        proposal.admissibility = Admissibility.ADMISSIBLE if admissible else Admissibility.NOT_ADMISSIBLE
        proposal.admissibility_reasons = [reason]
        proposal.admissibility_manual = True
        object_save(instance=proposal, by=by, reason=reason)
    return proposal


# -- evaluation --------------------------------------------------------------------------------


def evaluator_assign(*, call: Call, user: Any, by: Any) -> Evaluator:
    _require_coordinator(call, by)
    if call.status in (CallStatus.FINAL_RANKING, CallStatus.ARCHIVED):
        raise ValidationError(_("The evaluation of this call is over."))
    return object_save(instance=Evaluator(call=call, user=user), by=by)


def conflict_declare(*, evaluator: Evaluator, organisation: Organisation, note: str, by: Any) -> ConflictOfInterest:
    """The evaluator (or a coordinator) records a tie to an organisation.

    A withdrawn declaration for the same organisation is put back in force (its history keeps both).
    """
    if by is not None and getattr(by, "pk", None) != evaluator.user_id:
        _require_coordinator(evaluator.call, by)
    with transaction.atomic():
        existing = (
            ConflictOfInterest.objects.select_for_update()
            .filter(evaluator=evaluator, organisation=organisation)
            .first()
        )
        if existing is None:
            return object_save(
                instance=ConflictOfInterest(evaluator=evaluator, organisation=organisation, note=note), by=by
            )
        if existing.withdrawn_at is None:
            raise ValidationError(_("This conflict is already declared."))
        existing.withdrawn_at, existing.withdrawn_by, existing.withdrawal_reason = None, None, ""
        existing.note = note or existing.note
        return object_save(instance=existing, by=by, reason=_("Declared again"))


def conflict_withdraw(
    *, conflict: ConflictOfInterest, reason: str, by: Any, now: dt.datetime | None = None
) -> ConflictOfInterest:
    """A coordinator of the call's network withdraws a declaration, saying why; it stays, withdrawn, in history.

    The evaluator who declared it cannot: a tie, once declared, is not taken back by the person tied.
    """
    if by is None or (getattr(by, "pk", None) == conflict.evaluator.user_id and not scope_of(by).is_admin):
        raise PermissionDenied(_("Only a coordinator of the call's network may withdraw a declaration."))
    _require_coordinator(conflict.evaluator.call, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the declaration is withdrawn.")})
    with transaction.atomic():
        conflict = relock(conflict)
        if conflict.withdrawn_at is not None:
            raise ValidationError(_("This declaration is already withdrawn."))
        conflict.withdrawn_at = now or clock.now()
        conflict.withdrawn_by = by
        conflict.withdrawal_reason = reason
        return object_save(instance=conflict, by=by, reason=reason)


def conflicting_organisations(evaluator: Evaluator, proposal: Proposal) -> set[int]:
    """Organisations of ``proposal`` (lead and partners) the evaluator is tied to, by declaration or by a role.

    The same rule, as a query over scores, is :meth:`Score.conflicted`.
    """
    involved = {proposal.alliance.lead_id, *proposal.partners.values_list("organisation_id", flat=True)}
    declared = set(evaluator.conflicts.filter(withdrawn_at__isnull=True).values_list("organisation_id", flat=True))
    roles = set(
        RoleAssignment.objects.filter(user_id=evaluator.user_id, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    return involved & (declared | roles)


def score_set(
    *,
    proposal: Proposal,
    evaluator: Evaluator,
    criterion: EvaluationCriterion,
    points: int,
    comment: str,
    by: Any,
) -> Score:
    """The evaluator gives ``points`` (0…maximum) on one criterion of one proposal, during evaluation."""
    if by is not None and getattr(by, "pk", None) != evaluator.user_id and not scope_of(by).is_admin:
        raise PermissionDenied(_("Only the evaluator may give their own scores."))
    proposal = Proposal.objects.select_related("call", "alliance").get(
        pk=proposal.pk
    )  # current status, not a stale copy
    if not (proposal.call_id == evaluator.call_id == criterion.call_id):
        raise ValidationError(_("The proposal, the evaluator and the criterion belong to different calls."))
    if proposal.call.status != CallStatus.EVALUATION:
        raise ValidationError(_("Scores are given only while the call is under evaluation."))
    if proposal.status != ProposalStatus.SUBMITTED or proposal.admissibility == Admissibility.NOT_ADMISSIBLE:
        raise ValidationError(_("Only submitted, admissible proposals are scored."))
    if points < 0 or points > criterion.max_points:
        raise ValidationError(
            {"points": _("At most %(max)s points for this criterion.") % {"max": criterion.max_points}}
        )
    if conflicting_organisations(evaluator, proposal):
        raise PermissionDenied(_("Conflict of interest: this evaluator cannot score this proposal."))
    with transaction.atomic():
        score = Score.objects.filter(proposal=proposal, evaluator=evaluator, criterion=criterion).first()
        if score is None:
            score = Score(proposal=proposal, evaluator=evaluator, criterion=criterion)
        score.points = points
        score.comment = comment
        return object_save(instance=score, by=by)


# -- rankings ----------------------------------------------------------------------------------


def ranking_compute(call: Call) -> Result:
    """The engine's ranking of the call's admissible submitted proposals.

    Admissibility has been decided already (by the rules or by hand), so the call's eligibility
    rules are not applied again: a proposal admitted by hand is ranked.
    """
    compiled = replace(engine_call(call), eligibility=())
    proposals = list(
        call.proposals.filter(status=ProposalStatus.SUBMITTED, admissibility=Admissibility.ADMISSIBLE).order_by("pk")
    )
    return rank(compiled, _applications(proposals))


def _ranking_entries(call: Call, result: Result) -> list[dict[str, Any]]:
    proposals = {
        p.pk: p for p in call.proposals.filter(status=ProposalStatus.SUBMITTED).select_related("alliance__lead", "call")
    }
    rows: list[dict[str, Any]] = []
    for e in result.entries:
        p = proposals[int(e.id)]
        rows.append(
            {
                "proposal": p.pk,
                "protocol": p.protocol,
                "title": p.title,
                "alliance": p.alliance.name,
                "lead": p.alliance.lead.name,
                "points": e.points,
                "breakdown": dict(zip(e.criteria, e.scores, strict=True)) if e.scores else {},
                "rank": e.rank,
                "outcome": e.outcome,
                "requested_cents": int(p.requested_cents or 0),
                "granted_cents": int(e.granted_cents or 0),
                "excluded": [x.reason for x in e.exclusions],
            }
        )
    ranked = {int(e.id) for e in result.entries}
    for p in sorted(proposals.values(), key=lambda p: p.protocol_number or 0):
        if p.pk in ranked:
            continue
        rows.append(
            {
                "proposal": p.pk,
                "protocol": p.protocol,
                "title": p.title,
                "alliance": p.alliance.name,
                "lead": p.alliance.lead.name,
                "points": None,
                "breakdown": {},
                "rank": None,
                "outcome": "excluded",
                "requested_cents": int(p.requested_cents or 0),
                "granted_cents": 0,
                "excluded": list(p.admissibility_reasons or []) or [str(Admissibility(p.admissibility).label)],
            }
        )
    return rows


def _rules_digest(call: Call) -> str:
    text = yaml.safe_dump(engine_document(call), allow_unicode=True, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def ranking_publish(*, call: Call, status: str, by: Any, reason: str = "", now: dt.datetime | None = None) -> Ranking:
    """Publish a new version of the call's ranking, computed now by the engine.

    The first provisional ranking moves the call from evaluation to "provisional ranking" and opens
    the objections window (``objections_days``); the first final ranking, allowed only once that
    window has ended, moves it to "final ranking" and funds down the ranking: each funded proposal
    becomes a project. Publishing again with the same status is a correction: it needs a reason and
    adds version n+1 (earlier versions stay). A correction of the final ranking cannot take away a
    grant already given; it funds the proposals it newly reaches and tops up partial grants.
    """
    now = now or clock.now()
    reason = (reason or "").strip()
    _require_coordinator(call, by)
    if status not in RANKING_STATUSES:
        raise ValidationError(_("Unknown ranking status."))
    target = RANKING_STATUSES[status]
    with transaction.atomic():
        plan_id = call.plan_id
        if plan_id is not None:
            lock(Plan, plan_id)
        call = relock(call)
        if call.plan_id != plan_id:
            raise ValidationError(_("The call's plan changed meanwhile: try again."))
        correction = call.status == target
        if correction:
            if not reason:
                raise ValidationError({"reason": _("A correction of a published ranking needs a reason.")})
        else:
            _check_allowed(call, target)
        previous = call.rankings.order_by("-version").first()
        if status == RankingStatus.FINAL and not correction:
            provisional = call.rankings.filter(status=RankingStatus.PROVISIONAL).order_by("-version").first()
            if provisional is None:
                raise ValidationError(_("Publish the provisional ranking first."))
            if provisional.objections_until and now < provisional.objections_until:
                raise ValidationError(
                    _("Objections are open until %(time)s: the final ranking comes after.")
                    % {"time": timezone.localtime(provisional.objections_until).strftime("%d/%m/%Y %H:%M")}
                )
        result = _final_result(call) if status == RankingStatus.FINAL and correction else ranking_compute(call)
        ranking = Ranking(
            call=call,
            version=(previous.version + 1) if previous else 1,
            status=status,
            published_at=now,
            published_by=by,
            reason=reason,
            objections_until=now + dt.timedelta(days=call.objections_days)
            if status == RankingStatus.PROVISIONAL
            else None,
            rules_digest=_rules_digest(call),
            entries=_ranking_entries(call, result),
            result=ranking_data(result),
        )
        object_save(instance=ranking, by=by)
        if not correction:
            note = _("Ranking version %(version)s published.") % {"version": ranking.version}
            _record_transition(call=call, to=target, by=by, note=reason or note, now=now)
        if status == RankingStatus.FINAL:
            _fund(call=call, result=result, by=by)
    return ranking


def _final_result(call: Call) -> Result:
    """A correction of the final ranking: the engine's re-run that keeps every grant already given."""
    from concilia.allocation.engine import rerun

    compiled = replace(engine_call(call), eligibility=())
    proposals = list(
        call.proposals.filter(status=ProposalStatus.SUBMITTED, admissibility=Admissibility.ADMISSIBLE).order_by("pk")
    )
    granted = {str(pid): int(c) for pid, c in call.projects.values_list("proposal_id", "granted_cents") if pid}
    ids = {str(p.pk) for p in proposals}
    lost = sorted(set(granted) - ids)
    if lost:
        raise ValidationError(
            _("The correction would take away the grant of a funded project: close or revoke the project first.")
        )
    return rerun(compiled, _applications(proposals), (), granted, {})


def _fund(*, call: Call, result: Result, by: Any) -> list[Project]:
    """Create (or top up) a project for every funded entry, never beyond the call's budget."""
    existing = {p.proposal_id: p for p in call.projects.all()}
    funded = {int(e.id): int(e.granted_cents or 0) for e in result.entries if e.granted_cents}
    total = sum(funded.values()) + sum(int(p.granted_cents) for pid, p in existing.items() if pid not in funded)
    if total > call.budget_cents:
        raise ValidationError(_("The grants would exceed the call's budget."))
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=funded)
        .select_related("alliance__lead")
        .prefetch_related("partners", "actions")
    }
    fields = proposals_fields(proposals.values())
    created: list[Project] = []
    for pid, cents in funded.items():
        project = existing.get(pid)
        if project is not None:
            if cents < project.granted_cents:
                raise ValidationError(_("A correction cannot reduce a grant already given."))
            if cents > project.granted_cents:
                project.granted_cents = cents
                object_save(instance=project, by=by, reason=_("Grant topped up by a corrected final ranking"))
            continue
        proposal = proposals[pid]
        actions = list(proposal.actions.all())
        starts = [a.starts_on for a in actions if a.starts_on]
        ends = [a.ends_on for a in actions if a.ends_on]
        project = object_save(
            instance=Project(
                proposal=proposal,
                call=call,
                plan=call.plan,
                alliance=proposal.alliance,
                lead=proposal.alliance.lead,
                title=proposal.title,
                summary=proposal.summary,
                starts_on=min(starts) if starts else None,
                ends_on=max(ends) if ends else None,
                granted_cents=cents,
                cofinancing_cents=fields[pid]["cofinancing_cents"],
                status=ProjectStatus.PLANNED,
            ),
            by=by,
            reason=_("Funded by the final ranking of %(call)s") % {"call": call},
        )
        partners = list(proposal.partners.all())
        if not any(pp.organisation_id == proposal.alliance.lead_id for pp in partners):
            ProjectPartner.objects.create(project=project, organisation=proposal.alliance.lead, role=PartnerRole.LEAD)
        for pp in partners:  # one by one, so each row gets its history record
            ProjectPartner.objects.create(
                project=project,
                organisation_id=pp.organisation_id,
                role=pp.role,
                cofinancing_cents=pp.cofinancing_cents,
            )
        for a in actions:
            ProjectAction.objects.create(
                project=project,
                kind=a.kind,
                title=a.title,
                description=a.description,
                starts_on=a.starts_on,
                ends_on=a.ends_on,
                budget_cents=a.budget_cents,
            )
        created.append(project)
    committed = budget.call_figures(call).committed
    if committed > call.budget_cents:
        raise ValidationError(_("The grants would exceed the call's budget."))
    return created


# -- projects ----------------------------------------------------------------------------------


def _require_project_lead(project: Project, by: Any) -> None:
    """The lead reports its expenses; the coordinators, who approve them, do not write them (separation of duties)."""
    if not _is_lead_of(project.lead_id, by):
        raise PermissionDenied(_("Only the project's lead may do this."))


def _project_network_id(project: Project) -> int | None:
    if project.call is not None:
        return project.call.network_id
    if project.plan is not None:
        return project.plan.network_id
    return project.alliance.network_id if project.alliance is not None else None


def _require_project_coordinator(project: Project, by: Any) -> None:
    if not _is_coordinator(_project_network_id(project), by):
        raise PermissionDenied(_("Only the coordinators of the project's network may do this."))


def expense_report_create(
    *, project: Project, period_start: dt.date, period_end: dt.date, by: Any, notes: str = ""
) -> ExpenseReport:
    _require_project_lead(project, by)
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError(_("The project is closed."))
    return object_save(
        instance=ExpenseReport(project=project, period_start=period_start, period_end=period_end, notes=notes), by=by
    )


def expense_line_add(
    *, report: ExpenseReport, category: str, description: str, amount_cents: int, by: Any, document: Any = None
) -> ExpenseLine:
    _require_project_lead(report.project, by)
    if report.status != ReportStatus.DRAFT:
        raise ValidationError(_("Only a draft report can be changed."))
    line = ExpenseLine(report=report, category=category, description=description, amount_cents=amount_cents)
    if document is not None:
        line.document = document
    return object_save(instance=line, by=by)


def expense_report_submit(*, report: ExpenseReport, by: Any, now: dt.datetime | None = None) -> ExpenseReport:
    """The lead submits a draft expense report with at least one line."""
    _require_project_lead(report.project, by)
    with transaction.atomic():
        report = relock(report)
        if report.status != ReportStatus.DRAFT:
            raise ValidationError(_("This report has already been submitted."))
        if report.project.status == ProjectStatus.CLOSED:
            raise ValidationError(_("The project is closed."))
        if not report.lines.exists():
            raise ValidationError(_("The report needs at least one expense line."))
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = now or clock.now()
        return object_save(instance=report, by=by, reason=_("Submitted"))


def expense_line_decide(
    *, line: ExpenseLine, approved_cents: int, reason: str, by: Any, now: dt.datetime | None = None
) -> ExpenseLine:
    """Approve a line fully or partly (partly needs a reason); the project's approved total stays within its grant."""
    reason = (reason or "").strip()
    project = line.report.project
    _require_project_coordinator(project, by)
    if approved_cents < 0 or approved_cents > line.amount_cents:
        raise ValidationError({"approved_cents": _("The approved amount cannot exceed the amount claimed.")})
    if approved_cents < line.amount_cents and not reason:
        raise ValidationError({"reason": _("A partial approval or a rejection needs a reason.")})
    with transaction.atomic():
        project = relock(project)
        line = relock(line)
        report = line.report
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("Only the lines of a submitted report are decided."))
        if project.status == ProjectStatus.CLOSED:
            raise ValidationError(_("The project is closed."))
        others = int(
            ExpenseLine.objects.filter(report__project=project, approved_cents__isnull=False)
            .exclude(pk=line.pk)
            .aggregate(t=Sum("approved_cents"))["t"]
            or 0
        )
        if others + approved_cents > project.granted_cents:
            raise ValidationError(
                {
                    "approved_cents": _("Approved expenses would exceed the grant: at most %(left)s can be approved.")
                    % {"left": _euro(max(project.granted_cents - others, 0))}
                }
            )
        line.approved_cents = approved_cents
        line.decision_reason = reason
        object_save(instance=line, by=by, reason=reason)
        if not report.lines.filter(approved_cents__isnull=True).exists():
            report.status = ReportStatus.REVIEWED
            report.reviewed_at = now or clock.now()
            object_save(instance=report, by=by, reason=_("Reviewed"))
    return line


def project_close(*, project: Project, by: Any) -> Project:
    """Settle a project's accounts: what was not approved goes back to the plan."""
    _require_project_coordinator(project, by)
    with transaction.atomic():
        project = relock(project)
        if project.status == ProjectStatus.CLOSED:
            raise ValidationError(_("The project is already closed."))
        if project.expense_reports.filter(status=ReportStatus.SUBMITTED).exists():
            raise ValidationError(_("Decide the submitted expense reports before closing the project."))
        approved = budget.project_figures(project).spent
        project.returned_cents = max(project.granted_cents - approved, 0)
        project.status = ProjectStatus.CLOSED
        object_save(instance=project, by=by, reason=_("Accounts settled"))
    return project


__all__ = [
    "admissibility_check",
    "admissibility_set",
    "call_transition",
    "conflict_declare",
    "conflicting_organisations",
    "evaluator_assign",
    "expense_line_add",
    "expense_line_decide",
    "expense_report_create",
    "expense_report_submit",
    "project_close",
    "proposal_action_add",
    "proposal_budget_line_add",
    "proposal_create",
    "proposal_fields",
    "proposal_item_remove",
    "proposal_partner_add",
    "proposal_submit",
    "proposal_update",
    "proposal_withdraw",
    "proposals_fields",
    "ranking_compute",
    "ranking_publish",
    "score_set",
]
