"""The admin base of every register: history pages that never answer 500, writes through the writer.

The Django admin is one more entry point, so its saves and deletes go through the register's
writer like the pages, the API and the import (see ``core.writers``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def formfield_for_dbfield(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        """Amounts in euros, as on the pages: every ``*_cents`` field is the money field."""
        from concilia.core.forms import money_formfield

        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name.endswith("_cents") and isinstance(field, forms.IntegerField):
            field = money_formfield(field)
            field.widget.attrs["class"] = "vTextField"
        return field

    def _check_pk(self, object_id: str) -> None:
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError, TypeError):
            raise Http404 from None

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        self._check_pk(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request: Any, object_id: str, version_id: str, extra_context: Any = None) -> Any:
        self._check_pk(object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        from concilia.core.registry import writer_for

        obj._history_user = request.user
        writer_for(type(obj)).save(instance=obj, by=request.user)

    def delete_model(self, request: Any, obj: Any) -> None:
        from concilia.core.registry import writer_for

        writer_for(type(obj)).delete(instance=obj, by=request.user)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
