"""Template filters of the families' pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``mapping[key]`` (``None`` when missing)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def yesno_or(value: Any, _default: Any = None) -> Any:
    """A declared value as the staff read it: yes/no for booleans, a dash when missing, else the value."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value
