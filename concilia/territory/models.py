"""Regions, provinces, municipalities, population, health agencies and districts, with validity in time."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concilia.core.models import BaseModel, ValidityMixin
from concilia.territory.choices import AgencyKind, ProvinceKind

MAX_AGE = 100  # ISTAT's last single-year class is "100 and over"


class Region(ValidityMixin, BaseModel):
    """An Italian region (ISTAT two-digit code, e.g. ``03`` Lombardia)."""

    code = models.CharField(_("ISTAT code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Province(ValidityMixin, BaseModel):
    """A province or equivalent supra-municipal unit (ISTAT three-digit code, e.g. ``015`` Milano)."""

    code = models.CharField(_("ISTAT code"), max_length=3, unique=True)
    car_plate = models.CharField(_("abbreviation"), max_length=2, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=ProvinceKind.choices, default=ProvinceKind.PROVINCE)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Municipality(ValidityMixin, BaseModel):
    """An Italian municipality ("comune"). Vanished ones are closed with ``valid_to``, never deleted."""

    istat_code = models.CharField(
        _("ISTAT code"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$", _("Six digits."))]
    )
    cadastral_code = models.CharField(
        _("cadastral code"),
        max_length=4,
        db_index=True,
        validators=[RegexValidator(r"^[A-Z]\d{3}$", _("A letter and three digits, e.g. F205."))],
    )
    name = models.CharField(_("name"), max_length=150, db_index=True)
    name_other_language = models.CharField(_("name in other language"), max_length=150, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("province")
    )
    is_capital = models.BooleanField(_("provincial capital"), default=False)
    # A point inside the municipality, for maps and distances: see ``loaders.parse_boundaries``.
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    class Meta:
        ordering = ["name", "istat_code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [ValidityMixin.validity_constraint("territory_municipality_validity")]

    LABEL_RELATED = ("province",)
    """What ``__str__`` reads: forms that list municipalities as choices fetch it with them."""

    @classmethod
    def limit_choices(cls, queryset: models.QuerySet[Municipality], keep: list[Any]) -> models.QuerySet[Municipality]:
        """A form's municipalities: the current ones of the platform's regions (``CONCILIA_REGIONS``),
        about 1,500 for Lombardy rather than Italy's 7,900, plus those the record already names."""
        offered = Q(pk__in=cls.objects.current().filter(province__region__code__in=settings.CONCILIA_REGIONS))
        return queryset.filter(offered | Q(pk__in=keep)) if keep else queryset.filter(offered)

    def __str__(self) -> str:
        return f"{self.name} ({self.province.car_plate})" if self.province_id else self.name


class Population(models.Model):
    """Residents of a municipality on 1 January of ``year``, by single year of age (index 100 = 100+)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="populations", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("residents"))
    males = models.PositiveIntegerField(_("males"))
    females = models.PositiveIntegerField(_("females"))
    by_age = models.JSONField(_("residents by age"), help_text=_("101 numbers: ages 0 to 99, then 100 and over."))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["municipality__name", "-year"]
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="territory_population_unique_year",
                violation_error_message=_("There is already a population figure for this municipality and year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name} {self.year}: {self.total}"

    def aged(self, low: int, high: int = MAX_AGE) -> int:
        """Residents aged ``low`` to ``high`` inclusive."""
        return sum(self.by_age[low : high + 1])


class HealthAgency(ValidityMixin, BaseModel):
    """An ASL (until 2015), ATS or ASST (from 2016, L.R. 23/2015), with the municipalities it covers."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="health_agencies", verbose_name=_("region")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
        help_text=_("For an ASST, the ATS it belongs to."),
    )
    successors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="predecessors", verbose_name=_("successors")
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="health_agencies", verbose_name=_("municipalities")
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("health agency")
        verbose_name_plural = _("health agencies")
        constraints = [ValidityMixin.validity_constraint("territory_agency_validity")]

    def __str__(self) -> str:
        return self.short_name or self.name


class District(ValidityMixin, BaseModel):
    """An "ambito territoriale" (piano di zona): municipalities that plan social services together."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    lead = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="led_districts", verbose_name=_("lead municipality")
    )
    members = models.ManyToManyField(
        Municipality, blank=True, related_name="districts", verbose_name=_("member municipalities")
    )
    agency = models.ForeignKey(
        HealthAgency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("health agency"),
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [ValidityMixin.validity_constraint("territory_district_validity")]


class DataLoad(models.Model):
    """The checksum of the last source loaded under ``key``, so an unchanged source is skipped in milliseconds."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    checksum = models.CharField(_("checksum"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        ordering = ["key"]
        verbose_name = _("data load")
        verbose_name_plural = _("data loads")

    def __str__(self) -> str:
        return f"{self.key} @ {self.loaded_at:%Y-%m-%d %H:%M}"
