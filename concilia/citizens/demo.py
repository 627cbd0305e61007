"""The demo's citizens: two example identities at the local OpenID provider, and Concilia as its client.

With ``make run`` the login page offers “Log in with SPID / CIE”, which goes to the local provider at
``/spid-cie-demo/``; there one logs in as one of the identities below (passwords in the README and on the
provider's page), and comes back to Concilia signed in, with an account linked to that identity. Names,
tax codes and addresses are examples (the tax codes have a valid form and check letter, and belong to
nobody we know of). Nothing is loaded when the local provider is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse

DEMO_PASSWORD = "spid-demo"

# (user name at the provider, subject, first name, last name, e-mail, tax code): examples, marked as such.
IDENTITIES: list[tuple[str, str, str, str, str, str]] = [
    ("giulia.bianchi", "esempio-7c1e5a92-giulia", "Giulia", "Bianchi", "giulia.bianchi@example.org", "BNCGLI88C52D150J"),
    ("marco.esposito", "esempio-3f8b0d47-marco", "Marco", "Esposito", "marco.esposito@example.org", "SPSMRC84S23I690I"),
]  # fmt: skip


@dataclass
class CitizensResult:
    loaded: bool
    key_created: bool = False

    def __str__(self) -> str:
        if not self.loaded:
            return "citizens.demo: local OpenID provider off (OIDC_LOCAL_PROVIDER), nothing loaded"
        key = "signing key created" if self.key_created else "signing key present"
        return f"citizens.demo: local OpenID provider with {len(IDENTITIES)} example identities, {key}"


def redirect_uris(site_url: str) -> list[str]:
    """The client's callback at the site's address, as 127.0.0.1 and as localhost (either may be typed)."""
    parts = urlsplit(site_url)
    port = f":{parts.port}" if parts.port else ""
    callback = reverse("citizens:oidc_callback")
    hosts = {parts.hostname or "127.0.0.1", "127.0.0.1", "localhost"}
    return sorted(f"{parts.scheme}://{host}{port}{callback}" for host in hosts)


def load(*, force: bool = False) -> CitizensResult:
    """The provider's signing key (RS256), the client and the example identities; idempotent."""
    if not (settings.OIDC_LOCAL_PROVIDER and settings.USE_OIDC):
        return CitizensResult(loaded=False)
    from concilia.citizens.idp import setup

    key_created = setup.ensure_signing_key()
    setup.ensure_client(
        client_id=settings.OIDC_RP_CLIENT_ID,
        secret=settings.OIDC_RP_CLIENT_SECRET,
        redirect_uris=redirect_uris(settings.CONCILIA_SITE_URL),
    )
    for username, subject, first, last, email, tax_code in IDENTITIES:
        setup.ensure_identity(
            username=username,
            password=DEMO_PASSWORD,
            subject=subject,
            given_name=first,
            family_name=last,
            email=email,
            tax_code=tax_code,
        )
    return CitizensResult(loaded=True, key_created=key_created)
