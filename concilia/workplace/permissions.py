"""Who may see and change what among work–life measures and surveys.

- the catalogue of measures is public; only the platform administrator changes it;
- an organisation's measures are recorded and changed by its company HR (or, for a municipality or
  a consortium recording its own employees' measures, by its alliance lead users); the public sees
  only those marked public; the coordinators of a network see the measures of its organisations
  (members and partners of its alliances), the lead of an alliance those of its partners;
- a survey is managed (built, opened, closed, invitations, every result) by the users of its owner
  organisation (company HR, alliance lead) and by the coordinators of its network; the company HR of
  an invited organisation sees the survey and its own invitation link; an alliance lead sees the
  surveys that invited its partners; templates are seen by every signed-in user with a role;
- the personal codes of an invitation (one answer each) are issued by the users of the invited
  organisation (its company HR, or its alliance lead users) and by the survey's managers; nobody
  lists them: each code is shown once, in the list downloaded when it is issued;
- responses are never listed: results are aggregates, by :mod:`concilia.workplace.selectors`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from concilia.accounts.choices import Role
from concilia.core.permissions import EVERYTHING, NOTHING, Policy, register, scope_of
from concilia.network.models import Alliance, Membership, Partnership
from concilia.workplace import models
from concilia.workplace.choices import SurveyStatus

ACTING_ROLES = (Role.COMPANY_HR, Role.ALLIANCE_LEAD)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def own_organisations(user: Any) -> set[int]:
    """Organisations the user acts for as company HR or alliance lead."""
    return scope_of(user).organisation_ids(*ACTING_ROLES)


def network_organisations(network_ids: set[int] | list[int]) -> set[int]:
    """Ids of the organisations of these networks: current members, and leads and partners of their alliances."""
    if not network_ids:
        return set()
    ids = set(
        Membership.objects.filter(network__in=network_ids, left_on__isnull=True).values_list("organisation", flat=True)
    )
    ids |= set(
        Partnership.objects.filter(alliance__network__in=network_ids, left_on__isnull=True).values_list(
            "organisation", flat=True
        )
    )
    ids |= set(Alliance.objects.filter(network__in=network_ids).values_list("lead", flat=True))
    return ids


def alliance_organisations(alliance_ids: set[int] | list[int]) -> set[int]:
    """Ids of the organisations of these alliances: the lead and the current partners."""
    if not alliance_ids:
        return set()
    ids = set(
        Partnership.objects.filter(alliance__in=alliance_ids, left_on__isnull=True).values_list(
            "organisation", flat=True
        )
    )
    return ids | set(Alliance.objects.filter(pk__in=alliance_ids).values_list("lead", flat=True))


def led_alliances(user: Any) -> set[int]:
    """Alliances whose lead organisation the user acts for."""
    leads = scope_of(user).lead_organisation_ids
    if not leads:
        return set()
    return set(Alliance.objects.filter(lead__in=leads).values_list("pk", flat=True))


# --- measures ----------------------------------------------------------------------------------


def _records_measures(user: Any) -> bool:
    return bool(own_organisations(user))


def company_measure_view(user: Any) -> Q:
    q = Q(is_public=True)
    if not _signed_in(user):
        return q
    s = scope_of(user)
    q |= Q(organisation__in=own_organisations(user))
    if s.coordinated_network_ids:
        q |= Q(organisation__in=(network_organisations(s.coordinated_network_ids)))
    led = led_alliances(user)
    if led:
        q |= Q(organisation__in=(alliance_organisations(led)))
    return q


def company_measure_change(user: Any) -> Q:
    own = own_organisations(user)
    return Q(organisation__in=own) if own else NOTHING


# --- surveys -----------------------------------------------------------------------------------


def survey_manage(user: Any) -> Q:
    """Surveys the user builds and whose every result it sees (templates belong to the administrator)."""
    if not _signed_in(user):
        return NOTHING
    own = own_organisations(user)
    nets = scope_of(user).coordinated_network_ids
    if not own and not nets:
        return NOTHING
    return (Q(owner__in=own) | Q(network__in=nets)) & Q(is_template=False)


def _has_role(user: Any) -> bool:
    s = scope_of(user)
    return bool(own_organisations(user) or s.coordinated_network_ids)


def survey_view(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    q = survey_manage(user)
    if _has_role(user):
        q |= Q(is_template=True)
    own = own_organisations(user)
    if own:
        q |= Q(pk__in=models.Invitation.objects.filter(organisation__in=own).values("survey"))
    led = led_alliances(user)
    if led:
        q |= Q(alliance__in=led)
        q |= Q(pk__in=models.Invitation.objects.filter(organisation__in=(alliance_organisations(led))).values("survey"))
    return q


def survey_delete(user: Any) -> Q:
    return survey_manage(user) & Q(status=SurveyStatus.DRAFT)


def _under_survey(q: Q) -> Q:
    if q in (EVERYTHING, NOTHING):
        return q
    return Q(survey__in=models.Survey.objects.filter(q).values("pk"))


def question_change(user: Any) -> Q:
    return _under_survey(survey_manage(user) & Q(status=SurveyStatus.DRAFT))


def invitation_view(user: Any) -> Q:
    if not _signed_in(user):
        return NOTHING
    q = _under_survey(survey_manage(user))
    own = own_organisations(user)
    if own:
        q |= Q(organisation__in=own)
    return q


def invitation_change(user: Any) -> Q:
    return _under_survey(survey_manage(user))


def invitation_issue_codes(user: Any) -> Q:
    """Invitations whose personal codes the user may issue: its own organisation's, and those of the surveys it manages."""
    if not _signed_in(user):
        return NOTHING
    q = _under_survey(survey_manage(user))
    own = own_organisations(user)
    if own:
        q |= Q(organisation__in=own)
    return q


register(models.Measure, Policy())
register(
    models.CompanyMeasure,
    Policy(
        view=company_measure_view, add=_records_measures, change=company_measure_change, delete=company_measure_change
    ),
)
register(
    models.Survey,
    Policy(
        view=survey_view,
        add=_has_role,
        change=survey_manage,
        delete=survey_delete,
        extra={"manage": survey_manage},
    ),
)
register(
    models.Question,
    Policy(
        view=lambda u: _under_survey(survey_view(u)),
        add=_has_role,
        change=question_change,
        delete=question_change,
    ),
)
register(
    models.Invitation,
    Policy(
        view=invitation_view,
        add=_has_role,
        change=invitation_change,
        delete=invitation_change,
        extra={"issue_codes": invitation_issue_codes},
    ),
)
# Personal codes, responses and answers are never listed to anyone: only the selectors' aggregates are shown.
register(models.RespondentToken, Policy(view=lambda u: NOTHING, add=lambda u: False))
register(models.Response, Policy(view=lambda u: NOTHING, add=lambda u: False))
register(models.Answer, Policy(view=lambda u: NOTHING, add=lambda u: False))
