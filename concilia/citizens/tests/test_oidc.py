"""Citizens' login through OpenID Connect, against the local provider running in the live server (no mock).

Given the provider (django-oidc-provider, RS256 ID tokens) with Concilia registered as its client, when a
person goes through “Log in with SPID / CIE”, then Concilia links the account by issuer and subject (or
tax code), never by e-mail address; and a wrong state, a wrong nonce, a token signed with another key, a
token for another client, from another issuer, or a code issued to another client are refused.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import jwt
import pytest
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import override_settings
from django.urls import reverse

from concilia.accounts.choices import Role
from concilia.accounts.models import User
from concilia.citizens.backends import CitizenOIDCBackend
from concilia.citizens.idp import setup
from concilia.citizens.models import Citizen, CitizenIdentity
from concilia.citizens.services import CITIZEN_SESSION_KEY
from concilia.citizens.tests.conftest import PASSWORD, Browser, Provider, param, text, with_param
from concilia.core.permissions import scope_of
from concilia.core.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

ISSUER = settings.OIDC_OP_ISSUER
AREA = reverse("citizens:area")
LOGIN = reverse("login")


def signed_in(browser: Browser) -> bool:
    return "_auth_user_id" in browser.session_data()


def refused_because(caplog: pytest.LogCaptureFixture, reason: str) -> bool:
    """Whether Concilia logged the refusal of a login, for ``reason``."""
    return any("refused" in r.getMessage() and reason in r.getMessage() for r in caplog.records)


def test_first_login_makes_a_citizen_account_linked_by_issuer_and_subject(provider: Provider, browser: Browser) -> None:
    provider.identity("giulia", subject="sub-giulia-1", email="giulia@example.org", tax_code="BNCGLI88C52D150J")

    response = browser.sign_in("giulia")

    assert response.status_code == 302 and response.headers["Location"] == AREA
    identity = CitizenIdentity.objects.get()
    assert (identity.issuer, identity.subject, identity.tax_code) == (ISSUER, "sub-giulia-1", "BNCGLI88C52D150J")
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == ("Giulia", "Bianchi", "giulia@example.org")
    assert Citizen.objects.filter(user=user).exists()
    assert not user.has_usable_password() and user.username != "giulia@example.org"
    data = browser.session_data()
    assert int(data["_auth_user_id"]) == user.pk and data[CITIZEN_SESSION_KEY] is True
    page = browser.get(AREA)
    assert page.status_code == 200
    assert "BNCGLI88C52D150J" in text(page) and "giulia@example.org" in text(page)


def test_a_citizen_has_no_staff_powers(provider: Provider, browser: Browser) -> None:
    provider.identity("giulia")
    browser.sign_in("giulia")
    user = CitizenIdentity.objects.get().user

    assert not (user.is_staff or user.is_superuser or user.roles.exists())
    assert not scope_of(user).is_admin and not scope_of(user).has_role(*Role)
    assert browser.get("/admin/").status_code == 302  # the admin site sends non-staff to its own login
    assert browser.get(reverse("portal:area")).headers["Location"] == AREA  # no work area: the personal one
    assert browser.get(reverse("person_data")).status_code == 200  # a signed-in page anybody may open …
    response = browser.post(reverse("person_data"), {"email": "giulia@example.org"})
    assert response.status_code == 200 and "application/json" not in response.headers["Content-Type"]  # … finds nothing


def test_the_same_subject_finds_the_same_account_even_with_a_new_e_mail(provider: Provider, browser: Browser) -> None:
    identity = provider.identity("giulia", subject="sub-giulia-1", email="giulia@example.org")
    browser.sign_in("giulia")
    first = CitizenIdentity.objects.get().user

    identity.email, identity.family_name = "giulia.nuova@example.org", "Bianchi Rossi"
    identity.save()
    again = Browser(base=provider.url)
    response = again.sign_in("giulia")

    assert response.headers["Location"] == AREA
    assert CitizenIdentity.objects.count() == 1 and User.objects.filter(citizen__isnull=False).count() == 1
    first.refresh_from_db()
    assert int(again.session_data()["_auth_user_id"]) == first.pk
    assert (first.email, first.last_name) == ("giulia.nuova@example.org", "Bianchi Rossi")


def test_another_subject_with_the_same_e_mail_is_another_person(provider: Provider, browser: Browser) -> None:
    provider.identity("giulia", subject="sub-giulia-1", email="famiglia@example.org")
    provider.identity("marco", subject="sub-marco-1", email="famiglia@example.org", given_name="Marco")
    # A citizen who registered with that address and a password is another account again.
    registered = User.objects.create_user("famiglia@example.org", email="famiglia@example.org", password="x" * 12)
    Citizen.objects.create(user=registered)

    browser.sign_in("giulia")
    other = Browser(base=provider.url)
    other.sign_in("marco")

    users = {i.subject: i.user_id for i in CitizenIdentity.objects.all()}
    assert len(set(users.values())) == 2 and registered.pk not in users.values()
    assert int(browser.session_data()["_auth_user_id"]) == users["sub-giulia-1"]
    assert int(other.session_data()["_auth_user_id"]) == users["sub-marco-1"]


def test_a_second_identity_with_the_same_certified_tax_code_joins_the_account(
    provider: Provider, browser: Browser
) -> None:
    """SPID and CIE give the same person different subjects; the tax code they certify is the same."""
    provider.identity("giulia-spid", subject="spid-1", tax_code="BNCGLI88C52D150J")
    provider.identity("giulia-cie", subject="cie-1", tax_code="BNCGLI88C52D150J", email="g.b@example.org")

    browser.sign_in("giulia-spid")
    Browser(base=provider.url).sign_in("giulia-cie")

    assert CitizenIdentity.objects.count() == 2
    assert CitizenIdentity.objects.values("user").distinct().count() == 1


def test_an_identity_linked_to_a_staff_account_is_refused(
    provider: Provider, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    """Staff keep their own login: an identity is never a way into an account with a role."""
    provider.identity("coordinatrice", subject="sub-coord")
    staff = f.user_with_role(Role.NETWORK_COORDINATOR, network=f.NetworkFactory(), username="coordinatrice")
    CitizenIdentity.objects.create(user=staff, issuer=ISSUER, subject="sub-coord")

    response = browser.sign_in("coordinatrice")

    assert response.headers["Location"] == LOGIN
    assert not signed_in(browser) and refused_because(caplog, "staff powers")


def test_a_wrong_state_is_refused(provider: Provider, browser: Browser, caplog: pytest.LogCaptureFixture) -> None:
    provider.identity("giulia")
    callback = browser.log_in_at_provider(browser.start(), "giulia")

    response = browser.get(with_param(callback, "state", secrets.token_urlsafe(24)))

    assert response.status_code == 302 and response.headers["Location"] == LOGIN
    assert not signed_in(browser) and not CitizenIdentity.objects.exists()
    assert refused_because(caplog, "state not found")


def test_a_callback_without_any_login_started_is_refused(provider: Provider, browser: Browser) -> None:
    """A code and state forged by someone else, in a browser that never started a login (login CSRF)."""
    provider.identity("giulia")
    callback = browser.log_in_at_provider(browser.start(), "giulia")

    victim = Browser(base=provider.url)
    response = victim.get(callback)

    assert response.headers["Location"] == LOGIN
    assert victim.session.cookies.get(settings.SESSION_COOKIE_NAME) is None or not signed_in(victim)


def test_a_wrong_nonce_is_refused(provider: Provider, browser: Browser, caplog: pytest.LogCaptureFixture) -> None:
    """The authorization request reaches the provider with another nonce: the ID token carries it back."""
    provider.identity("giulia")

    response = browser.sign_in("giulia", tamper=lambda url: with_param(url, "nonce", secrets.token_urlsafe(24)))

    assert response.headers["Location"] == LOGIN
    assert not signed_in(browser) and not CitizenIdentity.objects.exists()
    assert refused_because(caplog, "Nonce verification failed")


def test_a_code_issued_to_another_client_is_refused(
    provider: Provider, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    provider.identity("giulia")
    other = other_client(provider)
    # The browser brings back a code the provider issued to the other client.
    authorize = browser.start()
    for name, value in (("client_id", other.client_id), ("redirect_uri", other.redirect_uris[0])):
        authorize = with_param(authorize, name, value)
    foreign = browser.log_in_at_provider(authorize, "giulia")
    callback = with_param(provider.callback, "code", param(foreign, "code"))
    callback = with_param(callback, "state", param(foreign, "state"))

    response = browser.get(callback)

    assert response.headers["Location"] == LOGIN
    assert not signed_in(browser) and refused_because(caplog, "invalid_grant")


def test_a_token_from_another_issuer_is_refused(
    provider: Provider, browser: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    """Concilia expects another provider than the one whose token comes back."""
    provider.identity("giulia")
    callback = browser.log_in_at_provider(browser.start(), "giulia")

    with override_settings(OIDC_OP_ISSUER="https://altro.example.org/op"):
        response = browser.get(callback)

    assert response.headers["Location"] == LOGIN
    assert not signed_in(browser) and not CitizenIdentity.objects.exists()
    assert refused_because(caplog, "another issuer")


# --- the ID token's checks, on tokens the provider really issued ------------------------------------


def other_client(provider: Provider) -> Any:
    return setup.ensure_client(
        client_id="altro-servizio", secret="segreto-altro-servizio", redirect_uris=[provider.url + "/altro/ritorno/"]
    )


def issue_id_token(provider: Provider, client: Any, secret: str, username: str) -> tuple[str, str]:
    """An ID token the provider issues to ``client`` for ``username`` (code flow with PKCE): (token, nonce)."""
    browser = Browser(base=provider.url)
    nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "response_type": "code", "scope": "openid profile email", "client_id": client.client_id,
        "redirect_uri": client.redirect_uris[0], "state": "s" * 16, "nonce": nonce,
        "code_challenge": challenge, "code_challenge_method": "S256",
    }  # fmt: skip
    authorize = (
        provider.url
        + "/spid-cie-demo/authorize/?"
        + "&".join(f"{k}={requests.utils.quote(v)}" for k, v in query.items())
    )
    back = browser.log_in_at_provider(authorize, username)
    response = requests.post(
        provider.url + "/spid-cie-demo/token/",
        data={
            "grant_type": "authorization_code",
            "code": param(back, "code"),
            "redirect_uri": client.redirect_uris[0],
            "client_id": client.client_id,
            "client_secret": secret,
            "code_verifier": verifier,
        },  # fmt: skip
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["id_token"], nonce


def concilia_backend(provider: Provider) -> CitizenOIDCBackend:
    backend = CitizenOIDCBackend()
    backend.OIDC_OP_JWKS_ENDPOINT = provider.url + settings.OIDC_OP_JWKS_ENDPOINT
    return backend


def test_an_id_token_the_provider_issued_to_concilia_passes(provider: Provider) -> None:
    provider.identity("giulia")
    token, nonce = issue_id_token(provider, provider.client, settings.OIDC_RP_CLIENT_SECRET, "giulia")

    payload = concilia_backend(provider).verify_token(token, nonce=nonce)

    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    assert (payload["iss"], payload["aud"], payload["sub"]) == (ISSUER, settings.OIDC_RP_CLIENT_ID, "sub-giulia")


def test_a_token_signed_with_another_key_is_refused(provider: Provider) -> None:
    """The provider's token, its claims unchanged, signed again with a key the provider never published."""
    provider.identity("giulia")
    token, nonce = issue_id_token(provider, provider.client, settings.OIDC_RP_CLIENT_SECRET, "giulia")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(claims, setup.new_rsa_key_pem(), algorithm="RS256", headers={"kid": header["kid"]})

    with pytest.raises(SuspiciousOperation):
        concilia_backend(provider).verify_token(forged, nonce=nonce)


