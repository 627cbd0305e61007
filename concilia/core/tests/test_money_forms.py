"""Money in forms and pages: typed and shown in euros with a comma, stored as integer cents."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse

from concilia.core.forms import MoneyField, format_euros
from concilia.programming import registers
from concilia.programming.choices import CallStatus
from concilia.programming.tests import register_factories as pf

pytestmark = pytest.mark.urls(pf.URLCONF)

# A page that says "cents", or shows an amount as a bare number of six digits or more in a form input.
CENTS_WORDS = re.compile(r"centesimi|\(cents\)", re.IGNORECASE)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("45.000,00", 4_500_000),
        ("45.000,00 €", 4_500_000),
        ("€ 45.000", 4_500_000),
        ("45000", 4_500_000),
        ("45000,5", 4_500_050),
        ("0,99", 99),
        ("1.234.567,89", 123_456_789),
    ],
)
def test_money_field_reads_euros_with_a_comma(typed: str, cents: int) -> None:
    assert MoneyField().clean(typed) == cents


@pytest.mark.parametrize("typed", ["45.000.00", "45,000.00", "1.23", "12,345", "abc", "-5", "1.2345,00"])
def test_money_field_refuses_ambiguous_or_bad_amounts_in_italian(typed: str, settings: Any) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("it"), pytest.raises(ValidationError) as caught:
        MoneyField().clean(typed)
    assert "45.000,00" in caught.value.messages[0] and "virgola" in caught.value.messages[0]


def test_money_widget_shows_cents_as_euros() -> None:
    assert format_euros(4_500_000) == "45.000,00"
    html = MoneyField().widget.render("amount_cents", 4_500_050)
    assert 'value="45.000,50"' in html and 'inputmode="decimal"' in html


def test_euro_filter() -> None:
    rendered = Template("{% load money %}{{ a|euro }} {{ b|euro }}").render(Context({"a": 1_234_567, "b": None}))
    assert rendered == "€ 12.345,67 —"


@pytest.mark.django_db
def test_call_form_in_euros_saved_as_cents(world: Any, client: Any) -> None:
    """Given a draft call of 500.000 €, when the coordinator edits it, then the form shows euros and no
    "cents" label, and an amount typed as "450.000,00 €" is saved as 45,000,000 cents."""
    call = pf.call(world, status=CallStatus.DRAFT)
    client.force_login(world.coordinator)
    url = reverse(registers.calls.url_name("edit"), args=[call.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert not CENTS_WORDS.search(page)
    assert 'value="500.000,00"' in page and 'value="100.000,00"' in page
    assert 'value="50000000"' not in page

    form = re.findall(r'name="([^"]+)"[^>]*?value="([^"]*)"', page)
    data = {name: value for name, value in form if name != "csrfmiddlewaretoken"}
    for select in re.findall(r'<select name="([^"]+)"', page):
        chosen = re.search(rf'<select name="{select}".*?<option value="([^"]*)"[^>]*selected', page, re.S)
        data[select] = chosen.group(1) if chosen else ""
    data["budget_cents"] = "450.000,00 €"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    call.refresh_from_db()
    assert call.budget_cents == 45_000_000 and call.max_grant_cents == 10_000_000

    data["budget_cents"] = "450,000.00"
    page = client.post(url, data, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Scrivi un importo in euro" in page
    call.refresh_from_db()
    assert call.budget_cents == 45_000_000


@pytest.mark.urls("concilia.urls")
@pytest.mark.django_db
def test_no_register_form_asks_for_cents(world: Any, client: Any) -> None:
    """Every register whose form has an amount: its new-record page, opened by an administrator, asks for
    euros (a money input, the hint 45.000,00) and never says cents."""
    from concilia.core.registry import registers as all_registers

    client.force_login(world.admin)
    checked = []
    for reg in all_registers():
        if reg.form is None or not any(n.endswith("_cents") for n in reg.form.base_fields):
            continue
        try:
            url = reverse(reg.url_name("add"))
        except Exception:  # noqa: BLE001 - a register without a create page (its records come from a workflow)
            continue
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="it")
        if response.status_code != 200:
            continue
        page = response.content.decode()
        assert not CENTS_WORDS.search(page), url
        assert 'inputmode="decimal"' in page and "45.000,00" in page, url
        checked.append(reg.model._meta.model_name)
    assert {"call", "fundingsource", "budgetline"} <= set(checked), checked


@pytest.mark.urls("concilia.urls")
@pytest.mark.django_db
def test_list_filter_takes_euros_and_never_says_cents(world: Any, client: Any) -> None:
    """The offers register's price filter: euros like the forms, compared with the cents stored."""
    from concilia.services.filtersets import OfferFilterSet
    from concilia.services.tests import factories as sf

    cheap = sf.OfferFactory(price_cents=4_500, price_unit="week")
    dear = sf.OfferFactory(price_cents=12_000, price_unit="week")
    found = OfferFilterSet({"max_weekly": "45,00"}, queryset=type(cheap).objects.all()).qs
    assert cheap in found and dear not in found
    refused = OfferFilterSet({"max_weekly": "45.00"}, queryset=type(cheap).objects.all())
    assert not refused.is_valid()
    client.force_login(world.admin)
    page = client.get(reverse("services:offer_list"), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "max_weekly" in page and not CENTS_WORDS.search(page)


@pytest.mark.django_db
def test_admin_forms_take_euros(world: Any, rf: Any) -> None:
    """The admin base (every register's admin) gives a ``*_cents`` field the money field too."""
    from django.contrib import admin

    from concilia.core.admin import HistoryAdmin
    from concilia.programming.models import FundingSource

    request = rf.get("/admin/")
    request.user = world.admin
    form = HistoryAdmin(FundingSource, admin.site).get_form(request, fields=["amount_cents", "act"])
    field = form.base_fields["amount_cents"]
    assert isinstance(field, MoneyField)
    assert not CENTS_WORDS.search(str(field.label))
    assert field.clean("200.000,00") == 20_000_000
