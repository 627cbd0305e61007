"""Brute force, password reset and password rules (issue 13): each as a person or an attacker would try it."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from concilia.accounts.models import User
from concilia.core import clock
from concilia.core.testing import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "una frase lunga e facile da ricordare"


@pytest.fixture
def person() -> User:
    user = f.UserFactory(username="mario.rossi", email="mario.rossi@example.org")
    user.set_password(PASSWORD)
    user.save()
    return user


def login(client: Client, password: str, username: str = "mario.rossi", **extra: Any) -> Any:
    return client.post("/accesso/", {"username": username, "password": password}, **extra)


def basic(password: str, username: str = "mario.rossi") -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_form_until_the_cool_off_ends(person: User, time_machine: Any) -> None:
    time_machine.move_to(clock.now(), tick=False)
    client = Client()
    for _attempt in range(4):
        assert login(client, "sbagliata").status_code == 200  # the form again, with its error
    assert login(client, "sbagliata").status_code == 429  # the fifth failure locks
    locked = login(client, PASSWORD)
    assert locked.status_code == 429
    assert not logged_in(client)
    assert "bloccato" in locked.content.decode()
    # 20 more tries change nothing, and the right password still does not get in
    for _attempt in range(20):
        login(client, "sbagliata")
    assert login(client, PASSWORD).status_code == 429
    # another address is not locked out by this one's failures
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert login(other, PASSWORD).status_code == 302
    assert logged_in(other)
    # the cool-off expires: 30 minutes after the last failure the right password works
    time_machine.move_to(clock.now() + dt.timedelta(minutes=31), tick=False)
    assert login(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_rotating_forwarded_for_does_not_escape_the_lockout(person: User) -> None:
    client = Client()
    for n in range(6):
        login(client, "sbagliata", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert login(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77").status_code == 429


def test_http_basic_on_the_api_is_locked_out_too(person: User) -> None:
    client = Client()
    for _attempt in range(4):
        assert client.get("/api/network/organisations/", **basic("sbagliata")).status_code == 403
    assert client.get("/api/network/organisations/", **basic("sbagliata")).status_code == 429
    refused = client.get("/api/network/organisations/", **basic(PASSWORD))
    assert refused.status_code == 429
    assert "detail" in refused.json()
    # the form is refused for the same user and address, as both are one login
    assert login(client, PASSWORD).status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_is_the_client(person: User) -> None:
    from concilia.core.throttling import client_ip

    request = Client().get("/").wsgi_request
    request.META.update({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"})
    assert client_ip(request) == "203.0.113.5"  # what the client wrote itself (1.2.3.4) is ignored
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(5):
        login(proxy, "sbagliata", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.5")
    assert login(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5").status_code == 429
    # another client behind the same proxy is not locked out
    assert login(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_password_reset_by_e_mail_then_login_with_a_long_passphrase(person: User) -> None:
    client = Client()
    page = client.get("/accesso/")
    assert 'href="/accesso/password-dimenticata/"' in page.content.decode()
    unknown = client.post("/accesso/password-dimenticata/", {"email": "nessuno@example.org"})
    assert unknown.status_code == 302
    assert mail.outbox == []  # and the answer is the same page: no way to learn which addresses exist
    sent = client.post("/accesso/password-dimenticata/", {"email": "mario.rossi@example.org"})
    assert sent["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accesso/nuova-password/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form = client.get(link.group(1), follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    # common, short and all-digit passwords are refused, with the reason
    for weak, reason in (("password1234", "troppo comune"), ("corta", "12"), ("839274615209", "numerica")):
        refused = client.post(set_url, {"new_password1": weak, "new_password2": weak})
        assert refused.status_code == 200
        assert reason in refused.content.decode(), weak
    passphrase = "il gatto di Cremona dorme sul divano verde ogni pomeriggio d'inverno " * 2
    assert len(passphrase) > 128
    done = client.post(set_url, {"new_password1": passphrase, "new_password2": passphrase})
    assert done.status_code == 302
    fresh = Client()
    assert login(fresh, passphrase).status_code == 302
    # the link works once
    assert "non è valido" in Client().get(link.group(1), follow=True).content.decode()


def test_changing_the_password_asks_for_the_old_one(person: User) -> None:
    client = Client()
    client.force_login(person)
    new = "un'altra frase lunga per il nuovo accesso"
    wrong = client.post("/account/password/", {"old_password": "sbagliata", "new_password1": new, "new_password2": new})
    assert wrong.status_code == 200
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    ok = client.post("/account/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert ok.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)
    assert Client().get("/account/password/").status_code == 302  # anonymous: to the login page


def test_a_session_unused_for_an_hour_ends_and_one_in_use_lasts_the_working_day(
    person: User, time_machine: Any
) -> None:
    time_machine.move_to(clock.now(), tick=False)
    client = Client()
    assert login(client, PASSWORD).status_code == 302
    private = "/account/password/"
    # used every 50 minutes, the session stays open: its expiry is renewed
    for _step in range(9):  # 7 h 30 after the login
        time_machine.move_to(clock.now() + dt.timedelta(minutes=50), tick=False)
        assert client.get(private).status_code == 200
    # past eight hours after the login it ends, however active, and the page says why
    time_machine.move_to(clock.now() + dt.timedelta(minutes=31), tick=False)
    ended = client.get(private, follow=True)
    assert ended.redirect_chain[-1][0].startswith("/accesso/")
    assert not logged_in(client)
    assert "sign in again" in ended.content.decode() or "accedi di nuovo" in ended.content.decode().lower()
    # a new login starts a new day; an hour and a minute unused then ends it
    assert login(client, PASSWORD).status_code == 302
    assert client.get(private).status_code == 200
    time_machine.move_to(clock.now() + dt.timedelta(minutes=61), tick=False)
    assert client.get(private).status_code == 302
    assert not logged_in(client)


def test_the_session_key_changes_at_login_and_logout_ends_it_on_the_server(person: User) -> None:
    client = Client()
    client.get("/accesso/")
    client.session.save()
    before = client.session.session_key
    assert login(client, PASSWORD).status_code == 302
    after = client.session.session_key
    assert after != before
    stolen = Client()
    stolen.cookies["sessionid"] = after
    assert stolen.get("/account/password/").status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert stolen.get("/account/password/").status_code == 302  # the copied cookie no longer works
