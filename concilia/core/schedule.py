"""Scheduled reminders: every app that sends some has ``reminders.send_due(*, today) -> int``.

``concilia send_reminders`` (cron) and the Celery beat task :func:`concilia.core.tasks.send_reminders`
both call :func:`send_all`. Each app's ``send_due`` records what it has sent, so running it twice on the
same day sends nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps

from concilia.core import clock


def senders() -> list[tuple[str, object]]:
    """``(app label, send_due)`` of every installed app with a ``reminders`` module, in app order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("concilia."):
            continue
        module_name = f"{config.name}.reminders"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        send_due = getattr(module, "send_due", None)
        if callable(send_due):
            found.append((config.label, send_due))
    return found


def send_all(*, today: dt.date | None = None) -> dict[str, int]:
    """Send every app's due reminders; how many each app sent."""
    today = today or clock.today()
    return {label: send_due(today=today) for label, send_due in senders()}  # type: ignore[operator]
