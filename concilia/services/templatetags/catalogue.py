"""Template filters of the catalogue pages."""

from __future__ import annotations

from django import template

from concilia.services.tables import euro as _euro

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    """1234 → “€ 12,34” (Italian separators)."""
    return _euro(cents)