def test_a_token_with_another_algorithm_is_refused(provider: Provider) -> None:
    """Signed with HS256 and a shared secret (a key confusion), with or without a key id: only RS256 passes."""
    provider.identity("giulia")
    token, nonce = issue_id_token(provider, provider.client, settings.OIDC_RP_CLIENT_SECRET, "giulia")
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    for headers in ({}, {"kid": kid}):
        forged = jwt.encode(claims, secrets.token_bytes(32), algorithm="HS256", headers=headers)
        with pytest.raises(SuspiciousOperation, match="algorithm"):
            concilia_backend(provider).verify_token(forged, nonce=nonce)
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(SuspiciousOperation):
        concilia_backend(provider).verify_token(unsigned, nonce=nonce)


def test_a_token_the_provider_issued_to_another_client_is_refused(provider: Provider) -> None:
    """Genuine, signed by the provider's key, about the same person: but its audience is another service."""
    provider.identity("giulia")
    other = other_client(provider)
    token, nonce = issue_id_token(provider, other, "segreto-altro-servizio", "giulia")
    assert jwt.decode(token, options={"verify_signature": False})["aud"] == "altro-servizio"

    with pytest.raises(SuspiciousOperation, match="audience"):
        concilia_backend(provider).verify_token(token, nonce=nonce)


def test_an_expired_token_is_refused(provider: Provider, time_machine: Any) -> None:
    provider.identity("giulia")
    token, nonce = issue_id_token(provider, provider.client, settings.OIDC_RP_CLIENT_SECRET, "giulia")
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]

    time_machine.move_to(expires + settings.OIDC_ID_TOKEN_LEEWAY_SECONDS + 5, tick=False)

    with pytest.raises((SuspiciousOperation, jwt.ExpiredSignatureError)):
        concilia_backend(provider).verify_token(token, nonce=nonce)


def test_a_wrong_password_at_the_provider_signs_nobody_in(provider: Provider, browser: Browser) -> None:
    provider.identity("giulia")
    authorize = browser.start()
    login = browser.get(authorize).headers["Location"]
    browser.get(login)

    response = browser.post(login, {"username": "giulia", "password": PASSWORD + "x"})

    assert response.status_code == 400
    assert not signed_in(browser) and "concilia_idp_identity" not in browser.session_data()
