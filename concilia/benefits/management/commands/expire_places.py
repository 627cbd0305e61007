"""``concilia expire_places``: places not answered in time expire and go to the next families (cron, without Celery)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from concilia.benefits.services import places_expire


class Command(BaseCommand):
    help = "Expire the places offered and not answered in time; offer the freed seats to the next families."

    def handle(self, *args: Any, **options: Any) -> None:
        done = places_expire()
        self.stdout.write(f"{done} place(s) expired")
