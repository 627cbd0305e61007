"""The workflow steps of the programming cycle, as pages: one base class, one small class per step.

Each step shows a form (or a confirmation) on GET and calls one function of ``services.py`` on POST.
The services check who may do what (they raise ``PermissionDenied``) and what the rules allow (they
raise ``ValidationError``, shown on the form in the user's language); nothing changes on error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from concilia.core.permissions import can, restrict
from concilia.core.workflow_views import WorkflowStep
from concilia.programming import receipts, services, workflow_forms
from concilia.programming.models import (
    Call,
    ConflictOfInterest,
    Evaluator,
    ExpenseLine,
    ExpenseReport,
    Project,
    Proposal,
    Score,
)


class CallStatusView(WorkflowStep):
    model = Call
    title = gettext_lazy("Change the status of the call")
    intro = gettext_lazy(
        "Only the next status is allowed; the change is recorded with your name, the time and the note."
    )
    button = gettext_lazy("Change status")
    form_class = workflow_forms.CallStatusForm

    def form_kwargs(self) -> dict[str, Any]:
        return {"call": self.object}

    def perform(self, form: forms.Form) -> str:
        call = services.call_transition(
            call=self.object, to=form.cleaned_data["to"], by=self.request.user, note=form.cleaned_data["note"]
        )
        return _("The call is now “%(status)s”.") % {"status": call.get_status_display()}


class AdmissibilityCheckView(WorkflowStep):
    model = Call
    title = gettext_lazy("Check admissibility")
    intro = gettext_lazy(
        "The eligibility rules of the call are applied to every submitted proposal; decisions taken by hand are kept."
    )
    button = gettext_lazy("Check the proposals")

    def perform(self, form: forms.Form) -> str:
        count = services.admissibility_check(call=self.object, by=self.request.user)
        return _("%(count)s proposals checked.") % {"count": count}


class RankingPublishView(WorkflowStep):
    model = Call
    title = gettext_lazy("Publish the ranking")
    intro = gettext_lazy(
        "The engine computes the ranking from the rules and the scores. A published ranking cannot be changed: "
        "a correction is a new version with its reason, and every version stays visible. Publishing the final "
        "ranking funds the proposals down the ranking until the budget ends, and creates their projects."
    )
    button = gettext_lazy("Publish")
    form_class = workflow_forms.RankingPublishForm

    def perform(self, form: forms.Form) -> str:
        ranking = services.ranking_publish(
            call=self.object,
            status=form.cleaned_data["status"],
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        return _("Ranking published (version %(version)s).") % {"version": ranking.version}


class ProposalSubmitView(WorkflowStep):
    model = Proposal
    title = gettext_lazy("Submit the proposal")
    intro = gettext_lazy(
        "Once submitted, the proposal gets its protocol number and can no longer be changed; "
        "it can be withdrawn until the call closes."
    )
    button = gettext_lazy("Submit")

    def perform(self, form: forms.Form) -> str:
        proposal = services.proposal_submit(proposal=self.object, by=self.request.user)
        return _("Proposal submitted: protocol %(protocol)s. The receipt can be downloaded from its page.") % {
            "protocol": proposal.protocol
        }


class ProposalWithdrawView(WorkflowStep):
    model = Proposal
    title = gettext_lazy("Withdraw the proposal")
    intro = gettext_lazy("A withdrawn proposal keeps its protocol number and is not evaluated.")
    button = gettext_lazy("Withdraw")

    def perform(self, form: forms.Form) -> str:
        services.proposal_withdraw(proposal=self.object, by=self.request.user)
        return _("Proposal withdrawn.")


class ProposalAdmissibilityView(WorkflowStep):
    model = Proposal
    title = gettext_lazy("Decide admissibility")
    button = gettext_lazy("Record the decision")
    form_class = workflow_forms.AdmissibilityForm

    def perform(self, form: forms.Form) -> str:
        services.admissibility_set(
            proposal=self.object,
            admissible=form.cleaned_data["admissible"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return _("Decision recorded.")


class ProposalScoreView(WorkflowStep):
    """The evaluator's grid for one proposal: points and a comment per criterion."""

    model = Proposal
    title = gettext_lazy("Score the proposal")
    intro = gettext_lazy("Give each criterion its points; you can change them until the ranking is published.")
    button = gettext_lazy("Save the scores")
    form_class = workflow_forms.ScoreForm  # type: ignore[assignment]

    def load(self, request: HttpRequest, pk: int) -> None:
        super().load(request, pk)
        # Only the call's evaluators have a grid to fill.
        self.evaluator = get_object_or_404(Evaluator, call_id=self.object.call_id, user=request.user)

    def form_kwargs(self) -> dict[str, Any]:
        criteria = list(self.object.call.criteria.order_by("order", "code"))
        scores = {s.criterion_id: s for s in Score.objects.filter(proposal=self.object, evaluator=self.evaluator)}
        return {"criteria": criteria, "scores": scores}

    def perform(self, form: forms.Form) -> str:
        from django.db import transaction

        with transaction.atomic():
            for c in form.criteria:  # type: ignore[attr-defined]
                services.score_set(
                    proposal=self.object,
                    evaluator=self.evaluator,
                    criterion=c,
                    points=form.cleaned_data[f"points_{c.pk}"],
                    comment=form.cleaned_data[f"comment_{c.pk}"],
                    by=self.request.user,
                )
        return _("Scores saved.")


