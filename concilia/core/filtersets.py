"""FilterSet base: the same filters for the list page, the REST API and the exports."""

from __future__ import annotations

import operator
from collections.abc import Callable
from functools import reduce
from typing import Any, ClassVar

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from concilia.core.forms import MoneyField
from concilia.core.permissions import restrict


def visible(model: type[Any], *related: str) -> Callable[[Any], QuerySet]:
    """Choices of a filter: only the records the user may see (a proposal's title is not public).

    ``related`` are what the choices' labels read, fetched with them.
    """

    def queryset(request: Any) -> QuerySet:
        qs = model._default_manager.select_related(*related) if related else model._default_manager.all()
        return restrict(qs, getattr(request, "user", None), "view")

    return queryset


class MoneyFilter(django_filters.NumberFilter):
    """An amount filter typed in euros like the forms (``45,00``), compared with the ``*_cents`` field."""

    field_class = MoneyField


class BaseFilterSet(django_filters.FilterSet):
    """Adds ``q``: full-text search, every word must match one of ``search_fields``."""

    search_fields: ClassVar[tuple[str, ...]] = ()

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        words = [w for w in value.split() if w][:10]
        if not words or not self.search_fields:
            return queryset
        for word in words:
            queryset = queryset.filter(
                reduce(operator.or_, (Q(**{f"{f}__icontains": word}) for f in self.search_fields))
            )
        return queryset

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.form.fields.values():
            name = f.widget.__class__.__name__
            css = "form-select" if "Select" in name else "form-control"
            f.widget.attrs.setdefault("class", css)
            if name == "SelectMultiple":
                f.widget.attrs.setdefault("size", 5)
            if name == "NullBooleanSelect":  # "Unknown" reads as a value: the empty choice means any
                f.widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]
