"""Retention of what logins leave behind (see :mod:`concilia.core.privacy`).

django-axes records failed attempts (with the user name tried and the address) and successful logins:
both are removed ``login_attempts`` days later. The throttles' counters (addresses hashed) are removed
once their window has ended.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils import timezone

from concilia.core import clock, privacy
from concilia.core.throttling import DatabaseCounter


def apply_retention(*, today: dt.date) -> dict[str, int]:
    before = timezone.make_aware(dt.datetime.combine(privacy.cutoff("login_attempts", today), dt.time.min))
    removed = sum(
        model.objects.filter(attempt_time__lt=before).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )
    return {"login_records": removed, "rate_counters": DatabaseCounter().purge(clock.now())}
