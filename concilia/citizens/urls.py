"""Citizens' pages under ``/cittadini/``."""

from django.urls import path

from concilia.citizens import views

app_name = "citizens"
urlpatterns = [
    path("registrazione/", views.RegisterView.as_view(), name="register"),
    path("registrazione/inviata/", views.register_done, name="register_done"),
    path("conferma/<str:token>/", views.VerifyView.as_view(), name="verify"),
    path("spid-cie/", views.OIDCStartView.as_view(), name="oidc_start"),
    path("spid-cie/ritorno/", views.OIDCCallbackView.as_view(), name="oidc_callback"),
    path("area-personale/", views.area, name="area"),
]
