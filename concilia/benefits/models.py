"""A family's household, as the family itself declares it to apply for vouchers and places.

One citizen's account keeps one :class:`Household`: the adults (with their work, which the calls for
work–life balance ask about), the children (birth date, certified disability, school), the elderly
dependants (not self-sufficient), the ISEE certificate (value, DSU number, expiry) and the consents
given, each with the version of the notice read.

ISEE, disability and non-self-sufficiency are special categories of data (``sensitive_fields``):
only the family and the staff who need them read them, and each staff read is recorded in
:class:`concilia.core.models.SensitiveRead` (``benefits/selectors.py``). Writes go through
``benefits/services.py``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale

from concilia.benefits.choices import (
    AdultRole,
    ApplicationStatus,
    AttachmentKind,
    ConfirmationStatus,
    Employment,
    ObjectionStatus,
    PlaceStatus,
    RedemptionStatus,
    RunStatus,
    VoucherStatus,
)
from concilia.core.models import BaseModel, CentsField
from concilia.network.choices import JoinRequestStatus
from concilia.programming.choices import RankingStatus


def validate_person_tax_code(value: str) -> None:
    """A person's codice fiscale: 16 characters with the right check letter."""
    compact = codicefiscale.compact(value or "")
    if compact and (len(compact) != 16 or not codicefiscale.is_valid(compact)):
        raise ValidationError(
            _("“%(value)s” is not a valid tax code: a person's has 16 characters and ends with a check letter."),
            code="invalid_tax_code",
            params={"value": value},
        )


def validate_dsu_number(value: str) -> None:
    """The protocol of the DSU (``INPS-ISEE-2026-00123456A-00``): INPS-ISEE, the year, the number, the suffix."""
    import re

    if value and not re.fullmatch(r"INPS-ISEE-\d{4}-\d{8}[A-Z]-\d{2}", value):
        raise ValidationError(
            _("“%(value)s” is not a DSU protocol: it reads like INPS-ISEE-2026-00123456A-00."),
            code="invalid_dsu",
            params={"value": value},
        )


class Household(BaseModel):
    """The family of one citizen's account: where it lives and who is part of it."""

    personal_fields = ("address",)

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="household", verbose_name=_("account")
    )
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality of residence"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_example = models.BooleanField(_("example record"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return str(_("Household of %(name)s") % {"name": self.owner.get_full_name() or self.owner.get_username()})


