"""Notifications: a message in each person's area, e-mailed once the transaction commits, many through one connection."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from concilia.core.models import Notification
from concilia.core.notifications import Message, notify, notify_many
from concilia.core.testing import factories as f

pytestmark = pytest.mark.django_db


class RefusingBackend(EmailBackend):
    """The in-memory backend, refusing the addresses that start with ``rifiuta``; counts the connections opened."""

    opened = 0

    def open(self) -> bool:
        RefusingBackend.opened += 1
        return True

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        if any(to.startswith("rifiuta") for m in messages for to in m.to):
            raise ConnectionRefusedError("the server refused the recipient")
        return super().send_messages(messages)


def test_many_messages_one_connection_and_a_refused_one_stays_in_the_area(
    settings: Any, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = "concilia.core.tests.test_notifications.RefusingBackend"
    RefusingBackend.opened = 0
    people = [f.UserFactory(username=f"persona{i}", email=f"persona{i}@example.org") for i in range(5)]
    people += [f.UserFactory(username="rifiutata", email="rifiuta@example.org"), f.UserFactory(username="senza")]
    with caplog.at_level(logging.ERROR, logger="concilia.core.notifications"):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            made = notify_many(
                [
                    Message(user=p, subject=f"Graduatoria di “{p.username}”", body="Pubblicata.", link="/x/")
                    for p in people
                ]
            )
            assert not mail.outbox  # nothing before the commit
    assert [n.user for n in made] == people and all(n.pk for n in made)
    assert sorted(m.to[0] for m in mail.outbox) == [f"persona{i}@example.org" for i in range(5)]
    assert mail.outbox[0].subject == "Graduatoria di “persona0”" and mail.outbox[0].body.endswith("/x/\n")
    emailed = set(Notification.objects.filter(emailed=True).values_list("user__username", flat=True))
    assert emailed == {f"persona{i}" for i in range(5)}  # the refused one and the one without an address stay unsent
    assert Notification.objects.count() == 7
    assert RefusingBackend.opened == 2  # one for all; the refusal is tried once more on a new connection
    assert any("not e-mailed" in r.getMessage() for r in caplog.records)


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    person = f.UserFactory(username="persona", email="persona@example.org")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(user=person, subject="Oggetto", body="Testo")
        raise RuntimeError("refused")
    assert not mail.outbox and not Notification.objects.exists()


def test_the_emails_go_through_a_celery_task_whose_payload_survives_json(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Celery sends task arguments as JSON: the messages (with a PDF attachment) must come out the same."""
    from kombu.serialization import dumps, loads

    from concilia.core import notifications, tasks

    batches: list[Any] = []

    def delay(payload: Any) -> Any:  # what the broker would carry, through Celery's own serializer
        content_type, encoding, data = dumps(payload, serializer="json")
        batches.append(loads(data, content_type, encoding))
        return tasks.send_notifications.apply(args=[batches[-1]]).get()

    monkeypatch.setattr(tasks.send_notifications, "delay", delay)
    monkeypatch.setattr(notifications, "TASK_BATCH", 2)
    people = [f.UserFactory(username=f"p{i}", email=f"p{i}@example.org") for i in range(3)]
    pdf = b"%PDF-1.7\n\x00\xff binary"
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_many(
            [
                Message(
                    user=p, subject="Ricevuta", body="In allegato.", attachments=(("r.pdf", pdf, "application/pdf"),)
                )
                for p in people
            ]
        )
    assert [len(b) for b in batches] == [2, 1]  # two tasks: batches of TASK_BATCH
    assert sorted(m.to[0] for m in mail.outbox) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert all(m.attachments == [("r.pdf", pdf, "application/pdf")] for m in mail.outbox)
    assert Notification.objects.filter(emailed=True).count() == 3
