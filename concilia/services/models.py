"""The integrated catalogue of childcare and care services.

A provider is an :class:`~concilia.network.models.Organisation` with its authorisations; it runs
services (a nursery, a summer camp, before-school care…) with a place, target ages, weekly opening
hours, periods, closures and fees; offers are the bookable units (service × period × time slot ×
age group) with a capacity and a price.
"""

from __future__ import annotations

import datetime as dt
import math

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concilia.core.models import BaseModel, CentsField, ValidityMixin, ValidityQuerySet
from concilia.services.choices import (
    DEFAULT_AGES,
    ELDERLY_KINDS,
    LANGUAGE_CHOICES,
    WEEKDAYS,
    AuthorisationKind,
    LocationPrecision,
    PeriodKind,
    PriceUnit,
    ServiceKind,
)


class VoucherScheme(ValidityMixin, BaseModel):
    """A kind of voucher families may spend on services (a regional or network call's voucher)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voucher_schemes",
        verbose_name=_("network"),
    )
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    is_example = models.BooleanField(_("example record"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("voucher scheme")
        verbose_name_plural = _("voucher schemes")


class Authorisation(BaseModel):
    """A provider's authorisation, accreditation or school parity, with its act and expiry."""

    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.CASCADE, related_name="authorisations", verbose_name=_("provider")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AuthorisationKind.choices)
    act_number = models.CharField(_("act number"), max_length=60, blank=True)
    act_date = models.DateField(_("act date"), null=True, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["organisation__name", "-act_date"]
        verbose_name = _("authorisation")
        verbose_name_plural = _("authorisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(act_date__isnull=True)
                | Q(expires_on__gte=models.F("act_date")),
                name="services_authorisation_expiry_after_act",
                violation_error_message=_("The expiry cannot precede the act date."),
            )
        ]

    def __str__(self) -> str:
        act = f" {self.act_number}" if self.act_number else ""
        return f"{self.get_kind_display()}{act} – {self.organisation}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class ServiceQuerySet(ValidityQuerySet):
    def published(self) -> ServiceQuerySet:
        return self.filter(is_published=True, valid_to__isnull=True)


