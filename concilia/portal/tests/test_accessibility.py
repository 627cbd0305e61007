"""WCAG 2.1 AA: axe-core finds no violation on any public page, in both languages, on a phone and a desktop.

Every page a visitor reaches without logging in is listed in :func:`concilia.core.testing.pages.public_pages`,
one line each, and
checked by axe-core (``make axe`` installs it from npm) in headless Chromium, with the WCAG 2.0 and 2.1
A and AA rules; no rule is disabled and nothing on a page is excluded. The phone's open main menu is
checked too. Not listed: the API console (swagger-ui, see ``test_api_console_is_accessible``), and
the machine and staff interfaces (the DRF browsable API under /api/, the Django admin).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from concilia.conftest import ARTIFACTS, ReadOnlySite, World
from concilia.core.testing.axe import assert_accessible
from concilia.core.testing.pages import Pages, build_pages, public_pages
from concilia.core.testing.reflow import sideways_scroll

# The tests only read: the records and the server are built once for the module (``read_only_site``), and
# each test runs in a transaction that is rolled back (``django_db``) rather than emptying the database.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
LANGUAGES = ("it", "en")


def build_records(world: World) -> Pages:
    """Given the world, with the territory, agreements, contacts and history a real register has."""
    return build_pages(world)


@pytest.fixture
def pages(read_only_site: ReadOnlySite) -> Pages:
    return read_only_site.records


@pytest.fixture
def live_url(read_only_site: ReadOnlySite) -> str:
    return read_only_site.url


@pytest.mark.parametrize("page_id", public_pages())
def test_public_page_is_accessible(site_page: Any, live_url: str, pages: Pages, page_id: str) -> None:
    """Given an anonymous visitor, in each language and on a phone and a desktop, the page has no violation.

    The four variants share one browser (starting Chromium costs more than checking a page); every
    variant is checked and the failure lists the violations of each.
    """
    page = site_page
    url = live_url + public_pages()[page_id](pages)
    failures = []
    for language in LANGUAGES:
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url}])
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            response = page.goto(url)
            assert response is not None
            assert response.status == (404 if page_id == "not-found" else 200), response.url
            assert page.locator("html").get_attribute("lang") == language
            try:
                assert_accessible(page)
            except pytest.fail.Exception as exc:
                failures.append(f"[{language}, {width}] {exc}")
                page.screenshot(path=str(ARTIFACTS / f"a11y-{page_id}-{language}-{width}.png"), full_page=True)
            # Reflow (WCAG 1.4.10), which axe cannot see: nothing makes the page scroll sideways, and on a
            # phone no table hides columns in a scrolling box either (concilia.core.testing.reflow).
            if width == "phone":
                failures.extend(f"[{language}, {width}] {what}" for what in sideways_scroll(page))
            else:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > viewport["width"]:
                    failures.append(f"[{language}, {width}] the page scrolls sideways ({scroll_width}px wide)")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_care_planner_results_are_accessible(site_page: Any, live_url: str, pages: Pages, language: str) -> None:
    """The planner's answer (a POST, which records nothing): proposals, gaps in words, the timeline pictures."""
    page = site_page
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url}])
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.goto(live_url + reverse("services:planner"))
        page.fill("#id_comune", pages.municipality.istat_code)
        page.fill("#id_settimana", "2026-11-30")
        page.fill("#id_genitore1_orari", "lun-ven 08:30-17:30")
        page.fill("#id_genitore2_orari", "lun-ven 09:00-18:00")
        page.fill("#id_figlio1_nascita", "2022-06-10")
        page.locator("form button[type=submit].btn-primary").last.click()
        page.wait_for_selector("#plan-heading")
        assert page.locator("figure.timeline-figure svg").count() >= 1
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], width
        page.screenshot(path=str(ARTIFACTS / f"a11y-planner-{language}-{width}.png"), full_page=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_phone_menu_is_accessible(site_page: Any, live_url: str, language: str) -> None:
    """Given a phone, when the visitor opens the main menu, the open menu has no violation either."""
    page = site_page
    page.set_viewport_size(WIDTHS["phone"])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_url}])
    page.goto(live_url + reverse("network:network_list"))
    page.locator(".custom-navbar-toggler").click()
    close = page.locator("#main-menu .close-menu")
    close.wait_for(state="visible")
    # A locator assertion, not wait_for_function: that evaluates its string in the page, which the CSP forbids.
    from playwright.sync_api import expect

    expect(page.locator("#main-menu .close-div")).to_have_css("opacity", "1")
    assert_accessible(page)
    page.screenshot(path=str(ARTIFACTS / f"a11y-menu-{language}-phone.png"))
    close.click()
    page.locator("#main-menu .menu-wrapper").wait_for(state="hidden")


@pytest.mark.xfail(
    strict=True,
    raises=pytest.fail.Exception,  # only axe's verdict is expected; any other error fails
    reason=(
        "The API console (/api/docs/) is swagger-ui, a React bundle that drf-spectacular serves with its own "
        "template: it does not use base.html or concilia.css. axe finds swagger-ui's own faults there: no lang "
        "on <html>, a button nested in each operation's summary button, and its palette's contrast. Fixing "
        "them takes an override of drf_spectacular/swagger_ui.html (lang, stylesheet, a swagger-ui plugin); "
        "until then this test records the gap, and fails (strict xfail) as soon as the console passes."
    ),
)
def test_api_console_is_accessible(site_page: Any, live_url: str) -> None:
    page = site_page
    page.goto(live_url + reverse("api-docs"))
    page.locator(".opblock-tag").first.wait_for()
    assert_accessible(page)
