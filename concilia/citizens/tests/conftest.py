"""The local OpenID provider, running in the live server beside Concilia, and a person's browser as HTTP requests.

No mock: the tests drive the real flow over HTTP — Concilia's login view sends the browser to the provider
(django-oidc-provider), the person logs in there, the provider sends the browser back with a code, and
Concilia's callback fetches the tokens from the provider's token endpoint and its signing keys from the
provider's JWKS endpoint, on the same live server, before deciding.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from concilia.citizens.idp import setup

PASSWORD = "prova-identita-1"


@dataclass
class Provider:
    """The live server's address, Concilia's client at the provider, and a way to add identities."""

    url: str
    client: Any
    identities: dict[str, Any] = field(default_factory=dict)

    @property
    def callback(self) -> str:
        return self.url + reverse("citizens:oidc_callback")

    def identity(
        self, username: str, *, subject: str | None = None, email: str = "", tax_code: str = "", **names: str
    ) -> Any:
        identity = setup.ensure_identity(
            username=username,
            password=PASSWORD,
            subject=subject or f"sub-{username}",
            given_name=names.get("given_name", "Giulia"),
            family_name=names.get("family_name", "Bianchi"),
            email=email or f"{username}@example.org",
            tax_code=tax_code,
        )
        self.identities[username] = identity
        return identity


@pytest.fixture
def provider(live_server: Any) -> Provider:
    """The provider with its RS256 key and Concilia as its client, at the live server's address."""
    setup.ensure_signing_key()
    client = setup.ensure_client(
        client_id=settings.OIDC_RP_CLIENT_ID,
        secret=settings.OIDC_RP_CLIENT_SECRET,
        redirect_uris=[live_server.url + reverse("citizens:oidc_callback")],
    )
    return Provider(url=live_server.url, client=client)


def with_param(url: str, name: str, value: str) -> str:
    """``url`` with the query parameter ``name`` set to ``value``."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def param(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


@dataclass
class Browser:
    """One person's browser: the cookies, and where the last step was sent."""

    base: str
    session: requests.Session = field(default_factory=requests.Session)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(urljoin(self.base, path), allow_redirects=False, timeout=30, **kw)

    def post(self, path: str, data: dict[str, str]) -> requests.Response:
        url = urljoin(self.base, path)
        return self.session.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.session.cookies.get("csrftoken", "")},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=30,
        )

    def session_data(self) -> dict[str, Any]:
        return SessionStore(self.session.cookies[settings.SESSION_COOKIE_NAME]).load()

    def start(self) -> str:
        """“Log in with SPID / CIE” on Concilia: the provider's authorization address it sends the browser to."""
        response = self.get(reverse("citizens:oidc_start"))
        assert response.status_code == 302, response.status_code
        return response.headers["Location"]

    def log_in_at_provider(self, authorize: str, username: str, password: str = PASSWORD) -> str:
        """The browser at the provider: sent to its login page, logs in, comes back with a code; the callback."""
        response = self.get(authorize)
        assert response.status_code == 302, response.text[:500]
        login = response.headers["Location"]
        assert "/spid-cie-demo/accesso/" in login
        page = self.get(login)
        assert page.status_code == 200
        response = self.post(login, {"username": username, "password": password})
        assert response.status_code == 302, response.text[:2000]
        response = self.get(response.headers["Location"])  # the authorization endpoint again, signed in
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def sign_in(
        self, username: str, *, tamper: Callable[[str], str] | None = None, password: str = PASSWORD
    ) -> requests.Response:
        """The whole flow; ``tamper`` changes the authorization request on its way to the provider."""
        authorize = self.start()
        if tamper is not None:
            authorize = tamper(authorize)
        callback = self.log_in_at_provider(authorize, username, password)
        return self.get(callback)


@pytest.fixture
def browser(provider: Provider) -> Browser:
    return Browser(base=provider.url)


def text(response: requests.Response) -> str:
    """The visible text of a page (tags dropped, spaces collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))
