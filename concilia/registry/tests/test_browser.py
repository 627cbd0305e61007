"""The done-when flow in headless Chromium: enrol as a babysitter, verify as an operator, find and write as a family.

Screenshots go to ``artifacts/registry-*.png``; the public pages are checked with axe (WCAG 2.1 AA).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail

from concilia.conftest import ARTIFACTS
from concilia.core import clock
from concilia.core.testing.axe import assert_accessible
from concilia.registry.choices import BabysitterStatus
from concilia.registry.models import Babysitter, ContactMessage
from concilia.registry.tests.factories import make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "password-di-prova"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"registry-{name}.png"), full_page=True)


def tick(page: Any, selector: str) -> None:
    """Tick a checkbox as a person does, by its label (Bootstrap Italia draws the box on the label).

    A forced click on the hidden input's position could land elsewhere while the page still moved.
    """
    box = page.locator(selector)
    if not box.is_checked():
        page.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked(), selector


def test_enrol_verify_find_and_write(browser_page: Any, live_server: Any) -> None:
    page, base = browser_page, live_server.url
    rw = make_world()
    rw.operator.set_password(PASSWORD)
    rw.operator.save()
    today = clock.today()

    # A babysitter applies, without an account.
    page.goto(f"{base}/babysitter/iscrizione/?elenco={rw.registry.pk}")
    assert_accessible(page)
    page.fill("[name=first_name]", "Ottavia")
    page.fill("[name=last_name]", "Riservatissima")
    page.fill("[name=tax_code]", "rsvttv95a41d150q")
    page.fill("[name=birth_date]", "1995-01-01")
    page.fill("[name=email]", "ottavia.privata@example.org")
    page.fill("[name=phone]", "333 7654321")
    page.fill("[name=residence]", "Cremona")
    page.select_option("[name=course]", str(rw.course.pk))
    page.fill("[name=attendance_hours]", "36")
    tick(page, "[name=exam_passed]")
    page.fill("[name=first_aid_issued_on]", str(today - dt.timedelta(days=30)))
    page.fill("[name=first_aid_expires_on]", str(today + dt.timedelta(days=700)))
    tick(page, "[name=no_criminal_record]")
    tick(page, "input[name=languages_choice][value=en]")
    page.select_option("[name=areas]", [str(rw.cremona.pk), str(rw.crema.pk)])
    tick(page, f"input[name=accepted_vouchers][value='{rw.voucher.pk}']")
    page.fill("[name=availability_text]", "lun-ven 16:00-20:00")
    page.fill("[name=experience]", "Quattro anni con bambini in età prescolare.")
    tick(page, "[name=privacy]")
    shot(page, "1-enrol")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/iscrizione/inviata/")
    b = Babysitter.objects.get(first_name="Ottavia")
    assert page.locator("[data-reference]").inner_text() == b.reference
    shot(page, "2-enrolled")
    assert mail.outbox[-1].to == ["ottavia.privata@example.org"]

    # The operator verifies and lists her.
    page.goto(f"{base}/accesso/?next=/babysitter/iscritti/{b.pk}/")
    page.locator("#id_username").fill(rw.operator.username)
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/babysitter/iscritti/{b.pk}/")
    shot(page, "3-operator")
    page.locator(f'a[href="/babysitter/iscritti/{b.pk}/iscrivi/"]').click()
    page.wait_for_url("**/iscrivi/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/babysitter/iscritti/{b.pk}/")
    assert page.locator("[data-babysitter-status]").get_attribute("data-babysitter-status") == "listed"
    shot(page, "4-listed")
    b.refresh_from_db()
    assert b.status == BabysitterStatus.LISTED

    # A family finds her and writes to her; no contact of hers is on the pages.
    page.context.clear_cookies()
    page.goto(f"{base}/babysitter/")
    page.select_option("[name=comune]", str(rw.crema.pk))
    page.select_option("[name=giorno]", "2")
    page.fill("[name=dalle]", "17:00")
    page.fill("[name=alle]", "19:00")
    page.select_option("[name=lingua]", "en")
    with page.expect_navigation():
        page.locator("#search-form button[type=submit]").click()
    assert_accessible(page)
    shot(page, "5-search")
    for secret in ("Riservatissima", "ottavia.privata", "7654321", b.tax_code):
        assert secret not in page.content()
    page.get_by_role("link", name="Ottavia").click()
    page.wait_for_url(f"**/babysitter/profilo/{b.pk}/")
    assert_accessible(page)
    for secret in ("Riservatissima", "ottavia.privata", "7654321", b.tax_code):
        assert secret not in page.content()
    page.fill("[name=family_name]", "Famiglia Verdi")
    page.fill("[name=family_email]", "verdi@example.org")
    page.fill("[name=message]", "Ci servirebbe il mercoledì pomeriggio per due bambini.")
    shot(page, "6-contact")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".alert-success").count() == 1
    shot(page, "7-sent")
    msg = ContactMessage.objects.get()
    assert msg.relayed_at is not None
    assert mail.outbox[-1].to == ["ottavia.privata@example.org"] and mail.outbox[-1].reply_to == ["verdi@example.org"]
