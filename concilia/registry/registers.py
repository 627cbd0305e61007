"""The babysitter registry's registers (operators' pages, exports and API), each declared once.

Registries, courses and babysitters are reached from the "Elenco babysitter" menu entry; attendances,
availability, events and messages are listed on their parent's page. Events and messages are
read-only: the services write them. The public face (search, profile, contact, enrolment) is in
:mod:`concilia.registry.views`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concilia.core import clock
from concilia.core.api import read_only_viewset
from concilia.core.permissions import can, restrict
from concilia.core.registry import MENU, Register, Related, register
from concilia.core.workflow_views import workflow_links
from concilia.registry import filtersets, forms, models, resources, tables
from concilia.registry.api import serializers
from concilia.registry.choices import BabysitterStatus


def _add(view: str, parent: str) -> Any:
    return lambda obj: reverse(f"registry:{view}_add") + f"?{parent}={obj.pk}"


def _reg(model: Any, slug: str, **extra: Any) -> Register:
    name = model.__name__
    return register(
        Register(
            model=model,
            slug=slug,
            filterset=getattr(filtersets, f"{name}FilterSet"),
            table=getattr(tables, f"{name}Table"),
            serializer=getattr(serializers, f"{name}Serializer"),
            form=extra.pop("form", getattr(forms, f"{name}Form", None)),
            **extra,
        )
    )


BABYSITTER_STEPS: dict[str, list[tuple[Any, str, str]]] = {
    BabysitterStatus.SUBMITTED: [(_("Verify and list"), "registry:babysitter_list_step", "manage"),
                                 (_("Reject"), "registry:babysitter_reject", "manage")],
    BabysitterStatus.REJECTED: [(_("Verify and list"), "registry:babysitter_list_step", "manage")],
    BabysitterStatus.LISTED: [(_("Renew"), "registry:babysitter_renew", "manage"),
                              (_("Suspend"), "registry:babysitter_suspend", "manage")],
    BabysitterStatus.SUSPENDED: [(_("Reinstate"), "registry:babysitter_reinstate", "manage")],
    BabysitterStatus.EXPIRED: [(_("Renew"), "registry:babysitter_renew", "manage")],
}  # fmt: skip


def _babysitter_context(obj: models.Babysitter, request: HttpRequest) -> dict[str, Any]:

    from concilia.registry.services import eligibility_errors

    manages = can(request.user, "manage", obj)
    return {
        "workflow": workflow_links(obj, request, BABYSITTER_STEPS.get(obj.status, [])),
        "checks": eligibility_errors(obj, today=clock.today()) if manages else {},
        "events": list(obj.events.select_related("by")),
        "slots": list(obj.availability.all()),
    }


registries = _reg(
    models.BabysitterRegistry,
    "elenchi",
    select_related=("keeper", "network", "province"),
    prefetch_related=("voucher_schemes", "municipalities"),
    detail_fields=[
        "name",
        "keeper",
        "network",
        "province",
        "voucher_schemes",
        "validity_days",
        "reminder_days",
        "min_attendance_percent",
        "messages_per_day",
        "description",
        "source",
    ],  # fmt: skip
    related=(
        Related(
            _("Courses"),
            lambda r: r.courses.select_related("organiser"),
            tables.CourseTable,
            _add("course", "registry"),
        ),
        Related(_("Babysitters"), lambda r: r.babysitters.select_related("registry"), tables.BabysitterTable),
    ),  # fmt: skip
    api_slug="registries",
)
courses = _reg(
    models.Course,
    "corsi",
    select_related=("registry", "organiser"),
    detail_fields=["title", "registry", "organiser", "starts_on", "ends_on", "hours", "exam_on", "place"],
    related=(
        Related(
            _("Attendance register"),
            lambda c: c.attendances.select_related("course"),
            tables.CourseAttendanceTable,
            _add("courseattendance", "course"),
        ),
    ),  # fmt: skip
)
attendances = _reg(
    models.CourseAttendance,
    "presenze",
    select_related=("course",),
    api_slug="attendances",
    importer=resources.AttendanceResource,
    menu=False,
)
babysitters = _reg(
    models.Babysitter,
    "iscritti",
    select_related=("registry", "course", "residence"),
    prefetch_related=("areas", "accepted_vouchers"),
    detail_template="registry/babysitter_detail.html",
    context=_babysitter_context,
    detail_fields=[
        "reference",
        "registry",
        "first_name",
        "last_name",
        "tax_code",
        "birth_date",
        "email",
        "phone",
        "residence",
        "eu_citizen",
        "citizenship",
        "permit_number",
        "permit_expires_on",
        "course",
        "attendance_hours",
        "exam_passed",
        "first_aid_issued_on",
        "first_aid_expires_on",
        "no_criminal_record",
        "declaration_on",
        "languages",
        "experience",
        "bio",
        "areas",
        "accepted_vouchers",
    ],  # fmt: skip
    related=(
        Related(
            _("Weekly availability"),
            lambda b: b.availability.select_related("babysitter"),
            tables.AvailabilityTable,
            _add("availability", "babysitter"),
        ),
        Related(
            _("Messages from families"), lambda b: b.messages.select_related("babysitter"), tables.ContactMessageTable
        ),
    ),  # fmt: skip
)
availability = _reg(models.Availability, "disponibilita", select_related=("babysitter",), menu=False,
                    history=False, api_slug="availability")  # fmt: skip
events = _reg(models.BabysitterEvent, "eventi", select_related=("babysitter", "by"), form=None, menu=False,
              history=False, api_slug="events")  # fmt: skip
events.extra["viewset"] = read_only_viewset(events)
messages = _reg(models.ContactMessage, "messaggi", select_related=("babysitter",), form=None, menu=False,
                history=False, api_slug="messages")  # fmt: skip
messages.extra["viewset"] = read_only_viewset(messages)

# One entry for everybody: families find the public search there, operators the link to the registers.
MENU.append((_("Babysitter registry"), "registry:search", 60))


def managed(user: Any) -> Any:
    return restrict(models.BabysitterRegistry.objects.all(), user, "change")
