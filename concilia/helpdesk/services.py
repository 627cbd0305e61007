"""Writes of the help desks: booking and cancelling appointments, handling them, logging cases.

Booking locks the desk row (``SELECT … FOR UPDATE``) and counts the places already taken in the slot
before inserting, so two citizens asking for the last place at once are served one after the other:
one gets it, the other is told the time has just been taken. Behind the lock a database constraint
forbids two live appointments on the same place of the same slot (SQLite, which has no row locks,
serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.core.permissions import can
from concilia.core.services import object_save
from concilia.core.workflow import lock
from concilia.helpdesk import selectors
from concilia.helpdesk.choices import OCCUPYING, AppointmentStatus, Need
from concilia.helpdesk.closures import closed_days
from concilia.helpdesk.models import Appointment, Desk

ROME = selectors.ROME


def site_url(base_url: str | None = None) -> str:
    """The address links in e-mails start with: the request's, else ``CONCILIA_SITE_URL``."""
    return (base_url or settings.CONCILIA_SITE_URL).rstrip("/")


def appointment_url(appointment: Appointment, base_url: str | None = None) -> str:
    return site_url(base_url) + reverse("helpdesk:booking", args=[appointment.token])


def cancel_url(appointment: Appointment, base_url: str | None = None) -> str:
    return site_url(base_url) + reverse("helpdesk:booking_cancel", args=[appointment.token])


def _when(appointment: Appointment) -> str:
    return timezone.localtime(appointment.starts_at, ROME).strftime("%d/%m/%Y %H:%M")


def _desk_place(desk: Desk) -> str:
    return f"{desk.name}, {desk.address}, {desk.municipality.name}"


def appointment_book(
    *,
    desk: Desk,
    starts_at: dt.datetime,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    topic: str,
    note: str = "",
    now: dt.datetime | None = None,
    base_url: str | None = None,
) -> Appointment:
    """Book one place of the slot starting at ``starts_at``; e-mail the confirmation with the cancel link.

    Refuses (``ValidationError``, nothing saved) an unpublished desk, a time in the past or beyond the
    bookable weeks, a time that is not one of the desk's slots (or falls in a closure), a full slot.
    """
    now = now or clock.now()
    if timezone.is_naive(starts_at):
        raise ValidationError(_("The time of the appointment is not valid."))
    with transaction.atomic():
        rows = lock(Desk, desk.pk)
        locked = rows[0] if rows else None
        if locked is None or not locked.is_published:
            raise ValidationError(_("This desk does not take bookings."))
        if starts_at <= now:
            raise ValidationError(_("This time has already passed: choose another one."))
        last_day = now.astimezone(ROME).date() + dt.timedelta(weeks=locked.weeks_ahead)
        if starts_at.astimezone(ROME).date() > last_day:
            raise ValidationError(
                _("Appointments can be booked at most %(weeks)d weeks ahead.") % {"weeks": locked.weeks_ahead}
            )
        day = starts_at.astimezone(ROME).date()
        closed = closed_days(locked, day, day)
        if day in closed:
            raise ValidationError(
                _("The desk is closed on %(day)s (%(reason)s): choose another day.")
                % {"day": date_format(day, "l j F Y"), "reason": closed[day] or _("closure")}
            )
        if not selectors.is_offered(locked, starts_at):
            raise ValidationError(_("The desk does not give appointments at this time: choose one of the free times."))
        taken = set(
            Appointment.objects.filter(desk=locked, starts_at=starts_at, status__in=OCCUPYING).values_list(
                "seat", flat=True
            )
        )
        free = [s for s in range(1, locked.capacity_per_slot + 1) if s not in taken]
        if not free:
            raise ValidationError(_("This time has just been booked by someone else: choose another one."))
        appointment = Appointment(
            desk=locked,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=locked.slot_minutes),
            seat=free[0],
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            email=email.strip(),
            phone=phone.strip(),
            topic=topic,
            note=note.strip(),
            booked_at=now,
        )
        try:
            with transaction.atomic():
                object_save(instance=appointment, by=None, reason="booked")
        except IntegrityError:  # the constraint's last line of defence (a writer outside this lock)
            raise ValidationError(_("This time has just been booked by someone else: choose another one.")) from None
    message = EmailMessage(
        _("Appointment booked: %(desk)s, %(when)s") % {"desk": locked.name, "when": _when(appointment)},
        _(
            "Dear %(name)s,\n\nyour appointment at %(place)s is booked for %(when)s (Italian time).\n"
            "Topic: %(topic)s.\n\nTo see or cancel it: %(link)s\n\n%(contacts)s"
        )
        % {
            "name": appointment.citizen,
            "place": _desk_place(locked),
            "when": _when(appointment),
            "topic": Need(appointment.topic).label,
            "link": appointment_url(appointment, base_url),
            "contacts": " · ".join(filter(None, [locked.phone, locked.email])),
        },
        None,
        [appointment.email],
    )
    message.attach("appuntamento.ics", calendar_entry(appointment, base_url), "text/calendar")
    message.send()
    return appointment


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def calendar_entry(appointment: Appointment, base_url: str | None = None) -> str:
    """The appointment as an iCalendar event (RFC 5545), for the citizen's calendar."""
    desk = appointment.desk
    stamp = "%Y%m%dT%H%M%SZ"
    utc = dt.UTC
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Concilia//Sportelli Famiglia-Lavoro//IT",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{appointment.token}@concilia",
        f"DTSTAMP:{appointment.booked_at.astimezone(utc).strftime(stamp)}",
        f"DTSTART:{appointment.starts_at.astimezone(utc).strftime(stamp)}",
        f"DTEND:{appointment.ends_at.astimezone(utc).strftime(stamp)}",
        f"SUMMARY:{_ics_text(desk.name)}",
        f"LOCATION:{_ics_text(f'{desk.address}, {desk.municipality.name}')}",
        f"URL:{appointment_url(appointment, base_url)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"


