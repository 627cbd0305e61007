from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "concilia.registry"
    label = "registry"
    verbose_name = _("Babysitter registry")

    def ready(self) -> None:
        import importlib

        # Permissions and registers are declared in their own modules; both are optional while the app grows.
        for module in ("permissions", "registers"):
            try:
                importlib.import_module(f"concilia.registry.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"concilia.registry.{module}":
                    raise
