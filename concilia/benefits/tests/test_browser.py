"""The done-when flow on a phone in headless Chromium: a family adds its household, applies to a voucher call,
sees its place and the reasons after closing day, and objects. Screenshots go to ``artifacts/family-*.png``;
each page is checked with axe (WCAG 2.1 AA).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from stdnum.it import codicefiscale

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.models import Application
from concilia.benefits.tests.test_applications import voucher_call
from concilia.conftest import ARTIFACTS
from concilia.core import clock
from concilia.core.testing import factories as f
from concilia.core.testing.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "password-di-prova"
PHONE = {"width": 390, "height": 844}


def sign_in(page: Any, base: str, username: str, next_url: str) -> None:
    """Sign in afresh as ``username`` (the previous user's cookies gone) and land on ``next_url``."""
    page.context.clear_cookies()
    page.goto(f"{base}/accesso/?next={next_url}")
    page.locator('[name="username"]').fill(username)
    page.locator('[name="password"]').fill(PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(f"**{next_url.split('?')[0]}*")


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"family-{name}.png"), full_page=True)


def test_a_family_applies_from_a_phone_and_reads_its_ranking(browser_page: Any, live_server: Any, world: Any) -> None:
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    call = voucher_call(world)
    mother = f.UserFactory(username="giulia.famiglia", first_name="Giulia", last_name="Bassi")
    mother.set_password(PASSWORD)
    mother.save()

    page.goto(f"{base}/accesso/?next=/famiglia/")
    page.locator('[name="username"]').fill("giulia.famiglia")
    page.locator('[name="password"]').fill(PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url("**/famiglia/")
    assert_accessible(page)
    page.locator('[name="address"]').fill("Via Roma 1")
    page.get_by_role("button", name="Crea il tuo nucleo familiare").click()
    page.wait_for_url("**/famiglia/")

    for first, code, hours in (("Giulia", "BSSGLI85M41F205", "30"), ("Paolo", "RSSPLA84A01F205", "38")):
        page.get_by_role("link", name="Aggiungi un adulto").click()
        page.locator('[name="first_name"]').fill(first)
        page.locator('[name="last_name"]').fill("Bassi")
        page.locator('[name="tax_code"]').fill(code + codicefiscale.calc_check_digit(code))
        page.locator('[name="birth_date"]').fill("1985-08-01")
        page.locator('[name="employment"]').select_option("self_employed")
        page.locator('[name="weekly_hours"]').fill(hours)
        if first == "Giulia":
            assert_accessible(page)
            shot(page, "1-adult")
        page.get_by_role("button", name="Salva").click()
        page.wait_for_url("**/famiglia/")
    page.get_by_role("link", name="Aggiungi un figlio").click()
    page.locator('[name="first_name"]').fill("Bea")
    page.locator('[name="last_name"]').fill("Bassi")
    page.locator('[name="birth_date"]').fill("2018-04-02")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url("**/famiglia/")
    assert page.locator("[data-adult]").count() == 2 and page.locator("[data-child]").count() == 1
    shot(page, "2-household")

    page.goto(f"{base}/famiglia/bandi/")
    assert_accessible(page)
    page.get_by_role("link", name="Leggi e fai domanda").click()
    assert_accessible(page)
    shot(page, "3-call")
    page.get_by_role("button", name="Inizia la domanda").click()
    page.wait_for_url("**/famiglia/domande/*/")
    application = Application.objects.get(household__owner=mother)
    page.goto(f"{base}/famiglia/domande/{application.pk}/passo/children/")
    page.locator("input[name^=child_]").fill("4")
    assert_accessible(page)
    shot(page, "4-weeks")
    page.get_by_role("button", name="Salva e continua").click()
    page.wait_for_url("**/passo/declarations/")
    for code in ("truthful", "checks", "notice"):  # Bootstrap Italia's checkbox: its label takes the click
        page.locator(f"label[for=id_declare_{code}]").click()
        assert page.locator(f"#id_declare_{code}").is_checked()
    assert_accessible(page)
    shot(page, "5-declarations")
    page.get_by_role("button", name="Salva e continua").click()
    page.wait_for_url(f"**/famiglia/domande/{application.pk}/")
    assert page.locator("[data-eligible]").is_visible()
    page.get_by_role("button", name="Invia la domanda").click()
    page.wait_for_url(f"**/famiglia/domande/{application.pk}/")
    application.refresh_from_db()
    assert page.locator("[data-protocol]").inner_text() == application.protocol
    assert_accessible(page)
    shot(page, "6-submitted")

    # Closing day (as if the deadline had passed), and two coordinators publish the provisional ranking.
    after = call.closes_at + dt.timedelta(minutes=1)
    ranking = services.closing_day(call=call, now=after)
    second = f.user_with_role(Role.NETWORK_COORDINATOR, username="seconda", network=world.network)
    services.ranking_request(ranking=ranking, by=world.coordinator, now=after)
    services.ranking_approve(ranking=ranking, by=second, now=after)

    page.goto(f"{base}/famiglia/domande/{application.pk}/graduatoria/")
    assert page.locator("[data-rank]").inner_text() == "1"
    assert page.locator("[data-explanation] li").count() >= 1
    assert_accessible(page)
    shot(page, "7-ranking")
    page.locator("#objection-text").fill("Le settimane richieste sono 6: allego la ricevuta del centro estivo.")
    page.get_by_role("button", name="Presenta il ricorso").click()
    page.wait_for_url("**/graduatoria/")
    assert page.locator("[data-objection=pending]").is_visible()
    shot(page, "8-objection")
    page.goto(f"{base}/famiglia/graduatorie/{ranking.pk}/")
    assert application.protocol in page.locator("[data-ranking]").inner_text()
    assert "Bassi" not in page.locator("[data-ranking]").inner_text()  # protocol numbers, not names
    assert_accessible(page)
    shot(page, "9-public-ranking")


def test_an_operator_files_for_a_family_and_searches_the_nurseries(
    browser_page: Any, live_server: Any, world: Any
) -> None:
    """At the desk: the household found by a parent's tax code, the child chosen, the nurseries searched."""
    from concilia.benefits.models import Adult, Child, Household
    from concilia.benefits.tests.test_applications import family
    from concilia.benefits.tests.test_preference_search import place_call

    page, base = browser_page, live_server.url
    home = f.MunicipalityFactory(name="Casa", latitude=45.5355, longitude=9.2290)
    call, (near, far, _older) = place_call(world, home)
    household, child = family("colombo")
    Household.objects.filter(pk=household.pk).update(municipality=home)
    child.birth_date = clock.today() - dt.timedelta(days=400)  # a nursery's age
    child.save()
    Adult.objects.filter(household=household, first_name="Anna").update(tax_code="RSSMRA85T10A562S")
    services.member_save(
        member=Child(household=household, first_name="Leo", last_name="colombo", birth_date=child.birth_date),
        by=household.owner,
    )  # two children: the operator chooses
    operator = f.user_with_role(Role.DESK_OPERATOR, username="sportello.sesto", organisation=world.provider_org)
    operator.set_password(PASSWORD)
    operator.save()

    page.goto(f"{base}/accesso/?next=/area/")
    page.locator('[name="username"]').fill("sportello.sesto")
    page.locator('[name="password"]').fill(PASSWORD)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url("**/area/")
    page.locator("a[data-desk-file]").click()
    page.wait_for_url("**/famiglia/sportello/")
    page.locator('[name="tax_code"]').fill("rssmra85t10a562s")
    page.locator('[name="call"]').select_option(str(call.pk))
    page.get_by_role("button", name="Cerca il nucleo").click()
    page.get_by_role("radio", name=f"{child.first_name} {child.last_name}").check()
    assert_accessible(page)
    shot(page, "desk-1-child")
    page.get_by_role("button", name="Inizia la domanda").click()
    page.wait_for_url("**/famiglia/domande/*/")
    application = Application.objects.get(household=household)
    assert application.filed_by == operator and application.child == child

    page.goto(f"{base}/famiglia/domande/{application.pk}/passo/preferences/")
    assert page.locator("[data-offer]").count() == 3
    page.locator("#offer-q").fill("arcobaleno")
    page.locator("[data-offer-search] button[type=submit]").click()
    page.wait_for_url("**/passo/preferences/?q=arcobaleno")
    assert page.locator("[data-offer]").count() == 1
    page.locator('[name="choice_1"]').select_option(str(far.pk))
    assert_accessible(page)
    shot(page, "desk-2-nurseries")
    page.get_by_role("button", name="Salva e continua").click()
    page.wait_for_url("**/passo/declarations/")
    assert list(application.preferences.values_list("offer_id", flat=True)) == [far.pk]


def test_a_family_accepts_its_place_another_refuses_and_the_nursery_enrols(
    browser_page: Any, live_server: Any, world: Any
) -> None:
    """Issue 17's places on a phone: accept, refuse (the next family is offered the seat), the provider enrols."""
    from concilia.benefits.models import Place
    from concilia.benefits.tests.test_places import ranked_place_call

    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    call, _offer, (first, second, third, _fourth) = ranked_place_call(world)
    services.places_offer(call=call, by=world.coordinator)
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="nido.prova", organisation=world.provider_org)
    for user in (first.household.owner, second.household.owner, provider):
        user.set_password(PASSWORD)
        user.save()

    sign_in(page, base, first.household.owner.username, f"/famiglia/domande/{first.pk}/posto/")
    assert page.locator("[data-place]").get_attribute("data-place") == "offered"
    assert_accessible(page)
    shot(page, "place-1-offered")
    page.get_by_role("button", name="Accetta il posto").click()
    page.wait_for_url("**/posto/")
    assert page.locator("[data-place]").get_attribute("data-place") == "accepted"
    shot(page, "place-2-accepted")

    sign_in(page, base, second.household.owner.username, f"/famiglia/domande/{second.pk}/posto/")
    page.get_by_role("button", name="Rifiuta il posto").click()
    page.wait_for_url("**/posto/")
    assert page.locator("[data-place]").get_attribute("data-place") == "refused"
    assert Place.objects.get(application=third).status == "offered"  # the seat went to the next family

    sign_in(page, base, "nido.prova", "/famiglia/posti/")
    assert page.locator('[data-provider-place="accepted"]').count() == 1
    assert_accessible(page)
    shot(page, "place-3-provider")
    page.get_by_role("button", name="Conferma l'iscrizione").click()
    page.wait_for_url("**/famiglia/posti/")
    assert page.locator('[data-provider-place="enrolled"]').count() == 1
    shot(page, "place-4-enrolled")


