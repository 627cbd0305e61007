"""The work area: every signed-in role lands on it after login and sees only what waits for it.

Given the matrix's two-sided world (``core/testing/matrix.py``: a network per side with a draft and a
submitted proposal, a pending join request, a babysitter, a desk with a case...) plus a babysitter
application and an appointment today on each side, each role's counts equal the records it may really
act on, one by one, and never one of the other side's network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from concilia.core import clock
from concilia.core.permissions import can
from concilia.core.testing import matrix
from concilia.portal.area import TASKS

pytestmark = pytest.mark.django_db

M = matrix
#: What waits for each role of the matrix world's ``own`` side (the admin sees both sides).
EXPECTED: dict[str, dict[str, int]] = {
    M.PLAIN: {},
    M.LEAD: {"drafts": 1, "join_requests": 1},
    M.COORD: {"to_admit": 1, "join_requests": 1, "applications": 1, "draft_surveys": 1},
    M.EVAL: {"to_score": 1},
    M.KEEPER: {"applications": 1},
    M.DESK: {"appointments_today": 1, "open_cases": 1},
    M.HR: {"draft_surveys": 1},
    M.PROV: {"unpublished_services": 1},
}


def _network_of(obj: Any) -> Any:
    for path in ("call.network", "alliance.network", "registry.network", "desk.network", "network"):
        if path == "network" and hasattr(obj, "provider"):  # a service: the network its provider belongs to
            return obj.provider.memberships.get().network
        target = obj
        try:
            for part in path.split("."):
                target = getattr(target, part)
        except AttributeError:
            continue
        return target
    raise AssertionError(obj)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[matrix.World]:
    from concilia.helpdesk.tests import factories as hf
    from concilia.registry import services as registry_services
    from concilia.registry.tests.factories import application

    with django_db_blocker.unblock(), transaction.atomic():
        w = matrix.build_world()
        for side in matrix.SIDES:
            desk = w.obj("helpdesk.desk:published", side)
            start = clock.localnow().replace(hour=23, minute=0, second=0, microsecond=0)
            hf.appointment(desk, starts_at=start)
            registry = w.obj("registry.babysitterregistry", side)
            rw = matrix._RegistryWorld(
                registry=registry, course=w.obj("registry.course", side),
                cremona=registry.municipalities.first(), voucher=w.obj("services.voucherscheme", side),
            )  # fmt: skip
            registry_services.babysitter_submit(
                babysitter=application(rw), areas=[rw.cremona], vouchers=[rw.voucher],
                slots=[(1, dt.time(16), dt.time(20))],
            )  # fmt: skip
        yield w
        transaction.set_rollback(True)


def _counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-task="(\w+)">.*?data-count>(\d+)<', html, re.S)}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_what_waits_for_it_and_only_its_own(world: matrix.World, role: str) -> None:
    user = world.users[role]
    client = Client()
    client.force_login(user)
    response = client.get(reverse("portal:area"))
    assert response.status_code == 200
    html = response.content.decode()
    assert _counts(html) == EXPECTED[role]
    own_network = world.sides["own"].network
    today = clock.today()
    for task in TASKS:
        model = task.queryset(user, today).model
        # The count is what the user may really do, record by record, among every record in the task's state.
        candidates = model._default_manager.filter(**task.filter(today))
        acting = [obj for obj in candidates if can(user, task.action, obj)]
        assert len(acting) == EXPECTED[role].get(task.key, 0), (task.key, acting)
        assert all(_network_of(obj) == own_network for obj in acting), task.key
        if task.key in EXPECTED[role]:
            assert f'href="{task.url(today).replace("&", "&amp;")}"' in html
            # The link leads to the register filtered to those records.
            assert client.get(task.url(today)).status_code == 200


def test_registers_follow_the_permission_rules(world: matrix.World) -> None:
    """The navigation lists a register where the role may add or change; the plain user gets none."""
    pages = {}
    for role in (M.PLAIN, M.LEAD, M.KEEPER, M.DESK, M.ADMIN):
        client = Client()
        client.force_login(world.users[role])
        pages[role] = set(re.findall(r'data-register="([\w-]+)"', client.get(reverse("portal:area")).content.decode()))
    assert pages[M.PLAIN] == set()
    assert "proposte" in pages[M.LEAD] and "proposte" not in pages[M.KEEPER]
    assert "appuntamenti" in pages[M.DESK] and "appuntamenti" not in pages[M.LEAD]
    assert pages[M.LEAD] < pages[M.ADMIN] and pages[M.DESK] < pages[M.ADMIN]


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(reverse("portal:area"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_lands_on_the_work_area_unless_next_says_otherwise(world: matrix.World) -> None:
    # A copy: the module's user object keeps its password hash, or the next test's session would not match.
    user = type(world.users[M.LEAD]).objects.get(pk=world.users[M.LEAD].pk)
    user.set_password("segreta-lunga-123")
    user.save()
    response = Client().post(reverse("login"), {"username": user.username, "password": "segreta-lunga-123"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:area")
    nxt = reverse("network:alliance_list")
    response = Client().post(
        reverse("login") + f"?next={nxt}", {"username": user.username, "password": "segreta-lunga-123", "next": nxt}
    )
    assert response["Location"] == nxt


def test_keeper_sees_listings_expiring_within_30_days_of_its_own_registry(world: matrix.World) -> None:
    """Given a listing of each side expiring in 10 days and one in 40, the keeper counts only its own in 10."""
    from concilia.registry.models import Babysitter

    today = clock.today()
    own, other = (world.obj("registry.babysitter", side) for side in matrix.SIDES)
    Babysitter.objects.filter(pk__in=[own.pk, other.pk]).update(expires_on=today + dt.timedelta(days=10))
    client = Client()
    client.force_login(world.users[M.KEEPER])
    counts = _counts(client.get(reverse("portal:area")).content.decode())
    assert counts.get("expiring") == 1
    Babysitter.objects.filter(pk=own.pk).update(expires_on=today + dt.timedelta(days=40))
    counts = _counts(client.get(reverse("portal:area")).content.decode())
    assert "expiring" not in counts


def test_queries_do_not_grow_with_the_records(world: matrix.World) -> None:
    """Given the lead's page, three more drafts change its count but not the number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from concilia.programming.tests import register_factories as pf

    client = Client()
    client.force_login(world.users[M.LEAD])
    client.get(reverse("portal:area"))  # the session's stamps
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("portal:area"))
    call = world.obj("programming.call:open", "own")
    for _ in range(3):
        pf.proposal(matrix._FactoryWorld(world.sides["own"]), call_=call)
    with CaptureQueriesContext(connection) as after:
        html = client.get(reverse("portal:area")).content.decode()
    assert _counts(html)["drafts"] == 4
    assert len(after) == len(before), (len(before), len(after))
