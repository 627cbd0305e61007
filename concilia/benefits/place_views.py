"""Places of a place call, as pages: the family's place (accept, refuse, the decision letter), the coordinators'
list with the button that offers the places, and the providers' list of their children to enrol.

Every write calls one service of :mod:`concilia.benefits.services.places`; a refusal is shown as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concilia.accounts.choices import Role
from concilia.benefits import services
from concilia.benefits.apply_views import visible_applications
from concilia.benefits.choices import PlaceStatus
from concilia.benefits.models import Application, Place
from concilia.benefits.receipts import place_letter_pdf
from concilia.core import clock
from concilia.core.permissions import is_coordinator, scope_of
from concilia.core.workflow_views import refuse
from concilia.programming.choices import CallKind
from concilia.programming.models import Call


def _places_of(application: Application) -> QuerySet[Place]:
    return application.places.select_related("offer__service__municipality", "call").order_by("-offered_at", "-pk")


@login_required
def place(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's place: where, until when to answer, accept or refuse; the places before it."""
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    places = list(_places_of(application))
    if not places:
        raise Http404(_("No place has been offered to this application."))
    current = places[0]
    can_answer = (
        current.status == PlaceStatus.OFFERED
        and clock.now() < current.answer_by
        and application.household.owner_id == request.user.pk
    )
    return render(
        request,
        "benefits/place.html",
        {
            "application": application,
            "place": current,
            "offer_name": services.offer_name(current.offer),
            "earlier": places[1:],
            "can_answer": can_answer,
        },
    )


@login_required
@require_POST
def place_answer(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    current = _places_of(application).filter(status=PlaceStatus.OFFERED).first()
    if current is None:
        raise Http404(_("No place waits for an answer."))
    accept = request.POST.get("answer") == "accept"
    try:
        services.place_answer(place=current, accept=accept, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Place accepted.") if accept else _("Place refused: it goes to the next family."))
    return HttpResponseRedirect(reverse("benefits:place", args=[application.pk]))


@login_required
def place_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision letter of the application's current place, as PDF."""
    application = get_object_or_404(visible_applications(request.user), pk=pk)
    current = _places_of(application).first()
    if current is None:
        raise Http404(_("No place has been offered to this application."))
    response = HttpResponse(place_letter_pdf(current), content_type="application/pdf")
    name = (application.protocol or str(application.pk)).replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="posto-{name}.pdf"'
    return response


def _coordinated_call(request: HttpRequest, pk: int) -> Call:
    call = get_object_or_404(Call.objects.filter(kind=CallKind.FAMILY_PLACES), pk=pk)
    if not is_coordinator(call.network_id, request.user):
        raise PermissionDenied(_("Only the coordinators of the call's network may do this."))
    return call


@login_required
def call_places(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's places by state (protocol numbers and offers), and the button that offers them."""
    call = _coordinated_call(request, pk)
    if request.method == "POST":
        try:
            made = services.places_offer(call=call, by=request.user)
        except (ValidationError, PermissionDenied) as exc:
            refuse(request, exc)
        else:
            messages.success(request, _("%(n)s places offered: the families are told.") % {"n": len(made)})
        return HttpResponseRedirect(reverse("benefits:call_places", args=[call.pk]))
    rows = (
        Place.objects.filter(call=call)
        .select_related("application", "offer__service", "seat")
        .order_by("offer__service__name", "seat__number", "offered_at")
    )
    return render(
        request,
        "benefits/call_places.html",
        {
            "call": call,
            "rows": rows,
            "ranking": services.published_ranking(call),
            "counts": {s.label: rows.filter(status=s.value).count() for s in PlaceStatus},
        },
    )


def _provider_places(user: object) -> QuerySet[Place]:
    scope = scope_of(user)
    rows = Place.objects.select_related("application__child", "offer__service", "call")
    if scope.is_admin:
        return rows
    return rows.filter(offer__service__provider_id__in=scope.organisation_ids(Role.SERVICE_PROVIDER))


@login_required
def provider_places(request: HttpRequest) -> HttpResponse:
    """The provider's area: the places its services were given, to confirm each child's enrolment."""
    scope = scope_of(request.user)
    if not (scope.is_admin or scope.has_role(Role.SERVICE_PROVIDER)):
        raise PermissionDenied(_("Only a service's provider sees the places of its services."))
    rows = _provider_places(request.user).exclude(status__in=[PlaceStatus.REFUSED, PlaceStatus.EXPIRED])
    return render(request, "benefits/provider_places.html", {"rows": rows.order_by("offer__service__name", "pk")})


@login_required
@require_POST
def place_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(_provider_places(request.user), pk=pk)
    try:
        services.place_enrol(place=row, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        refuse(request, exc)
    else:
        messages.success(request, _("Enrolment confirmed: %(protocol)s.") % {"protocol": row.application.protocol})
    return HttpResponseRedirect(reverse("benefits:provider_places"))
