"""``concilia load_demo [--force]``: load the demo data set built from the seed documents.

Each app contributes one loader function, run in order; later issues append theirs to ``LOADERS``.
A loader takes ``force`` (reload even when its source is unchanged) and returns an object whose
``str()`` is one line of report.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.management.base import BaseCommand, CommandParser

from concilia.accounts import demo as accounts_demo
from concilia.benefits import demo as benefits_demo
from concilia.citizens import demo as citizens_demo
from concilia.helpdesk import demo as helpdesk_demo
from concilia.network import demo as network_demo
from concilia.programming import demo as programming_demo
from concilia.registry import demo as registry_demo
from concilia.services import demo as services_demo
from concilia.workplace import demo as workplace_demo


class Loader(Protocol):
    def __call__(self, *, force: bool = ...) -> Any: ...


# Order matters: a loader may rely on what the previous ones loaded (the territory comes first,
# from `concilia load_territory`).
LOADERS: list[Loader] = [
    network_demo.load,
    accounts_demo.load,
    services_demo.load,
    programming_demo.load,
    registry_demo.load,
    helpdesk_demo.load,
    workplace_demo.load,
    citizens_demo.load,
    benefits_demo.load,
]


class Command(BaseCommand):
    help = "Load the demo data (networks, agreements, memberships, alliances…) built from the seed documents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Reload even the sources whose checksum has not changed."
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if force:  # the example families refer to the catalogue's offers and the plans: they go first, and come back
            self.stdout.write(str(benefits_demo.unload()))
        for loader in LOADERS:
            result = loader(force=force)
            self.stdout.write(str(result))
