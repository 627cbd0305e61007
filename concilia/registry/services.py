"""Writes of the babysitter registry: enrolment, verification, suspension, renewal, expiry, relay.

Every function is keyword-only, atomic, validates with ``full_clean`` and records a
:class:`~concilia.registry.models.BabysitterEvent`. Operator steps require that the user manages the
babysitter's registry (``PermissionDenied`` otherwise); bad input raises ``ValidationError`` with a
message in the user's language and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.core.permissions import can
from concilia.core.workflow import lock
from concilia.registry.choices import BabysitterStatus, EventKind
from concilia.registry.models import (
    Availability,
    Babysitter,
    BabysitterEvent,
    BabysitterRegistry,
    ContactMessage,
    CourseAttendance,
)

ADULT_AGE = 18


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _event(babysitter: Babysitter, kind: str, by: Any = None, note: str = "") -> BabysitterEvent:
    user = by if getattr(by, "is_authenticated", False) else None
    return BabysitterEvent.objects.create(babysitter=babysitter, kind=kind, at=clock.now(), by=user, note=note)


def _require_manager(babysitter: Babysitter, by: Any) -> None:
    if not can(by, "manage", babysitter):
        raise PermissionDenied(_("Only the operators of the registry and the network's coordinators may do this."))


def _save(babysitter: Babysitter, by: Any, reason: str = "") -> Babysitter:
    babysitter.full_clean()
    if getattr(by, "is_authenticated", False):
        babysitter._history_user = by  # type: ignore[attr-defined]
    babysitter.save()
    return babysitter


def eligibility_errors(babysitter: Babysitter, *, today: dt.date) -> dict[str, list[str]]:
    """The requirements the application does not meet, by field (empty when it may be listed)."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if babysitter.birth_date and _age_on(babysitter.birth_date, today) < ADULT_AGE:
        add("birth_date", _("You must be at least 18 years old to enrol."))
    course = babysitter.course if babysitter.course_id else None
    registry = babysitter.registry if babysitter.registry_id else None
    if course is not None and registry is not None and course.registry_id != registry.pk:
        add("course", _("The course does not belong to this registry."))
    if course is not None:
        hours = babysitter.attendance_hours or 0
        exam = babysitter.exam_passed
        attendance = CourseAttendance.objects.filter(
            course=course, tax_code=(babysitter.tax_code or "").upper()
        ).first()
        if attendance is not None:  # the course's register prevails over what the applicant declares
            hours, exam = attendance.hours_attended, attendance.exam_passed
        minimum = registry.min_attendance_percent if registry is not None else 80
        if hours * 100 < minimum * course.hours:
            add(
                "attendance_hours",
                _("You attended %(hours)s of the course's %(total)s hours: at least %(percent)s%% is required.")
                % {"hours": hours, "total": course.hours, "percent": minimum},
            )
        if not exam:
            add("exam_passed", _("The course's final exam must have been passed."))
    if babysitter.first_aid_expires_on and babysitter.first_aid_expires_on < today:
        add("first_aid_expires_on", _("The paediatric first-aid certificate has expired: renew it before enrolling."))
    if not babysitter.no_criminal_record:
        add("no_criminal_record", _("The declaration of no criminal record is required."))
    if not babysitter.eu_citizen:
        if not babysitter.permit_number:
            add(
                "permit_number", _("Citizens of countries outside the European Union must give their residence permit.")
            )
        if not babysitter.permit_expires_on or babysitter.permit_expires_on < today:
            add("permit_expires_on", _("The residence permit must be valid."))
    if registry is not None and babysitter.pk:
        allowed = set(registry.voucher_schemes.values_list("pk", flat=True))
        if set(babysitter.accepted_vouchers.values_list("pk", flat=True)) - allowed:
            add("accepted_vouchers", _("Only the vouchers of the registry's calls can be accepted."))
    return errors


