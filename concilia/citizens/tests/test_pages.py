"""The login page offers SPID / CIE and the e-mail login; the personal area is the citizen's own; staff unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from concilia.accounts.choices import Role
from concilia.citizens import demo
from concilia.citizens.models import Citizen, CitizenIdentity
from concilia.citizens.services import citizen_sign_in
from concilia.core.testing import factories as f

pytestmark = pytest.mark.django_db


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_login_page_offers_spid_cie_and_registration() -> None:
    response = english().get(reverse("login") + "?next=/catalogo/cerca/")

    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("citizens:oidc_start")}?next=/catalogo/cerca/"' in body
    assert "Log in with SPID / CIE" in body and reverse("citizens:register") in body
    assert 'name="username"' in body and 'name="password"' in body  # the staff's login is still there


@override_settings(USE_OIDC=False)
def test_without_oidc_the_login_page_is_the_staff_one_and_the_spid_pages_do_not_exist() -> None:
    body = english().get(reverse("login")).content.decode()

    assert "SPID" not in body and 'name="username"' in body
    assert Client().get(reverse("citizens:oidc_start")).status_code == 404
    assert Client().get(reverse("citizens:oidc_callback")).status_code == 404


def test_staff_log_in_as_before_and_land_in_their_work_area() -> None:
    coordinator = f.user_with_role(Role.NETWORK_COORDINATOR, network=f.NetworkFactory(), username="coordinatrice")
    coordinator.set_password("password-di-prova")
    coordinator.save()
    client = Client()

    response = client.post(reverse("login"), {"username": "coordinatrice", "password": "password-di-prova"})

    assert response.status_code == 302 and response["Location"] == reverse("portal:area")
    assert client.get(reverse("portal:area")).status_code == 200
    assert client.get(reverse("citizens:area"))["Location"] == reverse("portal:area")


def test_the_personal_area_shows_the_citizens_identity() -> None:
    user = citizen_sign_in(
        issuer="https://idp.example.org",
        subject="abc",
        claims={
            "given_name": "Marco",
            "family_name": "Esposito",
            "email": "marco@example.org",
            settings.OIDC_TAX_CODE_CLAIM: "TINIT-SPSMRC84S23I690I",
        },
    )
    client = english()
    client.force_login(user)

    with translation.override("en"):
        response = client.get(reverse("citizens:area"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Hello, Marco." in body and "SPSMRC84S23I690I" in body and "marco@example.org" in body
    assert "With SPID or CIE" in body and "https://idp.example.org" in body
    assert reverse("logout") in body and reverse("password_change") not in body  # no password to change


def test_an_invalid_tax_code_from_the_provider_is_not_kept() -> None:
    user = citizen_sign_in(
        issuer="https://idp.example.org", subject="x", claims={settings.OIDC_TAX_CODE_CLAIM: "TINIT-NONVALIDO"}
    )

    assert CitizenIdentity.objects.get(user=user).tax_code == ""


def test_visitors_are_sent_to_log_in() -> None:
    response = Client().get(reverse("citizens:area"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_local_provider_publishes_its_key_and_metadata(client: Client) -> None:
    from concilia.citizens.idp import setup

    setup.ensure_signing_key()
    keys = client.get("/spid-cie-demo/jwks/").json()["keys"]
    metadata = client.get("/spid-cie-demo/.well-known/openid-configuration").json()

    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]
    assert metadata["issuer"] == settings.OIDC_OP_ISSUER
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]


def test_the_demo_loads_the_provider_its_client_and_two_example_citizens() -> None:
    from oidc_provider.models import Client as ProviderClient
    from oidc_provider.models import RSAKey

    from concilia.citizens.idp.models import LocalIdentity

    first = demo.load()
    second = demo.load()

    assert first.loaded and first.key_created and not second.key_created
    assert RSAKey.objects.count() == 1
    client = ProviderClient.objects.get(client_id=settings.OIDC_RP_CLIENT_ID)
    assert client.jwt_alg == "RS256" and client.client_type == "confidential"
    assert f"http://127.0.0.1:8000{reverse('citizens:oidc_callback')}" in client.redirect_uris
    identities = list(LocalIdentity.objects.all())
    assert len(identities) == 2 and all(i.is_example and i.check_password(demo.DEMO_PASSWORD) for i in identities)
    assert not any(i.user.is_active or i.user.has_usable_password() for i in identities)
    assert not Citizen.objects.exists()  # the accounts come with the first login


@override_settings(OIDC_LOCAL_PROVIDER=False)
def test_the_demo_loads_nothing_without_the_local_provider() -> None:
    assert not demo.load().loaded


def test_an_identity_of_the_provider_cannot_log_in_to_concilia() -> None:
    from concilia.citizens.idp.models import LocalIdentity

    demo.load()
    identity = LocalIdentity.objects.first()
    assert identity is not None
    client = Client()

    for username in (identity.username, identity.user.username):
        client.post(reverse("login"), {"username": username, "password": demo.DEMO_PASSWORD})
        assert "_auth_user_id" not in client.session


def test_a_citizens_session_is_marked_at_login(client: Any) -> None:
    user = citizen_sign_in(issuer="https://idp.example.org", subject="y", claims={"given_name": "Anna"})
    client.force_login(user)

    assert client.session["concilia_citizen"] is True
    assert client.get(reverse("portal:area"))["Location"] == reverse("citizens:area")


def test_a_citizen_may_add_or_change_nothing_in_any_register(world: Any) -> None:
    """Given the test world's records of every kind, a citizen's account acts on no register and has no task."""
    from concilia.core.permissions import can
    from concilia.core.registry import registers
    from concilia.portal.area import acting_registers, waiting

    user = citizen_sign_in(issuer="https://idp.example.org", subject="z", claims={"given_name": "Anna"})

    assert acting_registers(user) == [] and waiting(user) == []
    for reg in registers():
        assert not can(user, "add", reg.model), reg.model
        assert not can(user, "change", reg.model) and not can(user, "delete", reg.model), reg.model


def test_production_refuses_the_local_provider() -> None:
    import os
    import runpy
    from unittest import mock

    from django.core.exceptions import ImproperlyConfigured

    environ = {
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "concilia.example.org",
        "EMAIL_URL": "smtp+tls://u:p@mail.example.org:587",
        "OIDC_LOCAL_PROVIDER": "true",
    }
    with mock.patch.dict(os.environ, environ), pytest.raises(ImproperlyConfigured, match="OIDC_LOCAL_PROVIDER"):
        runpy.run_module("concilia.settings.production", run_name="concilia_production")
