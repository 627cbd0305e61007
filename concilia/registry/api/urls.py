"""Endpoints of the registry app beside the registers' CRUD routes (mounted at ``/api/registry/``)."""

from django.urls import URLPattern, URLResolver, path

from concilia.registry.api import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("search/", v.SearchEndpoint.as_view(), name="api-registry-search"),
    path("babysitters/<int:pk>/public/", v.PublicProfileEndpoint.as_view(), name="api-registry-public"),
    path("babysitters/<int:pk>/contact/", v.ContactEndpoint.as_view(), name="api-registry-contact"),
    path("babysitters/<int:pk>/list/", v.ListEndpoint.as_view(), name="api-registry-list"),
    path("babysitters/<int:pk>/reject/", v.RejectEndpoint.as_view(), name="api-registry-reject"),
    path("babysitters/<int:pk>/suspend/", v.SuspendEndpoint.as_view(), name="api-registry-suspend"),
    path("babysitters/<int:pk>/reinstate/", v.ReinstateEndpoint.as_view(), name="api-registry-reinstate"),
    path("babysitters/<int:pk>/renew/", v.RenewEndpoint.as_view(), name="api-registry-renew"),
]
