"""``{% load citizens %}``: whether the login through SPID and CIE is on (read at each page, as the settings are)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def oidc_enabled() -> bool:
    return bool(getattr(settings, "USE_OIDC", False))
