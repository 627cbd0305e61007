"""Production settings serve every page: after ``collectstatic``, no public page and no page of a demo role answers 5xx.

The module applies the real ``concilia.settings.production`` (read with a production environment) over
the test settings, keeping only the test database, cache, secret key, e-mail backend and media folder:
DEBUG off, whitenoise's manifest storage over a ``collectstatic`` run once into a temporary
``STATIC_ROOT``, HTTPS required (the client says it came through the TLS proxy, X-Forwarded-Proto).
A template that links a static file missing from the manifest answers 500 there, as it did in
production (issue 12: the theme's Owl Carousel links).

- the public pages are the list the accessibility tests walk (``concilia.core.testing.pages``);
- one demo account per role (``concilia.accounts.demo``, on the demo data loaded once for the module)
  logs in and walks the site from the home page: every same-site link, one address per URL pattern;
  each page is also read for what the Content-Security-Policy would block (inline scripts without the
  nonce, inline event handlers) and each static file it links is fetched;
- the error pages, the security headers, the favicon, and ``concilia check --deploy``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import runpy
import secrets
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import Resolver404, resolve, reverse

from concilia.accounts import demo as accounts_demo
from concilia.conftest import World
from concilia.core.testing.content import content_problems
from concilia.core.testing.demo import demo_loaded
from concilia.core.testing.logs import captured_console
from concilia.core.testing.pages import Pages, build_pages, public_pages
from concilia.core.testing.static import collected_static
from concilia.helpdesk.models import Appointment
from concilia.network.management.commands.load_demo import LOADERS
from concilia.portal.views import server_error
from concilia.workplace.models import Invitation

pytestmark = pytest.mark.django_db

HOST = "concilia.example.org"
# The environment of a production server, as the README lists it (the secrets are made up here).
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": f"{HOST},testserver",
    "EMAIL_URL": "smtp+tls://concilia:made-up@mail.example.org:587",
}
# Test values kept over production's: the test database and cache, no e-mail leaving, media in var/.
KEPT = {"DATABASES", "CACHES", "SECRET_KEY", "EMAIL_BACKEND", "MEDIA_ROOT", "STATIC_ROOT", "PASSWORD_HASHERS"}
HTML = "text/html"


def production_values() -> dict[str, Any]:
    """The settings ``concilia.settings.production`` gives, with PRODUCTION_ENV, that differ from the test ones."""
    with mock.patch.dict(os.environ, PRODUCTION_ENV):
        values = runpy.run_module("concilia.settings.production", run_name="concilia_production")
    missing = object()
    return {
        name: value
        for name, value in values.items()
        if name.isupper() and name not in KEPT and getattr(settings, name, missing) != value
    }


@pytest.fixture(scope="module")
def production() -> Iterator[dict[str, Any]]:
    """Production's settings over the test ones, with the static files collected as on a server."""
    values = production_values()
    with override_settings(**values):
        values["STATIC_ROOT"] = collected_static()  # collectstatic, once per machine for these sources
        with override_settings(STATIC_ROOT=values["STATIC_ROOT"]):
            yield values


def https_client(**kwargs: Any) -> Client:
    """A client whose requests came through the TLS proxy (created after the settings: whitenoise reads them)."""
    return Client(headers={"X-Forwarded-Proto": "https"}, **kwargs)


# -- The settings ------------------------------------------------------------------------------------


def test_production_settings_are_the_ones_applied(production: dict[str, Any]) -> None:
    assert settings.DEBUG is False
    assert settings.STORAGES["staticfiles"]["BACKEND"] == "concilia.core.storage.StaticFilesStorage"
    assert settings.SECURE_SSL_REDIRECT is True
    assert settings.SECURE_HSTS_SECONDS >= 31_536_000
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.WHITENOISE_USE_FINDERS is False  # the collected files only
    assert (Path(settings.STATIC_ROOT) / "staticfiles.json").exists()
    assert settings.EMAIL_HOST == "mail.example.org" and settings.EMAIL_USE_TLS


@pytest.mark.parametrize("email_url", [None, "consolemail://"])
def test_production_refuses_to_print_mails(email_url: str | None) -> None:
    environ = {k: v for k, v in {**PRODUCTION_ENV, "EMAIL_URL": email_url}.items() if v is not None}
    with mock.patch.dict(os.environ, environ, clear=True), pytest.raises(ImproperlyConfigured):
        runpy.run_module("concilia.settings.production", run_name="concilia_production")


