"""Publishing a call's rankings (provisional, objections, final) and funding down the final one."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.allocation.engine import Result
from concilia.allocation.explain import ranking_data
from concilia.core import clock
from concilia.core.services import object_save
from concilia.core.workflow import lock, relock
from concilia.programming import budget
from concilia.programming.choices import Admissibility, PartnerRole, ProjectStatus, ProposalStatus, RankingStatus
from concilia.programming.models import Call, Plan, Project, ProjectAction, ProjectPartner, Proposal, Ranking
from concilia.programming.rules import engine_call, engine_document
from concilia.programming.selectors import applications, proposals_fields, ranking_compute
from concilia.programming.services.calls import CALL_WORKFLOW, RANKING_STATUSES, record_transition
from concilia.programming.services.common import require_coordinator


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
    require_coordinator(call, by)
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
            CALL_WORKFLOW.check(call, target)
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
            record_transition(call=call, to=target, by=by, note=reason or note, now=now)
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
    return rerun(compiled, applications(proposals), (), granted, {})


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
