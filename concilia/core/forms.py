"""Form bases: restricted choices, Bootstrap Italia widgets, file import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tablib
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concilia.core.permissions import restrict


class RestrictedModelForm(forms.ModelForm):
    """A model form whose foreign-key choices are limited to what the user may use.

    ``restricted_fields`` maps a field to the action the user needs on the chosen object: a
    membership's ``network`` must be one the user may change, for instance.
    """

    restricted_fields: dict[str, str] = {}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, action in self.restricted_fields.items():
            field = self.fields.get(name)
            if field is not None and hasattr(field, "queryset"):
                field.queryset = restrict(field.queryset, user, action)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
                self._limit_choices(name, field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                widget.attrs.setdefault("class", "form-control")
            if isinstance(field, forms.DateField):
                field.widget.input_type = "date"  # type: ignore[attr-defined]
                field.widget.format = "%Y-%m-%d"  # type: ignore[attr-defined]

    def _limit_choices(self, name: str, field: forms.ModelChoiceField) -> None:
        """What a model says about itself as a choice: ``LABEL_RELATED``, the rows its label reads (one
        query, not one per option); ``limit_choices(queryset, keep)``, the choices a form offers (the
        values the record already has stay selectable)."""
        queryset: Any = field.queryset
        model = queryset.model
        limit = getattr(model, "limit_choices", None)
        if limit is not None:
            queryset = limit(queryset, keep=self._current_pks(name))
        related = getattr(model, "LABEL_RELATED", ())
        if related:
            queryset = queryset.select_related(*related)
        field.queryset = queryset

    def _current_pks(self, name: str) -> list[Any]:
        """The primary keys the bound record (or the initial data) holds in field ``name``."""
        value = self.initial.get(name)
        values = value if isinstance(value, list | tuple) else [value]
        return [getattr(v, "pk", v) for v in values if v not in (None, "")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    """A CSV (UTF-8, comma or semicolon) or XLSX file, read into a ``tablib.Dataset``."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("First row: column names. At most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        suffix = Path(upload.name).suffix.lower()
        content = upload.read()
        dataset = tablib.Dataset()
        try:
            if suffix == ".xlsx":
                dataset.load(content, format="xlsx")
            elif suffix == ".csv":
                text = content.decode("utf-8-sig")
                delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
                dataset.load(text, format="csv", delimiter=delimiter)
            else:
                raise ValidationError(_("Only .csv and .xlsx files can be imported."))
        except UnicodeDecodeError:
            raise ValidationError(_("The CSV file must be encoded in UTF-8.")) from None
        except ValidationError:
            raise
        except Exception:
            raise ValidationError(_("The file could not be read as a table.")) from None
        if not dataset.headers:
            raise ValidationError(_("The file has no header row."))
        if dataset.height == 0:
            raise ValidationError(_("The file has no data rows."))
        self.cleaned_data["dataset"] = dataset
        return upload
