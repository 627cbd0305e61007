"""Writes of the workplace app: measures adopted, surveys from templates, opening and closing, answers.

Every function is keyword-only, validates (``full_clean``), runs in one transaction and changes
nothing when it raises. ``response_submit`` is the one path an answer takes, from the public page
and from the API alike: it keeps no user, no address and no time of day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.core.permissions import can
from concilia.core.services import object_save, object_save_checked
from concilia.network.models import Organisation
from concilia.workplace.choices import CHOICE_KINDS, QuestionKind, SurveyStatus
from concilia.workplace.models import Answer, CompanyMeasure, Invitation, Question, Response, Survey

MAX_TEXT = 2000
QUESTION_FIELDS = (
    "position", "code", "text", "help", "kind", "required", "options", "scale_min", "scale_max",
    "scale_min_label", "scale_max_label", "number_min", "number_max", "condition_operator", "condition_value",
)  # fmt: skip


def company_measure_record(*, by: Any, **fields: Any) -> CompanyMeasure:
    """Record a measure adopted by an organisation (the user must be allowed to change it afterwards)."""
    return object_save_checked(instance=CompanyMeasure(**fields), by=by)


# --- surveys -----------------------------------------------------------------------------------


def survey_from_template(
    *, template: Survey, owner: Organisation, by: Any, title: str = "", network: Any = None, alliance: Any = None
) -> Survey:
    """A new draft survey of ``owner`` with a copy of the template's questions and conditions.

    ``by=None`` is a system load (the demo): no permission check.
    """
    if not template.is_template:
        raise ValidationError(_("Only a template can be copied."))
    with transaction.atomic():
        save = object_save_checked if by is not None else object_save
        survey = save(
            instance=Survey(
                title=title or template.title,
                intro=template.intro,
                owner=owner,
                network=network,
                alliance=alliance,
                derived_from=template,
            ),
            by=by,
        )
        copies: dict[int, Question] = {}
        for question in template.questions.order_by("position"):
            copy = Question(survey=survey, **{f: getattr(question, f) for f in QUESTION_FIELDS})
            if question.condition_question_id:
                copy.condition_question = copies[question.condition_question_id]
            copies[question.pk] = object_save(instance=copy, by=by)
    return survey


def _manage(survey: Survey, by: Any) -> None:
    if not can(by, "manage", survey):
        raise PermissionDenied(_("Only the owner of the survey and the coordinators of its network may do this."))


def survey_open(*, survey: Survey, by: Any, today: dt.date | None = None) -> Survey:
    """Open a draft survey for answers (it needs at least one question)."""
    _manage(survey, by)
    today = today or clock.today()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.is_template:
            raise ValidationError(_("A template is never opened: create a survey from it."))
        if survey.status != SurveyStatus.DRAFT:
            raise ValidationError(_("Only a draft survey can be opened."))
        if not survey.questions.exists():
            raise ValidationError(_("Add at least one question before opening the survey."))
        if survey.closes_on and survey.closes_on < today:
            raise ValidationError(_("The closing day has passed: change it before opening the survey."))
        survey.status = SurveyStatus.OPEN
        survey.opens_on = survey.opens_on or today
        object_save(instance=survey, by=by, reason="open")
    return survey


def survey_close(*, survey: Survey, by: Any, today: dt.date | None = None) -> Survey:
    """Close an open survey: no more answers are accepted."""
    _manage(survey, by)
    today = today or clock.today()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        if survey.status != SurveyStatus.OPEN:
            raise ValidationError(_("Only an open survey can be closed."))
        survey.status = SurveyStatus.CLOSED
        if not survey.closes_on or survey.closes_on > today:
            survey.closes_on = today
        if survey.opens_on and survey.closes_on < survey.opens_on:
            survey.opens_on = survey.closes_on
        object_save(instance=survey, by=by, reason="close")
    return survey


def invitation_create(*, survey: Survey, organisation: Organisation, by: Any) -> Invitation:
    """The link through which ``organisation``'s workers answer ``survey``."""
    _manage(survey, by)
    invitation = Invitation(survey=survey, organisation=organisation)
    if getattr(by, "is_authenticated", False):
        invitation.created_by = by
    return object_save(instance=invitation, by=by)


# --- answers -----------------------------------------------------------------------------------


