"""Writes of the citizens' accounts: registration and its e-mail confirmation, and the login through OpenID Connect.

Every path that makes or changes a citizen's account comes through here: the pages, the OpenID Connect
backend (``backends.py``) and the demo. Times come from ``concilia.core.clock``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from stdnum.it import codicefiscale

from concilia.accounts.models import User
from concilia.citizens.models import Citizen, CitizenIdentity
from concilia.core import clock
from concilia.core.privacy_notices import CITIZEN_ACCOUNTS

log = logging.getLogger("concilia.citizens")

CITIZEN_SESSION_KEY = "concilia_citizen"
"""Set in the session of a citizen's login: the pages tell a citizen from staff without asking the database."""

_SALT = "concilia.citizens.verify-email"


def is_citizen(user: Any) -> bool:
    """Whether ``user`` is a citizen's account (has the citizen profile)."""
    return bool(getattr(user, "is_authenticated", False)) and Citizen.objects.filter(user_id=user.pk).exists()


def mark_citizen_session(sender: object, request: HttpRequest, user: Any, **kwargs: object) -> None:
    """``user_logged_in`` receiver: note in the session whether the person is a citizen."""
    if hasattr(request, "session"):
        request.session[CITIZEN_SESSION_KEY] = is_citizen(user)


# --- registration with an e-mail address -------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What a registration did (never shown to the visitor, who reads the same page whatever happened)."""

    user: User
    sent: str
    """``"verify"``: a confirmation link went out; ``"existing"``: the address already has an account."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def citizen_register(
    *, first_name: str, last_name: str, email: str, password: str, privacy_accepted: bool, site_url: str
) -> Registration:
    """Register a citizen with an e-mail address: the account stays inactive until the e-mailed link is opened.

    The answer is the same whether the address is new or not, so that the form tells nobody who has an
    account: a new address (or one whose registration was never confirmed: its name and password are
    replaced, and the earlier link stops working) gets a confirmation link; an address with an account
    gets a message saying so, with the link to choose a new password. ``site_url`` starts the links.
    """
    email = normalise_email(email)
    if not privacy_accepted:
        raise ValidationError({"privacy": _("Please confirm that you have read the privacy notice.")})
    now = clock.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=email).first()
        if user is not None and (user.is_active or not Citizen.objects.filter(user=user).exists()):
            _mail_existing(user, email, site_url)
            return Registration(user=user, sent="existing")
        if user is None:
            user = User(username=email, is_active=False)
        user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        Citizen.objects.update_or_create(
            user=user,
            defaults={"privacy_notice": CITIZEN_ACCOUNTS, "privacy_accepted_at": now, "email_verified_at": None},
        )
    _mail_verification(user, site_url)
    return Registration(user=user, sent="verify")


def _state(user: User) -> str:
    """A digest of what a link is valid for: the account, its password, its address and whether it is active.

    Confirming (the account becomes active) or registering again (a new password) changes it, so a link
    works once, and only the last one sent works.
    """
    material = f"{user.pk}:{user.password}:{user.email}:{int(user.is_active)}"
    return salted_hmac(_SALT, material, algorithm="sha256").hexdigest()[:32]


def verification_token(user: User) -> str:
    """The signed token of the confirmation link of ``user``, stamped with the clock's time."""
    return signing.dumps({"u": user.pk, "s": _state(user), "t": int(clock.now().timestamp())}, salt=_SALT)


