"""Factories of the catalogue's models for tests."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from concilia.core.testing import factories as f
from concilia.services import models


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = models.Service

    provider = factory.SubFactory(f.OrganisationFactory)
    kind = "nido"
    name = factory.Sequence(lambda n: f"Nido di prova {n}")
    municipality = factory.SubFactory(f.MunicipalityFactory)
    latitude = 45.5355
    longitude = 9.2290


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = models.Offer

    service = factory.SubFactory(ServiceFactory)
    label = factory.Sequence(lambda n: f"Tempo pieno {n}")
    days = [0, 1, 2, 3, 4]
    start_time = dt.time(7, 30)
    end_time = dt.time(16, 30)
    capacity = 20
    price_cents = 40000


class PeriodFactory(DjangoModelFactory):
    class Meta:
        model = models.Period

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Anno scolastico {n}")
    start = dt.date(2026, 9, 1)
    end = dt.date(2027, 6, 30)


class OpeningHoursFactory(DjangoModelFactory):
    class Meta:
        model = models.OpeningHours

    service = factory.SubFactory(ServiceFactory)
    weekday = 0
    opens = dt.time(7, 30)
    closes = dt.time(16, 30)


class ClosureFactory(DjangoModelFactory):
    class Meta:
        model = models.Closure

    service = factory.SubFactory(ServiceFactory)
    start = dt.date(2026, 12, 24)
    end = dt.date(2027, 1, 6)
    reason = "Vacanze di Natale"


class FeeFactory(DjangoModelFactory):
    class Meta:
        model = models.Fee

    service = factory.SubFactory(ServiceFactory)
    label = factory.Sequence(lambda n: f"Retta {n}")
    amount_cents = 30000


class AuthorisationFactory(DjangoModelFactory):
    class Meta:
        model = models.Authorisation

    organisation = factory.SubFactory(f.OrganisationFactory)
    kind = "operating"
    act_number = factory.Sequence(lambda n: f"{n}/2024")
    act_date = dt.date(2024, 3, 1)


class VoucherSchemeFactory(DjangoModelFactory):
    class Meta:
        model = models.VoucherScheme

    code = factory.Sequence(lambda n: f"voucher-{n}")
    name = factory.Sequence(lambda n: f"Voucher di prova {n}")
