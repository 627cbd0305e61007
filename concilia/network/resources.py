"""CSV/XLSX import of organisations (django-import-export), all-or-nothing."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from concilia.core.importing import BaseResource
from concilia.network.choices import OrganisationKind, SizeClass
from concilia.network.models import Organisation
from concilia.territory.models import Municipality


class ChoiceWidget(widgets.Widget):
    """Accepts a choice by its code (``company``) or its label in Italian or English (``Impresa``)."""

    def __init__(self, choices: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        from django.utils import translation

        text = str(value or "").strip()
        if not text:
            return ""
        lookup = {c.value.lower(): c.value for c in self.choices}
        for lang in ("it", "en"):
            with translation.override(lang):
                lookup.update({str(c.label).lower(): c.value for c in self.choices})
        try:
            return lookup[text.lower()]
        except KeyError:
            allowed = ", ".join(c.value for c in self.choices)
            raise ValueError(
                _("“%(value)s” is not an allowed value (%(allowed)s).") % {"value": text, "allowed": allowed}
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class MunicipalityWidget(widgets.ForeignKeyWidget):
    """A municipality by ISTAT code (``015209``), cadastral code (``I690``) or unique current name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Municipality, "istat_code", **kwargs)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Municipality | None:
        text = str(value or "").strip()
        if not text:
            return None
        qs = Municipality.objects.select_related("province")
        if text.isdigit():
            match = qs.filter(istat_code=text.zfill(6))
        elif len(text) == 4 and text[0].isalpha() and text[1:].isdigit():
            match = qs.filter(cadastral_code=text.upper(), valid_to__isnull=True)
        else:
            match = qs.filter(name__iexact=text, valid_to__isnull=True)
        found = list(match[:2])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(_("Unknown municipality “%(value)s”.") % {"value": text})
        raise ValueError(_("“%(value)s” names more than one municipality: use the ISTAT code.") % {"value": text})


class OrganisationResource(BaseResource):
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(OrganisationKind))
    size_class = fields.Field(attribute="size_class", column_name="size_class", widget=ChoiceWidget(SizeClass))
    municipality = fields.Field(attribute="municipality", column_name="municipality", widget=MunicipalityWidget())

    class Meta(BaseResource.Meta):
        model = Organisation
        fields = (
            "name", "short_name", "kind", "tax_code", "vat_number", "employees", "size_class", "address",
            "postal_code", "municipality", "email", "pec", "phone", "website", "description", "is_public",
        )  # fmt: skip
        import_id_fields = ("tax_code",)

    def get_instance(self, instance_loader: Any, row: Any) -> Organisation | None:
        """Rows with a tax code update that organisation; rows without one create a new organisation."""
        code = str(row.get("tax_code") or "").strip().upper()
        if not code:
            return None
        return Organisation.objects.filter(tax_code=code).first()

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        missing = [c for c in ("name", "kind") if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(_("The file lacks the required columns: %(cols)s.") % {"cols": ", ".join(missing)})
