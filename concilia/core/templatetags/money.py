"""``{% load money %}``: ``{{ amount_cents|euro }}`` shows integer cents as “€ 12.345,67”."""

from __future__ import annotations

from django import template

from concilia.core.display import euro as _euro

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    """Integer cents as euros with Italian separators; nothing known, “—”."""
    if cents is None or cents == "":
        return "—"
    return _euro(int(cents))
