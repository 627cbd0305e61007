"""Pages of the help desks beyond the registers.

Public (no login): the list of desks with a map, a desk's page with its hours, services and free
times and the booking form, the booking's own page (by its secret token) and its cancellation.
Operators: the outcome of an appointment, "log the case" from an appointment, and the statistics
page of a desk (also for the coordinator of its network), with CSV/XLSX export.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from concilia.core import clock
from concilia.core.exports import dataset_response
from concilia.core.permissions import can, restrict
from concilia.core.workflow_views import WorkflowStep
from concilia.helpdesk import registers, selectors, services
from concilia.helpdesk.choices import AppointmentStatus
from concilia.helpdesk.forms import BookingForm, StatisticsForm, field_of
from concilia.helpdesk.models import Appointment, Desk


def short_day_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def _public_desk(request: HttpRequest, pk: int) -> Desk:
    """A desk the visitor may see: published, or unpublished for who keeps or coordinates it."""
    qs = restrict(
        Desk.objects.select_related("municipality__province", "organisation", "network"), request.user, "view"
    )
    return get_object_or_404(qs, pk=pk)


def public_list(request: HttpRequest) -> HttpResponse:
    desks = list(selectors.public_desks().prefetch_related("hours"))
    days = short_day_names()
    rows = [{"desk": d, "hours": selectors.weekly_hours_text(d, appointments=False, day_names=days)} for d in desks]
    points = [
        {"name": d.name, "url": d.get_public_url(), "lat": d.latitude, "lon": d.longitude, "approx": False}
        for d in desks
        if d.latitude is not None and d.longitude is not None
    ]
    context = {
        "rows": rows,
        "points": points,
        "tiles": settings.CONCILIA_MAP_TILES,
        "tiles_attribution": settings.CONCILIA_MAP_ATTRIBUTION,
        "operator_links": registers.operator_links(request.user) if request.user.is_authenticated else [],
    }
    return render(request, "helpdesk/public_list.html", context)


def _slot_option(slot: selectors.Slot, chosen: str) -> dict[str, Any]:
    local = slot.starts_at.astimezone(selectors.ROME)
    return {"key": slot.key, "label": f"{local:%H:%M}", "free": slot.free, "checked": slot.key == chosen}


@require_http_methods(["GET", "POST"])
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    desk = _public_desk(request, pk)
    slots = selectors.free_slots(desk) if desk.is_published else []
    form = BookingForm(request.POST or None, slots=slots, initial={"slot": request.GET.get("ora", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.appointment_book(
                    desk=desk,
                    starts_at=data["slot"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    phone=data["phone"],
                    topic=data["topic"],
                    note=data["note"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
                slots = selectors.free_slots(desk)
                field_of(form, "slot").choices = [(s.key, s.key) for s in slots]
            else:
                return HttpResponseRedirect(reverse("helpdesk:booking", args=[appointment.token]) + "?nuova=1")
        status = 400
    days = short_day_names()
    chosen = form["slot"].value() or ""
    days_ = [(day, [_slot_option(s, chosen) for s in day_slots]) for day, day_slots in selectors.slots_by_day(slots)]
    context = {
        "desk": desk,
        "opening_hours": selectors.weekly_hours_text(desk, appointments=False, day_names=days),
        "appointment_hours": selectors.weekly_hours_text(desk, appointments=True, day_names=days),
        "closures": selectors.upcoming_closures(desk),
        "days": days_,
        "more_open": any(x["checked"] for _day, row in days_[5:] for x in row),
        "form": form,
        "points": [{"name": desk.name, "url": "", "lat": desk.latitude, "lon": desk.longitude, "approx": False}]
        if desk.latitude is not None and desk.longitude is not None
        else [],
        "tiles": settings.CONCILIA_MAP_TILES,
        "tiles_attribution": settings.CONCILIA_MAP_ATTRIBUTION,
        "can_operate": can(request.user, "change", desk),
        "can_statistics": can(request.user, "statistics", desk),
    }
    return render(request, "helpdesk/public_detail.html", context, status=status)


def _by_token(token: str) -> Appointment:
    appointment = Appointment.objects.select_related("desk__municipality").filter(token=token).first()
    if appointment is None or not token:
        raise Http404
    return appointment


def booking(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's own page of a booking, reached by the link in the confirmation e-mail."""
    appointment = _by_token(token)
    context = {
        "appointment": appointment,
        "desk": appointment.desk,
        "is_new": request.GET.get("nuova") == "1",
        "can_cancel": appointment.status == AppointmentStatus.BOOKED and appointment.starts_at > clock.now(),
    }
    response = render(request, "helpdesk/booking.html", context)
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response


