"""Abstract bases shared by every domain model."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from concilia.core import clock

# The largest amount of money any record may hold: one hundred billion euros, in cents. Far above any
# plan, and low enough that the sum of a million such amounts still fits a 64-bit integer.
MAX_CENTS = 10**13


class CentsField(models.PositiveBigIntegerField):
    """An amount of money in euro cents (never negative, at most :data:`MAX_CENTS`)."""

    default_validators = [MaxValueValidator(MAX_CENTS)]


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can narrow itself to what a user may do (see ``core.permissions``)."""

    def restrict(self, user: Any, action: str = "view") -> models.QuerySet:
        from concilia.core.permissions import restrict

        return restrict(self, user, action)


class BaseModel(models.Model):
    """Timestamps, change history (shown as "Cronologia") and a restrictable manager."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(inherit=True)
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        name = getattr(self, "name", None)
        return str(name) if name else f"{self._meta.verbose_name} {self.pk}"

    def get_absolute_url(self) -> str | None:
        from concilia.core.registry import detail_url

        return detail_url(self)


class ValidityQuerySet(RestrictedQuerySet):
    def valid_on(self, day: dt.date | None = None) -> ValidityQuerySet:
        """Records in force on ``day`` (today by default)."""
        day = day or clock.today()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def current(self) -> ValidityQuerySet:
        return self.filter(valid_to__isnull=True)


class ValidityMixin(models.Model):
    """Records are closed with an end date, never deleted, so the past stays reportable."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to >= clock.today()

    @classmethod
    def validity_constraint(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            name=name,
            violation_error_message=_("The end date cannot precede the start date."),
        )


class RateCounter(models.Model):
    """A throttle's counter in the embedded default (see ``core.throttling``): hits of one key in a window."""

    key = models.CharField(max_length=100, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class SensitiveRead(models.Model):
    """One read of special-category data (ISEE, disability, health) by someone other than the person it is about.

    Written by :func:`concilia.core.audit.record_sensitive_read` whenever a page, an export or the API
    shows such fields to a member of staff; never changed. The register of these reads is the answer
    to "who looked at my data" (art. 15 GDPR) and the controller's check on its staff.
    """

    at = models.DateTimeField(_("at"), db_index=True)
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("read by"))
    model = models.CharField(_("kind of record"), max_length=60)
    object_id = models.PositiveBigIntegerField(_("record"))
    subject = models.CharField(_("about"), max_length=160, help_text=_("Whose data: the record's name."))
    fields = models.JSONField(_("fields read"), default=list)
    where = models.CharField(_("where"), max_length=255, help_text=_("The page or endpoint that showed them."))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("read of sensitive data")
        verbose_name_plural = _("reads of sensitive data")
        indexes = [models.Index(fields=["model", "object_id"], name="core_sensitiveread_record")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} → {self.subject}"

    def get_absolute_url(self) -> str | None:
        from concilia.core.registry import detail_url

        return detail_url(self)


class Notification(models.Model):
    """A message to a person about a change in something of theirs, shown in their area and e-mailed.

    Written only by :func:`concilia.core.notifications.notify`.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications", verbose_name=_("to")
    )
    at = models.DateTimeField(_("at"), db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=255, blank=True)
    emailed = models.BooleanField(_("sent by e-mail"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.subject
