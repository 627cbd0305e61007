"""Form bases: restricted choices, Bootstrap Italia widgets, file import."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import openpyxl
import tablib
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concilia.core.permissions import restrict

# A label's "(cents)" / "(centesimi)": the form asks for euros.
CENTS_LABEL = re.compile(r"\s*\((?:cents|centesimi)\)", re.IGNORECASE)
MONEY_TEXT = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$|^\d+(?:,\d{1,2})?$")


def format_euros(cents: int | None) -> str:
    """1234567 → "12.345,67" (the value a money input shows: no euro sign, Italian separators)."""
    if cents is None:
        return ""
    return f"{cents / 100:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


class MoneyInput(forms.TextInput):
    """A text input for an amount in euros, shown as ``45.000,00`` (the value held is integer cents)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return format_euros(value)
        return super().format_value(value)


class MoneyField(forms.Field):
    """An amount in euros typed with a comma (``45.000,00``, ``45000``, ``45000,5``, ``45.000,00 €``),
    cleaned to integer cents; anything else is refused with an Italian message."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": _("Enter an amount in euros, such as 45.000,00 (with a comma before the decimals)."),
        "max_value": _("The amount cannot be more than %(limit)s."),
    }

    def __init__(self, *, max_cents: int | None = None, **kwargs: Any) -> None:
        self.max_cents = max_cents
        kwargs.setdefault("help_text", _("In euros, for example 45.000,00"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
        if not MONEY_TEXT.match(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            euros = Decimal(text.replace(".", "").replace(",", "."))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        cents = int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if self.max_cents is not None and cents > self.max_cents:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": "€ " + format_euros(self.max_cents)},
            )
        return cents

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != (initial if initial not in self.empty_values else None)
        except ValidationError:
            return True


def money_formfield(field: forms.Field) -> MoneyField:
    """The money field that takes the place of an integer field read from a ``*_cents`` model field."""
    from concilia.core.models import MAX_CENTS

    return MoneyField(
        required=field.required,
        label=CENTS_LABEL.sub("", str(field.label or "")),
        initial=field.initial,
        help_text=field.help_text or _("In euros, for example 45.000,00"),
        max_cents=MAX_CENTS,
        disabled=field.disabled,
    )


def use_money_fields(form: forms.BaseForm) -> None:
    """Every integer field of ``form`` named ``*_cents`` becomes a :class:`MoneyField` (euros on the page)."""
    for name, field in list(form.fields.items()):
        if name.endswith("_cents") and isinstance(field, forms.IntegerField):
            form.fields[name] = money_formfield(field)


class RestrictedModelForm(forms.ModelForm):
    """A model form whose foreign-key choices are limited to what the user may use.

    ``restricted_fields`` maps a field to the action the user needs on the chosen object: a
    membership's ``network`` must be one the user may change, for instance.
    """

    restricted_fields: dict[str, str] = {}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        use_money_fields(self)
        for name, action in self.restricted_fields.items():
            field = self.fields.get(name)
            if field is not None and hasattr(field, "queryset"):
                allowed: Any = restrict(field.queryset, user, action)
                # The value the record already has stays a choice (an operator editing its registry keeps
                # the network it cannot change); any other value needs the action.
                current = getattr(self.instance, f"{name}_id", None) if getattr(self.instance, "pk", None) else None
                if current is not None and isinstance(field, forms.ModelChoiceField):
                    allowed = field.queryset.filter(Q(pk__in=allowed.values("pk")) | Q(pk=current))  # type: ignore[union-attr]
                field.queryset = allowed
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


class TooLarge(ValueError):
    """The file goes beyond one of the import's bounds (the message says which)."""


def import_limits() -> dict[str, int]:
    """The import's bounds (settings ``CONCILIA_IMPORT_*``), shown on the form and enforced while reading."""
    return {
        "megabytes": settings.CONCILIA_IMPORT_MAX_BYTES // (1024 * 1024),
        "rows": settings.CONCILIA_IMPORT_MAX_ROWS,
        "columns": settings.CONCILIA_IMPORT_MAX_COLUMNS,
        "unpacked_megabytes": settings.CONCILIA_IMPORT_MAX_UNPACKED_BYTES // (1024 * 1024),
    }


def _rows_bound(rows: Iterable[Iterable[Any]]) -> Iterator[list[Any]]:
    """The rows, refused as soon as there are more than the bound (header included) or too many columns."""
    max_rows = settings.CONCILIA_IMPORT_MAX_ROWS + 1  # the header row
    max_columns = settings.CONCILIA_IMPORT_MAX_COLUMNS
    for number, row in enumerate(rows, start=1):
        if number > max_rows:
            raise TooLarge(
                _("The file has more than %(rows)s data rows: split it into smaller files.")
                % {"rows": settings.CONCILIA_IMPORT_MAX_ROWS}
            )
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()  # trailing empty cells (spreadsheets pad rows to the widest one)
        if len(cells) > max_columns:
            raise TooLarge(_("The file has more than %(columns)s columns.") % {"columns": max_columns})
        yield cells


def read_xlsx(content: bytes) -> tablib.Dataset:
    """The first sheet of an XLSX file, read row by row (openpyxl's read-only mode), within the bounds.

    An XLSX file is a zip: the sizes its members declare once unpacked are summed before anything is
    unpacked (Python's zip reader never unpacks more than a member declares), so a zip bomb is refused
    from its table of contents.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ValidationError(_("The file could not be read as a table.")) from None
    unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > settings.CONCILIA_IMPORT_MAX_UNPACKED_BYTES:
        raise TooLarge(
            _("Once unpacked the spreadsheet would take more than %(unpacked_megabytes)s MB: it cannot be imported.")
            % import_limits()
        )
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = _rows_bound(sheet.iter_rows(values_only=True))
        dataset = tablib.Dataset()
        header = next(rows, None)
        if header is None:
            return dataset
        dataset.headers = [str(h) if h is not None else "" for h in header]
        width = len(dataset.headers)
        for row in rows:
            if not any(cell not in (None, "") for cell in row):
                continue  # an empty row
            dataset.append((list(row) + [None] * width)[:width])
        return dataset
    finally:
        book.close()


def read_csv(content: bytes) -> tablib.Dataset:
    """A UTF-8 CSV file (comma or semicolon, as the header row shows), within the bounds."""
    text = content.decode("utf-8-sig")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = _rows_bound(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    dataset = tablib.Dataset()
    header = next(rows, None)
    if header is None:
        return dataset
    dataset.headers = header
    width = len(header)
    for row in rows:
        if not any(row):
            continue
        dataset.append((row + [""] * width)[:width])
    return dataset


class ImportForm(forms.Form):
    """A CSV (UTF-8, comma or semicolon) or XLSX file, read into a ``tablib.Dataset`` within the bounds."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            _("First row: column names. At most %(megabytes)s MB and %(rows)s rows of data.") % import_limits()
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.CONCILIA_IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than %(megabytes)s MB.") % import_limits())
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise ValidationError(_("Only .csv and .xlsx files can be imported."))
        content = upload.read()
        try:
            dataset = read_xlsx(content) if suffix == ".xlsx" else read_csv(content)
        except TooLarge as exc:
            raise ValidationError(str(exc)) from None
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
