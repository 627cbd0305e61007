"""Endpoints of the helpdesk app beside the registers' CRUD routes (mounted at ``/api/helpdesk/``)."""

from django.urls import URLPattern, URLResolver, path

from concilia.helpdesk.api import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("desks/<int:pk>/slots/", v.SlotsEndpoint.as_view(), name="api-desk-slots"),
    path("desks/<int:pk>/book/", v.BookEndpoint.as_view(), name="api-desk-book"),
    path("desks/<int:pk>/statistics/", v.StatisticsEndpoint.as_view(), name="api-desk-statistics"),
    path("appointments/cancel/", v.CancelEndpoint.as_view(), name="api-appointment-cancel"),
    path("appointments/<int:pk>/status/", v.AppointmentStatusEndpoint.as_view(), name="api-appointment-status"),
]
