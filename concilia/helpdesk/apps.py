from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "concilia.helpdesk"
    label = "helpdesk"
    verbose_name = _("Family–work help desks")

    def ready(self) -> None:
        import importlib

        # Permissions and registers are declared in their own modules; both are optional while the app grows.
        for module in ("permissions", "registers"):
            try:
                importlib.import_module(f"concilia.helpdesk.{module}")
            except ModuleNotFoundError as exc:
                if exc.name != f"concilia.helpdesk.{module}":
                    raise
