"""django-oidc-provider's hooks: who the identity is, in the claims SPID and CIE use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oidc_provider.lib.claims import ScopeClaims


def subject(user: Any) -> str:
    """``OIDC_IDTOKEN_SUB_GENERATOR``: the identity's own subject, stable and never reassigned."""
    return str(user.local_identity.subject)


def userinfo(claims: dict[str, Any], user: Any) -> dict[str, Any]:
    """``OIDC_USERINFO``: the standard claims of the identity (scopes ``profile`` and ``email``)."""
    identity = user.local_identity
    claims.update(
        {
            "given_name": identity.given_name,
            "family_name": identity.family_name,
            "name": f"{identity.given_name} {identity.family_name}",
            "email": identity.email,
            "email_verified": bool(identity.email),
        }
    )
    return claims


class SpidCieClaims(ScopeClaims):
    """``OIDC_EXTRA_SCOPE_CLAIMS``: the tax code, as SPID and CIE give it (``TINIT-`` and 16 characters)."""

    def scope_profile(self) -> dict[str, Any]:
        tax_code = self.user.local_identity.tax_code
        return {settings.OIDC_TAX_CODE_CLAIM: f"TINIT-{tax_code}"} if tax_code else {}
