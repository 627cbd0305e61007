"""The privacy notices (issue 13): one public page per purpose, stating the retention the settings apply,
listed on /privacy/, linked from the footer and from every form that collects personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from concilia.conftest import ARTIFACTS
from concilia.core.privacy_notices import (
    ACCOUNTS,
    GARANTE_URL,
    HELPDESK_APPOINTMENT,
    NOTICES,
    REGISTRY_CONTACT,
    REGISTRY_ENROLMENT,
    WORKPLACE_SURVEY,
)
from concilia.core.testing import factories as f
from concilia.helpdesk.tests import factories as hf
from concilia.registry.tests.factories import listed, make_world
from concilia.workplace.tests import factories as wf

pytestmark = pytest.mark.django_db

SLUGS = [notice.slug for notice in NOTICES]


def english() -> Client:
    """A visitor who chose English (the EN button): texts are matched in English."""
    c = Client()
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def notice_href(slug: str) -> str:
    return f'href="{reverse("portal:privacy_notice", args=[slug])}"'


def test_every_purpose_has_a_distinct_notice_with_a_known_retention_key() -> None:
    assert len(set(SLUGS)) == len(SLUGS) == 7
    assert {n.retention_key for n in NOTICES} == set(settings.CONCILIA_RETENTION_DAYS)


@pytest.mark.parametrize("slug", SLUGS)
def test_notice_page_is_public_and_states_the_retention_of_the_settings(slug: str) -> None:
    notice = next(n for n in NOTICES if n.slug == slug)
    days = settings.CONCILIA_RETENTION_DAYS[notice.retention_key]

    response = english().get(reverse("portal:privacy_notice", args=[slug]))

    assert response.status_code == 200
    body = response.content.decode()
    assert f"{days} days" in body
    assert str(notice.title) in body
    for right in ("access", "rectification", "erasure", "restriction", "objection"):
        assert right in body
    assert "Garante per la protezione dei dati personali" in body and f'href="{GARANTE_URL}"' in body


@pytest.mark.parametrize("slug", SLUGS)
def test_notice_page_follows_a_changed_retention(slug: str) -> None:
    notice = next(n for n in NOTICES if n.slug == slug)
    changed = {**settings.CONCILIA_RETENTION_DAYS, notice.retention_key: 4321}

    with override_settings(CONCILIA_RETENTION_DAYS=changed):
        body = english().get(reverse("portal:privacy_notice", args=[slug])).content.decode()

    assert "4321 days" in body


def test_one_day_is_singular() -> None:
    changed = {**settings.CONCILIA_RETENTION_DAYS, "registry_contact": 1}
    with override_settings(CONCILIA_RETENTION_DAYS=changed):
        body = english().get(reverse("portal:privacy_notice", args=[REGISTRY_CONTACT])).content.decode()
    assert "erased 1 day after it was sent" in body


def test_the_page_is_in_italian_by_default() -> None:
    response = Client().get(reverse("portal:privacy_notice", args=[HELPDESK_APPOINTMENT]))
    assert response.status_code == 200
    assert 'lang="it"' in response.content.decode()


def test_index_lists_every_notice_and_the_footer_links_it() -> None:
    body = english().get(reverse("portal:privacy_index")).content.decode()
    for notice in NOTICES:
        assert notice_href(notice.slug) in body
        assert str(notice.title) in body
    home = english().get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:privacy_index")}"' in home


@pytest.mark.parametrize(
    "path", ["/privacy/non-esiste/", "/privacy/dati/personali/", "/privacy/PRENOTAZIONE-SPORTELLI/"]
)
def test_unknown_notice_is_not_found(path: str) -> None:
    assert Client().get(path).status_code == 404


def test_the_survey_notice_says_what_is_not_collected() -> None:
    body = english().get(reverse("portal:privacy_notice", args=[WORKPLACE_SURVEY])).content.decode()
    assert "What is not collected" in body
    assert "the time you answered" in body


# --- the forms link their notice ------------------------------------------------------------------


def test_helpdesk_booking_form_links_the_appointment_notice(world: Any) -> None:
    desk = hf.desk(world)
    body = Client().get(reverse("helpdesk:public_detail", args=[desk.pk])).content.decode()
    assert 'name="privacy"' in body  # the form is shown (there are free times)
    assert notice_href(HELPDESK_APPOINTMENT) in body


def test_registry_enrolment_form_links_the_enrolment_notice() -> None:
    rw = make_world()
    body = Client().get(reverse("registry:enrol") + f"?elenco={rw.registry.pk}").content.decode()
    assert 'name="privacy"' in body
    assert notice_href(REGISTRY_ENROLMENT) in body


def test_registry_enrolment_link_is_html_not_escaped_text() -> None:
    rw = make_world()
    body = english().get(reverse("registry:enrol") + f"?elenco={rw.registry.pk}").content.decode()
    assert ">Read the privacy notice</a>" in body
    assert "&lt;a" not in body


def test_registry_profile_contact_form_links_the_messages_notice() -> None:
    rw = make_world()
    babysitter = listed(rw)
    body = Client().get(reverse("registry:profile", args=[babysitter.pk])).content.decode()
    assert 'name="family_email"' in body
    assert notice_href(REGISTRY_CONTACT) in body


def test_survey_code_page_and_questionnaire_link_the_survey_notice(world: Any) -> None:
    survey = wf.survey(world.lead_org, network=world.network)
    invitation = wf.invitation(survey, f.CompanyFactory())
    code_page = english().get(reverse("workplace:answer", args=[invitation.token])).content.decode()
    assert 'name="code"' in code_page
    assert notice_href(WORKPLACE_SURVEY) in code_page and "Anonymous: see how" in code_page

    code = wf.codes(invitation)[0]
    questionnaire = english().get(reverse("workplace:answer_personal", args=[invitation.token, code]))
    assert questionnaire.status_code == 200
    body = questionnaire.content.decode()
    assert "data-survey-form" in body
    assert notice_href(WORKPLACE_SURVEY) in body


def test_password_reset_form_links_the_accounts_notice() -> None:
    body = Client().get(reverse("password_reset")).content.decode()
    assert 'name="email"' in body
    assert notice_href(ACCOUNTS) in body


# --- accessibility and Content-Security-Policy ----------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_privacy_pages_are_accessible(browser_page: Any, live_server: Any) -> None:
    """As the accessibility walk of the public pages: axe-core (WCAG 2.1 AA) finds nothing, in both
    languages, on a phone and a desktop, nothing scrolls sideways, and the CSP blocks nothing (the fixture)."""
    from concilia.core.testing.axe import assert_accessible

    page = browser_page
    urls = [reverse("portal:privacy_index")] + [reverse("portal:privacy_notice", args=[s]) for s in SLUGS]
    failures = []
    for language in ("it", "en"):
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        for width, viewport in {"phone": (375, 812), "desktop": (1280, 900)}.items():
            page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
            for url in urls:
                response = page.goto(live_server.url + url)
                assert response is not None and response.status == 200, url
                try:
                    assert_accessible(page)
                except pytest.fail.Exception as exc:
                    failures.append(f"[{url} {language} {width}] {exc}")
                if page.evaluate("document.documentElement.scrollWidth") > viewport[0]:
                    failures.append(f"[{url} {language} {width}] the page scrolls sideways")
            page.screenshot(path=str(ARTIFACTS / f"privacy-notice-{language}-{width}.png"), full_page=True)
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
