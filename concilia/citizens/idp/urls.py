"""The local provider's addresses, under ``/spid-cie-demo/`` (mounted only when ``OIDC_LOCAL_PROVIDER`` is on).

Two URL namespaces: ``oidc_provider`` for the OpenID Connect endpoints (django-oidc-provider reverses its own
names), ``citizens_idp`` for the provider's login page. Only the endpoints of the code flow are mounted:
authorization, token, userinfo, the signing keys and the discovery document that names them; not the
introspection or end-session endpoints, which Concilia does not use.
"""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from oidc_provider import views as provider_views

from concilia.citizens.idp import views

provider_patterns = [
    path("authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path("token/", csrf_exempt(provider_views.TokenView.as_view()), name="token"),
    path("userinfo/", csrf_exempt(provider_views.userinfo), name="userinfo"),
    path("jwks/", provider_views.JwksView.as_view(), name="jwks"),
    path(".well-known/openid-configuration", views.discovery, name="provider-info"),
]

urlpatterns = [
    path("accesso/", views.LoginView.as_view(), name="login"),
]
