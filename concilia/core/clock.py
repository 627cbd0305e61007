"""The one clock: every read of the current time, in the code and in the tests, goes through here.

``now()`` is the current instant (timezone-aware, UTC); ``today()`` is today's date in Europe/Rome
(``TIME_ZONE``), which is the date that deadlines, validity and "today" on a page mean. Nothing else
reads the system clock: ruff's banned-API rule (TID251, in ``pyproject.toml``) refuses
``timezone.now()``, ``date.today()`` and ``datetime.now()`` outside this module, so a test that moves
this clock (``time-machine``, see ``conftest.py``) moves every part of the application with it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant, timezone-aware."""
    return timezone.now()  # noqa: TID251 - the one place that reads the system clock


def today() -> dt.date:
    """Today's date in the site's time zone (Europe/Rome), not in UTC."""
    return timezone.localtime(now()).date()


def localnow() -> dt.datetime:
    """The current instant in the site's time zone."""
    return timezone.localtime(now())
