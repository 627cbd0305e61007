from django.urls import URLPattern, URLResolver, path

from concilia.core.registry import registers
from concilia.core.throttling import throttle
from concilia.registry import views

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.SearchView.as_view(), name="search"),
    path("profilo/<int:pk>/", throttle("relay")(views.ProfileView.as_view()), name="profile"),
    path("iscrizione/", throttle("registration")(views.EnrolView.as_view()), name="enrol"),
    path("iscrizione/inviata/", views.EnrolDoneView.as_view(), name="enrol_done"),
    path("iscritti/<int:pk>/iscrivi/", views.ListStepView.as_view(), name="babysitter_list_step"),
    path("iscritti/<int:pk>/respingi/", views.RejectStepView.as_view(), name="babysitter_reject"),
    path("iscritti/<int:pk>/sospendi/", views.SuspendStepView.as_view(), name="babysitter_suspend"),
    path("iscritti/<int:pk>/riattiva/", views.ReinstateStepView.as_view(), name="babysitter_reinstate"),
    path("iscritti/<int:pk>/rinnova/", views.RenewStepView.as_view(), name="babysitter_renew"),
]
for _reg in registers("registry"):
    urlpatterns += _reg.urls()
