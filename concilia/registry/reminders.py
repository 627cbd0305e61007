"""Daily reminders of the babysitter registry (called by ``concilia send_reminders``)."""

from __future__ import annotations

import datetime

from concilia.registry import services


def send_due(*, today: datetime.date) -> int:
    """Expire the listings past their date, then remind those expiring soon (once per listing period).

    Returns how many reminders were sent; a second call on the same day sends nothing.
    """
    services.expire_due(today=today)
    return services.send_expiry_reminders(today=today)
