from django.db import models
from django.utils.translation import gettext_lazy as _

from concilia.programming.choices import ProposalStatus


class AdultRole(models.TextChoices):
    PARENT = "parent", _("Parent or guardian")
    OTHER = "other", _("Other adult")


class Employment(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    JOB_SEEKER = "job_seeker", _("Looking for work")
    STUDENT = "student", _("Student")
    RETIRED = "retired", _("Retired")
    OTHER = "other", _("Other")


# A family's application lives as an alliance's proposal does (draft, submitted, withdrawn): one set of choices
# (one enum in the API schema).
ApplicationStatus = ProposalStatus


class AttachmentKind(models.TextChoices):
    ISEE = "isee", _("ISEE certificate")
    DISABILITY = "disability", _("Disability certificate")
    EMPLOYMENT = "employment", _("Employment declaration")
    OTHER = "other", _("Other document")


class ConfirmationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the employer")
    CONFIRMED = "confirmed", _("Confirmed by the employer")
    REFUSED = "refused", _("Not confirmed by the employer")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PlaceStatus(models.TextChoices):
    OFFERED = "offered", _("Offered, waiting for the family's answer")
    ACCEPTED = "accepted", _("Accepted by the family")
    REFUSED = "refused", _("Refused by the family")
    EXPIRED = "expired", _("Expired without an answer")
    ENROLLED = "enrolled", _("Enrolment confirmed by the provider")


#: The states in which a place holds its seat (a refused or expired one has given it back).
HOLDING_PLACE = (PlaceStatus.OFFERED, PlaceStatus.ACCEPTED, PlaceStatus.ENROLLED)


class VoucherStatus(models.TextChoices):
    ISSUED = "issued", _("Issued, to be spent")
    REDEEMED = "redeemed", _("Spent at a provider")
    EXPIRED = "expired", _("Expired unused: its value went back to the call")


class RedemptionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for reimbursement")
    APPROVED = "approved", _("Reimbursement approved")
    REJECTED = "rejected", _("Rejected")
