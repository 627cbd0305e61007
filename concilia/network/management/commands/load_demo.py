"""``concilia load_demo [--force] [--only APP ...]``: load the demo data set built from the seed documents.

Each app contributes one loader function, run in order; later issues append theirs to ``LOADERS``.
A loader takes ``force`` (reload even when its source is unchanged) and returns an object whose
``str()`` is one line of report. ``--only`` runs the loaders of the apps named (in the usual order:
those they build on must be loaded already), e.g. ``--only services`` to reload the catalogue's demo.
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
# from `concilia load_territory`). Each loader's app is the module's package (``concilia.<app>.demo``).
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


#: The apps whose forced reload may replace what the example families' applications refer to.
RELOADED_UNDER_THE_FAMILIES = frozenset({"services", "programming", "benefits"})


def app_of(loader: Loader) -> str:
    return loader.__module__.split(".")[1]


class Command(BaseCommand):
    help = "Load the demo data (networks, agreements, memberships, alliances…) built from the seed documents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Reload even the sources whose checksum has not changed."
        )
        parser.add_argument(
            "--only",
            nargs="+",
            choices=[app_of(loader) for loader in LOADERS],
            metavar="APP",
            help="Run only these apps' loaders: " + ", ".join(app_of(loader) for loader in LOADERS) + ".",
        )

    def handle(self, *args: Any, force: bool = False, only: list[str] | None = None, **options: Any) -> None:
        chosen = [loader for loader in LOADERS if only is None or app_of(loader) in only]
        apps = {app_of(loader) for loader in chosen}
        if force and apps & RELOADED_UNDER_THE_FAMILIES and (benefits_demo.load in chosen or benefits_demo.present()):
            # the example families refer to the catalogue's offers and the plans: they go first, and come back
            self.stdout.write(str(benefits_demo.unload()))
            if benefits_demo.load not in chosen:
                chosen.append(benefits_demo.load)
        for loader in chosen:
            result = loader(force=force)
            self.stdout.write(str(result))
