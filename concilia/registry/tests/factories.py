"""A small registry world: a registry kept by an organisation for a network, a course, babysitters."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from concilia.accounts.choices import Role
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.registry import services
from concilia.registry.models import Babysitter, BabysitterRegistry, Course
from concilia.services.models import VoucherScheme

_seq = itertools.count(1)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def tax_code() -> str:
    n = next(_seq)
    a, b = LETTERS[n % 26], LETTERS[(n // 26) % 26]
    return f"TST{a}{b}X90A41D{n % 1000:03d}Z"


@dataclass
class RegistryWorld:
    registry: BabysitterRegistry
    course: Course
    cremona: Any
    crema: Any
    voucher: VoucherScheme
    operator: Any
    other_operator: Any
    coordinator: Any
    other_coordinator: Any
    admin: Any
    plain: Any

    def users(self) -> dict[str, Any]:
        return {
            "anonymous": None,
            "plain": self.plain,
            "other_operator": self.other_operator,
            "other_coordinator": self.other_coordinator,
            "operator": self.operator,
            "coordinator": self.coordinator,
            "admin": self.admin,
        }


MANAGERS = {"operator", "coordinator", "admin"}


def make_world() -> RegistryWorld:
    cremona = f.MunicipalityFactory(name="Cremona", istat_code="919036")
    crema = f.MunicipalityFactory(name="Crema", istat_code="919035")
    keeper = f.OrganisationFactory(name="ATS di prova")
    other_keeper = f.OrganisationFactory(name="Altro ente")
    network = f.NetworkFactory(name="Rete di prova")
    other_network = f.NetworkFactory(name="Altra rete")
    voucher = VoucherScheme.objects.create(code="voucher-prova", name="Voucher di prova")
    registry = BabysitterRegistry.objects.create(name="Elenco di prova", keeper=keeper, network=network)
    registry.voucher_schemes.set([voucher])
    registry.municipalities.set([cremona, crema])
    BabysitterRegistry.objects.create(name="Altro elenco", keeper=other_keeper, network=other_network)
    today = clock.today()
    course = Course.objects.create(
        registry=registry, organiser=keeper, title="Corso di prova", starts_on=today - dt.timedelta(days=90),
        ends_on=today - dt.timedelta(days=30), hours=40, exam_on=today - dt.timedelta(days=20),
    )  # fmt: skip
    return RegistryWorld(
        registry=registry,
        course=course,
        cremona=cremona,
        crema=crema,
        voucher=voucher,
        operator=f.user_with_role(Role.REGISTRY_OPERATOR, organisation=keeper, username="operatore"),
        other_operator=f.user_with_role(Role.REGISTRY_OPERATOR, organisation=other_keeper, username="altro-operatore"),
        coordinator=f.user_with_role(Role.NETWORK_COORDINATOR, network=network, username="coord"),
        other_coordinator=f.user_with_role(Role.NETWORK_COORDINATOR, network=other_network, username="altro-coord"),
        admin=f.UserFactory(username="admin", is_superuser=True, is_staff=True),
        plain=f.UserFactory(username="cittadino"),
    )


def application(w: RegistryWorld, **overrides: Any) -> Babysitter:
    today = clock.today()
    values: dict[str, Any] = {
        "registry": w.registry,
        "first_name": "Zoraide",
        "last_name": "Cognomeriservato",
        "tax_code": tax_code(),
        "birth_date": dt.date(1995, 3, 1),
        "email": "zoraide.privata@example.org",
        "phone": "+39 333 1234567",
        "residence": w.cremona,
        "course": w.course,
        "attendance_hours": 36,
        "exam_passed": True,
        "first_aid_issued_on": today - dt.timedelta(days=100),
        "first_aid_expires_on": today + dt.timedelta(days=600),
        "no_criminal_record": True,
        "languages": "it,en",
        "experience": "Tre anni con bambini piccoli.",
        "bio": "Giochi e letture.",
    }
    values.update(overrides)
    return Babysitter(**values)


def submitted(w: RegistryWorld, **overrides: Any) -> Babysitter:
    return services.babysitter_submit(
        babysitter=application(w, **overrides),
        areas=[w.cremona],
        vouchers=[w.voucher],
        slots=[(0, dt.time(16), dt.time(20)), (2, dt.time(16), dt.time(20))],
    )


def listed(w: RegistryWorld, **overrides: Any) -> Babysitter:
    return services.babysitter_list(babysitter=submitted(w, **overrides), by=w.operator)