class Member(BaseModel):
    """A person of the household (the base of adults, children and dependants)."""

    personal_fields = ("first_name", "last_name", "tax_code", "birth_date")

    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True, validators=[validate_person_tax_code])
    birth_date = models.DateField(_("birth date"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        super().clean()
        self.tax_code = codicefiscale.compact(self.tax_code or "")


class Adult(Member):
    """An adult of the household, with the work the calls for work–life balance ask about."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="adults", verbose_name=_("household")
    )
    role = models.CharField(
        _("role in the household"), max_length=12, choices=AdultRole.choices, default=AdultRole.PARENT
    )
    employment = models.CharField(_("work"), max_length=16, choices=Employment.choices)
    employer = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employer (from the register)"),
        help_text=_("If your employer is a member of the network: its HR may be asked to confirm your employment."),
    )
    employer_other = models.CharField(
        _("employer (another)"), max_length=160, blank=True, help_text=_("If it is not in the list.")
    )
    weekly_hours = models.PositiveSmallIntegerField(
        _("weekly working hours"), null=True, blank=True, validators=[MaxValueValidator(80)]
    )

    class Meta:
        ordering = ["household", "birth_date", "pk"]
        verbose_name = _("adult")
        verbose_name_plural = _("adults")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "tax_code"],
                condition=~Q(tax_code=""),
                name="benefits_adult_tax_code_unique",
                violation_error_message=_("This person is already in the household."),
            ),
            models.CheckConstraint(
                condition=Q(employer__isnull=True) | Q(employer_other=""),
                name="benefits_adult_one_employer",
                violation_error_message=_("Choose the employer from the list or type it, not both."),
            ),
            models.CheckConstraint(
                condition=Q(weekly_hours__isnull=True) | Q(weekly_hours__lte=80),
                name="benefits_adult_weekly_hours",
                violation_error_message=_("At most 80 working hours a week."),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        working = self.employment in (Employment.EMPLOYEE, Employment.SELF_EMPLOYED)
        if working and not self.weekly_hours:
            raise ValidationError({"weekly_hours": _("Say how many hours a week this person works.")})
        if self.employment == Employment.EMPLOYEE and self.employer_id is None and not self.employer_other.strip():
            raise ValidationError({"employer": _("Choose the employer from the list or type its name.")})
        if not working:
            self.employer, self.employer_other, self.weekly_hours = None, "", None


class Child(Member):
    """A child of the household: the calls for nurseries, camps and vouchers are about them."""

    sensitive_fields = ("certified_disability",)

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="children", verbose_name=_("household")
    )
    certified_disability = models.BooleanField(
        _("certified disability"),
        default=False,
        help_text=_("Certified under law 104/1992: some calls give priority. Only the staff who need it see it."),
    )
    school = models.ForeignKey(
        "services.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("school or service attended"),
    )

    class Meta:
        ordering = ["household", "birth_date", "pk"]
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "tax_code"],
                condition=~Q(tax_code=""),
                name="benefits_child_tax_code_unique",
                violation_error_message=_("This person is already in the household."),
            ),
        ]


class Dependant(Member):
    """An elderly relative the household looks after."""

    sensitive_fields = ("non_self_sufficient",)

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="dependants", verbose_name=_("household")
    )
    non_self_sufficient = models.BooleanField(
        _("not self-sufficient"),
        default=False,
        help_text=_("Recognised as not self-sufficient. Only the staff who need it see it."),
    )

    class Meta:
        ordering = ["household", "birth_date", "pk"]
        verbose_name = _("elderly dependant")
        verbose_name_plural = _("elderly dependants")


class Isee(BaseModel):
    """The household's ISEE certificate: its value, the DSU it comes from and when it expires."""

    sensitive_fields = ("value_cents", "dsu_number", "expires_on")

    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, related_name="isee", verbose_name=_("household")
    )
    value_cents = CentsField(_("ISEE value (cents)"))
    dsu_number = models.CharField(_("DSU protocol"), max_length=32, validators=[validate_dsu_number])
    expires_on = models.DateField(_("valid until"))

    class Meta:
        ordering = ["household"]
        verbose_name = _("ISEE")
        verbose_name_plural = _("ISEE certificates")

    def __str__(self) -> str:
        return str(_("ISEE of %(household)s") % {"household": self.household})


class Consent(BaseModel):
    """A consent the family gave (or withdrew), with the version of the notice it read."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="consents", verbose_name=_("household")
    )
    notice = models.CharField(_("privacy notice"), max_length=60)
    version = models.CharField(_("version of the notice"), max_length=20)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["household", "-given_at", "pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "notice", "version"],
                condition=Q(withdrawn_at__isnull=True),
                name="benefits_consent_once",
                violation_error_message=_("This consent has already been given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} v{self.version}"


# -- applications ------------------------------------------------------------------------------


def private_storage() -> FileSystemStorage:
    """Where attachments are kept: outside the web root (no URL); only :mod:`benefits.views` serves them."""
    return FileSystemStorage(location=settings.CONCILIA_PRIVATE_MEDIA_ROOT, base_url=None)


class Application(BaseModel):
    """A family's application to a family call: for one child or for the household, as the call says.

    A draft is the family's own; submitting it gives the call's next protocol number and freezes a
    :class:`ApplicationVersion` (what the family declared, as the engine will read it); changing it
    before the deadline submits a new version; withdrawing keeps the number. At most one application
    per child (or per household) and call: a database constraint, so a double click makes one record.
    """

    #: What a submitted version declares about the household (its ``data``) includes ISEE and disability.
    sensitive_fields = ("versions",)

    call = models.ForeignKey(
        "programming.Call", on_delete=models.PROTECT, related_name="family_applications", verbose_name=_("call")
    )
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="applications", verbose_name=_("household")
    )
    child = models.ForeignKey(
        Child,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("child"),
        help_text=_("The child the application is for, when the call takes one application per child."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT, editable=False
    )
    protocol_number = models.PositiveIntegerField(_("protocol number"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("filed on the family's behalf by"),
        help_text=_("A help-desk operator who filed the application for the family."),
    )
    declarations = models.JSONField(_("declarations"), default=list, blank=True)

    class Meta:
        ordering = ["call", "protocol_number", "pk"]
        verbose_name = _("family application")
        verbose_name_plural = _("family applications")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "child"],
                condition=Q(child__isnull=False),
                name="benefits_application_one_per_child",
                violation_error_message=_("There is already an application for this child to this call."),
            ),
            models.UniqueConstraint(
                fields=["call", "household"],
                condition=Q(child__isnull=True),
                name="benefits_application_one_per_household",
                violation_error_message=_("Your household has already applied to this call."),
            ),
            models.UniqueConstraint(
                fields=["call", "protocol_number"],
                name="benefits_application_protocol_unique",
                violation_error_message=_("This protocol number is already taken in this call."),
            ),
        ]

    def __str__(self) -> str:
        return self.protocol or str(_("Draft application %(pk)s") % {"pk": self.pk})

    @property
    def protocol(self) -> str:
        if self.protocol_number is None:
            return ""
        return f"{self.call.code.upper()}/{self.protocol_number:04d}"


class ApplicationChild(models.Model):
    """A child a voucher application asks for, with the weeks of care (calls that pay per week)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="children", verbose_name=_("application")
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+", verbose_name=_("child"))
    weeks = models.PositiveSmallIntegerField(_("weeks of care"), default=0, validators=[MaxValueValidator(52)])

    class Meta:
        ordering = ["application", "child__birth_date", "pk"]
        verbose_name = _("child applied for")
        verbose_name_plural = _("children applied for")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "child"],
                name="benefits_application_child_once",
                violation_error_message=_("This child is already in the application."),
            )
        ]

    def __str__(self) -> str:
        return str(self.child)