def test_check_deploy_passes(tmp_path: Path) -> None:
    """``concilia check --deploy --fail-level WARNING`` with production settings and the minimal environment.

    DEBUG=true in the environment too: production ignores it (the check would warn, security.W018).
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "SESSION_", "CSRF_", "CONCILIA_")) and key != "SECRET_KEY"
    }
    env |= PRODUCTION_ENV | {
        "DJANGO_SETTINGS_MODULE": "concilia.settings.production",
        "CONCILIA_DATA_DIR": str(tmp_path),
        "DEBUG": "true",
    }
    concilia = Path(sys.executable).with_name("concilia")
    result = subprocess.run(  # noqa: S603 (our own entry point, fixed arguments)
        [str(concilia), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_is_redirected_to_https(production: dict[str, Any]) -> None:
    response = Client().get("/", HTTP_HOST=HOST)
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/"


# -- Every page --------------------------------------------------------------------------------------


@pytest.fixture
def pages(world: World) -> Pages:
    return build_pages(world)


def test_every_public_page_answers(production: dict[str, Any], pages: Pages) -> None:
    """Given an anonymous visitor, each page of the accessibility tests' list answers as it does in development."""
    client = https_client()
    failures = []
    for page_id, url_of in public_pages().items():
        url = url_of(pages)
        response = client.get(url)
        expected = 404 if page_id == "not-found" else 200
        if response.status_code != expected:
            failures.append(f"{page_id} {url}: {response.status_code}, expected {expected}")
        failures += policy_problems(url, response)
    assert not failures, "\n".join(failures)


# -- Error pages, headers, favicon ---------------------------------------------------------------------


