from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "concilia.territory"
    label = "territory"
    verbose_name = _("Territory")

    def ready(self) -> None:
        from concilia.territory import permissions, registers  # noqa: F401
