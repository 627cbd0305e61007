"""``concilia send_reminders [--date YYYY-MM-DD]``: send the reminders due today (run it daily, e.g. from cron).

With Celery (``USE_CELERY=true``) the beat scheduler runs the same thing every morning instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from concilia.core.schedule import send_all


class Command(BaseCommand):
    help = "Send the reminders that are due (babysitter listings about to expire, help-desk follow-ups…)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Send as if today were this day (YYYY-MM-DD).")

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(_("Invalid date %(date)s: use YYYY-MM-DD.") % {"date": date}) from exc
        for label, sent in send_all(today=today).items():
            self.stdout.write(_("%(app)s: %(count)d reminders sent") % {"app": label, "count": sent})