def _mail_verification(user: User, site_url: str) -> None:
    link = site_url.rstrip("/") + reverse("citizens:verify", args=[verification_token(user)])
    hours = settings.CITIZEN_VERIFICATION_HOURS
    EmailMessage(
        subject=_("Confirm your e-mail address for Concilia"),
        body=_(
            "Dear %(name)s,\n\nto activate your Concilia account open this link within %(hours)d hours:\n\n%(link)s\n\n"
            "If you did not register, ignore this message: without confirmation the account is deleted.\n"
        )
        % {"name": user.first_name, "hours": hours, "link": link},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()


def _mail_existing(user: User, email: str, site_url: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    reset = site_url.rstrip("/") + reverse("password_reset")
    if user.is_active and user.has_usable_password():
        reset = site_url.rstrip("/") + reverse(
            "password_reset_confirm", args=[uid, default_token_generator.make_token(user)]
        )
    EmailMessage(
        subject=_("You already have a Concilia account"),
        body=_(
            "Hello,\n\nsomebody (perhaps you) tried to register on Concilia with this e-mail address, which already "
            "has an account. Log in with it; if you have forgotten the password, choose a new one here:\n\n%(link)s\n\n"
            "If it was not you, ignore this message: nothing has changed.\n"
        )
        % {"link": reset},
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
    ).send()


def citizen_verify_email(*, token: str) -> User:
    """Activate the account whose confirmation link carries ``token``.

    Refused (a ``ValidationError`` with code ``invalid``, ``used`` or ``expired``): a token not signed by
    us, a link already used or superseded by a later registration, one older than
    ``CITIZEN_VERIFICATION_HOURS`` by the clock.
    """
    user = check_verification_token(token)
    now = clock.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        check_verification_token(token, user=user)
        user.is_active = True
        user.save(update_fields=["is_active"])
        Citizen.objects.filter(user=user).update(email_verified_at=now, updated_at=now)
    log.info("citizen account %s confirmed its e-mail address", user.pk)
    return user


def check_verification_token(token: str, *, user: User | None = None) -> User:
    """The account a confirmation link is for, if the link may still be used (else a ``ValidationError``)."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This link is not valid: copy the whole address from the e-mail."), code="invalid"
        ) from exc
    if not isinstance(data, dict) or not {"u", "s", "t"} <= data.keys():
        raise ValidationError(_("This link is not valid: copy the whole address from the e-mail."), code="invalid")
    if user is None:
        user = User.objects.filter(pk=data["u"], citizen__isnull=False).first()
    if user is None:
        raise ValidationError(_("This link is not valid: copy the whole address from the e-mail."), code="invalid")
    if not constant_time_compare(str(data["s"]), _state(user)):
        if user.is_active:
            raise ValidationError(_("This link has already been used: your account is active, log in."), code="used")
        raise ValidationError(
            _("This link has been replaced by a more recent one: open the last e-mail we sent you."), code="invalid"
        )
    age = clock.now().timestamp() - int(data["t"])
    if age > settings.CITIZEN_VERIFICATION_HOURS * 3600 or age < -300:
        raise ValidationError(
            _("This link has expired: register again with the same address to receive a new one."), code="expired"
        )
    return user


# --- OpenID Connect (SPID, CIE) -----------------------------------------------------------------


def tax_code_from_claims(claims: dict[str, Any]) -> str:
    """The tax code the provider certified (``TINIT-`` prefix removed), or ``""`` if none or not valid."""
    raw = claims.get(settings.OIDC_TAX_CODE_CLAIM) or ""
    if not isinstance(raw, str):
        return ""
    value = raw.strip().upper()
    if value.startswith("TINIT-"):
        value = value[len("TINIT-") :]
    value = codicefiscale.compact(value)
    if len(value) == 16 and codicefiscale.is_valid(value):
        return value
    if value:
        log.warning("an OpenID provider sent a tax code that is not valid: ignored")
    return ""


def _username(issuer: str, subject: str) -> str:
    digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:20]
    return f"spid-cie-{digest}"


def staff_powers(user: User) -> bool:
    """Whether the account can do more than a citizen: the admin site, or any role."""
    return bool(user.is_staff or user.is_superuser or user.roles.exists())


def citizen_sign_in(*, issuer: str, subject: str, claims: dict[str, Any]) -> User:
    """The citizen's account for the identity (``issuer``, ``subject``) an OpenID provider has just vouched for.

    Found by issuer and subject; a first login of an identity with a tax code already certified for
    another identity joins that account (``OIDC_LINK_BY_TAX_CODE``); otherwise a new account is made.
    Never by e-mail address: the address in the claims is only kept as the account's contact, with the
    names. An account with staff powers is never signed in this way (``PermissionError``): staff keep
    their own login.
    """
    if not issuer or not subject:
        raise ValidationError(_("The identity provider did not say who you are."), code="no_subject")
    now = clock.now()
    tax_code = tax_code_from_claims(claims)
    for _attempt in range(2):  # a concurrent first login of the same identity: the second finds the first's row
        try:
            with transaction.atomic():
                identity = (
                    CitizenIdentity.objects.select_for_update()
                    .select_related("user")
                    .filter(issuer=issuer, subject=subject)
                    .first()
                )
                if identity is None:
                    identity = CitizenIdentity(
                        issuer=issuer, subject=subject, user=_account_for(issuer, subject, tax_code, now)
                    )
                user = identity.user
                if staff_powers(user):
                    raise PermissionError("an OpenID identity is linked to an account with staff powers")
                _update_from_claims(user, claims)
                Citizen.objects.get_or_create(user=user)
                identity.tax_code = tax_code or identity.tax_code
                identity.last_login_at = now
                identity.full_clean(validate_unique=False)
                identity.save()
                return user
        except IntegrityError:
            continue
    raise ValidationError(_("The login could not be completed: try again."), code="conflict")


def _account_for(issuer: str, subject: str, tax_code: str, now: Any) -> User:
    if tax_code and settings.OIDC_LINK_BY_TAX_CODE:
        same_person = CitizenIdentity.objects.filter(tax_code=tax_code).select_related("user").first()
        if same_person is not None:
            return same_person.user
    user, created = User.objects.get_or_create(
        username=_username(issuer, subject), defaults={"is_active": True, "date_joined": now}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _update_from_claims(user: User, claims: dict[str, Any]) -> None:
    """Names and contact address as the provider gives them today (they may change between logins)."""
    fields = {"first_name": "given_name", "last_name": "family_name", "email": "email"}
    changed = []
    for field, claim in fields.items():
        value = claims.get(claim)
        if isinstance(value, str) and value.strip():
            value = value.strip()[: User._meta.get_field(field).max_length]  # type: ignore[union-attr]
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
    if changed:
        user.save(update_fields=changed)
