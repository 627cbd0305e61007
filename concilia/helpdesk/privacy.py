"""Personal data of the help desks: retention of appointments and cases, and a person's records.

See :mod:`concilia.core.privacy`. Appointments are anonymised ``helpdesk_appointment`` days after their
day (their link stops working: a new token, and none in their history); closed cases
``helpdesk_case`` days after their last change, with their referrals' notes. The rows stay, so the
desks' statistics count them as before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from concilia.core import privacy
from concilia.core.permissions import restrict
from concilia.helpdesk.choices import CaseStatus
from concilia.helpdesk.models import Appointment, Case, Referral, new_token

APPOINTMENT_FIELDS = (
    "desk", "starts_at", "first_name", "last_name", "email", "phone", "topic", "note", "status", "booked_at",
    "cancelled_at",
)  # fmt: skip
CASE_FIELDS = (
    "desk", "opened_on", "channel", "first_name", "last_name", "email", "phone", "municipality", "description",
    "outcome", "follow_up_on", "status",
)  # fmt: skip


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def apply_retention(*, today: dt.date) -> dict[str, int]:
    with transaction.atomic():
        past = Appointment.objects.filter(
            starts_at__lt=_start_of(privacy.cutoff("helpdesk_appointment", today)), anonymised_on__isnull=True
        )
        pks = list(past.values_list("pk", flat=True))
        appointments = privacy.anonymise(Appointment.objects.filter(pk__in=pks), today=today)
        for pk in pks:  # the old link leads nowhere
            Appointment.objects.filter(pk=pk).update(token=new_token())
        Appointment.history.filter(id__in=pks).update(token="")
        closed = Case.objects.filter(
            status=CaseStatus.CLOSED,
            updated_at__lt=_start_of(privacy.cutoff("helpdesk_case", today)),
            anonymised_on__isnull=True,
        )
        case_pks = list(closed.values_list("pk", flat=True))
        cases = privacy.anonymise(Case.objects.filter(pk__in=case_pks), today=today, extra={"anonymous": True})
        referrals = Referral.objects.filter(case__in=case_pks)
        referral_pks = list(referrals.values_list("pk", flat=True))
        referrals.update(note="")
        privacy.redact_history(Referral, referral_pks)
    return {"appointments": appointments, "cases": cases}


def person_records(user: Any, *, email: str, tax_code: str) -> dict[str, list[dict[str, Any]]]:
    if not email:
        return {}
    appointments = restrict(Appointment.objects.filter(email__iexact=email), user, "view").select_related("desk")
    cases = restrict(Case.objects.filter(email__iexact=email), user, "view").select_related("desk", "municipality")
    return {
        "appointments": [privacy.as_dict(a, APPOINTMENT_FIELDS) for a in appointments.order_by("starts_at")],
        "cases": [
            {
                **privacy.as_dict(c, CASE_FIELDS),
                "referrals": [
                    privacy.as_dict(r, ("service", "to_desk", "call", "other", "note")) for r in c.referrals.all()
                ],
            }
            for c in cases.order_by("opened_on").prefetch_related("referrals")
        ],
    }