def appointment_cancel(*, token: str, now: dt.datetime | None = None, base_url: str | None = None) -> Appointment:
    """The citizen cancels with the secret token of the booking; the place is free again at once."""
    now = now or clock.now()
    if not token:
        raise ValidationError(_("This booking does not exist."))
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().filter(token=token).first()
        if appointment is None:
            raise ValidationError(_("This booking does not exist."))
        if appointment.status == AppointmentStatus.CANCELLED:
            raise ValidationError(_("This appointment is already cancelled."))
        if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
            raise ValidationError(_("An appointment that has already started cannot be cancelled."))
        appointment.status = AppointmentStatus.CANCELLED
        appointment.cancelled_at = now
        object_save(instance=appointment, by=None, reason="cancelled by the citizen")
    send_mail(
        _("Appointment cancelled: %(desk)s, %(when)s") % {"desk": appointment.desk.name, "when": _when(appointment)},
        _("Dear %(name)s,\n\nyour appointment at %(place)s of %(when)s is cancelled.\nTo book another one: %(link)s")
        % {
            "name": appointment.citizen,
            "place": _desk_place(appointment.desk),
            "when": _when(appointment),
            "link": site_url(base_url) + appointment.desk.get_public_url(),
        },
        None,
        [appointment.email],
    )
    return appointment


# The statuses an operator may set, and from which.
OPERATOR_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AppointmentStatus.ATTENDED: (AppointmentStatus.BOOKED, AppointmentStatus.NO_SHOW),
    AppointmentStatus.NO_SHOW: (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED),
    AppointmentStatus.CANCELLED: (AppointmentStatus.BOOKED,),
}


def appointment_set_status(
    *, appointment: Appointment, status: str, by: Any, now: dt.datetime | None = None
) -> Appointment:
    """An operator of the desk records that the citizen came, did not come, or cancels for them."""
    now = now or clock.now()
    if not can(by, "change", appointment):
        raise PermissionDenied(_("You are not allowed to do this on this record."))
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        allowed = OPERATOR_TRANSITIONS.get(status)
        if allowed is None or appointment.status not in allowed:
            raise ValidationError(
                _("An appointment that is “%(status)s” cannot be changed this way.")
                % {"status": appointment.get_status_display()}
            )
        if status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW) and appointment.starts_at > now:
            raise ValidationError(_("The appointment has not started yet."))
        if status == AppointmentStatus.CANCELLED and appointment.starts_at <= now:
            raise ValidationError(_("An appointment that has already started cannot be cancelled."))
        appointment.status = status
        if status == AppointmentStatus.CANCELLED:
            appointment.cancelled_at = now
        object_save(instance=appointment, by=by, reason=f"status: {status}")
    return appointment


def case_initial_from_appointment(appointment: Appointment) -> dict[str, Any]:
    """The case form's values for an appointment: the desk, the citizen, the topic."""
    return {
        "desk": appointment.desk_id,
        "appointment": appointment.pk,
        "opened_on": timezone.localtime(appointment.starts_at, ROME).date().isoformat(),
        "channel": "appointment",
        "first_name": appointment.first_name,
        "last_name": appointment.last_name,
        "email": appointment.email,
        "phone": appointment.phone,
        "needs": appointment.topic,
        "description": appointment.note,
    }
