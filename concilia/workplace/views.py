"""Pages of the workplace app beside its registers: the measures page, the survey steps, the public
answering page, the preview and the results (with CSV/XLSX export). They call the services and the
selectors and stay thin."""

from __future__ import annotations

from typing import Any

import tablib
from django import forms as django_forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from concilia.core import clock
from concilia.core.exports import dataset_response
from concilia.core.permissions import can, restrict, scope_of
from concilia.core.workflow_views import ConfirmForm, WorkflowStep
from concilia.network.models import Network
from concilia.workplace import forms, selectors, services
from concilia.workplace.choices import QuestionKind
from concilia.workplace.models import Invitation, Question, Survey, format_code, normalise_code
from concilia.workplace.permissions import network_organisations


class MeasuresView(View):
    """The public catalogue: each measure with how many organisations adopt it, and adoptions by network."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "workplace/measures.html",
            {"catalogue": selectors.measure_catalogue(), "by_network": selectors.public_measures_by_network()},
        )


# --- survey steps ------------------------------------------------------------------------------


class SurveyFromTemplateView(WorkflowStep):
    model = Survey
    title = gettext_lazy("Create a survey from the template")
    intro = gettext_lazy(
        "A new draft survey of your organisation is created with the template's questions and conditions. "
        "You can change them before opening it."
    )
    button = gettext_lazy("Create the survey")
    form_class = forms.FromTemplateForm

    def load(self, request: HttpRequest, pk: int) -> None:
        self.object = get_object_or_404(restrict(Survey.objects.filter(is_template=True), request.user, "view"), pk=pk)

    def form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "template": self.object}

    def perform(self, form: django_forms.Form) -> str:
        owner = form.cleaned_data["owner"]
        # A coordinator running a survey for one of its networks' organisations keeps it in that network.
        network = next(
            (n for n in sorted(scope_of(self.request.user).coordinated_network_ids)
             if owner.pk in network_organisations({n})),
            None,
        )  # fmt: skip
        try:
            self.created = services.survey_from_template(
                template=self.object, owner=owner, title=form.cleaned_data["title"], by=self.request.user,
                network=Network.objects.get(pk=network) if network else None,
            )  # fmt: skip
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc
        return _("Survey created: add the invitations, then open it.")

    def success_url(self) -> str:
        return str(self.created.get_absolute_url())


class ManageStep(WorkflowStep):
    """A step only the survey's managers are offered (others who see the survey get 403)."""

    def load(self, request: HttpRequest, pk: int) -> None:
        super().load(request, pk)
        if not can(request.user, "manage", self.object):
            raise PermissionDenied(_("Only the owner of the survey and the coordinators of its network may do this."))


class SurveyOpenView(ManageStep):
    model = Survey
    title = gettext_lazy("Open the survey")
    intro = gettext_lazy(
        "From now on the invited organisations' links accept answers. Questions can no longer be changed."
    )
    button = gettext_lazy("Open")
    form_class = ConfirmForm

    def perform(self, form: django_forms.Form) -> str:
        services.survey_open(survey=self.object, by=self.request.user)
        return _("The survey is open.")


class SurveyCloseView(ManageStep):
    model = Survey
    title = gettext_lazy("Close the survey")
    intro = gettext_lazy("The links stop accepting answers; the results stay available.")
    button = gettext_lazy("Close")
    form_class = ConfirmForm

    def perform(self, form: django_forms.Form) -> str:
        services.survey_close(survey=self.object, by=self.request.user)
        return _("The survey is closed.")


# --- answering ---------------------------------------------------------------------------------


