"""The babysitter registry: registries, training courses and their attendance register, babysitters.

A :class:`Babysitter` row is both the enrolment application and the listing: it is submitted by
the babysitter from the public form, verified and listed by an operator of the registry (for a
year, renewable), suspended with a reason, reinstated, or left to expire. Every step is written by
:mod:`concilia.registry.services` with a :class:`BabysitterEvent`. Families never see a
babysitter's contacts: they write through a form and the platform relays the message
(:class:`ContactMessage`).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concilia.core import clock
from concilia.core.models import BaseModel, RestrictedQuerySet
from concilia.core.workflow import EventBase
from concilia.registry.choices import BabysitterStatus, EventKind, Language, Weekday

TAX_CODE_RE = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")


def validate_tax_code(value: str) -> None:
    if not TAX_CODE_RE.match(value or ""):
        raise ValidationError(_("“%(value)s” is not a valid Italian tax code."), params={"value": value})


def validate_languages(value: str) -> None:
    codes = [c for c in (value or "").split(",") if c]
    unknown = [c for c in codes if c not in Language.values]
    if unknown:
        raise ValidationError(_("Unknown language codes: %(codes)s."), params={"codes": ", ".join(unknown)})


class BabysitterRegistry(BaseModel):
    """A public list of trained babysitters kept by an organisation for a network (e.g. a province's)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    keeper = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="babysitter_registries",
        verbose_name=_("keeper organisation"),
    )
    network = models.ForeignKey(
        "network.Network",
        on_delete=models.PROTECT,
        related_name="babysitter_registries",
        verbose_name=_("network"),
    )
    province = models.ForeignKey(
        "territory.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    municipalities = models.ManyToManyField(
        "territory.Municipality", blank=True, related_name="+", verbose_name=_("municipalities covered")
    )
    voucher_schemes = models.ManyToManyField(
        "services.VoucherScheme",
        blank=True,
        related_name="babysitter_registries",
        verbose_name=_("voucher schemes"),
        help_text=_("The schemes whose calls allow families to pay registered babysitters."),
    )
    validity_days = models.PositiveSmallIntegerField(
        _("listing validity (days)"), default=365, validators=[MinValueValidator(30), MaxValueValidator(1830)]
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder before expiry (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(180)]
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    messages_per_day = models.PositiveSmallIntegerField(
        _("messages per family per day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many messages one family e-mail address may send through the registry in a day."),
    )
    email = models.EmailField(_("registry e-mail"), blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    is_example = models.BooleanField(_("example record"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("babysitter registry")
        verbose_name_plural = _("babysitter registries")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_days__lt=models.F("validity_days")),
                name="registry_reminder_within_validity",
                violation_error_message=_("The reminder must come before the listing expires."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Course(BaseModel):
    """A training course for babysitters, with its hours and final exam."""

    registry = models.ForeignKey(
        BabysitterRegistry, on_delete=models.PROTECT, related_name="courses", verbose_name=_("registry")
    )
    organiser = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="babysitter_courses", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    hours = models.PositiveSmallIntegerField(_("hours"), validators=[MinValueValidator(1), MaxValueValidator(1000)])
    exam_on = models.DateField(_("exam date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_example = models.BooleanField(_("example record"), default=False)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="registry_course_dates",
                violation_error_message=_("The course cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["registry", "title", "starts_on"],
                name="registry_course_unique",
                violation_error_message=_("This registry already has a course with this title and start date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d/%m/%Y})"


class CourseAttendance(BaseModel):
    """One line of a course's attendance register: who attended, for how many hours, and the exam."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("course"))
    tax_code = models.CharField(_("tax code"), max_length=16, validators=[validate_tax_code])
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    hours_attended = models.PositiveSmallIntegerField(_("hours attended"))
    exam_passed = models.BooleanField(_("exam passed"), default=False)

    personal_fields = ("tax_code", "first_name", "last_name")

    class Meta:
        ordering = ["course", "last_name", "first_name"]
        verbose_name = _("course attendance")
        verbose_name_plural = _("course attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "tax_code"],
                name="registry_attendance_unique",
                violation_error_message=_("This person is already in the course's attendance register."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name} {self.first_name} – {self.course}"

    def clean(self) -> None:
        self.tax_code = (self.tax_code or "").upper().strip()
        if self.course_id and self.hours_attended is not None and self.hours_attended > self.course.hours:
            raise ValidationError(
                {
                    "hours_attended": _("The hours attended exceed the course's %(hours)s hours.")
                    % {"hours": self.course.hours}
                }
            )


class BabysitterQuerySet(RestrictedQuerySet):
    def public(self, today: object = None) -> BabysitterQuerySet:
        """Listed babysitters whose listing has not expired: the only ones families see."""

        day = today or clock.today()
        return self.filter(status=BabysitterStatus.LISTED, expires_on__gte=day)


class Babysitter(BaseModel):
    """A babysitter's enrolment application and, once verified, their listing in the registry."""

    registry = models.ForeignKey(
        BabysitterRegistry, on_delete=models.PROTECT, related_name="babysitters", verbose_name=_("registry")
    )
    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    tax_code = models.CharField(_("tax code"), max_length=16, validators=[validate_tax_code])
    birth_date = models.DateField(_("date of birth"))
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    residence = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality of residence"),
    )
    eu_citizen = models.BooleanField(_("citizen of the European Union"), default=True)
    citizenship = models.CharField(_("citizenship"), max_length=80, blank=True)
    permit_number = models.CharField(_("residence permit number"), max_length=40, blank=True)
    permit_expires_on = models.DateField(_("residence permit valid until"), null=True, blank=True)
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="babysitters", verbose_name=_("course attended")
    )
    attendance_hours = models.PositiveSmallIntegerField(_("hours attended"))
    exam_passed = models.BooleanField(_("exam passed"), default=False)
    first_aid_issued_on = models.DateField(_("paediatric first-aid certificate issued on"))
    first_aid_expires_on = models.DateField(_("paediatric first-aid certificate valid until"))
    no_criminal_record = models.BooleanField(_("declaration of no criminal record"), default=False)
    declaration_on = models.DateField(_("declaration signed on"), null=True, blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=100, blank=True, validators=[validate_languages],
        help_text=_("Language codes separated by commas (it, en, fr…)."),
    )  # fmt: skip
    experience = models.TextField(_("experience"), blank=True)
    bio = models.TextField(
        _("presentation for families"),
        blank=True,
        max_length=1000,
        help_text=_("Shown on the public page: do not write contacts here."),
    )
    areas = models.ManyToManyField("territory.Municipality", related_name="+", verbose_name=_("municipalities served"))
    accepted_vouchers = models.ManyToManyField(
        "services.VoucherScheme", blank=True, related_name="babysitters", verbose_name=_("vouchers accepted")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BabysitterStatus.choices, default=BabysitterStatus.SUBMITTED, editable=False
    )
    status_reason = models.TextField(_("reason"), blank=True, editable=False)
    listed_on = models.DateField(_("listed on"), null=True, blank=True, editable=False)
    expires_on = models.DateField(_("listing valid until"), null=True, blank=True, editable=False)
    reminded_for = models.DateField(_("reminder sent for expiry on"), null=True, blank=True, editable=False)
    is_example = models.BooleanField(_("example record"), default=False)

    objects = BabysitterQuerySet.as_manager()  # type: ignore[misc]

    anonymised_on = models.DateField(
        _("personal data removed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Past its retention period the record keeps only what counts need (concilia.core.privacy)."),
    )

    personal_fields = (
        "first_name",
        "last_name",
        "tax_code",
        "birth_date",
        "email",
        "phone",
        "citizenship",
        "permit_number",
        "permit_expires_on",
        "experience",
        "bio",
        "status_reason",
        "declaration_on",
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("babysitter")
        verbose_name_plural = _("babysitters")
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "tax_code"],
                name="registry_babysitter_unique",
                violation_error_message=_("An application with this tax code is already in the registry."),
            ),
            models.CheckConstraint(
                condition=Q(first_aid_expires_on__gt=models.F("first_aid_issued_on")),
                name="registry_first_aid_dates",
                violation_error_message=_("The first-aid certificate must expire after it was issued."),
            ),
            models.CheckConstraint(
                condition=~Q(status="listed") | Q(listed_on__isnull=False, expires_on__isnull=False),
                name="registry_listed_has_dates",
                violation_error_message=_("A listed babysitter needs the listing and expiry dates."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(listed_on__isnull=True)
                | Q(expires_on__gt=models.F("listed_on")),
                name="registry_listing_dates",
                violation_error_message=_("The listing must expire after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def public_name(self) -> str:
        """What families see: the first name only."""
        return self.first_name

    @property
    def language_codes(self) -> list[str]:
        return [c for c in (self.languages or "").split(",") if c]

    @property
    def language_names(self) -> list[str]:
        labels = dict(Language.choices)
        return [str(labels.get(c, c)) for c in self.language_codes]

    def get_languages_display(self) -> str:
        return ", ".join(self.language_names)

    @property
    def attendance_percent(self) -> int | None:
        if not self.course_id or not self.course.hours:
            return None
        return int(self.attendance_hours * 100 // self.course.hours)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.reference:  # a record made outside babysitter_submit (by the administrator)
            self.reference = f"BS-{clock.today().year}-{self.registry_id}-A{clock.now():%H%M%S%f}"[:20]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.tax_code = (self.tax_code or "").upper().strip()
        self.languages = ",".join(
            dict.fromkeys(c.strip().lower() for c in (self.languages or "").split(",") if c.strip())
        )


class Availability(models.Model):
    """A weekly time slot in which a babysitter is available (e.g. Monday 16:00–20:00)."""

    babysitter = models.ForeignKey(
        Babysitter, on_delete=models.CASCADE, related_name="availability", verbose_name=_("babysitter")
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("to"))

    class Meta:
        ordering = ["babysitter", "weekday", "starts_at"]
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="registry_availability_times",
                violation_error_message=_("The end time must follow the start time."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class BabysitterEvent(EventBase):
    """One step of a babysitter's history (submitted, listed, suspended…), written by the services."""

    babysitter = models.ForeignKey(
        Babysitter, on_delete=models.CASCADE, related_name="events", verbose_name=_("babysitter")
    )
    kind = models.CharField(_("event"), max_length=16, choices=EventKind.choices)

    class Meta:
        ordering = ["babysitter", "at", "pk"]
        verbose_name = _("babysitter event")
        verbose_name_plural = _("babysitter events")

    def __str__(self) -> str:
        return f"{self.babysitter}: {self.get_kind_display()}"


class ContactMessage(models.Model):
    """A family's message to a babysitter, relayed by e-mail: the family never sees the babysitter's contacts."""

    babysitter = models.ForeignKey(
        Babysitter, on_delete=models.CASCADE, related_name="messages", verbose_name=_("babysitter")
    )
    family_name = models.CharField(_("your name"), max_length=120)
    family_email = models.EmailField(_("your e-mail"))
    family_phone = models.CharField(_("your phone (optional)"), max_length=40, blank=True)
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("sent at"))
    relayed_at = models.DateTimeField(_("relayed at"), null=True, blank=True)

    anonymised_on = models.DateField(
        _("personal data removed on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Past its retention period the record keeps only what counts need (concilia.core.privacy)."),
    )

    personal_fields = ("family_name", "family_email", "family_phone", "message")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.family_name} → {self.babysitter.first_name}"
