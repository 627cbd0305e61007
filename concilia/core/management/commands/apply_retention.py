"""``concilia apply_retention [--date YYYY-MM-DD]``: anonymise the personal data past its retention (run it daily).

With Celery (``USE_CELERY=true``) the beat scheduler runs the same thing every night instead. The
periods are ``settings.CONCILIA_RETENTION_DAYS``; see :mod:`concilia.core.privacy`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from concilia.core.privacy import apply_retention


class Command(BaseCommand):
    help = "Anonymise the personal data past its retention period (appointments, cases, applications, codes, logins)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Apply as if today were this day (YYYY-MM-DD).")

    def handle(self, *args: Any, date: str | None = None, **options: Any) -> None:
        today = None
        if date:
            try:
                today = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(_("Invalid date %(date)s: use YYYY-MM-DD.") % {"date": date}) from exc
        for kind, count in apply_retention(today=today).items():
            self.stdout.write(f"{kind}: {count}")
