from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "concilia.citizens"
    label = "citizens"
    verbose_name = _("Citizens")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from concilia.citizens.services import mark_citizen_session

        user_logged_in.connect(mark_citizen_session, dispatch_uid="concilia.citizens.mark_session")
