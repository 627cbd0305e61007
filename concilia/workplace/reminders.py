"""Daily reminders of the workplace app: a survey closes in two days.

The users of the owner organisation and the company HR of every invited organisation (those with an
e-mail address) are told once per survey, with the number of responses so far and, for the invited,
the page of their invitation, where they generate personal links (the invitation link alone accepts
no answers). ``Survey.reminder_sent_on`` records the sending, so a second call sends nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from concilia.accounts.choices import Role
from concilia.accounts.models import User
from concilia.workplace.choices import SurveyStatus
from concilia.workplace.models import Survey
from concilia.workplace.selectors import response_count

DAYS_BEFORE = 2


def _emails(organisation_id: int, *roles: str) -> list[str]:
    users = User.objects.filter(roles__organisation=organisation_id, roles__role__in=roles, is_active=True)
    return sorted({u.email for u in users if u.email})


def send_due(*, today: dt.date) -> int:
    """Send the closing reminders due on ``today``; returns how many e-mails were sent."""
    sent = 0
    due = Survey.objects.filter(
        status=SurveyStatus.OPEN,
        is_template=False,
        closes_on__gte=today,
        closes_on__lte=today + dt.timedelta(days=DAYS_BEFORE),
        reminder_sent_on__isnull=True,
    )
    base = settings.CONCILIA_SITE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        for survey in due.select_related("owner"):
            with transaction.atomic():
                locked = Survey.objects.select_for_update().get(pk=survey.pk)
                if locked.reminder_sent_on is not None:
                    continue
                subject = _("The survey “%(title)s” closes on %(date)s") % {
                    "title": survey.title,
                    "date": survey.closes_on.strftime("%d/%m/%Y") if survey.closes_on else "",
                }
                owners = _emails(survey.owner_id, Role.COMPANY_HR, Role.ALLIANCE_LEAD) if survey.owner_id else []
                if owners:
                    body = _("Responses so far: %(count)s.") % {"count": response_count(survey=survey)}
                    sent += send_mail(subject, body, None, owners)
                for invitation in survey.invitations.all():
                    recipients = _emails(invitation.organisation_id, Role.COMPANY_HR)
                    if not recipients:
                        continue
                    link = base + reverse("workplace:invitation_detail", args=[invitation.pk])
                    body = _(
                        "Remind your colleagues who received a personal link that they can still answer, "
                        "anonymously. More personal links can be generated at %(link)s"
                    ) % {"link": link}
                    sent += send_mail(subject, body, None, recipients)
                Survey.objects.filter(pk=survey.pk).update(reminder_sent_on=today)
    return sent
