"""Closed lists of the services catalogue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    NIDO = "nido", _("Nursery (nido)")
    MICRONIDO = "micronido", _("Small nursery (micronido)")
    NIDO_FAMIGLIA = "nido_famiglia", _("Family nursery (nido famiglia)")
    CENTRO_PRIMA_INFANZIA = "centro_prima_infanzia", _("Early-childhood centre")
    SCUOLA_INFANZIA = "scuola_infanzia", _("Pre-primary school (scuola dell'infanzia)")
    CENTRO_ESTIVO = "centro_estivo", _("Summer camp")
    PRE_SCUOLA = "pre_scuola", _("Before-school care")
    POST_SCUOLA = "post_scuola", _("After-school care")
    GIOCHI_SERALI = "giochi_serali", _("Evening play / recreation centre")
    SPAZIO_COMPITI = "spazio_compiti", _("Homework club")
    LUDOTECA = "ludoteca", _("Toy library (ludoteca)")
    ASSISTENZA_DOMICILIARE = "assistenza_domiciliare", _("Home care for the elderly")
    CENTRO_DIURNO_ANZIANI = "centro_diurno_anziani", _("Day centre for the elderly")


ELDERLY_KINDS = frozenset({ServiceKind.ASSISTENZA_DOMICILIARE, ServiceKind.CENTRO_DIURNO_ANZIANI})

# Usual ages in months, used when a service does not state its own (regional standards: nidi from
# 3 months to 3 years, scuola dell'infanzia 3–6, primary-school services 6–11, summer camps 3–14).
DEFAULT_AGES: dict[str, tuple[int, int]] = {
    ServiceKind.NIDO: (3, 36),
    ServiceKind.MICRONIDO: (3, 36),
    ServiceKind.NIDO_FAMIGLIA: (3, 36),
    ServiceKind.CENTRO_PRIMA_INFANZIA: (12, 36),
    ServiceKind.SCUOLA_INFANZIA: (36, 72),
    ServiceKind.CENTRO_ESTIVO: (36, 168),
    ServiceKind.PRE_SCUOLA: (36, 132),
    ServiceKind.POST_SCUOLA: (36, 132),
    ServiceKind.GIOCHI_SERALI: (36, 168),
    ServiceKind.SPAZIO_COMPITI: (72, 168),
    ServiceKind.LUDOTECA: (0, 144),
}


class AuthorisationKind(models.TextChoices):
    OPERATING = "operating", _("Authorisation to operate")
    NOTICE = "notice", _("Prior notice of operation (CPE/SCIA)")
    ACCREDITATION = "accreditation", _("Accreditation")
    PARITY = "parity", _("School parity (paritaria)")


class LocationPrecision(models.TextChoices):
    ADDRESS = "address", _("Address")
    MUNICIPALITY = "municipality", _("Municipality centre (address not located)")
    NONE = "none", _("Not located")


class PeriodKind(models.TextChoices):
    SCHOOL_YEAR = "school_year", _("School year")
    SUMMER_WEEK = "summer_week", _("Summer week")
    TERM = "term", _("Term or season")
    OTHER = "other", _("Other")


class PriceUnit(models.TextChoices):
    MONTH = "month", _("per month")
    WEEK = "week", _("per week")
    DAY = "day", _("per day")
    HOUR = "hour", _("per hour")
    PERIOD = "period", _("for the whole period")
    FREE = "free", _("free of charge")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

# Languages a service can be used in, by their own names (autonyms need no translation). ISO 639
# codes; "lis" is the Italian Sign Language (Lingua dei segni italiana, recognised by L. 69/2021).
LANGUAGE_CHOICES = [
    ("it", "Italiano"),
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("pt", "Português"),
    ("ro", "Română"),
    ("sq", "Shqip"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("ar", "العربية"),
    ("zh", "中文"),
    ("hi", "हिन्दी"),
    ("bn", "বাংলা"),
    ("ur", "اردو"),
    ("tl", "Tagalog"),
    ("lis", "LIS – Lingua dei segni italiana"),
]