def invitation_for_answer(token: str) -> Invitation:
    """The invitation of ``token`` if its survey accepts answers; 404 otherwise (nothing is revealed)."""
    invitation = (
        Invitation.objects.select_related("survey", "organisation")
        .filter(token=token, survey__is_template=False)
        .exclude(survey__status=SurveyStatus.DRAFT)
        .first()
    )
    if invitation is None:
        raise Http404(_("This link is not valid."))
    return invitation


def accepts_answers(survey: Survey, today: dt.date) -> bool:
    return (
        survey.status == SurveyStatus.OPEN
        and (survey.opens_on is None or survey.opens_on <= today)
        and (survey.closes_on is None or survey.closes_on >= today)
    )


def _raw(data: Mapping[str, Any], code: str, multiple: bool) -> Any:
    getlist = getattr(data, "getlist", None)
    if multiple:
        if getlist is not None:
            return [v for v in getlist(code) if str(v).strip()]
        value = data.get(code)
        if value in (None, ""):
            return []
        return [str(v) for v in (value if isinstance(value, list | tuple) else [value]) if str(v).strip()]
    value = data.get(code)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return None if value is None else str(value).strip()


def clean_answers(questions: list[Question], data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The cleaned answers of the shown questions by code, and the errors by code.

    A question whose condition is not met is hidden: its answer, if any, is dropped.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    by_pk = {q.pk: q for q in questions}
    for q in questions:
        if q.condition_question_id is not None:
            target = by_pk.get(q.condition_question_id)
            if target is None or not q.condition_met(cleaned.get(target.code)):
                continue
        raw = _raw(data, q.code, q.kind == QuestionKind.MULTIPLE)
        empty = raw in (None, "", [])
        if empty:
            if q.required:
                errors[q.code] = [_("This question needs an answer.")]
            continue
        if q.kind in CHOICE_KINDS:
            codes = {c for c, _label in q.choices}
            values = raw if isinstance(raw, list) else [raw]
            if any(v not in codes for v in values):
                errors[q.code] = [_("Choose one of the options shown.")]
                continue
            cleaned[q.code] = sorted(set(values)) if q.kind == QuestionKind.MULTIPLE else values[0]
        elif q.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
            try:
                number = int(str(raw).strip())
            except ValueError:
                errors[q.code] = [_("Enter a whole number.")]
                continue
            low, high = (q.scale_min, q.scale_max) if q.kind == QuestionKind.SCALE else (q.number_min, q.number_max)
            if (low is not None and number < low) or (high is not None and number > high):
                if low is not None and high is not None:
                    msg = _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
                elif low is not None:
                    msg = _("Enter a number of at least %(low)s.") % {"low": low}
                else:
                    msg = _("Enter a number of at most %(high)s.") % {"high": high}
                errors[q.code] = [msg]
                continue
            cleaned[q.code] = number
        else:
            text = str(raw)
            if len(text) > MAX_TEXT:
                errors[q.code] = [_("At most %(n)s characters.") % {"n": MAX_TEXT}]
                continue
            cleaned[q.code] = text
    return cleaned, errors


def response_submit(*, token: str, data: Mapping[str, Any], today: dt.date | None = None) -> Response:
    """Record one anonymous response through the invitation ``token``.

    Raises ``Http404`` for an unknown link, ``ValidationError`` (by question code) for a closed
    survey or invalid answers; nothing is saved then. Only the day is kept, never who or when.
    """
    today = today or clock.today()
    invitation = invitation_for_answer(token)
    survey = invitation.survey
    if not accepts_answers(survey, today):
        raise ValidationError(_("This survey is closed: answers are no longer accepted."))
    questions = list(survey.questions.order_by("position"))
    cleaned, errors = clean_answers(questions, data)
    if errors:
        raise ValidationError(errors)
    by_code = {q.code: q for q in questions}
    with transaction.atomic():
        response = Response.objects.create(survey=survey, invitation=invitation, submitted_on=today)
        rows: list[Answer] = []
        for code, value in cleaned.items():
            q = by_code[code]
            if q.kind == QuestionKind.MULTIPLE:
                rows += [Answer(response=response, question=q, choice=v) for v in value]
            elif q.kind == QuestionKind.SINGLE:
                rows.append(Answer(response=response, question=q, choice=value))
            elif q.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
                rows.append(Answer(response=response, question=q, number=value))
            else:
                rows.append(Answer(response=response, question=q, text=value))
        Answer.objects.bulk_create(rows)
    return response
