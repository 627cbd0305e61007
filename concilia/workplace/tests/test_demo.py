"""The workplace demo: measures, Net & Co adoptions, templates, open example surveys; loads twice unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.test import Client

from concilia.accounts import demo as accounts_demo
from concilia.accounts.models import User
from concilia.core.testing.demo import demo_loaded
from concilia.network import demo as network_demo
from concilia.programming import demo as programming_demo
from concilia.workplace import demo, selectors
from concilia.workplace.models import (
    Answer,
    CompanyMeasure,
    Invitation,
    Measure,
    Question,
    RespondentToken,
    Response,
    Survey,
)

MODELS = (Measure, CompanyMeasure, Survey, Question, Invitation, RespondentToken, Response, Answer)


@pytest.fixture(scope="module")
def loaded(territory_loaded: None, django_db_blocker: Any) -> Iterator[demo.DemoResult]:
    with demo_loaded(
        django_db_blocker,
        partial(network_demo.load, force=True),
        accounts_demo.load,
        partial(programming_demo.load, force=True),
        partial(demo.load, force=True),
    ) as result:
        yield result


@pytest.fixture
def data(loaded: demo.DemoResult, db: None) -> demo.DemoResult:
    return loaded


def test_second_load_changes_nothing(data: demo.DemoResult) -> None:
    before = {m: list(m.objects.order_by("pk").values()) for m in MODELS}
    again = demo.load(force=True)
    assert not again.counts, again.counts
    assert {m: list(m.objects.order_by("pk").values()) for m in MODELS} == before


def test_net_and_co_adoptions_are_public_examples_funded_by_the_project(data: demo.DemoResult) -> None:
    adoptions = CompanyMeasure.objects.filter(project__title="Net & Co")
    assert {a.organisation.name for a in adoptions} == {"Coop Lombardia", "Xerox Italia"}
    assert all(a.is_public and a.is_example and "illustrativ" in a.note for a in adoptions)
    assert (
        Measure.objects.filter(code__in=["smart-working", "banca-ore", "nido-aziendale", "centri-estivi"]).count() == 4
    )


def test_coop_has_no_responses_and_xerox_enough_and_the_coop_link_is_stable(data: demo.DemoResult) -> None:
    coop = Invitation.objects.get(organisation__name="Coop Lombardia")
    xerox = Invitation.objects.get(organisation__name="Xerox Italia")
    assert coop.survey.status == "open" and coop.survey.owner.name == "Comune di Sesto San Giovanni"
    assert coop.token == "demo-coop-lombardia-7Hq2xK"
    assert not coop.responses.exists()
    assert xerox.responses.count() == 12
    # each example response came through a personal code of its own, used up by it
    assert xerox.responses.filter(token__invitation=xerox).values("token").distinct().count() == 12
    assert not xerox.respondent_tokens.filter(used_on__isnull=True).exists()
    assert not selectors.survey_results(
        survey=coop.survey, scope=selectors.Scope("organisation", coop.organisation)
    ).shown
    assert selectors.survey_results(survey=coop.survey, scope=selectors.Scope("organisation", xerox.organisation)).shown
    assert Survey.objects.filter(is_template=True).count() == 2


def test_hr_coop_finds_its_link_on_the_invitation_page(data: demo.DemoResult) -> None:
    coop = Invitation.objects.get(organisation__name="Coop Lombardia")
    c = Client()
    c.force_login(User.objects.get(username="hr.coop"))
    page = c.get(f"/aziende/inviti/{coop.pk}/").content.decode()
    assert coop.token in page
    survey_page = c.get(f"/aziende/questionari/{coop.survey.pk}/").content.decode()
    assert coop.token in survey_page and f"/aziende/inviti/{coop.pk}/" in survey_page


def test_example_responses_loaded_before_personal_codes_get_one_each(data: demo.DemoResult) -> None:
    # given a demo database loaded before personal codes existed: Xerox's example responses have none
    xerox = Invitation.objects.get(organisation__name="Xerox Italia")
    scope = selectors.Scope("organisation", xerox.organisation)
    old = list(xerox.respondent_tokens.values_list("pk", flat=True))
    Response.objects.filter(invitation=xerox).update(token=None)
    RespondentToken.objects.filter(pk__in=old).delete()
    assert not selectors.survey_results(survey=xerox.survey, scope=scope).shown
    # when the demo is loaded again, then each gets a used code, and the results show again
    again = demo.load(force=True)
    assert again.counts == {"respondenttoken.created": 12}
    assert selectors.survey_results(survey=xerox.survey, scope=scope).count == 12
    assert not xerox.respondent_tokens.filter(used_on__isnull=True).exists()
