from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammingConfig(AppConfig):
    name = "concilia.programming"
    label = "programming"
    verbose_name = _("Plans, calls and projects")

    def ready(self) -> None:
        import importlib

        # Permissions and registers are declared in their own modules; both are optional while the app grows.
        for module in ("permissions", "registers"):
            try:
                importlib.import_module(f"concilia.programming.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"concilia.programming.{module}":
                    raise
