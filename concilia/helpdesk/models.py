"""Family–work help desks ("Sportelli Famiglia-Lavoro"): desks, their hours, appointments and case log.

A :class:`Desk` is an office run by an organisation (often a territorial district, "Ambito"), part
of a network, with a public address, opening hours and the weekly windows in which citizens may
book an :class:`Appointment` from the public portal. Operators log each contact as a :class:`Case`
(channel, needs, outcome, follow-up) with its :class:`Referral` rows to services, other desks or
open calls.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concilia.core.models import BaseModel
from concilia.helpdesk.choices import (
    AppointmentStatus,
    CaseStatus,
    Channel,
    Need,
    Outcome,
    ReferralTarget,
)
from concilia.services.choices import WEEKDAYS


def _needs_display(codes: list[str] | None) -> str:
    labels = dict(Need.choices)
    return ", ".join(str(labels.get(c, c)) for c in codes or [])


def _valid_needs(value: object) -> None:
    if not isinstance(value, list) or any(v not in Need.values for v in value):
        raise ValidationError(_("Choose needs from the list."))


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Desk(BaseModel):
    """A help desk: a public office with address, hours, the services it offers and its operators."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="desks", verbose_name=_("run by")
    )
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="desks",
        verbose_name=_("network"),
    )
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="desks", verbose_name=_("municipality")
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    phone = models.CharField(_("desk phone"), max_length=40, blank=True)
    email = models.EmailField(_("desk e-mail"), blank=True)
    services = models.JSONField(
        _("services offered"), default=list, blank=True, validators=[_valid_needs], help_text=_("Needs it helps with.")
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="helpdesks", verbose_name=_("operators")
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("appointment length (minutes)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    weeks_ahead = models.PositiveSmallIntegerField(
        _("bookable weeks ahead"), default=4, validators=[MinValueValidator(1), MaxValueValidator(26)]
    )
    capacity_per_slot = models.PositiveSmallIntegerField(
        _("appointments per slot"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many citizens can be received at the same time."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_example = models.BooleanField(_("example record"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("help desk")
        verbose_name_plural = _("help desks")
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=10) & Q(capacity_per_slot__gte=1) & Q(weeks_ahead__gte=1),
                name="helpdesk_desk_booking_settings",
                violation_error_message=_("Appointments last at least 10 minutes, with at least one place."),
            )
        ]

    def get_services_display(self) -> str:
        return _needs_display(self.services)

    def get_services_display_list(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(c, c)) for c in self.services or []]

    def get_public_url(self) -> str:
        from django.urls import reverse

        return reverse("helpdesk:public_detail", args=[self.pk])


