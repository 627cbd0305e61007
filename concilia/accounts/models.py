"""Users and their roles, each role scoped to the objects it concerns."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concilia.accounts.choices import NETWORK_SCOPED, ORGANISATION_SCOPED, Role
from concilia.core.models import BaseModel


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role assignments."""

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(BaseModel):
    """A role a user holds, scoped to a network (coordinator) or an organisation (lead, provider, HR, operator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["user__username", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "network", "organisation"],
                name="accounts_role_unique",
                violation_error_message=_("This user already holds this role here."),
            ),
            models.CheckConstraint(
                condition=~Q(role="network_coordinator") | Q(network__isnull=False),
                name="accounts_role_coordinator_has_network",
                violation_error_message=_("A network coordinator must be assigned to a network."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.network or self.organisation
        return f"{self.user} · {self.get_role_display()}" + (f" · {scope}" if scope else "")

    def clean(self) -> None:
        if self.role in NETWORK_SCOPED and not self.network_id:
            raise ValidationError({"network": _("A network coordinator must be assigned to a network.")})
        if self.role in ORGANISATION_SCOPED and not self.organisation_id:
            raise ValidationError({"organisation": _("This role must be assigned to an organisation.")})
