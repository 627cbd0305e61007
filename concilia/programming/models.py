"""The programming cycle: plans, calls, proposals, evaluation, rankings, projects and their accounts.

Money is integer euro cents everywhere. Times of calls are aware datetimes (Europe/Rome on screen).
The budget cascade (Region → plan → call → project) is computed from these rows by
:mod:`concilia.programming.budget`; writes that commit money go through
:mod:`concilia.programming.services`, which lock the parent level first.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concilia.core.models import BaseModel, CentsField
from concilia.core.workflow import EventBase, ProtocolCounterBase
from concilia.programming.choices import (
    FAMILY_CALL_KINDS,
    ActionKind,
    Admissibility,
    ApplicationUnit,
    BudgetCategory,
    CallKind,
    CallStatus,
    FundingKind,
    PartnerRole,
    ProjectStatus,
    ProposalStatus,
    RankingStatus,
    ReportStatus,
    VoucherBasis,
)

CENTS = _("(cents)")


class Plan(BaseModel):
    """A network's territorial plan for work–life balance ("Piano territoriale di conciliazione")."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.PROTECT, related_name="plans", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=255)
    start_year = models.PositiveSmallIntegerField(_("from year"), validators=[MinValueValidator(2000)])
    end_year = models.PositiveSmallIntegerField(_("to year"), validators=[MinValueValidator(2000)])
    agency = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
        verbose_name=_("coordinating agency"),
    )
    approval_act = models.CharField(_("approval act"), max_length=120, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="programming_plan_years",
                violation_error_message=_("The last year cannot precede the first."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}" if self.end_year != self.start_year else str(self.start_year)


class FundingSource(BaseModel):
    """Money a plan receives: regional funds, the agency's own, partners' co-financing."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding_sources", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=20, choices=FundingKind.choices)
    funder = models.ForeignKey(
        "network.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("funder"),
    )
    amount_cents = CentsField(_("amount (cents)"))
    act = models.CharField(_("act"), max_length=160, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["plan", "kind", "pk"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: € {self.amount_cents / 100:,.2f}"


class BudgetLine(BaseModel):
    """A line of a plan's budget (e.g. alliance projects, governance, communication)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("plan"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    amount_cents = CentsField(_("amount (cents)"))

    class Meta:
        ordering = ["plan", "code"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="programming_budgetline_unique",
                violation_error_message=_("This plan already has a budget line with this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Call(BaseModel):
    """A call ("bando / avviso"): for alliance projects, for family vouchers or places, for registry enrolment.

    A family call's terms hang off it: :class:`FamilyCallTerms` (what a voucher is worth and covers, first come
    first served) and, for a place call, the :class:`CallOffer` rows (the catalogue's offers and their places).
    """

    publisher = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="published_calls", verbose_name=_("publisher")
    )
    network = models.ForeignKey(
        "network.Network", on_delete=models.PROTECT, related_name="calls", verbose_name=_("network")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="calls", verbose_name=_("plan")
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("budget line"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CallKind.choices, default=CallKind.ALLIANCE_PROJECTS)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    budget_cents = CentsField(_("budget (cents)"))
    max_grant_cents = CentsField(_("maximum grant (cents)"), null=True, blank=True)
    min_cofinancing_percent = models.PositiveSmallIntegerField(
        _("minimum co-financing (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    rules = models.TextField(
        _("rules"),
        blank=True,
        help_text=_("Eligibility, points and tie-breakers in the call-rules format (YAML), validated on save."),
    )
    objections_days = models.PositiveSmallIntegerField(_("days for objections"), default=10)
    status = models.CharField(
        _("status"), max_length=24, choices=CallStatus.choices, default=CallStatus.DRAFT, editable=False
    )
    source = models.TextField(_("source"), blank=True)
    is_example = models.BooleanField(_("example record"), default=False)

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="programming_call_window",
                violation_error_message=_("The call must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(max_grant_cents__isnull=True) | Q(max_grant_cents__lte=models.F("budget_cents")),
                name="programming_call_max_grant",
                violation_error_message=_("The maximum grant cannot exceed the call's budget."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.plan is not None and self.network_id and self.plan.network_id != self.network_id:
            raise ValidationError({"plan": _("The plan belongs to another network.")})
        if self.budget_line is not None and self.budget_line.plan_id != self.plan_id:
            raise ValidationError({"budget_line": _("The budget line belongs to another plan.")})
        self._clean_family_parts()
        if self.rules.strip():
            from concilia.programming.rules import validate_rules

            validate_rules(self)
        self._clean_reserved_budget()

    @property
    def is_family(self) -> bool:
        return self.kind in FAMILY_CALL_KINDS

    def _clean_family_parts(self) -> None:
        """A call keeps the kind its family terms and offers were given for."""
        if self.pk is None:
            return
        if not self.is_family and FamilyCallTerms.objects.filter(call=self).exists():
            raise ValidationError({"kind": _("This call has family terms: remove them before changing its kind.")})
        if self.kind != CallKind.FAMILY_PLACES and CallOffer.objects.filter(call=self).exists():
            raise ValidationError({"kind": _("This call assigns offers: remove them before changing its kind.")})

    def _clean_reserved_budget(self) -> None:
        """A call that reserves its budget on a plan may grow (or move) only within the plan's residual."""
        from concilia.programming.choices import BUDGET_RESERVED

        if self.pk is None or self.plan is None or self.status not in BUDGET_RESERVED:
            return
        stored = Call.objects.filter(pk=self.pk).values_list("budget_cents", "plan_id").first()
        if stored is None:
            return
        old_budget, old_plan = stored
        if self.plan_id == old_plan and self.budget_cents <= old_budget:
            return
        from concilia.programming.budget import plan_figures
        from concilia.programming.receipts import euro

        available = plan_figures(self.plan).residual + (old_budget if self.plan_id == old_plan else 0)
        if self.budget_cents > available:
            raise ValidationError(
                {
                    "budget_cents": _("The plan can reserve at most %(amount)s for this call.")
                    % {"amount": euro(available)}
                }
            )


class CallEvent(EventBase):
    """One recorded transition of a call's status, with who made it and why."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events", verbose_name=_("call"))
    from_status = models.CharField(_("from"), max_length=24, choices=CallStatus.choices)
    to_status = models.CharField(_("to"), max_length=24, choices=CallStatus.choices)

    class Meta:
        ordering = ["call", "at", "pk"]
        verbose_name = _("call event")
        verbose_name_plural = _("call events")

    def __str__(self) -> str:
        return f"{self.call}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class EvaluationCriterion(BaseModel):
    """A line of a call's scoring grid: evaluators give 0…``max_points`` with a comment."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=255)
    max_points = models.PositiveIntegerField(_("maximum points"), validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "code"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "code"],
                name="programming_criterion_unique",
                violation_error_message=_("This call already has a criterion with this code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} (max {self.max_points})"


class FamilyCallTerms(BaseModel):
    """What a family call gives and how: a voucher's amount and caps and what it covers, who applies, the order.

    A voucher call counts its amount per child or per week of care of each child applying (``basis``), caps it
    per child (``max_weeks``, ``max_per_child_cents``) and per application (``max_per_household_cents``); the
    vouchers may be spent on the kinds of service and at the providers listed (any, when none is) and, when a
    voucher scheme is set, at the services that accept it. A place call leaves the voucher fields empty: its
    places are its :class:`CallOffer` rows. ``first_come_first_served`` ranks by submission time instead of
    points. :func:`concilia.programming.rules.engine_document` turns all of it into the engine's ``outcome``.
    """

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="family_terms", verbose_name=_("call"))
    first_come_first_served = models.BooleanField(
        _("first come, first served"),
        default=False,
        help_text=_("Applications are ranked by submission time, not by points (“a sportello”)."),
    )
    application_unit = models.CharField(
        _("applications"), max_length=12, choices=ApplicationUnit.choices, default=ApplicationUnit.CHILD
    )
    age_reference_date = models.DateField(
        _("ages computed on"),
        null=True,
        blank=True,
        help_text=_("Place calls: the date the children's ages are compared with the offers' age limits on."),
    )
    basis = models.CharField(_("voucher amount"), max_length=12, choices=VoucherBasis.choices, blank=True)
    amount_cents = CentsField(_("amount (cents)"), null=True, blank=True)
    max_weeks = models.PositiveSmallIntegerField(_("maximum weeks per child"), null=True, blank=True)
    answer_days = models.PositiveSmallIntegerField(
        _("days to answer a place"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Place calls: the days a family has to accept or refuse the place offered."),
    )
    max_per_child_cents = CentsField(_("maximum per child (cents)"), null=True, blank=True)
    max_per_household_cents = CentsField(_("maximum per application (cents)"), null=True, blank=True)
    service_kinds = models.JSONField(
        _("kinds of service covered"),
        default=list,
        blank=True,
        help_text=_("The vouchers may be spent on these kinds of service; none chosen: on any."),
    )
    providers = models.ManyToManyField(
        "network.Organisation",
        blank=True,
        related_name="voucher_call_terms",
        verbose_name=_("providers covered"),
        help_text=_("The vouchers may be spent at these providers; none chosen: at any."),
    )
    voucher_scheme = models.ForeignKey(
        "services.VoucherScheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_terms",
        verbose_name=_("voucher scheme"),
        help_text=_("When set, only services that accept this voucher are covered."),
    )

    VOUCHER_FIELDS = ("basis", "amount_cents", "max_weeks", "max_per_child_cents", "max_per_household_cents",
                      "service_kinds", "voucher_scheme")  # fmt: skip

    class Meta:
        ordering = ["call"]
        verbose_name = _("family call terms")
        verbose_name_plural = _("family call terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(basis="", amount_cents__isnull=True) | (~Q(basis="") & Q(amount_cents__gt=0)),
                name="programming_terms_amount",
                violation_error_message=_(
                    "A voucher needs both its amount (more than zero) and what it is counted on."
                ),
            ),
            models.CheckConstraint(
                condition=Q(max_weeks__isnull=True) | Q(max_weeks__gte=1, basis=VoucherBasis.PER_WEEK),
                name="programming_terms_max_weeks",
                violation_error_message=_("A maximum of weeks (at least one) applies only to an amount per week."),
            ),
            models.CheckConstraint(
                condition=Q(max_per_child_cents__isnull=True)
                | Q(max_per_child_cents__gt=0, basis=VoucherBasis.PER_WEEK),
                name="programming_terms_child_cap",
                violation_error_message=_(
                    "A maximum per child (more than zero) applies only to an amount per week: an amount per child "
                    "is its own maximum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(max_per_household_cents__isnull=True)
                | Q(max_per_household_cents__gt=0, application_unit=ApplicationUnit.HOUSEHOLD),
                name="programming_terms_household_cap",
                violation_error_message=_(
                    "A maximum per application (more than zero) needs one application per household."
                ),
            ),
            models.CheckConstraint(
                condition=Q(max_per_household_cents__isnull=True)
                | Q(max_per_child_cents__isnull=True)
                | Q(max_per_household_cents__gte=models.F("max_per_child_cents")),
                name="programming_terms_caps_order",
                violation_error_message=_("The maximum per application cannot be lower than the maximum per child."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Terms of %(call)s") % {"call": self.call})

    def get_service_kinds_display(self) -> str:
        from concilia.services.choices import ServiceKind

        names = dict(ServiceKind.choices)
        return ", ".join(str(names.get(k, k)) for k in self.service_kinds or [])

    def clean(self) -> None:
        super().clean()
        from concilia.services.choices import ServiceKind

        kinds = self.service_kinds if isinstance(self.service_kinds, list) else [self.service_kinds]
        unknown = [str(k) for k in kinds if k not in ServiceKind.values]
        if unknown:
            raise ValidationError(
                {"service_kinds": _("Unknown kinds of service: %(kinds)s.") % {"kinds": ", ".join(unknown)}}
            )
        if not self.call_id:
            return
        kind = self.call.kind
        if kind not in FAMILY_CALL_KINDS:
            raise ValidationError({"call": _("Family terms belong to calls for family vouchers or places.")})
        if kind == CallKind.FAMILY_VOUCHERS and not self.amount_cents:
            raise ValidationError({"amount_cents": _("A voucher call needs the amount of its vouchers.")})
        if kind == CallKind.FAMILY_PLACES:
            given = [f for f in self.VOUCHER_FIELDS if getattr(self, f) not in (None, "", [])]
            if given:
                raise ValidationError(_("A place call gives places, not vouchers: leave the voucher fields empty."))
            if self.application_unit != ApplicationUnit.CHILD:
                raise ValidationError(
                    {"application_unit": _("A place call takes one application per child (siblings apply together).")}
                )


class CallOffer(BaseModel):
    """An offer of the catalogue that a place call assigns, with the places it gives to the call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="call_offers", verbose_name=_("call"))
    offer = models.ForeignKey(
        "services.Offer", on_delete=models.PROTECT, related_name="call_offers", verbose_name=_("offer")
    )
    places = models.PositiveIntegerField(_("places"), help_text=_("The places of the offer this call assigns."))

    class Meta:
        ordering = ["call", "offer__service__name", "offer__start_time", "pk"]
        verbose_name = _("offer of a call")
        verbose_name_plural = _("offers of calls")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "offer"],
                name="programming_calloffer_unique",
                violation_error_message=_("This call already assigns places of this offer."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="programming_calloffer_places",
                violation_error_message=_("An offer gives the call at least one place."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer} ({self.places})"

    def clean(self) -> None:
        super().clean()
        if self.call_id and self.call.kind != CallKind.FAMILY_PLACES:
            raise ValidationError({"call": _("Only place calls assign the offers of the catalogue.")})
        if self.offer_id and self.places is not None and self.places > self.offer.capacity:
            raise ValidationError(
                {"places": _("The offer has %(capacity)s places in all.") % {"capacity": self.offer.capacity}}
            )


class Proposal(BaseModel):
    """An alliance's project proposal to a call (the "domanda" of an alliance)."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("call"))
    alliance = models.ForeignKey(
        "network.Alliance", on_delete=models.PROTECT, related_name="proposals", verbose_name=_("alliance")
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    requested_cents = CentsField(_("grant requested (cents)"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT, editable=False
    )
    protocol_number = models.PositiveIntegerField(_("protocol number"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("submitted by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    admissibility = models.CharField(
        _("admissibility"),
        max_length=16,
        choices=Admissibility.choices,
        default=Admissibility.PENDING,
        editable=False,
    )
    admissibility_reasons = models.JSONField(_("admissibility reasons"), default=list, blank=True, editable=False)
    admissibility_manual = models.BooleanField(_("decided by hand"), default=False, editable=False)

    class Meta:
        ordering = ["call", "protocol_number", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "protocol_number"],
                name="programming_proposal_protocol_unique",
                violation_error_message=_("This protocol number is already taken in this call."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def protocol(self) -> str:
        """The protocol as printed on the receipt, e.g. ``ASLMI-2015/0007``."""
        if self.protocol_number is None:
            return ""
        return f"{self.call.code.upper()}/{self.protocol_number:04d}"


class ProtocolCounter(ProtocolCounterBase):
    """The last protocol number given in a call: the row submissions lock to number gaplessly."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="protocol_counter", primary_key=True)

    class Meta:
        verbose_name = _("protocol counter")
        verbose_name_plural = _("protocol counters")

    def __str__(self) -> str:
        return f"{self.call}: {self.last}"


class ActionBase(BaseModel):
    """A line of work (services for families, flexible work, a help desk…): proposed, then carried out."""

    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budget_cents = CentsField(_("budget (cents)"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class PartnerBase(BaseModel):
    """An organisation taking part in a proposal or a project, with its role and co-financing."""

    role = models.CharField(_("role"), max_length=12, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    cofinancing_cents = CentsField(_("co-financing (cents)"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"  # type: ignore[attr-defined]


class ProposalAction(ActionBase):
    """One line of work a proposal plans (services for families, flexible work, a help desk…)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="actions", verbose_name=_("proposal"))

    class Meta:
        ordering = ["proposal", "starts_on", "pk"]
        verbose_name = _("proposed action")
        verbose_name_plural = _("proposed actions")


class ProposalPartner(PartnerBase):
    """An organisation in a proposal, with its role and what it co-finances."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="partners", verbose_name=_("proposal")
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="proposal_roles", verbose_name=_("organisation")
    )

    class Meta:
        ordering = ["proposal", "role", "organisation__name"]
        verbose_name = _("proposal partner")
        verbose_name_plural = _("proposal partners")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "organisation"],
                name="programming_proposalpartner_unique",
                violation_error_message=_("This organisation is already a partner of the proposal."),
            )
        ]


class ProposalBudgetLine(BaseModel):
    """A proposal's cost by category; the grant requested and the co-financing together pay them."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("proposal")
    )
    category = models.CharField(_("category"), max_length=16, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)
    amount_cents = CentsField(_("amount (cents)"))

    class Meta:
        ordering = ["proposal", "category", "pk"]
        verbose_name = _("proposal budget line")
        verbose_name_plural = _("proposal budget lines")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: € {self.amount_cents / 100:,.2f}"


class Evaluator(BaseModel):
    """A user assigned to evaluate a call's proposals."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="evaluators", verbose_name=_("call"))
    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("user")
    )

    class Meta:
        ordering = ["call", "user__username"]
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "user"],
                name="programming_evaluator_unique",
                violation_error_message=_("This user already evaluates this call."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.call}"


class ConflictOfInterest(BaseModel):
    """An evaluator's tie to an organisation: no scoring of proposals it leads or partners."""

    evaluator = models.ForeignKey(
        Evaluator, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("evaluator")
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    # A declaration is never deleted: the call's coordinator withdraws it, with a reason, in its history.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True, editable=False)

    class Meta:
        ordering = ["evaluator", "organisation__name"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "organisation"],
                name="programming_conflict_unique",
                violation_error_message=_("This conflict is already declared."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator.user} ↔ {self.organisation}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class Score(BaseModel):
    """An evaluator's points for one criterion of one proposal.

    A score given under a conflict of interest stays recorded but does not count:
    ``Score.objects.exclude(Score.conflicted())``.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="scores", verbose_name=_("proposal"))
    evaluator = models.ForeignKey(
        Evaluator, on_delete=models.PROTECT, related_name="scores", verbose_name=_("evaluator")
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    points = models.PositiveIntegerField(_("points"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["proposal", "criterion__order", "evaluator"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "evaluator", "criterion"],
                name="programming_score_unique",
                violation_error_message=_("This evaluator has already scored this criterion."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"

    @staticmethod
    def conflicted() -> Q:
        """A score whose evaluator is tied to the proposal's lead or one of its partners.

        Tied: a declaration in force (not withdrawn), or a role of the evaluator's user in that
        organisation. The one definition of the conflict for the policies, the services and the ranking.
        """
        from django.db.models import Exists, OuterRef

        from concilia.accounts.models import RoleAssignment

        declared = ConflictOfInterest.objects.filter(evaluator=OuterRef("evaluator"), withdrawn_at__isnull=True)
        roles = RoleAssignment.objects.filter(user=OuterRef("evaluator__user"), organisation__isnull=False)

        def tied_partners(ties: models.QuerySet) -> Exists:
            return Exists(
                ProposalPartner.objects.filter(
                    proposal=OuterRef("proposal"), organisation__in=ties.values("organisation")
                )
            )

        declared_inner = ConflictOfInterest.objects.filter(
            evaluator=OuterRef(OuterRef("evaluator")), withdrawn_at__isnull=True
        )
        roles_inner = RoleAssignment.objects.filter(
            user=OuterRef(OuterRef("evaluator__user")), organisation__isnull=False
        )
        return (
            Q(Exists(declared.filter(organisation=OuterRef("proposal__alliance__lead"))))
            | Q(Exists(roles.filter(organisation=OuterRef("proposal__alliance__lead"))))
            | Q(tied_partners(declared_inner))
            | Q(tied_partners(roles_inner))
        )

    def clean(self) -> None:
        super().clean()
        if self.criterion_id and self.points is not None and self.points > self.criterion.max_points:
            raise ValidationError(
                {"points": _("At most %(max)s points for this criterion.") % {"max": self.criterion.max_points}}
            )


class RankingQuerySet(models.QuerySet):
    """Rankings are only ever added: bulk updates and deletes are refused as ``save``/``delete`` are."""

    def update(self, **kwargs: Any) -> int:
        raise ValidationError(_("A published ranking cannot be changed: publish a new version with its reason."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A published ranking cannot be deleted."))


class Ranking(models.Model):
    """A published ranking of a call: immutable once saved; a correction is a new version with a reason."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="rankings", verbose_name=_("call"))
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=RankingStatus.choices)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True, help_text=_("Why this version corrects the previous one."))
    objections_until = models.DateTimeField(_("objections until"), null=True, blank=True)
    rules_digest = models.CharField(_("rules digest"), max_length=64, blank=True)
    entries = models.JSONField(_("entries"), default=list)
    result = models.JSONField(_("engine result"), default=dict)

    objects = RankingQuerySet.as_manager()

    class Meta:
        ordering = ["call", "version"]
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "version"],
                name="programming_ranking_version_unique",
                violation_error_message=_("This version of the ranking already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.call} · v{self.version} ({self.get_status_display()})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and Ranking.objects.filter(pk=self.pk).exists():
            raise ValidationError(_("A published ranking cannot be changed: publish a new version with its reason."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("A published ranking cannot be deleted."))

    def get_absolute_url(self) -> str | None:
        from concilia.core.registry import detail_url

        return detail_url(self)


class Project(BaseModel):
    """A funded project: from a proposal, or recorded from the past (C.I.P., Net & Co…)."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.PROTECT, null=True, blank=True, related_name="project", verbose_name=_("proposal")
    )
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("call")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="projects", verbose_name=_("plan")
    )
    alliance = models.ForeignKey(
        "network.Alliance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("alliance"),
    )
    lead = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="led_projects", verbose_name=_("lead")
    )
    title = models.CharField(_("title"), max_length=255)
    acronym = models.CharField(_("short name"), max_length=60, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    granted_cents = CentsField(_("grant (cents)"), default=0)
    cofinancing_cents = CentsField(_("co-financing (cents)"), default=0)
    returned_cents = CentsField(_("returned to the plan (cents)"), default=0, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="successors", verbose_name=_("follows")
    )
    website = models.URLField(_("website"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="programming_project_dates",
                violation_error_message=_("The end cannot precede the start."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProjectPartner(PartnerBase):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners", verbose_name=_("project"))
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, related_name="project_roles", verbose_name=_("organisation")
    )

    class Meta:
        ordering = ["project", "role", "organisation__name"]
        verbose_name = _("project partner")
        verbose_name_plural = _("project partners")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"],
                name="programming_projectpartner_unique",
                violation_error_message=_("This organisation is already a partner of the project."),
            )
        ]


class ProjectAction(ActionBase):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actions", verbose_name=_("project"))

    class Meta:
        ordering = ["project", "starts_on", "pk"]
        verbose_name = _("project action")
        verbose_name_plural = _("project actions")


class ExpenseReport(BaseModel):
    """A project's expense report ("rendicontazione") for a period."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="expense_reports", verbose_name=_("project")
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["project", "period_start"]
        verbose_name = _("expense report")
        verbose_name_plural = _("expense reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="programming_report_period",
                violation_error_message=_("The end cannot precede the start."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"


class ExpenseLine(BaseModel):
    """One expense claimed against the grant, approved fully or partly with a reason."""

    report = models.ForeignKey(ExpenseReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report"))
    category = models.CharField(_("category"), max_length=16, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=255)
    amount_cents = CentsField(_("amount claimed (cents)"))
    approved_cents = CentsField(_("amount approved (cents)"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("reason"), blank=True, editable=False)
    document = models.FileField(_("document"), upload_to="expenses/%Y/", blank=True)

    class Meta:
        ordering = ["report", "category", "pk"]
        verbose_name = _("expense line")
        verbose_name_plural = _("expense lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_cents__isnull=True) | Q(approved_cents__lte=models.F("amount_cents")),
                name="programming_expense_approved_le_claimed",
                violation_error_message=_("The approved amount cannot exceed the amount claimed."),
            )
        ]

    def __str__(self) -> str:
        return self.description


class Indicator(BaseModel):
    """A project indicator with its target and the value achieved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("project"))
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField(_("achieved"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class Document(BaseModel):
    """A document of a plan, a call or a project (the plan's PDF, the call's text, a deliberation)."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("plan")
    )
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("call")
    )
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="documents", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
    url = models.URLField(_("address"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(plan__isnull=False, call__isnull=True, project__isnull=True)
                    | Q(plan__isnull=True, call__isnull=False, project__isnull=True)
                    | Q(plan__isnull=True, call__isnull=True, project__isnull=False)
                ),
                name="programming_document_one_owner",
                violation_error_message=_("A document belongs to one plan, call or project."),
            )
        ]

    def __str__(self) -> str:
        return self.title
