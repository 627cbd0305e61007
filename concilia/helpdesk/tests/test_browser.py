"""The done-when flow in headless Chromium: a citizen books an appointment at a help desk, the desk's
operator (``operatore.sportello``) logs in and logs the case from the appointment. Screenshots go to
``artifacts/helpdesk-*.png``; the public pages are checked with axe (WCAG 2.1 AA).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from concilia.conftest import ARTIFACTS
from concilia.core.testing.axe import assert_accessible
from concilia.helpdesk.choices import AppointmentStatus
from concilia.helpdesk.models import Appointment, Case, DeskClosure
from concilia.helpdesk.tests import factories as hf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "password-di-prova"


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"helpdesk-{name}.png"), full_page=True)


def test_book_then_log_the_case(browser_page: Any, live_server: Any, world: Any, time_machine: Any) -> None:
    page, base = browser_page, live_server.url
    desk = hf.desk(world, name="Sportello Famiglia-Lavoro di Cremona", network=world.network, phone="0372 000001")
    operator = hf.operator(desk.organisation, username="operatore.sportello")
    operator.set_password(PASSWORD)
    operator.save()

    # The citizen finds the desk on the public list and books the first free time.
    page.goto(f"{base}/sportelli/")
    assert_accessible(page)
    shot(page, "1-list")
    page.get_by_role("link", name="Sportello Famiglia-Lavoro di Cremona", exact=True).click()
    page.wait_for_url(f"**/sportelli/{desk.pk}/")
    assert_accessible(page)
    page.locator("ul.slot-list label").first.click()
    page.locator('[name="first_name"]').fill("Giulia")
    page.locator('[name="last_name"]').fill("Bassi")
    page.locator('[name="email"]').fill("giulia.bassi@example.org")
    page.locator('[name="phone"]').fill("333 7654321")
    page.locator('[name="topic"]').select_option("childcare")
    page.locator('[name="note"]').fill("Cerco un nido per settembre")
    page.locator("label[for=id_privacy]").click()
    assert page.locator("#id_privacy").is_checked()
    shot(page, "2-booking-form")
    page.locator("#booking form button[type=submit]").click()
    page.wait_for_url("**/sportelli/prenotazione/**")
    assert page.locator("[data-booking=confirmed]").is_visible()
    assert_accessible(page)
    shot(page, "3-booked")
    appointment = Appointment.objects.get()
    with page.expect_download() as download:
        page.get_by_role("link", name="Aggiungi al tuo calendario (.ics)").click()
    assert download.value.suggested_filename == "appuntamento.ics"
    assert "BEGIN:VEVENT" in Path(download.value.path()).read_text()
    assert appointment.status == AppointmentStatus.BOOKED and appointment.last_name == "Bassi"
    page.get_by_role("link", name="Annulla l'appuntamento").click()
    page.wait_for_url(f"**/sportelli/prenotazione/{appointment.token}/disdici/")
    assert_accessible(page)  # the cancellation page (not confirmed: the appointment stays)

    # On the day, after the meeting, the operator logs in, finds the appointment in the day's agenda
    # and logs the case from it (the first free time may be days away: a case is dated the day it
    # happened, and the statistics count up to today).
    time_machine.move_to(appointment.starts_at + dt.timedelta(minutes=45), tick=True)
    page.context.clear_cookies()
    day = appointment.starts_at.astimezone(hf.ROME).date().isoformat()
    agenda = f"/sportelli/appuntamenti/?desk={desk.pk}&day={day}"
    page.goto(f"{base}/accesso/?next=/sportelli/")
    page.locator("#id_username").fill("operatore.sportello")
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/sportelli/")
    page.goto(base + agenda)
    assert "Bassi" in page.content()
    shot(page, "4-agenda")
    page.locator(f'a[href="/sportelli/appuntamenti/{appointment.pk}/"]').first.click()
    page.wait_for_url(f"**/sportelli/appuntamenti/{appointment.pk}/")
    page.locator(f'a[href="/sportelli/appuntamenti/{appointment.pk}/scheda/"]').click()
    page.wait_for_url("**/sportelli/casi/nuovo/**")
    assert page.locator('[name="last_name"]').input_value() == "Bassi"
    assert page.locator('input[name="needs"][value="childcare"]').is_checked()
    page.locator("label[for=" + page.locator('input[name="needs"][value="vouchers"]').get_attribute("id") + "]").click()
    page.locator('[name="outcome"]').select_option("referred")
    page.locator('textarea[name="description"]').fill("Cerca un nido per settembre; informata sui voucher.")
    shot(page, "5-case-form")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/sportelli/casi/*/")
    case = Case.objects.get()
    assert case.appointment == appointment and case.handled_by == operator
    assert case.needs == ["childcare", "vouchers"] and case.channel == "appointment"

    # …and records where the citizen was referred.
    page.locator(f'a[href="/sportelli/invii/nuovo/?case={case.pk}"]').click()
    page.locator('[name="other"]').fill("Ufficio Servizi Sociali del Comune")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/sportelli/invii/*/")
    assert case.referrals.count() == 1
    page.goto(f"{base}/sportelli/casi/{case.pk}/")
    shot(page, "6-case")
    page.goto(f"{base}/sportelli/{desk.pk}/statistiche/")
    assert page.locator("[data-cases]").get_attribute("data-cases") == "1"
    assert_accessible(page)
    shot(page, "7-statistics")


def test_the_booking_page_shows_the_holidays_and_offers_no_time_on_them(
    browser_page: Any, live_server: Any, world: Any, time_machine: Any
) -> None:
    page, base = browser_page, live_server.url
    time_machine.move_to(hf.at(dt.date(2026, 12, 5), 10), tick=True)  # Saturday 5 December 2026
    desk = hf.desk(world, name="Sportello Famiglia-Lavoro di Milano", weeks_ahead=2)
    DeskClosure.objects.create(
        desk=desk, start=dt.date(2000, 12, 7), end=dt.date(2000, 12, 7), reason="Sant'Ambrogio, patrono di Milano",
        every_year=True, source="holidays, Italia, suddivisione MI",
    )  # fmt: skip
    page.goto(f"{base}/sportelli/{desk.pk}/")
    closures = page.locator("[data-closures]")
    assert closures.is_visible()
    text = closures.inner_text()
    assert "Lunedì 7 Dicembre 2026 – Sant'Ambrogio, patrono di Milano" in text, text
    assert "Martedì 8 Dicembre 2026 – Immacolata Concezione" in text
    days = page.locator(".slot-day h3").all_inner_texts()
    assert "Domenica 6 Dicembre 2026" in days and "Mercoledì 9 Dicembre 2026" in days
    assert not [d for d in days if "7 Dicembre" in d or "8 Dicembre" in d], days
    assert_accessible(page)
    closures.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "helpdesk-closures.png"))
