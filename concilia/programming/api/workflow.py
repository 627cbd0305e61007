"""The programming cycle's workflow steps over the REST API (the registers' CRUD endpoints are separate).

Each endpoint loads one object the caller may see (else 404), validates its input with a small
serializer, and calls the same function of ``services.py`` as the page; the services decide who may
do what (403) and what the rules allow (400 with the messages in the caller's language).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from concilia.core.api import WorkflowEndpoint
from concilia.core.permissions import restrict
from concilia.programming import budget, receipts, services
from concilia.programming.choices import CallStatus, RankingStatus
from concilia.programming.models import (
    Call,
    ConflictOfInterest,
    EvaluationCriterion,
    Evaluator,
    ExpenseLine,
    ExpenseReport,
    Plan,
    Project,
    Proposal,
)


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=CallStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PublishInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=RankingStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class AdmissibilityInput(serializers.Serializer):
    admissible = serializers.BooleanField()
    reason = serializers.CharField()


class ScoreInput(serializers.Serializer):
    criterion = serializers.CharField(help_text="The criterion's code")
    points = serializers.IntegerField(min_value=0)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ScoresInput(serializers.Serializer):
    scores = ScoreInput(many=True)


class FiguresSerializer(serializers.Serializer):
    allocated_cents = serializers.IntegerField(source="allocated")
    committed_cents = serializers.IntegerField(source="committed")
    spent_cents = serializers.IntegerField(source="spent")
    residual_cents = serializers.IntegerField(source="residual")


@extend_schema(request=TransitionInput, responses={200: dict}, tags=["programming workflow"])
class CallTransitionEndpoint(WorkflowEndpoint):
    """Move a call to its next status (open, closed, evaluation…); recorded with who, when and the note."""

    model = Call
    input = TransitionInput

    def perform(self, obj: Call, data: dict[str, Any], request: Request) -> dict[str, Any]:
        call = services.call_transition(call=obj, to=data["to"], by=request.user, note=data["note"])
        return {"id": call.pk, "status": call.status}


@extend_schema(request=None, responses={200: dict}, tags=["programming workflow"])
class AdmissibilityCheckEndpoint(WorkflowEndpoint):
    """Apply the call's eligibility rules to every submitted proposal."""

    model = Call

    def perform(self, obj: Call, data: dict[str, Any], request: Request) -> dict[str, Any]:
        count = services.admissibility_check(call=obj, by=request.user)
        return {
            "checked": count,
            "proposals": list(
                obj.proposals.exclude(protocol_number=None).values("id", "protocol_number", "admissibility")
            ),
        }


@extend_schema(request=PublishInput, responses={200: dict}, tags=["programming workflow"])
class RankingPublishEndpoint(WorkflowEndpoint):
    """Publish the provisional or final ranking (again, with a reason, for a correction)."""

    model = Call
    input = PublishInput

    def perform(self, obj: Call, data: dict[str, Any], request: Request) -> dict[str, Any]:
        ranking = services.ranking_publish(call=obj, status=data["status"], by=request.user, reason=data["reason"])
        return {
            "id": ranking.pk,
            "version": ranking.version,
            "status": ranking.status,
            "entries": ranking.entries,
            "projects": list(obj.projects.values("id", "title", "granted_cents")),
        }


@extend_schema(request=None, responses={200: dict}, tags=["programming workflow"])
class ProposalSubmitEndpoint(WorkflowEndpoint):
    """Submit a draft proposal: it gets its protocol number."""

    model = Proposal

    def perform(self, obj: Proposal, data: dict[str, Any], request: Request) -> dict[str, Any]:
        p = services.proposal_submit(proposal=obj, by=request.user)
        return {"id": p.pk, "status": p.status, "protocol_number": p.protocol_number, "protocol": p.protocol}


@extend_schema(request=None, responses={200: dict}, tags=["programming workflow"])
class ProposalWithdrawEndpoint(WorkflowEndpoint):
    model = Proposal

    def perform(self, obj: Proposal, data: dict[str, Any], request: Request) -> dict[str, Any]:
        p = services.proposal_withdraw(proposal=obj, by=request.user)
        return {"id": p.pk, "status": p.status}


class WithdrawalInput(serializers.Serializer):
    reason = serializers.CharField()


@extend_schema(request=WithdrawalInput, responses={200: dict}, tags=["programming workflow"])
class ConflictWithdrawEndpoint(WorkflowEndpoint):
    """A coordinator of the call's network withdraws a declaration of conflict of interest, with a reason."""

    model = ConflictOfInterest
    input = WithdrawalInput

    def perform(self, obj: ConflictOfInterest, data: dict[str, Any], request: Request) -> dict[str, Any]:
        c = services.conflict_withdraw(conflict=obj, reason=data["reason"], by=request.user)
        return {"id": c.pk, "withdrawn_at": c.withdrawn_at, "withdrawal_reason": c.withdrawal_reason}