class ProposalReceiptView(LoginRequiredMixin, View):
    """The PDF receipt of a submitted proposal (whoever may see the proposal)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        proposal = get_object_or_404(restrict(Proposal.objects.all(), request.user, "view"), pk=pk)
        if proposal.protocol_number is None:
            messages.error(request, _("The proposal has not been submitted: it has no receipt yet."))
            return HttpResponseRedirect(str(proposal.get_absolute_url()))
        response = HttpResponse(receipts.proposal_receipt_pdf(proposal), content_type="application/pdf")
        name = proposal.protocol.replace("/", "-")
        response["Content-Disposition"] = f'attachment; filename="ricevuta-{name}.pdf"'
        return response


class ExpenseReportSubmitView(WorkflowStep):
    model = ExpenseReport
    title = gettext_lazy("Submit the expense report")
    intro = gettext_lazy(
        "Once submitted, the report is examined by the network's coordinators and can no longer be changed."
    )
    button = gettext_lazy("Submit")

    def perform(self, form: forms.Form) -> str:
        services.expense_report_submit(report=self.object, by=self.request.user)
        return _("Expense report submitted.")


class ExpenseLineDecideView(WorkflowStep):
    model = ExpenseLine
    title = gettext_lazy("Approve the expense")
    intro = gettext_lazy("Approve the whole amount claimed, or part of it with a reason; never more than the grant.")
    button = gettext_lazy("Record the decision")
    form_class = workflow_forms.ExpenseDecisionForm

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = self.form_class(initial={"approved": self.object.amount_cents / 100})
        return render(request, self.template_name, self.context(form))

    def perform(self, form: forms.Form) -> str:
        cents = int((form.cleaned_data["approved"] * 100).to_integral_value())
        services.expense_line_decide(
            line=self.object, approved_cents=cents, reason=form.cleaned_data["reason"], by=self.request.user
        )
        return _("Decision recorded.")


class ProjectCloseView(WorkflowStep):
    model = Project
    title = gettext_lazy("Close the project's accounts")
    intro = gettext_lazy("What was granted and not approved in the expense reports goes back to the plan.")
    button = gettext_lazy("Close the accounts")

    def perform(self, form: forms.Form) -> str:
        project = services.project_close(project=self.object, by=self.request.user)
        return _("Accounts closed: %(amount)s back to the plan.") % {"amount": receipts.euro(project.returned_cents)}


class CallRulesPreviewView(WorkflowStep):
    """The call's rules run by the engine on sample applications typed by the coordinator (nothing saved)."""

    model = Call
    title = gettext_lazy("Try the rules")
    intro = gettext_lazy(
        "Paste a few sample proposals: the engine ranks them with the call's rules and budget, as it will on the real ones."
    )
    button = gettext_lazy("Rank the samples")
    form_class = workflow_forms.RulesPreviewForm
    template_name = "workflow/rules_preview.html"

    def load(self, request: HttpRequest, pk: int) -> None:
        super().load(request, pk)
        if not can(request.user, "keep", self.object):
            raise PermissionDenied(_("Only the coordinators of the call's network may do this."))

    family_intro = gettext_lazy(
        "Paste a few sample applications: the engine ranks them with the call's rules, terms and budget (or "
        "offers), as it will on the real ones. A family's children are written as “birth_date;disability;"
        "applying;weeks” each, separated by “|”; the preferences are the offers' numbers, separated by “|”."
    )

    def context(self, form: forms.Form) -> dict[str, Any]:
        ctx = super().context(form)
        if self.object.is_family:
            ctx["intro"] = self.family_intro
        return ctx

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        from concilia.programming.choices import CallKind
        from concilia.programming.rules import fields_of

        call = self.object
        standard = ["id", "submitted_at"]
        if call.kind == CallKind.FAMILY_PLACES:
            standard += ["preferences", "group"]
        elif not call.is_family:
            standard.append("requested_cents")  # a voucher's amount comes from the call's terms
        header = [*standard, *fields_of(call)]
        return render(
            request, self.template_name, self.context(self.form_class(initial={"applications": ",".join(header)}))
        )

    redirect_on_success = False

    def perform(self, form: forms.Form) -> str:
        import tempfile
        from pathlib import Path

        from concilia.allocation import engine, explain
        from concilia.allocation.io import InputError, read_applications
        from concilia.programming.rules import engine_call, engine_offers

        services.family_call_check(self.object)  # a voucher's amount comes from the terms, places from the offers
        compiled = engine_call(self.object)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "samples.csv"
            path.write_text(form.cleaned_data["applications"].strip() + "\n", encoding="utf-8")
            try:
                applications = read_applications(path, compiled)
            except InputError as exc:
                raise ValidationError([str(m) for m in exc.errors]) from exc
        offers = engine_offers(self.object)
        result = engine.rank(compiled, applications, offers)
        header, *records = explain.explanation_records(compiled, result, applications, offers)
        lang = "it" if (translation.get_language() or "it").startswith("it") else "en"
        why = {r["id"]: explain.record_text(r, header)[lang] for r in records}
        self.result_context = {"rows": [{**row, "why": why[row["id"]]} for row in explain.ranking_rows(result)]}
        return ""


class ConflictWithdrawView(WorkflowStep):
    model = ConflictOfInterest
    title = gettext_lazy("Withdraw the declaration of conflict of interest")
    intro = gettext_lazy(
        "Only a coordinator of the call's network withdraws a declaration. It stays in the register, "
        "withdrawn, with your reason; the evaluator may then score the organisation's proposals."
    )
    button = gettext_lazy("Withdraw")
    form_class = workflow_forms.WithdrawalForm

    def perform(self, form: forms.Form) -> str:
        services.conflict_withdraw(conflict=self.object, reason=form.cleaned_data["reason"], by=self.request.user)
        return _("Declaration withdrawn.")

    def success_url(self) -> str:
        return reverse("programming:conflictofinterest_detail", args=[self.object.pk])
