from django.urls import URLPattern, URLResolver, path

from concilia.core.registry import registers
from concilia.core.throttling import throttle
from concilia.helpdesk import views

app_name = "helpdesk"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", throttle("booking")(views.public_detail), name="public_detail"),
    path("<int:pk>/statistiche/", views.statistics, name="statistics"),
    path("prenotazione/<str:token>/", views.booking, name="booking"),
    path("prenotazione/<str:token>/appuntamento.ics", views.booking_calendar, name="booking_calendar"),
    path("prenotazione/<str:token>/disdici/", views.booking_cancel, name="booking_cancel"),
    path("appuntamenti/<int:pk>/esito/", views.AppointmentStatusView.as_view(), name="appointment_status"),
    path("appuntamenti/<int:pk>/scheda/", views.appointment_case, name="appointment_case"),
]
for _reg in registers("helpdesk"):
    urlpatterns += _reg.urls()
