"""Choices of the babysitter registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BabysitterStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting verification")
    LISTED = "listed", _("Listed")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Application submitted")
    LISTED = "listed", _("Verified and listed")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    REINSTATED = "reinstated", _("Reinstated")
    RENEWED = "renewed", _("Listing renewed")
    EXPIRED = "expired", _("Listing expired")
    REMINDER = "reminder", _("Expiry reminder sent")


class Language(models.TextChoices):
    IT = "it", _("Italian")
    EN = "en", _("English")
    FR = "fr", _("French")
    DE = "de", _("German")
    ES = "es", _("Spanish")
    RO = "ro", _("Romanian")
    AR = "ar", _("Arabic")
    ZH = "zh", _("Chinese")
    SQ = "sq", _("Albanian")
    UK = "uk", _("Ukrainian")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
