"""``concilia setup``: migrate, load the territory and the demo data, in one process.

What ``make run`` does before serving; each step is idempotent and skips unchanged sources, so a
second run takes about as long as starting Django once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Migrate the database, load the territory and the demo data (each step skipped when up to date)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo data.")

    def handle(self, *args: Any, no_demo: bool = False, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=1, stdout=self.stdout)
        call_command("load_territory", stdout=self.stdout)
        if not no_demo:
            call_command("load_demo", stdout=self.stdout)
        mim_dir = Path(settings.CONCILIA_MIM_DIR)
        if mim_dir.is_dir():
            call_command("import_schools", stdout=self.stdout)
        else:
            self.stdout.write(
                self.style.WARNING(
                    _("Ministry school registry not found in %(path)s: schools not imported (see CONCILIA_MIM_DIR).")
                    % {"path": mim_dir}
                )
            )
