"""Citizens' accounts: the people who use Concilia for themselves and their families, not for an organisation.

A citizen is an ordinary ``accounts.User`` with a :class:`Citizen` profile and no role assignment, so every
policy of ``core.permissions`` treats them as a visitor who is signed in: they see what is public and, as
later issues add them, their own records. They sign in in one of two ways:

- through OpenID Connect (SPID and CIE reach Concilia through an OIDC broker): each identity the provider
  vouches for is a :class:`CitizenIdentity`, found again by its issuer and subject (or by its tax code,
  which SPID and CIE certify), never by its e-mail address, which the person may change at will;
- with an e-mail address and a password, after opening the link that the registration e-mailed to them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from concilia.core.models import BaseModel


class Citizen(BaseModel):
    """The citizen's profile of a user account (its presence is what makes the account a citizen's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen", verbose_name=_("user")
    )
    email_verified_at = models.DateTimeField(
        _("e-mail address confirmed at"),
        null=True,
        blank=True,
        help_text=_("For an account registered with an e-mail address: when its link was opened."),
    )
    privacy_notice = models.CharField(_("privacy notice accepted"), max_length=60, blank=True)
    privacy_accepted_at = models.DateTimeField(_("privacy notice accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "pk"]
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return str(self.user)


class CitizenIdentity(BaseModel):
    """An identity an OpenID provider vouches for (a SPID or CIE identity), linked to one citizen's account.

    The pair (issuer, subject) names the identity for good: the provider never gives the same subject to
    another person. The tax code is the one the provider certified, kept to link the other identities of
    the same person (SPID and CIE give different subjects) and to show it to the citizen.
    """

    personal_fields = ("tax_code",)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("issuer"), max_length=255, help_text=_("The OpenID provider that vouches for it."))
    subject = models.CharField(_("subject"), max_length=255, help_text=_("The provider's identifier of the person."))
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True, db_index=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        ordering = ["user", "issuer", "subject"]
        verbose_name = _("citizen identity")
        verbose_name_plural = _("citizen identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                name="citizens_identity_issuer_subject_unique",
                violation_error_message=_("This identity is already linked to an account."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.subject}"
