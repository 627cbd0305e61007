"""Closed lists of the family–work help desks."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Need(models.TextChoices):
    """What a citizen comes to the desk for (a case may have several)."""

    CHILDCARE = "childcare", _("Childcare")
    ELDER_CARE = "elder_care", _("Care of elderly relatives")
    DISABILITY_CARE = "disability_care", _("Care of relatives with disabilities")
    WORK_FLEXIBILITY = "work_flexibility", _("Flexible working (hours, part-time, smart working)")
    PARENTAL_LEAVE = "parental_leave", _("Parental and care leave")
    VOUCHERS = "vouchers", _("Vouchers and contributions")
    COMPANY_WELFARE = "company_welfare", _("Company welfare")
    BABYSITTER = "babysitter", _("Babysitters and family assistants")
    JOB_RETURN = "job_return", _("Returning to work after a leave")
    OTHER = "other", pgettext_lazy("need", "Other")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ONLINE = "online", _("Online")
    APPOINTMENT = "appointment", _("Booked appointment")


class Outcome(models.TextChoices):
    INFORMATION = "information", _("Information given")
    REFERRED = "referred", _("Referred to other services")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Taken in charge")
    RESOLVED = "resolved", _("Resolved")
    NOT_PERTINENT = "not_pertinent", _("Not within the desk's remit")


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("appointment status", "Booked")
    CANCELLED = "cancelled", pgettext_lazy("appointment status", "Cancelled")
    ATTENDED = "attended", pgettext_lazy("appointment status", "Attended")
    NO_SHOW = "no_show", pgettext_lazy("appointment status", "Did not come")


# Statuses that take a place in a slot (a cancelled appointment frees it).
OCCUPYING = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


class ReferralTarget(models.TextChoices):
    SERVICE = "service", _("Care service")
    DESK = "desk", _("Another desk")
    CALL = "call", _("Open call")
    OTHER = "other", _("Other body")
