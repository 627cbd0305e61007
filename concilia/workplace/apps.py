from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplaceConfig(AppConfig):
    name = "concilia.workplace"
    label = "workplace"
    verbose_name = _("Work–life measures and surveys")

    def ready(self) -> None:
        import importlib

        # Permissions and registers are declared in their own modules; both are optional while the app grows.
        for module in ("permissions", "registers"):
            try:
                importlib.import_module(f"concilia.workplace.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"concilia.workplace.{module}":
                    raise