def booking_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The booking as a calendar file (the e-mail's attachment), for who holds the booking's secret link."""
    appointment = _by_token(token)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Http404
    response = HttpResponse(
        services.calendar_entry(appointment, request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="appuntamento.ics"'
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _by_token(token)
    error = ""
    if request.method == "POST":
        try:
            services.appointment_cancel(token=token, base_url=request.build_absolute_uri("/"))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your appointment is cancelled. A confirmation has been sent by e-mail."))
            return HttpResponseRedirect(reverse("helpdesk:booking", args=[token]))
    response = render(
        request,
        "helpdesk/booking_cancel.html",
        {"appointment": appointment, "desk": appointment.desk, "error": error},
        status=400 if error else 200,
    )
    response["Cache-Control"] = "no-store, private"
    return response


def statistics(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    desk = get_object_or_404(restrict(Desk.objects.select_related("municipality"), request.user, "view"), pk=pk)
    if not can(request.user, "statistics", desk):
        raise PermissionDenied(_("You are not allowed to see the statistics of this desk."))
    form = StatisticsForm(request.GET or None)
    start, end = form.period()
    if not form.is_bound:
        form = StatisticsForm(initial={"from": start, "to": end})
    stats = selectors.desk_statistics(desk=desk, start=start, end=end)
    export = request.GET.get("_export")
    if export in ("csv", "xlsx"):
        data = tablib.Dataset(headers=[_("Figure"), _("Item"), _("Count")])
        data.append([_("Cases"), _("All"), stats.cases])
        data.append([_("Cases"), _("Anonymous"), stats.anonymous])
        for row in stats.rows():
            data.append(list(row))
        filename = f"sportello-{desk.pk}-{start:%Y%m%d}-{end:%Y%m%d}.{export}"
        return dataset_response(data, export, filename)
    sections = []
    for key, title, figures in stats.sections():
        top = max([n for _label, n in figures] + [1])
        sections.append(
            {"key": key, "title": title, "rows": [(label, n, round(100 * n / top)) for label, n in figures]}
        )
    query = {"from": start.isoformat(), "to": end.isoformat()}
    context = {
        "desk": desk,
        "form": form,
        "stats": stats,
        "sections": sections,
        "exports": [(fmt.upper(), "?" + urllib.parse.urlencode({**query, "_export": fmt})) for fmt in ("csv", "xlsx")],
    }
    return render(request, "helpdesk/statistics.html", context, status=400 if form.errors else 200)


class AppointmentStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (AppointmentStatus.ATTENDED, AppointmentStatus.ATTENDED.label),
            (AppointmentStatus.NO_SHOW, AppointmentStatus.NO_SHOW.label),
            (AppointmentStatus.CANCELLED, gettext_lazy("Cancel the appointment (the place becomes free)")),
        ],
        widget=forms.RadioSelect,
    )


class AppointmentStatusView(WorkflowStep):
    """The desk's operator records whether the citizen came (or cancels for them)."""

    model = Appointment
    title = gettext_lazy("Outcome of the appointment")
    button = gettext_lazy("Save")
    form_class = AppointmentStatusForm

    def perform(self, form: forms.Form) -> str:
        appointment = services.appointment_set_status(
            appointment=self.object,  # type: ignore[arg-type]
            status=form.cleaned_data["status"],
            by=self.request.user,
        )
        return _("The appointment is now “%(status)s”.") % {"status": appointment.get_status_display()}


def appointment_case(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Log the case" from an appointment: its case if there is one, else the case form filled in."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    appointment = get_object_or_404(restrict(Appointment.objects.select_related("desk"), request.user, "view"), pk=pk)
    if not can(request.user, "change", appointment):
        raise PermissionDenied(_("You are not allowed to do this on this record."))
    existing = getattr(appointment, "case", None)
    if existing is not None:
        return HttpResponseRedirect(reverse("helpdesk:case_detail", args=[existing.pk]))
    # Only the appointment's id goes in the address: the form reads the citizen's details from it.
    return HttpResponseRedirect(reverse("helpdesk:case_add") + "?" + urllib.parse.urlencode({"appointment": pk}))
