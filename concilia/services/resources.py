"""CSV/XLSX import of services (django-import-export), all-or-nothing, with an ``hours`` column."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from import_export import fields, widgets

from concilia.core.importing import BaseResource
from concilia.core.permissions import can, restrict
from concilia.network.models import Organisation
from concilia.network.resources import ChoiceWidget, MunicipalityWidget
from concilia.services.choices import ServiceKind
from concilia.services.hours import format_weekly_hours, parse_weekly_hours
from concilia.services.models import OpeningHours, Service
from concilia.services.search_index import catalogue_changed


class ProviderWidget(widgets.ForeignKeyWidget):
    """The provider by tax code or exact name, among the organisations the importing user acts for."""

    def __init__(self, resource: ServiceResource, **kwargs: Any) -> None:
        super().__init__(Organisation, "name", **kwargs)
        self.resource = resource

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Organisation | None:
        text = str(value or "").strip()
        if not text:
            return None
        qs = restrict(Organisation.objects.all(), self.resource.user, "change")
        found = list(qs.filter(Q(tax_code=text.upper()) | Q(name__iexact=text))[:2])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValueError(_("“%(value)s” is not an organisation you may add services for.") % {"value": text})
        raise ValueError(_("“%(value)s” names more than one organisation: use the tax code.") % {"value": text})


class HoursWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_weekly_hours(text)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return format_weekly_hours(value) if value else ""


class ServiceResource(BaseResource):
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(ServiceKind))
    municipality = fields.Field(attribute="municipality", column_name="municipality", widget=MunicipalityWidget())
    hours = fields.Field(
        attribute="hours", column_name="hours", widget=HoursWidget(), readonly=False, dehydrate_method="dehydrate_hours"
    )

    class Meta(BaseResource.Meta):
        model = Service
        fields = (
            "name", "kind", "provider", "address", "postal_code", "municipality", "latitude", "longitude",
            "min_age_months", "max_age_months", "capacity", "capacity_note", "email", "phone", "website",
            "description", "step_free", "accessibility", "external_code", "is_published", "hours",
        )  # fmt: skip
        import_id_fields = ("external_code",)

    extra_column_help = {
        "hours": {
            "label": _l("weekly opening hours"),
            "help": _l("Days, then times, e.g. “lun-ven 07:30-08:30, 16:30-18:30; sab 08:00-12:00”."),
        }
    }

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(user=user, **kwargs)
        self.fields["provider"] = fields.Field(
            attribute="provider", column_name="provider", widget=ProviderWidget(self)
        )

    def get_instance(self, instance_loader: Any, row: Any) -> Service | None:
        """Rows with an ``external_code`` update that service of the same provider; others are new."""
        code = str(row.get("external_code") or "").strip()
        if not code:
            return None
        return Service.objects.filter(external_code=code).first()

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        missing = [c for c in ("name", "kind", "provider", "municipality") if c not in (dataset.headers or [])]
        if missing:
            raise ValidationError(_("The file lacks the required columns: %(cols)s.") % {"cols": ", ".join(missing)})

    def import_field(self, field: Any, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        if field.column_name == "hours":
            instance._imported_hours = field.clean(row, **kwargs)
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_save_instance(self, instance: Service, row: Any, **kwargs: Any) -> None:
        if instance.pk and not can(self.user, "change", Service.objects.get(pk=instance.pk)):
            raise ValidationError(_("You may not change the service “%(name)s”.") % {"name": instance.name})

    def after_save_instance(self, instance: Service, row: Any, **kwargs: Any) -> None:
        hours = getattr(instance, "_imported_hours", None)
        if hours is not None:
            instance.opening_hours.filter(period__isnull=True).delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(service=instance, weekday=d, opens=a, closes=b) for d, a, b in hours
            )
            catalogue_changed()  # bulk_create sends no signal

    def dehydrate_hours(self, obj: Service) -> str:
        rows = [(h.weekday, h.opens, h.closes) for h in obj.opening_hours.all() if h.period_id is None]
        return format_weekly_hours(rows)
