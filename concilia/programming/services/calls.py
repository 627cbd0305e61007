"""A call's life: draft, open, closed, evaluation, rankings, archived — each move checked and logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from concilia.core import clock
from concilia.core.workflow import StateMachine, lock, relock
from concilia.programming import budget
from concilia.programming.choices import CALL_TRANSITIONS, CallStatus, RankingStatus
from concilia.programming.models import Call, CallEvent, Plan, ProtocolCounter
from concilia.programming.rules import engine_call
from concilia.programming.services.common import euro, require_coordinator
from concilia.programming.services.evaluation import check_admissibility
from concilia.programming.services.family import family_call_check

CALL_WORKFLOW = StateMachine(
    choices=CallStatus,
    transitions=CALL_TRANSITIONS,
    refusal=gettext_lazy("A call cannot go from “%(from)s” to “%(to)s”."),
)
# Statuses reached only by publishing a ranking.
RANKING_STATUSES: dict[str, str] = {
    RankingStatus.PROVISIONAL: CallStatus.PROVISIONAL_RANKING,
    RankingStatus.FINAL: CallStatus.FINAL_RANKING,
}


def record_transition(*, call: Call, to: str, by: Any, note: str, now: dt.datetime) -> CallEvent:
    """Move the (locked, checked) call to ``to`` and log it; see :meth:`StateMachine.move`."""
    event = CALL_WORKFLOW.move(call, to, by=by, now=now, note=note, event=lambda **kw: CallEvent(call=call, **kw))
    assert isinstance(event, CallEvent)
    return event


def call_transition(*, call: Call, to: str, by: Any, note: str = "", now: dt.datetime | None = None) -> Call:
    """Move ``call`` to status ``to`` along an allowed transition, recorded with who, when and why.

    Opening checks that the rules compile, that the call has not closed already, that a family call has its
    terms or offers (:func:`~concilia.programming.services.family.family_call_check`) and that the plan's
    residual covers the whole budget (which the call then reserves); closing is refused before
    ``closes_at``; entering evaluation runs the automatic admissibility check. The ranking statuses
    are reached by :func:`ranking_publish`, never directly.
    """
    now = now or clock.now()
    require_coordinator(call, by)
    if to in RANKING_STATUSES.values():
        CALL_WORKFLOW.check(call, to)
        raise ValidationError(_("A call reaches this status when its ranking is published."))
    with transaction.atomic():
        plan_id = call.plan_id
        if to == CallStatus.OPEN and plan_id is not None:
            lock(Plan, plan_id)  # parents first: whoever commits money on this plan waits for us
        call = relock(call)
        if call.plan_id != plan_id:
            raise ValidationError(_("The call's plan changed meanwhile: try again."))
        CALL_WORKFLOW.check(call, to)
        if to == CallStatus.OPEN:
            if now >= call.closes_at:
                raise ValidationError(_("The call's closing time has passed: it cannot be opened."))
            family_call_check(call)
            engine_call(call)  # ValidationError on "rules" when they do not compile
            if call.plan is not None:
                residual = budget.plan_figures(call.plan).residual
                if call.budget_cents > residual:
                    raise ValidationError(
                        _("The plan has %(residual)s available, less than the call's budget of %(budget)s.")
                        % {"residual": euro(residual), "budget": euro(call.budget_cents)}
                    )
            ProtocolCounter.objects.get_or_create(call=call)
        elif to == CallStatus.CLOSED and now < call.closes_at:
            raise ValidationError(
                _("The call closes at %(time)s: it cannot be closed before.")
                % {"time": timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")}
            )
        record_transition(call=call, to=to, by=by, note=note, now=now)
        if to == CallStatus.EVALUATION:
            check_admissibility(call, by)
    return call
