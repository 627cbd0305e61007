from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "concilia.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from concilia.core.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="concilia.stamp_login")
