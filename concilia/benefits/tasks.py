"""Celery tasks of the families' side (run in-process when ``USE_CELERY`` is off)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="concilia.close_due_calls")
def close_due_calls() -> int:
    """Closing day of every family call whose deadline has passed (the beat runs it every few minutes)."""
    from concilia.benefits.services import close_due_calls as close

    return close()
