"""A family declares its household; nobody else reads or changes it; staff reads of sensitive data are recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation
from stdnum.it import codicefiscale

from concilia.benefits import services
from concilia.benefits.models import Adult, Child, Consent, Household, Isee
from concilia.core import clock
from concilia.core.models import SensitiveRead
from concilia.core.privacy_notices import CITIZEN_ACCOUNTS
from concilia.core.testing import factories as f

pytestmark = pytest.mark.django_db


def tax_code(first15: str) -> str:
    return first15 + codicefiscale.calc_check_digit(first15)


MOTHER = tax_code("RSSMRA85M41F205")
CHILD = tax_code("BNCLCU20E10F205")


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def household_with_people(owner: Any) -> Household:
    household = services.household_save(owner=owner, by=owner, municipality=f.MunicipalityFactory(), address="")
    services.member_save(
        member=Adult(household=household, first_name="Maria", last_name="Rossi", tax_code=MOTHER,
                     birth_date=dt.date(1985, 8, 1), employment="employee", employer_other="Latteria", weekly_hours=30),
        by=owner,
    )  # fmt: skip
    services.member_save(
        member=Child(household=household, first_name="Luca", last_name="Bianchi", tax_code=CHILD,
                     birth_date=dt.date(2020, 5, 10), certified_disability=True),
        by=owner,
    )  # fmt: skip
    services.isee_save(
        household=household,
        value_cents=1_850_000,
        dsu_number="INPS-ISEE-2026-00123456A-00",
        expires_on=clock.today() + dt.timedelta(days=30),
        by=owner,
    )
    return household


def test_a_family_builds_its_household_through_the_pages(world: Any) -> None:
    citizen = f.UserFactory(username="famiglia")
    c = client_for(citizen)
    with translation.override("it"):
        assert "Il tuo nucleo familiare" in c.get("/famiglia/").content.decode()
        first = c.get("/famiglia/adulti/nuovo/")  # no household yet: nothing to add to
        assert first.status_code == 302 and first["Location"] == "/famiglia/"
        municipality = f.MunicipalityFactory()
        assert c.post("/famiglia/", {"municipality": municipality.pk, "address": "Via Roma 1"}).status_code == 302
        household = Household.objects.get(owner=citizen)

        bad = c.post(
            "/famiglia/adulti/nuovo/",
            {"first_name": "Maria", "last_name": "Rossi", "tax_code": MOTHER[:-1] + ("A" if MOTHER[-1] != "A" else "B"), "birth_date": "1985-08-01",
             "role": "parent", "employment": "employee", "employer_other": "Latteria", "weekly_hours": "30"},
        )  # fmt: skip
        assert bad.status_code == 400 and "non è un codice fiscale valido" in bad.content.decode()
        assert not household.adults.exists()  # refused: nothing saved
        no_hours = c.post(
            "/famiglia/adulti/nuovo/",
            {"first_name": "Maria", "last_name": "Rossi", "tax_code": MOTHER, "birth_date": "1985-08-01",
             "role": "parent", "employment": "employee", "employer_other": "Latteria"},
        )  # fmt: skip
        assert no_hours.status_code == 400 and "quante ore" in no_hours.content.decode()
        ok = c.post(
            "/famiglia/adulti/nuovo/",
            {"first_name": "Maria", "last_name": "Rossi", "tax_code": MOTHER.lower(), "birth_date": "1985-08-01",
             "role": "parent", "employment": "employee", "employer_other": "Latteria", "weekly_hours": "30"},
        )  # fmt: skip
        assert ok.status_code == 302
        assert household.adults.get().tax_code == MOTHER  # normalised
        assert c.post(
            "/famiglia/figli/nuovo/",
            {"first_name": "Luca", "last_name": "Bianchi", "tax_code": CHILD, "birth_date": "2020-05-10",
             "certified_disability": "on"},
        ).status_code == 302  # fmt: skip
        expired = c.post(
            "/famiglia/isee/",
            {"value_cents": "18.500,00", "dsu_number": "INPS-ISEE-2026-00123456A-00",
             "expires_on": (clock.today() - dt.timedelta(days=1)).isoformat()},
        )  # fmt: skip
        assert expired.status_code == 400 and "scaduto" in expired.content.decode()
        assert not Isee.objects.filter(household=household).exists()
        assert c.post(
            "/famiglia/isee/",
            {"value_cents": "18.500,00", "dsu_number": "INPS-ISEE-2026-00123456A-00",
             "expires_on": (clock.today() + dt.timedelta(days=90)).isoformat()},
        ).status_code == 302  # fmt: skip
        assert household.isee.value_cents == 1_850_000

        page = c.get("/famiglia/").content.decode()
        assert "Maria Rossi" in page and "Luca Bianchi" in page and "18.500,00" in page
        assert c.post("/famiglia/consensi/", {"notice": CITIZEN_ACCOUNTS}).status_code == 302
        consent = Consent.objects.get(household=household)
        assert consent.version and consent.withdrawn_at is None
        c.post("/famiglia/consensi/", {"notice": CITIZEN_ACCOUNTS})
        assert Consent.objects.filter(household=household).count() == 1  # given once
        assert c.post(f"/famiglia/consensi/{consent.pk}/revoca/").status_code == 302
        consent.refresh_from_db()
        assert consent.withdrawn_at is not None
    assert not SensitiveRead.objects.exists()  # the family reading its own data is not a staff read


def test_another_family_and_staff_cannot_reach_a_household(world: Any) -> None:
    owner = f.UserFactory(username="proprietaria")
    household = household_with_people(owner)
    adult, child = household.adults.get(), household.children.get()
    neighbour = f.UserFactory(username="vicina")
    services.household_save(owner=neighbour, by=neighbour)
    for user in (neighbour, world.coordinator, world.lead, world.provider):
        c = client_for(user)
        for url in (
            f"/famiglia/adulti/{adult.pk}/",
            f"/famiglia/figli/{child.pk}/",
            f"/famiglia/figli/{child.pk}/elimina/",
        ):
            assert c.get(url).status_code == 404, (user, url)
            assert c.post(url, {"first_name": "X"}).status_code == 404, (user, url)
        assert c.get(f"/famiglia/nuclei/{household.pk}/").status_code == 404, user
        assert "Luca" not in c.get("/famiglia/").content.decode()
    assert Client().get("/famiglia/").status_code == 302  # anonymous: to the login
    with pytest.raises(PermissionDenied):
        services.member_save(member=Child(household=household, first_name="A", last_name="B",
                                          birth_date=dt.date(2021, 1, 1)), by=neighbour)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.household_save(owner=owner, by=neighbour, address="Altrove")
    adult.refresh_from_db()
    assert adult.first_name == "Maria" and household.children.count() == 1
    assert not SensitiveRead.objects.exists()


def test_a_staff_read_of_sensitive_data_is_recorded(world: Any) -> None:
    household = household_with_people(f.UserFactory(username="nucleo"))
    page = client_for(world.admin).get(f"/famiglia/nuclei/{household.pk}/")
    assert page.status_code == 200 and "18.500,00" in page.content.decode()
    reads = {(r.user, r.model, r.object_id, tuple(r.fields)) for r in SensitiveRead.objects.all()}
    assert reads == {
        (world.admin, "benefits.child", household.children.get().pk, ("certified_disability",)),
        (world.admin, "benefits.isee", household.isee.pk, ("value_cents", "dsu_number", "expires_on")),
    }
    assert {r.where for r in SensitiveRead.objects.all()} == {f"/famiglia/nuclei/{household.pk}/"}


def test_the_rules_of_a_household_hold_whatever_the_entry_point(world: Any) -> None:
    owner = f.UserFactory(username="regole")
    household = household_with_people(owner)
    with pytest.raises(ValidationError) as both:
        services.member_save(
            member=Adult(household=household, first_name="P", last_name="Q", birth_date=dt.date(1980, 1, 1),
                         employment="employee", employer=world.lead_org, employer_other="Altro", weekly_hours=20),
            by=owner,
        )  # fmt: skip
    assert "not both" in str(both.value) or "non entrambi" in str(both.value)
    with pytest.raises(ValidationError):
        services.isee_save(household=household, value_cents=100, dsu_number="123",
                           expires_on=clock.today() + dt.timedelta(days=1), by=owner)  # fmt: skip
    services.household_save(owner=owner, by=owner, address="Via Nuova 2")
    assert Household.objects.filter(owner=owner).count() == 1  # one household per account
