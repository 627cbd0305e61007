"""The public portal's own pages."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from concilia.core.permissions import restrict
from concilia.network.models import Alliance, Contact, Network, Organisation


def home(request: HttpRequest) -> HttpResponse:
    networks = (
        restrict(Network.objects.all(), request.user, "view")
        .filter(ended_on__isnull=True)
        .select_related("coordinator", "agency")
        .annotate(member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
        .order_by("name")
    )
    alliances = (
        restrict(Alliance.objects.all(), request.user, "view").select_related("lead").order_by("-formed_on", "name")[:6]
    )
    counts = {
        "networks": restrict(Network.objects.all(), request.user, "view").count(),
        "alliances": restrict(Alliance.objects.all(), request.user, "view").count(),
        "organisations": restrict(Organisation.objects.all(), request.user, "view").count(),
    }
    return render(request, "portal/home.html", {"networks": networks, "alliances": alliances, "counts": counts})


def credits(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/credits.html")


def contacts(request: HttpRequest) -> HttpResponse:
    """Whom to contact: each active network's coordinator and the public contacts of its members."""
    networks = (
        restrict(Network.objects.filter(ended_on__isnull=True), request.user, "view")
        .select_related("coordinator", "coordinator__municipality")
        .order_by("name")
    )
    public_contacts = (
        restrict(Contact.objects.all(), request.user, "view")
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    return render(request, "portal/contacts.html", {"networks": networks, "contacts": public_contacts})