def test_a_provider_redeems_a_voucher_from_a_phone_and_the_coordinator_approves(
    browser_page: Any, live_server: Any, world: Any
) -> None:
    """Issue 17's vouchers: the family's code and QR, the provider's redemption on a phone, the batch approved."""
    from concilia.benefits.models import Redemption, Voucher
    from concilia.benefits.tests.test_vouchers import ranked_voucher_call
    from concilia.services.tests.factories import ServiceFactory

    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    call, (first, *_rest) = ranked_voucher_call(world)
    services.vouchers_issue(call=call, by=world.coordinator)
    voucher = Voucher.objects.get(application=first)
    ServiceFactory(name="Centro estivo Girandola", kind="centro_estivo", provider=world.provider_org)
    provider = f.user_with_role(Role.SERVICE_PROVIDER, username="girandola", organisation=world.provider_org)
    for user in (first.household.owner, provider, world.coordinator):
        user.set_password(PASSWORD)
        user.save()

    sign_in(page, base, first.household.owner.username, f"/famiglia/domande/{first.pk}/voucher/")
    assert page.locator("[data-voucher-code]").inner_text() == voucher.code
    assert page.locator("[data-voucher-qr] svg").is_visible()
    assert_accessible(page)
    shot(page, "voucher-1-family")

    sign_in(page, base, "girandola", f"/famiglia/voucher/incassa/?codice={voucher.code}")  # what the QR opens
    assert page.locator('[name="code"]').input_value() == voucher.code
    page.locator('[name="amount_cents"]').fill("300,00")
    today = clock.today().isoformat()
    page.locator('[name="period_start"]').fill(today)
    page.locator('[name="period_end"]').fill(today)
    page.locator('[name="attendance_days"]').fill("5")
    page.locator('[name="receipt_number"]').fill("R-2026-41")
    assert_accessible(page)
    shot(page, "voucher-2-redeem")
    page.get_by_role("button", name="Incassa", exact=True).click()
    page.wait_for_url("**/famiglia/voucher/incassa/")
    assert page.locator('[data-redemption="submitted"]').count() == 1
    shot(page, "voucher-3-redeemed")

    sign_in(page, base, world.coordinator.username, f"/famiglia/bandi/{call.pk}/voucher/")
    page.get_by_role("button", name="Approvali per il rimborso").click()
    page.wait_for_url(f"**/famiglia/bandi/{call.pk}/voucher/")
    assert page.locator("[data-batch]").count() == 1
    assert_accessible(page)
    shot(page, "voucher-4-approved")
    assert Redemption.objects.get().status == "approved"
