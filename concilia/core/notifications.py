"""Telling people that something of theirs changed: a message in their area, and the same by e-mail.

:func:`notify` records a :class:`~concilia.core.models.Notification` in the caller's transaction and
sends the e-mail once that transaction commits (so a refused change sends nothing). The e-mail goes
through Django's backend: the console in development, SMTP in production (``EMAIL_*`` settings).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from concilia.core import clock
from concilia.core.models import Notification

log = logging.getLogger(__name__)


def notify(
    *, user: Any, subject: str, body: str, link: str = "", attachments: Iterable[tuple[str, bytes, str]] = ()
) -> Notification:
    """Record a message for ``user`` and e-mail it (with ``attachments``: name, content, type) on commit."""
    notification = Notification.objects.create(user=user, at=clock.now(), subject=subject[:200], body=body, link=link)
    files = list(attachments)
    address = getattr(user, "email", "")

    def send() -> None:
        if not address:
            return
        url = f"{settings.CONCILIA_SITE_URL.rstrip('/')}{link}" if link else ""
        message = EmailMessage(subject=subject, body=f"{body}\n\n{url}".strip() + "\n", to=[address])
        for name, content, mimetype in files:
            message.attach(name, content, mimetype)
        try:
            message.send()
        except OSError:  # the message stays in the area; the mail server's failure is logged, not the family's
            log.exception("notification %s not e-mailed", notification.pk)
            return
        Notification.objects.filter(pk=notification.pk).update(emailed=True)

    transaction.on_commit(send)
    return notification
