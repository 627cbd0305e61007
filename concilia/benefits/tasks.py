"""Celery tasks of the families' side (run in-process when ``USE_CELERY`` is off)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="concilia.close_due_calls")
def close_due_calls() -> int:
    """Closing day of every family call whose deadline has passed (the beat runs it every few minutes)."""
    from concilia.benefits.services import close_due_calls as close

    return close()


@shared_task(name="concilia.close_call")
def close_call(call_id: int, user_id: int | None = None) -> int:
    """Closing day of one call, asked by a coordinator (a worker runs it; the page shows its progress)."""
    from concilia.accounts.models import User
    from concilia.benefits.services import closing_day
    from concilia.programming.models import Call

    by = User.objects.get(pk=user_id) if user_id is not None else None
    return closing_day(call=Call.objects.get(pk=call_id), by=by).pk


@shared_task(name="concilia.expire_places")
def expire_places() -> int:
    """Places not answered in time expire and go to the next families (the beat runs it every few minutes)."""
    from concilia.benefits.services import places_expire

    return places_expire()


@shared_task(name="concilia.expire_vouchers")
def expire_vouchers() -> int:
    """Vouchers past their last day expire; their value goes down the ranking (the beat runs it nightly)."""
    from concilia.benefits.services import vouchers_expire

    return vouchers_expire()
