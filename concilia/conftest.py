"""Fixtures for every app: a small world of networks, alliances and users with roles; a browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from concilia.accounts.choices import Role
from concilia.core.testing import factories as f
from concilia.core.testing.csp import watch_csp

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@dataclass
class World:
    network: Any
    other_network: Any
    alliance: Any
    other_alliance: Any
    lead_org: Any
    other_lead_org: Any
    provider_org: Any
    admin: Any
    coordinator: Any
    lead: Any
    other_lead: Any
    provider: Any
    plain: Any

    def users(self) -> dict[str, Any]:
        return {
            "anonymous": None,
            "plain": self.plain,
            "provider": self.provider,
            "lead": self.lead,
            "other_lead": self.other_lead,
            "coordinator": self.coordinator,
            "admin": self.admin,
        }


@pytest.fixture
def world(db: Any) -> World:
    """Two networks, two alliances with different leads, and one user per role."""
    network = f.NetworkFactory(name="Rete di Cremona")
    other_network = f.NetworkFactory(name="Rete di Mantova")
    lead_org = f.OrganisationFactory(name="Comune capofila", kind="municipality")
    other_lead_org = f.OrganisationFactory(name="Altro capofila", kind="municipality")
    provider_org = f.OrganisationFactory(name="Cooperativa Nido", kind="social_cooperative", employees=12)
    f.MembershipFactory(network=network, organisation=lead_org)
    f.MembershipFactory(network=other_network, organisation=other_lead_org)
    alliance = f.AllianceFactory(name="Alleanza A", network=network, lead=lead_org)
    other_alliance = f.AllianceFactory(name="Alleanza B", network=other_network, lead=other_lead_org)
    f.PartnershipFactory(alliance=alliance, organisation=provider_org)
    admin = f.UserFactory(username="admin", is_superuser=True, is_staff=True)
    return World(
        network=network,
        other_network=other_network,
        alliance=alliance,
        other_alliance=other_alliance,
        lead_org=lead_org,
        other_lead_org=other_lead_org,
        provider_org=provider_org,
        admin=admin,
        coordinator=f.user_with_role(Role.NETWORK_COORDINATOR, network=network, username="coordinatore"),
        lead=f.user_with_role(Role.ALLIANCE_LEAD, organisation=lead_org, username="capofila"),
        other_lead=f.user_with_role(Role.ALLIANCE_LEAD, organisation=other_lead_org, username="altro-capofila"),
        provider=f.user_with_role(Role.SERVICE_PROVIDER, organisation=provider_org, username="gestore"),
        plain=f.UserFactory(username="cittadino"),
    )


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium (Debian's, ``make browser``) per test process: each pytest-xdist worker
    starts its own once, and every browser test opens a fresh context (cookies, storage) in it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run `make browser` (apt-get install chromium).")
    # Playwright's sync API runs an event loop in this thread; Django's ORM is only used by the live server.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A Playwright page in a new browser context (no cookies, Italian, a desktop window).

    The test fails if the site's Content-Security-Policy blocked anything on the pages it opened.
    """
    context = chromium.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    csp_violations = watch_csp(page)
    try:
        yield page
        assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)
    finally:
        context.close()
        # The ORM calls of the test body ran beside Playwright's greenlets, whose contexts hold
        # connections of their own: close them, or PostgreSQL cannot drop the test database.
        connections.close_all()
