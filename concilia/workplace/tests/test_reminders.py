"""Closing reminders: sent once to the owner's users and the invited companies' HR (with their invitation's page)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail

from concilia.workplace import reminders


def test_closing_reminders_are_sent_once(world: Any, place: Any) -> None:
    world.lead.email = "capofila@example.org"
    world.lead.save()
    place.hr.email = "hr@example.org"
    place.hr.save()
    today = dt.date(2026, 5, 10)
    place.survey.closes_on = dt.date(2026, 5, 20)
    place.survey.save()
    assert reminders.send_due(today=today) == 0
    place.survey.closes_on = dt.date(2026, 5, 12)
    place.survey.save()
    assert reminders.send_due(today=today) == 2
    recipients = sorted(r for m in mail.outbox for r in m.to)
    assert recipients == ["capofila@example.org", "hr@example.org"]
    hr_body = next(m.body for m in mail.outbox if m.to == ["hr@example.org"])
    # the invitation's page, where personal links are generated; not the link, which accepts no answers
    assert f"/aziende/inviti/{place.invitation.pk}/" in hr_body and place.invitation.token not in hr_body
    assert reminders.send_due(today=today) == 0
    assert len(mail.outbox) == 2
