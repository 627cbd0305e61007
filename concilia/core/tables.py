"""Shared table columns."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


def detail_column(view_name: str, text: Any = None) -> tables.LinkColumn:
    """A link to a record's detail page, for rows whose own columns all link elsewhere."""
    return tables.LinkColumn(
        viewname=view_name,
        args=[tables.A("pk")],
        text=text or _("Details"),
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )
