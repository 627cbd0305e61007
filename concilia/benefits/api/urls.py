"""Endpoints of the families' side (mounted at ``/api/benefits/``)."""

from django.urls import URLPattern, URLResolver, path

from concilia.benefits.api import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("household/", v.HouseholdEndpoint.as_view(), name="api-benefits-household"),
    path("calls/", v.CallsEndpoint.as_view(), name="api-benefits-calls"),
    path("applications/", v.ApplicationsEndpoint.as_view(), name="api-benefits-applications"),
    path("applications/<int:pk>/", v.ApplicationEndpoint.as_view(), name="api-benefits-application"),
    path("applications/<int:pk>/children/", v.ChildrenEndpoint.as_view(), name="api-benefits-application-children"),
    path(
        "applications/<int:pk>/preferences/",
        v.PreferencesEndpoint.as_view(),
        name="api-benefits-application-preferences",
    ),
    path(
        "applications/<int:pk>/declarations/",
        v.DeclarationsEndpoint.as_view(),
        name="api-benefits-application-declarations",
    ),
    path("applications/<int:pk>/submit/", v.SubmitEndpoint.as_view(), name="api-benefits-application-submit"),
    path("applications/<int:pk>/withdraw/", v.WithdrawEndpoint.as_view(), name="api-benefits-application-withdraw"),
    path("applications/<int:pk>/ranking/", v.RankingEndpoint.as_view(), name="api-benefits-application-ranking"),
    path("applications/<int:pk>/place/", v.PlaceEndpoint.as_view(), name="api-benefits-application-place"),
    path(
        "applications/<int:pk>/place/answer/",
        v.PlaceAnswerEndpoint.as_view(),
        name="api-benefits-application-place-answer",
    ),
]
