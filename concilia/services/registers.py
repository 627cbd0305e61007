"""The catalogue's registers, each declared once: pages, API, exports and import follow."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concilia.core.display import object_fields, sees_internal
from concilia.core.registry import MENU, Register, Related, register
from concilia.services import filtersets, forms, models, selectors, tables
from concilia.services.api import serializers
from concilia.services.resources import ServiceResource

#: What a citizen needs on a service's page (what, for whom, how to enrol or contact); the place is on
#: the map above. Coordinates, registry codes, research notes and publishing flags are for staff only.
PUBLIC_SERVICE_FIELDS = (
    "name", "kind", "provider", "description", "min_age_months", "max_age_months", "capacity", "capacity_note",
    "accepted_vouchers", "email", "phone", "website", "step_free", "accessibility", "languages", "authorisation",
)  # fmt: skip


def _service_context(obj: models.Service, request: HttpRequest) -> dict[str, Any]:
    points = []
    if obj.latitude is not None:
        points = [{"name": obj.name, "url": "#", "lat": obj.latitude, "lon": obj.longitude,
                   "approx": obj.location_precision != "address"}]  # fmt: skip
    names = None if sees_internal(request.user, obj) else PUBLIC_SERVICE_FIELDS
    return {
        "fields": object_fields(obj, names),
        "schedule": selectors.weekly_schedule(obj),
        "points": points,
        "tiles": settings.CONCILIA_MAP_TILES,
        "tiles_attribution": settings.CONCILIA_MAP_ATTRIBUTION,
    }


def _add(view: str) -> Any:
    return lambda s: reverse(f"services:{view}_add") + f"?service={s.pk}"


services = register(
    Register(
        model=models.Service,
        slug="servizi",
        filterset=filtersets.ServiceFilterSet,
        table=tables.ServiceTable,
        serializer=serializers.ServiceSerializer,
        form=forms.ServiceForm,
        select_related=("provider", "municipality__province", "authorisation"),
        prefetch_related=("accepted_vouchers",),
        importer=ServiceResource,
        detail_template="services/service_detail.html",
        context=_service_context,
        related=(
            Related(
                _("Offers"), lambda s: s.offers.select_related("service", "period"), tables.OfferTable, _add("offer")
            ),
            Related(_("Periods"), lambda s: s.periods.select_related("service"), tables.PeriodTable, _add("period")),
            Related(
                _("Opening hours"),
                lambda s: s.opening_hours.select_related("service", "period"),
                tables.OpeningHoursTable,
                _add("openinghours"),
            ),
            Related(
                _("Closures"), lambda s: s.closures.select_related("service"), tables.ClosureTable, _add("closure")
            ),
            Related(_("Fees"), lambda s: s.fees.select_related("service"), tables.FeeTable, _add("fee")),
        ),
    )
)
offers = register(
    Register(
        model=models.Offer,
        slug="offerte",
        filterset=filtersets.OfferFilterSet,
        table=tables.OfferTable,
        serializer=serializers.OfferSerializer,
        form=forms.OfferForm,
        select_related=("service", "period"),
    )
)


def _service_part(model: Any, slug: str, name: str, **extra: Any) -> Register:
    """A record that hangs off a service (period, hours, closure, fee): listed on the service's page."""
    return register(
        Register(
            model=model,
            slug=slug,
            filterset=getattr(filtersets, f"{name}FilterSet"),
            table=getattr(tables, f"{name}Table"),
            serializer=getattr(serializers, f"{name}Serializer"),
            form=getattr(forms, f"{name}Form"),
            select_related=extra.pop("select_related", ("service",)),
            menu=False,
            **extra,
        )
    )


periods = _service_part(models.Period, "periodi", "Period")
opening_hours = _service_part(
    models.OpeningHours, "orari", "OpeningHours", select_related=("service", "period"), api_slug="opening-hours"
)
closures = _service_part(models.Closure, "chiusure", "Closure")
fees = _service_part(models.Fee, "tariffe", "Fee")

authorisations = register(
    Register(
        model=models.Authorisation,
        slug="autorizzazioni",
        filterset=filtersets.AuthorisationFilterSet,
        table=tables.AuthorisationTable,
        serializer=serializers.AuthorisationSerializer,
        form=forms.AuthorisationForm,
        select_related=("organisation",),
    )
)
voucher_schemes = register(
    Register(
        model=models.VoucherScheme,
        slug="voucher",
        filterset=filtersets.VoucherSchemeFilterSet,
        table=tables.VoucherSchemeTable,
        serializer=serializers.VoucherSchemeSerializer,
        form=forms.VoucherSchemeForm,
        select_related=("network",),
        api_slug="voucher-schemes",
    )
)

MENU.extend(
    [
        (_("Find care"), "services:search", 5),
        (_("Care planner"), "services:planner", 6),
    ]
)