def _next_reference(registry: BabysitterRegistry, today: dt.date) -> str:
    prefix = f"BS-{today.year}-{registry.pk}-"
    last = (
        Babysitter.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def babysitter_submit(
    *,
    babysitter: Babysitter,
    areas: Iterable[Any],
    vouchers: Iterable[Any] = (),
    slots: Iterable[tuple[int, dt.time, dt.time]] = (),
    by: Any = None,
    today: dt.date | None = None,
) -> Babysitter:
    """Submit an enrolment application (public, no login): checked, saved and confirmed by e-mail."""
    today = today or clock.today()
    areas, vouchers, slots = list(areas), list(vouchers), list(slots)
    errors = eligibility_errors(babysitter, today=today)
    if not areas:
        errors.setdefault("areas", []).append(_("Choose at least one municipality where you can work."))
    if babysitter.registry_id:
        allowed = set(babysitter.registry.voucher_schemes.values_list("pk", flat=True))
        if {v.pk for v in vouchers} - allowed:
            errors.setdefault("accepted_vouchers", []).append(
                _("Only the vouchers of the registry's calls can be accepted.")
            )
    if not slots:
        errors.setdefault("availability", []).append(_("Give at least one weekly time slot when you are available."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock(BabysitterRegistry, babysitter.registry_id)
        babysitter.status = BabysitterStatus.SUBMITTED
        babysitter.reference = _next_reference(babysitter.registry, today)
        if not babysitter.declaration_on:
            babysitter.declaration_on = today
        _save(babysitter, by)
        babysitter.areas.set(areas)
        babysitter.accepted_vouchers.set(vouchers)
        for weekday, start, end in slots:
            slot = Availability(babysitter=babysitter, weekday=weekday, starts_at=start, ends_at=end)
            slot.full_clean()
            slot.save()
        _event(babysitter, EventKind.SUBMITTED, by)
    _mail(
        babysitter,
        _("Your application to %(registry)s") % {"registry": babysitter.registry.name},
        _(
            "Dear %(name)s,\n\nwe have received your application to %(registry)s: its reference number is "
            "%(reference)s. An operator will check it and tell you the outcome by e-mail.\n"
        )
        % {"name": babysitter.first_name, "registry": babysitter.registry.name, "reference": babysitter.reference},
    )
    return babysitter


def _mail(babysitter: Babysitter, subject: str, body: str, reply_to: list[str] | None = None) -> None:
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[babysitter.email],
        reply_to=reply_to,
    ).send()


def _locked(babysitter: Babysitter) -> Babysitter:
    return lock(Babysitter, babysitter.pk)[0]


def babysitter_list(*, babysitter: Babysitter, by: Any, today: dt.date | None = None, note: str = "") -> Babysitter:
    """The operator has verified the application: the babysitter is listed for the registry's validity."""
    _require_manager(babysitter, by)
    today = today or clock.today()
    with transaction.atomic():
        b = _locked(babysitter)
        if b.status not in (BabysitterStatus.SUBMITTED, BabysitterStatus.REJECTED):
            raise ValidationError(_("Only an application awaiting verification can be listed."))
        errors = eligibility_errors(b, today=today)
        if errors:
            raise ValidationError(errors)
        b.status = BabysitterStatus.LISTED
        b.status_reason = ""
        b.listed_on = today
        b.expires_on = today + dt.timedelta(days=b.registry.validity_days)
        b.reminded_for = None
        _save(b, by)
        _event(b, EventKind.LISTED, by, note)
    _mail(
        b,
        _("You are listed in %(registry)s") % {"registry": b.registry.name},
        _("Dear %(name)s,\n\nyour application %(reference)s has been verified: you are listed until %(date)s.\n")
        % {"name": b.first_name, "reference": b.reference, "date": f"{b.expires_on:%d/%m/%Y}"},
    )
    return b


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    return reason


def babysitter_reject(*, babysitter: Babysitter, by: Any, reason: str) -> Babysitter:
    """The application does not meet the requirements: rejected with the reason, told to the applicant."""
    _require_manager(babysitter, by)
    reason = _reason(reason)
    with transaction.atomic():
        b = _locked(babysitter)
        if b.status != BabysitterStatus.SUBMITTED:
            raise ValidationError(_("Only an application awaiting verification can be rejected."))
        b.status, b.status_reason = BabysitterStatus.REJECTED, reason
        _save(b, by)
        _event(b, EventKind.REJECTED, by, reason)
    _mail(
        b,
        _("Your application to %(registry)s") % {"registry": b.registry.name},
        _("Dear %(name)s,\n\nyour application %(reference)s could not be accepted, for this reason:\n%(reason)s\n")
        % {"name": b.first_name, "reference": b.reference, "reason": reason},
    )
    return b


def babysitter_suspend(*, babysitter: Babysitter, by: Any, reason: str) -> Babysitter:
    """A listed babysitter is hidden from families until reinstated; the reason is recorded."""
    _require_manager(babysitter, by)
    reason = _reason(reason)
    with transaction.atomic():
        b = _locked(babysitter)
        if b.status != BabysitterStatus.LISTED:
            raise ValidationError(_("Only a listed babysitter can be suspended."))
        b.status, b.status_reason = BabysitterStatus.SUSPENDED, reason
        _save(b, by)
        _event(b, EventKind.SUSPENDED, by, reason)
    return b


def babysitter_reinstate(
    *, babysitter: Babysitter, by: Any, note: str = "", today: dt.date | None = None
) -> Babysitter:
    """A suspended babysitter is listed again until the listing's original expiry (expired if past)."""
    _require_manager(babysitter, by)
    today = today or clock.today()
    with transaction.atomic():
        b = _locked(babysitter)
        if b.status != BabysitterStatus.SUSPENDED:
            raise ValidationError(_("Only a suspended babysitter can be reinstated."))
        b.status_reason = ""
        b.status = BabysitterStatus.LISTED if b.expires_on and b.expires_on >= today else BabysitterStatus.EXPIRED
        _save(b, by)
        _event(b, EventKind.REINSTATED, by, note)
        if b.status == BabysitterStatus.EXPIRED:
            _event(b, EventKind.EXPIRED, None, _("The listing had expired during the suspension."))
    return b


def babysitter_renew(*, babysitter: Babysitter, by: Any, note: str = "", today: dt.date | None = None) -> Babysitter:
    """Renewal (after a refresher): the listing is extended by the registry's validity.

    From the current expiry if still in force, from today if it has expired. The first-aid
    certificate and the residence permit must still be valid.
    """
    _require_manager(babysitter, by)
    today = today or clock.today()
    with transaction.atomic():
        b = _locked(babysitter)
        if b.status not in (BabysitterStatus.LISTED, BabysitterStatus.EXPIRED):
            raise ValidationError(_("Only a listed or expired babysitter can be renewed."))
        errors: dict[str, list[str]] = {}
        if b.first_aid_expires_on < today:
            errors["first_aid_expires_on"] = [_("The paediatric first-aid certificate has expired: update it first.")]
        if not b.eu_citizen and (not b.permit_expires_on or b.permit_expires_on < today):
            errors["permit_expires_on"] = [_("The residence permit must be valid.")]
        if errors:
            raise ValidationError(errors)
        start = (
            b.expires_on if b.status == BabysitterStatus.LISTED and b.expires_on and b.expires_on >= today else today
        )
        if b.status == BabysitterStatus.EXPIRED or not b.listed_on:
            b.listed_on = today
        b.expires_on = start + dt.timedelta(days=b.registry.validity_days)
        b.status = BabysitterStatus.LISTED
        b.reminded_for = None
        _save(b, by)
        _event(b, EventKind.RENEWED, by, note)
    return b


def expire_due(*, today: dt.date) -> int:
    """Listings whose expiry date has passed become expired; returns how many."""
    count = 0
    for pk in Babysitter.objects.filter(status=BabysitterStatus.LISTED, expires_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            b = lock(Babysitter, pk)[0]
            if b.status != BabysitterStatus.LISTED or not b.expires_on or b.expires_on >= today:
                continue
            b.status = BabysitterStatus.EXPIRED
            _save(b, None)
            _event(b, EventKind.EXPIRED)
            count += 1
    return count


def send_expiry_reminders(*, today: dt.date) -> int:
    """E-mail listed babysitters whose listing expires within the registry's window, once per listing period."""
    sent = 0
    candidates = Babysitter.objects.filter(status=BabysitterStatus.LISTED, expires_on__gte=today).select_related(
        "registry"
    )
    for b in candidates:
        if b.expires_on is None or b.reminded_for == b.expires_on:
            continue
        if b.expires_on > today + dt.timedelta(days=b.registry.reminder_days):
            continue
        with transaction.atomic():
            locked = lock(Babysitter, b.pk)[0]
            if locked.reminded_for == locked.expires_on:
                continue
            locked.reminded_for = locked.expires_on
            _save(locked, None)
            _event(locked, EventKind.REMINDER, note=f"{locked.expires_on:%d/%m/%Y}")
            _mail(
                locked,
                _("Your listing in %(registry)s expires on %(date)s")
                % {"registry": locked.registry.name, "date": f"{locked.expires_on:%d/%m/%Y}"},
                _(
                    "Dear %(name)s,\n\nyour listing %(reference)s expires on %(date)s. To stay listed, attend the "
                    "refresher and ask the registry to renew it.\n"
                )
                % {"name": locked.first_name, "reference": locked.reference, "date": f"{locked.expires_on:%d/%m/%Y}"},
            )
        sent += 1
    return sent


def contact_relay(
    *,
    babysitter: Babysitter,
    family_name: str,
    family_email: str,
    message: str,
    family_phone: str = "",
    now: dt.datetime | None = None,
) -> ContactMessage:
    """Store a family's message and e-mail it to the babysitter, with the family's address to reply to.

    Only listed, non-expired babysitters can be written to; one family e-mail address may send at
    most the registry's ``messages_per_day`` messages in a day. The family never receives the
    babysitter's contacts: the babysitter decides whether to answer.
    """
    now = now or clock.now()
    if not Babysitter.objects.public(timezone.localtime(now).date()).filter(pk=babysitter.pk).exists():
        raise ValidationError(_("This babysitter cannot be contacted at the moment."))
    email = (family_email or "").strip().lower()
    since = now - dt.timedelta(days=1)
    with transaction.atomic():
        registry = lock(BabysitterRegistry, babysitter.registry_id)[0]
        recent = ContactMessage.objects.filter(
            family_email=email, created_at__gt=since, babysitter__registry=registry
        ).count()
        if recent >= registry.messages_per_day:
            raise ValidationError(
                _("You have already sent %(count)s messages today: try again tomorrow.") % {"count": recent}
            )
        msg = ContactMessage(
            babysitter=babysitter,
            family_name=(family_name or "").strip(),
            family_email=email,
            family_phone=(family_phone or "").strip(),
            message=(message or "").strip(),
            created_at=now,
        )
        msg.full_clean()
        msg.save()
        body = _(
            "Dear %(name)s,\n\n%(family)s wrote to you through %(registry)s:\n\n%(message)s\n\n"
            "To answer, reply to this e-mail (it goes to %(email)s)%(phone)s. Your contacts have not been given "
            "to the family: it is up to you whether to answer.\n"
        ) % {
            "name": babysitter.first_name,
            "family": msg.family_name,
            "registry": registry.name,
            "message": msg.message,
            "email": msg.family_email,
            "phone": (_(" or call %(phone)s") % {"phone": msg.family_phone}) if msg.family_phone else "",
        }
        _mail(babysitter, _("A family wrote to you through %(registry)s") % {"registry": registry.name}, body,
              reply_to=[msg.family_email])  # fmt: skip
        msg.relayed_at = clock.now()
        msg.save(update_fields=["relayed_at"])
    return msg
