"""``concilia close_calls``: closing day of every family call past its deadline (cron, without Celery)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from concilia.benefits.services import close_due_calls


class Command(BaseCommand):
    help = "Close every family call whose deadline has passed and compute its provisional ranking."

    def handle(self, *args: Any, **options: Any) -> None:
        done = close_due_calls()
        self.stdout.write(f"{done} call(s) closed and ranked")
