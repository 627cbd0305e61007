"""The workplace registers, each declared once: measures, adopted measures, surveys, questions, invitations.

Responses and answers have no register: nobody lists them; the results pages show aggregates.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concilia.core.permissions import can, restrict
from concilia.core.registry import MENU, Register, Related, register
from concilia.workplace import filtersets, forms, models, selectors, tables
from concilia.workplace.api import serializers
from concilia.workplace.choices import SurveyStatus


def _add(view: str, parent: str) -> Any:
    return lambda obj: reverse(f"workplace:{view}_add") + f"?{parent}={obj.pk}"


measures = register(
    Register(
        model=models.Measure,
        slug="catalogo-misure",
        filterset=filtersets.MeasureFilterSet,
        table=tables.MeasureTable,
        serializer=serializers.MeasureSerializer,
        form=forms.MeasureForm,
        menu=False,
        related=(
            Related(
                _("Organisations adopting it"),
                lambda m: m.adoptions.select_related("organisation", "measure", "project"),
                tables.CompanyMeasureTable,
            ),
        ),
    )
)

company_measures = register(
    Register(
        model=models.CompanyMeasure,
        slug="misure-adottate",
        filterset=filtersets.CompanyMeasureFilterSet,
        table=tables.CompanyMeasureTable,
        serializer=serializers.CompanyMeasureSerializer,
        form=forms.CompanyMeasureForm,
        select_related=("organisation", "measure", "project"),
        menu=False,
        api_slug="company-measures",
    )
)


def _survey_context(obj: models.Survey, request: HttpRequest) -> dict[str, Any]:
    user = request.user
    manage = can(user, "manage", obj)
    steps: list[tuple[Any, str]] = []
    if obj.is_template and can(user, "add", models.Survey):
        steps.append(
            (_("Create a survey from this template"), reverse("workplace:survey_from_template", args=[obj.pk]))
        )
    if manage and obj.status == SurveyStatus.DRAFT:
        steps.append((_("Open for answers"), reverse("workplace:survey_open", args=[obj.pk])))
    if manage and obj.status == SurveyStatus.OPEN:
        steps.append((_("Close"), reverse("workplace:survey_close", args=[obj.pk])))
    scopes = selectors.result_scopes(user, obj)
    results_url = reverse("workplace:survey_results", args=[obj.pk])
    return {
        "manage": manage,
        "steps": steps,
        "preview_url": reverse("workplace:survey_preview", args=[obj.pk]),
        "result_links": [
            {
                "label": s.label,
                "url": results_url + ("?" + "&".join(f"{k}={v}" for k, v in s.query.items()) if s.query else ""),
            }
            for s in scopes
        ],
        "invitations": [
            {"invitation": inv, "link": request.build_absolute_uri(reverse("workplace:answer", args=[inv.token]))}
            for inv in selectors.invitations_of(user, obj)
        ],
        "response_count": selectors.response_count(survey=obj) if manage else None,
        "invitation_add_url": _add("invitation", "survey")(obj) if manage and not obj.is_template else None,
    }


surveys = register(
    Register(
        model=models.Survey,
        slug="questionari",
        filterset=filtersets.SurveyFilterSet,
        table=tables.SurveyTable,
        serializer=serializers.SurveySerializer,
        form=forms.SurveyForm,
        select_related=("owner", "network", "alliance", "derived_from"),
        detail_template="workplace/survey_detail.html",
        context=_survey_context,
        detail_fields=["owner", "status", "opens_on", "closes_on", "network", "alliance", "derived_from", "intro"],
        related=(
            Related(
                _("Questions"),
                lambda s: s.questions.select_related("condition_question", "survey"),
                tables.QuestionTable,
                _add("question", "survey"),
            ),
        ),
    )
)

questions = register(
    Register(
        model=models.Question,
        slug="domande",
        filterset=filtersets.QuestionFilterSet,
        table=tables.QuestionTable,
        serializer=serializers.QuestionSerializer,
        form=forms.QuestionForm,
        select_related=("survey", "condition_question"),
        menu=False,
    )
)


def _invitation_context(obj: models.Invitation, request: HttpRequest) -> dict[str, Any]:
    link = request.build_absolute_uri(reverse("workplace:answer", args=[obj.token]))
    user = request.user
    scope = selectors.Scope("organisation", obj.organisation)
    may_results = selectors.may_see_results(user, obj.survey, scope)
    closed = obj.survey.status == SurveyStatus.CLOSED
    return {
        "answer_link": link,
        "codes": selectors.codes_summary(obj),
        "codes_url": reverse("workplace:invitation_codes", args=[obj.pk])
        if not closed and can(user, "issue_codes", obj)
        else None,
        "responses": selectors.response_count(invitation=obj),
        "min_responses": selectors.MIN_RESPONSES,
        "results_url": reverse("workplace:survey_results", args=[obj.survey_id])
        + f"?organisation={obj.organisation_id}"
        if may_results
        else None,
    }


invitations = register(
    Register(
        model=models.Invitation,
        slug="inviti",
        filterset=filtersets.InvitationFilterSet,
        table=tables.InvitationTable,
        serializer=serializers.InvitationSerializer,
        form=forms.InvitationForm,
        select_related=("survey", "organisation"),
        detail_template="workplace/invitation_detail.html",
        context=_invitation_context,
        detail_fields=["survey", "organisation", "created_by", "created_at"],
        menu=False,
    )
)


def visible_invitations(user: Any) -> Any:
    return restrict(models.Invitation.objects.all(), user, "view")


MENU.extend(
    [
        (_("Work–life measures"), "workplace:measures", 50),
        (_("Surveys"), "workplace:survey_list", 51),
    ]
)
