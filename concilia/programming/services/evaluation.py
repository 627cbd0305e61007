"""Evaluating a closed call's proposals: admissibility, evaluators and their conflicts of interest, scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from concilia.allocation.engine import rank
from concilia.core import clock
from concilia.core.permissions import scope_of
from concilia.core.services import object_save
from concilia.core.workflow import relock
from concilia.network.models import Organisation
from concilia.programming.choices import Admissibility, CallStatus, ProposalStatus
from concilia.programming.models import Call, ConflictOfInterest, EvaluationCriterion, Evaluator, Proposal, Score
from concilia.programming.rules import engine_call
from concilia.programming.selectors import applications, conflicting_organisations
from concilia.programming.services.common import require_coordinator

# When admissibility may be checked or decided by hand (objections may change it after the provisional ranking).
ADMISSIBILITY_STATUSES = (CallStatus.CLOSED, CallStatus.EVALUATION, CallStatus.PROVISIONAL_RANKING)


def check_admissibility(call: Call, by: Any) -> int:
    """Run the eligibility rules on the submitted proposals not decided by hand (the caller holds the call's lock)."""
    proposals = list(call.proposals.filter(status=ProposalStatus.SUBMITTED, admissibility_manual=False).order_by("pk"))
    if not proposals:
        return 0
    result = rank(engine_call(call), applications(proposals))
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
    require_coordinator(call, by)
    with transaction.atomic():
        call = relock(call)
        if call.status not in ADMISSIBILITY_STATUSES:
            raise ValidationError(_("Admissibility is checked after the call has closed."))
        return check_admissibility(call, by)


def admissibility_set(*, proposal: Proposal, admissible: bool, reason: str, by: Any) -> Proposal:
    """Decide a proposal's admissibility by hand, with a mandatory reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A decision on admissibility needs a reason.")})
    require_coordinator(proposal.call, by)
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
    require_coordinator(call, by)
    if call.status in (CallStatus.FINAL_RANKING, CallStatus.ARCHIVED):
        raise ValidationError(_("The evaluation of this call is over."))
    return object_save(instance=Evaluator(call=call, user=user), by=by)


def conflict_declare(*, evaluator: Evaluator, organisation: Organisation, note: str, by: Any) -> ConflictOfInterest:
    """The evaluator (or a coordinator) records a tie to an organisation.

    A withdrawn declaration for the same organisation is put back in force (its history keeps both).
    """
    if by is not None and getattr(by, "pk", None) != evaluator.user_id:
        require_coordinator(evaluator.call, by)
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
    require_coordinator(conflict.evaluator.call, by)
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
