from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "concilia.benefits"
    label = "benefits"
    verbose_name = _("Families")

    def ready(self) -> None:
        from concilia.benefits import permissions  # noqa: F401  (registers the policies)