class Service(ValidityMixin, BaseModel):
    """A childcare or care service ("unità d'offerta") run by a provider at one place."""

    provider = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="services", verbose_name=_("provider")
    )
    authorisation = models.ForeignKey(
        Authorisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("authorisation"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ServiceKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="services", verbose_name=_("municipality")
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    location_precision = models.CharField(
        _("location precision"), max_length=20, choices=LocationPrecision.choices, default=LocationPrecision.NONE
    )
    for_elderly = models.BooleanField(_("for elderly people"), default=False, editable=False)
    min_age_months = models.PositiveSmallIntegerField(_("minimum age (months)"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("maximum age (months)"), null=True, blank=True)
    hours_are_estimated = models.BooleanField(
        _("hours estimated"),
        default=False,
        help_text=_("The opening hours are the usual ones for this kind of service, not stated by the provider."),
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    capacity_note = models.CharField(_("about the places"), max_length=255, blank=True)
    accepted_vouchers = models.ManyToManyField(
        VoucherScheme, blank=True, related_name="services", verbose_name=_("vouchers accepted")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    step_free = models.BooleanField(
        _("step-free access"), null=True, blank=True, help_text=_("Leave empty when it is not known.")
    )
    accessibility = models.TextField(_("accessibility"), blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    external_code = models.CharField(
        _("external code"),
        max_length=20,
        blank=True,
        db_index=True,
        help_text=_("The code of the service in a public registry (e.g. the Ministry's school code)."),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    is_example = models.BooleanField(
        _("example record"),
        default=False,
        help_text=_("Demo data invented to show how the catalogue works, not a real service."),
    )

    objects = ServiceQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="services_service_geo"),
            models.Index(fields=["kind", "latitude"], name="services_service_kind_lat"),
        ]
        constraints = [
            ValidityMixin.validity_constraint("services_service_validity"),
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(max_age_months__gte=models.F("min_age_months")),
                name="services_service_age_range",
                violation_error_message=_("The maximum age cannot be lower than the minimum age."),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))

    def save(self, *args: object, **kwargs: object) -> None:
        self.for_elderly = self.kind in ELDERLY_KINDS
        if not self.for_elderly and self.min_age_months is None and self.max_age_months is None:
            self.min_age_months, self.max_age_months = DEFAULT_AGES.get(self.kind, (None, None))
        if self.latitude is not None and self.location_precision == LocationPrecision.NONE:
            self.location_precision = LocationPrecision.ADDRESS
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_languages_display(self) -> str:
        names = dict(LANGUAGE_CHOICES)
        return ", ".join(names.get(code, code) for code in self.languages or [])

    def accepts_age(self, months: int) -> bool:
        lo, hi = self.min_age_months, self.max_age_months
        return (lo is None or months >= lo) and (hi is None or months <= hi)


class Period(BaseModel):
    """When a service runs: a school year, a summer week, a season."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="periods", verbose_name=_("service"))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PeriodKind.choices, default=PeriodKind.SCHOOL_YEAR)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["service", "start"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="services_period_order",
                violation_error_message=_("The end cannot precede the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%d/%m/%Y}–{self.end:%d/%m/%Y})"

    @property
    def weeks(self) -> int:
        return max(1, math.ceil(((self.end - self.start).days + 1) / 7))


class OpeningHours(BaseModel):
    """One opening range on one weekday (a day may have several, e.g. morning and afternoon)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("service")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    period = models.ForeignKey(
        Period,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="opening_hours",
        verbose_name=_("period"),
        help_text=_("Leave empty when the hours hold all year."),
        db_index=False,
    )

    class Meta:
        ordering = ["service", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        indexes = [
            # The search's "open on this day at these hours" looks up one service's ranges: service first.
            models.Index(fields=["service", "weekday", "opens", "closes"], name="services_hours_service_day"),
            # Most hours hold all year (no period): an index of the rest only, which SQLite cannot pick
            # for "period IS NULL" (without statistics it would, and read every row).
            models.Index(fields=["period"], condition=Q(period__isnull=False), name="services_hours_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="services_hours_order",
                violation_error_message=_("Closing time must follow opening time."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(BaseModel):
    """Days a service is closed (holidays, August)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="closures", verbose_name=_("service"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["service", "start"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="services_closure_order",
                violation_error_message=_("The end cannot precede the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} {self.reason}".strip()


class Fee(BaseModel):
    """A fee: fixed, or for an ISEE band (``isee_min_cents``–``isee_max_cents``)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fees", verbose_name=_("service"))
    label = models.CharField(_("label"), max_length=120, blank=True)
    amount_cents = CentsField(_("amount (cents)"))
    unit = models.CharField(_("unit"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.MONTH)
    isee_min_cents = CentsField(_("ISEE from (cents)"), null=True, blank=True)
    isee_max_cents = CentsField(_("ISEE up to (cents)"), null=True, blank=True)

    class Meta:
        ordering = ["service", "isee_min_cents", "amount_cents"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return f"{self.label or self.get_unit_display()}: € {self.amount_cents / 100:.2f}"


def weekly_cents(amount_cents: int, unit: str, days: int, hours_per_day: float, weeks: int) -> int:
    """A price made comparable: what a family pays for one week of it."""
    if unit == PriceUnit.FREE:
        return 0
    if unit == PriceUnit.MONTH:
        return round(amount_cents * 12 / 52)
    if unit == PriceUnit.DAY:
        return amount_cents * days
    if unit == PriceUnit.HOUR:
        return round(amount_cents * hours_per_day * days)
    if unit == PriceUnit.PERIOD:
        return round(amount_cents / max(1, weeks))
    return amount_cents


class Offer(BaseModel):
    """A bookable unit: service × period × time slot × age group, with capacity and price."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="offers", verbose_name=_("service"))
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, null=True, blank=True, related_name="offers", verbose_name=_("period")
    )
    label = models.CharField(_("label"), max_length=160, blank=True)
    days = models.JSONField(_("days"), default=list, help_text=_("Weekdays, 0 = Monday."))
    start_time = models.TimeField(_("start time"))
    end_time = models.TimeField(_("end time"))
    min_age_months = models.PositiveSmallIntegerField(_("minimum age (months)"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("maximum age (months)"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    price_cents = CentsField(_("price (cents)"), default=0)
    price_unit = models.CharField(_("price unit"), max_length=10, choices=PriceUnit.choices, default=PriceUnit.MONTH)
    weekly_cents = CentsField(_("price per week (cents)"), default=0, editable=False, db_index=True)

    class Meta:
        ordering = ["service", "start_time", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="services_offer_time_order",
                violation_error_message=_("The end time must follow the start time."),
            ),
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(max_age_months__gte=models.F("min_age_months")),
                name="services_offer_age_range",
                violation_error_message=_("The maximum age cannot be lower than the minimum age."),
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.service} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        super().clean()
        days = self.days if isinstance(self.days, list) else None
        if not days or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days):
            raise ValidationError({"days": _("Choose at least one weekday (0 = Monday … 6 = Sunday).")})

    def save(self, *args: object, **kwargs: object) -> None:
        start = dt.datetime.combine(dt.date.min, self.start_time)
        end = dt.datetime.combine(dt.date.min, self.end_time)
        hours = max(0.0, (end - start).total_seconds() / 3600)
        weeks = self.period.weeks if self.period_id and self.period else 1
        self.weekly_cents = weekly_cents(self.price_cents, self.price_unit, len(self.days or []), hours, weeks)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CatalogueVersion(models.Model):
    """One row whose token changes whenever the catalogue does (see :mod:`concilia.services.search_index`).

    The search keeps an in-memory index of the published catalogue and rebuilds it when the token it
    was built from is no longer the current one. A fresh random token per change (not a counter) so
    that a rolled-back change never leaves a token that a later, different catalogue reuses.
    """

    token = models.UUIDField(_("token"))
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        verbose_name = _("catalogue version")
        verbose_name_plural = _("catalogue versions")

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
