"""The people the local provider knows, as a real identity provider (SPID, CIE) would: not Concilia accounts."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _


class LocalIdentity(models.Model):
    """A digital identity of the local provider: who the person is, and the password they log in with there.

    django-oidc-provider records its codes and tokens against a row of the user model, so each identity
    has one (``user``): inactive and without a usable password, so that it can never sign in to Concilia
    itself. The account a person gets in Concilia is another one, made by the client (``citizens``) from
    what this provider vouches for.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="local_identity", verbose_name=_("user")
    )
    username = models.CharField(_("user name at the provider"), max_length=150, unique=True)
    password = models.CharField(_("password"), max_length=128)
    subject = models.CharField(_("subject"), max_length=64, unique=True)
    given_name = models.CharField(_("first name"), max_length=150)
    family_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True)
    is_example = models.BooleanField(_("example"), default=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("local identity")
        verbose_name_plural = _("local identities")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.username})"

    def set_password(self, raw: str) -> None:
        self.password = make_password(raw)

    def check_password(self, raw: str) -> bool:
        return check_password(raw, self.password)
