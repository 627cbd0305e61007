"""The Content-Security-Policy in Chromium: no public page, the API console or a form breaks it.

Every environment sends the policy of ``concilia/settings/base.py``; these tests open the pages in
headless Chromium with :func:`concilia.core.testing.csp.watch_csp` listening, so an inline script, an
inline event handler or a resource from elsewhere that the policy blocks fails here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from django.urls import reverse

from concilia.conftest import World
from concilia.core.testing.csp import watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_watch_csp_reports_what_the_policy_blocks(chromium: Any, live_server: Any, world: World) -> None:
    """Given a page that adds an inline script without the nonce, the watcher reports the violation.

    A context of its own: ``browser_page`` fails any test whose pages break the policy, as this one must.
    """
    context = chromium.new_context()
    try:
        page = context.new_page()
        violations = watch_csp(page)
        page.goto(live_server.url + reverse("portal:home"))
        page.evaluate("""() => {
          const script = document.createElement("script");
          script.textContent = "window.blockedRan = true";
          document.body.appendChild(script);
        }""")
        page.wait_for_timeout(200)  # the event reaches Python asynchronously
        assert page.evaluate("window.blockedRan") is None
        assert any("script-src" in v for v in violations), violations
    finally:
        context.close()
        connections.close_all()


def test_the_api_console_breaks_no_policy(browser_page: Any, live_server: Any, world: World) -> None:
    """Given the policy, the API console (swagger-ui, started from a script file) loads without a violation.

    Every public page is opened by the accessibility walk (``test_accessibility.py``) and every flow by
    its browser test, all through ``browser_page``, which fails on any violation: this page is the one
    they do not open.
    """
    page = browser_page
    violations = watch_csp(page)
    page.goto(live_server.url + reverse("api-docs"))
    page.locator(".opblock-tag").first.wait_for()  # swagger-ui started from its script file
    page.wait_for_timeout(200)
    assert not violations, "\n".join(violations)


def test_a_form_with_errors_runs_its_nonce_script(browser_page: Any, live_server: Any, world: World) -> None:
    """Given an edit form sent empty, its inline script (with the nonce) runs: the error summary has the focus."""
    page = browser_page
    violations = watch_csp(page)
    client = Client()
    client.force_login(world.admin)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    page.goto(live_server.url + reverse("network:network_edit", args=[world.network.pk]))
    page.fill("#id_name", "")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_selector("#form-errors")
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert not violations, "\n".join(violations)