def questionnaire(questions: list[Question], values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """What the template needs to draw each question, with its condition for the live script."""
    values = values or {}
    by_pk = {q.pk: q for q in questions}
    out = []
    for q in questions:
        value = values.get(q.code)
        given = value if isinstance(value, list) else ([] if value in (None, "") else [str(value)])
        condition = None
        if q.condition_question_id and q.condition_question_id in by_pk:
            condition = {
                "code": by_pk[q.condition_question_id].code,
                "operator": q.condition_operator,
                "value": q.condition_value,
            }
        scale = []
        if q.kind == QuestionKind.SCALE and q.scale_min is not None and q.scale_max is not None:
            scale = [(str(v), selectors._scale_label(q, v)) for v in range(q.scale_min, q.scale_max + 1)]
        out.append(
            {
                "q": q,
                "choices": q.choices if q.choices else scale,
                "given": given,
                "value": value,
                "condition": condition,
            }
        )
    return out


@method_decorator(never_cache, name="dispatch")
class AnswerView(View):
    """The public page of an organisation's invitation link: it asks for the personal code.

    The link itself accepts no answers: each answer needs a personal code, used up by it. A worker
    who has the code on paper types it here and goes on to the personal link's questionnaire.
    """

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return code_page(request, services.invitation_for_answer(token))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = services.invitation_for_answer(token)
        if not services.accepts_answers(invitation.survey, clock.today()):
            return code_page(request, invitation, status=400)
        code = request.POST.get("code", "")
        if not code.strip():
            error = _("Answers are accepted only through a personal link: enter the personal code you received.")
            return code_page(request, invitation, error=error, status=400)
        try:
            services.respondent_token_for(invitation, code)
        except ValidationError as exc:
            return code_page(request, invitation, error=" ".join(exc.messages), status=400)
        url = reverse("workplace:answer_personal", args=[token, format_code(normalise_code(code) or "")])
        return HttpResponseRedirect(url, status=303)


def code_page(request: HttpRequest, invitation: Invitation, *, error: str = "", status: int = 200) -> HttpResponse:
    ctx = {
        "survey": invitation.survey,
        "invitation": invitation,
        "open": services.accepts_answers(invitation.survey, clock.today()),
        "code_error": error,
    }
    return render(request, "workplace/answer_code.html", ctx, status=status)


@method_decorator(never_cache, name="dispatch")
class PersonalAnswerView(View):
    """The questionnaire through a personal link: no login, phone-friendly, conditions applied live, one answer."""

    template_name = "workplace/answer.html"

    def render_page(self, request: HttpRequest, invitation: Invitation, **extra: Any) -> HttpResponse:
        survey = invitation.survey
        questions = list(survey.questions.order_by("position"))
        today = clock.today()
        ctx = {
            "survey": survey,
            "invitation": invitation,
            "open": services.accepts_answers(survey, today),
            "items": questionnaire(questions, extra.pop("values", None)),
            "errors": extra.pop("errors", {}),
            **extra,
        }
        status = 400 if ctx["errors"] or ctx.get("general_error") else 200
        return render(request, self.template_name, ctx, status=status)

    def get(self, request: HttpRequest, token: str, code: str) -> HttpResponse:
        invitation = services.invitation_for_answer(token)
        if not services.accepts_answers(invitation.survey, clock.today()):
            return self.render_page(request, invitation)
        try:
            services.respondent_token_for(invitation, code)
        except ValidationError as exc:
            status = 410 if exc.code == "used_code" else 404
            return code_page(request, invitation, error=" ".join(exc.messages), status=status)
        return self.render_page(request, invitation)

    def post(self, request: HttpRequest, token: str, code: str) -> HttpResponse:
        invitation = services.invitation_for_answer(token)
        try:
            services.response_submit(token=token, code=code, data=request.POST)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict") and exc.code in ("unknown_code", "used_code"):
                return code_page(request, invitation, error=" ".join(exc.messages), status=400)
            values = {
                k: (request.POST.getlist(k) if len(request.POST.getlist(k)) > 1 else request.POST.get(k))
                for k in request.POST
            }
            if hasattr(exc, "error_dict"):
                errors = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
                return self.render_page(request, invitation, errors=errors, values=values)
            return self.render_page(request, invitation, general_error=" ".join(exc.messages), values=values)
        return HttpResponseRedirect(reverse("workplace:answer_thanks", args=[token]))


class ThanksView(View):
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = services.invitation_for_answer(token)
        return render(request, "workplace/thanks.html", {"survey": invitation.survey})


class InvitationCodesView(WorkflowStep):
    """Issue a batch of personal links of an invitation and download them (CSV or XLSX), one per row."""

    model = Invitation
    title = gettext_lazy("Generate personal links")
    intro = gettext_lazy(
        "Each personal link accepts one set of answers, so that nobody can answer twice or on behalf of "
        "others. Hand one link to each worker (by e-mail, or printed: the page of the invitation link asks "
        "for the code). The links are shown only in the file downloaded now: keep it. You can generate "
        "more at any time; those already generated stay valid."
    )
    button = gettext_lazy("Generate and download")
    form_class = forms.PersonalLinksForm

    def load(self, request: HttpRequest, pk: int) -> None:
        super().load(request, pk)
        if not can(request.user, "issue_codes", self.object):
            raise PermissionDenied(_("You are not allowed to issue personal links for this invitation."))

    download: HttpResponse | None = None

    def perform(self, form: django_forms.Form) -> str:
        try:
            codes = services.respondent_tokens_issue(
                invitation=self.object, count=form.cleaned_data["count"], by=self.request.user
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc
        self.download = personal_links_download(self.request, self.object, codes, form.cleaned_data["format"])
        return _("Personal links generated: %(n)s.") % {"n": len(codes)}

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.download = None
        response = super().post(request, pk)
        return self.download if self.download is not None and response.status_code == 302 else response


def personal_links_download(request: HttpRequest, invitation: Invitation, codes: list[str], fmt: str) -> HttpResponse:
    """The file of a batch of personal links (for the page and the API alike)."""
    data = selectors.personal_links_table(invitation, codes, request.build_absolute_uri)
    stamp = clock.today().isoformat()
    name = f"link-personali-questionario-{invitation.survey_id}-{invitation.organisation_id}-{stamp}.{fmt}"
    response = dataset_response(data, fmt, name)
    response["Cache-Control"] = "no-store"
    return response


class SurveyPreviewView(View):
    """The questionnaire as respondents will see it, for who may see the survey; nothing is recorded."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        survey = get_object_or_404(restrict(Survey.objects.all(), request.user, "view"), pk=pk)
        questions = list(survey.questions.order_by("position"))
        return render(
            request,
            "workplace/answer.html",
            {"survey": survey, "preview": True, "open": True, "items": questionnaire(questions), "errors": {}},
        )


# --- results -----------------------------------------------------------------------------------


class SurveyResultsView(View):
    """Charts and tables of one scope of a survey; ``?_export=csv|xlsx`` downloads the same figures."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        survey = get_object_or_404(restrict(Survey.objects.all(), request.user, "view"), pk=pk)
        scope = selectors.scope_from(request.GET)
        if not selectors.may_see_results(request.user, survey, scope):
            raise PermissionDenied(_("You are not allowed to see these results."))
        chosen = request.GET.get("filter", "")
        fq, _sep, fv = chosen.partition(":")
        results = selectors.survey_results(survey=survey, scope=scope, filter_question=fq, filter_value=fv)
        export = request.GET.get("_export")
        if export in ("csv", "xlsx"):
            return export_results(results, export)
        if export:
            raise Http404
        query = request.GET.copy()
        query.pop("_export", None)
        filter_options = [
            (f"{q.code}:{code}", f"{q.text} – {label}")
            for q in survey.questions.order_by("position")
            if q.kind in ("single", "multiple")
            for code, label in q.choices
        ]
        return render(
            request,
            "workplace/results.html",
            {
                "survey": survey,
                "results": results,
                "scopes": selectors.result_scopes(request.user, survey),
                "exports": [(fmt.upper(), "?" + _with(query, _export=fmt)) for fmt in ("csv", "xlsx")],
                "filter_options": filter_options,
                "chosen_filter": chosen,
                "scope_query": scope.query,
                "min_responses": selectors.MIN_RESPONSES,
            },
        )


def _with(query: Any, **extra: str) -> str:
    q = query.copy()
    for k, v in extra.items():
        q[k] = v
    return str(q.urlencode())


def export_results(results: selectors.Results, fmt: str) -> HttpResponse:
    headers, rows = selectors.results_table(results)
    data = tablib.Dataset(*rows, headers=headers, title=_("Results")[:31])
    stamp = clock.today().isoformat()
    name = f"risultati-questionario-{results.survey.pk}-{stamp}.{fmt}"
    return dataset_response(data, fmt, name)  # free text of anonymous respondents: never a formula
