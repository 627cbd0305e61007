"""Telling people that something of theirs changed: a message in their area, and the same by e-mail.

:func:`notify` records a :class:`~concilia.core.models.Notification` in the caller's transaction and
hands the e-mail to a Celery task once that transaction commits (so a refused change sends nothing, and
the request that published a ranking does not wait for thousands of e-mails: a worker sends them; in the
embedded default, without Celery, the task runs in-process). The e-mail goes through Django's backend:
the console in development, SMTP in production (``EMAIL_*`` settings).
:func:`notify_many` does the same for many people at once (a published ranking tells every family):
the messages are inserted together and the e-mails go through one connection to the mail server.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from concilia.core import clock
from concilia.core.models import Notification

log = logging.getLogger(__name__)

BATCH = 1000  # messages per insert, and notifications marked e-mailed per update
TASK_BATCH = 500  # e-mails per Celery task


@dataclass(frozen=True)
class Message:
    """One message to ``user``; ``attachments`` are (name, content, type)."""

    user: Any
    subject: str
    body: str
    link: str = ""
    attachments: tuple[tuple[str, bytes, str], ...] = ()


def notify(
    *, user: Any, subject: str, body: str, link: str = "", attachments: Iterable[tuple[str, bytes, str]] = ()
) -> Notification:
    """Record a message for ``user`` and e-mail it (with ``attachments``: name, content, type) on commit."""
    return notify_many([Message(user=user, subject=subject, body=body, link=link, attachments=tuple(attachments))])[0]


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """Record every message (one insert per :data:`BATCH`) and e-mail them, through one connection, on commit."""
    items = list(messages)
    notifications = Notification.objects.bulk_create(
        [Notification(user=m.user, at=clock.now(), subject=m.subject[:200], body=m.body, link=m.link) for m in items],
        batch_size=BATCH,
    )
    outgoing = [
        (notification.pk, m, address)
        for notification, m in zip(notifications, items, strict=True)
        if (address := getattr(m.user, "email", ""))
    ]
    for start in range(0, len(outgoing), TASK_BATCH):
        payload = [_payload(pk, m, address) for pk, m, address in outgoing[start : start + TASK_BATCH]]
        transaction.on_commit(lambda payload=payload: _enqueue(payload))  # type: ignore[misc]
    return notifications


def _payload(pk: int, message: Message, address: str) -> dict[str, Any]:
    """What the task needs to send one e-mail, in JSON (attachments as base64)."""
    return {
        "pk": pk,
        "to": address,
        "subject": message.subject,
        "body": message.body,
        "link": message.link,
        "attachments": [
            [name, base64.b64encode(content).decode(), kind] for name, content, kind in message.attachments
        ],
    }


def _enqueue(payload: list[dict[str, Any]]) -> None:
    from concilia.core.tasks import send_notifications

    send_notifications.delay(payload)


def send_payload(payload: Sequence[dict[str, Any]]) -> int:
    """Send the e-mails of :func:`_payload` (the Celery task's body); the number sent."""
    outgoing = [
        (
            item["pk"],
            Message(
                user=None,
                subject=item["subject"],
                body=item["body"],
                link=item["link"],
                attachments=tuple((n, base64.b64decode(c), k) for n, c, k in item["attachments"]),
            ),
            item["to"],
        )
        for item in payload
    ]
    return _send(outgoing)


def _email(message: Message, address: str) -> EmailMessage:
    url = f"{settings.CONCILIA_SITE_URL.rstrip('/')}{message.link}" if message.link else ""
    email = EmailMessage(subject=message.subject, body=f"{message.body}\n\n{url}".strip() + "\n", to=[address])
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    return email


def _close(connection: Any) -> None:
    if connection is not None:
        try:
            connection.close()
        except OSError:
            log.warning("the connection to the mail server did not close cleanly", exc_info=True)


def _send(outgoing: Sequence[tuple[int, Message, str]]) -> int:
    """E-mail each message through one connection; mark those sent. A failure is logged, not the family's.

    A message refused on a connection that already carried others is tried once more on a new one (the
    server may limit the messages per connection, or have dropped an idle one).
    """
    sent: list[int] = []
    connection: Any = None
    carried = 0  # messages sent through the open connection
    try:
        for pk, message, address in outgoing:
            email = _email(message, address)
            while True:
                try:
                    if connection is None:
                        connection, carried = get_connection(), 0
                        connection.open()
                    connection.send_messages([email])
                except OSError:  # the message stays in the area; the mail server's failure is logged
                    retry = carried > 0
                    _close(connection)
                    connection = None
                    if retry:
                        continue
                    log.exception("notification %s not e-mailed", pk)
                    break
                carried += 1
                sent.append(pk)
                break
    finally:
        _close(connection)
        for start in range(0, len(sent), BATCH):
            Notification.objects.filter(pk__in=sent[start : start + BATCH]).update(emailed=True)
    return len(sent)
