"""The public portal's own pages (home, credits, contacts, privacy notices), the favicon and the page of a server error."""

from __future__ import annotations

import logging

from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from concilia.core import privacy_notices
from concilia.core.permissions import restrict
from concilia.network.models import Alliance, Contact, Membership, Network, Organisation

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    networks = (
        restrict(Network.objects.current_on(), request.user, "view")
        .select_related("coordinator", "agency")
        .annotate(
            member_count=Count(
                "memberships", filter=Q(memberships__in=Membership.objects.current_on().values("pk")), distinct=True
            )
        )
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
    from concilia.core.sources import SEEDS

    return render(request, "portal/credits.html", {"seeds": list(SEEDS.values())})


def contacts(request: HttpRequest) -> HttpResponse:
    """Whom to contact: each active network's coordinator and the public contacts of its members."""
    networks = (
        restrict(Network.objects.current_on(), request.user, "view")
        .select_related("coordinator", "coordinator__municipality")
        .order_by("name")
    )
    public_contacts = (
        restrict(Contact.objects.all(), request.user, "view")
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    return render(request, "portal/contacts.html", {"networks": networks, "contacts": public_contacts})


def privacy_index(request: HttpRequest) -> HttpResponse:
    """Every privacy notice, one per purpose (``concilia.core.privacy_notices``)."""
    return render(
        request,
        "portal/privacy_index.html",
        {"notices": privacy_notices.NOTICES, "garante_url": privacy_notices.GARANTE_URL},
    )


def privacy_notice(request: HttpRequest, slug: str) -> HttpResponse:
    """One purpose's notice (GDPR art. 13/14), with its retention period read from the settings."""
    notice = privacy_notices.notice_for(slug)
    if notice is None:
        raise Http404
    return render(
        request,
        "portal/privacy_notice.html",
        {"notice": notice, "notices": privacy_notices.NOTICES, "garante_url": privacy_notices.GARANTE_URL},
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, for the clients that ask for it without reading the page's ``<link rel="icon">``.

    A temporary redirect: the static file's (hashed) name changes with its content.
    """
    return HttpResponseRedirect(static("concilia/favicon.ico"))


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the site's page, rendered without the request (no context processor, no query).

    So it shows when the database is what failed; a page without the layout if even the template
    cannot be rendered (a static file missing from the manifest, say).
    """
    html: str
    try:
        html = render_to_string("500.html")
    except Exception:
        logger.exception("The page of a server error could not be rendered")
        title = escape(_("Server error"))
        text = escape(_("Something went wrong on our side. Please try again in a few minutes."))
        html = (
            f'<!DOCTYPE html><html lang="{get_language() or "it"}"><head><meta charset="utf-8">'
            f"<title>{title} · Concilia</title></head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
        )
    return HttpResponseServerError(html)
