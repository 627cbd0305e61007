from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "concilia.network"
    label = "network"
    verbose_name = _("Network register")

    def ready(self) -> None:
        from concilia.network import permissions, registers  # noqa: F401