class Preference(models.Model):
    """One offer a place application asks for, in the family's order (1 = most wanted)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="preferences", verbose_name=_("application")
    )
    offer = models.ForeignKey("services.Offer", on_delete=models.PROTECT, related_name="+", verbose_name=_("offer"))
    rank = models.PositiveSmallIntegerField(_("order of preference"))

    class Meta:
        ordering = ["application", "rank"]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "offer"],
                name="benefits_preference_offer_once",
                violation_error_message=_("This offer is already among the preferences."),
            ),
            models.UniqueConstraint(
                fields=["application", "rank"],
                name="benefits_preference_rank_once",
                violation_error_message=_("Two preferences cannot have the same place in the order."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.offer}"


class ApplicationVersion(models.Model):
    """What one submission of an application said, frozen: the household and the engine's fields then."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="versions", verbose_name=_("application")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    data = models.JSONField(_("data declared"))

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("application version")
        verbose_name_plural = _("application versions")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"],
                name="benefits_application_version_unique",
                violation_error_message=_("This version already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"


class Attachment(BaseModel):
    """A document attached to an application: its type checked from its content, kept outside the web root."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("application")
    )
    kind = models.CharField(_("kind of document"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), storage=private_storage, upload_to="applications/%Y/", max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=60, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(_("fingerprint (SHA-256)"), max_length=64, editable=False)

    class Meta:
        ordering = ["application", "created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class EmploymentConfirmation(BaseModel):
    """The employer's HR confirms (or not) the employment a parent declared, when the call asks for it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("application")
    )
    adult = models.ForeignKey(Adult, on_delete=models.PROTECT, related_name="+", verbose_name=_("worker"))
    employer = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        related_name="employment_confirmations",
        verbose_name=_("employer"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ConfirmationStatus.choices, default=ConfirmationStatus.PENDING
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["employer", "status", "pk"]
        verbose_name = _("employment confirmation")
        verbose_name_plural = _("employment confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "adult"],
                name="benefits_confirmation_once",
                violation_error_message=_("This employment is already waiting for its confirmation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.adult} · {self.get_status_display()}"


# -- closing day and rankings ------------------------------------------------------------------


class RankingSnapshot(models.Model):
    """What closing day froze: the call as the engine reads it and every application as submitted.

    Enough to compute the ranking again, years later, with the same result, without reading the
    households or the call's current terms (``benefits/services/closing.py``, ``recompute``).
    """

    call = models.ForeignKey(
        "programming.Call", on_delete=models.PROTECT, related_name="family_snapshots", verbose_name=_("call")
    )
    taken_at = models.DateTimeField(_("taken at"))
    document = models.TextField(_("call, as the engine reads it (YAML)"))
    offers = models.JSONField(_("offers"), default=list, blank=True)
    applications = models.JSONField(_("applications"), default=list)
    digest = models.CharField(_("fingerprint (SHA-256)"), max_length=64)
    note = models.TextField(_("note"), blank=True, help_text=_("For a later snapshot: the corrections it carries."))

    class Meta:
        ordering = ["call", "taken_at", "pk"]
        verbose_name = _("snapshot of the applications")
        verbose_name_plural = _("snapshots of the applications")

    def __str__(self) -> str:
        return f"{self.call} · {self.taken_at:%Y-%m-%d %H:%M}"


class FamilyRanking(models.Model):
    """A version of a family call's ranking, computed from a snapshot; public once a second person approves it.

    ``entries`` is the public, pseudonymised list (protocol numbers, positions, points, outcomes: no
    names, no ISEE, no health data); each family's explanation is an :class:`Explanation`.
    """

    call = models.ForeignKey(
        "programming.Call", on_delete=models.PROTECT, related_name="family_rankings", verbose_name=_("call")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=RankingStatus.choices)
    snapshot = models.ForeignKey(
        RankingSnapshot, on_delete=models.PROTECT, related_name="rankings", verbose_name=_("snapshot")
    )
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    header = models.JSONField(_("explanation header"), default=dict)
    entries = models.JSONField(_("entries"), default=list)
    result = models.JSONField(_("engine result"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publication asked by"),
    )
    requested_at = models.DateTimeField(_("publication asked at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publication approved by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    objections_until = models.DateTimeField(_("objections until"), null=True, blank=True)

    class Meta:
        ordering = ["call", "version"]
        verbose_name = _("family ranking")
        verbose_name_plural = _("family rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "version"],
                name="benefits_ranking_version_unique",
                violation_error_message=_("This version of the ranking already exists."),
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | (Q(approved_by__isnull=False) & Q(requested_by__isnull=False)),
                name="benefits_ranking_published_by_two",
                violation_error_message=_("A ranking is published only when a second person approves it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} · v{self.version} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A published ranking is never changed: a correction is a new version."""
        if self.pk is not None and FamilyRanking.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError(_("A published ranking cannot be changed: publish a new version with its reason."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if FamilyRanking.objects.filter(pk=self.pk, published_at__isnull=False).exists():
            raise ValidationError(_("A published ranking cannot be deleted."))
        return super().delete(*args, **kwargs)


class Explanation(models.Model):
    """One family's explanation in a ranking: the engine's record (points by criterion, position, cut-off, why)."""

    ranking = models.ForeignKey(
        FamilyRanking, on_delete=models.CASCADE, related_name="explanations", verbose_name=_("ranking")
    )
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="explanations", verbose_name=_("application")
    )
    record = models.JSONField(_("record"))

    class Meta:
        ordering = ["ranking", "pk"]
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "application"],
                name="benefits_explanation_once",
                violation_error_message=_("This application already has its explanation in this ranking."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ranking} · {self.application}"


class Objection(BaseModel):
    """A family's objection to the provisional ranking, and the decision on it with its reason."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="objections", verbose_name=_("application")
    )
    ranking = models.ForeignKey(
        FamilyRanking, on_delete=models.PROTECT, related_name="objections", verbose_name=_("ranking")
    )
    text = models.TextField(_("objection"))
    filed_at = models.DateTimeField(_("filed at"))
    status = models.CharField(
        _("status"), max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    corrections = models.JSONField(
        _("corrections"),
        default=dict,
        blank=True,
        help_text=_("Accepted: the application's fields as corrected (field → value), used by the final ranking."),
    )
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["ranking", "filed_at", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ObjectionStatus.PENDING) | ~Q(decision_reason=""),
                name="benefits_objection_decided_with_reason",
                violation_error_message=_("A decision on an objection needs its reason."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_status_display()}"


class ClosingRun(models.Model):
    """One run of closing day for a call: how far it got (the progress bar) and how it ended."""

    call = models.ForeignKey(
        "programming.Call", on_delete=models.PROTECT, related_name="closing_runs", verbose_name=_("call")
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    total = models.PositiveIntegerField(_("applications"), default=0)
    done = models.PositiveIntegerField(_("explanations stored"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["call", "-started_at", "-pk"]
        verbose_name = _("closing-day run")
        verbose_name_plural = _("closing-day runs")

    def __str__(self) -> str:
        return f"{self.call} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        return 100 if self.status == RunStatus.DONE else (self.done * 100 // self.total if self.total else 0)


class Seat(models.Model):
    """One of the places an offer gives to a place call (``CallOffer.places`` of them, numbered from 1).

    A place offered to a family holds a seat; the database lets no two live places hold the same seat, so
    an offer can never be overbooked, whatever runs at the same time.
    """

    call_offer = models.ForeignKey(
        "programming.CallOffer", on_delete=models.PROTECT, related_name="seats", verbose_name=_("offer of the call")
    )
    number = models.PositiveIntegerField(_("number"))

    class Meta:
        ordering = ["call_offer", "number"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(fields=["call_offer", "number"], name="benefits_seat_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.call_offer} · {self.number}"


class Place(BaseModel):
    """A place of a place call offered to an application: accepted or refused by the family within the call's
    days (or expired), then the enrolment confirmed by the provider. Refused and expired places give their seat
    back and the waiting list moves (``services.places``)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="places", verbose_name=_("application")
    )
    call = models.ForeignKey(
        "programming.Call", on_delete=models.PROTECT, related_name="family_places", verbose_name=_("call")
    )
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="places", verbose_name=_("seat"))
    offer = models.ForeignKey(
        "services.Offer", on_delete=models.PROTECT, related_name="family_places", verbose_name=_("offer")
    )
    ranking = models.ForeignKey(
        FamilyRanking, on_delete=models.PROTECT, related_name="places", verbose_name=_("from the ranking")
    )
    round = models.PositiveIntegerField(
        _("round"), default=1, help_text=_("1: offered from the ranking; 2 and after: freed by a refusal or expiry.")
    )
    status = models.CharField(_("status"), max_length=12, choices=PlaceStatus.choices, default=PlaceStatus.OFFERED)
    offered_at = models.DateTimeField(_("offered at"))
    answer_by = models.DateTimeField(_("answer by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolment confirmed at"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolment confirmed by"),
    )

    class Meta:
        ordering = ["call", "offered_at", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(status__in=["offered", "accepted", "enrolled"]),
                name="benefits_place_one_per_seat",
                violation_error_message=_("This seat is already held by another place: no offer is overbooked."),
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["offered", "accepted", "enrolled"]),
                name="benefits_place_one_per_application",
                violation_error_message=_("This application already holds a place."),
            ),
            models.CheckConstraint(
                condition=Q(status="offered") | Q(answered_at__isnull=False),
                name="benefits_place_answered_has_time",
                violation_error_message=_("An answered place records when it was answered."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.offer} ({self.get_status_display()})"


class Voucher(BaseModel):
    """A family's voucher from a voucher call's ranking: a code (and its QR) worth ``value_cents``, valid between
    two dates at the services the call covers; spent once at a provider (:class:`Redemption`), up to its value."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("application")
    )
    call = models.ForeignKey(
        "programming.Call", on_delete=models.PROTECT, related_name="family_vouchers", verbose_name=_("call")
    )
    ranking = models.ForeignKey(
        FamilyRanking, on_delete=models.PROTECT, related_name="vouchers", verbose_name=_("from the ranking")
    )
    round = models.PositiveIntegerField(
        _("round"),
        default=1,
        help_text=_("1: issued from the ranking; 2 and after: from the value others left unused."),
    )
    code = models.CharField(_("code"), max_length=14, unique=True)
    value_cents = CentsField(_("value (cents)"))
    redeemed_cents = CentsField(_("spent (cents)"), default=0)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=12, choices=VoucherStatus.choices, default=VoucherStatus.ISSUED)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["call", "issued_at", "pk"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        constraints = [
            models.CheckConstraint(
                condition=Q(value_cents__gt=0), name="benefits_voucher_value_positive",
                violation_error_message=_("A voucher is worth more than nothing."),
            ),
            models.CheckConstraint(
                condition=Q(redeemed_cents__gte=0) & Q(redeemed_cents__lte=models.F("value_cents")),
                name="benefits_voucher_within_value",
                violation_error_message=_("A voucher is never spent beyond its value."),
            ),
            models.UniqueConstraint(
                fields=["application", "round"], name="benefits_voucher_one_per_round",
                violation_error_message=_("This application already has its voucher of this round."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.code

    @property
    def remaining_cents(self) -> int:
        return int(self.value_cents) - int(self.redeemed_cents)


class ReimbursementBatch(BaseModel):
    """Redemptions a coordinator approved together for payment (exported as a spreadsheet for the accounts)."""

    call = models.ForeignKey(
        "programming.Call", on_delete=models.PROTECT, related_name="reimbursement_batches", verbose_name=_("call")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"))
    total_cents = CentsField(_("total (cents)"), default=0)

    class Meta:
        ordering = ["call", "approved_at", "pk"]
        verbose_name = _("reimbursement batch")
        verbose_name_plural = _("reimbursement batches")

    def __str__(self) -> str:
        return f"{self.call} · {self.approved_at:%Y-%m-%d %H:%M}"


class Redemption(BaseModel):
    """A voucher spent at a provider: the amount, the period and attendance, the provider's receipt; then
    reimbursed to the provider in a coordinator's batch."""

    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("voucher")
    )
    provider = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("provider")
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("service")
    )
    amount_cents = CentsField(_("amount (cents)"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    attendance_days = models.PositiveSmallIntegerField(_("days attended"))
    receipt_number = models.CharField(_("receipt number"), max_length=40)
    redeemed_at = models.DateTimeField(_("redeemed at"))
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("redeemed by")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RedemptionStatus.choices, default=RedemptionStatus.SUBMITTED
    )
    batch = models.ForeignKey(
        ReimbursementBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="redemptions",
        verbose_name=_("reimbursement batch"),
    )  # fmt: skip

    class Meta:
        ordering = ["-redeemed_at", "pk"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["voucher"], condition=~Q(status="rejected"), name="benefits_redemption_once",
                violation_error_message=_("This voucher has been spent already: a voucher is redeemed once."),
            ),
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0), name="benefits_redemption_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="benefits_redemption_period",
                violation_error_message=_("The period ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(batch__isnull=False) | Q(status="rejected"),
                name="benefits_redemption_approved_in_batch",
                violation_error_message=_("An approved redemption belongs to a reimbursement batch."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.voucher} · {self.provider}"


class SchemeRequest(BaseModel):
    """A provider asks that one of its services join a voucher scheme (accept its vouchers); the coordinators of the
    scheme's network accept (the service then accepts the scheme) or refuse with a reason."""

    scheme = models.ForeignKey(
        "services.VoucherScheme",
        on_delete=models.PROTECT,
        related_name="join_requests",
        verbose_name=_("voucher scheme"),
    )
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, related_name="scheme_requests", verbose_name=_("service")
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request to join a voucher scheme")
        verbose_name_plural = _("requests to join a voucher scheme")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "service"], condition=Q(status="pending"), name="benefits_schemerequest_one_pending",
                violation_error_message=_("This service has already asked to join this scheme: wait for the answer."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""), name="benefits_schemerequest_refused_with_reason",
                violation_error_message=_("A refusal needs a reason."),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.service} → {self.scheme}"
