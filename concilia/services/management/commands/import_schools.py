"""``concilia import_schools``: the Lombardy paritarie scuole dell'infanzia from the Ministry's school registry."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from concilia.services.importers import ENROLMENT_FILE, REGISTRY_FILE, SchoolImportError, schools_import

_SUCCESSOR = re.compile(r"^([A-Z]\d{3})=([A-Z]\d{3})$")


def _successor(value: str) -> tuple[str, str]:
    match = _SUCCESSOR.match(value.strip().upper())
    if match is None:
        raise CommandError(_("%(value)r is not OLD=NEW with two cadastral codes (e.g. H521=M435).") % {"value": value})
    return match[1], match[2]


class Command(BaseCommand):
    help = (
        f"Import the paritarie scuole dell'infanzia of Lombardy from the Ministry of Education's registry "
        f"({REGISTRY_FILE}, with the pupils of {ENROLMENT_FILE} as places): providers, parity and services. "
        "Idempotent; rows whose municipality no longer exists are reported, in the output and in a CSV file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            type=Path,
            metavar="PATH",
            help="The folder with the Ministry's files (default: the CONCILIA_MIM_DIR setting).",
        )
        parser.add_argument(
            "--successor",
            type=_successor,
            action="append",
            default=[],
            metavar="OLD=NEW",
            help="Import the schools of a municipality that no longer exists (cadastral code OLD) under its "
            "successor (cadastral code NEW); may be repeated.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["dir"] or Path(settings.CONCILIA_MIM_DIR)
        try:
            result = schools_import(directory=directory, successors=dict(options["successor"]))
        except SchoolImportError as exc:
            raise CommandError(str(exc)) from exc
        for row in result.moved:
            self.stdout.write(
                _("%(code)s %(name)s (%(municipality)s, %(cadastral)s): moved to successor %(successor)s. %(reason)s")
                % {
                    "code": row.code,
                    "name": row.name,
                    "municipality": row.municipality_name,
                    "cadastral": row.cadastral_code,
                    "successor": row.successor,
                    "reason": row.reason,
                }
            )
        for row in result.not_imported:
            self.stdout.write(
                self.style.WARNING(
                    _("%(code)s %(name)s (%(municipality)s, %(cadastral)s): not imported. %(reason)s")
                    % {
                        "code": row.code,
                        "name": row.name,
                        "municipality": row.municipality_name,
                        "cadastral": row.cadastral_code,
                        "reason": row.reason,
                    }
                )
            )
        if result.values_left_out:
            self.stdout.write(
                _("%(count)s invalid e-mail, PEC or website values were left out (listed in the report).")
                % {"count": len(result.values_left_out)}
            )
        if result.without_capacity:
            self.stdout.write(
                _("%(count)s schools have no pupils in the 2024/25 figures: no places given.")
                % {"count": result.without_capacity}
            )
        self.stdout.write(
            _(
                "Schools: %(read)s rows read, %(selected)s selected; %(imported)s imported, %(updated)s updated, "
                "%(unchanged)s unchanged, %(reported)s reported (%(moved)s moved to successor, %(not_imported)s "
                "not imported)."
            )
            % {
                "read": result.rows_read,
                "selected": result.selected,
                "imported": result.imported,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "reported": len(result.moved) + len(result.not_imported),
                "moved": len(result.moved),
                "not_imported": len(result.not_imported),
            }
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Report: %(path)s. Schools imported in %(seconds).1f s.")
                % {"path": result.report_path, "seconds": result.seconds}
            )
        )
