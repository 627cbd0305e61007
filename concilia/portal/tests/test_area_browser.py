"""The work area in a browser, signed in as each role of :func:`concilia.core.testing.pages.role_pages`:
axe-core finds no violation, nothing scrolls sideways at 375 px, and a screenshot of each role's page
(phone and desktop) is saved in the artifacts."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from concilia.conftest import ARTIFACTS, ReadOnlySite, World
from concilia.core.testing import factories as f
from concilia.core.testing.axe import assert_accessible
from concilia.core.testing.pages import Pages, build_pages, role_pages
from concilia.core.testing.reflow import sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def build_records(world: World) -> tuple[Pages, dict[str, str]]:
    """Given the public records, a draft and a submitted proposal of the alliance, a join request to decide,
    and a signed-in session for each role of the walk."""
    from concilia.programming.choices import ProposalStatus
    from concilia.programming.tests import register_factories as pf

    pages = build_pages(world)
    pf.proposal(world, call_=pages.call)
    pf.proposal(world, call_=pages.call, status=ProposalStatus.SUBMITTED)
    f.JoinRequestFactory(alliance=world.alliance, organisation=f.CompanyFactory(name="Impresa che chiede"))
    sessions = {}
    for user_attr, _url in role_pages().values():
        client = Client()
        client.force_login(getattr(world, user_attr))
        client.get("/")  # the session's stamps, saved now (as the permission matrix does)
        sessions[user_attr] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return pages, sessions


@pytest.mark.parametrize("page_id", role_pages())
def test_role_page_is_accessible_and_fits_a_phone(read_only_site: ReadOnlySite, site_page: Any, page_id: str) -> None:
    pages, sessions = read_only_site.records
    user_attr, url = role_pages()[page_id]
    page = site_page
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": sessions[user_attr], "url": read_only_site.url}]
    )
    failures = []
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        response = page.goto(read_only_site.url + url(pages))
        assert response is not None and response.status == 200, response and response.url
        assert page.locator("h1").inner_text() == "La mia area di lavoro"
        page.screenshot(path=str(ARTIFACTS / f"area-{page_id}-{width}.png"), full_page=True)
        try:
            assert_accessible(page)
        except pytest.fail.Exception as exc:
            failures.append(f"[{width}] {exc}")
        if width == "phone":
            failures.extend(f"[{width}] {what}" for what in sideways_scroll(page))
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def test_lead_follows_a_task_to_the_filtered_register(read_only_site: ReadOnlySite, site_page: Any) -> None:
    """Given the alliance lead with a draft, the work area counts it and its link opens the proposals in draft."""
    pages, sessions = read_only_site.records
    page = site_page
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": sessions["lead"], "url": read_only_site.url}]
    )
    page.goto(read_only_site.url + "/area/")
    task = page.locator('[data-task="drafts"]')
    assert task.locator("[data-count]").inner_text() == "1"
    assert page.locator('[data-task="join_requests"] [data-count]').inner_text() == "1"
    assert page.locator('[data-task="to_admit"]').count() == 0  # the coordinator's, not the lead's
    task.locator("a").click()
    page.wait_for_url("**/proposte/?status=draft")
    assert "Proposta conciliazione" in page.locator("main").inner_text()