def test_an_unknown_address_shows_the_italian_page_not_found(production: dict[str, Any]) -> None:
    response = https_client().get("/pagina-che-non-esiste/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina non trovata" in html and "La pagina richiesta non esiste o non è pubblica." in html
    assert 'class="it-header-wrapper"' in html and "<footer" in html  # the site's layout
    # Not Django's debug page, which lists every URL pattern of the site.
    assert "URLconf" not in html and "urlpatterns" not in html and "admin/" not in html


def test_a_forbidden_page_shows_the_italian_page(production: dict[str, Any], world: World) -> None:
    client = https_client()
    client.force_login(world.plain)
    response = client.get(reverse("network:network_edit", args=[world.network.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accesso non consentito" in html and 'class="it-header-wrapper"' in html


@override_settings(ROOT_URLCONF="concilia.portal.tests.urls_failing")
def test_a_server_error_shows_the_italian_page_without_details(production: dict[str, Any]) -> None:
    response = https_client(raise_request_exception=False).get("/guasto/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Errore del server" in html and 'class="it-header-wrapper"' in html
    assert "RuntimeError" not in html and "Traceback" not in html and "on purpose" not in html
    assert response["Content-Security-Policy"]


def test_the_server_error_page_needs_no_database(production: dict[str, Any], django_assert_num_queries: Any) -> None:
    """Given the database is what failed, the page still renders: it runs no query."""
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/guasto/"))
    assert response.status_code == 500 and "Errore del server" in response.content.decode()


def test_the_server_error_page_falls_back_to_plain_html(production: dict[str, Any]) -> None:
    """Given even the template fails (a static file missing from the manifest, say), a plain page in Italian."""
    with mock.patch("concilia.portal.views.render_to_string", side_effect=ValueError("Missing staticfiles manifest")):
        response = server_error(RequestFactory().get("/guasto/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Errore del server</h1>" in html and 'lang="it"' in html


def test_responses_carry_the_security_headers(production: dict[str, Any]) -> None:
    response = https_client().get(reverse("portal:home"))
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    cookies = https_client().get(reverse("login")).cookies
    assert cookies["csrftoken"]["secure"]


def test_a_page_with_its_own_script_gets_a_nonce(production: dict[str, Any], world: World) -> None:
    """An edit form focuses its error summary with an inline script: it carries the nonce the header names."""
    client = https_client()
    client.force_login(world.admin)
    response = client.post(reverse("network:network_edit", args=[world.network.pk]), {})
    assert response.status_code == 400 and 'id="form-errors"' in response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert nonce and f'<script nonce="{nonce[1]}">' in response.content.decode()
    assert not policy_problems("network edit", response)


def test_the_favicon_is_served(production: dict[str, Any]) -> None:
    client = https_client()
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert response.redirect_chain[0][0].startswith("/static/concilia/favicon.")  # the hashed name
    home = client.get(reverse("portal:home")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/concilia/favicon\.[0-9a-f]{12}\.ico"', home)


def directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as directive → sources."""
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def policy_problems(url: str, response: Any) -> list[str]:
    """What on an HTML page the Content-Security-Policy would block: inline scripts it does not allow
    (neither by the request's nonce nor by hash), inline event handlers, ``javascript:`` links."""
    script_src = directives(response["Content-Security-Policy"]).get("script-src", [])
    html = _COMMENT.sub("", response.content.decode())
    problems = []
    for attributes, body in _SCRIPT.findall(html):
        script_type = re.search(r"""\btype=["']([^"']+)""", attributes)
        if "src=" in attributes or (script_type and "javascript" not in script_type[1] and script_type[1] != "module"):
            continue
        nonce = re.search(r"""\bnonce=["']([^"']+)""", attributes)
        digest = "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        if not (nonce and f"'nonce-{nonce[1]}'" in script_src) and digest not in script_src:
            problems.append(f"{url}: an inline script the policy blocks, {body[:120]!r} (its hash: {digest})")
    if handler := _HANDLER.search(html):
        problems.append(f"{url}: an inline event handler, {handler[0][-120:]!r}")
    if "javascript:" in html.lower():
        problems.append(f"{url}: a javascript: address")
    return problems


# -- Every page of each demo role --------------------------------------------------------------------

# One demo account per role (concilia.accounts.demo): the lead is the one with a proposal to complete.
ROLE_ACCOUNTS = {
    "platform admin": "admin",
    "network coordinator": "coordinatore.cremona",
    "alliance lead": "capofila.valpadana",
    "service provider": "famiglie.dintorni",
    "call evaluator": "valutatore",
    "babysitter registry operator": "operatore.babysitter",
    "help desk operator": "operatore.sportello",
    "company HR": "hr.coop",
}
# Not followed: logging out and the language switch (POST only), downloads (exports), the REST API (a
# machine interface; its console, /api/docs/, is followed). The Django admin (one set of URL patterns
# per model) counts as one pattern.
SKIPPED_NAMES = {"logout", "set_language", "admin:logout"}
SKIPPED_NAME = re.compile(r"export|download", re.IGNORECASE)
SKIPPED_QUERY = re.compile(r"(^|&)(_?export|format)=")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"""<a\b[^>]*?\bhref=["']([^"'#]+)""", re.IGNORECASE)
_ASSET = re.compile(r"""<(?:link|script|img)\b[^>]*?\b(?:href|src)=["'](/static/[^"'#?]+)""", re.IGNORECASE)


@dataclass
class Walk:
    """A walk of the site along same-site links, one address per URL pattern.

    A register's creation and edit pages draw the same form, whose choices do not depend on the role
    (a form listing the municipalities draws thousands of options): ``forms_seen``, shared by the walks
    of one module, has each checked once.
    """

    client: Client
    forms_seen: set[str]
    assets_seen: set[str]
    visited: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _keys: set[str] = field(default_factory=set)

    def run(self, *starts: str) -> Walk:
        queue = deque(starts)
        while queue:
            url = queue.popleft()
            key = pattern_key(url)
            if key is None or key in self._keys or key in self.forms_seen:
                continue
            self._keys.add(key)
            if key.endswith(":form"):
                self.forms_seen.add(key)
            self.visited.append(url)
            queue.extend(self._get(url))
        return self

    def _get(self, url: str) -> list[str]:
        """Request ``url``, note a 5xx, and return the addresses it leads to."""
        try:
            response = self.client.get(url)
        except Exception as exc:  # the test client re-raises the view's exception: report it with the address
            self.failures.append(f"{url}: {type(exc).__name__}: {exc}")
            return []
        if response.status_code >= 500:
            self.failures.append(f"{url}: {response.status_code}")
        if response.status_code in (301, 302, 303, 307, 308):
            return [urljoin(url, response["Location"])]
        if not response.get("Content-Type", "").startswith(HTML):
            return []
        html = _COMMENT.sub("", response.content.decode())  # what a browser reads
        self.failures += policy_problems(url, response)
        self.failures += content_problems(url, html)
        for asset in set(_ASSET.findall(html)) - self.assets_seen:
            self.assets_seen.add(asset)
            status = self.client.get(asset).status_code
            if status != 200:
                self.failures.append(f"{asset} (linked by {url}): {status}")
        return links(url, html)


def pattern_key(url: str) -> str | None:
    """The name of the URL pattern ``url`` resolves to (``…:form`` for a creation or edit page), or None not to follow."""
    parts = urlsplit(url)
    if (
        parts.netloc
        or SKIPPED_QUERY.search(parts.query)
        or parts.path.startswith("/api/")
        and parts.path != "/api/docs/"
    ):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    name = match.view_name
    if name in SKIPPED_NAMES or SKIPPED_NAME.search(name):
        return None
    if match.namespace == "admin":
        return "admin"
    if name.endswith(("_add", "_edit")):
        return name.rsplit("_", 1)[0] + ":form"
    return name


def links(base: str, html: str) -> list[str]:
    """The same-site links of a page, as paths (with the query, without the fragment)."""
    found = []
    for href in _LINK.findall(html):
        parts = urlsplit(urljoin(base, href.replace("&amp;", "&")))
        if parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver"):
            found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@pytest.fixture(scope="module")
def demo(production: dict[str, Any], territory_loaded: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo data set (``concilia load_demo``: every loader, in order), once for the module."""
    with demo_loaded(django_db_blocker, *(partial(load, force=True) for load in LOADERS)):
        yield


@pytest.fixture(scope="module")
def forms_seen() -> set[str]:
    return set()


@pytest.fixture(scope="module")
def assets_seen() -> set[str]:
    return set()


def test_one_account_of_each_demo_role_is_walked() -> None:
    """A role given to a new demo account is walked too: add its account to ROLE_ACCOUNTS."""
    roles = {username: frozenset(role for role, *_ in grants) for username, _, _, grants in accounts_demo.ACCOUNTS}
    assert set(ROLE_ACCOUNTS.values()) <= roles.keys()
    assert {roles[username] for username in ROLE_ACCOUNTS.values()} == set(roles.values())


@pytest.mark.parametrize("username", ROLE_ACCOUNTS.values(), ids=ROLE_ACCOUNTS.keys())
def test_every_page_of_a_demo_role_answers(
    demo: None, forms_seen: set[str], assets_seen: set[str], username: str
) -> None:
    """Given a demo account logged in, no page it reaches from the home page answers 5xx, misses a static file,
    speaks of cents or shows internal material (``core/testing/content.py``)."""
    client = https_client()
    with captured_console() as log:
        password = accounts_demo.ADMIN_PASSWORD if username == "admin" else accounts_demo.DEMO_PASSWORD
        assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302
        walk = Walk(client, forms_seen, assets_seen).run(reverse("portal:home"), reverse(settings.LOGIN_REDIRECT_URL))
        # and the secret links of the demo, as their holders open them
        for token in [
            *Appointment.objects.values_list("token", flat=True)[:3],
            *Invitation.objects.values_list("token", flat=True)[:3],
        ]:
            for path in (
                f"/sportelli/prenotazione/{token}/",
                f"/aziende/questionari/{token}/",
                f"/aziende/questionari/{token}/XXXX-XXXX-XXXX-XXXX/",
            ):
                assert client.get(path).status_code < 500
    assert len(walk.visited) > 20, walk.visited  # the walk went past the home page
    assert not walk.failures, "\n".join(walk.failures)
    assert_no_secret_in(log.getvalue(), password)


def test_every_public_page_of_the_demo_answers(demo: None, forms_seen: set[str], assets_seen: set[str]) -> None:
    """Given an anonymous visitor on the demo data, no page it reaches from the home page answers 5xx, speaks
    of cents or shows internal material (the agencies' research notes, the seed documents' file names)."""
    walk = Walk(https_client(), set(), assets_seen).run(reverse("portal:home"), reverse("territory:district_list"))
    assert any("/territorio/agenzie/" in url for url in walk.visited), walk.visited
    assert any("/catalogo/servizi/" in url for url in walk.visited), walk.visited
    assert not walk.failures, "\n".join(walk.failures)


def assert_no_secret_in(logged: str, password: str) -> None:
    """The log of a walk holds no password, booking or survey token, personal code or e-mail address of the demo."""
    secrets_ = {
        password,
        *Appointment.objects.values_list("token", flat=True),
        *Invitation.objects.values_list("token", flat=True),
    }
    assert "Not Found: /aziende/questionari/[…]/[…]/" in logged  # the log was captured, and redacted
    leaked = sorted(s for s in secrets_ if s and s in logged)
    assert not leaked, f"in the log: {leaked}"
    assert "XXXX-XXXX" not in logged
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", logged), logged
