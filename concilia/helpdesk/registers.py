"""The help desks' registers, each declared once: pages, API and exports follow.

Desks are in the menu ("Sportelli", which opens the public list with the operators' links); hours,
closures, cases, referrals and appointments are registers of their own, listed on their desk's or
case's page. Appointments are read-only here: the booking service writes them, the operator's
outcome step changes their status.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concilia.core.api import ObjectViewSet
from concilia.core.permissions import can
from concilia.core.registry import MENU, Action, Register, Related, register
from concilia.helpdesk import filtersets, forms, models, selectors, tables
from concilia.helpdesk.api import serializers


def _add(view: str, parent: str) -> Any:
    return lambda obj: reverse(f"helpdesk:{view}_add") + f"?{parent}={obj.pk}"


def _desk_context(obj: models.Desk, request: HttpRequest) -> dict[str, Any]:
    from concilia.helpdesk.views import short_day_names

    days = short_day_names()
    return {
        "opening_hours": selectors.weekly_hours_text(obj, appointments=False, day_names=days),
        "appointment_hours": selectors.weekly_hours_text(obj, appointments=True, day_names=days),
        "can_statistics": can(request.user, "statistics", obj),
        "can_operate": can(request.user, "change", obj),
    }


desks = register(
    Register(
        model=models.Desk,
        slug="gestione",
        filterset=filtersets.DeskFilterSet,
        table=tables.DeskTable,
        serializer=serializers.DeskSerializer,
        form=forms.DeskForm,
        select_related=("organisation", "municipality__province", "network"),
        api_slug="desks",
        detail_template="helpdesk/desk_detail.html",
        detail_fields=[
            "name",
            "organisation",
            "network",
            "description",
            "address",
            "postal_code",
            "municipality",
            "latitude",
            "longitude",
            "phone",
            "email",
            "services",
            "slot_minutes",
            "weeks_ahead",
            "capacity_per_slot",
            "is_published",
        ],  # fmt: skip
        context=_desk_context,
        related=(
            Related(
                _("Hours"), lambda d: d.hours.select_related("desk"), tables.DeskHoursTable, _add("deskhours", "desk")
            ),
            Related(
                _("Closures"),
                lambda d: d.closures.select_related("desk"),
                tables.DeskClosureTable,
                _add("deskclosure", "desk"),
            ),  # fmt: skip
            Related(
                _("Appointments"),
                lambda d: d.appointments.select_related("desk").exclude(status="cancelled"),
                tables.AppointmentTable,
            ),
            Related(_("Cases"), lambda d: d.cases.select_related("desk"), tables.CaseTable, _add("case", "desk")),
        ),
    )
)


def _part(model: Any, slug: str, api_slug: str, **extra: Any) -> Register:
    name = model.__name__
    return register(
        Register(
            model=model,
            slug=slug,
            filterset=getattr(filtersets, f"{name}FilterSet"),
            table=getattr(tables, f"{name}Table"),
            serializer=getattr(serializers, f"{name}Serializer"),
            form=extra.pop("form", getattr(forms, f"{name}Form", None)),
            menu=False,
            api_slug=api_slug,
            **extra,
        )
    )


hours = _part(models.DeskHours, "orari", "hours", select_related=("desk",))
closures = _part(models.DeskClosure, "chiusure", "closures", select_related=("desk",))


cases = _part(
    models.Case,
    "casi",
    "cases",
    select_related=("desk", "handled_by", "municipality", "appointment"),
    detail_fields=[
        "desk",
        "opened_on",
        "channel",
        "anonymous",
        "first_name",
        "last_name",
        "email",
        "phone",
        "municipality",
        "needs",
        "description",
        "outcome",
        "follow_up_on",
        "follow_up_reminded_at",
        "handled_by",
        "appointment",
        "status",
    ],  # fmt: skip
    related=(
        Related(
            _("Referrals"),
            lambda c: c.referrals.select_related("case", "service", "to_desk", "call"),
            tables.ReferralTable,
            _add("referral", "case"),
        ),
    ),
)
referrals = _part(models.Referral, "invii", "referrals", select_related=("case", "service", "to_desk", "call"))
appointments = _part(
    models.Appointment,
    "appuntamenti",
    "appointments",
    form=None,
    select_related=("desk",),
    detail_fields=[
        "desk",
        "starts_at",
        "ends_at",
        "first_name",
        "last_name",
        "email",
        "phone",
        "topic",
        "note",
        "status",
        "booked_at",
        "cancelled_at",
        "reminder_sent_at",
    ],  # fmt: skip
    related=(
        Related(
            _("Case"), lambda a: models.Case.objects.filter(appointment=a).select_related("desk"), tables.CaseTable
        ),
    ),
    actions=(
        Action(_("Record the outcome"), "helpdesk:appointment_status"),
        Action(_("Log the case"), "helpdesk:appointment_case", style="primary"),
    ),
)
appointments.extra["viewset"] = type(
    "AppointmentViewSet",
    (ObjectViewSet,),
    {"register": appointments, "__doc__": models.Appointment.__doc__, "http_method_names": ["get", "head", "options"]},
)

MENU.append((_("Help desks"), "helpdesk:public_list", 50))


def operator_links(user: Any) -> list[dict[str, Any]]:
    """The registers a desk operator uses (a coordinator gets the desks), for the public list's top links."""
    from concilia.core.permissions import scope_of
    from concilia.helpdesk.permissions import may_operate_some_desk

    regs = []
    if may_operate_some_desk(user):
        regs = [(_("Appointments"), appointments), (_("Cases"), cases), (_("Referrals"), referrals)]
    if regs or scope_of(user).coordinated_network_ids:
        regs.append((_("Manage desks"), desks))
    return [{"label": label, "url": reverse(reg.url_name("list"))} for label, reg in regs]
