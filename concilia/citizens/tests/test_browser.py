"""The citizen's flows in headless Chromium, as on ``make run``: log in with SPID / CIE through the local provider,
and register with an e-mail address. Screenshots go to ``artifacts/citizens-*.png``; each page is checked with
axe (WCAG 2.1 AA), and the browser fixture fails on any Content-Security-Policy violation or console error.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from concilia.citizens import demo
from concilia.citizens.idp import setup
from concilia.citizens.models import CitizenIdentity
from concilia.conftest import ARTIFACTS
from concilia.core.testing.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"citizens-{name}.png"), full_page=True)


@pytest.fixture
def demo_provider(live_server: Any) -> Any:
    """The demo's provider and identities, with the live server's callback registered for its client."""
    demo.load()
    from django.conf import settings

    return setup.ensure_client(
        client_id=settings.OIDC_RP_CLIENT_ID,
        secret=settings.OIDC_RP_CLIENT_SECRET,
        redirect_uris=[live_server.url + reverse("citizens:oidc_callback")],
    )


def test_a_demo_citizen_logs_in_with_spid_cie(browser_page: Any, live_server: Any, demo_provider: Any) -> None:
    page = browser_page
    page.goto(live_server.url + reverse("login"))
    assert_accessible(page)
    shot(page, "1-login")

    page.click("[data-login=spid-cie]")
    page.wait_for_url(re.compile(r".*/spid-cie-demo/accesso/.*"))
    assert_accessible(page)
    shot(page, "2-provider")
    page.fill("#id_username", "giulia.bianchi")
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("button[type=submit]:has-text('Concilia')")

    page.wait_for_url(live_server.url + reverse("citizens:area"))
    assert_accessible(page)
    shot(page, "3-personal-area")
    assert page.locator("[data-field=tax-code]").inner_text() == "BNCGLI88C52D150J"
    assert page.locator("[data-field=email]").inner_text() == "giulia.bianchi@example.org"
    identity = CitizenIdentity.objects.get()
    assert identity.subject == "esempio-7c1e5a92-giulia" and identity.user.first_name == "Giulia"

    page.click("main form[action='/uscita/'] button")
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + reverse("citizens:area"))
    assert "/accesso/" in page.url  # logged out


def test_a_citizen_registers_confirms_and_logs_in(browser_page: Any, live_server: Any) -> None:
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 812})  # on a phone
    page.goto(live_server.url + reverse("citizens:register"))
    page.click("main button[type=submit]")  # empty: every error said next to its field
    page.locator("#form-errors").wait_for()
    assert_accessible(page)
    shot(page, "4-register-errors")

    page.fill("#id_first_name", "Marco")
    page.fill("#id_last_name", "Esposito")
    page.fill("#id_email", "marco.esposito@example.org")
    page.fill("#id_password1", "una frase lunga da ricordare")
    page.fill("#id_password2", "una frase lunga da ricordare")
    page.locator("label[for=id_privacy]").click()
    assert page.locator("#id_privacy").is_checked()
    page.click("main button[type=submit]")
    page.wait_for_url(live_server.url + reverse("citizens:register_done"))
    assert_accessible(page)

    link = re.search(r"https?://\S+/cittadini/conferma/\S+/", mail.outbox[-1].body)
    assert link is not None
    page.goto(link.group(0))
    assert_accessible(page)
    shot(page, "5-confirm")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/accesso/.*"))
    page.fill("#id_username", "Marco.Esposito@example.org")
    page.fill("#id_password", "una frase lunga da ricordare")
    page.click("main form button[type=submit] >> nth=-1")
    page.wait_for_url(live_server.url + reverse("citizens:area"))
    assert page.locator("[data-password]").is_visible()
    shot(page, "6-personal-area-phone")
