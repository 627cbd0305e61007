from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "concilia.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        import concilia.celery  # noqa: F401  (binds @shared_task to the project's Celery app)
        import concilia.core.registers  # noqa: F401  (the register of reads of sensitive data)
        import concilia.core.tables  # noqa: F401  (registers the date column before any table is defined)
        from concilia.core import privacy

        privacy.connect()  # deleting a record with personal fields blanks them in its history
