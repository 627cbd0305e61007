"""Writes of the workplace app: measures adopted, surveys from templates, opening and closing, personal
codes, answers.

Every function is keyword-only, validates (``full_clean``), runs in one transaction and changes
nothing when it raises. ``response_submit`` is the one path an answer takes, from the public page
and from the API alike: it uses up one personal code and keeps no user, no address and no time of day.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.core.permissions import can
from concilia.core.services import object_save, object_save_checked
from concilia.core.workflow import Conflict
from concilia.network.models import Organisation
from concilia.workplace.choices import CHOICE_KINDS, QuestionKind, SurveyStatus
from concilia.workplace.models import (
    MAX_CODES_PER_BATCH,
    Answer,
    CompanyMeasure,
    Invitation,
    Question,
    RespondentToken,
    Response,
    Survey,
    code_digest,
    new_respondent_code,
    normalise_code,
)

MAX_TEXT = 2000
CODES_RETENTION_DAYS = 90
"""Default of ``settings.CONCILIA_RETENTION_DAYS["workplace_codes"]``: days after a survey's closing day before its unused
codes are deleted (and its used ones can no longer be matched to the list handed out)."""
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


# --- personal codes ----------------------------------------------------------------------------


def respondent_tokens_issue(*, invitation: Invitation, count: Any, by: Any) -> list[str]:
    """Issue ``count`` new single-use personal codes for ``invitation``; return them in clear.

    This is the only time the codes are seen: only their digests are stored. Allowed to the invited
    organisation's users and the survey's managers (``by=None`` is a system load, the demo), on a
    survey that is a draft or open, at most :data:`MAX_CODES_PER_BATCH` at a time. The batch is
    recorded in the invitation's history (who, when, how many), not on the codes.
    """
    if by is not None and not can(by, "issue_codes", invitation):
        raise PermissionDenied(_("You are not allowed to issue personal links for this invitation."))
    number = _whole_number(count)
    if number is None or not 1 <= number <= MAX_CODES_PER_BATCH:
        raise ValidationError({"count": _("Enter a whole number from 1 to %(max)s.") % {"max": MAX_CODES_PER_BATCH}})
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=invitation.survey_id)
        if survey.is_template or survey.status == SurveyStatus.CLOSED:
            raise ValidationError(_("This survey is closed: no more personal links can be issued."), code="closed")
        codes: list[str] = []
        digests: set[str] = set()
        while len(codes) < number:
            code = new_respondent_code()
            digest = code_digest(normalise_code(code) or "")
            if digest not in digests:
                digests.add(digest)
                codes.append(code)
        RespondentToken.objects.bulk_create(
            [RespondentToken(invitation=invitation, digest=d, created_at=clock.now()) for d in digests]
        )
        # The batch in the invitation's history (who, when, how many); the codes name nobody.
        object_save(instance=Invitation.objects.get(pk=invitation.pk), by=by, reason=f"personal links issued: {number}")
    return codes


def _whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if isinstance(value, str) else ""
    return int(text) if text.isdecimal() and len(text) <= 6 else None


def respondent_token_for(invitation: Invitation, code: str) -> RespondentToken:
    """The unused personal code ``code`` of ``invitation``; ``ValidationError`` (code ``unknown_code`` or
    ``used_code``) otherwise. Does not lock: :func:`response_submit` uses the code up atomically."""
    normalised = normalise_code(code)
    token = (
        RespondentToken.objects.filter(invitation=invitation, digest=code_digest(normalised)).first()
        if normalised
        else None
    )
    if token is None:
        raise ValidationError(
            _("This personal link is not valid: check it, or ask who gave it to you for a new one."),
            code="unknown_code",
        )
    if token.used_on is not None:
        raise Conflict(
            _("This personal link has already been used: each personal link accepts one set of answers."),
            code="used_code",
        )
    return token


def codes_retention_days() -> int:
    return int(settings.CONCILIA_RETENTION_DAYS.get("workplace_codes", CODES_RETENTION_DAYS))


def survey_tokens_purge(*, today: dt.date) -> int:
    """Retention of the personal codes of surveys whose closing day is more than
    ``settings.CONCILIA_RETENTION_DAYS["workplace_codes"]`` (default 90) days before ``today``.

    Their unused codes are deleted (the number is returned); their used codes are kept, for the
    responses to keep counting as distinct people, but get a random digest, so that the list of codes
    handed out can no longer be matched to the responses. Responses and answers are not touched.
    Run it daily; a second run on the same day changes nothing.
    """
    cutoff = today - dt.timedelta(days=codes_retention_days())
    expired = Q(invitation__survey__closes_on__lt=cutoff) & ~Q(invitation__survey__status=SurveyStatus.DRAFT)
    with transaction.atomic():
        deleted, _by_model = RespondentToken.objects.filter(expired, used_on__isnull=True).delete()
        # A real digest is 64 hex digits; "x" and random ones match no code anybody holds.
        used = RespondentToken.objects.filter(expired, used_on__isnull=False).exclude(digest__startswith="x")
        for pk in used.values_list("pk", flat=True):
            RespondentToken.objects.filter(pk=pk).update(digest="x" + secrets.token_hex(31))
    return deleted


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


def response_submit(*, token: str, code: str, data: Mapping[str, Any], today: dt.date | None = None) -> Response:
    """Record one anonymous response through the invitation ``token`` and the personal ``code``.

    Raises ``Http404`` for an unknown invitation link; ``ValidationError`` for a closed survey (code
    ``closed``), an unknown or used personal code (``unknown_code``, ``used_code``) or invalid answers
    (by question code); nothing is saved then. The code is used up in the same transaction as the
    response is saved, by a conditional update (``… WHERE used_on IS NULL``), with the unique code of
    a response as the backstop: of two submissions with one code, one is refused. Only the day is
    kept, never who or when.
    """
    today = today or clock.today()
    invitation = invitation_for_answer(token)
    survey = invitation.survey
    if not accepts_answers(survey, today):
        raise ValidationError(_("This survey is closed: answers are no longer accepted."), code="closed")
    respondent = respondent_token_for(invitation, code)
    questions = list(survey.questions.order_by("position"))
    cleaned, errors = clean_answers(questions, data)
    if errors:
        raise ValidationError(errors)
    by_code = {q.code: q for q in questions}
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)  # closing waits for the answers being saved
        if not accepts_answers(survey, today):
            raise ValidationError(_("This survey is closed: answers are no longer accepted."), code="closed")
        used = RespondentToken.objects.filter(pk=respondent.pk, used_on__isnull=True).update(used_on=today)
        if used != 1:
            raise Conflict(
                _("This personal link has already been used: each personal link accepts one set of answers."),
                code="used_code",
            )
        response = Response.objects.create(survey=survey, invitation=invitation, token=respondent, submitted_on=today)
        rows: list[Answer] = []
        for code_, value in cleaned.items():
            q = by_code[code_]
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
