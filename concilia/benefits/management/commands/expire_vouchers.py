"""``concilia expire_vouchers``: vouchers past their last day expire; their value goes down the ranking (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from concilia.benefits.services import vouchers_expire


class Command(BaseCommand):
    help = "Expire the vouchers past their last day and give their unspent value to the next families."

    def handle(self, *args: Any, **options: Any) -> None:
        done = vouchers_expire()
        self.stdout.write(f"{done} voucher(s) expired")
