"""The local provider's own pages: its login, and its authorization endpoint seeing only its own identities.

The provider runs inside Concilia but keeps its sign-in apart from Concilia's: who is signed in *at the
provider* is one key of the browser's session (:data:`SESSION_KEY`), never Concilia's login. Its
authorization endpoint sees that identity as the user (or nobody, and then sends the browser to this
login page), so a person signed in to Concilia as staff is not taken for an identity of the provider, and
an identity of the provider never becomes a Concilia login.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from oidc_provider import views as provider_views
from oidc_provider.lib.errors import ClientIdError, RedirectUriError
from oidc_provider.lib.utils.common import get_issuer, get_site_url

from concilia.citizens.idp.models import LocalIdentity
from concilia.core import clock
from concilia.core.throttling import throttle

SESSION_KEY = "concilia_idp_identity"
"""The session key of the identity signed in at the local provider."""


class IdentityLoginForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identity: LocalIdentity | None = None
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        identity = LocalIdentity.objects.select_related("user").filter(username=data.get("username", "")).first()
        if identity is None or not identity.check_password(data.get("password", "")):
            raise forms.ValidationError(_("Wrong user name or password."), code="invalid_login")
        self.identity = identity
        return data


def _next_url(request: HttpRequest) -> str:
    """Where to go after the login: an address of this provider only (its authorization request)."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    prefix = settings.OIDC_LOCAL_PROVIDER_PATH + "/"
    safe = url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return value if safe and value.startswith(prefix) else ""


def signed_in_identity(request: HttpRequest) -> LocalIdentity | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return LocalIdentity.objects.select_related("user").filter(pk=pk).first()


@method_decorator(never_cache, name="dispatch")
@method_decorator(throttle("login"), name="dispatch")
class LoginView(View):
    """The provider's login page: one of its identities, with its password (the demo's are on the page)."""

    template_name = "citizens/idp/login.html"

    def context(self, request: HttpRequest, form: IdentityLoginForm) -> dict[str, Any]:
        return {
            "form": form,
            "next": _next_url(request),
            "examples": LocalIdentity.objects.filter(is_example=True).order_by("username"),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self.context(request, IdentityLoginForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = IdentityLoginForm(request.POST)
        if not form.is_valid() or form.identity is None:
            return render(request, self.template_name, self.context(request, form), status=400)
        identity = form.identity
        # A new session key for the sign-in (as a login does), the session's other contents kept.
        request.session.cycle_key()
        request.session[SESSION_KEY] = identity.pk
        identity.user.last_login = clock.now()  # the ID token's auth_time
        identity.user.save(update_fields=["last_login"])
        return HttpResponseRedirect(_next_url(request) or reverse("citizens:area"))


class AuthorizeView(provider_views.AuthorizeView):
    """django-oidc-provider's authorization endpoint, with the provider's identity as the user."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        identity = signed_in_identity(request)
        request.user = identity.user if identity is not None else AnonymousUser()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """The consent form's answer; an unknown client or address is refused with the error page, as on GET."""
        try:
            return super().post(request, *args, **kwargs)
        except (ClientIdError, RedirectUriError) as error:
            context = {"error": error.error, "description": error.description}
            return render(request, settings.OIDC_TEMPLATES["error"], context, status=400)


def discovery(request: HttpRequest) -> JsonResponse:
    """The provider's metadata (OpenID Connect Discovery), naming only the endpoints that are mounted."""
    site = get_site_url(request=request)
    response = JsonResponse(
        {
            "issuer": get_issuer(site_url=site, request=request),
            "authorization_endpoint": site + reverse("oidc_provider:authorize"),
            "token_endpoint": site + reverse("oidc_provider:token"),
            "userinfo_endpoint": site + reverse("oidc_provider:userinfo"),
            "jwks_uri": site + reverse("oidc_provider:jwks"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "given_name", "family_name", "name", "email", settings.OIDC_TAX_CODE_CLAIM],
        }
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
