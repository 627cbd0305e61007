"""Fixtures for every app: a small world of networks, alliances and users with roles; a browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from concilia.accounts.choices import Role
from concilia.core.testing import factories as f
from concilia.core.testing.console import watch_console
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
    return build_world()


def build_world() -> World:
    """The records of :func:`world` (for a fixture of a wider scope, which opens the database itself)."""
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
    from concilia.core.testing.screenshots import steady_screenshots

    with sync_playwright() as pw, steady_screenshots():
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A Playwright page in a new browser context (no cookies, Italian, a desktop window).

    The test fails if the site's Content-Security-Policy blocked anything on the pages it opened, or
    if the browser console showed an error or an uncaught exception (``core/testing/console.py``).
    """
    context = chromium.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    csp_violations = watch_csp(page)
    console_errors = watch_console(page)
    try:
        yield page
        assert not csp_violations, "Content-Security-Policy violations:\n" + "\n".join(csp_violations)
        assert not console_errors, "Errors in the browser console:\n" + "\n".join(console_errors)
    finally:
        context.close()
        # The ORM calls of the test body ran beside Playwright's greenlets, whose contexts hold
        # connections of their own: close them, or PostgreSQL cannot drop the test database.
        connections.close_all()


@dataclass
class ReadOnlySite:
    """A live server over records built once, and one browser context whose cache the tests share."""

    url: str
    world: World
    context: Any
    records: Any = None
    page: Any = None
    csp_violations: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def read_only_site(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any, chromium: Any
) -> Iterator[ReadOnlySite]:
    """For a module whose browser tests only read: the world (and what the module's ``build_records``
    adds) is built once, served by a live server of the module's own, and removed at the end.

    pytest-django's ``live_server`` would make every test transactional: the database emptied and
    the records built again for each test, and a cold browser cache each time (a third of the
    accessibility walk's time). The tests of such a module write nothing, so they share the records
    and a browser context; each test still opens its own page and starts without cookies.
    """
    from django.core.management import call_command
    from pytest_django.live_server_helper import LiveServer

    build_records = getattr(request.module, "build_records", None)
    with django_db_blocker.unblock():
        world = build_world()
        records = build_records(world) if build_records else None
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    context = chromium.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    try:
        yield ReadOnlySite(url=server.url, world=world, context=context, records=records)
    finally:
        context.close()
        server._live_server_modified_settings.disable()
        server.stop()
        with django_db_blocker.unblock():
            for alias in connections:
                call_command("flush", database=alias, interactive=False, verbosity=0)
            connections.close_all()


@pytest.fixture
def site_page(read_only_site: ReadOnlySite) -> Iterator[Any]:
    """The shared context's page, cleared of cookies; fails on Content-Security-Policy violations and
    on errors in the browser console.

    One page serves the module's tests in turn: a new page costs a renderer's start (0.6 s a test).
    """
    site = read_only_site
    if site.page is None:
        site.page = site.context.new_page()
        site.page.set_default_timeout(15000)
        site.csp_violations = watch_csp(site.page)
        site.console_errors = watch_console(site.page)
    site.context.clear_cookies()
    site.page.goto("about:blank")
    site.page.set_viewport_size({"width": 1280, "height": 900})
    site.csp_violations.clear()
    site.console_errors.clear()
    yield site.page
    assert not site.csp_violations, "Content-Security-Policy violations:\n" + "\n".join(site.csp_violations)
    assert not site.console_errors, "Errors in the browser console:\n" + "\n".join(site.console_errors)
