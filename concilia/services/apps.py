from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "concilia.services"
    label = "services"
    verbose_name = _("Services catalogue")

    def ready(self) -> None:
        from concilia.services import permissions, registers  # noqa: F401
        from concilia.services.search_index import connect_signals

        connect_signals()
