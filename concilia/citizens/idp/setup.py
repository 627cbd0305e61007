"""Setting up the local provider: its signing key, Concilia as its client, its identities (demo and tests)."""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import transaction
from oidc_provider.models import Client, ResponseType, RSAKey

from concilia.accounts.models import User
from concilia.citizens.idp.models import LocalIdentity


def new_rsa_key_pem() -> str:
    """A new 2048-bit RSA private key in PEM (what django-oidc-provider's ``creatersakey`` makes)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def ensure_signing_key() -> bool:
    """The RSA key the provider signs its ID tokens with (RS256): made if there is none. Whether it was made."""
    if RSAKey.objects.exists():
        return False
    RSAKey.objects.create(key=new_rsa_key_pem())
    return True


def ensure_client(*, client_id: str, secret: str, redirect_uris: Iterable[str], name: str = "Concilia") -> Client:
    """Concilia registered at the provider: a confidential client of the code flow, signed with RS256."""
    with transaction.atomic():
        code, _created = ResponseType.objects.get_or_create(
            value="code", defaults={"description": "code (Authorization Code Flow)"}
        )
        client, _created = Client.objects.get_or_create(client_id=client_id, defaults={"name": name})
        client.name = name
        client.client_type = "confidential"
        client.client_secret = secret
        client.jwt_alg = "RS256"
        client.require_consent = False
        client.reuse_consent = False
        client.redirect_uris = sorted(set(redirect_uris))
        client.scope = ["openid", "profile", "email"]
        client.save()
        client.response_types.set([code])
    return client


def ensure_identity(
    *,
    username: str,
    password: str,
    subject: str,
    given_name: str,
    family_name: str,
    email: str = "",
    tax_code: str = "",
    is_example: bool = True,
) -> LocalIdentity:
    """An identity of the provider (its password set only when it is made: a changed one is kept)."""
    with transaction.atomic():
        identity = LocalIdentity.objects.filter(username=username).first()
        if identity is None:
            user = User(username=f"idp-demo:{username}", is_active=False, first_name=given_name, last_name=family_name)
            user.set_unusable_password()
            user.save()
            identity = LocalIdentity(user=user, username=username)
            identity.set_password(password)
        identity.subject = subject
        identity.given_name, identity.family_name = given_name, family_name
        identity.email, identity.tax_code, identity.is_example = email, tax_code, is_example
        identity.full_clean(exclude=["user"])
        identity.save()
    return identity
