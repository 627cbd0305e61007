"""Celery tasks of the core app (run in-process when ``USE_CELERY`` is off)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from concilia.core.schedule import send_all


@shared_task(name="concilia.send_reminders")
def send_reminders() -> dict[str, int]:
    """The daily reminders of every app (babysitter listings about to expire, help-desk follow-ups…)."""
    return send_all()


@shared_task(name="concilia.apply_retention")
def apply_retention() -> dict[str, int]:
    """The nightly retention of personal data (concilia.core.privacy)."""
    from concilia.core.privacy import apply_retention as apply

    return apply()


@shared_task(name="concilia.send_notifications")
def send_notifications(payload: list[dict[str, Any]]) -> int:
    """E-mail a batch of notifications (concilia.core.notifications): the number sent."""
    from concilia.core.notifications import send_payload

    return send_payload(payload)
