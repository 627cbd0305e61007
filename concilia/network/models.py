"""The network register: organisations, networks, agreements, memberships, alliances, join requests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from concilia.core import clock
from concilia.core.models import BaseModel, CentsField, RestrictedQuerySet, ValidityMixin
from concilia.network import validators
from concilia.network.choices import (
    ENTERPRISE_KINDS,
    SECTOR_OF_KIND,
    AgreementKind,
    JoinRequestStatus,
    MembershipRole,
    OrganisationKind,
    OrganisationSector,
    PartnerRole,
    SizeClass,
)
from concilia.network.sizing import size_class as compute_size_class


def _dates_in_order(start: str, end: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{start}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=_("The end date cannot precede the start date."),
    )


class Organisation(ValidityMixin, BaseModel):
    """Any body that takes part in a network: public, enterprise, third sector or social partner.

    Bodies that cease (an ASL in 2015) are closed with ``valid_to``, never deleted.
    """

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    sector = models.CharField(_("sector"), max_length=20, choices=OrganisationSector.choices, editable=False)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("parent organisation"),
        help_text=_("For an office or department, the body it belongs to."),
    )
    tax_code = models.CharField(
        _("tax code"), max_length=16, blank=True, db_index=True, validators=[validators.validate_tax_code]
    )
    vat_number = models.CharField(
        _("VAT number"), max_length=11, blank=True, db_index=True, validators=[validators.validate_vat_number]
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    turnover_cents = CentsField(_("annual turnover (cents)"), null=True, blank=True)
    balance_sheet_cents = CentsField(_("balance-sheet total (cents)"), null=True, blank=True)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("municipality"),
    )
    represents_municipality = models.ForeignKey(
        "territory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("municipality it governs"),
    )
    health_agency = models.ForeignKey(
        "territory.HealthAgency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("health agency it is"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    pec = models.EmailField(_("certified e-mail (PEC)"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(
        _("shown publicly"), default=True, help_text=_("Whether the public pages and API show this organisation.")
    )
    is_example = models.BooleanField(
        _("example record"),
        default=False,
        help_text=_("Generated for the demo: the sources count this member but do not name it."),
    )
    district = models.ForeignKey(
        "territory.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("district it serves"),
        help_text=_("For a district planning office (Ufficio di Piano) or a social-services consortium."),
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="network_organisation_unique_tax_code",
                violation_error_message=_("Another organisation already has this tax code."),
            ),
            ValidityMixin.validity_constraint("network_organisation_validity"),
        ]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        for field, cleaner in (("tax_code", validators.clean_tax_code), ("vat_number", validators.clean_vat_number)):
            try:
                setattr(self, field, cleaner(getattr(self, field)))
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
        if self.kind in ENTERPRISE_KINDS:
            computed = compute_size_class(self.employees, self.turnover_cents, self.balance_sheet_cents)
            if computed and self.size_class and self.size_class != computed:
                errors.setdefault("size_class", []).append(
                    _("With these figures the size class is “%(computed)s” (EU Recommendation 2003/361).")
                    % {"computed": SizeClass(computed).label}
                )
            elif computed:
                self.size_class = computed
        elif self.size_class:
            errors.setdefault("size_class", []).append(_("Only enterprises have a size class."))
        if self.parent_id and self.parent_id == self.pk:
            errors.setdefault("parent", []).append(_("An organisation cannot belong to itself."))
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.sector = SECTOR_OF_KIND.get(OrganisationKind(self.kind), OrganisationSector.OTHER)
        super().save(*args, **kwargs)

    @property
    def is_enterprise(self) -> bool:
        return self.kind in ENTERPRISE_KINDS

    @property
    def is_sme(self) -> bool:
        return self.size_class in (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)


class Contact(BaseModel):
    """A person or office to contact at an organisation (e.g. an assessore, the Ufficio di Piano)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_public = models.BooleanField(_("shown publicly"), default=True)
    source = models.TextField(_("source"), blank=True)

    personal_fields = ("name", "email", "phone", "address")

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")


