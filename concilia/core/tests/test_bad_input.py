"""Unhandled input found in the attack of issue 13: each answered with a clear refusal, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from concilia.core.models import MAX_CENTS
from concilia.helpdesk.tests import factories as hf
from concilia.network.models import Contact
from concilia.programming.models import FundingSource
from concilia.programming.tests import factories as pf

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


def test_statistics_for_a_period_beyond_the_calendar_is_a_400_with_the_reason(world: Any) -> None:
    desk = hf.desk(world, network=world.network)
    c = client(world.coordinator)
    api = c.get(f"/api/helpdesk/desks/{desk.pk}/statistics/", {"from": "0001-01-01", "to": "9999-12-31"})
    assert api.status_code == 400
    assert set(api.json()) == {"from", "to"}
    page = c.get(f"/sportelli/{desk.pk}/statistiche/", {"from": "0001-01-01", "to": "9999-12-31"})
    assert page.status_code == 400  # the page shows the default period and the form's errors
    assert page.content.decode().count('class="text-danger small"') == 2


def test_json_nested_deeper_than_python_decodes_is_a_400() -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = Client(raise_request_exception=False).post("/api/services/plan/", body, content_type="application/json")
    assert response.status_code == 400
    assert "annidato troppo" in response.json()["detail"]  # Italian, the default language


def test_an_amount_above_the_bound_is_refused_and_the_budget_still_adds_up(world: Any) -> None:
    plan = pf.funded_plan(network=world.network, amount_cents=1_000)
    c = client(world.coordinator)
    int64 = 2**63 - 1
    for amount in (int64, MAX_CENTS + 1):
        r = c.post(
            "/api/programming/fundingsources/",
            {"plan": plan.pk, "kind": "regional", "amount_cents": amount},
            content_type="application/json",
        )
        assert r.status_code == 400, r.content
        assert "amount_cents" in r.json()
    assert FundingSource.objects.filter(plan=plan).count() == 1
    ok = c.post(
        "/api/programming/fundingsources/",
        {"plan": plan.pk, "kind": "regional", "amount_cents": MAX_CENTS},
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    budget = c.get(f"/api/programming/plans/{plan.pk}/budget/")
    assert budget.status_code == 200
    assert str(MAX_CENTS + 1_000) in budget.content.decode()


def test_admin_history_of_a_record_named_none_is_a_404_not_a_500(world: Any) -> None:
    c = client(world.admin)
    assert c.get("/admin/network/contact/None/history/").status_code == 404
    assert c.get("/admin/network/contact/None/history/1/").status_code == 404
    assert Contact.objects.count() == 0
