"""How a record's fields are shown on its detail page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from concilia.core.registry import detail_url
from concilia.core.sources import cite_lines, has_reference

HIDDEN = {"id", "created_at", "updated_at"}
# Amounts are stored in cents and shown in euro: the label's "(cents)" goes (either language).
CENTS_LABEL = re.compile(r"\s*\((?:cents|centesimi)\)$")


def euro(cents: int) -> str:
    """1234567 → “€ 12.345,67” (Italian separators, whatever the language: amounts are in euro)."""
    return f"€ {cents / 100:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def link(obj: Any) -> SafeString:
    url = detail_url(obj)
    return format_html('<a href="{}">{}</a>', url, obj) if url else format_html("{}", obj)


def field_value(obj: models.Model, field: models.Field | Any) -> Any:
    if field.many_to_many:
        items = list(getattr(obj, field.name).all())
        if not items:
            return "—"
        return format_html_join(", ", "{}", ((link(i),) for i in items))
    value = getattr(obj, field.name)
    if value is None and isinstance(field, models.BooleanField):
        return _("not indicated")  # a three-valued answer nobody gave is not a "No"
    if value is None or value == "" or value == []:
        return "—"
    custom = getattr(obj, f"get_{field.name}_display", None)
    if custom is not None:
        return custom()  # a choice's label, or a model's own display (e.g. a list of codes shown by name)
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.ForeignKey):
        return link(value)
    if isinstance(field, models.FileField):
        return format_html('<a href="{}">{}</a>', value.url, value.name.rsplit("/", 1)[-1]) if value else "—"
    if isinstance(field, models.URLField):
        return format_html('<a href="{}" rel="noopener">{}</a>', value, value)
    if isinstance(field, models.EmailField):
        return format_html('<a href="mailto:{}">{}</a>', value, value)
    if field.name.endswith("_cents") and isinstance(value, int):
        return euro(value)
    if isinstance(value, str) and has_reference(value):
        return cite_lines(value)  # a seed document as a citation, never its file name
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return localize(timezone.localtime(value))  # Europe/Rome, as every time on the site
    return localize(value)


URL = re.compile(r"https?://[^\s'\"<>()]+[^\s'\"<>().,;:]")


def source_links(text: str) -> SafeString:
    """The web sources named in a research note, as links (the note itself is for staff only)."""
    urls = list(dict.fromkeys(URL.findall(text or "")))
    if not urls:
        return format_html("{}", "—")
    items = ((u, u.split("/")[2].removeprefix("www.")) for u in urls)
    return format_html_join(", ", '<a href="{}" rel="noopener">{}</a>', items)


def sees_internal(user: Any, obj: models.Model) -> bool:
    """Whether ``user`` is staff for ``obj``: who may change it, a network coordinator or an administrator.

    Internal fields (research notes, coordinates, registry codes, publishing flags) are shown only to them.
    """
    from concilia.core.permissions import can, scope_of

    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or scope_of(user).coordinated_network_ids or can(user, "change", obj))


def object_fields(obj: models.Model, names: Sequence[str] | None = None) -> list[tuple[str, Any]]:
    """``(label, value)`` pairs for the detail page, in declaration order or as ``names`` lists."""
    opts = obj._meta
    if names is None:
        fields = [
            f
            for f in [*opts.concrete_fields, *opts.many_to_many]
            if f.name not in HIDDEN and not f.name.endswith("_ptr")
        ]
    else:
        fields = [opts.get_field(n) for n in names]  # type: ignore[misc]
    return [(CENTS_LABEL.sub("", str(f.verbose_name)).capitalize(), field_value(obj, f)) for f in fields]
