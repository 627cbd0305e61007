"""Factories shared by every app's tests: a small territory, organisations, networks, users with roles."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from concilia.accounts.choices import Role
from concilia.accounts.models import RoleAssignment, User
from concilia.network import models as net
from concilia.network.choices import OrganisationKind
from concilia.territory import models as terr


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = terr.Region
        django_get_or_create = ("code",)

    code = "03"
    name = "Lombardia"


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = terr.Province
        django_get_or_create = ("code",)

    code = "019"
    car_plate = "CR"
    name = "Cremona"
    region = factory.SubFactory(RegionFactory)


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = terr.Municipality
        django_get_or_create = ("istat_code",)

    istat_code = factory.Sequence(lambda n: f"9{n % 100_000:05d}")  # outside ISTAT province codes (001-111)
    cadastral_code = factory.Sequence(lambda n: f"Z{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Comune {n}")
    province = factory.SubFactory(ProvinceFactory)


class HealthAgencyFactory(DjangoModelFactory):
    class Meta:
        model = terr.HealthAgency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ATS-TEST-{n}")
    kind = "ATS"
    name = factory.Sequence(lambda n: f"ATS di prova {n}")
    region = factory.SubFactory(RegionFactory)
    valid_from = dt.date(2016, 1, 1)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = net.Organisation

    name = factory.Sequence(lambda n: f"Organizzazione {n}")
    kind = OrganisationKind.ASSOCIATION
    municipality = factory.SubFactory(MunicipalityFactory)


class CompanyFactory(OrganisationFactory):
    kind = OrganisationKind.COMPANY
    employees = 30


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = net.Network

    name = factory.Sequence(lambda n: f"Rete {n}")
    coordinator = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.HEALTH_AGENCY)
    founded_on = dt.date(2011, 1, 1)


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = net.Agreement

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Accordo {n}")
    signed_on = dt.date(2011, 5, 1)
    signed_year = 2011


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = net.Membership

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    joined_on = dt.date(2012, 1, 1)


class AllianceFactory(DjangoModelFactory):
    class Meta:
        model = net.Alliance

    name = factory.Sequence(lambda n: f"Alleanza {n}")
    network = factory.SubFactory(NetworkFactory)
    lead = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.MUNICIPALITY)
    formed_on = dt.date(2014, 5, 1)


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = net.Partnership

    alliance = factory.SubFactory(AllianceFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    joined_on = dt.date(2014, 6, 1)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = net.Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Referente {n}")
    role = "Ufficio di Piano"


class JoinRequestFactory(DjangoModelFactory):
    class Meta:
        model = net.JoinRequest

    alliance = factory.SubFactory(AllianceFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "Vorremmo aderire."


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"utente{n}")
    password = factory.django.Password("password-di-prova")


def user_with_role(
    role: Role, *, network: net.Network | None = None, organisation: net.Organisation | None = None, **kw: object
) -> User:
    """A user holding ``role`` on ``network`` or ``organisation``."""
    user = UserFactory(**kw)
    RoleAssignment.objects.create(user=user, role=role, network=network, organisation=organisation)
    return user
