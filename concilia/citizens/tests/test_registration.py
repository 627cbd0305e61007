"""Registration with an e-mail address: inactive until the e-mailed link is opened, once, before it expires."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from concilia.accounts.models import User
from concilia.citizens import services
from concilia.citizens.models import Citizen
from concilia.core import clock, privacy
from concilia.core.privacy_notices import CITIZEN_ACCOUNTS

pytestmark = pytest.mark.django_db

PASSWORD = "una frase lunga da ricordare"
FORM = {
    "first_name": "Giulia",
    "last_name": "Bianchi",
    "email": "Giulia.Bianchi@Example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "privacy": "on",
}


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def register(client: Client, **changes: str) -> Any:
    return client.post(reverse("citizens:register"), {**FORM, **changes})


def link_in(message: Any) -> str:
    found = re.search(r"https?://\S+/cittadini/conferma/\S+/", message.body)
    assert found, message.body
    return found.group(0).split("testserver", 1)[1]


def log_in(client: Client, username: str = "giulia.bianchi@example.org", password: str = PASSWORD) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def now(time_machine: Any) -> dt.datetime:
    moment = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)
    time_machine.move_to(moment, tick=False)
    return moment


def test_registering_makes_an_inactive_account_and_mails_the_link(now: dt.datetime) -> None:
    response = register(Client())

    assert response.status_code == 302 and response["Location"] == reverse("citizens:register_done")
    user = User.objects.get()
    assert (user.username, user.email, user.is_active) == ("giulia.bianchi@example.org", user.username, False)
    assert user.check_password(PASSWORD) and not user.roles.exists() and not user.is_staff
    citizen = Citizen.objects.get(user=user)
    assert (citizen.privacy_notice, citizen.privacy_accepted_at, citizen.email_verified_at) == (
        CITIZEN_ACCOUNTS,
        now,
        None,
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["giulia.bianchi@example.org"]
    assert "/cittadini/conferma/" in mail.outbox[0].body


def test_an_unconfirmed_account_cannot_log_in(now: dt.datetime) -> None:
    client = Client()
    register(client)

    response = log_in(client)

    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session


def test_the_link_activates_the_account_once(now: dt.datetime) -> None:
    client = Client()
    register(client)
    link = link_in(mail.outbox[0])

    assert client.get(link).status_code == 200  # a page with a button: opening the link confirms nothing
    assert not User.objects.get().is_active
    response = client.post(link)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    user = User.objects.get()
    assert user.is_active and user.citizen.email_verified_at == now
    assert log_in(client).status_code == 302
    assert client.get(reverse("portal:area"))["Location"] == reverse("citizens:area")
    page = client.get(reverse("citizens:area"))
    assert page.status_code == 200 and b"giulia.bianchi@example.org" in page.content

    again = english().post(link)
    assert again.status_code == 400 and b"already been used" in again.content


def test_an_expired_link_is_refused(now: dt.datetime, time_machine: Any) -> None:
    register(Client())
    link = link_in(mail.outbox[0])

    time_machine.move_to(now + dt.timedelta(hours=settings.CITIZEN_VERIFICATION_HOURS, seconds=1), tick=False)
    response = english().post(link)

    assert response.status_code == 400 and b"has expired" in response.content
    assert not User.objects.get().is_active


def test_the_link_still_works_just_before_it_expires(now: dt.datetime, time_machine: Any) -> None:
    register(Client())
    link = link_in(mail.outbox[0])

    time_machine.move_to(now + dt.timedelta(hours=settings.CITIZEN_VERIFICATION_HOURS - 1), tick=False)

    assert Client().post(link).status_code == 302 and User.objects.get().is_active


def test_a_tampered_link_is_refused(now: dt.datetime) -> None:
    register(Client())
    link = link_in(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    response = english().post(forged)

    assert response.status_code == 400 and b"not valid" in response.content
    assert not User.objects.get().is_active


def test_registering_again_before_confirming_replaces_the_link(now: dt.datetime) -> None:
    register(Client())
    first = link_in(mail.outbox[0])
    register(Client(), password1="un'altra frase lunga", password2="un'altra frase lunga", first_name="Giulia Maria")
    second = link_in(mail.outbox[1])

    assert english().post(first).status_code == 400
    assert Client().post(second).status_code == 302
    user = User.objects.get()
    assert user.is_active and user.first_name == "Giulia Maria" and user.check_password("un'altra frase lunga")


def test_an_address_that_has_an_account_gets_a_message_and_the_page_says_nothing_more(now: dt.datetime) -> None:
    staff = User.objects.create_user(
        "giulia.bianchi@example.org", email="giulia.bianchi@example.org", password="x" * 12
    )
    Citizen.objects.create(user=staff)

    response = register(Client())

    assert response.status_code == 302 and response["Location"] == reverse("citizens:register_done")
    assert User.objects.count() == 1 and User.objects.get().check_password("x" * 12)
    assert len(mail.outbox) == 1 and "/accesso/nuova-password/" in mail.outbox[0].body
    assert "/cittadini/conferma/" not in mail.outbox[0].body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password2": "un'altra frase lunga"}, "password2", "The two passwords differ"),
        ({"password1": "corta", "password2": "corta"}, "password1", "too short"),
        ({"privacy": ""}, "privacy", "read the privacy notice"),
        ({"email": "non-un-indirizzo"}, "email", "Enter an e-mail address"),
        ({"first_name": ""}, "first_name", "required"),
    ],
)
def test_the_form_says_what_is_wrong(changes: dict[str, str], field: str, message: str) -> None:
    response = register(english(), **changes)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="id_{field}_error"'.encode() in response.content
    assert not User.objects.exists() and not mail.outbox


def test_the_form_links_the_privacy_notice() -> None:
    response = Client().get(reverse("citizens:register"))

    assert response.status_code == 200
    assert reverse("portal:privacy_notice", args=[CITIZEN_ACCOUNTS]).encode() in response.content


def test_unconfirmed_registrations_are_deleted_after_their_retention(now: dt.datetime) -> None:
    register(Client())
    register(Client(), email="marco@example.org")
    Client().post(link_in(mail.outbox[1]))

    days = settings.CONCILIA_RETENTION_DAYS["citizen_unverified"]
    kept = privacy.apply_retention(today=clock.today() + dt.timedelta(days=days - 1))
    assert kept["citizens.unconfirmed_registrations"] == 0
    done = privacy.apply_retention(today=clock.today() + dt.timedelta(days=days + 1))

    assert done["citizens.unconfirmed_registrations"] == 1
    assert list(User.objects.values_list("username", flat=True)) == ["marco@example.org"]


def test_the_token_is_stamped_with_the_clock(now: dt.datetime) -> None:
    register(Client())
    user = User.objects.get()

    assert services.check_verification_token(services.verification_token(user)) == user
