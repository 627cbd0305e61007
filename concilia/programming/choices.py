"""Choices of the programming cycle: plans, calls, proposals, rankings, projects."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FundingKind(models.TextChoices):
    REGIONAL = "regional", _("Regional funds (national agreement)")
    AGENCY = "agency", _("Health agency funds")
    COFINANCING = "cofinancing", _("Partners' co-financing")
    OTHER = "other", _("Other")


class CallKind(models.TextChoices):
    ALLIANCE_PROJECTS = "alliance_projects", _("Alliance projects")
    FAMILY_VOUCHERS = "family_vouchers", _("Family vouchers")
    FAMILY_PLACES = "family_places", _("Family places")
    REGISTRY_ENROLMENT = "registry_enrolment", _("Registry enrolment")


# Calls for families: their applicants are households, their rules read the fields of
# ``concilia/programming/family_fields.py``, and their terms (``FamilyCallTerms``, ``CallOffer``) say what they give.
FAMILY_CALL_KINDS = (CallKind.FAMILY_VOUCHERS, CallKind.FAMILY_PLACES)


class VoucherBasis(models.TextChoices):
    """What a voucher's amount is counted on."""

    PER_CHILD = "per_child", _("Per child")
    PER_WEEK = "per_week", _("Per week of care, for each child")


class ApplicationUnit(models.TextChoices):
    """Who applies to a family call: each household once, or once for each of its children."""

    CHILD = "child", _("One application per child")
    HOUSEHOLD = "household", _("One application per household")


class CallStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("call status", "Draft")
    OPEN = "open", pgettext_lazy("call status", "Open")
    CLOSED = "closed", pgettext_lazy("call status", "Closed")
    EVALUATION = "evaluation", _("Under evaluation")
    PROVISIONAL_RANKING = "provisional_ranking", _("Provisional ranking")
    FINAL_RANKING = "final_ranking", _("Final ranking")
    ARCHIVED = "archived", pgettext_lazy("call status", "Archived")


# The only transitions a call may make (a correction of a published ranking is a new ranking
# version, not a transition back).
CALL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CallStatus.DRAFT: (CallStatus.OPEN,),
    CallStatus.OPEN: (CallStatus.CLOSED,),
    CallStatus.CLOSED: (CallStatus.EVALUATION,),
    CallStatus.EVALUATION: (CallStatus.PROVISIONAL_RANKING,),
    CallStatus.PROVISIONAL_RANKING: (CallStatus.FINAL_RANKING,),
    CallStatus.FINAL_RANKING: (CallStatus.ARCHIVED,),
    CallStatus.ARCHIVED: (),
}
# Statuses in which the call's budget is reserved on its plan.
BUDGET_RESERVED = (
    CallStatus.OPEN,
    CallStatus.CLOSED,
    CallStatus.EVALUATION,
    CallStatus.PROVISIONAL_RANKING,
)


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Admissibility(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    ADMISSIBLE = "admissible", _("Admissible")
    NOT_ADMISSIBLE = "not_admissible", _("Not admissible")


class ActionKind(models.TextChoices):
    FAMILY_SERVICES = "family_services", _("Services for families")
    FLEXIBLE_WORK = "flexible_work", _("Flexible work in companies")
    HELP_DESK = "help_desk", _("Help desk")
    TRAINING = "training", _("Training")
    CARE_STARTUPS = "care_startups", _("Start-ups for care work")
    NEEDS_ANALYSIS = "needs_analysis", _("Analysis of needs and surveys")
    COMMUNICATION = "communication", _("Communication and awareness")
    OTHER = "other", _("Other")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead partner")
    PARTNER = "partner", _("Partner")
    SUPPORTER = "supporter", _("Supporting partner")


class BudgetCategory(models.TextChoices):
    STAFF = "staff", _("Staff")
    SERVICES = "services", _("Services and contracts")
    VOUCHERS = "vouchers", _("Contributions to families")
    EQUIPMENT = "equipment", _("Equipment")
    COMMUNICATION = "communication", _("Communication")
    OVERHEADS = "overheads", _("Overheads")
    OTHER = "other", _("Other")


class RankingStatus(models.TextChoices):
    PROVISIONAL = "provisional", _("Provisional")
    FINAL = "final", _("Final")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed (accounts settled)")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REVIEWED = "reviewed", _("Reviewed")
