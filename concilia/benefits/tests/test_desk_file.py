"""A help-desk operator files an application on a family's behalf, through the same wizard the family uses."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from concilia.accounts.choices import Role
from concilia.benefits.models import Adult, Application
from concilia.benefits.tests.test_applications import family, voucher_call
from concilia.core.testing import factories as f

pytestmark = pytest.mark.django_db

TAX_CODE = "RSSMRA85T10A562S"


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_an_operator_finds_the_family_by_tax_code_and_files_for_it(world: Any) -> None:
    call = voucher_call(world)
    household, child = family("rossi")
    Adult.objects.filter(household=household, first_name="Anna").update(tax_code=TAX_CODE)
    operator = f.user_with_role(Role.DESK_OPERATOR, username="sportellista", organisation=world.provider_org)
    desk = client_for(operator)
    with translation.override("it"):
        page = desk.get("/famiglia/sportello/")
        assert page.status_code == 200 and call.title in page.content.decode()
        assert "data-filed" not in page.content.decode()  # none filed yet

        unknown = desk.post("/famiglia/sportello/", {"tax_code": "BNCGLI90A41F205H", "call": call.pk})
        assert unknown.status_code == 400 and "Nessun nucleo" in unknown.content.decode()
        malformed = desk.post("/famiglia/sportello/", {"tax_code": "ABC", "call": call.pk})
        assert malformed.status_code == 400
        assert not Application.objects.exists()

        started = desk.post("/famiglia/sportello/", {"tax_code": TAX_CODE.lower(), "call": call.pk})
    application = Application.objects.get(call=call, household=household)
    assert started["Location"] == f"/famiglia/domande/{application.pk}/"
    assert application.filed_by == operator and application.child is None

    # The operator goes on in the family's wizard; the family sees the same application in its own area.
    step = desk.post(f"/famiglia/domande/{application.pk}/passo/children/", {f"child_{child.pk}": "3"})
    assert step.status_code == 302
    declared = desk.post(
        f"/famiglia/domande/{application.pk}/passo/declarations/",
        {"declare_truthful": "on", "declare_checks": "on", "declare_notice": "on"},
    )
    assert declared.status_code == 302
    assert desk.post(f"/famiglia/domande/{application.pk}/invia/").status_code == 302
    application.refresh_from_db()
    assert application.protocol_number == 1
    assert application.protocol in client_for(household.owner).get("/famiglia/bandi/").content.decode()
    assert application.protocol in desk.get("/famiglia/sportello/").content.decode()  # the operator's list


def test_a_call_per_child_asks_which_child_and_others_may_not_file(world: Any) -> None:
    from concilia.benefits import services
    from concilia.benefits.models import Child
    from concilia.programming.choices import ApplicationUnit

    call = voucher_call(world)
    call.family_terms.application_unit = ApplicationUnit.CHILD
    call.family_terms.save()
    household, child = family("bruno")
    second = services.member_save(
        member=Child(household=household, first_name="Leo", last_name="bruno", birth_date=child.birth_date),
        by=household.owner,
    )
    Adult.objects.filter(household=household, first_name="Marco").update(tax_code=TAX_CODE)
    operator = f.user_with_role(Role.DESK_OPERATOR, username="sportellista", organisation=world.provider_org)
    desk = client_for(operator)
    ask = desk.post("/famiglia/sportello/", {"tax_code": TAX_CODE, "call": call.pk})
    assert ask.status_code == 200 and "Leo" in ask.content.decode() and "Bea" in ask.content.decode()
    assert not Application.objects.exists()  # nothing until the child is chosen
    chosen = desk.post(
        "/famiglia/sportello/", {"tax_code": TAX_CODE, "call": call.pk, "target": f"{household.pk}:{second.pk}"}
    )
    assert chosen.status_code == 302
    assert Application.objects.get().child == second

    others = [
        f.user_with_role(Role.NETWORK_COORDINATOR, username="coord", network=world.network),
        f.user_with_role(Role.COMPANY_HR, username="hr", organisation=world.provider_org),
        f.user_with_role(Role.SERVICE_PROVIDER, username="prov", organisation=world.provider_org),
    ]
    for other in others:
        refused = client_for(other).post(
            "/famiglia/sportello/", {"tax_code": TAX_CODE, "call": call.pk, "target": f"{household.pk}:{child.pk}"}
        )
        assert refused.status_code == 403
    assert client_for(household.owner).get("/famiglia/sportello/").status_code == 403
    assert Application.objects.count() == 1
