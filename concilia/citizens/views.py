"""Citizens' pages: registration and its confirmation, the login through SPID and CIE, the personal area.

The views parse and render; the services (``services.py``) and the OpenID Connect backend decide.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from concilia.benefits.apply_views import visible_applications
from concilia.citizens import services
from concilia.citizens.forms import RegistrationForm
from concilia.citizens.models import Citizen, CitizenIdentity
from concilia.core.models import Notification
from concilia.core.privacy_notices import CITIZEN_ACCOUNTS, notice_for
from concilia.core.throttling import throttle

log = logging.getLogger("concilia.citizens")


# --- registration ------------------------------------------------------------------------------


@method_decorator(throttle("registration"), name="dispatch")
class RegisterView(View):
    """The registration form; the same answer whether the address is new or already has an account."""

    template_name = "citizens/register.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("citizens:area")
        return render(request, self.template_name, {"form": RegistrationForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            return redirect("citizens:area")
        form = RegistrationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.citizen_register(
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    password=data["password1"],
                    privacy_accepted=data["privacy"],
                    site_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("citizens:register_done")
        return render(request, self.template_name, {"form": form}, status=400)


def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "citizens/register_done.html", {"hours": settings.CITIZEN_VERIFICATION_HOURS})


@method_decorator(never_cache, name="dispatch")
class VerifyView(View):
    """The e-mailed link: a page with one button (a mail scanner opening the link confirms nothing)."""

    template_name = "citizens/verify.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            user = services.check_verification_token(token)
        except ValidationError as exc:
            return render(request, self.template_name, {"error": exc.messages[0], "code": exc.code}, status=400)
        return render(request, self.template_name, {"person": user})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            services.citizen_verify_email(token=token)
        except ValidationError as exc:
            return render(request, self.template_name, {"error": exc.messages[0], "code": exc.code}, status=400)
        messages.success(request, _("Your e-mail address is confirmed: log in with it and your password."))
        return redirect(reverse("login") + "?next=" + reverse("citizens:area"))


# --- login through OpenID Connect (SPID, CIE) ------------------------------------------------------


class OIDCStartView(OIDCAuthenticationRequestView):
    """“Log in with SPID / CIE”: to the provider, with a new state, nonce and PKCE challenge in the session."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the library reads its settings here; they exist only with USE_OIDC

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.USE_OIDC:
            raise Http404
        if request.user.is_authenticated:
            return redirect("citizens:area")
        self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: the citizen is logged in, or told that the login did not succeed.

    A refused answer (a wrong state, nonce, signature, issuer or audience, a provider that cannot be
    reached) is logged and leads back to the login page with a message, never to an error page.
    """

    next_url: str | None = None

    def get(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.USE_OIDC:
            raise Http404
        # Read before the login: a login of another user than the session's empties the session.
        self.next_url = request.session.get("oidc_login_next")
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException) as exc:
            log.warning("citizen login through OpenID Connect refused: %s", exc)
            return self.login_failure()

    @property
    def success_url(self) -> str:
        return self.next_url or reverse("citizens:area")

    @property
    def failure_url(self) -> str:
        return reverse("login")

    def login_failure(self) -> HttpResponseRedirect:
        if self.request.GET.get("error") == "access_denied":
            messages.info(self.request, _("You stopped the login with SPID or CIE: nothing has changed."))
        else:
            messages.error(
                self.request,
                _("The login with SPID or CIE did not succeed: try again, or log in with your e-mail address."),
            )
        return HttpResponseRedirect(self.failure_url)


# --- the personal area -------------------------------------------------------------------------


@login_required
def area(request: HttpRequest) -> HttpResponse:
    """The citizen's personal area: who they are for Concilia and how they log in. Staff go to their work area."""
    citizen = Citizen.objects.select_related("user").filter(user=request.user).first()
    if citizen is None:
        return redirect("portal:area")
    user = citizen.user
    identities = list(CitizenIdentity.objects.filter(user=user).order_by("issuer", "subject"))
    tax_codes = sorted({i.tax_code for i in identities if i.tax_code})
    return render(
        request,
        "citizens/area.html",
        {
            "citizen": citizen,
            "person": user,
            "identities": identities,
            "tax_codes": tax_codes,
            "has_password": user.has_usable_password(),
            "notice": notice_for(citizen.privacy_notice or CITIZEN_ACCOUNTS),
            "notifications": Notification.objects.filter(user=user)[:10],
            "applications": visible_applications(user).order_by("-created_at")[:10],
        },
    )
