"""Retention of citizens' registrations that were never confirmed (see :mod:`concilia.core.privacy`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from concilia.accounts.models import User
from concilia.core import privacy


def apply_retention(*, today: dt.date) -> dict[str, int]:
    """Delete the accounts registered with an e-mail address that was not confirmed within the retention."""
    before = timezone.make_aware(dt.datetime.combine(privacy.cutoff("citizen_unverified", today), dt.time.min))
    stale = User.objects.filter(
        citizen__isnull=False,
        citizen__email_verified_at__isnull=True,
        is_active=False,
        last_login__isnull=True,
        identities__isnull=True,
        date_joined__lt=before,
    )
    count = 0
    for user in stale:
        user.delete()
        count += 1
    return {"unconfirmed_registrations": count}