class DeskHours(BaseModel):
    """A weekly time range of a desk: open to the public, or given to booked appointments."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="hours", verbose_name=_("help desk"))
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    opens = models.TimeField(_("from"))
    closes = models.TimeField(_("to"))
    appointments = models.BooleanField(
        _("appointment hours"),
        default=False,
        help_text=_("Tick for the hours in which appointments can be booked; leave empty for opening hours."),
    )

    class Meta:
        ordering = ["desk", "appointments", "weekday", "opens"]
        verbose_name = _("desk hours")
        verbose_name_plural = _("desk hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="helpdesk_hours_order",
                violation_error_message=_("The end time must follow the start time."),
            )
        ]

    def __str__(self) -> str:
        kind = _("appointments") if self.appointments else _("open")
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M} ({kind})"


class DeskClosure(BaseModel):
    """Days a desk is closed beyond the national holidays: no appointments are offered.

    A one-off closure (``every_year`` false) covers ``start``–``end``; a yearly one (a local holiday such
    as the patron saint of the municipality) covers the same days every year, and ``source`` says where
    the date comes from. National holidays come from the ``holidays`` calendar (see ``closures.py``).
    """

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="closures", verbose_name=_("help desk"))
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    every_year = models.BooleanField(
        _("every year"),
        default=False,
        help_text=_("A local holiday (e.g. the patron saint of the municipality): the same days every year."),
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where the date of a local holiday comes from.")
    )

    class Meta:
        ordering = ["desk", "start"]
        verbose_name = _("desk closure")
        verbose_name_plural = _("desk closures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="helpdesk_closure_order",
                violation_error_message=_("The end cannot precede the start."),
            )
        ]

    def __str__(self) -> str:
        if self.every_year:
            span = f"{self.start:%d/%m}" if self.start == self.end else f"{self.start:%d/%m}–{self.end:%d/%m}"
            return f"{span} {self.reason}".strip()
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} {self.reason}".strip()


class Appointment(BaseModel):
    """A citizen's booking of one slot at a desk; the secret token lets the citizen see and cancel it.

    ``seat`` numbers the places of a slot (1 … the desk's capacity): two bookings can never hold the
    same place of the same slot (a database constraint), the last line of defence behind the lock.
    """

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("help desk"))
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    seat = models.PositiveSmallIntegerField(_("place"), default=1)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    topic = models.CharField(_("topic"), max_length=30, choices=Need.choices)
    note = models.TextField(_("message for the desk"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    booked_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    anonymised_on = models.DateField(
        _("personal data removed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Past its retention period the record keeps only what counts need (concilia.core.privacy)."),
    )

    personal_fields = ("first_name", "last_name", "email", "phone", "note")

    class Meta:
        ordering = ["starts_at", "seat"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="helpdesk_appointment_order",
                violation_error_message=_("The end of an appointment must follow its start."),
            ),
            models.UniqueConstraint(
                fields=["desk", "starts_at", "seat"],
                condition=~Q(status=AppointmentStatus.CANCELLED),
                name="helpdesk_appointment_one_per_place",
                violation_error_message=_("This time has just been booked by someone else: choose another one."),
            ),
        ]

    def __str__(self) -> str:
        from django.utils import timezone

        return f"{self.desk.name} · {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    @property
    def citizen(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Case(BaseModel):
    """One contact with a citizen (anonymous or named): needs, what was done, the follow-up."""

    desk = models.ForeignKey(Desk, on_delete=models.PROTECT, related_name="cases", verbose_name=_("help desk"))
    opened_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.IN_PERSON)
    anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("The citizen gave no name: no personal data is kept.")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality of residence"),
    )
    needs = models.JSONField(_("needs"), default=list, validators=[_valid_needs])
    description = models.TextField(_("description"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_reminded_at = models.DateTimeField(_("follow-up reminder sent at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helpdesk_cases",
        verbose_name=_("handled by"),
    )
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name=_("appointment"),
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)

    anonymised_on = models.DateField(
        _("personal data removed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Past its retention period the record keeps only what counts need (concilia.core.privacy)."),
    )

    personal_fields = ("first_name", "last_name", "email", "phone", "description")

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | (Q(first_name="") & Q(last_name="") & Q(email="") & Q(phone="")),
                name="helpdesk_case_anonymous_without_data",
                violation_error_message=_("An anonymous case keeps no name, e-mail or phone."),
            ),
            models.CheckConstraint(
                condition=Q(anonymous=True) | ~Q(last_name=""),
                name="helpdesk_case_named_has_name",
                violation_error_message=_("Write the citizen's last name, or tick “anonymous”."),
            ),
        ]

    def __str__(self) -> str:
        who = _("anonymous") if self.anonymous else f"{self.first_name} {self.last_name}".strip()
        return f"{self.opened_on:%d/%m/%Y} · {who}"

    def get_needs_display(self) -> str:
        return _needs_display(self.needs)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if not self.needs:
            errors["needs"] = _("Choose at least one need.")
        if self.appointment_id and self.desk_id and self.appointment and self.appointment.desk_id != self.desk_id:
            errors["appointment"] = _("The appointment was booked at another desk.")
        if self.follow_up_on and self.opened_on and self.follow_up_on < self.opened_on:
            errors["follow_up_on"] = _("The follow-up cannot come before the case was opened.")
        if errors:
            raise ValidationError(errors)


class Referral(BaseModel):
    """Where a case was sent: a care service, another desk, an open call or another body."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    service = models.ForeignKey(
        "services.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helpdesk_referrals",
        verbose_name=_("care service"),
    )
    to_desk = models.ForeignKey(
        Desk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        verbose_name=_("other desk"),
    )
    call = models.ForeignKey(
        "programming.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="helpdesk_referrals",
        verbose_name=_("open call"),
    )
    other = models.CharField(_("other body"), max_length=200, blank=True, help_text=_("E.g. INPS, a trade union."))
    note = models.TextField(_("note"), blank=True)

    personal_fields = ("note",)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(service__isnull=False, to_desk__isnull=True, call__isnull=True, other="")
                    | Q(service__isnull=True, to_desk__isnull=False, call__isnull=True, other="")
                    | Q(service__isnull=True, to_desk__isnull=True, call__isnull=False, other="")
                    | (Q(service__isnull=True, to_desk__isnull=True, call__isnull=True) & ~Q(other=""))
                ),
                name="helpdesk_referral_one_target",
                violation_error_message=_(
                    "Refer to exactly one: a service, another desk, an open call or another body."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.target}"

    @property
    def target(self) -> object:
        return self.service or self.to_desk or self.call or self.other

    @property
    def target_kind(self) -> str:
        if self.service_id:
            return ReferralTarget.SERVICE
        if self.to_desk_id:
            return ReferralTarget.DESK
        if self.call_id:
            return ReferralTarget.CALL
        return ReferralTarget.OTHER

    def get_target_kind_display(self) -> str:
        return str(ReferralTarget(self.target_kind).label)

    def clean(self) -> None:
        if self.to_desk_id and self.case_id and self.to_desk_id == self.case.desk_id:
            raise ValidationError({"to_desk": _("A case cannot be referred to its own desk.")})
