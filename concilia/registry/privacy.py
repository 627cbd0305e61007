"""Personal data of the babysitter registry: retention and a person's records.

See :mod:`concilia.core.privacy`. A rejected application or an expired listing is anonymised
``registry_babysitter`` days after its last change (its availability removed, its events' notes and
the messages families sent it blanked); a family's message ``registry_contact`` days after it was
sent. The reference number, the registry, the municipalities and the status stay, for the counts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from concilia.core import privacy
from concilia.core.permissions import restrict
from concilia.registry.choices import BabysitterStatus
from concilia.registry.models import Availability, Babysitter, BabysitterEvent, ContactMessage, CourseAttendance

BABYSITTER_FIELDS = (
    "registry", "reference", "first_name", "last_name", "tax_code", "birth_date", "email", "phone", "residence",
    "eu_citizen", "citizenship", "permit_number", "permit_expires_on", "course", "exam_passed",
    "first_aid_issued_on", "first_aid_expires_on", "no_criminal_record", "declaration_on", "languages",
    "experience", "bio", "status", "status_reason", "listed_on", "expires_on",
)  # fmt: skip


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def apply_retention(*, today: dt.date) -> dict[str, int]:
    with transaction.atomic():
        ended = Babysitter.objects.filter(
            status__in=[BabysitterStatus.REJECTED, BabysitterStatus.EXPIRED],
            updated_at__lt=_start_of(privacy.cutoff("registry_babysitter", today)),
            anonymised_on__isnull=True,
        )
        pks = list(ended.values_list("pk", flat=True))
        babysitters = privacy.anonymise(Babysitter.objects.filter(pk__in=pks), today=today)
        Availability.objects.filter(babysitter__in=pks).delete()
        BabysitterEvent.objects.filter(babysitter__in=pks).update(note="")
        old = Q(created_at__lt=_start_of(privacy.cutoff("registry_contact", today))) | Q(babysitter__in=pks)
        messages = privacy.anonymise(ContactMessage.objects.filter(old), today=today)
    return {"babysitters": babysitters, "messages": messages}


def person_records(user: Any, *, email: str, tax_code: str) -> dict[str, list[dict[str, Any]]]:
    who = Q(pk__in=[])
    if email:
        who |= Q(email__iexact=email)
    if tax_code:
        who |= Q(tax_code=tax_code)
    babysitters = restrict(Babysitter.objects.filter(who), user, "view").select_related("registry", "residence")
    attendances = (
        restrict(CourseAttendance.objects.filter(tax_code=tax_code), user, "view").select_related("course")
        if tax_code
        else CourseAttendance.objects.none()
    )
    messages = (
        restrict(ContactMessage.objects.filter(family_email__iexact=email), user, "view").select_related("babysitter")
        if email
        else ContactMessage.objects.none()
    )
    return {
        "babysitters": [
            {
                **privacy.as_dict(b, BABYSITTER_FIELDS),
                "areas": [str(m) for m in b.areas.all()],
                "events": [privacy.as_dict(e, ("kind", "at", "note")) for e in b.events.order_by("at")],
            }
            for b in babysitters.order_by("pk")
        ],
        "course_attendances": [
            privacy.as_dict(a, ("course", "tax_code", "first_name", "last_name", "exam_passed")) for a in attendances
        ],
        "messages_sent": [
            privacy.as_dict(m, ("babysitter", "family_name", "family_email", "family_phone", "message", "created_at"))
            for m in messages.order_by("created_at")
        ],
    }
