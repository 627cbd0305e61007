"""The platform administrator assigns roles in the admin; nobody else gets in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_admin_pages_for_roles_and_registers(world: Any) -> None:
    admin = Client()
    admin.force_login(world.admin)
    for url in (
        f"/admin/accounts/user/{world.lead.pk}/change/",
        "/admin/accounts/roleassignment/",
        "/admin/network/organisation/",
        f"/admin/network/alliance/{world.alliance.pk}/history/",
        "/admin/territory/district/",
    ):
        assert admin.get(url).status_code == 200, url
    page = admin.get(f"/admin/accounts/user/{world.lead.pk}/change/").content.decode()
    assert world.lead_org.name in page  # the lead's role assignment is shown inline
    coordinator = Client()
    coordinator.force_login(world.coordinator)
    assert coordinator.get("/admin/accounts/user/").status_code == 302  # not staff: sent to the admin login