def _until(field: str, day: dt.date) -> Q:
    """``field`` is empty or not before ``day``: a record valid until a date is in force on that date."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": day})


def _since(field: str, day: dt.date) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": day})


class NetworkQuerySet(RestrictedQuerySet):
    def current_on(self, day: dt.date | None = None) -> NetworkQuerySet:
        """Networks in force on ``day`` (today by the injected clock): founded by then, not ended before."""
        day = day or clock.today()
        return self.filter(_since("founded_on", day), _until("ended_on", day))


class MembershipQuerySet(RestrictedQuerySet):
    def current_on(self, day: dt.date | None = None) -> MembershipQuerySet:
        """Memberships in force on ``day`` (today by the injected clock).

        Joined by then and not left before, in a network still in force, of an organisation that
        had not ceased (an ASL after 2015 is a member of nothing, whatever a record says).
        """
        day = day or clock.today()
        return self.filter(
            _since("joined_on", day),
            _until("left_on", day),
            _until("network__ended_on", day),
            _until("organisation__valid_to", day),
        )


class Network(BaseModel):
    """A territorial network for work-life balance, coordinated by a health agency."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    coordinator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="coordinated_networks", verbose_name=_("coordinator")
    )
    co_coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_coordinated_networks",
        verbose_name=_("co-coordinator"),
    )
    agency = models.ForeignKey(
        "territory.HealthAgency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="networks",
        verbose_name=_("territory of the health agency"),
    )
    provinces = models.ManyToManyField(
        "territory.Province", blank=True, related_name="networks", verbose_name=_("provinces covered")
    )
    districts = models.ManyToManyField(
        "territory.District", blank=True, related_name="networks", verbose_name=_("districts covered")
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_networks",
        verbose_name=_("merged into"),
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = NetworkQuerySet.as_manager()  # type: ignore[misc]
    website = models.URLField(_("website"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        constraints = [
            _dates_in_order("founded_on", "ended_on", "network_network_dates"),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")),
                name="network_network_not_merged_into_itself",
                violation_error_message=_("A network cannot be merged into itself."),
            ),
        ]

    def clean(self) -> None:
        if self.merged_into_id and not self.ended_on:
            raise ValidationError({"ended_on": _("A merged network needs the date of the merge.")})
        if self.merged_into_id and self.merged_into_id == self.pk:
            raise ValidationError({"merged_into": _("A network cannot be merged into itself.")})

    @property
    def is_active(self) -> bool:
        """In force today (the injected clock): an end date in the past means ended."""
        today = clock.today()
        return (self.ended_on is None or self.ended_on >= today) and (
            self.founded_on is None or self.founded_on <= today
        )


class Agreement(BaseModel):
    """A signed agreement that founds or renews a network."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("network"))
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices, default=AgreementKind.FOUNDING)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_year = models.PositiveSmallIntegerField(
        _("year signed"),
        blank=True,
        help_text=_("Filled from the date; enough alone when the sources give only the year."),
    )
    document = models.FileField(
        _("document (PDF)"), upload_to="agreements/%Y/", blank=True, validators=[validators.validate_pdf]
    )
    signatories = models.ManyToManyField(
        Organisation, blank=True, related_name="signed_agreements", verbose_name=_("signatories")
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["network__name", "signed_year", "signed_on"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.title} ({self.signed_on or self.signed_year})"

    def clean(self) -> None:
        if self.signed_on:
            if self.signed_year and self.signed_year != self.signed_on.year:
                raise ValidationError({"signed_year": _("The year does not match the date of signature.")})
            self.signed_year = self.signed_on.year
        elif not self.signed_year:
            raise ValidationError({"signed_year": _("Give the date of signature or at least its year.")})


class Membership(BaseModel):
    """An organisation's adhesion to a network, from ``joined_on`` until ``left_on``."""

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("through agreement"),
    )
    carried_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        verbose_name=_("carried over from"),
        help_text=_("The membership of a network that merged into this one."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = MembershipQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["network__name", "organisation__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                condition=Q(left_on__isnull=True),
                name="network_membership_one_open",
                violation_error_message=_("This organisation is already a member of this network."),
            ),
            _dates_in_order("joined_on", "left_on", "network_membership_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.network}"

    @property
    def is_active(self) -> bool:
        """In force today, by the same rule as :meth:`MembershipQuerySet.current_on`."""
        today = clock.today()
        return all(
            (
                self.joined_on is None or self.joined_on <= today,
                self.left_on is None or self.left_on >= today,
                self.network.ended_on is None or self.network.ended_on >= today,
                self.organisation.valid_to is None or self.organisation.valid_to >= today,
            )
        )


class Alliance(BaseModel):
    """A local alliance for work-life balance: one lead, partners, open to new partners."""

    name = models.CharField(_("name"), max_length=255)
    network = models.ForeignKey(
        Network, on_delete=models.PROTECT, null=True, blank=True, related_name="alliances", verbose_name=_("network")
    )
    lead = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_alliances", verbose_name=_("lead (capofila)")
    )
    districts = models.ManyToManyField(
        "territory.District", blank=True, related_name="alliances", verbose_name=_("districts covered")
    )
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    open_to_new_partners = models.BooleanField(_("open to new partners"), default=True)
    declared_partner_count = models.PositiveIntegerField(
        _("declared number of partners"),
        null=True,
        blank=True,
        help_text=_("The total the alliance declares, lead included, when not every partner is registered."),
    )
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        constraints = [_dates_in_order("formed_on", "ended_on", "network_alliance_dates")]

    @property
    def accepts_new_partners(self) -> bool:
        """Open to new partners and not ended before today (the injected clock): one answer everywhere."""
        return self.open_to_new_partners and (self.ended_on is None or self.ended_on >= clock.today())


class Partnership(BaseModel):
    """An organisation's part in an alliance, other than the lead."""

    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("alliance")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=24, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    joined_on = models.DateField(_("from"), null=True, blank=True)
    left_on = models.DateField(_("until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["alliance__name", "organisation__name"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"],
                condition=Q(left_on__isnull=True),
                name="network_partnership_one_open",
                violation_error_message=_("This organisation is already a partner of this alliance."),
            ),
            _dates_in_order("joined_on", "left_on", "network_partnership_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.alliance}"

    def clean(self) -> None:
        if self.alliance_id and self.organisation_id and self.alliance.lead_id == self.organisation_id:
            raise ValidationError({"organisation": _("The lead of the alliance is not also one of its partners.")})


class JoinRequest(BaseModel):
    """An organisation asks to join an alliance; the lead accepts or refuses with a reason."""

    alliance = models.ForeignKey(
        Alliance, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("alliance")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="join_requests", verbose_name=_("organisation")
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organisation"],
                condition=Q(status="pending"),
                name="network_joinrequest_one_pending",
                violation_error_message=_("This organisation already has a pending request for this alliance."),
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""),
                name="network_joinrequest_refusal_has_reason",
                violation_error_message=_("A refusal needs a reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.alliance} ({self.get_status_display()})"
