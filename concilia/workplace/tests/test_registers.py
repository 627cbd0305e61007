"""The shared register battery for the workplace registers: pages, exports, API, permissions per role, query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from concilia.core.testing import battery
from concilia.workplace import models, registers
from concilia.workplace.tests import factories as wf

OWNER = {"lead", "coordinator", "admin"}  # the survey's owner (the lead's organisation) and its network's coordinator
# A survey, its questions and its invitations: managed by the owner, added by whoever may own a survey, never public.
SURVEY_PART: dict[str, Any] = {
    "can_change": OWNER,
    "can_delete": OWNER,
    "can_add": {"lead", "other_lead", "coordinator", "admin"},
    "creator": "lead",
    "public": False,
}


def _cm(w: Any) -> models.CompanyMeasure:
    return models.CompanyMeasure.objects.create(
        organisation=w.lead_org, measure=wf.measure(), since=dt.date(2020, 1, 1), is_public=True, note=f"Nota {wf.n()}"
    )


def _survey(w: Any) -> models.Survey:
    return wf.survey(w.lead_org, network=w.network, status="draft", title=f"Questionario {wf.n()}")


def _empty_survey(w: Any) -> models.Survey:
    return models.Survey.objects.create(title=f"Vuoto {wf.n()}", owner=w.lead_org, network=w.network)


SPECS = [
    battery.RegisterSpec(
        register=registers.measures,
        new=lambda w: wf.measure(),
        create_data=lambda w: {
            "code": "nido-convenzionato",
            "name": "Nido convenzionato",
            "category": "care",
            "position": 3,
        },
        edit=("description", "Posti riservati"),
        marker=lambda o: o.name,
    ),
    battery.RegisterSpec(
        register=registers.company_measures,
        new=_cm,
        create_data=lambda w: {"organisation": w.lead_org, "measure": wf.measure(), "since": dt.date(2021, 1, 1)},
        edit=("note", "Per tutto il personale"),
        marker=lambda o: o.measure.name,
        can_change={"lead", "admin"},
        can_delete={"lead", "admin"},
        can_add={"lead", "other_lead", "admin"},
        creator="lead",
    ),
    battery.RegisterSpec(
        register=registers.surveys,
        new=_empty_survey,  # deleted by the battery: a survey with questions is protected
        existing=_survey,
        create_data=lambda w: {"title": "Bisogni 2027", "owner": w.lead_org},
        edit=("intro", "Un questionario breve"),
        marker=lambda o: o.title,
        **SURVEY_PART,
    ),
    battery.RegisterSpec(
        register=registers.questions,
        new=lambda w: models.Question.objects.create(
            survey=_survey(w), position=9, code="extra", text=f"Domanda {wf.n()}", kind="text"
        ),
        create_data=lambda w: {
            "survey": _empty_survey(w),
            "position": 7,
            "code": "eta",
            "text": "Età",
            "kind": "number",
        },
        edit=("text", "Età in anni"),
        marker=lambda o: o.text,
        **SURVEY_PART,
    ),
    battery.RegisterSpec(
        register=registers.invitations,
        new=lambda w: wf.invitation(_survey(w)),
        create_data=lambda w: {"survey": _survey(w), "organisation": w.provider_org},
        marker=lambda o: o.survey.title,
        **SURVEY_PART,
    ),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
@pytest.mark.parametrize("check", battery.CHECKS, ids=lambda c: c.__name__)
def test_register(spec: battery.RegisterSpec, check: Any, world: Any) -> None:
    check(spec, world)
