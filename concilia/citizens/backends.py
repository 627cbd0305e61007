"""Login through OpenID Connect (SPID and CIE through an OIDC broker): mozilla-django-oidc's backend, stricter.

mozilla-django-oidc runs the authorization code flow (state, nonce, PKCE), fetches the tokens, checks the ID
token's signature against the provider's published keys (RS256 only: the algorithm of the header must be
the one configured, so neither ``none`` nor a key confusion passes) and its nonce against the session's.
This backend adds what the library leaves to its users (OpenID Connect Core 3.1.3.7 and 5.3.2):

- the ID token's issuer is the configured provider, its audience names this client (and, if it names
  several, ``azp`` is this client), it has not expired and was not issued in the future (by the project's
  clock, with a small leeway), and it has a subject;
- the userinfo response is about the same subject as the ID token;
- the account is found by issuer and subject (``services.citizen_sign_in``), never by e-mail address;
  an account with staff powers is never signed in this way.

Endpoints given as paths (the local demo provider's) are on this server: they are completed with the
address the browser used, the one the provider's redirect came back to.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from concilia.accounts.models import User
from concilia.citizens import services
from concilia.core import clock

log = logging.getLogger("concilia.citizens")


def check_id_token_claims(payload: dict[str, Any], *, issuer: str, client_id: str, leeway: int) -> None:
    """Refuse (``SuspiciousOperation``) an ID token that is not for this client from this provider, or not current."""
    if payload.get("iss") != issuer:
        raise SuspiciousOperation("ID token from another issuer")
    audience = payload.get("aud")
    audiences = [audience] if isinstance(audience, str) else list(audience or [])
    if client_id not in audiences:
        raise SuspiciousOperation("ID token for another audience")
    if len(audiences) > 1 and payload.get("azp") != client_id:
        raise SuspiciousOperation("ID token with several audiences and another authorised party")
    now = clock.now().timestamp()
    try:
        expires, issued = float(payload["exp"]), float(payload["iat"])
    except (KeyError, TypeError, ValueError) as exc:
        raise SuspiciousOperation("ID token without exp or iat") from exc
    if expires + leeway < now:
        raise SuspiciousOperation("ID token expired")
    if issued - leeway > now:
        raise SuspiciousOperation("ID token issued in the future")
    if not payload.get("sub"):
        raise SuspiciousOperation("ID token without a subject")


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """Citizens' login through OpenID Connect; accounts linked by issuer and subject."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if request is None or not getattr(settings, "USE_OIDC", False):
            return None
        if "code" not in request.GET or "state" not in request.GET or "nonce" not in kwargs:
            return None  # not an OpenID Connect callback (a password login, HTTP Basic)
        if settings.OIDC_LOCAL_PROVIDER:
            for name in ("OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
                endpoint = getattr(self, name)
                if endpoint and endpoint.startswith("/"):
                    setattr(self, name, request.build_absolute_uri(endpoint))
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation("ID token that is not a JWT") from exc
        # Checked before the library looks the key up (it would fail on a header without "kid").
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("ID token signed with another algorithm")
        if self.OIDC_RP_IDP_SIGN_KEY is None and not header.get("kid"):
            raise SuspiciousOperation("ID token without a key identifier")
        payload = super().verify_token(token, **kwargs)  # signature (provider's keys, RS256) and nonce
        check_id_token_claims(
            payload,
            issuer=settings.OIDC_OP_ISSUER,
            client_id=self.OIDC_RP_CLIENT_ID,
            leeway=settings.OIDC_ID_TOKEN_LEEWAY_SECONDS,
        )
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User | None:
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo about another subject than the ID token")
        try:
            return services.citizen_sign_in(issuer=payload["iss"], subject=payload["sub"], claims=user_info)
        except PermissionError:
            log.warning("OpenID Connect login refused: the identity is linked to an account with staff powers")
            return None
        except ValidationError as exc:
            log.warning("OpenID Connect login refused: %s", "; ".join(exc.messages))
            return None

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        """Never used: accounts are not looked up by e-mail address (the library's default)."""
        return User.objects.none()

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))