@extend_schema(request=AdmissibilityInput, responses={200: dict}, tags=["programming workflow"])
class ProposalAdmissibilityEndpoint(WorkflowEndpoint):
    model = Proposal
    input = AdmissibilityInput

    def perform(self, obj: Proposal, data: dict[str, Any], request: Request) -> dict[str, Any]:
        p = services.admissibility_set(
            proposal=obj, admissible=data["admissible"], reason=data["reason"], by=request.user
        )
        return {"id": p.pk, "admissibility": p.admissibility, "reasons": p.admissibility_reasons}


@extend_schema(request=ScoresInput, responses={200: dict}, tags=["programming workflow"])
class ProposalScoresEndpoint(WorkflowEndpoint):
    """The caller's scores for a proposal, by criterion code (all or nothing)."""

    model = Proposal
    input = ScoresInput

    def perform(self, obj: Proposal, data: dict[str, Any], request: Request) -> dict[str, Any]:
        evaluator = get_object_or_404(Evaluator, call_id=obj.call_id, user=request.user)
        criteria = {c.code: c for c in EvaluationCriterion.objects.filter(call_id=obj.call_id)}
        unknown = sorted({s["criterion"] for s in data["scores"]} - set(criteria))
        if unknown:
            from django.utils.translation import gettext as _

            raise DjangoValidationError({"scores": _("Unknown criteria: %(codes)s.") % {"codes": ", ".join(unknown)}})
        with transaction.atomic():
            for s in data["scores"]:
                services.score_set(
                    proposal=obj,
                    evaluator=evaluator,
                    criterion=criteria[s["criterion"]],
                    points=s["points"],
                    comment=s["comment"],
                    by=request.user,
                )
        return {
            "id": obj.pk,
            "scores": list(
                obj.scores.filter(evaluator=evaluator)
                .values("criterion__code", "points", "comment")
                .order_by("criterion__order")
            ),
        }


class DecisionInput(serializers.Serializer):
    approved_cents = serializers.IntegerField(min_value=0)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema(request=None, responses={200: dict}, tags=["programming workflow"])
class ExpenseReportSubmitEndpoint(WorkflowEndpoint):
    model = ExpenseReport

    def perform(self, obj: ExpenseReport, data: dict[str, Any], request: Request) -> dict[str, Any]:
        report = services.expense_report_submit(report=obj, by=request.user)
        return {"id": report.pk, "status": report.status}


@extend_schema(request=DecisionInput, responses={200: dict}, tags=["programming workflow"])
class ExpenseLineDecideEndpoint(WorkflowEndpoint):
    """Approve a claimed expense fully or partly (with a reason)."""

    model = ExpenseLine
    input = DecisionInput

    def perform(self, obj: ExpenseLine, data: dict[str, Any], request: Request) -> dict[str, Any]:
        line = services.expense_line_decide(
            line=obj, approved_cents=data["approved_cents"], reason=data["reason"], by=request.user
        )
        return {"id": line.pk, "approved_cents": line.approved_cents, "reason": line.decision_reason}


@extend_schema(request=None, responses={200: dict}, tags=["programming workflow"])
class ProjectCloseEndpoint(WorkflowEndpoint):
    """Settle the accounts: what was not approved goes back to the plan."""

    model = Project

    def perform(self, obj: Project, data: dict[str, Any], request: Request) -> dict[str, Any]:
        project = services.project_close(project=obj, by=request.user)
        return {"id": project.pk, "status": project.status, "returned_cents": project.returned_cents}


class ProposalReceiptEndpoint(APIView):
    """The PDF receipt of a submitted proposal."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): bytes}, tags=["programming workflow"])
    def get(self, request: Request, pk: int) -> HttpResponse:
        proposal = get_object_or_404(restrict(Proposal.objects.all(), request.user, "view"), pk=pk)
        if proposal.protocol_number is None:
            raise exceptions.NotFound(gettext("The proposal has not been submitted: it has no receipt yet."))
        response = HttpResponse(receipts.proposal_receipt_pdf(proposal), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="ricevuta-{proposal.protocol.replace("/", "-")}.pdf"'
        return response


class BudgetEndpoint(APIView):
    """Allocated, committed, spent and residual of a plan, a call or a project (public where the object is)."""

    permission_classes = [permissions.AllowAny]
    figures = {
        "plans": (Plan, budget.plan_figures),
        "calls": (Call, budget.call_figures),
        "projects": (Project, budget.project_figures),
    }

    @extend_schema(
        responses={200: FiguresSerializer},
        tags=["programming workflow"],
        parameters=[OpenApiParameter("level", str, OpenApiParameter.PATH, enum=["plans", "calls", "projects"])],
    )
    def get(self, request: Request, level: str, pk: int) -> Response:
        if level not in self.figures:
            raise exceptions.NotFound()  # DRF's {"detail": "..."}, as every other 404 of the API
        model, compute = self.figures[level]
        obj = get_object_or_404(restrict(model._default_manager.all(), request.user, "view"), pk=pk)
        return Response(FiguresSerializer(compute(obj)).data)  # type: ignore[operator]
