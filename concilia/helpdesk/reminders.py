"""Daily reminders of the help desks (called by ``concilia send_reminders`` and the Celery beat task).

- to the operator handling a case (or, if nobody is named, to the desk's e-mail) when its follow-up
  date has come and it has not been reminded yet;
- to the citizen, the day before a booked appointment, once.

Each reminder is recorded on its row (``follow_up_reminded_at``, ``reminder_sent_at``) in the same
transaction as it is sent, so a second call the same day sends nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from concilia.core import clock
from concilia.helpdesk import selectors, services
from concilia.helpdesk.models import Appointment, Case


def _follow_up(case: Case, now: dt.datetime) -> bool:
    recipient = (case.handled_by.email if case.handled_by else "") or case.desk.email
    if not recipient:
        return False
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.follow_up_reminded_at is not None:
            return False
        Case.objects.filter(pk=case.pk).update(follow_up_reminded_at=now)
        send_mail(
            _("Follow-up due: case of %(date)s at %(desk)s")
            % {"date": f"{case.opened_on:%d/%m/%Y}", "desk": case.desk.name},
            _("The case of %(date)s (needs: %(needs)s) is due for follow-up on %(follow)s.\n%(link)s")
            % {
                "date": f"{case.opened_on:%d/%m/%Y}",
                "needs": case.get_needs_display(),
                "follow": f"{case.follow_up_on:%d/%m/%Y}",
                "link": services.site_url() + reverse("helpdesk:case_detail", args=[case.pk]),
            },
            None,
            [recipient],
        )
    return True


def _appointment(appointment: Appointment, now: dt.datetime) -> bool:
    with transaction.atomic():
        locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if locked.reminder_sent_at is not None:
            return False
        Appointment.objects.filter(pk=appointment.pk).update(reminder_sent_at=now)
        when = timezone.localtime(appointment.starts_at, selectors.ROME).strftime("%d/%m/%Y %H:%M")
        send_mail(
            _("Reminder: your appointment tomorrow at %(desk)s") % {"desk": appointment.desk.name},
            _(
                "Dear %(name)s,\n\nwe remind you of your appointment at %(place)s on %(when)s (Italian time).\n"
                "If you cannot come, please cancel it: %(link)s"
            )
            % {
                "name": appointment.citizen,
                "place": f"{appointment.desk.name}, {appointment.desk.address}, {appointment.desk.municipality.name}",
                "when": when,
                "link": services.cancel_url(appointment),
            },
            None,
            [appointment.email],
        )
    return True


def send_due(*, today: dt.date) -> int:
    """Send the reminders due on ``today``; return how many were sent (0 on a second call)."""
    now = clock.now()
    sent = 0
    for case in selectors.follow_ups_due(today=today):
        sent += _follow_up(case, now)
    for appointment in selectors.appointments_tomorrow(today=today):
        sent += _appointment(appointment, now)
    return sent
