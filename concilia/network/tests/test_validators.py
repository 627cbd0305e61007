"""Italian identifiers and the EU size class."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from concilia.core.testing import factories as f
from concilia.network.choices import SizeClass
from concilia.network.sizing import size_class
from concilia.network.validators import clean_tax_code, clean_vat_number

# Comune di Sesto San Giovanni, as printed on its website (seed 001).
SESTO_TAX_CODE = "02253930156"
SESTO_VAT = "00732210968"


@pytest.mark.parametrize("value", [SESTO_TAX_CODE, "RSSMRA85T10A562S", " rssmra85t10a562s "])
def test_valid_tax_codes_are_normalised(value: str) -> None:
    assert clean_tax_code(value) == value.strip().upper()


@pytest.mark.parametrize("value", ["02253930157", "RSSMRA85T10A562T", "12345", "ABCDEFGHIJKLMNOP"])
def test_invalid_tax_codes_are_refused_in_italian(value: str) -> None:
    with translation.override("it"), pytest.raises(ValidationError) as exc:
        clean_tax_code(value)
    assert "codice fiscale" in exc.value.messages[0].lower()


def test_vat_number_accepts_it_prefix_and_refuses_bad_check_digit() -> None:
    assert clean_vat_number("IT" + SESTO_VAT) == SESTO_VAT
    with translation.override("it"), pytest.raises(ValidationError) as exc:
        clean_vat_number("00732210969")
    assert "partita iva" in exc.value.messages[0].lower()


@pytest.mark.parametrize(
    ("employees", "turnover_eur", "balance_eur", "expected"),
    [
        (9, None, None, SizeClass.MICRO),
        (10, None, None, SizeClass.SMALL),
        (49, 10_000_000, None, SizeClass.SMALL),
        (49, 10_000_001, 10_000_001, SizeClass.MEDIUM),
        (200, 60_000_000, 40_000_000, SizeClass.MEDIUM),  # balance sheet within 43 M€ suffices
        (200, 60_000_000, 50_000_000, SizeClass.LARGE),
        (250, None, None, SizeClass.LARGE),
        (None, None, None, None),
    ],
)
def test_size_class_follows_recommendation_2003_361(
    employees: int | None, turnover_eur: int | None, balance_eur: int | None, expected: SizeClass | None
) -> None:
    def cents(v: int | None) -> int | None:
        return None if v is None else v * 100

    assert size_class(employees, cents(turnover_eur), cents(balance_eur)) == expected


@pytest.mark.django_db
def test_organisation_clean_derives_and_checks_size_class() -> None:
    org = f.CompanyFactory.build(employees=5, municipality=f.MunicipalityFactory(), size_class="")
    org.full_clean()
    assert org.size_class == SizeClass.MICRO
    org.size_class = SizeClass.LARGE
    with translation.override("it"), pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "size_class" in exc.value.message_dict


@pytest.mark.django_db
def test_organisation_with_invalid_codes_is_not_saved_through_the_form(world) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(world.coordinator)
    with translation.override("it"):
        response = client.post(
            "/rete/organizzazioni/nuovo/",
            {"name": "Impresa X", "kind": "company", "tax_code": "02253930157", "vat_number": "123"},
            HTTP_ACCEPT_LANGUAGE="it",
        )
    assert response.status_code == 400
    body = response.content.decode()
    assert "codice fiscale" in body.lower() and "partita iva" in body.lower()
    from concilia.network.models import Organisation

    assert not Organisation.objects.filter(name="Impresa X").exists()
