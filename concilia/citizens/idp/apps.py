from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from oidc_provider.apps import OIDCProviderConfig as BaseOIDCProviderConfig


class LocalProviderConfig(AppConfig):
    name = "concilia.citizens.idp"
    label = "citizens_idp"
    default = True
    verbose_name = _("Local identity provider (demo)")


class OIDCProviderConfig(BaseOIDCProviderConfig):
    """django-oidc-provider with the primary keys its migrations made (it names no ``default_auto_field``,
    and the project's ``BigAutoField`` would ask for a migration of the library's tables)."""

    default = False
    default_auto_field = "django.db.models.AutoField"
