"""The register of registers: one declaration per model gives it its five faces.

A :class:`Register` names a model's filterset, table, form, serializer and (optionally) import
resource; from it come the list (with filters, search and CSV/XLSX export), detail (with related
records and "Cronologia"), create/edit/delete pages, the import page and the REST viewset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, URLPattern, path, reverse

from concilia.core.permissions import can
from concilia.core.writers import Writer

if TYPE_CHECKING:
    import django_filters
    import django_tables2
    from django import forms
    from import_export.resources import ModelResource
    from rest_framework import serializers


@dataclass
class Related:
    """A table of related records shown on a detail page."""

    title: Any
    queryset: Callable[[Any], models.QuerySet]
    table: type[django_tables2.Table]
    add_url: Callable[[Any], str] | None = None
    #: The filters of the related records' own register that select them (``{"service": obj.pk}``): the
    #: detail page then links the register's list so narrowed, with its filters and CSV/XLSX exports.
    filters: Callable[[Any], dict[str, Any]] | None = None


@dataclass
class Action:
    """An extra per-object action shown as a button on the detail page (e.g. "merge")."""

    label: Any
    url_name: str
    permission: str = "change"
    style: str = "outline-primary"


@dataclass
class Register:
    model: type[models.Model]
    slug: str
    filterset: type[django_filters.FilterSet]
    table: type[django_tables2.Table]
    serializer: type[serializers.ModelSerializer]
    form: type[forms.ModelForm] | None = None
    select_related: Sequence[str] = ()
    prefetch_related: Sequence[str] = ()
    detail_fields: Sequence[str] | None = None
    related: Sequence[Related] = ()
    actions: Sequence[Action] = ()
    importer: type[ModelResource] | None = None
    menu: bool = True
    detail_template: str | None = None
    history: bool = True
    api_slug: str = ""
    context: Callable[[Any, HttpRequest], dict[str, Any]] | None = None
    #: How the generic pages, the API and the import write these records (``core/writers.py``).
    writer: Writer = field(default_factory=Writer)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def app_label(self) -> str:
        return self.model._meta.app_label

    @property
    def name(self) -> str:
        return self.model._meta.model_name or ""

    @property
    def api_name(self) -> str:
        return self.api_slug or f"{self.name}s"

    def url_name(self, view: str) -> str:
        return f"{self.app_label}:{self.name}_{view}"

    def queryset(self) -> models.QuerySet:
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def urls(self) -> list[URLPattern]:
        from concilia.core import views

        kw = {"register": self}
        p, n = self.slug, self.name
        patterns = [
            path(f"{p}/", views.ObjectListView.as_view(**kw), name=f"{n}_list"),
            path(f"{p}/<int:pk>/", views.ObjectDetailView.as_view(**kw), name=f"{n}_detail"),
        ]
        if self.history:
            patterns.append(
                path(f"{p}/<int:pk>/cronologia/", views.ObjectHistoryView.as_view(**kw), name=f"{n}_history")
            )
        if self.form is not None:
            patterns += [
                path(f"{p}/nuovo/", views.ObjectEditView.as_view(**kw), name=f"{n}_add"),
                path(f"{p}/<int:pk>/modifica/", views.ObjectEditView.as_view(**kw), name=f"{n}_edit"),
                path(f"{p}/<int:pk>/elimina/", views.ObjectDeleteView.as_view(**kw), name=f"{n}_delete"),
            ]
        if self.importer is not None:
            patterns.append(path(f"{p}/importa/", views.ObjectImportView.as_view(**kw), name=f"{n}_import"))
        return patterns

    def viewset(self) -> type:
        from concilia.core.api import ObjectViewSet

        custom = self.extra.get("viewset")
        if custom:
            from django.utils.module_loading import import_string

            return import_string(custom) if isinstance(custom, str) else custom
        attrs: dict[str, Any] = {"register": self, "__doc__": self.model.__doc__}
        w = self.writer
        if not (w.creates or w.updates or w.deletes):
            attrs["http_method_names"] = ["get", "head", "options"]
        return type(f"{self.model.__name__}ViewSet", (ObjectViewSet,), attrs)


_REGISTERS: dict[type[models.Model], Register] = {}


def register(reg: Register) -> Register:
    _REGISTERS[reg.model] = reg
    return reg


def registers(app_label: str | None = None) -> list[Register]:
    return [r for r in _REGISTERS.values() if app_label is None or r.app_label == app_label]


def register_for(model: type[models.Model]) -> Register | None:
    return _REGISTERS.get(model)


def writer_for(model: type[models.Model]) -> Writer:
    """The writer of ``model``'s register (the default policy-checking writer if it has none)."""
    reg = _REGISTERS.get(model)
    return reg.writer if reg is not None else Writer()


def detail_url(obj: models.Model) -> str | None:
    """The detail page of ``obj`` if its model is registered, else ``None``."""
    reg = register_for(type(obj))
    if reg is None:
        return None
    try:
        return reverse(reg.url_name("detail"), args=[obj.pk])
    except NoReverseMatch:
        return None


# Main menu: (label, url name, weight); filled by each app's registers module, shown by weight.
MENU: list[tuple[Any, str, int]] = []


def menu(request: HttpRequest) -> list[dict[str, Any]]:
    current = request.path
    items = []
    for label, url_name, _weight in sorted(MENU, key=lambda m: m[2]):
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": url != "/" and current.startswith(url)})
    return items


def can_in_template(user: Any, action: str, target: Any) -> bool:
    return can(user, action, target)
